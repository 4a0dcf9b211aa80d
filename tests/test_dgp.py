"""Properties of the SIMULATED data-generating process that make it a test worth passing:
persistent shocks, sector x year shocks, selection on an unobserved trend (parallel trends fail
unconditionally and hold given the covariates, or fail even then), re-recognition, entry,
non-random exit, mostly domestic recognised firms, zero exports, and relocations that follow the
sourced lease ratio year by year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kip_analysis.analyses.effects import estimates
from kip_analysis.data.simulated_panel import ROUND_FIRMS, TrueParameters, simulate_panel
from kip_analysis.estimators import did

pytestmark = pytest.mark.slow  # simulated panels and estimator fits: make test, not test-fast


@pytest.fixture(scope="module")
def sims():
    return {v: simulate_panel(n_firms=12_000, seed=11, variant=v) for v in ("conditional", "unobserved_trend")}


def _residuals(panel: pd.DataFrame) -> pd.DataFrame:
    """log revenue less firm effect, firm trend and sector-year means, never-recognised firms."""
    d = panel[panel["kip_round"] == 0].copy()
    d["y"] = np.log(d["revenue_vnd_bn"])
    d["y"] -= d.groupby(["sector", "year"])["y"].transform("mean")
    out = []
    for _, g in d.groupby("firm_id"):
        if len(g) >= 8:
            X = np.column_stack([np.ones(len(g)), g["year"] - 2010])
            r = g["y"].to_numpy() - X @ np.linalg.lstsq(X, g["y"].to_numpy(), rcond=None)[0]
            out.append(pd.DataFrame({"firm_id": g["firm_id"].iloc[0], "year": g["year"].to_numpy(), "r": r}))
        if len(out) > 2500:
            break
    return pd.concat(out)


def test_shocks_are_persistent_with_a_realistic_within_firm_sd(sims):
    r = _residuals(sims["conditional"].panel)
    assert 0.2 <= r["r"].std() <= 0.35  # after removing a firm trend the AR(1) shock's SD shrinks a little
    r["lag"] = r.groupby("firm_id")["r"].shift()
    rho = r.dropna()[["r", "lag"]].corr().iloc[0, 1]
    assert 0.3 <= rho <= 0.8  # persistent (detrending a short AR(1) series biases rho down)


def test_sector_by_year_shocks_move_sectors_apart():
    sim = simulate_panel(n_firms=6000, seed=3)
    d = sim.panel.assign(y=np.log(sim.panel["revenue_vnd_bn"]))
    means = d.groupby(["sector", "year"])["y"].mean().unstack("sector").diff().dropna()
    assert (means.sub(means.mean(axis=1), axis=0).std() > 0.01).all()


def test_recognised_firms_are_mostly_domestic_and_some_are_re_recognised(sims):
    sim = sims["conditional"]
    firms = sim.panel.groupby("firm_id").agg(g=("kip_round", "first"), own=("ownership", "first"))
    assert (firms.loc[firms["g"] > 0, "own"] == "fdi").mean() < 0.2
    recog = sim.recognitions
    assert len(recog) == sum(ROUND_FIRMS.values()) and recog["firm_id"].nunique() < len(recog)
    again = recog[~recog["first"]]
    first_round = recog[recog["first"]].set_index("firm_id")["round"]
    assert (again["round"].to_numpy() - first_round.reindex(again["firm_id"]).to_numpy() >= 3).all()


def test_entrants_have_no_2010_row_and_exit_follows_bad_shocks(sims):
    panel = sims["conditional"].panel
    first = panel.groupby("firm_id")["year"].min()
    assert (first > 2010).sum() > 1000
    d = panel.assign(y=np.log(panel["revenue_vnd_bn"])).sort_values(["firm_id", "year"])
    d["growth"] = d.groupby("firm_id")["y"].diff()
    last = d.groupby("firm_id")["year"].transform("max")
    exiting = d[(d["year"] == last) & (last < 2025)]["growth"].dropna()
    staying = d[d["year"] < last]["growth"].dropna()
    assert exiting.mean() < staying.mean() - 0.05  # firms leave after bad years: exit is not random


def test_zero_exports_give_an_extensive_margin(sims):
    panel = sims["conditional"].panel
    share = (panel["exports_usd_m"] > 0).mean()
    assert 0.2 < share < 0.8


def _pre_trend(sim, covariates):
    data = estimates.prepare_panel(sim.panel)
    cs = did.callaway_santanna(data, "y", "year", "id", "gname", "notyettreated", covariates,
                               base_period="universal", allow_unbalanced=True)
    t = cs.aggregate("dynamic").table
    far = t["egt"].between(-8, -4).to_numpy()
    inf = cs.dynamic_influence()[:, far].mean(axis=1)  # influence function of the average
    return float(t.loc[far, "att"].mean()), float(np.sqrt(np.mean(inf**2) / len(inf)))


def test_parallel_trends_fail_unconditionally_and_hold_given_the_covariates(sims):
    plain, se = _pre_trend(sims["conditional"], None)
    adjusted, se_adj = _pre_trend(sims["conditional"], ("size_base", "fdi"))
    assert plain < -3 * se  # recognised firms grew faster before recognition
    assert abs(adjusted) < 3 * se_adj


def test_an_unobserved_trend_breaks_conditional_parallel_trends():
    # a larger unobserved trend, so one panel shows it clearly (the benchmark measures the default)
    params = TrueParameters(trend_unobserved_sd=0.04)
    sim = simulate_panel(n_firms=12_000, seed=11, variant="unobserved_trend", params=params)
    adjusted, se_adj = _pre_trend(sim, ("size_base", "fdi"))
    assert adjusted < -3 * se_adj


def test_variant_is_checked():
    with pytest.raises(ValueError, match="variant"):
        simulate_panel(n_firms=100, variant="nope")


def test_relocations_follow_the_like_for_like_lease_ratio(sims):
    # the simulation's places carry Savills' like-for-like R_t by year (2019 derived, 2020, 2021; carried after)
    sim = sims["conditional"]
    df = sim.panel
    at_risk = df.groupby("year")["province"].apply(lambda p: (p == "01").sum()) + df.groupby("year")["relocated"].sum()
    rate = df.groupby("year")["relocated"].sum() / at_risk
    assert 0.002 < rate.loc[2012:2025].mean() < 0.01  # the assumed yearly rate, about 0.5%
    assert set(df.loc[df["relocated"] == 1, "province"]) == {"27", "33", "30"}  # the choice set's neighbours
    lease = sim.places.pivot(index="year", columns="province", values="lease_index")
    assert lease.loc[2020, "01"] == pytest.approx(129 / 87.5) and lease.loc[2021, "01"] == pytest.approx(129 / 96.75)
    assert lease.loc[2015, "01"] == lease.loc[2019, "01"] and lease.loc[2025, "01"] == lease.loc[2021, "01"]


def test_ashenfelter_dip_is_off_by_default_and_biases_the_year_before_base():
    default, off = simulate_panel(n_firms=3000, seed=5), simulate_panel(n_firms=3000, seed=5, dip=False)
    pd.testing.assert_frame_equal(default.panel, off.panel)
    sim = simulate_panel(n_firms=3000, seed=5, dip=True)
    d = estimates.prepare_panel(sim.panel)
    truth = estimates.true_simple(sim.effects, d, "log_revenue")
    covariates = ["size_base", "fdi"]  # parallel trends hold given these, but for the dip
    base_g1 = did.callaway_santanna(d, "y", "year", "id", "gname", "nevertreated", covariates,
                                    allow_unbalanced=True)
    base_g2 = did.callaway_santanna(d, "y", "year", "id", "gname", "nevertreated", covariates, anticipation=1,
                                    allow_unbalanced=True)
    dip = base_g1.aggregate("dynamic").table.set_index("egt").loc[-1]
    assert dip["att"] < -3 * dip["se"]  # the year before recognition dips: the e = -1 check reveals it
    biased, fixed = base_g1.aggregate("simple"), base_g2.aggregate("simple")
    assert biased.overall_att - truth > 3 * biased.overall_se  # base g - 1 overstates the effect
    assert abs(fixed.overall_att - truth) < 2.5 * fixed.overall_se  # base g - 2 (anticipation = 1) does not
