"""The re-layout of the package changed no number: the 2023 baseline memo, read ex post (every
fact, as the code before the move did), publishes the same facts, effects and land table cells
as the code before the move (tests/reference/memo_2023_before_move.json)."""

from __future__ import annotations

import json

import pytest

from kip_analysis import config
from kip_analysis.batch import execute, index
from kip_analysis.report.section import read

pytestmark = pytest.mark.notebook

REFERENCE = json.loads((config.ROOT / "tests" / "reference" / "memo_2023_before_move.json").read_text())


@pytest.fixture(scope="module")
def sections(tmp_path_factory):
    out = tmp_path_factory.mktemp("memo2023")
    outcomes = execute.run_batch([2023], ["baseline"], out, n_jobs=2, force=False, overrides={"vintage": "latest"})
    assert all(o.status == "built" for o in outcomes), index.summary(outcomes)
    return {p.stem: read(p) for p in sorted((out / "2023" / "baseline" / "results").glob("*.json"))}


def test_every_published_table_cell_is_unchanged(sections):
    checked = 0
    for title, ref in REFERENCE["tables"].items():
        table = next((t for t in sections[ref["notebook"]].tables if t.title == title), None)
        assert table is not None, f"table {title!r} is no longer published"
        for row, column, value in ref["cells"]:
            assert table.frame.iloc[row][column] == pytest.approx(value, rel=1e-9, abs=1e-12), (title, row, column)
            checked += 1
    assert checked == sum(len(t["cells"]) for t in REFERENCE["tables"].values()) >= 40


def test_the_ex_post_memo_says_so(sections):
    assert {s.vintage for s in sections.values()} == {"latest", "simulated"}

