"""The programme-effects analysis as a memo Section. On the SIMULATED panel every sentence
about the estimates is a method check; on a census extract the same sentences are findings.
What a census extract could detect (from sourced counts) is a finding either way.

May import: report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from kip_analysis.errors import drain_warnings
from kip_analysis.report.estimates import Estimate, fact_ids_in
from kip_analysis.report.section import CannotSay, Exhibit, Headline, Section, Table

TITLE = "What recognition did to firms"
HEADLINE_ROW = "Callaway–Sant'Anna (simple)"
TRUTH_ROW = "true effect (SIMULATED)"


@dataclass(frozen=True)
class EffectsResults:
    """Everything notebook 02 computed, for the Section."""

    comparison: pd.DataFrame  # estimator, estimate, se, ci_low, ci_high
    event_study: pd.DataFrame  # estimator, covariate_adjusted, event_time, estimate, se, ci_low, ci_high
    pretests: pd.DataFrame  # pre-test, what it tests, statistic, df, p_value
    sensitivity: pd.DataFrame  # restriction, bound, ci_low, ci_high
    breakdown: dict
    placebo: dict
    permutation: dict
    heterogeneity: pd.DataFrame  # subgroup rows with att, se (and truth when SIMULATED)
    margins: pd.DataFrame  # outcome, estimator, estimate, se, ci_low, ci_high (+ truth)
    sample: dict  # the estimation sample's counts and rules
    event_fig: Figure
    cohort_pretests: pd.DataFrame | None = None  # robustness.cohort_table: the small-sample pre-test by cohort


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def effects_reading(r: EffectsResults, label: str, outcome: str, control_group: str,
                    covariates: tuple[str, ...]) -> list[str]:
    """The effects analysis in sentences, every number from the results."""
    c = r.comparison.set_index("estimator")
    cs = c.loc[HEADLINE_ROW]
    what = outcome.replace("log_", "")
    s = [f"{label}: recognition raised firms' {what} by {_pct(cs['estimate'])} log points on average after "
         f"recognition (Callaway–Sant'Anna, {control_group} controls"
         + (f", doubly robust with {' and '.join(covariates)}" if covariates else ", unconditional")
         + f"; 95% CI {_pct(cs['ci_low'])} to {_pct(cs['ci_high'])})."]
    if TRUTH_ROW in c.index:
        truth = c.loc[TRUTH_ROW, "estimate"]
        others = "; ".join(f"{name} {_pct(row['estimate'])}" for name, row in c.iterrows()
                           if name not in (HEADLINE_ROW, TRUTH_ROW))
        inside = cs["ci_low"] <= truth <= cs["ci_high"]
        s.append(f"The true effect built into the simulation is {_pct(truth)} log points, "
                 f"{'inside' if inside else 'outside'} the headline interval; the other estimators say: {others}.")
    for row in r.pretests.itertuples():
        verdict = "no evidence against parallel trends" if row.p_value >= 0.05 else "rejected at 5%"
        if getattr(row, "role", "check") == "reported only":
            verdict = f"{'rejects' if row.p_value < 0.05 else 'does not reject'} at 5%, reported only: not the verdict"
        s.append(f"Pre-test, {row._1}: {_statistic_text(row)}, {_p(row.p_value)} ({verdict}); it tests "
                 f"whether the {row._2}.")
    s += _pretest_verdict(r.pretests, r.cohort_pretests)
    b = r.breakdown
    if math.isnan(b["relative_magnitudes"]):
        s.append(f"Sensitivity (Rambachan–Roth) not computed: it {b['window']}.")
    else:
        s.append(f"Sensitivity (Rambachan–Roth, {b['window']}): the average post-recognition effect stays "
                 f"significantly positive unless post-recognition departures from parallel trends exceed "
                 f"{_breakdown_text(b['relative_magnitudes'])} times the largest pre-recognition one (relative "
                 f"magnitudes breakdown value), or "
                 + ("the trend's slope may change by any amount tried (no smoothness breakdown within the grid)."
                    if math.isinf(b["smoothness"]) else
                    f"the trend's slope may change by {_breakdown_text(b['smoothness'], 100)} log points a year "
                    "(smoothness breakdown value)."))
    p = r.placebo
    s.append(f"Placebo recognition dates ({p['shift']} years early, pre-recognition years only): "
             f"{_pct(p['estimate'])} log points (95% CI {_pct(p['ci_low'])} to {_pct(p['ci_high'])}); "
             f"a true zero {'is' if p['ci_low'] <= 0 <= p['ci_high'] else 'is not'} inside.")
    q = r.permutation
    s.append(f"Permutation inference ({q['n_permutations']} reassignments of recognition dates among "
             f"never-recognised firms, unconditional estimator): p = {q['p_value']:.3f} for the unconditional "
             f"estimate of {_pct(q['observed'])} log points; 95% of placebo estimates are within "
             f"±{_pct(q['placebo_95'])}.")
    for row in r.margins.itertuples():
        truth = getattr(row, "truth", math.nan)
        s.append(f"{row.outcome} ({row.estimator}): {_pct(row.estimate)} (95% CI {_pct(row.ci_low)} to "
                 f"{_pct(row.ci_high)}){'' if pd.isna(truth) else f'; true effect {_pct(truth)}'}.")
    h = r.heterogeneity.dropna(subset=["att"])
    if "true (SIMULATED)" in h.columns and len(h):
        covered = ((h["att"] - 1.96 * h["se"] <= h["true (SIMULATED)"])
                   & (h["true (SIMULATED)"] <= h["att"] + 1.96 * h["se"])).sum()
        s.append(f"Heterogeneity by sector and ownership (headline estimator): the true subgroup effect lies inside "
                 f"the 95% interval in {covered} of {len(h)} estimable subgroups.")
    return s


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _statistic_text(row: tuple) -> str:
    """A pre-test's statistic in words, by its reference distribution."""
    ref = getattr(row, "reference", "chi-square")
    if ref.startswith("F per cohort; Fisher"):
        return f"Fisher's statistic {row.statistic:.1f} on {row.df} degrees of freedom ({row.df // 2} cohorts)"
    if ref.startswith("F per cohort; Bonferroni"):
        return f"smallest cohort p-value {row.statistic:.3f} over {row.df} cohorts"
    if ref == "permutation":
        return f"Fisher's statistic {row.statistic:.1f} against {row.df} placebo assignments"
    return f"chi-square {row.statistic:.1f} on {row.df} degrees of freedom"


def _pretest_verdict(pretests: pd.DataFrame, cohorts: pd.DataFrame | None) -> list[str]:
    """The verdict on parallel trends from the small-sample pre-test, and why R did's chi-square
    Wald is reported but not used (every number from the results).
    """
    rows = pretests.set_index("role", drop=False) if "role" in pretests.columns else None
    if rows is None or "verdict" not in rows.index:
        return []
    verdict = rows.loc[["verdict"]].iloc[0]
    ref = pretests["reference"]
    others = pretests[ref.str.startswith("F per cohort; Bonferroni") | (ref == "permutation")]
    also = "; ".join(f"{'permutation-calibrated' if t['reference'] == 'permutation' else 'Bonferroni'} "
                     f"{_p(t['p_value'])}" for _, t in others.iterrows())
    out = ["Verdict on parallel trends before recognition (the small-sample pre-test, cohort by cohort): "
           + ("no evidence against them" if verdict["p_value"] >= 0.05 else "rejected at 5%")
           + f" (Fisher {_p(verdict['p_value'])}" + (f"; {also}" if also else "") + ")."]
    wald = pretests[pretests["role"] == "reported only"]
    if cohorts is None or not len(cohorts) or not len(wald):
        return out
    w = wald.iloc[0]
    cells = int(cohorts["pre-period cells p_g"].sum())
    mean_t = float((cohorts["mean_t"] * cohorts["pre-period cells p_g"]).sum() / cells)
    p_g, n_g = cohorts["pre-period cells p_g"], cohorts["recognised firms n_g"]
    text = (f"R did's chi-square Wald ({_p(w['p_value'])}) is reported, not used for the verdict: the "
            f"{len(cohorts)} cohorts have {p_g.min()}-{p_g.max()} pre-period cells each, their covariance estimated "
            f"from {n_g.min()}-{n_g.max()} recognised firms, so the statistic behaves like Hotelling's "
            f"T² with a heavy tail and its chi-square reference is invalid (benchmarks/pretest_size.py measures its "
            f"size on placebo panels). The covariance blocks are not ill-conditioned (condition numbers "
            f"{cohorts['condition'].min():.0f} to {cohorts['condition'].max():.0f}), and the {cells} pre-period "
            f"cells' t statistics have mean {mean_t:+.2f}, {int(cohorts['beyond_1.96'].sum())} beyond ±1.96. ")
    untestable = int((~cohorts["testable"].astype(bool)).sum())
    text += (f"{untestable} cohort(s) cannot be tested (no more recognised firms than pre-period cells)."
             if untestable else "Every cohort has more recognised firms than pre-period cells, so each can be tested.")
    return out + [text]


def _breakdown_text(value: float, scale: float = 1.0) -> str:
    if value == 0:
        return "0 (the unrestricted interval already includes zero)"
    return "more than the largest value tried" if math.isinf(value) else f"{scale * value:.2f}"


def sample_sentence(sample: dict, rules: str) -> str:
    """The estimation sample and what it leaves out, with counts."""
    return (f"Estimation sample: {sample['firms']:,} firms ({sample['entrants']:,} first observed after 2010, "
            f"{sample['unbalanced_firms']:,} not observed every year); left out: {sample['no_pre_period_firms']} "
            f"recognised firms with no year before recognition, {sample['zero_rows']:,} firm-years with a zero "
            f"outcome. Rules: {rules}.")


def power_sentence(mde: pd.DataFrame, control_fact: str) -> str:
    """What a census extract could detect, at the least favourable assumed sigma and rho."""
    column = max((c for c in mde.columns if c.startswith("MDE")), key=lambda c: mde[c].iloc[0])
    first = mde.iloc[0]
    total = mde[mde["recognised group"].str.endswith("(firm-recognitions)")].iloc[0]
    return (f"What a census extract could detect: against {first['control firms']:,} other industrial firms "
            f"({control_fact}), the {first['recognised group']}'s {first['treated firms']} firm-recognitions give a "
            f"minimum detectable effect of {100 * first[column]:.1f} log points on log revenue, and all "
            f"{total['treated firms']} firm-recognitions together {100 * total[column]:.1f} (80% power, 5% two-sided "
            f"test, {column.removeprefix('MDE, ')} assumed, not sourced; smaller sample extracts in the table).")


def build_section(r: EffectsResults, label: str, simulated: bool, outcome: str, control_group: str,
                  covariates: tuple[str, ...], params: dict, raw_sha256: dict, rules: str,
                  mde: pd.DataFrame | None = None, control_fact: str = "",
                  calibration: pd.DataFrame | None = None) -> Section:
    """The effects Section: method checks on the SIMULATED panel, findings on a census extract,
    and (from sourced counts) what a census extract could detect.
    """
    sentences = tuple(effects_reading(r, label, outcome, control_group, covariates)) + (
        sample_sentence(r.sample, rules),)
    power = (power_sentence(mde, control_fact),) if mde is not None and len(mde) else ()
    cs = r.comparison.set_index("estimator").loc[HEADLINE_ROW]
    cannot = ()
    if simulated:
        cannot = (CannotSay(
            "What did recognition do to real firms' revenue, exports and employment?",
            "firm microdata are confidential, so the estimators were run on a SIMULATED panel; its numbers check the "
            "methods and say nothing about real firms.",
            "an extract of the statistics office's enterprise census for Hanoi firms 2010-2025 with the recognised "
            "firms (and every round they were recognised in) flagged, loaded through the firm-panel schema "
            "(data_source=path)."),)
    src = "firm panel: " + ("SIMULATED (kip_analysis.data.simulated_panel)" if simulated else label)
    lp = f"{outcome}: difference in logs (0.10 is about 10 percent)"
    window = r.event_study[r.event_study["event_time"].between(-5, 3)]
    tables = [
        Table(f"Estimators compared ({label})", lp, src, r.comparison.round(4), simulated),
        Table(f"Event study, base e = -1 for every estimator ({label})", lp + "; covariate_adjusted says which "
              "estimates are doubly robust", src, window.round(4), simulated),
        Table(f"Pre-tests of parallel trends ({label})", "statistics and p-values, reference distribution in each "
              "row; role: which test gives the verdict", src, r.pretests.round(4), simulated),
        *([Table(f"Small-sample pre-test cohort by cohort ({label})", "n_g recognised firms, p_g pre-period cells; "
                 "Wald W_g and its chi-square p; F_g = W_g (n_g - p_g) / (n_g p_g) and its F(p_g, n_g - p_g) p; "
                 "condition number of the cohort's covariance; mean t and count of cells beyond +/-1.96", src,
                 r.cohort_pretests.round(4), simulated)] if r.cohort_pretests is not None else []),
        Table(f"Sensitivity to departures from parallel trends, Rambachan–Roth ({label})",
              lp + "; robust 95% intervals for the average post-recognition effect", src + "; moderndid didhonest",
              r.sensitivity.round(4), simulated),
        Table(f"Heterogeneity, headline estimator ({label})", lp, src, r.heterogeneity.round(4), simulated),
        Table(f"Exporting and exports with zeros ({label})", "exporter: share of firms (x100 = percentage points); "
              "exports: log of the ratio to the counterfactual mean (PPML)", src, r.margins.round(4), simulated),
    ]
    if mde is not None:
        tables.append(Table("What a census extract could detect (minimum detectable effect)",
                            "log points of the outcome (x100 = approx. percent); 80% power, 5% two-sided test",
                            f"firm-recognitions per round: processed rounds table; other firms: {control_fact}; "
                            "sigma and rho assumed (unsourced); McKenzie (2012) variance", mde.round(4)))
    if calibration is not None:
        tables.append(Table(f"Calibration of the {label} panel against the sources (one seed)",
                            "as in each row", src + "; benchmarks/calibration_seeds.py shows 100 seeds",
                            calibration, simulated))
    return Section(
        key="02_programme_effects", title=TITLE,
        findings=power + (() if simulated else sentences), method_checks=sentences if simulated else (),
        cannot_say=cannot, tables=tuple(tables),
        exhibits=(Exhibit.from_figure("event_study", r.event_fig, src, simulated),),
        headlines=(Headline("effect", f"Effect of recognition on {outcome} ({label})",
                            f"{_pct(cs['estimate'])} log points, 95% CI {_pct(cs['ci_low'])} to "
                            f"{_pct(cs['ci_high'])}", float(cs["estimate"]), simulated, trend=True),),
        estimates=tuple(effects_estimates(r, simulated, outcome, mde, control_fact)),
        warnings=tuple(drain_warnings()),
        params=params, raw_sha256=raw_sha256, simulated=simulated,
        vintage="simulated" if simulated else "census extract",
    )


def effects_estimates(r: EffectsResults, simulated: bool, outcome: str, mde: pd.DataFrame | None,
                      control_fact: str) -> list[Estimate]:
    """The effects analysis's typed estimates: the headline effect (a check on the SIMULATED panel, an
    estimate on a census extract), the truth when simulated, and what a census extract could detect.
    """
    c = r.comparison.set_index("estimator")
    cs = c.loc[HEADLINE_ROW]
    vintage = "simulated" if simulated else "census extract"
    status = "check" if simulated else "estimate"
    what = outcome.replace("log_", "")
    out = [Estimate("effects.att", f"Average effect of a first recognition on firms' {what}",
                    100 * float(cs["estimate"]), "log points", 100 * float(cs["ci_low"]), 100 * float(cs["ci_high"]),
                    0.95, simulated=simulated, vintage=vintage, status=status,
                    note="Callaway–Sant'Anna, simple aggregation")]
    if TRUTH_ROW in c.index:
        out.append(Estimate("effects.att_truth", "Effect built into the simulation", 100 * float(c.loc[TRUTH_ROW,
                            "estimate"]), "log points", simulated=True, vintage="simulated", status="check"))
    if mde is not None and len(mde):
        column = max((col for col in mde.columns if col.startswith("MDE")), key=lambda col: mde[col].iloc[0])
        total = mde[mde["recognised group"].str.endswith("(firm-recognitions)")].iloc[0]
        out.append(Estimate(
            "effects.mde", "Smallest effect a census extract could detect (all firm-recognitions)",
            100 * float(total[column]), "log points", fact_ids=fact_ids_in(control_fact), status="estimate",
            vintage="latest", note=f"80% power, 5% two-sided test, {column.removeprefix('MDE, ')} assumed",
            extra={"treated_firms": int(total["treated firms"]), "control_firms": int(total["control firms"])}))
    return out
