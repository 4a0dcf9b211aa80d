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
# # What did recognition do to firms?
#
# **Question.** Did recognition as a Key Industrial Product raise firms' revenue, employment
# and exporting? Firms were recognised in rounds (2018–2025), chosen on size, ownership and
# (unobserved) growth prospects, so recognised firms differ from the rest before recognition:
# a naive comparison is biased, and two-way fixed effects with staggered timing is biased
# when effects grow over time. We compare them with Callaway & Sant'Anna (2021) group-time
# effects (doubly robust, Sant'Anna & Zhao 2020) and Sun & Abraham (2021) event studies, test
# parallel trends two ways, bound departures from them (Rambachan & Roth 2023), and run
# placebo dates and permutation inference.
#
# **Estimand.** g is a firm's *first* recognition; the effect is the intent-to-treat effect of
# a first recognition, including any re-recognition it leads to.
#
# **Data.** Firm microdata are confidential: by default this notebook uses the **SIMULATED**
# firm panel calibrated to the published programme figures (the true effects are known, so
# the estimators can be checked). A census extract loads through the same schema.

# %% tags=["parameters"]
data_source: str = "simulated"  # simulated, or the path of a census extract with its .mapping.yml beside it
outcome: str = "log_revenue"  # log_revenue, log_employment or exporter
control_group: str = "notyettreated"  # notyettreated or nevertreated
covariates: str = "size_base + fdi"  # doubly robust covariates joined by +, empty for unconditional
anticipation: int = 0  # periods of anticipation before recognition
memo_year: int = 2025  # last year of data used; later rounds count as not yet recognised
n_boot: int = 499  # multiplier-bootstrap draws for uniform bands, 0 for pointwise intervals
n_permutations: int = 199  # permutations of recognition dates among never-recognised firms
variant: str = "conditional"  # SIMULATED process: conditional (PT holds given covariates) or unobserved_trend
results_path: str = ""  # where to publish the headline results as JSON; empty means do not publish

# %%
import pandas as pd
from IPython.display import HTML, Markdown, display

from kip_analysis.analyses.effects import estimates, run, section
from kip_analysis.analyses.effects.params import validate
from kip_analysis.report.memo import section_html

p = validate(data_source, outcome, control_group, covariates, anticipation, memo_year, n_boot, n_permutations,
             variant, results_path)
r = run.run(p)
result = run.section(r, p)
display(HTML(section_html(result)))  # the answer first: the section as the memo shows it
_ = result.publish(p.results_path)

# %% [markdown]
# ## Details: the sample, and how the SIMULATED panel was calibrated

# %%
if r.simulated:
    display(HTML('<p class="kip-simulated">SIMULATED firm panel: every estimate in this notebook is a check of '
                 "the method on simulated data calibrated to the published figures, not a finding about real "
                 "firms.</p>"))
display(Markdown(section.sample_sentence(r.results.sample, estimates.SAMPLE_RULES)))
if r.calibration is not None:
    display(Markdown("**Calibration of the SIMULATED panel (this seed; benchmarks/calibration_seeds.py: 100 seeds)**"),
            r.calibration)

# %% [markdown]
# ## Who was recognised, and how they differed beforehand

# %%
r.balance

# %% [markdown]
# ## Estimators side by side

# %%
r.results.comparison

# %% [markdown]
# ## Event study: one base period (e = −1) for every estimator

# %%
fig = r.results.event_fig
display(fig, HTML(f"<p><em>{fig._kip_caption}</em></p>"))

# %% [markdown]
# ## Pre-tests, and how far parallel trends may fail before the conclusion changes
#
# R `did`'s Wald test over the pre-period ATT(g,t) is computed as csdid computes it, but its
# chi-square reading is invalid here: each cohort's pre-period cells (p_g) have their covariance
# estimated from the cohort's few recognised firms (n_g, barely more than p_g), so the statistic
# behaves like Hotelling's T² with a heavy tail and rejects even on placebo recognition dates
# (benchmarks/pretest_size.py). The covariance is not ill-conditioned (the cohort table shows its
# condition numbers). The verdict therefore uses the small-sample test: each cohort's statistic
# referred to F(p_g, n_g − p_g), combined across cohorts by Fisher's method and by Bonferroni, and
# Fisher's statistic calibrated on placebo recognition dates (permutation). Sensitivity bounds:
# Rambachan–Roth, breakdown values bisected between grid points.

# %%
display(r.results.pretests, r.results.cohort_pretests, r.results.sensitivity, pd.DataFrame([r.results.breakdown]))

# %% [markdown]
# ## Placebo recognition dates and permutation inference

# %%
pd.DataFrame([r.results.placebo, r.results.permutation])

# %% [markdown]
# ## Exporting: the extensive margin, and exports with zeros by PPML

# %%
r.results.margins

# %% [markdown]
# ## Heterogeneity with the headline estimator

# %%
r.results.heterogeneity

# %% [markdown]
# ## What a census extract could detect
#
# The minimum detectable effect of a difference-in-differences on a real extract (McKenzie 2012:
# equicorrelated errors, the census years before and the recognition years after), for the
# sourced firm-recognitions of each round against the sourced number of other industrial firms
# (and smaller sample extracts). The residual SD (sigma) and year-to-year correlation (rho) of
# log revenue are not sourced: a grid.

# %%
r.mde
