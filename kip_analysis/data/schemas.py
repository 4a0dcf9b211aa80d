"""A pandera schema for every raw table (the data dictionary is ``data/raw/README.md``).

Each schema lists the columns, their types and value checks; :mod:`kip_analysis.data.raw`
reads every cell as text, coerces to these types cell by cell (so a bad cell is named by
row and column), then validates with pandera and applies the cross-column rules in
:data:`KEYS` and :func:`kip_analysis.data.raw.check_rows`.

May import: data.periods, data.units.
"""

from __future__ import annotations

import pandera.pandas as pa

from kip_analysis.data.periods import parse_period
from kip_analysis.data.units import UNITS

KINDS: tuple[str, ...] = ("actual", "target", "expectation", "plan")
QUALIFIERS: tuple[str, ...] = ("nearly", "more than", "over", "about", "approximately", "estimate")
PCI_SUBINDICES: tuple[str, ...] = (
    "pci", "pci_unweighted", "entry_costs", "land_access", "transparency", "time_costs",
    "informal_charges", "policy_implementation", "policy_bias", "fair_competition",
    "proactivity", "business_support", "labor_training", "legal_institutions",
)


def _is_period(text: str) -> bool:
    try:
        parse_period(text)
    except ValueError:
        return False
    return True


_period_check = pa.Check(
    lambda s: s.map(_is_period),
    element_wise=False,
    error="a period: YYYY, YYYY-YYYY, 'YYYY round', YYYYQn, 'before YYYY' or 'undated'",
)
_metric_name = pa.Check.str_matches(r"^[a-z0-9_]+$", error="a metric name in lower_snake_case")
_gso_code = pa.Check.str_matches(r"^\d{2}$", error="a 2-digit GSO province code with leading zero")
_nonneg = pa.Check.ge(0, error="a non-negative number")
def _real_date(text: str) -> bool:
    import datetime
    import re

    if not re.fullmatch(r"(19|20)\d{2}-(0[1-9]|1[0-2])(-\d{2})?", text):
        return False
    try:
        datetime.date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:  # e.g. 2021-02-30
        return False
    return True


_date = pa.Check(lambda s: s.map(_real_date), element_wise=False, error="a real date YYYY-MM-DD or YYYY-MM")


def _text(nullable: bool = False, *checks: pa.Check) -> pa.Column:
    return pa.Column(str, list(checks), nullable=nullable)


PROGRAMME_FACTS = pa.DataFrameSchema(
    {
        "fact_id": _text(False, pa.Check.str_matches(r"^[a-z]\d{3}$", error="an id like a001")),
        "metric": _text(False, _metric_name),
        "period": _text(False, _period_check),
        "value_low": pa.Column(float, _nonneg),
        "value_high": pa.Column(float, _nonneg),
        "unit": _text(False, pa.Check.isin(UNITS, error=f"a unit, one of {', '.join(UNITS)}")),
        "kind": _text(False, pa.Check.isin(KINDS, error=f"a kind, one of {', '.join(KINDS)}")),
        "geography": _text(False),
        "cohort": _text(True, pa.Check.str_matches(
            r"^\d{4}(-\d{4})?$", error="a round year YYYY or span YYYY-YYYY")),
        "qualifier": _text(True, pa.Check.isin(
            QUALIFIERS, error=f"a qualifier, one of {', '.join(QUALIFIERS)}")),
        "source_file": _text(False, pa.Check.str_matches(
            r"^\d{3}_[0-9a-f]{16}\.txt$", error="an article file name like 000_c888cf1365d1bee1.txt")),
        "outlet": _text(False),
        "published": _text(False, _date),
        "quote": _text(False, pa.Check.str_length(min_value=3, error="a non-empty quote")),
        "note": _text(True),
    },
    strict=True,
    ordered=False,
)

WEB_FIGURES = pa.DataFrameSchema(
    {
        "series": _text(False, _metric_name),
        "geography": _text(False),
        "period": _text(False, _period_check),
        "value": _text(False, pa.Check.str_matches(
            r"^-?\d+(\.\d+)?(-\d+(\.\d+)?)?$", error="a number or a low-high range")),
        "unit": _text(False, pa.Check.isin(UNITS, error=f"a unit, one of {', '.join(UNITS)}")),
        "source": _text(False, pa.Check.str_matches(r"^https?://\S+$", error="a page address")),
        "quote": _text(True),
        "note": _text(True),
    },
    strict=True,
    ordered=False,
)


#: The supplement may also cite a source article (``sources/<file> (outlet, date; ...)``).
WEB_FIGURES_SUPPLEMENT = WEB_FIGURES.update_column("source", checks=[pa.Check.str_matches(
    r"^(https?://\S+|sources/\d{3}_[0-9a-f]{16}\.txt\b.*)$", error="a page address or a source article file")])

#: The workbook's coding of the third search's figures: the web-figures columns and the page's publication date.
WEB_FIGURES_2026 = WEB_FIGURES.add_columns({"published": _text(False, _date)})

#: What each share target counts, read from its source's sentence (products or enterprises; exports or production).
TARGET_DEFINITIONS = pa.DataFrameSchema(
    {
        "target_id": _text(False, pa.Check.str_matches(r"^[a-z]\d{3}(\+[a-z]\d{3})?$", error="a target's fact id")),
        "counts": _text(False, pa.Check.isin(("products", "enterprises"), error="products or enterprises")),
        "measure": _text(False, pa.Check.isin(("exports", "production value"), error="exports or production value")),
        "source": _text(False),
        "context": _text(False, pa.Check.str_length(min_value=10, error="the source's sentence")),
    },
    strict=True,
    ordered=False,
)

#: When each web page was published: the page's date, its address's, or one argued from its content.
PUBLICATION_DATES = pa.DataFrameSchema(
    {
        "source": _text(False, pa.Check.str_matches(
            r"^(https?://\S+|sources/\d{3}_[0-9a-f]{16}\.txt\b.*)$", error="a page address or a source article file")),
        "published": _text(False, pa.Check.str_matches(
            r"^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", error="a date YYYY-MM-DD")),
        "basis": _text(False, pa.Check.isin(("page date", "address date", "argued"),
                                            error="page date, address date or argued")),
        "evidence": _text(False, pa.Check.str_length(min_value=5, error="the date as shown, or the argument")),
        "confidence": _text(False, pa.Check.isin(("high", "medium", "low"), error="high, medium or low")),
    },
    strict=True,
    ordered=False,
)

PCI_SUBINDICES_SCHEMA = pa.DataFrameSchema(
    {
        "province": _text(False),
        "province_ascii": _text(False),
        "gso_code": _text(False, _gso_code),
        "province_raw": _text(False),
        "year": pa.Column(int, pa.Check.in_range(2005, 2016, error="a PCI year 2005-2016")),
        "subindex": _text(False, pa.Check.isin(PCI_SUBINDICES, error="a known PCI sub-index")),
        "score": pa.Column(float, pa.Check.in_range(0, 100, error="a score between 0 and 100")),
        "subindex_label_raw": _text(False),
        "source_file": _text(False),
        "source_sheet": _text(False),
        "source_cell": _text(False),
        "source_province_cell": _text(False),
    },
    strict=True,
    ordered=False,
)

_GEO_LEVELS = ("country", "region", "province")


def _gso_area_columns(geo_levels: tuple[str, ...], error: str) -> dict[str, pa.Column]:
    """Columns every GSO provincial table shares: the area (province or total row) and year."""
    return {
        "province": _text(True),
        "province_ascii": _text(True),
        "gso_code": _text(True, _gso_code),
        "area_raw": _text(False),
        "geo_level": _text(False, pa.Check.isin(geo_levels, error=error)),
        "region": _text(True),
        "year": pa.Column(int, pa.Check.in_range(1990, 2030, error="a year")),
    }


GSO_IIP = pa.DataFrameSchema(
    {
        **_gso_area_columns(_GEO_LEVELS, "country, region or province"),
        "iip_prev_year_100": pa.Column(float, pa.Check.gt(0, error="a positive index"), nullable=True),
    },
    strict=True,
    ordered=False,
)

GSO_FDI = pa.DataFrameSchema(
    {
        **_gso_area_columns((*_GEO_LEVELS, "other"), "country, region, province or other (oil and gas)"),
        "basis": _text(False, pa.Check.isin(
            ("licensed_in_year", "accumulated_in_effect_at_year_end"),
            error="licensed_in_year or accumulated_in_effect_at_year_end")),
        "projects": pa.Column(int, _nonneg, nullable=True),
        # Net of capital changes to existing projects, so it can be negative (GSO caveat).
        "registered_capital_musd": pa.Column(float, nullable=True),
    },
    strict=True,
    ordered=False,
)

PROVINCE_CODES = pa.DataFrameSchema(
    {
        "gso_code": _text(False, _gso_code),
        "province": _text(False),
        "province_ascii": _text(False),
        "vietnamcode_name": _text(True),
        "gso_code_old": _text(True),
        "pci_id": _text(True),
        "papi_id": _text(True),
        "status": _text(True),
        "pci_years": _text(True),
        "pci_name_variants": _text(True),
        "gso_name_variants": _text(True),
    },
    strict=True,
    ordered=False,
)

# ---------------------------------------------------------------------------- added for the land analysis (issue 12)
_flag = _text(False, pa.Check.isin(("True", "False"), error="True or False"))
_day = pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$", error="a date YYYY-MM-DD")

PROVINCE_CENTROIDS = pa.DataFrameSchema(
    {
        "gso_code": _text(False, _gso_code),
        "province": _text(False),
        "province_ascii": _text(False),
        "iso_3166_2": _text(False),
        "geoboundaries_shape_names": _text(False),
        "n_source_shapes": pa.Column(int, pa.Check.ge(1, error="at least one shape")),
        "centroid_lon": pa.Column(float, pa.Check.in_range(102, 110, error="a longitude inside Viet Nam")),
        "centroid_lat": pa.Column(float, pa.Check.in_range(8, 24, error="a latitude inside Viet Nam")),
        "interior_point_lon": pa.Column(float, pa.Check.in_range(102, 110, error="a longitude inside Viet Nam")),
        "interior_point_lat": pa.Column(float, pa.Check.in_range(8, 24, error="a latitude inside Viet Nam")),
        "centroid_inside_polygon": _flag,
        "lonlat_planar_centroid_lon": pa.Column(float),
        "lonlat_planar_centroid_lat": pa.Column(float),
        "polygon_area_km2": pa.Column(float, pa.Check.gt(0, error="a positive area")),
        "nso_area_km2_2024": pa.Column(float, pa.Check.gt(0, error="a positive area")),
    },
    strict=True,
    ordered=False,
)

_REGIONS = ("I", "II", "III", "IV")
MINIMUM_WAGE_AMOUNTS = pa.DataFrameSchema(
    {
        "decree": _text(False),
        "effective_from": _text(False, _day),
        "effective_to": _text(True, _day),
        "region": _text(False, pa.Check.isin(_REGIONS, error="a minimum-wage region I-IV")),
        "monthly_min_wage_vnd": pa.Column(int, pa.Check.gt(0, error="a positive wage")),
        "hourly_min_wage_vnd": pa.Column(float, pa.Check.gt(0, error="a positive wage"), nullable=True),
        "source": _text(False),
        "quote": _text(False),
    },
    strict=True,
    ordered=False,
)

MINIMUM_WAGE_REGIONS = pa.DataFrameSchema(
    {
        "decree": _text(False),
        "effective_from": _text(False, _day),
        "effective_to": _text(True),
        "gso_code": _text(False, _gso_code),
        "province": _text(False),
        "province_ascii": _text(False),
        "highest_region": _text(False, pa.Check.isin(_REGIONS, error="a minimum-wage region I-IV")),
        "highest_region_monthly_vnd": pa.Column(int, pa.Check.gt(0, error="a positive wage")),
        "lowest_region": _text(False, pa.Check.isin(_REGIONS, error="a minimum-wage region I-IV")),
        "lowest_region_monthly_vnd": pa.Column(int, pa.Check.gt(0, error="a positive wage")),
        "region_I_clause": _text(True),
        "region_II_clause": _text(True),
        "region_III_clause": _text(True),
        "residual_and_notes": _text(True),
        "transcription_source": _text(False),
        "confidence": _text(False),
    },
    strict=True,
    ordered=False,
)

GSO_INCOME = pa.DataFrameSchema(
    {
        **_gso_area_columns(_GEO_LEVELS, "country, region or province"),
        "preliminary": _flag,
        "income_source": _text(False),
        "income_thousand_vnd_per_month": pa.Column(float, _nonneg, nullable=True),
    },
    strict=True,
    ordered=False,
)

PCI_COMPOSITE = pa.DataFrameSchema(
    {
        "gso_code": _text(False, _gso_code),
        "province": _text(False),
        "province_ascii": _text(False),
        "source_name_code": _text(False),
        "year": pa.Column(int, pa.Check.in_range(2016, 2022, error="a PCI year 2016-2022")),
        "pci_composite": pa.Column(float, pa.Check.in_range(0, 100, error="a score between 0 and 100")),
        "official_2016_check": pa.Column(float, nullable=True),
    },
    strict=True,
    ordered=False,
)

CONSULTANT_RENTS = pa.DataFrameSchema(
    {
        "gso_code": _text(False, _gso_code),
        "province": _text(False),
        "period": _text(False, pa.Check.str_matches(r"^\d{4}(H[12]|Q[1-4])?$",
                                                    error="a period YYYY, YYYYH1 or YYYYQn")),
        "measure": _text(False, pa.Check.isin(("rent", "rent_growth", "occupancy"),
                                              error="rent, rent_growth or occupancy")),
        "value": pa.Column(float, nullable=False),
        "unit": _text(False, pa.Check.isin(("USD per m2 per lease term", "percent yoy", "percent"),
                                           error="USD per m2 per lease term, percent yoy or percent")),
        "status": _text(False, pa.Check.str_matches(r"^(sourced|derived: .+)$", error="sourced or 'derived: <how>'")),
        "source": _text(False, pa.Check.str_matches(r"^https?://\S+$", error="a page address")),
        "quote": _text(False),
        "published": _text(False, _date),
        "note": _text(True),
    },
    strict=True,
    ordered=False,
)

_count = pa.Column(float, [_nonneg, pa.Check(lambda s: (s.dropna() % 1 == 0), error="a whole number")], nullable=True)
FIA_FLOWS = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(2000, 2100, error="a report year")),
        "period": _text(False),
        "gso_code": _text(False, _gso_code),
        "province": _text(False),
        "province_in_source": _text(False),
        "new_projects": _count,
        "new_capital_musd": pa.Column(float, _nonneg, nullable=True),
        "capital_increases": _count,
        "capital_increase_musd": pa.Column(float, nullable=True),
        "share_purchases": _count,
        "share_purchase_musd": pa.Column(float, nullable=True),
        "total_registered_musd": pa.Column(float, nullable=False),
        "adjusted_projects": _count,
        "adjusted_capital_musd": pa.Column(float, nullable=True),
        "source_sheet": _text(False),
        "source_row": pa.Column(int, _nonneg),
    },
    strict=True,
    ordered=False,
)

PCI_PARTIAL = pa.DataFrameSchema(
    {
        "province": _text(False),
        "province_ascii": _text(False),
        "gso_code": _text(False, _gso_code),
        "year": pa.Column(int, pa.Check.in_range(2017, 2030, error="a PCI year from 2017")),
        "subindex": _text(False),
        "score": pa.Column(float, _nonneg),
        "subindex_label_raw": _text(False),
        "source_url": _text(False, pa.Check.str_matches(r"^https?://\S+$", error="a page address")),
        "source_kind": _text(False),
        "quote": _text(False),
    },
    strict=True,
    ordered=False,
)

#: A reference-class panel of a share indicator (World Bank WDI long form): one value per series and year.
REFERENCE_SHARES = pa.DataFrameSchema(
    {
        "series_id": _text(False, pa.Check.str_matches(r"^[A-Z0-9]{3}$", error="a 3-letter WDI code")),
        "series_name": _text(False),
        "year": pa.Column(int, pa.Check.in_range(1950, 2100, error="a calendar year")),
        "value": pa.Column(float, pa.Check.in_range(0, 100, error="a share in percent (0-100)")),
    },
    strict=True,
    ordered=False,
)
