"""Benchmark the memo batch: cold, cached and all-scenario runs, and where the time goes.

Run: ``.venv/bin/python benchmarks/memo_batch.py [--years 2018-2025] [--skip-scenarios]``. Each measurement is the
wall time of the real command (``python -m kip_analysis.batch``) in a subprocess, into a fresh output folder; a cold
run also starts with an empty disk cache of shared work (``KIP_CACHE_DIR``, kip_analysis/memory.py), the cached re-run
reuses its run's.
Prints the top 10 notebook runs by time (from each run's stamp). Goals (issue 21): cold 8 years baseline <= 120 s;
all scenarios <= 2 x baseline; cached re-run < 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The years the cold-batch goal is stated for (8 years, baseline).
GOAL_YEARS: str = "2018-2025"


def timed(args: list[str], cache: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kip_analysis.batch", *args], capture_output=True, text=True,
                          env={**os.environ, "KIP_CACHE_DIR": str(cache)})
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"batch failed ({' '.join(args)}):\n{done.stdout}\n{done.stderr[-2000:]}")
    return seconds


def built_runs(folder: Path) -> list[tuple[float, str]]:
    """Every notebook run of a batch with its seconds, from the outcomes recorded in batch_state.json."""
    state = json.loads((folder / "batch_state.json").read_text())
    return [(float(r.get("seconds", 0.0)), label) for label, r in state.items() if r.get("status") == "built"]


def by_notebook(runs: list[tuple[float, str]]) -> dict[str, tuple[int, float]]:
    """Runs and seconds summed by notebook (a label is ``year/scenario/notebook``), longest total first.

    Examples
    --------
    >>> by_notebook([(2.0, "2024/baseline/02_x"), (3.0, "2025/baseline/02_x"), (1.0, "2025/baseline/memo")])
    {'02_x': (2, 5.0), 'memo': (1, 1.0)}
    """
    totals: dict[str, tuple[int, float]] = {}
    for seconds, label in runs:
        name = label.rsplit("/", 1)[-1]
        n, total = totals.get(name, (0, 0.0))
        totals[name] = (n + 1, total + seconds)
    return dict(sorted(totals.items(), key=lambda kv: -kv[1][1]))


def main() -> None:
    from kip_analysis.analyses.targets import scenarios

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", default=GOAL_YEARS)
    parser.add_argument("--skip-scenarios", action="store_true", help="only the baseline")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        base, every = Path(tmp) / "baseline", Path(tmp) / "all"
        cold = timed(["--years", args.years, "--out", str(base)], Path(tmp) / "cache-baseline")
        runs_cold = built_runs(base)  # before the cached run overwrites each run's latest outcome
        cached = timed(["--years", args.years, "--out", str(base)], Path(tmp) / "cache-baseline")
        runs = len(list(base.rglob("executed/*.ipynb")))
        goal = (f"goal <= 120 s: {'met' if cold <= 120 else 'NOT met'}" if args.years == GOAL_YEARS
                else f"the 120 s goal is for --years {GOAL_YEARS}")
        rows = [(f"cold batch, baseline ({runs} runs)", cold, goal),
                ("cached re-run", cached, f"goal < 5 s: {'met' if cached < 5 else 'NOT met'}")]
        if not args.skip_scenarios:
            names = [a for n in scenarios.NAMES for a in ("--scenario", n)]
            all_s = timed(["--years", args.years, "--out", str(every), *names], Path(tmp) / "cache-all")
            rows.append((f"cold batch, {len(scenarios.NAMES)} scenarios", all_s,
                         f"{all_s / cold:.2f} x baseline (goal <= 2): {'met' if all_s <= 2 * cold else 'NOT met'}"))
    print(f"memo batch benchmark: years {args.years}, {cores} cores")
    for name, seconds, note in rows:
        print(f"  {name:<34} {seconds:7.1f} s  {note}")
    print("top 10 notebook runs of the cold baseline batch:")
    for seconds, label in sorted(runs_cold, reverse=True)[:10]:
        print(f"  {seconds:7.1f} s  {label}")
    busy = sum(s for s, _ in runs_cold)
    print(f"kernel-seconds of the cold baseline batch by notebook (sum {busy:.1f} s; / {cores} cores = "
          f"{busy / cores:.1f} s of the {cold:.1f} s wall):")
    for name, (n, seconds) in by_notebook(runs_cold).items():
        print(f"  {seconds:7.1f} s  {n:2d} runs  {name}")


if __name__ == "__main__":
    main()
