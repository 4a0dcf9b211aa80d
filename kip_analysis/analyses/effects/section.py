"""The programme-effects analysis as a memo Section. On the SIMULATED panel every sentence
is a method check; on a census extract the same sentences are findings.

May import: report.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from kip_analysis.report.section import CannotSay, Exhibit, Headline, Section, Table

TITLE = "What recognition did to firms"


def effects_reading(comparison: pd.DataFrame, pretrend: dict, label: str, outcome: str,
                    control_group: str, covariates: tuple[str, ...]) -> list[str]:
    """The effects analysis in sentences, every number from the comparison table and pre-test."""
    c = comparison.set_index("estimator")
    cs = c.loc["Callaway–Sant'Anna (simple)"]
    what = outcome.replace("log_", "")
    sentences = [
        f"{label}: on this panel recognition raised firms' {what} by {100 * cs['estimate']:.1f} log points on "
        f"average after recognition (Callaway–Sant'Anna, {control_group} controls"
        + (f", doubly robust with {' and '.join(covariates)}" if covariates else ", unconditional")
        + f"; 95% CI {100 * cs['ci_low']:.1f} to {100 * cs['ci_high']:.1f})."
    ]
    if "true effect (SIMULATED)" in c.index:
        truth = c.loc["true effect (SIMULATED)", "estimate"]
        naive, tw = c.loc["naive comparison", "estimate"], c.loc["TWFE", "estimate"]
        sentences.append(
            f"The true effect built into the simulation is {100 * truth:.1f} log points; the naive comparison says "
            f"{100 * naive:.0f} (recognised firms were far larger to begin with) and two-way fixed effects "
            f"{100 * tw:.1f} (biased by staggered timing, growing effects and trend differences)."
        )
    sentences.append(
        f"Pre-test of parallel trends: joint Wald on {pretrend['event_time_df']} pre-recognition event times, "
        f"chi-square {pretrend['event_time_wald']:.1f}, p = {pretrend['event_time_p']:.3f}"
        + (" — no evidence against parallel trends." if pretrend["event_time_p"] >= 0.05
           else " — parallel trends are rejected; read the estimates with caution.")
    )
    return sentences


def power_sentence(mde: pd.DataFrame, control_fact: str) -> str:
    """What a census extract could detect, at the least favourable assumed sigma and rho."""
    column = max((c for c in mde.columns if c.startswith("MDE")), key=lambda c: mde[c].iloc[0])
    first, total = mde.iloc[0], mde.iloc[-1]
    return (f"What a census extract could detect: against {first['control firms']:,} other industrial firms "
            f"({control_fact}), the {first['recognised group']}'s {first['treated firms']} firm-recognitions give a "
            f"minimum detectable effect of {100 * first[column]:.1f} log points on log revenue, and all "
            f"{total['treated firms']} firm-recognitions together {100 * total[column]:.1f} (80% power, 5% two-sided "
            f"test, {column.removeprefix('MDE, ')} assumed, not sourced).")


def build_section(comparison: pd.DataFrame, by_cohort: pd.DataFrame, pretrend: dict, event_fig: Figure,
                  label: str, simulated: bool, outcome: str, control_group: str, covariates: tuple[str, ...],
                  params: dict, raw_sha256: dict, mde: pd.DataFrame | None = None,
                  control_fact: str = "") -> Section:
    """The effects Section: method checks on the SIMULATED panel, findings on a census extract, and
    (from sourced counts) what a census extract could detect.
    """
    sentences = tuple(effects_reading(comparison, pretrend, label, outcome, control_group, covariates))
    power = (power_sentence(mde, control_fact),) if mde is not None and len(mde) else ()
    cs = comparison.set_index("estimator").loc["Callaway–Sant'Anna (simple)"]
    cannot = ()
    if simulated:
        cannot = (CannotSay(
            "What did recognition do to real firms' revenue, exports and employment?",
            "firm microdata are confidential, so the estimators were run on a SIMULATED panel; its numbers check the "
            "methods and say nothing about real firms.",
            "an extract of the statistics office's enterprise census for Hanoi firms 2010-2025 with the recognised "
            "firms flagged, loaded through the firm-panel schema (data_source=path)."),)
    sources = "firm panel: " + ("SIMULATED (kip_analysis.data.simulated_panel)" if simulated else label)
    return Section(
        key="02_programme_effects", title=TITLE,
        findings=power + (() if simulated else sentences), method_checks=sentences if simulated else (),
        cannot_say=cannot,
        tables=(Table(f"Estimators compared ({label})", f"{outcome}: log points (x100 = approx. percent)", sources,
                      comparison.round(4), simulated),
                Table(f"Effect by cohort ({label})", f"{outcome}: log points", sources, by_cohort.round(4),
                      simulated))
        + ((Table("What a census extract could detect (minimum detectable effect)",
                  "log points of the outcome (x100 = approx. percent); 80% power, 5% two-sided test",
                  f"firm-recognitions per round: processed rounds table; other firms: {control_fact}; sigma and rho "
                  "assumed (unsourced); McKenzie (2012) variance", mde.round(4)),) if mde is not None else ()),
        exhibits=(Exhibit.from_figure("event_study", event_fig, sources, simulated),),
        headlines=(Headline("effect", f"Effect of recognition on {outcome} ({label})",
                            f"{100 * cs['estimate']:.1f} log points, 95% CI {100 * cs['ci_low']:.1f} to "
                            f"{100 * cs['ci_high']:.1f}", float(cs["estimate"]), simulated, trend=True),),
        params=params, raw_sha256=raw_sha256, simulated=simulated,
        vintage="simulated" if simulated else "census extract",
    )
