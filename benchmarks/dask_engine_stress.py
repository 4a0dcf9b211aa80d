"""The Dask engine of ``did.callaway_santanna`` run again and again, several processes at once, beside a busy
loop on every core: does it ever hang?

On CPython 3.11 ``functools.cached_property`` holds one lock per property per class while it computes, so two
threads that optimise dask-expr graphs at once can wait on each other for ever (python/cpython#87634; removed
in 3.12). moderndid's Dask estimator builds its cohorts' graphs from a thread pool; the workbook runs that pool
with one thread (``did.DASK_COHORT_THREADS``). ``--cohort-threads 0`` restores moderndid's default (one thread
per Dask worker) to reproduce the hang.

Each process runs ``--runs`` fits on mpdta (both comparison groups) and prints one line per fit; a fit that
has not finished after ``--timeout`` seconds dumps every thread's stack and counts as a hang.

    python benchmarks/dask_engine_stress.py --procs 3 --runs 17 --busy        # 51 fits, 3 at once
    python benchmarks/dask_engine_stress.py --procs 3 --runs 10 --busy --cohort-threads 0
"""

from __future__ import annotations

import argparse
import faulthandler
import multiprocessing as mp
import os
import subprocess
import sys
import time
from pathlib import Path


def one_process(runs: int, timeout: float, cohort_threads: int, tag: int) -> None:
    import moderndid
    import pandas as pd
    from dask.distributed import Client, LocalCluster

    from kip_analysis.estimators import did

    if cohort_threads == 0:
        did.DASK_COHORT_THREADS = None  # moderndid's default: one graph-building thread per Dask worker
    data = pd.read_pickle(Path(moderndid.__file__).parent / "core" / "datasets" / "mpdta_long.pkl.gz")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        for run in range(runs):
            faulthandler.dump_traceback_later(timeout, exit=True)  # a hang: every thread's stack, then exit 9
            start = time.perf_counter()
            for control_group in ("nevertreated", "notyettreated"):
                did.callaway_santanna(data, "lemp", "year", "countyreal", "first.treat", control_group, ["lpop"],
                                      engine="dask", client=client)
            faulthandler.cancel_dump_traceback_later()
            print(f"process {tag} fit {run + 1}: {time.perf_counter() - start:.1f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=17, help="fits per process")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a fit counts as a hang")
    parser.add_argument("--busy", action="store_true", help="a busy loop on every core beside the fits")
    parser.add_argument("--cohort-threads", type=int, default=1, help="0: moderndid's default pool")
    args = parser.parse_args()
    if args.procs == 1 and os.environ.get("KIP_STRESS_CHILD"):
        one_process(args.runs, args.timeout, args.cohort_threads, int(os.environ["KIP_STRESS_CHILD"]))
        return 0
    busy = [mp.Process(target=_spin, daemon=True) for _ in range(os.cpu_count() or 1)] if args.busy else []
    for p in busy:
        p.start()
    start = time.perf_counter()
    children = [subprocess.Popen([sys.executable, __file__, "--procs", "1", "--runs", str(args.runs), "--timeout",
                                  str(args.timeout), "--cohort-threads", str(args.cohort_threads)],
                                 env={**os.environ, "KIP_STRESS_CHILD": str(k)}, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for k in range(args.procs)]
    done, hung = 0, 0  # hung: hung or failed
    for child in children:
        out, err = child.communicate()
        print(out, end="")
        done += out.count(" fit ")
        if child.returncode != 0:
            hung += 1
            if "most recent call first" in err:  # faulthandler's dump of a hang: the frames that name a lock
                frames = [line for line in err.splitlines() if "most recent call" in line or "functools" in line
                          or "dask_expr" in line or "as_completed" in line]
                print(f"a process hung (exit {child.returncode}); the frames of its threads that name a lock or "
                      "dask-expr:\n" + "\n".join(frames))
            else:
                print(f"a process failed (exit {child.returncode}):\n" + "\n".join(err.splitlines()[-25:]))
    for p in busy:
        p.terminate()
    total = args.procs * args.runs
    print(f"cohort threads {args.cohort_threads or 'moderndid default'}; busy loop {'on' if busy else 'off'}: "
          f"{done} of {total} fits finished, {hung} of {args.procs} processes hung or failed, "
          f"{time.perf_counter() - start:.0f} s")
    return 0 if done == total else 1


def _spin() -> None:
    while True:
        pass


if __name__ == "__main__":
    sys.exit(main())
