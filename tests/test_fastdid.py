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


def _drdid_reference(dY, D, X):
    """R DRDID::drdid_panel written out plainly (dense n x k products, one pass per formula)."""
    from kip_analysis.estimators.dr_cells import TRIM_LEVEL, logit

    n = len(D)
    ps = np.minimum(1 / (1 + np.exp(-(X @ logit(X, D)))), 1 - 1e-6)
    trim = np.where(D == 0, ps < TRIM_LEVEL, True)
    X0 = X[D == 0]
    beta = np.linalg.solve(X0.T @ X0, X0.T @ dY[D == 0])
    resid = dY - X @ beta
    w_treat, w_cont = trim * D, trim * ps * (1 - D) / (1 - ps)
    eta_treat = (w_treat @ resid) / w_treat.mean() / n
    eta_cont = (w_cont @ resid) / w_cont.mean() / n
    XpX_inv = np.linalg.inv(X0.T @ X0 / n)
    a1 = X @ (XpX_inv @ (w_treat[:, None] * X).mean(axis=0))
    a3 = X @ (XpX_inv @ (w_cont[:, None] * X).mean(axis=0))
    asy_ps = ((D - ps)[:, None] * X) @ (np.linalg.inv(X.T @ (X * (ps * (1 - ps))[:, None])) * n)
    M2 = X.T @ (w_cont[:, None] * (resid - eta_cont)) / n
    wr = (1 - D)[:, None] * resid
    inf_treat = (w_treat[:, None] * (resid - eta_treat) - wr * a1[:, None]) / w_treat.mean()
    inf_cont = (w_cont[:, None] * (resid - eta_cont) + asy_ps @ M2 - wr * a3[:, None]) / w_cont.mean()
    return eta_treat - eta_cont, inf_treat - inf_cont


@pytest.mark.parametrize("chunk", [7, 1000, 32768])
def test_blocked_doubly_robust_cells_equal_the_plain_formulas(chunk):
    """The blocked, transposed computation (several cells at once) equals DRDID's formulas to 1e-12,
    also with a comparison unit trimmed (propensity score above 0.995)."""
    from kip_analysis.estimators import dr_cells

    rng = np.random.default_rng(7)
    n = 3000
    x1, x2 = rng.normal(size=n), (rng.random(n) < 0.3).astype(float)
    X = np.column_stack([np.ones(n), x1, x2])
    D = (rng.random(n) < 1 / (1 + np.exp(-(-1.5 + 0.8 * x1 + 0.5 * x2)))).astype(float)
    X[0, 1], D[0] = 12.0, 0.0  # a comparison unit that looks treated: trimmed
    assert 1 / (1 + np.exp(-X[0] @ dr_cells.logit(X, D))) > dr_cells.TRIM_LEVEL
    dY = 0.3 * x1[:, None] + rng.normal(size=(n, 3)) + D[:, None] * np.array([0.5, 0.0, -0.2])
    att_ref, inf_ref = _drdid_reference(dY, D, X)
    att, inf, _ = dr_cells.drdid_panel_t(np.ascontiguousarray(dY.T), D, np.ascontiguousarray(X.T), chunk=chunk)
    np.testing.assert_allclose(att, att_ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(inf.T, inf_ref, rtol=0, atol=1e-12 * np.abs(inf_ref).max())
    att1, inf1, _ = dr_cells.drdid_panel(dY[:, 1], D, X)  # the public n x k form, one cell
    np.testing.assert_allclose(att1, att_ref[1:2], rtol=1e-12)
    np.testing.assert_allclose(inf1[:, 0], inf_ref[:, 1], rtol=0, atol=1e-12 * np.abs(inf_ref).max())


def test_logit_stops_under_separation_as_r_glm():
    """Separated data (every unit with x > 0 treated): the deviance converges while the slope drifts;
    the fitted probabilities are 0/1 to machine precision, whatever the starting values."""
    from kip_analysis.estimators import dr_cells

    x = np.linspace(-3, 3, 400)
    X = np.column_stack([np.ones(400), x])
    D = (x > 0).astype(float)
    p = 1 / (1 + np.exp(-np.clip(X @ dr_cells.logit(X, D), -700, 700)))
    assert np.abs(p - D).max() < 1e-6
    warm = dr_cells.logit(X, D, start=np.array([0.1, 2.0]))
    assert np.abs(1 / (1 + np.exp(-np.clip(X @ warm, -700, 700))) - D).max() < 1e-6


def test_unique_by_hashing_equals_numpy():
    values = np.array([2015, 2011, 2015, 2013, 2011])
    for v in (values, values.astype(float), np.array(["b", "a", "b"], dtype=object), np.array([2.0, np.nan, 1.0])):
        expected, inverse = np.unique(v, return_inverse=True)
        got, codes = fastdid._unique(v)
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(codes, inverse)
