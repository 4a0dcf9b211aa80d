"""Time and peak memory of the full Callaway & Sant'Anna analysis (analytic SEs, all four
aggregations) at census scale: our vectorised layer vs csdid called directly, unconditional
and doubly robust with two covariates.

Run: ``.venv/bin/python benchmarks/effects_scale.py [--sizes 100000 300000 1000000] [--methods reg dr]
[--fast-only]``. Each measurement runs in its own process (peak RSS from ``resource``), on a panel of n
firms x 15 years with recognition rounds 2018-2024 (about 2% of firms recognised), growing
effects and a trend that depends on a covariate. csdid runs only where it finishes within
``--library-timeout`` seconds (and not again at larger sizes once it has failed);
``--fast-only`` times our layer alone. Goals (issue 21): doubly robust at 1M firms x 15 years
in < 30 s and < 6 GB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def make_panel(n: int, seed: int = 1):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    years = np.arange(2011, 2026)
    cohorts = np.array([0, 2018, 2019, 2020, 2021, 2022, 2023, 2024])
    g = rng.choice(cohorts, size=n, p=[0.98] + [0.02 / 7] * 7)
    x1, x2 = rng.normal(0, 1, n), (rng.random(n) < 0.2).astype(float)
    level = rng.normal(3, 1.5, n) + x1
    e = years[None, :] - g[:, None]
    effect = np.where((g[:, None] > 0) & (e >= 0), 0.05 * np.minimum(e + 1, 3), 0.0)
    trend = (0.05 + 0.01 * x1)[:, None] * (years - 2011)[None, :]
    y = level[:, None] + trend + effect + rng.normal(0, 0.1, (n, len(years)))
    return pd.DataFrame({"id": np.repeat(np.arange(1, n + 1), len(years)), "year": np.tile(years, n),
                         "y": y.ravel(), "gname": np.repeat(g, len(years)), "x1": np.repeat(x1, len(years)),
                         "x2": np.repeat(x2, len(years))})


def run_one(which: str, n: int, method: str = "reg") -> dict:
    import contextlib
    import io
    import resource
    import warnings

    warnings.simplefilter("ignore")
    data = make_panel(n)
    covariates = ["x1", "x2"] if method == "dr" else None
    start = time.perf_counter()
    if which == "fast":
        from kip_analysis.estimators import fastdid

        result = fastdid.att_gt(data, "y", "year", "id", "gname", "notyettreated", 0, covariates)
        overall = [result.aggregate(k).overall_att for k in ("simple", "group", "calendar", "dynamic")]
    elif which == "wrapper":
        from kip_analysis.estimators import did as effects

        result = effects.callaway_santanna(data, "y", "year", "id", "gname", "notyettreated", covariates,
                                           engine="csdid")
        overall = [result.aggregate(k).overall_att for k in ("simple", "group", "calendar", "dynamic")]
    else:
        from csdid.att_gt import ATTgt

        with contextlib.redirect_stdout(io.StringIO()):
            fit = ATTgt(yname="y", gname="gname", idname="id", tname="year",
                        xformla="y~x1+x2" if covariates else "y~1", data=data,
                        control_group=["notyettreated"]).fit(est_method=method, bstrap=False)
            overall = []
            for k in ("simple", "group", "calendar", "dynamic"):
                fit.aggte(typec=k, bstrap=False)
                overall.append(float(fit.atte["overall_att"]))
    seconds = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    return {"which": which, "n": n, "seconds": seconds, "peak_gb": peak_gb, "overall": overall}


def measure(which: str, n: int, timeout: float, method: str) -> dict:
    try:
        out = subprocess.run([sys.executable, __file__, "--one", which, str(n), method], capture_output=True,
                             text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"which": which, "n": n, "seconds": None, "peak_gb": None, "note": f"did not finish in {timeout:.0f} s"}
    if out.returncode != 0:
        return {"which": which, "n": n, "seconds": None, "peak_gb": None, "note": out.stderr.strip()[-200:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--methods", nargs="+", default=["reg", "dr"], choices=["reg", "dr"])
    parser.add_argument("--library-timeout", type=float, default=900)
    parser.add_argument("--fast-only", action="store_true", help="time kip_analysis fastdid alone (no csdid)")
    parser.add_argument("--one", nargs=3, metavar=("WHICH", "N", "METHOD"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.one[2])))
        return
    print("Callaway & Sant'Anna, not-yet-treated controls, analytic SEs, 4 aggregations; n firms x 15 years")
    print(f"{'method':<20} {'n firms':>10} {'implementation':<28} {'seconds':>9} {'peak GB':>8}  note")
    for method in args.methods:
        label_m = "doubly robust (2 x)" if method == "dr" else "unconditional"
        library_failed = args.fast_only
        for n in args.sizes:
            runs = [("fast", "kip_analysis fastdid")]
            if not library_failed:
                runs += [("csdid", "csdid directly"), ("wrapper", "did wrapper, engine=csdid")]
            results = {}
            for which, label in runs:
                r = measure(which, n, args.library_timeout if which != "fast" else 3600, method)
                results[which] = r
                secs = f"{r['seconds']:.1f}" if r.get("seconds") is not None else "-"
                gb = f"{r['peak_gb']:.2f}" if r.get("peak_gb") is not None else "-"
                print(f"{label_m:<20} {n:>10,} {label:<28} {secs:>9} {gb:>8}  {r.get('note', '')}", flush=True)
                if which == "csdid" and r.get("seconds") is None:
                    library_failed = True
                    break
            if results.get("csdid", {}).get("seconds") and results["fast"].get("seconds"):
                same = max(abs(a - b) for a, b in zip(results["fast"]["overall"], results["csdid"]["overall"],
                                                      strict=True))
                speed = results["csdid"]["seconds"] / results["fast"]["seconds"]
                print(f"{'':<20} {'':>10} fastdid {speed:.0f}x faster than csdid; max |diff| of the four overall "
                      f"ATTs: {same:.1e}", flush=True)


if __name__ == "__main__":
    main()
