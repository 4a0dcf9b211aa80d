"""Byte-identical re-runs (issue 20): the one build-time line follows SOURCE_DATE_EPOCH (or goes with
SOURCE_DATE_EPOCH=none). That a forced re-run from the same inputs gives the same bytes in every page is checked
by tests/test_memos.py::test_failing_notebook_is_isolated, on the batch it runs anyway (issue 21)."""

from __future__ import annotations

from kip_analysis.batch import execute


def test_build_time_line_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "none")
    assert execute.build_time() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert execute.build_time() == "1970-01-01 00:00 UTC"
