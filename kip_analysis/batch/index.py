"""The index page of the memos and the batch's plain-text summary.

May import: io, versions, batch.jobs.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from html import escape
from pathlib import Path

from kip_analysis import versions
from kip_analysis.batch.jobs import MEMO_NOTEBOOK, Outcome
from kip_analysis.io import atomic_write

_INDEX_CSS = """
body { font-family: Georgia, serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1d; }
h1, h2 { font-family: "Helvetica Neue", Arial, sans-serif; color: #1f3b57; }
table { border-collapse: collapse; font-family: "Helvetica Neue", Arial, sans-serif; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
.built { color: #1b6e34; } .cached, .shared { color: #1f4e79; }
.failed, .skipped, .stale, .interrupted { color: #b00020; font-weight: bold; }
.small { font-size: 12px; color: #4a4a4a; }
.wrap { overflow-x: auto; max-width: 100%; }
.chip { display: inline-block; padding: 1px 7px; border-radius: 9px; color: #fff; text-decoration: none;
  font-size: 12px; white-space: nowrap; }
.chip.good { background: #1a6fb0; } .chip.bad { background: #c2410c; } .chip.none { background: #595959; }
.chip.good::before { content: "✔ "; } .chip.bad::before { content: "✘ "; } .chip.none::before { content: "? "; }
figure.trend { margin: 0 0 6px 0; } figure.trend figcaption { font-size: 11px; color: #555; }
"""


def _load_state(out_dir: Path) -> dict[str, dict]:
    path = out_dir / "batch_state.json"
    return json.loads(path.read_text()) if path.exists() else {}


def memo_results(folder: Path) -> dict | None:
    """A memo's ``results.json`` (None when the memo has not been written)."""
    path = folder / "results.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _verdicts(results: dict) -> dict[tuple[str, int], dict]:
    """The dashboard rows of one memo by (metric, target year)."""
    return {(r["metric"], int(r["year"])): r for r in results.get("dashboard", [])}


def _fact_ids(results: dict, keys: list[str]) -> set[str]:
    est = {e["key"]: e for e in results.get("estimates", [])}
    return {f for k in keys for f in est.get(k, {}).get("fact_ids", [])}


def revisions(current: dict, previous: dict | None, year: int, prev_year: int | None) -> list[str]:
    """Every target whose verdict or value changed since the previous memo, with its cause.

    Examples
    --------
    >>> row = {"metric": "m", "year": 2021, "what": "Share", "verdict": "missed", "current": "14%", "keys": ["t.a"]}
    >>> cur = {"dashboard": [{**row, "verdict": "met", "current": "15%"}],
    ...        "estimates": [{"key": "t.a", "fact_ids": ["w001", "w002"]}]}
    >>> prev = {"dashboard": [row], "estimates": [{"key": "t.a", "fact_ids": ["w001"]}]}
    >>> revisions(cur, prev, 2023, 2022)
    ['Share 2021: missed in the 2022 memo, met in the 2023 memo (14% → 15%), because row w002 arrived.']
    """
    if previous is None:
        return ["first memo in the series"]
    lines = []
    now, before = _verdicts(current), _verdicts(previous)
    for key, r in sorted(now.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        b = before.get(key)
        if b is None:
            lines.append(f"{r['what']} {key[1]}: first judged in the {year} memo ({r['verdict']}).")
            continue
        if b["verdict"] == r["verdict"] and b["current"] == r["current"]:
            continue
        new = sorted(_fact_ids(current, list(r["keys"])) - _fact_ids(previous, list(b["keys"])))
        gone = sorted(_fact_ids(previous, list(b["keys"])) - _fact_ids(current, list(r["keys"])))
        cause = (f"row{'s' if len(new) > 1 else ''} {' '.join(new)} arrived" if new else
                 f"row{'s' if len(gone) > 1 else ''} {' '.join(gone)} no longer used" if gone else
                 "the same rows, computed again (code or assumptions changed)")
        change = (f"{b['verdict']} in the {prev_year} memo, {r['verdict']} in the {year} memo"
                  if b["verdict"] != r["verdict"] else f"{r['verdict']} in both memos")
        values = f" ({b['current']} → {r['current']})" if b["current"] != r["current"] else ""
        lines.append(f"{r['what']} {key[1]}: {change}{values}, because {cause}.")
    lines += [f"{b['what']} {key[1]}: no longer on the dashboard." for key, b in before.items() if key not in now]
    return lines or ["no target's verdict or value changed"]


def _chip(row: dict | None, href: str) -> str:
    if row is None:
        return "<td>—</td>"
    group = {"met": "good", "on track": "good", "cannot be assessed": "none", "undetermined": "none"}.get(
        row["verdict_class"], "bad")
    return (f'<td><a class="chip {group}" href="{escape(href)}">{escape(row["verdict"])}</a>'
            f'<div class="small">{escape(row["current"])}</div></td>')


def write_index(out_dir: Path, outcomes: list[Outcome]) -> Path:
    """Write ``index.html`` (a dashboard: each target's verdict as each memo gave it at the time, the
    real-data answers per memo year, the revisions since the previous memo with their causes, and the
    state of every memo) and ``batch_state.json`` (latest outcome of every notebook run).
    """
    state = _load_state(out_dir)
    state.update({o.label: asdict(o) for o in outcomes})
    atomic_write(out_dir / "batch_state.json", json.dumps(state, indent=2, sort_keys=True) + "\n")
    memos: dict[tuple[int, str], list[dict]] = {}
    for rec in state.values():
        memos.setdefault((rec["year"], rec["scenario"]), []).append(rec)
    results = {key: memo_results(out_dir / str(key[0]) / key[1]) for key in memos}
    scenarios = sorted({s for _, s in memos}, key=lambda s: (s != "baseline", s))
    blocks = []
    for scenario in scenarios:
        years = sorted(y for (y, s) in memos if s == scenario and results[(y, s)])
        if not years:
            continue
        dashboards = {y: _verdicts(results[(y, scenario)]) for y in years}
        targets = sorted({k for rows in dashboards.values() for k in rows}, key=lambda k: (k[1], k[0]))
        names = {k: r["what"] for rows in dashboards.values() for k, r in rows.items()}
        head = "".join(f'<th scope="col"><a href="{y}/{escape(scenario)}/memo.html">{y} memo</a></th>' for y in years)
        body = "".join(
            f'<tr><th scope="row">{escape(names[k])}, {k[1]}</th>'
            + "".join(_chip(dashboards[y].get(k), f"{y}/{scenario}/memo.html#dashboard")
                      for y in years) + "</tr>" for k in targets)
        answers = "".join(
            f'<tr><th scope="row"><a href="{y}/{escape(scenario)}/memo.html">{y}</a></th>'
            + "".join(f"<td>{escape(a['verdict'])}<div class=\"small\">{escape(a['number'])}</div></td>"
                      for a in results[(y, scenario)].get("answers", []))
            + "</tr>" for y in years)
        questions = "".join(f'<th scope="col">{escape(a["question"])}</th>'
                            for a in results[(years[-1], scenario)].get("answers", []))
        changes = "".join(
            f"<li><strong>{y} memo</strong><ul>" + "".join(
                f"<li>{escape(c)}</li>" for c in revisions(results[(y, scenario)], results[(p, scenario)] if p
                                                           else None, y, p)) + "</ul></li>"
            for y, p in zip(years, [None, *years[:-1]], strict=True))
        blocks.append(
            f"<h2>Scenario {escape(scenario)}</h2>"
            "<h3>Each target's verdict as each memo gave it at the time</h3>"
            f'<div class="wrap"><table><thead><tr><th scope="col">target, due</th>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
            "<h3>The three answers, by memo year (real data only)</h3>"
            f'<div class="wrap"><table><thead><tr><th scope="col">memo</th>{questions}</tr></thead>'
            f"<tbody>{answers}</tbody></table></div>"
            f"<h3>What changed since the previous memo</h3><ul>{changes}</ul>")
    rows = []
    for (year, scenario), recs in sorted(memos.items()):
        folder = out_dir / str(year) / scenario
        failed = [r for r in recs if r["status"] in ("failed", "skipped", "interrupted")]
        memo_rec = next((r for r in recs if r["notebook"] == MEMO_NOTEBOOK), None)
        status = "stale" if failed else (memo_rec or recs[0])["status"]
        memo_link = (f'<a href="{year}/{escape(scenario)}/memo.html">memo</a> · '
                     f'<a href="{year}/{escape(scenario)}/memo.vi.html" hreflang="vi">tiếng Việt</a>'
                     if (folder / "memo.html").exists() else "no memo yet")
        if failed and (folder / "memo.html").exists():
            memo_link += " (the last good memo: this run's did not finish, so none of its files were published)"
        links = " · ".join(
            f'<a href="{year}/{escape(scenario)}/{escape(r["notebook"])}.html">{escape(r["notebook"])}</a>'
            for r in sorted(recs, key=lambda r: r["notebook"])
            if r["notebook"] != MEMO_NOTEBOOK and (folder / f'{r["notebook"]}.html').exists())
        problems = "".join(
            f'<div class="failed">{escape(r["notebook"])}: {escape(r["status"])}'
            + (f' at cell [{r["cell"]}]' if r.get("cell") is not None else "")
            + (f' (<code>{escape(r["extra"]["cell_source"])}</code>)' if r.get("extra", {}).get("cell_source") else "")
            + f' — {escape(r["error"])}</div>' for r in failed)
        rows.append(f'<tr><td>{year}</td><td>{escape(scenario)}</td><td class="{status}">{status}</td>'
                    f"<td>{memo_link}{problems}</td><td class=\"small\">{links}</td></tr>")
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Hanoi KIP workbook: annual memos</title>"
        f"<style>{_INDEX_CSS}</style></head><body><main>"
        "<h1>Hanoi Key Industrial Products: annual policy memos</h1>"
        "<p>Each memo answers three questions from the data published by its year. Below: each target's verdict "
        "as each memo gave it, the answers by year, and what changed from one memo to the next, with the cause.</p>"
        + "".join(blocks)
        + "<h2>Memos and the notebook runs behind them</h2><p>Status: <span class='built'>built</span> (run now), "
        "<span class='cached'>cached</span> (inputs unchanged, not re-run), <span class='stale'>stale</span> (a "
        "notebook failed or the run was stopped: the last good memo, pages and results are kept, unchanged).</p>"
        '<div class="wrap"><table><thead><tr><th scope="col">year</th><th scope="col">scenario</th>'
        '<th scope="col">status</th><th scope="col">memo</th><th scope="col">analysis pages</th></tr></thead><tbody>'
        + "".join(rows) + "</tbody></table></div>"
        f'<p class="small">Code version {escape(versions.code_version())}.</p></main></body></html>\n'
    )
    path = out_dir / "index.html"
    atomic_write(path, page)
    return path


def summary(outcomes: list[Outcome]) -> str:
    """Plain-text batch summary: counts, then every failure with its cell and error."""
    counts = {s: sum(o.status == s for o in outcomes)
              for s in ("built", "cached", "shared", "failed", "skipped", "interrupted")}
    lines = [", ".join(f"{n} {s}" for s, n in counts.items() if n or s in ("built", "cached", "failed"))]
    for o in outcomes:
        if o.status == "built" and o.extra.get("why"):
            lines.append(f"  built {o.label}: {o.extra['why']}")
    for o in outcomes:
        if o.extra.get("kernel_retried"):
            lines.append(f"  RETRIED {o.label}: its first kernel did not start ({o.extra['kernel_retried']}); "
                         "it ran in a kernel started the usual way")
    for o in outcomes:
        if o.extra.get("not_published"):
            lines.append(f"  NOT PUBLISHED {o.label}: {o.extra['not_published']}")
        if o.status in ("failed", "skipped", "interrupted"):
            cell = f" at cell [{o.cell}]" if o.cell is not None else ""
            if o.extra.get("cell_source"):
                cell += f" ({o.extra['cell_source']})"
            lines.append(f"  {o.status.upper()} {o.label}{cell}: {o.error}")
    return "\n".join(lines)
