"""Parameters are validated with errors that list the allowed values."""

from __future__ import annotations

import pytest

from kip_analysis import memos, scenarios
from kip_analysis.errors import ParameterError
from kip_analysis.params import validate_facts


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of_year": 2017, "source_preference": "low"}, "allowed years: 2018-2025"),
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
    assert memos.parse_years("2019,2021-2022") == [2019, 2021, 2022]
    assert memos.parse_years(None) == list(range(2018, 2026))
    for bad, message in [("2026", "out of range"), ("20x9", "not a year"), ("2021-2019", "selects no year")]:
        with pytest.raises(ParameterError, match=message):
            memos.parse_years(bad)


def test_overrides_are_typed_by_the_notebooks_declarations():
    declared = {"01_x": {"as_of_year": {"inferred_type_name": "int"},
                         "source_preference": {"inferred_type_name": "str"},
                         "n_draws": {"inferred_type_name": "int"}}}
    assert memos.parse_overrides(["n_draws=500", "source_preference=high"], declared) == {
        "n_draws": 500, "source_preference": "high"}
    with pytest.raises(ParameterError, match="unknown parameter; the notebooks declare: n_draws, source_preference"):
        memos.parse_overrides(["ndraws=5"], declared)
    with pytest.raises(ParameterError, match="expected a value of type int"):
        memos.parse_overrides(["n_draws=many"], declared)
    with pytest.raises(ParameterError, match="set by the batch itself"):
        memos.parse_overrides(["as_of_year=2020"], declared)


def test_cli_rejects_bad_parameters_before_any_kernel(capsys, tmp_path):
    assert memos.main(["--years", "2030", "--out", str(tmp_path)]) == 2
    assert "allowed years: 2018-2025" in capsys.readouterr().err
    assert memos.main(["--scenario", "utopia", "--out", str(tmp_path)]) == 2
    assert "scenario 'utopia' is not defined" in capsys.readouterr().err
    assert memos.main(["-p", "bogus=1", "--out", str(tmp_path)]) == 2
    assert "unknown parameter" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
