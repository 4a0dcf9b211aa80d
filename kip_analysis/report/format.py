"""Number formatting, in one place, for every sentence, table, chart, index and CSV label:
thousands separators, never scientific notation, digits matched to the interval's precision,
a collapsed range when both ends print alike ("15%", not "15–15%"), and the locale's own
separators (English 1,234.5; Vietnamese 1.234,5) through Babel.

May import: nothing from the package.
"""

from __future__ import annotations

import math

from babel.numbers import format_decimal

#: Locales the memo is written in.
LOCALES: tuple[str, ...] = ("en", "vi")


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def digits_for(*values: float, significant: int = 2) -> int:
    """Decimals that show ``significant`` figures of the smallest non-zero magnitude (0 to 6).

    Examples
    --------
    >>> digits_for(12345.6), digits_for(0.000123), digits_for(0.165, 1.889), digits_for(2.88, 78.37)
    (0, 5, 2, 1)
    """
    mags = [abs(v) for v in values if not _missing(v) and v != 0 and math.isfinite(v)]
    if not mags:
        return 0
    smallest = min(mags)
    return int(min(6, max(0, significant - 1 - math.floor(math.log10(smallest)))))


def number(x: float | None, digits: int | None = None, locale: str = "en") -> str:
    """A number with thousands separators and no scientific notation ("—" when missing).

    ``digits`` fixed decimals; by default a whole number prints without decimals and any
    other number with two significant figures below 10 and one decimal above.

    Examples
    --------
    >>> number(12345.6), number(0.000123), number(1234.0), number(12.34), number(-0.5)
    ('12,346', '0.00012', '1,234', '12.3', '-0.5')
    >>> number(12345.6, 1), number(12345.6, 1, "vi"), number(11630.0), number(float("nan"))
    ('12,345.6', '12.345,6', '11,630', '—')
    """
    if _missing(x):
        return "—"
    x = float(x)
    if digits is None:
        digits = _default_digits(x)
        if digits and abs(x) < 10:  # significant figures of a small number: trailing zeros say nothing
            return format_decimal(round(x, digits), format="#,##0." + "#" * digits, locale=locale)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    text = format_decimal(round(x, digits), format=pattern, locale=locale)
    return "0" if text in ("-0", "-0.0", "-0,0") and digits == 0 else text


def percent(x: float | None, digits: int = 1, locale: str = "en") -> str:
    """A value already in percent, with its sign ("—" when missing).

    Examples
    --------
    >>> percent(12.345), percent(29.7, locale="vi"), percent(None)
    ('12.3%', '29,7%', '—')
    """
    return "—" if _missing(x) else number(x, digits, locale) + "%"


def value_range(low: float | None, high: float | None, unit: str = "", digits: int | None = None,
                locale: str = "en") -> str:
    """A range "a–b unit", or one value when both ends print alike.

    Examples
    --------
    >>> value_range(15, 15, "%"), value_range(80, 80), value_range(20, 25, "%"), value_range(150, 180, "products")
    ('15%', '80', '20–25%', '150–180 products')
    """
    if digits is None and not (_missing(low) or _missing(high)):
        digits = max(_default_digits(low), _default_digits(high))
    a, b = number(low, digits, locale), number(high, digits, locale)
    text = a if a == b else f"{a}–{b}"
    return text + (unit if unit == "%" else f" {unit}" if unit else "")


def _default_digits(x: float) -> int:
    x = float(x)
    if x.is_integer() or abs(x) >= 100:
        return 0
    return 1 if abs(x) >= 10 else digits_for(x)


def interval(low: float, high: float, unit: str = "", level: float = 0.95, locale: str = "en") -> str:
    """A confidence or prediction interval in words, digits matched to its width.

    Examples
    --------
    >>> interval(0.165 - 1.723, 0.165 + 1.724)
    '95% CI −1.6 to 1.9'
    >>> interval(2.88, 78.37, "%"), interval(12.1, 14.4, "%", 0.8)
    ('95% CI 3% to 78%', '80% CI 12.1% to 14.4%')
    """
    label = "range" if level >= 1 else f"{level:.0%} CI"  # level 1: the full range of the figures, not a CI
    return f"{label} {bounds(low, high, unit, locale)}"


def bounds(low: float, high: float, unit: str = "", locale: str = "en") -> str:
    """An interval's two ends, "a to b", digits matched to its width.

    Examples
    --------
    >>> bounds(-1.558, 1.889), bounds(2.88, 78.37, "%"), bounds(1.21, 1.41)
    ('−1.6 to 1.9', '3% to 78%', '1.21 to 1.41')
    """
    digits = interval_digits(low, high)
    a, b = (number(v, digits, locale).replace("-", "−") + (unit if unit == "%" else "") for v in (low, high))
    tail = f" {unit}" if unit and unit != "%" else ""
    return f"{a} to {b}{tail}"


def interval_digits(low: float, high: float) -> int:
    """Decimals that resolve an interval of this width to about two significant figures.

    Examples
    --------
    >>> interval_digits(2.88, 78.37), interval_digits(-1.558, 1.889), interval_digits(0.0001, 0.0003)
    (0, 1, 5)
    """
    width = abs(float(high) - float(low))
    if width == 0 or not math.isfinite(width):
        return digits_for(low, high)
    return int(min(6, max(0, 1 - math.floor(math.log10(width)))))


def estimate(value: float, low: float | None = None, high: float | None = None, unit: str = "",
             level: float = 0.95, locale: str = "en") -> str:
    """A value with its interval, the value's digits matched to the interval's.

    Examples
    --------
    >>> estimate(0.165, -1.558, 1.889)
    '0.2 (95% CI −1.6 to 1.9)'
    >>> estimate(24.7, 2.88, 78.37, "%"), estimate(13.1, None, None, "%")
    ('25% (95% CI 3% to 78%)', '13.1%')
    """
    if _missing(low) or _missing(high):
        return number(value, None, locale) + (unit if unit == "%" else f" {unit}" if unit else "")
    digits = interval_digits(low, high)
    text = number(value, digits, locale).replace("-", "−") + (unit if unit == "%" else f" {unit}" if unit else "")
    return f"{text} ({interval(low, high, unit, level, locale)})"


# -------------------------------------------------------------------- older helpers, same rules
def pct(x: float) -> str:
    """A percentage with one decimal ("—" for a missing value).

    Examples
    --------
    >>> pct(12.345), pct(float("nan"))
    ('12.3%', '—')
    """
    return percent(x)


def with_unit(low: float, high: float, unit: str) -> str:
    """A value or range with its unit.

    Examples
    --------
    >>> with_unit(33, 35, "percent"), with_unit(100, 100, "products")
    ('33–35%', '100 products')
    """
    is_pct = unit.startswith("percent") and unit != "percentage points"
    return value_range(low, high, "%" if is_pct else unit)


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


def table_cell(x: object) -> object:
    """A table cell for the reader: floats by :func:`number`, everything else as it is.

    Examples
    --------
    >>> table_cell(11630.0), table_cell(0.000123), table_cell("met"), table_cell(3)
    ('11,630', '0.00012', 'met', '3')
    """
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, int):
        return number(float(x))
    if isinstance(x, float):
        return number(x)
    return x
