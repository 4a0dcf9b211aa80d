"""The index page of the memos and the batch's plain-text summary.

May import: io, versions, report.section, batch.jobs.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from html import escape
from pathlib import Path

from kip_analysis import versions
from kip_analysis.batch.jobs import MEMO_NOTEBOOK, Outcome
from kip_analysis.io import atomic_write
from kip_analysis.report.section import Headline
from kip_analysis.report.section import read as read_section

_INDEX_CSS = """
body { font-family: Georgia, serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1d; }
h1, h2 { font-family: "Helvetica Neue", Arial, sans-serif; color: #1f3b57; }
table { border-collapse: collapse; font-family: "Helvetica Neue", Arial, sans-serif; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
.built { color: #1b7f3b; } .cached { color: #1f4e79; } .failed, .skipped { color: #b00020; font-weight: bold; }
.small { font-size: 12px; color: #555; }
figure.trend { margin: 0 0 6px 0; } figure.trend figcaption { font-size: 11px; color: #555; }
"""


def _load_state(out_dir: Path) -> dict[str, dict]:
    path = out_dir / "batch_state.json"
    return json.loads(path.read_text()) if path.exists() else {}


def headlines(folder: Path) -> dict[str, Headline]:
    """The headline answers of one memo's Sections, by key (empty when none is published)."""
    out: dict[str, Headline] = {}
    for path in sorted((folder / "results").glob("*.json")):
        for h in read_section(path).headlines:
            out[h.key] = h
    return out


def _headline_cell(current: dict[str, Headline]) -> str:
    if not current:
        return "—"
    return "".join(f"<div><strong>{escape(h.label)}</strong>: {escape(h.text)}</div>" for h in current.values())


def changes(current: dict[str, Headline], previous: dict[str, Headline] | None) -> list[str]:
    """What changed in the headline answers since the previous year's memo.

    Examples
    --------
    >>> a = {"x": Headline("x", "Rounds", "3 rounds", 3.0)}
    >>> b = {"x": Headline("x", "Rounds", "4 rounds", 4.0), "y": Headline("y", "New", "yes")}
    >>> changes(b, a)
    ['Rounds: 3 rounds → 4 rounds', 'New: yes (new)']
    """
    if previous is None:
        return ["first memo in the series"]
    lines = []
    for key, h in current.items():
        before = previous.get(key)
        if before is None:
            lines.append(f"{h.label}: {h.text} (new)")
        elif before.text != h.text:
            lines.append(f"{h.label}: {before.text} → {h.text}")
    lines += [f"{h.label}: no longer reported" for key, h in previous.items() if key not in current]
    return lines or ["no change in the headline answers"]


def trend_svg(series: dict[int, float], label: str, width: int = 160, height: int = 40) -> str:
    """A small inline SVG line of a headline's value by memo year (no external resources).

    Examples
    --------
    >>> "<svg" in trend_svg({2018: 1.0, 2019: 2.0}, "x")
    True
    """
    points = sorted((y, v) for y, v in series.items() if v is not None)
    if len(points) < 2:
        return ""
    years, values = [p[0] for p in points], [p[1] for p in points]
    lo, hi = min(values), max(values)
    span, yspan = (years[-1] - years[0]) or 1, (hi - lo) or 1.0
    xy = " ".join(f"{4 + (y - years[0]) / span * (width - 8):.1f},{height - 4 - (v - lo) / yspan * (height - 8):.1f}"
                  for y, v in points)
    return (f'<figure class="trend"><svg role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
            f'<polyline fill="none" stroke="#1f4e79" stroke-width="2" points="{xy}"/></svg>'
            f"<figcaption>{escape(label)}, {years[0]}–{years[-1]} memos ({values[0]:.3g} → {values[-1]:.3g})"
            "</figcaption></figure>")


def write_index(out_dir: Path, outcomes: list[Outcome]) -> Path:
    """Write ``index.html`` (every memo by year and scenario: status, headline answers, a small trend
    of each headline, what changed since the previous year's memo, links) and ``batch_state.json``
    (latest outcome of every notebook run).
    """
    state = _load_state(out_dir)
    state.update({o.label: asdict(o) for o in outcomes})
    atomic_write(out_dir / "batch_state.json", json.dumps(state, indent=2, sort_keys=True) + "\n")
    memos: dict[tuple[int, str], list[dict]] = {}
    for rec in state.values():
        memos.setdefault((rec["year"], rec["scenario"]), []).append(rec)
    rows = []
    by_memo = {key: headlines(out_dir / str(key[0]) / key[1]) for key in memos}
    for (year, scenario), recs in sorted(memos.items()):
        folder = out_dir / str(year) / scenario
        current = by_memo[(year, scenario)]
        earlier = [y for (y, s) in by_memo if s == scenario and y < year and by_memo[(y, s)]]
        changed = changes(current, by_memo[(max(earlier), scenario)] if earlier else None)
        series = {key: {y: by_memo[(y, s)][key].value for (y, s) in by_memo
                        if s == scenario and y <= year and key in by_memo[(y, s)]}
                  for key, h in current.items() if h.trend}
        trends = "".join(trend_svg(values, current[key].label) for key, values in series.items())
        failed = [r for r in recs if r["status"] in ("failed", "skipped")]
        memo_rec = next((r for r in recs if r["notebook"] == MEMO_NOTEBOOK), None)
        status = "failed" if failed else (memo_rec or recs[0])["status"]
        memo_link = (f'<a href="{year}/{escape(scenario)}/memo.html">memo</a>'
                     if (folder / "memo.html").exists() else "no memo yet")
        links = " · ".join(
            f'<a href="{year}/{escape(scenario)}/{escape(r["notebook"])}.html">{escape(r["notebook"])}</a>'
            f' (<a href="{year}/{escape(scenario)}/executed/{escape(r["notebook"])}.ipynb">ipynb</a>)'
            for r in sorted(recs, key=lambda r: r["notebook"])
            if r["notebook"] != MEMO_NOTEBOOK and (folder / f'{r["notebook"]}.html').exists())
        problems = "".join(
            f'<div class="failed">{escape(r["notebook"])}: {escape(r["status"])}'
            + (f' at cell [{r["cell"]}]' if r.get("cell") is not None else "")
            + (f' (<code>{escape(r["extra"]["cell_source"])}</code>)' if r.get("extra", {}).get("cell_source") else "")
            + f' — {escape(r["error"])}</div>' for r in failed)
        rows.append(
            f'<tr><td>{year}</td><td>{escape(scenario)}</td><td class="{status}">{status}</td>'
            f"<td>{memo_link}</td><td>{_headline_cell(current)}{problems}</td>"
            f"<td>{trends or '—'}</td><td class=\"small\">{'<br>'.join(escape(c) for c in changed)}</td>"
            f'<td class="small">{links}</td></tr>')
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Hanoi KIP workbook: annual memos</title>"
        f"<style>{_INDEX_CSS}</style></head><body>"
        "<h1>Hanoi Key Industrial Products: annual policy memos</h1>"
        "<p>One memo per year and scenario, built by <code>make memos</code>. Status: "
        "<span class='built'>built</span> (run now), <span class='cached'>cached</span> "
        "(inputs unchanged, not re-run), <span class='failed'>failed</span> (the last good "
        "memo, if any, is kept).</p>"
        "<table><thead><tr><th>year</th><th>scenario</th><th>status</th><th>memo</th>"
        "<th>headline answers</th><th>trend up to this memo</th><th>what changed since the previous memo</th>"
        "<th>notebooks (executed)</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>"
        f'<p class="small">Code version {escape(versions.code_version())}.</p></body></html>\n'
    )
    path = out_dir / "index.html"
    atomic_write(path, page)
    return path


def summary(outcomes: list[Outcome]) -> str:
    """Plain-text batch summary: counts, then every failure with its cell and error."""
    counts = {s: sum(o.status == s for o in outcomes) for s in ("built", "cached", "failed", "skipped")}
    lines = [", ".join(f"{n} {s}" for s, n in counts.items())]
    for o in outcomes:
        if o.status in ("failed", "skipped"):
            cell = f" at cell [{o.cell}]" if o.cell is not None else ""
            if o.extra.get("cell_source"):
                cell += f" ({o.extra['cell_source']})"
            lines.append(f"  {o.status.upper()} {o.label}{cell}: {o.error}")
    return "\n".join(lines)
