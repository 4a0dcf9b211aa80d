"""Parameters of the programme-effects analysis (``02_programme_effects``), validated.

May import: checks, errors, data.simulated_panel, estimators.did_types. The memo batch
calls :func:`validate` in the parent process before any kernel starts; the notebook calls the
same function.
"""

from __future__ import annotations

from dataclasses import dataclass

from kip_analysis import config
from kip_analysis.checks import check_choice, check_data_source, check_int, check_year
from kip_analysis.data.simulated_panel import VARIANTS
from kip_analysis.errors import ParameterError
from kip_analysis.estimators.did_types import CONTROL_GROUPS

#: Outcomes the analysis can study: log of a positive panel column, or a 0/1 indicator.
OUTCOMES: dict[str, str] = {
    "log_revenue": "revenue_vnd_bn", "log_employment": "employment", "exporter": "exports_usd_m",
}
#: Time-invariant covariates for doubly robust estimation.
COVARIATES: tuple[str, ...] = ("size_base", "fdi")


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
    n_permutations: int
    variant: str
    results_path: str


def validate(data_source: str = "simulated", outcome: str = "log_revenue", control_group: str = "notyettreated",
             covariates: str = "size_base + fdi", anticipation: int = 0, memo_year: int = config.LAST_YEAR,
             n_boot: int = 499, n_permutations: int = 199, variant: str = "conditional",
             results_path: str = "") -> EffectsParams:
    """Validate the parameters of ``02_programme_effects``; ``covariates`` is ``a + b`` or empty.

    Examples
    --------
    >>> validate("simulated", "log_revenue", "notyettreated", "size_base + fdi", 0, 2025, 199).covariates
    ('size_base', 'fdi')
    """
    names = tuple(c.strip() for c in str(covariates).split("+") if c.strip()) if covariates else ()
    unknown = [c for c in names if c not in COVARIATES]
    if unknown:
        raise ParameterError(f"covariates {unknown} are not allowed; expected some of {', '.join(COVARIATES)}")
    return EffectsParams(check_data_source(data_source), check_choice("outcome", outcome, tuple(OUTCOMES)),
                         check_choice("control_group", control_group, CONTROL_GROUPS), names,
                         check_int("anticipation", anticipation, 0, 3), check_year("memo_year", memo_year),
                         check_int("n_boot", n_boot, 99, 9999, also=(0,)),
                         check_int("n_permutations", n_permutations, 19, 9999),
                         check_choice("variant", variant, VARIANTS), str(results_path))
