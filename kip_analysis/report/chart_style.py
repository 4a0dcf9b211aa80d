"""The chart style and the helpers every figure shares: the style file, the colour-blind-safe
palette, place names written one way with diacritics, label de-cluttering, and ``_finish``, which
sets a figure's title, caption, alt text and plotted data (see :mod:`kip_analysis.report.figures`).

May import: report.format.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation

#: The one chart style, shipped next to this module.
STYLE_PATH: Path = Path(__file__).with_name("kip.mplstyle")
#: Okabe-Ito colours by role (the style's colour cycle holds the same colours).
PALETTE: dict[str, str] = {"products": "#0072B2", "firms": "#D55E00", "target": "#8C8C8C", "extra": "#009E73",
                           "purple": "#CC79A7", "alert": "#B00020", "ink": "#404040"}
DATA_GID, DATA_COLUMNS = "kip-data", ("series", "x", "value", "unit", "source")  # data artists' gid; _kip_data
#: Place names as the memos write them (with their Vietnamese diacritics).
PLACES: dict[str, str] = {"Hanoi": "Hà Nội", "Ha Noi": "Hà Nội", "Bac Giang": "Bắc Giang", "Bac Ninh": "Bắc Ninh",
                          "Hung Yen": "Hưng Yên", "Hai Duong": "Hải Dương", "Hai Phong": "Hải Phòng"}
SHARE_OF: dict[str, str] = {"export": "city exports", "output": "city industrial production value"}
OUTCOME_UNITS: dict[str, str] = {"log_revenue": "log points", "log_employment": "log points",
                                 "exporter": "probability of exporting, 0–1"}


def place(name: object) -> str:
    """A place name with its Vietnamese diacritics (other names unchanged).

    Examples
    --------
    >>> place("Bac Giang"), place("Hanoi"), place("Hải Phòng"), place("Northern Vietnam average")
    ('Bắc Giang', 'Hà Nội', 'Hải Phòng', 'Northern Vietnam average')
    """
    return PLACES.get(str(name).strip(), str(name))


def _span(years: list[int]) -> str:
    """The span of the years in ``years`` (numbers or texts holding them): "2018–2020", "2021" or ""."""
    found = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", " ".join(map(str, years)))]
    return "" if not found else str(min(found)) if min(found) == max(found) else f"{min(found)}–{max(found)}"


def _listing(items: list[str]) -> str:
    """Distinct items joined in English: "a", "a and b", "a, b and c"."""
    items = list(dict.fromkeys(items))
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


def _band(ax: Axes, x: float, low: float, high: float, width: float, color: str = PALETTE["target"]) -> None:
    """A target range as a bar from ``low`` to ``high`` (a short thick line when they are equal)."""
    if high > low:
        ax.bar([x], [high - low], width, bottom=[low], color=color, alpha=0.45, gid=DATA_GID, zorder=2)
    else:
        ax.plot([x - width / 2, x + width / 2], [low, low], color=color, lw=3.5, solid_capstyle="butt", gid=DATA_GID)


def _declutter(fig: Figure, texts: list[Annotation], pad: float = 1.5) -> None:
    """Move annotations (offset in points) up until none overlaps another, on the drawn figure."""
    for _ in range(2):  # the layout engine may move the axes once the labels have moved
        fig.draw_without_rendering()
        renderer = fig._get_renderer()
        placed = []
        for text in sorted(texts, key=lambda t: tuple(t.get_window_extent(renderer).bounds[1::-1])):
            for _step in range(60):
                box = text.get_window_extent(renderer)
                hits = [b for b in placed if b.overlaps(box)]
                if not hits:
                    break
                text.xyann = (text.xyann[0], text.xyann[1] + (max(b.y1 for b in hits) - box.y0 + pad) * 72 / fig.dpi)
            placed.append(text.get_window_extent(renderer))


def _finish(fig: Figure, title: str, caption: str, alt: str, rows: list[tuple], texts: list[Annotation]) -> Figure:
    """Set the title, move overlapping labels apart and attach caption, alt text and data."""
    fig.suptitle(textwrap.fill(title, int(fig.get_figwidth() * 10)))
    _declutter(fig, texts)
    data = pd.DataFrame(rows, columns=list(DATA_COLUMNS)).astype({"series": str, "value": float, "unit": str,
                                                                  "source": str})
    data = data[np.isfinite(data["value"])].reset_index(drop=True)
    fig._kip_caption, fig._kip_alt, fig._kip_data = caption, alt, data
    return fig


def _rows(series: str, xs: object, values: object, unit: str, source: object) -> list[tuple]:
    """Rows of ``_kip_data`` (``source``: one text, or one per value)."""
    sources = [source] * len(list(values)) if isinstance(source, str) else list(source)
    xs = [int(x) if float(x).is_integer() else float(x) for x in xs]
    return list(zip([series] * len(sources), xs, values, [unit] * len(sources), sources, strict=True))


# ------------------------------------------------------------------------------- programme facts
