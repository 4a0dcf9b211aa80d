"""A notebook that does not take the scenario runs once per year; every scenario's memo reuses it (issue 21)."""

from __future__ import annotations

import nbformat
import pytest

from kip_analysis.batch import execute, index


def _notebook(params: str, body: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    return nb


@pytest.mark.slow
def test_scenario_free_notebooks_run_once_and_are_linked_into_every_scenario(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    nbformat.write(_notebook("as_of_year: int = 2025", "print('facts', as_of_year)"), source / "01_facts.ipynb")
    nbformat.write(_notebook("as_of_year: int = 2025\nscenario: str = 'baseline'", "print(scenario)"),
                   source / "03_targets.ipynb")
    out = tmp_path / "reports"
    names = ["baseline", "slow_growth"]
    outcomes = execute.run_batch([2020], names, out, n_jobs=2, force=False, source_dir=source)
    status = {o.label: o.status for o in outcomes}
    assert status == {"2020/baseline/01_facts": "built", "2020/slow_growth/01_facts": "shared",
                      "2020/baseline/03_targets": "built", "2020/slow_growth/03_targets": "built"}, status
    pages = [out / "2020" / n / "01_facts.html" for n in names]
    assert pages[0].read_bytes() == pages[1].read_bytes()
    assert "(baseline)" not in pages[0].read_text()  # the shared page names no scenario
    assert "1 shared" in index.summary(outcomes)
    again = execute.run_batch([2020], names, out, n_jobs=2, force=False, source_dir=source)
    assert {o.label: o.status for o in again}["2020/slow_growth/01_facts"] == "shared"
    assert {o.status for o in again} <= {"cached", "shared"}
