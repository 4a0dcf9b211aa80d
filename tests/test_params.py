"""Parameters are validated with errors that list the allowed values."""

from __future__ import annotations

import pytest

from kip_analysis import config
from kip_analysis.analyses.facts.params import validate as validate_facts
from kip_analysis.analyses.targets import scenarios
from kip_analysis.batch import cli, jobs
from kip_analysis.errors import ParameterError


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of_year": 2017, "source_preference": "low"}, f"allowed years: 2018-{config.LAST_YEAR}"),
        ({"as_of_year": "2020", "source_preference": "low"}, "must be an integer year"),
        ({"as_of_year": True, "source_preference": "low"}, "must be an integer year"),
        ({"as_of_year": 2020, "source_preference": "median"}, "expected one of low, high, latest, earliest"),
    ],
)
def test_facts_params_refused(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        validate_facts(**kwargs)


def test_scenario_must_be_defined():
    assert scenarios.check_scenario("baseline") == "baseline"
    with pytest.raises(ParameterError, match="expected one of baseline"):
        scenarios.check_scenario("utopia")


def test_years_option():
    assert jobs.parse_years("2019,2021-2022") == [2019, 2021, 2022]
    assert jobs.parse_years(None) == list(range(2018, config.LAST_YEAR + 1))
    cases = [(str(config.LAST_YEAR + 1), "out of range"), ("20x9", "not a year"), ("2021-2019", "selects no year")]
    for bad, message in cases:
        with pytest.raises(ParameterError, match=message):
            jobs.parse_years(bad)


def test_overrides_are_typed_by_the_notebooks_declarations():
    declared = {"01_x": {"as_of_year": {"inferred_type_name": "int"},
                         "source_preference": {"inferred_type_name": "str"},
                         "n_draws": {"inferred_type_name": "int"}}}
    assert jobs.parse_overrides(["n_draws=500", "source_preference=high"], declared) == {
        "n_draws": 500, "source_preference": "high"}
    with pytest.raises(ParameterError, match="unknown parameter; the notebooks declare: n_draws, source_preference"):
        jobs.parse_overrides(["ndraws=5"], declared)
    with pytest.raises(ParameterError, match="expected a value of type int"):
        jobs.parse_overrides(["n_draws=many"], declared)
    with pytest.raises(ParameterError, match="set by the batch itself"):
        jobs.parse_overrides(["as_of_year=2020"], declared)


def test_cli_rejects_bad_parameters_before_any_kernel(capsys, tmp_path):
    assert cli.main(["--years", "2030", "--out", str(tmp_path)]) == 2
    assert f"allowed years: 2018-{config.LAST_YEAR}" in capsys.readouterr().err
    assert cli.main(["--scenario", "utopia", "--out", str(tmp_path)]) == 2
    assert "scenario 'utopia' is not defined" in capsys.readouterr().err
    assert cli.main(["-p", "bogus=1", "--out", str(tmp_path)]) == 2
    assert "unknown parameter" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("lease_ratio=-1", "04_land_relocation: lease_ratio=-1.0: expected a positive number"),
        ("subsidy_share=1.5", "04_land_relocation: subsidy_share=1.5: expected a share of the gap"),
        ("n_boot=5", "02_programme_effects: n_boot=5: expected an integer 99-9999 or 0"),
        ("outcome=log_profit", "02_programme_effects: outcome='log_profit' is not allowed"),
        ("n_draws=10", "n_draws=10: expected an integer"),
    ],
)
def test_cli_rejects_bad_values_in_the_parent_before_any_kernel(capsys, tmp_path, monkeypatch, override, message):
    from kip_analysis.batch import execute

    def no_kernels(*args, **kwargs):
        raise AssertionError("a kernel was started before the parameter values were validated")

    monkeypatch.setattr(execute, "run_all", no_kernels)
    assert cli.main(["-p", override, "--years", "2020", "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_batch_and_the_notebooks_use_the_same_validators():
    from kip_analysis.analyses import VALIDATORS

    for notebook, validator in VALIDATORS.items():
        twin = (jobs.config.NOTEBOOKS / f"{notebook}.py").read_text()
        assert f"from {validator.__module__} import validate" in twin, notebook
