"""Number formatting for tables and sentences: counts, percentages, ranges with units, and
reader-facing names of the metrics.

May import: nothing from the package.
"""

from __future__ import annotations

import math


def number(x: float) -> str:
    """A count without decimals, other numbers with one.

    Examples
    --------
    >>> number(1234.0), number(12.34)
    ('1,234', '12.3')
    """
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def pct(x: float) -> str:
    """A percentage with one decimal ("—" for a missing value).

    Examples
    --------
    >>> pct(12.345), pct(float("nan"))
    ('12.3%', '—')
    """
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1f}%"


def with_unit(low: float, high: float, unit: str) -> str:
    """A value or range with its unit.

    Examples
    --------
    >>> with_unit(33, 35, "percent"), with_unit(100, 100, "products")
    ('33–35%', '100 products')
    """
    value = number(low) if low == high else f"{number(low)}–{number(high)}"
    return f"{value}%" if unit.startswith("percent") and unit != "percentage points" else f"{value} {unit}"


def interval(low: float, high: float, digits: int = 2, scale: float = 1.0) -> str:
    """A confidence or prediction interval "[a, b]".

    Examples
    --------
    >>> interval(0.1234, 0.5678)
    '[0.12, 0.57]'
    """
    return f"[{low * scale:.{digits}f}, {high * scale:.{digits}f}]"


def metric_label(metric: str) -> str:
    """The reader-facing name of a metric (the metric id when it has none)."""
    return METRIC_LABELS.get(metric, metric)


#: Reader-facing names of the metrics that appear in memo tables.
METRIC_LABELS: dict[str, str] = {
    "kip_output_share": "KIP share of city industrial production value",
    "kip_export_share": "KIP share of city exports",
    "kip_products_cumulative": "product-recognitions (cumulative)",
    "kip_firms_cumulative": "firm-recognitions (cumulative)",
    "kip_products_recognised": "product-recognitions in the round",
    "kip_firms_expected": "firms expected to take part",
    "kip_firms_programme_scope": "firms in the programme",
    "kip_growth_premium": "KIP growth above the city industrial average",
    "kip_product_revenue_growth": "KIP products' revenue growth",
    "kip_production_value_growth": "KIP firms' production value growth",
}
