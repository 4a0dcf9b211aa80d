"""Scoring probabilistic forecasts: interval coverage, the continuous ranked probability score
(CRPS) from draws or a normal forecast, and the mean absolute scaled error (MASE).

May import: nothing from the package.
"""

from __future__ import annotations

import math

import numpy as np


def crps_sample(draws: np.ndarray, y: float) -> float:
    """CRPS of a forecast given by ``draws`` at outcome ``y``.

    Examples
    --------
    >>> crps_sample(np.array([1.0, 3.0]), 2.0)  # E|X-y| = 1, E|X-X'| = 1
    0.5
    """
    # CRPS = E|X - y| - E|X - X'| / 2 (Gneiting & Raftery 2007, eq. 21); sorted-sample identity
    # sum_ij |x_i - x_j| = 2 sum_i (2i - n - 1) x_(i)
    x = np.sort(np.asarray(draws, dtype=float))
    n = len(x)
    spread = 2 * np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / n**2
    return float(np.mean(np.abs(x - y)) - spread / 2)


def crps_normal(mu: float, sigma: float, y: float) -> float:
    """CRPS of a normal forecast N(mu, sigma^2) at ``y``.

    Examples
    --------
    >>> round(crps_normal(0.0, 1.0, 0.0), 6)  # 2 phi(0) - 1/sqrt(pi)
    0.233695
    """
    # CRPS = sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)], z = (y - mu) / sigma (Gneiting et al. 2005)
    z = (y - mu) / sigma
    pdf = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    return float(sigma * (z * (2 * cdf - 1) + 2 * pdf - 1 / math.sqrt(math.pi)))


def inside(low: float, high: float, y: float) -> bool:
    """Whether ``y`` lies in the closed interval [low, high]."""
    return bool(low <= y <= high)


def mase(errors: np.ndarray, scale: float) -> float:
    """Mean absolute scaled error: mean |error| over ``scale`` (the in-sample mean absolute
    one-step change, i.e. the naive forecast's error; Hyndman & Koehler 2006).

    Examples
    --------
    >>> mase(np.array([1.0, -3.0]), 2.0)
    1.0
    """
    return float(np.mean(np.abs(errors)) / scale) if scale > 0 else float("nan")
