"""Notebook parameters: declared once in each notebook's ``parameters`` cell, validated here
before any work, with errors that list the allowed values.
"""

from __future__ import annotations

from dataclasses import dataclass

from kip_analysis import config
from kip_analysis.errors import ParameterError
from kip_analysis.selection import SOURCE_PREFERENCES

#: Allowed years for ``as_of_year`` / ``memo_year``.
YEARS: tuple[int, ...] = tuple(range(config.FIRST_YEAR, config.LAST_YEAR + 1))


def check_year(name: str, value: object) -> int:
    """``value`` as a memo year, or a :class:`ParameterError` naming the allowed range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{name}={value!r} must be an integer year {YEARS[0]}-{YEARS[-1]}")
    if value not in YEARS:
        raise ParameterError(f"{name}={value} is out of range; allowed years: {YEARS[0]}-{YEARS[-1]}")
    return value


def check_choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``, else a :class:`ParameterError` listing them."""
    if value not in allowed:
        raise ParameterError(f"{name}={value!r} is not allowed; expected one of {', '.join(allowed)}")
    return str(value)


@dataclass(frozen=True)
class FactsParams:
    """Validated parameters of ``01_programme_facts``."""

    as_of_year: int
    source_preference: str
    results_path: str


def validate_facts(as_of_year: int, source_preference: str, results_path: str = "") -> FactsParams:
    """Validate the parameters of ``01_programme_facts``.

    Examples
    --------
    >>> validate_facts(2020, "low").as_of_year
    2020
    >>> validate_facts(2030, "low")
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: as_of_year=2030 is out of range; allowed years: 2018-2025
    """
    return FactsParams(
        as_of_year=check_year("as_of_year", as_of_year),
        source_preference=check_choice("source_preference", source_preference, SOURCE_PREFERENCES),
        results_path=str(results_path),
    )


@dataclass(frozen=True)
class TargetsParams:
    """Validated parameters of ``03_targets``."""

    as_of_year: int
    target_year: int
    scenario: str
    n_draws: int
    source_preference: str
    results_path: str


def validate_targets(as_of_year: int, target_year: int, scenario: str, n_draws: int,
                     source_preference: str, results_path: str = "") -> TargetsParams:
    """Validate the parameters of ``03_targets``.

    Examples
    --------
    >>> validate_targets(2022, 2021, "baseline", 1000, "low")
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: target_year=2021 is before as_of_year=2022; allowed: 2022-2030
    """
    from kip_analysis.scenarios import check_scenario

    as_of = check_year("as_of_year", as_of_year)
    if isinstance(target_year, bool) or not isinstance(target_year, int) or not as_of <= target_year <= 2030:
        raise ParameterError(f"target_year={target_year!r} is before as_of_year={as_of}; allowed: {as_of}-2030"
                             if isinstance(target_year, int) and target_year < as_of
                             else f"target_year={target_year!r}: expected an integer year {as_of}-2030")
    if isinstance(n_draws, bool) or not isinstance(n_draws, int) or not 100 <= n_draws <= 200_000:
        raise ParameterError(f"n_draws={n_draws!r}: expected an integer 100-200000")
    return TargetsParams(as_of, target_year, check_scenario(scenario), n_draws,
                         check_choice("source_preference", source_preference, SOURCE_PREFERENCES),
                         str(results_path))


@dataclass(frozen=True)
class LandParams:
    """Validated parameters of ``04_land_relocation``."""

    data_source: str
    lease_ratio: float
    subsidy_share: float
    memo_year: int
    n_draws: int
    results_path: str


def validate_land(data_source: str, lease_ratio: float, subsidy_share: float, memo_year: int, n_draws: int,
                  results_path: str = "") -> LandParams:
    """Validate the parameters of ``04_land_relocation``.

    Examples
    --------
    >>> validate_land("simulated", -1.0, 0.5, 2025, 500)
    Traceback (most recent call last):
    ...
    kip_analysis.errors.ParameterError: lease_ratio=-1.0: expected a positive number (Hanoi / neighbours)
    """
    from kip_analysis.land import check_lease_ratio, check_subsidy_share

    if isinstance(n_draws, bool) or not isinstance(n_draws, int) or not 50 <= n_draws <= 100_000:
        raise ParameterError(f"n_draws={n_draws!r}: expected an integer 50-100000")
    return LandParams(str(data_source), check_lease_ratio(lease_ratio), check_subsidy_share(subsidy_share),
                      check_year("memo_year", memo_year), n_draws, str(results_path))


@dataclass(frozen=True)
class EffectsParams:
    """Validated parameters of ``02_programme_effects``."""

    data_source: str
    outcome: str
    control_group: str
    covariates: tuple[str, ...]
    anticipation: int
    memo_year: int
    n_boot: int
    results_path: str


def validate_effects(data_source: str, outcome: str, control_group: str, covariates: str, anticipation: int,
                     memo_year: int, n_boot: int, results_path: str = "") -> EffectsParams:
    """Validate the parameters of ``02_programme_effects``; ``covariates`` is ``a + b`` or empty.

    Examples
    --------
    >>> validate_effects("simulated", "log_revenue", "notyettreated", "size_2010 + fdi", 0, 2025, 199).covariates
    ('size_2010', 'fdi')
    """
    from kip_analysis.effects import CONTROL_GROUPS, COVARIATES, OUTCOMES

    names = tuple(c.strip() for c in covariates.split("+") if c.strip()) if covariates else ()
    unknown = [c for c in names if c not in COVARIATES]
    if unknown:
        raise ParameterError(f"covariates {unknown} are not allowed; expected some of {', '.join(COVARIATES)}")
    if isinstance(anticipation, bool) or not isinstance(anticipation, int) or not 0 <= anticipation <= 3:
        raise ParameterError(f"anticipation={anticipation!r}: expected 0-3 periods")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or not (n_boot == 0 or 99 <= n_boot <= 9999):
        raise ParameterError(f"n_boot={n_boot!r}: expected 0 (no bootstrap) or 99-9999")
    return EffectsParams(str(data_source), check_choice("outcome", outcome, tuple(OUTCOMES)),
                         check_choice("control_group", control_group, CONTROL_GROUPS), names, anticipation,
                         check_year("memo_year", memo_year), n_boot, str(results_path))
