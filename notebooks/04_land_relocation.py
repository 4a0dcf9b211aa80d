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
# **Data.** Real: industrial-park rents by consultant (web figures), PCI 2016 sub-indices and
# GSO 2016 FDI project counts by province. Firm level: the **SIMULATED** firm panel
# (calibrated to the published programme figures; firm microdata is confidential), or a
# census extract loaded through the same schema.

# %% tags=["parameters"]
data_source: str = "simulated"  # simulated, or the path of a census extract with its .mapping.yml beside it
vintage: str = "real_time"  # real_time uses only facts published by the end of the year; latest is an ex-post revision
lease_ratio: float = 1.75  # Hanoi / neighbour lease ratio; default is the midpoint of the 1.5-2x in source 001
subsidy_share: float = 0.5  # share of the lease gap a subsidy closes, 0-1
memo_year: int = 2025  # year the memo reports on
n_draws: int = 500  # draws from the estimates' sampling distribution for bands
results_path: str = ""  # where to publish the headline results as JSON; empty means do not publish

# %%
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from kip_analysis.analyses.land import fdi as fdi_model
from kip_analysis.analyses.land import leases, relocation, section
from kip_analysis.analyses.land.params import validate
from kip_analysis.analyses.targets import shares
from kip_analysis.data import geography, processed, provenance
from kip_analysis.data.facts import vnd_per_usd
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.data.raw import load_table
from kip_analysis.report import figures
from kip_analysis.report.memo import section_html

p = validate(data_source, vintage, lease_ratio, subsidy_share, memo_year, n_draws, results_path)
tables = processed.load_all(p.memo_year, p.vintage)
facts = tables["facts"]
latest_facts = processed.load("facts")  # the SIMULATED panel's choice set is built from every sourced rent
pci = load_table("pci_subindices")
firms = load_firm_panel(p.data_source)
if firms.simulated:
    display(HTML('<p class="kip-simulated">SIMULATED firm panel: firm-level estimates below are checks of the '
                 "method on simulated data calibrated to the published figures, not findings about real firms.</p>"))

# %% [markdown]
# ## How much dearer is Hanoi? It depends on the consultant and the year

# %%
rents = geography.rents_table(facts)
ratios = leases.lease_ratios(rents, facts)
fig_rents = figures.lease_ratios(ratios, p.lease_ratio)
display(fig_rents, HTML(f"<p><em>{fig_rents._kip_caption}</em></p>"))
ratios

# %% [markdown]
# ### Rents as data: by area and year
#
# The consultants' figures made into a province-by-year series. Rules (stated, and each cell
# labelled): a figure's year is its period's year; undated figures are left out; several
# consultants' figures for one area and year are averaged; gaps between sourced years are
# interpolated linearly; after the last sourced year the figure is carried forward, before the
# first it is carried back.

# %%
rent_panel = leases.rent_panel(rents)
ratio_path = leases.ratio_path(rent_panel)
display(Markdown(f"Undated figures left out: {rent_panel.attrs['undated_left_out']}."), ratio_path)
rent_panel

# %% [markdown]
# ## Real data: where did 2016's new FDI projects go?
#
# A conditional logit of project location over the 63 provinces, estimated through the
# Poisson equivalence (Guimarães, Figueiredo & Woodward 2003) on the GSO counts of projects
# licensed in 2016, with PCI 2016 sub-indices as province attributes. It tells how FDI
# location responded to provinces' land access **across provinces**; it says nothing direct
# about KIP firms (mostly large domestic firms already in Hanoi), lease prices or relocation.

# %%
fdi = fdi_model.fdi_location(load_table("gso_fdi_by_province"), pci, load_table("province_codes"),
                             load_table("province_centroids"), load_table("gso_income_per_capita"))
display(Markdown(f"{fdi.zero_filled} provinces with no listed 2016 projects (absent or '..' in GSO) are "
                 "counted as zero projects. Standard errors: HC3 (63 provinces, no usable clusters)."),
        fdi.coefficients, fdi.leave_one_out.pivot(index="term", columns="fit", values="coef"),
        pd.DataFrame([fdi.counterfactual]))

# %% [markdown]
# ### Hanoi's PCI since 2016 against its neighbours
#
# The PCI composite 2016–2022 for all 63 provinces, and the land-access sub-index where the
# partial post-2016 tables have it (Hanoi: 2019 and 2021 only; each row with its page).

# %%
pci_last = p.memo_year - 1 if p.vintage == "real_time" else None  # PCI year Y is published in Y + 1
pci_wide, pci_land = fdi_model.pci_view(load_table("pci_composite"), load_table("pci_subindices_partial"), pci_last)
display(pci_wide, pci_land)

# %% [markdown]
# ## Firm level: where do Hanoi firms locate?
#
# A conditional logit (McFadden) of each Hanoi firm-year's location over Hanoi and the five
# neighbours: lease cost (Hanoi = the lease ratio, neighbours = their sourced rent over the
# neighbours' mean) times the firm's land intensity, PCI land access, KIP recognition and size
# favouring Hanoi, and a Hanoi constant (moving costs). Standard errors clustered by firm.
# Distance (centroids) and labour cost (minimum-wage regions) now have sourced data but are not
# yet in this choice model: the Hanoi constant absorbs what is fixed about Hanoi, not the
# differences among the neighbours (issue 12 continues).
#
# **Identification.** Across alternatives, the neighbours differ in rent (one CBRE figure each)
# and PCI land access (2016), both fixed over time here; over time nothing varies, because the
# lease ratio is one constant; across firms, land intensity, size and recognition vary. So the
# lease coefficient is identified only by how the neighbours' rent gap matters more for
# land-hungry firms, and its scale by the assumed Hanoi ratio; land access is identified only
# because there are no neighbour constants (with them it would be absorbed). Sourced rents by
# year (the rent panel above) would add time variation; that, neighbour constants, distance and
# labour cost are the next step.

# %%
neighbours = geography.neighbour_attributes(pci, geography.neighbour_rents(geography.rents_table(latest_facts)))
choice = relocation.location_choice(firms.data, neighbours, geography.hanoi_land_access(pci), p.lease_ratio)
for note in choice.coefficients.attrs["dropped"]:
    display(Markdown(f"*Dropped:* {note}"))
truth = firms.truth.params if firms.simulated else None
choice_table = choice.coefficients.copy()
if truth is not None:
    choice_table["true value (SIMULATED)"] = choice_table["term"].map({
        "hanoi": truth.choice_hanoi, "lease_x_land": truth.choice_lease, "land_access": truth.choice_land_access,
        "kip_x_hanoi": truth.choice_kip_hanoi, "size_x_hanoi": truth.choice_size_hanoi})
    choice_table["within 2 SE"] = (choice_table["coef"] - choice_table["true value (SIMULATED)"]).abs() <= (
        2 * choice_table["se"])
choice_table

# %% [markdown]
# A second view: the discrete-time relocation hazard of Hanoi firm-years (logit of moving out,
# standard errors clustered by firm), used for the elasticities and counterfactuals below, and
# where relocating firms go (conditional logit among the neighbours).

# %%
hazard = relocation.relocation_hazard(firms.data, p.lease_ratio)
for note in hazard.coefficients.attrs["dropped"]:
    display(Markdown(f"*Dropped:* {note}"))
hazard.coefficients

# %%
choice_coefs, _, _ = relocation.destination_choice(firms.data, neighbours)
if truth is not None:
    choice_coefs["true value (SIMULATED)"] = choice_coefs["term"].map({
        "lease_x_land": truth.choice_lease, "lease_index": 0.0, "land_access": truth.choice_land_access})
choice_coefs

# %% [markdown]
# ## Elasticities, and how much of them is the assumed lease ratio
#
# How the yearly relocation probability responds to the lease ratio: d ln P / d ln R for the
# Hanoi firms at risk in the memo year, by sector at the chosen ratio, and on average across
# the consultants' range of ratios with 95% intervals (delta method and simulation). The
# regressor is (R − 1) × land intensity with one R, so its coefficient scales as 1 / (R − 1):
# the curve shows how much of the elasticity is the assumption.

# %%
elastic = relocation.elasticities(hazard, p.memo_year)
consultant_ratios = ratios.loc[~ratios["consultant"].str.startswith("source 001"), "ratio"]
grid_r = np.unique(np.round([consultant_ratios.min(), 1.5, p.lease_ratio, 2.0, consultant_ratios.max()], 2))
curve = relocation.elasticity_curve(firms.data, grid_r[grid_r > 1], p.memo_year)
display(elastic, curve)

# %% [markdown]
# ## What would a lease subsidy do?
#
# A subsidy closing a share s of the gap lowers the ratio to 1 + (1 − s)(R − 1). For the
# Hanoi firms at risk in the memo year: relocations avoided, KIP products' revenue and
# exports kept in the city, and the KIP output / export share points kept, against the
# city denominators built from sourced rows in `03_targets`. Bands: 5–95% over draws of the
# hazard's coefficients.

# %%
computed = shares.shares(facts, tables["recognition_rounds"], load_table("gso_iip_by_province")).set_index("year")
year = p.memo_year
grid = np.round(np.linspace(0, 1, 11), 2)
cf = relocation.subsidy_counterfactual(hazard, p.lease_ratio, grid, year, computed.loc[year, "production_value_vnd_bn"],
                                 computed.loc[year, "city_exports_usd_m"], p.n_draws)
fig_cf = figures.subsidy_curve(cf, firms.label)
display(fig_cf, HTML(f"<p><em>{fig_cf._kip_caption}</em></p>"))
chosen = cf[np.isclose(cf["subsidy_share"], p.subsidy_share)]
if chosen.empty:
    chosen = relocation.subsidy_counterfactual(hazard, p.lease_ratio, np.array([p.subsidy_share]), year,
                                         computed.loc[year, "production_value_vnd_bn"],
                                         computed.loc[year, "city_exports_usd_m"], p.n_draws)
chosen.pivot_table(index="quantity", values=["q05", "median", "q95"])

# %% [markdown]
# ## Policy cost against output retained, and what drives it
#
# The yearly cost of paying the subsidised share of the rent gap on the land of every Hanoi firm
# at risk, and the cost per VND of KIP revenue kept in Hanoi, over the assumptions that drive it:
# the lease ratio (the consultants' range and the chosen value), the neighbours' rent (the
# lowest and highest sourced northern averages) and the lease term the rent is spread over
# (30 or 50 years; an assumption). Revenue kept in Hanoi is not kept in the region: every
# relocation here goes to a neighbour.

# %%
at_risk = hazard.data[hazard.data["year"] == year]
fx, fx_source = vnd_per_usd(facts)
northern = rents[(rents["province"] == "Northern Vietnam average") & (rents["period"] != "undated")]
cost = relocation.cost_per_output_kept(
    at_risk, cf, p.subsidy_share, tuple(sorted({float(consultant_ratios.min()), p.lease_ratio,
                                                float(consultant_ratios.max())})),
    (float(northern["midpoint"].min()), float(northern["midpoint"].max())), (30.0, 50.0), fx)
display(Markdown(f"Exchange rate {fx:,.0f} VND per USD ({fx_source}); northern-average rents from facts "
                 f"{', '.join(northern['fact_id'])}."))
cost

# %% [markdown]
# ## The section as the memo shows it

# %%
results = section.LandResults(ratios, rent_panel, ratio_path, fdi, pci_wide, pci_land, choice_table, choice, curve,
                              chosen, cost, {"lease_ratios": fig_rents, "subsidy_curve": fig_cf})
result = section.build_section(
    results, firms.label, firms.simulated,
    params={"data_source": p.data_source, "vintage": p.vintage, "lease_ratio": p.lease_ratio,
            "subsidy_share": p.subsidy_share,
            "memo_year": p.memo_year, "n_draws": p.n_draws},
    raw_sha256=provenance.raw_checksums())
display(HTML(section_html(result)))
_ = result.publish(p.results_path)
