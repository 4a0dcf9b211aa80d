"""The targets analysis as one function: ``run(params) -> TargetsRun``, holding every decision notebook 03
used to make (the scenario's levers and, for a land scenario, the SIMULATED exit rate; the past built
with the sourced default assumptions; the backtest origins; which targets get a probability; the
exhibit with or without a forecast); :func:`section` turns the results into the memo's Section. The
notebook is: validate, run, display.

May import: memory, data, report, analyses.facts, analyses.land.relocation, analyses.targets.*.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from kip_analysis.analyses.facts import tracker
from kip_analysis.analyses.land import relocation
from kip_analysis.analyses.targets import backtest, forecast, outlook, scenarios, sensitivity, shares, verdicts
from kip_analysis.analyses.targets import section as targets_section
from kip_analysis.analyses.targets.params import TargetsParams
from kip_analysis.data import anchors, processed, reference_class
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.data.raw import load_table
from kip_analysis.memory import shared
from kip_analysis.report import figures
from kip_analysis.report.section import Section

#: First origin of the rolling-origin backtest (forecasts of years whose outcome is known by the memo year).
BACKTEST_FIRST_ORIGIN: int = 2016
#: Monte Carlo draws per backtest forecast.
BACKTEST_DRAWS: int = 1000
#: First year of the index-growth series the production value is carried with.
GROWTH_FIRST_YEAR: int = 2012
#: Source preferences every target's status is shown under (does the verdict depend on the source believed?).
PREFERENCES: tuple[str, ...] = ("low", "high", "latest", "earliest")
#: Columns of the probability table when no target gets one.
PROBABILITY_COLUMNS: list[str] = ["target_id", "metric", "target_year", "kind", "low", "high", "p_reach_low",
                                  "p_in_range", "median", "q10", "q90", "q025", "q975"]


@dataclass
class TargetsRun:
    """Everything the targets analysis computed for one reading year, vintage and scenario."""

    levers: scenarios.Levers
    uses_simulated: bool  # the scenario's exit rate comes from the SIMULATED panel
    assumptions: shares.ShareAssumptions
    excluded_as_later: int  # facts published after the reading year, left out
    track: pd.DataFrame  # every target against every sourced actual
    by_preference: pd.DataFrame  # each target's status under each source preference
    anchor_table: pd.DataFrame
    anchors_agree: bool
    levels: pd.DataFrame  # each stated share against the sourced level of production value
    values: pd.DataFrame  # each round's products' revenue and exports
    growth: pd.DataFrame
    computed: pd.DataFrame  # the shares up to the reading year
    sensitivity: pd.DataFrame  # the output share under every anchor, numerator and overlap
    verdicts: pd.DataFrame
    influence: dict[str, pd.DataFrame]  # open export-share target -> the leave-one-row-out table
    backtest_detail: pd.DataFrame
    scores: pd.DataFrame
    gate_open: bool
    gate_reasons: list[str]
    forecast: forecast.ShareForecast | None
    probabilities: pd.DataFrame
    exhibits: dict[str, Figure]
    raw_sha256: dict
    reference_table: pd.DataFrame  # the reference class's backtests at the horizons the targets ahead need


def scenario_levers(p: TargetsParams) -> tuple[scenarios.Levers, bool]:
    """The scenario's levers and whether they use the SIMULATED panel.

    A land scenario's exit rate is estimated on the SIMULATED firm panel's location choice (notebook
    04's model) for the reading year.
    """
    levers = scenarios.levers(p.scenario)
    if p.scenario not in scenarios.FROM_LAND_MODULE:
        return levers, False
    sim = load_firm_panel()
    choice = relocation.location_choice(sim.data, sim.truth.places, p.as_of_year)
    return dataclasses.replace(levers, exit_rate=relocation.kip_exit_rate(choice, p.as_of_year)), True


@shared
def scenario_free(facts: pd.DataFrame, rounds: pd.DataFrame, iip: pd.DataFrame, assumptions: shares.ShareAssumptions,
                  open_export: pd.DataFrame, as_of_year: int,
                  raw: dict) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The open export-share targets' leave-one-row-out tables and the rolling-origin backtest.

    Neither depends on the scenario, so every scenario's run of a year reads them from the disk cache
    (:mod:`kip_analysis.memory`; ``raw``, the raw tables' hashes, is in the key).
    """
    computed_by_rows: dict = {}  # the targets drop the same rows: each set of rows' shares computed once
    influence = {t.target_id: verdicts.export_influence(facts, rounds, iip, assumptions, pd.Series(t._asdict()),
                                                        as_of_year, computed_by_rows)
                 for t in open_export.itertuples()}
    return influence, backtest.rolling_origin(facts, iip, range(BACKTEST_FIRST_ORIGIN, as_of_year),
                                              n_draws=BACKTEST_DRAWS)


def run(p: TargetsParams) -> TargetsRun:
    """Every number of the targets analysis for one reading year, vintage and scenario."""
    levers, uses_simulated = scenario_levers(p)
    tables = processed.load_all(p.as_of_year, p.vintage)
    facts, rounds, target_table = tables["facts"], tables["recognition_rounds"], tables["targets"]
    iip = load_table("gso_iip_by_province")
    # the past is built with the sourced default assumptions: a scenario's levers change only the future
    assumptions = shares.ShareAssumptions(source_preference=p.source_preference)
    track = tracker.track_targets(target_table, tables["programme_timeline"], p.as_of_year, p.source_preference)
    by_preference = pd.DataFrame({
        pref: tracker.track_targets(target_table, tables["programme_timeline"], p.as_of_year, pref)
        .set_index("target_id")["status"] for pref in PREFERENCES})
    anchor_table = anchors.anchor_table(facts)
    agree = anchors.anchors_agree(anchor_table)
    values = shares.round_values(facts, rounds, assumptions)
    growth = shares.iip_growth(facts, iip, assumptions, range(GROWTH_FIRST_YEAR, p.as_of_year + 1))
    computed = shares.shares(facts, rounds, iip, assumptions)
    computed = computed[computed["year"] <= p.as_of_year]
    production = shares.production_value(facts, growth, assumptions)
    verdict_rows = verdicts.verdict_table(target_table, rounds, facts, computed, p.as_of_year, agree,
                                          p.source_preference)
    # targets not yet due: anticipated progress and forecasts, calibrated on a reference class published by then
    usable = p.vintage != "real_time" or reference_class.available_in(p.as_of_year)
    needed = outlook.horizons_needed(verdict_rows, computed, p.as_of_year)
    classes = outlook.share_classes(reference_class.share_panel() if usable else None, needed)
    verdict_rows = outlook.apply(verdict_rows, target_table, computed, rounds, p.as_of_year, classes)
    reference_table = pd.concat([classes[w].table(h) for w, h in needed.items()], ignore_index=True) if classes \
        else pd.DataFrame()
    known = verdicts.known_targets(target_table, p.as_of_year)
    open_export = known[(known["metric"] == "kip_export_share") & (known["target_year"] >= p.as_of_year)]
    influence, detail = scenario_free(facts, rounds, iip, assumptions, open_export, p.as_of_year,
                                      tables["programme_timeline"].attrs["raw_sha256"])
    # a leave-one-row-out table tests the verdict it was computed for: not a target ahead's forecast verdict
    final = verdict_rows.set_index("target_id")["class"]
    influence = {k: tbl for k, tbl in influence.items() if final.get(k) == tbl.attrs["verdict"]}
    scores = backtest.scores(detail) if len(detail) else pd.DataFrame(
        columns=["series", "method", "forecasts", "coverage_80", "coverage_95", "crps", "mase"])
    earned, gate_reasons = backtest.gate(scores)
    fc, probabilities = None, pd.DataFrame(columns=PROBABILITY_COLUMNS)
    if earned and p.target_year > p.as_of_year:
        future = dataclasses.replace(assumptions, product_growth=levers.product_growth)  # the levers: future only
        fc = forecast.forecast_shares(facts, rounds, target_table, iip, p.as_of_year, p.target_year, levers,
                                      p.n_draws, assumptions=future)
        probabilities = fc.probabilities[(fc.probabilities["metric"] == "kip_export_share")
                                         & (fc.probabilities["target_year"] > p.as_of_year)]
    if len(probabilities):
        exhibits = {"export_share_fan": figures.share_fan(fc.fan("export"), computed, target_table, "export",
                                                          p.as_of_year, p.scenario, uses_simulated)}
    else:  # no forecast with a horizon: the shares computed from the sourced rows, against the targets
        exhibits = {"export_share_history": figures.share_history(computed, target_table, "export", p.as_of_year)}
    return TargetsRun(levers, uses_simulated, assumptions, int(facts.attrs.get("excluded_as_later", 0)), track,
                      by_preference, anchor_table, agree, anchors.level_checks(facts), values, growth, computed,
                      sensitivity.sensitivity_grid(anchor_table, values, production, p.as_of_year), verdict_rows,
                      influence, detail, scores, earned, gate_reasons, fc, probabilities, exhibits,
                      tables["programme_timeline"].attrs["raw_sha256"], reference_table)


def section(r: TargetsRun, p: TargetsParams) -> Section:
    """The memo Section of the results (a pure function of them and the parameters)."""
    return targets_section.build_section(
        r.verdicts, r.anchor_table, r.anchors_agree, r.influence, r.probabilities, r.scores, r.exhibits,
        p.as_of_year, p.scenario, r.uses_simulated, r.assumptions.describe(), gate_reasons=r.gate_reasons,
        levels=r.levels, reference_table=r.reference_table,
        params={"as_of_year": p.as_of_year, "vintage": p.vintage, "target_year": p.target_year,
                "scenario": p.scenario, "n_draws": p.n_draws, "source_preference": p.source_preference},
        raw_sha256=r.raw_sha256)
