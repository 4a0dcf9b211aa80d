"""What runs of the land analysis share: the location-choice fits, cached on disk by their design, are
those of the year they are fitted to (:func:`fit_year`). With the SIMULATED panel the choice set is the
simulation's, so memo years past the panel's last year fit the same choices; the memo batch runs the later
of them after the first, which then reads the fits from the disk cache.

May import: data.firm_panel, analyses.land.params.
"""

from __future__ import annotations

from kip_analysis.analyses.land.params import LandParams
from kip_analysis.data.firm_panel import FirmPanel, load_firm_panel


def fit_year(p: LandParams, firms: FirmPanel) -> int:
    """The year the location choice is fitted to and evaluated in: the memo year, or the panel's last."""
    return min(p.memo_year, int(firms.data["year"].max()))


def same_work(params: list[LandParams]) -> list[tuple[str, int] | None]:
    """What a run with each of ``params`` shares with others through the disk cache: its panel and fit year when
    the panel is SIMULATED (the choice set is then the simulation's, whatever the vintage); None for an extract,
    whose choice set is read from the memo year's sourced rows. Loads each panel once.
    """
    panels = {source: load_firm_panel(source) for source in dict.fromkeys(p.data_source for p in params)}
    return [(p.data_source, fit_year(p, panels[p.data_source])) if panels[p.data_source].simulated else None
            for p in params]
