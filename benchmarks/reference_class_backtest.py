"""The reference class of the share forecasts: pooled rolling-origin backtests of every method over the World Bank
WDI panel of manufactures' share of merchandise exports (the economies; aggregates left out), for runs of
``--window`` yearly values and horizons 1 to ``--horizons`` years; split conformal intervals, their coverage on
the held-out half of the series, CRPS, the 80% interval score and the Brier score of a rise
(kip_analysis.estimators.reference_class). Prints the table the memo's annex holds, the method each horizon
selects, and the time taken.

    python benchmarks/reference_class_backtest.py [--window 5] [--horizons 8]
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    import pandas as pd

    from kip_analysis.analyses.targets import outlook
    from kip_analysis.data import reference_class

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--window", type=int, default=outlook.MAX_WINDOW)
    parser.add_argument("--horizons", type=int, default=8)
    args = parser.parse_args()
    pd.set_option("display.width", 220)
    pd.set_option("display.max_columns", 20)
    start = time.perf_counter()
    panel = reference_class.share_panel()
    horizons = list(range(1, args.horizons + 1))
    klass = outlook.share_class(panel, args.window, horizons)
    table = klass.table(horizons)
    print(f"reference class: {klass.description}; {panel.attrs['aggregates_left_out']} aggregate values left out; "
          f"published {panel.attrs['published']}")
    print(table.round(3).to_string(index=False))
    print()
    for h in horizons:
        best = klass.best(h)
        print(f"{h} years ahead: {best.method} (CRPS {best.scores['crps']:.2f}, {best.n} pooled forecasts of "
              f"{best.n_series} series, probability {'earned' if best.earned else 'withheld: ' + best.why_not()})")
    print(f"\n{len(table)} method-horizon cells in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
