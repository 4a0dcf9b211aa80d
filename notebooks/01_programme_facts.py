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
# # Hanoi's Key Industrial Products programme: the facts
#
# **Question.** What do the published sources say the programme has done since its 2018
# relaunch — how many products and firms were recognised, which targets were set, which
# were met — and where do the sources disagree?
#
# **Data.** Every figure in the five source articles (`data/raw/articles/programme_facts.csv`,
# one row per figure with its verbatim quote) and the later web figures
# (`data/raw/web/web_figures.csv`, with page address, quote and qualifier). Nothing in this
# notebook is simulated. Processed tables are rebuilt from raw by `make data`.

# %% tags=["parameters"]
as_of_year: int = 2025  # year the reading is made in: later actuals and targets are not used
vintage: str = "real_time"  # real_time uses only facts published by the end of the year; latest is an ex-post revision
source_preference: str = "low"  # which figure to use when sources disagree: low, high, latest, earliest
results_path: str = ""  # where to publish the headline results as JSON; empty means do not publish

# %%
import pandas as pd
from IPython.display import HTML, display

import kip_analysis as kip
from kip_analysis.analyses.facts import run
from kip_analysis.analyses.facts.params import validate
from kip_analysis.report.memo import section_html

params = validate(as_of_year, vintage, source_preference, results_path)
pd.set_option("display.max_colwidth", 80)
r = run.run(params)
result = run.section(r, params)
display(HTML(section_html(result)))  # the answer first: the section as the memo shows it
_ = result.publish(params.results_path)
print(f"kip_analysis {kip.__version__}; as_of_year={params.as_of_year}, vintage={params.vintage!r}, "
      f"source_preference={params.source_preference!r}; facts published after {params.as_of_year} left out: "
      f"{r.excluded_as_later}")

# %% [markdown]
# ## The programme's history
#
# Recognition is valid for three years (source 004). The old programme (2005–2017)
# recognised 59 products of 46 firms (sources 000, 001); the relaunched programme's rounds
# are below. Each round's counts come from one or more sourced rows (their ids are in the
# reconciliation table).

# %%
display(r.timeline_fig, HTML(f"<p><em>{r.timeline_fig._kip_caption}</em></p>"))

# %% [markdown]
# ## Reconciliation: do the reported cumulative totals equal the sum of the rounds?

# %%
# NBVAL_CHECK_OUTPUT
r.shown_rounds(params.as_of_year)[["round", "products", "firms", "products_cumulative", "firms_cumulative",
                                   "products_cumulative_reported", "firms_cumulative_reported", "matches",
                                   "products_sources", "firms_sources"]]

# %% [markdown]
# ## Targets against actuals
#
# Each target, expectation or plan set by the reading year, judged against the actual for
# its own year only (no proxy years). `met_low` / `met_high` judge a range target against
# each end; `gap_low` / `gap_high` are actual minus that end. `nearest_actual` gives context
# where no actual exists for the target year; it does not enter the verdict.

# %%
r.track[["target_id", "metric", "kind", "target_year", "low", "high", "unit_canonical",
         "status", "actual", "actual_source", "met_low", "met_high", "gap_low", "gap_high",
         "depends_on_source", "nearest_actual", "source_id"]]

# %% [markdown]
# ## Where the sources disagree
#
# Pairs of figures for the same metric, place and year that do not agree even allowing for
# rounding. `default_choice` is what the default `source_preference` ("low") picks; set the
# parameter to another rule to see how the reading changes.

# %%
r.known_conflicts(params.as_of_year)[["conflict_id", "type", "metric", "geography", "year", "value_a", "fact_a",
                                      "value_b", "fact_b", "default_choice", "note"]]
