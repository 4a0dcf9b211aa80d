"""The content-addressed cache (issue 20): editing the extract, its mapping, a raw table, the code or a
parameter changes the key, and the reason names what changed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kip_analysis.batch import cache
from kip_analysis.batch.jobs import Job


@pytest.fixture
def job(tmp_path):
    extract = tmp_path / "census.csv"
    extract.write_text("firm_id,year\n1,2019\n")
    extract.with_suffix(".mapping.yml").write_text("columns:\n  firm_id: firm_id\n")
    source = tmp_path / "nb"
    source.mkdir()
    (source / "02_x.ipynb").write_text("{}")
    return Job("02_x", 2020, "baseline", {"data_source": str(extract), "memo_year": 2020}, str(tmp_path / "out"),
               str(source))


def _run(job: Job, shared: cache.Shared) -> str:
    """Pretend the job ran: its page and its stamp, as run_job leaves them."""
    key, parts = cache.cache_key(job, shared)
    job.html.parent.mkdir(parents=True, exist_ok=True)
    job.html.write_text("page")
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    job.executed.with_suffix(".cache.json").write_text(json.dumps({"key": key, "parts": parts}))
    return key


@pytest.fixture
def shared():
    return cache.Shared("code-1", {"web_figures": "a", "pci_composite": "b"}, "libs-1")


@pytest.mark.parametrize("edit, reason", [
    (lambda j, s: Path(j.parameters["data_source"]).write_text("firm_id,year\n1,2020\n"), "census.csv"),
    (lambda j, s: Path(j.parameters["data_source"]).with_suffix(".mapping.yml").write_text("columns: {}\n"),
     "census.mapping.yml"),
])
def test_editing_the_extract_or_its_mapping_rebuilds_and_says_why(job, shared, edit, reason):
    key = _run(job, shared)
    assert cache.is_cached(job, cache.cache_key(job, shared)[0])
    edit(job, shared)
    new_key, parts = cache.cache_key(job, shared)
    assert new_key != key and not cache.is_cached(job, new_key)
    assert cache.why_rebuilt(job, parts) == f"changed: files read ({reason})"


def test_raw_data_code_libraries_and_parameters_each_rebuild(job, shared):
    _run(job, shared)
    cases = {
        "raw data (pci_composite)": (job, cache.Shared("code-1", {"web_figures": "a", "pci_composite": "c"}, "libs-1")),
        "code": (job, cache.Shared("code-2", shared.raw, "libs-1")),
        "libraries": (job, cache.Shared("code-1", shared.raw, "libs-2")),
        "parameters": (replace(job, parameters={**job.parameters, "memo_year": 2021}), shared),
    }
    for why, (j, s) in cases.items():
        key, parts = cache.cache_key(j, s)
        assert not cache.is_cached(j, key)
        assert cache.why_rebuilt(j, parts) == f"changed: {why}"
    assert cache.why_rebuilt(job, {}, force=True) == "forced (--force)"


def test_the_simulated_panel_reads_no_extract(job):
    assert cache.extract_files(replace(job, parameters={"data_source": "simulated"})) == []
