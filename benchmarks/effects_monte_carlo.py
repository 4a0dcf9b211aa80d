"""Monte Carlo of the effects estimators on each variant of the SIMULATED data-generating process.

Run: ``.venv/bin/python benchmarks/effects_monte_carlo.py [--panels 400] [--slow-panels 100] [--firms 10600]``.

For each variant (``conditional``: parallel trends hold given first-year size and ownership;
``unobserved_trend``: an idiosyncratic trend also drives selection) and each panel (a fresh
seed), the simple ATT on log revenue is estimated by the naive comparison, TWFE, Sun-Abraham
(the average of its post-recognition event-time estimates with cohort-share weights is not
the same estimand, so SA is scored on its e = 0..3 event-time estimates), Callaway-Sant'Anna
unconditional and doubly robust (size_base, fdi), all with not-yet-treated controls on the
unbalanced panel. Reported per estimator: bias and RMSE against the panel's true simple ATT,
coverage of the 95% interval, coverage of the uniform 95% band over the event times e = 0..3
(all four covered at once; multiplier bootstrap for CS, pointwise for TWFE/SA), and the
rejection rate of its pre-test at 5% (size where parallel trends hold for that estimator,
power where they fail), of R did's chi-square Wald and of the small-sample pre-test (Fisher).
TWFE, SA and the naive comparison run on the first ``--slow-panels``.
Goals (issue 11): where its assumptions hold, the doubly robust CS has |bias| < 0.01 and 95%
coverage within 93-97%.

``--variants ashenfelter_dip`` (``--panels 60``: about 9 minutes on 2 cores; ``--panels 40 --firms 5000``
is quicker) simulates the
Ashenfelter dip (``simulate_panel(dip=True)``: firms chosen on a bad transitory shock the year
before recognition) and reports the doubly robust CS's bias with never-treated and not-yet-treated
controls, with base period g - 1 (``anticipation=0``) and g - 2 (``anticipation=1``, R did's
setting that drops e = -1), and which check reveals the dip: the rejection rates of the pre-tests
and of the varying-base event-time estimate at e = -1 alone. The size and power of the pre-tests
on placebo panels: benchmarks/pretest_size.py.
"""

from __future__ import annotations

import argparse
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

POST = (0, 3)


def _band_covers(table: pd.DataFrame, truth: pd.DataFrame) -> float:
    t = table[(table["egt"] >= POST[0]) & (table["egt"] <= POST[1])].merge(
        truth.rename(columns={"event_time": "egt", "att": "true"}), on="egt")
    return float(((t["ci_low"] <= t["true"]) & (t["true"] <= t["ci_high"])).all())


def one_panel(args: tuple[int, int, str, bool]) -> list[dict]:
    seed, n_firms, variant, slow = args
    warnings.simplefilter("ignore")
    from kip_analysis.analyses.effects import estimates
    from kip_analysis.data.simulated_panel import simulate_panel
    from kip_analysis.estimators import did
    from kip_analysis.estimators.did_types import Z95

    sim = simulate_panel(n_firms=n_firms, seed=seed, variant=variant)
    d = estimates.prepare_panel(sim.panel)
    truth = estimates.true_simple(sim.effects, d, "log_revenue")
    dyn_truth = estimates.true_aggregates(sim.att_truth, d, "log_revenue", 2025)["dynamic"]
    rows = []
    for name, cov in (("CS doubly robust", ["size_base", "fdi"]), ("CS unconditional", None)):
        cs = did.callaway_santanna(d, "y", "year", "id", "gname", "notyettreated", cov, allow_unbalanced=True)
        simple = cs.aggregate("simple")
        uni = did.callaway_santanna(d, "y", "year", "id", "gname", "notyettreated", cov, allow_unbalanced=True,
                                    base_period="universal", bootstrap=True, biters=499, seed=seed)
        pre = did.pretrend_test(uni)
        rows.append({"estimator": name, "estimate": simple.overall_att, "se": simple.overall_se, "truth": truth,
                     "uniform": _band_covers(uni.aggregate("dynamic").table, dyn_truth),
                     "pretest_reject": float(pre["event_time_p"] < 0.05),
                     "did_pretest_reject": float(cs.wald_pvalue < 0.05),
                     "small_pretest_reject": float(cs.cohort_pretest()[1]["fisher_p"] < 0.05)})
    if slow:
        rows.append({"estimator": "naive", "estimate": did.naive_comparison(d), "se": np.nan, "truth": truth,
                     "uniform": np.nan, "pretest_reject": np.nan, "did_pretest_reject": np.nan,
                     "small_pretest_reject": np.nan})
        tw = did.twfe(d)
        es = tw.event_study.rename(columns={"event_time": "egt", "estimate": "att"})
        es = es.assign(ci_low=es["att"] - Z95 * es["se"], ci_high=es["att"] + Z95 * es["se"])
        rows.append({"estimator": "TWFE", "estimate": tw.att, "se": tw.se, "truth": truth,
                     "uniform": _band_covers(es, dyn_truth), "pretest_reject": float(tw.pretrend_pvalue < 0.05),
                     "did_pretest_reject": np.nan, "small_pretest_reject": np.nan})
        sa = did.sun_abraham(d).rename(columns={"event_time": "egt", "estimate": "att"})
        sa = sa.assign(ci_low=sa["att"] - Z95 * sa["se"], ci_high=sa["att"] + Z95 * sa["se"])
        post = sa[(sa["egt"] >= POST[0]) & (sa["egt"] <= POST[1])]
        true_post = dyn_truth[dyn_truth["event_time"].between(*POST)]["att"].mean()
        rows.append({"estimator": "Sun-Abraham (mean of e = 0..3)", "estimate": post["att"].mean(),
                     "se": float(np.sqrt((post["se"] ** 2).sum()) / len(post)), "truth": true_post,
                     "uniform": _band_covers(sa, dyn_truth), "pretest_reject": np.nan, "did_pretest_reject": np.nan,
                     "small_pretest_reject": np.nan})
    return [dict(r, seed=seed, variant=variant) for r in rows]


def dip_panel(args: tuple[int, int]) -> list[dict]:
    """One Ashenfelter-dip panel: the doubly robust CS by control group and base period, and its checks."""
    seed, n_firms = args
    warnings.simplefilter("ignore")
    from kip_analysis.analyses.effects import estimates
    from kip_analysis.data.simulated_panel import simulate_panel
    from kip_analysis.estimators import did

    sim = simulate_panel(n_firms=n_firms, seed=seed, dip=True)
    d = estimates.prepare_panel(sim.panel)
    truth = estimates.true_simple(sim.effects, d, "log_revenue")
    rows = []
    for control in ("nevertreated", "notyettreated"):
        for anticipation, base in ((0, "g - 1"), (1, "g - 2 (anticipation = 1)")):
            cs = did.callaway_santanna(d, "y", "year", "id", "gname", control, ["size_base", "fdi"], anticipation,
                                       allow_unbalanced=True)
            simple = cs.aggregate("simple")
            row = {"controls": control, "base period": base, "estimate": simple.overall_att,
                   "se": simple.overall_se, "truth": truth}
            if anticipation == 0:
                uni = did.callaway_santanna(d, "y", "year", "id", "gname", control, ["size_base", "fdi"],
                                            allow_unbalanced=True, base_period="universal")
                e1 = cs.aggregate("dynamic").table.set_index("egt").loc[-1]
                _, small = cs.cohort_pretest()
                row.update({"e=-1 estimate": e1["att"], "e=-1 rejects": float(abs(e1["att"] / e1["se"]) > 1.96),
                            "chi-square Wald rejects": float(cs.wald_pvalue < 0.05),
                            "small-sample Fisher rejects": float(small["fisher_p"] < 0.05),
                            "small-sample Bonferroni rejects": float(small["bonferroni_p"] < 0.05),
                            "event-time Wald rejects": float(did.pretrend_test(uni)["event_time_p"] < 0.05)})
            rows.append(row)
    return rows


def dip_study(panels: int, n_firms: int, jobs: int) -> None:
    """Print the Ashenfelter-dip table (see the module docstring)."""
    start = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        rows = pd.DataFrame([r for out in pool.map(dip_panel, [(50_000 + i, n_firms) for i in range(panels)])
                             for r in out])
    rows["err"] = rows["estimate"] - rows["truth"]
    rows["covered"] = ((rows["estimate"] - 1.96 * rows["se"] <= rows["truth"])
                       & (rows["truth"] <= rows["estimate"] + 1.96 * rows["se"])).astype(float)
    checks = [c for c in rows.columns if c.endswith("rejects")] + ["e=-1 estimate"]
    table = rows.groupby(["controls", "base period"], sort=False).agg(
        panels=("err", "size"), bias=("err", "mean"), mc_se_bias=("err", lambda e: e.std() / np.sqrt(len(e))),
        coverage_95=("covered", "mean"), **{c: (c, "mean") for c in checks}).reset_index()
    print(f"Ashenfelter dip: {panels} SIMULATED panels x {n_firms:,} firms in 2010 (simulate_panel(dip=True)); "
          f"doubly robust CS (size_base, fdi); checks are rejection rates at 5% (NaN: not run for that base); "
          f"{time.perf_counter() - start:.0f} s")
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))


def summarise(r: pd.DataFrame) -> pd.DataFrame:
    inside = (r["estimate"] - 1.96 * r["se"] <= r["truth"]) & (r["truth"] <= r["estimate"] + 1.96 * r["se"])
    r = r.assign(err=r["estimate"] - r["truth"], covered=np.where(r["se"].isna(), np.nan, inside.astype(float)))
    return r.groupby(["variant", "estimator"], sort=False).agg(
        panels=("err", "size"), bias=("err", "mean"), mc_se_bias=("err", lambda e: e.std() / np.sqrt(len(e))),
        rmse=("err", lambda e: float(np.sqrt((e**2).mean()))), coverage_95=("covered", "mean"),
        uniform_coverage=("uniform", "mean"), pretest_rejects=("pretest_reject", "mean"),
        did_pretest_rejects=("did_pretest_reject", "mean"),
        small_pretest_rejects=("small_pretest_reject", "mean")).reset_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--panels", type=int, default=400)
    parser.add_argument("--slow-panels", type=int, default=100)
    parser.add_argument("--firms", type=int, default=10_600)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--variants", nargs="+", default=["conditional", "unobserved_trend"])
    args = parser.parse_args()
    if "ashenfelter_dip" in args.variants:
        dip_study(args.panels, args.firms, args.jobs)
        args.variants = [v for v in args.variants if v != "ashenfelter_dip"]
        if not args.variants:
            return
    start = time.perf_counter()
    tasks = [(20_000 + i, args.firms, v, i < args.slow_panels) for v in args.variants for i in range(args.panels)]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = [row for out in pool.map(one_panel, tasks, chunksize=4) for row in out]
    table = summarise(pd.DataFrame(rows))
    print(f"effects Monte Carlo: {args.panels} SIMULATED panels per variant x {args.firms:,} firms in 2010 "
          f"(TWFE, SA, naive on {args.slow_panels}); not-yet-treated controls; {time.perf_counter() - start:.0f} s")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    dr = table[(table["variant"] == "conditional") & (table["estimator"] == "CS doubly robust")].iloc[0]
    bias_ok, cover_ok = abs(dr["bias"]) < 0.01, 0.93 <= dr["coverage_95"] <= 0.97
    print(f"goal (conditional variant) CS doubly robust |bias| < 0.01: {'met' if bias_ok else 'NOT met'} "
          f"({dr['bias']:+.4f}); coverage 93-97%: {'met' if cover_ok else 'NOT met'} ({dr['coverage_95']:.1%})")


if __name__ == "__main__":
    main()
