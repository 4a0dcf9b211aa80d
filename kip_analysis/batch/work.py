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
    (:func:`pipeline.hold_repeats`). Empty without the disk cache, where a held job would gain nothing. Left out:
    a job that shares nothing, and every job of a notebook whose work cannot be told (an extract that does not
    load: the notebook says why when it runs).
    """
    from kip_analysis.analyses import SAME_WORK, VALIDATORS

    if memory.cache_dir() is None:
        return {}
    work = {}
    for notebook, name_work in SAME_WORK.items():
        mine = [job for job in jobs if job.notebook == notebook]
        try:
            named = name_work([VALIDATORS[notebook](**job.parameters) for job in mine])
        except Exception:  # noqa: BLE001 - the notebook loads the extract itself and reports the error there
            continue
        work.update({job.label: (notebook, what) for job, what in zip(mine, named, strict=True) if what is not None})
    return work
