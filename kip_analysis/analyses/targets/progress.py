"""Progress verdicts on each share and count target: current status and anticipated progress
in the manner of UN ESCAP's Asia-Pacific SDG Progress Report, and which single sourced row
would flip a verdict.

May import: nothing from the package.

Anticipated progress compares the growth achieved since the base year with the growth the
target requires (ESCAP 2017, Statistics Division Working Paper SD/WP/05, "anticipated
progress"): ``ratio = actual rate / required rate``. Shares use compound annual rates; counts
that start from zero at the start of a target period use average yearly increases (a compound
rate is undefined from zero). The classes, stated once here and used everywhere:

======================== ==========================================================
class                    rule
======================== ==========================================================
met                      the current value already reaches the target's low end
missed                   the target year has passed with the value below the low end
on track                 ratio >= 1: the pace achieved, kept up, reaches the target
accelerate               0.5 <= ratio < 1
accelerate strongly      0 <= ratio < 0.5
regressing               ratio < 0: moving away from the target
cannot be assessed       no sourced current value, or the inputs failed a consistency check
======================== ==========================================================
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

CLASSES: tuple[str, ...] = ("met", "missed", "on track", "accelerate", "accelerate strongly", "regressing",
                            "cannot be assessed")


def rate(start: float, start_year: int, end: float, end_year: int, compound: bool) -> float:
    """The yearly rate from one value to another: compound growth, or the average yearly increase.

    Examples
    --------
    >>> round(rate(10.0, 2017, 12.1, 2019, compound=True), 4), rate(0.0, 2020, 79.0, 2023, compound=False)
    (0.1, 26.333333333333332)
    """
    # compound: r = (x1 / x0)^(1 / (t1 - t0)) - 1; linear: r = (x1 - x0) / (t1 - t0)
    if compound:
        return (end / start) ** (1 / (end_year - start_year)) - 1
    return (end - start) / (end_year - start_year)


def rates(base: float, base_year: int, current: float, current_year: int, target: float, target_year: int,
          compound: bool) -> tuple[float, float]:
    """Actual and required yearly rates from the base year.

    Examples
    --------
    >>> actual, required = rates(10.0, 2017, 12.1, 2019, 20.0, 2025, compound=True)
    >>> round(actual, 4), round(required, 4)
    (0.1, 0.0905)
    >>> rates(0.0, 2020, 79.0, 2023, 150.0, 2025, compound=False)
    (26.333333333333332, 30.0)
    """
    if current_year <= base_year or target_year <= base_year:
        raise ValueError("the current and target years must follow the base year")
    return (rate(base, base_year, current, current_year, compound),
            rate(base, base_year, target, target_year, compound))


def classify(current: float | None, target_low: float, ratio: float | None) -> str:
    """The progress class of a target (see the module docstring).

    Examples
    --------
    >>> [classify(12, 10, None), classify(8, 10, 1.2), classify(8, 10, 0.7), classify(8, 10, 0.2),
    ...  classify(8, 10, -0.1), classify(None, 10, None)]
    ['met', 'on track', 'accelerate', 'accelerate strongly', 'regressing', 'cannot be assessed']
    """
    if current is None or (isinstance(current, float) and math.isnan(current)):
        return "cannot be assessed"
    if current >= target_low:
        return "met"
    if ratio is None or math.isnan(ratio):
        return "cannot be assessed"
    if ratio >= 1:
        return "on track"
    if ratio >= 0.5:
        return "accelerate"
    if ratio >= 0:
        return "accelerate strongly"
    return "regressing"


def verdict(base: float, base_year: int, current: float | None, current_year: int, target_low: float,
            target_year: int, compound: bool) -> dict:
    """Rates, their ratio and the class for one target (current value ``None``: cannot be assessed)."""
    if current is None or current_year <= base_year:
        return {"actual_rate": math.nan, "required_rate": math.nan, "ratio": math.nan,
                "class": classify(current, target_low, None) if current is not None else "cannot be assessed"}
    actual, required = rates(base, base_year, current, current_year, target_low, target_year, compound)
    ratio = actual / required if required > 0 else math.nan
    return {"actual_rate": actual, "required_rate": required, "ratio": ratio,
            "class": classify(current, target_low, ratio)}


def influence(facts: pd.DataFrame, rows: list[str], verdict_of: Callable[[pd.DataFrame], str]) -> pd.DataFrame:
    """Leave-one-row-out: the verdict with each of ``rows`` (fact ids) dropped in turn.

    A verdict is robust only if no single sourced row flips it.

    Examples
    --------
    >>> f = pd.DataFrame({"fact_id": ["x1", "x2", "x3"], "value": [1.0, 1.0, 10.0]})
    >>> table = influence(f, ["x1", "x2", "x3"], lambda d: "met" if d["value"].sum() >= 10 else "missed")
    >>> table[["dropped", "verdict", "flips"]].values.tolist()
    [['x1', 'met', False], ['x2', 'met', False], ['x3', 'missed', True]]
    """
    base = verdict_of(facts)
    out = []
    for fact_id in rows:
        kept = facts[facts["fact_id"] != fact_id]
        try:
            v = verdict_of(kept)
        except (ValueError, KeyError, IndexError) as err:  # the verdict cannot be formed without that row
            v = f"cannot be assessed ({type(err).__name__})"
        out.append({"dropped": fact_id, "verdict": v, "flips": v != base})
    table = pd.DataFrame(out, columns=["dropped", "verdict", "flips"])
    table.attrs["verdict"] = base
    table.attrs["robust"] = not table["flips"].any()
    return table
