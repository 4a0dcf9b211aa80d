"""One tidy facts table from the transcribed articles and the web figures.

Each row is one figure with its metric, period (parsed into first/last year), value or
low-high range in the source's unit and in a canonical unit, kind (actual / target /
expectation / plan), cohort (which recognition round(s) the figure covers), qualifier,
source, quote and how well the quote carries the figure.

May import: data.geography, data.periods, data.quotes, data.raw, data.units, errors.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kip_analysis.data.choice import WEB_ACCESS_DATE
from kip_analysis.data.geography import FACT_NAMES
from kip_analysis.data.periods import parse_period
from kip_analysis.data.quotes import figure_in_quote
from kip_analysis.data.raw import load_table, split_range
from kip_analysis.data.units import to_canonical
from kip_analysis.errors import DataValidationError

#: Columns of the tidy facts table, in order.
COLUMNS: tuple[str, ...] = (
    "fact_id", "metric", "period", "period_kind", "year_start", "year_end",
    "value_low", "value_high", "unit", "value_low_c", "value_high_c", "unit_c",
    "kind", "geography", "cohort", "qualifier", "source_kind", "source_id", "outlet",
    "published", "available_from", "availability_rule", "quote", "quote_status", "note",
)

#: How a row's availability date is set (the real-time vintage rule), by source kind.
AVAILABILITY_RULES: dict[str, str] = {
    "article": "the article's publication date",
    "web": "no page date recorded: the end of the period the figure describes (never earlier)",
    "page date": "the page's publication date as the page shows it (web_publication_dates.csv)",
    "address date": "the publication date in the page's address (web_publication_dates.csv)",
    "argued": "a publication date argued from the page's content, the latest it plausibly was "
              "(web_publication_dates.csv gives the argument)",
    "undated": "no page date and no period: the access date (never in a real-time memo)",
}

#: Qualifier clauses recognised in the web figures' notes (a note is split on ';' and a
#: clause that is only the qualifier, quoted or not, counts), in the order they are reported.
_QUALIFIER_PATTERNS: tuple[tuple[str, str], ...] = (
    ("nearly", r"nearly"),
    ("more than", r"more than"),
    ("approximately", r"approximat\w*"),
    ("about", r"about"),
    ("estimate", r"estimate"),
)


def note_qualifiers(note: str | None) -> list[str]:
    """Qualifiers stated in a web figure's note.

    Examples
    --------
    >>> note_qualifiers("revenue of the 77 firms; 'nearly'; estimate")
    ['nearly', 'estimate']
    >>> note_qualifiers("statistics office; an earlier estimate said 17.3")
    []
    """
    if not note:
        return []
    clauses = [c.strip().strip("'\"").lower() for c in note.split(";")]
    return [name for name, pat in _QUALIFIER_PATTERNS if any(re.fullmatch(pat, c) for c in clauses)]


def quote_status(low: float, high: float, quote: str | None, note: str | None = None) -> str:
    """``verbatim`` when both ends of the figure are written in the quote, ``not captured``
    when there is no quote (or the note says it was not captured verbatim), ``other
    figure`` when the quote does not carry this figure.
    """
    if not isinstance(quote, str) or not quote.strip():
        return "not captured"
    if isinstance(note, str) and "not captured" in note:
        return "not captured"
    if figure_in_quote(low, quote) and figure_in_quote(high, quote):
        return "verbatim"
    return "other figure"


def _finish(rows: pd.DataFrame) -> pd.DataFrame:
    """Add parsed periods, canonical units and quote status; order the columns."""
    periods = rows["period"].map(parse_period)
    rows["period_kind"] = periods.map(lambda p: p.kind)
    rows["year_start"] = periods.map(lambda p: p.start).astype("Int64")
    rows["year_end"] = periods.map(lambda p: p.end).astype("Int64")
    low_c = [to_canonical(v, u) for v, u in zip(rows["value_low"], rows["unit"], strict=True)]
    high_c = [to_canonical(v, u) for v, u in zip(rows["value_high"], rows["unit"], strict=True)]
    rows["value_low_c"] = [v for v, _ in low_c]
    rows["value_high_c"] = [v for v, _ in high_c]
    rows["unit_c"] = [u for _, u in low_c]
    rows["available_from"], rows["availability_rule"] = zip(*[
        available_from(basis if isinstance(basis, str) else kind, published, end)
        for kind, basis, published, end in zip(rows["source_kind"], rows.get("date_basis", [None] * len(rows)),
                                                rows["published"], rows["year_end"], strict=True)
    ], strict=True)
    rows["quote_status"] = [
        quote_status(lo, hi, q, n)
        for lo, hi, q, n in zip(rows["value_low"], rows["value_high"], rows["quote"], rows["note"], strict=True)
    ]
    return rows.loc[:, list(COLUMNS)].reset_index(drop=True)


def available_from(source_kind: str, published: object, year_end: object) -> tuple[str, str]:
    """The date from which a figure was available to a reader, and the rule that set it.

    Articles: their publication date (``YYYY-MM`` counts from the month's first day). Web rows:
    the page's publication date (``source_kind`` is then its basis: ``page date``, ``address date``
    or ``argued``; see ``web_publication_dates.csv``). A web row without a recorded date (only in
    a table built by hand, e.g. in tests): the last day of the period it describes. Undated web
    rows: the access date.

    Examples
    --------
    >>> available_from("article", "2019-07", 2019)
    ('2019-07-01', "the article's publication date")
    >>> available_from("web", None, 2021)[0]
    '2021-12-31'
    >>> available_from("argued", "2020-11-02", 2019)[0]
    '2020-11-02'
    """
    if source_kind == "article" and isinstance(published, str):
        return (published if len(published) == 10 else f"{published[:7]}-01"), AVAILABILITY_RULES["article"]
    if source_kind in ("page date", "address date", "argued") and isinstance(published, str):
        return published, AVAILABILITY_RULES[source_kind]
    if year_end is not None and not pd.isna(year_end):
        return f"{int(year_end)}-12-31", AVAILABILITY_RULES["web"]
    return WEB_ACCESS_DATE, AVAILABILITY_RULES["undated"]


def article_facts(seed: pd.DataFrame | None = None) -> pd.DataFrame:
    """The transcribed article figures in the tidy shape."""
    seed = load_table("programme_facts") if seed is None else seed
    rows = seed.rename(columns={"source_file": "source_id"}).copy()
    rows["source_kind"] = "article"
    return _finish(rows)


def _web_kind_and_metric(series: str) -> tuple[str, str]:
    """``kip_output_share_target_low`` -> (``kip_output_share``, ``target``)."""
    base = re.sub(r"_(low|high)$", "", series)
    if "_target" in base:
        return base.replace("_target", ""), "target"
    return base, "actual"


def _web_cohort(series: str, period: str, note: str | None) -> str | None:
    """Recognition round(s) a web figure covers: from 'YYYY round' in the period or note,
    the period itself for per-round and cumulative counts, else none.
    """
    if m := re.fullmatch(r"(\d{4}) round", period):
        return m.group(1)
    if note and (m := re.search(r"(\d{4}) round", note)):
        return m.group(1)
    if series.startswith(("kip_products_", "kip_firms_")) and re.fullmatch(r"\d{4}(-\d{4})?", period):
        return period
    return None


def web_facts(web: pd.DataFrame | None = None, prefix: str = "w",
              dates: dict[str, tuple[str, str]] | bool | None = None) -> pd.DataFrame:
    """The web figures in the tidy shape.

    ``*_low`` / ``*_high`` series pairs (rent ranges, target ranges) become one range row;
    ``*_target`` series become kind ``target``; qualifiers are read from the note.

    Raises
    ------
    DataValidationError
        If a ``_low`` row has no matching ``_high`` row (or the reverse).
    """
    web = load_table("web_figures") if web is None else web
    path = web.attrs.get("path", "web_figures.csv")
    dates = publication_dates() if dates is None or dates is True else dates  # False: no dates (hand-built tables)
    records = []
    pending: dict[tuple, dict] = {}
    for row, rec in enumerate(web.to_dict("records")):
        metric, kind = _web_kind_and_metric(rec["series"])
        low, high = split_range(rec["value"])
        note = rec["note"] if isinstance(rec["note"], str) else None
        qualifiers = note_qualifiers(note)
        out = {
            "fact_id": f"{prefix}{row + 2:03d}",
            "metric": metric, "period": rec["period"], "value_low": low, "value_high": high,
            "unit": rec["unit"], "kind": kind, "geography": rec["geography"],
            "cohort": _web_cohort(rec["series"], rec["period"], note),
            "qualifier": "; ".join(qualifiers) or None, "source_kind": "web",
            "source_id": rec["source"], "outlet": re.sub(r"^https?://(www\.)?([^/]+).*", r"\2", rec["source"]),
            "published": None, "quote": rec["quote"], "note": note, "date_basis": None,
        }
        if isinstance(rec.get("published"), str) and rec["published"]:  # the table dates its own rows
            out["published"], out["date_basis"] = last_day(rec["published"]), "page date"
        elif dates is not False:
            hit = dates.get(rec["source"])
            if hit is None:
                raise DataValidationError(
                    path, f"no publication date for the page {rec['source']!r}: add it to web_publication_dates.csv "
                    "(the page's date, its address's, or one argued from its content)", row + 2, "source")
            out["published"], out["date_basis"] = hit
        end = re.search(r"_(low|high)$", rec["series"])
        if end is None:
            records.append(out)
            continue
        key = (metric, rec["geography"], rec["period"], rec["source"])
        if key in pending:
            first = pending.pop(key)
            first["value_high" if end.group(1) == "high" else "value_low"] = low
            first["fact_id"] += "+" + out["fact_id"]
            if not isinstance(first["quote"], str):
                first["quote"] = out["quote"]
            records.append(first)
        else:
            pending[key] = out
    if pending:
        (metric, geo, period, _), rec = next(iter(pending.items()))
        raise DataValidationError(
            path, f"{metric} for {geo} {period} has only one end of its low/high pair; "
            "expected both a _low and a _high row", int(rec["fact_id"][1:]), "series",
        )
    return _finish(_inherit_cohorts(pd.DataFrame.from_records(records)))


def _inherit_cohorts(rows: pd.DataFrame) -> pd.DataFrame:
    """A page's revenue or exports figure with no round named covers the same round as the
    page's other figures: products' figures take the cohort of the page's product revenue
    row for the same period; whole-firm figures take the page's cumulative firm count.
    """
    rows = rows.copy()
    for i, rec in rows[rows["cohort"].isna()].iterrows():
        same_page = rows[(rows["source_id"] == rec["source_id"]) & rows["cohort"].notna()]
        if rec["metric"].startswith("kip_product_"):
            donor = same_page[(same_page["metric"] == "kip_product_revenue")
                              & (same_page["period"] == rec["period"])]
        elif rec["metric"].startswith("kip_firm_"):
            donor = same_page[same_page["metric"] == "kip_firms_cumulative"]
        else:
            continue
        if len(donor):
            rows.at[i, "cohort"] = donor["cohort"].iloc[0]
    return rows


def last_day(date: str) -> str:
    """A date as its period's last day (the latest a page dated only to a month or year can be from).

    Examples
    --------
    >>> last_day("2019-12"), last_day("2024-02"), last_day("2026-01-12"), last_day("2025")
    ('2019-12-31', '2024-02-29', '2026-01-12', '2025-12-31')
    """
    import calendar

    if len(date) == 10:
        return date
    if len(date) == 7:
        return f"{date}-{calendar.monthrange(int(date[:4]), int(date[5:]))[1]:02d}"
    return f"{date[:4]}-12-31"


def publication_dates() -> dict[str, tuple[str, str]]:
    """Each web page's publication date and its basis, by address (``web_publication_dates.csv``)."""
    table = load_table("web_publication_dates")
    return {r.source: (r.published, r.basis) for r in table.itertuples()}


#: The consultant table's measures as fact metrics.
CONSULTANT_METRICS: dict[str, str] = {"rent": "ip_rent", "occupancy": "ip_occupancy", "rent_growth": "ip_rent_growth"}


def consultant_facts(table: pd.DataFrame | None = None, prefix: str = "v", consultant: str = "Savills"
                     ) -> pd.DataFrame:
    """One consultant's rents and occupancy by province (``consultant_rents``) in the tidy shape,
    ids ``v`` + the file's line. Each row's note names the consultant (so every rent row of one
    consultant and period can be compared like for like) and whether the figure is sourced or
    derived; places are spelled as the web figures spell them.
    """
    table = load_table("consultant_rents") if table is None else table
    records = [{
        "fact_id": f"{prefix}{row + 2:03d}", "metric": CONSULTANT_METRICS[rec["measure"]], "period": rec["period"],
        "value_low": rec["value"], "value_high": rec["value"], "unit": rec["unit"], "kind": "actual",
        "geography": FACT_NAMES.get(rec["gso_code"], rec["province"]), "cohort": None, "qualifier": None,
        "source_kind": "web", "source_id": rec["source"],
        "outlet": f"{consultant} via " + re.sub(r"^https?://(www\.)?([^/]+).*", r"\2", rec["source"]),
        "published": last_day(rec["published"]), "date_basis": "page date", "quote": rec["quote"],
        "note": "; ".join(str(x) for x in (consultant, rec["status"], rec["note"]) if isinstance(x, str) and x),
    } for row, rec in enumerate(table.to_dict("records"))]
    out = _finish(pd.DataFrame.from_records(records))
    derived = out["note"].str.contains("derived:", regex=False)
    out.loc[derived, "quote_status"] = "derived from the quoted figures"  # e.g. 2019 = 2020 level / (1 + growth)
    return out


def all_facts() -> pd.DataFrame:
    """Article figures, web figures (ids ``w``), the supplementary web figures (ids ``s``), the
    third search's figures (ids ``n``) and one consultant's rents by province (ids ``v``), in that order.
    """
    out = pd.concat([article_facts(), web_facts(), web_facts(load_table("web_figures_supplement"), "s"),
                     web_facts(load_table("web_figures_2026"), "n"), consultant_facts()], ignore_index=True)
    twice = out.loc[out["fact_id"].duplicated(keep=False), "fact_id"]
    if len(twice):
        raise DataValidationError("programme_facts.csv", f"fact_id {twice.iloc[0]} names {len(twice)} rows; every "
                                  "fact id is unique", None, "fact_id")
    return out


def vnd_per_usd(facts: pd.DataFrame) -> tuple[float, str]:
    """Exchange rate implied by the sources' own paired VND/USD figures (mean of the pairs)."""
    pairs = []
    for metric, period in (("kip_product_revenue_total", "2005-2017"), ("kip_firm_revenue", "2020")):
        vnd = facts[(facts["metric"] == metric) & (facts["period"] == period) & (facts["unit_c"] == "VND billion")]
        usd = facts[(facts["metric"] == metric) & (facts["period"] == period) & (facts["unit_c"] == "USD million")]
        if len(vnd) and len(usd):
            a, b = vnd.iloc[0], usd.iloc[0]
            pairs.append((a["value_low_c"] * 1e9 / (b["value_low_c"] * 1e6), f"{a['fact_id']}/{b['fact_id']}"))
    if not pairs:
        raise ValueError("no paired VND/USD figures in the sources to derive an exchange rate")
    return float(np.mean([p[0] for p in pairs])), "mean of " + ", ".join(f"{r:,.0f} ({s})" for r, s in pairs)
