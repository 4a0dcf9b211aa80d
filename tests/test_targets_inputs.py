"""Targets on defensible inputs: plausibility rules across rows, publication-date vintages, what each
target counts, the output share on the production-value base, the forecast gate, and memo years
that follow the data (a new year's sourced row brings its memo with no code change)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from kip_analysis import config, memory
from kip_analysis.analyses.targets import backtest, shares, verdicts
from kip_analysis.data import anchors, plausibility, processed
from kip_analysis.data.raw import load_table
from kip_analysis.report.section import read as read_section


def _fact(fact_id: str, metric: str, value: float, unit: str = "percent", period: str = "2022", cohort=None,
          kind: str = "actual", quote: str = "q") -> dict:
    year = int(period[-4:]) if period[-4:].isdigit() else None
    unit_c = {"USD million": "USD million", "VND billion": "VND billion"}.get(unit, unit)
    return {"fact_id": fact_id, "metric": metric, "period": period, "period_kind": "year", "year_start": year,
            "year_end": year, "value_low": value, "value_high": value, "unit": unit, "value_low_c": value,
            "value_high_c": value, "unit_c": unit_c, "kind": kind, "geography": "Hanoi", "cohort": cohort,
            "quote": quote, "source_id": f"https://example.org/{fact_id}"}


def _facts(*rows: dict) -> pd.DataFrame:
    fx = [_fact("b003", "kip_product_revenue_total", 60000.0, "VND billion", "2005-2017"),
          _fact("b004", "kip_product_revenue_total", 2600.0, "USD million", "2005-2017")]  # 23,077 VND per USD
    return pd.DataFrame([*fx, *rows])


def test_exports_above_revenue_is_flagged_at_the_sources_rate():
    f = _facts(_fact("w022", "kip_product_revenue", 62000.0, "VND billion", cohort="2023"),
               _fact("w023", "kip_product_exports", 3600.0, "USD million", cohort="2023", quote="hơn 3,6 tỷ USD"),
               _fact("w016", "kip_product_revenue", 76800.0, "VND billion", "2021", cohort="2022"),
               _fact("w017", "kip_product_exports", 550.0, "USD million", "2021", cohort="2022"))
    found = plausibility.violations(f)
    assert found[["rule", "flagged"]].values.tolist() == [["exports_above_revenue", "w023"]]
    assert found["quote_a"].iloc[0] == "hơn 3,6 tỷ USD" and "83,077 VND bn" in found["why"].iloc[0]


def test_a_share_above_100_and_a_round_above_its_cumulative_are_flagged():
    f = _facts(_fact("x001", "kip_export_share", 120.0),
               _fact("x002", "kip_products_recognised", 40.0, "products", "2019"),
               _fact("x003", "kip_products_cumulative", 30.0, "products", "2018-2019"))
    f.loc[f["fact_id"] == "x003", "year_start"] = 2018
    flags = plausibility.flag(f).set_index("fact_id")["flags"]
    assert flags["x001"] == "share_above_100" and flags["x002"] == "round_above_cumulative"
    assert flags["x003"] == ""


def test_a_share_must_agree_with_a_sourced_level_of_its_denominator():
    f = processed.build_all()["facts"]
    levels = anchors.level_checks(f).set_index("share_fact")
    assert {"b017", "n004", "c008", "b018"} <= set(levels.index)
    assert levels.loc["b017", "implied_vnd_bn"] == pytest.approx(40000 / 0.352)
    assert levels.loc["b017", "share_on_level"] == pytest.approx(100 * 40000 / (499932 * 1.0729))
    assert not levels["consistent"].any()
    flagged = set(f.loc[f["flags"] != "", "fact_id"])
    assert {"w023", "b017", "n004", "c008", "b018"} <= flagged


def test_violations_are_conflict_rows_holding_both_quotes():
    c = processed.build_all()["conflicts"]
    rows = c[c["type"] == "implausible"].set_index("fact_a")
    assert rows.loc["w023", "fact_b"] == "w022" and "3,6" in rows.loc["w023", "quote_a"]
    assert "62" in rows.loc["w023", "quote_b"] and "undetermined" in rows.loc["w023", "default_choice"]


def _verdicts(year: int) -> pd.DataFrame:
    t = processed.load_all(year, "real_time")
    computed = shares.shares(t["facts"], t["recognition_rounds"], load_table("gso_iip_by_province"),
                             shares.ShareAssumptions())
    return verdicts.verdict_table(t["targets"], t["recognition_rounds"], t["facts"], computed, year, False,
                                  "low").set_index("target_id")


def test_a_verdict_resting_on_a_flagged_row_is_undetermined_and_the_definition_is_named():
    v = _verdicts(2025)
    assert v.loc["d008", "class"] == "undetermined" and "w023" in v.loc["d008", "reason"]
    assert v.loc["d008", "counts"] == "enterprises" and v.loc["b010", "counts"] == "products"
    # the 2020 target is judged on the products' share; the enterprises' share (source 002) is shown beside it
    assert v.loc["b010", "class"] == "missed" and v.loc["b010", "enterprise_share"] > 0
    assert "w023" not in v.loc["b010", "current"]  # an imputed round no longer rests on the flagged row


def test_the_output_share_is_judged_on_the_production_value_base_with_a_band():
    v = _verdicts(2025)
    assert v.loc["b008", "class"] == "missed"  # 33-35% by 2020: the whole band is below
    assert v.loc["b008", "current_low"] < v.loc["b008", "current_value"] <= v.loc["b008", "current_high"] < 33
    assert v.loc["d007", "class"] == "cannot be assessed"  # no 2025 index growth published by the end of 2025


def test_the_forecast_gate_closes_on_too_few_forecasts_or_missed_coverage():
    scores = pd.DataFrame({"series": ["city exports (USD m)", "products per round"], "method": ["workbook model"] * 2,
                           "forecasts": [6, 5], "coverage_80": [0.83, 0.8], "coverage_95": [1.0, 1.0]})
    assert backtest.gate(scores) == (True, [])
    short = scores.assign(forecasts=[4, 5])
    assert backtest.gate(short)[0] is False and "4 scored forecasts" in backtest.gate(short)[1][0]
    wide = scores.assign(coverage_80=[0.83, 0.4])
    assert "covered 40%" in backtest.gate(wide)[1][0]
    assert backtest.gate(scores.iloc[:0])[0] is False


def test_the_memo_years_follow_the_data_and_reach_the_2026_phase():
    assert config.LAST_YEAR >= 2026
    targets = processed.load("targets").set_index("target_id")
    assert targets.loc["n010+n011", "low"] == 180 and targets.loc["n010+n011", "cohort"] == "2026-2030"
    assert targets.loc["n012+n013", "target_year"] == 2030


@pytest.mark.notebook
def test_a_new_years_sourced_row_brings_its_memo_with_no_code_change(tmp_path, memo_batch):
    # after the session's batch (memo_batch): the new year's panel ends where 2025's does, so its effects
    # estimates and location-choice fits are read from the shared disk cache, and must equal 2025's
    copy = tmp_path / "workbook"
    shutil.copytree(config.ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".cache", "reports", ".git",
                                                                     "__pycache__", "processed", "*.egg-info"))
    (copy / "data" / "processed").mkdir()
    shutil.copy(config.ROOT / "data" / "processed" / "README.md", copy / "data" / "processed" / "README.md")
    new_year = config.LAST_YEAR + 1
    row = (f"exports,Hanoi,{new_year},30,USD billion,https://example.org/hanoi-exports-{new_year},"
           f"\"exports reached 30 billion USD\",estimate,{new_year}-02-01\n")
    with (copy / "data" / "raw" / "web" / "web_figures_2026.csv").open("a", encoding="utf-8") as f:
        f.write(row)
    env = {**os.environ, "KIP_ROOT": str(copy), "KIP_SHARED_DIR": str(config.SHARED), "MPLBACKEND": "Agg",
           "KIP_ALLOW_EDITED_RAW": "1",  # a local edit of a received file: allowed only when asked for
           "KIP_CACHE_DIR": str(memory.cache_dir() or "none")}  # shared work is keyed by content: the copy reuses it
    out = tmp_path / "reports"
    done = subprocess.run([sys.executable, "-m", "kip_analysis.batch", "--years", str(new_year), "--out", str(out),
                           "--jobs", "2"], env=env, cwd=copy, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (out / str(new_year) / "baseline" / "memo.html").exists()
    assert f"policy memo {new_year}" in (out / str(new_year) / "baseline" / "memo.html").read_text()
    ours, before = (read_section(folder / str(year) / "baseline" / "results" / "02_programme_effects.json")
                    for folder, year in ((out, new_year), (memo_batch[0], 2025)))
    panel_only = [[(e.key, e.value, e.low, e.high) for e in r.estimates if e.key != "effects.mde"]  # mde: rounds
                  for r in (ours, before)]
    assert panel_only[0] == panel_only[1] and panel_only[0]
