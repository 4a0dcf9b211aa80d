"""The facts analysis as a function (issue 21): ``run(params)`` in-process gives the Section notebook 01
publishes, with the rounds, conflicts and targets the vintage holds."""

from __future__ import annotations

from kip_analysis.analyses.facts import run as facts_run
from kip_analysis.analyses.facts.params import validate


def test_facts_run_gives_the_sourced_counts_of_its_vintage():
    p = validate(as_of_year=2020, source_preference="low")
    r = facts_run.run(p)
    sec = facts_run.section(r, p)
    est = {e.key: e for e in sec.estimates}
    assert est["facts.products_cumulative"].number == 117 and est["facts.firms_cumulative"].number == 77
    assert est["facts.rounds"].number == 3 and est["facts.products_cumulative"].status == "actual"
    assert r.shown_rounds(2020)["round"].tolist() == [2018, 2019, 2020]
    assert (r.known_conflicts(2020)["year"] <= 2020).all() and len(r.track)
    assert sec.simulated is False and not sec.method_checks and sec.vintage == "real_time"
    assert r.timeline_fig._kip_caption and r.excluded_as_later > 0  # later publications are left out, counted
