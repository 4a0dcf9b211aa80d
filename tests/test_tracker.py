"""Targets against actuals on hand-checked rows."""

from __future__ import annotations

import pandas as pd
import pytest

from kip_analysis.analyses.facts.tracker import track_targets
from kip_analysis.data import processed
from kip_analysis.errors import ParameterError


@pytest.fixture(scope="module")
def tables():
    return processed.build_all()


def _row(track, target_id):
    return track.set_index("target_id").loc[target_id]


def test_count_targets_by_hand(tables):
    track = track_targets(tables["targets"], tables["programme_timeline"], 2025)
    more_than_80 = _row(track, "b007")  # "more than 80 products by 2020": 61 + 30 + 26 = 117
    assert (more_than_80["status"], more_than_80["actual"], more_than_80["gap_low"]) == ("met", 117.0, 37.0)
    products = _row(track, "d006")  # 150-180 products in 2021-2025: 46+33+33+36+35 = 183
    assert products["actual"] == 183.0 and products["met_high"] and products["gap_high"] == 3.0
    firms = _row(track, "d005")  # 100-200 firms in 2021-2025: 30+25+24+25+28 = 132
    assert firms["actual"] == 132.0 and firms["met_low"] and not firms["met_high"]
    assert firms["gap_high"] == -68.0


def test_shares_have_no_actual_for_their_year_and_show_the_nearest(tables):
    track = track_targets(tables["targets"], tables["programme_timeline"], 2025)
    row = _row(track, "b008")  # 33-35% output share in 2020; sources give 2018 only
    assert row["status"] == "no actual" and row["nearest_actual"] == "32.5 in 2018 (n004)"  # the lowest source


def test_as_of_year_opens_later_targets_and_hides_later_targets_set(tables):
    track = track_targets(tables["targets"], tables["programme_timeline"], 2019)
    assert _row(track, "b007")["status"] == "open"
    assert "d007" not in set(track["target_id"])  # set in 2020
    assert _row(track, "a004")["status"] == "no actual"


def _synthetic(actuals):
    targets = pd.DataFrame({"target_id": ["t"], "metric": ["m"], "geography": ["Hanoi"], "kind": ["target"],
                            "target_year": [2020], "cohort": [None], "low": [10.0], "high": [14.0],
                            "unit_canonical": ["percent"], "set_in": ["2018"]})
    timeline = pd.DataFrame({"year": 2020, "metric": "m", "geography": "Hanoi", "cohort": None,
                             "low": actuals, "high": actuals, "unit_canonical": "percent",
                             "fact_id": [f"f{i}" for i in range(len(actuals))], "derived": False})
    return targets, timeline


def test_source_preference_decides_and_is_reported():
    targets, timeline = _synthetic([4.5, 12.0])
    low = track_targets(targets, timeline, 2021, "low").iloc[0]
    high = track_targets(targets, timeline, 2021, "high").iloc[0]
    assert (low["status"], low["actual_source"], low["gap_low"]) == ("missed", "f0", -5.5)
    assert (high["status"], high["actual_source"], high["met_high"]) == ("met", "f1", False)
    assert low["depends_on_source"] and high["depends_on_source"]


def test_range_judged_against_both_ends():
    targets, timeline = _synthetic([15.0])
    row = track_targets(targets, timeline, 2021).iloc[0]
    assert row["met_low"] and row["met_high"] and row["gap_high"] == 1.0 and not row["depends_on_source"]


def test_unknown_preference_is_refused():
    targets, timeline = _synthetic([15.0])
    with pytest.raises(ParameterError, match="expected one of low, high, latest, earliest"):
        track_targets(targets, timeline, 2021, "median")
