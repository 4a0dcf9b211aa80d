"""Sentences composed from numbers, for notebooks and memos (no number typed by hand)."""

from __future__ import annotations

import pandas as pd


def _n(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def facts_headline(rounds: pd.DataFrame, tracker: pd.DataFrame, conflicts: pd.DataFrame,
                   as_of_year: int) -> dict:
    """Headline numbers of the programme-facts analysis as of ``as_of_year``."""
    shown = rounds[rounds["round"] <= as_of_year]
    conflicts = conflicts[conflicts["year"] <= as_of_year]
    last = shown.iloc[-1]
    judged = tracker[tracker["status"].isin(["met", "missed"])]
    return {
        "as_of_year": as_of_year,
        "rounds": int(len(shown)),
        "products_cumulative": int(last["products_cumulative"]),
        "firms_cumulative": int(last["firms_cumulative"]),
        "latest_round": int(last["round"]),
        "latest_round_products": int(last["products"]),
        "latest_round_firms": int(last["firms"]),
        "reported_totals_match": bool(shown["matches"].all()),
        "targets_known": int(len(tracker)),
        "targets_met": int((judged["status"] == "met").sum()),
        "targets_missed": int((judged["status"] == "missed").sum()),
        "targets_no_actual": int((tracker["status"] == "no actual").sum()),
        "targets_open": int((tracker["status"] == "open").sum()),
        "conflicts": int(len(conflicts)),
    }


def facts_reading(headline: dict, tracker: pd.DataFrame) -> list[str]:
    """A short prose reading of the programme facts, every number from ``headline`` or ``tracker``."""
    h = headline
    sentences = [
        f"From the 2018 relaunch to the {h['latest_round']} round, Hanoi recognised "
        f"{_n(h['products_cumulative'])} products of {_n(h['firms_cumulative'])} firms in "
        f"{h['rounds']} rounds; the latest round recognised {h['latest_round_products']} products "
        f"of {h['latest_round_firms']} firms.",
        "The cumulative totals the sources report "
        + ("equal the sum of the rounds." if h["reported_totals_match"]
           else "do NOT all equal the sum of the rounds (see the reconciliation table)."),
    ]
    met = tracker[tracker["status"] == "met"]
    for _, t in met.iterrows():
        sentences.append(
            f"Target {t['target_id']} ({t['metric']}, {t['target_year']}: {_n(t['low'])}"
            + (f"–{_n(t['high'])}" if t["high"] != t["low"] else "")
            + f" {t['unit_canonical']}) was met: {_n(t['actual'])}"
            + ("." if t["high"] == t["low"] else
               ", above the high end." if t["met_high"] else ", inside the range.")
        )
    shares = tracker[tracker["metric"].str.endswith("_share")]
    if len(shares):
        sentences.append(
            f"Of {len(shares)} output- and export-share targets and expectations known by "
            f"{h['as_of_year']}, {int((shares['status'] == 'no actual').sum())} cannot be judged "
            f"from the sources, which give shares only up to 2018, and "
            f"{int((shares['status'] == 'open').sum())} are still open; the targets analysis "
            "builds the shares from numerators and denominators instead."
        )
    sentences.append(
        f"The sources disagree in {h['conflicts']} places (conflicts table); no figure was "
        "chosen silently: the choice follows the source_preference parameter."
    )
    return sentences


def conflicts_table(conflicts: pd.DataFrame, as_of_year: int) -> pd.DataFrame:
    """Conflicts known by ``as_of_year`` as a reader's table: both values, both sources."""
    known = conflicts[conflicts["year"] <= as_of_year]
    return pd.DataFrame({
        "what": [METRIC_LABELS.get(m, m) for m in known["metric"]],
        "place": known["geography"], "year": known["year"],
        "one source": known["value_a"] + " [" + known["fact_a"] + "]",
        "another": known["value_b"] + " [" + known["fact_b"] + "]",
        "kind": known["type"], "used by default": known["default_choice"],
    })


def conflict_lines(conflicts: pd.DataFrame, as_of_year: int) -> list[str]:
    """One short line per conflict known by ``as_of_year``: metric, year, both values and sources."""
    known = conflicts[conflicts["year"] <= as_of_year]
    return [
        f"{r.metric} {r.year} ({r.geography}): {r.value_a} [{r.fact_a}] vs {r.value_b} [{r.fact_b}]"
        + (" (definition)" if r.type == "definition" else "")
        for r in known.itertuples()
    ]


#: Reader-facing names of the metrics that appear in memo tables.
METRIC_LABELS: dict[str, str] = {
    "kip_output_share": "KIP share of city industrial production value",
    "kip_export_share": "KIP share of city exports",
    "kip_products_cumulative": "products recognised (cumulative)",
    "kip_firms_cumulative": "firms recognised (cumulative)",
    "kip_products_recognised": "products recognised in the round",
    "kip_firms_expected": "firms expected to take part",
    "kip_firms_programme_scope": "firms in the programme",
    "kip_growth_premium": "KIP growth above the city industrial average",
    "kip_product_revenue_growth": "KIP products' revenue growth",
    "kip_production_value_growth": "KIP firms' production value growth",
}


def _with_unit(low: float, high: float, unit: str) -> str:
    value = _n(low) if low == high else f"{_n(low)}–{_n(high)}"
    return f"{value}%" if unit.startswith("percent") and unit != "percentage points" else f"{value} {unit}"


def targets_table(track: pd.DataFrame) -> pd.DataFrame:
    """The tracker as a reader's table: values formatted with their units."""
    rows = []
    for t in track.itertuples():
        has_actual = t.status in ("met", "missed")
        rows.append({
            "target": t.target_id,
            "what": METRIC_LABELS.get(t.metric, t.metric),
            "kind": t.kind,
            "year": int(t.target_year),
            "target range": _with_unit(t.low, t.high, t.unit_canonical),
            "actual": (_with_unit(t.actual, t.actual, t.unit_canonical) + f" [{t.actual_source}]"
                       if has_actual else (f"— (nearest: {t.nearest_actual})"
                                           if isinstance(t.nearest_actual, str) else "—")),
            "status": t.status,
        })
    return pd.DataFrame(rows)
