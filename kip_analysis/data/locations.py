"""The places Hanoi firms choose among and their attributes by year: industrial-park rents (the
consultants' figures made into an area x year panel), the regional minimum wage by province and
decree, and the distance from Hà Nội (centroids). The SIMULATED panel's location choice and the
relocation models both read them from here, so the simulation and the estimator see the same data.

May import: config, errors, data.geography, data.raw, data.rents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.data.geography import FACT_NAMES, HANOI, NEIGHBOURS, land_access, rents_table
from kip_analysis.data.raw import load_table
from kip_analysis.data.rents import COMPARATORS, lease_indices, like_for_like
from kip_analysis.errors import ParameterError

EARTH_RADIUS_KM = 6371.0
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
                      years: tuple[int, ...] = CHOICE_YEARS, occupancy: pd.DataFrame | None = None) -> pd.DataFrame:
    """Hà Nội and the neighbours with a like-for-like rent (:mod:`kip_analysis.data.rents`), by year:
    lease index (rent / the comparators' mean in the same consultant's same-period figures; Hà Nội's
    is R_t), wage index (minimum wage / Hà Nội's), distance from Hà Nội (100 km, centroids), PCI
    2016 land access and, where the same consultant gives it for the same period, industrial-park
    occupancy (percent), with the status of each filled cell. Neighbours left out, and why, are in
    ``attrs["left_out"]``; consultant-periods left out of the ratios in ``attrs["rents_excluded"]``.

    Raises
    ------
    ParameterError
        When no consultant gives Hà Nội and its neighbours for one period (no like-for-like ratio).
    """
    ratios = like_for_like(rents)
    if ratios.empty:
        raise ParameterError("no consultant gives Hà Nội's and its neighbours' industrial-park rents for one period "
                             "among these facts: no like-for-like lease ratio (rules in kip_analysis.data.rents)")
    leases = lease_indices(ratios, years).set_index(["gso_code", "year"])
    keep, left_out = [HANOI], []
    for code, name in NEIGHBOURS.items():
        if code not in COMPARATORS:
            left_out.append(f"{name} ({code}): no rent from the consultant and period that give Hà Nội's (like for "
                            "like)")
        elif code not in set(regions["gso_code"]):
            left_out.append(f"{name} ({code}): no minimum-wage region in minimum_wage_region_by_province.csv, which "
                            "covers Hà Nội and its nine bordering provinces (its rent still counts in the comparators' "
                            "mean)")
        else:
            keep.append(code)
    occ = {}
    if occupancy is not None and len(occupancy):
        occ = {(r.consultant, str(r.period), r.province): float(r.midpoint) for r in occupancy.itertuples()}
    wages = wage_panel(regions, tuple(keep), years).set_index(["gso_code", "year"])
    c = centroids.set_index("gso_code")
    dist = haversine_km(c.loc[keep, "centroid_lat"].to_numpy(), c.loc[keep, "centroid_lon"].to_numpy(),
                        float(c.loc[HANOI, "centroid_lat"]), float(c.loc[HANOI, "centroid_lon"])) / 100
    rows = []
    for code, d in zip(keep, dist, strict=True):
        for y in years:
            w, hw, lease = wages.loc[(code, y)], wages.loc[(HANOI, y)], leases.loc[(code, y)]
            consultant, period = lease["rent_source"].split(" ", 1)
            rows.append({"province": code, "name": "Hà Nội" if code == HANOI else NEIGHBOURS[code], "year": y,
                         "lease_index": lease["lease_index"], "wage_index": w["wage_vnd"] / hw["wage_vnd"],
                         "dist_100km": float(d), "land_access": land_access(pci, code),
                         "occupancy_pct": occ.get((consultant, period, FACT_NAMES[code]), np.nan),
                         "rent_usd_m2": lease["rent_usd_m2"],
                         "comparators_mean_usd_m2": lease["comparators_mean_usd_m2"],
                         "rent_source": lease["rent_source"], "rent_status": lease["rent_status"],
                         "rent_facts": lease["rent_facts"], "wage_status": w["status"], "decrees": w["decrees"]})
    out = pd.DataFrame(rows)
    out.attrs["left_out"] = left_out
    out.attrs["rents_excluded"] = list(ratios.attrs["excluded"])
    return out


def load_choice_attributes(facts: pd.DataFrame, years: tuple[int, ...] = CHOICE_YEARS) -> pd.DataFrame:
    """:func:`choice_attributes` from the raw tables and the given facts (their rent and occupancy rows)."""
    return choice_attributes(rents_table(facts), load_table("minimum_wage_regions"), load_table("province_centroids"),
                             load_table("pci_subindices"), years, rents_table(facts, "ip_occupancy"))


def attribute_arrays(attrs: pd.DataFrame, years: np.ndarray) -> dict[str, np.ndarray]:
    """Places (Hà Nội first) and their attributes as years x places arrays (constant ones as places)."""
    places = list(dict.fromkeys(attrs["province"]))
    columns = ("lease_index", "wage_index") + (("occupancy_pct",) if "occupancy_pct" in attrs else ())
    wide = {k: attrs.pivot(index="year", columns="province", values=k).reindex(index=years, columns=places)
            for k in columns}
    const = attrs.drop_duplicates("province").set_index("province").loc[places]
    occupancy = wide["occupancy_pct"].to_numpy() if "occupancy_pct" in wide else np.full((len(years), len(places)),
                                                                                        np.nan)
    return {"places": np.array(places, dtype=object), "lease": wide["lease_index"].to_numpy(),
            "wage": wide["wage_index"].to_numpy(), "dist": const["dist_100km"].to_numpy(),
            "access": const["land_access"].to_numpy(), "occupancy": occupancy}
