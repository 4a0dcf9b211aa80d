"""Size and power of the pre-tests of parallel trends on SIMULATED panels.

Run: ``.venv/bin/python benchmarks/pretest_size.py [--panels 200] [--power-panels 100] [--firms 2500]
[--permutations 39] [--jobs 2]``.

Size: placebo panels (a fresh SIMULATED panel per seed, its real recognised firms left out, the
recognition dates reassigned at random among never-recognised firms with the real cohort sizes:
no effect, parallel trends hold). Power: the Ashenfelter-dip variant (firms chosen on a bad
transitory shock the year before recognition) and the ``unobserved_trend`` variant (an
idiosyncratic trend drives selection), real recognition dates. Pre-tests, each at 5%, with
not-yet-treated controls on the unbalanced panel:

- R did's Wald over all pre-period ATT(g,t), chi-square reference (``CSResult.wald_pvalue``);
- the small-sample test (``kip_analysis.estimators.pretest``): each cohort's Wald statistic
  referred to F(p_g, n_g - p_g), combined by Fisher's method and by Bonferroni;
- Fisher's statistic calibrated by permutation of the recognition dates among never-recognised
  firms (``--permutations`` assignments; unconditional estimator);
- the joint Wald test of the universal-base event-time estimates before recognition, and the
  varying-base event-time estimate at e = -1 alone (|t| > 1.96).

A test rejects when p <= 0.05 (for the permutation p-value, (1 + k) / (P + 1) with k placebo
statistics at least as large, this gives a size of exactly 5% when 0.05 (P + 1) is whole: P = 39).

The cohorts keep their sourced sizes whatever ``--firms`` is (n_g does not shrink with the panel),
so a smaller panel changes only the number of comparison firms. Goal: the small-sample test's
size within 0.03 of 5%.
"""

from __future__ import annotations

import argparse
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

COVARIATES = {"unconditional": None, "doubly robust": ["size_base", "fdi"]}


def _tests(data: pd.DataFrame, estimator: str) -> dict:
    from kip_analysis.estimators import did

    cov = COVARIATES[estimator]
    cs = did.callaway_santanna(data, "y", "year", "id", "gname", "notyettreated", cov, allow_unbalanced=True)
    uni = did.callaway_santanna(data, "y", "year", "id", "gname", "notyettreated", cov, allow_unbalanced=True,
                                base_period="universal")
    _, combined = cs.cohort_pretest()
    e1 = cs.aggregate("dynamic").table.set_index("egt").loc[-1]
    return {"chi-square Wald (R did)": cs.wald_pvalue, "small-sample F, Fisher": combined["fisher_p"],
            "small-sample F, Bonferroni": combined["bonferroni_p"],
            "event-time joint Wald (universal base)": did.pretrend_test(uni)["event_time_p"],
            "event time e = -1 alone (varying base)": float(2 * _norm_sf(abs(e1["att"] / e1["se"])))}


def _norm_sf(z: float) -> float:
    from scipy.stats import norm

    return float(norm.sf(z))


def one_panel(args: tuple[int, int, str, int]) -> list[dict]:
    seed, n_firms, design, n_perm = args
    warnings.simplefilter("ignore")
    from kip_analysis.analyses.effects import estimates, robustness
    from kip_analysis.data.simulated_panel import simulate_panel

    variant = "unobserved_trend" if design == "unobserved trend" else "conditional"
    sim = simulate_panel(n_firms=n_firms, seed=seed, variant=variant, dip=design == "Ashenfelter dip")
    d = estimates.prepare_panel(sim.panel)
    if design == "placebo":
        never, ids, labels = robustness.placebo_labels(d, n_perm + 1, seed)
        position = np.searchsorted(ids, never["id"].to_numpy())
        fisher = np.array([robustness.fisher_statistic(never.assign(gname=labels[position, p]), "notyettreated")
                           for p in range(n_perm + 1)])
        d = never.assign(gname=labels[position, 0])  # the placebo "real" assignment: column 0
        perm_p = (1 + np.sum(fisher[1:] >= fisher[0])) / (n_perm + 1)
    else:
        perm_p = robustness.pretest_permutation(d, "notyettreated", n_perm, seed)["p_value"]
    rows = []
    for estimator in COVARIATES:
        tests = _tests(d, estimator)
        if estimator == "unconditional":
            tests["small-sample Fisher, permutation-calibrated"] = perm_p
        rows += [{"design": design, "estimator": estimator, "test": k, "p": v, "seed": seed} for k, v in tests.items()]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--panels", type=int, default=200)
    parser.add_argument("--power-panels", type=int, default=100)
    parser.add_argument("--firms", type=int, default=2500)
    parser.add_argument("--permutations", type=int, default=39)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="", help="CSV of every panel's p-values (optional)")
    args = parser.parse_args()
    start = time.perf_counter()
    tasks = [(30_000 + i, args.firms, "placebo", args.permutations) for i in range(args.panels)]
    tasks += [(40_000 + i, args.firms, design, args.permutations) for design in ("Ashenfelter dip", "unobserved trend")
              for i in range(args.power_panels)]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = pd.DataFrame([row for out in pool.map(one_panel, tasks, chunksize=2) for row in out])
    if args.out:
        rows.to_csv(args.out, index=False)
    rows["reject"] = rows["p"] <= 0.05  # p <= alpha: a permutation p of (1 + k) / (P + 1) then has size 5% exactly
    table = rows.pivot_table(index=["estimator", "test"], columns="design", values="reject", aggfunc="mean",
                             sort=False)[["placebo", "Ashenfelter dip", "unobserved trend"]]
    table.columns = ["size (placebo dates)", "power: Ashenfelter dip", "power: unobserved trend"]
    print(f"pre-test size and power at 5%: {args.panels} placebo panels, {args.power_panels} panels per power design; "
          f"SMALLER panels of {args.firms:,} firms in 2010 (default 10,600: the cohorts keep their sourced sizes, "
          f"only the comparison firms are fewer); {args.permutations} permutations; not-yet-treated controls; "
          f"{time.perf_counter() - start:.0f} s")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(float_format=lambda x: f"{x:.3f}"))
    mc = np.sqrt(0.05 * 0.95 / args.panels)
    print(f"Monte Carlo SE of a size near 5% with {args.panels} panels: {mc:.3f}")
    for estimator in COVARIATES:
        for test in ("small-sample F, Fisher", "small-sample F, Bonferroni",
                     "small-sample Fisher, permutation-calibrated"):
            if (estimator, test) in table.index:
                size = table.loc[(estimator, test), "size (placebo dates)"]
                print(f"goal: size of {test} ({estimator}) within 0.03 of 5%: "
                      f"{'met' if abs(size - 0.05) <= 0.03 else 'NOT met'} ({size:.3f})")


if __name__ == "__main__":
    main()
