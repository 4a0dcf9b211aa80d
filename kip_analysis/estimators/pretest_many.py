"""The small-sample pre-test's Fisher statistic for many cohort assignments at once.

Permutation calibration (``analyses.effects.robustness.pretest_permutation``) needs Fisher's
combination of the cohorts' F pre-tests on every placebo assignment of recognition dates.
Fitting Callaway & Sant'Anna once per assignment repeats the same sums over units; here every
sum a cohort's pre-period Wald statistic needs is a matrix product of the assignments'
indicators (units x P) with the unit-level outcome changes, for all P assignments at once.

The statistic is the one :func:`kip_analysis.estimators.fastdid.att_gt` (unconditional, varying
base period, no anticipation, each cell on the units observed in both its years) followed by
:func:`kip_analysis.estimators.pretest.small_sample_pretest` gives; tests/test_pretest.py checks
the two agree on every assignment.

May import: estimators.pretest.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from kip_analysis.estimators import pretest


def fisher_many(y: np.ndarray, observed: np.ndarray, tlist: np.ndarray, labels: np.ndarray,
                control_group: str = "notyettreated") -> np.ndarray:
    """Fisher's statistic of the cohorts' small-sample pre-tests under each of P cohort assignments.

    For cohort g and pre-period cell k (t_k < g, base t_{k-1}), ATT(g,t_k) is a difference of mean
    outcome changes of the cohort and its comparison units observed in both years; its influence
    function is psi = (dy - mu1)/p1 for the cohort and -(dy - mu0)/(1 - p1) for the comparison
    (CS 2021, eq. 2.6), scaled by n / n_cell. The cohort's Wald statistic W_g = n b' V^-1 b with
    V = IF'IF / n expands into sums over units of products of outcome changes, each a product
    of the P assignment indicators with one unit-level column. The comparison group of cell k is
    never-recognised units or units recognised after t_k (other than g), so the comparison units
    of two cells j <= l are those of cell l: one indicator matrix per cell.

    Parameters
    ----------
    y
        Units x periods outcomes (any value where not observed).
    observed
        Units x periods: the outcome is observed.
    tlist
        The periods, increasing.
    labels
        Units x P cohorts (0 = never recognised).
    control_group
        ``notyettreated`` or ``nevertreated``.

    Returns
    -------
    numpy.ndarray
        P Fisher statistics (NaN where no cohort can be tested).
    """
    y, observed, labels = np.asarray(y, dtype=float), np.asarray(observed, dtype=bool), np.asarray(labels)
    labels = np.where(labels > tlist[-1], 0, labels)  # recognised after the last period: never, as in att_gt
    n, P = labels.shape
    cohorts = np.unique(labels[labels > tlist[0]])
    rows, cols = np.nonzero(labels)  # the recognised (unit, assignment) pairs: a few per assignment
    values = labels[rows, cols]

    def indicator(which: np.ndarray) -> sparse.csc_array:
        return sparse.csc_array((np.ones(which.sum()), (rows[which], cols[which])), shape=(n, P))

    fisher = np.zeros(P)
    tested = np.zeros(P, dtype=int)
    for g in cohorts:
        ks = np.arange(1, int(np.flatnonzero(tlist < g)[-1]) + 1)  # pre-period cells: t_k < g, base t_{k-1}
        if not len(ks):
            continue
        both = (observed[:, ks] & observed[:, ks - 1]).astype(float)
        dy = np.where(both > 0, y[:, ks] - y[:, ks - 1], 0.0)
        centre = dy.sum(axis=0) / np.maximum(both.sum(axis=0), 1)  # centred: psi does not depend on the level
        z = (dy - centre) * both
        K = len(ks)
        treated = indicator(values == g)  # n x P
        s0_t, s1_t, s2_t = _sums(treated, z, both)
        s0_c, s1_c, s2_c = np.zeros_like(s0_t), np.zeros_like(s1_t), np.zeros_like(s2_t)
        for m, k in enumerate(ks):  # comparison units of cell k, for every pair (j, l) with max(j, l) = m
            if control_group == "nevertreated":
                excluded = np.ones(len(values), dtype=bool)
            else:  # recognised by t_k, or in cohort g
                excluded = (values <= tlist[k]) | (values == g)
            pairs = np.arange(m + 1)
            a0, a1, a2 = _sums(indicator(excluded), z, both, pairs, m, complement=True)
            s0_c[:, pairs, m], s0_c[:, m, pairs] = a0[:, :, 0], a0[:, :, 0]
            s1_c[:, pairs, m], s1_c[:, m, pairs] = a1[:, :, 0], a1[:, :, 1]
            s2_c[:, pairs, m], s2_c[:, m, pairs] = a2[:, :, 0], a2[:, :, 0]
        diag = np.arange(K)
        n1, n0 = s0_t[:, diag, diag], s0_c[:, diag, diag]
        valid = (n1 > 0) & (n0 > 0)
        mu1 = s1_t[:, diag, diag] / np.maximum(n1, 1)
        mu0 = s1_c[:, diag, diag] / np.maximum(n0, 1)
        n_cell = n1 + n0
        p1 = n1 / np.maximum(n_cell, 1)
        b = mu1 - mu0
        # sum over units of (dy_j - mu_j)(dy_l - mu_l), expanded
        cov_t = (s2_t - mu1[:, None, :] * s1_t - mu1[:, :, None] * s1_t.transpose(0, 2, 1)
                 + mu1[:, :, None] * mu1[:, None, :] * s0_t)
        cov_c = (s2_c - mu0[:, None, :] * s1_c - mu0[:, :, None] * s1_c.transpose(0, 2, 1)
                 + mu0[:, :, None] * mu0[:, None, :] * s0_c)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale_t = 1 / (p1 * n_cell)  # psi's 1/p1 times the n/n_cell scaling, n apart
            scale_c = 1 / ((1 - p1) * n_cell)
            V = n * (cov_t * scale_t[:, :, None] * scale_t[:, None, :] + cov_c * scale_c[:, :, None]
                     * scale_c[:, None, :])  # V = IF'IF/n with IF = psi n/n_cell
        n_g = (labels == g).sum(axis=0)
        for p in range(P):
            keep = np.flatnonzero(valid[p])
            if not len(keep):
                continue
            Vp, bp = V[p][np.ix_(keep, keep)], b[p, keep]
            wald = float(n * bp @ np.linalg.lstsq(Vp, bp, rcond=None)[0])
            _, f_p = pretest.small_sample_f(wald, int(n_g[p]), len(keep))
            if np.isfinite(f_p):
                fisher[p] += -2 * np.log(max(f_p, np.finfo(float).tiny))
                tested[p] += 1
    return np.where(tested > 0, fisher, np.nan)


def _sums(indicator: sparse.csc_array, z: np.ndarray, both: np.ndarray, rows: np.ndarray | None = None,
          col: int | None = None, complement: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sums over units weighted by each assignment's indicator (sparse units x P); with
    ``complement``, over the units the indicator leaves out (all units' sum minus its own).

    Without ``rows``: every pair (j, l) of cells, P x K x K arrays of sum(1[both j, l]),
    sum(z_j 1[both l]) and sum(z_j z_l). With ``rows`` and ``col``: the pairs (j, col) for j in
    ``rows``, as P x len(rows) x 2 (the second slice holds the transposed pair for the middle sum).
    """
    if rows is None:
        K = z.shape[1]
        w0 = (both[:, :, None] * both[:, None, :]).reshape(len(z), K * K)
        w1 = (z[:, :, None] * both[:, None, :]).reshape(len(z), K * K)
        w2 = (z[:, :, None] * z[:, None, :]).reshape(len(z), K * K)
        out = indicator.T @ np.hstack([w0, w1, w2])
        P = indicator.shape[1]
        return tuple(out[:, i * K * K:(i + 1) * K * K].reshape(P, K, K) for i in range(3))
    w0 = both[:, rows] * both[:, [col]]
    w1a = z[:, rows] * both[:, [col]]  # z_j 1[both col]
    w1b = both[:, rows] * z[:, [col]]  # z_col 1[both j]
    w2 = z[:, rows] * z[:, [col]]
    w = np.hstack([w0, w1a, w1b, w2])
    out = indicator.T @ w
    if complement:
        out = w.sum(axis=0)[None, :] - out
    r = len(rows)
    a0, a1a, a1b, a2 = (out[:, i * r:(i + 1) * r] for i in range(4))
    return a0[:, :, None], np.stack([a1a, a1b], axis=2), a2[:, :, None]

