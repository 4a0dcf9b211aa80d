"""What runs when (kip_analysis.batch.pipeline): longest notebooks first, a year's memo as soon as its own
analyses are done, skipped when one of them failed; no kernel is started here."""

from __future__ import annotations

from kip_analysis import config
from kip_analysis.batch import pipeline
from kip_analysis.batch.cache import Shared
from kip_analysis.batch.jobs import MEMO_NOTEBOOK, Outcome, declared_parameters, notebooks, plan
from kip_analysis.data.firm_panel import load_firm_panel


def _plan(tmp_path, years, names=("baseline",)):
    analysis, memo = notebooks()
    declared = {p.stem: declared_parameters(p) for p in [*analysis, memo]}
    jobs = plan(list(years), list(names), tmp_path, {}, declared)
    return jobs, declared, memo


def _done(job, status="built"):
    return Outcome(job.label, job.notebook, job.year, job.scenario, status)


def test_longest_notebooks_and_later_years_start_first(tmp_path):
    jobs, _, _ = _plan(tmp_path, [2019, 2024])
    order = [(j.notebook[:2], j.year) for j in pipeline.longest_first(jobs)]
    assert order == [("02", 2024), ("02", 2019), ("04", 2024), ("04", 2019), ("03", 2024), ("03", 2019),
                     ("01", 2024), ("01", 2019)]


def test_a_further_scenario_of_a_notebook_starts_after_every_first_run(tmp_path):
    jobs, declared, _ = _plan(tmp_path, [2024, 2025], ("baseline", "slow_growth", "renewals"))
    to_run, _ = pipeline.share_jobs(jobs, declared)
    order = [(j.notebook[:2], j.year, j.scenario) for j in pipeline.longest_first(to_run)]
    firsts = {(n, y) for n, y, _ in order[:8]}
    assert len(firsts) == 8 and all(s == "baseline" for _, _, s in order[:8])  # each notebook and year once
    assert order[8:] == [("03", 2025, "slow_growth"), ("03", 2025, "renewals"), ("03", 2024, "slow_growth"),
                         ("03", 2024, "renewals")]


def test_a_memo_is_ready_when_its_own_analyses_are_done_and_skipped_after_a_failure(tmp_path):
    jobs, declared, memo = _plan(tmp_path, [2019, 2020])
    groups = [(2019, "baseline"), (2020, "baseline")]
    keys: dict = {}
    then, first = pipeline.memo_pipeline(jobs, {}, groups, memo, keys, Shared.now(), tmp_path, declared,
                                         config.NOTEBOOKS)
    assert first == []
    by_year = {y: [j for j in jobs if j.year == y] for y in (2019, 2020)}
    for job in by_year[2019][:-1]:
        assert then(_done(job)) == ([], [])  # the year still waits for its last analysis
    skipped, ready = then(_done(by_year[2019][-1]))
    assert skipped == [] and [(j.notebook, j.year) for j in ready] == [(MEMO_NOTEBOOK, 2019)]
    assert ready[0].label in keys  # its cache key, with the results the analyses wrote, is known
    then(_done(by_year[2020][0], "failed"))
    for job in by_year[2020][1:-1]:
        then(_done(job))
    skipped, ready = then(_done(by_year[2020][-1]))
    assert ready == [] and [(o.label, o.status) for o in skipped] == [(f"2020/baseline/{MEMO_NOTEBOOK}", "skipped")]


def test_scenario_free_runs_are_linked_into_each_scenario_before_its_memo(tmp_path):
    jobs, declared, memo = _plan(tmp_path, [2021], ("baseline", "slow_growth"))
    to_run, shared = pipeline.share_jobs(jobs, declared)
    assert {j.notebook for j in to_run if j.scenario == "slow_growth"} == {"03_targets"}
    groups = [(2021, "baseline"), (2021, "slow_growth")]
    then, _ = pipeline.memo_pipeline(jobs, shared, groups, memo, {}, Shared.now(), tmp_path, declared,
                                     config.NOTEBOOKS)
    memos = []
    for job in pipeline.longest_first(to_run):
        linked, ready = then(_done(job))
        assert all(o.status == "shared" for o in linked)
        memos += [(j.year, j.scenario) for j in ready]
    assert sorted(memos) == groups


def test_a_year_past_the_panel_waits_for_the_year_whose_effects_it_repeats(tmp_path):
    from kip_analysis.batch import work

    last = int(load_firm_panel("simulated").data["year"].max())
    jobs, _, _ = _plan(tmp_path, [last - 1, last, last + 1])
    order, held = pipeline.hold_repeats(pipeline.longest_first(jobs), work.same_work(jobs))
    effects, land = ({j.year: j for j in jobs if j.notebook == name}
                     for name in ("02_programme_effects", "04_land_relocation"))
    # the later year computes the last year's effects and fits the same location choices: it starts once that
    # year's run is done, and reads them from the cache
    assert held == {effects[last].label: [effects[last + 1]], land[last].label: [land[last + 1]]}
    assert effects[last + 1] not in order and land[last + 1] not in order and len(order) == len(jobs) - 2
    assert [(j.notebook[:2], j.year) for j in order][:4] == [("02", last), ("02", last - 1), ("04", last),
                                                              ("04", last - 1)]


def test_without_the_disk_cache_nothing_is_held(tmp_path, monkeypatch):
    from kip_analysis.batch import work

    monkeypatch.setenv("KIP_CACHE_DIR", "none")
    jobs, _, _ = _plan(tmp_path, [2025, 2026])
    assert work.same_work(jobs) == {}
    assert pipeline.hold_repeats(jobs, {}) == (jobs, {})


def test_an_extract_that_does_not_load_holds_nothing_and_is_left_to_its_notebook(tmp_path):
    from kip_analysis.batch import work

    extract = tmp_path / "census.csv"
    extract.write_text("not,a,firm,panel\n1,2,3,4\n")
    analysis, memo = notebooks()
    declared = {p.stem: declared_parameters(p) for p in [*analysis, memo]}
    jobs = plan([2025, 2026], ["baseline"], tmp_path / "out", {"data_source": str(extract)}, declared)
    assert work.same_work(jobs) == {}
