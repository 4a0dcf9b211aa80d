"""Hà Nội's industrial-park rents against its comparators, by consultant and year.

May import: nothing from the package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


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


#: Years the rent panel covers (the sourced consultant figures run 2019-2025).
RENT_YEARS: tuple[int, ...] = tuple(range(2019, 2026))
RENT_RULES: str = (
    "a figure's year is its period's year (2019Q3 -> 2019); undated figures are left out (counted); figures of one "
    "area in one year from several consultants are averaged (their number kept); between two sourced years the rent "
    "is interpolated linearly; after the last sourced year it is carried forward and before the first carried back; "
    "every cell says which (sourced, interpolated, carried forward, carried back)")


def rent_panel(rents: pd.DataFrame, years: tuple[int, ...] = RENT_YEARS) -> pd.DataFrame:
    """Industrial-park rent (USD per m2 per lease term) by area and year from the consultants'
    figures, with the rules of :data:`RENT_RULES`. Columns: area, year, rent, status, figures, facts.
    """
    dated = rents[rents["period"] != "undated"].copy()
    dated["year"] = dated["period"].str[:4].astype(int)
    rows = []
    for area, group in dated.groupby("province", sort=True):
        by_year = group.groupby("year").agg(rent=("midpoint", "mean"), figures=("midpoint", "size"),
                                            facts=("fact_id", lambda f: ", ".join(sorted(f))))
        known = by_year.index.to_numpy()
        for y in years:
            if y in by_year.index:
                rows.append({"area": area, "year": y, **by_year.loc[y].to_dict(), "status": "sourced"})
                continue
            before, after = known[known < y], known[known > y]
            if len(before) and len(after):
                a, b = before[-1], after[0]
                rent = by_year.loc[a, "rent"] + (y - a) / (b - a) * (by_year.loc[b, "rent"] - by_year.loc[a, "rent"])
                status, facts = "interpolated", f"{by_year.loc[a, 'facts']}; {by_year.loc[b, 'facts']}"
            elif len(before):
                last = before[-1]
                rent, status, facts = by_year.loc[last, "rent"], "carried forward", by_year.loc[last, "facts"]
            else:
                rent, status, facts = by_year.loc[after[0], "rent"], "carried back", by_year.loc[after[0], "facts"]
            rows.append({"area": area, "year": y, "rent": float(rent), "figures": 0, "facts": facts, "status": status})
    out = pd.DataFrame(rows, columns=["area", "year", "rent", "status", "figures", "facts"])
    out.attrs["undated_left_out"] = int((rents["period"] == "undated").sum())
    return out


def ratio_path(panel: pd.DataFrame, comparator: str = "Northern Vietnam average") -> pd.DataFrame:
    """Hanoi / comparator rent ratio by year, R_t, from the rent panel; ``status`` is 'sourced'
    only when both rents are sourced that year, else it names what was filled.
    """
    h = panel[panel["area"] == "Hanoi"].set_index("year")
    c = panel[panel["area"] == comparator].set_index("year")
    if h.empty or c.empty:  # e.g. a real-time vintage before either is published
        return pd.DataFrame(columns=["year", "hanoi_rent", "comparator_rent", "ratio", "status"])
    out = pd.DataFrame({"hanoi_rent": h["rent"], "comparator_rent": c["rent"]})
    out["ratio"] = out["hanoi_rent"] / out["comparator_rent"]
    out["status"] = [("sourced" if a == b == "sourced" else f"Hanoi {a}, comparator {b}")
                     for a, b in zip(h["status"], c["status"], strict=True)]
    return out.reset_index()
