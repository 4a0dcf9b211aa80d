"""The land-lease and relocation analysis as a memo Section: rents and FDI location are real
data (findings); the location choice, elasticities and subsidy counterfactual on the
SIMULATED panel are method checks.

May import: report, estimators.did_types, analyses.land.fdi, analyses.land.leases,
analyses.land.relocation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kip_analysis.analyses.land.fdi import FdiLocation, significance
from kip_analysis.analyses.land.leases import RENT_RULES
from kip_analysis.analyses.land.relocation import LocationChoice
from kip_analysis.estimators.did_types import Z95
from kip_analysis.report.format import interval
from kip_analysis.report.section import CannotSay, Exhibit, Headline, Section, Table

TITLE = "Land leases and relocation"


def real_data_reading(ratios: pd.DataFrame, fdi: FdiLocation, path: pd.DataFrame, pci_wide: pd.DataFrame,
                      land: pd.DataFrame) -> list[str]:
    """Findings from the sourced rents, the 2016 FDI counts and the PCI scores, each with its interval."""
    consultants = ratios[~ratios["consultant"].str.startswith("source 001")]
    lo, hi = consultants["ratio"].min(), consultants["ratio"].max()
    sourced = path[path["status"] == "sourced"]
    c = fdi.coefficients.set_index("term")
    la = c.loc["land_access"]
    by_year = (("Against the northern average, the ratio was " + ", ".join(
        f"{r.ratio:.2f} in {r.year}" for r in sourced.itertuples())
        + " (sourced years; other years are interpolated or carried and labelled so).") if len(sourced) else
        "No year has both Hanoi's and the northern average rent sourced by this vintage.")
    out = [
        f"The consultants' figures put Hanoi's industrial-park rents at {lo:.2f}–{hi:.2f} times a comparator, "
        f"depending on consultant and year (source 001 says 1.5–2). " + by_year,
        f"Across the 63 provinces, newly licensed FDI projects in 2016 (conditional logit via Poisson, HC3 standard "
        f"errors) went with PCI land access by a coefficient of {la['coef']:.3f} (95% CI "
        f"{interval(la['ci_low'], la['ci_high'], 3)}, p = {la['p']:.2f}: {significance(la['p'])}) once distance to "
        f"Hanoi and to Ho Chi Minh City and income per capita are held fixed; "
        + "; ".join(f"{t} {c.loc[t, 'coef']:.2f} ({significance(c.loc[t, 'p'])})"
                    for t in ("dist_hanoi_100km", "dist_hcmc_100km", "log_income_pc", "entry_costs") if t in c.index)
        + ". Every coefficient, and the fits without Hanoi, Ho Chi Minh City or Bình Dương, are in the tables.",
    ]
    loo = fdi.leave_one_out[fdi.leave_one_out["term"] == "land_access"]
    out.append("Leaving one province out, the land-access coefficient is "
               + "; ".join(f"{r.coef:.2f} ({r.fit})" for r in loo.itertuples()) + ".")
    cf = fdi.counterfactual
    out.append(f"If Hanoi's 2016 land-access score ({cf['from']:.2f}) had been its neighbours' median "
               f"({cf['to']:.2f}), the model puts its share of new FDI projects at {100 * cf['share_after']:.1f}% "
               f"(95% CI {interval(100 * cf['share_after_low'], 100 * cf['share_after_high'])} by the delta method, "
               f"{interval(100 * cf['sim_low'], 100 * cf['sim_high'])} by simulation) against "
               f"{100 * cf['share_before']:.1f}% predicted at its actual score"
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


def simulated_reading(choice: LocationChoice, curve: pd.DataFrame, chosen: pd.DataFrame, subsidy_share: float,
                      label: str, lease_ratio: float, cost: pd.DataFrame) -> list[str]:
    """Method checks on the firm panel: location choice, the elasticity's dependence on the assumed
    lease ratio, and the subsidy counterfactual (whose relocation rate is the simulation's own).
    """
    q = chosen.set_index("quantity")
    lease = choice.coefficients.set_index("term").loc["lease_x_land"]
    lo, hi = curve.iloc[0], curve.iloc[-1]
    return [
        f"{label} firm panel: in the location choice over Hanoi and its neighbours, lease cost times land "
        f"intensity has coefficient {lease['coef']:.2f} (95% CI "
        f"{interval(lease['coef'] - Z95 * lease['se'], lease['coef'] + Z95 * lease['se'])}).",
        f"{label} firm panel: the elasticity of the relocation probability to the lease ratio depends on the ratio "
        f"assumed in the regressor: {lo['elasticity']:.2f} (95% CI {interval(lo['delta_low'], lo['delta_high'])}) "
        f"at R = {lo['lease_ratio']:g} and {hi['elasticity']:.2f} "
        f"({interval(hi['delta_low'], hi['delta_high'])}) at R = {hi['lease_ratio']:g}, the consultants' range; "
        "delta-method and simulated intervals agree (table). Without time variation in R the data cannot pick "
        "between these.",
        f"{label} firm panel: a subsidy closing {subsidy_share:.0%} of the gap (R = {lease_ratio:g}) avoids "
        f"{q.loc['relocations_avoided', 'median']:.0f} relocations a year (5–95%: "
        f"{q.loc['relocations_avoided', 'q05']:.0f}–{q.loc['relocations_avoided', 'q95']:.0f}) given the "
        "simulation's own relocation rate, an assumption with no source; the number checks the counterfactual "
        "machinery, not the policy. Output kept in Hanoi is not kept in the region: every relocation goes to a "
        "neighbour.",
        f"{label} firm panel: the subsidy's yearly cost runs from {cost['yearly_cost_vnd_bn'].min():,.0f} to "
        f"{cost['yearly_cost_vnd_bn'].max():,.0f} VND bn, and the cost per VND of KIP revenue kept in Hanoi from "
        f"{cost['cost_per_vnd_kept_low'].min():.2f} to {cost['cost_per_vnd_kept_high'].max():.2f}, across the lease "
        f"ratio ({cost['lease_ratio'].min():.2f}-{cost['lease_ratio'].max():.2f}), the neighbours' rent and the lease "
        "term (30-50 years, assumed) and the hazard's sampling bands; the revenue kept does not depend on the "
        "assumed ratio while the cost is proportional to R - 1, so the assumption, not the data, sets the ratio.",
    ]


@dataclass(frozen=True)
class LandResults:
    """Everything notebook 04 computed, for the Section."""

    ratios: pd.DataFrame  # consultant ratios (lease_ratios)
    rent_panel: pd.DataFrame  # area, year, rent, status, figures, facts
    ratio_path: pd.DataFrame  # year, hanoi_rent, comparator_rent, ratio, status
    fdi: FdiLocation
    pci_wide: pd.DataFrame
    pci_land: pd.DataFrame
    choice_table: pd.DataFrame
    choice: LocationChoice
    curve: pd.DataFrame  # elasticity by assumed lease ratio with intervals
    chosen: pd.DataFrame
    cost: pd.DataFrame  # cost and cost per VND kept over the assumptions that drive them
    figures: dict


def build_section(r: LandResults, label: str, simulated: bool, params: dict, raw_sha256: dict) -> Section:
    """The land Section: real-data findings with intervals, SIMULATED method checks apart."""
    lease_ratio, subsidy_share = params["lease_ratio"], params["subsidy_share"]
    firm_sentences = simulated_reading(r.choice, r.curve, r.chosen, subsidy_share, label, lease_ratio, r.cost)
    panel_source = "firm panel: " + ("SIMULATED (kip_analysis.data.simulated_panel)" if simulated else label)
    rent_facts = ", ".join(sorted({f.strip() for ids in r.ratios["facts"] for f in str(ids).split("/")}))
    cannot = (CannotSay(
        "How much do lease differentials, rather than the assumed lease ratio, drive relocation?",
        "the sourced rents give Hanoi / comparator ratios for 2019-2022 only, from different consultants, and no "
        "firm's location over time is public; a lease effect is then identified only through an assumed ratio.",
        "industrial-park rents by province and year from one consultant series (2015-2025), and firms' provinces "
        "by year from the enterprise census."),)
    if simulated:
        cannot += (CannotSay(
            "How strongly do lease differentials drive real KIP firms out of Hanoi, and what would a subsidy keep?",
            "firm locations over time are confidential; the relocation models ran on a SIMULATED panel.",
            "an enterprise-census extract with each firm's province by year (or a register of industrial-zone "
            "tenants leaving Hanoi), loaded through the firm-panel schema."),)
    fdi_source = ("GSO FDI projects licensed in 2016 by province; PCI 2016 sub-indices (VCCI/USAID); geoBoundaries "
                  "centroids; GSO VHLSS income per capita 2016")
    la = r.fdi.coefficients.set_index("term").loc["land_access"]
    return Section(
        key="04_land_relocation", title=TITLE,
        findings=tuple(real_data_reading(r.ratios, r.fdi, r.ratio_path, r.pci_wide, r.pci_land))
        + (() if simulated else tuple(firm_sentences)),
        method_checks=tuple(firm_sentences) if simulated else (),
        cannot_say=cannot,
        caveats=(f"The SIMULATED relocation models use one lease ratio, {lease_ratio:g} (source 001's 1.5-2x "
                 "midpoint by default); the elasticity table shows the answer across the consultants' range.",
                 "The SIMULATED panel's choice set (neighbours' rents) uses every sourced rent, whatever the memo's "
                 "vintage: it is part of the simulation's design, not a finding.",
                 "Output-share points kept by a subsidy are not shown: the output share's denominator cannot be "
                 "assessed from published data (targets section)."),
        tables=(
            Table("Hanoi / neighbour lease ratios by consultant", "ratio of rents (USD per m² per lease term)",
                  f"web_figures.csv rows {rent_facts}", r.ratios.round(2)),
            Table("Industrial-park rents by area and year", "USD per m² per lease term; status says sourced, "
                  "interpolated or carried", f"web_figures.csv rows {rent_facts}; rules: {RENT_RULES}",
                  r.rent_panel.round(2)),
            Table("Hanoi / northern-average rent ratio by year", "ratio", f"web_figures.csv rows {rent_facts}",
                  r.ratio_path.round(3)),
            Table("2016 FDI location (Poisson = conditional logit), every coefficient", "log-odds per unit; "
                  "distances in 100 km; income in log thousand VND a month; HC3 standard errors", fdi_source,
                  r.fdi.coefficients.round(4)),
            Table("2016 FDI location, leaving one province out", "log-odds per unit; HC3 standard errors",
                  fdi_source, r.fdi.leave_one_out.round(4)),
            Table("Hanoi's PCI composite against its neighbours, 2016-2022", "PCI composite score (0-100); rank "
                  "among 63", "pci_composite_2016_2022.csv (VCCI/USAID via a research repository)",
                  r.pci_wide),
            Table("PCI land access after 2016, Hanoi and neighbours (partial tables)", "sub-index score (1-10)",
                  "pci_subindices_2017_2024_partial.csv: pcivietnam.vn pages, each row's address", r.pci_land),
            Table(f"Elasticity of relocation to the lease ratio, by assumed ratio ({label})",
                  "d ln P / d ln R, mean over Hanoi firm-years at risk; 95% intervals by delta method and simulation",
                  panel_source, r.curve.round(4), simulated),
            Table(f"Location choice over Hanoi and neighbours ({label})", "log-odds", panel_source,
                  r.choice_table.round(4), simulated),
            Table(f"Subsidy of {subsidy_share:g} of the gap ({label})", "relocations a year; VND bn; USD m; share "
                  "points", panel_source, r.chosen[r.chosen["quantity"] != "output_share_points_kept"].round(3),
                  simulated),
            Table(f"Subsidy cost and cost per VND of revenue kept in Hanoi, by assumption ({label})",
                  "VND bn a year; VND of subsidy per VND of KIP revenue kept (5-95% band)",
                  panel_source + "; rents: northern-average facts; lease term assumed", r.cost.round(4), simulated),
        ),
        exhibits=(
            Exhibit.from_figure("lease_ratios", r.figures["lease_ratios"], f"web_figures.csv rows {rent_facts}"),
            Exhibit.from_figure("subsidy_curve", r.figures["subsidy_curve"], panel_source, simulated),
        ),
        headlines=(
            Headline("lease_ratio", "Lease ratio used in the SIMULATED relocation models (Hanoi / neighbours)",
                     f"{lease_ratio:g}", float(lease_ratio)),
            Headline("fdi_land_access", "FDI location and PCI land access (2016, HC3)",
                     f"{la['coef']:.3f} (95% CI {interval(la['ci_low'], la['ci_high'], 3)})", float(la["coef"])),
        ),
        params=params, raw_sha256=raw_sha256, simulated=simulated, vintage=params.get("vintage", "latest"),
    )
