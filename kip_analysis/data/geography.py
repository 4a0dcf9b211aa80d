"""Places: Hà Nội and the neighbours its firms move to, the industrial-park rent rows of the
sourced web figures and the PCI land-access scores (their attributes by year are in
:mod:`kip_analysis.data.locations`).

May import: config, errors. Every province attribute a model needs comes from a sourced
row; a missing one raises instead of falling back to a default.
"""

from __future__ import annotations

import pandas as pd

from kip_analysis import config
from kip_analysis.errors import ParameterError

HANOI: str = config.HANOI
#: Neighbouring provinces movers choose among (GSO code -> name).
NEIGHBOURS: dict[str, str] = {"27": "Bắc Ninh", "33": "Hưng Yên", "30": "Hải Dương", "31": "Hải Phòng",
                              "24": "Bắc Giang"}
#: How the web figures spell Hà Nội and the neighbours.
FACT_NAMES: dict[str, str] = {HANOI: "Hanoi", "27": "Bac Ninh", "33": "Hung Yen", "30": "Hai Duong",
                              "31": "Hai Phong", "24": "Bac Giang"}
#: Every spelling the web figures use, written the one way the memo writes places (with diacritics).
DISPLAY_NAMES: dict[str, str] = {FACT_NAMES[code]: name for code, name in {HANOI: "Hà Nội", **NEIGHBOURS}.items()}


def display_names(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy of ``frame`` with the places in ``columns`` written with diacritics (others unchanged).

    Examples
    --------
    >>> display_names(pd.DataFrame({"area": ["Bac Giang", "Northern Vietnam average"]}), ("area",))["area"].tolist()
    ['Bắc Giang', 'Northern Vietnam average']
    """
    out = frame.copy()
    for c in columns:
        if c in out:
            out[c] = out[c].map(lambda v: DISPLAY_NAMES.get(v, v) if isinstance(v, str) else v)
    return out


#: Consultants whose rent figures the web rows quote (named in each row's note).
CONSULTANTS: tuple[str, ...] = ("CBRE", "Savills", "JLL", "Cushman & Wakefield")


def rents_table(facts: pd.DataFrame, metric: str = "ip_rent") -> pd.DataFrame:
    """Every industrial-park rent figure (or, with ``metric="ip_occupancy"``, occupancy figure) with
    its consultant, period, range and midpoint.
    """
    r = facts[facts["metric"] == metric].copy()
    r["consultant"] = [next((c for c in CONSULTANTS if isinstance(n, str) and c in n), "unnamed")
                       for n in r["note"]]  # the consultant named in the row's note
    r["midpoint"] = (r["value_low"] + r["value_high"]) / 2
    return r[["fact_id", "geography", "period", "consultant", "value_low", "value_high", "midpoint",
              "quote_status", "source_id", "note"]].rename(columns={"geography": "province"}).reset_index(drop=True)


def land_access(pci: pd.DataFrame, code: str, year: int = 2016) -> float:
    """A province's PCI land-access score in ``year``; raises when the PCI table lacks it."""
    hit = pci[(pci["gso_code"] == code) & (pci["year"] == year) & (pci["subindex"] == "land_access")]
    if hit.empty:
        raise ParameterError(f"the PCI table has no {year} land-access score for province {code}")
    return float(hit["score"].iloc[0])
