"""Named scenarios the memo batch runs. Each analysis notebook that takes a ``scenario``
parameter reads its levers from here; ``baseline`` is the sources' plan as published.
"""

from __future__ import annotations

from kip_analysis.errors import ParameterError

#: Scenario name -> one-line description shown in the memo.
SCENARIOS: dict[str, str] = {
    "baseline": "the programme as published: sourced rounds and targets, no policy change",
}
NAMES: tuple[str, ...] = tuple(SCENARIOS)
DEFAULT: str = "baseline"


def check_scenario(name: str) -> str:
    """``name`` if it is a defined scenario, else a :class:`ParameterError` listing them."""
    if name not in SCENARIOS:
        raise ParameterError(f"scenario {name!r} is not defined; expected one of {', '.join(NAMES)}")
    return name
