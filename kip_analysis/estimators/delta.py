"""The delta method: the standard error of a smooth function of estimated coefficients from its
gradient, and central differences to check an analytic gradient with.

The workbook's intervals use analytic gradients. A central difference with step h carries the
rounding of f divided by h (1e-6): f's last bits, which differ between CPUs (the vectorised exp and
BLAS kernels of two machines sum in different orders), moved published interval ends in their 11th
digit from one machine to the next.

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


def delta_se(grad: np.ndarray, vcov: np.ndarray) -> float:
    """Standard error of f(b) by the delta method, sqrt(g' V g), from the gradient g of f at b.

    Examples
    --------
    >>> delta_se(np.array([1.0, -1.0]), np.array([[1.0, 0.5], [0.5, 1.0]]))
    1.0
    """
    grad = np.asarray(grad, dtype=float)
    return float(np.sqrt(grad @ vcov @ grad))  # delta method: Var f(b) ~ g' V g


def shifted_share_logit_gradient(X: np.ndarray, beta: np.ndarray, i: int, k: int, shift: float) -> np.ndarray:
    """Gradient in ``beta`` of logit(s_i') = b_k d + log s_i - log(1 - s_i): the logit of row ``i``'s
    softmax share s = softmax(X b) once its covariate ``k`` moves by d = ``shift``, others unchanged.

    d log s_i / db = x_i - xbar and d log(1 - s_i) / db = -s_i (x_i - xbar) / (1 - s_i), xbar = sum_j s_j x_j
    (conditional logit, McFadden 1974), so the gradient is d e_k + (x_i - xbar) / (1 - s_i).

    Examples
    --------
    >>> X, b = np.array([[1.0, 0.5], [0.2, 1.0], [0.0, 0.3]]), np.array([0.4, -0.7])
    >>> def f(beta):
    ...     s = np.exp(X @ beta) / np.exp(X @ beta).sum()
    ...     return float(beta[1] * 2.0 + np.log(s[0] / (1 - s[0])))
    >>> bool(np.allclose(shifted_share_logit_gradient(X, b, 0, 1, 2.0), numerical_gradient(f, b), atol=1e-8))
    True
    """
    v = X @ beta
    s = np.exp(v - v.max())
    s /= s.sum()
    grad = (X[i] - s @ X) / (1 - s[i])
    grad[k] += shift
    return grad
