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
# **Data.** Real: industrial-park rents by consultant and year (web figures), regional minimum
# wages by decree, province centroids, PCI sub-indices and composite, income per capita and GSO
# 2016 FDI project counts by province. Firm level: the **SIMULATED** firm panel
# (calibrated to the published programme figures; firm microdata is confidential), or a
# census extract loaded through the same schema.

# %% tags=["parameters"]
data_source: str = "simulated"  # simulated, or the path of a census extract with its .mapping.yml beside it
vintage: str = "real_time"  # real_time uses only facts published by the end of the year; latest is an ex-post revision
lease_ratio: float = 1.75  # a scenario on the sensitivity curve (the estimation uses the sourced R_t)
subsidy_share: float = 0.5  # share of the lease gap a subsidy closes, 0-1
memo_year: int = 2025  # year the memo reports on
n_draws: int = 500  # draws from the estimates' sampling distribution for bands
results_path: str = ""  # where to publish the headline results as JSON; empty means do not publish

# %%
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from kip_analysis.analyses.land import fdi as fdi_model
from kip_analysis.analyses.land import fdi_panel, leases, relocation, section
from kip_analysis.analyses.land.params import validate
from kip_analysis.analyses.targets import shares
from kip_analysis.data import geography, locations, processed, provenance
from kip_analysis.data.facts import vnd_per_usd
from kip_analysis.data.firm_panel import load_firm_panel
from kip_analysis.data.raw import load_table
from kip_analysis.data.simulated_locations import true_coefficients
from kip_analysis.report import figures
from kip_analysis.report.memo import section_html

p = validate(data_source, vintage, lease_ratio, subsidy_share, memo_year, n_draws, results_path)
tables = processed.load_all(p.memo_year, p.vintage)
facts = tables["facts"]
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
ratio_path = leases.ratio_path(ratios[ratios["hanoi"].notna()], locations.CHOICE_YEARS)
display(Markdown("*Rent quotes not divided into a ratio:* " + "; ".join(ratios.attrs.get("excluded", []))))
ratio_path

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
fia_last = p.memo_year if p.vintage == "real_time" else fdi_panel.PARTIAL_YEAR  # FIA report of year Y: 20 December Y
panel = fdi_panel.fdi_panel(load_table("fia_fdi_flows"), load_table("province_codes"), load_table("pci_composite"),
                            load_table("province_centroids"), fia_last)
if panel is None:
    display(Markdown(f"Fewer than {fdi_panel.MIN_YEARS} FIA reports with a PCI for the year before by {fia_last}."))
else:
    display(Markdown(f"{panel.data.attrs['zero_filled']} province-years with no new project (absent from the report "
                     "or listed with capital increases only) count as zero; dropped from the fixed-effects fits: "
                     f"{', '.join(panel.within['new_projects'].dropped) or 'none'}."),
            panel.coefficients, panel.leave_one_out, pd.DataFrame([panel.counterfactual]))

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
# ## Firm level: where do Hanoi firms locate each year?
#
# A conditional logit (McFadden) of each Hanoi firm-year's place over Hanoi and the neighbours
# that have both a sourced rent and a minimum-wage region (the places table below; a neighbour
# without one is left out and named). Terms: place constants (Hanoi's is the cost of moving;
# Bắc Ninh is the reference), the year's lease index (rent over the northern average; Hanoi's
# is the lease ratio R_t) times the firm's land intensity, the year's minimum-wage index (over
# Hanoi's) times its labour intensity, distance from Hanoi times size, and recognition and size
# in Hanoi. Standard errors clustered by firm. A real-time memo uses firm-years up to its year.
#
# **Identification.**
# - *Across places*: the constants absorb everything fixed about a place (distance, PCI land
#   access, networks), so the lease and wage effects are not identified from fixed differences
#   between places alone.
# - *Over time*: Hanoi's sourced rent moves between 2019 and 2022 (the ratio path above; carried
#   forward after), Bắc Giang's doubles in 2020, the northern average rises, and Hải Dương and
#   Bắc Giang move up a wage region in July 2024 (the places table below). The second fit adds place ×
#   land-intensity terms, which remove every fixed cross-place lease gap: its lease coefficient
#   comes only from these changes over time.
# - *Across firms*: land intensity, labour intensity and size make the same price gap matter
#   more for some firms than others; distance enters only through size, because its own effect is
#   in the constants.
#
# What is not identified: anything about years without sourced rents beyond the carried values
# (before 2019 the rents are carried back, so those years add no time variation).

# %%
places = firms.truth.places if firms.simulated else locations.load_choice_attributes(facts)
for note in places.attrs.get("left_out", []):
    display(Markdown(f"*Left out of the choice set:* {note}"))
year = min(p.memo_year, int(firms.data["year"].max()))  # the latest year the firm panel has firms at risk in
if year < p.memo_year:
    display(Markdown(f"The firm panel ends in {year}: the choice is fitted and evaluated up to its last year."))
display(places[places["year"] == year].drop(columns=["year"]).round(3))
choice = relocation.location_choice(firms.data, places, year)
within = relocation.location_choice(firms.data, places, year, time_only=True)
occupied = relocation.occupancy_choice(firms.data, places, year)  # a full park cannot take a mover
truth = true_coefficients(firms.truth.params.choice, places, choice.reference) if firms.simulated else None
if truth is not None:
    truth["log_vacancy"] = 0.0  # the simulation's parks have no capacity limit
fits = {"main": choice, "time variation only (place x land terms)": within,
        "with park occupancy (ln vacant share)": occupied}
for name, fit in fits.items():
    for note in fit.coefficients.attrs["dropped"] if fit is not None else ["no year with occupancy for every place"]:
        display(Markdown(f"*Dropped ({name}):* {note}"))
choice_table = pd.concat([(relocation.compare_with_truth(fit, truth) if truth else fit.coefficients).assign(fit=name)
                          for name, fit in fits.items() if fit is not None], ignore_index=True)
choice_table

# %% [markdown]
# ## Elasticities with intervals, and the consultants' range as a sensitivity
#
# The elasticity of expected relocations to Hanoi's lease index, d ln E[moves] / d ln L_H, for
# the Hanoi firms at risk in the memo year, with 95% intervals by the delta method and by
# simulation from the estimates' distribution. The coefficient comes from the data; the ratio at
# which the elasticity is evaluated is the data's R_t, and, as a sensitivity curve, each ratio in
# the consultants' range and the `lease_ratio` parameter.

# %%
consultant_ratios = ratios.loc[ratios["hanoi"].notna(), "ratio"]  # like for like; none before a consultant publishes
scenarios = {"data (R_t)": None, "consultants' lowest": consultant_ratios.min(), "source 001 low": 1.5,
             "lease_ratio parameter": p.lease_ratio, "source 001 high": 2.0,
             "consultants' highest": consultant_ratios.max()}
scenarios = {k: (None if v is None else float(v)) for k, v in scenarios.items() if v is None or pd.notna(v)}
truth_vec = relocation.truth_vector(choice, truth) if truth else None
curve = relocation.elasticity_table(choice, year, scenarios, truth=truth_vec, n_draws=p.n_draws)
by_sector = relocation.elasticity_table(choice, year, {"data (R_t)": None}, by="sector", truth=truth_vec,
                                        n_draws=p.n_draws)
display(curve.round(3), by_sector.round(3))

# %% [markdown]
# ## What would a lease subsidy do?
#
# A subsidy closing a share s of Hanoi's gap to the northern average lowers its lease index to
# 1 + (1 − s)(R_t − 1). For the Hanoi firms at risk in the memo year: relocations avoided, KIP
# products' revenue and exports kept in Hanoi, and export-share points kept (city exports from
# sourced rows, `03_targets`). Bands: 5–95% over draws of the coefficients. Every move in the
# choice set goes to a neighbour, so what Hanoi keeps the region would have kept anyway.

# %%
computed = shares.shares(facts, tables["recognition_rounds"], load_table("gso_iip_by_province")).set_index("year")
grid = np.round(np.linspace(0, 1, 11), 2)
exports_city = computed.loc[year, "city_exports_usd_m"]
cf = relocation.subsidy_counterfactual(choice, year, np.union1d(grid, [p.subsidy_share]), exports_city,
                                       n_draws=p.n_draws)
fig_cf = figures.subsidy_curve(cf, firms.label)
display(fig_cf, HTML(f"<p><em>{fig_cf._kip_caption}</em></p>"))
chosen = cf[np.isclose(cf["subsidy_share"], p.subsidy_share)]
chosen.pivot_table(index="quantity", values=["q05", "median", "q95"])

# %% [markdown]
# ## Policy cost against output retained, and what drives it
#
# The yearly cost of paying the subsidised share of the rent gap on the land of every Hanoi firm
# at risk, and the cost per VND of KIP revenue kept in Hanoi, over what drives it: the lease
# ratio (the data's R_t and the consultants' extremes; Hanoi's rent is R times the northern
# average of the memo year), the lease term the rent is spread over (30 or 50 years; assumed),
# and the revenue kept's sampling band.

# %%
fx, fx_source = vnd_per_usd(facts)
northern = places.loc[(places["province"] == geography.HANOI) & (places["year"] == year)].iloc[0]
cost = relocation.cost_per_output_kept(
    choice, year, p.subsidy_share, {k: scenarios[k] for k in ("data (R_t)", "consultants' lowest",
                                                              "consultants' highest") if k in scenarios},
    float(northern["comparators_mean_usd_m2"]), (30.0, 50.0), fx, exports_city, p.n_draws)
display(Markdown(f"Exchange rate {fx:,.0f} VND per USD ({fx_source}); the neighbours' mean rent "
                 f"{northern['comparators_mean_usd_m2']:.1f} USD per m² per term in {year} "
                 f"({northern['rent_source']}, {northern['rent_status']})."))
cost

# %% [markdown]
# ## The section as the memo shows it

# %%
results = section.LandResults(ratios, ratio_path, fdi, panel, pci_wide, pci_land, places, choice_table, choice,
                              within, curve, by_sector, chosen, cost,
                              {"lease_ratios": fig_rents, "subsidy_curve": fig_cf})
result = section.build_section(
    results, firms.label, firms.simulated,
    params={"data_source": p.data_source, "vintage": p.vintage, "lease_ratio": p.lease_ratio,
            "subsidy_share": p.subsidy_share,
            "memo_year": p.memo_year, "n_draws": p.n_draws},
    raw_sha256=provenance.raw_checksums(), panel_warnings=firms.warnings)
display(HTML(section_html(result)))
_ = result.publish(p.results_path)
