"""No published number changes unless it is meant to: every typed estimate of the 2019, 2025 and latest baseline
memos is compared with its reference at the precision the memo prints, not at the last bit.

- numbers within a relative 1e-6 (absolute 1e-9 near zero): BLAS threads, load and the CPU move an IRLS fit's
  last digits by 1e-12 to 1e-10, and no such noise reaches 1e-6, while any change a reader could see does;
- the text of every estimate exactly as the memo prints it (``report.annex.estimate_text``: value, interval and
  unit at their printed digits), and verdict words and statuses exactly.

Correctness is carried by the reference tests against external implementations (R ``did``, csdid, pyfixest,
moderndid, Greene's TravelMode, McKenzie's formula), which keep their own tolerances; this guard catches a
published number that changes. A change that is meant re-makes the reference with one command,
``make reference`` (it builds the three memos into a temporary folder, writes the reference and prints every
estimate whose printed text changed); its commit says why.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path

import pytest

from kip_analysis import config
from kip_analysis.report.annex import estimate_text
from kip_analysis.report.estimates import Estimate

REFERENCE = Path(__file__).parent / "reference" / "memo_estimates.json"
#: The memos the guard reads: the first real-time memo with every analysis, the last year of the SIMULATED
#: panel, and the latest memo year (past the panel: its effects are read from 2025's).
YEARS: tuple[int, ...] = tuple(sorted({2019, 2025, config.LAST_YEAR}))
#: Relative and absolute tolerance of a number: far above machine noise (1e-12 to 1e-10 seen between hosts,
#: thread counts and loads), far below a change in any printed digit (the memo prints at most 4 significant).
REL, ABS = 1e-6, 1e-9
FIELDS = ("value", "low", "high", "level", "unit", "status")

pytestmark = pytest.mark.notebook


def estimates_of(folder: Path, year: int) -> dict[str, dict]:
    """Every typed estimate of a built memo, as the reference stores it: its fields and its printed text."""
    results = json.loads((folder / str(year) / "baseline" / "results.json").read_text(encoding="utf-8"))
    out = {}
    for d in results["estimates"]:
        e = Estimate.from_dict(d)
        out[e.key] = {**{k: d.get(k) for k in FIELDS}, "text": estimate_text(e)}
    return out


def differences(now: dict[str, dict], reference: dict[str, dict]) -> list[str]:
    """What differs between a memo's estimates and the reference, one line each (empty when none does)."""
    lines = [f"{key}: {'new' if key in now else 'gone'}" for key in sorted(set(now) ^ set(reference))]
    for key in sorted(set(now) & set(reference)):
        a, b = now[key], reference[key]
        for name in ("status", "unit", "text"):
            if name in b and a.get(name) != b[name]:
                lines.append(f"{key} {name}: {b.get(name)!r} -> {a.get(name)!r}")
        for name in (n for n in ("value", "low", "high", "level") if n in b):
            x, y = a.get(name), b[name]
            numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y))
            if not numbers:
                if x != y and not _both_nan(x, y):
                    lines.append(f"{key} {name}: {y!r} -> {x!r}")
            elif not (_both_nan(x, y) or math.isclose(x, y, rel_tol=REL, abs_tol=ABS)):
                lines.append(f"{key} {name}: {y!r} -> {x!r} (relative {abs(x - y) / max(abs(y), ABS):.1e})")
    return lines


def _both_nan(x: object, y: object) -> bool:
    return all(isinstance(v, float) and math.isnan(v) for v in (x, y))


@pytest.mark.parametrize("year", YEARS)
def test_every_published_estimate_is_unchanged_at_its_printed_precision(memo_batch, year):
    out, _ = memo_batch
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))["memos"]
    assert str(year) in reference, f"no reference for {year}: run make reference"
    assert differences(estimates_of(out, year), reference[str(year)]) == []


def test_the_guard_sees_a_printed_change_and_ignores_machine_noise():
    ref = {"land.x": {"value": -1.5579732098474781, "low": -2.1, "high": -1.0, "level": 0.95, "unit": "",
                      "status": "check", "text": "−1.6 (95% CI −2.1 to −1.0)"}}
    noise = {"land.x": {**ref["land.x"], "value": -1.5579732098455485}}  # 1.2e-12: what BLAS threads do
    assert differences(noise, ref) == []
    moved = {"land.x": {**ref["land.x"], "value": -1.5579, "text": "−1.6 (95% CI −2.1 to −1.0)"}}
    assert differences(moved, ref) == ["land.x value: -1.5579732098474781 -> -1.5579 (relative 4.7e-05)"]
    reworded = {"land.x": {**ref["land.x"], "status": "estimate"}, "land.y": ref["land.x"]}
    assert differences(reworded, ref) == ["land.y: new", "land.x status: 'check' -> 'estimate'"]


def remake(folder: Path | None = None) -> None:
    """Write the reference from a built batch (or build the memos first) and print what changed."""
    from kip_analysis.batch import execute

    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="kip-reference-"))
        done = execute.run_batch(list(YEARS), ["baseline"], folder, n_jobs=2, force=True)
        failed = [f"{o.year}/{o.scenario}/{o.notebook}" for o in done if o.status != "built"]
        if failed:
            raise SystemExit(f"the memos did not build: {failed}")
    payload = json.loads(REFERENCE.read_text(encoding="utf-8"))
    old = payload.get("memos", {})
    memos = {str(y): estimates_of(folder, y) for y in YEARS}
    for year, now in memos.items():
        before = old.get(year)
        if before is None:
            print(f"{year}: new in the reference ({len(now)} estimates)")
            continue
        printed = [line for line in differences(now, before)
                   if " text: " in line or " status: " in line or line.endswith(("new", "gone"))]
        print(f"{year}: {len(now)} estimates, {len(printed)} printed changes")
        for line in printed:
            print("  " + line)
    payload["memos"] = memos
    payload["note"] = ("every typed estimate of the baseline memos of the years given, with its text as printed "
                       "(tests/test_estimates_unchanged.py); re-make only when a number is meant to change: "
                       "make reference")
    REFERENCE.write_text(json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {REFERENCE}: {sum(len(m) for m in memos.values())} estimates of {', '.join(memos)}")


if __name__ == "__main__":
    remake(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
