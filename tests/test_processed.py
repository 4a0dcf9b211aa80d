"""Processed tables: rounds reconciled, targets, conflicts, timeline, provenance."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kip_analysis.data import processed, provenance
from kip_analysis.data.facts import all_facts
from kip_analysis.data.periods import parse_period
from kip_analysis.data.units import to_canonical


@pytest.fixture(scope="module")
def tables():
    return processed.build_all()


def test_rounds_are_the_sourced_counts(tables):
    rounds = tables["recognition_rounds"].set_index("round")
    assert rounds["products"].to_dict() == {2018: 61, 2019: 30, 2020: 26, 2021: 46, 2022: 33,
                                            2023: 33, 2024: 36, 2025: 35}
    assert rounds["firms"].to_dict() == {2018: 36, 2019: 22, 2020: 19, 2021: 30, 2022: 25,
                                         2023: 24, 2024: 25, 2025: 28}


def test_reported_cumulative_totals_equal_the_sum_of_the_rounds(tables):
    rounds = tables["recognition_rounds"].set_index("round")
    checked = 0
    for year, row in rounds.iterrows():
        for what in ("products", "firms"):
            for reported in filter(None, row[f"{what}_cumulative_reported"].split(" / ")):
                assert float(reported) == row[f"{what}_cumulative"], (year, what)
                checked += 1
    # 91/58 (2019), 117/77 (2020), 196/132 (2022), 229 products (2023)
    assert checked == 7
    assert rounds["matches"].all()
    assert rounds.loc[2025, "products_cumulative"] == 300 and rounds.loc[2025, "firms_cumulative"] == 209


def test_reconciliation_flags_a_mismatch():
    facts = all_facts()
    facts.loc[facts["fact_id"] == "w018", ["value_low_c", "value_high_c"]] = 197.0
    rounds = processed.build_rounds(facts).set_index("round")
    assert not rounds.loc[2022, "matches"] and rounds.loc[2020, "matches"]


def test_targets_table(tables):
    t = tables["targets"].set_index("target_id")
    assert (t.loc["d007", ["metric", "target_year", "low", "high"]].tolist()
            == ["kip_output_share", 2025, 40.0, 50.0])
    assert (t.loc["d008", ["metric", "target_year", "low", "high"]].tolist()
            == ["kip_export_share", 2025, 20.0, 25.0])
    assert t.loc["b008", "low"] == 33.0 and t.loc["b010", "high"] == 14.0
    assert t.loc["e002", "base_year"] == 2020 and t.loc["b009", "base_year"] == 2017
    assert pd.isna(t.loc["d007", "base_year"])
    assert set(t["kind"]) == {"target", "expectation", "plan"}
    assert t.loc["n010+n011", "cohort"] == "2026-2030" and t.loc["n008+n009", "target_year"] == 2026
    assert len(t) == 26  # 21 before the third search, plus its five (2025 as Decision 496 states them, 2026-2030)


def _pair(conflicts, metric, year):
    rows = conflicts[(conflicts["metric"] == metric) & (conflicts["year"] == year)
                     & (conflicts["type"] != "quote mismatch")]  # a figure against its own quote, not a pair
    return {frozenset((r.value_a, r.value_b)) for r in rows.itertuples()}


def test_conflicts_show_both_values_and_sources(tables):
    c = tables["conflicts"]
    assert frozenset({"4.5 percent", "9–10 percent"}) in _pair(c, "kip_export_share", 2017)
    assert _pair(c, "kip_firms_recognised", 2018) == {frozenset({"36 firms", "46 firms"})}
    assert _pair(c, "kip_output_share", 2020) == {frozenset({"40–50 percent", "33–35 percent"})}
    assert _pair(c, "exports", 2023) == {frozenset({"16.7 USD billion", "16.6 USD billion"}),
                                         frozenset({"16.66 USD billion", "16.6 USD billion"})}  # 16.66 rounds to 16.7
    row = c[c["metric"] == "kip_firms_recognised"].iloc[0]
    assert row["type"] == "definition" and {row["source_a"], row["source_b"]} == {
        "004_0aa0c9287005d6ca.txt", "000_c888cf1365d1bee1.txt"}


def test_rounding_and_unit_differences_are_not_conflicts(tables):
    c = tables["conflicts"]
    values = c[c["type"] != "implausible"]  # a plausibility flag is not a disagreement between two figures
    assert _pair(values, "kip_output_share", 2018) == {frozenset({"32.5 percent", "35 percent"}),
                                                       frozenset({"32.5 percent", "35.2 percent"})}  # not 35.2 vs 35
    assert _pair(c, "kip_firm_revenue", 2020) == set()  # VND200 trillion vs 200,000 billion
    assert _pair(c, "kip_products_cumulative", 2017) == set()  # 59 in two articles


def test_disagree_uses_half_unit_rounding_slack():
    def rec(v, unit="percent"):
        c, _ = to_canonical(v, unit)
        return pd.Series({"value_low": v, "value_high": v, "value_low_c": c, "value_high_c": c})

    assert not processed.disagree(rec(35), rec(35.2))
    assert processed.disagree(rec(35.6), rec(35.0))
    assert processed.disagree(rec(16.7), rec(16.6))
    assert not processed.disagree(rec(200, "VND trillion"), rec(200000, "VND billion"))


def test_timeline_keeps_every_source_and_the_derived_sums(tables):
    tl = tables["programme_timeline"]
    share17 = tl[(tl["metric"] == "kip_export_share") & (tl["year"] == 2017)]
    assert sorted(share17["fact_id"]) == ["a007", "b006", "w037"]
    d = tl[tl["derived"] & (tl["metric"] == "kip_products_cumulative") & (tl["cohort"] == "2021-2025")]
    assert d["low"].tolist() == [183.0]
    assert tl.attrs["excluded_undated"] == 2


def test_periods():
    assert parse_period("before 2018").end == 2017
    assert parse_period("2019Q3").kind == "quarter"
    with pytest.raises(ValueError, match="starts after it ends"):
        parse_period("2020-2018")


def test_write_all_records_checksums_and_code_version(tmp_path):
    written = processed.write_all(tmp_path)
    assert set(written) == {"facts", "recognition_rounds", "programme_timeline", "targets", "conflicts"}
    meta = json.loads((tmp_path / "conflicts.provenance.json").read_text())
    assert meta["raw_sha256"] == provenance.raw_checksums()
    assert meta["code_version"] and meta["rows"] == len(pd.read_csv(written["conflicts"]))


def test_build_is_deterministic(tmp_path):
    processed.write_all(tmp_path / "a")
    processed.write_all(tmp_path / "b")
    for name in ("facts", "recognition_rounds", "programme_timeline", "targets", "conflicts"):
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes()


def test_web_rows_are_dated_by_publication_not_by_the_period_they_describe():
    from kip_analysis.data import catalog, facts
    from kip_analysis.data.raw import load_table

    f = facts.all_facts()
    web = f[f["fact_id"].str[0].isin(["w", "s"])]
    dates = load_table("web_publication_dates").set_index("source")
    assert set(web["source_id"]) <= set(dates.index)  # every page has a date and a basis
    assert (web["available_from"] == web["source_id"].map(dates["published"])).all()
    assert not web["availability_rule"].str.startswith("no page date").any()
    rents_2019 = web[(web["metric"] == "ip_rent") & (web["period"] == "2019Q3") & web["note"].str.contains("CBRE")]
    assert len(rents_2019) and (rents_2019["available_from"] > "2019-12-31").all()  # from a November 2020 page
    assert catalog.get("web_publication_dates").sidecar.exists()


def test_a_page_without_a_publication_date_is_an_error(write_csv):
    from kip_analysis.data import facts
    from kip_analysis.errors import DataValidationError

    web = pd.DataFrame([{"series": "exports", "geography": "Hanoi", "period": "2030", "value": "1",
                         "unit": "USD billion", "source": "https://example.org/new-page", "quote": "1", "note": None}])
    web.attrs["path"] = "web_figures.csv"
    with pytest.raises(DataValidationError, match="line 2, column 'source': no publication date for the page"):
        facts.web_facts(web)


@pytest.mark.parametrize("preference, expected", [("low", "a1"), ("high", "c3"), ("latest", "b2"),
                                                  ("earliest", "a1")])
def test_a_choice_ignores_the_rows_order_and_breaks_ties_by_fact_id(preference, expected):
    from kip_analysis.data.choice import WEB_ACCESS_DATE, choose

    rows = pd.DataFrame({"fact_id": ["c3", "a1", "b2", "a2"], "value_low_c": [9.0, 4.0, 5.0, 4.0],
                         "value_high_c": [11.0, 4.0, 5.0, 4.0],
                         "published": ["2019-01-01", "2018-05-01", None, "2018-05-01"]},
                        index=[10, 11, 12, 13])
    assert WEB_ACCESS_DATE > "2019-01-01"  # b2's missing date counts as the access date: the latest
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
        pick = choose(rows.iloc[order], preference)
        assert pick["fact_id"] == expected and pick.name == rows.index[rows["fact_id"] == expected][0]
