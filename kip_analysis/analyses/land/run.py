"""The land-lease and relocation analysis as one function: ``run(params) -> LandResults``, holding
every decision notebook 04 used to make (the scenario ratios, the lease terms, the publication lags
of the PCI and of the FIA reports, the year the firm panel is fitted to); :func:`section` turns the
results into the memo's Section. The notebook is: validate, run, display.

May import: data, errors, report, analyses.targets.shares, analyses.land.*.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.analyses.land import fdi as fdi_model
from kip_analysis.analyses.land import fdi_panel, leases, relocation
from kip_analysis.analyses.land import section as land_section
from kip_analysis.analyses.land.params import LandParams
from kip_analysis.analyses.land.results import LandResults
from kip_analysis.analyses.land.work import fit_year
from kip_analysis.analyses.targets import shares
from kip_analysis.data import geography, locations, processed, provenance
from kip_analysis.data.facts import vnd_per_usd
from kip_analysis.data.firm_panel import FirmPanel, load_firm_panel
from kip_analysis.data.raw import load_table
from kip_analysis.data.simulated_locations import true_coefficients
from kip_analysis.errors import NotEstimableError
from kip_analysis.report import figures
from kip_analysis.report.section import Section

#: Source 001's "1.5-2 times" (fact a008): where the elasticity is also evaluated.
CLAIM_RATIOS: dict[str, float] = {"source 001 low": 1.5, "source 001 high": 2.0}
#: Industrial-park lease terms (years) a subsidy's cost is spread over: assumptions, both shown.
LEASE_TERMS: tuple[float, ...] = (30.0, 50.0)
#: Subsidy shares of the lease gap drawn on the counterfactual curve.
SUBSIDY_GRID: np.ndarray = np.round(np.linspace(0, 1, 11), 2)
#: PCI year Y is published in the spring of Y + 1.
PCI_LAG: int = 1


def pci_last_year(p: LandParams) -> int | None:
    """The latest PCI year a memo may use (None: an ex-post revision uses every year)."""
    return p.memo_year - PCI_LAG if p.vintage == "real_time" else None


def fia_last_year(p: LandParams) -> int:
    """The latest FIA report a memo may use: the report of year Y is dated 20 December of Y."""
    return p.memo_year if p.vintage == "real_time" else fdi_panel.PARTIAL_YEAR


def elasticity_ratios(ratios: pd.DataFrame, chosen: float) -> dict[str, float | None]:
    """Where the elasticity is evaluated: the data's R_t (None), the like-for-like range, the claim, the parameter."""
    like = ratios.loc[ratios["hanoi"].notna(), "ratio"]
    out: dict[str, float | None] = {"data (R_t)": None}
    if len(like):
        out["consultants' lowest"] = float(like.min())
    out.update({"source 001 low": CLAIM_RATIOS["source 001 low"], "lease_ratio parameter": chosen,
                "source 001 high": CLAIM_RATIOS["source 001 high"]})
    if len(like):
        out["consultants' highest"] = float(like.max())
    return out


def choice_fits(firms: FirmPanel, places: pd.DataFrame, year: int) -> tuple[dict, pd.DataFrame]:
    """The three location-choice fits (main; time variation only; with park occupancy) and their table."""
    risk = relocation.firm_years(firms.data, year)  # the same choice occasions for all three
    choice = relocation.location_choice(firms.data, places, year, risk=risk)
    fits = {"main": choice,
            "time variation only (place x land terms)": relocation.location_choice(firms.data, places, year,
                                                                                   time_only=True, risk=risk),
            "with park occupancy (ln vacant share)": relocation.occupancy_choice(firms.data, places, year,
                                                                                 risk=risk)}
    truth = true_coefficients(firms.truth.params.choice, places, choice.reference) if firms.simulated else None
    if truth is not None:
        truth["log_vacancy"] = 0.0  # the simulation's parks have no capacity limit
    table = pd.concat([(relocation.compare_with_truth(fit, truth) if truth else fit.coefficients).assign(fit=name)
                       for name, fit in fits.items() if fit is not None], ignore_index=True)
    table.attrs["dropped"] = [f"{name}: {note}" for name, fit in fits.items() if fit is not None
                              for note in fit.coefficients.attrs["dropped"]]
    table.attrs["dropped"] += [f"{name}: not fitted; it {relocation.OCCUPANCY_NEEDS}" for name, fit in fits.items()
                               if fit is None]
    table.attrs["truth"] = truth
    return fits, table


def run(p: LandParams, firms: FirmPanel | None = None) -> LandResults:
    """Every number of the land analysis for one memo year and vintage."""
    tables = processed.load_all(p.memo_year, p.vintage)
    facts = tables["facts"]
    firms = firms if firms is not None else load_firm_panel(p.data_source)
    ratios = leases.lease_ratios(geography.rents_table(facts), facts)
    path = leases.ratio_path(ratios[ratios["hanoi"].notna()], locations.CHOICE_YEARS)
    pci = load_table("pci_subindices")
    fdi = fdi_model.fdi_location(load_table("gso_fdi_by_province"), pci, load_table("province_codes"),
                                 load_table("province_centroids"), load_table("gso_income_per_capita"))
    panel = fdi_panel.fdi_panel(load_table("fia_fdi_flows"), load_table("province_codes"),
                                load_table("pci_composite"), load_table("province_centroids"), fia_last_year(p))
    pci_wide, pci_land = fdi_model.pci_view(load_table("pci_composite"), load_table("pci_subindices_partial"),
                                            pci_last_year(p))
    places = firms.truth.places if firms.simulated else locations.load_choice_attributes(facts)
    year = fit_year(p, firms)
    try:
        fits, choice_table = choice_fits(firms, places, year)
    except NotEstimableError as limit:  # a data limit of this panel: the public-data parts still answer
        return without_choice(p, ratios, path, fdi, panel, pci_wide, pci_land, places, firms, year, limit)
    choice = fits["main"]
    truth = choice_table.attrs["truth"]
    truth_vec = relocation.truth_vector(choice, truth) if truth else None
    at = elasticity_ratios(ratios, p.lease_ratio)
    curve = relocation.elasticity_table(choice, year, at, truth=truth_vec, n_draws=p.n_draws)
    by_sector = relocation.elasticity_table(choice, year, {"data (R_t)": None}, by="sector", truth=truth_vec,
                                            n_draws=p.n_draws)
    computed = shares.shares(facts, tables["recognition_rounds"], load_table("gso_iip_by_province")).set_index("year")
    exports_city = computed.loc[year, "city_exports_usd_m"]
    sims = relocation.coefficient_draws(choice, year, p.n_draws)  # shared by the counterfactual and the costs
    cf = relocation.subsidy_counterfactual(choice, year, np.union1d(SUBSIDY_GRID, [p.subsidy_share]), exports_city,
                                           n_draws=p.n_draws, sims=sims)
    chosen = cf[np.isclose(cf["subsidy_share"], p.subsidy_share)]
    hanoi = places.loc[(places["province"] == geography.HANOI) & (places["year"] == year)].iloc[0]
    fx, fx_source = vnd_per_usd(facts)
    cost = relocation.cost_per_output_kept(
        choice, year, p.subsidy_share,
        {k: at[k] for k in ("data (R_t)", "consultants' lowest", "consultants' highest") if k in at},
        float(hanoi["comparators_mean_usd_m2"]), LEASE_TERMS, fx, exports_city, p.n_draws, sims)
    cost.attrs["note"] = (f"Exchange rate {fx:,.0f} VND per USD ({fx_source}); the neighbours' mean rent "
                          f"{hanoi['comparators_mean_usd_m2']:.1f} USD per m² per term in {year} "
                          f"({hanoi['rent_source']}, {hanoi['rent_status']}).")
    return LandResults(ratios, path, fdi, panel, pci_wide, pci_land, places, choice_table, choice,
                       fits["time variation only (place x land terms)"], curve, by_sector, chosen, cost,
                       {"lease_ratios": figures.lease_ratios(ratios, p.lease_ratio),
                        "subsidy_curve": figures.subsidy_curve(cf, firms.label)},
                       label=firms.label, simulated=firms.simulated, panel_warnings=tuple(firms.warnings),
                       year=year, counterfactual=cf)


def without_choice(p: LandParams, ratios: pd.DataFrame, path: pd.DataFrame, fdi: fdi_model.FdiLocation,
                   panel: fdi_panel.FdiPanel | None, pci_wide: pd.DataFrame, pci_land: pd.DataFrame,
                   places: pd.DataFrame, firms: FirmPanel, year: int, limit: NotEstimableError) -> LandResults:
    """The results when the firm panel cannot support a location choice (no or too few moves): the lease ratios
    and the FDI models on public data, and what the panel lacks (``limits``); nothing is fitted to it.
    """
    empty = pd.DataFrame()
    return LandResults(ratios, path, fdi, panel, pci_wide, pci_land, places, empty, None, None, empty, empty, empty,
                       empty, {"lease_ratios": figures.lease_ratios(ratios, p.lease_ratio)}, label=firms.label,
                       simulated=firms.simulated, panel_warnings=tuple(firms.warnings), year=year,
                       limits=((limit.what, limit.why, limit.settle),))


def section(r: LandResults, p: LandParams) -> Section:
    """The memo Section of the results (a pure function of them and the parameters)."""
    return land_section.build_section(
        r, r.label, r.simulated,
        params={"data_source": p.data_source, "vintage": p.vintage, "lease_ratio": p.lease_ratio,
                "subsidy_share": p.subsidy_share, "memo_year": p.memo_year, "n_draws": p.n_draws},
        raw_sha256=provenance.raw_checksums(), panel_warnings=r.panel_warnings)
