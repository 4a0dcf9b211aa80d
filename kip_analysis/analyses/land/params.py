"""Parameters of the land-lease and relocation analysis (``04_land_relocation``), validated.

May import: config, checks, errors, data.processed. The memo batch calls :func:`validate` in the parent process
before any kernel starts; the notebook calls the same function.
"""

from __future__ import annotations

from dataclasses import dataclass

from kip_analysis import config
from kip_analysis.checks import check_data_source, check_int, check_number, check_vintage, check_year
from kip_analysis.data import processed

#: Default Hanoi / neighbour lease ratio: midpoint of source 001's "1.5-2 times" (fact a008).
DEFAULT_LEASE_RATIO: float = 1.75


def check_lease_ratio(ratio: object) -> float:
    """A lease ratio is a positive number (Hanoi rent / neighbours' rent).

    Examples
    --------
    >>> check_lease_ratio(-1.0)
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: lease_ratio=-1.0: expected a positive number (Hanoi / neighbours)
    """
    return check_number("lease_ratio", ratio, 1e-9, 1e3, "a positive number (Hanoi / neighbours)")


def check_subsidy_share(share: object) -> float:
    """A subsidy closes a share of the lease gap between 0 (none) and 1 (all)."""
    return check_number("subsidy_share", share, 0.0, 1.0, "a share of the gap between 0 and 1")


@dataclass(frozen=True)
class LandParams:
    """Validated parameters of ``04_land_relocation``."""

    data_source: str
    vintage: str
    lease_ratio: float
    subsidy_share: float
    memo_year: int
    n_draws: int
    results_path: str


def validate(data_source: str = "simulated", vintage: str = "real_time", lease_ratio: float = DEFAULT_LEASE_RATIO,
             subsidy_share: float = 0.5, memo_year: int = config.LAST_YEAR, n_draws: int = 500,
             results_path: str = "") -> LandParams:
    """Validate the parameters of ``04_land_relocation``.

    Examples
    --------
    >>> validate("simulated", "real_time", 1.75, 0.5, 2025, 10)
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: n_draws=10: expected an integer 50-100000
    """
    year = check_year("memo_year", memo_year)
    return LandParams(check_data_source(data_source), check_vintage(year, vintage, processed.first_real_time_year()),
                      check_lease_ratio(lease_ratio), check_subsidy_share(subsidy_share), year,
                      check_int("n_draws", n_draws, 50, 100_000), str(results_path))
