"""Units the raw tables may use, and conversion to one canonical unit per dimension.

A raw row keeps the unit its source used ("VND trillion", "USD million"); code that
compares figures converts them with :func:`to_canonical` so that VND200 trillion and
VND200,000 billion are seen to be the same figure.

May import: nothing from the package.
"""

from __future__ import annotations

#: unit -> (canonical unit, factor to multiply by).
CANONICAL: dict[str, tuple[str, float]] = {
    "products": ("products", 1.0),
    "firms": ("firms", 1.0),
    "percent": ("percent", 1.0),
    "percent yoy": ("percent yoy", 1.0),
    "percent per year": ("percent per year", 1.0),
    "percentage points": ("percentage points", 1.0),
    "percent of GRDP": ("percent of GRDP", 1.0),
    "VND billion": ("VND billion", 1.0),
    "VND trillion": ("VND billion", 1000.0),
    "USD million": ("USD million", 1.0),
    "USD billion": ("USD million", 1000.0),
    "years": ("years", 1.0),
    "times": ("times", 1.0),
    "USD per m2 per lease term": ("USD per m2 per lease term", 1.0),
}

UNITS: tuple[str, ...] = tuple(CANONICAL)

#: Units that count things: values must be whole and non-negative.
COUNT_UNITS: frozenset[str] = frozenset({"products", "firms"})

#: Units of a share of something: values must lie in [0, 100].
SHARE_UNITS: frozenset[str] = frozenset({"percent"})


def to_canonical(value: float, unit: str) -> tuple[float, str]:
    """Convert ``value`` in ``unit`` to the canonical unit of its dimension.

    Examples
    --------
    >>> to_canonical(200, "VND trillion")
    (200000.0, 'VND billion')
    """
    try:
        canonical, factor = CANONICAL[unit]
    except KeyError:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}") from None
    return value * factor, canonical
