"""The minimum detectable effect (McKenzie 2012) against simulation."""

from __future__ import annotations

import math

import pytest

from kip_analysis.estimators import power


@pytest.mark.parametrize(("n_t", "n_c", "m", "r", "rho"), [(36, 500, 8, 3, 0.5), (30, 300, 4, 2, 0.0),
                                                          (100, 100, 1, 1, 0.8)])
def test_mde_gives_the_stated_power_in_simulation(n_t, n_c, m, r, rho):
    mde = power.minimum_detectable_effect(n_t, n_c, m, r, sigma=0.4, rho=rho)
    rate, sd = power.simulated_power(mde, n_t, n_c, m, r, 0.4, rho, n_sims=4000, seed=7)
    assert rate == pytest.approx(0.8, abs=0.03)  # Monte Carlo SE about 0.006
    assert sd == pytest.approx(math.sqrt(power.did_variance(n_t, n_c, m, r, 0.4, rho)), rel=0.04)
    null_rate, _ = power.simulated_power(0.0, n_t, n_c, m, r, 0.4, rho, n_sims=4000, seed=8)
    assert null_rate == pytest.approx(0.05, abs=0.015)


def test_more_periods_and_correlation_shrink_the_mde():
    base = power.minimum_detectable_effect(36, 10_000, 1, 1, 0.4, 0.5)
    assert power.minimum_detectable_effect(36, 10_000, 8, 3, 0.4, 0.5) < base
    assert power.minimum_detectable_effect(36, 10_000, 1, 1, 0.4, 0.8) < base
    with pytest.raises(ValueError, match="at least one unit"):
        power.minimum_detectable_effect(0, 10, 1, 1, 0.4, 0.5)
