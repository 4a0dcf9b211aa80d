"""Types shared by the difference-in-differences estimators: control groups, aggregations
and an aggregated result.

May import: nothing from the package.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

CONTROL_GROUPS: tuple[str, ...] = ("notyettreated", "nevertreated")
AGGREGATIONS: tuple[str, ...] = ("simple", "group", "calendar", "dynamic")
#: Two-sided 95% normal critical value.
Z95: float = 1.959963984540054


@dataclass(frozen=True)
class Aggregation:
    """An aggregation of ATT(g,t): overall effect and the table by group / time / event time."""

    kind: str
    overall_att: float
    overall_se: float
    table: pd.DataFrame  # egt, att, se, ci_low, ci_high (uniform band when bootstrapped)
    critical_value: float
