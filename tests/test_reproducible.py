"""Byte-identical re-runs (issue 20): the same inputs give the same bytes in every HTML page; the one
build-time line follows SOURCE_DATE_EPOCH (or goes with SOURCE_DATE_EPOCH=none)."""

from __future__ import annotations

import shutil

import pytest

from kip_analysis import config
from kip_analysis.batch import execute


@pytest.mark.slow
def test_two_identical_runs_give_identical_pages(tmp_path, monkeypatch):
    source = tmp_path / "notebooks"
    source.mkdir()
    for name in ("00_annual_memo", "01_programme_facts"):
        shutil.copy(config.NOTEBOOKS / f"{name}.ipynb", source)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")  # 2025-12-02 00:00 UTC
    pages = []
    for run in ("first", "second"):
        out = tmp_path / run
        outcomes = execute.run_batch([2020], ["baseline"], out, n_jobs=2, force=True, source_dir=source)
        assert {o.status for o in outcomes} == {"built"}
        pages.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.html"))})
    assert pages[0].keys() == pages[1].keys() and len(pages[0]) >= 3
    different = [str(p) for p in pages[0] if pages[0][p] != pages[1][p]]
    assert not different
    memo = pages[0][next(p for p in pages[0] if p.name == "memo.html")].decode()
    assert "2025-12-02 00:00 UTC" in memo


def test_build_time_line_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "none")
    assert execute.build_time() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert execute.build_time() == "1970-01-01 00:00 UTC"
