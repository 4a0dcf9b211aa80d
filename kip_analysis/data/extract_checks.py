"""Checks of a census extract and its mapping file beyond the schema: what would make an estimator
fail (an error naming the file, the firm and the row) and what looks wrong but is legal (a warning the
memo repeats in its caveats).

May import: config, errors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from kip_analysis import config
from kip_analysis.errors import DataValidationError

#: A firm's revenue changing by this factor or more between two consecutive years is reported (a unit slip?).
REVENUE_JUMP: float = 500.0
#: Rows named in a message at most.
SHOWN: int = 5


def read_mapping(mapping: Path, extract_columns: list[str], schema_columns: list[str]) -> dict[str, str]:
    """The ``columns: {census column: schema column}`` of a mapping file, checked.

    Raises
    ------
    DataValidationError
        Naming the mapping file (and line) when it is not YAML, not a mapping with ``columns``, maps two
        census columns to one field, maps to an unknown field, or names a column the extract lacks.
    """
    try:
        loaded = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise DataValidationError(mapping, f"not valid YAML ({getattr(err, 'problem', None) or err}); expected "
                                  "'columns:' followed by 'census column: schema column' lines",
                                  mark.line + 1 if mark is not None else None) from None
    columns = loaded.get("columns") if isinstance(loaded, dict) else None
    if not isinstance(columns, dict) or not columns:
        raise DataValidationError(mapping, "expected a mapping with a 'columns:' section of 'census column: schema "
                                  f"column' pairs; found {type(loaded).__name__}")
    columns = {str(k): str(v) for k, v in columns.items()}
    unknown = sorted(set(columns.values()) - set(schema_columns))
    if unknown:
        raise DataValidationError(mapping, f"maps to unknown schema columns {unknown}; expected: "
                                  f"{', '.join(schema_columns)}")
    targets = pd.Series(list(columns.keys()), index=list(columns.values()))
    doubled = targets[targets.index.duplicated(keep=False)]
    if len(doubled):
        field = doubled.index[0]
        raise DataValidationError(mapping, f"census columns {', '.join(doubled[field])} are all mapped to "
                                  f"{field!r}; map exactly one census column to each field")
    absent = sorted(set(columns) - set(extract_columns))
    if absent:
        raise DataValidationError(mapping, f"maps census columns the extract does not have: {absent}; the "
                                  f"extract's columns are {', '.join(extract_columns)}")
    return columns


def _rows(frame: pd.DataFrame, mask: pd.Series) -> str:
    hit = frame[mask]
    shown = ", ".join(f"line {i + 2} (firm {r.firm_id}, {r.year})" for i, r in zip(hit.index[:SHOWN],
                                                                                   hit.itertuples(), strict=False))
    return shown + (f" and {len(hit) - SHOWN} more" if len(hit) > SHOWN else "")


def check_extract(data: pd.DataFrame, path: Path) -> list[str]:
    """Errors for what no estimator can use; the warnings (legal, but looks wrong) as a list.

    ``data``: the validated extract in file order (index = row - 2).

    Raises
    ------
    DataValidationError
        A single firm; no recognised firm or no comparison firm; ``kip_round`` changing within a firm
        (coded 0 before the recognition year instead of the round in every row); a recognised firm with
        no year before its round (the extract starts too late).
    """
    firms = data["firm_id"].nunique()
    if firms < 2:
        raise DataValidationError(path, f"{firms} firm: the analyses compare firms; an extract needs recognised "
                                  "and comparison firms", None, "firm_id")
    varying = data.groupby("firm_id")["kip_round"].transform("nunique") > 1
    if varying.any():
        raise DataValidationError(path, "kip_round changes within a firm at " + _rows(data, varying) + ": it is "
                                  "the firm's round year in every one of its rows (0 for a firm never recognised), "
                                  "not 0 before recognition", int(data.index[varying][0]) + 2, "kip_round")
    rounds = data.groupby("firm_id")["kip_round"].first()
    if (rounds > 0).sum() == 0:
        raise DataValidationError(path, "no recognised firm (kip_round is 0 in every row): the effect of "
                                  "recognition cannot be estimated", None, "kip_round")
    if (rounds == 0).sum() == 0 and rounds.nunique() == 1:
        raise DataValidationError(path, f"every firm was recognised in {int(rounds.iloc[0])}: no comparison firm "
                                  "(never or later recognised) is left", None, "kip_round")
    first = data.groupby("firm_id")["year"].transform("min")
    late = (data["kip_round"] > 0) & (first >= data["kip_round"]) & (data["year"] == first)
    if late.all() or (late.sum() and late.sum() == (rounds > 0).sum()):
        raise DataValidationError(path, "no recognised firm has a year before its round (the extract starts in "
                                  f"{int(data['year'].min())}): " + _rows(data, late), int(data.index[late][0]) + 2,
                                  "year")
    warnings = []
    if late.any():
        warnings.append(f"{int(late.sum())} recognised firms have no year before their round in the extract "
                        f"({path.name}: {_rows(data, late)}); they add nothing to the before-after comparison")
    ids = pd.Series(data["firm_id"].unique())
    stripped = ids.str.lstrip("0")
    clash = ids[stripped.duplicated(keep=False) & (ids != stripped)]
    if len(clash):
        warnings.append(f"firm ids that differ only by leading zeros in {path.name}: {', '.join(clash[:SHOWN])} "
                        "(an id that lost its zeros in some years counts as another firm)")
    ordered = data.sort_values(["firm_id", "year"])
    ratio = ordered.groupby("firm_id")["revenue_vnd_bn"].transform(lambda r: r / r.shift(1))
    jump = (ratio >= REVENUE_JUMP) | (ratio <= 1 / REVENUE_JUMP)
    jump = jump.reindex(data.index).fillna(False).astype(bool) & np.isfinite(ratio.reindex(data.index))
    if jump.any():
        warnings.append(f"revenue changes {REVENUE_JUMP:g}-fold or more in one year in {path.name} at "
                        f"{_rows(data, jump)} (a unit slip, VND million for billion?)")
    from kip_analysis.data.raw import load_table

    known = set(load_table("province_codes")["gso_code"])
    odd = ~data["province"].isin(known)
    if odd.any():
        warnings.append(f"province codes not in province_codes.csv in {path.name}: "
                        f"{', '.join(sorted(set(data.loc[odd, 'province']))[:SHOWN])} ({_rows(data, odd)})")
    if int(data["year"].max()) < config.FIRST_YEAR:
        warnings.append(f"{path.name} ends in {int(data['year'].max())}, before the first round it could show")
    return warnings
