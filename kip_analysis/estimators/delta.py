"""The delta method with a numerical gradient: the standard error of a smooth function of
estimated coefficients.

May import: nothing from the package. General purpose.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(fn: Callable[[np.ndarray], float], params: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central differences: g_j = (f(b + h e_j) - f(b - h e_j)) / 2h.

    Examples
    --------
    >>> np.round(numerical_gradient(lambda b: float(b[0] ** 2 + 3 * b[1]), np.array([2.0, 1.0])), 6)
    array([4., 3.])
    """
    params = np.asarray(params, dtype=float)
    return np.array([(fn(params + step * e) - fn(params - step * e)) / (2 * step) for e in np.eye(len(params))])


def delta_se(fn: Callable[[np.ndarray], float], params: np.ndarray, vcov: np.ndarray, step: float = 1e-6) -> float:
    """Standard error of fn(b) by the delta method: sqrt(g' V g), g the numerical gradient at b.

    Examples
    --------
    >>> round(delta_se(lambda b: float(b[0] - b[1]), np.zeros(2), np.array([[1.0, 0.5], [0.5, 1.0]])), 6)
    1.0
    """
    grad = numerical_gradient(fn, params, step)
    return float(np.sqrt(grad @ vcov @ grad))  # delta method: Var f(b) ~ g' V g
