"""Hà Nội's industrial-park rents against its neighbours', like for like: each ratio from one
consultant's figures for one period (:mod:`kip_analysis.data.rents`), plus a source's claim.

May import: data.geography, data.rents.
"""

from __future__ import annotations

import pandas as pd

from kip_analysis.data.geography import DISPLAY_NAMES, FACT_NAMES
from kip_analysis.data.rents import COMPARATORS, LIKE_FOR_LIKE_RULES, like_for_like, ratio_path, time_variation

__all__ = ["COMPARATOR_LABEL", "LIKE_FOR_LIKE_RULES", "lease_ratios", "ratio_path", "time_variation"]

#: How the comparator of every like-for-like ratio is written.
COMPARATOR_LABEL: str = "mean of " + ", ".join(DISPLAY_NAMES[FACT_NAMES[c]] for c in COMPARATORS)


def lease_ratios(rents: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Every like-for-like Hà Nội / neighbours rent ratio (one consultant, one period each), and
    source 001's "1.5-2 times" claim (no rents behind it) as its own rows. ``attrs`` keeps the
    consultant-periods left out and the place rows (``excluded``, ``cross_sections``).
    """
    ll = like_for_like(rents)
    out = pd.DataFrame({"consultant": ll["consultant"], "period": ll["period"], "year": ll["year"],
                        "comparator": COMPARATOR_LABEL, "hanoi": ll["hanoi_rent"],
                        "comparator_rent": ll["comparators_mean"], "ratio": ll["ratio"], "status": ll["status"],
                        "facts": ll["facts"]})
    claim = facts[facts["metric"] == "iz_lease_ratio_vs_neighbours"]
    claims = pd.DataFrame([{"consultant": f"source 001 ({c.outlet})", "period": c.period, "year": c.year_end,
                            "comparator": "neighbouring provinces", "hanoi": float("nan"),
                            "comparator_rent": float("nan"), "ratio": (c.value_low + c.value_high) / 2,
                            "status": "claim, no rents", "facts": f"{c.fact_id} ({c.value_low:g}-{c.value_high:g}x)"}
                           for c in claim.itertuples()], columns=out.columns)
    table = pd.concat([out, claims], ignore_index=True) if len(claims) else out
    table.attrs.update(ll.attrs)
    return table
