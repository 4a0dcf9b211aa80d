"""The catalog of raw tables: one entry per table with its file, schema, key and sidecar.

May import: :mod:`kip_analysis.config`, :mod:`kip_analysis.data.schemas`. Every loader,
checksum and provenance record asks this catalog which raw tables exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandera.pandas as pa

from kip_analysis import config
from kip_analysis.data import schemas


@dataclass(frozen=True)
class RawTable:
    """A raw table: where it lives, the schema it must meet and the columns that identify a row."""

    name: str
    path: Path
    schema: pa.DataFrameSchema
    key: tuple[str, ...]

    @property
    def sidecar(self) -> Path:
        """The metadata file beside the table (``x.csv`` -> ``x.meta.yml``)."""
        return self.path.with_suffix(".meta.yml")


_RAW = config.DATA_RAW
#: Every raw table the workbook reads, by name.
TABLES: dict[str, RawTable] = {t.name: t for t in (
    RawTable("programme_facts", _RAW / "articles" / "programme_facts.csv", schemas.PROGRAMME_FACTS,
             ("metric", "period", "kind", "geography", "cohort", "source_file", "unit")),
    RawTable("target_definitions", _RAW / "articles" / "target_definitions.csv", schemas.TARGET_DEFINITIONS,
             ("target_id",)),
    RawTable("web_figures", _RAW / "web" / "web_figures.csv", schemas.WEB_FIGURES,
             ("series", "geography", "period", "source")),
    RawTable("web_figures_supplement", _RAW / "web" / "web_figures_supplement.csv", schemas.WEB_FIGURES_SUPPLEMENT,
             ("series", "geography", "period", "source")),
    RawTable("web_figures_2026", _RAW / "web" / "web_figures_2026.csv", schemas.WEB_FIGURES_2026,
             ("series", "geography", "period", "source")),
    RawTable("web_publication_dates", _RAW / "web" / "web_publication_dates.csv", schemas.PUBLICATION_DATES,
             ("source",)),
    RawTable("pci_subindices", _RAW / "provincial" / "pci_subindices.csv", schemas.PCI_SUBINDICES_SCHEMA,
             ("gso_code", "year", "subindex")),
    RawTable("gso_iip_by_province", _RAW / "provincial" / "gso_iip_by_province.csv", schemas.GSO_IIP,
             ("area_raw", "year")),
    RawTable("gso_fdi_by_province", _RAW / "provincial" / "gso_fdi_by_province.csv", schemas.GSO_FDI,
             ("area_raw", "year", "basis")),
    RawTable("province_codes", _RAW / "provincial" / "province_codes.csv", schemas.PROVINCE_CODES,
             ("gso_code",)),
    RawTable("province_centroids", _RAW / "provincial" / "province_centroids_geoboundaries.csv",
             schemas.PROVINCE_CENTROIDS, ("gso_code",)),
    RawTable("minimum_wage_amounts", _RAW / "provincial" / "minimum_wage_amounts.csv", schemas.MINIMUM_WAGE_AMOUNTS,
             ("decree", "region")),
    RawTable("minimum_wage_regions", _RAW / "provincial" / "minimum_wage_region_by_province.csv",
             schemas.MINIMUM_WAGE_REGIONS, ("decree", "gso_code")),
    RawTable("gso_income_per_capita", _RAW / "provincial" / "gso_income_per_capita_by_province.csv",
             schemas.GSO_INCOME, ("area_raw", "year", "income_source")),
    RawTable("pci_composite", _RAW / "provincial" / "pci_composite_2016_2022.csv", schemas.PCI_COMPOSITE,
             ("gso_code", "year")),
    RawTable("pci_subindices_partial", _RAW / "provincial" / "pci_subindices_2017_2024_partial.csv",
             schemas.PCI_PARTIAL, ("gso_code", "year", "subindex", "source_url")),
    RawTable("consultant_rents", _RAW / "provincial" / "savills_industrial_parks_by_province.csv",
             schemas.CONSULTANT_RENTS, ("gso_code", "period", "measure")),
    RawTable("fia_fdi_flows", _RAW / "provincial" / "fia_fdi_flows_by_province_2017_2024h1.csv", schemas.FIA_FLOWS,
             ("year", "gso_code")),
    RawTable("wdi_manufactures_exports_share", _RAW / "reference_class" / "wdi_manufactures_exports_share.csv",
             schemas.REFERENCE_SHARES, ("series_id", "year")),
)}


def paths() -> dict[str, Path]:
    """Every raw table's file, by name."""
    return {name: t.path for name, t in TABLES.items()}


def get(name: str) -> RawTable:
    """The catalog entry of ``name``, or a ``KeyError`` listing the names."""
    if name not in TABLES:
        raise KeyError(f"unknown raw table {name!r}; expected one of {', '.join(TABLES)}")
    return TABLES[name]
