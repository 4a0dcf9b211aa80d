"""Writing files so that a reader never sees half of one, and JSON-safe copies of results.

May import: nothing from the package.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np


def atomic_write(target: str | Path, text: str) -> Path:
    """Write ``text`` to a temporary name beside ``target``, then rename it into place."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target


def plain(value: object) -> object:
    """JSON-safe copy: numpy scalars to Python, NaN to None, tuples to lists.

    Examples
    --------
    >>> plain({"a": np.float64(1.5), "b": (1, float("nan"))})
    {'a': 1.5, 'b': [1, None]}
    """
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_json(target: str | Path, payload: object) -> Path:
    """Atomically write ``payload`` (made JSON-safe) as indented UTF-8 JSON."""
    return atomic_write(target, json.dumps(plain(payload), indent=2, ensure_ascii=False) + "\n")
