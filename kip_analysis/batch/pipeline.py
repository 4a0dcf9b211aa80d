"""What runs when in a batch: scenario-free notebooks run once and linked into every scenario, the
longest notebooks start first, and a year's memo becomes ready as soon as its analyses are done.

May import: batch.jobs, batch.cache.
"""

from __future__ import annotations

import os
from pathlib import Path

from kip_analysis.batch.cache import Shared, cache_key
from kip_analysis.batch.jobs import COST_HINT, MEMO_NOTEBOOK, Job, Outcome, memo_job


def share_jobs(jobs: list[Job], declared: dict[str, dict]) -> tuple[list[Job], dict[str, Job]]:
    """The jobs to run, and for every job whose notebook does not take the scenario, the one job of its
    notebook and year that runs for all scenarios (its files are linked into each scenario's folder).
    """
    run, shared, first = [], {}, {}
    for job in jobs:
        key = (job.notebook, job.year)
        if "scenario" in declared.get(job.notebook, {}) or key not in first:
            run.append(job)
            first.setdefault(key, job)
        else:
            shared[job.label] = first[key]
    return run, shared


def link_shared(job: Job, primary: Job, outcome: Outcome) -> Outcome:
    """Link the primary run's page, executed notebook, stamp and results into ``job``'s folder."""
    if outcome.status in ("built", "cached"):
        for src, dst in ((primary.html, job.html), (primary.executed, job.executed),
                         (primary.executed.with_suffix(".cache.json"), job.executed.with_suffix(".cache.json")),
                         (primary.results, job.results)):
            if src.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
                tmp.unlink(missing_ok=True)
                os.link(src, tmp)
                tmp.replace(dst)
    status = "shared" if outcome.status in ("built", "cached") else outcome.status
    return Outcome(job.label, job.notebook, job.year, job.scenario, status, cell=outcome.cell, error=outcome.error,
                   html=str(job.html), executed=str(job.executed),
                   extra={"shared_with": primary.label, "fresh": outcome.status == "built",
                          **({"why": outcome.extra["why"]} if "why" in outcome.extra else {})})


def longest_first(jobs: list[Job]) -> list[Job]:
    """Jobs in the order they should start: longest expected run first (:data:`jobs.COST_HINT`, later years
    before earlier ones, their panels being longer), so the two kernels finish together instead of one
    idling while the other runs the last long notebook. A notebook's run for a further scenario of the same
    year (03's scenarios) waits until every first run has started: the first computes the scenario-free work
    the others read from the disk cache (:func:`kip_analysis.analyses.targets.run.scenario_free`), and two
    of them side by side would both compute it.
    """
    first, further, seen = [], [], set()
    for job in sorted(jobs, key=lambda j: (-COST_HINT.get(j.notebook, 1), -j.year)):  # stable: plan order kept
        (further if (job.notebook, job.year) in seen else first).append(job)
        seen.add((job.notebook, job.year))
    return first + further


def hold_repeats(order: list[Job], work: dict[str, object]) -> tuple[list[Job], dict[str, list[Job]]]:
    """The jobs to start in ``order``, and the jobs held until another has finished: of the jobs whose ``work``
    (by label) is equal, the earliest year's runs and the others wait for it, then read what they share from the
    disk cache instead of computing it beside it (a memo year past the panel's last year computes that year's
    effects and location-choice fits). Jobs without a ``work`` entry are never held.

    Examples
    --------
    >>> jobs = [Job("02_e", y, "baseline", {}, "out") for y in (2026, 2025, 2024)]
    >>> order, held = hold_repeats(jobs, {"2026/baseline/02_e": "w25", "2025/baseline/02_e": "w25",
    ...                                   "2024/baseline/02_e": "w24"})
    >>> [j.year for j in order], {k: [j.year for j in v] for k, v in held.items()}
    ([2025, 2024], {'2025/baseline/02_e': [2026]})
    """
    first: dict[object, Job] = {}
    for job in sorted((j for j in order if j.label in work), key=lambda j: j.year):
        first.setdefault(work[job.label], job)
    held: dict[str, list[Job]] = {}
    for job in order:
        primary = first.get(work[job.label]) if job.label in work else None
        if primary is not None and primary is not job:
            held.setdefault(primary.label, []).append(job)
    kept = {id(j) for waiting in held.values() for j in waiting}
    return [j for j in order if id(j) not in kept], held


def memo_pipeline(jobs: list[Job], shared_jobs: dict[str, Job], groups: list[tuple[int, str]], memo: Path | None,
                  keys: dict, shared: Shared, stage_dir: Path, declared: dict, source_dir: Path) -> tuple:
    """The ``then`` of :func:`run_all` for a batch, and the memos ready from the start.

    When a notebook finishes, it is linked into the scenarios that share it; when every analysis of a
    year and scenario has finished, its memo becomes ready (or is skipped, keeping the last good memo,
    if one of them failed).
    """
    by_label = {j.label: j for j in jobs}
    followers: dict[str, list[Job]] = {}
    for label, primary in shared_jobs.items():
        followers.setdefault(primary.label, []).append(by_label[label])
    waiting = {g: {j.label for j in jobs if (j.year, j.scenario) == g} for g in groups}
    failed: set[tuple[int, str]] = set()

    def ready(group: tuple[int, str]) -> tuple[list[Outcome], list[Job]]:
        job = memo_job(group[0], group[1], stage_dir, declared, source_dir)
        if group in failed:
            return [Outcome(job.label, job.notebook, group[0], group[1], "skipped",
                            error="an analysis notebook failed; last good memo kept", html=str(job.html))], []
        keys[job.label] = cache_key(job, shared, sorted((job.folder / "results").glob("*.json")))
        return [], [job]

    def then(outcome: Outcome) -> tuple[list[Outcome], list[Job]]:
        if outcome.notebook == MEMO_NOTEBOOK:
            return [], []
        linked = [link_shared(job, by_label[outcome.label], outcome) for job in followers.get(outcome.label, [])]
        more, fresh = list(linked), []
        for done in [outcome, *linked]:
            group = (done.year, done.scenario)
            if done.status not in ("built", "cached", "shared"):
                failed.add(group)
            waiting[group].discard(done.label)
            if not waiting[group] and memo is not None:
                skipped, memos = ready(group)
                more += skipped
                fresh += memos
        return more, fresh

    # a year with no analysis notebook to wait for (a source folder holding only the memo) starts with its memo
    first = [job for g in groups if not waiting[g] and memo is not None for job in ready(g)[1]]
    return then, first
