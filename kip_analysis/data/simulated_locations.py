"""The SIMULATED location choice of Hanoi firms: each year every firm still in Hà Nội chooses
among Hà Nội and the neighbours with sourced rents and minimum-wage regions, by a conditional
logit on the year's data (:func:`kip_analysis.data.locations.choice_attributes`). Choosing a
neighbour is a relocation, and the firm stays there.

May import: data.locations.

The true utility (McFadden 1974) of firm i for place j in year t is

    U_ijt = a_j + b_lease lease_jt land_i + b_wage wage_jt labour_i + b_ds dist_j size_it
            + 1[j = H] (b_kip KIP_it + b_size size_it) + Gumbel,

with place constants a_H = ``hanoi`` and a_j = ``distance`` dist_j + ``land_access`` access_j
for a neighbour j. ``lease_jt`` is the place's rent over the northern average in t (Hà Nội's is
the lease ratio R_t, which moves with the sourced rents), ``wage_jt`` its minimum wage over
Hà Nội's; ``land_i`` and ``labour_i`` are the firm's land and labour intensity relative to the
average firm; ``size_it`` is last year's log revenue standardised among the firms alive then and now.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kip_analysis.data.locations import attribute_arrays


@dataclass(frozen=True)
class ChoiceParameters:
    """True coefficients of the SIMULATED location choice (assumed; none is sourced)."""

    hanoi: float = 8.9  # staying in Hanoi (moving costs, networks): about 0.5-1% of firms move a year
    lease: float = -1.0  # x lease index x land intensity
    wage: float = -2.0  # x wage index x labour intensity
    dist_size: float = 0.5  # x distance (100 km) x size: large firms go further
    distance: float = -1.0  # neighbour constant: x distance (100 km)
    land_access: float = 0.3  # neighbour constant: x PCI 2016 land access
    kip_hanoi: float = 0.8  # recognition in force keeps a firm in Hanoi
    size_hanoi: float = 0.15  # x size: large firms stay


def place_constants(p: ChoiceParameters, a: dict[str, np.ndarray]) -> np.ndarray:
    """a_j: the Hanoi constant, and distance and land access for the neighbours."""
    const = p.distance * a["dist"] + p.land_access * a["access"]
    const[0] = p.hanoi
    return const


def simulate_locations(rng: np.random.Generator, p: ChoiceParameters, attrs: pd.DataFrame, years: np.ndarray,
                       alive: np.ndarray, log_revenue: np.ndarray, land_rel: np.ndarray, labour_rel: np.ndarray,
                       in_force: np.ndarray, first_choice_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Each firm's province by year and the year it moved (firms x years), from the conditional logit."""
    a = attribute_arrays(attrs, years)
    const = place_constants(p, a)
    n, m = len(land_rel), len(a["places"])
    province = np.full((n, len(years)), a["places"][0], dtype=object)
    moved = np.zeros((n, len(years)), dtype=bool)
    in_hanoi = np.ones(n, dtype=bool)
    for t in np.flatnonzero(years >= first_choice_year):
        both = alive[:, t - 1] & alive[:, t]
        lag = log_revenue[both, t - 1]
        size = (log_revenue[:, t - 1] - lag.mean()) / lag.std()
        utility = (const[None, :] + p.lease * a["lease"][t][None, :] * land_rel[:, None]
                   + p.wage * a["wage"][t][None, :] * labour_rel[:, None]
                   + p.dist_size * a["dist"][None, :] * size[:, None] + rng.gumbel(0, 1, (n, m)))
        utility[:, 0] += p.kip_hanoi * in_force[:, t] + p.size_hanoi * size
        move = in_hanoi & both & (utility.argmax(axis=1) > 0)
        if move.any():
            province[move, t:] = a["places"][utility[move].argmax(axis=1)][:, None]
            moved[move, t] = True
            in_hanoi &= ~move
    return province, moved


def true_coefficients(p: ChoiceParameters, attrs: pd.DataFrame, reference: str) -> dict[str, float]:
    """The truth in the estimator's parameterisation: place constants relative to ``reference``
    (``asc_<code>``; Hà Nội's is ``asc_hanoi``) and the slopes by their term names.
    """
    a = attribute_arrays(attrs, np.array(sorted(attrs["year"].unique())))
    const = dict(zip(a["places"], place_constants(p, a), strict=True))
    out = {("asc_hanoi" if i == 0 else f"asc_{code}"): float(const[code] - const[reference])
           for i, code in enumerate(a["places"]) if code != reference}
    return out | {"lease_x_land": p.lease, "wage_x_labour": p.wage, "dist_x_size": p.dist_size,
                  "kip_x_hanoi": p.kip_hanoi, "size_x_hanoi": p.size_hanoi}
