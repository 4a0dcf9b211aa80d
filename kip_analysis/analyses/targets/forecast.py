"""Will the output-share and export-share targets be met? Monte Carlo forecasts of the
KIP shares with a probability for each target, and scenarios (the honest backtests are in
:mod:`kip_analysis.analyses.targets.backtest`).

The forecast is built from its parts (:mod:`kip_analysis.analyses.targets.shares`): rounds already
recognised (three-year validity, renewals, exits), new rounds per the plan known at the
forecast date (revenue per product drawn from the sourced rounds), and the city
denominators from :mod:`kip_analysis.estimators.growth`. Everything uses only data about years up
to ``as_of_year``; randomness is seeded.

May import: analyses.targets.scenarios, analyses.targets.shares, config, data.plausibility, errors, estimators.growth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kip_analysis import config
from kip_analysis.analyses.targets import shares
from kip_analysis.analyses.targets.scenarios import Levers
from kip_analysis.data import plausibility
from kip_analysis.errors import ParameterError
from kip_analysis.estimators import growth as forecast

SHARE_METRICS: dict[str, str] = {"kip_output_share": "output", "kip_export_share": "export"}


def simulate_in_force(base: np.ndarray, base_year: np.ndarray, round_year: np.ndarray, years: np.ndarray,
                      growth: np.ndarray, validity: int, renewal_rate: float = 0.0,
                      exit_rate: float = 0.0) -> np.ndarray:
    """Revenue (or exports) of recognitions in force, per draw and year.

    Parameters
    ----------
    base
        (n_draws, n_rounds) value of each round in its base year.
    base_year, round_year
        (n_rounds,) base year of the value and year of recognition.
    years
        (n_years,) years to evaluate.
    growth
        (n_draws,) yearly growth of recognised products in each draw.
    validity
        Years a recognition is in force; a renewed share stays ``validity`` more years.
    renewal_rate, exit_rate
        Share renewed at expiry; yearly share lost to exits or relocation.

    Returns
    -------
    numpy.ndarray
        (n_draws, n_years): sum over rounds in force of base x (1+g)^(year - base year)
        x (1 - exit)^(year - round) x (1 or renewal_rate in the renewed years).
    """
    age = years[None, :] - round_year[:, None]  # (rounds, years)
    weight = np.where((age >= 0) & (age < validity), 1.0,
                      np.where((age >= validity) & (age < 2 * validity), renewal_rate, 0.0))
    weight = weight * (1 - exit_rate) ** np.clip(age, 0, None)
    carry = (1 + growth)[:, None, None] ** (years[None, None, :] - base_year[None, :, None])
    return np.einsum("dr,ry,dry->dy", base, weight, carry)


def planned_products(targets: pd.DataFrame, rounds_known: pd.DataFrame, as_of_year: int) -> tuple[float, float, str]:
    """Products per future round from the history of rounds: their range (min to max) around the mean.
    The historical mean beat the plan-based forecast in the rolling-origin backtest (the plans covered
    none of the outcomes), so a plan is not used; ``targets`` is kept for the call's shape.
    """
    products = rounds_known["products"].astype(float)
    if products.empty:
        raise ValueError(f"no recognition round known by {as_of_year}: nothing to forecast rounds from")
    return (float(products.min()), float(products.max()),
            f"range of the {len(products)} rounds to {as_of_year} (mean {products.mean():.1f}); plans not used")


@dataclass(frozen=True)
class ShareForecast:
    """Monte Carlo draws of the KIP shares and what they say about each target."""

    years: list[int]
    output: np.ndarray  # (n_draws, n_years), percent
    export: np.ndarray  # (n_draws, n_years), percent; NaN when no export denominator
    probabilities: pd.DataFrame
    growth_model: forecast.GrowthModel
    notes: list[str]

    def fan(self, which: str) -> pd.DataFrame:
        """Median and 80% / 95% bands by year for ``output`` or ``export``."""
        draws = getattr(self, which)
        q = np.nanpercentile(draws, [2.5, 10, 50, 90, 97.5], axis=0) if np.isfinite(draws).any() else \
            np.full((5, len(self.years)), np.nan)
        return pd.DataFrame({"year": self.years, "q025": q[0], "q10": q[1], "median": q[2], "q90": q[3],
                             "q975": q[4]})


def _known(facts: pd.DataFrame, as_of_year: int) -> pd.DataFrame:
    """Facts about years up to ``as_of_year`` (undated rows dropped)."""
    return facts[facts["year_end"].notna() & (facts["year_end"] <= as_of_year)]


def forecast_shares(facts: pd.DataFrame, rounds: pd.DataFrame, targets: pd.DataFrame,
                    iip_table: pd.DataFrame | None, as_of_year: int, target_year: int, levers: Levers,
                    n_draws: int = 2000, seed: int = 20250101,
                    assumptions: shares.ShareAssumptions | None = None) -> ShareForecast:
    """Forecast the KIP output and export shares from ``as_of_year`` to ``target_year``.

    Raises
    ------
    ParameterError
        If ``target_year`` is before ``as_of_year`` or out of range, or ``n_draws`` < 100.
    """
    if target_year < as_of_year:
        raise ParameterError(f"target_year={target_year} is before as_of_year={as_of_year}; "
                             "a forecast looks forward")
    if not config.FIRST_YEAR <= as_of_year <= config.LAST_YEAR or target_year > 2030:
        raise ParameterError(f"as_of_year must be {config.FIRST_YEAR}-{config.LAST_YEAR} and target_year <= 2030")
    if n_draws < 100:
        raise ParameterError(f"n_draws={n_draws}: expected at least 100")
    assumptions = assumptions or shares.ShareAssumptions(product_growth=levers.product_growth)
    rng = np.random.default_rng(seed)
    known = _known(facts, as_of_year)
    rounds_known = rounds[rounds["round"] <= as_of_year]
    values = shares.round_values(known, rounds_known, assumptions)
    notes = [f"exchange rate {shares.vnd_per_usd(facts)[1]} VND per USD"]
    # a round whose figure a plausibility rule flags is drawn like an imputed one, and informs no draw
    flagged = plausibility.flagged(known)
    bad = {what: shares.source_flagged(values[f"{what}_source"], flagged) for what in ("revenue", "exports")}
    unusable = {what: values[f"{what}_source"].str.startswith("imputed") | bad[what] for what in bad}
    left_out = sorted({src.split(" ")[0] for what in bad for src in values.loc[bad[what], f"{what}_source"]})
    if left_out:
        notes.append(f"flagged rows drawn as missing: {', '.join(left_out)}")

    # Rounds already recognised: sourced values fixed, imputed (or flagged) ones bootstrapped.
    sourced = values[~unusable["revenue"]]
    pp_rev = (sourced["revenue"] / sourced["products"]).to_numpy()
    sourced_ex = values[~unusable["exports"]]
    pp_ex = (sourced_ex["exports"] / sourced_ex["products"]).to_numpy()
    low, high, plan_source = planned_products(targets, rounds_known, as_of_year)
    notes.append(f"products per future round: {low:.1f}-{high:.1f} x {levers.products_scale:g} ({plan_source})")
    future = np.arange(as_of_year + 1, target_year + 1)
    n_past, n_future = len(values), len(future)
    rev = np.empty((n_draws, n_past + n_future))
    exp = np.empty((n_draws, n_past + n_future))
    for i, r in enumerate(values.itertuples()):
        imputed_rev, imputed_ex = bool(unusable["revenue"].iloc[i]), bool(unusable["exports"].iloc[i])
        rev[:, i] = r.products * rng.choice(pp_rev, n_draws) if imputed_rev else r.revenue
        exp[:, i] = r.products * rng.choice(pp_ex, n_draws) if imputed_ex else r.exports
    counts = rng.uniform(low, high, size=(n_draws, n_future)) * levers.products_scale
    rev[:, n_past:] = counts * rng.choice(pp_rev, size=(n_draws, n_future))
    exp[:, n_past:] = counts * rng.choice(pp_ex, size=(n_draws, n_future))
    base_year = np.concatenate([values["revenue_base_year"].to_numpy(), future - 1])
    base_year_ex = np.concatenate([values["exports_base_year"].to_numpy(), future - 1])
    round_year = np.concatenate([values["round"].to_numpy(), future])
    growth = rng.normal(levers.product_growth, levers.growth_sd, n_draws)
    years = np.arange(as_of_year, target_year + 1)
    kip_rev = simulate_in_force(rev, base_year, round_year, years, growth, assumptions.validity_years,
                                levers.renewal_rate, levers.exit_rate)
    kip_exp = simulate_in_force(exp, base_year_ex, round_year, years, growth, assumptions.validity_years,
                                levers.renewal_rate, levers.exit_rate)

    # Denominators: known to as_of, then simulated.
    growth_hist = shares.iip_growth(known, iip_table, assumptions, range(2012, as_of_year + 1))
    model = forecast.select_growth_model(growth_hist.set_index("year")["growth_pct"])
    pv_known = shares.production_value(known, growth_hist,
                                       assumptions).set_index("year")
    sim_growth = forecast.simulate_growth(model, len(years) - 1, n_draws, rng, levers.denominator_shift)
    pv_path = pv_known.loc[as_of_year, "production_value_vnd_bn"] * np.cumprod(
        np.column_stack([np.ones(n_draws), 1 + sim_growth / 100 + assumptions.price_growth]), axis=1)
    output = 100 * kip_rev / pv_path
    ex_known = shares.city_exports(known, assumptions).set_index("year")["exports_usd_m"]
    ex_known = ex_known[ex_known.index <= as_of_year]
    if ex_known.notna().sum() >= 3 and pd.notna(ex_known.get(as_of_year)):
        ex_path = np.column_stack([np.full(n_draws, ex_known.loc[as_of_year]),
                                   forecast.simulate_log_rw(ex_known, len(years) - 1, n_draws, rng,
                                                            levers.denominator_shift)])
        export = 100 * kip_exp / ex_path
    else:
        export = np.full_like(output, np.nan)
        notes.append(f"no export-share forecast: fewer than three sourced city export figures up to {as_of_year}")
    notes.append(f"industrial production growth model: {model.chosen} (lowest out-of-sample RMSE)")
    probabilities = target_probabilities(targets, years, {"output": output, "export": export}, as_of_year)
    return ShareForecast(list(years), output, export, probabilities, model, notes)


def target_probabilities(targets: pd.DataFrame, years: np.ndarray, draws: dict[str, np.ndarray],
                         as_of_year: int) -> pd.DataFrame:
    """For each share target due in the forecast years: P(reaching the low end), P(inside the
    range), median and 80% / 95% intervals.
    """
    rows = []
    share_targets = targets[targets["metric"].isin(SHARE_METRICS) & targets["target_year"].isin(years)]
    for t in share_targets.itertuples():
        d = draws[SHARE_METRICS[t.metric]][:, list(years).index(t.target_year)]
        ok = np.isfinite(d)
        if not ok.any():
            continue
        d = d[ok]
        q = np.percentile(d, [2.5, 10, 50, 90, 97.5])
        rows.append({
            "target_id": t.target_id, "metric": t.metric, "kind": t.kind, "target_year": t.target_year,
            "low": t.low, "high": t.high, "p_reach_low": float((d >= t.low).mean()),
            "p_in_range": float(((d >= t.low) & (d <= t.high)).mean()), "median": q[2],
            "q10": q[1], "q90": q[3], "q025": q[0], "q975": q[4], "n_draws": int(ok.sum()),
            "as_of_year": as_of_year,
        })
    return pd.DataFrame(rows)
