"""Planning the batch: which notebook runs for which year and scenario, with which parameters,
every parameter value validated here, in the parent process, before any kernel starts.

May import: config, errors, memory, data.processed, analyses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kip_analysis import config
from kip_analysis.analyses import VALIDATORS
from kip_analysis.data import processed
from kip_analysis.errors import ParameterError
from kip_analysis.memory import shared

MEMO_NOTEBOOK = "00_annual_memo"
#: Core-seconds of each analysis notebook over a cold nine-year baseline batch (benchmarks/memo_batch.py,
#: 2 cores, 2026-12-03). Only the order in which the batch starts its jobs depends on them: longest first.
COST_HINT: dict[str, float] = {"02_programme_effects": 257, "04_land_relocation": 205, "03_targets": 184,
                               "01_programme_facts": 65}


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
    """The parameters a notebook declares in its ``parameters`` cell (papermill's reading).

    Cached on disk by the notebook's bytes: importing papermill (nbformat, jsonschema) costs a
    cached re-run of the batch about 2 s, longer than the rest of it.
    """
    return _declared(path.read_bytes(), path.suffix)


@shared
def _declared(content: bytes, suffix: str) -> dict[str, dict]:
    import tempfile

    import papermill

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / f"notebook{suffix}"
        copy.write_bytes(content)
        return papermill.inspect_notebook(str(copy))


def parse_years(text: str | None) -> list[int]:
    """``"2019-2021"`` or ``"2019,2021"`` -> years, checked against the data's range; None: every year.

    Examples
    --------
    >>> parse_years("2019-2021")
    [2019, 2020, 2021]
    >>> parse_years("2017")
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: --years: 2017 is out of range; allowed years: 2018-2026
    """
    if text is None:
        return list(config.YEARS)
    years: list[int] = []
    for part in text.split(","):
        lo, dash, hi = part.strip().partition("-")
        try:
            if dash and not hi:
                raise ValueError
            first, last = int(lo), int(hi or lo)
        except ValueError:
            raise ParameterError(f"--years: {part!r} is not a year or a YYYY-YYYY range (allowed years: "
                                 f"{config.YEARS[0]}-{config.YEARS[-1]})") from None
        for year in range(first, last + 1):
            if year not in config.YEARS:
                raise ParameterError(f"--years: {year} is out of range; allowed years: "
                                     f"{config.YEARS[0]}-{config.YEARS[-1]}")
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
                # real time wherever the sources had reported a round by the year's end, else ex post
                values = {"as_of_year": year, "memo_year": year, "scenario": scenario,
                          "vintage": processed.default_vintage(year),
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


def validate_jobs(jobs: list[Job]) -> None:
    """Check every job's parameter values with its notebook's own validator (the function the
    notebook calls first), so a bad value stops the batch before any kernel starts.

    Raises
    ------
    ParameterError
        Naming the notebook and the value.
    """
    for job in jobs:
        validator = VALIDATORS.get(job.notebook)
        if validator is None:
            continue
        try:
            validator(**job.parameters)
        except ParameterError as err:
            raise ParameterError(f"{job.notebook}: {err}") from None
        except TypeError as err:  # the notebook declares a parameter its validator does not take
            raise ParameterError(f"{job.notebook}: parameters {sorted(job.parameters)} do not match its "
                                 f"validator: {err}") from None

