"""The FLCI's worst-case bias problem compiled once (kip_analysis.estimators.honest_bias) gives
moderndid's numbers, and moderndid's own function is back in place after the block."""

from __future__ import annotations

import numpy as np
import pytest

from kip_analysis.estimators import honest_bias


def _sigma(n: int, seed: int = 3) -> np.ndarray:
    a = np.random.default_rng(seed).normal(size=(n, n)) * 0.01
    return a @ a.T + np.diag(np.linspace(1e-4, 4e-4, n))


@pytest.mark.parametrize(("n_pre", "n_post"), [(4, 4), (3, 2)])
def test_bias_problem_equals_moderndid_at_every_h(n_pre, n_post):
    from moderndid.didhonest import fixed_length_ci

    sigma = _sigma(n_pre + n_post)
    weights = np.full(n_post, 1 / n_post)
    sd = float(np.sqrt(weights @ sigma[n_pre:, n_pre:] @ weights))
    statuses = []
    for h in np.linspace(0.5 * sd, 4 * sd, 25):
        ours = honest_bias.maximize_bias(h, sigma, n_pre, n_post, weights, 0.7)
        theirs = fixed_length_ci.maximize_bias(h, sigma, n_pre, n_post, weights, 0.7)
        assert ours["status"] == theirs["status"]
        statuses.append(ours["status"])
        if theirs["status"] == "optimal":
            assert ours["value"] == pytest.approx(theirs["value"], rel=1e-9)
            np.testing.assert_allclose(ours["optimal_l"], theirs["optimal_l"], atol=1e-8)
    assert "optimal" in statuses and "failed" in statuses  # both sides of the feasible h are tried


def test_flci_inside_the_block_equals_moderndid_and_the_block_restores_it():
    from moderndid.didhonest import fixed_length_ci
    from moderndid.didhonest.sensitivity import create_sensitivity_results_sm

    sigma = _sigma(8)
    beta = np.r_[0.01, -0.01, 0.0, 0.005, 0.08, 0.1, 0.12, 0.15]
    weights = np.full(4, 0.25)
    original = fixed_length_ci.maximize_bias
    theirs = create_sensitivity_results_sm(beta, sigma, 4, 4, method="FLCI", m_vec=np.array([0.0, 0.01]),
                                           l_vec=weights)
    with honest_bias.compiled_once():
        assert fixed_length_ci.maximize_bias is honest_bias.maximize_bias
        ours = create_sensitivity_results_sm(beta, sigma, 4, 4, method="FLCI", m_vec=np.array([0.0, 0.01]),
                                             l_vec=weights)
    assert fixed_length_ci.maximize_bias is original
    np.testing.assert_allclose(ours["lb"], theirs["lb"], rtol=1e-8)
    np.testing.assert_allclose(ours["ub"], theirs["ub"], rtol=1e-8)
    with pytest.raises(RuntimeError), honest_bias.compiled_once():
        assert fixed_length_ci._folded_normal_cdf is honest_bias.folded_normal_cdf
        raise RuntimeError("inside")
    assert fixed_length_ci.maximize_bias is original
    assert fixed_length_ci._folded_normal_cdf is not honest_bias.folded_normal_cdf


def test_folded_normal_cdf_gives_moderndids_bits_and_critical_values():
    from moderndid.didhonest import fixed_length_ci

    rng = np.random.default_rng(7)
    for x, mu, sd, p in zip(rng.uniform(0, 6, 300), rng.uniform(0, 4, 300), rng.uniform(0.1, 3, 300),
                            rng.uniform(0, 1, 300), strict=True):
        assert honest_bias.folded_normal_cdf(x, mu, sd, p) == fixed_length_ci._folded_normal_cdf(x, mu, sd, p)
    theirs = [fixed_length_ci.folded_normal_quantile(0.95, mu, 1.0) for mu in (0.3, 1.2, 2.5)]
    with honest_bias.compiled_once():
        ours = [fixed_length_ci.folded_normal_quantile(0.95, mu, 1.0) for mu in (0.3, 1.2, 2.5)]
    assert ours == theirs
