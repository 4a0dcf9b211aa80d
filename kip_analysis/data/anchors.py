"""Anchor consistency for the output share: every sourced figure that implies the city
denominator, the level it implies, and whether the implied levels agree.

May import: nothing from the package (pure functions of the facts table).

The output share's denominator (Hà Nội's industrial production value) has no sourced level.
It can only be implied from statements of the form "X is p% of Y" whose X is sourced:

- b017: the 2018 round's VND40,000bn (b015) were 35.2% of industrial production value;
- c008: the same products were "35 percent of the city's total industrial output";
- (a006, the old programme's 6% of industrial output in 2017, is not an anchor: the only revenue
  stated for those products, b003's VND60 trillion, is cumulative over 2005-2017, not one year's);
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


def _carried(facts: pd.DataFrame, metric: str, year: int) -> tuple[float, str, str] | None:
    """The latest sourced level of ``metric`` up to ``year``, carried to ``year`` by the sourced real
    index growth of the years between (none sourced: carried flat, said in the note): the level, the
    fact id it starts from, and how it was carried.
    """
    rows = facts[(facts["metric"] == metric) & (facts["kind"] == "actual") & (facts["year_end"] <= year)]
    if rows.empty:
        return None
    first = rows.sort_values(["year_end", "fact_id"]).iloc[-1]
    level, from_year, how = float(first["value_low_c"]), int(first["year_end"]), [str(first["fact_id"])]
    for y in range(from_year + 1, year + 1):
        g = _series_value(facts, "iip_growth", y)
        if g is None:
            how.append(f"{y} flat (no sourced growth)")
        else:
            level *= 1 + g[0] / 100
            how.append(f"{y} +{g[0]:g}% ({g[1]})")
    return level, str(first["fact_id"]), ", ".join(how)


#: Denominators a share may be checked against: the share metric, the sourced level's metric.
LEVELS: dict[str, tuple[str, str]] = {
    "kip_output_share": ("industrial_production_value", "industrial production value"),
    "kip_grdp_share": ("grdp_nominal", "GRDP"),
}


def level_checks(facts: pd.DataFrame, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Every share stated for a round whose revenue is sourced, against a sourced level of its
    denominator: the denominator the share implies (revenue / share), the sourced level carried to
    that year, their ratio, and whether it lies within ``tolerance``.
    """
    rows = []
    for metric, (level_metric, concept) in LEVELS.items():
        shares = facts[(facts["metric"] == metric) & (facts["kind"] == "actual") & facts["cohort"].notna()
                       & (facts["period_kind"] == "year")]
        for sh in shares.itertuples():
            revenue = facts[(facts["metric"] == "kip_product_revenue") & (facts["cohort"] == sh.cohort)
                            & (facts["year_end"] == sh.year_end)]
            if revenue.empty:
                continue
            rev = revenue.sort_values("fact_id").iloc[0]
            year = int(sh.year_end)
            level = _carried(facts, level_metric, year)
            if level is None and metric == "kip_grdp_share":  # GRDP: the next year's level carried back
                nxt = _series_value(facts, "grdp_nominal", year + 1)
                g = _series_value(facts, "grdp_growth", year + 1)
                if nxt is not None and g is not None:
                    level = (nxt[0] / (1 + g[0] / 100), nxt[1], f"{nxt[1]} carried back by {g[1]}")
            if level is None:
                continue
            implied = float(rev["value_low_c"]) / (sh.value_low_c / 100)
            rows.append({"share_fact": sh.fact_id, "level_fact": level[1],
                         "statement": f"{rev['value_low_c']:,.0f} VND bn ({rev['fact_id']}) = {sh.value_low_c:g}% of "
                         f"{concept} ({sh.fact_id})", "concept": concept, "year": year, "implied_vnd_bn": implied,
                         "level_vnd_bn": level[0], "level_how": level[2], "share_on_level": 100 * rev["value_low_c"]
                         / level[0], "ratio": implied / level[0]})
    table = pd.DataFrame(rows, columns=["share_fact", "level_fact", "statement", "concept", "year", "implied_vnd_bn",
                                        "level_vnd_bn", "level_how", "share_on_level", "ratio"])
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
