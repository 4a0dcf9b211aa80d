"""Headline results a notebook publishes for the memo: a small JSON file next to the
executed notebook, so the memo composes its sentences from numbers, never typed ones.
"""

from __future__ import annotations

import base64
import io
import json
import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure


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


def figure_png(fig: Figure) -> str:
    """A matplotlib figure as base64-encoded PNG (fixed metadata, so bytes repeat)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def publish(path: str | Path, notebook: str, results: dict,
            figures: dict[str, Figure] | None = None) -> Path | None:
    """Write ``results`` (and key ``figures``, embedded as PNG with their captions) for
    ``notebook`` to ``path``; skipped when ``path`` is empty.

    The file is written to a temporary name and renamed, so a reader never sees half a file.
    """
    if not path:
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    payload = {"notebook": notebook, **_plain(results)}
    payload["figures"] = [
        {"name": name, "caption": getattr(fig, "_kip_caption", ""), "png_base64": figure_png(fig)}
        for name, fig in (figures or {}).items()
    ]
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
