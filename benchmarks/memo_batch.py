"""Benchmark the memo batch: cold run, --jobs 1 vs --jobs 2, and a cached re-run.

Run: ``.venv/bin/python benchmarks/memo_batch.py [--years 2018-2025]``. Each measurement
is the wall time of the real command (``python -m kip_analysis.batch``) in a subprocess,
into a fresh output folder. Goals (issue 3): cached re-run < 5 s; ``--jobs 2`` <= 0.65 x
``--jobs 1``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kip_analysis.batch", *args],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"batch failed ({' '.join(args)}):\n{done.stdout}\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", default="2018-2025")
    years = parser.parse_args().years
    with tempfile.TemporaryDirectory() as tmp:
        cold_dir, one_dir, two_dir = (Path(tmp) / n for n in ("cold", "jobs1", "jobs2"))
        cores = os.cpu_count() or 1
        cold = timed(["--years", years, "--out", str(cold_dir), "--jobs", str(cores)])
        cached = timed(["--years", years, "--out", str(cold_dir), "--jobs", str(cores)])
        one = timed(["--years", years, "--out", str(one_dir), "--jobs", "1", "--force"])
        two = timed(["--years", years, "--out", str(two_dir), "--jobs", "2", "--force"])
        n_notebooks = len(list(cold_dir.rglob("executed/*.ipynb")))
    rows = [
        (f"cold batch (--jobs {cores})", cold, ""),
        ("batch --jobs 1", one, ""),
        ("batch --jobs 2", two, f"ratio {two / one:.2f} (goal <= 0.65): {'met' if two <= 0.65 * one else 'NOT met'}"),
        ("cached re-run", cached, f"goal < 5 s: {'met' if cached < 5 else 'NOT met'}"),
    ]
    print(f"memo batch benchmark: years {years}, {n_notebooks} notebook runs, {cores} cores")
    for name, seconds, note in rows:
        print(f"  {name:<24} {seconds:7.1f} s  {note}")


if __name__ == "__main__":
    main()
