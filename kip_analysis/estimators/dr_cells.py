"""The doubly robust 2x2 difference in differences of Sant'Anna & Zhao (2020) for panel data,
vectorised over many outcome columns that share one sample (general purpose).

Callaway & Sant'Anna's ATT(g,t) with covariates is this estimator on the long difference
Y_t - Y_base of cohort g against its comparison units. Cells of one cohort that share the
same comparison units (every cell under never-treated controls) share the propensity score,
its Hessian and the outcome-regression design, so they are computed together: one logit fit
and one least-squares factorisation for all of them. The formulas are R ``DRDID::drdid_panel``
(the ``est_method = "dr"`` of R ``did``), including its trimming of comparison units with a
propensity score of 0.995 or more; tests/test_fastdid.py checks equality with csdid to 1e-8.

May import: errors.
"""

from __future__ import annotations

import numpy as np

from kip_analysis.errors import ParameterError

#: R DRDID's trimming level for comparison units' propensity scores.
TRIM_LEVEL: float = 0.995


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
    beta = np.zeros(X.shape[1])
    p_bar = float(np.clip(D.mean(), 1e-6, 1 - 1e-6))
    beta[0] = np.log(p_bar / (1 - p_bar))
    if start is not None and np.all(np.isfinite(start)) and np.max(np.abs(start)) < 15:
        beta = np.asarray(start, dtype=float).copy()
    deviance = np.inf
    for _ in range(max_iter):
        eta = X @ beta
        p = 1 / (1 + np.exp(-np.clip(eta, -700, 700)))
        # Newton step: (X' W X)^-1 X'(D - p), W = p (1 - p)
        step = np.linalg.lstsq(X.T @ (X * (p * (1 - p))[:, None]), X.T @ (D - p), rcond=None)[0]
        beta = beta + step
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            return beta
        # binomial deviance, -2 log L = 2 sum log(1 + e^eta) - 2 sum D eta
        new = float(2 * np.sum(np.logaddexp(0, X @ beta) - D * (X @ beta)))
        if abs(new - deviance) < 1e-10 * (abs(new) + 0.1) and np.max(np.abs(X @ beta)) > 15:
            return beta  # separation: fitted probabilities are 0/1 where the data separate
        deviance = new
    raise ParameterError("the propensity-score logit did not converge")


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
    dY = dY.reshape(n, -1)
    gamma = logit(X, D, start=start)
    ps = 1 / (1 + np.exp(-np.clip(X @ gamma, -700, 700)))
    ps = np.minimum(ps, 1 - 1e-6)
    trim = np.ones(n, dtype=bool)
    trim[D == 0] = ps[D == 0] < TRIM_LEVEL
    control = D == 0
    # outcome regression on the comparison units: E[dY | X, D = 0] (Sant'Anna & Zhao 2020, eq. 3.1)
    X0 = X[control]
    XtX = X0.T @ X0
    beta = np.linalg.solve(XtX, X0.T @ dY[control])
    resid = dY - X @ beta
    w_treat = trim * D
    w_cont = trim * ps * (1 - D) / (1 - ps)
    eta_treat = (w_treat @ resid) / w_treat.mean() / n
    eta_cont = (w_cont @ resid) / w_cont.mean() / n
    att = eta_treat - eta_cont
    # influence functions (DRDID::drdid_panel): the estimation effect of the OLS and logit steps
    XpX_inv = np.linalg.inv(XtX / n)
    w_ols = (1 - D)
    M1 = (w_treat[:, None] * X).mean(axis=0)
    M3 = (w_cont[:, None] * X).mean(axis=0)
    a1 = X @ (XpX_inv @ M1)
    a3 = X @ (XpX_inv @ M3)
    info = X.T @ (X * (ps * (1 - ps))[:, None])
    hessian = np.linalg.inv(info) * n
    asy_ps = ((D - ps)[:, None] * X) @ hessian
    M2 = X.T @ (w_cont[:, None] * (resid - eta_cont[None, :])) / n  # k x m
    wr = w_ols[:, None] * resid
    inf_treat = (w_treat[:, None] * (resid - eta_treat[None, :]) - wr * a1[:, None]) / w_treat.mean()
    inf_cont = (w_cont[:, None] * (resid - eta_cont[None, :]) + asy_ps @ M2 - wr * a3[:, None]) / w_cont.mean()
    return att, inf_treat - inf_cont, gamma
