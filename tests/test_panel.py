"""The SIMULATED firm panel: reproducible, calibrated, true effects kept; the loader takes a
real extract through the same schema and names bad cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kip_analysis.data.firm_panel import FIRM_PANEL, load_firm_panel
from kip_analysis.data.simulated_panel import ROUND_FIRMS, simulate_panel
from kip_analysis.errors import DataValidationError


@pytest.fixture(scope="module")
def sim():
    return load_firm_panel("simulated")


def test_same_seed_same_panel():
    a, b = simulate_panel(n_firms=800, seed=5), simulate_panel(n_firms=800, seed=5)
    pd.testing.assert_frame_equal(a.panel, b.panel)
    assert not simulate_panel(n_firms=800, seed=6).panel.equals(a.panel)


def test_rounds_have_the_sourced_firm_recognitions_and_selection_on_size(sim):
    recog = sim.truth.recognitions
    assert recog.groupby("round").size().to_dict() == ROUND_FIRMS  # firm-recognitions, first and repeat
    firsts = sim.data.groupby("firm_id")["kip_round"].first()
    assert firsts.value_counts().drop(0).sort_index().to_dict() == recog[recog["first"]].groupby("round").size(
        ).to_dict()
    pre = sim.data[sim.data["year"] == 2017].set_index("firm_id")
    recognised = pre["kip_round"] > 0
    log_revenue = np.log(pre["revenue_vnd_bn"])
    assert log_revenue[recognised].mean() > log_revenue[~recognised].mean() + 1.5


def test_calibration_table_against_the_sources(sim):
    cal = sim.truth.calibration.set_index("source")
    assert 9_000 <= cal.loc["c003", "simulated"] <= 13_000
    assert cal.loc["c006, w003 ... w030", "simulated"] == 209
    assert cal.loc["source 004 (article text)", "simulated"] < 0.2  # recognised firms mostly domestic
    assert 0.25 <= cal.loc["assumption", "simulated"].iloc[-1] <= 0.35  # within-firm shock SD


def test_truth_table_holds_growing_effects(sim):
    truth = sim.truth.att_truth
    rev = truth[(truth["outcome"] == "log_revenue") & (truth["group"] == 2018)].set_index("time")["att"]
    assert rev.loc[2017] == 0 and 0 < rev.loc[2018] < rev.loc[2019] < rev.loc[2020]
    emp = truth[(truth["outcome"] == "log_employment") & (truth["group"] == 2018)].set_index("time")["att"]
    assert emp.loc[2020] == pytest.approx(0.5 * rev.loc[2020])
    for outcome in ("exporter", "exports_ppml"):
        effect = truth[(truth["outcome"] == outcome) & (truth["group"] == 2018)].set_index("time")["att"]
        assert effect.loc[2017] == 0 and effect.loc[2020] > 0


def test_simulated_panel_meets_the_extract_schema(sim):
    FIRM_PANEL.validate(sim.data)
    assert sim.label == "SIMULATED" and sim.simulated


def _extract(tmp_path, frame, suffix=".csv"):
    census = {"firm_id": "MA_DN", "year": "NAM", "revenue_vnd_bn": "DOANH_THU", "province": "TINH"}
    out = frame.rename(columns=census)
    path = tmp_path / f"extract{suffix}"
    if suffix == ".csv":
        out.to_csv(path, index=False)
    else:
        out.to_parquet(path)
    (tmp_path / "extract.mapping.yml").write_text(
        "columns:\n" + "".join(f"  {v}: {k}\n" for k, v in census.items()), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_real_extract_loads_through_the_mapping(tmp_path, sim, suffix):
    rounds = sim.data.groupby("firm_id")["kip_round"].first()  # recognised and comparison firms both
    sample = sim.data[sim.data["firm_id"].isin([*rounds[rounds > 0].index[:8], *rounds[rounds == 0].index[:12]])]
    loaded = load_firm_panel(_extract(tmp_path, sample, suffix))
    assert not loaded.simulated and loaded.label == "census extract" and len(loaded.data) == len(sample)
    assert loaded.data["revenue_vnd_bn"].sum() == pytest.approx(sample["revenue_vnd_bn"].sum())


def test_bad_extract_names_file_line_and_column(tmp_path, sim):
    sample = sim.data.head(10).copy().astype(object)
    sample.loc[sample.index[3], "revenue_vnd_bn"] = "-5"
    path = _extract(tmp_path, sample)
    with pytest.raises(DataValidationError, match=r"extract.csv, line 5, column 'revenue_vnd_bn': expected a "
                                                   r"non-negative revenue"):
        load_firm_panel(path)
    sample.loc[sample.index[3], "revenue_vnd_bn"] = "1"
    sample.loc[sample.index[6], "province"] = "Hanoi"
    with pytest.raises(DataValidationError, match=r"line 8, column 'province'"):
        load_firm_panel(_extract(tmp_path, sample))


def test_extract_needs_a_mapping_and_known_columns(tmp_path, sim):
    path = tmp_path / "x.csv"
    sim.data.head(3).to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="column-mapping file"):
        load_firm_panel(path)
    (tmp_path / "x.mapping.yml").write_text("columns:\n  A: not_a_column\n")
    with pytest.raises(DataValidationError, match="unknown schema columns"):
        load_firm_panel(path)
    with pytest.raises(DataValidationError, match="no such extract"):
        load_firm_panel(tmp_path / "missing.csv")
