"""No number in a memo changes unless it is meant to (issue 21): every typed estimate of the 2019 and 2025
baseline memos equals the reference to 1e-12. A change that is meant regenerates the reference:
``python tests/test_estimates_unchanged.py <memo-batch folder>`` (and the commit says why)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REFERENCE = Path(__file__).parent / "reference" / "memo_estimates.json"

pytestmark = pytest.mark.notebook


def _estimates(folder: Path, year: int) -> dict[str, dict]:
    results = json.loads((folder / str(year) / "baseline" / "results.json").read_text(encoding="utf-8"))
    return {e["key"]: {k: e.get(k) for k in ("value", "low", "high", "status")} for e in results["estimates"]}


@pytest.mark.parametrize("year", [2019, 2025])
def test_every_typed_estimate_is_unchanged(memo_batch, year):
    out, _ = memo_batch
    reference = json.loads(REFERENCE.read_text())["memos"][str(year)]
    now = _estimates(out, year)
    assert set(now) == set(reference), sorted(set(now) ^ set(reference))
    for key, ref in reference.items():
        assert now[key]["status"] == ref["status"], key
        for field in ("value", "low", "high"):
            if ref[field] is None or isinstance(ref[field], str):  # a verdict is a word
                assert now[key][field] == ref[field], (key, field)
            else:
                assert now[key][field] == pytest.approx(ref[field], rel=1e-12, abs=1e-12), (key, field)


if __name__ == "__main__":  # regenerate the reference from a built memo batch
    folder = Path(sys.argv[1])
    memos = {str(y): _estimates(folder, y) for y in (2019, 2025)}
    payload = json.loads(REFERENCE.read_text())
    payload["memos"] = memos
    REFERENCE.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")
    print(f"wrote {REFERENCE}: {sum(len(m) for m in memos.values())} estimates")
