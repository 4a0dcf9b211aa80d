"""The firm panel's schema and its loader: the SIMULATED panel by default, or a census
extract (CSV or Parquet) mapped onto the same schema.

May import: errors, config, memory, data.provenance, data.raw, data.extract_checks, data.simulated_panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from kip_analysis import config
from kip_analysis.data import provenance
from kip_analysis.data.extract_checks import check_extract, read_mapping
from kip_analysis.data.raw import read_text_table, validate_frame
from kip_analysis.data.simulated_panel import DEFAULT_SEED, SIMULATED_LABEL, SimulatedPanel, simulate_panel
from kip_analysis.errors import DataValidationError
from kip_analysis.memory import shared

#: Ownership types of the census (and of the simulation).
OWNERSHIP_TYPES: tuple[str, ...] = ("domestic_private", "soe", "fdi")

# ---------------------------------------------------------------------------- the schema and the loader
FIRM_PANEL = pa.DataFrameSchema(
    {
        "firm_id": pa.Column(str, pa.Check.str_length(min_value=1, error="a firm id")),
        "year": pa.Column(int, pa.Check.in_range(1990, 2030, error="a year 1990-2030")),
        "sector": pa.Column(str, pa.Check.str_length(min_value=1, error="a sector")),
        "ownership": pa.Column(str, pa.Check.isin(OWNERSHIP_TYPES, error=f"one of {', '.join(OWNERSHIP_TYPES)}")),
        "province": pa.Column(str, pa.Check.str_matches(r"^\d{2}$", error="a 2-digit GSO province code")),
        "revenue_vnd_bn": pa.Column(float, pa.Check.ge(0, error="a non-negative revenue")),
        "exports_usd_m": pa.Column(float, pa.Check.ge(0, error="non-negative exports")),
        "employment": pa.Column(int, pa.Check.ge(0, error="a non-negative head count")),
        "land_m2": pa.Column(float, pa.Check.ge(0, error="a non-negative land area"), nullable=True),
        "product_revenue_vnd_bn": pa.Column(float, pa.Check.ge(0, error="a non-negative revenue"), nullable=True),
        "kip_round": pa.Column(int, pa.Check.isin(
            (0, *config.YEARS), error=f"0 (never) or a round year {config.FIRST_YEAR}-{config.LAST_YEAR}")),
        "kip_in_force": pa.Column(int, pa.Check.isin((0, 1), error="a 0/1 indicator")),
        "relocated": pa.Column(int, pa.Check.isin((0, 1), error="a 0/1 indicator")),
    },
    strict=True,
    ordered=False,
)
FIRM_PANEL_KEY: tuple[str, ...] = ("firm_id", "year")


@dataclass
class FirmPanel:
    """A firm panel ready for the analyses, with what is known about where it came from."""

    data: pd.DataFrame
    source: str
    simulated: bool
    truth: SimulatedPanel | None = None
    warnings: list[str] = field(default_factory=list)  # what looks wrong in an extract but is legal

    @property
    def label(self) -> str:
        """``SIMULATED`` for the simulated panel, else ``census extract``."""
        return SIMULATED_LABEL if self.simulated else "census extract"


def _read_extract(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
        return frame.astype(object).where(frame.notna(), pd.NA).map(
            lambda v: v if v is pd.NA else str(v))
    return read_text_table(path)


@shared
def _simulated(seed: int, variant: str, raw: dict[str, str]) -> FirmPanel:
    """The SIMULATED panel, validated; ``raw`` (every raw table's hash) keys the disk cache."""
    sim = simulate_panel(seed=seed, variant=variant)
    FIRM_PANEL.validate(sim.panel)  # the simulated panel meets the schema a real extract must meet
    return FirmPanel(sim.panel, f"simulated (seed {seed}, {variant})", True, sim)


def load_firm_panel(source: str | Path = "simulated", mapping: str | Path | None = None,
                    seed: int = DEFAULT_SEED, variant: str = "conditional") -> FirmPanel:
    """Load the firm panel: ``"simulated"`` (default) or a census extract (CSV or Parquet).

    Parameters
    ----------
    source
        ``"simulated"`` or the path of an extract.
    mapping
        For an extract: a YAML file ``columns: {census column: schema column}`` mapping the
        census names to this schema (:data:`FIRM_PANEL`, documented in ``data/raw/README.md``);
        default ``<extract>.mapping.yml`` beside the extract.
    seed
        Seed of the simulated panel.
    variant
        The simulated panel's data-generating process (:data:`kip_analysis.data.simulated_panel.VARIANTS`).

    Raises
    ------
    DataValidationError
        For a bad extract: naming the file, line and column (the mapping's column name).
    """
    if str(source) == "simulated":
        return _simulated(seed, variant, provenance.raw_checksums())
    path = Path(source)
    if not path.exists():
        raise DataValidationError(path, "no such extract; data_source is 'simulated' or the path of a CSV or "
                                  "Parquet census extract")
    mapping = mapping or path.with_suffix(".mapping.yml")
    if not Path(mapping).exists():
        raise DataValidationError(path, f"a census extract needs a column-mapping file; expected {mapping}")
    raw = _read_extract(path)
    columns = read_mapping(Path(mapping), list(raw.columns), list(FIRM_PANEL.columns))
    frame = raw.rename(columns=columns)
    for optional in ("land_m2", "product_revenue_vnd_bn"):
        if optional not in frame.columns:
            frame[optional] = pd.NA
    data = validate_frame(frame, FIRM_PANEL, FIRM_PANEL_KEY, path)
    return FirmPanel(data, str(path), False, warnings=check_extract(data, path))
