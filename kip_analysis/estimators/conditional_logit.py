"""McFadden's conditional logit by Newton's method, vectorised over choice occasions, with
model-based or cluster-robust standard errors.

May import: nothing from the package. General purpose: a design array (occasions x
alternatives x terms) and the chosen alternative of each occasion. Tested against
statsmodels' ``ConditionalLogit`` (tests/test_land.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ConditionalLogitFit:
    """Estimates of a conditional logit."""

    params: np.ndarray
    vcov: np.ndarray
    loglik: float
    n_occasions: int
    n_clusters: int | None  # None: model-based (inverse information) covariance

    @property
    def se(self) -> np.ndarray:
        """Standard errors (square roots of the covariance's diagonal)."""
        return np.sqrt(np.diag(self.vcov))


def probabilities(X: np.ndarray, params: np.ndarray) -> np.ndarray:
    """Choice probabilities P_oj = exp(x_oj b) / sum_k exp(x_ok b) (McFadden 1974): occasions x
    alternatives for one coefficient vector, occasions x alternatives x draws for a (draws x
    terms) array of them.

    Examples
    --------
    >>> X = np.array([[[0.0], [1.0]]])
    >>> probabilities(X, np.array([np.log(3.0)])).round(2).tolist()
    [[0.25, 0.75]]
    >>> probabilities(X, np.array([[0.0], [np.log(3.0)]]))[0, 1].round(2).tolist()
    [0.5, 0.75]
    """
    if params.ndim == 1:
        v = X @ params
    else:
        o, m, k = X.shape
        v = (X.reshape(o * m, k) @ params.T).reshape(o, m, -1)
    v = v - v.max(axis=1, keepdims=True)
    prob = np.exp(v)
    return prob / prob.sum(axis=1, keepdims=True)


def pieces(beta: np.ndarray, X: np.ndarray, chosen: np.ndarray
           ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Log-likelihood, per-occasion scores, Hessian and choice probabilities at ``beta``."""
    # McFadden (1974): score_o = x_o,chosen - sum_j P_oj x_oj
    prob = probabilities(X, beta)
    xbar = np.einsum("oj,ojk->ok", prob, X)
    idx = np.arange(len(chosen))
    loglik = float(np.log(prob[idx, chosen]).sum())
    scores = X[idx, chosen] - xbar
    dev = X - xbar[:, None, :]
    hessian = -np.einsum("oj,ojk,ojl->kl", prob, dev, dev)
    return loglik, scores, hessian, prob


def fit(X: np.ndarray, chosen: np.ndarray, tol: float = 1e-10, max_iter: int = 100) -> np.ndarray:
    """Maximum likelihood by Newton's method (the log-likelihood is concave)."""
    beta = np.zeros(X.shape[2])
    for _ in range(max_iter):
        _, scores, hessian, _ = pieces(beta, X, chosen)
        step = np.linalg.solve(hessian, scores.sum(axis=0))
        beta = beta - step
        if np.max(np.abs(step)) < tol:
            break
    return beta


def conditional_logit(X: np.ndarray, chosen: np.ndarray, clusters: np.ndarray | None = None
                      ) -> ConditionalLogitFit:
    """Fit a conditional logit; with ``clusters`` the covariance is the cluster-robust sandwich.

    Examples
    --------
    >>> X = np.array([[[0.0], [1.0]], [[0.0], [1.0]], [[0.0], [1.0]]])
    >>> round(float(conditional_logit(X, np.array([1, 1, 0])).params[0]), 6)  # log(2/1)
    0.693147
    """
    beta = fit(X, chosen)
    loglik, scores, hessian, _ = pieces(beta, X, chosen)
    bread = np.linalg.inv(-hessian)
    if clusters is None:
        return ConditionalLogitFit(beta, bread, loglik, len(chosen), None)
    # V = H^-1 (sum_g s_g s_g') H^-1 * G / (G - 1), s_g = sum of the scores of cluster g
    ids = np.unique(clusters, return_inverse=True)[1]
    g = int(ids.max()) + 1
    summed = np.zeros((g, len(beta)))
    np.add.at(summed, ids, scores)
    vcov = bread @ (summed.T @ summed) @ bread * g / (g - 1)
    return ConditionalLogitFit(beta, vcov, loglik, len(chosen), g)
