"""The forecasts of targets not yet due, in words: a target's forecast sentence, its dashboard cell and how sure,
filled from ``targets.<id>.forecast`` estimates (the bottom line's forecast is ``report.answers.forecast_sentence``).

May import: report.estimates, report.format, report.i18n, report.likelihood. Its messages (:data:`FORECAST_M`)
join the first screen's catalog (``report.answers.M``), so the Vietnamese page translates them too.
"""

from __future__ import annotations

from kip_analysis.report.estimates import Estimate
from kip_analysis.report.format import number, value_range
from kip_analysis.report.i18n import t
from kip_analysis.report.likelihood import odds, term

#: The forecasts' messages (English ids; ``memo.po`` translates them).
FORECAST_M: dict[str, str] = {
    "targets_forecast": "{what}, {tyear}: forecast {value} ({level} interval {interval}); {chance}",
    "targets_chance": "reaching {low} is {term} (about {k} in {n}), judged against {forecasts} past forecasts of "
                      "{series} countries' shares of the same kind, not Hanoi's own",
    "targets_chance_withheld": "no probability is given: too few comparable past forecasts to check one",
    "bottom_forecast": "The {tyear} target for the {what} ({target}): forecast {value} ({level} interval "
                       "{interval}), so {verdict}; {chance} (evidence: {evidence}).",
    "conf_forecast": "{evidence}",
    "rule_forecast": "a forecast from {points} yearly values ({first}–{last}); evidence strength {evidence}",
    "evidence_high": "high",
    "evidence_medium": "medium",
    "evidence_low": "low",
    "likely_virtually certain": "virtually certain",
    "likely_very likely": "very likely",
    "likely_likely": "likely",
    "likely_about as likely as not": "about as likely as not",
    "likely_unlikely": "unlikely",
    "likely_very unlikely": "very unlikely",
    "likely_exceptionally unlikely": "exceptionally unlikely",
    "dash_outlook": "forecast {value} ({level} interval {interval}); {chance}; evidence: {evidence}",
    "dash_chance": "reaching {low}: {term} (about {k} in {n})",
    "dash_chance_withheld": "no probability",
}



def _words(p: float, locale: str) -> tuple[str, int, int]:
    """The calibrated term of a probability in ``locale`` and its odds (k in n)."""
    k, n = odds(p)
    return t(FORECAST_M[f"likely_{term(p)}"], locale), k, n


def _low(f: Estimate, locale: str) -> str:
    return value_range(f.extra["target_low"], f.extra["target_low"], "%" if f.unit == "%" else "", locale=locale)


def _evidence(f: Estimate, locale: str) -> str:
    return t(FORECAST_M[f"evidence_{f.extra['evidence']}"], locale)


def chance(f: Estimate, locale: str) -> str:
    """The probability of reaching the target's low end in words, odds and the reference class it was earned on
    (or why none is given).
    """
    p = f.extra.get("probability")
    if p is None:
        return t(FORECAST_M["targets_chance_withheld"], locale)
    words, k, n = _words(p, locale)
    return t(FORECAST_M["targets_chance"], locale, low=_low(f, locale), term=words, k=k, n=n,
             forecasts=number(f.extra["reference_forecasts"], 0, locale),
             series=number(f.extra["reference_series"], 0, locale))


def forecast_numbers(f: Estimate, locale: str) -> dict[str, str]:
    """The forecast's median, interval and level as the messages' slots (shares to 0.1 point, counts whole)."""
    unit = "%" if f.unit == "%" else ""
    digits = 1 if unit else 0
    return {"value": value_range(f.number, f.number, unit, digits, locale),
            "interval": value_range(f.low, f.high, unit, digits, locale), "level": f"{f.level:.0%}"}


def outlook_cell(f: Estimate, locale: str = "en") -> str:
    """A target's forecast in the dashboard's verdict cell: median, interval, chance in words, evidence strength."""
    p = f.extra.get("probability")
    if p is None:
        odds_text = t(FORECAST_M["dash_chance_withheld"], locale)
    else:
        words, k, n = _words(p, locale)
        odds_text = t(FORECAST_M["dash_chance"], locale, low=_low(f, locale), term=words, k=k, n=n)
    return t(FORECAST_M["dash_outlook"], locale, chance=odds_text, evidence=_evidence(f, locale),
             **forecast_numbers(f, locale))


def forecast_text(f: Estimate, what: str, locale: str = "en") -> str:
    """A target's forecast in one sentence: the median, its interval and the probability (or why there is none)."""
    return t(FORECAST_M["targets_forecast"], locale, what=what, tyear=f.extra["target_year"],
             chance=chance(f, locale), **forecast_numbers(f, locale))


def forecast_confidence(f: Estimate, locale: str) -> tuple[str, str]:
    """How sure a forecast is (its evidence strength) and the rule behind it."""
    evidence = _evidence(f, locale)
    return (t(FORECAST_M["conf_forecast"], locale, evidence=evidence[:1].upper() + evidence[1:]),
            t(FORECAST_M["rule_forecast"], locale, points=f.extra["points"], first=f.extra["first_year"],
              last=f.extra["last_year"], evidence=evidence))
