"""A small-sample pre-test of parallel trends over the pre-period ATT(g,t), cohort by cohort.

R ``did``'s Wald pre-test refers W = n b' V^-1 b over every pre-period ATT(g,t) to a chi-square.
Each cohort g's p_g pre-period cells have their covariance estimated (through the influence
functions) from its n_g treated units; with n_g barely above p_g the statistic behaves like
Hotelling's T^2, whose tail is far heavier than the chi-square's, so the chi-square test
over-rejects when parallel trends hold. The covariance need not be ill-conditioned for this: it
is the number of units behind it that matters. Here each cohort's own Wald statistic W_g is
referred to the Hotelling (F) distribution, and the cohorts' p-values are combined.

May import: nothing from the package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def small_sample_f(wald: float, n_g: int, p_g: int) -> tuple[float, float]:
    """The F form of a cohort's Wald statistic and its p-value.

    The influence-function covariance divides by n_g (not n_g - 1), so W_g = n_g/(n_g-1) T^2 and
    Hotelling's T^2 (n-p)/(p(n-1)) ~ F(p, n-p) (Hotelling 1931; Anderson 2003, thm 5.2.2) becomes
    F_g = W_g (n_g - p_g) / (n_g p_g) ~ F(p_g, n_g - p_g).

    Parameters
    ----------
    wald
        The cohort's Wald statistic W_g.
    n_g
        Treated units in the cohort.
    p_g
        Its pre-period cells.

    Returns
    -------
    F_g, p-value
        Both NaN when n_g <= p_g (the covariance is singular: the cohort cannot be tested).

    Examples
    --------
    >>> f, p = small_sample_f(20.0, 20, 10)
    >>> round(f, 2), round(p, 3)
    (1.0, 0.5)
    """
    if n_g <= p_g or p_g < 1 or not np.isfinite(wald):
        return float("nan"), float("nan")
    f = wald * (n_g - p_g) / (n_g * p_g)
    return float(f), float(stats.f.sf(f, p_g, n_g - p_g))


def combine(p_values: np.ndarray | list[float]) -> dict:
    """Combine independent cohort p-values: Fisher's method and Bonferroni.

    Fisher (1932): -2 sum ln p_g ~ chi-square(2G) under the joint null; Bonferroni: G min p_g,
    capped at 1. NaN p-values (untestable cohorts) are left out and counted.

    Examples
    --------
    >>> c = combine([0.5, float("nan"), 0.02])
    >>> c["tested"], c["untestable"], round(c["bonferroni_p"], 2)
    (2, 1, 0.04)
    """
    p = np.asarray(p_values, dtype=float)
    tested = p[~np.isnan(p)]
    g = len(tested)
    if not g:
        return {"fisher": float("nan"), "fisher_df": 0, "fisher_p": float("nan"), "bonferroni_p": float("nan"),
                "min_p": float("nan"), "tested": 0, "untestable": int(len(p))}
    fisher = float(-2 * np.log(np.maximum(tested, np.finfo(float).tiny)).sum())
    return {"fisher": fisher, "fisher_df": 2 * g, "fisher_p": float(stats.chi2.sf(fisher, 2 * g)),
            "bonferroni_p": float(min(1.0, g * tested.min())), "min_p": float(tested.min()), "tested": g,
            "untestable": int(len(p) - g)}


def cohort_pretests(att_gt: pd.DataFrame, inffunc: np.ndarray, G: np.ndarray, n: int) -> pd.DataFrame:
    """Each cohort's Wald pre-test over its own pre-period ATT(g,t), with chi-square and F p-values.

    W_g = n b_g' V_g^-1 b_g, V_g = IF_g' IF_g / n: R ``did``'s pre-test restricted to cohort g's cells
    (influence functions scaled to the full sample of n units, as R ``did`` and
    :mod:`kip_analysis.estimators.fastdid` keep them).

    Parameters
    ----------
    att_gt
        group, time, att (one row per cell, in the columns' order of ``inffunc``).
    inffunc
        n units x cells influence functions.
    G
        Each unit's group (0 = never treated).
    n
        Units.

    Returns
    -------
    pandas.DataFrame
        cohort, n_g, p_g, wald, chi2_p, f_stat, f_df2, f_p, testable.
    """
    group = att_gt["group"].to_numpy()
    pre_mask = group > att_gt["time"].to_numpy()
    att = att_gt["att"].to_numpy(dtype=float)
    rows = []
    for g in np.unique(group[pre_mask]):
        pre = np.flatnonzero(pre_mask & (group == g))
        n_g, p_g = int((G == g).sum()), len(pre)
        b, inf = att[pre], inffunc[:, pre]
        V = inf.T @ inf / n
        wald = float(n * b @ np.linalg.lstsq(V, b, rcond=None)[0])
        f, f_p = small_sample_f(wald, n_g, p_g)
        rows.append({"cohort": int(g), "n_g": n_g, "p_g": p_g, "wald": wald, "chi2_p": float(stats.chi2.sf(wald, p_g)),
                     "f_stat": f, "f_df2": n_g - p_g if n_g > p_g else np.nan, "f_p": f_p, "testable": n_g > p_g})
    return pd.DataFrame(rows, columns=["cohort", "n_g", "p_g", "wald", "chi2_p", "f_stat", "f_df2", "f_p",
                                       "testable"])


def small_sample_pretest(att_gt: pd.DataFrame, inffunc: np.ndarray, G: np.ndarray, n: int) -> tuple[pd.DataFrame,
                                                                                                     dict]:
    """The cohort table of :func:`cohort_pretests` and the cohorts' F p-values combined (:func:`combine`).

    Cohorts share comparison units, so their statistics are not exactly independent: Fisher's
    chi-square(2G) is approximate, Bonferroni is valid under any dependence, and a permutation of
    recognition dates calibrates Fisher's statistic exactly (``analyses.effects.robustness``).
    """
    table = cohort_pretests(att_gt, inffunc, G, n)
    return table, combine(table["f_p"].to_numpy(dtype=float))
