"""Memo tables rendered with great-tables: a title, the units as subtitle, a source note, and
SIMULATED in the title where it applies (the :class:`~kip_analysis.report.section.Table`
contract enforces that).

May import: report.section.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from kip_analysis.report.section import Table


def _table_id(table: Table) -> str:
    """A stable HTML id (great-tables draws a random one otherwise, and pages would not repeat)."""
    return "t" + hashlib.sha256(table.title.encode()).hexdigest()[:10]


def _cell(value: object) -> object:
    """Floats shown to four significant decimals; everything else as given."""
    if isinstance(value, float):
        return "—" if pd.isna(value) else f"{value:,.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    return "—" if value is None else value


def to_html(table: Table) -> str:
    """The table as standalone HTML (inline styles only, no external resources).

    Examples
    --------
    >>> t = Table("Rounds", "products", "facts c006, w003", pd.DataFrame({"round": [2018], "products": [61]}))
    >>> html = to_html(t)
    >>> "Rounds" in html and "Units: products" in html and "Sources: facts c006, w003" in html
    True
    """
    from great_tables import GT

    frame = table.frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    for column in frame.columns:
        frame[column] = frame[column].map(_cell).astype(str)
    gt = (GT(frame, id=_table_id(table))
          .tab_header(title=table.title, subtitle=f"Units: {table.units}")
          .tab_source_note(f"Sources: {table.source_note}")
          .tab_options(table_font_size="13px", heading_title_font_size="15px", heading_subtitle_font_size="12px",
                       table_width="100%"))
    return gt.as_raw_html()
