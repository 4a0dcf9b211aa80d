"""The vectorised Callaway & Sant'Anna layer equals csdid to 1e-8 (ATT(g,t), SEs and all four
aggregations), on R did's mpdta and on a SIMULATED firm panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kip_analysis.analyses.effects import estimates
from kip_analysis.data.simulated_panel import simulate_panel
from kip_analysis.errors import ParameterError
from kip_analysis.estimators import did as effects
from kip_analysis.estimators import fastdid

pytestmark = pytest.mark.slow  # simulated panels and estimator fits: make test, not test-fast


def _mpdta() -> tuple[pd.DataFrame, tuple[str, str, str, str], list[str]]:
    import moderndid

    df = pd.read_pickle(Path(moderndid.__file__).parent / "core" / "datasets" / "mpdta_long.pkl.gz")
    return df, ("lemp", "year", "countyreal", "first.treat"), ["lpop"]


def _simulated() -> tuple[pd.DataFrame, tuple[str, str, str, str], list[str]]:
    data = estimates.prepare_panel(simulate_panel(n_firms=5000, seed=3).panel)
    balanced = data[data.groupby("id")["year"].transform("size") == data["year"].nunique()]  # csdid needs balance
    return balanced, ("y", "year", "id", "gname"), ["size_base", "fdi"]


@pytest.mark.parametrize("make", [_mpdta, _simulated], ids=["mpdta", "simulated"])
@pytest.mark.parametrize("control_group", ["nevertreated", "notyettreated"])
@pytest.mark.parametrize("with_covariates", [False, True], ids=["unconditional", "doubly-robust"])
def test_fast_layer_equals_csdid(make, control_group, with_covariates):
    data, names, covariates = make()
    covariates = covariates if with_covariates else None
    lib = effects.callaway_santanna(data, *names, control_group, covariates, engine="csdid")
    fast = fastdid.att_gt(data, *names, control_group, 0, covariates)
    merged = lib.att_gt.merge(fast.att_gt, on=["group", "time"], suffixes=("_lib", "_fast"), validate="one_to_one")
    assert len(merged) == len(lib.att_gt) == len(fast.att_gt)
    np.testing.assert_allclose(merged["att_fast"], merged["att_lib"], atol=1e-8, rtol=0)
    np.testing.assert_allclose(merged["se_fast"], merged["se_lib"], atol=1e-8, rtol=0)
    for kind in effects.AGGREGATIONS:
        a, b = lib.aggregate(kind), fast.aggregate(kind)
        assert b.overall_att == pytest.approx(a.overall_att, abs=1e-8)
        assert b.overall_se == pytest.approx(a.overall_se, abs=1e-8)
        if len(a.table):
            np.testing.assert_allclose(b.table["att"], a.table["att"], atol=1e-8, rtol=0)
            np.testing.assert_allclose(b.table["se"], a.table["se"], atol=1e-8, rtol=0)


def test_fast_layer_refuses_unbalanced_panels():
    data, names, _ = _mpdta()
    with pytest.raises(ParameterError, match="not balanced"):
        fastdid.att_gt(data.iloc[1:], *names)


def test_fast_pretest_equals_r_did():
    data, names, _ = _mpdta()
    fast = effects.callaway_santanna(data, *names, "nevertreated", engine="fast")
    lib = effects.callaway_santanna(data, *names, "nevertreated", engine="csdid")
    assert fast.wald == pytest.approx(lib.wald, abs=1e-8) and fast.wald_pvalue == pytest.approx(0.16812, abs=1e-5)
    np.testing.assert_allclose(fast.dynamic_influence(), lib.dynamic_influence(), atol=1e-8)
