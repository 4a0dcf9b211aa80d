"""Checks on the programme-effects estimates: an event study with one base period for every
estimator, the pre-tests (R did's chi-square Wald and the small-sample test cohort by cohort,
calibrated by permutation), Rambachan-Roth sensitivity (honest DiD) with bisected breakdown
values, placebo recognition dates and permutation inference among never-recognised firms.

May import: errors, memory, estimators (did, did_types, fastdid, pretest, pretest_many).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.errors import ParameterError
from kip_analysis.estimators import did, honest_bias
from kip_analysis.estimators.did_types import Z95
from kip_analysis.memory import shared

#: Event-time window of the event study and of the sensitivity analysis (pre, post).
PRE_WINDOW: tuple[int, int] = (-5, -2)
POST_WINDOW: tuple[int, int] = (0, 3)


def event_study(data: pd.DataFrame, control_group: str, covariates: tuple[str, ...], anticipation: int,
                n_boot: int, seed: int = 20210101,
                twfe: did.Twfe | None = None) -> tuple[pd.DataFrame, did.CSResult]:
    """Event-study estimates relative to one base period, e = -1, for every estimator.

    Callaway & Sant'Anna with a universal base period (doubly robust with ``covariates``, and
    unconditional), Sun & Abraham and the TWFE event study (both relative to e = -1 by
    construction). Columns: estimator, covariate_adjusted, event_time, estimate, se, ci_low,
    ci_high (uniform band for the CS rows when ``n_boot`` > 0). Also returns the CS result
    whose dynamic aggregation feeds the sensitivity analysis. ``twfe``: a TWFE fit already made.
    """
    rows = []
    cs = did.callaway_santanna(data, "y", "year", "id", "gname", control_group, covariates, anticipation,
                               bootstrap=n_boot > 0, biters=max(n_boot, 99), seed=seed, base_period="universal",
                               allow_unbalanced=True)
    plain = did.callaway_santanna(data, "y", "year", "id", "gname", control_group, None, anticipation,
                                  base_period="universal", allow_unbalanced=True)
    for name, result, adjusted in (("Callaway–Sant'Anna" + (", doubly robust" if covariates else ""), cs,
                                    bool(covariates)), ("Callaway–Sant'Anna, unconditional", plain, False)):
        t = result.aggregate("dynamic").table
        rows.append(pd.DataFrame({"estimator": name, "covariate_adjusted": adjusted, "event_time": t["egt"],
                                  "estimate": t["att"], "se": t["se"], "ci_low": t["ci_low"],
                                  "ci_high": t["ci_high"]}))
    others = (("Sun–Abraham", did.sun_abraham(data)),
              ("TWFE event study (ends binned)", (twfe or did.twfe(data)).event_study))
    for name, t in others:
        rows.append(t.assign(estimator=name, covariate_adjusted=False, ci_low=t["estimate"] - Z95 * t["se"],
                             ci_high=t["estimate"] + Z95 * t["se"]))
    out = pd.concat(rows, ignore_index=True)
    base = out.groupby("estimator", sort=False).head(1).assign(event_time=-1, estimate=0.0, se=0.0, ci_low=0.0,
                                                               ci_high=0.0)
    out = pd.concat([out[out["event_time"] != -1], base], ignore_index=True)
    return out.sort_values(["estimator", "event_time"], kind="stable").reset_index(drop=True), cs


def pretests(universal: did.CSResult, varying: did.CSResult, permutation: dict | None = None) -> pd.DataFrame:
    """The pre-tests of parallel trends, each with what it tests, its reference distribution and
    its role (which one gives the verdict).

    1. Joint Wald test that the universal-base event-time estimates before recognition are zero:
       are the cohorts' outcome paths, relative to the year before recognition, parallel to
       the comparison firms' over the whole pre-period (cumulative differences)?
    2. R ``did``'s Wald test on the varying-base pre-period ATT(g,t) (short differences, one per
       cohort and year). The statistic equals csdid's; its chi-square reading is wrong here. Each
       cohort's p_g pre-period cells have their covariance estimated from its n_g recognised firms,
       n_g barely above p_g, so the statistic behaves like Hotelling's T^2 with a heavy tail: it
       rejects in placebo panels with random recognition dates (benchmarks/pretest_size.py). The
       covariance is not ill-conditioned (see :func:`cohort_table`). Reported, not the verdict.
    3. The same hypothesis, cohort by cohort: W_g referred to F(p_g, n_g - p_g), the cohorts
       combined by Fisher's method (the verdict) and by Bonferroni
       (:mod:`kip_analysis.estimators.pretest`).
    4. With ``permutation`` (:func:`pretest_permutation`): Fisher's statistic calibrated on placebo
       recognition dates among never-recognised firms.
    """
    event = did.pretrend_test(universal)
    cohorts, combined = varying.cohort_pretest()
    fisher_what = ("pre-period ATT(g,t) of each cohort are jointly zero (the same short differences), each "
                   "cohort's Wald statistic referred to F(p_g, n_g - p_g), the small-sample (Hotelling) "
                   "reference for a covariance estimated from n_g recognised firms")
    untestable = (f"; {combined['untestable']} cohort(s) with no more recognised firms than pre-period cells "
                  "cannot be tested and are left out" if combined["untestable"] else "")
    rows = [
        {"pre-test": "event-time estimates before recognition, base e = -1 (joint Wald)",
         "what it tests": "cumulative gap between recognised and comparison firms, relative to the year before "
                          "recognition, is zero in every pre-recognition year",
         "reference": "chi-square", "role": "check",
         "statistic": event["event_time_wald"], "df": event["event_time_df"], "p_value": event["event_time_p"]},
        {"pre-test": "pre-period ATT(g,t), varying base (R did's Wald)",
         "what it tests": "year-on-year changes before recognition are equal for each cohort and its comparison "
                          "firms (short differences); its chi-square reference is invalid here: each cohort's "
                          "covariance is estimated from barely more recognised firms (n_g) than pre-period cells "
                          "(p_g), so the statistic has a heavy Hotelling-like tail and rejects even in placebo "
                          "panels with random recognition dates (benchmarks/pretest_size.py); the covariance is not "
                          "ill-conditioned and the statistic equals csdid's, only the chi-square reading is wrong",
         "reference": "chi-square", "role": "reported only",
         "statistic": varying.wald, "df": int((varying.att_gt["time"] < varying.att_gt["group"]).sum()),
         "p_value": varying.wald_pvalue},
        {"pre-test": "pre-period ATT(g,t) by cohort, small-sample F, Fisher's combination",
         "what it tests": fisher_what + untestable,
         "reference": "F per cohort; Fisher -2 sum ln p ~ chi-square(2G)", "role": "verdict",
         "statistic": combined["fisher"], "df": combined["fisher_df"], "p_value": combined["fisher_p"]},
        {"pre-test": "pre-period ATT(g,t) by cohort, small-sample F, Bonferroni",
         "what it tests": "pre-period ATT(g,t) of every cohort are zero (G x the smallest cohort F p-value; "
                          "valid however the cohorts' statistics depend on each other)" + untestable,
         "reference": "F per cohort; Bonferroni over G cohorts (statistic: smallest p)", "role": "check",
         "statistic": combined["min_p"], "df": combined["tested"], "p_value": combined["bonferroni_p"]},
    ]
    if permutation is not None:
        rows.append({
            "pre-test": "pre-period ATT(g,t) by cohort, Fisher's statistic calibrated by permutation",
            "what it tests": f"unconditional estimator's Fisher statistic is no larger than on "
                             f"{permutation['n_permutations']} placebo assignments of the recognition dates among "
                             "never-recognised firms (same cohort sizes; exact under random recognition dates, "
                             "whatever the cohorts' dependence)",
            "reference": "permutation", "role": "check", "statistic": permutation["observed"],
            "df": permutation["n_permutations"], "p_value": permutation["p_value"]})
    return pd.DataFrame(rows)


def cohort_table(varying: did.CSResult) -> pd.DataFrame:
    """The small-sample pre-test cohort by cohort, for reading: recognised firms n_g, pre-period cells
    p_g, the cohort's Wald statistic with its chi-square and small-sample F p-values, the condition
    number of its covariance block, and the cells' mean t statistic and count beyond +/-1.96.
    """
    table, _ = varying.cohort_pretest()
    fast = varying._fast
    att = fast.att_gt
    pre = (att["group"] > att["time"]).to_numpy()
    t_stat = (att["att"] / att["se"]).to_numpy()
    extra = []
    for g in table["cohort"]:
        cells = np.flatnonzero(pre & (att["group"].to_numpy() == g))
        inf = fast.inffunc[:, cells]
        extra.append({"condition": float(np.linalg.cond(inf.T @ inf)), "mean_t": float(t_stat[cells].mean()),
                      "beyond_1.96": int((np.abs(t_stat[cells]) > Z95).sum())})
    out = pd.concat([table, pd.DataFrame(extra)], axis=1)
    return out.rename(columns={"n_g": "recognised firms n_g", "p_g": "pre-period cells p_g", "wald": "Wald W_g",
                               "chi2_p": "chi-square p", "f_stat": "F_g", "f_df2": "F df2", "f_p": "small-sample p"})


def _window(result: did.CSResult) -> tuple[np.ndarray, np.ndarray, int, int]:
    table = result.aggregate("dynamic").table
    e = table["egt"].to_numpy()
    keep = ((e >= PRE_WINDOW[0]) & (e <= PRE_WINDOW[1])) | ((e >= POST_WINDOW[0]) & (e <= POST_WINDOW[1]))
    inf = result.dynamic_influence()[:, keep]
    n_pre = int(((e >= PRE_WINDOW[0]) & (e <= PRE_WINDOW[1])).sum())
    n_post = int(keep.sum()) - n_pre
    if n_pre < 1 or n_post < 1:
        raise ParameterError("the sensitivity analysis needs pre- and post-recognition event times in the window")
    return table["att"].to_numpy()[keep], inf.T @ inf / inf.shape[0] ** 2, n_pre, n_post


def honest_did(result: did.CSResult, mbars: tuple[float, ...] = (0.5, 1.0, 2.0),
               ms: tuple[float, ...] = (0.0, 0.01, 0.02)) -> tuple[pd.DataFrame, dict]:
    """Rambachan & Roth (2023) robust intervals for the average effect over the post window.

    Relative magnitudes (post-recognition violations at most Mbar times the largest
    pre-recognition one; conditional test) and smoothness (the trend's slope changes by at
    most M a year; FLCI), from moderndid's ``didhonest`` on the universal-base event study.
    Each breakdown value is the smallest bound (Mbar, M) whose robust interval includes zero:
    bracketed by the grid, then bisected with the same interval function (:func:`_breakdown`).
    """
    return robust_intervals(*_window(result), tuple(mbars), tuple(ms))


@shared
def robust_intervals(beta: np.ndarray, sigma: np.ndarray, n_pre: int, n_post: int, mbars: tuple[float, ...],
                     ms: tuple[float, ...]) -> tuple[pd.DataFrame, dict]:
    """:func:`honest_did` on the event-study estimates and their covariance (cached on disk: the
    robust intervals solve a few hundred cone programs, and several runs share them).
    """
    from moderndid.didhonest.sensitivity import (
        construct_original_cs,
        create_sensitivity_results_rm,
        create_sensitivity_results_sm,
    )

    if n_pre < 2 or n_post < 2:  # moderndid's tests need two or more on each side (a 2018 memo has e = 0 only)
        why = f"needs two or more event times on each side of recognition; this memo year has {n_post} after"
        return (pd.DataFrame(columns=["restriction", "bound", "ci_low", "ci_high"]),
                {"relative_magnitudes": float("nan"), "smoothness": float("nan"), "window": why})
    l_vec = np.full(n_post, 1 / n_post)

    def rm(mbar: float) -> tuple[float, float]:
        r = create_sensitivity_results_rm(beta, sigma, n_pre, n_post, method="Conditional",
                                          m_bar_vec=np.array([mbar]), l_vec=l_vec, grid_points=100)
        return float(r["lb"][0]), float(r["ub"][0])

    with honest_bias.compiled_once():  # the FLCI's bias problem compiled once per call, not ~400 times
        original = construct_original_cs(beta, sigma, n_pre, n_post, l_vec=l_vec)
        rows = [{"restriction": "none (parallel trends)", "bound": 0.0, "ci_low": float(original.lb),
                 "ci_high": float(original.ub)}]
        rows += [{"restriction": "relative magnitudes (Mbar)", "bound": m, "ci_low": lo, "ci_high": hi}
                 for m in mbars for lo, hi in [rm(m)]]
        smooth = create_sensitivity_results_sm(beta, sigma, n_pre, n_post, method="FLCI", m_vec=np.array(ms),
                                               l_vec=l_vec)
        rows += [{"restriction": "smoothness (M, log points a year)", "bound": m, "ci_low": float(lo),
                  "ci_high": float(hi)} for m, lo, hi in zip(ms, smooth["lb"], smooth["ub"], strict=True)]
        table = pd.DataFrame(rows)

        def sm(m: float) -> tuple[float, float]:
            r = create_sensitivity_results_sm(beta, sigma, n_pre, n_post, method="FLCI", m_vec=np.array([m]),
                                              l_vec=l_vec)
            return float(r["lb"][0]), float(r["ub"][0])

        smooth_rows = table[table["restriction"].str.startswith("smoothness")]  # its grid starts at M = 0
        breakdown = {"relative_magnitudes": _breakdown(rm, table.iloc[: len(mbars) + 1]),
                     "smoothness": _breakdown(sm, smooth_rows),
                     "window": f"e = {PRE_WINDOW[0]}..{PRE_WINDOW[1]} before, {POST_WINDOW[0]}..{POST_WINDOW[1]} after"}
        return table, breakdown


def _covers(row: pd.Series) -> bool:
    return bool(row["ci_low"] <= 0 <= row["ci_high"])


def _breakdown(interval, rows: pd.DataFrame, rel_tol: float = 1e-3, max_iter: int = 40) -> float:
    """Smallest bound whose interval includes zero: 0 if the first row's (unrestricted) interval
    already does, inf if none of the grid does, else bisected between the last grid bound that
    excludes zero and the first that includes it, ``interval(bound) -> (low, high)``, until the
    bracket is narrower than ``rel_tol`` x that grid step (at most ``max_iter`` halvings). Returns the
    upper end of the final bracket: its interval includes zero, the lower end's does not.
    """
    covered = rows.apply(_covers, axis=1).to_numpy()
    bounds = rows["bound"].to_numpy(dtype=float)
    if covered[0]:
        return 0.0
    if not covered.any():
        return float("inf")
    k = int(np.argmax(covered))
    lo, hi = float(bounds[k - 1]), float(bounds[k])
    tol = rel_tol * (hi - lo)
    for _ in range(max_iter):
        if hi - lo <= tol:
            break
        mid = (lo + hi) / 2
        low, high = interval(mid)
        lo, hi = (lo, mid) if low <= 0 <= high else (mid, hi)
    return hi


def placebo_dates(data: pd.DataFrame, control_group: str, covariates: tuple[str, ...], shift: int = 3) -> dict:
    """Placebo recognition dates: each recognised firm is treated as recognised ``shift`` years
    early, using only its years before the real recognition; the simple ATT should be zero.
    """
    d = data[(data["gname"] == 0) | (data["year"] < data["gname"])].copy()
    d["gname"] = np.where(d["gname"] > 0, d["gname"] - shift, 0)
    first = d.groupby("id")["year"].transform("min")
    d = d[(d["gname"] == 0) | (first < d["gname"])]
    agg = did.callaway_santanna(d, "y", "year", "id", "gname", control_group, covariates,
                                allow_unbalanced=True).aggregate("simple")
    return {"shift": shift, "estimate": agg.overall_att, "se": agg.overall_se,
            "ci_low": agg.overall_att - Z95 * agg.overall_se, "ci_high": agg.overall_att + Z95 * agg.overall_se}


def permutation_test(data: pd.DataFrame, observed: float, control_group: str, n_permutations: int = 99,
                     seed: int = 2024) -> dict:
    """Permutation inference among never-recognised firms: recognition dates are reassigned at
    random to never-recognised firms (same cohort sizes, only firms observed before the date),
    the real recognised firms are left out, and the unconditional CS simple ATT is recomputed
    (:func:`kip_analysis.estimators.fastdid.simple_att_many`, all permutations at once). The
    p-value is the share of permutations, the observed one included, at least as large in
    absolute value as ``observed`` (the unconditional estimate on the real assignment).
    """
    from kip_analysis.estimators import fastdid

    never, _, labels = placebo_labels(data, n_permutations, seed)
    draws = fastdid.simple_att_many(never, "y", "year", "id", labels, control_group)
    p_value = (1 + np.sum(np.abs(draws) >= abs(observed))) / (n_permutations + 1)
    return {"observed": observed, "n_permutations": n_permutations, "p_value": float(p_value),
            "placebo_sd": float(draws.std()), "placebo_95": float(np.quantile(np.abs(draws), 0.95))}


def placebo_labels(data: pd.DataFrame, n_permutations: int, seed: int = 2024) -> tuple[pd.DataFrame, np.ndarray,
                                                                                         np.ndarray]:
    """Placebo recognition dates among never-recognised firms: the never-recognised rows, their
    sorted ids, and ids x ``n_permutations`` cohorts (0 = never), each permutation filling every
    real cohort's size with never-recognised firms observed before its date. Seeded.
    """
    rng = np.random.default_rng(seed)
    never = data[data["gname"] == 0]
    ids = np.unique(never["id"].to_numpy())
    sizes = data[data["gname"] > 0].groupby("gname")["id"].nunique()
    first = never.groupby("id")["year"].min().reindex(ids).to_numpy()
    labels = np.zeros((len(ids), n_permutations))
    for p in range(n_permutations):
        free = np.ones(len(ids), dtype=bool)
        order = rng.permutation(len(ids))
        for g, k in sizes.items():  # placebo cohort g: k never-recognised firms observed before g
            chosen = order[(free[order]) & (first[order] < g)][:k]
            labels[chosen, p] = g
            free[chosen] = False
    return never, ids, labels


def fisher_statistic(data: pd.DataFrame, control_group: str) -> float:
    """Fisher's combination of the cohorts' small-sample pre-test p-values, unconditional CS."""
    from kip_analysis.estimators import fastdid, pretest

    f = fastdid.att_gt(data, "y", "year", "id", "gname", control_group, allow_unbalanced=True)
    return pretest.small_sample_pretest(f.att_gt, f.inffunc, f.G, f.n)[1]["fisher"]


def pretest_permutation(data: pd.DataFrame, control_group: str, n_permutations: int = 99,
                        seed: int = 2024) -> dict:
    """Permutation calibration of the small-sample pre-test: Fisher's statistic of the unconditional
    CS pre-period ATT(g,t) on the real recognition dates, against its values on placebo dates
    (:func:`placebo_labels`, the permutation test's assignments; real recognised firms left out),
    all assignments at once (:func:`kip_analysis.estimators.pretest_many.fisher_many`).
    p-value: the share of permutations, the observed one included, with a statistic at least as large.
    """
    from kip_analysis.estimators import fastdid, pretest_many

    observed = fisher_statistic(data, control_group)
    never, _, labels = placebo_labels(data, n_permutations, seed)  # labels' rows: the ids in np.unique order
    y, seen, tlist = fastdid.wide(never, "y", "year", "id")
    draws = pretest_many.fisher_many(y, seen, tlist, labels, control_group)
    p_value = (1 + np.sum(draws >= observed)) / (n_permutations + 1)
    return {"observed": float(observed), "n_permutations": n_permutations, "p_value": float(p_value),
            "placebo_95": float(np.quantile(draws, 0.95)) if n_permutations else float("nan")}
