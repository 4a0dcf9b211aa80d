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
# value (33–35% by 2020, 40–50% by 2025) and of its exports (12–14% by 2020, 20–25% by
# 2025). Where does each target stand, and how likely is it to be met?
#
# **Method.** The sources give shares only up to 2018, so the shares are rebuilt as ratios
# from sourced rows: numerators are the revenue and exports of the products whose
# recognition is in force (three-year validity), denominators the city's industrial
# production value (anchored by the sources' own 2018 figures and carried by the industrial
# production index) and exports. A Monte Carlo over parameter, model and scenario
# uncertainty gives a probability for each target; a backtest shows how a forecast made in
# 2018 would have done. No firm-level data is used: nothing here is simulated except the
# Monte Carlo draws themselves.

# %% tags=["parameters"]
as_of_year: int = 2025  # forecast made with data about years up to this one
target_year: int = 2025  # last year forecast; targets due up to it get probabilities
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
from kip_analysis.analyses.targets import forecast, scenarios, section, shares
from kip_analysis.analyses.targets.params import validate
from kip_analysis.data import processed
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.data.raw import load_table
from kip_analysis.report import figures
from kip_analysis.report.memo import section_html

p = validate(as_of_year, target_year, scenario, n_draws, source_preference, results_path)
levers = scenarios.levers(p.scenario)
tables = processed.load_all()
facts, rounds, target_table = tables["facts"], tables["recognition_rounds"], tables["targets"]
iip = load_table("gso_iip_by_province")
uses_simulated = p.scenario in scenarios.FROM_LAND_MODULE
if uses_simulated:  # exit rate from the relocation hazard (04_land_relocation), estimated on the SIMULATED panel
    hazard = relocation.relocation_hazard(load_firm_panel().data)
    levers = dataclasses.replace(levers, exit_rate=relocation.kip_exit_rate(hazard, p.as_of_year))
    display(HTML('<p class="kip-simulated">SIMULATED: this scenario\'s exit rate of recognised revenue '
                 f"({levers.exit_rate:.2%} a year) is estimated on the simulated firm panel.</p>"))
assumptions = shares.ShareAssumptions(product_growth=levers.product_growth, source_preference=p.source_preference)
display(Markdown(f"Scenario **{p.scenario}**: {scenarios.describe(p.scenario)}. Levers: `{levers}`."))

# %% [markdown]
# ## Where each target stands in the sources
#
# Every target against every actual the sources give for its year (see `01_programme_facts`),
# and whether the verdict depends on which source is believed.

# %%
track = tracker.track_targets(target_table, tables["programme_timeline"], p.as_of_year, p.source_preference)
by_preference = pd.DataFrame({
    pref: tracker.track_targets(target_table, tables["programme_timeline"], p.as_of_year, pref)
    .set_index("target_id")["status"] for pref in ("low", "high", "latest", "earliest")
})
targets_table(track).set_index("target").join(by_preference.add_prefix("status if "))

# %% [markdown]
# ## Building the shares: numerators, denominators and every assumption
#
# Each round's products' revenue (VND bn) and exports (USD m) in its base year, with the
# sourced row it comes from; rounds without a sourced figure are imputed (flagged).

# %%
values = shares.round_values(facts, rounds, assumptions)
values

# %%
pd.DataFrame({"assumption": list(assumptions.describe()), "value": list(assumptions.describe().values())})

# %%
growth = shares.iip_growth(facts, iip, assumptions, range(2012, p.as_of_year + 1))
exports_city = shares.city_exports(facts, assumptions)
display(growth, exports_city)

# %% [markdown]
# The shares computed from these parts. Definitional mismatches: the numerator is products'
# **revenue**, the denominator **production value**; the 2021 round's figure covers firms or
# products (the source is unclear); the 77 firms' whole-firm 2020 revenue (VND200,000bn,
# sources 002 and khuyencongonline) is **not** used. A share over 100% is flagged.

# %%
computed = shares.shares(facts, rounds, iip, assumptions)
computed

# %% [markdown]
# ## Forecast: fan charts and probabilities

# %%
fc = forecast.forecast_shares(facts, rounds, target_table, iip, p.as_of_year, p.target_year, levers,
                             p.n_draws, assumptions=assumptions)
display(Markdown("\n".join(f"- {note}" for note in fc.notes)))
display(fc.growth_model.table)
fig_output = figures.share_fan(fc.fan("output"), computed, target_table, "output", p.as_of_year, p.scenario)
fig_export = figures.share_fan(fc.fan("export"), computed, target_table, "export", p.as_of_year, p.scenario)
display(fig_output, HTML(f"<p><em>{fig_output._kip_caption}</em></p>"), fig_export,
        HTML(f"<p><em>{fig_export._kip_caption}</em></p>"))

# %%
fc.probabilities

# %% [markdown]
# ## Backtest: a forecast made with data to 2018

# %%
bt = forecast.backtest(facts, rounds, target_table, iip, levers, n_draws=p.n_draws)
bt

# %% [markdown]
# ## The section as the memo shows it

# %%
result = section.build_section(
    fc.probabilities, computed, bt, {"output_share_fan": fig_output, "export_share_fan": fig_export}, p.as_of_year,
    p.scenario, uses_simulated, assumptions.describe(),
    params={"as_of_year": p.as_of_year, "target_year": p.target_year, "scenario": p.scenario, "n_draws": p.n_draws,
            "source_preference": p.source_preference},
    raw_sha256=tables["programme_timeline"].attrs["raw_sha256"])
display(HTML(section_html(result)))
_ = result.publish(p.results_path)
