"""Typed estimates, the first screen rendered from them (bottom line, answers, dashboard), the one
status engine, the Vietnamese catalog and the index's verdict matrix."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from kip_analysis.batch import index, jobs
from kip_analysis.io import atomic_write
from kip_analysis.report import answers, i18n, memo
from kip_analysis.report.estimates import Estimate, EstimateError
from kip_analysis.report.section import ContractError, Section

SHA = {"x.csv": "0" * 64}


def _verdict(tid: str, cls: str, value: float, ids: tuple[str, ...] = ("w023",), robust: bool | None = True,
             metric: str = "kip_export_share", year: int = 2025, low: float = 20.0, high: float = 25.0,
             kind: str = "target") -> list[Estimate]:
    unit = "%" if metric.endswith("share") else "products"
    extra = {"metric": metric, "target_year": year, "target_low": low, "target_high": high, "kind": kind,
             "unit": unit, "value_year": year}
    status = "estimate" if unit == "%" else "actual"
    return [Estimate(f"targets.{tid}.value", "share", value, unit, fact_ids=ids, status=status, extra=extra),
            Estimate(f"targets.{tid}.verdict", "share", cls, "verdict", fact_ids=ids, status=status, note="reason",
                     extra={**extra, "actual_rate": None, "required_rate": None, "robust": robust,
                            "flipped_by": [] if robust else ["w023"]})]


def _sections(export_verdict: str = "met", simulated_att: bool = True) -> list[Section]:
    facts = Section("01_programme_facts", "The programme in the sources", findings=("Rows w010 and w014.",),
                    estimates=(Estimate("facts.products_cumulative", "products", 183.0, "products",
                                        fact_ids=("w010",), extra={"first_round": 2018, "last_round": 2025}),
                               Estimate("facts.firms_cumulative", "firms", 132.0, "firms",
                                        extra={"first_round": 2018, "last_round": 2025}),
                               Estimate("facts.rounds", "rounds", 8.0, "rounds",
                                        extra={"first_round": 2018, "last_round": 2025})),
                    raw_sha256=SHA, vintage="real_time")
    targets = Section("03_targets", "Will the targets be met?", raw_sha256=SHA, vintage="real_time",
                      estimates=tuple(_verdict("d008", export_verdict, 29.7, robust=False)
                                      + _verdict("e004", "met", 15.0, year=2021, low=15, high=15)
                                      + _verdict("a010", "missed", 10.9, year=2021, low=40, high=50,
                                                 kind="expectation")
                                      + _verdict("d006", "met", 183.0, ("w010",), None,
                                                 "kip_products_cumulative", 2025, 150, 180)))
    att = Estimate("effects.att", "Average effect of a first recognition on firms' revenue", 9.8, "log points", 5.0,
                   14.0, 0.95, simulated=simulated_att, status="check" if simulated_att else "estimate")
    effects = Section("02_programme_effects", "What recognition did to firms", raw_sha256=SHA,
                      simulated=simulated_att, method_checks=("SIMULATED check.",) if simulated_att else (),
                      estimates=(att, Estimate("effects.mde", "mde", 6.2, "log points", status="estimate",
                                               extra={"treated_firms": 132, "control_firms": 10600})))
    return [facts, effects, targets]


def test_an_estimate_keeps_its_contract():
    with pytest.raises(EstimateError, match="namespaced"):
        Estimate("att", "x", 1.0)
    with pytest.raises(EstimateError, match="must be 'check'"):
        Estimate("effects.att", "x", 1.0, simulated=True, status="estimate")
    with pytest.raises(EstimateError, match="level"):
        Estimate("effects.att", "x", 1.0, low=0.0, high=2.0)
    with pytest.raises(EstimateError, match="not fact ids"):
        Estimate("facts.x", "x", 1.0, fact_ids=("row 3",))
    with pytest.raises(ContractError, match="simulated but the Section is not"):
        Section("02_programme_effects", "t", raw_sha256=SHA,
                estimates=(Estimate("effects.att", "x", 1.0, simulated=True, status="check"),))
    with pytest.raises(ContractError, match="not namespaced"):
        Section("03_targets", "t", raw_sha256=SHA, estimates=(Estimate("land.x", "x", 1.0),))


def test_answers_never_use_a_simulated_estimate_and_say_what_would_settle_it():
    est = memo.all_estimates(_sections())
    effects = answers.effects_answer(est)
    assert not effects.answered and "confidential" in effects.verdict and "9.8" not in effects.number
    assert "6 log points" in effects.number and "census" in effects.change
    real = answers.effects_answer(memo.all_estimates(_sections(simulated_att=False)))
    assert real.answered and real.verdict == "Recognition raised firms' revenue."
    assert real.number == "9.8 log points (95% CI 5.0 to 14.0)."


def test_targets_answer_and_dashboard_read_the_verdict_estimates():
    est = memo.all_estimates(_sections())
    rows = answers.dashboard(est)
    assert [(r.what, r.year, r.verdict) for r in rows] == [
        ("KIP share of city exports", 2021, "met"), ("KIP share of city exports", 2025, "met"),
        ("Products recognised", 2025, "met")]
    assert rows[0].target == "15% (also stated: 40–50%)"  # statements of one target grouped, the other named
    assert rows[1].flip.startswith("yes") and rows[2].flip == "not tested"
    a = answers.targets_answer(est, 2025)
    assert a.verdict.startswith("Targets due in 2025 or later (2): 2 met or on track, 0 behind")
    assert a.confidence == "Low" and "single source row" in a.change  # d008 rests on one row
    assert "29.7%" in a.number and "20–25%" in a.number


def _write_memo(folder, year, sections):
    files = memo.compose_memo(folder, year, "baseline", "as published", sections, None, built="fixed")
    for rel, text in files.items():
        atomic_write(folder / rel, text)
    return files


def test_changing_one_verdict_estimate_changes_every_statement_of_it(tmp_path):
    outcomes = []
    for year, verdict in ((2024, "met"), (2025, "missed")):
        folder = tmp_path / str(year) / "baseline"
        _write_memo(folder, year, _sections(export_verdict=verdict))
        outcomes.append(jobs.Outcome(f"{year}/baseline/00_annual_memo", "00_annual_memo", year, "baseline", "built"))
    page = html.unescape((tmp_path / "2025" / "baseline" / "memo.html").read_text())
    results = json.loads((tmp_path / "2025" / "baseline" / "results.json").read_text())
    assert "(2): 1 met or on track, 1 behind" in page  # the bottom line and the answer
    dash = page[page.index('id="dashboard"'):page.index('id="q-effects"')]
    assert "missed" in dash
    assert next(r for r in results["dashboard"] if r["year"] == 2025 and r["metric"] == "kip_export_share"
                )["verdict"] == "missed"
    csv = (tmp_path / "2025" / "baseline" / "data" / "targets_dashboard.csv").read_text()
    assert "missed" in csv
    idx = html.unescape(index.write_index(tmp_path, outcomes).read_text())
    assert "KIP share of city exports 2025: met in the 2024 memo, missed in the 2025 memo" in idx
    vi = (tmp_path / "2025" / "baseline" / "memo.vi.html").read_text()
    assert "không đạt" in vi and 'lang="vi"' in vi


def test_main_body_has_no_fact_id_no_simulated_and_links_every_fact_id(tmp_path):
    _write_memo(tmp_path, 2025, _sections())
    page = (tmp_path / "memo.html").read_text()
    main = page[:page.index('id="annex"')]
    text = re.sub(r"<[^>]+>", " ", main)
    assert "SIMULATED" not in text and not re.search(r"\b[a-ew]\d{3}\b", text)
    linked = set(re.findall(r'href="#src-(\w+)"', page))
    entries = set(re.findall(r'id="src-(\w+)"', page))
    assert {"w010", "w014", "w023"} <= linked <= entries


def test_the_vietnamese_catalog_translates_every_message_with_the_same_slots():
    assert i18n.missing(list(answers.M.values()), "vi") == []
    for en in answers.M.values():
        vi = i18n.catalog("vi").get(en).string
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", vi)), en


def test_vietnamese_numbers_use_the_vietnamese_separators():
    est = memo.all_estimates(_sections())
    text = " ".join(answers.bottom_line(est, 2025, "vi"))
    assert "183 lượt công nhận sản phẩm" in text
    a = answers.targets_answer(est, 2025, "vi")
    assert "29,7%" in a.number


def test_results_json_holds_every_estimate_with_a_schema_version(tmp_path):
    files = _write_memo(tmp_path, 2025, _sections())
    payload = json.loads(files["results.json"])
    assert payload["schema_version"] == 1 and len(payload["estimates"]) == 3 + 8 + 2
    back = [Estimate.from_dict(e) for e in payload["estimates"]]
    assert {e.key for e in back} == set(memo.all_estimates(_sections()))
    for rel in files:
        if rel.endswith(".csv"):
            frame = pd.read_csv(tmp_path / rel)
            assert {"units", "source"} <= set(frame.columns)


def test_the_land_answer_says_when_no_consultant_had_published_rents_yet():
    est = memo.all_estimates(_sections())
    a = answers.land_answer(est, 2019)
    assert a.verdict.startswith("Not established from public data: no consultant had published") and "2019" in a.verdict
    assert "—" not in a.verdict
    ranged = {**est, "land.lease_ratio_range": Estimate("land.lease_ratio_range", "r", 1.5, "times", 1.22, 2.82, 1.0),
              "land.lease_ratio": Estimate("land.lease_ratio", "r", 1.33, "times", 1.33, 2.35, 1.0,
                                           extra={"year": 2021, "consultant": "Savills"})}
    verdict = answers.land_answer(ranged, 2025).verdict
    assert "1.33 times its four neighbours' in 2021 (Savills)" in verdict and "1.2–2.8 across" in verdict



def test_how_sure_says_why_a_question_is_not_answered():
    """Not answered because a row is flagged is not 'not published'; a related number keeps its interval level."""
    est = memo.all_estimates(_sections("undetermined"))
    flagged = answers.targets_answer(est, 2025)
    assert flagged.confidence == "Not answered" and "plausibility check" in flagged.rule
    assert "not published" not in flagged.rule
    cf = Estimate("land.fdi_counterfactual_share", "share", 20.1, "%", 19.2, 21.0, 0.9, status="estimate",
                  extra={"share_before": 19.1, "year": 2023, "panel": True})
    land = answers.land_answer({**est, cf.key: cf}, 2025)
    assert "20.1% (90% CI 19.2% to 21.0%)" in land.number
    assert land.rule.startswith("the data needed are not published") and "related finding" in land.rule
    assert "90% interval" in land.rule and "95%" not in land.rule
    assert answers.land_answer(est, 2025).rule == "the data needed are not published"  # no key number
    vi = answers.land_answer({**est, cf.key: cf}, 2025, "vi")
    assert "90%" in vi.rule and "công khai" in vi.rule


def test_a_point_at_one_end_of_its_band_is_shown_as_the_band():
    """An output share at constant prices is the top of its price band: the dashboard shows the band, not the point."""
    at_top = Estimate("targets.x.value", "share", 25.3, "%", 20.8, 25.3, 1.0, status="estimate",
                      extra={"value_year": 2022})
    inside = Estimate("targets.x.value", "share", 22.0, "%", 20.8, 25.3, 1.0, status="estimate",
                      extra={"value_year": 2022})
    assert answers._value_text(at_top, "en") == "20.8–25.3% (estimate, 2022)"
    assert answers._value_text(inside, "en") == "22.0% (band 20.8–25.3%, estimate, 2022)"


def test_a_targets_card_without_a_published_figure_says_so():
    sections = _sections()
    targets = next(s for s in sections if s.key == "03_targets")
    future = _verdict("n008", "cannot be assessed", None, metric="kip_products_recognised", year=2026, low=30,
                      high=40)
    sections[sections.index(targets)] = Section("03_targets", targets.title, raw_sha256=SHA, vintage="real_time",
                                                estimates=targets.estimates + tuple(future))
    est = memo.all_estimates(sections)
    for locale in ("en", "vi"):
        card = answers.targets_answer(est, 2026, locale)
        assert card.number and "2026" in card.number and "—" not in card.number
    assert answers.targets_answer(est, 2026).number.startswith("No figure for the targets due in 2026")


def test_low_confidence_names_the_one_reason_that_applies():
    est = memo.all_estimates(_sections())
    targets = answers.targets_answer(est, 2025)  # d008 rests on one row
    assert targets.confidence == "Low" and targets.rule == "a single source row changes the verdict"
    null = Estimate("effects.att", "Average effect of a first recognition on firms' revenue", 1.0, "log points",
                    -2.0, 4.0, 0.95, status="estimate")
    effects = answers.effects_answer({**est, null.key: null})
    assert effects.confidence == "Low" and effects.rule == "the interval includes no change"
    assert answers.effects_answer({**est, null.key: null}, "vi").rule == "khoảng tin cậy chứa khả năng không thay đổi"
