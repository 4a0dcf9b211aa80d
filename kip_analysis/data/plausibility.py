"""Plausibility rules across rows, declared in one place and checked whenever the facts are built:
a row that breaks one is flagged (``facts["flags"]``), the pair becomes a conflict row holding both
quotes, and a verdict resting on a flagged row is undetermined
(:func:`kip_analysis.analyses.targets.verdicts.verdict_table`).

May import: data.facts, data.anchors.

Rules (each names the rows it compares and the arithmetic):

- ``exports_above_revenue``: the exports of a set of products (or firms) in a year cannot exceed
  their revenue in the same year, at the sources' own exchange rate (:func:`data.facts.vnd_per_usd`);
- ``share_above_100``: a share is at most 100%;
- ``round_above_cumulative``: a round's recognitions are at most any cumulative count that covers
  that round;
- ``share_against_level``: a share stated with its level implies a denominator (level / share); it
  must be within :data:`kip_analysis.data.anchors.TOLERANCE` of a sourced level of the same
  denominator carried to that year (e.g. the 2018 round's VND 40,000bn at 35.2% implies a production
  value of VND 113,636bn against the 2017 level of VND 499,932bn).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from kip_analysis.data import anchors
from kip_analysis.data.facts import vnd_per_usd


@dataclass(frozen=True)
class Rule:
    """One plausibility rule: its name, what it says, and the check that lists its violations."""

    name: str
    says: str
    check: Callable[[pd.DataFrame], list[dict]]


def _violation(rule: str, a: pd.Series, b: pd.Series, flagged: str, why: str) -> dict:
    return {"rule": rule, "fact_a": a["fact_id"], "fact_b": b["fact_id"], "flagged": flagged, "why": why,
            "value_a": f"{a['value_low']:g} {a['unit']}", "value_b": f"{b['value_low']:g} {b['unit']}",
            "quote_a": a["quote"], "quote_b": b["quote"], "source_a": a["source_id"], "source_b": b["source_id"],
            "metric": a["metric"], "year": int(a["year_end"]) if pd.notna(a["year_end"]) else None}


def exports_above_revenue(facts: pd.DataFrame) -> list[dict]:
    """Exports of the same products (or firms) and year above their revenue at the sources' rate."""
    try:
        fx, _ = vnd_per_usd(facts)
    except ValueError:
        return []
    out = []
    for who in ("product", "firm"):
        exp = facts[facts["metric"] == f"kip_{who}_exports"]
        rev = facts[facts["metric"] == f"kip_{who}_revenue"]
        for _, e in exp.iterrows():
            twins = rev[(rev["cohort"] == e["cohort"]) & (rev["period"] == e["period"])]
            for _, r in twins.iterrows():
                e_vnd = e["value_low_c"] * 1e6 * fx / 1e9 if e["unit_c"] == "USD million" else e["value_low_c"]
                r_vnd = r["value_high_c"] * 1e6 * fx / 1e9 if r["unit_c"] == "USD million" else r["value_high_c"]
                if e_vnd > r_vnd:
                    out.append(_violation(
                        "exports_above_revenue", e, r, e["fact_id"],
                        f"exports of {e_vnd:,.0f} VND bn (at {fx:,.0f} VND per USD) above the same {who}s' revenue "
                        f"of {r_vnd:,.0f} VND bn in {e['period']}"))
    return out


def share_above_100(facts: pd.DataFrame) -> list[dict]:
    """A share above 100%."""
    shares = facts[facts["metric"].str.endswith("_share") & (facts["unit_c"] == "percent")
                   & (facts["value_high_c"] > 100)]
    return [_violation("share_above_100", s, s, s["fact_id"], f"a share of {s['value_high_c']:g}%")
            for _, s in shares.iterrows()]


def round_above_cumulative(facts: pd.DataFrame) -> list[dict]:
    """A round's count above a cumulative count whose span covers the round."""
    out = []
    for what in ("products", "firms"):
        rounds = facts[(facts["metric"] == f"kip_{what}_recognised") & (facts["kind"] == "actual")]
        totals = facts[(facts["metric"] == f"kip_{what}_cumulative") & (facts["kind"] == "actual")]
        for _, r in rounds.iterrows():
            covering = totals[(totals["year_start"] <= r["year_end"]) & (totals["year_end"] >= r["year_end"])]
            for _, c in covering.iterrows():
                if r["value_low_c"] > c["value_high_c"]:
                    out.append(_violation("round_above_cumulative", r, c, r["fact_id"],
                                          f"{r['value_low_c']:g} {what} in the {int(r['year_end'])} round above the "
                                          f"cumulative {c['value_high_c']:g} for {c['period']}"))
    return out


def share_against_level(facts: pd.DataFrame) -> list[dict]:
    """A share whose implied denominator disagrees with a sourced level of that denominator."""
    out = []
    for a in anchors.level_checks(facts).itertuples():
        if a.consistent:
            continue
        share = facts[facts["fact_id"] == a.share_fact].iloc[0]
        level = facts[facts["fact_id"] == a.level_fact].iloc[0]
        out.append(_violation("share_against_level", share, level, a.share_fact,
                              f"{a.statement} implies {a.implied_vnd_bn:,.0f} VND bn; the sourced level carried to "
                              f"{a.year} is {a.level_vnd_bn:,.0f} VND bn (ratio {a.ratio:.2f})"))
    return out


#: Every rule, in the order they are checked.
RULES: tuple[Rule, ...] = (
    Rule("exports_above_revenue", "exports of the same products or firms in a year are at most their revenue",
         exports_above_revenue),
    Rule("share_above_100", "a share is at most 100%", share_above_100),
    Rule("round_above_cumulative", "a round's recognitions are at most a cumulative count covering it",
         round_above_cumulative),
    Rule("share_against_level", "a share's implied denominator agrees with a sourced level of it",
         share_against_level),
)


def violations(facts: pd.DataFrame) -> pd.DataFrame:
    """Every violation of every rule (one row each, both rows' quotes)."""
    rows = [v for rule in RULES for v in rule.check(facts)]
    return pd.DataFrame(rows, columns=["rule", "fact_a", "fact_b", "flagged", "why", "value_a", "value_b",
                                       "quote_a", "quote_b", "source_a", "source_b", "metric", "year"])


def flag(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts with a ``flags`` column: the rules each row breaks ("" when none).

    Examples
    --------
    >>> f = pd.DataFrame({"fact_id": ["x"], "metric": ["kip_export_share"], "unit_c": ["percent"],
    ...                   "value_low_c": [120.0], "value_high_c": [120.0], "value_low": [120.0], "unit": ["percent"],
    ...                   "quote": ["120%"], "source_id": ["p"], "year_end": [2020], "kind": ["actual"],
    ...                   "period": ["2020"], "cohort": [None], "year_start": [2020], "period_kind": ["year"],
    ...                   "geography": ["Hanoi"]})
    >>> flag(f)["flags"].tolist()
    ['share_above_100']
    """
    found = violations(facts)
    by_fact: dict[str, list[str]] = {}
    for v in found.itertuples():
        by_fact.setdefault(v.flagged, []).append(v.rule)
    out = facts.copy()
    out["flags"] = [" ".join(sorted(set(by_fact.get(f, [])))) for f in out["fact_id"]]
    out.attrs = {**facts.attrs, "violations": int(len(found))}
    return out


def flagged(facts: pd.DataFrame) -> dict[str, str]:
    """The rows a rule flags, by fact id (a joined id "w033+w034" under itself and each part), with the
    rules each breaks; empty when the facts were never checked (no ``flags`` column).

    Examples
    --------
    >>> flagged(pd.DataFrame({"fact_id": ["w023", "w033+w034", "w001"], "flags": ["a", "b", ""]}))
    {'w023': 'a', 'w033+w034': 'b', 'w033': 'b', 'w034': 'b'}
    """
    if "flags" not in facts:
        return {}
    rows = facts[facts["flags"].fillna("").astype(str) != ""]
    out: dict[str, str] = {}
    for fact_id, rules in zip(rows["fact_id"].astype(str), rows["flags"].astype(str), strict=True):
        out[fact_id] = rules
        out.update(dict.fromkeys(fact_id.split("+"), rules))
    return out

