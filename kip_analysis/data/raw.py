"""Load and validate the raw tables.

Every loader reads cells as text, checks the file's encoding and shape, coerces each
typed column cell by cell, validates with the table's pandera schema
(:mod:`kip_analysis.data.schemas`), and checks keys and cross-column rules. The first problem
stops the load with a :class:`~kip_analysis.errors.DataValidationError` naming the file,
the line (the header is line 1) and the column; nothing is dropped.

May import: data.provenance, errors, data.catalog, data.units.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kip_analysis.data import catalog
from kip_analysis.data.units import COUNT_UNITS
from kip_analysis.errors import DataValidationError

_HEADER_LINES = 1


def _line(index: int) -> int:
    """File line of the data row at 0-based position ``index``."""
    return int(index) + _HEADER_LINES + 1


def read_text_table(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells, failing clearly on empty files, bad encoding or bad rows."""
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise DataValidationError(path, "empty file; expected a header row and data rows")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataValidationError(
            path,
            f"wrong encoding: byte 0x{data[err.start]:02x} is not valid UTF-8; "
            "expected UTF-8 text (re-save the file as UTF-8)",
            line=line,
        ) from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except pd.errors.ParserError as err:
        match = re.search(r"line (\d+)", str(err))
        line = int(match.group(1)) if match else None
        raise DataValidationError(path, f"malformed CSV row: {err}", line=line) from None
    if frame.empty:
        raise DataValidationError(path, "no data rows; expected at least one row under the header")
    return frame.replace("", pd.NA)


def _coerce(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: Path) -> pd.DataFrame:
    """Give each column its schema type, naming the first cell that cannot take it."""
    expected = list(schema.columns)
    for name in expected:
        if name not in frame.columns:
            raise DataValidationError(
                path, f"missing column; expected columns: {', '.join(expected)}",
                line=1, column=name,
            )
    for name in frame.columns:
        if name not in schema.columns:
            raise DataValidationError(
                path, f"unexpected column; expected only: {', '.join(expected)}",
                line=1, column=name,
            )
    out = frame.copy()
    for name, column in schema.columns.items():
        cells = frame[name]
        if not column.nullable and cells.isna().any():
            row = int(np.flatnonzero(cells.isna().to_numpy())[0])
            raise DataValidationError(path, "empty cell; a value is required", _line(row), name)
        dtype = str(column.dtype)
        if dtype.startswith(("float", "int")):
            numbers = pd.to_numeric(cells.str.strip(), errors="coerce")
            bad = cells.notna() & numbers.isna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise DataValidationError(
                    path, f"expected a number, got {cells.iloc[row]!r}", _line(row), name
                )
            if dtype.startswith("int"):
                fractional = numbers.notna() & (numbers % 1 != 0)
                if fractional.any():
                    row = int(np.flatnonzero(fractional.to_numpy())[0])
                    raise DataValidationError(
                        path, f"expected a whole number, got {cells.iloc[row]!r}", _line(row), name
                    )
                numbers = numbers.astype("Int64" if column.nullable else "int64")
            else:
                numbers = numbers.astype("float64")
            out[name] = numbers
        else:
            out[name] = cells.astype(object).where(cells.notna(), None)
    return out


def _validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: Path) -> None:
    """Run the pandera checks; report the first failing cell with what was expected."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases.copy()
        cases["_order"] = pd.to_numeric(cases["index"], errors="coerce")
        first = cases.sort_values("_order", na_position="last").iloc[0]
        line = None if pd.isna(first["_order"]) else _line(first["_order"])
        column = first["column"] if isinstance(first["column"], str) else None
        more = f" ({len(cases) - 1} more problems in this file)" if len(cases) > 1 else ""
        raise DataValidationError(
            path, f"expected {first['check']}, got {first['failure_case']!r}{more}", line, column
        ) from None


def _check_keys(frame: pd.DataFrame, key: tuple[str, ...], path: Path) -> None:
    repeated = frame.duplicated(subset=list(key), keep=False)
    if repeated.any():
        rows = np.flatnonzero(repeated.to_numpy())
        first = frame.iloc[rows[0]][list(key)].tolist()
        twin = next(r for r in rows[1:] if frame.iloc[r][list(key)].tolist() == first)
        raise DataValidationError(
            path,
            f"duplicated key ({', '.join(key)}) = {tuple(first)!r}, also on line {_line(twin)}; "
            "expected each key once",
            _line(rows[0]),
            key[0],
        )


def split_range(text: str) -> tuple[float, float]:
    """``"9-10"`` -> ``(9.0, 10.0)``; ``"4.5"`` -> ``(4.5, 4.5)``; ``"-9.28"`` -> ``(-9.28, -9.28)``."""
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?", text.strip())
    if match is None:
        raise ValueError(f"not a number or low-high range: {text!r}")
    low = float(match.group(1))
    high = float(match.group(2)) if match.group(2) else low
    return low, high


def check_rows(frame: pd.DataFrame, name: str, path: Path) -> None:
    """Cross-column rules: low <= high, whole non-negative counts, shares within 0-100."""
    if name == "programme_facts":
        lows, highs, value_column = frame["value_low"], frame["value_high"], "value_low"
        metrics = frame["metric"]
    elif name == "web_figures":
        pairs = frame["value"].map(split_range)
        lows, highs, value_column = pairs.str[0], pairs.str[1], "value"
        metrics = frame["series"]
    else:
        return
    for row, (low, high, unit, metric) in enumerate(zip(lows, highs, frame["unit"], metrics, strict=True)):
        line = _line(row)
        if low > high:
            raise DataValidationError(
                path, f"range with low {low:g} > high {high:g}; expected low <= high", line,
                "value_high" if name == "programme_facts" else value_column,
            )
        if unit in COUNT_UNITS and (low < 0 or low % 1 or high % 1):
            raise DataValidationError(
                path, f"count of {unit} must be a whole non-negative number, got {low:g}-{high:g}",
                line, value_column,
            )
        if unit == "percent" and "share" in metric and not (0 <= low and high <= 100):
            raise DataValidationError(
                path, f"share must lie between 0 and 100 percent, got {low:g}-{high:g}",
                line, value_column,
            )


#: Set to 1 to load raw files whose bytes differ from their sidecar (a local edit, reported as a warning).
ALLOW_EDITED = "KIP_ALLOW_EDITED_RAW"
_VERIFIED: dict[tuple[str, int, int], str] = {}


def verify_checksum(path: Path) -> None:
    """The raw file's SHA-256 equals its sidecar's, or a :class:`DataValidationError` naming both hashes.

    With ``KIP_ALLOW_EDITED_RAW=1`` a mismatch is a warning instead (a local edit under test); the memo's
    provenance footer still records the file's actual hash. Checked once per file version (path, size,
    modification time).
    """
    import os
    import warnings

    from kip_analysis.data import provenance

    stat = path.stat()
    stamp = (str(path), stat.st_size, stat.st_mtime_ns)
    if stamp in _VERIFIED:
        return
    sidecar = provenance.sidecar_path(path)
    if not sidecar.exists():
        raise DataValidationError(path, f"no metadata sidecar {sidecar.name} beside it: every raw file carries one "
                                  "(producer, address, licence, SHA-256; data/raw/README.md)")
    expected = str((provenance.read_sidecar(path) or {}).get("sha256", ""))
    actual = provenance.sha256(path)
    if actual != expected:
        message = (f"its SHA-256 is {actual} but its sidecar {sidecar.name} records {expected or 'none'}: the file "
                   "changed since it was received; restore it, restamp a transcription fix (python -m "
                   f"kip_analysis.data.provenance restamp {path}), or set {ALLOW_EDITED}=1 to use a local edit")
        if os.environ.get(ALLOW_EDITED) != "1":
            raise DataValidationError(path, message)
        warnings.warn(f"{path.name}: {message}", stacklevel=2)
    _VERIFIED[stamp] = actual


def load_table(name: str, path: Path | None = None) -> pd.DataFrame:
    """Load raw table ``name`` (a key of :data:`kip_analysis.data.catalog.TABLES`) and validate it.

    Parameters
    ----------
    name
        Table name; selects the schema.
    path
        File to read instead of the table's usual place (for tests and real extracts).

    Returns
    -------
    pandas.DataFrame
        Every row of the file, typed; ``attrs["path"]`` records where it came from.

    Raises
    ------
    DataValidationError
        Naming the file, line and column of the first problem.

    Examples
    --------
    >>> facts = load_table("programme_facts")
    >>> int(facts.loc[facts.fact_id == "c006", "value_low"].iloc[0])
    36
    """
    entry = catalog.get(name)
    if path is None:
        path = entry.path
        verify_checksum(path)
    path = Path(path)
    frame = validate_frame(read_text_table(path), entry.schema, entry.key, path)
    check_rows(frame, name, path)
    return frame


def validate_frame(text_frame: pd.DataFrame, schema: pa.DataFrameSchema, key: tuple[str, ...],
                   path: Path) -> pd.DataFrame:
    """Coerce a frame of text cells to ``schema``, validate it and check its key is unique.

    Raises
    ------
    DataValidationError
        Naming ``path``, the line and the column of the first problem.
    """
    frame = _coerce(text_frame, schema, path)
    _validate(frame, schema, path)
    _check_keys(frame, key, path)
    frame.attrs["path"] = str(path)
    return frame
