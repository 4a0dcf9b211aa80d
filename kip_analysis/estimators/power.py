"""Power of a difference-in-differences design: the minimum detectable effect with several
pre- and post-periods and equicorrelated errors (McKenzie 2012), and a simulation that checks it.

May import: nothing from the package.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np


def did_variance(n_treated: int, n_control: int, pre_periods: int, post_periods: int, sigma: float,
                 rho: float) -> float:
    """Variance of the DiD estimate (mean of post minus mean of pre, treated minus control).

    Examples
    --------
    >>> did_variance(100, 100, 1, 1, 1.0, 0.0)  # two periods, iid errors: 2 sigma^2 (1/100 + 1/100)
    0.04
    """
    if min(n_treated, n_control, pre_periods, post_periods) < 1 or sigma <= 0 or not 0 <= rho < 1:
        raise ValueError("need at least one unit per group and one period on each side, sigma > 0, 0 <= rho < 1")
    # McKenzie (2012, eq. 3): Var = (1/n_T + 1/n_C) sigma^2 (1 - rho) (m + r) / (m r)
    return (1 / n_treated + 1 / n_control) * sigma**2 * (1 - rho) * (pre_periods + post_periods) / (
        pre_periods * post_periods)


def minimum_detectable_effect(n_treated: int, n_control: int, pre_periods: int, post_periods: int, sigma: float,
                              rho: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest true effect a two-sided test at level ``alpha`` detects with probability ``power``.

    Examples
    --------
    >>> round(minimum_detectable_effect(100, 100, 1, 1, 1.0, 0.0), 4)
    0.5603
    """
    # MDE = (z_{1 - alpha/2} + z_{power}) sqrt(Var) (McKenzie 2012)
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    return z * math.sqrt(did_variance(n_treated, n_control, pre_periods, post_periods, sigma, rho))


def simulated_power(effect: float, n_treated: int, n_control: int, pre_periods: int, post_periods: int,
                    sigma: float, rho: float, alpha: float = 0.05, n_sims: int = 2000, seed: int = 1
                    ) -> tuple[float, float]:
    """Rejection rate and standard deviation of the DiD estimate over simulated panels with
    equicorrelated errors (a unit effect of variance rho sigma^2 plus iid noise of (1 - rho) sigma^2),
    tested with the analytic standard error.
    """
    rng = np.random.default_rng(seed)
    n, t = n_treated + n_control, pre_periods + post_periods
    unit = rng.normal(0, math.sqrt(rho) * sigma, (n_sims, n, 1))
    noise = rng.normal(0, math.sqrt(1 - rho) * sigma, (n_sims, n, t))
    y = unit + noise
    y[:, :n_treated, pre_periods:] += effect
    diff = y[:, :, pre_periods:].mean(axis=2) - y[:, :, :pre_periods].mean(axis=2)
    estimate = diff[:, :n_treated].mean(axis=1) - diff[:, n_treated:].mean(axis=1)
    se = math.sqrt(did_variance(n_treated, n_control, pre_periods, post_periods, sigma, rho))
    z = NormalDist().inv_cdf(1 - alpha / 2)
    return float(np.mean(np.abs(estimate / se) > z)), float(np.std(estimate, ddof=1))
