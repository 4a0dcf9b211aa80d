"""What the annual memo says: sections, summary sentences, caveats and the provenance
footer, composed from the results the analysis notebooks publish (no number typed here).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

from kip_analysis import provenance

#: Analysis notebooks in memo order, with the section title each one gets.
SECTIONS: dict[str, str] = {
    "01_programme_facts": "The programme in the sources",
    "02_programme_effects": "What recognition did to firms",
    "03_targets": "Will the targets be met?",
    "04_land_relocation": "Land leases and relocation",
}


def load_results(results_dir: str | Path) -> dict[str, dict]:
    """Published results by notebook, for the notebooks present (sections grow as analyses land)."""
    folder = Path(results_dir)
    found = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}
    return {name: found[name] for name in SECTIONS if name in found}


def executive_summary(results: dict[str, dict]) -> list[str]:
    """One or two sentences per analysis present, every number from its results."""
    sentences: list[str] = []
    if "01_programme_facts" in results:
        r = results["01_programme_facts"]
        sentences += r["reading"][:2]
        h = r["headline"]
        sentences.append(
            f"Of {h['targets_known']} targets, expectations and plans known by {h['as_of_year']}, "
            f"{h['targets_met']} were met, {h['targets_missed']} missed, {h['targets_no_actual']} "
            f"cannot be judged from the sources and {h['targets_open']} are still open."
        )
    if "02_programme_effects" in results:
        sentences += results["02_programme_effects"]["reading"][:2]
    if "03_targets" in results:
        r = results["03_targets"]
        sentences += [s for s in r["reading"] if s.startswith("The 2025") or s.startswith("Caution")]
    if "04_land_relocation" in results:
        r = results["04_land_relocation"]
        sentences += [r["reading"][0], r["reading"][1], r["reading"][-1]]
    return sentences


def caveats(results: dict[str, dict]) -> list[str]:
    """What the reader must know: simulated parts, source conflicts and how they were resolved."""
    notes = []
    simulated = [SECTIONS[n] for n, r in results.items() if r.get("simulated")]
    if simulated:
        notes.append("SIMULATED: " + "; ".join(simulated) + " use(s) a simulated firm panel "
                     "calibrated to the published figures; their firm-level numbers are not real data.")
    else:
        notes.append("Nothing in this memo is simulated: every number comes from a sourced row in "
                     "data/raw/ or is computed from such rows.")
    if "03_targets" in results:
        a = results["03_targets"]["assumptions"]
        notes.append(
            "Targets: shares are rebuilt from sourced rows under stated assumptions — recognition valid "
            f"{a['validity_years']} years, recognised products growing {a['product_growth']:.1%} a year, "
            f"price growth {a['price_growth']:.1%} (no sourced deflator), index gap filled by {a['iip_gap']}, "
            f"export gaps by {a['export_gap']}; products' revenue is set against production value and the "
            "77 firms' whole-firm revenue is not used."
        )
    if "01_programme_facts" in results:
        r = results["01_programme_facts"]
        notes.append(
            f"The sources disagree in {r['headline']['conflicts']} places (table 'Where the sources "
            f"disagree'); where a figure was needed the one chosen follows source_preference="
            f"{r['params']['source_preference']!r} ({r['preference_rule']})."
        )
        notes.append(
            f"{r['excluded_undated_figures']} undated figures (industrial-park rents) are kept in "
            "the facts table but left out of the year-by-year timeline."
        )
    return notes


def provenance_footer(memo_year: int, scenario: str, results: dict[str, dict]) -> str:
    """HTML footer: parameters, data checksums, package versions, git commit, run time."""
    checksums = next((r["raw_sha256"] for r in results.values() if "raw_sha256" in r),
                     provenance.raw_checksums())
    rows = "".join(f"<li><code>{html.escape(k)}</code>: <code>{html.escape(v)}</code></li>"
                   for k, v in sorted(checksums.items()))
    versions = ", ".join(f"{k} {v}" for k, v in provenance.package_versions().items())
    params = {name: r.get("params", {}) for name, r in results.items()}
    return (
        '<div class="kip-provenance"><strong>Provenance.</strong> '
        f"Memo year {memo_year}, scenario {html.escape(scenario)}. Notebook parameters: "
        f"<code>{html.escape(json.dumps(params, sort_keys=True))}</code>. "
        f"Code version (git) <code>{html.escape(provenance.code_version())}</code>. "
        f"Packages: {html.escape(versions)}. "
        f"Built {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}. "
        f"Raw data SHA-256:<ul>{rows}</ul></div>"
    )

