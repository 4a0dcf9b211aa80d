"""Staggered difference-in-differences estimators (general purpose: no programme names).

May import: errors, estimators.did_types, estimators.fastdid, estimators.pretest. Each wraps a
maintained library where one exists and is tested against a reference (R ``did``, csdid, pyfixest):

- :func:`naive_comparison` — treated vs never-treated units after treatment (to show the
  selection bias).
- :func:`twfe` — two-way fixed effects DiD and event study (pyfixest), firm and year effects
  absorbed, standard errors clustered by firm.
- :func:`callaway_santanna` — Callaway & Sant'Anna (2021) group-time ATT(g,t) (the ``csdid``
  port of R's ``did``), with R's argument names; analytic standard errors clustered by firm,
  multiplier-bootstrap uniform bands, and the simple, group, calendar and dynamic
  aggregations.
- :func:`sun_abraham` — Sun & Abraham (2021) interaction-weighted event study (pyfixest's
  saturated estimator).
- :func:`pretrend_test`; :meth:`CSResult.cohort_pretest` (the small-sample pre-test of
  :mod:`kip_analysis.estimators.pretest`).
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kip_analysis.errors import ParameterError, captured
from kip_analysis.estimators import fastdid, pretest
from kip_analysis.estimators.did_types import AGGREGATIONS, CONTROL_GROUPS, Z95, Aggregation

#: Threads that build moderndid's Dask graphs, one cohort each (its ``max_cohorts``). One: on CPython 3.11
#: ``functools.cached_property`` holds a lock per property per class while it computes, and two threads that
#: optimise dask-expr graphs at once (``Merge._divisions`` against ``PartitionsFiltered.divisions``) can wait on
#: each other for ever (python/cpython#87634, removed in 3.12). The cells still run in parallel on the
#: cluster's workers; only the submitting is serial (benchmarks/dask_engine_stress.py).
DASK_COHORT_THREADS: int | None = 1


# ---------------------------------------------------------------------------- naive and TWFE
def naive_comparison(data: pd.DataFrame, yname: str = "y", tname: str = "year", gname: str = "gname") -> float:
    """Mean outcome of recognised firms in their post-recognition years minus the mean of
    never-recognised firms in the same years: biased by selection on size and growth.
    """
    post = data[(data[gname] > 0) & (data[tname] >= data[gname])]
    never = data[(data[gname] == 0) & data[tname].isin(post[tname].unique())]
    return float(post[yname].mean() - never[yname].mean())


def _event_time(data: pd.DataFrame, tname: str, gname: str) -> pd.Series:
    return np.where(data[gname] > 0, data[tname] - data[gname], -1000)


@dataclass(frozen=True)
class Twfe:
    """Two-way fixed effects DiD (static) and event study."""

    att: float
    se: float
    event_study: pd.DataFrame  # event_time, estimate, se
    pretrend_wald: float
    pretrend_pvalue: float


def twfe(data: pd.DataFrame, yname: str = "y", idname: str = "id", tname: str = "year",
         gname: str = "gname", window: tuple[int, int] = (-5, 5)) -> Twfe:
    """TWFE: y_it = a_i + l_t + b D_it + e_it, and the event study with leads and lags binned at
    the window's ends (reference: one year before recognition); pyfixest, SEs clustered by firm.
    """
    import pyfixest as pf

    df = data[[yname, idname, tname, gname]].copy()
    df["treated_post"] = ((df[gname] > 0) & (df[tname] >= df[gname])).astype(float)
    rel = _event_time(df, tname, gname)
    df["rel"] = np.where(rel == -1000, -1000, np.clip(rel, *window))
    with captured("two-way fixed effects (pyfixest)"):
        static = pf.feols(f"{yname} ~ treated_post | {idname} + {tname}", data=df, vcov={"CRV1": idname})
        # never-recognised firms carry rel = -1000, constant within firm: absorbed by the firm effects,
        # so they serve as the reference group with the year before recognition
        dynamic = pf.feols(f"{yname} ~ i(rel, ref=-1) | {idname} + {tname}", data=df, vcov={"CRV1": idname})
    tidy = dynamic.tidy().reset_index()
    tidy = tidy[tidy["Coefficient"].str.startswith("rel::")]
    es = pd.DataFrame({"event_time": tidy["Coefficient"].str.extract(r"rel::(-?\d+)")[0].astype(int),
                       "estimate": tidy["Estimate"].to_numpy(), "se": tidy["Std. Error"].to_numpy()})
    es = es[es["event_time"] != -1000].sort_values("event_time").reset_index(drop=True)
    leads = [c for c in dynamic._coefnames if c.startswith("rel::") and int(c.split("::")[1]) < -1
             and int(c.split("::")[1]) != -1000]
    wald, pval = _wald(dynamic, leads)
    return Twfe(float(static.coef()["treated_post"]), float(static.se()["treated_post"]), es, wald, pval)


def _wald(fit, names: list[str]) -> tuple[float, float]:
    """Joint Wald test that the named coefficients are zero (chi-square)."""
    from scipy.stats import chi2

    if not names:
        return np.nan, np.nan
    idx = [fit._coefnames.index(n) for n in names]
    b = np.asarray(fit.coef())[idx]
    V = np.asarray(fit._vcov)[np.ix_(idx, idx)]
    stat = float(b @ np.linalg.solve(V, b))
    return stat, float(chi2.sf(stat, len(idx)))


# ---------------------------------------------------------------------------- Callaway & Sant'Anna
def _scalar(value: object) -> float:
    """Csdid returns some results as length-1 arrays."""
    return float(np.asarray(value, dtype=float).ravel()[0])


@dataclass
class CSResult:
    """Callaway & Sant'Anna group-time ATTs with R ``did``'s pieces."""

    att_gt: pd.DataFrame  # group, time, att, se, band_low, band_high
    wald: float  # R did's pre-test of parallel trends (Wald statistic on pre-period ATT(g,t))
    wald_pvalue: float  # its chi-square p: too small with n_g close to p_g (see cohort_pretest)
    n_units: int
    critical_value: float
    settings: dict
    _fit: object = field(repr=False, default=None)
    _bootstrap: bool = False
    _seed: int = 0
    _fast: object = field(repr=False, default=None)
    _bands: dict = field(repr=False, default_factory=dict)

    def aggregate(self, kind: str) -> Aggregation:
        """Aggregate into ``simple``, ``group``, ``calendar`` or ``dynamic`` (R's ``aggte``)."""
        if kind not in AGGREGATIONS:
            raise ParameterError(f"kind={kind!r}: expected one of {', '.join(AGGREGATIONS)}")
        if self._fast is not None:
            agg = self._fast.aggregate(kind)
            if not self._bootstrap or kind == "simple":
                return agg
            if kind not in self._bands:
                se, crit = fastdid.uniform_band(self._fast.table_inf[kind], self.settings["biters"], self._seed)
                self._bands[kind] = Aggregation(kind, agg.overall_att, agg.overall_se, agg.table.assign(
                    se=se, ci_low=agg.table["att"] - crit * se, ci_high=agg.table["att"] + crit * se), crit)
            return self._bands[kind]
        np.random.seed(self._seed)
        with contextlib.redirect_stdout(io.StringIO()), captured("Callaway–Sant'Anna aggregation (csdid)"):
            self._fit.aggte(typec=kind, bstrap=self._bootstrap, cband=self._bootstrap)
        a = self._fit.atte
        crit = _scalar(a["crit_val_egt"]) if a.get("crit_val_egt") is not None else Z95
        if a["egt"] is None:
            table = pd.DataFrame({"egt": [], "att": [], "se": [], "ci_low": [], "ci_high": []})
        else:
            att = np.asarray(a["att_egt"], dtype=float).ravel()
            se = np.asarray(a["se_egt"], dtype=float).ravel()
            table = pd.DataFrame({"egt": np.asarray(a["egt"]).astype(int), "att": att, "se": se,
                                  "ci_low": att - crit * se, "ci_high": att + crit * se})
        return Aggregation(kind, _scalar(a["overall_att"]), _scalar(a["overall_se"]), table, crit)

    def cohort_pretest(self) -> tuple[pd.DataFrame, dict]:
        """Small-sample pre-test: each cohort's Wald statistic over its pre-period ATT(g,t) referred to
        F(p_g, n_g - p_g), the cohorts combined by Fisher and Bonferroni
        (:func:`kip_analysis.estimators.pretest.small_sample_pretest`). Needs the fast engine's
        influence functions (``engine="auto"``, ``"fast"`` or ``"dask"``).
        """
        if self._fast is None:
            raise ParameterError("the cohort pre-test needs the influence functions of engine='fast' (or auto, dask)")
        f = self._fast
        return pretest.small_sample_pretest(f.att_gt, f.inffunc, f.G, f.n)

    def dynamic_influence(self) -> np.ndarray:
        """Influence functions of the event-time effects (units x event times)."""
        if self._fast is not None:
            return self._fast.dynamic_influence()
        self.aggregate("dynamic")
        return np.asarray(self._fit.atte["inf_function"]["dynamic_inf_func_e"], dtype=float)


def callaway_santanna(data: pd.DataFrame, yname: str, tname: str, idname: str, gname: str,
                      control_group: str = "notyettreated", covariates: list[str] | tuple[str, ...] | None = None,
                      anticipation: int = 0, bootstrap: bool = False, biters: int = 999,
                      seed: int = 20210101, engine: str = "auto", base_period: str = "varying",
                      allow_unbalanced: bool = False, client: object = None) -> CSResult:
    """Callaway & Sant'Anna (2021) ATT(g,t), R ``did`` argument names (``gname`` 0 = never treated).

    Unconditional (outcome regression on a constant) without covariates; doubly robust
    (Sant'Anna & Zhao 2020) with time-invariant ``covariates``. Standard errors are analytic,
    from the influence functions, clustered by unit; with ``bootstrap`` the multiplier
    bootstrap (seeded) gives uniform (simultaneous) bands over all ATT(g,t) and over each
    aggregation's rows, as R's ``cband = TRUE``.

    Engines: ``"auto"``/``"fast"`` — the vectorised :mod:`kip_analysis.estimators.fastdid` (equal
    to csdid to 1e-8; also a universal base period and unbalanced panels); ``"csdid"`` — the
    library (varying base, balanced); ``"dask"`` — moderndid's distributed estimator on a
    Dask cluster (``client``, default the current one) for panels beyond one machine, whose
    ATT(g,t) and influence functions are then aggregated here exactly as in memory.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame([{"id": i, "t": t, "g": 2 if i <= 6 else 0, "y": i + (t - 1) * (2.0 if i <= 6 else 0.5)}
    ...                   for i in range(1, 13) for t in (1, 2)])
    >>> round(float(callaway_santanna(d, "y", "t", "id", "g", "nevertreated").att_gt["att"].iloc[0]), 6)
    1.5
    """
    if control_group not in CONTROL_GROUPS:
        raise ParameterError(f"control_group={control_group!r}: expected one of {', '.join(CONTROL_GROUPS)}")
    if not isinstance(anticipation, int) or anticipation < 0:
        raise ParameterError(f"anticipation={anticipation!r}: expected a non-negative whole number of periods")
    covariates = list(covariates or [])
    missing = [c for c in [yname, tname, idname, gname, *covariates] if c not in data.columns]
    if missing:
        raise ParameterError(f"columns {missing} are not in the data")
    if engine not in ("auto", "csdid", "fast", "dask"):
        raise ParameterError(f"engine={engine!r}: expected auto, fast, csdid or dask")
    settings = {"control_group": control_group, "covariates": covariates, "anticipation": anticipation,
                "est_method": "dr" if covariates else "reg", "bootstrap": bootstrap,
                "biters": biters if bootstrap else 0, "base_period": base_period, "engine": engine}
    if engine in ("auto", "fast", "dask"):
        if engine == "dask":
            fast = _dask_att_gt(data, yname, tname, idname, gname, control_group, covariates, anticipation,
                                base_period, client)
        else:
            fast = fastdid.att_gt(data, yname, tname, idname, gname, control_group, anticipation, covariates,
                                  base_period, allow_unbalanced)
        return _fast_result(fast, settings, bootstrap, biters, seed)
    if base_period != "varying" or allow_unbalanced:
        raise ParameterError("engine='csdid' here supports the varying base period on balanced panels only")
    return _csdid_result(data, yname, tname, idname, gname, control_group, covariates, anticipation, bootstrap,
                         biters, seed, settings)


def _csdid_result(data: pd.DataFrame, yname: str, tname: str, idname: str, gname: str, control_group: str,
                  covariates: list[str], anticipation: int, bootstrap: bool, biters: int, seed: int,
                  settings: dict) -> CSResult:
    from csdid.att_gt import ATTgt

    xformla = f"{yname}~" + ("+".join(covariates) if covariates else "1")
    np.random.seed(seed)
    with contextlib.redirect_stdout(io.StringIO()), captured("Callaway–Sant'Anna (csdid)"):
        try:
            model = ATTgt(yname=yname, gname=gname, idname=idname, tname=tname, xformla=xformla,
                          data=data[[yname, tname, idname, gname, *covariates]].copy(),
                          control_group=[control_group], anticipation=anticipation, biters=biters)
            fit = model.fit(est_method=settings["est_method"], bstrap=bootstrap)
        except ValueError as err:  # csdid refuses groups smaller than the covariates + 5
            raise ParameterError(f"csdid cannot estimate on these data: {err}") from None
    mp = fit.results
    crit = float(mp.get("c", Z95)) if isinstance(mp, dict) else Z95
    obj = fit.did_object if hasattr(fit, "did_object") else None
    group = np.asarray(obj["group"] if obj else mp["group"]).astype(int)
    time_ = np.asarray(obj["t"] if obj else mp["year"]).astype(int)
    att = np.asarray(obj["att"] if obj else mp["att"], dtype=float).ravel()
    se = np.asarray(obj["se"] if obj else mp["se"], dtype=float).ravel()
    if obj and obj.get("c") is not None:
        crit = _scalar(obj["c"])
    table = pd.DataFrame({"group": group, "time": time_, "att": att, "se": se,
                          "band_low": att - crit * se, "band_high": att + crit * se})
    w = fit.MP.get("W") if hasattr(fit, "MP") and isinstance(fit.MP, dict) else None
    wp = fit.MP.get("Wpval") if hasattr(fit, "MP") and isinstance(fit.MP, dict) else None
    n_units = int(data[idname].nunique())
    return CSResult(table, float(w) if w is not None else np.nan, float(wp) if wp is not None else np.nan,
                    n_units, crit, settings, fit, bootstrap, seed)


def _dask_att_gt(data: pd.DataFrame, yname: str, tname: str, idname: str, gname: str, control_group: str,
                 covariates: list[str], anticipation: int, base_period: str, client: object) -> fastdid.FastCS:
    """Moderndid's Dask estimator (same R ``did`` formulas), returned as a :class:`fastdid.FastCS`."""
    import dask.dataframe as dd
    from moderndid.dask._did import dask_att_gt

    frame = data if hasattr(data, "npartitions") else dd.from_pandas(data, npartitions=2)
    with captured("Callaway–Sant'Anna (moderndid, Dask)"), contextlib.redirect_stdout(io.StringIO()):
        fit = dask_att_gt(frame, yname=yname, tname=tname, idname=idname, gname=gname,
                               xformla="~" + "+".join(covariates) if covariates else None,
                               est_method="dr" if covariates else "reg", control_group=control_group,
                               anticipation=anticipation, base_period=base_period, boot=False, cband=False,
                               client=client, max_cohorts=DASK_COHORT_THREADS)
    table = pd.DataFrame({"group": np.asarray(fit.groups).astype(int), "time": np.asarray(fit.times).astype(int),
                          "att": np.asarray(fit.att_gt, dtype=float), "se": np.asarray(fit.se_gt, dtype=float)})
    inf = np.asarray(fit.influence_func, dtype=float)
    ids = frame[[idname, gname]].drop_duplicates().compute() if hasattr(frame, "compute") else frame
    G = ids.sort_values(idname)[gname].to_numpy(dtype=float)
    G[G > table["time"].max()] = 0
    return fastdid.FastCS(table, inf, G, np.unique(G[G > 0]), inf.shape[0])


def _fast_result(fast: fastdid.FastCS, settings: dict, bootstrap: bool, biters: int, seed: int) -> CSResult:
    crit = Z95
    table = fast.att_gt.copy()
    if bootstrap:
        se, crit = fastdid.uniform_band(fast.inffunc, biters, seed)
        table["se"] = se
    table["band_low"] = table["att"] - crit * table["se"]
    table["band_high"] = table["att"] + crit * table["se"]
    wald, p_value = fast.pretest()
    return CSResult(table, wald, p_value, fast.n, crit, settings, None, bootstrap, seed, fast)


# ---------------------------------------------------------------------------- Sun & Abraham
def sun_abraham(data: pd.DataFrame, yname: str = "y", idname: str = "id", tname: str = "year",
                gname: str = "gname") -> pd.DataFrame:
    """Sun & Abraham (2021) interaction-weighted event study.

    One regression with unit and year effects and a dummy for every cohort x event time except
    e = -1 (the saturated CATT regression, never-recognised units as the comparison; pyfixest,
    SEs clustered by unit); each event time's estimate averages the cohorts' coefficients with
    weights proportional to the cohort's observations at that event time (SA 2021, eq. 18), its
    SE by the delta method. The same numbers as pyfixest's ``event_study(estimator="saturated")``
    aggregated by shares (tests/test_effects.py), a quarter of its run time.
    """
    import pyfixest as pf

    d = data[[yname, idname, tname, gname]].copy()
    rel = np.where(d[gname] > 0, d[tname] - d[gname], -1)
    d["cell"] = np.where((d[gname] > 0) & (rel != -1), d[gname].astype(int).astype(str) + "_" + rel.astype(str),
                         "none")
    with captured("Sun–Abraham (pyfixest)"), contextlib.redirect_stdout(io.StringIO()):
        fit = pf.feols(f"{yname} ~ i(cell, ref='none') | {idname} + {tname}", data=d, vcov={"CRV1": idname})
    names = [c for c in fit._coefnames if c.startswith("cell::")]
    idx = np.array([fit._coefnames.index(c) for c in names])
    b, V = np.asarray(fit.coef())[idx], np.asarray(fit._vcov)[np.ix_(idx, idx)]
    e = np.array([int(c.rsplit("_", 1)[1]) for c in names])
    counts = d[d["cell"] != "none"].groupby("cell").size()
    n_obs = counts.reindex([c.split("::")[1] for c in names]).to_numpy(dtype=float)
    rows = []
    for k in np.unique(e):
        w = np.where(e == k, n_obs, 0.0)
        w /= w.sum()
        rows.append((int(k), float(w @ b), float(np.sqrt(w @ V @ w))))
    return pd.DataFrame(rows, columns=["event_time", "estimate", "se"])


def pretrend_test(result: CSResult) -> dict:
    """Pre-tests of parallel trends: a joint Wald test that every pre-recognition event-time
    effect is zero (covariance from the dynamic aggregation's influence functions), and R
    ``did``'s Wald statistic over all pre-period ATT(g,t). The latter is computed right (equal to
    csdid's) but its chi-square reference is invalid when each cohort's covariance is estimated from
    barely more treated units (n_g) than the cohort has pre-period cells (p_g): the statistic then
    behaves like Hotelling's T^2, with a far heavier tail, and rejects too often where parallel
    trends hold. The covariance is not ill-conditioned; use :meth:`CSResult.cohort_pretest`.
    """
    from scipy.stats import chi2

    dynamic = result.aggregate("dynamic")
    inf = result.dynamic_influence()
    pre = np.flatnonzero(dynamic.table["egt"].to_numpy() < 0)
    b = dynamic.table["att"].to_numpy()[pre]
    V = inf[:, pre].T @ inf[:, pre] / inf.shape[0] ** 2
    stat = float(b @ np.linalg.pinv(V) @ b)
    return {"event_time_wald": stat, "event_time_df": len(pre), "event_time_p": float(chi2.sf(stat, len(pre))),
            "did_wald": result.wald, "did_p": result.wald_pvalue,
            "pre_cells": int((result.att_gt["time"] < result.att_gt["group"]).sum())}


# ---------------------------------------------------------------------------- truth and tables
def cohort_sizes(data: pd.DataFrame, idname: str = "id", gname: str = "gname") -> pd.Series:
    """Units per recognition cohort (never-recognised excluded)."""
    return data[data[gname] > 0].groupby(gname)[idname].nunique()


