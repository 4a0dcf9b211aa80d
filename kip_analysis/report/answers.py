"""The memo's first screen, rendered from typed estimates only: a bottom line, one answer per
question (verdict in words, the key number with its interval, how sure, what would change it)
and the targets dashboard. Every sentence is a message with slots (:mod:`kip_analysis.report.i18n`)
filled from estimates, so the English and Vietnamese pages say the same thing.

May import: config, report.estimates, report.format, report.forecast_text, report.i18n.

No SIMULATED estimate ever reaches this module's output: an answer built on the simulated panel
is not an answer, so the answer says what cannot be said and what would settle it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kip_analysis.config import FIRST_YEAR
from kip_analysis.report.estimates import Estimate
from kip_analysis.report.forecast_text import (
    FORECAST_M,
    chance,
    forecast_confidence,
    forecast_numbers,
    forecast_text,
    outlook_cell,
)
from kip_analysis.report.format import bounds, number, percent, value_range
from kip_analysis.report.i18n import t

#: Every message of the first screen (English ids; ``locale/vi/LC_MESSAGES/memo.po`` translates them).
M: dict[str, str] = {
    "q_effects": "What did recognition do to firms?",
    "q_targets": "Will the targets be met?",
    "q_land": "Do lease differentials drive firms out of Hanoi?",
    "effects_cannot": "Cannot be answered from public data: the records of individual firms are confidential.",
    "effects_mde": "An extract of the enterprise census could detect an effect on revenue of {mde} log points "
                   "or more ({treated} firm-recognitions against {control} other firms).",
    "effects_settle": "An extract of the statistics office's enterprise census for Hanoi's firms, with the "
                      "recognised firms flagged; the workbook runs on it unchanged.",
    "effects_raised": "Recognition raised firms' {what}.",
    "effects_lowered": "Recognition lowered firms' {what}.",
    "effects_none": "No measurable effect of recognition on firms' {what}.",
    "effects_number": "{value} log points ({interval}).",
    "effects_change": "A second census extract, or an estimate whose interval includes zero.",
    "targets_none": "No target is due in or after {year} in the sources published by then.",
    "targets_summary": "Targets due in {year} or later ({n}): {met} met or on track, {behind} behind, "
                       "{undetermined} cannot be judged from published data.",
    "targets_scorecard": "Targets due in {year}, the year just ended ({n}): {met} met, {missed} missed, "
                         "{undetermined} cannot be judged from published data.",
    "targets_number": "KIP share of city exports in {vyear}: {value} against a target of {target} for {tyear}.",
    "targets_number_count": "{what} by {vyear}: {value} against a target of {target} for {tyear}.",
    "targets_number_none": "No figure for the targets due in {tyear} or later has been published yet; the dashboard "
                           "shows the latest figure for each earlier target.",
    "targets_flagged": "The {what} for {tyear} rests on a source figure that fails a plausibility check ({rules}): "
                       "no number is shown until it is corrected.",
    "targets_change_flagged": "A corrected figure for the flagged row, or an official KIP export figure for {tyear}.",
    "rule_exports_above_revenue": "exports above the same products' revenue",
    "rule_share_above_100": "a share above 100%",
    "rule_round_above_cumulative": "a round above its cumulative count",
    "rule_share_against_level": "a share that disagrees with the sourced level of its base",
    "targets_change_flip": "A single source row changes the export-share verdict: an official KIP export figure "
                           "for {tyear} would settle it.",
    "targets_change": "Official figures for {tyear}; the dashboard shows which rows each verdict rests on.",
    "land_verdict": "Not established from public data: like for like, Hanoi's industrial-park rents were {ratio} "
                    "times its four neighbours' in {year} ({consultant}), {range} across consultants and years, but "
                    "no public data follow firms as they move.",
    "land_verdict_no_rents": "Not established from public data: no consultant had published Hanoi's and its "
                             "neighbours' industrial-park rents for the same period by {year}, and no public data "
                             "follow firms as they move.",
    "land_number": "Had Hanoi's business-environment score (PCI) been its neighbours' median, its share of new "
                   "foreign-investment projects in {year} would be {value} ({interval}) against {before}.",
    "land_number_2016": "With its neighbours' land-access score, Hanoi's share of new foreign-investment projects "
                        "in 2016 would be {value} ({interval}) against {before} at its own score.",
    "land_settle": "Each firm's province by year from the enterprise census, and one consultant's "
                   "industrial-park rents by province for every year.",
    "conf_high": "High",
    "conf_medium": "Medium",
    "conf_low": "Low",
    "conf_none": "Not answered",
    "rule_high": "sourced figures, and no single source row changes the verdict",
    "rule_medium": "estimated from sourced figures and stated assumptions; no single source row changes it",
    "rule_low_flip": "a single source row changes the verdict",
    "rule_low_null": "the interval includes no change",
    "rule_none": "the data needed are not published",
    "rule_none_flagged": "the figure it rests on fails a plausibility check",
    "rule_none_related": "the data needed are not published; the key number is a related finding on public data, "
                         "with its {ci} interval",
    "bottom_counts": "Since {first}, Hanoi has made {products} product recognitions and {firms} firm "
                     "recognitions in {rounds} rounds (a product or firm recognised again counts again).",
    "bottom_unmeasured": "What recognition did to firms, and whether lease costs push firms out of Hanoi, cannot "
                         "be measured from public data; the answers below say what would settle them.",
    "label_verdict": "Answer",
    "label_number": "Key number",
    "label_sure": "How sure",
    "label_change": "What would change it",
    "label_settle": "What would settle it",
    "chip_met": "met",
    "chip_on track": "on track",
    "chip_missed": "missed",
    "chip_accelerate": "behind: accelerate",
    "chip_accelerate strongly": "far behind",
    "chip_regressing": "going backwards",
    "chip_cannot be assessed": "cannot be judged",
    "chip_undetermined": "undetermined: rests on a flagged row",
    "counts_products": "the products",
    "counts_enterprises": "the enterprises",
    "robust_yes": "no",
    "robust_no": "yes: see the annex",
    "robust_na": "not tested",
    "pace_per_year": "{value} a year",
    "estimated": "estimate",
    "band": "band {band}",
    "what_kip_export_share": "KIP share of city exports",
    "what_kip_output_share": "KIP share of city industrial production value",
    "what_kip_products_cumulative": "Products recognised",
    "what_kip_firms_cumulative": "Firms recognised",
    "what_kip_products_recognised": "Products recognised in the round",
    "also_stated": "also stated: {ranges}",
    "dash_what": "Target",
    "dash_year": "Due",
    "dash_target": "Target value",
    "dash_verdict": "Verdict",
    "dash_current": "Latest value",
    "dash_pace": "Pace: now / required",
    "dash_flip": "Does one source row flip it?",
}

M.update(FORECAST_M)  # the forecasts' messages (report.forecast_text), in the one catalog

#: Verdict classes grouped for the reader (colour-blind safe colours, with a symbol as well as a word).
CHIP: dict[str, tuple[str, str, str]] = {  # class -> (group, background, symbol)
    "met": ("good", "#1a6fb0", "✔"), "on track": ("good", "#1a6fb0", "↗"),
    "missed": ("bad", "#c2410c", "✘"), "accelerate": ("bad", "#c2410c", "→"),
    "accelerate strongly": ("bad", "#c2410c", "⇉"), "regressing": ("bad", "#c2410c", "↘"),
    "cannot be assessed": ("none", "#595959", "?"), "undetermined": ("none", "#595959", "!"),
}


@dataclass(frozen=True)
class Answer:
    """One question's answer on the first screen."""

    key: str
    question: str
    verdict: str
    number: str
    confidence: str
    rule: str
    change: str
    answered: bool


@dataclass(frozen=True)
class DashboardRow:
    """One target (its statements grouped) on the dashboard."""

    metric: str
    what: str
    year: int
    target: str
    verdict_class: str
    verdict: str
    current: str
    pace: str
    flip: str
    keys: tuple[str, ...]  # the verdict estimates the row reads
    outlook: str = ""  # a target not yet due: its forecast, chance and evidence strength


def _confidence(level: str, locale: str, why: str = "", **slots: str) -> tuple[str, str]:
    """How sure, and the rule behind it (``why``: a reason a question is not answered, other than unpublished data;
    ``slots``: its message's values).
    """
    return t(M[f"conf_{level}"], locale), t(M[f"rule_{level}_{why}" if why else f"rule_{level}"], locale, **slots)


def _real(est: dict[str, Estimate], key: str) -> Estimate | None:
    e = est.get(key)
    return None if e is None or e.simulated else e


def effects_answer(est: dict[str, Estimate], locale: str = "en") -> Answer:
    """What recognition did to firms: from a census extract when there is one; otherwise what cannot be said."""
    att, mde = _real(est, "effects.att"), _real(est, "effects.mde")
    if att is not None and att.has_interval:
        what = att.label.rsplit("firms' ", 1)[-1]
        key = "effects_raised" if att.low > 0 else "effects_lowered" if att.high < 0 else "effects_none"
        level = "medium" if key != "effects_none" else "low"
        return Answer("effects", t(M["q_effects"], locale), t(M[key], locale, what=what),
                      t(M["effects_number"], locale, value=number(att.number, 1, locale),
                        interval=f"{att.level:.0%} CI " + bounds(att.low, att.high, locale=locale)),
                      *_confidence(level, locale, "null" if level == "low" else ""), t(M["effects_change"], locale),
                      True)
    number_text = "" if mde is None else t(M["effects_mde"], locale, mde=number(mde.number, 0, locale),
                                           treated=number(mde.extra["treated_firms"], 0, locale),
                                           control=number(mde.extra["control_firms"], 0, locale))
    return Answer("effects", t(M["q_effects"], locale), t(M["effects_cannot"], locale), number_text,
                  *_confidence("none", locale), t(M["effects_settle"], locale), False)


def _verdicts(est: dict[str, Estimate]) -> list[Estimate]:
    return [e for k, e in est.items() if k.startswith("targets.") and k.endswith(".verdict") and not e.simulated]


def _target_text(e: Estimate, locale: str) -> str:
    unit = "%" if e.extra["unit"] == "%" else ""
    return value_range(e.extra["target_low"], e.extra["target_high"], unit, locale=locale)


def _value_text(e: Estimate | None, locale: str) -> str:
    if e is None or e.number is None or e.extra.get("flagged_rules"):  # never show a number the analysis flagged
        return "—"
    notes = []
    if e.unit == "%":
        text = percent(e.number, 1, locale)
        if e.has_interval and (percent(e.number, 1) in (percent(e.low, 1), percent(e.high, 1))):
            text = value_range(e.low, e.high, "%", 1, locale)  # a point at one end of its band reads as central
        elif e.has_interval:
            notes.append(t(M["band"], locale, band=value_range(e.low, e.high, "%", 1, locale)))
    else:
        text = number(e.number, 0, locale)
    if e.status == "estimate":
        notes.append(t(M["estimated"], locale))
    if e.extra.get("value_year"):
        notes.append(str(e.extra["value_year"]))
    return text + (f" ({', '.join(notes)})" if notes else "")


def dashboard(est: dict[str, Estimate], locale: str = "en") -> list[DashboardRow]:
    """One row per target (metric and year): statements of the same target grouped, the one the
    verdict engine ranks first shown, the others' ranges named; every cell read from estimates.
    """
    groups: dict[tuple[str, int], list[Estimate]] = {}
    for e in _verdicts(est):
        if e.extra["target_year"] < FIRST_YEAR:  # the old programme's targets (2015): the annex keeps them
            continue
        groups.setdefault((e.extra["metric"], e.extra["target_year"]), []).append(e)
    rows = []
    for (metric, year), items in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        # the statement judged: a "target" before an "expectation", then the one with the lowest low end
        items = sorted(items, key=lambda e: (e.extra["kind"] != "target", e.extra["target_low"]))
        head = items[0]
        others = sorted({_target_text(e, locale) for e in items[1:]} - {_target_text(head, locale)})
        target = _target_text(head, locale) + (
            " (" + t(M["also_stated"], locale, ranges="; ".join(others)) + ")" if others else "")
        value = est.get(head.key.replace(".verdict", ".value"))
        unit = "%" if head.extra["unit"] == "%" else ""
        scale = 100 if unit else 1
        pace = "—"
        if head.extra.get("required_rate") is not None and head.extra.get("actual_rate") is not None:
            pace = " / ".join(t(M["pace_per_year"], locale, value=number(scale * head.extra[k], 1, locale)
                                + ("%" if unit else "")) for k in ("actual_rate", "required_rate"))
        robust = head.extra.get("robust")
        flip = t(M["robust_na"], locale) if robust is None else t(M["robust_yes" if robust else "robust_no"], locale)
        shown_value = _value_text(value, locale)
        what = t(M.get(f"what_{metric}", metric), locale)
        if head.extra.get("counts"):
            what += f" ({t(M['counts_' + head.extra['counts']], locale)})"
        forecast = est.get(head.key.replace(".verdict", ".forecast"))
        rows.append(DashboardRow(metric, what, int(year), target,
                                 head.value, t(M[f"chip_{head.value}"], locale), shown_value, pace, flip,
                                 tuple(e.key for e in items),
                                 "" if forecast is None or forecast.simulated else outlook_cell(forecast, locale)))
    return rows


def _level_of(verdict: Estimate) -> str:
    if verdict.value in ("cannot be assessed", "undetermined"):
        return "none"
    robust = verdict.extra.get("robust")
    if robust is False:
        return "low"
    return "high" if verdict.status == "actual" else "medium"


def targets_answer(est: dict[str, Estimate], memo_year: int, locale: str = "en") -> Answer:
    """Will the targets be met: the targets due in the first target year at or after the memo year,
    counted by verdict group; the key number is that year's export share (or, without one, a count).
    """
    rows = dashboard(est, locale)
    due = sorted({r.year for r in rows if r.year >= memo_year})
    if not due:
        return Answer("targets", t(M["q_targets"], locale), t(M["targets_none"], locale, year=memo_year), "",
                      *_confidence("none", locale), t(M["targets_change"], locale, tyear=memo_year), False)
    year = due[0]
    now = [r for r in rows if r.year >= year]
    groups = [CHIP[r.verdict_class][0] for r in now]
    verdict = t(M["targets_summary"], locale, n=len(now), year=year, met=groups.count("good"),
                behind=groups.count("bad"), undetermined=groups.count("none"))
    # the first memo after targets fell due opens with their final verdicts, one per target (not per dashboard row:
    # a row groups statements of one metric and year, and a target on another definition must not hide in it)
    final = [e.value for e in _verdicts(est) if e.extra["target_year"] == memo_year - 1 and e.extra["kind"] == "target"]
    if final:
        verdict = t(M["targets_scorecard"], locale, year=memo_year - 1, n=len(final), met=final.count("met"),
                    missed=final.count("missed"), undetermined=len(final) - final.count("met")
                    - final.count("missed")) + " " + verdict
    order = ("kip_export_share", "kip_products_recognised", "kip_products_cumulative", "kip_firms_cumulative",
             "kip_output_share")
    head_row = sorted(now, key=lambda r: (r.year != year, order.index(r.metric) if r.metric in order else 99))[0]
    head = est[head_row.keys[0]]
    value = est.get(head.key.replace(".verdict", ".value"))
    vyear = value.extra.get("value_year") if value is not None else None
    forecast = est.get(head.key.replace(".verdict", ".forecast"))
    if forecast is not None and not forecast.simulated:
        number_text = forecast_text(forecast, head_row.what, locale)
        return Answer("targets", t(M["q_targets"], locale), verdict, number_text,
                      *forecast_confidence(forecast, locale), t(M["targets_change"], locale, tyear=year), True)
    if head.value == "undetermined":
        rules = "; ".join(t(M[f"rule_{r}"], locale) for r in head.extra.get("flagged_rules", []))
        number_text = t(M["targets_flagged"], locale, what=head_row.what, tyear=year, rules=rules)
    elif head.extra["metric"] == "kip_export_share" and value is not None and value.number is not None:
        number_text = t(M["targets_number"], locale, vyear=vyear, value=_value_text(value, locale),
                        target=_target_text(head, locale), tyear=year)
    elif value is not None and value.number is not None:
        number_text = t(M["targets_number_count"], locale, what=head_row.what, vyear=vyear,
                        value=_value_text(value, locale), target=_target_text(head, locale), tyear=year)
    else:  # say so: an empty key number reads as an omission
        number_text = t(M["targets_number_none"], locale, tyear=year)
    level = _level_of(head)
    change = (t(M["targets_change_flagged"], locale, tyear=year) if head.value == "undetermined"
              else t(M["targets_change_flip"], locale, tyear=year) if head.extra.get("robust") is False
              else t(M["targets_change"], locale, tyear=year))
    why = "flagged" if head.value == "undetermined" else "flip" if level == "low" else ""
    return Answer("targets", t(M["q_targets"], locale), verdict, number_text, *_confidence(level, locale, why),
                  change, level != "none")


def forecast_sentence(est: dict[str, Estimate], locale: str = "en") -> str | None:
    """The bottom line's forecast (nowcasts of passed targets are the scorecard's): the target ahead with a
    published probability (else the first target ahead), its verdict on the pace achieved, its forecast and its
    chance, all from estimates.
    """
    forecasts = [e for k, e in est.items() if k.endswith(".forecast") and k.startswith("targets.") and not e.simulated
                 and not e.extra.get("nowcast")]
    if not forecasts:
        return None
    f = sorted(forecasts, key=lambda e: (e.extra.get("probability") is None, e.extra["target_year"]))[0]
    verdict = est[f.key.replace(".forecast", ".verdict")]
    unit = "%" if f.unit == "%" else ""
    return t(M["bottom_forecast"], locale, tyear=f.extra["target_year"],
             what=t(M.get(f"what_{f.extra['metric']}", f.extra["metric"]), locale),
             target=value_range(f.extra["target_low"], f.extra["target_high"], unit, locale=locale),
             verdict=t(M[f"chip_{verdict.value}"], locale), chance=chance(f, locale),
             evidence=t(M[f"evidence_{f.extra['evidence']}"], locale), **forecast_numbers(f, locale))


def land_answer(est: dict[str, Estimate], memo_year: int, locale: str = "en") -> Answer:
    """Do lease differentials drive relocation: the like-for-like rent ratios and the FDI location models."""
    latest, spread = _real(est, "land.lease_ratio"), _real(est, "land.lease_ratio_range")
    cf = _real(est, "land.fdi_counterfactual_share")
    if latest is not None and spread is not None:
        verdict = t(M["land_verdict"], locale, ratio=number(latest.value, 2, locale), year=latest.extra["year"],
                    consultant=latest.extra["consultant"],
                    range=value_range(spread.low, spread.high, digits=1, locale=locale))
    else:
        verdict = t(M["land_verdict_no_rents"], locale, year=memo_year)
    number_text = ""
    level = "none"
    if cf is not None:
        # the point and the fitted share with the interval's digits, so that 20.1% is never read against "19%"
        slots = {"value": percent(cf.number, 1, locale), "before": percent(cf.extra["share_before"], 1, locale),
                 "interval": f"{cf.level:.0%} CI " + bounds(cf.low, cf.high, "%", locale)}
        number_text = (t(M["land_number"], locale, year=cf.extra["year"], **slots) if cf.extra.get("panel")
                       else t(M["land_number_2016"], locale, **slots))
    return Answer("land", t(M["q_land"], locale), verdict, number_text,
                  *(_confidence(level, locale, "related", ci=f"{cf.level:.0%}") if cf is not None
                    else _confidence(level, locale)), t(M["land_settle"], locale), False)


def answers(est: dict[str, Estimate], memo_year: int, locale: str = "en") -> list[Answer]:
    """The three answers, in the order of the questions."""
    return [effects_answer(est, locale), targets_answer(est, memo_year, locale), land_answer(est, memo_year, locale)]


def bottom_line(est: dict[str, Estimate], memo_year: int, locale: str = "en") -> list[str]:
    """At most four plain sentences: the programme's scale, the targets, the forecast of a target ahead (where there
    is one), and what cannot be measured.
    """
    out = []
    products, firms, rounds = (est.get(f"facts.{k}") for k in ("products_cumulative", "firms_cumulative", "rounds"))
    if products is not None and firms is not None and rounds is not None:
        out.append(t(M["bottom_counts"], locale, first=products.extra["first_round"],
                     products=number(products.number, 0, locale), firms=number(firms.number, 0, locale),
                     rounds=number(rounds.number, 0, locale)))
    qa = answers(est, memo_year, locale)
    out.append(qa[1].verdict)
    ahead = forecast_sentence(est, locale)
    if ahead:
        out.append(ahead)
    if not qa[0].answered and not qa[2].answered:
        out.append(t(M["bottom_unmeasured"], locale))
    return out[:4]
