"""The memo batch: builds, caches, isolates failures, escapes text, stays offline."""

from __future__ import annotations

import html
import json
import re
import shutil

import nbformat
import pytest

from kip_analysis import config
from kip_analysis.batch import execute, index, jobs
from kip_analysis.report import memo as memo_module
from kip_analysis.report.section import read as read_section

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def built(memo_batch):
    out, first = memo_batch
    second = execute.run_batch([2019, 2025], ["baseline"], out, n_jobs=2, force=False)
    return out, first, second


def test_batch_builds_memo_files_pages_and_index(built):
    out, first, _ = built
    analysis, memo = jobs.notebooks()
    assert {(o.notebook, o.status) for o in first if o.year == 2019} == {(p.stem, "built") for p in [*analysis, memo]}
    folder = out / "2019" / "baseline"
    for path in ("memo.html", "memo.vi.html", "results.json", "data/targets_dashboard.csv",
                 "01_programme_facts.html", "executed/01_programme_facts.ipynb",
                 "executed/00_annual_memo.ipynb", "results/01_programme_facts.json"):
        assert (folder / path).exists(), path
    page = html.unescape((out / "index.html").read_text())
    assert 'href="2019/baseline/memo.html"' in page and "first memo in the series" in page
    assert "SIMULATED" not in page


def test_memo_answers_come_from_the_published_estimates(built):
    out, _, _ = built
    folder = out / "2019" / "baseline"
    result = read_section(folder / "results" / "01_programme_facts.json")
    est = {e.key: e for e in result.estimates}
    memo = html.unescape((folder / "memo.html").read_text())
    assert f"made {est['facts.products_cumulative'].number:.0f} product recognitions" in memo
    assert "Bottom line" in memo and "Provenance" in memo and "Caveats" in memo and 'id="annex"' in memo
    assert result.findings[0] in memo  # the annex keeps every finding
    assert "<title>Hanoi Key Industrial Products: policy memo 2019 (baseline)</title>" in memo
    payload = json.loads((folder / "results.json").read_text())
    keys = {e["key"] for e in payload["estimates"]}
    assert {"facts.products_cumulative", "effects.mde", "land.fdi_land_access"} <= keys
    assert any(k.startswith("targets.") and k.endswith(".verdict") for k in keys)


def test_a_2019_memo_cites_nothing_published_after_2019(built):
    from kip_analysis.data import processed

    out, _, _ = built
    available = {}
    for fact_id, date in processed.load("facts").set_index("fact_id")["available_from"].items():
        for part in str(fact_id).split("+"):
            available[part] = date
    folder = out / "2019" / "baseline"
    payload = json.loads((folder / "results.json").read_text())
    cited = {f for e in payload["estimates"] for f in e["fact_ids"]}
    sections = [read_section(p) for p in (folder / "results").glob("*.json")]
    cited |= set(memo_module.cited_fact_ids(sections))
    cited &= set(available)
    assert len(cited) > 10
    late = sorted(f for f in cited if available[f] > "2019-12-31")
    assert late == [], f"the 2019 memo cites facts published later: {late}"
    memo = html.unescape((folder / "memo.html").read_text())
    assert "Real-time memo: it uses only figures published by the end of 2019" in memo
    for section in sections:
        assert section.vintage in ("real_time", "simulated")
    land = read_section(folder / "results" / "04_land_relocation.json")
    years_named = {int(y) for c in land.cannot_say for y in re.findall(r"\b(20[12]\d)\b", c.why)}
    assert max(years_named, default=2019) <= 2019, years_named  # no later rent year named in a 2019 memo
    pci = next(t for t in land.tables if t.title.startswith("Hanoi's PCI composite"))
    assert pci.title.endswith("2016-2018") and pci.frame["year"].max() == 2018


def test_memo_html_is_offline_and_code_free(built):
    out, _, _ = built
    memo = (out / "2019" / "baseline" / "memo.html").read_text()
    assert not re.search(r"<script[^>]+src=", memo)
    assert "Kernel is running over TCP" not in memo
    assert not re.search(r"<link[^>]+href=\"https?:", memo)
    assert "import kip_analysis" not in memo
    assert memo.count("data:image/png;base64,") >= 1


def test_second_run_is_cached(built):
    _, _, second = built
    assert {o.status for o in second} == {"cached"}


def _shown(executed) -> str:
    """Everything an executed notebook displays."""
    nb = nbformat.read(executed, as_version=4)
    return "".join(str(o.get("data", {})) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_the_effects_and_targets_notebooks_run_headless_and_show_their_details(built):
    # the papermill smoke runs of 02 and 03 are the batch's; their decisions are tested in-process
    # (tests/test_effects_run.py, tests/test_targets_run.py)
    folder = built[0] / "2019" / "baseline"
    effects = read_section(folder / "results" / "02_programme_effects.json")
    assert effects.simulated is True and effects.method_checks[0].startswith("SIMULATED")
    assert effects.findings[0].startswith("What a census extract could detect") and effects.tables[0].simulated
    assert effects.params["memo_year"] == 2019
    shown = _shown(folder / "executed" / "02_programme_effects.ipynb")
    assert "Callaway" in shown and "image/png" in shown  # the comparison table and the event-study figure
    targets = read_section(folder / "results" / "03_targets.json")
    assert targets.tables[0].title.startswith("Progress verdicts as of 2019") and targets.vintage == "real_time"
    assert {e.name for e in targets.exhibits} == {"export_share_history"}
    shown = _shown(folder / "executed" / "03_targets.ipynb")
    assert "Anchors agree" in shown and "Forecast gate" in shown and "image/png" in shown


def test_index_escapes_text_from_data(tmp_path):
    bad = jobs.Outcome("2020/baseline/01_x", "01_x", 2020, "baseline", "failed", cell=3,
                        error="<script>alert(1)</script>")
    page = index.write_index(tmp_path, [bad]).read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "at cell [3]" in page


def _broken_notebook(fail_year: int | None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "kip-workbook", "display_name": "KIP", "language": "python"}
    params = nbformat.v4.new_code_cell("as_of_year: int = 2025")
    params.metadata["tags"] = ["parameters"]
    body = (f"if as_of_year == {fail_year}:\n    raise RuntimeError('deliberate failure')"
            if fail_year else "print('fine')")
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    return nb


def _pages(folder):
    """Every HTML page's bytes but the broken notebook's (its code is edited between the runs)."""
    return {p: p.read_bytes() for p in sorted(folder.rglob("*.html")) if "05_broken" not in p.name}


def test_failing_notebook_is_isolated(tmp_path, monkeypatch):
    # also the byte-for-byte check (issue 20): 2019's facts page and memo are rebuilt (forced) from the same inputs
    # and give the same bytes
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")  # 2025-12-02 00:00 UTC
    source = tmp_path / "notebooks"
    source.mkdir()
    for name in ("00_annual_memo", "01_programme_facts"):
        shutil.copy(config.NOTEBOOKS / f"{name}.ipynb", source)
    nbformat.write(_broken_notebook(None), source / "05_broken.ipynb")
    out = tmp_path / "reports"
    ok = execute.run_batch([2019, 2020], ["baseline"], out, n_jobs=2, force=False, source_dir=source)
    assert all(o.status == "built" for o in ok)
    memo_2020 = out / "2020" / "baseline" / "memo.html"
    folder = out / "2020" / "baseline"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    pages_2019 = _pages(out / "2019")
    assert len(pages_2019) >= 2 and "2025-12-02 00:00 UTC" in (out / "2019" / "baseline" / "memo.html").read_text()

    nbformat.write(_broken_notebook(2020), source / "05_broken.ipynb")
    outcomes = execute.run_batch([2019, 2020], ["baseline"], out, n_jobs=2, force=True, source_dir=source)
    status = {o.label: o for o in outcomes}
    failed = status["2020/baseline/05_broken"]
    # cell [3] in the executed copy: papermill inserts the injected-parameters cell
    assert failed.status == "failed" and failed.cell == 3 and "deliberate failure" in failed.error
    assert failed.extra["cell_source"] == "if as_of_year == 2020:"
    assert status["2019/baseline/05_broken"].status == "built"
    assert status["2019/baseline/01_programme_facts"].status == "built"  # forced: run again from the same inputs
    # byte for byte (05_broken itself was edited between the runs)
    assert _pages(out / "2019") == pages_2019
    assert status["2020/baseline/00_annual_memo"].status == "skipped"
    # all or nothing: 01 was rebuilt (forced) for 2020 too, yet no page, result or memo of 2020 changed
    assert status["2020/baseline/01_programme_facts"].extra.get("not_published")
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before and memo_2020.exists()
    assert (out / "failed-runs" / "2020" / "baseline" / "05_broken.failed.ipynb").exists()
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("*.partial")) and not (out / ".staging").exists()
    assert not (out / ".batch.lock").exists()
    page = (out / "index.html").read_text()
    assert "05_broken: failed at cell [3] (<code>if as_of_year == 2020:</code>)" in page
    assert "deliberate failure" in page
    assert ("FAILED 2020/baseline/05_broken at cell [3] (if as_of_year == 2020:): RuntimeError: deliberate failure"
            in index.summary(outcomes))
