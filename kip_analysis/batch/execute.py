"""Running the batch: each notebook under papermill in its own kernel, rendered to HTML with
code hidden, its files published atomically; a failure is isolated to its own memo.

May import: config, io, data.processed, batch.jobs, batch.cache, batch.forkserver, batch.index, batch.pipeline,
batch.pages, batch.signals, batch.staging, batch.work.

A batch holds a lock on its output folder, builds every year and scenario in a staging copy and
publishes a memo's folder only when all its notebooks succeeded (:mod:`kip_analysis.batch.staging`).
Ctrl-C or SIGTERM stops it: no new notebook starts, running kernels are killed, the staging copies
are dropped, the index is rewritten from what was published, and :class:`Interrupted` carries the
outcomes so far to the command line (:mod:`kip_analysis.batch.signals`).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from kip_analysis import config, memory
from kip_analysis.analyses.targets import scenarios
from kip_analysis.batch import forkserver, pipeline, signals, staging, work
from kip_analysis.batch.cache import Shared, cache_key, is_cached, why_rebuilt
from kip_analysis.batch.index import write_index
from kip_analysis.batch.jobs import (
    MEMO_NOTEBOOK,
    Job,
    Outcome,
    declared_parameters,
    notebooks,
    parse_overrides,
    plan,
    validate_jobs,
)
from kip_analysis.batch.pages import render_html
from kip_analysis.data import processed
from kip_analysis.io import atomic_write

KERNEL_NAME = "kip-workbook"


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def page_title(job: Job) -> str:
    """The HTML title of a job's page: the memo's title, or the analysis's with its year."""
    if job.notebook == MEMO_NOTEBOOK:
        return f"Hanoi Key Industrial Products: policy memo {job.year} ({job.scenario})"
    scenario = f" ({job.scenario})" if "scenario" in job.parameters else ""  # a page shared by every scenario
    return f"{job.notebook.replace('_', ' ')[3:].capitalize()} — Hanoi KIP workbook, {job.year}{scenario}"


def stable_ids(executed: Path) -> None:
    """Give papermill's injected-parameters cell a fixed id (papermill draws a random one) and drop the
    run's timestamps, so that the same inputs give the same bytes.
    """
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    for i, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = f"injected-parameters-{i}"  # its source holds this run's temporary paths
        cell.get("metadata", {}).pop("execution", None)
        cell.get("metadata", {}).get("papermill", {}).pop("start_time", None)
        cell.get("metadata", {}).get("papermill", {}).pop("end_time", None)
        cell.get("metadata", {}).get("papermill", {}).pop("duration", None)
    for key in ("start_time", "end_time", "duration"):
        nb.metadata.get("papermill", {}).pop(key, None)
    nbformat.write(nb, executed)


def publish_memo(job: Job, built: str | None = None) -> list[Path]:
    """Compose the memo of ``job``'s year and scenario from its published Sections and write its files
    (memo.html, memo.vi.html, results.json, the CSVs in data/), each atomically.
    """
    from kip_analysis.report import memo

    sections = memo.load_sections(job.folder / "results")
    sources = processed.load("facts")
    files = memo.compose_memo(job.folder, job.year, job.scenario, scenarios.describe(job.scenario), sections,
                              sources, built)
    stale = set((job.folder / "data").glob("*.csv")) - {job.folder / rel for rel in files}
    written = [atomic_write(job.folder / rel, text) for rel, text in files.items()]
    for path in stale:  # a table the memo no longer has
        path.unlink()
    return written


def _quiet_worker(log_path: str) -> None:
    """Send a worker's (and so its kernels') stdout and stderr to the batch log: kernel transport
    warnings and shutdown traces go there, never into the progress bar and summary; the worker dies
    with the batch and takes its kernels with it. Then fork the zygote its kernels are forked from
    (:mod:`kip_analysis.batch.forkserver`; the worker started with :func:`worker_environment`).
    """
    signals.worker_dies_with_parent()
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    forkserver.start()


#: The batch log in the output folder: what the workers and their kernels print (tracebacks of a kernel that
#: died, transport warnings), appended run after run.
KERNEL_LOG: str = "batch_kernels.log"
#: What jupyter_client and nbclient raise when a kernel dies or stays silent before it answers ``kernel_info``:
#: no cell has run, so the notebook can be started again in a new kernel.
KERNEL_START_FAILURES: tuple[str, ...] = ("Kernel died before replying to kernel_info", "Kernel didn't respond")


def kernel_never_started(err: BaseException) -> bool:
    """Whether ``err`` says the kernel died or timed out before it answered, i.e. before any cell ran.

    Examples
    --------
    >>> kernel_never_started(RuntimeError("Kernel died before replying to kernel_info"))
    True
    >>> kernel_never_started(RuntimeError("Kernel died"))
    False
    """
    return isinstance(err, (RuntimeError, TimeoutError)) and str(err).startswith(KERNEL_START_FAILURES)


#: Environment variables that cap a kernel's numeric threads (BLAS, OpenMP, numba, and Rayon: pyfixest's
#: Rust demeaning, whose threads spin against the other kernel's and made a PPML fit 3-6 times slower).
THREAD_VARIABLES: tuple[str, ...] = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                     "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "RAYON_NUM_THREADS",
                                     "POLARS_MAX_THREADS")


def run_job(job: Job, key: str, force: bool, parts: dict | None = None, why: str = "") -> Outcome:
    """Execute one notebook (unless cached), render it, and publish its files atomically. The kernel gets the
    worker's numeric thread caps (:func:`worker_environment`: cores // jobs each, so that parallel kernels do
    not oversubscribe the cores).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out = Outcome(job.label, job.notebook, job.year, job.scenario, "built",
                  html=str(job.html), executed=str(job.executed), extra={"why": why} if why else {})
    if not force and is_cached(job, key):
        out.status = "cached"
        return out
    stamp = job.executed.with_suffix(".cache.json")
    start = time.perf_counter()
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    tmp_nb = job.executed.with_name(f".{job.executed.stem}.{os.getpid()}.running.ipynb")
    tmp_results = job.results.with_name(f"{job.results.name}.{os.getpid()}.partial")
    parameters = dict(job.parameters)
    if "results_path" in parameters:
        parameters["results_path"] = str(tmp_results.resolve())
    try:
        for fork in (True, False):  # a kernel that never started is started once more, the usual way
            try:
                papermill.execute_notebook(
                    str(job.source), str(tmp_nb), parameters=parameters, kernel_name=_kernel_name(),
                    cwd=job.source_dir, progress_bar=False, log_output=False,
                    kernel_manager_class=forkserver.manager_class(fork=fork))
                break
            except (RuntimeError, TimeoutError) as err:
                if not fork or not kernel_never_started(err):
                    raise
                out.extra["kernel_retried"] = f"{type(err).__name__}: {err}"
    except PapermillExecutionError as err:
        out.status, out.cell = "failed", err.exec_count
        out.error = f"{err.ename}: {err.evalue}".strip()
        out.extra["cell_source"] = (err.source or "").strip().splitlines()[0][:120] if err.source else ""
    except Exception as err:  # a kernel that died, a notebook that cannot be read, ...
        out.status, out.error = "failed", f"{type(err).__name__}: {err}"
    out.seconds = round(time.perf_counter() - start, 2)
    if out.status == "failed":
        if tmp_nb.exists():
            tmp_nb.replace(job.executed.with_name(f"{job.executed.stem}.failed.ipynb"))
        tmp_results.unlink(missing_ok=True)
        return out
    stable_ids(tmp_nb)
    if job.notebook == MEMO_NOTEBOOK:
        try:
            publish_memo(job, build_time())
        except Exception as err:  # a Section that breaks the contract, a template slot left unfilled, ...
            out.status, out.error = "failed", f"composing the memo: {type(err).__name__}: {err}"
            tmp_nb.replace(job.executed.with_name(f"{job.executed.stem}.failed.ipynb"))
            return out
    else:
        render_html(tmp_nb, job.html, page_title(job))
    tmp_nb.replace(job.executed)
    if tmp_results.exists():
        job.results.parent.mkdir(parents=True, exist_ok=True)
        tmp_results.replace(job.results)
    job.executed.with_name(f"{job.executed.stem}.failed.ipynb").unlink(missing_ok=True)
    atomic_write(stamp, json.dumps({"key": key, "parts": parts or {}}, sort_keys=True) + "\n")
    return out


def build_time() -> str | None:
    """The memo's build-time line: None (no line) when ``SOURCE_DATE_EPOCH`` is set to ``none``, that
    instant when it is a number (reproducible builds), else now.
    """
    from datetime import UTC, datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.lower() == "none":
        return None
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


class Interrupted(Exception):  # noqa: N818 - it is the user's Ctrl-C, not an error
    """Ctrl-C or SIGTERM stopped the batch; ``outcomes`` are what had finished (the rest marked)."""

    def __init__(self, outcomes: list[Outcome]) -> None:
        super().__init__("interrupted")
        self.outcomes = outcomes


@contextlib.contextmanager
def worker_environment(threads: int):
    """While the batch runs, the environment its workers start with (then restored): the numeric thread caps,
    which BLAS reads once, when a worker first imports numpy (before it forks the zygote its kernels are
    forked from), and one string-hash seed, so that a re-run gives the same digits (pyfixest's Sun-Abraham fit
    varies in its 11th digit with the order of a hashed set).
    """
    wanted = {name: str(threads) for name in THREAD_VARIABLES}
    wanted["PYTHONHASHSEED"] = os.environ.get("PYTHONHASHSEED", "0")
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_all(jobs: list[Job], keys: dict[str, tuple[str, dict]], n_jobs: int, force: bool,
            bar: tqdm | None = None,
            then: Callable[[Outcome], tuple[list[Outcome], list[Job]]] | None = None,
            held: dict[str, list[Job]] | None = None) -> list[Outcome]:
    """Run jobs across ``n_jobs`` kernels, advancing ``bar`` (the batch's one progress bar).

    Jobs start in the order given, at most ``n_jobs`` at a time. ``then(outcome) -> (outcomes, jobs)``,
    called as each outcome is known, returns outcomes it settled (linked or skipped jobs) and jobs that
    have become ready (a memo once its year's analyses are done, their keys added to ``keys``); ready
    jobs start before the queued ones, so a memo does not wait for other years' analyses. ``held`` (by
    label) are jobs that become ready once that job's outcome is known (:func:`pipeline.hold_repeats`).

    Raises
    ------
    Interrupted
        On Ctrl-C or SIGTERM: queued jobs are cancelled and running kernels killed within seconds.
    """
    outcomes: list[Outcome] = []
    queue, ready, held = list(jobs), [], dict(held or {})
    running: dict = {}
    pool = None

    def settle(outcome: Outcome) -> None:
        more, fresh = then(outcome) if then is not None else ([], [])
        outcomes.extend([outcome, *more])
        if bar is not None:
            bar.update(1 + len(more))
        ready.extend([*held.pop(outcome.label, []), *fresh])

    def next_job() -> Job | None:
        while ready or queue:
            job = (ready or queue).pop(0)
            if not force and is_cached(job, keys[job.label][0]):
                settle(Outcome(job.label, job.notebook, job.year, job.scenario, "cached", html=str(job.html),
                               executed=str(job.executed)))
                continue
            return job
        return None

    threads = max(1, (os.cpu_count() or 1) // max(1, n_jobs))
    with worker_environment(threads):  # the workers start with it
        try:
            while True:
                while len(running) < max(1, n_jobs) and (job := next_job()) is not None:
                    if pool is None:
                        log_path = Path(job.out_dir).parent / KERNEL_LOG
                        log_path.parent.mkdir(parents=True, exist_ok=True)
                        pool = ProcessPoolExecutor(max_workers=max(1, n_jobs), mp_context=get_context("spawn"),
                                                   initializer=_quiet_worker, initargs=(str(log_path),))
                    running[pool.submit(run_job, job, keys[job.label][0], force, keys[job.label][1],
                                        why_rebuilt(job, keys[job.label][1], force))] = job
                if not running:
                    break
                if bar is not None:
                    bar.set_postfix_str(", ".join(sorted(j.label for j in running.values())))
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    try:
                        outcome = future.result()
                    except Exception as err:  # the worker itself died
                        outcome = Outcome(job.label, job.notebook, job.year, job.scenario, "failed",
                                          error=f"{type(err).__name__}: {err}")
                    settle(outcome)
        except KeyboardInterrupt:
            signals.second_interrupt_exits()
            for future in running:
                future.cancel()
            if pool is not None:
                for process in list(getattr(pool, "_processes", {}).values()):
                    signals.kill_tree(process.pid)
                pool.shutdown(wait=False, cancel_futures=True)
            outcomes += [Outcome(j.label, j.notebook, j.year, j.scenario, "interrupted",
                                 error="stopped by Ctrl-C or SIGTERM before it finished")
                         for j in [*running.values(), *ready, *queue, *(j for w in held.values() for j in w)]]
            raise Interrupted(sorted(outcomes, key=lambda o: o.label)) from None
        if pool is not None:
            pool.shutdown(wait=True)
        return sorted(outcomes, key=lambda o: o.label)


def _final(outcome: Outcome, out_dir: Path) -> Outcome:
    """The outcome with its paths in the published folder instead of the staging copy."""
    stage = str(out_dir / staging.STAGING)
    outcome.html = outcome.html.replace(stage, str(out_dir))
    outcome.executed = outcome.executed.replace(stage, str(out_dir))
    return outcome


def _settle(out_dir: Path, groups: list[tuple[int, str]], outcomes: list[Outcome]) -> None:
    """Publish each year and scenario whose notebooks all succeeded and built something; drop the other
    staging copies (a failed memo keeps its last good folder, and its outcomes say so).
    """
    for year, scenario in groups:
        mine = [o for o in outcomes if (o.year, o.scenario) == (year, scenario)]
        ok = mine and all(o.status in ("built", "cached", "shared") for o in mine)
        if ok and any(o.status == "built" or o.extra.get("fresh") for o in mine):
            staging.publish(out_dir, year, scenario)
        else:
            staging.keep_failures(out_dir, year, scenario)
            staging.discard(out_dir, year, scenario)
            if not ok:
                for o in mine:
                    if o.status in ("built", "cached", "shared"):
                        o.extra["not_published"] = "another notebook of this memo did not finish: nothing of it " \
                                                   "was published; the last good memo is kept"


def run_batch(years: list[int], names: list[str], out_dir: Path, n_jobs: int, force: bool,
              overrides: dict[str, object] | None = None,
              source_dir: Path = config.NOTEBOOKS) -> list[Outcome]:
    """Validate, run the analysis notebooks, then the memos, in staging copies; publish each memo whole;
    write the index.

    Raises
    ------
    Interrupted
        On Ctrl-C or SIGTERM, after dropping the staging copies and rewriting the index.
    """
    analysis, memo = notebooks(source_dir)
    declared = {p.stem: declared_parameters(p) for p in [*analysis, *([memo] if memo else [])]}
    names = [scenarios.check_scenario(n) for n in names]
    overrides = parse_overrides([f"{k}={v}" for k, v in (overrides or {}).items()], declared)
    stage_dir = out_dir / staging.STAGING
    jobs = plan(years, names, stage_dir, overrides, declared, source_dir)
    validate_jobs(jobs)  # every value, by the notebooks' own validators, before any kernel starts
    groups = [(y, n) for y in years for n in names]
    with staging.BatchLock(out_dir):
        processed.ensure_current()  # once, before parallel kernels would each rebuild it
        memory.trim()
        work.warm_shared(jobs)
        for year, scenario in groups:
            staging.stage(out_dir, year, scenario)
        shared = Shared.now()
        keys = {job.label: cache_key(job, shared) for job in jobs}
        total = len(jobs) + (len(groups) if memo is not None else 0)
        bar = tqdm(total=total, desc="notebooks", unit="nb", file=sys.stderr, dynamic_ncols=True)
        try:
            to_run, shared_jobs = pipeline.share_jobs(jobs, declared)
            then, first = pipeline.memo_pipeline(jobs, shared_jobs, groups, memo, keys, shared, stage_dir, declared,
                                                 source_dir)
            order, held = pipeline.hold_repeats(pipeline.longest_first(to_run), work.same_work(to_run))
            outcomes = run_all([*first, *order], keys, n_jobs, force, bar, then, held)
        except Interrupted as stop:
            bar.close()
            for year, scenario in groups:
                staging.discard(out_dir, year, scenario)
            stop.outcomes = [_final(o, out_dir) for o in stop.outcomes]
            write_index(out_dir, stop.outcomes)
            raise
        bar.close()
        _settle(out_dir, groups, outcomes)
        outcomes = [_final(o, out_dir) for o in outcomes]
        write_index(out_dir, outcomes)
    return outcomes
