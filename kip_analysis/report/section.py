"""The result contract: every analysis returns one :class:`Section`, and the memo is composed
only from Sections.

May import: io, report.estimates. A Section separates what a reviewer must never confuse:

- ``findings`` — sentences about sourced or public data;
- ``method_checks`` — sentences about the SIMULATED panel (checks of a method, not findings);
- ``cannot_say`` — questions the data cannot answer, why, and what would settle them;

and carries its tables (title, units, a source note naming fact ids), exhibits (a figure with
its caption and sources), headline answers for the index page, the parameters, the raw-data
checksums and whether anything in it is simulated. The constructor refuses a Section that
breaks the contract, so a notebook cannot publish one.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kip_analysis.io import plain, write_json
from kip_analysis.report.estimates import Estimate, by_key

if TYPE_CHECKING:  # the memo notebook reads Sections without drawing: matplotlib costs its kernel 0.7 s
    from matplotlib.figure import Figure

#: The word that marks anything built on the simulated firm panel.
SIMULATED: str = "SIMULATED"
#: The estimate namespaces each analysis's Section may publish.
ANALYSIS_OF: dict[str, tuple[str, ...]] = {
    "01_programme_facts": ("facts",), "02_programme_effects": ("effects",), "03_targets": ("targets",),
    "04_land_relocation": ("land",),
}


class ContractError(ValueError):
    """A Section, table or exhibit breaks the result contract."""


@dataclass(frozen=True)
class Table:
    """A reader's table: a title, the units of its numbers and a source note naming fact ids."""

    title: str
    units: str
    source_note: str
    frame: pd.DataFrame
    simulated: bool = False

    def __post_init__(self) -> None:
        if not self.title or not self.units or not self.source_note:
            raise ContractError(f"table {self.title!r}: a title, units and a source note are required")
        if self.simulated and SIMULATED not in self.title:
            raise ContractError(f"table {self.title!r} is built on simulated data: its title must say {SIMULATED}")

    def to_dict(self) -> dict:
        """JSON-safe form (rows as records, column order kept)."""
        return {"title": self.title, "units": self.units, "source_note": self.source_note,
                "simulated": self.simulated, "columns": [str(c) for c in self.frame.columns],
                "rows": plain(self.frame.to_dict("records"))}

    @classmethod
    def from_dict(cls, d: dict) -> Table:
        """Inverse of :meth:`to_dict`."""
        frame = pd.DataFrame.from_records(d["rows"], columns=d["columns"])
        return cls(d["title"], d["units"], d["source_note"], frame, d["simulated"])


@dataclass(frozen=True)
class Exhibit:
    """A figure with its caption and the sources it draws (PNG, base64, fixed metadata)."""

    name: str
    caption: str
    sources: str
    png_base64: str
    simulated: bool = False
    alt: str = ""  # what the chart shows, in words (the image's alt text)
    data: tuple[dict, ...] = ()  # the numbers plotted, tidy (series, x, value, unit, source)

    def __post_init__(self) -> None:
        if not self.caption or not self.sources:
            raise ContractError(f"exhibit {self.name!r}: a caption and its sources are required")
        if self.simulated and self.alt and SIMULATED not in self.alt:
            raise ContractError(f"exhibit {self.name!r} draws simulated data: its alt text must say {SIMULATED}")
        if self.simulated and SIMULATED not in self.caption:
            raise ContractError(f"exhibit {self.name!r} draws simulated data: its caption must say {SIMULATED}")

    @classmethod
    def from_figure(cls, name: str, fig: Figure, sources: str, simulated: bool = False) -> Exhibit:
        """An exhibit from a matplotlib figure whose caption is ``fig._kip_caption``."""
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
        alt = getattr(fig, "_kip_alt", "") or getattr(fig, "_kip_caption", "")
        if simulated and SIMULATED not in alt:
            alt = f"{SIMULATED}: {alt}"
        data = getattr(fig, "_kip_data", None)
        records = tuple(plain(data.to_dict("records"))) if isinstance(data, pd.DataFrame) else ()
        return cls(name, getattr(fig, "_kip_caption", ""), sources,
                   base64.b64encode(buffer.getvalue()).decode("ascii"), simulated, alt, records)


@dataclass(frozen=True)
class CannotSay:
    """A question the data cannot answer: why, and the one thing that would settle it."""

    question: str
    why: str
    would_settle: str

    def sentence(self) -> str:
        """The item as one sentence for the memo."""
        return f"{self.question} — {self.why} What would settle it: {self.would_settle}"


@dataclass(frozen=True)
class Headline:
    """One headline answer for the index page (``value`` numeric where it has one, for trends)."""

    key: str
    label: str
    text: str
    value: float | None = None
    simulated: bool = False
    trend: bool = False  # drawn as the index page's small trend figure across memo years

    def __post_init__(self) -> None:
        if self.simulated and SIMULATED not in self.label:
            raise ContractError(f"headline {self.key!r} rests on simulated data: its label must say {SIMULATED}")


@dataclass(frozen=True)
class Section:
    """One analysis's contribution to the memo (see the module docstring)."""

    key: str
    title: str
    findings: tuple[str, ...] = ()
    method_checks: tuple[str, ...] = ()
    cannot_say: tuple[CannotSay, ...] = ()
    caveats: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    exhibits: tuple[Exhibit, ...] = ()
    headlines: tuple[Headline, ...] = ()
    estimates: tuple[Estimate, ...] = ()
    warnings: tuple[str, ...] = ()  # raised while computing, captured (never silenced)
    params: dict = field(default_factory=dict)
    raw_sha256: dict = field(default_factory=dict)
    simulated: bool = False
    # "real_time": only what was published by the memo year; "latest": ex post; "simulated": not sourced data
    vintage: str = "latest"

    def __post_init__(self) -> None:
        if not self.key or not self.title:
            raise ContractError("a Section needs a key and a title")
        for sentence in self.findings:
            if SIMULATED.lower() in sentence.lower():
                raise ContractError(f"{self.key}: a finding mentions simulated data; it belongs among the method "
                                    f"checks: {sentence!r}")
        if self.method_checks and not self.simulated:
            raise ContractError(f"{self.key}: method checks are statements about the SIMULATED panel, but the "
                                "Section says nothing in it is simulated")
        uses_simulation = (any(t.simulated for t in self.tables) or any(e.simulated for e in self.exhibits)
                           or any(h.simulated for h in self.headlines))
        uses_simulation = uses_simulation or any(e.simulated for e in self.estimates)
        by_key(self.estimates)  # one key, one number
        allowed = ANALYSIS_OF.get(self.key)
        foreign = [e.key for e in self.estimates if allowed is not None and e.analysis not in allowed]
        if foreign:
            raise ContractError(f"{self.key}: estimates {foreign} are not namespaced by this analysis "
                                f"({ANALYSIS_OF.get(self.key, ())})")
        if uses_simulation and not self.simulated:
            raise ContractError(f"{self.key}: a table, exhibit or headline is simulated but the Section is not")
        if not self.raw_sha256:
            raise ContractError(f"{self.key}: the raw-data checksums the Section rests on are required")

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict:
        """JSON-safe form (what a notebook publishes)."""
        return {
            "key": self.key, "title": self.title, "findings": list(self.findings),
            "method_checks": list(self.method_checks),
            "cannot_say": [vars(c) for c in self.cannot_say], "caveats": list(self.caveats),
            "tables": [t.to_dict() for t in self.tables], "exhibits": [vars(e) for e in self.exhibits],
            "headlines": [vars(h) for h in self.headlines], "params": plain(self.params),
            "estimates": [e.to_dict() for e in self.estimates], "warnings": list(self.warnings),
            "raw_sha256": dict(self.raw_sha256), "simulated": self.simulated, "vintage": self.vintage,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Section:
        """Inverse of :meth:`to_dict` (the contract is checked again on reading)."""
        return cls(
            d["key"], d["title"], tuple(d["findings"]), tuple(d["method_checks"]),
            tuple(CannotSay(**c) for c in d["cannot_say"]), tuple(d["caveats"]),
            tuple(Table.from_dict(t) for t in d["tables"]), tuple(Exhibit(**{**e, "data": tuple(e.get("data", ()))})
                                                                       for e in d["exhibits"]),
            tuple(Headline(**h) for h in d["headlines"]),
            tuple(Estimate.from_dict(e) for e in d.get("estimates", ())), tuple(d.get("warnings", ())),
            d["params"], d["raw_sha256"], d["simulated"], d.get("vintage", "latest"),
        )

    def publish(self, path: str | Path) -> Path | None:
        """Write the Section's JSON to ``path`` atomically; skipped when ``path`` is empty."""
        return write_json(path, self.to_dict()) if path else None


def read(path: str | Path) -> Section:
    """Read a published Section."""
    return Section.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
