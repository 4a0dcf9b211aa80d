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
lease_ratio: float = 1.75  # Hanoi / neighbour lease ratio; default is the midpoint of the 1.5-2x in source 001
subsidy_share: float = 0.5  # share of the lease gap a subsidy closes, 0-1
memo_year: int = 2025  # year the memo reports on
n_draws: int = 500  # draws from the estimates' sampling distribution for bands
results_path: str = ""  # where to publish the headline results as JSON; empty means do not publish

# %%
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from kip_analysis import land, narrative, plots, processed, results, shares
from kip_analysis.panel import load_firm_panel
from kip_analysis.params import validate_land
from kip_analysis.sources import load_table

p = validate_land(data_source, lease_ratio, subsidy_share, memo_year, n_draws, results_path)
tables = processed.build_all()
facts = tables["facts"]
firms = load_firm_panel(p.data_source)
if firms.simulated:
    display(HTML('<p class="kip-simulated">SIMULATED firm panel: firm-level estimates below are checks of the '
                 "method on simulated data calibrated to the published figures, not findings about real firms.</p>"))

# %% [markdown]
# ## How much dearer is Hanoi? It depends on the consultant and the year

# %%
rents = land.rents_table(facts)
ratios = land.lease_ratios(rents, facts)
fig_rents = plots.lease_ratios(ratios, p.lease_ratio)
display(fig_rents, Markdown(f"*{fig_rents._kip_caption}*"))
ratios

# %% [markdown]
# ## Real data: where did 2016's new FDI projects go?
#
# A conditional logit of project location over the 63 provinces, estimated through the
# Poisson equivalence (Guimarães, Figueiredo & Woodward 2003) on the GSO counts of projects
# licensed in 2016, with PCI 2016 sub-indices as province attributes. It tells how FDI
# location responded to provinces' land access **across provinces**; it says nothing direct
# about KIP firms (mostly large domestic firms already in Hanoi), lease prices or relocation.

# %%
fdi = land.fdi_location(load_table("gso_fdi_by_province"), load_table("pci_subindices"),
                        load_table("province_codes"))
display(Markdown(f"{fdi.zero_filled} provinces with no listed 2016 projects (absent or '..' in GSO) are "
                 "counted as zero projects."))
fdi.coefficients

# %% [markdown]
# ## Firm level: where do Hanoi firms locate?
#
# A conditional logit (McFadden) of each Hanoi firm-year's location over Hanoi and the five
# neighbours: lease cost (Hanoi = the lease ratio, neighbours = their sourced rent over the
# neighbours' mean) times the firm's land intensity, PCI land access, KIP recognition and size
# favouring Hanoi, and a Hanoi constant (moving costs). Distance and wages have no sourced data;
# any fixed province attribute such as distance is absorbed by the Hanoi constant. Standard
# errors clustered by firm.

# %%
choice = land.location_choice(firms.data, p.lease_ratio)
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
hazard = land.relocation_hazard(firms.data, p.lease_ratio)
for note in hazard.coefficients.attrs["dropped"]:
    display(Markdown(f"*Dropped:* {note}"))
hazard.coefficients

# %%
choice_coefs, _, _ = land.destination_choice(firms.data, firms.truth.neighbours if firms.simulated else None)
if truth is not None:
    choice_coefs["true value (SIMULATED)"] = choice_coefs["term"].map({
        "lease_x_land": truth.choice_lease, "lease_index": 0.0, "land_access": truth.choice_land_access})
choice_coefs

# %% [markdown]
# ## Elasticities by sector
#
# How the yearly relocation probability responds to the lease ratio: d ln P / d ln R for the
# Hanoi firms at risk in the memo year, by sector (land-hungry sectors respond most).

# %%
elastic = land.elasticities(hazard, p.memo_year)
elastic

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
cf = land.subsidy_counterfactual(hazard, p.lease_ratio, grid, year, computed.loc[year, "production_value_vnd_bn"],
                                 computed.loc[year, "city_exports_usd_m"], p.n_draws)
fig_cf = plots.subsidy_curve(cf, firms.label)
display(fig_cf, Markdown(f"*{fig_cf._kip_caption}*"))
chosen = cf[np.isclose(cf["subsidy_share"], p.subsidy_share)]
if chosen.empty:
    chosen = land.subsidy_counterfactual(hazard, p.lease_ratio, np.array([p.subsidy_share]), year,
                                         computed.loc[year, "production_value_vnd_bn"],
                                         computed.loc[year, "city_exports_usd_m"], p.n_draws)
chosen.pivot_table(index="quantity", values=["q05", "median", "q95"])

# %% [markdown]
# ## Policy cost against output retained

# %%
at_risk = hazard.data[hazard.data["year"] == year]
neighbour_rent = float(rents[(rents["consultant"] == "Savills") & (rents["province"] == "Northern Vietnam average")]
                       ["midpoint"].iloc[0])
cost = pd.DataFrame([{
    "subsidy_share": s,
    "yearly_cost_vnd_bn": land.subsidy_cost(at_risk, s, p.lease_ratio, neighbour_rent),
    "kip_revenue_kept_vnd_bn": float(cf[(cf["subsidy_share"] == s) & (cf["quantity"] == "kip_revenue_kept_vnd_bn")]
                                     ["median"].iloc[0]),
} for s in grid])
cost["revenue_kept_per_vnd_of_subsidy"] = cost["kip_revenue_kept_vnd_bn"] / cost["yearly_cost_vnd_bn"]
display(Markdown(f"Cost: the subsidised share of the rent gap on the land of every Hanoi firm at risk in {year}, "
                 f"with the northern average rent {neighbour_rent:g} USD/m² per lease term (Savills 2021) "
                 "annualised over a 50-year lease term (assumption)."))
cost

# %% [markdown]
# ## Reading

# %%
reading = narrative.land_reading(ratios, fdi, choice, elastic, chosen, p.lease_ratio, p.subsidy_share,
                                 firms.label)
display(Markdown("\n\n".join(reading)))
_ = results.publish(
    p.results_path,
    "04_land_relocation",
    {
        "headline": {
            "lease_ratio": p.lease_ratio, "subsidy_share": p.subsidy_share, "memo_year": p.memo_year,
            "fdi_land_access_coef": float(fdi.fit.params["land_access"]),
            "fdi_land_access_se": float(fdi.fit.bse["land_access"]),
            "hanoi_fdi_share": fdi.hanoi_share, "hanoi_fdi_share_plus_one": fdi.hanoi_share_plus_one,
            "hazard_lease_coef": hazard.beta_lease,
            "choice_lease_coef": float(choice.coefficients.set_index("term").loc["lease_x_land", "coef"]),
            "choice_lease_se": float(choice.coefficients.set_index("term").loc["lease_x_land", "se"]),
        },
        "reading": reading,
        "params": {"data_source": p.data_source, "lease_ratio": p.lease_ratio, "subsidy_share": p.subsidy_share,
                   "memo_year": p.memo_year, "n_draws": p.n_draws},
        "simulated": firms.simulated,
        "tables": {"Hanoi / neighbour lease ratios by consultant": ratios.round(2).to_dict("records"),
                   "2016 FDI location (real data, Poisson = conditional logit)":
                       fdi.coefficients.round(4).to_dict("records"),
                   f"Location choice over Hanoi and neighbours ({firms.label})":
                       choice_table.round(4).to_dict("records"),
                   f"Subsidy of {p.subsidy_share:g} of the gap ({firms.label})":
                       chosen.round(3).to_dict("records")},
    },
    figures={"lease_ratios": fig_rents, "subsidy_curve": fig_cf},
)
