"""Heteroskedasticity-robust covariance for Poisson regression with few observations (general
purpose): HC3, which statsmodels' GLM does not provide (``cov_type="HC3"`` there silently gives
HC0; tests/test_fdi.py shows it).

May import: nothing from the package.
"""

from __future__ import annotations

import numpy as np


def poisson_hc(X: np.ndarray, y: np.ndarray, mu: np.ndarray, kind: str = "HC3") -> np.ndarray:
    """HC0 or HC3 covariance of Poisson (log link) coefficients.

    V = (X'WX)^-1 X' diag(e_i^2 / (1 - h_i)^k) X (X'WX)^-1 with W = diag(mu), e = y - mu and
    leverage h_i = mu_i x_i'(X'WX)^-1 x_i; k = 0 for HC0, 2 for HC3 (MacKinnon & White 1985;
    Long & Ervin 2000 recommend HC3 below 250 observations).

    Examples
    --------
    >>> X = np.column_stack([np.ones(4), [0.0, 1, 2, 3]])
    >>> y = np.array([1.0, 2, 2, 5])
    >>> mu = np.exp(X @ np.array([0.1, 0.5]))
    >>> bool(np.all(np.diag(poisson_hc(X, y, mu, "HC3")) >= np.diag(poisson_hc(X, y, mu, "HC0"))))
    True
    """
    if kind not in ("HC0", "HC3"):
        raise ValueError(f"kind={kind!r}: expected HC0 or HC3")
    bread = np.linalg.inv(X.T @ (X * mu[:, None]))
    h = mu * np.einsum("ij,jk,ik->i", X, bread, X)
    e2 = (y - mu) ** 2 / ((1 - h) ** 2 if kind == "HC3" else 1.0)
    return bread @ (X.T @ (X * e2[:, None])) @ bread
