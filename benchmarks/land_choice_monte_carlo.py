"""Monte Carlo of the location choice on SIMULATED panels: bias, RMSE and 95% coverage of every
coefficient (main fit, and the fit identified by time variation only), the share of
coefficients flagged as more than 2 SE from the truth, and the elasticity's coverage.

Run: ``.venv/bin/python benchmarks/land_choice_monte_carlo.py [--seeds 50] [--workers 2]``.
Seeds run from 1000 (not the memo's default seed). Prints one table and the wall time.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd


def one(seed: int) -> pd.DataFrame:
    from kip_analysis.analyses.land import relocation
    from kip_analysis.data.simulated_locations import true_coefficients
    from kip_analysis.data.simulated_panel import simulate_panel

    sim = simulate_panel(seed=seed)
    rows = []
    for time_only in (False, True):
        fit = relocation.location_choice(sim.panel, sim.places, time_only=time_only)
        truth = true_coefficients(sim.params.choice, sim.places, fit.reference)
        table = relocation.compare_with_truth(fit, truth).dropna(subset=["true value (SIMULATED)"]).rename(
            columns={"coef": "estimate", "true value (SIMULATED)": "truth",
                     "flag: more than 2 SE from truth": "flagged"})
        rows += table[["term", "estimate", "se", "truth", "flagged"]].assign(
            seed=seed, fit="time variation only" if time_only else "main").to_dict("records")
        if not time_only:
            e = relocation.elasticity_table(fit, 2025, {"data": None}, truth=relocation.truth_vector(fit, truth),
                                            n_draws=200).iloc[0]
            rows.append({"seed": seed, "fit": "main", "term": "elasticity (2025, data R_t)",
                         "estimate": e["elasticity"], "se": e["se"], "truth": e["true_elasticity"],
                         "flagged": abs(e["elasticity"] - e["true_elasticity"]) > 2 * e["se"]})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        runs = pd.concat(pool.map(one, range(1000, 1000 + args.seeds)))
    runs["error"] = runs["estimate"] - runs["truth"]
    runs["covered"] = runs["error"].abs() <= 1.959964 * runs["se"]
    summary = runs.groupby(["fit", "term"], sort=False).agg(
        truth_mean=("truth", "mean"), bias=("error", "mean"), rmse=("error", lambda e: float(np.sqrt((e**2).mean()))),
        mean_se=("se", "mean"), sd_estimate=("estimate", "std"), coverage_95=("covered", "mean"),
        flagged_2se=("flagged", "mean"), panels=("seed", "size"))
    summary["mc_se_bias"] = summary["sd_estimate"] / np.sqrt(summary["panels"])
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(summary.round(4).to_string())
    print(f"\n{args.seeds} panels, {time.perf_counter() - start:.0f} s wall with {args.workers} workers")


if __name__ == "__main__":
    main()
