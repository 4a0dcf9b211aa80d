"""The disk cache of shared work (kip_analysis.memory, issue 21): a cached call returns what the function
returns, is read back instead of recomputed, and is keyed by the package's code and library versions."""

from __future__ import annotations

import numpy as np
import pandas as pd

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
