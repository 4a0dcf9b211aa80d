"""The annual memo, composed only from the analyses' published Sections.

May import: config, versions, report.section, report.tables.

The executive summary has three labelled parts — what the sources and public data show
(every Section's findings), method checks on SIMULATED data (every Section's method checks)
and what this memo cannot say (every Section's cannot-say items) — so a simulated statement
can never stand among the findings, and no sentence is chosen by its position or wording.
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape
from pathlib import Path

from kip_analysis import versions
from kip_analysis.report import section as contract
from kip_analysis.report.section import Section
from kip_analysis.report.tables import to_html

#: The three parts of the executive summary, in order.
SUMMARY_PARTS: tuple[str, ...] = (
    "What the sources and public data show",
    "Method checks on SIMULATED data",
    "What this memo cannot say",
)


def memo_title(memo_year: int, scenario: str) -> str:
    """The memo's title (also the HTML page title)."""
    return f"Hanoi Key Industrial Products: policy memo {memo_year} ({scenario})"


def load_sections(results_dir: str | Path) -> list[Section]:
    """Every Section published in ``results_dir``, in notebook order (the contract is checked on reading)."""
    return [contract.read(p) for p in sorted(Path(results_dir).glob("*.json"))]


def _items(sentences: list[str], cls: str) -> str:
    if not sentences:
        return '<p class="kip-none">None.</p>'
    return f'<ul class="{cls}">' + "".join(f"<li>{escape(s)}</li>" for s in sentences) + "</ul>"


def summary_parts(sections: list[Section]) -> dict[str, list[str]]:
    """The three parts of the executive summary as sentences, each prefixed by its section."""
    return {
        SUMMARY_PARTS[0]: [f"{s.title} — {f}" for s in sections for f in s.findings],
        SUMMARY_PARTS[1]: [f"{s.title} — {m}" for s in sections for m in s.method_checks],
        SUMMARY_PARTS[2]: [f"{s.title} — {c.sentence()}" for s in sections for c in s.cannot_say],
    }


def executive_summary(sections: list[Section]) -> str:
    """HTML of the executive summary's three labelled parts."""
    classes = ("kip-findings", "kip-method-checks", "kip-cannot-say")
    body = "".join(f'<h3 class="{cls}-title">{escape(title)}</h3>' + _items(items, cls)
                   for (title, items), cls in zip(summary_parts(sections).items(), classes, strict=True))
    return f'<section class="kip-summary"><h2>Executive summary</h2>{body}</section>'


def vintage_note(sections: list[Section], memo_year: int) -> str:
    """Which data vintage the memo uses: real time (only what was published by the memo year) or later."""
    kinds = sorted({s.vintage for s in sections} & {"real_time", "latest"})  # the sourced-data vintages
    if kinds in (["real_time"], []):
        return (f"Real-time memo: it uses only figures published by the end of {memo_year}, as a reader "
                f"in {memo_year} could have seen them.")
    return (f"Ex-post reading: this memo for {memo_year} may use figures published after {memo_year} "
            f"(data vintage: {', '.join(kinds)}).")


def section_html(sec: Section) -> str:
    """HTML of one analysis: its findings, method checks and cannot-say items, exhibits, tables, caveats."""
    parts = [f'<section class="kip-section" id="{escape(sec.key)}"><h2>{escape(sec.title)}</h2>']
    if sec.findings:
        parts.append("<h3>What the sources and public data show</h3>" + _items(list(sec.findings), "kip-findings"))
    if sec.method_checks:
        parts.append("<h3>Method checks on SIMULATED data</h3>" + _items(list(sec.method_checks),
                                                                          "kip-method-checks"))
    if sec.cannot_say:
        parts.append("<h3>What this section cannot say</h3>"
                     + _items([c.sentence() for c in sec.cannot_say], "kip-cannot-say"))
    for ex in sec.exhibits:
        parts.append(f'<figure><img alt="{escape(ex.name)}" src="data:image/png;base64,{ex.png_base64}">'
                     f"<figcaption><em>{escape(ex.caption)}</em> Sources: {escape(ex.sources)}</figcaption></figure>")
    parts += [to_html(t) for t in sec.tables]
    if sec.caveats:
        parts.append("<h3>Caveats</h3>" + _items(list(sec.caveats), "kip-caveats"))
    return "".join(parts) + "</section>"


def caveats(sections: list[Section]) -> list[str]:
    """What the reader must know about the memo as a whole."""
    simulated = [s.title for s in sections if s.simulated]
    if simulated:
        return ["SIMULATED: " + "; ".join(simulated) + " use(s) a simulated firm panel calibrated to the published "
                "figures; their firm-level numbers are checks of the methods, not findings, and appear only under "
                "'Method checks on SIMULATED data' and in tables titled SIMULATED."]
    return ["Nothing in this memo is simulated: every number comes from a sourced row in data/raw/ or is "
            "computed from such rows."]


def provenance_footer(memo_year: int, scenario: str, sections: list[Section]) -> str:
    """HTML footer: parameters, data checksums, package versions, git commit, run time."""
    checksums: dict[str, str] = {}
    for s in sections:
        checksums.update(s.raw_sha256)
    rows = "".join(f"<li><code>{escape(k)}</code>: <code>{escape(v)}</code></li>" for k, v in sorted(checksums.items()))
    package_list = ", ".join(f"{k} {v}" for k, v in versions.package_versions().items())
    params = {s.key: s.params for s in sections}
    return (
        '<div class="kip-provenance"><strong>Provenance.</strong> '
        f"Memo year {memo_year}, scenario {escape(scenario)}. Notebook parameters: "
        f"<code>{escape(json.dumps(params, sort_keys=True))}</code>. "
        f"Code version (git) <code>{escape(versions.code_version())}</code>. "
        f"Packages: {escape(package_list)}. "
        f"Built {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}. "
        f"Raw data SHA-256:<ul>{rows}</ul></div>"
    )


def memo_html(memo_year: int, scenario: str, scenario_text: str, sections: list[Section]) -> str:
    """The whole memo body: title, vintage, banner, executive summary, sections, caveats, provenance."""
    banner = ('<p class="kip-simulated">Contains SIMULATED firm-level method checks, kept apart from the '
              "findings (see caveats)</p>" if any(s.simulated for s in sections) else "")
    return (
        f"<h1>{escape(memo_title(memo_year, scenario))}</h1>"
        f"<p><em>Scenario: {escape(scenario)} — {escape(scenario_text)}.</em></p>"
        f'<p class="kip-vintage">{escape(vintage_note(sections, memo_year))}</p>'
        + banner + executive_summary(sections) + "".join(section_html(s) for s in sections)
        + "<h2>Caveats</h2>" + _items(caveats(sections), "kip-caveats")
        + provenance_footer(memo_year, scenario, sections)
    )
