"""The annual memo batch: run every analysis notebook with papermill for each memo year and
scenario, then the memo notebook, and render HTML for reviewers with an index page.

Usage (``make memos`` calls it with no options)::

    python -m kip_analysis.memos [--years 2019-2021] [--scenario NAME ...] [--jobs N]
                                 [--force] [--out DIR] [-p NAME=VALUE ...]

Each notebook run is cached on its source, parameters, raw-data checksums and package
code; a failing notebook leaves every other memo built, never overwrites the last good
files (everything is written to a temporary path, then renamed), is listed with its
failing cell in the summary and on the index, and makes the command exit non-zero.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from kip_analysis import config, params, provenance, scenarios
from kip_analysis.errors import ParameterError

KERNEL_NAME = "kip-workbook"
MEMO_NOTEBOOK = "00_annual_memo"
TEMPLATES = Path(__file__).parent / "templates"


# ---------------------------------------------------------------------------- jobs
@dataclass(frozen=True)
class Job:
    """One notebook run for one memo year and scenario."""

    notebook: str
    year: int
    scenario: str
    parameters: dict
    out_dir: str
    source_dir: str = str(config.NOTEBOOKS)

    @property
    def source(self) -> Path:
        """Notebook file the job runs."""
        return Path(self.source_dir) / f"{self.notebook}.ipynb"

    @property
    def folder(self) -> Path:
        """Output folder of this year and scenario."""
        return Path(self.out_dir) / str(self.year) / self.scenario

    @property
    def executed(self) -> Path:
        """Executed copy of the notebook."""
        return self.folder / "executed" / f"{self.notebook}.ipynb"

    @property
    def html(self) -> Path:
        """Rendered HTML page (code hidden)."""
        name = "memo" if self.notebook == MEMO_NOTEBOOK else self.notebook
        return self.folder / f"{name}.html"

    @property
    def results(self) -> Path:
        """Published results JSON."""
        return self.folder / "results" / f"{self.notebook}.json"

    @property
    def label(self) -> str:
        """``year/scenario/notebook``."""
        return f"{self.year}/{self.scenario}/{self.notebook}"


@dataclass
class Outcome:
    """What happened to a job."""

    label: str
    notebook: str
    year: int
    scenario: str
    status: str  # built | cached | failed | skipped
    seconds: float = 0.0
    cell: int | None = None
    error: str = ""
    html: str = ""
    executed: str = ""
    extra: dict = field(default_factory=dict)


def notebooks(folder: Path | None = None) -> tuple[list[Path], Path | None]:
    """Analysis notebooks (``NN_name.ipynb``, NN >= 01) and the memo notebook, by glob."""
    folder = config.NOTEBOOKS if folder is None else folder
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    memo = next((p for p in found if p.stem == MEMO_NOTEBOOK), None)
    return [p for p in found if p.stem != MEMO_NOTEBOOK], memo


def declared_parameters(path: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell (papermill's reading)."""
    import papermill

    return papermill.inspect_notebook(str(path))


def _code_hash() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".json"}:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_hash() -> str:
    """Hash of what every run shares: the raw-data checksums and the package code."""
    digest = hashlib.sha256(json.dumps(provenance.raw_checksums(), sort_keys=True).encode())
    digest.update(_code_hash().encode())
    return digest.hexdigest()


def cache_key(job: Job, shared: str, extra_files: list[Path] | None = None) -> str:
    """Hash of everything a run depends on: notebook source, parameters, and ``shared``
    (:func:`inputs_hash`: raw data and code).
    """
    digest = hashlib.sha256(shared.encode())
    digest.update(job.source.read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True, default=str).encode())
    for path in extra_files or []:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"missing")
    return digest.hexdigest()


# ---------------------------------------------------------------------------- running
def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def render_html(executed: Path, target: Path) -> None:
    """Render an executed notebook to standalone HTML with code hidden; atomic write."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="kip_memo", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    _atomic_write(target, body)


def _atomic_write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def is_cached(job: Job, key: str) -> bool:
    """Whether the job's last successful run had this cache key and its page still exists."""
    stamp = job.executed.with_suffix(".cache.json")
    return stamp.exists() and job.html.exists() and json.loads(stamp.read_text()).get("key") == key


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
    render_html(tmp_nb, job.html)
    tmp_nb.replace(job.executed)
    if tmp_results.exists():
        job.results.parent.mkdir(parents=True, exist_ok=True)
        tmp_results.replace(job.results)
    job.executed.with_name(f"{job.executed.stem}.failed.ipynb").unlink(missing_ok=True)
    _atomic_write(stamp, json.dumps({"key": key, "seconds": out.seconds}) + "\n")
    return out


# ---------------------------------------------------------------------------- planning
def parse_years(text: str | None) -> list[int]:
    """``"2019-2021"`` or ``"2019,2021"`` -> years, checked against the data's range.

    Examples
    --------
    >>> parse_years("2019-2021")
    [2019, 2020, 2021]
    >>> parse_years("2017")
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: --years: 2017 is out of range; allowed years: 2018-2025
    """
    if not text:
        return list(params.YEARS)
    years: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        try:
            first, last = int(lo), int(hi or lo)
        except ValueError:
            raise ParameterError(f"--years: {part!r} is not a year or YYYY-YYYY range") from None
        for year in range(first, last + 1):
            if year not in params.YEARS:
                raise ParameterError(f"--years: {year} is out of range; allowed years: "
                                     f"{params.YEARS[0]}-{params.YEARS[-1]}")
            years.append(year)
    if not years:
        raise ParameterError(f"--years: {text!r} selects no year")
    return sorted(set(years))


_CASTS = {"int": int, "float": float, "str": str, "bool": lambda v: {"true": True, "false": False}[v.lower()]}


def parse_overrides(pairs: list[str], declared: dict[str, dict[str, dict]]) -> dict[str, object]:
    """``["n_draws=500"]`` -> ``{"n_draws": 500}``, typed by the notebooks' declarations.

    Raises
    ------
    ParameterError
        For a name no notebook declares, a reserved name, or a value of the wrong type.
    """
    allowed = {name: spec for nb in declared.values() for name, spec in nb.items()}
    reserved = {"as_of_year", "memo_year", "scenario", "results_path", "results_dir"}
    out: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ParameterError(f"-p {pair!r}: expected NAME=VALUE")
        if name in reserved:
            raise ParameterError(f"-p {name}: set by the batch itself (use --years / --scenario)")
        if name not in allowed:
            names = ", ".join(sorted(set(allowed) - reserved)) or "none"
            raise ParameterError(f"-p {name}: unknown parameter; the notebooks declare: {names}")
        kind = allowed[name].get("inferred_type_name", "str").split("|")[0].strip()
        try:
            out[name] = _CASTS.get(kind, str)(value)
        except (ValueError, KeyError):
            raise ParameterError(f"-p {name}={value!r}: expected a value of type {kind}") from None
    return out


def plan(years: list[int], names: list[str], out_dir: Path, overrides: dict[str, object],
         declared: dict[str, dict[str, dict]], source_dir: Path = config.NOTEBOOKS) -> list[Job]:
    """Every analysis-notebook job for the chosen years and scenarios, parameters injected
    only where a notebook declares them.
    """
    jobs = []
    for year in years:
        for scenario in names:
            for nb, spec in declared.items():
                if nb == MEMO_NOTEBOOK:
                    continue
                values = {"as_of_year": year, "memo_year": year, "scenario": scenario,
                          "results_path": "pending", **overrides}
                jobs.append(Job(nb, year, scenario, {k: v for k, v in values.items() if k in spec},
                                str(out_dir), str(source_dir)))
    return jobs


def memo_job(year: int, scenario: str, out_dir: Path, declared: dict,
             source_dir: Path = config.NOTEBOOKS) -> Job:
    """The memo notebook's job for one year and scenario."""
    folder = out_dir / str(year) / scenario
    values = {"memo_year": year, "scenario": scenario, "results_dir": str((folder / "results").resolve())}
    return Job(MEMO_NOTEBOOK, year, scenario,
               {k: v for k, v in values.items() if k in declared.get(MEMO_NOTEBOOK, {})}, str(out_dir),
               str(source_dir))


# ---------------------------------------------------------------------------- running many
def run_all(jobs: list[Job], keys: dict[str, str], n_jobs: int, force: bool) -> list[Outcome]:
    """Run jobs across ``n_jobs`` kernels with a progress bar (done / total, running)."""
    from tqdm import tqdm

    outcomes = [Outcome(j.label, j.notebook, j.year, j.scenario, "cached", html=str(j.html),
                        executed=str(j.executed))
                for j in jobs if not force and is_cached(j, keys[j.label])]
    cached = {o.label for o in outcomes}
    jobs = [j for j in jobs if j.label not in cached]
    if not jobs:
        return outcomes
    bar = tqdm(total=len(jobs), desc="notebooks", unit="nb", file=sys.stderr, dynamic_ncols=True)
    with ProcessPoolExecutor(max_workers=max(1, n_jobs), mp_context=get_context("spawn")) as pool:
        threads = max(1, (os.cpu_count() or 1) // max(1, n_jobs))
        running = {pool.submit(run_job, job, keys[job.label], force, threads): job for job in jobs}
        while running:
            bar.set_postfix_str(", ".join(sorted(j.label for j in running.values())[:n_jobs]))
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    outcomes.append(future.result())
                except Exception as err:  # the worker itself died
                    outcomes.append(Outcome(job.label, job.notebook, job.year, job.scenario,
                                            "failed", error=f"{type(err).__name__}: {err}"))
                bar.update(1)
    bar.close()
    return sorted(outcomes, key=lambda o: o.label)


def run_batch(years: list[int], names: list[str], out_dir: Path, n_jobs: int, force: bool,
              overrides: dict[str, object] | None = None,
              source_dir: Path = config.NOTEBOOKS) -> list[Outcome]:
    """Validate, run the analysis notebooks, then the memos, then write the index."""
    analysis, memo = notebooks(source_dir)
    declared = {p.stem: declared_parameters(p) for p in [*analysis, *([memo] if memo else [])]}
    names = [scenarios.check_scenario(n) for n in names]
    overrides = parse_overrides([f"{k}={v}" for k, v in (overrides or {}).items()], declared)
    from kip_analysis import processed

    processed.ensure_current()  # once, before parallel kernels would each rebuild it
    jobs = plan(years, names, out_dir, overrides, declared, source_dir)
    shared = inputs_hash()
    keys = {job.label: cache_key(job, shared) for job in jobs}
    outcomes = run_all(jobs, keys, n_jobs, force)
    if memo is not None:
        failed = {(o.year, o.scenario) for o in outcomes if o.status == "failed"}
        memo_jobs, skipped = [], []
        for year in years:
            for scenario in names:
                job = memo_job(year, scenario, out_dir, declared, source_dir)
                if (year, scenario) in failed:
                    skipped.append(Outcome(job.label, job.notebook, year, scenario, "skipped",
                                           error="an analysis notebook failed; last good memo kept",
                                           html=str(job.html)))
                else:
                    memo_jobs.append(job)
        keys.update({j.label: cache_key(j, shared, sorted((j.folder / "results").glob("*.json")))
                     for j in memo_jobs})
        outcomes += run_all(memo_jobs, keys, n_jobs, force) + skipped
    write_index(out_dir, outcomes)
    return outcomes


# ---------------------------------------------------------------------------- index and summary
_INDEX_CSS = """
body { font-family: Georgia, serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1d; }
h1, h2 { font-family: "Helvetica Neue", Arial, sans-serif; color: #1f3b57; }
table { border-collapse: collapse; font-family: "Helvetica Neue", Arial, sans-serif; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
.built { color: #1b7f3b; } .cached { color: #1f4e79; } .failed, .skipped { color: #b00020; font-weight: bold; }
.small { font-size: 12px; color: #555; }
"""


def _load_state(out_dir: Path) -> dict[str, dict]:
    path = out_dir / "batch_state.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _headline_cells(folder: Path) -> str:
    """Headline numbers from the published results of a memo's notebooks."""
    from html import escape

    parts = []
    facts = folder / "results" / "01_programme_facts.json"
    if facts.exists():
        h = json.loads(facts.read_text())["headline"]
        parts.append(f"{h['products_cumulative']} products / {h['firms_cumulative']} firms recognised "
                     f"2018–{h['latest_round']}; targets met {h['targets_met']}, missed "
                     f"{h['targets_missed']}, no actual {h['targets_no_actual']}, open {h['targets_open']}")
    return "<br>".join(escape(p) for p in parts) or "—"


def write_index(out_dir: Path, outcomes: list[Outcome]) -> Path:
    """Write ``index.html`` (every memo by year and scenario, status, headline numbers,
    links) and ``batch_state.json`` (latest outcome of every notebook run).
    """
    from html import escape

    state = _load_state(out_dir)
    state.update({o.label: asdict(o) for o in outcomes})
    _atomic_write(out_dir / "batch_state.json", json.dumps(state, indent=2, sort_keys=True) + "\n")
    memos: dict[tuple[int, str], list[dict]] = {}
    for rec in state.values():
        memos.setdefault((rec["year"], rec["scenario"]), []).append(rec)
    rows = []
    for (year, scenario), recs in sorted(memos.items()):
        folder = out_dir / str(year) / scenario
        failed = [r for r in recs if r["status"] in ("failed", "skipped")]
        memo_rec = next((r for r in recs if r["notebook"] == MEMO_NOTEBOOK), None)
        status = "failed" if failed else (memo_rec or recs[0])["status"]
        memo_link = (f'<a href="{year}/{escape(scenario)}/memo.html">memo</a>'
                     if (folder / "memo.html").exists() else "no memo yet")
        links = " · ".join(
            f'<a href="{year}/{escape(scenario)}/{escape(r["notebook"])}.html">{escape(r["notebook"])}</a>'
            f' (<a href="{year}/{escape(scenario)}/executed/{escape(r["notebook"])}.ipynb">ipynb</a>)'
            for r in sorted(recs, key=lambda r: r["notebook"])
            if r["notebook"] != MEMO_NOTEBOOK and (folder / f'{r["notebook"]}.html').exists())
        problems = "".join(
            f'<div class="failed">{escape(r["notebook"])}: {escape(r["status"])}'
            + (f' at cell [{r["cell"]}]' if r.get("cell") is not None else "")
            + (f' (<code>{escape(r["extra"]["cell_source"])}</code>)' if r.get("extra", {}).get("cell_source") else "")
            + f' — {escape(r["error"])}</div>' for r in failed)
        rows.append(
            f'<tr><td>{year}</td><td>{escape(scenario)}</td><td class="{status}">{status}</td>'
            f"<td>{memo_link}</td><td>{_headline_cells(folder)}{problems}</td>"
            f'<td class="small">{links}</td></tr>')
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Hanoi KIP workbook: annual memos</title>"
        f"<style>{_INDEX_CSS}</style></head><body>"
        "<h1>Hanoi Key Industrial Products: annual policy memos</h1>"
        "<p>One memo per year and scenario, built by <code>make memos</code>. Status: "
        "<span class='built'>built</span> (run now), <span class='cached'>cached</span> "
        "(inputs unchanged, not re-run), <span class='failed'>failed</span> (the last good "
        "memo, if any, is kept).</p>"
        "<table><thead><tr><th>year</th><th>scenario</th><th>status</th><th>memo</th>"
        "<th>headline</th><th>notebooks (executed)</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>"
        f'<p class="small">Code version {escape(provenance.code_version())}.</p></body></html>\n'
    )
    path = out_dir / "index.html"
    _atomic_write(path, page)
    return path


def summary(outcomes: list[Outcome]) -> str:
    """Plain-text batch summary: counts, then every failure with its cell and error."""
    counts = {s: sum(o.status == s for o in outcomes) for s in ("built", "cached", "failed", "skipped")}
    lines = [", ".join(f"{n} {s}" for s, n in counts.items())]
    for o in outcomes:
        if o.status in ("failed", "skipped"):
            cell = f" at cell [{o.cell}]" if o.cell is not None else ""
            if o.extra.get("cell_source"):
                cell += f" ({o.extra['cell_source']})"
            lines.append(f"  {o.status.upper()} {o.label}{cell}: {o.error}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (``kip-memos`` / ``python -m kip_analysis.memos``)."""
    parser = argparse.ArgumentParser(prog="kip-memos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", help="years to build, e.g. 2019-2021 or 2019,2021 (default: all)")
    parser.add_argument("--scenario", action="append", dest="scenarios",
                        help=f"scenario (repeatable; default: {scenarios.DEFAULT}); one of "
                             + ", ".join(scenarios.NAMES))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel kernels")
    parser.add_argument("--force", action="store_true", help="re-run even when cached")
    parser.add_argument("--out", type=Path, default=config.REPORTS, help="output folder")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="extra notebook parameter (validated against the notebooks)")
    args = parser.parse_args(argv)
    try:
        years = parse_years(args.years)
        overrides = dict(p.split("=", 1) for p in args.param if "=" in p)
        if len(overrides) != len(args.param):
            raise ParameterError("-p: expected NAME=VALUE")
        if args.jobs < 1:
            raise ParameterError(f"--jobs {args.jobs}: expected a positive number of kernels")
        start = time.perf_counter()
        outcomes = run_batch(years, args.scenarios or [scenarios.DEFAULT], args.out.resolve(),
                             args.jobs, args.force, overrides)
    except ParameterError as err:
        print(f"kip-memos: {err}", file=sys.stderr)
        return 2
    print(summary(outcomes))
    print(f"index: {args.out / 'index.html'}  ({time.perf_counter() - start:.1f} s)")
    return 1 if any(o.status in ("failed", "skipped") for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
