"""Anchor consistency for the output share: every sourced figure that implies the city
denominator, the level it implies, and whether the implied levels agree.

May import: nothing from the package (a pure function of the facts table).

The output share's denominator (Hà Nội's industrial production value) has no sourced level.
It can only be implied from statements of the form "X is p% of Y" whose X is sourced:

- b017: the 2018 round's VND40,000bn (b015) were 35.2% of industrial production value;
- c008: the same products were "35 percent of the city's total industrial output";
- a006: the old programme's 59 products were 6% of industrial output in 2017, with the revenue
  stated for them (b003, VND60 trillion, period 2005-2017 as the source gives it);
- b018: the same VND40,000bn were 7.7% of GRDP, against the sourced GRDP (2019 level carried
  back one year by the sourced 2019 real growth).

Each implied level is compared with the b017 anchor on the same concept and year (the GRDP one
with the sourced GRDP). When any ratio lies outside 1 ± ``tolerance`` the anchors disagree and
the output-share targets cannot be assessed from published data.
"""

from __future__ import annotations

import pandas as pd

#: Largest relative disagreement between two implied denominators still called consistent.
TOLERANCE: float = 0.15


def _value(facts: pd.DataFrame, fact_id: str) -> float | None:
    rows = facts[facts["fact_id"] == fact_id]
    return None if rows.empty else float(rows["value_low_c"].iloc[0])


def _series_value(facts: pd.DataFrame, metric: str, year: int) -> tuple[float, str] | None:
    rows = facts[(facts["metric"] == metric) & (facts["geography"] == "Hanoi") & (facts["kind"] == "actual")
                 & (facts["period_kind"] == "year") & (facts["year_end"] == year)]
    if rows.empty:
        return None
    first = rows.sort_values("fact_id").iloc[0]
    return float(first["value_low_c"]), str(first["fact_id"])


def anchor_table(facts: pd.DataFrame, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """One row per sourced figure that implies a denominator: what it says, the level it implies
    (VND bn), the level it is compared with, their ratio and whether it lies within tolerance.

    Rows whose inputs are not among ``facts`` (e.g. a real-time vintage before their
    publication) are left out.
    """
    rows = []
    revenue_2018, share_2018 = _value(facts, "b015"), _value(facts, "b017")
    if revenue_2018 is None or share_2018 is None:
        return pd.DataFrame(columns=["anchor", "statement", "concept", "year", "implied_vnd_bn", "compared_with",
                                     "reference_vnd_bn", "ratio", "consistent"])
    reference = revenue_2018 / (share_2018 / 100)  # b015 / b017
    rows.append({"anchor": "b015 / b017", "statement": "61 products' VND40,000bn = 35.2% of industrial production "
                 "value", "concept": "industrial production value", "year": 2018, "implied_vnd_bn": reference,
                 "compared_with": "itself (the reference anchor)", "reference_vnd_bn": reference})
    if (c008 := _value(facts, "c008")) is not None:
        rows.append({"anchor": "b015 / c008", "statement": f"the same products = {c008:g}% of total industrial "
                     "output", "concept": "industrial production value", "year": 2018,
                     "implied_vnd_bn": revenue_2018 / (c008 / 100), "compared_with": "b015 / b017",
                     "reference_vnd_bn": reference})
    old_revenue, old_share = _value(facts, "b003"), _value(facts, "a006")
    growth_2018 = _series_value(facts, "iip_growth", 2018)
    if old_revenue is not None and old_share is not None and growth_2018 is not None:
        rows.append({"anchor": "b003 / a006", "statement": f"59 old-programme products' VND{old_revenue / 1000:g} "
                     f"trillion (2005-2017) = {old_share:g}% of industrial output in 2017",
                     "concept": "industrial production value", "year": 2017,
                     "implied_vnd_bn": old_revenue / (old_share / 100),
                     "compared_with": f"b015 / b017 carried back to 2017 by the 2018 index growth ({growth_2018[1]})",
                     "reference_vnd_bn": reference / (1 + growth_2018[0] / 100)})
    grdp_share = _value(facts, "b018")
    grdp_2019, growth_2019 = _series_value(facts, "grdp_nominal", 2019), _series_value(facts, "grdp_growth", 2019)
    if grdp_share is not None and grdp_2019 is not None and growth_2019 is not None:
        rows.append({"anchor": "b015 / b018", "statement": f"the same VND40,000bn = {grdp_share:g}% of GRDP",
                     "concept": "GRDP", "year": 2018, "implied_vnd_bn": revenue_2018 / (grdp_share / 100),
                     "compared_with": f"sourced GRDP 2019 ({grdp_2019[1]}) carried back by 2019 real growth "
                     f"({growth_2019[1]})", "reference_vnd_bn": grdp_2019[0] / (1 + growth_2019[0] / 100)})
    table = pd.DataFrame(rows)
    table["ratio"] = table["implied_vnd_bn"] / table["reference_vnd_bn"]
    table["consistent"] = (table["ratio"] - 1).abs() <= tolerance
    return table


def anchors_agree(table: pd.DataFrame) -> bool:
    """Whether every anchor lies within tolerance of its reference (and there is more than one).

    Examples
    --------
    >>> anchors_agree(pd.DataFrame({"consistent": [True, True]}))
    True
    >>> anchors_agree(pd.DataFrame({"consistent": [True, False]}))
    False
    """
    return len(table) > 1 and bool(table["consistent"].all())


def anchor_conflicts(table: pd.DataFrame) -> pd.DataFrame:
    """The disagreeing anchors as rows for the conflicts table (ratio between implied denominators)."""
    bad = table[~table["consistent"]]
    return pd.DataFrame({
        "conflict": "implied denominator", "anchor": bad["anchor"], "compared_with": bad["compared_with"],
        "ratio": bad["ratio"].round(3),
    })
