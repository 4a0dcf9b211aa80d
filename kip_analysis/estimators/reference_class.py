"""Forecasts of short share series whose intervals are calibrated on a reference class of comparable
series (general purpose: no programme names).

A series of 3-9 points cannot calibrate its own intervals: five backtests cannot tell 37% coverage from
98%. A *method* can be calibrated across many comparable series. This module:

1. forecasts a series from its last ``window`` points by a time-weighted trend on the logit scale
   (:func:`point_forecast`; compound and linear trends and the last value as benchmarks);
2. backtests the method by rolling origins over every series of a reference class, at each horizon, each
   forecast made from the same number of points the series to forecast has (:func:`backtest`);
3. calibrates its intervals by split conformal prediction on the pooled errors (on the logit scale for
   shares): the series are split in two, the interval's ends are order statistics of one half's errors,
   and the other half measures their coverage (:func:`calibrate`);
4. publishes a probability only where it is earned (:func:`Calibration.earned`): at least
   :data:`MIN_FORECASTS` pooled scored forecasts for that method and horizon, and the coverage of the
   50/80/90% intervals, over at least :data:`MIN_EVALUATED` held-out forecasts, within its binomial
   tolerance (widened for the dependence of one series' forecasts: :func:`coverage_test`);
5. scores with ``scoringrules``: CRPS of the conformal predictive distribution, the interval score of the
   80% interval and the Brier score of "the series is higher than at the origin".

Forecasts of one series from successive origins are not independent: the coverage's tolerance is clustered by
series, and the evidence strength says how many series stand behind a probability.

May import: errors.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kip_analysis.errors import ParameterError

#: Methods: a time-weighted linear trend of logit(share), of log(value) (compound), of the value (linear), and
#: the last value (a random walk of logit(share)).
METHODS: tuple[str, ...] = ("logit trend", "compound trend", "linear trend", "last value")
#: Interval levels whose coverage is checked before a probability is published.
LEVELS: tuple[float, ...] = (0.5, 0.8, 0.9)
#: Pooled scored forecasts a method needs at a horizon before it gives a probability (a 1-in-20 event resolved).
MIN_FORECASTS: int = 19
#: Held-out forecasts over which the coverage of the intervals is measured.
MIN_EVALUATED: int = 100
#: A coverage is within tolerance when a two-sided binomial test at this level does not reject it.
TOLERANCE_P: float = 0.01
#: Half-life of the time weights of the trend, in years: the latest point counts twice the one this far back.
HALF_LIFE: float = 3.0
#: Members of the ensemble a predictive distribution is scored with (quantiles of the pooled errors).
ENSEMBLE: int = 199
#: Shares are kept this far inside (0, 100) before their logit is taken.
EDGE: float = 0.05


def transform(values: np.ndarray | float, method: str) -> np.ndarray:
    """The scale a method forecasts on: logit of a percent share, log, or the value itself.

    Examples
    --------
    >>> float(transform(50.0, "logit trend")), float(transform(np.e, "compound trend"))
    (0.0, 1.0)
    """
    x = np.asarray(values, dtype=float)
    if method in ("logit trend", "last value"):
        p = np.clip(x, EDGE, 100 - EDGE) / 100
        return np.log(p / (1 - p))
    if method == "compound trend":
        return np.log(np.maximum(x, EDGE))
    if method == "linear trend":
        return x
    raise ParameterError(f"method={method!r}: expected one of {METHODS}")


def inverse(z: np.ndarray | float, method: str) -> np.ndarray:
    """Back from a method's scale to the value (percent for a share).

    Examples
    --------
    >>> float(inverse(transform(12.5, "logit trend"), "logit trend"))
    12.5
    """
    z = np.asarray(z, dtype=float)
    if method in ("logit trend", "last value"):
        return 100 / (1 + np.exp(-z))
    if method == "compound trend":
        return np.exp(z)
    return z


def point_forecast(years: np.ndarray, values: np.ndarray, horizon: int, method: str,
                   half_life: float = HALF_LIFE) -> float:
    """The forecast ``horizon`` years after the last point, on the method's scale.

    The trend is weighted least squares of the transformed values on the year, each point weighted
    0.5^((T - t) / half_life) (T the last year): recent points count more, and a single jump does not make the
    slope.

    Examples
    --------
    >>> round(point_forecast(np.array([2018, 2019, 2020]), np.array([10.0, 11.0, 12.0]), 2, "linear trend"), 6)
    14.0
    >>> float(np.round(point_forecast(np.array([2019, 2020]), np.array([10.0, 30.0]), 3, "linear trend"), 6))
    90.0
    """
    years, z = np.asarray(years, dtype=float), transform(values, method)
    if method == "last value" or len(z) == 1:
        return float(z[-1])
    # weighted least squares: minimise sum_t w_t (z_t - a - b (t - T))^2, w_t = 0.5^((T - t)/half_life)
    t = years - years[-1]
    w = 0.5 ** (-t / half_life)
    tw = np.sum(w * t) / w.sum()
    zw = np.sum(w * z) / w.sum()
    slope = np.sum(w * (t - tw) * (z - zw)) / np.sum(w * (t - tw) ** 2)
    return float(zw + slope * (horizon - tw))


def filter_weights(window: int, horizon: int, method: str, half_life: float = HALF_LIFE) -> np.ndarray:
    """The forecast as a fixed linear combination of a window's values on the method's scale.

    The weighted least-squares trend through ``window`` consecutive points forecasts
    z_hat(h) = sum_t a_t z_t with a_t = w_t / W + (h - t_w) w_t (t - t_w) / S (t = -(window - 1) .. 0, t_w the
    weighted mean of t, W = sum w_t, S = sum w_t (t - t_w)^2): :func:`point_forecast` for every window at once.

    Examples
    --------
    >>> filter_weights(3, 1, "last value").tolist(), filter_weights(2, 1, "linear trend").round(6).tolist()
    ([0.0, 0.0, 1.0], [-1.0, 2.0])
    """
    a = np.zeros(window)
    if method == "last value" or window == 1:
        a[-1] = 1.0
        return a
    t = np.arange(-(window - 1), 1, dtype=float)
    w = 0.5 ** (-t / half_life)
    tw = np.sum(w * t) / w.sum()
    return w / w.sum() + (horizon - tw) * w * (t - tw) / np.sum(w * (t - tw) ** 2)


def backtest(panel: pd.DataFrame, method: str, window: int, horizons: range | list[int] = range(1, 6),
             half_life: float = HALF_LIFE) -> pd.DataFrame:
    """Rolling-origin forecasts of every series of a reference class.

    Parameters
    ----------
    panel
        Long table: ``series_id``, ``year``, ``value`` (missing values dropped beforehand).
    method
        One of :data:`METHODS`.
    window
        Points each forecast is made from (the length of the series the class stands in for): the last
        ``window`` years up to the origin, which must be consecutive.
    horizons
        Years ahead.
    half_life
        Of the trend's time weights (:func:`point_forecast`).

    Returns
    -------
    pandas.DataFrame
        One row per series, origin and horizon with an outcome: the forecast and outcome on the method's scale,
        their difference (``error``), and both as values.
    """
    if window < 1:
        raise ParameterError(f"window={window}: a forecast needs at least one point")
    wide = panel.pivot_table(index="series_id", columns="year", values="value", aggfunc="first").sort_index()
    years = np.arange(int(wide.columns.min()), int(wide.columns.max()) + 1)
    values = wide.reindex(columns=years).to_numpy(dtype=float)  # series x years, NaN where missing
    z = transform(values, method)
    n_years = len(years)
    if n_years < window:
        return pd.DataFrame(columns=["series_id", "origin", "horizon", "forecast_z", "outcome_z", "error",
                                     "origin_value", "outcome"])
    windows = np.lib.stride_tricks.sliding_window_view(z, window, axis=1)  # series x origins x window
    whole = ~np.isnan(windows).any(axis=2)  # a gap inside the window: not the design being calibrated
    parts = []
    for h in horizons:
        n_origins = n_years - window + 1 - h
        if n_origins <= 0:
            continue
        z_hat = windows[:, :n_origins] @ filter_weights(window, h, method, half_life)
        outcome_z = z[:, window - 1 + h:]
        ok = whole[:, :n_origins] & ~np.isnan(outcome_z)
        s, o = np.nonzero(ok)
        origin_col = o + window - 1
        parts.append(pd.DataFrame({
            "series_id": wide.index.to_numpy()[s], "origin": years[origin_col], "horizon": h,
            "forecast_z": z_hat[s, o], "outcome_z": outcome_z[s, o], "error": outcome_z[s, o] - z_hat[s, o],
            "origin_value": values[s, origin_col], "outcome": values[s, origin_col + h]}))
    if not parts:
        return pd.DataFrame(columns=["series_id", "origin", "horizon", "forecast_z", "outcome_z", "error",
                                     "origin_value", "outcome"])
    return pd.concat(parts, ignore_index=True).sort_values(["series_id", "origin", "horizon"], ignore_index=True)


def _half(series_id: object) -> int:
    """Which half of the class a series falls in (a fixed hash of its id: the same split on every machine)."""
    return zlib.crc32(str(series_id).encode("utf-8")) % 2


def conformal_bounds(errors: np.ndarray, level: float) -> tuple[float, float]:
    """The ends of a split-conformal interval from calibration errors (signed, on the forecast scale).

    The lower end is the k-th smallest error with k = floor((n + 1)(1 - level)/2), the upper end the
    ceil((n + 1)(1 + level)/2)-th (Lei et al. 2018, the split conformal interval with equal tails); an end that
    needs more errors than there are is infinite.

    Examples
    --------
    >>> conformal_bounds(np.arange(1.0, 20.0), 0.8)
    (2.0, 18.0)
    """
    e = np.sort(np.asarray(errors, dtype=float))
    n = len(e)
    k_lo = math.floor((n + 1) * (1 - level) / 2 + 1e-9)  # 1e-9: (1 - 0.8) is 0.19999999999999996 in binary
    k_hi = math.ceil((n + 1) * (1 + level) / 2 - 1e-9)
    lo = float(e[k_lo - 1]) if k_lo >= 1 else -math.inf
    hi = float(e[k_hi - 1]) if k_hi <= n else math.inf
    return lo, hi


def coverage_test(inside: np.ndarray, groups: np.ndarray, level: float) -> tuple[bool, float]:
    """Whether a coverage is within its binomial tolerance when outcomes come in dependent groups.

    Forecasts of one series from successive origins share its shocks, so the binomial variance
    level (1 - level) / n understates the spread of the coverage. Its variance is taken clustered by series:
    sum over series of (sum of (inside - level))^2 / n^2 (the design effect of the series), and the coverage
    is within tolerance when the two-sided normal p-value is at least :data:`TOLERANCE_P`. With one forecast
    per series this is the binomial test's normal form.

    Examples
    --------
    >>> inside = np.r_[np.ones(80), np.zeros(20)].astype(bool)
    >>> coverage_test(inside, np.arange(100), 0.8)[0], coverage_test(inside, np.arange(100), 0.6)[0]
    (True, False)
    """
    from scipy.stats import norm

    x = np.asarray(inside, dtype=float) - level
    n = len(x)
    if n == 0:
        return False, 0.0
    by_group = pd.Series(x).groupby(np.asarray(groups)).sum().to_numpy()
    # clustered variance of the mean coverage, with the binomial variance as its floor (no group smaller than 1)
    var = max(float(np.sum(by_group ** 2)), n * level * (1 - level)) / n ** 2
    p = float(2 * norm.sf(abs(x.mean()) / np.sqrt(var)))
    return p >= TOLERANCE_P, p


@dataclass(frozen=True)
class Calibration:
    """A method's pooled errors at one horizon and what they earn.

    ``errors``: every pooled error (both halves: the distribution a forecast is issued with);
    ``coverage``: per level, the held-out half's coverage of the interval built on the other half, its count and
    binomial p-value; ``scores``: mean CRPS, 80% interval score and Brier score on the held-out half.
    """

    method: str
    horizon: int
    window: int
    n_series: int
    errors: np.ndarray
    n_calibration: int
    n_evaluated: int
    coverage: pd.DataFrame  # level, covered, n, coverage, p_value, ok
    scores: dict

    @property
    def n(self) -> int:
        """Pooled scored forecasts."""
        return len(self.errors)

    @property
    def earned(self) -> bool:
        """Whether this method at this horizon may publish a probability."""
        return (self.n >= MIN_FORECASTS and self.n_evaluated >= MIN_EVALUATED and len(self.coverage) > 0
                and bool(self.coverage["ok"].all()))

    def why_not(self) -> str:
        """Why no probability is published ("" when one is earned)."""
        if self.n < MIN_FORECASTS:
            return f"{self.n} pooled scored forecasts at {self.horizon} years ahead (at least {MIN_FORECASTS} needed)"
        if self.n_evaluated < MIN_EVALUATED:
            return (f"{self.n_evaluated} held-out forecasts to check the intervals' coverage (at least "
                    f"{MIN_EVALUATED} needed)")
        bad = self.coverage[~self.coverage["ok"]]
        if len(bad):
            r = bad.iloc[0]
            return (f"its {r['level']:.0%} intervals covered {r['coverage']:.0%} of {int(r['n'])} held-out outcomes "
                    f"(binomial p = {r['p_value']:.3f})")
        return ""


def calibrate(detail: pd.DataFrame, method: str, horizon: int, window: int,
              levels: tuple[float, ...] = LEVELS) -> Calibration:
    """Split-conformal calibration of one method at one horizon from its pooled backtest (:func:`backtest`)."""
    import scoringrules as sr

    d = detail[detail["horizon"] == horizon]
    half = d["series_id"].map(_half).to_numpy()
    cal, ev = d[half == 0], d[half == 1]
    rows = []
    for level in levels:
        lo, hi = conformal_bounds(cal["error"].to_numpy(), level) if len(cal) else (-math.inf, math.inf)
        hit = ((ev["error"] >= lo) & (ev["error"] <= hi)).to_numpy()
        ok, p = coverage_test(hit, ev["series_id"].to_numpy(), level)
        rows.append({"level": level, "covered": int(hit.sum()), "n": len(ev),
                     "coverage": float(hit.mean()) if len(ev) else math.nan, "p_value": p, "ok": ok})
    scores = {"crps": math.nan, "interval_score_80": math.nan, "brier_rise": math.nan}
    if len(cal) and len(ev):
        e = np.sort(cal["error"].to_numpy())
        # the predictive distribution as ENSEMBLE evenly spaced quantiles of the calibration errors, as values
        members = np.quantile(e, (np.arange(ENSEMBLE) + 0.5) / ENSEMBLE)
        ens = inverse(ev["forecast_z"].to_numpy()[:, None] + members[None, :], method)
        obs = ev["outcome"].to_numpy()
        lo, hi = conformal_bounds(e, 0.8)
        scores = {"crps": float(np.mean(sr.crps_ensemble(obs, ens))),
                  "interval_score_80": float(np.mean(sr.interval_score(
                      obs, inverse(ev["forecast_z"].to_numpy() + lo, method),
                      inverse(ev["forecast_z"].to_numpy() + hi, method), 0.2))),
                  "brier_rise": float(np.mean(sr.brier_score(
                      (obs > ev["origin_value"].to_numpy()).astype(float),
                      np.mean(ens > ev["origin_value"].to_numpy()[:, None], axis=1))))}
    return Calibration(method, horizon, window, int(d["series_id"].nunique()), np.sort(d["error"].to_numpy()),
                       len(cal), len(ev), pd.DataFrame(rows), scores)


def calibration_table(calibrations: list[Calibration]) -> pd.DataFrame:
    """One row per method and horizon: forecasts, series, coverage at each level, scores, earned."""
    rows = []
    for c in calibrations:
        row = {"method": c.method, "horizon": c.horizon, "window": c.window, "series": c.n_series,
               "scored_forecasts": c.n, "held_out": c.n_evaluated}
        for r in c.coverage.itertuples():
            row[f"coverage_{round(r.level * 100)}"] = r.coverage
        rows.append({**row, **c.scores, "earned": c.earned})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Outlook:
    """A forecast of one series at one horizon with its calibrated distribution."""

    method: str
    horizon: int
    z_hat: float  # the point forecast on the method's scale
    median: float  # of the predictive distribution (point forecast plus the median pooled error), as a value
    bounds: dict[float, tuple[float, float]]  # level -> (low, high), as values
    calibration: Calibration

    def probability_at_least(self, threshold: float) -> float | None:
        """P(value >= threshold) from the pooled conformal errors; None when not earned.

        The proportion of pooled errors that would put the series at or above the threshold, kept within
        [1/(n+1), n/(n+1)]: n past forecasts cannot rule an outcome in or out for certain.
        """
        c = self.calibration
        if not c.earned:
            return None
        need = float(transform(threshold, self.method))
        k = int(np.sum(self.z_hat + c.errors >= need))
        n = c.n
        return min(max(k / n, 1 / (n + 1)), n / (n + 1))


def outlook(years: np.ndarray, values: np.ndarray, horizon: int, calibration: Calibration,
            levels: tuple[float, ...] = LEVELS) -> Outlook:
    """Forecast a series ``horizon`` years past its last point with a calibrated method's errors."""
    if calibration.horizon != horizon or calibration.window != len(values):
        raise ParameterError(f"the calibration is for {calibration.horizon} years ahead from {calibration.window} "
                             f"points; the forecast is {horizon} years ahead from {len(values)}")
    method = calibration.method
    z_hat = point_forecast(np.asarray(years), np.asarray(values, dtype=float), horizon, method)
    bounds = {}
    for level in levels:
        lo, hi = conformal_bounds(calibration.errors, level)
        bounds[level] = (float(inverse(z_hat + lo, method)), float(inverse(z_hat + hi, method)))
    median = float(inverse(z_hat + np.median(calibration.errors), method))
    return Outlook(method, horizon, z_hat, median, bounds, calibration)
