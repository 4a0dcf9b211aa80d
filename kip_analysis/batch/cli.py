"""The command line: ``kip-memos`` / ``python -m kip_analysis.batch``.

Usage (``make memos`` calls it with no options)::

    kip-memos [--years 2019-2021] [--scenario NAME ...] [--jobs N] [--force] [--out DIR] [-p NAME=VALUE ...]

Each notebook run is cached on its source, parameters, raw-data checksums and package
code; a failing notebook leaves every other memo built, never overwrites the last good
files (everything is written to a temporary path, then renamed), is listed with its
failing cell in the summary and on the index, and makes the command exit non-zero.

May import: config, errors, analyses.targets.scenarios, batch.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from kip_analysis import config
from kip_analysis.analyses.targets import scenarios
from kip_analysis.batch import signals
from kip_analysis.batch.execute import KERNEL_LOG, Interrupted, run_batch
from kip_analysis.batch.index import summary
from kip_analysis.batch.jobs import parse_years
from kip_analysis.checks import check_data_source
from kip_analysis.errors import ParameterError, report

#: How much of the batch log a failure outside any cell prints.
LOG_TAIL_LINES: int = 30


def check_out(path: Path) -> Path:
    """``--out`` is a folder (created if missing), never an existing file."""
    path = path.expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ParameterError(f"--out {path}: is a file; expected a folder for the memos")
    return path


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of the batch log, headed by its path (what a CI log should show of a kernel that
    died before its first cell).
    """
    try:
        text = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError as err:
        return f"kip-memos: no batch log to show ({err})"
    return "\n".join([f"kip-memos: the last {len(text)} lines of {path}:", *(f"  | {line}" for line in text)])


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (``kip-memos`` / ``python -m kip_analysis.batch``)."""
    signals.term_as_interrupt()
    parser = argparse.ArgumentParser(prog="kip-memos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", help="years to build, e.g. 2019-2021 or 2019,2021 (default: all)")
    parser.add_argument("--scenario", action="append", dest="scenarios",
                        help=f"scenario (repeatable; default: {scenarios.DEFAULT}); one of "
                             + ", ".join(scenarios.NAMES))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="parallel kernels (default: the number of cores)")
    parser.add_argument("--force", action="store_true", help="re-run even when cached")
    parser.add_argument("--out", type=Path, default=config.REPORTS, help="output folder")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="notebook parameter, passed to every notebook that declares it")
    args = parser.parse_args(argv)
    out, start = args.out, time.perf_counter()
    try:
        out = check_out(args.out)
        years = parse_years(args.years)
        if args.jobs < 1:
            raise ParameterError(f"--jobs {args.jobs}: expected a positive number of kernels")
        overrides = {}
        for pair in args.param:
            name, sep, value = pair.partition("=")
            if not sep or not name:
                raise ParameterError(f"-p {pair!r}: expected NAME=VALUE")
            overrides[name] = check_data_source(value) if name == "data_source" else value
        outcomes = run_batch(years, args.scenarios or [scenarios.DEFAULT], out, args.jobs, args.force, overrides)
    except Interrupted as stop:
        print(summary(stop.outcomes))
        print(f"kip-memos: stopped by Ctrl-C or SIGTERM: nothing unfinished was published; the index lists what is "
              f"stale: {out / 'index.html'}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("kip-memos: stopped before any notebook started", file=sys.stderr)
        return 130
    except Exception as err:  # one error path: a line for the user, the traceback in a log file
        return report("kip-memos", err)  # the log goes to the temporary folder: reports/ is never touched
    print(summary(outcomes))
    if any(o.status == "failed" and o.cell is None for o in outcomes):  # not a cell's error: the kernel's own words
        print(log_tail(out / KERNEL_LOG), file=sys.stderr)
    print(f"index: {out / 'index.html'}  ({time.perf_counter() - start:.1f} s)")
    return 1 if any(o.status in ("failed", "skipped") for o in outcomes) else 0
