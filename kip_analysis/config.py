"""The one place paths and workbook-wide constants live.

May import: nothing from the package. Every other module asks this one where the
repository, raw data, processed data, notebooks and reports are, so a test can point the
whole workbook somewhere else by setting ``KIP_ROOT`` (and the shared folder by
``KIP_SHARED_DIR``). The raw tables themselves are listed in :mod:`kip_analysis.data.catalog`.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

ROOT: Path = Path(os.environ.get("KIP_ROOT", Path(__file__).resolve().parent.parent))
DATA_RAW: Path = ROOT / "data" / "raw"
DATA_PROCESSED: Path = ROOT / "data" / "processed"
NOTEBOOKS: Path = ROOT / "notebooks"
REPORTS: Path = ROOT / "reports"

#: The read-only folder beside the repository that holds the source articles.
SHARED: Path = Path(os.environ.get("KIP_SHARED_DIR", ROOT.parent / "shared"))
ARTICLES: Path = SHARED / "sources"

#: First year the memos cover (the programme's relaunch).
FIRST_YEAR: int = 2018


def latest_published_year(raw: Path = DATA_RAW) -> int:
    """The latest year in which a sourced row was published: the ``published`` column of every raw
    table that has one (articles, web pages' dates, the newest web figures). The memo years run to it,
    so next year's sourced rows bring next year's memo with no code change.
    """
    latest = FIRST_YEAR
    for path in sorted(raw.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if "published" not in (reader.fieldnames or ()):
                continue
            years = [int(row["published"][:4]) for row in reader if (row.get("published") or "")[:4].isdigit()]
            latest = max([latest, *years])
    return latest


#: Last memo year: the latest year the sourced data reach (not a constant).
LAST_YEAR: int = latest_published_year()
#: Memo years: one memo per programme year.
YEARS: tuple[int, ...] = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
#: Last year a target may be set for (the 2030 vision).
HORIZON_YEAR: int = 2030

#: GSO code of Hà Nội (text: keep the leading zero).
HANOI: str = "01"
