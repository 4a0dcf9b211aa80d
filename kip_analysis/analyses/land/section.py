"""The land-lease and relocation analysis as a memo Section: rents and FDI location are real
data (findings); the location choice, elasticities and subsidy counterfactual on the
SIMULATED panel are method checks.

May import: report, data.geography, data.locations, analyses.land.fdi, analyses.land.fdi_panel,
analyses.land.leases, analyses.land.relocation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.analyses.land.estimates import land_estimates
from kip_analysis.analyses.land.fdi import FdiLocation, significance
from kip_analysis.analyses.land.fdi_panel import FdiPanel
from kip_analysis.analyses.land.leases import COMPARATOR_LABEL, LIKE_FOR_LIKE_RULES, time_variation
from kip_analysis.analyses.land.results import LandResults
from kip_analysis.data.geography import display_names
from kip_analysis.data.locations import WAGE_RULES
from kip_analysis.errors import drain_warnings
from kip_analysis.report.format import bounds
from kip_analysis.report.format import estimate as fmt_estimate
from kip_analysis.report.section import CannotSay, Exhibit, Headline, Section, Table

TITLE = "Land leases and relocation"
#: How the FDI model's terms read in a sentence.
TERM_NAMES: dict[str, str] = {"dist_hanoi_100km": "distance to Hanoi (per 100 km)",
                              "dist_hcmc_100km": "distance to Ho Chi Minh City (per 100 km)",
                              "log_income_pc": "log income per capita", "entry_costs": "PCI entry costs"}
#: How the location choice's terms read in a sentence (place constants: "constant of <place>").
CHOICE_NAMES: dict[str, str] = {"lease_x_land": "lease index × land intensity",
                                "wage_x_labour": "minimum-wage index × labour intensity",
                                "dist_x_size": "distance × size", "kip_x_hanoi": "recognition in Hanoi",
                                "size_x_hanoi": "size in Hanoi", "asc_hanoi": "Hanoi's constant"}


def _left(n: int) -> str:
    """'3 consultant-periods that lack ..., are' (the subject of 'not divided into a ratio')."""
    lack = "lacks" if n == 1 else "lack"
    return f"{n} consultant-period{'' if n == 1 else 's'} that {lack} a place, a named consultant or a date, " \
        f"{'is' if n == 1 else 'are'}"


def rent_reading(ratios: pd.DataFrame) -> str:
    """The like-for-like lease ratios in a sentence, with the claim no rents stand behind."""
    like = ratios[ratios["hanoi"].notna()]
    claims = ratios[ratios["hanoi"].isna()]
    claim = "; ".join(f"{c.consultant} says {c.facts.split('(')[-1].rstrip(')')}" for c in claims.itertuples())
    left = len(ratios.attrs.get("excluded", []))
    if like.empty:
        return ("No consultant had published Hanoi's and its four neighbours' industrial-park rents for the same "
                "period by this vintage" + (f" ({claim})" if claim else "")
                + f"; {_left(left)} not divided into a ratio.")
    each = ", ".join(f"{r.ratio:.2f} in {r.period} ({r.consultant}"
                     + (", derived from its growth rates" if str(r.status).startswith("derived") else "")
                     + (", midpoints of ranges" if "midpoints" in str(r.status) else "") + ")"
                     for r in like.sort_values(["year", "consultant"]).itertuples())
    return (f"Like for like (one consultant's figures for one period), Hanoi's industrial-park rents were {each} "
            f"times the {COMPARATOR_LABEL}: {like['ratio'].min():.2f}–{like['ratio'].max():.2f} across consultants "
            "and years" + (f" ({claim})" if claim else "") + f". {_left(left)} not divided into a ratio (listed in the "
            "annex).")


def panel_reading(panel: FdiPanel | None, min_years: int) -> list[str]:
    """Findings of the province x year FDI panel: within provinces, across provinces, leave-one-out,
    Hà Nội's counterfactual; or what the vintage lacks.
    """
    if panel is None:
        return [f"The province-by-year FDI panel needs at least {min_years} Foreign Investment Agency December "
                "reports with a PCI score for the year before; this memo's vintage has fewer."]
    first, last = panel.years[0], panel.years[-1]
    w = {o: f.table().set_index("term").loc["pci_lag"] for o, f in panel.within.items()}
    pct = lambda b: 100 * (np.exp(b) - 1)  # noqa: E731  a log-point coefficient as a percent change

    def effect(row: pd.Series) -> str:
        return (fmt_estimate(pct(row["coef"]), pct(row["ci_low"]), pct(row["ci_high"]), "%").rstrip(")")
                + (f", p = {row['p']:.2f}" if row["p"] >= 0.005 else ", p < 0.01") + f": {significance(row['p'])})")

    pooled = panel.pooled.table().set_index("term")
    out = [f"From {first} to {last} (Foreign Investment Agency reports, 63 provinces, province and year effects, "
           "errors clustered by province), a province whose PCI score was one point higher the year before drew "
           f"{effect(w['new_projects'])} more new FDI projects and {effect(w['new_capital_musd'])} more new registered "
           "capital. Only changes within each province over time identify these; distance and every other fixed "
           "trait are absorbed.",
           "Comparing provinces instead (year effects only), one PCI point goes with "
           f"{effect(pooled.loc['pci_lag'])} more new projects and each 100 km from Hanoi with "
           f"{effect(pooled.loc['dist_hanoi_100km'])} difference in them: a comparison across provinces, which "
           "differ in more than the model holds fixed.",
           "Leaving one province out, the within-province PCI coefficient is "
           + "; ".join(f"{r.coef:.3f} ({r.fit})" for r in panel.leave_one_out.itertuples()) + "."]
    cf = panel.counterfactual
    after = fmt_estimate(100 * cf["share_after"], 100 * cf["share_after_low"], 100 * cf["share_after_high"], "%")
    out.append(f"Had Hanoi's PCI score of {cf['year'] - 1} ({cf['from']:.2f}) been its neighbours' median "
               f"({cf['to']:.2f}), the within-province model puts its share of {cf['year']}'s new FDI projects at "
               f"{after.rstrip(')')} by the delta method) against {100 * cf['share_before']:.1f}% fitted. "
               "This concerns FDI location, not KIP firms' relocation; land access and rents are published for too few "
               "province-years to enter the panel.")
    if len(panel.partial):
        out.append(f"The {int(panel.partial['year'].iloc[0])} report covers January to June only: shown in the "
                   "tables, not fitted.")
    return out


def real_data_reading(ratios: pd.DataFrame, fdi: FdiLocation, pci_wide: pd.DataFrame, land: pd.DataFrame,
                      panel: FdiPanel | None = None, min_years: int = 3) -> list[str]:
    """Findings from the like-for-like rents, the FDI panel, the 2016 FDI cross-section and the PCI
    scores, each with its interval.
    """
    c = fdi.coefficients.set_index("term")
    la = c.loc["land_access"]
    coef_text = fmt_estimate(la["coef"], la["ci_low"], la["ci_high"])
    out = [rent_reading(ratios), *panel_reading(panel, min_years),
           f"In the 2016 cross-section of the 63 provinces (GSO counts; conditional logit via Poisson, HC3 standard "
           f"errors), newly licensed FDI projects went with PCI land access by a coefficient of "
           f"{coef_text.rstrip(')')}, p = {la['p']:.2f}: {significance(la['p'])}) once distance to "
           f"Hanoi and to Ho Chi Minh City and income per capita are held fixed; "
           + "; ".join(f"{name} {c.loc[t, 'coef']:.2f} ({significance(c.loc[t, 'p'])})"
                       for t, name in TERM_NAMES.items() if t in c.index)
           + ". Every coefficient, and the fits without Hanoi, Ho Chi Minh City or Bình Dương, are in the tables."]
    loo = fdi.leave_one_out[fdi.leave_one_out["term"] == "land_access"]
    out.append("Leaving one province out of the 2016 cross-section, the land-access coefficient is "
               + "; ".join(f"{r.coef:.2f} ({r.fit})" for r in loo.itertuples()) + ".")
    cf = fdi.counterfactual
    after = fmt_estimate(100 * cf["share_after"], 100 * cf["share_after_low"], 100 * cf["share_after_high"], "%")
    out.append(f"If Hanoi's 2016 land-access score ({cf['from']:.2f}) had been its neighbours' median "
               f"({cf['to']:.2f}), the model puts its share of new FDI projects at {after.rstrip(')')} by the delta "
               "method, "
               f"{bounds(100 * cf['sim_low'], 100 * cf['sim_high'], '%')} by simulation) against "
               f"{100 * cf['share_before']:.0f}% predicted at its actual score"
               + (": the interval includes the actual prediction, so the data cannot tell the change from zero."
                  if cf["share_after_low"] <= cf["share_before"] <= cf["share_after_high"] else ".")
               + " This concerns FDI location across provinces, not KIP firms' relocation.")
    first, last = pci_wide.iloc[0], pci_wide.iloc[-1]
    median = last["neighbours' median"]
    out.append(f"Hanoi's PCI composite ranked {int(first['Hà Nội rank (of 63)'])} of 63 in {int(first['year'])} and "
               f"{int(last['Hà Nội rank (of 63)'])} in {int(last['year'])} ({last['Hà Nội']:.2f} against the "
               f"neighbours' median {median:.2f}).")
    hanoi_land = land[land["province"] == "Hà Nội"]
    if len(hanoi_land):
        out.append("Hanoi's PCI land-access sub-index after 2016 is published only in partial tables here: "
                   + ", ".join(f"{r.score:.2f} in {r.year}" for r in hanoi_land.itertuples())
                   + " (neighbours in the same tables: "
                   + ", ".join(f"{r.province} {r.score:.2f} ({r.year})" for r in land[
                       (land["province"] != "Hà Nội") & land["year"].isin(hanoi_land["year"])
                       & (land["source_kind"] != "province page")].itertuples()) + ").")
    return out


def wage_reading(places: pd.DataFrame, year: int) -> str:
    """A finding from the minimum-wage decrees: Hà Nội's wage against the other places in ``year``."""
    rows = places[places["year"] == year]
    others = rows[rows["province"] != rows["province"].iloc[0]]
    decrees = rows["decrees"].iloc[0]
    when = (f"By Decree {decrees} (in force from 2020, the earliest decree in the table; {year} has none of its own)"
            if rows["wage_status"].iloc[0] == "carried back" else f"By the minimum-wage decrees in force in {year} "
            f"({decrees})")
    return (when + ", "
            "the highest-region minimum wage of each neighbour is "
            + ", ".join(f"{r.name} {100 * r.wage_index:.0f}%" for r in others.itertuples())
            + " of Hanoi's (region I).")


def _ci(row: pd.Series, low: str = "ci_low", high: str = "ci_high") -> str:
    return bounds(row[low], row[high])


def simulated_reading(r: LandResults, subsidy_share: float, label: str, truth: bool) -> list[str]:
    """Method checks on the firm panel: the location choice against its truth, the lease effect
    identified by time variation, elasticities with intervals across the consultants' range, and
    the subsidy counterfactual (whose relocation rate is the simulation's own).
    """
    main = r.choice_table[r.choice_table["fit"] == "main"].set_index("term")
    within = r.choice_table[r.choice_table["fit"].str.startswith("time variation")].set_index("term")
    occupied = r.choice_table[r.choice_table["fit"].str.startswith("with park occupancy")].set_index("term")

    def coef(tab: pd.DataFrame, term: str) -> str:
        row = tab.loc[term]
        true = (f"; truth {row['true value (SIMULATED)']:.2f}" if truth and pd.notna(row.get("true value (SIMULATED)"))
                else "")
        return f"{row['coef']:.2f} (95% CI {_ci(row)}{true})"

    out = [f"{label} firm panel: in the yearly location choice over Hanoi and its neighbours, lease index × land "
           f"intensity has coefficient {coef(main, 'lease_x_land')} and minimum-wage index × labour intensity "
           f"{coef(main, 'wage_x_labour')}."]
    if truth:
        flagged = main[main["flag: more than 2 SE from truth"].astype(bool)]
        verb = "lies" if len(flagged) == 1 else "lie"
        names = ", ".join(CHOICE_NAMES.get(t, f"the constant of place {t[4:]}") for t in flagged.index)
        out.append(f"{label} firm panel: {len(flagged)} of {len(main)} coefficients {verb} more than 2 standard errors "
                   "from the simulation's truth" + (f" ({names}; flagged in the table)" if len(flagged) else "") + ".")
    out.append(f"{label} firm panel: with place × land-intensity terms, so that only changes in rents over time "
               "identify it, the lease coefficient is "
               + (coef(within, "lease_x_land") + "." if "lease_x_land" in within.index else
                  "not identified: no place's sourced rent changes over the years used."))
    if len(occupied):
        last = r.choice.data["year"].max()
        has = r.places["occupancy_pct"].notna() & (r.places["year"] <= last)
        own = sorted(r.places.loc[has & ~r.places["rent_status"].str.startswith("carried"), "year"].unique())
        carried = sorted(r.places.loc[has & r.places["rent_status"].str.startswith("carried"), "year"].unique())
        out.append(f"{label} firm panel: adding the log of each place's vacant park share (occupancy from the rent's "
                   f"consultant for {', '.join(map(str, own))}"
                   + (f"; {carried[0]}-{carried[-1]} carry the last" if carried else "")
                   + f") gives it a coefficient of {coef(occupied, 'log_vacancy')}, and the lease coefficient becomes "
                   f"{coef(occupied, 'lease_x_land')}" + (": the simulation has no capacity limit, so the check is "
                                                          "that the vacancy term is near zero." if truth else "."))
    data, scen = r.curve.iloc[0], r.curve.iloc[1:]
    lo, hi = scen.loc[scen["lease_ratio"].idxmin()], scen.loc[scen["lease_ratio"].idxmax()]
    true_e = f"; truth {data['true_elasticity']:.2f}" if "true_elasticity" in r.curve else ""
    delta, sim = _ci(data, "delta_low", "delta_high"), _ci(data, "sim_low", "sim_high")
    out.append(f"{label} firm panel: at the data's lease ratio R = {data['lease_ratio']:.2f}, a 1% higher Hanoi rent "
               f"raises expected relocations by {data['elasticity']:.2f}% (95% CI {delta} by the delta method, "
               f"{sim} by simulation{true_e}). Evaluated across the "
               f"consultants' range, the elasticity runs from {lo['elasticity']:.2f} "
               f"({_ci(lo, 'delta_low', 'delta_high')}) at R = {lo['lease_ratio']:.2f} to {hi['elasticity']:.2f} "
               f"({_ci(hi, 'delta_low', 'delta_high')}) at R = {hi['lease_ratio']:.2f}; the coefficient itself is "
               "estimated from the data, not set by an assumed ratio.")
    q = r.chosen.set_index("quantity")
    rate = ("given the simulation's own relocation rate, an assumption with no source; the number checks the "
            "counterfactual machinery, not the policy." if truth else "at the relocation rate observed in the "
            "extract.")
    out.append(f"{label} firm panel: a subsidy closing {subsidy_share:.0%} of Hanoi's gap keeps roughly "
               f"{q.loc['relocations_avoided', 'q05']:.0f}–{q.loc['relocations_avoided', 'q95']:.0f} relocations a "
               f"year in Hanoi (5–95% band) {rate} What Hanoi keeps, the region would have kept anyway: every move "
               "in the choice set goes to a neighbour.")
    c = r.cost
    out.append(f"{label} firm panel: the subsidy's yearly cost runs from {c['yearly_cost_vnd_bn'].min():,.0f} to "
               f"{c['yearly_cost_vnd_bn'].max():,.0f} VND bn and the cost per VND of KIP revenue kept in Hanoi from "
               f"{c['cost_per_vnd_kept_low'].min():.2f} to {c['cost_per_vnd_kept_high'].max():.2f}, across the lease "
               f"ratio ({c['lease_ratio'].min():.2f}–{c['lease_ratio'].max():.2f}), the lease term (30–50 years, "
               "assumed) and the revenue kept's sampling band.")
    return out


def fdi_panel_tables(panel: FdiPanel | None) -> tuple[Table, ...]:
    """The FDI panel's coefficients, leave-one-out fits and the partial year, as tables."""
    if panel is None:
        return ()
    source = ("Foreign Investment Agency (MPI) December reports, fia_fdi_flows_by_province_2017_2024h1.csv; "
              "pci_composite_2016_2022.csv (VCCI/USAID); geoBoundaries centroids")
    units = "log points per unit; PCI score of the year before; distances in 100 km; errors clustered by province"
    tabs = (Table(f"FDI location, provinces x years {panel.years[0]}-{panel.years[-1]}: every coefficient", units,
                  source, panel.coefficients.round(4)),
            Table("FDI location panel, leaving one province out (within-province PCI coefficient)", units, source,
                  panel.leave_one_out.round(4)))
    if len(panel.partial):
        tabs += (Table(f"FDI registered in {int(panel.partial['year'].iloc[0])}, January-June (partial year, not "
                       "fitted)", "projects; USD m", source, panel.partial),)
    return tabs


def choice_tables(r: LandResults, label: str, panel_source: str, subsidy_share: float, year: int,
                  simulated: bool) -> tuple[Table, ...]:
    """The location choice, its elasticities and the subsidy counterfactual, as tables (only when fitted)."""
    return (
        Table(f"Location choice over Hanoi and neighbours ({label})", "log-odds; 95% CI; clustered by firm",
              panel_source + "; places as above", r.choice_table.round(4), simulated),
        Table(f"Elasticity of relocations to Hanoi's lease index, at the data's ratio and across the "
              f"consultants' range ({label})", "d ln E[relocations] / d ln L_H for Hanoi firm-years at risk in "
              f"{year}; 95% intervals by delta method and simulation", panel_source, r.curve.round(4), simulated),
        Table(f"Elasticity by sector at the data's ratio ({label})", "as above", panel_source,
              r.by_sector.round(4), simulated),
        Table(f"Subsidy of {subsidy_share:g} of the gap ({label})", "relocations a year; VND bn; USD m; share "
              "points; 5-95% band", panel_source, r.chosen.round(3), simulated),
        Table(f"Subsidy cost and cost per VND of revenue kept in Hanoi, by assumption ({label})",
              "VND bn a year; VND of subsidy per VND of KIP revenue kept (5-95% band)",
              panel_source + "; rents: the places table; lease term assumed", r.cost.round(4), simulated),
    )


def elasticity_headline(r: LandResults, label: str, simulated: bool) -> Headline:
    """The elasticity at the data's lease ratio (only when the location choice is fitted)."""
    data_curve = r.curve.iloc[0]
    return Headline("lease_elasticity", f"Elasticity of relocations to Hanoi's lease index ({label})",
                    f"{data_curve['elasticity']:.2f} (95% CI {_ci(data_curve, 'delta_low', 'delta_high')}) at "
                    f"R = {data_curve['lease_ratio']:.2f}", float(data_curve["elasticity"]), simulated)


def build_section(r: LandResults, label: str, simulated: bool, params: dict, raw_sha256: dict,
                  panel_warnings: tuple[str, ...] | list[str] = ()) -> Section:
    """The land Section: real-data findings with intervals, SIMULATED method checks apart; what looks wrong
    in a census extract (``panel_warnings``) is repeated among the caveats.
    """
    subsidy_share, year = params["subsidy_share"], params["memo_year"]
    truth = "true value (SIMULATED)" in r.choice_table
    fitted = r.choice is not None  # False: the firm panel supports no location choice (r.limits says why)
    firm_sentences = simulated_reading(r, subsidy_share, label, truth) if fitted else []
    panel_source = "firm panel: " + ("SIMULATED (kip_analysis.data.simulated_panel)" if simulated else label)
    rent_facts = "fact ids " + ", ".join(sorted({f.strip() for ids in r.ratios["facts"] for f in str(ids).split(",")}))
    places_source = ("like-for-like rents (data.rents), minimum_wage_region_by_province.csv, "
                     "province_centroids_geoboundaries.csv, pci_subindices.csv")
    pci_years = f"{r.pci_wide['year'].min()}-{r.pci_wide['year'].max()}"
    own_years = time_variation(r.ratio_path, year) if len(r.ratio_path) else []
    ratio_years = (f"like-for-like ratios for {', '.join(map(str, own_years))} only (other years carry the nearest)"
                   if own_years else "no like-for-like ratio yet")
    cannot = (CannotSay(
        "How much do lease differentials drive the relocation of real firms out of Hanoi?",
        f"no firm's province over time is public, and the rents published by this memo's vintage give {ratio_years}.",
        "each firm's province by year from the enterprise census (or a register of industrial-zone tenants leaving "
        "Hanoi), loaded through the firm-panel schema, and one consultant's rents by province for every year."),)
    cannot += tuple(CannotSay(f"How much do lease differentials drive relocation in this firm panel ({label})?",
                              f"{what} cannot be estimated: {why}.", settle + ".") for what, why, settle in r.limits)
    if simulated and fitted:
        cannot += (CannotSay(
            "What would a lease subsidy keep in Hanoi?",
            "the relocation models ran on a SIMULATED panel whose relocation rate is assumed, not sourced.",
            "the same census extract; the counterfactual code runs on it unchanged."),)
    fdi_source = ("GSO FDI projects licensed in 2016 by province; PCI 2016 sub-indices (VCCI/USAID); geoBoundaries "
                  "centroids; GSO VHLSS income per capita 2016")
    la = r.fdi.coefficients.set_index("term").loc["land_access"]
    findings = tuple(real_data_reading(r.ratios, r.fdi, r.pci_wide, r.pci_land, r.fdi_panel,
                                       params.get("fdi_min_years", 3)))
    if year in set(r.places["year"]):
        findings += (wage_reading(r.places, year),)
    used = r.places[(r.places["year"] <= year) & ~r.places["rent_status"].str.startswith("carried")]
    design_years = sorted(used["year"].unique())  # the years whose own like-for-like ratio enters the choice
    identified = (f"changes among {', '.join(map(str, design_years))} and differences across places" if
                  len(design_years) > 1 else "differences across places only (no year's ratio differs from another's "
                  "in the years used)")
    wage_first = int(r.places.loc[r.places["wage_status"] != "carried back", "year"].min()) \
        if (r.places["wage_status"] != "carried back").any() else year
    left_out = list(r.places.attrs.get("left_out", []))
    places_title = "Places firms choose among, by year" + (" (SIMULATED design: every rent vintage)" if simulated
                                                           else "")
    return Section(
        key="04_land_relocation", title=TITLE,
        findings=findings + (() if simulated else tuple(firm_sentences)),
        method_checks=tuple(firm_sentences) if simulated else (),
        cannot_say=cannot,
        caveats=("The lease ratio enters the location choice as data, year by year (Hanoi's rent over the mean of its "
                 "four neighbours', one consultant's figures for one period); the consultants' range and the "
                 "lease_ratio parameter only set where the elasticity is evaluated.",
                 f"The lease coefficient is identified by {identified}; years without a like-for-like ratio carry "
                 f"the nearest one, and minimum wages before {wage_first} are carried back from the earliest decree "
                 "in the table: those years add no time variation.",
                 *(("The SIMULATED panel's places use every sourced rent, whatever the memo's vintage: part of the "
                    "simulation's design, not a finding.",) if simulated else ()),
                 *(f"Left out of the choice set: {why}." for why in left_out),
                 *(f"The census extract: {w}." for w in panel_warnings),
                 "Output-share points kept by a subsidy are not shown: the output share's denominator cannot be "
                 "assessed from published data (targets section).",
                 "Value added kept is not shown: the firm panel has revenue, not value added; a census extract with "
                 "value added would give it through the same code."),
        tables=(
            Table("Hanoi / neighbours lease ratios, like for like (one consultant, one period each)",
                  "ratio of rents (USD per m² per lease term)", f"{rent_facts}; rules: {LIKE_FOR_LIKE_RULES}",
                  display_names(r.ratios, ("comparator",)).round(3)),
            Table("Rent quotes not divided into a ratio", "consultant and period: why",
                  "web_figures.csv and savills_industrial_parks_by_province.csv rent rows",
                  pd.DataFrame({"left out": r.ratios.attrs.get("excluded", [])})),
            Table("Like-for-like rents by place (every consultant-period with a ratio)", "USD per m² per lease term",
                  f"{rent_facts}", display_names(pd.DataFrame(r.ratios.attrs.get("cross_sections", [])),
                                                 ("area",)).round(2)),
            Table("Lease ratio R_t by year, with the band across consultants", "ratio; status says own year or "
                  "carried from which", f"{rent_facts}; rules: {LIKE_FOR_LIKE_RULES}", r.ratio_path.round(3)),
            *fdi_panel_tables(r.fdi_panel),
            Table("2016 FDI location (Poisson = conditional logit), every coefficient", "log-odds per unit; "
                  "distances in 100 km; income in log thousand VND a month; HC3 standard errors", fdi_source,
                  r.fdi.coefficients.round(4)),
            Table("2016 FDI location, leaving one province out", "log-odds per unit; HC3 standard errors",
                  fdi_source, r.fdi.leave_one_out.round(4)),
            Table(f"Hanoi's PCI composite against its neighbours, {pci_years}", "PCI composite score (0-100); rank "
                  "among 63", "pci_composite_2016_2022.csv (VCCI/USAID via a research repository)",
                  r.pci_wide),
            Table("PCI land access after 2016, Hanoi and neighbours (partial tables)", "sub-index score (1-10)",
                  "pci_subindices_2017_2024_partial.csv: pcivietnam.vn pages, each row's address", r.pci_land),
            Table(places_title, "lease index = rent / northern average; wage index = minimum wage / Hanoi's; "
                  "distance in 100 km; status of each filled cell",
                  f"{places_source}; wage rules: {WAGE_RULES}",
                  r.places[r.places["year"] <= year].drop(columns=["rent_facts"], errors="ignore").round(3),
                  simulated),
            *(choice_tables(r, label, panel_source, subsidy_share, year, simulated) if fitted else ()),
        ),
        exhibits=(
            Exhibit.from_figure("lease_ratios", r.figures["lease_ratios"], rent_facts),
            *((Exhibit.from_figure("subsidy_curve", r.figures["subsidy_curve"], panel_source, simulated),)
              if fitted else ()),
        ),
        headlines=(
            *((elasticity_headline(r, label, simulated),) if fitted else ()),
            Headline("fdi_land_access", "FDI location and PCI land access (2016, HC3)",
                     f"{la['coef']:.3f} (95% CI {bounds(la['ci_low'], la['ci_high'])})", float(la["coef"])),
        ),
        estimates=tuple(land_estimates(r, simulated, params.get("vintage", "latest"))),
        warnings=tuple(drain_warnings()),
        params=params, raw_sha256=raw_sha256, simulated=simulated, vintage=params.get("vintage", "latest"),
    )
