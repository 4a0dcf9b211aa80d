"""The four analyses, one folder per numbered notebook, each with its validated parameters,
its computation and its :class:`~kip_analysis.report.section.Section`.

May import: config, errors, checks, io, versions, data, estimators, report (never batch).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

#: The module holding each analysis notebook's parameter validator (imported when first asked for, so
#: a notebook importing one analysis does not import the other three).
VALIDATOR_MODULES: dict[str, str] = {
    "01_programme_facts": "kip_analysis.analyses.facts.params",
    "02_programme_effects": "kip_analysis.analyses.effects.params",
    "03_targets": "kip_analysis.analyses.targets.params",
    "04_land_relocation": "kip_analysis.analyses.land.params",
}

#: The notebooks whose runs for two memo years can share work through the disk cache, and the module whose
#: ``same_work(list of params)`` names it for each (equal values: the same cached work; None: none shared).
SAME_WORK_MODULES: dict[str, str] = {"02_programme_effects": "kip_analysis.analyses.effects.work",
                                     "04_land_relocation": "kip_analysis.analyses.land.work"}


def __getattr__(name: str) -> dict[str, Callable[..., object]]:
    """``VALIDATORS``: each analysis notebook's parameter validator (the batch calls it before any kernel starts);
    ``SAME_WORK``: the ``same_work`` functions of :data:`SAME_WORK_MODULES`.
    """
    if name == "VALIDATORS":
        return {notebook: importlib.import_module(module).validate for notebook, module in VALIDATOR_MODULES.items()}
    if name == "SAME_WORK":
        return {notebook: importlib.import_module(module).same_work for notebook, module in SAME_WORK_MODULES.items()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
