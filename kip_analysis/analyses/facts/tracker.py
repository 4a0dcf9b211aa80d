"""Targets against actuals: met / missed / no actual / open, with the gap to each end.

A target stated as a range is judged against both ends: ``met_low`` says whether the
actual reaches the low end, ``met_high`` the high end. Only actuals for the target's own
year count (no proxy years); the nearest other actual is shown for context. Where
sources disagree, the figure used follows ``source_preference`` and
``depends_on_source`` says whether another source would change the verdict.

May import: data.choice.
"""

from __future__ import annotations

import pandas as pd

from kip_analysis.data.choice import DEFAULT_PREFERENCE, check_preference, choose

STATUSES: tuple[str, ...] = ("met", "missed", "no actual", "open")


def cohort_within(actual: object, target: object) -> bool:
    """Whether an actual's cohort (rounds covered) lies within the target's.

    Examples
    --------
    >>> cohort_within("2018", "2018-2020"), cohort_within("2018-2025", "2021-2025")
    (True, False)
    >>> cohort_within(None, "2021-2025")
    True
    """
    if not isinstance(actual, str) or not isinstance(target, str):
        return True
    a0, _, a1 = actual.partition("-")
    t0, _, t1 = target.partition("-")
    return int(t0) <= int(a0) and int(a1 or a0) <= int(t1 or t0)


def _verdict(actual: float, low: float) -> str:
    return "met" if actual >= low else "missed"


def _as_facts(rows: pd.DataFrame) -> pd.DataFrame:
    """Timeline rows in the column names :func:`~kip_analysis.data.choice.choose` reads."""
    return rows.rename(columns={"low": "value_low_c", "high": "value_high_c"}).assign(
        published=rows.get("published", pd.Series(index=rows.index, dtype=object)))


def track_targets(
    targets: pd.DataFrame,
    timeline: pd.DataFrame,
    as_of_year: int,
    source_preference: str = DEFAULT_PREFERENCE,
) -> pd.DataFrame:
    """Judge every target set by ``as_of_year`` against the actuals known by then.

    Parameters
    ----------
    targets
        The ``targets`` processed table.
    timeline
        The ``programme_timeline`` processed table (actuals, every source).
    as_of_year
        Targets set after this year are left out; targets due after it are ``open``;
        actuals for later years are not used.
    source_preference
        How to choose among disagreeing actuals (:mod:`kip_analysis.data.choice`).

    Returns
    -------
    pandas.DataFrame
        One row per target with ``actual``, ``actual_source``, ``status``, ``met_low``,
        ``met_high``, ``gap_low`` and ``gap_high`` (actual minus each end, in the target's
        unit), ``depends_on_source`` and ``nearest_actual`` (context only).

    Examples
    --------
    >>> t = pd.DataFrame({"target_id": ["t1"], "metric": ["share"], "geography": ["Hanoi"],
    ...     "kind": ["target"], "target_year": [2020], "cohort": [None], "low": [33.0],
    ...     "high": [35.0], "unit_canonical": ["percent"], "set_in": ["2019"]})
    >>> a = pd.DataFrame({"year": [2020], "metric": ["share"], "geography": ["Hanoi"],
    ...     "cohort": [None], "low": [34.0], "high": [34.0], "unit_canonical": ["percent"],
    ...     "fact_id": ["f1"], "derived": [False]})
    >>> row = track_targets(t, a, as_of_year=2021).iloc[0]
    >>> row["status"], bool(row["met_high"]), float(row["gap_low"])
    ('met', False, 1.0)
    """
    check_preference(source_preference)
    set_by = pd.to_numeric(targets["set_in"], errors="coerce")
    known = targets[set_by.isna() | (set_by <= as_of_year)]
    actuals = timeline[timeline["year"] <= as_of_year]
    rows = []
    for _, t in known.iterrows():
        same = actuals[(actuals["metric"] == t["metric"]) & (actuals["geography"] == t["geography"])
                       & (actuals["unit_canonical"] == t["unit_canonical"])]
        in_year = same[(same["year"] == t["target_year"])
                       & same["cohort"].map(lambda c, tc=t["cohort"]: cohort_within(c, tc))]
        out = {**t.to_dict(), "actual": None, "actual_source": None, "met_low": None,
               "met_high": None, "gap_low": None, "gap_high": None,
               "depends_on_source": False, "nearest_actual": None}
        if t["target_year"] > as_of_year:
            out["status"] = "open"
        elif in_year.empty:
            out["status"] = "no actual"
        else:
            pick = choose(_as_facts(in_year), source_preference)
            actual = (pick["value_low_c"] + pick["value_high_c"]) / 2
            verdicts = {_verdict((r["low"] + r["high"]) / 2, t["low"]) for _, r in in_year.iterrows()}
            out.update(
                actual=actual, actual_source=pick["fact_id"], status=_verdict(actual, t["low"]),
                met_low=bool(actual >= t["low"]), met_high=bool(actual >= t["high"]),
                gap_low=actual - t["low"], gap_high=actual - t["high"],
                depends_on_source=len(verdicts) > 1,
            )
        if not same.empty and out["status"] in ("no actual", "open"):
            distance = (same["year"] - t["target_year"]).abs() * 2 - (same["year"] > t["target_year"])
            near_rows = same[same["year"] == same.loc[distance.idxmin(), "year"]]
            near = choose(_as_facts(near_rows), source_preference)
            out["nearest_actual"] = (f"{(near['value_low_c'] + near['value_high_c']) / 2:g} "
                                     f"in {int(near['year'])} ({near['fact_id']})")
        rows.append(out)
    return pd.DataFrame(rows)
