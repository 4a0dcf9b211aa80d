"""Shared fixtures: the real raw tables, and a writer for malformed copies of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kip_analysis import config
from kip_analysis.data import catalog


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test``: ``-n 2 --dist loadgroup``) every test that reads the session's memo
    batch runs on the same worker, so the batch is built once, not once per worker."""
    for item in items:
        if "memo_batch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("memo_batch"))


@pytest.fixture(scope="session")
def facts_text() -> str:
    return catalog.get("programme_facts").path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def web_text() -> str:
    return catalog.get("web_figures").path.read_text(encoding="utf-8")


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write text (or bytes) to a CSV in a temporary folder and return its path."""

    def _write(content: str | bytes, name: str = "table.csv") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def articles_dir() -> Path:
    if not config.ARTICLES.is_dir():
        pytest.skip(f"source articles not found at {config.ARTICLES} (set KIP_SHARED_DIR)")
    return config.ARTICLES


@pytest.fixture(scope="session")
def memo_batch(tmp_path_factory):
    """One batch for the whole session: the 2019 and 2025 baseline memos (the memo, browser and PDF tests
    read it; a second run on the same folder checks the cache)."""
    from kip_analysis.batch import execute, index

    out = tmp_path_factory.mktemp("memo-batch")
    first = execute.run_batch([2019, 2025], ["baseline"], out, n_jobs=2, force=False)
    assert all(o.status == "built" for o in first), index.summary(first)
    return out, first
