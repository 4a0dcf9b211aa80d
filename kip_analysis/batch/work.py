"""Work several notebook runs of a batch share, settled before any kernel starts: the SIMULATED panel
computed once into the disk cache, and which runs compute the same estimates (the batch runs the later of
them after the first, reading its results from the cache).

May import: memory, analyses, data.firm_panel, batch.jobs.
"""

from __future__ import annotations

from kip_analysis import memory
from kip_analysis.batch.jobs import Job


def warm_shared(jobs: list[Job]) -> None:
    """Compute, once and before any kernel starts, the work several notebooks share through the disk
    cache (:mod:`kip_analysis.memory`): the SIMULATED firm panel of each variant the jobs use.
    """
    from kip_analysis.analyses import VALIDATORS
    from kip_analysis.data.firm_panel import load_firm_panel

    if memory.cache_dir() is None:
        return
    params = [VALIDATORS[j.notebook](**j.parameters) for j in jobs if j.notebook in VALIDATORS]
    for variant in sorted({getattr(p, "variant", "conditional") for p in params
                           if getattr(p, "data_source", "") == "simulated"}):
        load_firm_panel("simulated", variant=variant)


def same_work(jobs: list[Job]) -> dict[str, object]:
    """The work each job of a notebook in :data:`kip_analysis.analyses.SAME_WORK_MODULES` shares through the disk
    cache, by label: of the jobs with equal values the batch holds all but the first until it is done
    (:func:`pipeline.hold_repeats`). Empty without the disk cache, where a held job would gain nothing; a job
    that shares nothing, or whose work cannot be told (an extract that does not load: its notebook says why),
    is left out.
    """
    from kip_analysis.analyses import SAME_WORK, VALIDATORS

    if memory.cache_dir() is None:
        return {}
    work = {}
    for job in jobs:
        if job.notebook in SAME_WORK:
            try:
                shares = SAME_WORK[job.notebook](VALIDATORS[job.notebook](**job.parameters))
            except Exception:  # noqa: BLE001 - the notebook loads the extract itself and reports the error there
                continue
            if shares is not None:
                work[job.label] = (job.notebook, shares)
    return work
