"""The small-sample pre-test of parallel trends (kip_analysis.estimators.pretest): the F form of a
cohort's Wald statistic is Hotelling's, untestable cohorts are said so, the combinations are
Fisher's and Bonferroni's, and on a placebo panel the chi-square reading rejects where the
small-sample one does not. Also the bisected honest-DiD breakdown value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kip_analysis.analyses.effects import estimates, robustness
from kip_analysis.data.simulated_panel import simulate_panel
from kip_analysis.estimators import fastdid, pretest


def _one_cohort(x: np.ndarray, n_controls: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, int]:
    """A cohort whose pre-period cells are the means of x (n_g x p), with their influence functions."""
    n_g, p = x.shape
    n = n_g + n_controls
    b = x.mean(axis=0)
    inf = np.zeros((n, p))
    inf[:n_g] = (x - b) * n / n_g  # scaled to the full sample, as R did and fastdid keep them
    att = pd.DataFrame({"group": 2020, "time": np.arange(2010, 2010 + p), "att": b})
    G = np.r_[np.full(n_g, 2020.0), np.zeros(n_controls)]
    return att, inf, G, n


def test_cohort_f_equals_hotelling_t2_by_scipy():
    rng = np.random.default_rng(5)
    x = rng.normal(0.1, 1.0, (15, 6))
    table = pretest.cohort_pretests(*_one_cohort(x, n_controls=40))
    row = table.iloc[0]
    n_g, p = x.shape
    diff = x.mean(axis=0)
    t2 = n_g * diff @ np.linalg.solve(np.cov(x, rowvar=False), diff)  # Hotelling's T^2, unbiased covariance
    f = t2 * (n_g - p) / (p * (n_g - 1))
    assert (row["n_g"], row["p_g"]) == (n_g, p)
    assert row["f_stat"] == pytest.approx(f, rel=1e-10)
    assert row["f_p"] == pytest.approx(stats.f.sf(f, p, n_g - p), rel=1e-10)
    assert row["chi2_p"] == pytest.approx(stats.chi2.sf(row["wald"], p), rel=1e-10)
    assert pretest.small_sample_f(row["wald"], n_g, p) == pytest.approx((f, stats.f.sf(f, p, n_g - p)))


def test_f_reference_holds_its_size_where_chi_square_does_not():
    rng = np.random.default_rng(11)
    n_g, p = 16, 12  # barely more units than cells, as the KIP cohorts
    f_p, chi_p = [], []
    for _ in range(2000):
        row = pretest.cohort_pretests(*_one_cohort(rng.normal(0, 1, (n_g, p)))).iloc[0]
        f_p.append(row["f_p"])
        chi_p.append(row["chi2_p"])
    assert abs(np.mean(np.array(f_p) < 0.05) - 0.05) < 0.015
    assert np.mean(np.array(chi_p) < 0.05) > 0.5


def test_a_cohort_with_no_more_units_than_cells_is_untestable():
    rng = np.random.default_rng(1)
    table = pretest.cohort_pretests(*_one_cohort(rng.normal(0, 1, (6, 6)), n_controls=20))
    assert not table["testable"].iloc[0] and np.isnan(table["f_p"].iloc[0])
    assert np.isnan(pretest.small_sample_f(3.0, 5, 7)[1])
    combined = pretest.combine([0.2, np.nan, 0.01])
    assert combined["untestable"] == 1 and combined["tested"] == 2
    assert combined["fisher"] == pytest.approx(stats.combine_pvalues([0.2, 0.01], method="fisher")[0])
    assert combined["fisher_p"] == pytest.approx(stats.combine_pvalues([0.2, 0.01], method="fisher")[1])
    assert combined["bonferroni_p"] == pytest.approx(0.02) and pretest.combine([0.9, 0.8])["bonferroni_p"] == 1.0
    assert pretest.combine([np.nan])["tested"] == 0


def test_placebo_panel_chi_square_rejects_and_small_sample_does_not():
    # no effect and random recognition dates among never-recognised firms: parallel trends hold
    sim = simulate_panel(n_firms=2500, seed=4)
    d = estimates.prepare_panel(sim.panel)
    never, ids, labels = robustness.placebo_labels(d, 1, seed=4)
    placebo = never.assign(gname=labels[np.searchsorted(ids, never["id"].to_numpy()), 0])
    fast = fastdid.att_gt(placebo, "y", "year", "id", "gname", "notyettreated", allow_unbalanced=True)
    _, chi_p = fast.pretest()
    table, combined = pretest.small_sample_pretest(fast.att_gt, fast.inffunc, fast.G, fast.n)
    assert chi_p < 1e-6  # R did's chi-square reading
    assert combined["fisher_p"] > 0.2 and combined["bonferroni_p"] > 0.2
    assert (table["chi2_p"] < 0.05).sum() > (table["f_p"] < 0.05).sum()


def test_bisected_breakdown_lies_between_the_grid_points_and_just_touches_zero():
    def interval(m: float) -> tuple[float, float]:
        return 0.1 - 3 * m, 0.5 + m  # includes zero from m = 1/30 on

    rows = pd.DataFrame({"bound": [0.0, 0.02, 0.05], "ci_low": [0.1, 0.04, -0.05], "ci_high": [0.5, 0.52, 0.55]})
    b = robustness._breakdown(interval, rows)
    tol = 1e-3 * 0.03
    assert 0.02 < b <= 0.05 and b == pytest.approx(1 / 30, abs=tol)
    low, high = interval(b)
    assert low <= 0 <= high and abs(low) <= 3 * tol  # touches zero
    assert interval(b - tol)[0] > 0  # a little less and zero is outside
    covered = rows.assign(ci_low=-1.0)
    assert robustness._breakdown(interval, covered) == 0.0
    assert robustness._breakdown(interval, rows.iloc[:2]) == np.inf


@pytest.mark.slow
@pytest.mark.parametrize("control_group", ["notyettreated", "nevertreated"])
def test_fisher_for_many_assignments_equals_one_fit_per_assignment(control_group):
    # the permutation calibration's shortcut (all assignments at once) against fastdid + the
    # cohort pre-tests run on each assignment, on an unbalanced panel (firms enter and exit)
    from kip_analysis.estimators import pretest_many

    sim = simulate_panel(n_firms=2500, seed=4)
    d = estimates.prepare_panel(sim.panel)
    assert d.groupby("id")["year"].size().nunique() > 1  # unbalanced: cells lose units
    never, ids, labels = robustness.placebo_labels(d, 6, seed=4)
    position = np.searchsorted(ids, never["id"].to_numpy())
    one_by_one = [robustness.fisher_statistic(never.assign(gname=labels[position, p]), control_group)
                  for p in range(labels.shape[1])]
    y, seen, tlist = fastdid.wide(never, "y", "year", "id")
    many = pretest_many.fisher_many(y, seen, tlist, labels, control_group)
    np.testing.assert_allclose(many, one_by_one, rtol=1e-10)
    assert len(set(np.round(many, 6))) == len(many)  # the assignments differ
