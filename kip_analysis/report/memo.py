"""The annual memo as its reader meets it: answers first, details in the annex, the data behind
every exhibit beside the page. Composed only from the analyses' published Sections.

May import: report.annex, report.section, report.tables, report.estimates, report.answers,
report.format, report.i18n.

The page (``memo_page``) opens with the bottom line, the three answers (``kip-answer``) and the
targets dashboard, then one short part per question (at most one chart each). Everything before
the element with id ``annex`` is the main body: no fact id, no estimator jargon, no SIMULATED
result. The annex holds every Section in full (findings, method checks on SIMULATED data, what
cannot be said, tables, caveats), the chart captions with their sources, the warnings raised while
estimating, a glossary and the sources list, where every fact id in the memo links to its entry.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict
from html import escape
from pathlib import Path

import pandas as pd

from kip_analysis.report import section as contract
from kip_analysis.report.annex import (
    _download,
    _items,
    caveats,
    cited_fact_ids,
    glossary_html,
    link_fact_ids,
    provenance_footer,
    section_html,
    sources_html,
    without_fact_ids,
)
from kip_analysis.report.answers import CHIP, Answer, DashboardRow, M, answers, bottom_line, dashboard
from kip_analysis.report.estimates import SCHEMA_VERSION, Estimate, by_key
from kip_analysis.report.i18n import t
from kip_analysis.report.section import Exhibit, Section, Table

#: The exhibits the main body may show, per question, first found wins (at most one chart each).
MAIN_CHARTS: dict[str, tuple[str, ...]] = {
    "effects": (),
    "targets": ("export_share_fan", "export_share_history", "programme_timeline"),
    "land": ("lease_ratios",),
}
#: Which Section answers which question (its details are in the annex under that heading).
QUESTION_SECTION: dict[str, str] = {"effects": "02_programme_effects", "targets": "03_targets",
                                    "land": "04_land_relocation"}

_CSS = """
:root { --ink: #1d1d1d; --muted: #4a4a4a; --accent: #1f3b57; --rule: #d0d7de; }
* { box-sizing: border-box; }
body { font-family: Georgia, "Times New Roman", serif; font-size: 17px; line-height: 1.5; color: var(--ink);
  background: #fff; max-width: 62rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; overflow-wrap: anywhere; }
h1, h2, h3, th, .kip-chip, nav, .kip-label { font-family: "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.6rem; color: var(--accent); margin: 0.3rem 0; }
h2 { font-size: 1.25rem; color: var(--accent); margin: 1.2rem 0 0.4rem; }
h3 { font-size: 1.05rem; margin: 0.2rem 0 0.3rem; color: var(--accent); }
a { color: #0b5394; }
p { margin: 0.3rem 0; }
.kip-meta { font-size: 0.85rem; color: var(--muted); }
.kip-bottom-line { border-left: 5px solid var(--accent); padding: 0.2rem 0.8rem; background: #f3f6f9; }
.kip-answers { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 0.7rem; }
.kip-answer { border: 1px solid var(--rule); border-radius: 6px; padding: 0.5rem 0.7rem; font-size: 0.95rem;
  break-inside: avoid; }
.kip-answer dl { margin: 0; } .kip-answer dt { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 0.78rem;
  text-transform: uppercase; letter-spacing: 0.03em; color: var(--muted); margin-top: 0.3rem; }
.kip-answer dd { margin: 0; }
.kip-chip { display: inline-block; padding: 0.05rem 0.45rem; border-radius: 0.8rem; color: #fff; font-size: 0.85rem;
  white-space: nowrap; }
.kip-table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
.kip-dashboard td:nth-child(2), .kip-chip { white-space: nowrap; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
thead th { background: #eef2f6; }
figure { margin: 0.6rem 0; break-inside: avoid; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: var(--muted); }
.kip-download { font-size: 0.85rem; }
.kip-annex { border-top: 3px double var(--rule); margin-top: 2rem; }
.kip-annex .kip-section { border-top: 1px solid var(--rule); margin-top: 1rem; }
.kip-sources dt { font-weight: bold; } .kip-sources dd { margin: 0 0 0.5rem 1rem; font-size: 0.9rem; }
.kip-provenance { font-size: 0.75rem; color: var(--muted); overflow-wrap: anywhere; }
@media (max-width: 600px) { body { font-size: 16px; padding: 0.6rem; } .kip-dashboard td, .kip-dashboard th {
  font-size: 0.78rem; } }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; font-size: 10.5pt; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .kip-download, nav { display: none; }
  .kip-answers { grid-template-columns: repeat(3, 1fr); gap: 0.4rem; }
  .kip-answer { font-size: 8.5pt; padding: 0.25rem 0.35rem; line-height: 1.3; }
  h1 { font-size: 15pt; } h2 { font-size: 12pt; margin: 0.5rem 0 0.2rem; } .kip-meta { font-size: 8pt; }
  .kip-bottom-line p { font-size: 10pt; margin: 0.15rem 0; }
  .kip-dashboard th, .kip-dashboard td { font-size: 7.5pt; padding: 0.1rem 0.25rem; line-height: 1.25; }
  table, figure, .kip-answer, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .kip-table-wrap { overflow: visible; }
  #annex { break-before: page; }
  .kip-chip { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def memo_title(memo_year: int, scenario: str) -> str:
    """The memo's title (also the HTML page title)."""
    return f"Hanoi Key Industrial Products: policy memo {memo_year} ({scenario})"


def load_sections(results_dir: str | Path) -> list[Section]:
    """Every Section published in ``results_dir``, in notebook order (the contract is checked on reading)."""
    return [contract.read(p) for p in sorted(Path(results_dir).glob("*.json"))]


def all_estimates(sections: list[Section]) -> dict[str, Estimate]:
    """Every Section's estimates by key (a key published twice is an error)."""
    return by_key([e for s in sections for e in s.estimates])


# ------------------------------------------------------------------------------------------ helpers
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "table"


def _glossary_links(html: str) -> str:
    """Link the first use of a glossary term in an escaped text to its entry."""
    html = re.sub(r"(\d+% CI)", r'<a href="#glossary-ci">\1</a>', html, count=1)
    return re.sub(r"\blog points\b", '<a href="#glossary-log-points">log points</a>', html, count=1)


def frame_csv(frame: pd.DataFrame, units: str, source: str) -> str:
    """A tidy CSV of a table with its units and sources as columns.

    Examples
    --------
    >>> frame_csv(pd.DataFrame({"year": [2019], "products": [30]}), "products", "facts w001").splitlines()[0]
    'year,products,units,source'
    """
    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    out["units"], out["source"] = units, source
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------ the first screen
def answer_html(a: Answer, locale: str = "en") -> str:
    """One answer as an article with class ``kip-answer``."""
    label = {k: t(M[f"label_{k}"], locale) for k in ("verdict", "number", "sure", "change", "settle")}
    parts = [f'<article class="kip-answer" id="answer-{a.key}"><h3>{escape(a.question)}</h3><dl>',
             f"<dt>{label['verdict']}</dt><dd>{escape(a.verdict)}</dd>"]
    if a.number:
        parts.append(f"<dt>{label['number']}</dt><dd>{_glossary_links(escape(a.number))}</dd>")
    parts.append(f'<dt><a href="#glossary-confidence">{label["sure"]}</a></dt><dd><strong>{escape(a.confidence)}'
                 f"</strong>: {escape(a.rule)}</dd>")
    parts.append(f"<dt>{label['change' if a.answered else 'settle']}</dt><dd>{escape(a.change)}</dd></dl></article>")
    return "".join(parts)


def chip_html(verdict_class: str, word: str) -> str:
    """A verdict chip: a symbol and a word on a colour-blind-safe background (never colour alone)."""
    _, colour, symbol = CHIP[verdict_class]
    return f'<span class="kip-chip" style="background:{colour}"><span aria-hidden="true">{symbol}</span> ' \
           f"{escape(word)}</span>"


def dashboard_frame(rows: list[DashboardRow], locale: str = "en") -> pd.DataFrame:
    """The dashboard as a plain table (what the CSV holds)."""
    head = [t(M[f"dash_{k}"], locale) for k in ("what", "year", "target", "verdict", "current", "pace", "flip")]
    return pd.DataFrame([[r.what, r.year, r.target, r.verdict + (f"; {r.outlook}" if r.outlook else ""), r.current,
                          r.pace, r.flip] for r in rows], columns=head)


def dashboard_html(rows: list[DashboardRow], locale: str = "en", csv_path: str = "") -> str:
    """The targets dashboard: one row per target, its verdict chip, value, pace and robustness."""
    frame = dashboard_frame(rows, locale)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in frame.columns)
    head = head.replace(f">{escape(frame.columns[3])}<",
                        f'><a href="#glossary-verdict">{escape(frame.columns[3])}</a><', 1) if locale == "en" else head
    body = "".join(
        f"<tr><th scope=\"row\">{escape(r.what)}</th><td>{r.year}</td><td>{escape(r.target)}</td>"
        f"<td>{chip_html(r.verdict_class, r.verdict)}"
        + (f'<br><span class="kip-outlook">{escape(r.outlook)}</span>' if r.outlook else "")
        + f"</td><td>{escape(r.current)}</td><td>{escape(r.pace)}</td>"
        f"<td>{escape(r.flip)}</td></tr>" for r in rows)
    return (f'<div class="kip-table-wrap"><table class="kip-dashboard"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>" + (_download(csv_path) if csv_path else ""))


# ------------------------------------------------------------------------------------------ annex
def vintage_note(sections: list[Section], memo_year: int) -> str:
    """Which data vintage the memo uses: real time (only what was published by the memo year) or later."""
    kinds = sorted({s.vintage for s in sections} & {"real_time", "latest"})  # the sourced-data vintages
    if kinds in (["real_time"], []):
        return (f"Real-time memo: it uses only figures published by the end of {memo_year}, as a reader "
                f"in {memo_year} could have seen them.")
    return (f"Ex-post reading: this memo for {memo_year} may use figures published after {memo_year} "
            f"(data vintage: {', '.join(kinds)}).")


# ------------------------------------------------------------------------------------------ the page
def _main_chart(sections: list[Section], question: str) -> tuple[Section, Exhibit] | None:
    for name in MAIN_CHARTS[question]:
        for s in sections:
            for ex in s.exhibits:
                if ex.name == name and not ex.simulated:
                    return s, ex
    return None


def exhibit_csv_name(sec: Section, ex: Exhibit) -> str:
    """The CSV file (relative to the memo) behind an exhibit."""
    return f"data/{sec.key}--chart-{_slug(ex.name)}.csv"


def table_csv_name(sec: Section, tab: Table) -> str:
    """The CSV file (relative to the memo) behind a table."""
    return f"data/{sec.key}--{_slug(tab.title)}.csv"


def memo_files(sections: list[Section], est: dict[str, Estimate], memo_year: int) -> dict[str, str]:
    """Every CSV written beside the memo, by relative path: each table, each chart's data, the dashboard."""
    files: dict[str, str] = {}
    for s in sections:
        for tab in s.tables:
            files[table_csv_name(s, tab)] = frame_csv(tab.frame, tab.units, tab.source_note)
        for ex in s.exhibits:
            if ex.data:
                files[exhibit_csv_name(s, ex)] = frame_csv(pd.DataFrame(list(ex.data)), "see the unit column",
                                                           ex.sources)
    rows = dashboard(est, "en")
    dash = dashboard_frame(rows)
    dash["verdict estimates"] = [" ".join(r.keys) for r in rows]
    files["data/targets_dashboard.csv"] = frame_csv(dash, "as stated in each cell", "results.json (targets.*)")
    return files


def _question_part(question: str, a: Answer, sections: list[Section], locale: str) -> str:
    sec_key = QUESTION_SECTION[question]
    chart = _main_chart(sections, question)
    parts = [f'<section class="kip-question" id="q-{question}"><h2>{escape(a.question)}</h2>']
    if chart is not None:
        s, ex = chart
        alt = without_fact_ids(ex.alt or ex.caption)
        parts.append(f'<figure><img alt="{escape(alt)}" src="data:image/png;base64,'
                     f'{ex.png_base64}"><figcaption>{escape(alt)} Caption and sources: '
                     f'<a href="#{escape(s.key)}">annex</a>.</figcaption></figure>')
        if ex.data:
            parts.append(_download(exhibit_csv_name(s, ex)))
    if any(s.key == sec_key for s in sections):
        parts.append(f'<p><a href="#{sec_key}">Details, method and every table: annex</a>.</p>')
    return "".join(parts) + "</section>"


def memo_html(memo_year: int, scenario: str, scenario_text: str, sections: list[Section],
              sources: pd.DataFrame | None = None, built: str | None = None) -> str:
    """The whole memo body (English): first screen, one part per question, then the annex."""
    est = all_estimates(sections)
    qa = answers(est, memo_year)
    rows = dashboard(est)
    main = (
        f"<header><h1>{escape(memo_title(memo_year, scenario))}</h1>"
        f'<p class="kip-meta"><span class="kip-vintage">{escape(vintage_note(sections, memo_year))}</span> '
        f'<a href="#glossary-real-time">What this means</a>. Scenario: {escape(scenario)} '
        f'({escape(scenario_text)}). <a href="memo.vi.html" hreflang="vi" lang="vi">Tiếng Việt</a> · '
        f'<a href="results.json">All estimates (JSON)</a></p></header>'
        '<main id="main">'
        '<section class="kip-bottom-line" id="bottom-line"><h2>Bottom line</h2>'
        + "".join(f"<p>{escape(s)}</p>" for s in bottom_line(est, memo_year)) + "</section>"
        '<section id="answers"><h2>Three answers</h2><div class="kip-answers">'
        + "".join(answer_html(a) for a in qa) + "</div></section>"
        '<section id="dashboard"><h2>Targets dashboard</h2>'
        + dashboard_html(rows, "en", "data/targets_dashboard.csv") + "</section>"
        + "".join(_question_part(q, a, sections, "en") for q, a in zip(("effects", "targets", "land"), qa,
                                                                        strict=True))
        + "</main>"
    )
    csv_paths = {}
    shown = {ex.name for q in MAIN_CHARTS for c in [_main_chart(sections, q)] if c for ex in [c[1]]}
    for s in sections:
        csv_paths.update({tab.title: table_csv_name(s, tab) for tab in s.tables})
        csv_paths.update({ex.name: exhibit_csv_name(s, ex) for ex in s.exhibits if ex.data})
    annex_sections = "".join(
        section_html(Section(**{**_fields(s), "exhibits": tuple(e for e in s.exhibits if e.name not in shown)}),
                     csv_paths)
        + "".join(f'<p class="kip-chart-note"><strong>Chart in the main body.</strong> {escape(ex.caption)} '
                  f"Sources: {escape(ex.sources)}</p>" for ex in s.exhibits if ex.name in shown)
        for s in sections)
    annex = (
        '<section id="annex" class="kip-annex"><h2>Annex: details, method checks and sources</h2>'
        "<p>Everything behind the answers: each analysis in full, the method checks on SIMULATED data (checks of the "
        "estimators, not findings about firms), every table with its data, the glossary and the sources.</p>"
        + annex_sections
        + "<h2>Caveats</h2>" + _items(caveats(sections), "kip-caveats")
        + glossary_html() + sources_html(cited_fact_ids(sections), sources)
        + provenance_footer(memo_year, scenario, sections, built) + "</section>"
    )
    return main + link_fact_ids(annex)


def _fields(s: Section) -> dict:
    return {f: getattr(s, f) for f in s.__dataclass_fields__}


def page(body: str, title: str, lang: str = "en") -> str:
    """A standalone, offline HTML page around a body."""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>\n")


def memo_vi_html(memo_year: int, scenario: str, sections: list[Section]) -> str:
    """The first screen in Vietnamese: bottom line, three answers and dashboard (the annex stays in English)."""
    est = all_estimates(sections)
    return (
        f"<header><h1>Sản phẩm công nghiệp chủ lực Hà Nội: báo cáo chính sách năm {memo_year} ({escape(scenario)})"
        '</h1><p class="kip-meta"><a href="memo.html" hreflang="en" lang="en">English</a> · Phụ lục (tiếng Anh): '
        '<a href="memo.html#annex" hreflang="en" lang="en">annex</a></p></header><main id="main">'
        '<section class="kip-bottom-line" id="bottom-line"><h2>Tóm tắt</h2>'
        + "".join(f"<p>{escape(s)}</p>" for s in bottom_line(est, memo_year, "vi")) + "</section>"
        '<section id="answers"><h2>Ba câu trả lời</h2><div class="kip-answers">'
        + "".join(answer_html(a, "vi").replace('href="#glossary', 'href="memo.html#glossary')
                  for a in answers(est, memo_year, "vi")) + "</div></section>"
        '<section id="dashboard"><h2>Bảng theo dõi mục tiêu</h2>'
        + dashboard_html(dashboard(est, "vi"), "vi", "data/targets_dashboard.csv") + "</section></main>"
    )


def results_payload(memo_year: int, scenario: str, sections: list[Section]) -> dict:
    """``results.json``: every typed estimate of the memo, the answers and the dashboard, with a schema version."""
    est = all_estimates(sections)
    return {
        "schema_version": SCHEMA_VERSION, "memo_year": memo_year, "scenario": scenario,
        "vintages": sorted({s.vintage for s in sections}),
        "estimates": [e.to_dict() for e in est.values()],
        "answers": [asdict(a) for a in answers(est, memo_year)],
        "dashboard": [asdict(r) for r in dashboard(est)],
        "warnings": {s.key: list(s.warnings) for s in sections},
    }


def compose_memo(folder: Path, memo_year: int, scenario: str, scenario_text: str, sections: list[Section],
               sources: pd.DataFrame | None = None, built: str | None = None) -> dict[str, str]:
    """Every file of one memo, by path relative to ``folder``: memo.html, memo.vi.html, results.json and
    the CSVs (the caller writes them; nothing is written here).
    """
    est = all_estimates(sections)
    title = memo_title(memo_year, scenario)
    files = {
        "memo.html": page(memo_html(memo_year, scenario, scenario_text, sections, sources, built), title),
        "memo.vi.html": page(memo_vi_html(memo_year, scenario, sections),
                             f"Sản phẩm công nghiệp chủ lực Hà Nội: báo cáo chính sách {memo_year}", "vi"),
        "results.json": json.dumps(results_payload(memo_year, scenario, sections), indent=1, ensure_ascii=False,
                                   sort_keys=True) + "\n",
    }
    files.update(memo_files(sections, est, memo_year))
    return files


__all__ = ["caveats", "compose_memo", "memo_html", "memo_vi_html", "section_html", "load_sections"]
