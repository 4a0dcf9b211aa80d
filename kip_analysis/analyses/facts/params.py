"""Parameters of the programme-facts analysis (``01_programme_facts``), validated.

May import: config, checks, data.choice, data.processed. The memo batch calls :func:`validate` in the parent
process before any kernel starts; the notebook calls the same function.
"""

from __future__ import annotations

from dataclasses import dataclass

from kip_analysis import config
from kip_analysis.checks import check_choice, check_vintage, check_year
from kip_analysis.data import processed
from kip_analysis.data.choice import SOURCE_PREFERENCES


@dataclass(frozen=True)
class FactsParams:
    """Validated parameters of ``01_programme_facts``."""

    as_of_year: int
    vintage: str
    source_preference: str
    results_path: str


def validate(as_of_year: int = config.LAST_YEAR, vintage: str = "real_time", source_preference: str = "low",
             results_path: str = "") -> FactsParams:
    """Validate the parameters of ``01_programme_facts``.

    Examples
    --------
    >>> validate(2020, "real_time", "low").as_of_year
    2020
    >>> validate(2030, "real_time", "low")
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: as_of_year=2030 is out of range; allowed years: 2018-2026
    """
    year = check_year("as_of_year", as_of_year)
    return FactsParams(year, check_vintage(year, vintage, processed.first_real_time_year()),
                       check_choice("source_preference", source_preference, SOURCE_PREFERENCES),
                       str(results_path))
