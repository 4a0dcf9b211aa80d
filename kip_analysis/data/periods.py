"""Parse the period strings the sources use into a first and last year.

Forms: ``2018``, ``2005-2017`` (a span), ``2021 round`` (a recognition round; the
figure covers that round's products, usually in the previous, base year),
``2019Q3`` (a quarter), ``2023H1`` (a half year), ``before 2018`` and ``undated``.

May import: nothing from the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_YEAR = r"(19|20)\d{2}"


@dataclass(frozen=True)
class Period:
    """A parsed period.

    Attributes
    ----------
    text
        The period as written in the source.
    kind
        One of ``year``, ``span``, ``round``, ``months`` (e.g. ``2020 Jan-Oct``), ``quarter``, ``half``,
        ``before``, ``undated``.
    start, end
        First and last calendar year covered (``None`` when undated; ``before YYYY``
        ends the year before YYYY and has no start).
    """

    text: str
    kind: str
    start: int | None
    end: int | None

    @property
    def ref_year(self) -> int | None:
        """Year the figure refers to: the last year of the period."""
        return self.end


def parse_period(text: str) -> Period:
    """Parse a period string.

    Raises
    ------
    ValueError
        If the text is none of the accepted forms.

    Examples
    --------
    >>> parse_period("2005-2017")
    Period(text='2005-2017', kind='span', start=2005, end=2017)
    >>> parse_period("2021 round").end
    2021
    """
    s = text.strip()
    if re.fullmatch(_YEAR, s):
        return Period(s, "year", int(s), int(s))
    if m := re.fullmatch(rf"({_YEAR})\s*-\s*({_YEAR})", s):
        start, end = int(m.group(1)), int(m.group(3))
        if start > end:
            raise ValueError(f"period {text!r} starts after it ends")
        return Period(s, "span", start, end)
    if m := re.fullmatch(rf"({_YEAR}) round", s):
        return Period(s, "round", int(m.group(1)), int(m.group(1)))
    if m := re.fullmatch(rf"({_YEAR}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-"
                         r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)", s):
        return Period(s, "months", int(m.group(1)), int(m.group(1)))
    if m := re.fullmatch(rf"({_YEAR})Q[1-4]", s):
        return Period(s, "quarter", int(m.group(1)), int(m.group(1)))
    if m := re.fullmatch(rf"({_YEAR})H[12]", s):
        return Period(s, "half", int(m.group(1)), int(m.group(1)))
    if m := re.fullmatch(rf"before ({_YEAR})", s):
        return Period(s, "before", None, int(m.group(1)) - 1)
    if s == "undated":
        return Period(s, "undated", None, None)
    raise ValueError(
        f"unparseable period {text!r}; expected YYYY, YYYY-YYYY, 'YYYY round', 'YYYY Jan-Oct', YYYYQn, YYYYH1, "
        "'before YYYY' or 'undated'"
    )
