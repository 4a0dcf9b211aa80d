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
# # Land-lease costs and relocation
#
# **Question.** Industrial-zone land leases in Hanoi cost 1.5–2 times those of neighbouring
# provinces (source 001), and some KIP producers moved out. How strongly do lease
# differentials drive relocation, what does that cost the city's KIP output and export
# shares, and what would a lease subsidy change?
#
# **Data.** Real: industrial-park rents compared like for like (one consultant's figures for one
# period: Hà Nội over the mean of Bắc Ninh, Hưng Yên, Hải Dương and Hải Phòng), park occupancy,
# regional minimum wages by decree, province centroids, PCI sub-indices and composite, income per
# capita, GSO 2016 FDI project counts and the Foreign Investment Agency's FDI flows by province
# 2017–2024 H1. Firm level: the **SIMULATED** firm panel (calibrated to the published programme
# figures; firm microdata is confidential), or a census extract loaded through the same schema.
#
# Every decision lives in `kip_analysis.analyses.land.run` (tested in-process); this notebook
# validates its parameters, runs the analysis and shows the answer first, then the details.

# %% tags=["parameters"]
data_source: str = "simulated"  # simulated, or the path of a census extract with its .mapping.yml beside it
vintage: str = "real_time"  # real_time uses only facts published by the end of the year; latest is an ex-post revision
lease_ratio: float = 1.75  # a scenario on the sensitivity curve (the estimation uses the sourced R_t)
subsidy_share: float = 0.5  # share of the lease gap a subsidy closes, 0-1
memo_year: int = 2025  # year the memo reports on
n_draws: int = 500  # draws from the estimates' sampling distribution for bands
results_path: str = ""  # where to publish the headline results as JSON; empty means do not publish

# %%
from IPython.display import HTML, Markdown, display

from kip_analysis.analyses.land.params import validate
from kip_analysis.analyses.land.run import run, section
from kip_analysis.report.memo import section_html

p = validate(data_source, vintage, lease_ratio, subsidy_share, memo_year, n_draws, results_path)
r = run(p)
result = section(r, p)
if r.simulated:
    display(HTML('<p class="kip-simulated">SIMULATED firm panel: firm-level estimates below are checks of the '
                 "method on simulated data calibrated to the published figures, not findings about real firms.</p>"))

# %% [markdown]
# ## The section as the memo shows it

# %%
display(HTML(section_html(result)))
_ = result.publish(p.results_path)

# %% [markdown]
# ## Details for economists
#
# The like-for-like ratios and what was left out, the FDI panel, the choice fits and what they
# dropped, and the subsidy-cost inputs (every table is also in the section above).

# %%
display(Markdown("*Rent quotes not divided into a ratio:* " + "; ".join(r.ratios.attrs.get("excluded", []))),
        r.ratio_path)
if r.fdi_panel is not None:
    display(Markdown(f"FDI panel: {r.fdi_panel.data.attrs['zero_filled']} province-years with no new project count "
                     "as zero; dropped from the fixed-effects fits (no project in any year): "
                     f"{', '.join(r.fdi_panel.within['new_projects'].dropped) or 'none'}."),
            r.fdi_panel.coefficients, r.fdi_panel.leave_one_out)
for note in [*r.places.attrs.get("left_out", []), *r.choice_table.attrs.get("dropped", [])]:
    display(Markdown(f"*Left out or dropped:* {note}"))
if r.choice is None:  # the firm panel supports no location choice: what it lacks
    display(Markdown("*Not fitted:* " + "; ".join(f"{what} cannot be estimated: {why}" for what, why, _ in r.limits)))
else:
    display(Markdown(f"The location choice is fitted to and evaluated in {r.year}. {r.cost.attrs['note']}"),
            r.choice_table.round(3), r.curve.round(3), r.cost.round(3))
