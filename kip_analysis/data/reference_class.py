"""Reference classes for the forecasts of short series: long public panels of comparable series.

May import: config, data.raw, data.provenance. The panel of manufactures' share of merchandise exports (World Bank
WDI, 198 economies, 1962-2024) stands in for the KIP share of the city's exports: a share of a total export value,
forecast years ahead from a few points. Its WDI aggregates (regions, income groups, the world: listed in the
sidecar) are not series of their own and are left out; the count left out is recorded.
"""

from __future__ import annotations

import pandas as pd
import yaml

from kip_analysis.data import catalog
from kip_analysis.data.raw import load_table

#: The reference class of share series and what it is, in words.
SHARE_CLASS: str = "wdi_manufactures_exports_share"


def _meta(name: str) -> dict:
    return yaml.safe_load(catalog.get(name).sidecar.read_text(encoding="utf-8"))


def published(name: str = SHARE_CLASS, meta: dict | None = None) -> str:
    """The date the panel was published (YYYY-MM-DD, from its sidecar, read unless ``meta`` is given)."""
    return str((meta or _meta(name))["date_published"])[:10]


def share_panel(name: str = SHARE_CLASS) -> pd.DataFrame:
    """The economies' series (``series_id``, ``year``, ``value``; aggregates left out, counted in ``attrs``)."""
    table = load_table(name)
    meta = _meta(name)
    aggregates = set(str(meta["upstream_meta"]["coverage"]["aggregates_kept"]).split())
    keep = ~table["series_id"].isin(aggregates)
    out = table.loc[keep, ["series_id", "year", "value"]].reset_index(drop=True)
    out.attrs.update({"name": name, "published": published(name, meta), "aggregates_left_out": int((~keep).sum()),
                      "what": str(meta.get("what", "a share")), "units": str(meta.get("units", "series")),
                      "source": str(meta.get("cite", meta.get("producer", "")))})
    return out


def available_in(memo_year: int, name: str = SHARE_CLASS) -> bool:
    """Whether a memo for ``memo_year`` may use the panel (published by the end of that year)."""
    return published(name) <= f"{memo_year}-12-31"
