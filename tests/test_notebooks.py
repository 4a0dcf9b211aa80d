"""Notebook tier: every notebook runs headless under papermill with test parameters, and
its published results hold the values the package computes."""

from __future__ import annotations

import nbformat
import pandas as pd
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


def test_targets_notebook_leads_with_verdicts_on_the_production_value_base(tmp_path):
    out = tmp_path / "03.json"
    _execute(tmp_path, "03_targets",
             {"as_of_year": 2022, "target_year": 2025, "n_draws": 300, "results_path": str(out)})
    r = read(out)
    assert r.tables[0].title.startswith("Progress verdicts as of 2022")
    verdicts = r.tables[0].frame.set_index("target")
    output = verdicts[verdicts["what"] == "KIP share of city industrial production value"]
    assert output["current"].str.contains("production value|—").all()  # judged on the production-value base
    assert verdicts.loc["d006", "verdict"] in ("on track", "accelerate", "accelerate strongly")
    assert not any(t.title.startswith("Target probabilities") for t in r.tables)  # the gate is closed in 2022
    assert any("has not earned a probability" in c.why for c in r.cannot_say)
    assert any("production-value base" in f for f in r.findings)  # 35.2% and 32.5% against the sourced level
    assert any(f.startswith("Backtest of") for f in r.findings)
    assert {e.name for e in r.exhibits} == {"export_share_history"} and r.vintage == "real_time"


def test_targets_notebook_gives_no_probability_without_a_horizon(tmp_path):
    out = tmp_path / "03.json"
    _execute(tmp_path, "03_targets", {"as_of_year": 2025, "target_year": 2025, "n_draws": 300,
                                      "results_path": str(out)})
    r = read(out)
    assert not any(t.title.startswith("Target probabilities") for t in r.tables)
    assert [e.name for e in r.exhibits] == ["export_share_history"]  # the computed shares, no fan
    assert any("has not earned a probability" in c.why or "has no horizon" in c.why for c in r.cannot_say)
    assert all(float(x.rstrip("%")) <= 100 for f in r.findings for x in __import__("re").findall(r"\d+\.\d%", f))


def test_targets_notebook_runs_ex_post_for_2018(tmp_path):
    out = tmp_path / "03.json"
    _execute(tmp_path, "03_targets", {"as_of_year": 2018, "vintage": "latest", "n_draws": 300,
                                      "results_path": str(out)})
    r = read(out)
    assert r.vintage == "latest" and not {"d005", "d006", "d008"} & set(r.tables[0].frame["target"])


def test_targets_notebook_with_the_estimated_exit_rate_keeps_the_past_unsimulated(tmp_path):
    # the exit rate comes from the SIMULATED panel and enters only a forecast; in 2019 the forecast has not earned
    # a probability (too few scored forecasts), so nothing in the Section is simulated and the past is as sourced
    out = tmp_path / "03.json"
    _execute(tmp_path, "03_targets", {"as_of_year": 2019, "scenario": "estimated_relocation", "n_draws": 300,
                                      "results_path": str(out)})
    r = read(out)
    assert not r.simulated and not r.method_checks and all(not e.simulated for e in r.exhibits)
    assert any("has not earned a probability" in c.why for c in r.cannot_say)


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


def test_effects_notebook_publishes_simulated_results(tmp_path):
    out = tmp_path / "02.json"
    _execute(tmp_path, "02_programme_effects", {"n_boot": 0, "memo_year": 2022, "results_path": str(out)})
    r = read(out)
    assert r.simulated is True and r.method_checks[0].startswith("SIMULATED")
    assert len(r.findings) == 1 and r.findings[0].startswith("What a census extract could detect")
    mde = next(t for t in r.tables if t.title.startswith("What a census extract could detect")).frame
    assert mde["treated firms"].tolist()[:2] == [36, 22] and not mde.empty
    comparison = r.tables[0].frame.set_index("estimator")
    att, se = comparison.loc["Callaway–Sant'Anna (simple)", ["estimate", "se"]]
    truth = comparison.loc["true effect (SIMULATED)", "estimate"]
    assert abs(att - truth) < 3 * se and comparison.loc["naive comparison", "estimate"] > 1
    assert all("SIMULATED" in t.title for t in r.tables if t.simulated) and r.tables[0].simulated
    assert r.cannot_say and "census" in r.cannot_say[0].would_settle
    checks = " ".join(r.method_checks)
    for phrase in ("Pre-test, event-time", "Pre-test, pre-period ATT(g,t)", "breakdown value", "Placebo recognition",
                   "Permutation inference", "PPML", "Estimation sample"):
        assert phrase in checks, phrase
    es = next(t for t in r.tables if t.title.startswith("Event study, base e = -1")).frame
    assert (es.loc[es["event_time"] == -1, "estimate"] == 0).all() and es["covariate_adjusted"].any()


def test_a_scenario_changes_only_the_future_not_the_past(tmp_path):
    # each memo's past values are its vintage's; a scenario's levers reach only a forecast
    frames = {}
    for scenario in ("baseline", "slow_growth"):
        out = tmp_path / f"03-{scenario}.json"
        _execute(tmp_path, "03_targets", {"as_of_year": 2024, "scenario": scenario, "n_draws": 300,
                                          "results_path": str(out)})
        frames[scenario] = read(out).tables[0].frame
    pd.testing.assert_frame_equal(frames["baseline"], frames["slow_growth"])
