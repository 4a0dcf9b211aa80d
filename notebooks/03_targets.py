# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: KIP workbook (.venv)
#     language: python
#     name: kip-workbook
# ---

# %% [markdown]
# # Will the output-share and export-share targets be met?
#
# **Question.** Hanoi set targets for the KIP share of the city's industrial production
# value (33–35% by 2020, 40–50% by 2025), of its exports (12–14% by 2020, 20–25% by 2025) and
# for the number of recognitions. Where does each target stand, and will it be met?
#
# **Method.** A real-time reading: only facts published by the end of `as_of_year` are used
# (`vintage="latest"` gives an ex-post revision). Each target first gets a **progress
# verdict** in the manner of UN ESCAP's SDG progress reports — the pace achieved since the base
# year against the pace the target requires. Rows are first checked against each other
# (`kip_analysis.data.plausibility`): a verdict resting on a flagged row is undetermined. The
# output share is measured on the production-value base (the sourced 2017 level carried by index
# growth, with a price band); export shares on the definition each target names (products or
# enterprises). Export-share verdicts come with a leave-one-row-out influence table.
# Probabilities from a Monte Carlo are given only when the forecast's backtests have earned them
# (`backtest.gate`). No firm-level data is used.

# %% tags=["parameters"]
as_of_year: int = 2025  # forecast made with data about years up to this one
vintage: str = "real_time"  # real_time uses only facts published by the end of the year; latest is an ex-post revision
target_year: int = 0  # last year forecast (0: the horizon, 2030); targets due up to it get probabilities
scenario: str = "baseline"  # one of kip_analysis.analyses.targets.scenarios.NAMES
n_draws: int = 2000  # Monte Carlo draws
source_preference: str = "low"  # which figure to use when sources disagree: low, high, latest, earliest
results_path: str = ""  # where to publish the headline results as JSON; empty means do not publish

# %%
import dataclasses

import pandas as pd
from IPython.display import HTML, Markdown, display

from kip_analysis.analyses.facts import tracker
from kip_analysis.analyses.facts.section import targets_table
from kip_analysis.analyses.land import relocation
from kip_analysis.analyses.targets import backtest, forecast, scenarios, section, sensitivity, shares, verdicts
from kip_analysis.analyses.targets.params import validate
from kip_analysis.data import anchors, processed
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.data.raw import load_table
from kip_analysis.report import figures
from kip_analysis.report.memo import section_html

p = validate(as_of_year, vintage, target_year, scenario, n_draws, source_preference, results_path)
levers = scenarios.levers(p.scenario)
tables = processed.load_all(p.as_of_year, p.vintage)
facts, rounds, target_table = tables["facts"], tables["recognition_rounds"], tables["targets"]
iip = load_table("gso_iip_by_province")
uses_simulated = p.scenario in scenarios.FROM_LAND_MODULE
if uses_simulated:  # exit rate from the location choice (04_land_relocation), estimated on the SIMULATED panel
    sim = load_firm_panel()
    choice = relocation.location_choice(sim.data, sim.truth.places, p.as_of_year)
    levers = dataclasses.replace(levers, exit_rate=relocation.kip_exit_rate(choice, p.as_of_year))
    display(HTML('<p class="kip-simulated">SIMULATED: this scenario\'s exit rate of recognised revenue '
                 f"({levers.exit_rate:.2%} a year) is estimated on the simulated firm panel.</p>"))
# the past is built with the sourced default assumptions: a scenario's levers change only the future (the forecast)
assumptions = shares.ShareAssumptions(source_preference=p.source_preference)
display(Markdown(f"Scenario **{p.scenario}**: {scenarios.describe(p.scenario)}. Levers: `{levers}`. "
                 f"Vintage **{p.vintage}**: {facts.attrs.get('excluded_as_later', 0)} facts published after "
                 f"{p.as_of_year} are left out."))

# %% [markdown]
# ## Where each target stands in the sources
#
# Every target known by the reading year against every actual the sources give for its year,
# and whether the verdict depends on which source is believed.

# %%
track = tracker.track_targets(target_table, tables["programme_timeline"], p.as_of_year, p.source_preference)
by_preference = pd.DataFrame({
    pref: tracker.track_targets(target_table, tables["programme_timeline"], p.as_of_year, pref)
    .set_index("target_id")["status"] for pref in ("low", "high", "latest", "earliest")
})
targets_table(track).set_index("target").join(by_preference.add_prefix("status if "))

# %% [markdown]
# ## Do the anchors of the output share agree?
#
# Every sourced statement that implies Hanoi's industrial production value (or GRDP), the level
# it implies, and its ratio to the reference anchor (b015 / b017). Beyond ±15% the anchors
# disagree and the output-share targets cannot be assessed from published data.

# %%
anchor_table = anchors.anchor_table(facts)
agree = anchors.anchors_agree(anchor_table)
levels = anchors.level_checks(facts)  # each stated share against the sourced level of production value
display(anchor_table, Markdown(f"Anchors agree: **{agree}**."), levels)

# %% [markdown]
# ## Building the shares: numerators, denominators and every assumption
#
# Each round's products' revenue (VND bn) and exports (USD m) in its base year, with the
# sourced row it comes from; rounds without a sourced figure are imputed (flagged).

# %%
values = shares.round_values(facts, rounds, assumptions)
growth = shares.iip_growth(facts, iip, assumptions, range(2012, p.as_of_year + 1))
computed = shares.shares(facts, rounds, iip, assumptions)
computed = computed[computed["year"] <= p.as_of_year]
display(values, pd.DataFrame({"assumption": list(assumptions.describe()),
                              "value": list(assumptions.describe().values())}), growth, computed)

# %% [markdown]
# The output share under every anchor, numerator definition and renewal overlap (a product
# re-recognised after its three-year validity may be counted in two rounds). The spread is why
# no output-share probability is given: it is a sensitivity grid, not a forecast.

# %%
production = shares.production_value(facts, growth, assumptions)
sensitivity.sensitivity_grid(anchor_table, values, production, p.as_of_year).round(1)

# %% [markdown]
# ## Progress verdicts
#
# Current status and anticipated progress (classes in `kip_analysis.analyses.targets.progress`),
# and for each export-share target still open, which single sourced row would flip its verdict.

# %%
verdict_rows = verdicts.verdict_table(target_table, rounds, facts, computed, p.as_of_year, agree,
                                      p.source_preference)
known = verdicts.known_targets(target_table, p.as_of_year)
open_export = known[(known["metric"] == "kip_export_share") & (known["target_year"] >= p.as_of_year)]
influence = {t.target_id: verdicts.export_influence(facts, rounds, iip, assumptions, pd.Series(t._asdict()),
                                                    p.as_of_year) for t in open_export.itertuples()}
display(section.verdict_table(verdict_rows), *influence.values())

# %% [markdown]
# ## Backtests: rolling origins, real-time data, naive benchmarks
#
# Scored before any forecast: a probability is published only when every series the share forecast
# rests on has at least five scored forecasts and intervals that covered what they claim (`backtest.gate`).

# %%
detail = backtest.rolling_origin(facts, iip, range(2016, p.as_of_year), n_draws=1000)  # outcomes known by as_of_year
scores = backtest.scores(detail) if len(detail) else pd.DataFrame(
    columns=["series", "method", "forecasts", "coverage_80", "coverage_95", "crps", "mase"])
earned, gate_reasons = backtest.gate(scores)
display(detail.round(2), scores.round(3),
        Markdown("Forecast gate: **open**." if earned else "Forecast gate: **closed** — " + "; ".join(gate_reasons)))

# %% [markdown]
# ## Probabilities, where a forecast has a horizon
#
# A Monte Carlo over parameter, model and scenario uncertainty, for export-share targets at
# least a year after the reading year (the output share is left out while its anchors disagree),
# only when the forecast gate above is open.

# %%
probabilities = pd.DataFrame(columns=["target_id", "metric", "target_year", "kind", "low", "high", "p_reach_low",
                                      "p_in_range", "median", "q10", "q90", "q025", "q975"])
if earned and p.target_year > p.as_of_year:
    fc = forecast.forecast_shares(facts, rounds, target_table, iip, p.as_of_year, p.target_year, levers, p.n_draws,
                                  assumptions=dataclasses.replace(assumptions, product_growth=levers.product_growth))
    display(Markdown("\n".join(f"- {note}" for note in fc.notes)), fc.growth_model.table)
    probabilities = fc.probabilities[(fc.probabilities["metric"] == "kip_export_share")
                                     & (fc.probabilities["target_year"] > p.as_of_year)]
exhibits = {}
if len(probabilities):
    fig_export = figures.share_fan(fc.fan("export"), computed, target_table, "export", p.as_of_year, p.scenario,
                                   uses_simulated)
    display(fig_export, HTML(f"<p><em>{fig_export._kip_caption}</em></p>"))
    exhibits["export_share_fan"] = fig_export
else:  # no forecast with a horizon: the shares computed from the sourced rows, against the targets
    fig_export = figures.share_history(computed, target_table, "export", p.as_of_year)
    display(fig_export)
    exhibits["export_share_history"] = fig_export
probabilities

# %% [markdown]
# ## The section as the memo shows it

# %%
result = section.build_section(
    verdict_rows, anchor_table, agree, influence, probabilities, scores, exhibits, p.as_of_year, p.scenario,
    uses_simulated, assumptions.describe(), gate_reasons=gate_reasons, levels=levels,
    params={"as_of_year": p.as_of_year, "vintage": p.vintage, "target_year": p.target_year, "scenario": p.scenario,
            "n_draws": p.n_draws, "source_preference": p.source_preference},
    raw_sha256=tables["programme_timeline"].attrs["raw_sha256"])
display(HTML(section_html(result)))
_ = result.publish(p.results_path)
