"""What a run of the effects analysis computes: the parameters its estimates are keyed by. Two memo years
past the panel's last year see the same panel, so their runs compute the same estimates; the memo batch
runs the later one after the earlier, which it then reads from the disk cache.

May import: data.firm_panel, analyses.effects.params.
"""

from __future__ import annotations

import dataclasses

from kip_analysis.analyses.effects.params import EffectsParams
from kip_analysis.data.firm_panel import FirmPanel, load_firm_panel


def last_year_seen(firms: FirmPanel, memo_year: int) -> int:
    """The memo year as the estimates see it: a year past the panel's last year, its last round and (when
    SIMULATED) the truth's last year censors nothing, so its estimates equal those of that year.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> panel = pd.DataFrame({"year": [2024, 2025], "kip_round": [0, 2025]})
    >>> last_year_seen(SimpleNamespace(data=panel, simulated=False), 2027), last_year_seen(
    ...     SimpleNamespace(data=panel, simulated=False), 2024)
    (2025, 2024)
    """
    seen = max(int(firms.data["year"].max()), int(firms.data["kip_round"].max()))
    if firms.simulated:
        seen = max(seen, int(firms.truth.att_truth["time"].max()))
    return min(memo_year, seen)


def estimate_params(firms: FirmPanel, p: EffectsParams) -> EffectsParams:
    """The parameters the estimates are keyed by: no results path, the memo year as :func:`last_year_seen`."""
    return dataclasses.replace(p, results_path="", memo_year=last_year_seen(firms, p.memo_year))


def same_work(params: list[EffectsParams]) -> list[EffectsParams]:
    """What a run with each of ``params`` computes (:func:`estimate_params` of its panel): runs that give equal
    values compute the same estimates. Loads each panel once (from the disk cache when the batch has warmed it).
    """
    panels = {(source, variant): load_firm_panel(source, variant=variant)
              for source, variant in dict.fromkeys((p.data_source, p.variant) for p in params)}
    return [estimate_params(panels[p.data_source, p.variant], p) for p in params]
