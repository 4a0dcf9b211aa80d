"""The worst-case bias problem of Rambachan & Roth's fixed-length confidence interval, compiled once.

moderndid's FLCI (``moderndid.didhonest.fixed_length_ci``) finds the standard deviation ``h`` of
the affine estimator that minimises the interval's half-length by golden-section search; each
step solves the second-order cone program of ``maximize_bias`` (Rambachan & Roth 2023, eq. 17)
at a new ``h``. moderndid builds and compiles a fresh cvxpy problem each time, and the
compilation, not the solve, is what costs: a breakdown search of the smoothness bound solves
about 400 of them. Only ``h`` changes between steps, and the objective does not depend on the
smoothness bound M at all (M scales the optimum). Here the same program, with the same objective
and constraints in the same order, is written once per covariance matrix with ``h**2`` as a cvxpy
``Parameter`` (disciplined parametrised programming), so each later step only refills the
solver's data and calls Clarabel. tests/test_honest_bias.py checks the two give the same numbers.

The FLCI's critical value, the quantile of the folded normal |N(t, 1)| (Rambachan & Roth 2023,
eq. 18), is found by Brent's method on a CDF that moderndid writes with ``scipy.stats.norm.cdf``;
each of its ~5,000 evaluations per memo year pays the distribution object's argument checks. The
same differences of ``scipy.special.ndtr`` (what ``norm.cdf`` evaluates) give the same bits.

May import: (numpy, cvxpy and moderndid's own helpers only).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import numpy as np


def _bias_problem(sigma: np.ndarray, n_pre: int, n_post: int, weights: np.ndarray) -> tuple:
    """The SOCP of moderndid's ``maximize_bias`` with ``h**2`` a parameter: (problem, variables, h2)."""
    return _compiled(sigma.tobytes(), sigma.shape, n_pre, n_post, weights.tobytes())


@functools.lru_cache(maxsize=8)  # a memo year needs one per covariance matrix
def _compiled(sigma_bytes: bytes, shape: tuple[int, int], n_pre: int, n_post: int, weights_bytes: bytes) -> tuple:
    import cvxpy as cp
    from moderndid.didhonest.fixed_length_ci import _create_diff_matrix

    sigma = np.frombuffer(sigma_bytes).reshape(shape)
    weights = np.frombuffer(weights_bytes)
    x = cp.Variable(2 * n_pre)
    # the constant part of the bias of the post-period weights (Rambachan & Roth 2023, eq. 17)
    constant = sum(abs(np.dot(np.arange(1, s + 1), weights[(n_post - s): n_post])) for s in range(1, n_post + 1)) \
        - np.dot(np.arange(1, n_post + 1), weights)
    objective = cp.Minimize(constant + cp.sum(x[:n_pre]))
    slack, w = x[:n_pre], x[n_pre:]
    lower = np.tril(np.ones((n_pre, n_pre)))
    constraints = [-slack <= lower @ w, lower @ w <= slack, cp.sum(w) == np.dot(np.arange(1, n_post + 1), weights)]
    stacked = np.hstack([np.zeros((n_pre, n_pre)), _create_diff_matrix(n_pre)])  # first differences to levels
    s_pre, s_pre_post = sigma[:n_pre, :n_pre], sigma[:n_pre, n_pre:]
    s_post = weights @ sigma[n_pre:, n_pre:] @ weights
    h2 = cp.Parameter(nonneg=True)
    variance = cp.quad_form(x, stacked.T @ s_pre @ stacked) + (2 * stacked.T @ s_pre_post @ weights) @ x + s_post
    constraints.append(variance <= h2)
    return cp.Problem(objective, constraints), x, h2


def maximize_bias(h: float, sigma: np.ndarray, n_pre_periods: int, n_post_periods: int,
                  post_period_weights: np.ndarray, smoothness_bound: float = 1.0) -> dict:
    """The worst-case bias of moderndid's ``maximize_bias`` (same arguments and result) on a problem compiled once.

    Parameters
    ----------
    h : float
        Bound on the standard deviation of the affine estimator.
    sigma : numpy.ndarray
        Covariance matrix of the event-study coefficients (pre periods first).
    n_pre_periods, n_post_periods : int
        Numbers of pre- and post-recognition coefficients.
    post_period_weights : numpy.ndarray
        Weights of the post-period coefficients in the target parameter.
    smoothness_bound : float
        M: scales the optimum (the program itself does not depend on it).

    Returns
    -------
    dict
        ``status``, ``value`` (worst-case bias times M), ``optimal_x``, ``optimal_w`` and
        ``optimal_l`` (pre-period weights in levels), as moderndid returns them.
    """
    import cvxpy as cp
    from moderndid.didhonest.fixed_length_ci import _weights_to_l

    weights = np.ascontiguousarray(post_period_weights, dtype=float)
    problem, x, h2 = _bias_problem(np.ascontiguousarray(sigma, dtype=float), n_pre_periods, n_post_periods, weights)
    failed = {"status": "failed", "value": np.inf, "optimal_x": None, "optimal_w": None, "optimal_l": None}
    h2.value = h**2
    try:
        problem.solve(solver=cp.CLARABEL, verbose=False)
    except (ValueError, RuntimeError, cp.error.SolverError) as err:
        return failed | {"status": f"error: {err!s}"}
    if problem.status not in ("optimal", "optimal_inaccurate"):
        return failed
    w = x.value[n_pre_periods:]
    return {"status": "optimal", "value": problem.value * smoothness_bound, "optimal_x": x.value,
            "optimal_w": w, "optimal_l": _weights_to_l(w)}


def folded_normal_cdf(x: float, mu_abs: float, sd: float, p: float = 0.0) -> float:
    """CDF of the folded normal |N(mu_abs, sd^2)| at ``x``, minus ``p`` (moderndid's ``_folded_normal_cdf``).

    P(|X| <= x) = Phi((x - mu)/sd) - Phi((-x - mu)/sd), with Phi = ``scipy.special.ndtr``, the function
    ``scipy.stats.norm.cdf`` evaluates after its argument checks (same bits, a tenth of the time).
    """
    from scipy.special import ndtr

    return ndtr((x - mu_abs) / sd) - ndtr((-x - mu_abs) / sd) - p


@contextlib.contextmanager
def compiled_once() -> Iterator[None]:
    """Within the block, moderndid's FLCI solves its bias problems with :func:`maximize_bias` and finds its
    critical values with :func:`folded_normal_cdf`.

    moderndid looks both functions up in its module at each call, so the block swaps the module's
    attributes and restores them on the way out (even when the block raises).
    """
    from moderndid.didhonest import fixed_length_ci

    swaps = {"maximize_bias": maximize_bias, "_folded_normal_cdf": folded_normal_cdf}
    originals = {name: getattr(fixed_length_ci, name) for name in swaps}
    for name, function in swaps.items():
        setattr(fixed_length_ci, name, function)
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(fixed_length_ci, name, function)
