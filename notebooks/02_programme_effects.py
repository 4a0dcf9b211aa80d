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
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from kip_analysis.analyses.effects import estimates, margins, robustness, section
from kip_analysis.analyses.effects.params import validate
from kip_analysis.data import processed, provenance
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.estimators import did
from kip_analysis.estimators.did_types import Z95
from kip_analysis.report import figures
from kip_analysis.report.memo import section_html

p = validate(data_source, outcome, control_group, covariates, anticipation, memo_year, n_boot, n_permutations,
             variant, results_path)
firms = load_firm_panel(p.data_source, variant=p.variant)
panel = firms.data[firms.data["year"] <= p.memo_year].copy()
panel.loc[panel["kip_round"] > p.memo_year, "kip_round"] = 0  # recognised after the memo year: not yet
data = estimates.prepare_panel(panel, p.outcome)
if firms.simulated:
    display(HTML('<p class="kip-simulated">SIMULATED firm panel: every estimate in this notebook is a check of '
                 "the method on simulated data calibrated to the published figures, not a finding about real "
                 "firms.</p>"))
display(Markdown(section.sample_sentence(data.attrs, estimates.SAMPLE_RULES)))
if firms.simulated:
    display(Markdown("**Calibration of the SIMULATED panel (this seed; benchmarks/calibration_seeds.py: 100 seeds)**"),
            firms.truth.calibration)

# %% [markdown]
# ## Who was recognised, and how they differed beforehand

# %%
estimates.balance_table(data, panel, 2017)

# %% [markdown]
# ## Estimators side by side

# %%
cs = did.callaway_santanna(data, "y", "year", "id", "gname", p.control_group, p.covariates, p.anticipation,
                           allow_unbalanced=True)
simple = cs.aggregate("simple")
plain = did.callaway_santanna(data, "y", "year", "id", "gname", p.control_group, None, p.anticipation,
                              allow_unbalanced=True).aggregate("simple")
tw = did.twfe(data)
rows = [
    {"estimator": "naive comparison", "estimate": did.naive_comparison(data), "se": np.nan},
    {"estimator": "TWFE", "estimate": tw.att, "se": tw.se},
    {"estimator": "Callaway–Sant'Anna unconditional (simple)", "estimate": plain.overall_att, "se": plain.overall_se},
    {"estimator": section.HEADLINE_ROW, "estimate": simple.overall_att, "se": simple.overall_se},
]
truth = estimates.true_aggregates(firms.truth.att_truth, data, p.outcome, p.memo_year) if firms.simulated else None
if truth is not None:
    rows.append({"estimator": section.TRUTH_ROW, "estimate": estimates.true_simple(firms.truth.effects, data,
                                                                                   p.outcome), "se": np.nan})
comparison = pd.DataFrame(rows)
comparison["ci_low"] = comparison["estimate"] - Z95 * comparison["se"]
comparison["ci_high"] = comparison["estimate"] + Z95 * comparison["se"]
comparison

# %% [markdown]
# ## Event study: one base period (e = −1) for every estimator

# %%
es, cs_universal = robustness.event_study(data, p.control_group, p.covariates, p.anticipation, p.n_boot,
                                          twfe=tw)
bands = "uniform 95% band (multiplier bootstrap)" if p.n_boot > 0 else "pointwise 95% interval"
fig = figures.event_study(es, truth["dynamic"] if truth else None, firms.label, p.outcome, bands)
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
pretest_permutation = robustness.pretest_permutation(data, p.control_group, p.n_permutations)
pretests = robustness.pretests(cs_universal, cs, pretest_permutation)
cohort_pretests = robustness.cohort_table(cs)
sensitivity, breakdown = robustness.honest_did(cs_universal)
display(pretests, cohort_pretests, sensitivity, pd.DataFrame([breakdown]))

# %% [markdown]
# ## Placebo recognition dates and permutation inference

# %%
placebo = robustness.placebo_dates(data, p.control_group, p.covariates)
permutation = robustness.permutation_test(data, plain.overall_att, p.control_group, p.n_permutations)
pd.DataFrame([placebo, permutation])

# %% [markdown]
# ## Exporting: the extensive margin, and exports with zeros by PPML

# %%
exporters = estimates.prepare_panel(panel, "exporter")
ext = did.callaway_santanna(exporters, "y", "year", "id", "gname", p.control_group, p.covariates,
                            allow_unbalanced=True).aggregate("simple")
ppml = margins.ppml_cells(panel, "exports_usd_m", p.memo_year)
margin_rows = pd.DataFrame([
    {"outcome": "exporter (share of firms)", "estimator": "Callaway–Sant'Anna, same settings",
     "estimate": ext.overall_att, "se": ext.overall_se},
    {"outcome": "exports (USD, zeros kept)", "estimator": "PPML, extended TWFE (Wooldridge 2023)",
     "estimate": ppml["estimate"], "se": ppml["se"]},
])
margin_rows["ci_low"] = margin_rows["estimate"] - Z95 * margin_rows["se"]
margin_rows["ci_high"] = margin_rows["estimate"] + Z95 * margin_rows["se"]
if firms.simulated:
    margin_rows["truth"] = [estimates.true_simple(firms.truth.effects, exporters, "exporter"),
                            margins.true_overall(firms.truth.att_truth, ppml["cells"])]
margin_rows

# %% [markdown]
# ## Heterogeneity with the headline estimator

# %%
effects = firms.truth.effects if firms.simulated else None
heterogeneity = pd.concat([
    estimates.heterogeneity(data, by, p.control_group, p.covariates, effects, p.outcome)
    .rename(columns={by: "subgroup"}).assign(by=by) for by in ("sector", "ownership")], ignore_index=True)
heterogeneity

# %% [markdown]
# ## What a census extract could detect
#
# The minimum detectable effect of a difference-in-differences on a real extract (McKenzie 2012:
# equicorrelated errors, the census years before and the recognition years after), for the
# sourced firm-recognitions of each round against the sourced number of other industrial firms
# (and smaller sample extracts). The residual SD (sigma) and year-to-year correlation (rho) of
# log revenue are not sourced: a grid.

# %%
tables = processed.load_all(p.memo_year, processed.default_vintage(p.memo_year))
n_firms, firms_fact = estimates.industrial_firms(tables["facts"])
rounds = tables["recognition_rounds"]
mde = estimates.mde_table(rounds, p.memo_year, n_firms - int(rounds["firms"].sum()))
mde

# %% [markdown]
# ## The section as the memo shows it

# %%
results = section.EffectsResults(comparison, es, pretests, sensitivity, breakdown, placebo, permutation,
                                 heterogeneity, margin_rows, data.attrs, fig, cohort_pretests)
result = section.build_section(
    results, firms.label, firms.simulated, p.outcome, p.control_group, p.covariates,
    params={"data_source": p.data_source, "outcome": p.outcome, "control_group": p.control_group,
            "covariates": list(p.covariates), "anticipation": p.anticipation, "memo_year": p.memo_year,
            "n_boot": p.n_boot, "n_permutations": p.n_permutations, "variant": p.variant},
    raw_sha256=provenance.raw_checksums(), rules=estimates.SAMPLE_RULES, mde=mde,
    control_fact=f"fact {firms_fact}, low end")  # the calibration table (above) cites every vintage: not in the memo
display(HTML(section_html(result)))
_ = result.publish(p.results_path)
