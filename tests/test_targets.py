"""Targets: share arithmetic on hand-checked rows, Monte Carlo properties, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from kip_analysis.analyses.targets import forecast as targets
from kip_analysis.analyses.targets import scenarios, shares
from kip_analysis.analyses.targets.params import validate as validate_targets
from kip_analysis.analyses.targets.scenarios import Levers
from kip_analysis.data import processed
from kip_analysis.data.raw import load_table
from kip_analysis.errors import ParameterError


@pytest.fixture(scope="module")
def data():
    t = processed.build_all()
    return t["facts"], t["recognition_rounds"], t["targets"], load_table("gso_iip_by_province")


def test_exchange_rate_from_the_sources_own_pairs(data):
    rate, how = shares.vnd_per_usd(data[0])
    assert rate == pytest.approx((60e12 / 2.6e9 + 200e12 / 8.63e9) / 2)
    assert "b003/b004" in how and "e007/e008" in how


def test_round_values_by_hand(data):
    facts, rounds, _, _ = data
    v = shares.round_values(facts, rounds).set_index("round")
    assert (v.loc[2022, "revenue"], v.loc[2022, "revenue_base_year"], v.loc[2022, "revenue_source"]) == (
        76800.0, 2021, "w016")
    assert v.loc[2024, "revenue_base_year"] == 2023  # "2024 round" figure: base year before the round
    assert v.loc[2021, "revenue_source"] == "w012 (firms/products)"
    per_product = [40000 / 61, 40000 / 46, 76800 / 33, 62000 / 33, 50000 / 36, 42000 / 35]
    assert v.loc[2019, "revenue"] == pytest.approx(30 * float(np.median(per_product)))
    assert v.loc[2019, "revenue_source"].startswith("imputed")
    assert v.loc[2018, "exports"] == pytest.approx(10000e9 / shares.vnd_per_usd(facts)[0] / 1e6)


def test_share_arithmetic(data):
    facts, rounds, _, iip = data
    a = shares.ShareAssumptions()
    table = shares.shares(facts, rounds, iip, a).set_index("year")
    # the production-value base: the sourced 2017 level (n002) carried by index growth (2018 +7.29%, 2019 +8.45%)
    assert table.loc[2018, "production_value_vnd_bn"] == pytest.approx(499932 * 1.0729)
    assert table.loc[2018, "output_share"] == pytest.approx(100 * 40000 / (499932 * 1.0729))
    assert table.loc[2019, "production_value_vnd_bn"] == pytest.approx(499932 * 1.0729 * 1.0845)
    assert table.loc[2019, "output_share_low"] < table.loc[2019, "output_share"]  # prices up to 4% a year
    values = shares.round_values(facts, rounds, a).set_index("round")
    by_hand = 40000 * 1.095**2 + values.loc[2019, "revenue"] * 1.095 + values.loc[2020, "revenue"]
    assert table.loc[2020, "kip_revenue_vnd_bn"] == pytest.approx(by_hand)
    # 2022: rounds 2020-2022 in force; exports 2022 = 17.1 USD bn
    assert table.loc[2022, "city_exports_usd_m"] == 17100.0
    assert table["output_share"].dropna().lt(100).all()  # on the production-value base no share passes 100%
    # 2018: back-cast from the supplement's 2019 level (s002) with its 2019 growth of 20.3% (s003); the
    # 2017 level (s007) grown by 2018's 18.8% (s004) gives 14,018, within 1%
    assert table.loc[2018, "city_exports_usd_m"] == pytest.approx(16_700 / 1.203) and table.loc[2018, "flag"] == ""


def test_denominator_gap_methods(data):
    facts, _, _, iip = data
    proxy = shares.iip_growth(facts, iip, shares.ShareAssumptions(), range(2020, 2023)).set_index("year")
    assert proxy.loc[2021, "growth_pct"] == 2.92 and proxy.loc[2021, "filled"]
    inter = shares.iip_growth(facts, iip, shares.ShareAssumptions(iip_gap="interpolate"),
                              range(2020, 2023)).set_index("year")
    assert inter.loc[2021, "growth_pct"] == pytest.approx((4.7 + 8.8) / 2)
    assert shares.iip_growth(facts, iip, shares.ShareAssumptions(), range(2014, 2015))["growth_pct"].iloc[0] == (
        pytest.approx(4.2))  # GSO provincial table
    ex = shares.city_exports(facts, shares.ShareAssumptions()).set_index("year")
    assert ex.loc[2024, "exports_usd_m"] == 19_400.0  # sourced now (n016); before it, Jan-Oct x 12/10
    no_2024 = facts[~facts["fact_id"].isin(["n016"])]
    assert shares.city_exports(no_2024, shares.ShareAssumptions()).set_index("year").loc[2024, "exports_usd_m"] == (
        pytest.approx(15500 * 12 / 10))
    assert ex.loc[2020, "exports_usd_m"] == pytest.approx(15500 / 1.022)
    assert ex.loc[2019, "exports_usd_m"] == 16_700.0 and ex.loc[2019, "how"] == "sourced s002"
    assert ex.loc[2017, "exports_usd_m"] == 11_800.0  # the supplement's 2017 level (s007)
    gaps = shares.city_exports(no_2024, shares.ShareAssumptions(export_gap="none")).set_index("year")
    assert math.isnan(gaps.loc[2024, "exports_usd_m"])




def test_missing_denominator_rows_give_clear_errors(data):
    facts = data[0]
    without_level = facts[(facts["metric"] != "industrial_production_value") & (facts["fact_id"] != "b017")]
    with pytest.raises(ValueError, match="no sourced level of production value and no anchor rows b015"):
        shares.production_value(without_level, pd.DataFrame(columns=["year", "growth_pct", "source"]),
                                shares.ShareAssumptions())
    with pytest.raises(ValueError, match="at least three observed years"):
        from kip_analysis.estimators.growth import simulate_log_rw

        simulate_log_rw(pd.Series([1.0, 2.0], index=[2020, 2021]), 3, 10, np.random.default_rng(0))


def test_planned_products(data):
    _, rounds, target_table, _ = data
    known = rounds[rounds["round"] <= 2022]
    low, high, source = targets.planned_products(target_table, known, 2022)  # the history of rounds, not the plan
    assert (low, high) == (known["products"].min(), known["products"].max()) and "plans not used" in source
    low, high, source = targets.planned_products(target_table, rounds[rounds["round"] <= 2018], 2018)
    assert low == high == 61


def test_known_probability_recovered_within_monte_carlo_error():
    # One round worth 100 in 2020, growth ~ N(0.10, 0.05), fixed denominator 200: the 2022 share
    # is 50 (1+g)^2, so P(share >= 60) = P(g >= sqrt(1.2) - 1), known in closed form.
    n = 40_000
    rng = np.random.default_rng(7)
    growth = rng.normal(0.10, 0.05, n)
    revenue = targets.simulate_in_force(np.full((n, 1), 100.0), np.array([2020]), np.array([2020]),
                                        np.array([2022]), growth, validity=3)
    share = 100 * revenue[:, 0] / 200
    truth = 1 - norm.cdf((math.sqrt(1.2) - 1 - 0.10) / 0.05)
    se = math.sqrt(truth * (1 - truth) / n)
    assert abs((share >= 60).mean() - truth) < 4 * se


def test_validity_renewal_and_exit_by_hand():
    base = np.array([[100.0, 50.0]])
    out = targets.simulate_in_force(base, np.array([2018, 2020]), np.array([2018, 2020]),
                                    np.arange(2018, 2024), np.array([0.0]), validity=3,
                                    renewal_rate=0.5, exit_rate=0.0)[0]
    assert out.tolist() == [100, 100, 150, 100, 100, 75]  # 2018 round expires after 2020, half renewed
    decay = targets.simulate_in_force(np.array([[100.0]]), np.array([2018]), np.array([2018]),
                                      np.array([2020]), np.array([0.0]), 3, exit_rate=0.1)[0, 0]
    assert decay == pytest.approx(81.0)


def _p(data, scenario, seed=11, target="d008"):
    facts, rounds, target_table, iip = data
    fc = targets.forecast_shares(facts, rounds, target_table, iip, 2022, 2025, scenarios.levers(scenario),
                                 n_draws=3000, seed=seed)
    return fc.probabilities.set_index("target_id").loc[target, "p_reach_low"]


@pytest.mark.slow  # six forecasts of 3,000 draws: make test runs it, make test-fast does not
def test_probabilities_monotone_in_recognitions_and_growth(data):
    assert _p(data, "fewer_recognitions") <= _p(data, "baseline") <= _p(data, "more_recognitions")
    assert _p(data, "fewer_recognitions") < _p(data, "more_recognitions")
    assert _p(data, "slow_growth") <= _p(data, "baseline") <= _p(data, "fast_growth")
    assert _p(data, "relocation_pressure") <= _p(data, "baseline")


def test_monte_carlo_reproducible_with_seed(data):
    facts, rounds, target_table, iip = data
    run = [targets.forecast_shares(facts, rounds, target_table, iip, 2022, 2025, scenarios.levers("baseline"),
                                   n_draws=500, seed=s) for s in (1, 1, 2)]
    np.testing.assert_array_equal(run[0].output, run[1].output)
    np.testing.assert_array_equal(run[0].export, run[1].export)
    assert not np.array_equal(run[0].output, run[2].output)


def test_the_circular_share_backtest_is_gone():
    # the share backtest compared a forecast with the same anchor arithmetic; rolling-origin
    # backtests of the observed series replace it (tests/test_targets_referee.py)
    assert not hasattr(targets, "backtest")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target_year": 2021}, "before as_of_year=2022"),
        ({"scenario": "utopia"}, "scenario 'utopia' is not defined"),
        ({"n_draws": 5}, "expected an integer 100-200000"),
        ({"target_year": 2040}, "expected an integer year 2022-2030"),
    ],
)
def test_targets_params_refused(kwargs, message):
    args = {"as_of_year": 2022, "target_year": 2025, "scenario": "baseline", "n_draws": 1000,
            "source_preference": "low", **kwargs}
    with pytest.raises(ParameterError, match=message):
        validate_targets(**args)


def test_levers_out_of_range():
    with pytest.raises(ParameterError, match="product_growth=-0.9 is outside the allowed range -0.5 to 1.0"):
        Levers(product_growth=-0.9)
    with pytest.raises(ParameterError, match="allowed range is -0.5 to 1.0"):
        shares.ShareAssumptions(product_growth=2.0)


def test_forecast_refuses_a_target_year_before_as_of(data):
    facts, rounds, target_table, iip = data
    with pytest.raises(ParameterError, match="before as_of_year"):
        targets.forecast_shares(facts, rounds, target_table, iip, 2024, 2022, scenarios.levers("baseline"))


def test_a_flagged_round_figure_is_drawn_as_missing_in_the_forecast(data):
    """w023 (the 2023 round's exports, above its revenue) fixes no draw and informs none."""
    facts, rounds, target_table, iip = data
    fc = targets.forecast_shares(facts, rounds, target_table, iip, 2025, 2030, scenarios.levers("baseline"),
                                 n_draws=100, seed=3)
    assert any("flagged rows drawn as missing: " in n and "w023" in n for n in fc.notes)
    early = targets.forecast_shares(facts, rounds, target_table, iip, 2022, 2025, scenarios.levers("baseline"),
                                    n_draws=100, seed=3)
    assert not any("flagged rows drawn as missing" in n for n in early.notes)  # no flagged round figure by 2022
