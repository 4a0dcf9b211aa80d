"""Growth models for short annual series, chosen by out-of-sample error, and their Monte Carlo.

May import: nothing from the package. A growth series (e.g. an industrial production index) is
modelled four ways with statsmodels —
a constant mean (ARIMA(0,0,0) with mean), an AR(1) around a mean (ARIMA(1,0,0)), a local
level and a local linear trend (UnobservedComponents) — and the one with the lowest expanding-window
one-step-ahead RMSE is stated as chosen. The Monte Carlo draws the model itself with
weights proportional to inverse out-of-sample MSE (model uncertainty), its parameters
from their estimated sampling distribution (parameter uncertainty) and future shocks.
A level series with few observations (e.g. city exports) follows a random walk with drift
in logs, drift and volatility from the observed years (volatility floored at 5% a year:
too few years to estimate it alone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kip_analysis.errors import captured

MODELS: tuple[str, ...] = ("mean", "ar1", "local_level", "local_linear_trend")


def _fit(name: str, y: np.ndarray):
    # statsmodels imported here: its ARIMA chain costs a kernel ~2 s, and a run that reads its backtest from the
    # disk cache and has no forecast to make (every memo year so far) never fits a model
    from statsmodels.tsa.arima.model import ARIMA
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    with captured("statsmodels state-space fit"):
        if name == "mean":
            return ARIMA(y, order=(0, 0, 0), trend="c").fit()
        if name == "ar1":
            return ARIMA(y, order=(1, 0, 0), trend="c").fit()
        if name == "local_level":
            return UnobservedComponents(y, level="llevel").fit(disp=False)
        if name == "local_linear_trend":
            return UnobservedComponents(y, level="lltrend").fit(disp=False)
    raise ValueError(f"unknown model {name!r}; expected one of {', '.join(MODELS)}")


def one_step_rmse(y: np.ndarray, name: str, min_train: int = 6) -> float:
    """Expanding-window one-step-ahead RMSE of model ``name`` on series ``y`` (NaN gaps allowed)."""
    errors = []
    for end in range(min_train, len(y)):
        if np.isnan(y[end]):
            continue
        forecast = _fit(name, y[:end]).forecast(1)[0]
        errors.append(y[end] - forecast)
    return float(np.sqrt(np.mean(np.square(errors)))) if errors else np.nan


@dataclass(frozen=True)
class GrowthModel:
    """Fitted growth models, their out-of-sample errors and weights, and the chosen one."""

    table: pd.DataFrame  # model, rmse, weight, params
    chosen: str
    fits: dict
    last: float  # last observed growth (percent)


def select_growth_model(growth_pct: pd.Series, min_train: int = 6) -> GrowthModel:
    """Fit every model to yearly growth (percent, NaN for gaps) and rank by out-of-sample RMSE.

    Examples
    --------
    >>> g = pd.Series([5.0, 4.5, 4.2, 8.3, 7.3, 8.0, 7.3, 8.5, 4.7])
    >>> select_growth_model(g).chosen in MODELS
    True
    """
    y = growth_pct.to_numpy(dtype=float)
    rows, fits = [], {}
    for name in MODELS:
        fits[name] = _fit(name, y)
        rows.append({"model": name, "rmse": one_step_rmse(y, name, min_train),
                     "params": ", ".join(f"{k}={v:.3g}" for k, v in zip(fits[name].model.param_names,
                                                                           fits[name].params, strict=True))})
    table = pd.DataFrame(rows)
    inverse = 1 / table["rmse"] ** 2
    table["weight"] = inverse / inverse.sum()
    chosen = str(table.loc[table["rmse"].idxmin(), "model"])
    last = float(growth_pct.dropna().iloc[-1])
    return GrowthModel(table, chosen, fits, last)


def _draw_params(fit, n: int, rng: np.random.Generator) -> np.ndarray:
    cov = np.asarray(fit.cov_params())
    cov = (cov + cov.T) / 2 + 1e-12 * np.eye(len(fit.params))
    return rng.multivariate_normal(np.asarray(fit.params), cov, size=n, method="eigh")


def simulate_growth(model: GrowthModel, horizon: int, n_draws: int, rng: np.random.Generator,
                    shift: float = 0.0) -> np.ndarray:
    """Future yearly growth paths (percent), shape (n_draws, horizon), over model and parameter
    uncertainty; ``shift`` percentage points are added to every year.
    """
    if horizon <= 0:
        return np.zeros((n_draws, 0))
    names = rng.choice(model.table["model"].to_numpy(), size=n_draws, p=model.table["weight"].to_numpy())
    out = np.empty((n_draws, horizon))
    for name in MODELS:
        idx = np.flatnonzero(names == name)
        if not len(idx):
            continue
        fit, k = model.fits[name], len(idx)
        p = _draw_params(fit, k, rng)
        shocks = rng.standard_normal((k, horizon))
        if name == "mean":
            out[idx] = p[:, [0]] + np.sqrt(np.clip(p[:, [1]], 1e-6, None)) * shocks
        elif name == "ar1":
            mean, phi, sd = p[:, 0], np.clip(p[:, 1], -0.98, 0.98), np.sqrt(np.clip(p[:, 2], 1e-6, None))
            prev = np.full(k, model.last)
            for h in range(horizon):
                prev = mean + phi * (prev - mean) + sd * shocks[:, h]
                out[idx, h] = prev
        elif name == "local_level":  # y = mu + eps, mu a random walk from its filtered end state
            s_eps = np.sqrt(np.clip(p[:, 0], 1e-6, None))
            s_eta = np.sqrt(np.clip(p[:, 1], 1e-6, None))
            m, v = fit.filtered_state[0, -1], fit.filtered_state_cov[0, 0, -1]
            level = m + np.sqrt(max(v, 0.0)) * rng.standard_normal(k)
            for h in range(horizon):
                level = level + s_eta * rng.standard_normal(k)
                out[idx, h] = level + s_eps * shocks[:, h]
        else:  # local linear trend: mu_t = mu_{t-1} + b_{t-1} + eta, b_t = b_{t-1} + zeta
            s_eps, s_eta, s_zeta = (np.sqrt(np.clip(p[:, j], 1e-6, None)) for j in range(3))
            state = rng.multivariate_normal(fit.filtered_state[:2, -1],
                                            fit.filtered_state_cov[:2, :2, -1] + 1e-12 * np.eye(2), size=k)
            level, slope = state[:, 0], state[:, 1]
            for h in range(horizon):
                level = level + slope + s_eta * rng.standard_normal(k)
                slope = slope + s_zeta * rng.standard_normal(k)
                out[idx, h] = level + s_eps * shocks[:, h]
    return out + shift


#: Floor on the yearly volatility of log city exports: with two to four sourced years the
#: sample standard deviation alone would understate the uncertainty (stated assumption).
EXPORT_SD_FLOOR: float = 0.05


def simulate_log_rw(levels: pd.Series, horizon: int, n_draws: int, rng: np.random.Generator,
                    shift: float = 0.0, sd_floor: float = EXPORT_SD_FLOOR) -> np.ndarray:
    """Random walk with drift in logs for a sparse level series (gaps allowed): future levels
    (n_draws, horizon). Volatility = max(sample sd of log growth, ``sd_floor``); drift ~
    Normal(mean log growth, volatility / sqrt(n)) for parameter uncertainty.
    """
    obs = levels.dropna()
    if horizon <= 0:
        return np.zeros((n_draws, 0))
    growth = np.diff(np.log(obs.to_numpy())) / np.diff(obs.index.to_numpy())
    if len(growth) < 2:
        raise ValueError("need at least three observed years to model city exports")
    mu, sd = growth.mean(), max(growth.std(ddof=1), sd_floor)
    drift = mu + sd / np.sqrt(len(growth)) * rng.standard_normal(size=(n_draws, 1))
    steps = drift + sd * rng.standard_normal((n_draws, horizon)) + np.log1p(shift / 100)
    return obs.iloc[-1] * np.exp(np.cumsum(steps, axis=1))
