"""Rolling-origin backtests of the series behind the targets (industrial production growth, city
exports, products per round): at each origin 2016-2024 the forecaster sees only the facts
published by then; the next sourced year is the outcome. Prints every forecast and the scores
(80% / 95% coverage, CRPS, MASE) of the workbook's method and two naive benchmarks.

    python benchmarks/targets_backtest.py [--draws 2000]
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    import pandas as pd

    from kip_analysis.analyses.targets import backtest
    from kip_analysis.data import processed
    from kip_analysis.data.raw import load_table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=2000)
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    start = time.perf_counter()
    detail = backtest.rolling_origin(processed.load("facts"), load_table("gso_iip_by_province"), range(2016, 2025),
                                     n_draws=args.draws)
    print(detail[["series", "origin", "year", "method", "outcome", "median", "q10", "q90", "crps", "inside_80",
                  "inside_95"]].round(2).to_string(index=False))
    print()
    print(backtest.scores(detail).round(3).to_string(index=False))
    print(f"\n{len(detail)} scored forecasts in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
