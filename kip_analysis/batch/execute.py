"""Running the batch: each notebook under papermill in its own kernel, rendered to HTML with
code hidden, its files published atomically; a failure is isolated to its own memo.

May import: config, io, data.processed, batch.jobs, batch.cache, batch.index.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from kip_analysis import config
from kip_analysis.analyses.targets import scenarios
from kip_analysis.batch.cache import cache_key, inputs_hash, is_cached
from kip_analysis.batch.index import write_index
from kip_analysis.batch.jobs import (
    MEMO_NOTEBOOK,
    Job,
    Outcome,
    declared_parameters,
    memo_job,
    notebooks,
    parse_overrides,
    plan,
    validate_jobs,
)
from kip_analysis.data import processed
from kip_analysis.io import atomic_write

KERNEL_NAME = "kip-workbook"
TEMPLATES = Path(__file__).parent / "templates"


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def page_title(job: Job) -> str:
    """The HTML title of a job's page: the memo's title, or the analysis's with its year."""
    if job.notebook == MEMO_NOTEBOOK:
        return f"Hanoi Key Industrial Products: policy memo {job.year} ({job.scenario})"
    return f"{job.notebook.replace('_', ' ')[3:].capitalize()} — Hanoi KIP workbook, {job.year} ({job.scenario})"


def render_html(executed: Path, target: Path, title: str) -> None:
    """Render an executed notebook to standalone HTML titled ``title``, code hidden; atomic write."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="kip_memo", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    nb = nbformat.read(executed, as_version=4)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    atomic_write(target, body)


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
    warnings and shutdown traces go there, never into the progress bar and summary.
    """
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)


#: Environment variables that cap a kernel's numeric threads (BLAS, OpenMP, numba).
THREAD_VARIABLES: tuple[str, ...] = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                     "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def run_job(job: Job, key: str, force: bool, threads: int | None = None) -> Outcome:
    """Execute one notebook (unless cached), render it, and publish its files atomically.

    ``threads`` caps each kernel's numeric threads so that parallel kernels do not
    oversubscribe the cores (cores // jobs each).
    """
    import papermill

    if threads:
        for name in THREAD_VARIABLES:
            os.environ[name] = str(threads)
    from papermill.exceptions import PapermillExecutionError

    out = Outcome(job.label, job.notebook, job.year, job.scenario, "built",
                  html=str(job.html), executed=str(job.executed))
    if not force and is_cached(job, key):
        out.status = "cached"
        return out
    stamp = job.executed.with_suffix(".cache.json")
    start = time.perf_counter()
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    tmp_nb = job.executed.with_name(f".{job.executed.stem}.{os.getpid()}.running.ipynb")
    tmp_results = job.results.with_name(job.results.name + ".partial")
    parameters = dict(job.parameters)
    if "results_path" in parameters:
        parameters["results_path"] = str(tmp_results.resolve())
    try:
        papermill.execute_notebook(
            str(job.source), str(tmp_nb), parameters=parameters,
            kernel_name=_kernel_name(), cwd=job.source_dir, progress_bar=False,
            log_output=False,
        )
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
    if job.notebook == MEMO_NOTEBOOK:
        try:
            publish_memo(job)
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
    atomic_write(stamp, json.dumps({"key": key, "seconds": out.seconds}) + "\n")
    return out


def run_all(jobs: list[Job], keys: dict[str, str], n_jobs: int, force: bool, bar: tqdm | None = None
            ) -> list[Outcome]:
    """Run jobs across ``n_jobs`` kernels, advancing ``bar`` (the batch's one progress bar)."""
    outcomes = [Outcome(j.label, j.notebook, j.year, j.scenario, "cached", html=str(j.html),
                        executed=str(j.executed))
                for j in jobs if not force and is_cached(j, keys[j.label])]
    cached = {o.label for o in outcomes}
    jobs = [j for j in jobs if j.label not in cached]
    if bar is not None:
        bar.update(len(cached))
    if not jobs:
        return outcomes
    log_path = Path(jobs[0].out_dir) / "batch_kernels.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=max(1, n_jobs), mp_context=get_context("spawn"),
                             initializer=_quiet_worker, initargs=(str(log_path),)) as pool:
        threads = max(1, (os.cpu_count() or 1) // max(1, n_jobs))
        running = {pool.submit(run_job, job, keys[job.label], force, threads): job for job in jobs}
        while running:
            if bar is not None:
                bar.set_postfix_str(", ".join(sorted(j.label for j in running.values())[:n_jobs]))
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    outcomes.append(future.result())
                except Exception as err:  # the worker itself died
                    outcomes.append(Outcome(job.label, job.notebook, job.year, job.scenario,
                                            "failed", error=f"{type(err).__name__}: {err}"))
                if bar is not None:
                    bar.update(1)
    return sorted(outcomes, key=lambda o: o.label)


def run_batch(years: list[int], names: list[str], out_dir: Path, n_jobs: int, force: bool,
              overrides: dict[str, object] | None = None,
              source_dir: Path = config.NOTEBOOKS) -> list[Outcome]:
    """Validate, run the analysis notebooks, then the memos, then write the index."""
    analysis, memo = notebooks(source_dir)
    declared = {p.stem: declared_parameters(p) for p in [*analysis, *([memo] if memo else [])]}
    names = [scenarios.check_scenario(n) for n in names]
    overrides = parse_overrides([f"{k}={v}" for k, v in (overrides or {}).items()], declared)
    jobs = plan(years, names, out_dir, overrides, declared, source_dir)
    validate_jobs(jobs)  # every value, by the notebooks' own validators, before any kernel starts
    processed.ensure_current()  # once, before parallel kernels would each rebuild it
    shared = inputs_hash()
    keys = {job.label: cache_key(job, shared) for job in jobs}
    total = len(jobs) + (len(years) * len(names) if memo is not None else 0)
    bar = tqdm(total=total, desc="notebooks", unit="nb", file=sys.stderr, dynamic_ncols=True)
    outcomes = run_all(jobs, keys, n_jobs, force, bar)
    if memo is not None:
        failed = {(o.year, o.scenario) for o in outcomes if o.status == "failed"}
        memo_jobs, skipped = [], []
        for year in years:
            for scenario in names:
                job = memo_job(year, scenario, out_dir, declared, source_dir)
                if (year, scenario) in failed:
                    bar.update(1)
                    skipped.append(Outcome(job.label, job.notebook, year, scenario, "skipped",
                                           error="an analysis notebook failed; last good memo kept",
                                           html=str(job.html)))
                else:
                    memo_jobs.append(job)
        keys.update({j.label: cache_key(j, shared, sorted((j.folder / "results").glob("*.json")))
                     for j in memo_jobs})
        outcomes += run_all(memo_jobs, keys, n_jobs, force, bar) + skipped
    bar.close()
    write_index(out_dir, outcomes)
    return outcomes
