"""Notebook tier: every notebook runs headless under papermill with test parameters, and
its published results hold the values the package computes."""

from __future__ import annotations

import json

import nbformat
import papermill
import pytest

from kip_analysis import config, memo_text, memos

pytestmark = pytest.mark.notebook


def _execute(tmp_path, notebook: str, parameters: dict) -> None:
    """Run a notebook headless under papermill with the workbook's kernel."""
    papermill.execute_notebook(
        str(config.NOTEBOOKS / f"{notebook}.ipynb"), str(tmp_path / f"{notebook}.ipynb"), parameters=parameters,
        kernel_name=memos._kernel_name(), cwd=str(config.NOTEBOOKS), progress_bar=False,
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


def test_programme_facts_notebook_publishes_sourced_numbers(tmp_path):
    out = tmp_path / "01.json"
    _execute(tmp_path, "01_programme_facts",
             {"as_of_year": 2020, "source_preference": "low", "results_path": str(out)})
    r = json.loads(out.read_text())
    h = r["headline"]
    assert (h["products_cumulative"], h["firms_cumulative"], h["rounds"]) == (117, 77, 3)
    assert h["reported_totals_match"] and h["targets_met"] == 1  # more than 80 products by 2020
    assert "117 products of 77 firms in 3 rounds" in r["reading"][0]
    assert r["figures"][0]["name"] == "programme_timeline" and len(r["figures"][0]["png_base64"]) > 1000
    assert r["simulated"] is False
    summary = memo_text.executive_summary({"01_programme_facts": r})
    assert summary[0] == r["reading"][0]


def test_memo_notebook_refuses_a_bad_year(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError, match="allowed years: 2018-2025"):
        _execute(tmp_path, "00_annual_memo", {"memo_year": 2031, "results_dir": str(tmp_path)})


def test_targets_notebook_publishes_probabilities(tmp_path):
    out = tmp_path / "03.json"
    _execute(tmp_path, "03_targets",
             {"as_of_year": 2022, "target_year": 2025, "n_draws": 300, "results_path": str(out)})
    r = json.loads(out.read_text())
    probs = {p["target_id"]: p for p in r["headline"]["probabilities"]}
    assert set(probs) == {"w035", "d008", "w033+w034", "d007"}
    for p in probs.values():
        assert 0 <= p["p_in_range"] <= p["p_reach_low"] <= 1 and p["q10"] <= p["median"] <= p["q90"]
    assert any(s.startswith("The 2025 target for the KIP share of city exports") for s in r["reading"])
    assert {f["name"] for f in r["figures"]} == {"output_share_fan", "export_share_fan"}
    summary = memo_text.executive_summary({"03_targets": r})
    assert any("P = " in s for s in summary)


def test_targets_notebook_refuses_target_year_before_as_of(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError, match="before as_of_year"):
        _execute(tmp_path, "03_targets", {"as_of_year": 2024, "target_year": 2022})


def test_land_notebook_publishes_labelled_results(tmp_path):
    out = tmp_path / "04.json"
    _execute(tmp_path, "04_land_relocation", {"n_draws": 100, "subsidy_share": 0.3, "results_path": str(out)})
    r = json.loads(out.read_text())
    assert r["simulated"] is True and "SIMULATED" in r["reading"][2] and "SIMULATED" in r["reading"][3]
    assert r["headline"]["fdi_land_access_se"] > 0 and r["headline"]["subsidy_share"] == 0.3
    assert "30%" in r["reading"][3]
    caveat = memo_text.caveats({"04_land_relocation": r})[0]
    assert caveat.startswith("SIMULATED")


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


def test_effects_notebook_publishes_simulated_results(tmp_path):
    out = tmp_path / "02.json"
    _execute(tmp_path, "02_programme_effects", {"n_boot": 0, "memo_year": 2022, "results_path": str(out)})
    r = json.loads(out.read_text())
    h = r["headline"]
    assert r["simulated"] is True and r["reading"][0].startswith("SIMULATED")
    assert abs(h["att"] - h["true_att"]) < 3 * h["se"] and h["naive"] > 1
    assert any("SIMULATED" in caption for caption in r["tables"])
