"""The land-lease and relocation analysis as a memo Section: rents and FDI location are real
data (findings); the location choice, elasticities and subsidy counterfactual on the
SIMULATED panel are method checks.

May import: report, estimators.did_types, analyses.land.fdi, analyses.land.relocation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kip_analysis.analyses.land.fdi import FdiLocation
from kip_analysis.analyses.land.relocation import LocationChoice
from kip_analysis.estimators.did_types import Z95
from kip_analysis.report.format import interval
from kip_analysis.report.section import CannotSay, Exhibit, Headline, Section, Table

TITLE = "Land leases and relocation"


def real_data_reading(ratios: pd.DataFrame, fdi: FdiLocation, lease_ratio: float) -> list[str]:
    """Findings from the sourced rents and the 2016 FDI counts."""
    consultants = ratios[~ratios["consultant"].str.startswith("source 001")]
    lo, hi = consultants["ratio"].min(), consultants["ratio"].max()
    b, se = float(fdi.fit.params["land_access"]), float(fdi.fit.bse["land_access"])
    return [
        f"The consultants' figures put Hanoi's industrial-park rents at {lo:.2f}–{hi:.2f} times its comparators "
        f"depending on consultant and year; this analysis uses {lease_ratio:g} (source 001 says 1.5–2).",
        f"Across the 63 provinces, a one-point higher PCI land-access score went with "
        f"{100 * (np.exp(b) - 1):.0f}% more newly licensed FDI projects in 2016 (coefficient {b:.3f}, 95% CI "
        f"{interval(b - Z95 * se, b + Z95 * se, 3)}, robust SE {se:.3f}); Hanoi drew {100 * fdi.hanoi_share:.1f}% "
        f"of them (model: {100 * fdi.hanoi_predicted_share:.1f}%). This concerns FDI location across provinces, "
        "not KIP firms' relocation.",
    ]


def simulated_reading(choice: LocationChoice, elastic: pd.DataFrame, chosen: pd.DataFrame, subsidy_share: float,
                      label: str) -> list[str]:
    """Method checks on the firm panel: location choice, elasticities and the subsidy counterfactual."""
    q = chosen.set_index("quantity")
    top = elastic.sort_values("elasticity", ascending=False).iloc[0]
    lease = choice.coefficients.set_index("term").loc["lease_x_land"]
    return [
        f"{label} firm panel: in the location choice over Hanoi and its neighbours, lease cost times land "
        f"intensity has coefficient {lease['coef']:.2f} (95% CI "
        f"{interval(lease['coef'] - Z95 * lease['se'], lease['coef'] + Z95 * lease['se'])}); the most responsive "
        f"sector is {top['sector']} (elasticity of the relocation probability to the lease ratio "
        f"{top['elasticity']:.2f}).",
        f"{label} firm panel: a subsidy closing {subsidy_share:.0%} of the gap avoids "
        f"{q.loc['relocations_avoided', 'median']:.0f} relocations a year (5–95%: "
        f"{q.loc['relocations_avoided', 'q05']:.0f}–{q.loc['relocations_avoided', 'q95']:.0f}) on the simulated "
        "panel; the number checks the counterfactual machinery, not the policy.",
    ]


def build_section(ratios: pd.DataFrame, fdi: FdiLocation, choice_table: pd.DataFrame, choice: LocationChoice,
                  elastic: pd.DataFrame, chosen: pd.DataFrame, figures: dict[str, Figure], label: str,
                  simulated: bool, params: dict, raw_sha256: dict) -> Section:
    """The land Section."""
    lease_ratio, subsidy_share = params["lease_ratio"], params["subsidy_share"]
    firm_sentences = simulated_reading(choice, elastic, chosen, subsidy_share, label)
    panel_source = "firm panel: " + ("SIMULATED (kip_analysis.data.simulated_panel)" if simulated else label)
    rent_facts = ", ".join(sorted({f.strip() for ids in ratios["facts"] for f in str(ids).split("/")}))
    cannot = ()
    if simulated:
        cannot = (CannotSay(
            "How strongly do lease differentials drive real KIP firms out of Hanoi, and what would a subsidy keep?",
            "firm locations over time are confidential; the relocation models ran on a SIMULATED panel.",
            "an enterprise-census extract with each firm's province by year (or a register of industrial-zone "
            "tenants leaving Hanoi), loaded through the firm-panel schema."),)
    return Section(
        key="04_land_relocation", title=TITLE,
        findings=tuple(real_data_reading(ratios, fdi, lease_ratio)) + (() if simulated else tuple(firm_sentences)),
        method_checks=tuple(firm_sentences) if simulated else (),
        cannot_say=cannot,
        caveats=(f"The lease ratio {lease_ratio:g} is one constant (source 001's 1.5-2x midpoint by default).",
                 "The SIMULATED panel's choice set (neighbours' rents) uses every sourced rent, whatever the memo's "
                 "vintage: it is part of the simulation's design, not a finding.",
                 "Output-share points kept by a subsidy are not shown: the output share's denominator cannot be "
                 "assessed from published data (targets section)."),
        tables=(
            Table("Hanoi / neighbour lease ratios by consultant", "ratio of rents (USD per m² per lease term)",
                  f"web_figures.csv rows {rent_facts}", ratios.round(2)),
            Table("2016 FDI location (Poisson = conditional logit)", "log-odds per unit of each PCI sub-index",
                  "GSO FDI projects licensed in 2016 by province; PCI 2016 sub-indices (VCCI/USAID)",
                  fdi.coefficients.round(4)),
            Table(f"Location choice over Hanoi and neighbours ({label})", "log-odds", panel_source,
                  choice_table.round(4), simulated),
            Table(f"Subsidy of {subsidy_share:g} of the gap ({label})", "relocations a year; VND bn; USD m; share "
                  "points", panel_source, chosen[chosen["quantity"] != "output_share_points_kept"].round(3), simulated),
        ),
        exhibits=(
            Exhibit.from_figure("lease_ratios", figures["lease_ratios"], f"web_figures.csv rows {rent_facts}"),
            Exhibit.from_figure("subsidy_curve", figures["subsidy_curve"], panel_source, simulated),
        ),
        headlines=(
            Headline("lease_ratio", "Lease ratio used (Hanoi / neighbours)", f"{lease_ratio:g}", float(lease_ratio)),
            Headline("fdi_land_access", "FDI projects per PCI land-access point (2016)",
                     f"{float(fdi.fit.params['land_access']):.3f} (SE {float(fdi.fit.bse['land_access']):.3f})",
                     float(fdi.fit.params["land_access"])),
        ),
        params=params, raw_sha256=raw_sha256, simulated=simulated, vintage=params.get("vintage", "latest"),
    )
