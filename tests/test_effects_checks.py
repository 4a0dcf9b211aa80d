"""The effects checks a referee asks for: doubly robust and not-yet-treated reference values,
uniform bands that are uniform, one base period, unbalanced panels, the Dask engine, Sun-Abraham
against pyfixest, PPML with zeros, permutation inference, honest DiD and heterogeneity with truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kip_analysis.analyses.effects import estimates, margins, robustness
from kip_analysis.data.simulated_panel import simulate_panel
from kip_analysis.errors import ParameterError
from kip_analysis.estimators import did, fastdid

pytestmark = pytest.mark.slow  # simulated panels and estimator fits: make test, not test-fast

REFERENCE = json.loads((Path(__file__).parent / "reference" / "did_mpdta_covariates.json").read_text())


@pytest.fixture(scope="module")
def mpdta():
    import moderndid

    return pd.read_pickle(Path(moderndid.__file__).parent / "core" / "datasets" / "mpdta_long.pkl.gz")


@pytest.fixture(scope="module")
def sim():
    return simulate_panel(n_firms=4000, seed=7)


@pytest.mark.parametrize("control_group", ["nevertreated", "notyettreated"])
def test_doubly_robust_matches_the_recorded_r_values(mpdta, control_group):
    ref = REFERENCE[control_group]
    cs = did.callaway_santanna(mpdta, "lemp", "year", "countyreal", "first.treat", control_group, ["lpop"])
    ours = cs.att_gt.set_index(["group", "time"])["att"]
    for g, t, value in ref["att_gt"]:
        assert ours.loc[(g, t)] == pytest.approx(value, abs=1e-6)
    if control_group == "nevertreated":  # Stata csdid's printed SEs and aggregations (7 digits)
        se = cs.att_gt.set_index(["group", "time"])["se"]
        assert se.loc[(2004, 2004)] == pytest.approx(ref["se_2004_2004"], abs=2e-7)
        assert se.loc[(2007, 2007)] == pytest.approx(ref["se_2007_2007"], abs=2e-7)
        assert cs.aggregate("simple").overall_att == pytest.approx(ref["simple"], abs=1e-7)
        for kind in ("group", "calendar", "dynamic"):
            table = cs.aggregate(kind).table.set_index("egt")["att"]
            for key, value in ref[kind].items():
                assert table.loc[int(key)] == pytest.approx(value, abs=1e-7)
    else:
        for kind, value in ref["overall"].items():
            assert cs.aggregate(kind).overall_att == pytest.approx(value, abs=1e-6)


def test_uniform_band_covers_all_cells_jointly_and_pointwise_does_not():
    # 300 pure-noise panels (true effects zero): the sup-t band must cover every ATT(g,t) at once
    # about 95% of the time; pointwise intervals cover them all far less often.
    rng = np.random.default_rng(0)
    uniform = pointwise = 0
    n, years = 400, np.arange(1, 9)
    for draw in range(300):
        g = rng.choice([0, 4, 5, 6], size=n)
        y = rng.normal(size=(n, 1)) + rng.normal(size=(n, len(years)))
        d = pd.DataFrame({"id": np.repeat(np.arange(n), len(years)), "t": np.tile(years, n), "y": y.ravel(),
                          "g": np.repeat(g, len(years))})
        fit = fastdid.att_gt(d, "y", "t", "id", "g", "nevertreated")
        se, crit = fastdid.uniform_band(fit.inffunc, biters=499, seed=draw)
        att = fit.att_gt["att"].to_numpy()
        uniform += bool(np.all(np.abs(att) <= crit * se))
        pointwise += bool(np.all(np.abs(att) <= 1.96 * fit.att_gt["se"].to_numpy()))
    assert 0.91 <= uniform / 300 <= 0.99
    assert pointwise / 300 < 0.6


def test_bootstrap_bands_reach_the_att_gt_and_every_aggregation(mpdta):
    cs = did.callaway_santanna(mpdta, "lemp", "year", "countyreal", "first.treat", "nevertreated", ["lpop"],
                               bootstrap=True, biters=999)
    assert cs.critical_value > 2.2  # twelve cells: the sup-t value exceeds the pointwise 1.96
    dyn = cs.aggregate("dynamic")
    assert dyn.critical_value > 1.96
    assert np.allclose(dyn.table["ci_high"] - dyn.table["att"], dyn.critical_value * dyn.table["se"])
    again = did.callaway_santanna(mpdta, "lemp", "year", "countyreal", "first.treat", "nevertreated", ["lpop"],
                                  bootstrap=True, biters=999)
    assert again.critical_value == cs.critical_value  # seeded


def test_universal_base_puts_every_estimate_relative_to_the_year_before(mpdta):
    cs = did.callaway_santanna(mpdta, "lemp", "year", "countyreal", "first.treat", "nevertreated",
                               base_period="universal")
    t = cs.att_gt.set_index(["group", "time"])["att"]
    y = mpdta.pivot(index="countyreal", columns="year", values="lemp")
    g = mpdta.groupby("countyreal")["first.treat"].first()
    for t_ in (2004, 2007):  # cohort 2006: base 2005 before and after
        gap = (y.loc[g == 2006, t_] - y.loc[g == 2006, 2005]).mean() - (y.loc[g == 0, t_] - y.loc[g == 0, 2005]).mean()
        assert t.loc[(2006, t_)] == pytest.approx(gap, abs=1e-12)
    assert (2006, 2005) not in t.index


def test_unbalanced_panel_uses_the_firms_observed_in_both_years(mpdta):
    d = mpdta.drop(index=mpdta.index[(mpdta["countyreal"] % 7 == 0) & (mpdta["year"] == 2005)])
    with pytest.raises(ParameterError, match="not balanced"):
        fastdid.att_gt(d, "lemp", "year", "countyreal", "first.treat", "nevertreated")
    fit = fastdid.att_gt(d, "lemp", "year", "countyreal", "first.treat", "nevertreated", allow_unbalanced=True)
    row = fit.att_gt.set_index(["group", "time"]).loc[(2004, 2005)]
    both = d.pivot(index="countyreal", columns="year", values="lemp")[[2003, 2005]].dropna()
    g = mpdta.groupby("countyreal")["first.treat"].first().reindex(both.index)
    change = both[2005] - both[2003]
    assert row["att"] == pytest.approx(change[g == 2004].mean() - change[g == 0].mean(), abs=1e-12)
    assert row["dropped"] == int(((mpdta["countyreal"] % 7 == 0) & (mpdta["year"] == 2005)
                                  & mpdta["first.treat"].isin([0, 2004])).sum())
    # balanced data: the unbalanced rule changes nothing
    a = fastdid.att_gt(mpdta, "lemp", "year", "countyreal", "first.treat", "nevertreated", 0, ["lpop"])
    b = fastdid.att_gt(mpdta, "lemp", "year", "countyreal", "first.treat", "nevertreated", 0, ["lpop"],
                       allow_unbalanced=True)
    np.testing.assert_allclose(a.att_gt["att"], b.att_gt["att"], atol=1e-10)


@pytest.mark.timeout(240)  # 20 s when it passes; a deadlock of the Dask graph building fails here, with stacks
def test_dask_engine_equals_the_in_memory_path(mpdta, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from dask.distributed import Client, LocalCluster
    from moderndid.dask import _did_mp

    pools = []

    class Recorded(ThreadPoolExecutor):  # the cohort pool that builds the graphs: one thread (no 3.11 deadlock)
        def __init__(self, max_workers=None, *args, **kwargs):
            pools.append(max_workers)
            super().__init__(max_workers, *args, **kwargs)

    monkeypatch.setattr(_did_mp, "ThreadPoolExecutor", Recorded)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        for control_group in ("nevertreated", "notyettreated"):
            a = did.callaway_santanna(mpdta, "lemp", "year", "countyreal", "first.treat", control_group, ["lpop"],
                                      engine="dask", client=client)
            b = did.callaway_santanna(mpdta, "lemp", "year", "countyreal", "first.treat", control_group, ["lpop"])
            np.testing.assert_allclose(a.att_gt["att"], b.att_gt["att"], atol=1e-8)
            np.testing.assert_allclose(a.att_gt["se"], b.att_gt["se"], atol=1e-8)
            for kind in ("simple", "dynamic"):
                assert a.aggregate(kind).overall_att == pytest.approx(b.aggregate(kind).overall_att, abs=1e-8)
                assert a.aggregate(kind).overall_se == pytest.approx(b.aggregate(kind).overall_se, abs=1e-8)
    assert pools == [1, 1]  # two Dask fits, each building its cohorts' graphs from one thread


def test_sun_abraham_equals_pyfixest_saturated_event_study(sim):
    import pyfixest as pf

    data = estimates.prepare_panel(sim.panel)
    fit = pf.event_study(data=data[["y", "id", "year", "gname"]], yname="y", idname="id", tname="year",
                         gname="gname", estimator="saturated", cluster="id")
    ref = fit.aggregate(weighting="shares").reset_index()
    ours = did.sun_abraham(data).set_index("event_time")
    np.testing.assert_allclose(ours.loc[ref["period"].astype(float).astype(int), "estimate"],
                               ref["Estimate"].astype(float), atol=1e-10)
    np.testing.assert_allclose(ours.loc[ref["period"].astype(float).astype(int), "se"],
                               ref["Std. Error"].astype(float), atol=1e-10)


def test_zero_outcomes_are_never_logged_and_ppml_keeps_them(sim):
    data = estimates.prepare_panel(sim.panel, "exporter")
    assert set(data["y"].unique()) == {0.0, 1.0}
    panel = sim.panel.copy()
    before = estimates.prepare_panel(panel, "log_employment").attrs["zero_rows"]
    rows = panel.index[(panel["employment"] > 0) & (panel["kip_round"] == 0)][:50]
    panel.loc[rows, "employment"] = 0
    logged = estimates.prepare_panel(panel, "log_employment")
    assert logged.attrs["zero_rows"] == before + 50 and np.isfinite(logged["y"]).all()
    ppml = margins.ppml_cells(sim.panel)
    truth = margins.true_overall(sim.att_truth, ppml["cells"])
    assert ppml["ci_low"] <= truth <= ppml["ci_high"]
    assert ppml["dropped_firms"] == int((sim.panel.groupby("firm_id")["exports_usd_m"].max() == 0).sum())


def test_ppml_recovers_a_known_ratio_with_zeros():
    rng = np.random.default_rng(1)
    n, years = 3000, np.arange(2014, 2022)
    g = rng.choice([0, 2018], size=n, p=[0.8, 0.2])
    mu = np.exp(rng.normal(0, 1, n)[:, None] + 0.05 * (years - 2014)[None, :]
                + np.log(1.3) * ((g[:, None] == 2018) & (years[None, :] >= 2018)))
    y = rng.poisson(mu)  # many zeros
    panel = pd.DataFrame({"firm_id": np.repeat(np.arange(n), len(years)).astype(str), "year": np.tile(years, n),
                          "kip_round": np.repeat(g, len(years)), "exports_usd_m": y.ravel().astype(float)})
    assert (panel["exports_usd_m"] == 0).mean() > 0.2
    out = margins.ppml_cells(panel)
    assert out["ci_low"] <= np.log(1.3) <= out["ci_high"] and abs(out["estimate"] - np.log(1.3)) < 0.08


def test_vectorised_permutations_equal_the_estimator_one_by_one(sim):
    data = estimates.prepare_panel(sim.panel)
    ids = np.unique(data["id"])
    rng = np.random.default_rng(3)
    real = data.groupby("id")["gname"].first().reindex(ids).to_numpy()
    labels = np.column_stack([real, rng.permutation(real)])
    many = fastdid.simple_att_many(data, "y", "year", "id", labels)
    for p in range(2):
        one = data.assign(gname=data["id"].map(dict(zip(ids, labels[:, p], strict=True))))
        first = one.groupby("id")["year"].transform("min")
        if p:  # a permuted firm recognised before it is observed has no base year: leave it untreated
            one.loc[one["gname"] > 0, "gname"] = np.where(first[one["gname"] > 0] < one.loc[one["gname"] > 0, "gname"],
                                                          one.loc[one["gname"] > 0, "gname"], 0)
            many[p] = fastdid.simple_att_many(one, "y", "year", "id",
                                              one.groupby("id")["gname"].first().reindex(ids).to_numpy()[:, None])[0]
        ref = did.callaway_santanna(one, "y", "year", "id", "gname", "notyettreated",
                                    allow_unbalanced=True).aggregate("simple").overall_att
        assert many[p] == pytest.approx(ref, abs=1e-12)
    test = robustness.permutation_test(data, 1.0, "notyettreated", 19)
    assert test["p_value"] == pytest.approx(1 / 20)  # nothing as large as an effect of 100 log points


def test_honest_did_breakdown_brackets_zero(sim):
    data = estimates.prepare_panel(sim.panel)
    _, cs = robustness.event_study(data, "notyettreated", ("size_base", "fdi"), 0, 0)
    table, breakdown = robustness.honest_did(cs)
    rm = table[table["restriction"].str.startswith("relative")]
    b = breakdown["relative_magnitudes"]
    if 0 < b < np.inf:
        assert not ((rm["bound"] < b - 1e-9) & (rm["ci_low"] <= 0) & (rm["ci_high"] >= 0)).any()
        assert ((rm["bound"] >= b) & (rm["ci_low"] <= 0) & (rm["ci_high"] >= 0)).all()
    widths = (rm["ci_high"] - rm["ci_low"]).to_numpy()
    assert (np.diff(widths) >= -1e-9).all()  # a weaker restriction never narrows the interval


def test_heterogeneity_uses_the_headline_estimator_and_shows_the_truth(sim):
    data = estimates.prepare_panel(sim.panel)
    table = estimates.heterogeneity(data, "sector", "notyettreated", ("size_base", "fdi"), sim.effects)
    assert "true (SIMULATED)" in table.columns
    row = table.dropna(subset=["att"]).iloc[0]
    sub = data[data["sector"] == row["sector"]]
    direct = did.callaway_santanna(sub, "y", "year", "id", "gname", "notyettreated", ["size_base", "fdi"],
                                   allow_unbalanced=True).aggregate("simple").overall_att
    assert row["att"] == pytest.approx(direct)
    assert row["true (SIMULATED)"] == pytest.approx(estimates.true_simple(sim.effects, sub, "log_revenue"))


def test_placebo_dates_find_nothing_where_there_is_nothing(sim):
    data = estimates.prepare_panel(sim.panel)
    placebo = robustness.placebo_dates(data, "notyettreated", ("size_base", "fdi"))
    assert placebo["ci_low"] <= 0 <= placebo["ci_high"] or abs(placebo["estimate"]) < 3 * placebo["se"]


def test_honest_did_says_why_when_a_memo_year_has_one_post_period(sim):
    panel = sim.panel[sim.panel["year"] <= 2018].copy()
    panel.loc[panel["kip_round"] > 2018, "kip_round"] = 0
    data = estimates.prepare_panel(panel)
    _, cs = robustness.event_study(data, "notyettreated", ("size_base", "fdi"), 0, 0)
    table, breakdown = robustness.honest_did(cs)
    assert table.empty and np.isnan(breakdown["relative_magnitudes"])
    assert "this memo year has 1 after" in breakdown["window"]


def test_smoothness_breakdown_is_bisected_to_where_the_interval_touches_zero(sim):
    from moderndid.didhonest.sensitivity import create_sensitivity_results_sm

    data = estimates.prepare_panel(sim.panel)
    _, cs = robustness.event_study(data, "notyettreated", ("size_base", "fdi"), 0, 0)
    table, breakdown = robustness.honest_did(cs, ms=(0.0, 0.005, 0.01, 0.02, 0.04, 0.08))
    grid = table[table["restriction"].str.startswith("smoothness")]
    b = breakdown["smoothness"]
    assert 0 < b < np.inf, "the test needs a breakdown inside the grid"
    covers = (grid["ci_low"] <= 0) & (grid["ci_high"] >= 0)
    assert grid.loc[~covers, "bound"].max() < b <= grid.loc[covers, "bound"].min()
    beta, sigma, n_pre, n_post = robustness._window(cs)

    def flci(m: float) -> tuple[float, float]:
        r = create_sensitivity_results_sm(beta, sigma, n_pre, n_post, method="FLCI", m_vec=np.array([m]),
                                          l_vec=np.full(n_post, 1 / n_post))
        return float(r["lb"][0]), float(r["ub"][0])

    step = grid.loc[covers, "bound"].min() - grid.loc[~covers, "bound"].max()
    low, high = flci(b)
    assert low <= 0 <= high and min(abs(low), abs(high)) < 0.01 * step + 1e-4  # just touches zero
    assert not (flci(b - 2e-3 * step)[0] <= 0 <= flci(b - 2e-3 * step)[1])
