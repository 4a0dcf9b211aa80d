"""The one place paths live.

Every other module asks this one where the repository, raw data, processed data,
notebooks and reports are, so a test can point the whole workbook somewhere else by
setting ``KIP_ROOT`` (and the article folder by ``KIP_SHARED_DIR``).
"""

from __future__ import annotations

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

FACTS_FILE: Path = DATA_RAW / "articles" / "programme_facts.csv"
WEB_FILE: Path = DATA_RAW / "web" / "web_figures.csv"
PCI_FILE: Path = DATA_RAW / "provincial" / "pci_subindices.csv"
IIP_FILE: Path = DATA_RAW / "provincial" / "gso_iip_by_province.csv"
FDI_FILE: Path = DATA_RAW / "provincial" / "gso_fdi_by_province.csv"
PROVINCE_FILE: Path = DATA_RAW / "provincial" / "province_codes.csv"

#: Every raw table the workbook reads, by name.
RAW_TABLES: dict[str, Path] = {
    "programme_facts": FACTS_FILE,
    "web_figures": WEB_FILE,
    "pci_subindices": PCI_FILE,
    "gso_iip_by_province": IIP_FILE,
    "gso_fdi_by_province": FDI_FILE,
    "province_codes": PROVINCE_FILE,
}

#: First and last year the programme data cover (relaunch to the latest round).
FIRST_YEAR: int = 2018
LAST_YEAR: int = 2025
