"""Rolling-origin backtests of the observed series that feed the targets: industrial production
growth, city exports and products per round.

May import: data.processed, estimators.growth, estimators.scoring, estimators.did_types, analyses.targets.forecast,
analyses.targets.shares.

At each origin o the forecaster sees only the facts available by the end of o (real-time
vintage) and forecasts the next year with a sourced outcome. Each method's forecast is scored
against the outcome from the latest facts: whether the 80% and 95% intervals cover it, the
CRPS and the absolute error of the median (MASE scales it by the mean absolute yearly change in
the training data). The workbook's method is set against two naive benchmarks, the last value
and the historical mean (each a normal forecast with the training data's spread).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.analyses.targets import forecast, shares
from kip_analysis.data.processed import available_by, tables_of
from kip_analysis.estimators import growth, scoring
from kip_analysis.estimators.did_types import Z95

METHODS: tuple[str, ...] = ("workbook model", "last value", "historical mean")
Z80 = 1.2815515655446004  # two-sided 80% normal critical value


def _iip_series(facts: pd.DataFrame, iip: pd.DataFrame | None) -> pd.Series:
    """Sourced (not filled) yearly growth of the industrial production index, percent."""
    table = shares.iip_growth(facts, iip, shares.ShareAssumptions(), range(2012, 2026))
    return table[~table["filled"]].set_index("year")["growth_pct"].astype(float)


def _export_series(facts: pd.DataFrame) -> pd.Series:
    """Sourced yearly city export levels (USD m); partial-year figures are not levels."""
    table = shares.city_exports(facts, shares.ShareAssumptions(export_gap="none"))
    sourced = table[table["how"].str.startswith("sourced")]
    return sourced.set_index("year")["exports_usd_m"].astype(float)


def _normal(mu: float, sd: float, y: float) -> dict:
    sd = max(sd, 1e-9)
    return {"median": mu, "q10": mu - Z80 * sd, "q90": mu + Z80 * sd, "q025": mu - Z95 * sd,
            "q975": mu + Z95 * sd, "crps": scoring.crps_normal(mu, sd, y)}


def _draws(draws: np.ndarray, y: float) -> dict:
    q = np.percentile(draws, [2.5, 10, 50, 90, 97.5])
    return {"median": q[2], "q10": q[1], "q90": q[3], "q025": q[0], "q975": q[4],
            "crps": scoring.crps_sample(draws, y)}


def _benchmarks(train: pd.Series, y: float, h: int) -> dict[str, dict]:
    """Last value (random walk: spread of yearly changes x sqrt(h)) and historical mean."""
    change_sd = float(np.std(np.diff(train.to_numpy()), ddof=1)) if len(train) > 2 else float(train.std(ddof=0))
    return {"last value": _normal(float(train.iloc[-1]), change_sd * np.sqrt(h), y),
            "historical mean": _normal(float(train.mean()), float(train.std(ddof=1)), y)}


def rolling_origin(facts: pd.DataFrame, iip: pd.DataFrame | None, origins: range = range(2016, 2025),
                   n_draws: int = 2000, seed: int = 20250101) -> pd.DataFrame:
    """One row per series, origin and method: the forecast of the next sourced year and its scores."""
    rng = np.random.default_rng(seed)
    outcomes = {"industrial production growth (%)": _iip_series(facts, iip),
                "city exports (USD m)": _export_series(facts),
                "products per round": tables_of(facts)["recognition_rounds"].set_index("round")["products"]
                .astype(float)}
    rows = []
    for origin in origins:
        known = available_by(facts, origin)
        seen = {"industrial production growth (%)": _iip_series(known, iip),
                "city exports (USD m)": _export_series(known)}
        try:
            known_tables = tables_of(known)  # the same origin seen from every memo year: built once
            seen["products per round"] = known_tables["recognition_rounds"].set_index("round")["products"].astype(
                float)
        except ValueError:  # no round reported yet
            seen["products per round"] = pd.Series(dtype=float)
        for name, truth in outcomes.items():
            train = seen[name][seen[name].index <= origin].dropna()
            later = truth[truth.index > origin].dropna()
            if later.empty or len(train) < 3:
                continue
            year, y = int(later.index[0]), float(later.iloc[0])
            h = year - origin
            model = None
            if name.startswith("industrial"):
                if len(train) >= 7:  # growth-model selection needs six years before its first scored forecast
                    fit = growth.select_growth_model(train)
                    model = _draws(growth.simulate_growth(fit, h, n_draws, rng)[:, -1], y)
            elif name.startswith("city exports"):
                model = _draws(growth.simulate_log_rw(train, h, n_draws, rng)[:, -1], y)
            else:
                low, high, _ = forecast.planned_products(known_tables["targets"], known_tables["recognition_rounds"],
                                                         origin)
                model = _draws(rng.uniform(low, high, n_draws), y)
            scale = float(np.mean(np.abs(np.diff(train.to_numpy())))) if len(train) > 1 else float("nan")
            methods = {**({"workbook model": model} if model else {}), **_benchmarks(train, y, h)}
            for method, f in methods.items():
                rows.append({"series": name, "origin": origin, "year": year, "horizon": h, "method": method,
                             "outcome": y, **f, "abs_error": abs(y - f["median"]), "scale": scale,
                             "inside_80": scoring.inside(f["q10"], f["q90"], y),
                             "inside_95": scoring.inside(f["q025"], f["q975"], y)})
    return pd.DataFrame(rows)


def scores(detail: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the 80% and 95% intervals, mean CRPS and MASE by series and method."""
    rows = []
    for (series, method), g in detail.groupby(["series", "method"], sort=True):
        rows.append({"series": series, "method": method, "forecasts": len(g),
                     "coverage_80": float(g["inside_80"].mean()), "coverage_95": float(g["inside_95"].mean()),
                     "crps": float(g["crps"].mean()),
                     "mase": float(np.mean(g["abs_error"] / g["scale"]))})
    return pd.DataFrame(rows)


#: What a forecast must have earned before a probability is published (issue: no P(met) from a
#: method that has not been scored enough or whose intervals miss what they claim).
MIN_FORECASTS: int = 5
#: The least coverage accepted of a stated 80% / 95% interval (a binomial allowance for few forecasts).
MIN_COVERAGE: dict[str, float] = {"coverage_80": 0.6, "coverage_95": 0.8}
#: The series the share forecast rests on (its numerator and denominators).
FORECAST_SERIES: tuple[str, ...] = ("city exports (USD m)", "products per round")


def gate(scores_table: pd.DataFrame) -> tuple[bool, list[str]]:
    """Whether the share forecast has earned a probability: for every series it rests on, the
    workbook's method has at least :data:`MIN_FORECASTS` scored forecasts and its 80% and 95%
    intervals covered at least :data:`MIN_COVERAGE` of the outcomes. Returns the decision and
    the reason for each series that fails.

    Examples
    --------
    >>> s = pd.DataFrame({"series": ["city exports (USD m)", "products per round"],
    ...                   "method": ["workbook model"] * 2, "forecasts": [4, 5],
    ...                   "coverage_80": [0.75, 0.0], "coverage_95": [1.0, 0.4]})
    >>> gate(s)
    (False, ['city exports (USD m): 4 scored forecasts (at least 5 needed)', 'products per round: its 80% \
intervals covered 0% of outcomes (at least 60% needed)'])
    """
    reasons = []
    rows = scores_table[scores_table["method"] == "workbook model"].set_index("series") if len(scores_table) else \
        pd.DataFrame()
    for series in FORECAST_SERIES:
        if series not in rows.index:
            reasons.append(f"{series}: no scored forecast yet")
            continue
        r = rows.loc[series]
        if r["forecasts"] < MIN_FORECASTS:
            reasons.append(f"{series}: {int(r['forecasts'])} scored forecasts (at least {MIN_FORECASTS} needed)")
            continue
        for column, least in MIN_COVERAGE.items():
            if r[column] < least:
                reasons.append(f"{series}: its {column[-2:]}% intervals covered {r[column]:.0%} of outcomes "
                               f"(at least {least:.0%} needed)")
                break
    return not reasons, reasons
