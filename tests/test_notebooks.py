"""Notebook tier: every notebook runs headless under papermill with test parameters, and
its published results hold the values the package computes. The smoke runs of 02 and 03 are the session
batch's own papermill runs (tests/test_memos.py); their numbers are tested in-process."""

from __future__ import annotations

import nbformat
import papermill
import pytest

from kip_analysis import config
from kip_analysis.batch import execute
from kip_analysis.report.section import read

pytestmark = pytest.mark.notebook


def _execute(tmp_path, notebook: str, parameters: dict) -> None:
    """Run a notebook headless under papermill with the workbook's kernel."""
    papermill.execute_notebook(
        str(config.NOTEBOOKS / f"{notebook}.ipynb"), str(tmp_path / f"{notebook}.ipynb"), parameters=parameters,
        kernel_name=execute._kernel_name(), cwd=str(config.NOTEBOOKS), progress_bar=False,
    )


def test_every_notebook_has_a_parameters_cell_and_a_text_twin():
    found = sorted(config.NOTEBOOKS.glob("*.ipynb"))
    assert found, "no notebooks"
    for path in found:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: expected one cell tagged 'parameters'"
        assert path.with_suffix(".py").exists(), f"{path.name}: no jupytext .py twin"
        twin = path.with_suffix(".py").read_text()
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.source.strip().splitlines()[0] in twin, f"{path.name} and its .py twin differ"


def test_every_notebook_equals_its_text_twin():
    import jupytext

    for path in sorted(config.NOTEBOOKS.glob("*.ipynb")):
        ours = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        twin = [c.source for c in jupytext.read(path.with_suffix(".py")).cells if c.cell_type == "code"]
        assert ours == twin, f"{path.name} differs from its .py twin: run make notebooks"


def test_programme_facts_notebook_publishes_sourced_numbers(tmp_path):
    out = tmp_path / "01.json"
    _execute(tmp_path, "01_programme_facts",
             {"as_of_year": 2020, "source_preference": "low", "results_path": str(out)})
    r = read(out)
    headlines = {h.key: h for h in r.headlines}
    assert headlines["recognitions"].value == 117
    assert "117 product-recognitions and 77 firm-recognitions in 3 rounds" in r.findings[0]
    assert r.exhibits[0].name == "programme_timeline" and len(r.exhibits[0].png_base64) > 1000
    assert r.simulated is False and not r.method_checks
    assert r.raw_sha256 and r.params == {"as_of_year": 2020, "vintage": "real_time", "source_preference": "low"}
    est = {e.key: e for e in r.estimates}
    assert est["facts.products_cumulative"].number == 117 and est["facts.firms_cumulative"].number == 77
    assert est["facts.rounds"].number == 3 and est["facts.products_cumulative"].status == "actual"
    assert set(est["facts.products_cumulative"].fact_ids) and not r.headlines[1:]  # no status stated here
    assert any("official KIP share" in c.would_settle for c in r.cannot_say)


def test_memo_notebook_refuses_a_bad_year(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError, match=f"allowed years: 2018-{config.LAST_YEAR}"):
        _execute(tmp_path, "00_annual_memo", {"memo_year": 2031, "results_dir": str(tmp_path)})


def test_targets_notebook_refuses_target_year_before_as_of(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError, match="before as_of_year"):
        _execute(tmp_path, "03_targets", {"as_of_year": 2024, "target_year": 2022})


def test_land_notebook_refuses_bad_parameters(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError, match="expected a share of the gap between 0 and 1"):
        _execute(tmp_path, "04_land_relocation", {"subsidy_share": 1.5})


def test_every_parameter_is_typed_for_papermill():
    # a quote or apostrophe in a parameter's comment stops papermill parsing the line, and
    # the batch would then pass -p values as untyped strings
    for path in sorted(config.NOTEBOOKS.glob("*.ipynb")):
        declared = papermill.inspect_notebook(str(path))
        assert declared, path.name
        for name, spec in declared.items():
            assert spec["inferred_type_name"] not in (None, "None"), (path.name, name)
            assert spec["help"], f"{path.name}: parameter {name} has no comment documenting it"
