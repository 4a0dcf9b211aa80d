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
from kip_analysis.batch.execute import run_batch
from kip_analysis.batch.index import summary
from kip_analysis.batch.jobs import parse_years
from kip_analysis.errors import ParameterError


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (``kip-memos`` / ``python -m kip_analysis.batch.execute``)."""
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
