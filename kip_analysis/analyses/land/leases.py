"""Hà Nội's industrial-park rents against its comparators, by consultant and year.

May import: data.locations (the rent panel lives in the data layer; re-exported here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.data.locations import RENT_RULES, RENT_YEARS, ratio_path, rent_panel

__all__ = ["RENT_RULES", "RENT_YEARS", "lease_ratios", "ratio_path", "rent_panel"]


def lease_ratios(rents: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Hanoi / neighbour rent ratio for every consultant and period that quotes Hanoi and a
    comparator, plus source 001's 1.5-2x claim.
    """
    rows = []
    for (consultant, period), group in rents.groupby(["consultant", "period"], sort=True):
        hanoi = group[group["province"] == "Hanoi"]
        others = group[group["province"] != "Hanoi"]
        if hanoi.empty or others.empty:
            continue
        h = hanoi.iloc[0]
        for o in others.itertuples():
            rows.append({"consultant": consultant, "period": period, "comparator": o.province,
                         "hanoi": h["midpoint"], "comparator_rent": o.midpoint, "ratio": h["midpoint"] / o.midpoint,
                         "facts": f"{h['fact_id']} / {o.fact_id}"})
    claim = facts[facts["metric"] == "iz_lease_ratio_vs_neighbours"]
    for c in claim.itertuples():
        rows.append({"consultant": f"source 001 ({c.outlet})", "period": c.period,
                     "comparator": "neighbouring provinces",
                     "hanoi": np.nan, "comparator_rent": np.nan, "ratio": (c.value_low + c.value_high) / 2,
                     "facts": f"{c.fact_id} ({c.value_low:g}-{c.value_high:g}x)"})
    return pd.DataFrame(rows)
