"""The verdict table: every share and count target known by the reading year with its progress
class (:mod:`kip_analysis.analyses.targets.progress`), and the leave-one-row-out influence of
the sourced rows behind the export-share verdicts.

May import: data.choice, analyses.targets.progress, analyses.targets.shares.
"""

from __future__ import annotations

import re

import pandas as pd

from kip_analysis.analyses.targets import progress, shares
from kip_analysis.data.choice import choose

COUNT_METRICS: tuple[str, ...] = ("kip_products_cumulative", "kip_firms_cumulative")
SHARE_METRICS: tuple[str, ...] = ("kip_output_share", "kip_export_share")
FACT_ID = re.compile(r"\b([a-e]\d{3}|[ws]\d{3})\b")


def _count_row(t, rounds: pd.DataFrame, as_of_year: int) -> dict:
    first, last = (int(x) for x in str(t.cohort).split("-"))
    what = "products" if "products" in t.metric else "firms"
    upto = min(as_of_year, last, int(rounds["round"].max()))
    current = float(rounds.loc[rounds["round"].between(first, upto), what].sum()) if upto >= first else None
    source = " ".join(rounds.loc[rounds["round"].between(first, upto), f"{what}_sources"]) if current else ""
    row = {"base": f"{first - 1}: 0 (start of the period)", "current": "—" if current is None else
           f"{upto}: {current:g} {what[:-1]}-recognitions (sum of rounds: {source})", "current_value": current}
    if t.target_year <= as_of_year:
        cls = "cannot be assessed" if current is None else "met" if current >= t.low else "missed"
        return {**row, "actual_rate": float("nan"), "required_rate": float("nan"), "ratio": float("nan"),
                "class": cls, "reason": "target year reached"}
    v = progress.verdict(0.0, first - 1, current, upto, t.low, t.target_year, compound=False)
    return {**row, **v, "reason": "average yearly increase (a count starts at zero)"}


def export_base(facts: pd.DataFrame, set_in: int, preference: str) -> pd.Series | None:
    """The latest sourced export share up to the year a target was set (the progress base)."""
    cands = facts[(facts["metric"] == "kip_export_share") & (facts["kind"] == "actual")
                  & (facts["year_end"] <= set_in)]
    if cands.empty:
        return None
    return choose(cands[cands["year_end"] == cands["year_end"].max()], preference)


def _export_row(t, facts: pd.DataFrame, computed: pd.DataFrame, as_of_year: int, preference: str) -> dict:
    set_in = int(t.set_in) if t.set_in is not None and str(t.set_in).isdigit() else as_of_year
    base = export_base(facts, set_in, preference)
    year = min(as_of_year, int(t.target_year))
    at = computed.set_index("year").loc[year] if year in set(computed["year"]) else None
    current = None if at is None or pd.isna(at["export_share"]) else float(at["export_share"])
    row = {"base": "—" if base is None else f"{int(base['year_end'])}: {base['value_low_c']:g}% [{base['fact_id']}]",
           "current": "—" if current is None else f"{year}: {current:.1f}% (computed from sourced exports of the "
           f"rounds in force and the city's exports, {at['denominator_exports_how']})", "current_value": current}
    if current is None or base is None:
        why = "no sourced base share" if base is None else f"no city export figure for {year}"
        return {**row, "actual_rate": float("nan"), "required_rate": float("nan"), "ratio": float("nan"),
                "class": "cannot be assessed", "reason": why}
    if t.target_year <= as_of_year:
        return {**row, "actual_rate": float("nan"), "required_rate": float("nan"), "ratio": float("nan"),
                "class": "met" if current >= t.low else "missed", "reason": "target year reached (computed share)"}
    v = progress.verdict(float(base["value_low_c"]), int(base["year_end"]), current, year, t.low, t.target_year,
                         compound=True)
    return {**row, **v, "reason": "compound annual growth of the share"}


def known_targets(targets: pd.DataFrame, as_of_year: int) -> pd.DataFrame:
    """The targets set by ``as_of_year`` (or of unknown date): a later target is not judged then."""
    set_in = pd.to_numeric(targets["set_in"], errors="coerce")
    return targets[set_in.isna() | (set_in <= as_of_year)]


def verdict_table(targets: pd.DataFrame, rounds: pd.DataFrame, facts: pd.DataFrame, computed: pd.DataFrame,
                  as_of_year: int, anchors_agree: bool, preference: str) -> pd.DataFrame:
    """Every share and cumulative-count target set by ``as_of_year`` (or of unknown date) with its
    progress class.
    """
    rows = []
    known = known_targets(targets, as_of_year)
    chosen = known[known["metric"].isin(COUNT_METRICS + SHARE_METRICS)].sort_values(["target_year", "metric"])
    for t in chosen.itertuples():
        head = {"target_id": t.target_id, "metric": t.metric, "kind": t.kind, "target_year": int(t.target_year),
                "low": t.low, "high": t.high}
        if t.metric in COUNT_METRICS:
            if not isinstance(t.cohort, str) or "-" not in t.cohort:
                continue
            rows.append({**head, **_count_row(t, rounds, as_of_year)})
        elif t.metric == "kip_output_share":
            rows.append({**head, "base": "—", "current": "—", "current_value": None, "actual_rate": float("nan"),
                         "required_rate": float("nan"), "ratio": float("nan"),
                         "class": "cannot be assessed",
                         "reason": "cannot be assessed from published data: the sourced statements that imply the "
                         "city's industrial production value disagree (anchor table)" if not anchors_agree else
                         "no sourced level of industrial production value"})
        else:
            rows.append({**head, **_export_row(t, facts, computed, as_of_year, preference)})
    return pd.DataFrame(rows, columns=["target_id", "metric", "kind", "target_year", "low", "high", "base", "current",
                                       "current_value", "actual_rate", "required_rate", "ratio", "class", "reason"])


def export_influence(facts: pd.DataFrame, rounds: pd.DataFrame, iip: pd.DataFrame | None,
                     assumptions: shares.ShareAssumptions, target: pd.Series, as_of_year: int) -> pd.DataFrame:
    """Leave-one-row-out influence on one export-share target's verdict: each sourced row behind
    the numerator (round export figures), the denominator (city exports) and the base share.
    """
    computed = shares.shares(facts, rounds, iip, assumptions)
    values = shares.round_values(facts, rounds, assumptions)
    feeding = set(FACT_ID.findall(" ".join(values["exports_source"])))
    feeding |= set(FACT_ID.findall(" ".join(computed["denominator_exports_how"].astype(str))))
    base = export_base(facts, int(target["set_in"]) if str(target["set_in"]).isdigit() else as_of_year,
                       assumptions.source_preference)
    if base is not None:
        feeding.add(str(base["fact_id"]))
    row = pd.DataFrame([target])

    def verdict_of(kept: pd.DataFrame) -> str:
        recomputed = shares.shares(kept, rounds, iip, assumptions)
        return verdict_table(row, rounds, kept, recomputed, as_of_year, False,
                             assumptions.source_preference)["class"].iloc[0]

    ids = sorted(f for f in feeding if (facts["fact_id"].str.split("+").map(lambda p, f=f: f in p)).any())
    full_ids = [next(i for i in facts["fact_id"] if f in i.split("+")) for f in ids]
    return progress.influence(facts, full_ids, verdict_of)
