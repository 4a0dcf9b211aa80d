"""The verdict table: every share and count target known by the reading year with its progress
class (:mod:`kip_analysis.analyses.targets.progress`), and the leave-one-row-out influence of
the sourced rows behind the export-share verdicts.

May import: config, data.choice, data.plausibility, data.raw, analyses.targets.progress, analyses.targets.shares.
"""

from __future__ import annotations

import re

import pandas as pd

from kip_analysis import config
from kip_analysis.analyses.targets import progress, shares
from kip_analysis.data import plausibility
from kip_analysis.data.choice import choose
from kip_analysis.data.raw import load_table

#: The price band of the production value, in words (from :data:`shares.PRICE_BAND`).
PRICE_BAND_TEXT = f"{shares.PRICE_BAND[0]:.0%}–{shares.PRICE_BAND[1]:.0%} a year (assumed)"

COUNT_METRICS: tuple[str, ...] = ("kip_products_cumulative", "kip_firms_cumulative")
SHARE_METRICS: tuple[str, ...] = ("kip_output_share", "kip_export_share")
#: Targets for one round's count (judged once the round is reported).
ROUND_METRICS: tuple[str, ...] = ("kip_products_recognised",)
FACT_ID = re.compile(r"\b([a-e]\d{3}|[wsnv]\d{3})\b")


def _count_row(t, rounds: pd.DataFrame, as_of_year: int) -> dict:
    first, last = (int(x) for x in str(t.cohort).split("-"))
    what = "products" if "products" in t.metric else "firms"
    upto = min(as_of_year, last, int(rounds["round"].max()))
    current = float(rounds.loc[rounds["round"].between(first, upto), what].sum()) if upto >= first else None
    source = " ".join(rounds.loc[rounds["round"].between(first, upto), f"{what}_sources"]) if current else ""
    row = {"base": f"{first - 1}: 0 (start of the period)", "current": "—" if current is None else
           f"{upto}: {current:g} {what[:-1]}-recognitions (sum of rounds: {source})", "current_value": current}
    if current is None:
        return {**row, "actual_rate": float("nan"), "required_rate": float("nan"), "ratio": float("nan"),
                "class": "cannot be assessed", "reason": f"no round of {t.cohort} reported yet"}
    if t.target_year <= as_of_year:
        return {**row, "actual_rate": float("nan"), "required_rate": float("nan"), "ratio": float("nan"),
                "class": "met" if current >= t.low else "missed", "reason": "target year reached"}
    v = progress.verdict(0.0, first - 1, current, upto, t.low, t.target_year, compound=False)
    return {**row, **v, "reason": "average yearly increase (a count starts at zero)"}


def _round_row(t, rounds: pd.DataFrame, as_of_year: int) -> dict:
    """A target for one round's count (e.g. 30-40 products in the 2026 round)."""
    what = "products" if "products" in t.metric else "firms"
    hit = rounds[rounds["round"] == int(t.target_year)]
    none = {"actual_rate": float("nan"), "required_rate": float("nan"), "ratio": float("nan"), "base": "—"}
    if hit.empty:
        return {**none, "current": "—", "current_value": None, "class": "cannot be assessed",
                "reason": f"no {int(t.target_year)} round reported yet"}
    n = float(hit[what].iloc[0])
    source = hit[f"{what}_sources"].iloc[0]
    return {**none, "current": f"{int(t.target_year)}: {n:g} {what[:-1]}-recognitions ({source})", "current_value": n,
            "class": "met" if n >= t.low else "missed", "reason": "the round is reported"}


def export_base(facts: pd.DataFrame, set_in: int, preference: str) -> pd.Series | None:
    """The latest sourced export share up to the year a target was set (the progress base)."""
    cands = facts[(facts["metric"] == "kip_export_share") & (facts["kind"] == "actual")
                  & (facts["year_end"] <= set_in)]
    if cands.empty:
        return None
    return choose(cands[cands["year_end"] == cands["year_end"].max()], preference)


def enterprise_share(facts: pd.DataFrame, computed: pd.DataFrame, year: int, preference: str) -> tuple[float, str]:
    """The recognised enterprises' whole exports as a share of the city's in ``year`` (source 002's
    "export revenue of US$2 billion" for the 77 firms in 2020), NaN where no enterprise figure exists.
    """
    cap = shares.enterprise_cap(facts, year, preference)
    at = computed.set_index("year")
    if cap is None or year not in at.index or pd.isna(at.loc[year, "city_exports_usd_m"]):
        return float("nan"), ""
    return 100 * cap[0] / float(at.loc[year, "city_exports_usd_m"]), cap[1]


def withheld(year: int, rests_on: set[str], bad: set[str] | list[str]) -> dict:
    """The current value of a verdict that rests on a flagged row: not shown (the analysis flagged it)."""
    return {"current": f"{year}: not shown: rests on flagged {' '.join(sorted(bad))} (all rows: "
                       f"{' '.join(sorted(rests_on))})", "current_value": None, "current_low": None,
            "current_high": None}


def _export_row(t, facts: pd.DataFrame, computed: pd.DataFrame, as_of_year: int, preference: str,
                counts: str = "products") -> dict:
    row = _export_core(t, facts, computed, as_of_year, preference)
    year = min(as_of_year, int(t.target_year))
    share, source = enterprise_share(facts, computed, year, preference)
    row.update({"counts": counts, "enterprise_share": share, "enterprise_source": source})
    if counts != "enterprises" or row["class"] in ("undetermined",) or row["current_value"] is None:
        return row
    if source:  # the target counts enterprises and an enterprise figure exists: judge on it
        reached = int(t.target_year) <= as_of_year
        if reached:
            row.update({"class": "met" if share >= t.low else "missed", "current_value": share, "current_low": None,
                        "current_high": None, "reason": f"target year reached (the enterprises' exports, {source})"})
        return row
    if row["class"] in ("met", "on track"):
        row["reason"] += "; the target counts enterprises, and the products' exports alone reach it (a lower bound)"
        return row
    return {**row, "class": "cannot be assessed",
            "reason": "the target counts the enterprises' exports; only the products' are sourced, and they are a "
                      "lower bound below the target"}


def _export_core(t, facts: pd.DataFrame, computed: pd.DataFrame, as_of_year: int, preference: str) -> dict:
    set_in = int(t.set_in) if t.set_in is not None and str(t.set_in).isdigit() else as_of_year
    base = export_base(facts, set_in, preference)
    year = min(as_of_year, int(t.target_year))
    at = computed.set_index("year").loc[year] if year in set(computed["year"]) else None
    current = None if at is None or pd.isna(at["export_share"]) else float(at["export_share"])
    lo, hi = (None, None) if current is None else (float(at["export_share_low"]), float(at["export_share_high"]))
    capped = "" if at is None or not at.get("export_share_capped_by") else f"; capped by {at['export_share_capped_by']}"
    row = {"base": "—" if base is None else f"{int(base['year_end'])}: {base['value_low_c']:g}% [{base['fact_id']}]",
           "current": "—" if current is None else f"{year}: {current:.1f}% (band {lo:.1f}–{hi:.1f}%: products' exports "
           f"held flat to keeping their share of the city's; computed from sourced exports of the rounds in force and "
           f"the city's exports, {at['denominator_exports_how']}{capped})", "current_value": current,
           "current_low": lo, "current_high": hi}
    if current is None or base is None:
        why = "no sourced base share" if base is None else f"no city export figure for {year}"
        return {**row, "actual_rate": float("nan"), "required_rate": float("nan"), "ratio": float("nan"),
                "class": "cannot be assessed", "reason": why}
    rests_on = set(FACT_ID.findall(f"{at['exports_rows']} {at['denominator_exports_how']} {base['fact_id']}"))
    row["current"] += f"; rests on {' '.join(sorted(rests_on))}"
    rules = plausibility.flagged(facts)
    bad = sorted(set(rules) & rests_on)
    if bad:
        return {**row, **withheld(year, rests_on, bad), "actual_rate": float("nan"), "required_rate": float("nan"),
                "ratio": float("nan"), "class": "undetermined", "reason": "rests on a row flagged by a plausibility "
                "rule: " + "; ".join(f"{f} ({rules[f]})" for f in bad)}
    if t.target_year <= as_of_year:  # met or missed only when the whole band is on one side of the low end
        nan = {"actual_rate": float("nan"), "required_rate": float("nan"), "ratio": float("nan")}
        if lo >= t.low:
            return {**row, **nan, "class": "met", "reason": "target year reached (computed share, whole band)"}
        if hi < t.low:
            return {**row, **nan, "class": "missed", "reason": "target year reached (computed share, whole band)"}
        return {**row, **nan, "class": "cannot be assessed", "reason": "target year reached: the band of the "
                "computed share spans the target"}
    v = progress.verdict(float(base["value_low_c"]), int(base["year_end"]), current, year, t.low, t.target_year,
                         compound=True)
    return {**row, **v, "reason": "compound annual growth of the share"}


def _output_row(t, facts: pd.DataFrame, computed: pd.DataFrame, as_of_year: int, counts: str) -> dict:
    """An output-share target judged on the production-value base: the products' revenue in force over
    the sourced production value carried by index growth, with the price band; met or missed only when
    the whole band is on one side of the target's low end.
    """
    year = min(as_of_year, int(t.target_year))
    at = computed.set_index("year")
    none = {"actual_rate": float("nan"), "required_rate": float("nan"), "ratio": float("nan"), "counts": counts,
            "enterprise_share": float("nan"), "enterprise_source": ""}
    if year not in at.index or pd.isna(at.loc[year, "output_share"]):
        return {**none, "base": "—", "current": "—", "current_value": None, "class": "cannot be assessed",
                "reason": f"no production value for {year}: its index growth is not sourced by this memo's data"}
    r = at.loc[year]
    mid, lo, hi = float(r["output_share"]), float(r["output_share_low"]), float(r["output_share_high"])
    rests_on = set(FACT_ID.findall(f"{r['production_value_how']} {r['revenue_rows']}"))
    base_year = int(at.index.min())
    row = {**none, "base": f"{base_year}: {at.loc[base_year, 'output_share']:.1f}% (production-value base)",
           "current": f"{year}: {mid:.1f}% (band {lo:.1f}–{hi:.1f}%: the products' revenue in force over the sourced "
           f"production value carried by index growth, prices {PRICE_BAND_TEXT}; rests on "
           f"{' '.join(sorted(rests_on))})", "current_value": mid,
           "current_low": lo, "current_high": hi}
    bad = set(plausibility.flagged(facts)) & rests_on
    if bad:
        return {**row, **withheld(year, rests_on, bad), "class": "undetermined",
                "reason": "rests on a flagged row: " + " ".join(sorted(bad))}
    lower_bound = counts == "enterprises"  # the enterprises' revenue includes the products'
    if int(t.target_year) <= as_of_year:
        if lo >= t.low:
            return {**row, "class": "met", "reason": "target year reached: the whole band is at or above the target"}
        if hi < t.low and not lower_bound:
            return {**row, "class": "missed", "reason": "target year reached: the whole band is below the target"}
        return {**row, "class": "cannot be assessed", "reason": "the band spans the target" if hi >= t.low else
                "the target counts the enterprises' production; the products' share is a lower bound below it"}
    v = progress.verdict(float(at.loc[base_year, "output_share"]), base_year, mid, year, t.low, int(t.target_year),
                         compound=True)
    if lower_bound and v["class"] not in ("met", "on track"):
        return {**row, **v, "class": "cannot be assessed",
                "reason": "the target counts the enterprises' production; the products' pace is a lower bound"}
    return {**row, **v, "reason": "compound annual growth of the share on the production-value base"}


def known_targets(targets: pd.DataFrame, as_of_year: int) -> pd.DataFrame:
    """The targets set by ``as_of_year`` (or of unknown date): a later target is not judged then."""
    set_in = pd.to_numeric(targets["set_in"], errors="coerce")
    return targets[set_in.isna() | (set_in <= as_of_year)]


def definitions() -> dict[str, str]:
    """What each share target counts ("products" or "enterprises"), from ``target_definitions.csv``."""
    return load_table("target_definitions").set_index("target_id")["counts"].to_dict()


def verdict_table(targets: pd.DataFrame, rounds: pd.DataFrame, facts: pd.DataFrame, computed: pd.DataFrame,
                  as_of_year: int, anchors_agree: bool, preference: str) -> pd.DataFrame:
    """Every share and cumulative-count target set by ``as_of_year`` (or of unknown date) with its
    progress class.
    """
    rows = []
    counts = definitions()
    known = known_targets(targets, as_of_year)
    chosen = known[known["metric"].isin(COUNT_METRICS + SHARE_METRICS + ROUND_METRICS)].sort_values(
        ["target_year", "metric"])
    for t in chosen.itertuples():
        head = {"target_id": t.target_id, "metric": t.metric, "kind": t.kind, "target_year": int(t.target_year),
                "low": t.low, "high": t.high}
        if t.metric in ROUND_METRICS:
            if int(t.target_year) >= config.FIRST_YEAR:
                rows.append({**head, **_round_row(t, rounds, as_of_year)})
        elif t.metric in COUNT_METRICS:
            if not isinstance(t.cohort, str) or "-" not in t.cohort:
                continue
            rows.append({**head, **_count_row(t, rounds, as_of_year)})
        elif t.metric == "kip_output_share":
            rows.append({**head, **_output_row(t, facts, computed, as_of_year, counts.get(t.target_id, "products"))})
        else:
            rows.append({**head, **_export_row(t, facts, computed, as_of_year, preference,
                                               counts.get(t.target_id, "products"))})
    return pd.DataFrame(rows, columns=["target_id", "metric", "kind", "target_year", "low", "high", "base", "current",
                                       "current_value", "actual_rate", "required_rate", "ratio", "class", "reason",
                                       "counts", "enterprise_share", "enterprise_source", "current_low",
                                       "current_high"])


def export_influence(facts: pd.DataFrame, rounds: pd.DataFrame, iip: pd.DataFrame | None,
                     assumptions: shares.ShareAssumptions, target: pd.Series, as_of_year: int,
                     computed_by_rows: dict[tuple[str, ...], pd.DataFrame] | None = None) -> pd.DataFrame:
    """Leave-one-row-out influence on one export-share target's verdict: each sourced row behind
    the numerator (round export figures), the denominator (city exports) and the base share.

    ``computed_by_rows``: the shares already computed from a set of fact rows (keyed by their ids in
    order), so that the targets of one run drop each row once (filled here).
    """
    known = {} if computed_by_rows is None else computed_by_rows

    def shares_of(kept: pd.DataFrame) -> pd.DataFrame:
        key = tuple(kept["fact_id"])
        if key not in known:
            known[key] = shares.shares(kept, rounds, iip, assumptions)
        return known[key]

    computed = shares_of(facts)
    values = shares.round_values(facts, rounds, assumptions)
    feeding = set(FACT_ID.findall(" ".join(values["exports_source"])))
    feeding |= set(FACT_ID.findall(" ".join(computed["denominator_exports_how"].astype(str))))
    base = export_base(facts, int(target["set_in"]) if str(target["set_in"]).isdigit() else as_of_year,
                       assumptions.source_preference)
    if base is not None:
        feeding.add(str(base["fact_id"]))
    row = pd.DataFrame([target])

    def verdict_of(kept: pd.DataFrame) -> str:
        recomputed = shares_of(kept)
        return verdict_table(row, rounds, kept, recomputed, as_of_year, False,
                             assumptions.source_preference)["class"].iloc[0]

    ids = sorted(f for f in feeding if (facts["fact_id"].str.split("+").map(lambda p, f=f: f in p)).any())
    full_ids = [next(i for i in facts["fact_id"] if f in i.split("+")) for f in ids]
    return progress.influence(facts, full_ids, verdict_of)
