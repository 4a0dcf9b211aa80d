"""The programme-facts analysis as a memo Section: the rounds, the targets against actuals
and the conflicts between sources, every number from the processed tables.

May import: report, analyses.facts.tracker.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from kip_analysis.errors import drain_warnings
from kip_analysis.report.estimates import Estimate, fact_ids_in
from kip_analysis.report.format import metric_label, number, with_unit
from kip_analysis.report.section import CannotSay, Exhibit, Headline, Section, Table

TITLE = "The programme in the sources"


def facts_headline(rounds: pd.DataFrame, tracker: pd.DataFrame, conflicts: pd.DataFrame,
                   as_of_year: int) -> dict:
    """Headline numbers of the programme-facts analysis as of ``as_of_year``."""
    shown = rounds[rounds["round"] <= as_of_year]
    conflicts = conflicts[conflicts["year"] <= as_of_year]
    last = shown.iloc[-1]
    judged = tracker[tracker["status"].isin(["met", "missed"])]
    return {
        "as_of_year": as_of_year,
        "rounds": int(len(shown)),
        "products_cumulative": int(last["products_cumulative"]),
        "firms_cumulative": int(last["firms_cumulative"]),
        "latest_round": int(last["round"]),
        "latest_round_products": int(last["products"]),
        "latest_round_firms": int(last["firms"]),
        "reported_totals_match": bool(shown["matches"].all()),
        "targets_known": int(len(tracker)),
        "targets_met": int((judged["status"] == "met").sum()),
        "targets_missed": int((judged["status"] == "missed").sum()),
        "targets_no_actual": int((tracker["status"] == "no actual").sum()),
        "targets_open": int((tracker["status"] == "open").sum()),
        "conflicts": int(len(conflicts)),
        "last_share_year": int(tracker.loc[tracker["metric"].str.endswith("_share") & tracker["actual"].notna(),
                                           "target_year"].max()) if (tracker["metric"].str.endswith("_share")
                                                                      & tracker["actual"].notna()).any()
        else None,
    }


def facts_reading(headline: dict, tracker: pd.DataFrame) -> list[str]:
    """A short prose reading of the programme facts, every number from ``headline`` or ``tracker``."""
    h = headline
    sentences = [
        f"From the 2018 relaunch to the {h['latest_round']} round, Hanoi made "
        f"{number(h['products_cumulative'])} product-recognitions and {number(h['firms_cumulative'])} "
        f"firm-recognitions in {h['rounds']} rounds (sums of rounds: a product or firm recognised again counts "
        f"again); the latest round made {h['latest_round_products']} product-recognitions and "
        f"{h['latest_round_firms']} firm-recognitions.",
        "The cumulative totals the sources report "
        + ("equal the sum of the rounds." if h["reported_totals_match"]
           else "do NOT all equal the sum of the rounds (see the reconciliation table)."),
    ]
    shares = tracker[tracker["metric"].str.endswith("_share")]
    if len(shares):
        sentences.append(
            (f"The sources give the output and export shares for target years only up to {h['last_share_year']}"
             if h["last_share_year"] else "The sources give no output or export share for a target year")
            + "; the targets "
            "analysis builds the later shares from numerators and denominators, and states every target's "
            "status (one status for each target, on the dashboard)."
        )
    sentences.append(
        f"The sources disagree in {h['conflicts']} places (conflicts table); no figure was "
        "chosen silently: the choice follows the source_preference parameter."
    )
    return sentences


def facts_estimates(shown: pd.DataFrame, conflicts: pd.DataFrame, vintage: str) -> list[Estimate]:
    """The programme's counts as typed estimates (sums of sourced rounds: actuals)."""
    last = shown.iloc[-1]
    products_ids = fact_ids_in(*shown["products_sources"])
    firms_ids = fact_ids_in(*shown["firms_sources"])
    first = int(shown["round"].min())
    return [
        Estimate("facts.products_cumulative", f"product-recognitions since {first}", float(last["products_cumulative"]),
                 "products", fact_ids=products_ids, vintage=vintage, note="sum of rounds",
                 extra={"first_round": first, "last_round": int(last["round"])}),
        Estimate("facts.firms_cumulative", f"firm-recognitions since {first}", float(last["firms_cumulative"]),
                 "firms", fact_ids=firms_ids, vintage=vintage, note="sum of rounds",
                 extra={"first_round": first, "last_round": int(last["round"])}),
        Estimate("facts.rounds", "recognition rounds", float(len(shown)), "rounds", fact_ids=products_ids,
                 vintage=vintage, extra={"first_round": first, "last_round": int(last["round"])}),
        Estimate("facts.latest_round_products", f"product-recognitions in the {int(last['round'])} round",
                 float(last["products"]), "products", fact_ids=fact_ids_in(last["products_sources"]),
                 vintage=vintage, extra={"round": int(last["round"])}),
        Estimate("facts.conflicts", "places where the sources disagree", float(len(conflicts)), "conflicts",
                 fact_ids=fact_ids_in(*conflicts["fact_a"], *conflicts["fact_b"]), vintage=vintage),
    ]


def conflicts_table(conflicts: pd.DataFrame, as_of_year: int) -> pd.DataFrame:
    """Conflicts known by ``as_of_year`` as a reader's table: both values, both sources."""
    known = conflicts[conflicts["year"] <= as_of_year]
    return pd.DataFrame({
        "what": [metric_label(m) for m in known["metric"]],
        "place": known["geography"], "year": known["year"],
        "one source": known["value_a"] + " [" + known["fact_a"] + "]",
        "another": known["value_b"] + " [" + known["fact_b"] + "]",
        "kind": known["type"], "used by default": known["default_choice"],
    })


def targets_table(track: pd.DataFrame) -> pd.DataFrame:
    """The tracker as a reader's table: each target with the sourced actual for its year (values with
    their units). It states no status: the targets analysis's verdicts are the one place a status is set.
    """
    rows = []
    for t in track.itertuples():
        has_actual = t.status in ("met", "missed")
        rows.append({
            "target": t.target_id,
            "what": metric_label(t.metric),
            "kind": t.kind,
            "year": int(t.target_year),
            "target range": with_unit(t.low, t.high, t.unit_canonical),
            "actual": (with_unit(t.actual, t.actual, t.unit_canonical) + f" [{t.actual_source}]"
                       if has_actual else (f"— (nearest: {t.nearest_actual})"
                                           if isinstance(t.nearest_actual, str) else "—")),
        })
    return pd.DataFrame(rows)


def _ids(frame: pd.DataFrame, *columns: str) -> str:
    ids = sorted({str(v) for c in columns for v in frame[c].dropna() if str(v)})
    return ", ".join(ids) if ids else "none"


def build_section(rounds: pd.DataFrame, track: pd.DataFrame, conflicts: pd.DataFrame, timeline: pd.DataFrame,
                  as_of_year: int, source_preference: str, preference_rule: str, timeline_fig: Figure,
                  vintage: str = "real_time") -> Section:
    """The programme-facts Section as of ``as_of_year``."""
    headline = facts_headline(rounds, track, conflicts, as_of_year)
    shown = rounds[rounds["round"] <= as_of_year]
    shares = track[track["metric"].str.endswith("_share")]
    cannot = []
    if (shares["status"] == "no actual").any():
        cannot.append(CannotSay(
            "What are the official KIP shares of output and exports in the target years?",
            f"no source states them for {int((shares['status'] == 'no actual').sum())} share targets due by the "
            "reading year; the targets analysis estimates them from sourced numerators and denominators, and its "
            "verdicts are estimates, not official figures.",
            "an official KIP share of Hanoi's industrial production value and of its exports for those years."))
    cannot.append(CannotSay(
        "How many distinct firms and products has the programme recognised?",
        "the rounds report recognitions; a firm or product recognised again after its three-year validity counts "
        "again in the sum of rounds.",
        "a published list of recognised products and firms by round (to count distinct ones)."))
    targets = targets_table(track)
    conflict_rows = conflicts_table(conflicts, as_of_year)
    return Section(
        key="01_programme_facts", title=TITLE,
        findings=tuple(facts_reading(headline, track)),
        cannot_say=tuple(cannot),
        caveats=(f"Where sources disagree the figure used follows source_preference={source_preference!r} "
                 f"({preference_rule}).",
                 f"{timeline.attrs['excluded_undated']} undated figures (industrial-park rents) are kept in the facts "
                 "table but left out of the year-by-year timeline."),
        tables=(
            Table("Recognition rounds: product- and firm-recognitions", "product-recognitions, firm-recognitions",
                  _ids(shown, "products_sources", "firms_sources"),
                  shown[["round", "products", "firms", "products_cumulative", "firms_cumulative", "matches"]]
                  .rename(columns={"products": "product-recognitions", "firms": "firm-recognitions",
                                   "products_cumulative": "product-recognitions (sum of rounds)",
                                   "firms_cumulative": "firm-recognitions (sum of rounds)",
                                   "matches": "reported totals match"})),
            Table("Targets and the sourced actuals for their years", "as stated in each row",
                  _ids(track, "source_id", "actual_source"),
                  targets),
            Table("Where the sources disagree", "as stated in each row",
                  "facts " + ", ".join(sorted({str(f) for c in ("fact_a", "fact_b")
                                               for f in conflicts.loc[conflicts["year"] <= as_of_year, c].dropna()
                                               if str(f)}))
                  or "none", conflict_rows),
        ),
        exhibits=(Exhibit.from_figure("programme_timeline", timeline_fig,
                                      "programme_facts.csv (sources 000, 004), web_figures.csv rounds "
                                      f"{int(shown['round'].min()) + 1}-{int(shown['round'].max())}"),),
        headlines=(
            Headline("recognitions", "Recognitions since 2018",
                     f"{headline['products_cumulative']} product-recognitions, {headline['firms_cumulative']} "
                     f"firm-recognitions in {headline['rounds']} rounds", float(headline["products_cumulative"]),
                     trend=True),
        ),
        estimates=tuple(facts_estimates(shown, conflicts[conflicts["year"] <= as_of_year], vintage)),
        warnings=tuple(drain_warnings()),
        params={"as_of_year": as_of_year, "vintage": vintage, "source_preference": source_preference},
        raw_sha256=timeline.attrs["raw_sha256"], simulated=False, vintage=vintage,
    )
