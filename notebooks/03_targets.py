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
import pandas as pd
from IPython.display import HTML, Markdown, display

from kip_analysis.analyses.facts.section import targets_table
from kip_analysis.analyses.targets import run, scenarios, section
from kip_analysis.analyses.targets.params import validate
from kip_analysis.report.memo import section_html

p = validate(as_of_year, vintage, target_year, scenario, n_draws, source_preference, results_path)
r = run.run(p)
result = run.section(r, p)
display(HTML(section_html(result)))  # the answer first: the section as the memo shows it
_ = result.publish(p.results_path)

# %% [markdown]
# ## Details: the scenario and the vintage

# %%
if r.uses_simulated:
    display(HTML('<p class="kip-simulated">SIMULATED: this scenario\'s exit rate of recognised revenue '
                 f"({r.levers.exit_rate:.2%} a year) is estimated on the simulated firm panel.</p>"))
display(Markdown(f"Scenario **{p.scenario}**: {scenarios.describe(p.scenario)}. Levers: `{r.levers}`. "
                 f"Vintage **{p.vintage}**: {r.excluded_as_later} facts published after "
                 f"{p.as_of_year} are left out."))

# %% [markdown]
# ## Where each target stands in the sources
#
# Every target known by the reading year against every actual the sources give for its year,
# and whether the verdict depends on which source is believed.

# %%
targets_table(r.track).set_index("target").join(r.by_preference.add_prefix("status if "))

# %% [markdown]
# ## Do the anchors of the output share agree?
#
# Every sourced statement that implies Hanoi's industrial production value (or GRDP), the level
# it implies, and its ratio to the reference anchor (b015 / b017). Beyond ±15% the anchors
# disagree and the output-share targets cannot be assessed from published data.

# %%
display(r.anchor_table, Markdown(f"Anchors agree: **{r.anchors_agree}**."), r.levels)

# %% [markdown]
# ## Building the shares: numerators, denominators and every assumption
#
# Each round's products' revenue (VND bn) and exports (USD m) in its base year, with the
# sourced row it comes from; rounds without a sourced figure are imputed (flagged).

# %%
described = r.assumptions.describe()
display(r.values, pd.DataFrame({"assumption": list(described), "value": list(described.values())}), r.growth,
        r.computed)

# %% [markdown]
# The output share under every anchor, numerator definition and renewal overlap (a product
# re-recognised after its three-year validity may be counted in two rounds). The spread is why
# no output-share probability is given: it is a sensitivity grid, not a forecast.

# %%
r.sensitivity.round(1)

# %% [markdown]
# ## Progress verdicts
#
# Current status and anticipated progress (classes in `kip_analysis.analyses.targets.progress`),
# and for each export-share target still open, which single sourced row would flip its verdict.

# %%
display(section.verdict_table(r.verdicts), *r.influence.values())

# %% [markdown]
# ## Backtests: rolling origins, real-time data, naive benchmarks
#
# Scored before any forecast: a probability is published only when every series the share forecast
# rests on has at least five scored forecasts and intervals that covered what they claim (`backtest.gate`).

# %%
display(r.backtest_detail.round(2), r.scores.round(3),
        Markdown("Forecast gate: **open**." if r.gate_open else "Forecast gate: **closed** — "
                 + "; ".join(r.gate_reasons)))

# %% [markdown]
# ## Probabilities, where a forecast has a horizon
#
# A Monte Carlo over parameter, model and scenario uncertainty, for export-share targets at
# least a year after the reading year (the output share is left out while its anchors disagree),
# only when the forecast gate above is open.

# %%
if r.forecast is not None:
    display(Markdown("\n".join(f"- {note}" for note in r.forecast.notes)), r.forecast.growth_model.table)
for fig in r.exhibits.values():
    caption = getattr(fig, "_kip_caption", "")
    display(fig, *([HTML(f"<p><em>{caption}</em></p>")] if caption else []))
r.probabilities
