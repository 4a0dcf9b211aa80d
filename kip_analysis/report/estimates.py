"""Typed estimates: the numbers an analysis publishes, from which every sentence, table cell,
index entry, CSV row and translation is rendered.

May import: io. An :class:`Estimate` holds a value (a number, or a word for a verdict), its
interval, unit, the fact ids it rests on, whether it is SIMULATED, its vintage, its status and
the warnings raised while computing it. The statuses keep apart what a reader must never
confuse:

- ``actual``: a sourced figure, or a sum of sourced figures;
- ``estimate``: built from sourced figures and stated assumptions (carried forward, imputed,
  back-cast, modelled from public data); it has a band where the assumptions give one;
- ``forecast``: about a year after the memo's data;
- ``check``: a statement about the SIMULATED panel (a check of a method, never a finding).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from kip_analysis.io import plain

#: The statuses an estimate may have (see the module docstring).
STATUSES: tuple[str, ...] = ("actual", "estimate", "forecast", "check")
#: Version of the ``results.json`` layout (bumped when a field changes meaning).
SCHEMA_VERSION: int = 1
#: A fact id as the raw tables write it (a001 … e999 for articles; w, s and n001 … n999 for web rows).
FACT_ID = re.compile(r"\b([a-e]\d{3}|[wsnv]\d{3})\b")


class EstimateError(ValueError):
    """An estimate breaks the contract (bad key, status, interval, or unlabelled simulation)."""


@dataclass(frozen=True)
class Estimate:
    """One published number (or verdict word) with everything a reader needs to weigh it.

    Examples
    --------
    >>> e = Estimate("targets.d008.share", "KIP share of city exports, 2025", 13.1, "%", 10.2, 16.0, 0.9,
    ...              ("w023", "w058"), status="estimate")
    >>> e.has_interval, e.analysis, e.name
    (True, 'targets', 'd008.share')
    >>> Estimate.from_dict(e.to_dict()) == e
    True
    """

    key: str
    label: str
    value: float | str | bool | None
    unit: str = ""
    low: float | None = None
    high: float | None = None
    level: float | None = None
    fact_ids: tuple[str, ...] = ()
    simulated: bool = False
    vintage: str = "latest"
    status: str = "actual"
    warnings: tuple[str, ...] = ()
    note: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("value", "low", "high", "level"):  # numpy scalars to Python, so JSON and tests see one type
            v = getattr(self, name)
            if hasattr(v, "item") and not isinstance(v, str):
                object.__setattr__(self, name, v.item())
        for name in ("low", "high"):
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, float(v))
        if "." not in self.key or not self.key.split(".", 1)[0]:
            raise EstimateError(f"estimate {self.key!r}: the key is namespaced by its analysis ('targets.d008')")
        if self.status not in STATUSES:
            raise EstimateError(f"estimate {self.key!r}: status {self.status!r} is not one of {STATUSES}")
        if self.simulated and self.status != "check":
            raise EstimateError(f"estimate {self.key!r} rests on the SIMULATED panel: its status must be 'check'")
        if (self.low is None) != (self.high is None):
            raise EstimateError(f"estimate {self.key!r}: an interval needs both ends")
        if self.low is not None:
            if self.level is None:
                raise EstimateError(f"estimate {self.key!r}: an interval needs its level (e.g. 0.95)")
            if not (math.isnan(self.low) or math.isnan(self.high)) and self.low > self.high:
                raise EstimateError(f"estimate {self.key!r}: interval low {self.low} above high {self.high}")
        bad = [f for f in self.fact_ids if not FACT_ID.fullmatch(f)]
        if bad:
            raise EstimateError(f"estimate {self.key!r}: {bad} are not fact ids")

    @property
    def analysis(self) -> str:
        """The analysis that published it (the key's first part)."""
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        """The key without its analysis."""
        return self.key.split(".", 1)[1]

    @property
    def has_interval(self) -> bool:
        """Whether both ends of an interval are known."""
        return self.low is not None and not (math.isnan(self.low) or math.isnan(self.high))

    @property
    def number(self) -> float | None:
        """The value as a float (None for a word or a missing value)."""
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            return None
        return None if math.isnan(self.value) else float(self.value)

    def to_dict(self) -> dict:
        """JSON-safe form."""
        d = asdict(self)
        d["fact_ids"], d["warnings"] = list(self.fact_ids), list(self.warnings)
        return plain(d)

    @classmethod
    def from_dict(cls, d: dict) -> Estimate:
        """Inverse of :meth:`to_dict`."""
        return cls(**{**d, "fact_ids": tuple(d.get("fact_ids", ())), "warnings": tuple(d.get("warnings", ())),
                      "extra": dict(d.get("extra") or {})})


def fact_ids_in(*texts: str) -> tuple[str, ...]:
    """The fact ids named in some texts, sorted and unique ("w033+w034" gives both).

    Examples
    --------
    >>> fact_ids_in("sum of rounds: w010 w014", "b003+b004")
    ('b003', 'b004', 'w010', 'w014')
    """
    return tuple(sorted({f for t in texts for f in FACT_ID.findall(str(t))}))


def by_key(estimates: list[Estimate] | tuple[Estimate, ...]) -> dict[str, Estimate]:
    """Estimates by key; a key published twice is an error (one number, one place).

    Examples
    --------
    >>> by_key([Estimate("a.x", "x", 1.0)])["a.x"].value
    1.0
    """
    out: dict[str, Estimate] = {}
    for e in estimates:
        if e.key in out:
            raise EstimateError(f"estimate {e.key!r} is published twice")
        out[e.key] = e
    return out
