"""Memo tables rendered with great-tables: a title, the units as subtitle, a source note, and
SIMULATED in the title where it applies (the :class:`~kip_analysis.report.section.Table`
contract enforces that).

May import: memory, report.section, report.format.
"""

from __future__ import annotations

import hashlib
import math
import re

import pandas as pd

from kip_analysis.memory import shared
from kip_analysis.report.format import table_cell
from kip_analysis.report.section import Table


def _table_id(title: str) -> str:
    """A stable HTML id from a table's title (great-tables draws a random one otherwise, and pages would not
    repeat).
    """
    return "t" + hashlib.sha256(title.encode()).hexdigest()[:10]


#: Columns that hold calendar years or round years (printed without a thousands separator).
YEAR_COLUMN = re.compile(r"(^|\b)(year|round|period|cohort|g|t|event_time|x)(\b|$)", re.IGNORECASE)


def column_cells(name: str, values: pd.Series) -> pd.Series:
    """A column's cells for the reader: numbers by :func:`kip_analysis.report.format.table_cell`
    (thousands separators, never scientific notation), years as plain integers, missing as "—".

    Examples
    --------
    >>> list(column_cells("year", pd.Series([2019, 2020])))
    ['2019', '2020']
    >>> list(column_cells("mean CRPS", pd.Series([11630.0, 0.000123, float("nan")])))
    ['11,630', '0.00012', '—']
    """
    def cell(v: object) -> object:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "—"
        if YEAR_COLUMN.search(name) and isinstance(v, int | float) and not isinstance(v, bool) \
                and float(v).is_integer():
            return str(int(v))
        return table_cell(v.item() if hasattr(v, "item") else v)
    return values.map(cell).astype(str)


def to_html(table: Table) -> str:
    """The table as standalone HTML (inline styles only, no external resources).

    Rendered once per content and read back from the disk cache afterwards (:mod:`kip_analysis.memory`):
    great-tables fills its body one cell at a time (~0.1 s a table), and a year's tables are shown by
    its analysis notebooks, the memo notebook and the memo files, and by every scenario's memo.

    Examples
    --------
    >>> t = Table("Rounds", "products", "facts c006, w003", pd.DataFrame({"round": [2018], "products": [61]}))
    >>> html = to_html(t)
    >>> "Rounds" in html and "Units: products" in html and "Sources: facts c006, w003" in html
    True
    """
    frame = table.frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    for column in frame.columns:
        frame[column] = column_cells(column, frame[column])
    return _render(table.title, table.units, table.source_note, frame)


@shared
def _render(title: str, units: str, source_note: str, frame: pd.DataFrame) -> str:
    """great-tables' HTML of a table of text cells."""
    from great_tables import GT

    gt = (GT(frame, id=_table_id(title))
          .tab_header(title=title, subtitle=f"Units: {units}")
          .tab_source_note(f"Sources: {source_note}")
          .tab_options(table_font_size="13px", heading_title_font_size="15px", heading_subtitle_font_size="12px",
                       table_width="100%"))
    return gt.as_raw_html()
