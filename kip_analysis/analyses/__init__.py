"""The four analyses, one folder per numbered notebook, each with its validated parameters,
its computation and its :class:`~kip_analysis.report.section.Section`.

May import: config, errors, checks, io, versions, data, estimators, report (never batch).
"""

from __future__ import annotations

from collections.abc import Callable

from kip_analysis.analyses.effects import params as effects_params
from kip_analysis.analyses.facts import params as facts_params
from kip_analysis.analyses.land import params as land_params
from kip_analysis.analyses.targets import params as targets_params

#: Each analysis notebook's parameter validator: the batch calls it before any kernel starts.
VALIDATORS: dict[str, Callable[..., object]] = {
    "01_programme_facts": facts_params.validate,
    "02_programme_effects": effects_params.validate,
    "03_targets": targets_params.validate,
    "04_land_relocation": land_params.validate,
}
