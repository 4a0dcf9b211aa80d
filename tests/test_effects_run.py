"""The effects analysis as a function (issue 21): ``run(params)`` in-process gives the Section notebook 02
publishes; its decisions (the memo year's censoring of later rounds, the comparison table and its
intervals, the margins, the census power table) are tested here on numbers, not through a kernel."""

from __future__ import annotations

import numpy as np
import pytest

from kip_analysis.analyses.effects import run as effects_run
from kip_analysis.analyses.effects.params import validate
from kip_analysis.data.firm_panel import load_firm_panel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ran():
    p = validate(n_boot=0, n_permutations=19, memo_year=2022)
    r = effects_run.run(p)
    return p, r, effects_run.section(r, p)


def test_memo_panel_censors_later_rounds_and_years():
    firms = load_firm_panel("simulated")
    panel = effects_run.memo_panel(firms, 2022)
    assert panel["year"].max() == 2022 and panel["kip_round"].max() == 2022
    later = firms.data.loc[firms.data["kip_round"] > 2022, "firm_id"].unique()
    assert len(later) and (panel.loc[panel["firm_id"].isin(later), "kip_round"] == 0).all()
    assert (firms.data["kip_round"].max() > 2022) and firms.data["year"].max() > 2022  # the input is untouched


def test_effects_run_publishes_method_checks_and_one_finding(ran):
    _, r, sec = ran
    assert sec.simulated is True and sec.method_checks[0].startswith("SIMULATED")
    assert len(sec.findings) == 1 and sec.findings[0].startswith("What a census extract could detect")
    mde = next(t for t in sec.tables if t.title.startswith("What a census extract could detect")).frame
    assert mde["treated firms"].tolist()[:2] == [36, 22]
    assert sec.cannot_say and "census" in sec.cannot_say[0].would_settle
    checks = " ".join(sec.method_checks)
    for phrase in ("Pre-test, event-time", "Pre-test, pre-period ATT(g,t)", "breakdown value", "Placebo recognition",
                   "Permutation inference", "PPML", "Estimation sample"):
        assert phrase in checks, phrase
    assert all("SIMULATED" in t.title for t in sec.tables if t.simulated) and sec.tables[0].simulated


def test_comparison_table_and_its_intervals(ran):
    _, r, _ = ran
    c = r.results.comparison.set_index("estimator")
    att, se = c.loc["Callaway–Sant'Anna (simple)", ["estimate", "se"]]
    truth = c.loc["true effect (SIMULATED)", "estimate"]
    assert abs(att - truth) < 3 * se and c.loc["naive comparison", "estimate"] > 1  # selection on levels
    z = (c["ci_high"] - c["estimate"]) / c["se"]
    assert np.allclose(z.dropna(), 1.959963984540054)
    assert np.isnan(c.loc["naive comparison", "ci_low"])  # no interval is invented for the naive comparison


def test_event_study_margins_and_subgroups(ran):
    _, r, _ = ran
    es = r.results.event_study
    assert (es.loc[es["event_time"] == -1, "estimate"] == 0).all() and es["covariate_adjusted"].any()
    assert "pointwise" in r.results.event_fig._kip_caption  # n_boot = 0: no uniform band is claimed
    m = r.results.margins.set_index("outcome")
    assert {"exporter (share of firms)", "exports (USD, zeros kept)"} == set(m.index) and m["truth"].notna().all()
    assert set(r.results.heterogeneity["by"]) == set(effects_run.SUBGROUPS)
    assert r.results.permutation["n_permutations"] == 19 and 0 < r.results.permutation["p_value"] <= 1
    assert r.calibration is not None and r.balance.shape[0] > 0
