"""Headline results a notebook publishes for the memo: a small JSON file next to the
executed notebook, so the memo composes its sentences from numbers, never typed ones."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np


def _plain(value: object) -> object:
    """JSON-safe copy: numpy scalars to Python, NaN to None, tuples to lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def publish(path: str | Path, notebook: str, results: dict) -> Path | None:
    """Write ``results`` for ``notebook`` to ``path`` (skipped when ``path`` is empty).

    The file is written to a temporary name and renamed, so a reader never sees half a file.
    """
    if not path:
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps({"notebook": notebook, **_plain(results)}, indent=2, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    tmp.replace(path)
    return path


def read(path: str | Path) -> dict:
    """Read a published results file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
