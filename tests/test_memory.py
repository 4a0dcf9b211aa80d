"""The disk cache of shared work (kip_analysis.memory, issue 21): a cached call returns what the function
returns, is read back instead of recomputed, and is keyed by the package's code and library versions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kip_analysis import memory

CALLS: list[int] = []


@memory.shared
def _square(x: np.ndarray, label: str) -> pd.DataFrame:
    CALLS.append(1)
    return pd.DataFrame({"x": x, "x2": x**2}).assign(label=label)


def _fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("KIP_CACHE_DIR", str(tmp_path))
    memory._environment.cache_clear()
    CALLS.clear()


def test_a_second_call_is_read_back_and_equal(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    x = np.arange(5.0)
    first, second = _square(x, "a"), _square(x, "a")
    pd.testing.assert_frame_equal(first, second)
    assert len(CALLS) == 1 and (tmp_path / "joblib").is_dir()
    _square(x + 1, "a")
    _square(x, "b")
    assert len(CALLS) == 3  # other arguments: computed


def test_the_key_covers_the_code_and_the_libraries(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    _square(np.arange(3.0), "a")
    monkeypatch.setattr(memory, "code_hash", lambda: "an edited package")
    memory._environment.cache_clear()
    _square(np.arange(3.0), "a")
    assert len(CALLS) == 2
    memory._environment.cache_clear()


def test_the_cache_can_be_turned_off(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    monkeypatch.setenv("KIP_CACHE_DIR", "none")
    _square(np.arange(3.0), "a")
    _square(np.arange(3.0), "a")
    assert len(CALLS) == 2 and memory.cache_dir() is None and not list(tmp_path.iterdir())
    memory.trim()  # nothing to trim: no error


def test_code_hash_is_stable_and_covers_catalogs_and_styles():
    assert len(memory.code_hash()) == 64 and memory.code_hash() == memory.code_hash()
    assert {".py", ".po", ".mplstyle"} <= memory.CODE_SUFFIXES


def test_a_table_read_back_from_a_pickle_has_the_key_of_the_table_built_afresh():
    """The batch's notebooks get their tables from the disk cache or build them: the key must not tell them apart
    (joblib's own hash, a pickle of the arguments, did for object columns and missed shared work)."""
    import pickle

    from kip_analysis.data import processed

    facts = processed.load_all(2025, "real_time")["facts"]
    again = pickle.loads(pickle.dumps(facts))
    assert memory.content_key(facts, 2025) == memory.content_key(again, 2025)
    assert memory.content_key(facts, 2025) != memory.content_key(facts, 2024)
    assert memory.content_key(facts) != memory.content_key(facts.iloc[1:])
    edited = facts.copy()
    edited.loc[edited.index[0], "quote"] = "another quote"
    assert memory.content_key(facts) != memory.content_key(edited)
    assert memory.content_key({"a": np.arange(3.0)}) == memory.content_key({"a": np.arange(3.0)})
    assert memory.content_key((1.0,)) != memory.content_key((1,))


def test_the_same_vintage_seen_from_two_memo_years_is_built_once(monkeypatch, tmp_path):
    from kip_analysis.data import processed

    _fresh(monkeypatch, tmp_path)
    builds: list[int] = []
    real = processed.build_all
    monkeypatch.setattr(processed, "build_all", lambda facts: builds.append(1) or real(facts))
    seen = [processed.available_by(processed.load_all(year, "real_time")["facts"], 2021) for year in (2024, 2025)]
    builds.clear()  # the two memo years' own vintages were built above
    first, second = (processed.tables_of(f) for f in seen)
    assert len(builds) == 1
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])


def test_a_memo_year_past_the_panel_shares_the_effects_estimates_and_an_earlier_one_does_not():
    from kip_analysis.analyses.effects import run as effects_run
    from kip_analysis.analyses.effects import work
    from kip_analysis.analyses.effects.params import validate
    from kip_analysis.data.firm_panel import load_firm_panel

    firms = load_firm_panel("simulated")
    last = int(firms.data["year"].max())

    def key(year: int, path: str = "") -> str:
        p = validate(memo_year=year, results_path=path)
        return memory.content_key(firms, work.estimate_params(firms, p))

    assert work.last_year_seen(firms, last + 1) == last == work.last_year_seen(firms, last)
    assert key(last) == key(last + 1) == key(last, "/some/where/02.json")  # where a run publishes is not an input
    # what the batch compares to hold the later year's run until the earlier one has cached its estimates
    named = work.same_work([validate(memo_year=year) for year in (last - 1, last, last + 1)]
                           + [validate(memo_year=last, results_path="x")])
    assert named[1] == named[2] == named[3] != named[0]
    assert key(last - 1) != key(last)
    # censoring: the panel a memo sees up to the last year equals the panel the next year would see
    pd.testing.assert_frame_equal(effects_run.memo_panel(firms, last), effects_run.memo_panel(firms, last + 1))


def test_a_result_read_back_replays_the_warnings_its_computation_raised(monkeypatch, tmp_path):
    import warnings

    from kip_analysis.errors import captured, drain_warnings

    @memory.shared
    def noisy(x: float) -> float:
        CALLS.append(1)
        with captured("noisy fit"):
            warnings.warn("did not converge", RuntimeWarning, stacklevel=2)
        return 2 * x

    _fresh(monkeypatch, tmp_path)
    drain_warnings()
    for _ in range(2):  # computed, then read back: the warning is counted both times
        assert noisy(1.0) == 2.0 and drain_warnings() == ["noisy fit: RuntimeWarning: did not converge"]
    assert len(CALLS) == 1


@pytest.mark.slow  # two fits on the SIMULATED panel
def test_a_location_choice_is_fitted_once_per_design(monkeypatch, tmp_path):
    from kip_analysis.analyses.land import relocation
    from kip_analysis.data.firm_panel import load_firm_panel

    firms = load_firm_panel("simulated")
    _fresh(monkeypatch, tmp_path)
    real = relocation.conditional_logit
    monkeypatch.setattr(relocation, "conditional_logit", lambda *a, **k: CALLS.append(1) or real(*a, **k))
    first, again = (relocation.location_choice(firms.data, firms.truth.places, 2019) for _ in range(2))
    assert len(CALLS) == 1
    np.testing.assert_array_equal(first.params, again.params)
    np.testing.assert_array_equal(first.vcov, again.vcov)
    relocation.location_choice(firms.data, firms.truth.places, 2020)
    assert len(CALLS) == 2  # another year: another design
