"""The memo's annex: each analysis in full, the glossary, the sources list (every fact id with its
publisher, date, address and quote) and the provenance footer; fact ids in the annex's text link
to their sources entries.

May import: versions, report.section, report.tables, report.estimates, report.format, report.likelihood.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import escape

import pandas as pd

from kip_analysis import versions
from kip_analysis.report.estimates import FACT_ID, Estimate
from kip_analysis.report.format import estimate as fmt_estimate
from kip_analysis.report.likelihood import GLOSSARY_TEXT
from kip_analysis.report.section import Section
from kip_analysis.report.tables import to_html

#: Plain-language glossary (the main body links its terms here).
GLOSSARY: dict[str, tuple[str, str]] = {
    "ci": ("95% CI (confidence interval)", "The range within which the true value lies with 95% probability if the "
           "model's assumptions hold; an interval that includes zero means no change cannot be ruled out."),
    "log-points": ("log points", "100 times the difference in natural logs; for small values about a percentage "
                   "change (10 log points is about 10.5%)."),
    "verdict": ("verdict", "met or missed once the target year is reached; before it, on track, behind (accelerate), "
                "far behind or going backwards by the pace achieved (since the target's base year, or over the "
                "latest run of values the plausibility rules accept) against the pace it requires, or, where a target "
                "ahead has a forecast, by that forecast against the target's low end (on track when reaching it is "
                "at least as likely as not); cannot be judged when the published data give neither the value nor a "
                "run of past values to judge the pace on."),
    "likelihood": ("likely, unlikely, …", GLOSSARY_TEXT),
    "evidence": ("evidence strength", "How much a verdict on a target not yet due rests on. High: at least eight "
                 "sourced yearly values and a probability earned on a reference class. Medium: at least four "
                 "sourced values. Low: fewer, or a value built with assumptions (back-cast, imputed), or later "
                 "values left out because a plausibility rule flags them."),
    "confidence": ("how sure", "High: sourced figures, and no single source row changes the verdict. Medium: "
                   "estimated from sourced figures and stated assumptions, robust to each single row. Low: one source "
                   "row changes the verdict, or the interval includes no change. Not answered: the data are not "
                   "public."),
    "estimate": ("actual, estimate, forecast, check", "Actual: a sourced figure or a sum of them. Estimate: built from "
                 "sourced figures and stated assumptions. Forecast: about a year after the data, with a calibrated "
                 "interval. Check: a result on the SIMULATED firm panel that tests a method; never a finding about "
                 "real firms."),
    "real-time": ("real-time memo", "A memo for year Y uses only figures published by the end of Y, as a reader "
                  "in Y could have seen them."),
    "land-access": ("land access (PCI)", "The land-access sub-index of the Provincial Competitiveness Index "
                    "(VCCI/USAID), scored 1-10."),
}


def link_fact_ids(html: str) -> str:
    """Link every fact id in the text of an HTML fragment (never inside a tag) to its sources entry.

    Examples
    --------
    >>> link_fact_ids('<p title="w001">rows w010 and b003</p>')
    '<p title="w001">rows <a href="#src-w010">w010</a> and <a href="#src-b003">b003</a></p>'
    """
    def text(m: re.Match) -> str:
        return ">" + FACT_ID.sub(lambda f: f'<a href="#src-{f.group(1)}">{f.group(1)}</a>', m.group(1)) + "<"
    return re.sub(r">([^<]+)<", text, html)


def _items(sentences: list[str], cls: str) -> str:
    if not sentences:
        return '<p class="kip-none">None.</p>'
    return f'<ul class="{cls}">' + "".join(f"<li>{escape(s)}</li>" for s in sentences) + "</ul>"


def without_fact_ids(text: str) -> str:
    """A text for the main body: fact ids (and "target w035:"-style labels) taken out.

    Examples
    --------
    >>> without_fact_ids("Target b007: 80 by 2020; target d006 (w033+w034): 150–180.")
    'Target: 80 by 2020; target: 150–180.'
    """
    ids = r"(?:[a-e]\d{3}|[wsn]\d{3})(?:\+(?:[a-e]\d{3}|[wsn]\d{3}))*"
    text = re.sub(rf"\s*\(?\b{ids}\b\)?", "", text)
    return re.sub(r"\s+([:;,.])", r"\1", text)


def _download(path: str) -> str:
    return f'<p class="kip-download"><a href="{escape(path)}" download>Download the data (CSV)</a></p>'


def estimates_html(sec: Section) -> str:
    """The Section's typed estimates as a table: the answer first, rendered from the same numbers."""
    if not sec.estimates:
        return ""
    rows = "".join(
        f"<tr><td>{escape(e.label)}</td><td>{escape(estimate_text(e))}</td><td>{escape(e.status)}</td>"
        f"<td>{escape(' '.join(e.fact_ids))}</td><td><code>{escape(e.key)}</code></td></tr>" for e in sec.estimates)
    return ('<div class="kip-table-wrap"><table class="kip-estimates"><caption>Estimates published by this analysis'
            '</caption><thead><tr><th scope="col">what</th><th scope="col">value</th><th scope="col">status</th>'
            f'<th scope="col">rests on</th><th scope="col">key</th></tr></thead><tbody>{rows}</tbody></table></div>')


def estimate_text(e: Estimate) -> str:
    """An estimate's value with its unit and interval, formatted in one place.

    Examples
    --------
    >>> estimate_text(Estimate("land.x", "x", 0.165, "log points per PCI point", -1.558, 1.889, 0.95))
    '0.2 log points per PCI point (95% CI −1.6 to 1.9 log points per PCI point)'
    >>> estimate_text(Estimate("targets.x", "x", "met", "verdict"))
    'met'
    """
    if e.number is None:
        return "—" if e.value is None else str(e.value)
    unit = "" if e.unit in ("verdict",) else e.unit
    if e.has_interval:
        text = fmt_estimate(e.number, e.low, e.high, unit, e.level or 0.95)
        return text.replace("% CI ", "% interval ") if e.status == "forecast" else text  # a prediction interval
    return fmt_estimate(e.number, None, None, unit)


def section_html(sec: Section, csv_paths: dict[str, str] | None = None, charts: bool = True) -> str:
    """HTML of one analysis in full: findings, method checks, cannot-say items, exhibits, tables,
    warnings and caveats (the annex's part for it; notebooks show it too).
    """
    csv_paths = csv_paths or {}
    parts = [f'<section class="kip-section" id="{escape(sec.key)}"><h2>{escape(sec.title)}</h2>',
             estimates_html(sec)]
    if sec.findings:
        parts.append("<h3>What the sources and public data show</h3>" + _items(list(sec.findings), "kip-findings"))
    if sec.method_checks:
        parts.append("<h3>Method checks on SIMULATED data</h3>" + _items(list(sec.method_checks),
                                                                          "kip-method-checks"))
    if sec.cannot_say:
        parts.append("<h3>What this section cannot say</h3>"
                     + _items([c.sentence() for c in sec.cannot_say], "kip-cannot-say"))
    for ex in sec.exhibits:
        if charts:
            parts.append(f'<figure><img alt="{escape(ex.alt or ex.caption)}" '
                         f'src="data:image/png;base64,{ex.png_base64}">'
                         f"<figcaption><em>{escape(ex.caption)}</em> Sources: {escape(ex.sources)}</figcaption>"
                         "</figure>")
        else:
            parts.append(f'<p class="kip-chart-note"><strong>Chart “{escape(ex.alt or ex.name)}”.</strong> '
                         f"{escape(ex.caption)} Sources: {escape(ex.sources)}</p>")
        if ex.name in csv_paths:
            parts.append(_download(csv_paths[ex.name]))
    for tab in sec.tables:
        parts.append(f'<div class="kip-table-wrap">{to_html(tab)}</div>')
        if tab.title in csv_paths:
            parts.append(_download(csv_paths[tab.title]))
    if sec.warnings:
        parts.append("<h3>Warnings raised while estimating</h3>" + _items(list(sec.warnings), "kip-warnings"))
    if sec.caveats:
        parts.append("<h3>Caveats</h3>" + _items(list(sec.caveats), "kip-caveats"))
    return "".join(parts) + "</section>"


def glossary_html() -> str:
    """The glossary, each term with an id the main body links to."""
    return ('<section id="glossary"><h2>Glossary</h2><dl>' + "".join(
        f'<dt id="glossary-{k}">{escape(term)}</dt><dd>{escape(text)}</dd>' for k, (term, text) in GLOSSARY.items())
        + "</dl></section>")


def cited_fact_ids(sections: list[Section]) -> list[str]:
    """Every fact id the memo's Sections name (text, tables, estimates), sorted."""
    payload = [s.to_dict() for s in sections]
    for p in payload:
        for ex in p["exhibits"]:
            ex["png_base64"] = ""
    return sorted(set(FACT_ID.findall(json.dumps(payload, ensure_ascii=False))))


def sources_html(ids: list[str], sources: pd.DataFrame | None) -> str:
    """The sources list: one entry per fact id (publisher, date, address as a link, quote)."""
    entries = []
    rows = {} if sources is None else {part: r for r in sources.to_dict("records")
                                       for part in str(r["fact_id"]).split("+")}
    for f in ids:
        r = rows.get(f)
        if r is None:
            entries.append(f'<dt id="src-{f}">{f}</dt><dd>Not in the facts table of this memo\'s data.</dd>')
            continue
        address = str(r.get("source_id") or "")
        where = (f'<a href="{escape(address)}">{escape(address)}</a>' if address.startswith("http")
                 else escape(f"article file {address} (../shared/sources/)"))
        def field(name: str, r: dict = r) -> str:
            v = r.get(name)
            return "—" if v is None or (isinstance(v, float) and v != v) else escape(str(v))
        entries.append(
            f'<dt id="src-{f}">{f}</dt><dd>{field("outlet")}; published {field("published")} (available to a '
            f'reader from {field("available_from")}: {field("availability_rule")}); {where}. '
            f'Quote: “{field("quote")}” — {field("metric")}, {field("period")}.</dd>')
    return ('<section id="sources"><h2>Sources</h2><p>Every fact id in this memo, with where it was published and '
            'the words it rests on.</p><dl class="kip-sources">' + "".join(entries) + "</dl></section>")


def caveats(sections: list[Section]) -> list[str]:
    """What the reader must know about the memo as a whole."""
    simulated = [s.title for s in sections if s.simulated]
    if simulated:
        return ["SIMULATED: " + "; ".join(simulated) + " use(s) a simulated firm panel calibrated to the published "
                "figures; their firm-level numbers are checks of the methods, not findings, and appear only under "
                "'Method checks on SIMULATED data' and in tables titled SIMULATED."]
    return ["Nothing in this memo is simulated: every number comes from a sourced row in data/raw/ or is "
            "computed from such rows."]


def provenance_footer(memo_year: int, scenario: str, sections: list[Section], built: str | None = None) -> str:
    """HTML footer: parameters, data checksums, package versions, git commit, build time."""
    checksums: dict[str, str] = {}
    for s in sections:
        checksums.update(s.raw_sha256)
    rows = "".join(f"<li><code>{escape(k)}</code>: <code>{escape(v)}</code></li>" for k, v in sorted(checksums.items()))
    package_list = ", ".join(f"{k} {v}" for k, v in versions.package_versions().items())
    params = {s.key: s.params for s in sections}
    built = built or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<div class="kip-provenance"><h3>Provenance</h3>'
        f"Memo year {memo_year}, scenario {escape(scenario)}. Notebook parameters: "
        f"<code>{escape(json.dumps(params, sort_keys=True))}</code>. "
        f"Code version (git) <code>{escape(versions.code_version())}</code>. "
        f"Packages: {escape(package_list)}. "
        f"Built {escape(built)}. "
        f"Raw data SHA-256:<ul>{rows}</ul></div>"
    )
