"""Targets not yet due: anticipated progress for each, a forecast with a calibrated interval, and a probability
only where the method has earned one on a reference class.

May import: analyses.targets.progress, analyses.targets.verdicts, estimators.counts, estimators.reference_class.

A target due after the memo year has no value in its target year yet, but it has a past. For a share, the
latest run of values the plausibility rules accept (at most :data:`MAX_WINDOW` consecutive years) gives the pace
achieved (compound yearly growth over the run) and, against the target's low end (the weakest end of an interval
target, as Destatis tests one), the pace required from the latest value to the target year; their ratio is classed
by :mod:`kip_analysis.analyses.targets.progress` (ESCAP's anticipated progress). The forecast of the target-year
value is the method that scores best, by CRPS on held-out series, among the methods whose conformal intervals are
calibrated on the reference class (:mod:`kip_analysis.estimators.reference_class`) for the same run length and
horizon. For a count (products recognised in a round, or over a plan period) the pace is the mean yearly count of
the rounds since the relaunch against the yearly count still required, and the forecast a negative binomial count
per round (:mod:`kip_analysis.estimators.counts`); no reference class of counts exists here, so its probability
is not published.

Each outlook states its evidence strength from what it rests on: high only for at least :data:`HIGH_POINTS` sourced
values and an earned probability; low for a run with an assumed (back-cast or imputed) value, a run shorter than
:data:`MEDIUM_POINTS`, or later values left out as flagged.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import pandas as pd

from kip_analysis.analyses.targets import progress
from kip_analysis.analyses.targets.verdicts import FACT_ID
from kip_analysis.estimators import counts as count_model
from kip_analysis.estimators import reference_class as rc

#: The longest run of yearly values a share forecast is made from (and calibrated for).
MAX_WINDOW: int = 5
#: Points (sourced, none assumed) for medium and high evidence.
MEDIUM_POINTS: int = 4
HIGH_POINTS: int = 8
#: First round of the relaunched programme: the count model rests on the rounds from it on.
RELAUNCH: int = 2018
#: The chance a planned year holds a round, in the count forecasts: 1, the programme's plan (a round every year,
#: as each year since the relaunch had); with a skipped year the past's own rate would be the honest one.
HELD_AS_PLANNED: float = 1.0
#: The interval a forecast is published with.
LEVEL: float = 0.8
#: Columns the outlook adds to the verdict table.
COLUMNS: tuple[str, ...] = ("forecast_median", "forecast_low", "forecast_high", "forecast_level", "probability",
                            "probability_withheld", "forecast_method", "reference_class", "reference_forecasts",
                            "reference_series", "horizon", "evidence", "evidence_detail", "pace_span", "nowcast",
                            "pace_class")


@dataclass(frozen=True)
class ShareClass:
    """The reference class of share series and its backtests, for one run length (built once per memo). Each
    method's calibration at a horizon is computed once, whichever of :meth:`best` and :meth:`table` asks first.
    """

    description: str
    window: int
    detail: dict[str, pd.DataFrame]  # method -> backtest rows
    calibrations: dict[tuple[str, int], rc.Calibration] = dataclasses.field(default_factory=dict, compare=False)

    def calibration(self, method: str, horizon: int) -> rc.Calibration:
        """The split-conformal calibration of ``method`` at ``horizon`` (computed on first use)."""
        key = (method, horizon)
        if key not in self.calibrations:
            self.calibrations[key] = rc.calibrate(self.detail[method], method, horizon, self.window)
        return self.calibrations[key]

    def best(self, horizon: int) -> rc.Calibration | None:
        """The calibrated method with the lowest held-out CRPS at ``horizon`` (None when none is calibrated)."""
        cals = [self.calibration(m, horizon) for m in self.detail]
        earned = [c for c in cals if c.earned and math.isfinite(c.scores["crps"])]
        pool = earned or [c for c in cals if c.n]
        return min(pool, key=lambda c: c.scores["crps"]) if pool else None

    def table(self, horizons: list[int]) -> pd.DataFrame:
        """The backtest table of every method at each horizon (method, horizon, forecasts, coverage, scores)."""
        return rc.calibration_table([self.calibration(m, h) for m in self.detail for h in horizons])


def share_class(panel: pd.DataFrame, window: int, horizons: list[int]) -> ShareClass:
    """Backtest every method on the reference class for runs of ``window`` points."""
    detail = {m: rc.backtest(panel, m, window, horizons) for m in rc.METHODS}
    described = (f"{panel.attrs.get('what', 'a share')}, {panel['series_id'].nunique()} "
                 f"{panel.attrs.get('units', 'series')}, {int(panel['year'].min())}–{int(panel['year'].max())} "
                 f"({panel.attrs.get('source', 'public data')})")
    return ShareClass(described, window, detail)


def share_classes(panel: pd.DataFrame | None, needed: dict[int, list[int]]) -> dict[int, ShareClass]:
    """The reference class backtested for the run lengths and horizons the share targets ahead need
    (:func:`horizons_needed`; none without a panel).
    """
    if panel is None:
        return {}
    return {w: share_class(panel, w, h) for w, h in needed.items()}


def accepted_run(computed: pd.DataFrame, which: str) -> pd.DataFrame:
    """The latest run of consecutive years whose share the plausibility rules accept (at most
    :data:`MAX_WINDOW`), with how each value was built; ``attrs["left_out"]``: later years left out as flagged.
    """
    col, flag = f"{which}_share", f"{which}_share_flagged"
    c = computed.sort_values("year")
    ok = c[col].notna() & (c[flag].fillna("") == "")
    good = c[ok]
    if good.empty:
        out = pd.DataFrame(columns=["year", "value", "assumed"])
        out.attrs["left_out"] = []
        return out
    years = good["year"].to_numpy(dtype=int)
    start = len(years) - 1
    while start > 0 and years[start - 1] == years[start] - 1 and len(years) - start < MAX_WINDOW:
        start -= 1
    run = good.iloc[start:]
    how = run["denominator_exports_how"] if which == "export" else run["production_value_how"]
    out = pd.DataFrame({"year": run["year"].astype(int).to_numpy(), "value": run[col].astype(float).to_numpy(),
                        "assumed": how.astype(str).str.contains("back-cast|imputed|carried", regex=True).to_numpy()})
    out.attrs["left_out"] = c.loc[(c["year"] > out["year"].max()) & c[col].notna() & ~ok, "year"].astype(int).tolist()
    return out


def evidence(points: int, assumed: int, left_out: int, earned: bool) -> str:
    """Evidence strength: high, medium or low (see the module docstring).

    Examples
    --------
    >>> evidence(5, 1, 3, True), evidence(5, 0, 0, False), evidence(8, 0, 0, True), evidence(3, 0, 0, True)
    ('low', 'medium', 'high', 'low')
    """
    if assumed or left_out or points < MEDIUM_POINTS:
        return "low"
    return "high" if points >= HIGH_POINTS and earned else "medium"


def _blank() -> dict:
    return {c: None for c in COLUMNS}


def share_outlook(t: pd.Series, computed: pd.DataFrame, as_of_year: int,
                  classes: dict[int, ShareClass]) -> dict | None:
    """Anticipated progress and the forecast of a share target not yet due (None without an accepted value);
    ``classes``: the reference class backtested for each run length.
    """
    which = "export" if t["metric"] == "kip_export_share" else "output"
    run = accepted_run(computed, which)
    if run.empty:
        return None
    klass = classes.get(len(run))
    first, last = run.iloc[0], run.iloc[-1]
    target_year, low = int(t["target_year"]), float(t["low"])
    row = _blank()
    if len(run) >= 2:
        # achieved: compound growth over the run; required: from the latest value to the low end by the target year
        actual = progress.rate(first["value"], int(first["year"]), last["value"], int(last["year"]), compound=True)
        required = progress.rate(last["value"], int(last["year"]), low, target_year, compound=True)
        ratio = actual / required if required > 0 else math.nan
    else:
        actual = required = ratio = math.nan
    cls = progress.classify(float(last["value"]), low, ratio)
    at = computed.set_index("year").loc[int(last["year"])]
    rows_text = (f"{at['exports_rows']} {at['denominator_exports_how']}" if which == "export" else
                 f"{at['revenue_rows']} {at['production_value_how']}")
    row.update({"actual_rate": actual, "required_rate": required, "ratio": ratio, "class": cls,
                "current_value": float(last["value"]), "pace_span": f"{int(first['year'])}-{int(last['year'])}",
                "current": f"{int(last['year'])}: {last['value']:.1f}% (the latest value the plausibility rules "
                           f"accept; rests on {' '.join(sorted(set(FACT_ID.findall(rows_text))))})"})
    horizon = target_year - int(last["year"])
    cal = klass.best(horizon) if klass is not None else None
    earned = bool(cal is not None and cal.earned)
    if cal is not None:
        o = rc.outlook(run["year"].to_numpy(), run["value"].to_numpy(), horizon, cal, (LEVEL,))
        p = o.probability_at_least(low)
        row.update({"forecast_median": o.median, "forecast_low": o.bounds[LEVEL][0],
                    "forecast_high": o.bounds[LEVEL][1], "forecast_level": LEVEL, "probability": p,
                    "probability_withheld": "" if p is not None else cal.why_not(), "forecast_method": cal.method,
                    "reference_class": klass.description, "reference_forecasts": cal.n,
                    "reference_series": cal.n_series, "horizon": horizon})
    else:
        why = ("no reference class published by the memo year" if not classes else
               f"no forecast of the reference class from runs of {len(run)} values reaches {horizon} years ahead")
        row.update({"probability_withheld": why, "horizon": horizon})
    assumed, left_out = int(run["assumed"].sum()), len(run.attrs["left_out"])
    row["evidence"] = evidence(len(run), assumed, left_out, earned)
    row["evidence_detail"] = {"points": len(run), "first_year": int(first["year"]), "last_year": int(last["year"]),
                              "assumed": assumed, "left_out_years": list(run.attrs["left_out"])}
    return row


def count_outlook(t: pd.Series, cohort: str, rounds: pd.DataFrame, as_of_year: int) -> dict | None:
    """Anticipated progress and the forecast of a count target not yet due: one round's count, or the sum of the
    rounds of a plan period (None with fewer than two past rounds).
    """
    what = "products" if "products" in t["metric"] else "firms"
    past = rounds[(rounds["round"] >= RELAUNCH) & (rounds["round"] <= as_of_year)].sort_values("round")
    if len(past) < 2:
        return None
    # the years since the relaunch up to the latest reported round (a round not reported yet is not a skipped one)
    span = int(past["round"].max()) - RELAUNCH + 1
    # the count per held round from the past rounds; a round every year, as the programme plans (the forecast is
    # conditional on the plan, as the baseline scenario is)
    fit = dataclasses.replace(count_model.fit_rounds(past[what].to_numpy(dtype=float), span), p_held=HELD_AS_PLANNED)
    target_year, low = int(t["target_year"]), float(t["low"])
    if t["metric"] == "kip_products_recognised":  # one round: is the next round's count at least the low end?
        already, years = 0.0, 1
    else:
        first = int(str(cohort).split("-")[0])
        done = past[past["round"] >= first]
        already = float(done[what].sum())
        years = target_year - (int(done["round"].max()) if len(done) else first - 1)
    if years < 1:
        return None
    # achieved: the rounds' mean yearly count (ESCAP's linear pace for counts); required: what is left, per year
    per_year = float(past[what].sum()) / span
    required = (low - already) / years
    ratio = per_year / required if required > 0 else math.nan
    cls = progress.classify(already, low, ratio)
    q = fit.quantiles(years, ((1 - LEVEL) / 2, 0.5, (1 + LEVEL) / 2), already)
    row = _blank()
    row.update({"actual_rate": per_year, "required_rate": required, "ratio": ratio, "class": cls,
                "current_value": already if already else None,
                "pace_span": f"{int(past['round'].min())}-{int(past['round'].max())}",
                "forecast_median": q[1], "forecast_low": q[0], "forecast_high": q[2], "forecast_level": LEVEL,
                "probability": None, "forecast_method": "negative binomial count per round, a round every year "
                                                         "as planned",
                "probability_withheld": f"no reference class of round counts: the {len(past)} rounds since "
                                        f"{RELAUNCH} are the only evidence, too few to check the intervals' coverage",
                "horizon": years, "reference_class": "", "reference_forecasts": 0, "reference_series": 0,
                "evidence": "medium" if len(past) >= MEDIUM_POINTS + 1 else "low",
                "evidence_detail": {"points": len(past), "first_year": int(past["round"].min()),
                                    "last_year": int(past["round"].max()), "assumed": 0, "left_out_years": []}})
    return row


def nowcast_due(t: dict, as_of_year: int) -> bool:
    """Whether a share target whose year has passed gets a nowcast: its year is no later than the memo year, its
    verdict was left open (no value, or the value rests on a flagged row), and it counts the products (a products'
    share says nothing final about a target on the enterprises, whose share it only bounds from below).
    """
    return (int(t["target_year"]) <= as_of_year and t["class"] in ("cannot be assessed", "undetermined")
            and t["metric"] in ("kip_export_share", "kip_output_share")
            and (t.get("counts") or "products") == "products")


#: A nowcast settles a passed target only when the calibrated probability of having met it is this far from 1/2.
NOWCAST_SETTLES: float = 0.10


def _nowcast(t: pd.Series, computed: pd.DataFrame, as_of_year: int, classes: dict[int, ShareClass]) -> dict | None:
    """A passed share target left open: the value in its year forecast from the latest accepted run, and a final
    verdict where the calibrated probability of having met it is at most :data:`NOWCAST_SETTLES` (missed) or at
    least 1 minus it (met); otherwise the verdict stays open and the nowcast is shown beside it.
    """
    at_year = computed[computed["year"] < int(t["target_year"])]  # what came before the target year
    row = share_outlook(t, at_year, as_of_year, classes)
    if row is None or row.get("forecast_median") is None:
        return None
    p = row["probability"]
    keep = {k: row[k] for k in COLUMNS} | {"nowcast": True}
    if p is not None and p <= NOWCAST_SETTLES:
        return {**keep, "class": "missed", "reason": f"nowcast: the value for {int(t['target_year'])} is not usable; "
                "from the latest accepted values, having reached the target is very unlikely"}
    if p is not None and p >= 1 - NOWCAST_SETTLES:
        return {**keep, "class": "met", "reason": f"nowcast: the value for {int(t['target_year'])} is not usable; "
                "from the latest accepted values, having reached the target is very likely"}
    return {**keep, "reason": f"{t['reason']}; a nowcast from the latest accepted values does not settle it"}


def forecast_class(row: dict, low: float) -> str:
    """The verdict of a target ahead: its forecast's, where there is one (a reader of the verdict alone must not
    read "on track" beside a forecast that says the target is more likely missed); the pace's class otherwise.

    With a published probability of reaching the low end p: on track at p >= 1/2, accelerate strongly at
    p <= :data:`NOWCAST_SETTLES`, accelerate between; without one, on track when the forecast's median reaches the
    low end, accelerate when it does not.

    Examples
    --------
    >>> [forecast_class({"probability": p, "forecast_median": 1.0, "class": "on track"}, 2.0) for p in (0.6, 0.25,
    ...  0.05)]
    ['on track', 'accelerate', 'accelerate strongly']
    >>> forecast_class({"probability": None, "forecast_median": 170.0, "class": "on track"}, 180.0)
    'accelerate'
    """
    p, median = row.get("probability"), row.get("forecast_median")
    if p is not None:
        return "on track" if p >= 0.5 else "accelerate strongly" if p <= NOWCAST_SETTLES else "accelerate"
    if median is None:
        return row["class"]
    return "on track" if median >= low else "accelerate"


def apply(verdicts: pd.DataFrame, targets: pd.DataFrame, computed: pd.DataFrame, rounds: pd.DataFrame,
          as_of_year: int, classes: dict[int, ShareClass]) -> pd.DataFrame:
    """The verdict table with an outlook for every target due after the memo year (or a round target due in it
    whose round is not reported yet) that its past values can speak for. Rows already judged on a value keep
    their verdict; the others take the anticipated class, and the reason says it is one.
    """
    out = verdicts.copy()
    cohorts = targets.set_index("target_id")["cohort"]
    for c in COLUMNS:
        if c not in out:
            out[c] = None
    for i, t in out.iterrows():
        if nowcast_due(t.to_dict(), as_of_year):
            row = _nowcast(t, computed, as_of_year, classes)
            for k, v in (row or {}).items():
                out.at[i, k] = v
            continue
        ahead = int(t["target_year"]) > as_of_year or (
            t["metric"] == "kip_products_recognised" and int(t["target_year"]) == as_of_year)
        if not ahead or t["class"] != "cannot be assessed" or t.get("current_value") is not None and not pd.isna(
                t.get("current_value")):
            continue
        if t["metric"] in ("kip_export_share", "kip_output_share"):
            row = share_outlook(t, computed, as_of_year, classes)
            reason = "anticipated progress: compound yearly growth over {span} against the growth required"
        else:
            cohort = cohorts.get(t["target_id"])
            row = count_outlook(t, str(cohort) if isinstance(cohort, str) else str(t["target_year"]), rounds,
                                as_of_year)
            reason = "anticipated progress: mean yearly count of the rounds {span} against the count still required"
        if row is None:
            continue
        row["reason"] = reason.format(span=row["pace_span"].replace("-", "–"))
        row["pace_class"], row["class"] = row["class"], forecast_class(row, float(t["low"]))
        if row["class"] != row["pace_class"]:
            row["reason"] += f"; the forecast against the low end says {row['class']}, and the verdict follows it"
        for k, v in row.items():
            out.at[i, k] = v
    return out


def horizons_needed(verdicts: pd.DataFrame, computed: pd.DataFrame, as_of_year: int) -> dict[int, list[int]]:
    """For each run length of the share series, the horizons the memo's share targets ahead (and the passed ones
    a nowcast is due for) need.
    """
    need: dict[int, list[int]] = {}
    for t in verdicts.to_dict("records"):
        year = int(t["target_year"])
        if t["metric"] not in ("kip_export_share", "kip_output_share") or not (
                year > as_of_year or nowcast_due(t, as_of_year)):
            continue
        seen = computed if year > as_of_year else computed[computed["year"] < year]
        run = accepted_run(seen, "export" if t["metric"] == "kip_export_share" else "output")
        if len(run):
            need.setdefault(len(run), []).append(year - int(run["year"].max()))
    return {w: sorted(set(h)) for w, h in need.items()}
