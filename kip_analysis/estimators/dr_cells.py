"""The doubly robust 2x2 difference in differences of Sant'Anna & Zhao (2020) for panel data,
vectorised over many outcome columns that share one sample (general purpose).

Callaway & Sant'Anna's ATT(g,t) with covariates is this estimator on the long difference
Y_t - Y_base of cohort g against its comparison units. Cells of one cohort that share the
same comparison units share the propensity score, its Hessian and the outcome-regression
design, so they are computed together: one logit fit and one least-squares factorisation for
all of them. The formulas are R ``DRDID::drdid_panel`` (the ``est_method = "dr"`` of R
``did``), including its trimming of comparison units with a propensity score of 0.995 or
more; tests/test_fastdid.py checks equality with csdid to 1e-8.

At a million units the work is a few dozen passes over n-vectors per cell, so the design is
kept transposed (k x n, one contiguous row per covariate) and cross products are dot products
of rows: BLAS matrix products with a dimension of 3 are several times slower than that. Passes
go over blocks of :data:`CHUNK` units, below the length at which OpenBLAS threads a dot product
(10,000; threads stall when the cores are busy), and a block's temporaries stay in cache.

May import: errors.
"""

from __future__ import annotations

import numpy as np

from kip_analysis.errors import ParameterError

#: R DRDID's trimming level for comparison units' propensity scores.
TRIM_LEVEL: float = 0.995
#: Units per block in the passes over a cell's sample: OpenBLAS's dot product stays single-threaded
#: up to 10,000 (kernel/x86_64/ddot.c) and a block's temporaries stay in a core's cache.
CHUNK: int = 8192
#: |X b| beyond which the logit may be separating the data: its deviance is then tracked.
SEPARATION_ETA: float = 15.0


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of a_i b_i over two vectors of at most :data:`CHUNK` (BLAS ddot, single-threaded there)."""
    return float(np.dot(a, b))


def _cross(At: np.ndarray, Bt: np.ndarray) -> np.ndarray:
    """A' B from the transposed p x n and q x n arrays (p x q), one dot product per entry."""
    return np.array([[_dot(a, b) for b in Bt] for a in At]).reshape(len(At), len(Bt))


def _gram(Xw: np.ndarray, Xt: np.ndarray) -> np.ndarray:
    """X' diag(w) X from the transposed k x n design and its weighted rows ``Xw = Xt * w`` (symmetric)."""
    k = len(Xt)
    out = np.empty((k, k))
    for a in range(k):
        for b in range(a + 1):
            out[a, b] = out[b, a] = _dot(Xw[a], Xt[b])
    return out


def _linear(Xt: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """X @ coef from the transposed k x n design: n, or m x n for a k x m ``coef``."""
    coef = np.asarray(coef, dtype=float)
    out = np.multiply.outer(coef[0], Xt[0]) if coef.ndim > 1 else coef[0] * Xt[0]
    for c in range(1, len(Xt)):
        out += np.multiply.outer(coef[c], Xt[c]) if coef.ndim > 1 else coef[c] * Xt[c]
    return out


def _softplus_terms(eta: np.ndarray, e: np.ndarray, d: np.ndarray) -> np.ndarray:
    """log(1 + e^eta) - d eta per unit from eta and e = exp(-|eta|): max(eta, 0) + log1p(e) - d eta (no overflow)."""
    return np.maximum(eta, 0) + np.log1p(e) - d * eta


def _deviance(Xt: np.ndarray, D: np.ndarray, beta: np.ndarray, chunk: int = CHUNK) -> float:
    """Binomial deviance of the logit at ``beta``, -2 log L = 2 sum log(1 + e^eta) - 2 sum D eta."""
    total = 0.0
    for lo in range(0, Xt.shape[1], chunk):
        eta = _linear(Xt[:, lo:lo + chunk], beta)
        total += float(np.sum(_softplus_terms(eta, np.exp(-np.abs(eta)), D[lo:lo + chunk])))
    return 2 * total


def _newton_pieces(Xt: np.ndarray, D: np.ndarray, beta: np.ndarray, chunk: int = CHUNK,
                   deviance: bool = False) -> tuple[np.ndarray, np.ndarray, float, float | None]:
    """X' W X, X'(D - p), max |eta| and (if asked) the deviance of the logit at ``beta``
    (W = p (1 - p), eta = X beta), in one pass over blocks of ``chunk`` units.
    """
    k = len(Xt)
    info, score, big, dev = np.zeros((k, k)), np.zeros(k), 0.0, 0.0
    for lo in range(0, Xt.shape[1], chunk):
        x, d = Xt[:, lo:lo + chunk], D[lo:lo + chunk]
        eta = _linear(x, beta)
        e = np.exp(-np.abs(eta))  # in (0, 1]: no overflow at any eta
        p = np.where(eta >= 0, 1.0, e) / (1 + e)  # expit(eta)
        info += _gram(x * (p * (1 - p)), x)
        score += _cross(x, (d - p)[None, :])[:, 0]
        big = max(big, float(eta.max()), -float(eta.min()))
        if deviance:
            dev += float(np.sum(_softplus_terms(eta, e, d)))
    return info, score, big, 2 * dev if deviance else None


def _logit_t(Xt: np.ndarray, D: np.ndarray, tol: float = 1e-11, max_iter: int = 100,
             start: np.ndarray | None = None) -> np.ndarray:
    """:func:`logit` on the transposed k x n design."""
    beta = np.zeros(len(Xt))
    p_bar = float(np.clip(D.mean(), 1e-6, 1 - 1e-6))
    beta[0] = np.log(p_bar / (1 - p_bar))
    if start is not None and np.all(np.isfinite(start)) and np.max(np.abs(start)) < SEPARATION_ETA:
        beta = np.asarray(start, dtype=float).copy()
    info, score, _, _ = _newton_pieces(Xt, D, beta)
    deviance: float | None = np.inf  # at the current beta (None: not computed; it stops iterations only when big)
    for _ in range(max_iter):
        # Newton step: (X' W X)^-1 X'(D - p), W = p (1 - p)
        step = np.linalg.lstsq(info, score, rcond=None)[0]
        new_beta = beta + step
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(new_beta))):
            return new_beta
        # a deviance at the current beta means it was separating: the next pass computes the deviance too
        info, score, big, new = _newton_pieces(Xt, D, new_beta, deviance=deviance is not None and deviance < np.inf)
        if big > SEPARATION_ETA:
            new = _deviance(Xt, D, new_beta) if new is None else new
            old = _deviance(Xt, D, beta) if deviance is None else deviance
            if abs(new - old) < 1e-10 * (abs(new) + 0.1):
                return new_beta  # separation: fitted probabilities are 0/1 where the data separate
            deviance = new
        else:
            deviance = None
        beta = new_beta
    raise ParameterError("the propensity-score logit did not converge")


def logit(X: np.ndarray, D: np.ndarray, tol: float = 1e-11, max_iter: int = 100,
          start: np.ndarray | None = None) -> np.ndarray:
    """Maximum-likelihood logit coefficients by Newton-Raphson (X includes the intercept).

    Stops when the step is below ``tol`` (relative), or, as R's ``glm`` does under separation
    (say, no FDI firm in a small cohort), when the deviance has converged although a
    coefficient is drifting to infinity; the fitted probabilities are then 0 or 1 to machine
    precision, which is what R ``did`` uses. ``start``: initial coefficients (a warm start from a
    neighbouring sample; the maximum is the same).

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0.0, 1, 2, 3, 4, 5]])
    >>> beta = logit(X, np.array([0.0, 0, 1, 0, 1, 1]))
    >>> bool(abs(beta[1] - 1.0) < 0.5)
    True
    """
    return _logit_t(np.ascontiguousarray(np.asarray(X, dtype=float).T), np.asarray(D, dtype=float), tol, max_iter,
                    start)


def drdid_panel(dY: np.ndarray, D: np.ndarray, X: np.ndarray,
                start: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Doubly robust DiD for panel data on every column of ``dY`` at once.

    Parameters
    ----------
    dY
        n x m long differences Y_t - Y_base (one column per cell; n units of the cell's sample).
    D
        n treatment indicators (1 = the cohort, 0 = its comparison units).
    X
        n x k covariates including the intercept column.
    start
        Initial propensity-score coefficients (a warm start).

    Returns
    -------
    att, inf, gamma
        m estimates, the n x m influence functions (R DRDID's scaling: mean-zero, so that
        Var(att) = mean(inf^2) / n) and the propensity-score coefficients.
    """
    n = len(D)
    dYt = np.ascontiguousarray(np.asarray(dY, dtype=float).reshape(n, -1).T)
    att, inf, gamma = drdid_panel_t(dYt, np.asarray(D, dtype=float), np.ascontiguousarray(np.asarray(X, dtype=float).T),
                                     start)
    return att, inf.T, gamma


def drdid_panel_t(dYt: np.ndarray, D: np.ndarray, Xt: np.ndarray, start: np.ndarray | None = None,
                  chunk: int = CHUNK) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`drdid_panel` on transposed arrays: ``dYt`` m x n, ``Xt`` k x n; ``inf`` is m x n.

    Four passes over blocks of ``chunk`` units (each needs sums from the one before): the
    propensity score and the regression's cross products, the residuals and their weighted
    means, the logit's estimation effect, the influence functions.
    """
    n, m, k = len(D), len(dYt), len(Xt)
    blocks = [slice(lo, lo + chunk) for lo in range(0, n, chunk)]
    gamma = _logit_t(Xt, D, start=start)
    ps, w_cont = np.empty(n), np.empty(n)
    XtX, X0dY, info = np.zeros((k, k)), np.zeros((k, m)), np.zeros((k, k))
    M1, M3 = np.zeros(k), np.zeros(k)
    for b in blocks:
        x, d = Xt[:, b], D[b]
        p = np.minimum(1 / (1 + np.exp(-np.clip(_linear(x, gamma), -700, 700))), 1 - 1e-6)
        trim = (d != 0) | (p < TRIM_LEVEL)  # R DRDID trims comparison units with ps >= 0.995
        w_ols = 1 - d
        # w_treat = trim * D is D: treated units are never trimmed
        ps[b] = p
        w_cont[b] = trim * p * w_ols / (1 - p)
        x0 = x * w_ols
        # outcome regression on the comparison units: E[dY | X, D = 0] (Sant'Anna & Zhao 2020, eq. 3.1)
        XtX += _gram(x0, x)
        X0dY += _cross(x0, dYt[:, b])
        info += _gram(x * (p * (1 - p)), x)
        M1 += _cross(x, d[None, :])[:, 0]
        M3 += _cross(x, w_cont[None, b])[:, 0]
    beta = np.linalg.solve(XtX, X0dY)  # k x m
    mean_treat, mean_cont = D.mean(), w_cont.mean()
    resid = np.empty((m, n))
    eta_treat, eta_cont = np.zeros(m), np.zeros(m)
    for b in blocks:
        x = Xt[:, b]
        resid[:, b] = dYt[:, b] - _linear(x, beta)
        eta_treat += _cross(resid[:, b], D[None, b])[:, 0]
        eta_cont += _cross(resid[:, b], w_cont[None, b])[:, 0]
    eta_treat = eta_treat / mean_treat / n
    eta_cont = eta_cont / mean_cont / n
    att = eta_treat - eta_cont
    # influence functions (DRDID::drdid_panel): the estimation effect of the OLS and logit steps
    XpX_inv = np.linalg.inv(XtX / n)
    hessian = np.linalg.inv(info) * n
    M2 = np.zeros((k, m))  # X' diag(w_cont) (resid - eta_cont) / n
    for b in blocks:
        M2 += _cross(Xt[:, b] * w_cont[b], resid[:, b] - eta_cont[:, None])
    M2 /= n
    c1, c3, c_ps = XpX_inv @ (M1 / n), XpX_inv @ (M3 / n), hessian @ M2
    inf = resid  # overwritten block by block
    for b in blocks:
        x, d, r = Xt[:, b], D[b], resid[:, b]
        wr = (1 - d) * r
        inf_treat = (d * (r - eta_treat[:, None]) - wr * _linear(x, c1)) / mean_treat
        # asy_ps @ M2 = (D - ps) x' hessian M2
        inf_cont = (w_cont[b] * (r - eta_cont[:, None]) + (d - ps[b]) * _linear(x, c_ps) - wr * _linear(x, c3)
                    ) / mean_cont
        inf[:, b] = inf_treat - inf_cont
    return att, inf, gamma
