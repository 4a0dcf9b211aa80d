"""The targets analysis as a function (issue 21): ``run(params)`` in-process gives the Section notebook 03
publishes; its decisions (verdicts on the production-value base, the forecast gate, no probability
without a horizon, the ex-post 2018 reading, a land scenario's SIMULATED exit rate kept out of the past)
are tested here on numbers, not through a kernel."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kip_analysis.analyses.targets import run as targets_run
from kip_analysis.analyses.targets.params import validate

pytestmark = pytest.mark.slow


def _section(**params):
    p = validate(**params)
    r = targets_run.run(p)
    return r, targets_run.section(r, p)


def test_targets_lead_with_verdicts_on_the_production_value_base():
    r, sec = _section(as_of_year=2022, target_year=2025, n_draws=300)
    assert sec.tables[0].title.startswith("Progress verdicts as of 2022")
    verdicts = sec.tables[0].frame.set_index("target")
    output = verdicts[verdicts["what"] == "KIP share of city industrial production value"]
    assert output["current"].str.contains("production value|—").all()  # judged on the production-value base
    assert verdicts.loc["d006", "verdict"] in ("on track", "accelerate", "accelerate strongly")
    assert not r.gate_open and r.gate_reasons and r.forecast is None and r.probabilities.empty
    assert not any(t.title.startswith("Target probabilities") for t in sec.tables)  # the gate is closed in 2022
    assert any("has not earned a probability" in c.why for c in sec.cannot_say)
    assert any("production-value base" in f for f in sec.findings)
    assert any(f.startswith("Backtest of") for f in sec.findings)
    assert {e.name for e in sec.exhibits} == {"export_share_history"} and sec.vintage == "real_time"
    assert r.computed["year"].max() <= 2022 and set(r.by_preference.columns) == set(targets_run.PREFERENCES)


def test_no_probability_without_a_horizon():
    r, sec = _section(as_of_year=2025, target_year=2025, n_draws=300)
    assert r.forecast is None and r.probabilities.empty
    assert not any(t.title.startswith("Target probabilities") for t in sec.tables)
    assert [e.name for e in sec.exhibits] == ["export_share_history"]  # the computed shares, no fan
    assert any("has not earned a probability" in c.why or "has no horizon" in c.why for c in sec.cannot_say)
    assert all(float(x.rstrip("%")) <= 100 for f in sec.findings for x in re.findall(r"\d+\.\d%", f))


def test_2018_runs_ex_post():
    r, sec = _section(as_of_year=2018, vintage="latest", n_draws=300)
    assert sec.vintage == "latest" and not {"d005", "d006", "d008"} & set(sec.tables[0].frame["target"])
    assert r.excluded_as_later == 0  # an ex-post revision leaves nothing out as published later


def test_estimated_exit_rate_enters_only_the_future():
    # the exit rate comes from the SIMULATED panel and enters only a forecast; in 2019 the forecast has not earned
    # a probability (too few scored forecasts), so nothing in the Section is simulated and the past is as sourced
    r, sec = _section(as_of_year=2019, scenario="estimated_relocation", n_draws=300)
    base, _ = _section(as_of_year=2019, n_draws=300)
    assert r.uses_simulated and not base.uses_simulated and r.levers.exit_rate != base.levers.exit_rate
    assert not sec.simulated and not sec.method_checks and all(not e.simulated for e in sec.exhibits)
    assert any("has not earned a probability" in c.why for c in sec.cannot_say)
    assert r.computed.equals(base.computed) and r.verdicts.equals(base.verdicts)


def test_a_scenario_changes_only_the_future_not_the_past():
    # each memo's past values are its vintage's; a scenario's levers reach only a forecast
    _, base = _section(as_of_year=2024, n_draws=300)
    _, slow = _section(as_of_year=2024, scenario="slow_growth", n_draws=300)
    pd.testing.assert_frame_equal(base.tables[0].frame, slow.tables[0].frame)


def test_a_run_reading_the_scenario_free_work_back_lists_the_same_warnings(monkeypatch, tmp_path):
    import warnings

    from kip_analysis import memory
    from kip_analysis.analyses.targets import backtest
    from kip_analysis.errors import captured

    real = backtest.rolling_origin

    def noisy(*args, **kwargs):  # the real backtest raises none today: one is raised on purpose
        with captured("backtest fit"):
            warnings.warn("did not converge", RuntimeWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(backtest, "rolling_origin", noisy)
    monkeypatch.setenv("KIP_CACHE_DIR", str(tmp_path))  # the first run computes the backtest, the second reads it
    memory._environment.cache_clear()
    first, again = (_section(as_of_year=2019, target_year=2020, n_draws=300)[1] for _ in range(2))
    assert "backtest fit: RuntimeWarning: did not converge" in first.warnings
    assert again.warnings == first.warnings
    memory._environment.cache_clear()
