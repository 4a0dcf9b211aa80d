"""Places: Hà Nội and the neighbours its firms move to, their industrial-park rents (from
the sourced web figures) and their PCI land-access scores.

May import: config, errors. Every province attribute a model needs comes from a sourced
row; a missing one raises instead of falling back to a default.
"""

from __future__ import annotations

import numpy as np
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
#: Consultants whose rent figures the web rows quote (named in each row's note).
CONSULTANTS: tuple[str, ...] = ("CBRE", "Savills", "JLL", "Cushman & Wakefield")
#: The consultant whose figures cover every neighbour (CBRE: 2021 ranges, Bắc Giang 2020Q3).
CHOICE_SET_CONSULTANT: str = "CBRE"


def rents_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Every industrial-park rent figure with its consultant, period, range and midpoint."""
    r = facts[facts["metric"] == "ip_rent"].copy()
    r["consultant"] = [next((c for c in CONSULTANTS if isinstance(n, str) and c in n), "unnamed")
                       for n in r["note"]]  # the consultant named in the row's note
    r["midpoint"] = (r["value_low"] + r["value_high"]) / 2
    return r[["fact_id", "geography", "period", "consultant", "value_low", "value_high", "midpoint",
              "quote_status", "source_id"]].rename(columns={"geography": "province"}).reset_index(drop=True)


def neighbour_rents(rents: pd.DataFrame, consultant: str = CHOICE_SET_CONSULTANT) -> dict[str, float]:
    """Each neighbour's latest rent midpoint by ``consultant`` (USD per m² per lease term).

    Raises
    ------
    ParameterError
        When the consultant quotes no rent for some neighbour: every province in the choice
        set needs a sourced price.
    """
    quoted = rents[rents["consultant"] == consultant].sort_values("period", kind="stable")
    out, missing = {}, []
    for code, name in NEIGHBOURS.items():
        rows = quoted[quoted["province"] == FACT_NAMES[code]]
        if rows.empty:
            missing.append(f"{name} ({code})")
        else:
            out[code] = float(rows["midpoint"].iloc[-1])
    if missing:
        raise ParameterError(f"{consultant} quotes no industrial-park rent for {', '.join(missing)}; every "
                             "province in the choice set needs a price")
    return out


def regional_rent(rents: pd.DataFrame, area: str = "Northern Vietnam average") -> pd.Series:
    """The latest dated rent quoted for ``area`` (any consultant): a row of :func:`rents_table`.

    Raises
    ------
    ParameterError
        When no dated rent for ``area`` is among ``rents`` (e.g. a real-time vintage before any).
    """
    rows = rents[(rents["province"] == area) & (rents["period"] != "undated")].sort_values("period", kind="stable")
    if rows.empty:
        raise ParameterError(f"no dated industrial-park rent for {area} among these facts")
    return rows.iloc[-1]


def land_access(pci: pd.DataFrame, code: str, year: int = 2016) -> float:
    """A province's PCI land-access score in ``year``; raises when the PCI table lacks it."""
    hit = pci[(pci["gso_code"] == code) & (pci["year"] == year) & (pci["subindex"] == "land_access")]
    if hit.empty:
        raise ParameterError(f"the PCI table has no {year} land-access score for province {code}")
    return float(hit["score"].iloc[0])


def hanoi_land_access(pci: pd.DataFrame) -> float:
    """Hà Nội's PCI 2016 land-access score."""
    return land_access(pci, HANOI)


def neighbour_attributes(pci: pd.DataFrame, rents: dict[str, float]) -> pd.DataFrame:
    """Lease index (sourced rent / the neighbours' mean rent) and PCI 2016 land access of each
    neighbour, all from sourced rows.
    """
    missing = [f"{NEIGHBOURS[c]} ({c})" for c in NEIGHBOURS if c not in rents or not np.isfinite(rents[c])]
    if missing:
        raise ParameterError(f"no industrial-park rent for {', '.join(missing)}; every province in the "
                             "choice set needs a price")
    mean_rent = float(np.mean([rents[c] for c in NEIGHBOURS]))
    return pd.DataFrame([{"province": code, "name": name, "lease_index": rents[code] / mean_rent,
                          "land_access": land_access(pci, code)} for code, name in NEIGHBOURS.items()])
