"""The targets analysis as a memo Section, every number from the tables passed in.

May import: report.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from kip_analysis.report.format import metric_label, pct, with_unit
from kip_analysis.report.section import CannotSay, Exhibit, Headline, Section, Table

TITLE = "Will the targets be met?"


def targets_reading(probabilities: pd.DataFrame, backtest: pd.DataFrame,
                    as_of_year: int, scenario: str) -> list[str]:
    """The targets analysis in sentences, every number from the tables passed in."""
    sentences = []
    for p in probabilities.itertuples():
        what = metric_label(p.metric)
        band = f"{p.low:g}%" if p.low == p.high else f"{p.low:g}–{p.high:g}%"
        sentences.append(
            f"The {p.target_year} {p.kind} for the {what} of {band} has P = {p.p_reach_low:.2f} of reaching "
            + ("its level" if p.low == p.high
               else f"its low end and P = {p.p_in_range:.2f} of landing inside the range")
            + f" (scenario {scenario}, forecast as of {as_of_year}: median {pct(p.median)}, "
            f"80% interval {pct(p.q10)}–{pct(p.q90)})."
        )
    bt = backtest[backtest["forecast_median"].notna()]
    for b in bt.itertuples():
        sentences.append(
            f"Backtest: made with data to 2018, the forecast of the {b.year} {b.share} share was "
            f"{pct(b.forecast_median)} (80%: {pct(b.forecast_q10)}–{pct(b.forecast_q90)}); computed from all "
            f"later sourced rows it is {pct(b.computed_from_all_data)}, a miss of {b.miss_pp:+.1f} points"
            + (" inside the 80% interval." if b.inside_80pct else " outside the 80% interval.")
        )
    if backtest["forecast_median"].isna().any():
        sentences.append("The export share cannot be backtested from 2018: the sources give no city export "
                         "figure for 2018 or earlier.")
    return sentences


def probability_table(probabilities: pd.DataFrame) -> pd.DataFrame:
    """Target probabilities as a reader's table (percent values with units)."""
    return pd.DataFrame({
        "target": probabilities["target_id"],
        "what": [metric_label(m) for m in probabilities["metric"]],
        "year": probabilities["target_year"],
        "target range": [with_unit(lo, hi, "percent") for lo, hi in zip(probabilities["low"], probabilities["high"],
                                                                        strict=True)],
        "P(reach low end)": probabilities["p_reach_low"].map("{:.2f}".format),
        "P(inside range)": probabilities["p_in_range"].map("{:.2f}".format),
        "median": probabilities["median"].map(pct),
        "80% interval": [f"{pct(a)}–{pct(b)}" for a, b in zip(probabilities["q10"], probabilities["q90"],
                                                                 strict=True)],
        "95% interval": [f"{pct(a)}–{pct(b)}" for a, b in zip(probabilities["q025"], probabilities["q975"],
                                                                 strict=True)],
    })


def backtest_table(backtest: pd.DataFrame) -> pd.DataFrame:
    """Backtest as a reader's table."""
    return pd.DataFrame({
        "share": backtest["share"], "year": backtest["year"],
        "forecast median": backtest["forecast_median"].map(pct),
        "80% interval": [f"{pct(a)}–{pct(b)}" for a, b in zip(backtest["forecast_q10"], backtest["forecast_q90"],
                                                               strict=True)],
        "computed from all data": backtest["computed_from_all_data"].map(pct),
        "miss (points)": backtest["miss_pp"].map(lambda x: "—" if pd.isna(x) else f"{x:+.1f}"),
    })


def build_section(probabilities: pd.DataFrame, computed: pd.DataFrame, backtest: pd.DataFrame,
                  figures: dict[str, Figure], as_of_year: int, scenario: str, uses_simulated: bool,
                  assumptions: dict, params: dict, raw_sha256: dict) -> Section:
    """The targets Section. Output-share probabilities are withheld (and said so) when the computed
    output share exceeds 100% in any year: the analysis itself flags them.
    """
    flagged = bool((computed["output_share"] > 100).any())
    shown = probabilities[~(flagged & (probabilities["metric"] == "kip_output_share"))]
    if flagged:  # the backtest of the output share rests on the same flagged anchor
        backtest = backtest[backtest["share"] != "output"]
    sentences = targets_reading(shown, backtest, as_of_year, scenario)
    label = " (SIMULATED exit rate)" if uses_simulated else ""
    probability_sentences = [s for s in sentences if not s.startswith("Backtest") and "cannot be backtested" not in s]
    other = [s for s in sentences if s not in probability_sentences]
    cannot = []
    if flagged:
        over = computed[computed["output_share"] > 100]
        cannot.append(CannotSay(
            "Will the output-share targets be met?",
            f"the output share computed from the sources' own 2018 anchor (35.2%) exceeds 100% in "
            f"{', '.join(str(y) for y in over['year'])}: the later rounds' revenue figures and that anchor cannot be "
            "on the same definition, so no probability is shown.",
            "a sourced level of Hanoi's industrial production value (VND) for any year."))
    sources = "facts (rounds, revenue and export figures, city exports, production index); GSO IIP 2012-16"
    return Section(
        key="03_targets", title=TITLE,
        findings=tuple(other) + (() if uses_simulated else tuple(probability_sentences)),
        method_checks=tuple(f"SIMULATED exit rate: {s}" for s in probability_sentences) if uses_simulated else (),
        cannot_say=tuple(cannot),
        caveats=("Shares are rebuilt from sourced rows under stated assumptions — recognition valid "
                 f"{assumptions['validity_years']} years, recognised products growing "
                 f"{assumptions['product_growth']:.1%} a year, price growth {assumptions['price_growth']:.1%} (no "
                 f"sourced deflator), index gap filled by {assumptions['iip_gap']}, export gaps by "
                 f"{assumptions['export_gap']}; products' revenue is set against production value and the 77 firms' "
                 "whole-firm revenue is not used.",),
        tables=(Table("Target probabilities" + label, "probability; percent of the city total", sources,
                      probability_table(shown), uses_simulated),
                Table("Backtest (forecast made with data to 2018)", "percent of the city total", sources,
                      backtest_table(backtest))),
        exhibits=tuple(Exhibit.from_figure(name, fig, sources, uses_simulated) for name, fig in figures.items()
                       if not (flagged and name == "output_share_fan")),
        headlines=((Headline("output_share_verdict", "Output-share targets",
                             "cannot be assessed from published data (anchors disagree)"),) if flagged else ())
        + tuple(Headline(f"p_{r.metric}_{r.target_year}",
                                 f"P(reach low end of {r.target_year} {metric_label(r.metric)}){label}",
                                 f"{r.p_reach_low:.2f} (median {pct(r.median)})", float(r.p_reach_low),
                                 uses_simulated) for r in shown.itertuples()),
        params=params, raw_sha256=raw_sha256, simulated=uses_simulated,
    )
