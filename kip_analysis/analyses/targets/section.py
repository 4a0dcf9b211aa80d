"""The targets analysis as a memo Section: the progress verdict table first, then the anchor
check, the influence of single rows, probabilities only where they are defensible, and the
backtest scores. Every number comes from the tables passed in.

May import: report, data.plausibility.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from kip_analysis.data.plausibility import RULES
from kip_analysis.errors import drain_warnings
from kip_analysis.report.estimates import Estimate, fact_ids_in
from kip_analysis.report.format import metric_label, number, pct, with_unit
from kip_analysis.report.section import CannotSay, Exhibit, Headline, Section, Table

TITLE = "Will the targets be met?"
SOURCES = "facts (rounds, revenue and export figures, city exports, production index); GSO IIP 2012-16"


def _rate(x: float, metric: str) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else (
        f"{100 * x:.1f}%/yr" if metric.endswith("_share") else f"{x:.1f}/yr")


def _unit(metric: str) -> str:
    return "percent" if metric.endswith("_share") else "products" if "products" in metric else "firms"


def verdict_table(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The verdict table as reviewers read it."""
    return pd.DataFrame({
        "target": verdicts["target_id"], "what": [metric_label(m) for m in verdicts["metric"]],
        "counts": verdicts.get("counts", pd.Series("", index=verdicts.index)).fillna(""),
        "year": verdicts["target_year"],
        "target range": [with_unit(lo, hi, _unit(m)) for lo, hi, m in
                         zip(verdicts["low"], verdicts["high"], verdicts["metric"], strict=True)],
        "base": verdicts["base"], "current": verdicts["current"],
        "pace": [_rate(x, m) for x, m in zip(verdicts["actual_rate"], verdicts["metric"], strict=True)],
        "required": [_rate(x, m) for x, m in zip(verdicts["required_rate"], verdicts["metric"], strict=True)],
        "verdict": verdicts["class"], "why": verdicts["reason"],
        "enterprises' share": [pct(x) for x in verdicts.get("enterprise_share",
                                                            pd.Series(float("nan"), index=verdicts.index))],
    })


def probability_table(probabilities: pd.DataFrame) -> pd.DataFrame:
    """Target probabilities as a reader's table (percent values with units)."""
    return pd.DataFrame({
        "target": probabilities["target_id"],
        "what": [metric_label(m) for m in probabilities["metric"]],
        "year": probabilities["target_year"],
        "target range": [with_unit(lo, hi, "percent") for lo, hi in zip(probabilities["low"], probabilities["high"],
                                                                       strict=True)],
        "P(reach low end)": probabilities["p_reach_low"].map("{:.2f}".format),
        "P(inside range)": probabilities["p_in_range"].map("{:.2f}".format),
        "median": probabilities["median"].map(pct),
        "80% interval": [f"{pct(a)}–{pct(b)}" for a, b in zip(probabilities["q10"], probabilities["q90"],
                                                               strict=True)],
        "95% interval": [f"{pct(a)}–{pct(b)}" for a, b in zip(probabilities["q025"], probabilities["q975"],
                                                               strict=True)],
    })


#: The plausibility rules' names (a verdict's reason names the ones it rests on).
PLAUSIBILITY_RULES: tuple[str, ...] = tuple(r.name for r in RULES)
#: Fewer scored forecasts than this and no method is said to score best.
MIN_SCORED: int = 5


def _na(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def target_estimates(verdicts: pd.DataFrame, influence: dict[str, pd.DataFrame], probabilities: pd.DataFrame,
                     vintage: str, uses_simulated: bool) -> list[Estimate]:
    """The typed estimates of the targets analysis: per target its current value and its verdict (the one
    status engine every statement of a target's status reads), and probabilities where a forecast is given.
    """
    out: list[Estimate] = []
    for v in verdicts.to_dict("records"):
        tid, metric = v["target_id"], v["metric"]
        share = metric.endswith("_share")
        unit = "%" if share else "products" if "products" in metric else "firms"
        ids = fact_ids_in(str(v["current"]), str(v["base"]))
        status = "estimate" if share else "actual"
        current = None if _na(v["current_value"]) else float(v["current_value"])
        year = str(v["current"])[:4]
        table = influence.get(tid)
        robust = None if table is None else bool(table.attrs["robust"])
        flips = [] if table is None else [str(r.dropped) for r in table[table["flips"]].itertuples()]
        label = f"{metric_label(metric)}, {v['target_year']}"
        counts = v.get("counts") if isinstance(v.get("counts"), str) else None
        common = {"metric": metric, "target_year": int(v["target_year"]), "target_low": float(v["low"]),
                  "counts": counts if share else None,
                  "enterprise_share": None if _na(v.get("enterprise_share")) else float(v["enterprise_share"]),
                  "target_high": float(v["high"]), "kind": v["kind"], "unit": unit,
                  "value_year": int(year) if year.isdigit() else None}
        lo, hi = v.get("current_low"), v.get("current_high")
        # a band of no width (a share held at its enterprises' ceiling at both ends) is no band
        band = (float(lo), float(hi), 1.0) if current is not None and not (_na(lo) or _na(hi)) and hi > lo \
            else (None, None, None)
        flagged = [rule for rule in PLAUSIBILITY_RULES if v["class"] == "undetermined" and rule in str(v["reason"])]
        out.append(Estimate(f"targets.{tid}.value", label, current, unit, *band, fact_ids=ids, vintage=vintage,
                            status=status, note=str(v["current"]), extra={**common, "flagged_rules": flagged}))
        ahead = not _na(v.get("forecast_median"))
        out.append(Estimate(
            f"targets.{tid}.verdict", label, v["class"], "verdict", fact_ids=ids, vintage=vintage,
            status="forecast" if ahead else status, note=str(v["reason"]),
            extra={**common, "flagged_rules": flagged,
                   "actual_rate": None if _na(v["actual_rate"]) else float(v["actual_rate"]),
                   "required_rate": None if _na(v["required_rate"]) else float(v["required_rate"]),
                   "robust": robust, "flipped_by": flips, "anticipated": ahead,
                   "evidence": v.get("evidence") if ahead else None,
                   "pace_span": v.get("pace_span") if ahead else None}))
    for v in verdicts.to_dict("records"):
        if _na(v.get("forecast_median")):
            continue
        out.append(forecast_estimate(v, vintage))
    for p in probabilities.itertuples():
        out.append(Estimate(
            f"targets.{p.target_id}.p_reach_low", f"P(reaching the low end of the {p.target_year} target)",
            float(p.p_reach_low), "probability", simulated=uses_simulated, vintage=vintage,
            status="check" if uses_simulated else "forecast",
            extra={"median": float(p.median), "q10": float(p.q10), "q90": float(p.q90), "unit_of_median": "%"}))
    return out


def forecast_estimate(v: dict, vintage: str) -> Estimate:
    """The forecast of a target not yet due (:mod:`kip_analysis.analyses.targets.outlook`): its median with the
    calibrated interval, and the probability of reaching the low end where the method has earned one.
    """
    share = v["metric"].endswith("_share")
    unit = "%" if share else "products" if "products" in v["metric"] else "firms"
    p = None if _na(v.get("probability")) else float(v["probability"])
    detail = v.get("evidence_detail") or {}
    return Estimate(
        f"targets.{v['target_id']}.forecast",
        f"{metric_label(v['metric'])}, {v['target_year']} ({'nowcast' if v.get('nowcast') else 'forecast'})",
        float(v["forecast_median"]), unit, float(v["forecast_low"]), float(v["forecast_high"]),
        float(v["forecast_level"]), fact_ids=fact_ids_in(str(v["current"])), vintage=vintage, status="forecast",
        note=f"{v['forecast_method']}; " + (f"calibrated on {v['reference_class']}" if v.get("reference_class") else
                                            "no reference class"),
        extra={"metric": v["metric"], "target_year": int(v["target_year"]), "target_low": float(v["low"]),
               "target_high": float(v["high"]), "probability": p,
               "probability_withheld": str(v.get("probability_withheld") or ""),
               "method": v["forecast_method"], "reference_class": str(v.get("reference_class") or ""),
               "reference_forecasts": int(v.get("reference_forecasts") or 0),
               "reference_series": int(v.get("reference_series") or 0), "horizon": int(v["horizon"]),
               "evidence": v["evidence"], "points": int(detail.get("points", 0)),
               "first_year": detail.get("first_year"), "last_year": detail.get("last_year"),
               "assumed": int(detail.get("assumed", 0)), "left_out_years": list(detail.get("left_out_years", [])),
               "nowcast": bool(v.get("nowcast"))})


def outlook_sentence(v: dict) -> str:
    """One target not yet due: its pace, its forecast and, where earned, its probability (annex finding)."""
    unit = _unit(v["metric"])
    what = (f"{v['target_id']} ({metric_label(v['metric'])}, {with_unit(v['low'], v['high'], unit)} by "
            f"{v['target_year']})")
    fc = with_unit(v["forecast_median"], v["forecast_median"], unit)
    band = with_unit(v["forecast_low"], v["forecast_high"], unit)
    if v.get("nowcast"):
        text = (f"Target {what}: {v['reason']} — {v['class']}; nowcast for {v['target_year']} from "
                f"{v['pace_span'].replace('-', '–')}: {fc} ({v['forecast_level']:.0%} interval {band}, "
                f"{v['forecast_method']})")
    else:
        text = (f"Target {what}: {v['class']} by its forecast for {v['target_year']}, {fc} "
                f"({v['forecast_level']:.0%} interval {band}, {v['forecast_method']}); the pace of "
                f"{v['pace_span'].replace('-', '–')} ({_rate(v['actual_rate'], v['metric'])} against "
                f"{_rate(v['required_rate'], v['metric'])} required) alone would say "
                f"{v.get('pace_class') or v['class']}")
    if not _na(v.get("probability")):
        text += (f"; P(reaching {with_unit(v['low'], v['low'], unit)}) = {v['probability']:.2f}, judged against "
                 f"{number(v['reference_forecasts'])} backtest forecasts of {number(v['reference_series'])} series "
                 f"({v['reference_class']})")
    else:
        text += f"; no probability: {v['probability_withheld']}"
    detail = v.get("evidence_detail") or {}
    notes = [f"{detail.get('points')} values {detail.get('first_year')}–{detail.get('last_year')}"]
    if detail.get("assumed"):
        notes.append(f"{detail['assumed']} built with assumptions")
    if detail.get("left_out_years"):
        notes.append("later values left out as flagged: " + ", ".join(str(y) for y in detail["left_out_years"]))
    return text + f"; evidence: {v['evidence']} ({'; '.join(notes)})."


def level_sentence(levels: pd.DataFrame) -> str:
    """The output share on the production-value base against the shares the sources state for the same round."""
    first = levels.iloc[0]
    stated = levels[levels["concept"] == first["concept"]]
    return (f"On the production-value base (the sourced level, carried to {first['year']}: {first['level_how']}, "
            f"{number(first['level_vnd_bn'])} VND bn), the {first['year']} round's revenue is "
            f"{pct(first['share_on_level'])} of production value; the stated shares "
            + ", ".join(f"{r.statement.split(' = ')[1].split(' of ')[0]} ({r.share_fact})" for r in stated.itertuples())
            + " cannot be reproduced on it: they imply bases of "
            + ", ".join(f"{number(r.implied_vnd_bn)} VND bn" for r in stated.itertuples())
            + f", {stated['ratio'].min():.0%}–{stated['ratio'].max():.0%} of the level. Each is flagged (conflicts "
            "table) and the output-share verdicts use the production-value base.")


def backtest_sentences(scores: pd.DataFrame) -> list[str]:
    """The rolling-origin backtest in one sentence per series; a method "scores best" only on
    at least :data:`MIN_SCORED` scored forecasts.
    """
    out = []
    for series, g in scores.groupby("series", sort=True):
        g = g.set_index("method")
        if "workbook model" not in g.index:
            continue
        m = g.loc["workbook model"]
        best = g["crps"].idxmin()
        out.append(
            f"Backtest of {series} (rolling origins, one year ahead, {int(m['forecasts'])} forecasts): the workbook's "
            f"80% intervals covered {m['coverage_80']:.0%} of outcomes and its 95% intervals {m['coverage_95']:.0%}; "
            f"mean CRPS {number(m['crps'])} against {number(g.loc['last value', 'crps'])} for the last value and "
            f"{number(g.loc['historical mean', 'crps'])} for the historical mean"
            + (f" — too few scored forecasts (fewer than {MIN_SCORED}) to say which method scores best."
               if m["forecasts"] < MIN_SCORED else " — the workbook's method scores best." if best == "workbook model"
               else f" — the {best} benchmark scores better; read the forecasts with that in mind."))
    return out


def build_section(verdicts: pd.DataFrame, anchors: pd.DataFrame, anchors_agree: bool,
                  influence: dict[str, pd.DataFrame], probabilities: pd.DataFrame, scores: pd.DataFrame,
                  figures: dict[str, Figure], as_of_year: int, scenario: str, uses_simulated: bool,
                  assumptions: dict, params: dict, raw_sha256: dict, gate_reasons: list[str] | None = None,
                  levels: pd.DataFrame | None = None, reference_table: pd.DataFrame | None = None) -> Section:
    """The targets Section: verdicts lead; probabilities only for targets at least a year ahead whose
    forecast has earned them (the gate). A scenario's SIMULATED exit rate enters only through a forecast:
    without one, nothing in the Section is simulated.
    """
    uses_simulated = uses_simulated and len(probabilities) > 0
    findings = []
    ahead = verdicts["forecast_median"].notna() if "forecast_median" in verdicts else pd.Series(False,
                                                                                                  index=verdicts.index)
    for v in verdicts[(verdicts["class"] != "cannot be assessed") & ~ahead].to_dict("records"):
        what = (f"{v['target_id']} ({metric_label(v['metric'])}, {with_unit(v['low'], v['high'], _unit(v['metric']))} "
                f"by {v['target_year']})")
        if v["reason"].startswith("target year reached"):
            findings.append(f"Target {what}: {v['current']} — {v['class']}.")
        else:
            findings.append(f"Target {what}: {v['current']}; pace {_rate(v['actual_rate'], v['metric'])} against "
                            f"{_rate(v['required_rate'], v['metric'])} required (ratio {v['ratio']:.2f}) — "
                            f"{v['class']}.")
    findings += [outlook_sentence(v) for v in verdicts[ahead].to_dict("records")]
    for target_id, table in influence.items():
        flips = table[table["flips"]]
        findings.append(
            f"The verdict on {target_id} ({table.attrs['verdict']}) is "
            + ("robust: no single sourced row changes it." if table.attrs["robust"] else
               "not robust: dropping " + "; ".join(f"row {r.dropped} alone makes it {r.verdict}"
                                                   for r in flips.itertuples()) + "."))
    label = " (SIMULATED exit rate)" if uses_simulated else ""
    not_robust = {t for t, table in influence.items() if not table.attrs["robust"]}
    p_sentences = [
        f"The {p.target_year} {p.kind} for the {metric_label(p.metric)} of "
        f"{with_unit(p.low, p.high, 'percent')} has P = {p.p_reach_low:.2f} of reaching its low end (scenario "
        f"{scenario}, as of {as_of_year}: median {pct(p.median)}, 80% interval {pct(p.q10)}–{pct(p.q90)})"
        + (": it rests on single sourced rows (influence table)." if p.target_id in not_robust else ".")
        for p in probabilities.itertuples()]
    classes = verdicts.set_index("target_id")["class"]
    for p in probabilities.itertuples():
        cls = classes.get(p.target_id)
        if (cls in ("on track", "met") and p.p_reach_low < 0.5) or (
                cls in ("accelerate", "accelerate strongly", "regressing") and p.p_reach_low >= 0.5):
            p_sentences.append(
                f"For {p.target_id} the pace-based verdict ({cls}) and the forecast (P = {p.p_reach_low:.2f}) "
                "disagree: the pace extrapolates the share's growth since its base year, while the forecast rebuilds "
                f"the {p.target_year} numerator from the rounds then in force, with exports per product drawn from "
                "the sourced rounds; neither is an official figure.")
    findings += backtest_sentences(scores)
    cannot = []
    if levels is not None and len(levels):
        findings.append(level_sentence(levels))
    settle = {"kip_export_share": "the city's export figure for that year and the recognised products' (or "
              "enterprises') exports, published", "kip_output_share": "the city's industrial production index "
              "growth for the years up to it (GSO), or an official KIP share with its base",
              "kip_products_cumulative": "the rounds' product counts",
              "kip_firms_cumulative": "the rounds' firm counts"}
    for v in verdicts[verdicts["class"].isin(["cannot be assessed", "undetermined"])].to_dict("records"):
        cannot.append(CannotSay(
            f"Progress on target {v['target_id']} ({metric_label(v['metric'])}, {v['target_year']})?",
            f"{v['class']}: {v['reason']}.", settle.get(v["metric"], "an official figure for that year") + "."))
    earned = bool(ahead.any() and verdicts.loc[ahead, "probability"].notna().any())
    if gate_reasons and not earned:
        cannot.append(CannotSay(
            "What is the probability that the export-share targets still ahead are met?",
            "the forecast has not earned a probability: " + "; ".join(gate_reasons) + ".",
            "more scored years of the series it rests on (each new year's sourced figures add one)."))
    elif as_of_year >= max(verdicts["target_year"], default=as_of_year):
        cannot.append(CannotSay(
            f"What is the probability that the {as_of_year} targets are met?",
            f"a forecast made in {as_of_year} for {as_of_year} has no horizon; its spread would only restate the "
            "assumptions.", "the year's official figures; the verdict table reads them as they appear."))
    verdict_rows = verdict_table(verdicts)
    influence_rows = pd.concat([t.assign(target=k) for k, t in influence.items()], ignore_index=True) if influence \
        else pd.DataFrame(columns=["target", "dropped", "verdict", "flips"])
    tables = [
        Table(f"Progress verdicts as of {as_of_year} (ESCAP current status and anticipated progress)",
              "counts: recognitions; shares: percent of the city total; pace and required: per year", SOURCES,
              verdict_rows),
        Table("Anchors: sourced statements that imply the city's industrial production value",
              "VND billion; ratio to the reference anchor", "facts " + ", ".join(anchors["anchor"]) if len(anchors)
              else "facts b015, b017", anchors.round(3)),
        Table("Influence: the export-share verdict with each sourced row left out", "verdict class", SOURCES,
              influence_rows[["target", "dropped", "verdict", "flips"]]),
        Table("Backtest scores (rolling origin, one year ahead)", "coverage: share of outcomes; CRPS and MASE in "
              "the series' units", SOURCES, scores.round(3)),
    ]
    if reference_table is not None and len(reference_table):
        tables.append(Table(
            "Reference class: pooled rolling-origin backtests of the share forecasts (split conformal intervals)",
            "coverage: share of held-out outcomes inside the interval; CRPS and interval score in percentage points; "
            "Brier score of a rise", "World Bank WDI, manufactures' share of merchandise exports (reference class)",
            reference_table.round(3)))
    if len(probabilities):
        tables.insert(3, Table("Target probabilities (export share, at least one year ahead)" + label,
                               "probability; percent of the city's exports", SOURCES,
                               probability_table(probabilities), uses_simulated))
    headlines = [Headline(f"verdict_{v['target_id']}", f"{metric_label(v['metric'])} {v['target_year']} "
                          f"({v['target_id']})", v["class"]) for v in verdicts.to_dict("records")
                 if v["target_year"] >= as_of_year and v["metric"] != "kip_output_share"]
    headlines += [Headline(f"p_{p.metric}_{p.target_year}", f"P(reach low end of {p.target_year} "
                           f"{metric_label(p.metric)}){label}", f"{p.p_reach_low:.2f} (median {pct(p.median)})",
                           float(p.p_reach_low), uses_simulated) for p in probabilities.itertuples()]
    return Section(
        key="03_targets", title=TITLE, findings=tuple(findings + ([] if uses_simulated else p_sentences)),
        method_checks=tuple(f"SIMULATED exit rate: {s}" for s in p_sentences) if uses_simulated else (),
        cannot_say=tuple(cannot),
        caveats=("Shares are rebuilt from sourced rows under stated assumptions — recognition valid "
                 f"{assumptions['validity_years']} years, recognised products growing "
                 f"{assumptions['product_growth']:.1%} a year, export gaps filled by {assumptions['export_gap']}; a "
                 "share computed this way is an estimate from the sources, not an official figure.",
                 "Counts are sums of rounds (product- and firm-recognitions): a product or firm recognised again "
                 "counts again."),
        tables=tuple(tables),
        exhibits=tuple(Exhibit.from_figure(name, fig, SOURCES, uses_simulated and name.endswith("_fan"))
                       for name, fig in figures.items()),
        headlines=tuple(headlines), params=params, warnings=tuple(drain_warnings()),
        estimates=tuple(target_estimates(verdicts, influence, probabilities, params.get("vintage", "latest"),
                                         uses_simulated)), raw_sha256=raw_sha256, simulated=uses_simulated,
        vintage=params.get("vintage", "latest"),
    )
