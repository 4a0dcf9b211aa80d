"""Parameters of the targets analysis (``03_targets``), validated.

May import: checks, config, errors, data.choice, data.processed, analyses.targets.scenarios. The memo batch
calls :func:`validate` in the parent process before any kernel starts; the notebook calls the
same function.
"""

from __future__ import annotations

from dataclasses import dataclass

from kip_analysis import config
from kip_analysis.analyses.targets.scenarios import check_scenario
from kip_analysis.checks import check_choice, check_int, check_vintage, check_year
from kip_analysis.data import processed
from kip_analysis.data.choice import SOURCE_PREFERENCES
from kip_analysis.errors import ParameterError


@dataclass(frozen=True)
class TargetsParams:
    """Validated parameters of ``03_targets``."""

    as_of_year: int
    vintage: str
    target_year: int
    scenario: str
    n_draws: int
    source_preference: str
    results_path: str


def validate(as_of_year: int = config.LAST_YEAR, vintage: str = "real_time", target_year: int = config.LAST_YEAR,
             scenario: str = "baseline", n_draws: int = 2000, source_preference: str = "low",
             results_path: str = "") -> TargetsParams:
    """Validate the parameters of ``03_targets``.

    Examples
    --------
    >>> validate(2022, "real_time", 2021, "baseline", 1000, "low")
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: target_year=2021 is before as_of_year=2022; allowed: 2022-2030
    """
    as_of = check_year("as_of_year", as_of_year)
    last = config.HORIZON_YEAR
    if target_year == 0:  # the horizon: the last year a target may be set for
        target_year = last
    if isinstance(target_year, bool) or not isinstance(target_year, int) or not as_of <= target_year <= last:
        raise ParameterError(f"target_year={target_year!r} is before as_of_year={as_of}; allowed: {as_of}-{last}"
                             if isinstance(target_year, int) and target_year < as_of
                             else f"target_year={target_year!r}: expected an integer year {as_of}-{last}")
    return TargetsParams(as_of, check_vintage(as_of, vintage, processed.first_real_time_year()), target_year,
                         check_scenario(scenario), check_int("n_draws", n_draws, 100, 200_000),
                         check_choice("source_preference", source_preference, SOURCE_PREFERENCES),
                         str(results_path))
