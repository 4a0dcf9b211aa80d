"""The programme-facts analysis as one function: ``run(params) -> FactsRun`` (the vintage's tables, every
target tracked against its own year's actual, the timeline figure); :func:`section` turns the results into
the memo's Section. The notebook is: validate, run, display.

May import: data, report, analyses.facts.*.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from kip_analysis.analyses.facts import section as facts_section
from kip_analysis.analyses.facts import tracker
from kip_analysis.analyses.facts.params import FactsParams
from kip_analysis.data import processed
from kip_analysis.data.choice import PREFERENCE_RULES
from kip_analysis.report import figures
from kip_analysis.report.section import Section


@dataclass
class FactsRun:
    """Everything the facts analysis computed for one reading year and vintage."""

    rounds: pd.DataFrame  # every round with its counts, cumulative totals and the reported ones
    targets: pd.DataFrame
    timeline: pd.DataFrame
    conflicts: pd.DataFrame  # pairs of sourced figures that disagree
    track: pd.DataFrame  # each target against the actual of its own year
    timeline_fig: Figure
    excluded_as_later: int  # facts published after the reading year, left out

    def shown_rounds(self, as_of_year: int) -> pd.DataFrame:
        """The rounds held by the reading year."""
        return self.rounds[self.rounds["round"] <= as_of_year]

    def known_conflicts(self, as_of_year: int) -> pd.DataFrame:
        """The conflicts about years up to the reading year."""
        return self.conflicts[self.conflicts["year"] <= as_of_year]


def run(p: FactsParams) -> FactsRun:
    """Every number of the facts analysis for one reading year and vintage."""
    tables = processed.load_all(p.as_of_year, p.vintage)
    rounds, targets, timeline, conflicts = (tables[n] for n in ("recognition_rounds", "targets",
                                                                "programme_timeline", "conflicts"))
    track = tracker.track_targets(targets, timeline, p.as_of_year, p.source_preference)
    return FactsRun(rounds, targets, timeline, conflicts, track,
                    figures.programme_timeline(rounds, targets, p.as_of_year),
                    int(tables["facts"].attrs.get("excluded_as_later", 0)))


def section(r: FactsRun, p: FactsParams) -> Section:
    """The memo Section of the results (a pure function of them and the parameters)."""
    return facts_section.build_section(r.rounds, r.track, r.conflicts, r.timeline, p.as_of_year, p.source_preference,
                                       PREFERENCE_RULES[p.source_preference], r.timeline_fig, p.vintage)
