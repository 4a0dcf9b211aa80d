"""Processed tables built from the raw tables: timeline, recognition rounds, targets, conflicts.

``make data`` (``python -m kip_analysis.data.processed``) writes each table to
``data/processed/<name>.csv`` with ``<name>.provenance.json`` beside it recording the
raw-file checksums and the code version. Builders are pure functions of the facts table.
Analyses reach the tables one way only, :func:`load` / :func:`load_all`, which rebuild stale
tables and carry each table's provenance record in ``attrs`` (``raw_sha256`` among it).

May import: config, versions, io, memory, data.anchors, data.choice, data.facts, data.provenance.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from kip_analysis import config, versions
from kip_analysis.data import anchors, plausibility, provenance
from kip_analysis.data.choice import DEFAULT_PREFERENCE, choose
from kip_analysis.data.facts import all_facts
from kip_analysis.io import atomic_write
from kip_analysis.memory import shared

TARGET_KINDS: tuple[str, ...] = ("target", "expectation", "plan")
ROUND_YEARS: tuple[int, ...] = config.YEARS

#: Pairs of metrics that different sources use for the same quantity; their disagreement
#: is a conflict of definition, shown beside the conflicts of value.
DEFINITIONAL_PAIRS: tuple[tuple[str, str, str], ...] = (
    (
        "kip_firms_recognised",
        "kip_firms_registered",
        "firm count of the round: firms recognised vs firms that registered; some reports "
        "cite the registered count as the round's firms",
    ),
)


def _timeline_columns(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.rename(columns={"year_end": "year", "value_low_c": "low", "value_high_c": "high",
                                "unit_c": "unit_canonical"})
    return out.loc[:, ["year", "metric", "geography", "cohort", "low", "high", "unit_canonical",
                       "qualifier", "fact_id", "source_id", "quote_status", "derived"]]


def build_rounds(facts: pd.DataFrame, preference: str = DEFAULT_PREFERENCE) -> pd.DataFrame:
    """Recognition rounds from 2018 to the last round the facts report: products and firms per
    round, cumulative sums, and the cumulative totals the sources report beside them (``matches``
    says whether they agree). Rounds after the last reported one are not yet known (a real-time
    vintage stops there).

    Raises
    ------
    ValueError
        If a round has no sourced product or firm count although a later round has one.
    """
    actual = facts[(facts["kind"] == "actual") & (facts["geography"] == "Hanoi")]
    counted = actual[actual["metric"].isin(["kip_products_recognised", "kip_firms_recognised"])]
    last = int(counted["year_end"].max()) if len(counted) else config.FIRST_YEAR - 1
    if last < config.FIRST_YEAR:
        raise ValueError("no recognition round is reported in these facts (a real-time vintage before any "
                         "round result was published)")
    rows = []
    for year in (y for y in ROUND_YEARS if y <= last):
        row: dict = {"round": year}
        for what in ("products", "firms"):
            cands = actual[(actual["metric"] == f"kip_{what}_recognised") & (actual["year_end"] == year)]
            if cands.empty:
                raise ValueError(f"round {year}: no sourced count of {what} recognised")
            pick = choose(cands, preference)
            row[what] = int(pick["value_low_c"])
            row[f"{what}_sources"] = " ".join(sorted(cands["fact_id"]))
        rows.append(row)
    rounds = pd.DataFrame(rows)
    rounds["products_cumulative"] = rounds["products"].cumsum()
    rounds["firms_cumulative"] = rounds["firms"].cumsum()
    for what in ("products", "firms"):
        reported = actual[(actual["metric"] == f"kip_{what}_cumulative")
                          & (actual["year_start"] == config.FIRST_YEAR)]
        by_year = reported.groupby("year_end")
        rounds[f"{what}_cumulative_reported"] = rounds["round"].map(
            lambda y, g=by_year: " / ".join(f"{v:g}" for v in sorted(set(g.get_group(y)["value_low_c"])))
            if y in g.groups else "")
        rounds[f"{what}_cumulative_sources"] = rounds["round"].map(
            lambda y, g=by_year: " ".join(sorted(g.get_group(y)["fact_id"])) if y in g.groups else "")
    rounds["matches"] = [
        all(rep == "" or float(rep) == cum for rep, cum in zip(rep_col, cum_col, strict=True))
        for rep_col, cum_col in zip(
            zip(rounds["products_cumulative_reported"], rounds["firms_cumulative_reported"], strict=True),
            zip(rounds["products_cumulative"], rounds["firms_cumulative"], strict=True), strict=True,
        )
    ]
    return rounds


def _derived_cumulatives(rounds: pd.DataFrame) -> pd.DataFrame:
    """Cumulative counts computed from the rounds, for every span the targets use."""
    rows = []
    for first in (config.FIRST_YEAR, 2021):
        part = rounds[rounds["round"] >= first]
        for _, r in part.iterrows():
            upto = part[part["round"] <= r["round"]]
            for what in ("products", "firms"):
                rows.append({
                    "year": int(r["round"]), "metric": f"kip_{what}_cumulative", "geography": "Hanoi",
                    "cohort": f"{first}-{int(r['round'])}", "low": float(upto[what].sum()),
                    "high": float(upto[what].sum()), "unit_canonical": what, "qualifier": None,
                    "fact_id": "sum(" + " ".join(upto[f"{what}_sources"]) + ")",
                    "source_id": "computed from the rounds", "quote_status": "computed",
                    "derived": True,
                })
    return pd.DataFrame(rows)


def build_timeline(facts: pd.DataFrame, rounds: pd.DataFrame) -> pd.DataFrame:
    """Year x metric actuals, every source kept (one row per figure), plus cumulative counts
    computed from the rounds (``derived``). Undated figures are excluded and counted in
    ``attrs["excluded_undated"]``.
    """
    actual = facts[facts["kind"] == "actual"].copy()
    undated = actual["year_end"].isna()
    actual = actual[~undated].assign(derived=False)
    timeline = pd.concat([_timeline_columns(actual), _derived_cumulatives(rounds)], ignore_index=True)
    timeline["year"] = timeline["year"].astype(int)
    timeline = timeline.sort_values(["metric", "geography", "year", "derived", "fact_id"], kind="stable")
    timeline = timeline.reset_index(drop=True)
    timeline.attrs["excluded_undated"] = int(undated.sum())
    return timeline


def _base_year(unit: str, start: int | None, end: int) -> int | None:
    """Growth targets are measured from the year before the period starts."""
    if "yoy" in unit or "per year" in unit:
        return (start if start is not None else end) - 1
    return None


def build_targets(facts: pd.DataFrame) -> pd.DataFrame:
    """Every target, expectation and plan: metric, target year, low/high, base year, source."""
    t = facts[facts["kind"].isin(TARGET_KINDS)].copy()
    out = pd.DataFrame({
        "target_id": t["fact_id"], "metric": t["metric"], "geography": t["geography"],
        "kind": t["kind"], "target_year": t["year_end"].astype(int), "period": t["period"],
        "cohort": t["cohort"], "low": t["value_low_c"], "high": t["value_high_c"],
        "unit_canonical": t["unit_c"], "qualifier": t["qualifier"],
        "base_year": [_base_year(u, s if pd.notna(s) else None, e)
                      for u, s, e in zip(t["unit_c"], t["year_start"], t["year_end"], strict=True)],
        "set_in": t["published"].str[:4],
        "source_id": t["source_id"], "outlet": t["outlet"], "quote": t["quote"],
    })
    out["base_year"] = out["base_year"].astype("Int64")
    return out.sort_values(["metric", "target_year", "target_id"]).reset_index(drop=True)


def _half_unit(value: float) -> float:
    """Half a unit of the last decimal written: 35 -> 0.5, 35.2 -> 0.05 (rounding slack)."""
    text = np.format_float_positional(abs(value), trim="-")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0 ** (-decimals)


def _interval(rec: pd.Series) -> tuple[float, float]:
    scale = rec["value_low_c"] / rec["value_low"] if rec["value_low"] else 1.0
    return (rec["value_low_c"] - _half_unit(rec["value_low"]) * scale,
            rec["value_high_c"] + _half_unit(rec["value_high"]) * scale)


def disagree(a: pd.Series, b: pd.Series) -> bool:
    """Two figures disagree when their ranges, widened by rounding slack, do not overlap."""
    lo_a, hi_a = _interval(a)
    lo_b, hi_b = _interval(b)
    return bool(round(hi_a, 9) <= round(lo_b, 9) or round(hi_b, 9) <= round(lo_a, 9))


def _compatible_cohorts(a: object, b: object) -> bool:
    return not (isinstance(a, str) and isinstance(b, str) and a != b)


def _fmt(rec: pd.Series) -> str:
    lo, hi = rec["value_low"], rec["value_high"]
    return (f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}") + f" {rec['unit']}"


#: Metrics never chosen between: each figure is used only within its own consultant's figures (like for like).
LIKE_FOR_LIKE_METRICS: frozenset[str] = frozenset({"ip_rent", "ip_occupancy"})


def build_conflicts(facts: pd.DataFrame, preference: str = DEFAULT_PREFERENCE) -> pd.DataFrame:
    """Pairs of figures for the same metric, place, year and cohort that disagree across
    sources, with both values and sources, plus definitional conflicts
    (:data:`DEFINITIONAL_PAIRS`) and the output share's disagreeing anchors (the denominators
    they imply and their ratio). ``default_choice`` names what ``preference`` picks.
    """
    f = facts[facts["year_end"].notna()].copy()
    f["kind_class"] = np.where(f["kind"] == "actual", "actual", "target")
    rows, records = [], [r for _, r in f.iterrows()]  # the rows as Series once, not once per group
    groups = f.groupby(["kind_class", "metric", "geography", "year_end", "unit_c"], sort=True)
    for key, group in groups:
        (kind_class, metric, geo, year, _), recs = key, [records[i] for i in groups.indices[key]]
        for i, a in enumerate(recs):
            for b in recs[i + 1:]:
                if a["source_id"] == b["source_id"] or not _compatible_cohorts(a["cohort"], b["cohort"]):
                    continue
                if disagree(a, b):
                    rows.append(_conflict_row("value", kind_class, metric, geo, int(year), a, b,
                                              group, preference, ""))
    for metric_a, metric_b, why in DEFINITIONAL_PAIRS:
        for _, a in f[f["metric"] == metric_a].iterrows():
            twins = f[(f["metric"] == metric_b) & (f["year_end"] == a["year_end"])
                      & (f["geography"] == a["geography"])]
            for _, b in twins.iterrows():
                if a["source_id"] != b["source_id"] and disagree(a, b):
                    rows.append(_conflict_row("definition", "actual", metric_a, a["geography"],
                                              int(a["year_end"]), a, b, None, preference, why))
    table = pd.concat([pd.DataFrame(rows), anchor_conflict_rows(facts), implausible_rows(facts),
                       quote_mismatch_rows(facts)], ignore_index=True)
    table.insert(0, "conflict_id", [f"k{i + 1:02d}" for i in range(len(table))])
    return table


def _conflict_row(ctype: str, kind_class: str, metric: str, geo: str, year: int, a: pd.Series,
                  b: pd.Series, group: pd.DataFrame | None, preference: str, why: str) -> dict:
    if metric in LIKE_FOR_LIKE_METRICS:
        default = ("both, never in one ratio: each enters only its own consultant's like-for-like ratio for its own "
                   "period (kip_analysis.data.rents); R_t is Savills' where Savills gives one")
    elif group is not None:
        pick = choose(group[group["fact_id"].isin([a["fact_id"], b["fact_id"]])], preference)
        default = f"{pick['fact_id']} ({_fmt(pick)}) under source_preference={preference!r}"
    else:
        default = f"none: different metrics; {a['metric']} is used, {b['metric']} is shown"
    return {
        "type": ctype, "kind_class": kind_class, "metric": metric, "geography": geo, "year": year,
        "value_a": _fmt(a), "fact_a": a["fact_id"], "source_a": a["source_id"], "kind_a": a["kind"],
        "quote_a": a["quote"], "value_b": _fmt(b), "fact_b": b["fact_id"], "source_b": b["source_id"],
        "kind_b": b["kind"], "quote_b": b["quote"], "default_choice": default,
        "note": why or "; ".join(str(n) for n in (a["note"], b["note"]) if isinstance(n, str)),
    }


def quote_mismatch_rows(facts: pd.DataFrame) -> pd.DataFrame:
    """Every figure whose own quote does not carry it (``quote_status`` "other figure"), as a conflict row
    holding the value, the quote and the note that explains it (if any): an edited figure is never silent.
    """
    odd = facts[facts["quote_status"] == "other figure"]
    return pd.DataFrame([{
        "type": "quote mismatch", "kind_class": "actual" if r.kind == "actual" else "target", "metric": r.metric,
        "geography": r.geography, "year": int(r.year_end) if pd.notna(r.year_end) else None,
        "value_a": _fmt(pd.Series(r._asdict())), "fact_a": r.fact_id, "source_a": r.source_id, "kind_a": r.kind,
        "quote_a": r.quote, "value_b": "", "fact_b": "", "source_b": "", "kind_b": "", "quote_b": "",
        "default_choice": f"{r.fact_id} is used: its quote does not carry the figure"
        + (f"; the row's note: {r.note}" if isinstance(r.note, str) and r.note else "; no note explains why"),
        "note": "check the figure against its page"} for r in odd.itertuples(index=False)])


def implausible_rows(facts: pd.DataFrame) -> pd.DataFrame:
    """Every violation of a plausibility rule (:mod:`kip_analysis.data.plausibility`) as a conflict row
    holding both rows' values and quotes; the flagged row is not used by any verdict.
    """
    found = plausibility.violations(facts)
    return pd.DataFrame([{
        "type": "implausible", "kind_class": "actual", "metric": v.metric, "geography": "Hanoi", "year": v.year,
        "value_a": v.value_a, "fact_a": v.fact_a, "source_a": v.source_a, "kind_a": "actual", "quote_a": v.quote_a,
        "value_b": v.value_b, "fact_b": v.fact_b, "source_b": v.source_b, "kind_b": "actual", "quote_b": v.quote_b,
        "default_choice": f"neither: {v.flagged} is flagged ({v.rule}); a verdict resting on it is undetermined",
        "note": v.why} for v in found.itertuples()])


def anchor_conflict_rows(facts: pd.DataFrame) -> pd.DataFrame:
    """The anchors of the output share that disagree (:mod:`kip_analysis.data.anchors`) as conflict
    rows: the denominator each implies against the reference anchor's, with their ratio.
    """
    table = anchors.anchor_table(facts)
    bad = table[~table["consistent"]] if len(table) else table
    return pd.DataFrame([{
        "type": "implied denominator", "kind_class": "actual", "metric": f"{a.concept} (implied)",
        "geography": "Hanoi", "year": int(a.year), "value_a": f"{a.implied_vnd_bn:,.0f} VND bn", "fact_a": a.anchor,
        "source_a": "", "kind_a": "actual", "quote_a": a.statement, "value_b": f"{a.reference_vnd_bn:,.0f} VND bn",
        "fact_b": a.compared_with,
        "source_b": "", "kind_b": "actual", "quote_b": "", "default_choice": "neither: output-share targets "
        "cannot be assessed", "note": f"ratio {a.ratio:.2f} (tolerance ±{anchors.TOLERANCE:.0%})",
    } for a in bad.itertuples()])


def build_all(facts: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Every processed table, by name."""
    facts = all_facts() if facts is None else facts
    facts = plausibility.flag(facts.drop(columns=["flags"], errors="ignore"))  # the rules, within this vintage
    rounds = build_rounds(facts)
    return {
        "facts": facts,
        "recognition_rounds": rounds,
        "programme_timeline": build_timeline(facts, rounds),
        "targets": build_targets(facts),
        "conflicts": build_conflicts(facts),
    }


def write_all(out_dir: Path | None = None) -> dict[str, Path]:
    """Build every processed table and write it with its provenance record."""
    out_dir = config.DATA_PROCESSED if out_dir is None else Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "raw_sha256": provenance.raw_checksums(),
        "builder_sha256": builder_hash(),
        "code_version": versions.code_version(),
        "packages": versions.package_versions(),
    }
    written = {}
    for name, table in build_all().items():
        path = out_dir / f"{name}.csv"
        meta = {"table": name, "rows": len(table), **record,
                **{k: v for k, v in table.attrs.items() if k != "path"}}
        # temporary file then rename: a notebook reading in parallel never sees half a table
        atomic_write(path, table.to_csv(index=False, lineterminator="\n"))
        atomic_write(out_dir / f"{name}.provenance.json", json.dumps(meta, indent=2) + "\n")
        written[name] = path
    return written


@functools.cache
def builder_hash() -> str:
    """SHA-256 of the code that builds the tables (this package's data modules): a table written by
    other code is stale, like one written from other raw files.
    """
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: The processed tables, by name (what :func:`build_all` returns and :func:`load_all` reads).
TABLES: tuple[str, ...] = ("facts", "recognition_rounds", "programme_timeline", "targets", "conflicts")


#: Data vintages: ``real_time`` uses only facts available by the end of the reading year;
#: ``latest`` uses every fact (an ex-post revision).
VINTAGES: tuple[str, ...] = ("real_time", "latest")


def available_by(facts: pd.DataFrame, year: int) -> pd.DataFrame:
    """The facts a reader could have seen by the end of ``year`` (``available_from`` on or before it).

    Examples
    --------
    >>> f = pd.DataFrame({"fact_id": ["a", "b"], "available_from": ["2019-05-14", "2020-10-24"]})
    >>> available_by(f, 2019)["fact_id"].tolist()
    ['a']
    """
    known = facts[facts["available_from"].astype(str) <= f"{year}-12-31"]
    known.attrs = {**facts.attrs, "excluded_as_later": int(len(facts) - len(known))}
    return known


@functools.cache
def first_real_time_year() -> int:
    """The first year by whose end the sources had published a round's results: a real-time memo
    needs at least one round, so earlier memos can only be ex-post revisions.
    """
    facts = load("facts")
    counts = facts[facts["metric"].isin(["kip_products_recognised", "kip_firms_recognised"])
                   & (facts["kind"] == "actual")]
    return int(counts.groupby("year_end")["available_from"].max().min()[:4])


def default_vintage(year: int) -> str:
    """``real_time`` wherever the sources had reported a round by the end of ``year``, else ``latest``."""
    return "real_time" if year >= first_real_time_year() else "latest"


def load_all(as_of_year: int | None = None, vintage: str = "latest") -> dict[str, pd.DataFrame]:
    """Every processed table with its provenance record in ``attrs``.

    With ``vintage="real_time"`` the tables are rebuilt from the facts available by the end of
    ``as_of_year`` only (``attrs["excluded_as_later"]`` counts the facts left out), so a memo for
    year Y cites nothing published later; ``"latest"`` returns the tables as written.
    """
    if vintage not in VINTAGES:
        raise ValueError(f"vintage={vintage!r}: expected one of {', '.join(VINTAGES)}")
    tables = {name: load(name) for name in TABLES}
    if vintage == "latest" or as_of_year is None:
        for table in tables.values():
            table.attrs["vintage"] = "latest"
        return tables
    known = available_by(tables["facts"], as_of_year)
    rebuilt = tables_of(known)  # the cache entry the targets' backtest reads for this year as its origin
    rebuilt["facts"].attrs = {**known.attrs, **rebuilt["facts"].attrs}  # as build_all on ``known`` carries them
    for name, table in rebuilt.items():
        keep = {k: v for k, v in tables[name].attrs.items() if k in ("raw_sha256", "code_version", "packages")}
        table.attrs.update({**keep, "vintage": "real_time", "as_of_year": as_of_year,
                            "excluded_as_later": known.attrs["excluded_as_later"]})
    return rebuilt


def tables_of(facts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """:func:`build_all` on ``facts``, cached by their rows alone (not ``flags``, which it redoes, nor ``attrs``)."""
    rows = facts.drop(columns=["flags"], errors="ignore")
    rows.attrs = {}
    return _vintage_tables(rows)


@shared
def _vintage_tables(known: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """:func:`build_all` on a vintage's facts, cached on disk: the four analyses of a year load the same."""
    return build_all(known)


def ensure_current() -> None:
    """Rebuild ``data/processed`` when it is missing or its recorded raw checksums are stale."""
    load("facts")


def load(name: str) -> pd.DataFrame:
    """Read a processed table, rebuilding the processed folder when it is missing or stale
    (its recorded raw checksums differ from the raw files now, or other code built it).
    """
    path = config.DATA_PROCESSED / f"{name}.csv"
    meta_path = config.DATA_PROCESSED / f"{name}.provenance.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    stale = (not path.exists() or meta.get("raw_sha256") != provenance.raw_checksums()
             or meta.get("builder_sha256") != builder_hash())
    if stale:
        write_all()
    table = pd.read_csv(path, dtype={"cohort": object, "set_in": object})
    table = table.astype({c: object for c in ("cohort", "set_in") if c in table.columns})
    table = table.where(table.notna(), None) if "cohort" in table.columns else table
    meta = json.loads(meta_path.read_text())
    table.attrs.update({k: provenance.Record(v) if isinstance(v, dict) else v for k, v in meta.items()})
    return table


def main() -> int:
    """``make data``: rebuild data/processed/ from data/raw/; a bad input is one line and exit status 2."""
    from kip_analysis.errors import report

    try:
        for _table_name, table_path in write_all().items():
            print(f"wrote {table_path.relative_to(config.ROOT)}")
    except Exception as err:  # every error reaches the user as one line; the traceback goes to a log
        return report("make data", err, config.ROOT / "data" / "processed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
