"""The land analysis's typed estimates: like-for-like lease ratios (sourced), the FDI location
models (public data) and the elasticity of relocations on the firm panel (a check when SIMULATED).

May import: report, analyses.land.results.
"""

from __future__ import annotations

import pandas as pd

from kip_analysis.analyses.land.results import LandResults
from kip_analysis.report.estimates import Estimate, fact_ids_in


def lease_estimates(ratios: pd.DataFrame, path: pd.DataFrame, vintage: str) -> list[Estimate]:
    """R_t of the latest year with its own like-for-like ratio (band: every consultant's that year) and
    the range of every like-for-like ratio; none before a consultant gives Hà Nội and its neighbours.
    """
    like = ratios[ratios["hanoi"].notna()]
    if like.empty:
        return []
    own = path[path["source_year"] == path["year"]]
    last = own.iloc[-1]
    return [
        Estimate("land.lease_ratio", f"Hanoi's industrial-park rent over its four neighbours', {int(last['year'])}",
                 float(last["ratio"]), "times", float(last["band_low"]), float(last["band_high"]), 1.0,
                 fact_ids_in(last["facts"], *like.loc[like["year"] == last["year"], "facts"]), vintage=vintage,
                 status="estimate" if str(last["status"]).startswith("derived") else "actual",
                 note="one consultant's figures for one period; band: every consultant with a ratio that year",
                 extra={"year": int(last["year"]), "consultant": str(last["consultant"]),
                        "period": str(last["period"]), "consultants": int(last["consultants"])}),
        Estimate("land.lease_ratio_range", "Hanoi's industrial-park rent over its four neighbours', all like-for-like "
                 "ratios", float(like["ratio"].median()), "times", float(like["ratio"].min()),
                 float(like["ratio"].max()), 1.0, fact_ids_in(*like["facts"]), vintage=vintage,
                 note="median, and the range across consultants and periods (each ratio one consultant, one period)",
                 extra={"consultants": sorted(set(like["consultant"])),
                        "periods": sorted(set(map(str, like["period"])))}),
    ]


def fdi_estimates(r: LandResults, vintage: str) -> list[Estimate]:
    """The FDI panel's within-province PCI coefficients and Hà Nội's counterfactual share (or, before
    the panel has enough reports, the 2016 cross-section's); the 2016 land-access coefficient.
    """
    la = r.fdi.coefficients.set_index("term").loc["land_access"]
    out = [Estimate("land.fdi_land_access", "FDI location and PCI land access, 2016 cross-section, coefficient",
                    float(la["coef"]), "log points per PCI point", float(la["ci_low"]), float(la["ci_high"]), 0.95,
                    vintage=vintage, status="estimate", note="Poisson = conditional logit over 63 provinces, HC3",
                    extra={"p": float(la["p"]), "year": 2016})]
    panel = r.fdi_panel
    if panel is None:
        cf = r.fdi.counterfactual
        out.append(Estimate(
            "land.fdi_counterfactual_share",
            "Hanoi's share of new FDI projects with its neighbours' land access (2016)", 100 * float(cf["share_after"]),
            "%", 100 * float(cf["share_after_low"]), 100 * float(cf["share_after_high"]),
            0.95, vintage=vintage, status="estimate",
            extra={"share_before": 100 * float(cf["share_before"]), "year": 2016, "panel": False}))
        return out
    for outcome, key in (("new_projects", "projects"), ("new_capital_musd", "capital")):
        row = panel.within[outcome].table().set_index("term").loc["pci_lag"]
        out.append(Estimate(
            f"land.fdi_pci_within_{key}", f"FDI {key} and the PCI score of the year before, within provinces",
            float(row["coef"]), "log points per PCI point", float(row["ci_low"]), float(row["ci_high"]), 0.95,
            vintage=vintage, status="estimate", note="Poisson with province and year effects, clustered by province",
            extra={"p": float(row["p"]), "years": [panel.years[0], panel.years[-1]]}))
    cf = panel.counterfactual
    out.append(Estimate(
        "land.fdi_counterfactual_share", f"Hanoi's share of new FDI projects in {cf['year']} with its neighbours' "
        "median PCI", 100 * cf["share_after"], "%", 100 * cf["share_after_low"], 100 * cf["share_after_high"], 0.95,
        vintage=vintage, status="estimate", note="within-province model; delta method on the logit of the share",
        extra={"share_before": 100 * cf["share_before"], "year": int(cf["year"]), "panel": True,
               "pci_from": cf["from"], "pci_to": cf["to"]}))
    return out


def land_estimates(r: LandResults, simulated: bool, vintage: str) -> list[Estimate]:
    """Every typed estimate of the land analysis (no elasticity when the firm panel supports no location choice)."""
    public = [*lease_estimates(r.ratios, r.ratio_path, vintage), *fdi_estimates(r, vintage)]
    if r.choice is None:
        return public
    data_curve = r.curve.iloc[0]
    return [
        *public,
        Estimate("land.elasticity", "Elasticity of relocations to Hanoi's lease index", float(data_curve["elasticity"]),
                 "% per 1% rent", float(data_curve["delta_low"]), float(data_curve["delta_high"]), 0.95,
                 simulated=simulated, vintage="simulated" if simulated else vintage,
                 status="check" if simulated else "estimate",
                 extra={"lease_ratio": float(data_curve["lease_ratio"]),
                        "truth": float(data_curve["true_elasticity"]) if "true_elasticity" in r.curve else None}),
    ]
