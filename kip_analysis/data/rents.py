"""Like-for-like lease ratios: Hà Nội's industrial-park rent over its neighbours', each ratio
from one consultant's figures for one period, never a ratio of two sources' figures.

May import: errors, data.geography.

A consultant and period qualify when the consultant gives Hà Nội and every province of
:data:`COMPARATORS` for that period; R = Hà Nội's rent / the comparators' mean rent. Figures of
one consultant, place and period quoted by several pages must agree (they are then one figure,
all ids kept); a consultant-period that fails a rule is listed in ``attrs["excluded"]`` with why.
R_t is the first consultant of :data:`CONSULTANT_ORDER` that qualifies in year t; the spread
across every qualifying consultant in t is its band. A year with no qualifying consultant
carries the nearest year's cross-section and says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.data.geography import DISPLAY_NAMES, FACT_NAMES, HANOI

#: The neighbours every like-for-like ratio compares Hà Nội with (the four one consultant quotes every year).
COMPARATORS: tuple[str, ...] = ("27", "33", "30", "31")
#: Which consultant's ratio is R_t when several qualify in a year (the one with the most years first).
CONSULTANT_ORDER: tuple[str, ...] = ("Savills", "CBRE", "JLL", "Cushman & Wakefield")
LIKE_FOR_LIKE_RULES: str = (
    "a ratio uses one consultant's figures for one period only: Hà Nội's rent over the mean rent of Bắc Ninh, "
    "Hưng Yên, Hải Dương and Hải Phòng; a consultant and period without all five places, an unnamed consultant or "
    "an undated period is left out (listed); R_t is Savills' ratio where Savills gives one, else the next "
    "consultant's; "
    "the band is the range across every consultant with a ratio that year; a year without one carries the nearest "
    "year's and says so")


def _names() -> dict[str, str]:
    return {FACT_NAMES[c]: c for c in (HANOI, *COMPARATORS)}


def cross_sections(rents: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Every rent figure of a qualifying consultant-period, one row per place (figures quoted by
    several pages merged), and the consultant-periods left out with why.

    ``rents``: :func:`kip_analysis.data.geography.rents_table` rows (fact_id, province, period,
    consultant, midpoint, note).
    """
    wanted = _names()
    rows, excluded = [], []
    for (consultant, period), group in rents.groupby(["consultant", "period"], sort=True):
        label = f"{consultant} {period}"
        if consultant == "unnamed" or period == "undated":
            excluded.append(f"{label}: {'no consultant named' if consultant == 'unnamed' else 'undated'} "
                            f"({', '.join(sorted(group['fact_id']))})")
            continue
        own = group[group["province"].isin(wanted)]
        missing = sorted(set(wanted) - set(own["province"]))
        if missing:
            excluded.append(f"{label}: no figure for {', '.join(DISPLAY_NAMES.get(m, m) for m in missing)} "
                            f"({', '.join(sorted(group['fact_id']))})")
            continue
        places = []
        for name, figs in own.groupby("province", sort=False):
            if not np.allclose(figs["midpoint"], figs["midpoint"].iloc[0]):
                places = None
                excluded.append(f"{label}: its figures for {name} disagree ({', '.join(figs['fact_id'])})")
                break
            places.append({"consultant": consultant, "period": str(period), "year": int(str(period)[:4]),
                           "gso_code": wanted[name], "area": name, "rent": float(figs["midpoint"].iloc[0]),
                           "range": bool((figs["value_high"] > figs["value_low"]).any()),
                           "derived": bool(figs["note"].fillna("").str.contains("derived").any()),
                           "facts": ", ".join(sorted(figs["fact_id"]))})
        rows.extend(places or [])
    out = pd.DataFrame(rows, columns=["consultant", "period", "year", "gso_code", "area", "rent", "range", "derived",
                                      "facts"])
    return out, excluded


def like_for_like(rents: pd.DataFrame) -> pd.DataFrame:
    """One ratio per qualifying consultant and period: Hà Nội's rent, the comparators' mean, R and
    the fact ids it rests on (all one consultant's, one period's). ``attrs["excluded"]`` lists the
    consultant-periods left out; ``attrs["cross_sections"]`` the place rows (as records).
    """
    places, excluded = cross_sections(rents)
    rows = []
    for (consultant, period), g in places.groupby(["consultant", "period"], sort=True):
        hanoi = g[g["gso_code"] == HANOI].iloc[0]
        comp = g[g["gso_code"] != HANOI]
        status = ("derived" if g["derived"].any() else "sourced") + (" (midpoints of ranges)" if g["range"].any()
                                                                     else "")
        rows.append({"consultant": consultant, "period": period, "year": int(g["year"].iloc[0]),
                     "hanoi_rent": hanoi["rent"], "comparators_mean": float(comp["rent"].mean()),
                     "ratio": hanoi["rent"] / float(comp["rent"].mean()), "status": status,
                     "facts": ", ".join(g["facts"])})
    out = pd.DataFrame(rows, columns=["consultant", "period", "year", "hanoi_rent", "comparators_mean", "ratio",
                                      "status", "facts"])
    out.attrs["excluded"] = excluded
    out.attrs["cross_sections"] = places.to_dict("records")  # records, not a frame: pandas compares attrs on concat
    return out


def _rank(consultant: str) -> int:
    return CONSULTANT_ORDER.index(consultant) if consultant in CONSULTANT_ORDER else len(CONSULTANT_ORDER)


def primary(ratios: pd.DataFrame) -> pd.DataFrame:
    """The ratio that is R_t in each year with one: the preferred consultant's latest period that year."""
    if ratios.empty:
        return ratios
    r = ratios.assign(rank=ratios["consultant"].map(_rank)).sort_values(["year", "rank", "period"],
                                                                         ascending=[True, True, False])
    return r.drop_duplicates("year", keep="first").drop(columns="rank").reset_index(drop=True)


def ratio_path(ratios: pd.DataFrame, years: tuple[int, ...]) -> pd.DataFrame:
    """R_t for every year in ``years``: the year's preferred like-for-like ratio, the band across
    consultants that year, and where no consultant qualifies, the nearest year's carried (status
    names the year). Empty when no consultant qualifies at all.
    """
    cols = ["year", "ratio", "band_low", "band_high", "consultants", "consultant", "period", "status", "facts",
            "source_year"]
    if ratios.empty:
        return pd.DataFrame(columns=cols)
    best = primary(ratios).set_index("year")
    known = best.index.to_numpy()
    rows = []
    for y in years:
        src = y if y in best.index else int(known[np.argmin(np.abs(known - y) + 0.1 * (known > y))])
        b = best.loc[src]
        same = ratios[ratios["year"] == src]
        status = b["status"] if src == y else f"carried {'forward' if src < y else 'back'} from {src}"
        rows.append({"year": y, "ratio": float(b["ratio"]), "band_low": float(same["ratio"].min()),
                     "band_high": float(same["ratio"].max()), "consultants": int(same["consultant"].nunique()),
                     "consultant": b["consultant"], "period": b["period"], "status": status, "facts": b["facts"],
                     "source_year": src})
    return pd.DataFrame(rows, columns=cols)


def lease_indices(ratios: pd.DataFrame, years: tuple[int, ...]) -> pd.DataFrame:
    """Each place's lease index by year (its rent over the comparators' mean in R_t's cross-section:
    Hà Nội's is R_t), with the comparators' mean rent in USD, the cross-section used and its status.
    """
    path = ratio_path(ratios, years)
    places = pd.DataFrame(ratios.attrs.get("cross_sections", []), columns=["consultant", "period", "gso_code", "rent",
                                                                             "facts"])
    rows = []
    for p in path.itertuples():
        cs = places[(places["consultant"] == p.consultant) & (places["period"] == p.period)]
        mean = float(cs.loc[cs["gso_code"] != HANOI, "rent"].mean())
        for c in cs.itertuples():
            rows.append({"gso_code": c.gso_code, "year": p.year, "lease_index": c.rent / mean, "rent_usd_m2": c.rent,
                         "comparators_mean_usd_m2": mean, "rent_source": f"{p.consultant} {p.period}",
                         "rent_status": p.status, "rent_facts": c.facts})
    return pd.DataFrame(rows)


def time_variation(path: pd.DataFrame, last_year: int) -> list[int]:
    """The years up to ``last_year`` whose R_t is the year's own (not carried): with fewer than two,
    the lease coefficient is identified across places only.
    """
    own = path[(path["year"] <= last_year) & (path["source_year"] == path["year"])]
    return sorted(own["year"].astype(int))
