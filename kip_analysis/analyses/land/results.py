"""Everything notebook 04 computed, as one value the Section and the estimates are built from.

May import: analyses.land.fdi, analyses.land.fdi_panel, analyses.land.relocation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kip_analysis.analyses.land.fdi import FdiLocation
from kip_analysis.analyses.land.fdi_panel import FdiPanel
from kip_analysis.analyses.land.relocation import LocationChoice


@dataclass(frozen=True)
class LandResults:
    """Everything notebook 04 computed, for the Section."""

    ratios: pd.DataFrame  # like-for-like ratios and a source's claim (leases.lease_ratios)
    ratio_path: pd.DataFrame  # R_t by year with its band across consultants (data.rents.ratio_path)
    fdi: FdiLocation  # the 2016 cross-section
    fdi_panel: FdiPanel | None  # provinces x years; None before enough reports are published
    pci_wide: pd.DataFrame
    pci_land: pd.DataFrame
    places: pd.DataFrame  # the choice set's attributes by year (data.locations.choice_attributes)
    choice_table: pd.DataFrame  # both fits' coefficients (with truth and flags when simulated)
    choice: LocationChoice | None  # None: the firm panel cannot support a location choice (``limits`` says why)
    within: LocationChoice | None  # identified by time variation only
    curve: pd.DataFrame  # elasticity at the data's R_t and across the consultants' range
    by_sector: pd.DataFrame
    chosen: pd.DataFrame
    cost: pd.DataFrame  # cost and cost per VND kept over the assumptions that drive them
    figures: dict
    label: str = "SIMULATED"  # the firm panel's label
    simulated: bool = True
    panel_warnings: tuple[str, ...] = ()  # what looks wrong in a census extract but is legal
    year: int = 0  # the year the location choice is fitted to and evaluated in
    counterfactual: pd.DataFrame | None = None  # the subsidy curve (every share on the grid)
    limits: tuple[tuple[str, str, str], ...] = ()  # what the firm panel cannot estimate: (what, why, what settles it)
