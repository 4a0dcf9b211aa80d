"""Sentences composed from numbers, for notebooks and memos (no number typed by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _n(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def facts_headline(rounds: pd.DataFrame, tracker: pd.DataFrame, conflicts: pd.DataFrame,
                   as_of_year: int) -> dict:
    """Headline numbers of the programme-facts analysis as of ``as_of_year``."""
    shown = rounds[rounds["round"] <= as_of_year]
    conflicts = conflicts[conflicts["year"] <= as_of_year]
    last = shown.iloc[-1]
    judged = tracker[tracker["status"].isin(["met", "missed"])]
    return {
        "as_of_year": as_of_year,
        "rounds": int(len(shown)),
        "products_cumulative": int(last["products_cumulative"]),
        "firms_cumulative": int(last["firms_cumulative"]),
        "latest_round": int(last["round"]),
        "latest_round_products": int(last["products"]),
        "latest_round_firms": int(last["firms"]),
        "reported_totals_match": bool(shown["matches"].all()),
        "targets_known": int(len(tracker)),
        "targets_met": int((judged["status"] == "met").sum()),
        "targets_missed": int((judged["status"] == "missed").sum()),
        "targets_no_actual": int((tracker["status"] == "no actual").sum()),
        "targets_open": int((tracker["status"] == "open").sum()),
        "conflicts": int(len(conflicts)),
    }


def facts_reading(headline: dict, tracker: pd.DataFrame) -> list[str]:
    """A short prose reading of the programme facts, every number from ``headline`` or ``tracker``."""
    h = headline
    sentences = [
        f"From the 2018 relaunch to the {h['latest_round']} round, Hanoi recognised "
        f"{_n(h['products_cumulative'])} products of {_n(h['firms_cumulative'])} firms in "
        f"{h['rounds']} rounds; the latest round recognised {h['latest_round_products']} products "
        f"of {h['latest_round_firms']} firms.",
        "The cumulative totals the sources report "
        + ("equal the sum of the rounds." if h["reported_totals_match"]
           else "do NOT all equal the sum of the rounds (see the reconciliation table)."),
    ]
    met = tracker[tracker["status"] == "met"]
    for _, t in met.iterrows():
        sentences.append(
            f"Target {t['target_id']} ({t['metric']}, {t['target_year']}: {_n(t['low'])}"
            + (f"–{_n(t['high'])}" if t["high"] != t["low"] else "")
            + f" {t['unit_canonical']}) was met: {_n(t['actual'])}"
            + ("." if t["high"] == t["low"] else
               ", above the high end." if t["met_high"] else ", inside the range.")
        )
    shares = tracker[tracker["metric"].str.endswith("_share")]
    if len(shares):
        sentences.append(
            f"Of {len(shares)} output- and export-share targets and expectations known by "
            f"{h['as_of_year']}, {int((shares['status'] == 'no actual').sum())} cannot be judged "
            f"from the sources, which give shares only up to 2018, and "
            f"{int((shares['status'] == 'open').sum())} are still open; the targets analysis "
            "builds the shares from numerators and denominators instead."
        )
    sentences.append(
        f"The sources disagree in {h['conflicts']} places (conflicts table); no figure was "
        "chosen silently: the choice follows the source_preference parameter."
    )
    return sentences


def conflicts_table(conflicts: pd.DataFrame, as_of_year: int) -> pd.DataFrame:
    """Conflicts known by ``as_of_year`` as a reader's table: both values, both sources."""
    known = conflicts[conflicts["year"] <= as_of_year]
    return pd.DataFrame({
        "what": [METRIC_LABELS.get(m, m) for m in known["metric"]],
        "place": known["geography"], "year": known["year"],
        "one source": known["value_a"] + " [" + known["fact_a"] + "]",
        "another": known["value_b"] + " [" + known["fact_b"] + "]",
        "kind": known["type"], "used by default": known["default_choice"],
    })


def conflict_lines(conflicts: pd.DataFrame, as_of_year: int) -> list[str]:
    """One short line per conflict known by ``as_of_year``: metric, year, both values and sources."""
    known = conflicts[conflicts["year"] <= as_of_year]
    return [
        f"{r.metric} {r.year} ({r.geography}): {r.value_a} [{r.fact_a}] vs {r.value_b} [{r.fact_b}]"
        + (" (definition)" if r.type == "definition" else "")
        for r in known.itertuples()
    ]


#: Reader-facing names of the metrics that appear in memo tables.
METRIC_LABELS: dict[str, str] = {
    "kip_output_share": "KIP share of city industrial production value",
    "kip_export_share": "KIP share of city exports",
    "kip_products_cumulative": "products recognised (cumulative)",
    "kip_firms_cumulative": "firms recognised (cumulative)",
    "kip_products_recognised": "products recognised in the round",
    "kip_firms_expected": "firms expected to take part",
    "kip_firms_programme_scope": "firms in the programme",
    "kip_growth_premium": "KIP growth above the city industrial average",
    "kip_product_revenue_growth": "KIP products' revenue growth",
    "kip_production_value_growth": "KIP firms' production value growth",
}


def _with_unit(low: float, high: float, unit: str) -> str:
    value = _n(low) if low == high else f"{_n(low)}–{_n(high)}"
    return f"{value}%" if unit.startswith("percent") and unit != "percentage points" else f"{value} {unit}"


def targets_table(track: pd.DataFrame) -> pd.DataFrame:
    """The tracker as a reader's table: values formatted with their units."""
    rows = []
    for t in track.itertuples():
        has_actual = t.status in ("met", "missed")
        rows.append({
            "target": t.target_id,
            "what": METRIC_LABELS.get(t.metric, t.metric),
            "kind": t.kind,
            "year": int(t.target_year),
            "target range": _with_unit(t.low, t.high, t.unit_canonical),
            "actual": (_with_unit(t.actual, t.actual, t.unit_canonical) + f" [{t.actual_source}]"
                       if has_actual else (f"— (nearest: {t.nearest_actual})"
                                           if isinstance(t.nearest_actual, str) else "—")),
            "status": t.status,
        })
    return pd.DataFrame(rows)


def _pct(x: float) -> str:
    return f"{x:.1f}%"


def targets_reading(probabilities: pd.DataFrame, computed: pd.DataFrame, backtest: pd.DataFrame,
                    as_of_year: int, scenario: str) -> list[str]:
    """The targets analysis in sentences, every number from the tables passed in."""
    sentences = []
    for p in probabilities.itertuples():
        what = METRIC_LABELS.get(p.metric, p.metric)
        band = f"{p.low:g}%" if p.low == p.high else f"{p.low:g}–{p.high:g}%"
        sentences.append(
            f"The {p.target_year} {p.kind} for the {what} of {band} has P = {p.p_reach_low:.2f} of reaching "
            + ("its level" if p.low == p.high
               else f"its low end and P = {p.p_in_range:.2f} of landing inside the range")
            + f" (scenario {scenario}, forecast as of {as_of_year}: median {_pct(p.median)}, "
            f"80% interval {_pct(p.q10)}–{_pct(p.q90)})."
        )
    over = computed[computed["output_share"] > 100]
    if len(over):
        sentences.append(
            f"Caution: the output share computed from the sources' own anchor (2018: 35.2%) exceeds 100% in "
            f"{', '.join(str(y) for y in over['year'])} (up to {_pct(over['output_share'].max())}): the later rounds' "
            "revenue figures and the 35.2% claim cannot be on the same definition (product revenue vs production "
            "value), so output-share probabilities measure the sources' arithmetic, not the economy."
        )
    bt = backtest[backtest["forecast_median"].notna()]
    for b in bt.itertuples():
        sentences.append(
            f"Backtest: made with data to 2018, the forecast of the {b.year} {b.share} share was "
            f"{_pct(b.forecast_median)} (80%: {_pct(b.forecast_q10)}–{_pct(b.forecast_q90)}); computed from all "
            f"later sourced rows it is {_pct(b.computed_from_all_data)}, a miss of {b.miss_pp:+.1f} points"
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
        "what": [METRIC_LABELS.get(m, m) for m in probabilities["metric"]],
        "year": probabilities["target_year"],
        "target range": [_with_unit(lo, hi, "percent") for lo, hi in zip(probabilities["low"], probabilities["high"],
                                                                        strict=True)],
        "P(reach low end)": probabilities["p_reach_low"].map("{:.2f}".format),
        "P(inside range)": probabilities["p_in_range"].map("{:.2f}".format),
        "median": probabilities["median"].map(_pct),
        "80% interval": [f"{_pct(a)}–{_pct(b)}" for a, b in zip(probabilities["q10"], probabilities["q90"],
                                                                 strict=True)],
        "95% interval": [f"{_pct(a)}–{_pct(b)}" for a, b in zip(probabilities["q025"], probabilities["q975"],
                                                                 strict=True)],
    })


def backtest_table(backtest: pd.DataFrame) -> pd.DataFrame:
    """Backtest as a reader's table."""
    def fmt(x: float) -> str:
        return "—" if pd.isna(x) else _pct(x)

    return pd.DataFrame({
        "share": backtest["share"], "year": backtest["year"],
        "forecast median": backtest["forecast_median"].map(fmt),
        "80% interval": [f"{fmt(a)}–{fmt(b)}" for a, b in zip(backtest["forecast_q10"], backtest["forecast_q90"],
                                                               strict=True)],
        "computed from all data": backtest["computed_from_all_data"].map(fmt),
        "miss (points)": backtest["miss_pp"].map(lambda x: "—" if pd.isna(x) else f"{x:+.1f}"),
    })


def land_reading(ratios: pd.DataFrame, fdi, choice, elastic: pd.DataFrame, chosen: pd.DataFrame,
                 lease_ratio: float, subsidy_share: float, label: str) -> list[str]:
    """The land analysis in sentences, every number from the objects passed in."""
    consultants = ratios[~ratios["consultant"].str.startswith("source 001")]
    lo, hi = consultants["ratio"].min(), consultants["ratio"].max()
    b, se = float(fdi.fit.params["land_access"]), float(fdi.fit.bse["land_access"])
    q = chosen.set_index("quantity")
    top = elastic.sort_values("elasticity", ascending=False).iloc[0]
    lease = choice.coefficients.set_index("term").loc["lease_x_land"]
    return [
        f"The consultants' figures put Hanoi's industrial-park rents at {lo:.2f}–{hi:.2f} times its comparators "
        f"depending on consultant and year; this analysis uses {lease_ratio:g} (source 001 says 1.5–2).",
        f"Real data: across the 63 provinces, a one-point higher PCI land-access score went with "
        f"{100 * (np.exp(b) - 1):.0f}% more newly licensed FDI projects in 2016 (coefficient {b:.3f}, robust SE "
        f"{se:.3f}); Hanoi drew {100 * fdi.hanoi_share:.1f}% of them (model: {100 * fdi.hanoi_predicted_share:.1f}%), "
        f"and the model puts its share at {100 * fdi.hanoi_share_plus_one:.1f}% had its land access been one point "
        "higher. This concerns FDI location across provinces, not KIP firms' relocation.",
        f"{label} firm panel: in the location choice over Hanoi and its neighbours, lease cost times land "
        f"intensity has coefficient {lease['coef']:.2f} (SE {lease['se']:.2f}): dearer land pushes land-hungry "
        f"firms out; the most responsive sector is {top['sector']} (elasticity of the relocation probability to "
        f"the lease ratio {top['elasticity']:.2f}).",
        f"A subsidy closing {subsidy_share:.0%} of the gap would avoid {q.loc['relocations_avoided', 'median']:.0f} "
        f"relocations a year (5–95%: {q.loc['relocations_avoided', 'q05']:.0f}–"
        f"{q.loc['relocations_avoided', 'q95']:.0f}) and keep {q.loc['output_share_points_kept', 'median']:.3f} "
        f"points of the KIP output share ({label}).",
    ]


def effects_reading(comparison: pd.DataFrame, pretrend: dict, label: str, outcome: str,
                    control_group: str, covariates: tuple[str, ...]) -> list[str]:
    """The effects analysis in sentences, every number from the comparison table and pre-test."""
    c = comparison.set_index("estimator")
    cs = c.loc["Callaway–Sant'Anna (simple)"]
    what = outcome.replace("log_", "")
    sentences = [
        f"{label}: on this panel recognition raised firms' {what} by {100 * cs['estimate']:.1f} log points on "
        f"average after recognition (Callaway–Sant'Anna, {control_group} controls"
        + (f", doubly robust with {' and '.join(covariates)}" if covariates else ", unconditional")
        + f"; 95% CI {100 * cs['ci_low']:.1f} to {100 * cs['ci_high']:.1f})."
    ]
    if "true effect (SIMULATED)" in c.index:
        truth = c.loc["true effect (SIMULATED)", "estimate"]
        naive, tw = c.loc["naive comparison", "estimate"], c.loc["TWFE", "estimate"]
        sentences.append(
            f"The true effect built into the simulation is {100 * truth:.1f} log points; the naive comparison says "
            f"{100 * naive:.0f} (recognised firms were far larger to begin with) and two-way fixed effects "
            f"{100 * tw:.1f} (biased by staggered timing, growing effects and trend differences)."
        )
    sentences.append(
        f"Pre-test of parallel trends: joint Wald on {pretrend['event_time_df']} pre-recognition event times, "
        f"chi-square {pretrend['event_time_wald']:.1f}, p = {pretrend['event_time_p']:.3f}"
        + (" — no evidence against parallel trends." if pretrend["event_time_p"] >= 0.05
           else " — parallel trends are rejected; read the estimates with caution.")
    )
    return sentences
