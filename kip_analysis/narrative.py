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


def conflict_lines(conflicts: pd.DataFrame, as_of_year: int) -> list[str]:
    """One short line per conflict known by ``as_of_year``: metric, year, both values and sources."""
    known = conflicts[conflicts["year"] <= as_of_year]
    return [
        f"{r.metric} {r.year} ({r.geography}): {r.value_a} [{r.fact_a}] vs {r.value_b} [{r.fact_b}]"
        + (" (definition)" if r.type == "definition" else "")
        for r in known.itertuples()
    ]
