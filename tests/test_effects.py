"""Effects estimators: reference values from R's did on mpdta, hand-built panels where the
answer is known, and the SIMULATED panel's true effects."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kip_analysis.analyses.effects import estimates
from kip_analysis.analyses.effects.params import validate as validate_effects
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.errors import ParameterError
from kip_analysis.estimators import did as effects

REFERENCE = json.loads((Path(__file__).parent / "reference" / "did_mpdta.json").read_text())


@pytest.fixture(scope="module")
def mpdta():
    import moderndid

    path = Path(moderndid.__file__).parent / "core" / "datasets" / "mpdta_long.pkl.gz"
    return pd.read_pickle(path)


@pytest.fixture(scope="module", params=["csdid", "fast"])
def cs_mpdta(mpdta, request):
    return effects.callaway_santanna(mpdta, "lemp", "year", "countyreal", "first.treat", "nevertreated",
                                     engine=request.param)


def test_att_gt_matches_r_did(cs_mpdta):
    ours = cs_mpdta.att_gt.set_index(["group", "time"])["att"]
    for g, t, att in REFERENCE["att_gt"]:
        assert ours.loc[(g, t)] == pytest.approx(att, abs=6e-4), (g, t)
    assert cs_mpdta.wald_pvalue == pytest.approx(REFERENCE["pretest_p_value"], abs=1e-5)


def test_dynamic_and_group_aggregations_match_r_did(cs_mpdta):
    dyn = cs_mpdta.aggregate("dynamic")
    assert dyn.overall_att == pytest.approx(REFERENCE["dynamic"]["overall"], abs=6e-4)
    table = dyn.table.set_index("egt")["att"]
    for e, att in REFERENCE["dynamic"]["event_time"].items():
        assert table.loc[int(e)] == pytest.approx(att, abs=6e-4)
    grp = cs_mpdta.aggregate("group")
    assert grp.overall_att == pytest.approx(REFERENCE["group"]["overall"], abs=6e-4)
    for g, att in REFERENCE["group"]["group"].items():
        assert grp.table.set_index("egt").loc[int(g), "att"] == pytest.approx(att, abs=6e-4)


def test_simple_and_calendar_follow_r_formulas(cs_mpdta, mpdta):
    share = mpdta.groupby("countyreal")["first.treat"].first().value_counts(normalize=True)
    att = {(g, t): a for g, t, a in REFERENCE["att_gt"]}
    post = [(g, t) for g, t in att if t >= g]
    simple = sum(share[g] * att[g, t] for g, t in post) / sum(share[g] for g, t in post)
    assert cs_mpdta.aggregate("simple").overall_att == pytest.approx(simple, abs=1e-3)
    cal = cs_mpdta.aggregate("calendar")
    by_t = {t: sum(share[g] * att[g, t] for g, s in post if s == t) / sum(share[g] for g, s in post if s == t)
            for t in sorted({t for _, t in post})}
    for t, value in by_t.items():
        assert cal.table.set_index("egt").loc[t, "att"] == pytest.approx(value, abs=1e-3)
    assert cal.overall_att == pytest.approx(np.mean(list(by_t.values())), abs=1e-3)


def test_two_by_two_by_hand():
    # six treated units rise by 2, six controls by 0.5 (csdid needs at least 6 units a group): ATT = 1.5
    d = pd.DataFrame([{"id": i, "year": t, "gname": 2 if i <= 6 else 0,
                       "y": i + (t - 1) * (2.0 if i <= 6 else 0.5)} for i in range(1, 13) for t in (1, 2)])
    cs = effects.callaway_santanna(d, "y", "year", "id", "gname", "nevertreated")
    assert cs.att_gt["att"].tolist() == pytest.approx([1.5])
    assert effects.twfe(d).att == pytest.approx(1.5)


def _heterogeneous_panel() -> tuple[pd.DataFrame, float]:
    """Noise-free staggered panel with effects growing over time: CS exact, TWFE wrong."""
    rows = []
    for unit in range(30):
        g = (0, 2, 4)[unit % 3]
        for t in range(1, 7):
            effect = (t - g + 1) if g and t >= g else 0.0  # 1, 2, 3, ... years after recognition
            rows.append({"id": unit + 1, "year": t, "gname": g, "y": unit * 0.1 + 0.5 * t + effect})
    d = pd.DataFrame(rows)
    post = d[(d["gname"] > 0) & (d["year"] >= d["gname"])]
    true_simple = float((post["year"] - post["gname"] + 1).mean())  # equal cohort sizes
    return d, true_simple


def test_cs_exact_and_twfe_fails_with_growing_effects():
    d, truth = _heterogeneous_panel()
    cs = effects.callaway_santanna(d, "y", "year", "id", "gname", "nevertreated")
    post = cs.att_gt[cs.att_gt["time"] >= cs.att_gt["group"]]
    assert np.allclose(post["att"], post["time"] - post["group"] + 1)
    assert cs.aggregate("simple").overall_att == pytest.approx(truth)
    assert abs(effects.twfe(d).att - truth) > 0.5  # forbidden comparisons bias TWFE


def test_naive_comparison_is_biased_on_the_simulated_panel():
    firms = load_firm_panel()
    d = estimates.prepare_panel(firms.data)
    left_out = d.attrs["no_pre_period_firms"] + d.attrs["no_base_size_firms"]
    assert d["id"].nunique() + left_out == firms.data["firm_id"].nunique()  # every exclusion is counted
    assert d.attrs["entrants"] > 0 and d.attrs["unbalanced_firms"] > 0
    truth = estimates.true_simple(firms.truth.effects, d, "log_revenue")
    assert effects.naive_comparison(d) > 10 * truth
    cs = effects.callaway_santanna(d, "y", "year", "id", "gname", "notyettreated", ["size_base", "fdi"],
                                   allow_unbalanced=True)
    simple = cs.aggregate("simple")
    assert abs(simple.overall_att - truth) <= 2.5 * simple.overall_se
    plain = effects.callaway_santanna(d, "y", "year", "id", "gname", "notyettreated", allow_unbalanced=True,
                                      base_period="universal")
    assert effects.pretrend_test(plain)["event_time_p"] < 0.01  # selection on trend: unconditional PT fails


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcome": "profit"}, "expected one of log_revenue"),
        ({"control_group": "everyone"}, "expected one of notyettreated, nevertreated"),
        ({"covariates": "size_base + wages"}, "not allowed"),
        ({"variant": "easy"}, "expected one of conditional"),
        ({"n_permutations": 3}, "expected an integer 19-9999"),
        ({"anticipation": -1}, "expected an integer 0-3"),
        ({"n_boot": 5}, "expected an integer 99-9999 or 0"),
    ],
)
def test_effects_params_refused(kwargs, message):
    args = {"data_source": "simulated", "outcome": "log_revenue", "control_group": "notyettreated",
            "covariates": "", "anticipation": 0, "memo_year": 2025, "n_boot": 0, **kwargs}
    with pytest.raises(ParameterError, match=message):
        validate_effects(**args)


def test_callaway_santanna_refuses_bad_arguments(mpdta):
    with pytest.raises(ParameterError, match="control_group"):
        effects.callaway_santanna(mpdta, "lemp", "year", "countyreal", "first.treat", "all")
    with pytest.raises(ParameterError, match="not in the data"):
        effects.callaway_santanna(mpdta, "lemp", "year", "countyreal", "gname", "nevertreated")
    cs = effects.callaway_santanna(mpdta, "lemp", "year", "countyreal", "first.treat", "nevertreated")
    with pytest.raises(ParameterError, match="expected one of simple"):
        cs.aggregate("yearly")
