"""The places Hanoi firms choose among and their attributes by year: industrial-park rents (the
consultants' figures made into an area x year panel), the regional minimum wage by province and
decree, and the distance from Hà Nội (centroids). The SIMULATED panel's location choice and the
relocation models both read them from here, so the simulation and the estimator see the same data.

May import: config, errors, data.geography, data.raw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.data.geography import FACT_NAMES, HANOI, NEIGHBOURS, land_access, rents_table
from kip_analysis.data.raw import load_table
from kip_analysis.errors import ParameterError

EARTH_RADIUS_KM = 6371.0
#: The comparator every lease index is relative to: lease_jt = rent_jt / this area's rent in t.
COMPARATOR_AREA = "Northern Vietnam average"
#: Years a firm can relocate in (the panel starts in 2010; a move needs a year of history).
CHOICE_YEARS: tuple[int, ...] = tuple(range(2012, 2026))
WAGE_RULES: str = (
    "each province's wage is the monthly minimum of its highest region (industrial parks are assumed to sit in the "
    "highest-wage districts); a year covered by two decrees takes their months-weighted mean; years before the first "
    "decree in the file (90/2019, in force 2020) carry its wage back and are labelled 'carried back'; the wage index "
    "is the province's wage over Hà Nội's in the same year")


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: float, lon2: float) -> np.ndarray:
    """Great-circle distance in km (haversine formula)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


#: Years the rent panel covers (the sourced consultant figures run 2019-2025).
RENT_YEARS: tuple[int, ...] = tuple(range(2019, 2026))
RENT_RULES: str = (
    "a figure's year is its period's year (2019Q3 -> 2019); undated figures are left out (counted); figures of one "
    "area in one year from several consultants are averaged (their number kept); between two sourced years the rent "
    "is interpolated linearly; after the last sourced year it is carried forward and before the first carried back; "
    "every cell says which (sourced, interpolated, carried forward, carried back)")


def rent_panel(rents: pd.DataFrame, years: tuple[int, ...] = RENT_YEARS) -> pd.DataFrame:
    """Industrial-park rent (USD per m2 per lease term) by area and year from the consultants'
    figures, with the rules of :data:`RENT_RULES`. Columns: area, year, rent, status, figures, facts.
    """
    dated = rents[rents["period"] != "undated"].copy()
    dated["year"] = dated["period"].str[:4].astype(int)
    rows = []
    for area, group in dated.groupby("province", sort=True):
        by_year = group.groupby("year").agg(rent=("midpoint", "mean"), figures=("midpoint", "size"),
                                            facts=("fact_id", lambda f: ", ".join(sorted(f))))
        known = by_year.index.to_numpy()
        for y in years:
            if y in by_year.index:
                rows.append({"area": area, "year": y, **by_year.loc[y].to_dict(), "status": "sourced"})
                continue
            before, after = known[known < y], known[known > y]
            if len(before) and len(after):
                a, b = before[-1], after[0]
                rent = by_year.loc[a, "rent"] + (y - a) / (b - a) * (by_year.loc[b, "rent"] - by_year.loc[a, "rent"])
                status, facts = "interpolated", f"{by_year.loc[a, 'facts']}; {by_year.loc[b, 'facts']}"
            elif len(before):
                last = before[-1]
                rent, status, facts = by_year.loc[last, "rent"], "carried forward", by_year.loc[last, "facts"]
            else:
                rent, status, facts = by_year.loc[after[0], "rent"], "carried back", by_year.loc[after[0], "facts"]
            rows.append({"area": area, "year": y, "rent": float(rent), "figures": 0, "facts": facts, "status": status})
    out = pd.DataFrame(rows, columns=["area", "year", "rent", "status", "figures", "facts"])
    out.attrs["undated_left_out"] = int((rents["period"] == "undated").sum())
    return out


def ratio_path(panel: pd.DataFrame, comparator: str = COMPARATOR_AREA) -> pd.DataFrame:
    """Hanoi / comparator rent ratio by year, R_t, from the rent panel; ``status`` is 'sourced'
    only when both rents are sourced that year, else it names what was filled.
    """
    h = panel[panel["area"] == FACT_NAMES[HANOI]].set_index("year")
    c = panel[panel["area"] == comparator].set_index("year")
    if h.empty or c.empty:  # e.g. a real-time vintage before either is published
        return pd.DataFrame(columns=["year", "hanoi_rent", "comparator_rent", "ratio", "status"])
    out = pd.DataFrame({"hanoi_rent": h["rent"], "comparator_rent": c["rent"]})
    out["ratio"] = out["hanoi_rent"] / out["comparator_rent"]
    out["status"] = [("sourced" if a == b == "sourced" else f"Hanoi {a}, comparator {b}")
                     for a, b in zip(h["status"], c["status"], strict=True)]
    return out.reset_index()


def wage_panel(regions: pd.DataFrame, codes: tuple[str, ...], years: tuple[int, ...] = CHOICE_YEARS
               ) -> pd.DataFrame:
    """Monthly minimum wage (VND) of each province's highest region by year, by the rules of
    :data:`WAGE_RULES`. Columns: gso_code, year, wage_vnd, region, status, decrees.

    Raises
    ------
    ParameterError
        When a province in ``codes`` has no row in the regions table (every alternative needs a wage).
    """
    missing = sorted(set(codes) - set(regions["gso_code"]))
    if missing:
        raise ParameterError(f"minimum_wage_region_by_province.csv has no region for province(s) {', '.join(missing)}")
    rows = []
    spans = regions.assign(start=pd.to_datetime(regions["effective_from"]),
                           end=pd.to_datetime(regions["effective_to"].fillna("2099-12-31")))
    first = int(spans["start"].min().year)
    for code in codes:
        own = spans[spans["gso_code"] == code]
        for y in years:
            status = "sourced" if y >= first else "carried back"
            read = max(y, first)  # a year before the first decree reads the first decree's year
            days = ((own["end"].clip(upper=pd.Timestamp(read, 12, 31))
                     - own["start"].clip(lower=pd.Timestamp(read, 1, 1))).dt.days + 1).clip(lower=0)
            if days.sum() < 365:
                raise ParameterError(f"minimum_wage_region_by_province.csv: province {code} is not covered for all "
                                     f"of {read}")
            used = own[days > 0]
            rows.append({"gso_code": code, "year": y, "wage_vnd": float(np.average(
                used["highest_region_monthly_vnd"], weights=days[days > 0])),
                "region": "/".join(dict.fromkeys(used["highest_region"])), "status": status,
                "decrees": ", ".join(dict.fromkeys(used["decree"]))})
    return pd.DataFrame(rows)


def choice_attributes(rents: pd.DataFrame, regions: pd.DataFrame, centroids: pd.DataFrame, pci: pd.DataFrame,
                      years: tuple[int, ...] = CHOICE_YEARS) -> pd.DataFrame:
    """Hà Nội and every neighbour with a sourced rent and a minimum-wage region, by year: lease
    index (rent / the northern average that year; Hà Nội's is the lease ratio R_t), wage index
    (minimum wage / Hà Nội's), distance from Hà Nội (100 km, centroids) and PCI 2016 land access,
    with the status of each filled cell. Neighbours left out, and why, are in ``attrs["left_out"]``.
    """
    panel = rent_panel(rents, years)
    have_rent = set(panel["area"])
    keep, left_out = [HANOI], []
    for code, name in NEIGHBOURS.items():
        if FACT_NAMES[code] not in have_rent:
            left_out.append(f"{name} ({code}): no sourced industrial-park rent")
        elif code not in set(regions["gso_code"]):
            left_out.append(f"{name} ({code}): no minimum-wage region in minimum_wage_region_by_province.csv, which "
                            "covers Hà Nội and its nine bordering provinces")
        else:
            keep.append(code)
    comparator = panel[panel["area"] == COMPARATOR_AREA].set_index("year")
    if comparator.empty:
        raise ParameterError(f"no rent for the comparator area {COMPARATOR_AREA!r} among these facts")
    wages = wage_panel(regions, tuple(keep), years).set_index(["gso_code", "year"])
    c = centroids.set_index("gso_code")
    dist = haversine_km(c.loc[keep, "centroid_lat"].to_numpy(), c.loc[keep, "centroid_lon"].to_numpy(),
                        float(c.loc[HANOI, "centroid_lat"]), float(c.loc[HANOI, "centroid_lon"])) / 100
    rows = []
    for code, d in zip(keep, dist, strict=True):
        own = panel[panel["area"] == FACT_NAMES[code]].set_index("year")
        for y in years:
            w, hw = wages.loc[(code, y)], wages.loc[(HANOI, y)]
            rows.append({"province": code, "name": "Hà Nội" if code == HANOI else NEIGHBOURS[code], "year": y,
                         "lease_index": own.loc[y, "rent"] / comparator.loc[y, "rent"],
                         "wage_index": w["wage_vnd"] / hw["wage_vnd"], "dist_100km": float(d),
                         "land_access": land_access(pci, code), "rent_usd_m2": own.loc[y, "rent"],
                         "comparator_rent_usd_m2": comparator.loc[y, "rent"],
                         "rent_status": own.loc[y, "status"], "comparator_status": comparator.loc[y, "status"],
                         "wage_status": w["status"], "decrees": w["decrees"]})
    out = pd.DataFrame(rows)
    out.attrs["left_out"] = left_out
    return out


def load_choice_attributes(facts: pd.DataFrame, years: tuple[int, ...] = CHOICE_YEARS) -> pd.DataFrame:
    """:func:`choice_attributes` from the raw tables and the given facts (their rent rows)."""
    return choice_attributes(rents_table(facts), load_table("minimum_wage_regions"), load_table("province_centroids"),
                             load_table("pci_subindices"), years)


def attribute_arrays(attrs: pd.DataFrame, years: np.ndarray) -> dict[str, np.ndarray]:
    """Places (Hà Nội first) and their attributes as years x places arrays (constant ones as places)."""
    places = list(dict.fromkeys(attrs["province"]))
    wide = {k: attrs.pivot(index="year", columns="province", values=k).reindex(index=years, columns=places)
            for k in ("lease_index", "wage_index")}
    const = attrs.drop_duplicates("province").set_index("province").loc[places]
    return {"places": np.array(places, dtype=object), "lease": wide["lease_index"].to_numpy(),
            "wage": wide["wage_index"].to_numpy(), "dist": const["dist_100km"].to_numpy(),
            "access": const["land_access"].to_numpy()}
