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
# **Question.** Did recognition as a Key Industrial Product raise firms' revenue, exports and
# employment? Firms were recognised in rounds (2018–2025), chosen mainly on revenue and
# output, so recognised firms differ from the rest before recognition: a naive comparison is
# biased, and two-way fixed effects with staggered timing is biased when effects grow over
# time. We compare them with Callaway & Sant'Anna (2021) group-time effects and Sun &
# Abraham (2021) interaction-weighted event studies.
#
# **Data.** Firm microdata are confidential: by default this notebook uses the **SIMULATED**
# firm panel calibrated to the published programme figures (the true effects are known, so
# the estimators can be checked). A census extract loads through the same schema.

# %% tags=["parameters"]
data_source: str = "simulated"  # simulated, or the path of a census extract with its .mapping.yml beside it
outcome: str = "log_revenue"  # log_revenue, log_exports or log_employment
control_group: str = "notyettreated"  # notyettreated or nevertreated
covariates: str = "size_2010 + fdi"  # doubly robust covariates joined by +, empty for unconditional
anticipation: int = 0  # periods of anticipation before recognition
memo_year: int = 2025  # last year of data used; later rounds count as not yet recognised
n_boot: int = 499  # multiplier-bootstrap draws for uniform bands, 0 for pointwise intervals
results_path: str = ""  # where to publish the headline results as JSON; empty means do not publish

# %%
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from kip_analysis.analyses.effects import estimates, section
from kip_analysis.analyses.effects.params import validate
from kip_analysis.data import processed, provenance
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.estimators import did
from kip_analysis.report import figures
from kip_analysis.report.memo import section_html

p = validate(data_source, outcome, control_group, covariates, anticipation, memo_year, n_boot, results_path)
firms = load_firm_panel(p.data_source)
panel = firms.data[firms.data["year"] <= p.memo_year].copy()
panel.loc[panel["kip_round"] > p.memo_year, "kip_round"] = 0  # recognised after the memo year: not yet
data = estimates.prepare_panel(panel, p.outcome)
if firms.simulated:
    display(HTML('<p class="kip-simulated">SIMULATED firm panel: every estimate in this notebook is a check of '
                 "the method on simulated data calibrated to the published figures, not a finding about real "
                 "firms.</p>"))
display(Markdown(f"Estimation sample: {data['id'].nunique():,} firms observed every year "
                 f"{data['year'].min()}–{data['year'].max()}; {data.attrs['excluded_firms']:,} firms that exit "
                 "or enter during the period are left out (balanced panel)."))
if firms.simulated:
    display(Markdown("**Calibration of the SIMULATED panel against the published figures**"), firms.truth.calibration)

# %% [markdown]
# ## Who was recognised, and how they differed beforehand

# %%
estimates.balance_table(data, panel, 2017)

# %% [markdown]
# ## Naive, two-way fixed effects and Callaway–Sant'Anna side by side

# %%
naive = did.naive_comparison(data)
tw = did.twfe(data)
cs = did.callaway_santanna(data, "y", "year", "id", "gname", p.control_group, p.covariates, p.anticipation,
                               bootstrap=p.n_boot > 0, biters=max(p.n_boot, 99))
simple = cs.aggregate("simple")
cs_plain = did.callaway_santanna(data, "y", "year", "id", "gname", p.control_group, None, p.anticipation)
plain = cs_plain.aggregate("simple")
rows = [
    {"estimator": "naive comparison", "estimate": naive, "se": np.nan},
    {"estimator": "TWFE", "estimate": tw.att, "se": tw.se},
    {"estimator": "Callaway–Sant'Anna unconditional (simple)", "estimate": plain.overall_att, "se": plain.overall_se},
    {"estimator": "Callaway–Sant'Anna (simple)", "estimate": simple.overall_att, "se": simple.overall_se},
]
truth = estimates.true_aggregates(firms.truth.att_truth, data, p.outcome, p.memo_year) if firms.simulated else None
if truth is not None:
    rows.append({"estimator": "true effect (SIMULATED)", "estimate": truth["simple"], "se": np.nan})
comparison = pd.DataFrame(rows)
comparison["ci_low"] = comparison["estimate"] - 1.96 * comparison["se"]
comparison["ci_high"] = comparison["estimate"] + 1.96 * comparison["se"]
comparison

# %% [markdown]
# ## Event study with uniform bands

# %%
dynamic = cs.aggregate("dynamic")
sa = did.sun_abraham(data)
bands = "uniform 95% band (multiplier bootstrap)" if p.n_boot > 0 else "pointwise 95% interval"
fig = figures.event_study(dynamic.table, sa, tw.event_study, truth["dynamic"] if truth else None, firms.label,
                        p.outcome, bands)
display(fig, HTML(f"<p><em>{fig._kip_caption}</em></p>"))

# %% [markdown]
# ## Pre-trend test

# %%
pretrend = did.pretrend_test(cs)
pd.DataFrame([pretrend])

# %% [markdown]
# ## Heterogeneity: by cohort, sector and ownership

# %%
by_group = cs.aggregate("group").table.rename(columns={"egt": "cohort"})
if firms.simulated:
    tt = firms.truth.att_truth
    tt = tt[(tt["outcome"] == p.outcome) & (tt["time"] >= tt["group"]) & (tt["time"] <= p.memo_year)]
    by_group["true (SIMULATED)"] = by_group["cohort"].map(tt.groupby("group")["att"].mean())
display(by_group, estimates.heterogeneity(data, "sector", p.control_group),
        estimates.heterogeneity(data, "ownership", p.control_group))

# %% [markdown]
# ## What a census extract could detect
#
# The minimum detectable effect of a difference-in-differences on a real extract (McKenzie 2012:
# equicorrelated errors, the census years before and the recognition years after), for the
# sourced firm-recognitions of each round against the sourced number of other industrial firms.
# The residual SD (sigma) and year-to-year correlation (rho) of log revenue are not sourced: a grid.

# %%
tables = processed.load_all(p.memo_year, processed.default_vintage(p.memo_year))
n_firms, firms_fact = estimates.industrial_firms(tables["facts"])
rounds = tables["recognition_rounds"]
mde = estimates.mde_table(rounds, p.memo_year, n_firms - int(rounds["firms"].sum()))
mde

# %% [markdown]
# ## The section as the memo shows it

# %%
result = section.build_section(
    comparison, by_group, pretrend, fig, firms.label, firms.simulated, p.outcome, p.control_group, p.covariates,
    params={"data_source": p.data_source, "outcome": p.outcome, "control_group": p.control_group,
            "covariates": list(p.covariates), "anticipation": p.anticipation, "memo_year": p.memo_year,
            "n_boot": p.n_boot},
    raw_sha256=provenance.raw_checksums(), mde=mde, control_fact=f"fact {firms_fact}, low end")
display(HTML(section_html(result)))
_ = result.publish(p.results_path)
