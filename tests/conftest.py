"""Shared fixtures: the real raw tables, and a writer for malformed copies of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kip_analysis import config
from kip_analysis.data import catalog


@pytest.hookimpl(optionalhook=True)  # without pytest-xdist (make test XDIST=, -p no:xdist) it is never called
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (``make test`` runs ``-n 2``) every test module that reads the session's memo batch
    runs on one worker, so the batch is built once, not once per worker; that group starts first (xdist's
    load-scope scheduling orders scopes by size). A module with a module-scoped fixture runs on one worker, so
    the fixture is built once; every other test is its own unit of work.

    (``--dist loadgroup`` with ``xdist_group`` marks would say the same, but xdist 3.8 tags the groups on
    ``item._nodeid``, which pytest 9 no longer reads.)
    """
    from xdist.scheduler import LoadScopeScheduling

    texts = {p.name: p.read_text() for p in Path(__file__).parent.glob("test_*.py")}
    together = {name for name, text in texts.items() if "memo_batch" in text}
    by_module = {name for name, text in texts.items() if 'scope="module"' in text}

    class MemoBatchTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            name = Path(nodeid.split("::", 1)[0]).name
            if name in together:
                return "memo_batch"
            return name if name in by_module else nodeid  # a module fixture is built on one worker, not two

    return MemoBatchTogether(config, log)


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
    """One batch for the whole session: the 2019, 2025 and latest baseline memos (the memo, browser, PDF and
    published-numbers tests read it; a second run on the same folder checks the cache). The latest year is past
    the SIMULATED panel's last year, so its effects estimates and choice fits are read from 2025's."""
    from kip_analysis.batch import execute, index

    out = tmp_path_factory.mktemp("memo-batch")
    years = sorted({2019, 2025, config.LAST_YEAR})
    first = execute.run_batch(years, ["baseline"], out, n_jobs=2, force=False)
    assert all(o.status == "built" for o in first), index.summary(first)
    return out, first
