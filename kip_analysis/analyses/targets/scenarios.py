"""Named scenarios: the levers the targets forecast (and later analyses) read.

``baseline`` is the programme as published: recognitions per round from the latest plan
known at the forecast date, recognised products growing at the 2018-2020 target rate,
no renewals beyond the three-year validity, no relocations, denominators from the chosen
time-series model. The other scenarios move one lever each.

May import: errors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kip_analysis.errors import ParameterError


@dataclass(frozen=True)
class Levers:
    """What a scenario sets.

    Attributes
    ----------
    products_scale
        Multiplier on the planned recognitions per round (1 = as planned).
    product_growth
        Mean yearly growth of a recognised product's revenue and exports.
    growth_sd
        Standard deviation of that growth across Monte Carlo draws (parameter uncertainty).
    renewal_rate
        Share of a round's products recognised again when their three years end.
    exit_rate
        Yearly share of recognised products' revenue lost to exits or relocation.
    denominator_shift
        Percentage points added to the simulated yearly growth of the city's industrial
        production and exports.
    """

    products_scale: float = 1.0
    product_growth: float = 0.095
    growth_sd: float = 0.05
    renewal_rate: float = 0.0
    exit_rate: float = 0.0
    denominator_shift: float = 0.0

    def __post_init__(self) -> None:
        checks = {
            "products_scale": (0.0, 5.0), "product_growth": (-0.5, 1.0), "growth_sd": (0.0, 0.5),
            "renewal_rate": (0.0, 1.0), "exit_rate": (0.0, 1.0), "denominator_shift": (-20.0, 20.0),
        }
        for name, (low, high) in checks.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ParameterError(f"{name}={value} is outside the allowed range {low} to {high}")


BASE = Levers()

#: Scenario name -> (one-line description, levers).
SCENARIOS: dict[str, tuple[str, Levers]] = {
    "baseline": ("the programme as published: planned rounds, 9.5% product growth, no relocation", BASE),
    "more_recognitions": ("50% more products recognised per round than planned", replace(BASE, products_scale=1.5)),
    "fewer_recognitions": ("half the planned recognitions per round", replace(BASE, products_scale=0.5)),
    "slow_growth": ("recognised products grow 3% a year", replace(BASE, product_growth=0.03)),
    "fast_growth": ("recognised products grow 15% a year", replace(BASE, product_growth=0.15)),
    "renewals": ("half of expiring recognitions renewed for three more years", replace(BASE, renewal_rate=0.5)),
    "relocation_pressure": ("5% of recognised revenue a year leaves the city", replace(BASE, exit_rate=0.05)),
    "estimated_relocation": ("recognised revenue leaves the city at the yearly rate the location choice model "
                             "(04_land_relocation) predicts; the rate is estimated on the SIMULATED firm panel",
                             BASE),
}
#: Scenarios whose exit rate comes from the land module at run time
#: (see kip_analysis.analyses.land.relocation.kip_exit_rate).
FROM_LAND_MODULE: frozenset[str] = frozenset({"estimated_relocation"})
NAMES: tuple[str, ...] = tuple(SCENARIOS)
DEFAULT: str = "baseline"


def check_scenario(name: str) -> str:
    """``name`` if it is a defined scenario, else a :class:`ParameterError` listing them."""
    if name not in SCENARIOS:
        raise ParameterError(f"scenario {name!r} is not defined; expected one of {', '.join(NAMES)}")
    return name


def levers(name: str) -> Levers:
    """The levers of scenario ``name``."""
    return SCENARIOS[check_scenario(name)][1]


def describe(name: str) -> str:
    """One-line description of scenario ``name``."""
    return SCENARIOS[check_scenario(name)][0]
