"""Land leases and relocation: rents, the real-data FDI model, the location choice's recovery of
the SIMULATED truth (and the flags when it misses), identification by time variation,
elasticities with intervals, counterfactuals, costs and bad parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from kip_analysis.analyses.land import fdi as fdi_model
from kip_analysis.analyses.land import leases, params
from kip_analysis.analyses.land import relocation as land
from kip_analysis.data import geography, processed
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.data.raw import load_table
from kip_analysis.data.simulated_locations import true_coefficients
from kip_analysis.data.simulated_panel import simulate_panel
from kip_analysis.errors import ParameterError
from kip_analysis.estimators import conditional_logit as clogit
from kip_analysis.estimators.delta import numerical_gradient

pytestmark = pytest.mark.slow  # simulated panels and estimator fits: make test, not test-fast


@pytest.fixture(scope="module")
def facts():
    return processed.build_all()["facts"]


@pytest.fixture(scope="module")
def firms():
    return load_firm_panel("simulated")


@pytest.fixture(scope="module")
def choice(firms):
    return land.location_choice(firms.data, firms.truth.places)


def test_lease_ratio_depends_on_consultant_and_year(facts):
    ratios = leases.lease_ratios(geography.rents_table(facts), facts).set_index(["consultant", "period"])
    assert ratios.loc[("CBRE", "2021"), "ratio"] == pytest.approx(217.5 / ((107.5 + 80 + 102.5 + 80) / 4))
    assert ratios.loc[("Savills", "2021"), "ratio"] == pytest.approx(129 / ((106 + 101 + 79 + 101) / 4))
    assert (ratios.loc[[("CBRE", "2021"), ("Savills", "2021")], "comparator"] == leases.COMPARATOR_LABEL).all()
    claim = ratios[ratios["comparator"] == "neighbouring provinces"]
    assert claim["ratio"].tolist() == [1.75]


def test_fdi_poisson_equals_conditional_logit_on_the_real_counts():
    fdi = fdi_model.fdi_location(load_table("gso_fdi_by_province"), load_table("pci_subindices"),
                            load_table("province_codes"))
    assert len(fdi.data) == 63 and fdi.data["projects"].sum() == pytest.approx(
        fdi.data["projects"].sum()) and fdi.zero_filled == 11
    X = fdi.data[list(fdi_model.PCI_COVARIATES)].to_numpy()
    n = fdi.data["projects"].to_numpy()

    def negative_ll(beta):  # grouped conditional logit (McFadden): sum_j n_j log P_j
        v = X @ beta
        return -(n @ (v - np.log(np.exp(v - v.max()).sum()) - v.max()))

    cl = minimize(negative_ll, np.zeros(X.shape[1]), method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(cl.x, fdi.fit.params[list(fdi_model.PCI_COVARIATES)].to_numpy(), atol=1e-4)
    assert fdi.hanoi_share == pytest.approx(462 / fdi.data["projects"].sum())
    assert fdi.data["predicted_share"].sum() == pytest.approx(1.0)


def _truth(sim, choice) -> dict[str, float]:
    return true_coefficients(sim.params.choice, sim.places, choice.reference)


def test_location_choice_recovers_true_parameters_within_two_se():
    # Across independent SIMULATED panels the mean estimate lies within two standard errors of the
    # mean of the truth (one panel misses 2 SE in ~5% of coefficients by design: those are flagged).
    fits, truth = [], {}
    for seed in range(10, 16):
        sim = simulate_panel(seed=seed)
        choice = land.location_choice(sim.panel, sim.places)
        truth = _truth(sim, choice)
        fits.append(choice.coefficients.set_index("term"))
        dropped = choice.coefficients.attrs["dropped"]
        assert "kip_x_hanoi" in fits[-1].index or any(d.startswith("kip_x_hanoi") for d in dropped)
    for term, value in truth.items():
        if term == "kip_x_hanoi":  # rests on a handful of moves by recognised firms; dropped when none moved
            continue
        coefs = np.array([f.loc[term, "coef"] for f in fits])
        se_mean = np.sqrt(np.mean([f.loc[term, "se"] ** 2 for f in fits]) / len(fits))
        assert abs(coefs.mean() - value) <= 2 * se_mean, (term, coefs.mean(), value, se_mean)


def test_time_variation_alone_identifies_the_lease_effect_and_is_dropped_without_it(firms, choice):
    within = land.location_choice(firms.data, firms.truth.places, time_only=True).coefficients.set_index("term")
    main = choice.coefficients.set_index("term")
    truth = _truth(firms.truth, choice)["lease_x_land"]
    assert abs(within.loc["lease_x_land", "coef"] - truth) <= 3 * within.loc["lease_x_land", "se"]
    assert within.loc["lease_x_land", "se"] > main.loc["lease_x_land", "se"]  # less variation, wider interval
    # up to 2019 every rent is the 2019 figure carried back: no change over time, nothing identifies it
    early = land.location_choice(firms.data, firms.truth.places, last_year=2019, time_only=True)
    assert "lease_x_land" not in set(early.coefficients["term"])
    dropped = early.coefficients.attrs["dropped"]
    assert any(d.startswith("lease_x_land: no place's lease index changes") for d in dropped)


def test_coefficients_far_from_the_truth_are_flagged_not_hidden(firms, choice):
    truth = _truth(firms.truth, choice)
    table = land.compare_with_truth(choice, truth).set_index("term")
    assert (table["flag: more than 2 SE from truth"] == (table["gap (SE)"] > 2)).all()
    wrong = truth | {"lease_x_land": truth["lease_x_land"] + 10 * table.loc["lease_x_land", "se"]}
    assert land.compare_with_truth(choice, wrong).set_index("term").loc["lease_x_land",
                                                                        "flag: more than 2 SE from truth"]


def test_location_choice_equals_statsmodels_to_four_decimals(choice):
    from statsmodels.discrete.conditional_models import ConditionalLogit

    sample = np.arange(0, len(choice.chosen), 40)  # statsmodels loops over occasions: a subsample
    keep = [choice.term(t) for t in choice.terms if t != "kip_x_hanoi"]  # KIP x Hanoi separates in a subsample
    X, chosen = choice.X[sample][:, :, keep], choice.chosen[sample]
    ours = clogit.fit(X, chosen)
    k, m, p = X.shape
    y = np.zeros((k, m))
    y[np.arange(k), chosen] = 1
    theirs = ConditionalLogit(y.ravel(), X.reshape(k * m, p), groups=np.repeat(np.arange(k), m)).fit(
        method="newton", disp=False, maxiter=200, start_params=np.zeros(p))
    np.testing.assert_allclose(ours, np.asarray(theirs.params), atol=1e-4)


def test_choice_probabilities_sum_to_one_and_staying_dominates(choice):
    _, _, _, prob = clogit.pieces(choice.params, choice.X[:500], choice.chosen[:500])
    np.testing.assert_allclose(prob.sum(axis=1), 1.0)
    assert (prob[:, 0] > 0.9).all()
    np.testing.assert_allclose(land.stay_probability(choice.X[:500], choice.params)[:, 0], prob[:, 0])


def test_lease_elasticity_equals_the_numerical_derivative(choice):
    rows = np.flatnonzero(choice.data["year"].to_numpy() == 2025)
    r = land.data_lease_ratio(choice, rows)

    def moves(ratio: float) -> float:
        return float((1 - land.stay_probability(land.with_hanoi_lease(choice, rows, ratio),
                                                choice.params)).sum())

    h = 1e-5  # d ln E[moves] / d ln R by central differences
    numeric = (np.log(moves(r * np.exp(h))) - np.log(moves(r * np.exp(-h)))) / (2 * h)
    analytic = land.lease_elasticity(choice, choice.X[rows], choice.params)[0]
    assert analytic == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("ratio", [None, 1.5, 2.0])
def test_lease_elasticity_gradient_equals_central_differences(choice, ratio):
    """The delta-method interval's analytic gradient, against central differences (their rounding: ~1e-9)."""
    rows = np.flatnonzero(choice.data["year"].to_numpy() == 2025)
    X = land.with_hanoi_lease(choice, rows, ratio)
    analytic = land.lease_elasticity_gradient(choice, X, choice.params)
    numeric = numerical_gradient(lambda b: float(land.lease_elasticity(choice, X, b)[0]), choice.params)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8 * np.abs(numeric).max())


def test_elasticity_intervals_simulation_agrees_with_delta_and_the_r_sensitivity(firms, choice):
    truth = land.truth_vector(choice, _truth(firms.truth, choice))
    curve = land.elasticity_table(choice, 2025, {"data": None, "low": 1.22, "high": 2.82}, truth=truth, n_draws=2000)
    for row in curve.itertuples():
        assert row.delta_low < row.elasticity < row.delta_high
        assert (row.sim_high - row.sim_low) == pytest.approx(row.delta_high - row.delta_low, rel=0.15)
    savills_2021 = 129 / ((106 + 101 + 79 + 101) / 4)  # carried forward to 2025: the last like-for-like ratio
    assert curve.loc[0, "lease_ratio"] == pytest.approx(savills_2021, rel=1e-3)
    # evaluated at a higher ratio, firms are more responsive; the coefficient is the same one
    assert curve["elasticity"].iloc[1] < curve["elasticity"].iloc[0] < curve["elasticity"].iloc[2]
    data = curve.iloc[0]
    assert data["delta_low"] - 0.5 * (data["delta_high"] - data["delta_low"]) < data["true_elasticity"]
    by_sector = land.elasticity_table(choice, 2025, {"data": None}, by="sector", n_draws=200).set_index("group")
    assert by_sector.drop(index="all")["elasticity"].idxmax() == "new_materials"  # the most land-hungry sector
    assert by_sector.drop(index="all")["elasticity"].idxmin() == "electronics_it"


def test_counterfactual_monotone_in_subsidy_and_cost_in_its_drivers(choice):
    cf = land.subsidy_counterfactual(choice, 2025, np.array([0.0, 0.5, 1.0]), 2e4, n_draws=200)
    avoided = cf[cf["quantity"] == "relocations_avoided"].set_index("subsidy_share")["median"]
    assert avoided.loc[0.0] == 0 and avoided.loc[0.0] < avoided.loc[0.5] < avoided.loc[1.0]
    assert cf["lease_ratio_after"].min() == pytest.approx(1.0)
    cost = land.cost_per_output_kept(choice, 2025, 0.5, {"data": None, "high": 2.82}, 109.0, (30.0, 50.0), 23_000.0,
                                     2e4, n_draws=200).set_index(["ratio", "lease_term_years"])
    c = cost["yearly_cost_vnd_bn"]
    assert c.loc[("data", 30.0)] == pytest.approx(c.loc[("data", 50.0)] * 50 / 30)  # spread over fewer years
    # the cost is proportional to the gap R - 1
    savills_2021 = 129 / ((106 + 101 + 79 + 101) / 4)
    assert c.loc[("high", 50.0)] / c.loc[("data", 50.0)] == pytest.approx(1.82 / (savills_2021 - 1), rel=1e-3)
    assert (cost["cost_per_vnd_kept_low"] <= cost["cost_per_vnd_kept_median"]).all()
    assert (cost["cost_per_vnd_kept_median"] <= cost["cost_per_vnd_kept_high"]).all()
    assert land.subsidy_cost(1e6, 0.5, 109.0, 109.0, 23_000.0, 50.0) == 0.0


def test_scenarios_sharing_the_coefficient_draws_equal_their_own_runs(choice):
    """One year's draws and other-place log-sums serve every lease scenario: the same bits as drawing anew."""
    sims = land.coefficient_draws(choice, 2025, n_draws=200)
    for ratio in (None, 2.82):
        alone = land.subsidy_counterfactual(choice, 2025, np.array([0.0, 0.5]), 2e4, ratio, n_draws=200)
        shared = land.subsidy_counterfactual(choice, 2025, np.array([0.0, 0.5]), 2e4, ratio, n_draws=200, sims=sims)
        pd.testing.assert_frame_equal(alone, shared, check_exact=True)
    other_seed = land.subsidy_counterfactual(choice, 2025, np.array([0.5]), 2e4, n_draws=200, seed=5, sims=sims)
    assert not other_seed.equals(land.subsidy_counterfactual(choice, 2025, np.array([0.5]), 2e4, n_draws=200))


def test_firm_years_without_employment_are_counted_not_dropped_silently(firms):
    panel = firms.data.copy()
    firm = panel.loc[panel["province"] == "01", "firm_id"].iloc[0]
    panel.loc[panel["firm_id"] == firm, "employment"] = np.nan  # no labour intensity for this firm
    fit = land.location_choice(panel, firms.truth.places)
    n = int(((panel["firm_id"] == firm) & (panel["year"] >= 2012)).sum())
    assert fit.coefficients.attrs["dropped"][0].startswith(f"{n} of ")
    assert np.isfinite(fit.params).all()


def test_a_move_outside_the_choice_set_is_refused(firms):
    panel = firms.data.copy()
    mover = panel.index[panel["relocated"] == 1][0]
    panel.loc[mover, "province"] = "31"  # Hải Phòng has no wage region, so it is not a place
    with pytest.raises(ParameterError, match="leave the choice set"):
        land.location_choice(panel, firms.truth.places)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: params.check_subsidy_share(1.2), "between 0 and 1"),
        (lambda: params.check_subsidy_share(-0.1), "between 0 and 1"),
        (lambda: params.check_lease_ratio(-1.0), "expected a positive number"),
        (lambda: params.check_lease_ratio(0), "expected a positive number"),
    ],
)
def test_bad_parameters(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_missing_land_access_raises_instead_of_a_default():
    pci = load_table("pci_subindices")
    with pytest.raises(ParameterError, match="no 2016 land-access score for province 01"):
        geography.land_access(pci[pci["gso_code"] != "01"], "01")


def test_kip_exit_rate_feeds_the_targets_forecast(choice):
    rate = land.kip_exit_rate(choice, 2025)
    assert 0 < rate < 0.05
    assert land.kip_exit_rate(choice, 2025, ratio=2.5) > rate > land.kip_exit_rate(choice, 2025, ratio=1.0)
