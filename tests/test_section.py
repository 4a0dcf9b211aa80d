"""The result contract (kip_analysis.report.section) and the memo's three-part executive summary."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kip_analysis.report import memo  # noqa: E402
from kip_analysis.report.section import CannotSay, ContractError, Exhibit, Headline, Section, Table  # noqa: E402

SHA = {"programme_facts": "abc"}


def _table(simulated: bool = False, title: str = "Rounds") -> Table:
    return Table(title, "products", "facts c006", pd.DataFrame({"round": [2018], "products": [61.0]}), simulated)


def _real() -> Section:
    return Section("01_real", "Real part", findings=("Sixty-one products in 2018.", "Two rounds."),
                   cannot_say=(CannotSay("The share after 2018?", "no source gives it.", "an official share."),),
                   tables=(_table(),), headlines=(Headline("n", "Products", "61", 61.0, trend=True),),
                   params={"as_of_year": 2020}, raw_sha256=SHA)


def _simulated() -> Section:
    return Section("02_sim", "Simulated part", method_checks=("SIMULATED: the estimator recovers 0.07.",),
                   tables=(_table(True, "Estimates (SIMULATED)"),), simulated=True, raw_sha256=SHA)


def test_a_finding_about_simulated_data_is_refused():
    with pytest.raises(ContractError, match="belongs among the method checks"):
        Section("x", "X", findings=("On the SIMULATED panel the effect is 7%.",), simulated=True, raw_sha256=SHA)


def test_method_checks_need_a_simulated_section():
    with pytest.raises(ContractError, match="method checks are statements about the SIMULATED panel"):
        Section("x", "X", method_checks=("a check",), raw_sha256=SHA)


def test_a_simulated_table_must_say_so_in_its_title_and_the_section_too():
    with pytest.raises(ContractError, match="must say SIMULATED"):
        _table(True, "Estimates")
    with pytest.raises(ContractError, match="is simulated but the Section is not"):
        Section("x", "X", tables=(_table(True, "Estimates (SIMULATED)"),), raw_sha256=SHA)


def test_tables_need_units_and_sources_and_sections_need_checksums():
    with pytest.raises(ContractError, match="a title, units and a source note"):
        Table("Rounds", "", "facts c006", pd.DataFrame())
    with pytest.raises(ContractError, match="raw-data checksums"):
        Section("x", "X", findings=("a",))
    with pytest.raises(ContractError, match="its label must say SIMULATED"):
        Headline("e", "Effect", "7%", 0.07, simulated=True)


def test_exhibit_needs_caption_and_sources():
    fig, _ = plt.subplots()
    plt.close(fig)
    with pytest.raises(ContractError, match="a caption and its sources"):
        Exhibit.from_figure("f", fig, "facts c006")
    fig._kip_caption = "Products per round."
    ex = Exhibit.from_figure("f", fig, "facts c006")
    assert ex.png_base64.startswith("iVBOR")  # a PNG


def test_round_trip_through_json(tmp_path):
    s = _real()
    path = s.publish(tmp_path / "r.json")
    from kip_analysis.report.section import read

    back = read(path)
    assert back.findings == s.findings and back.cannot_say == s.cannot_say and back.headlines == s.headlines
    pd.testing.assert_frame_equal(back.tables[0].frame, s.tables[0].frame)
    assert s.publish("") is None


def test_the_annex_keeps_simulated_method_checks_apart_from_findings():
    page = memo.section_html(_simulated())
    assert "Method checks on SIMULATED data" in page and "What the sources and public data show" not in page
    page = memo.memo_html(2020, "baseline", "the programme as published", [_real(), _simulated()])
    main, annex = page.split('id="annex"')
    assert "SIMULATED" not in main and "SIMULATED: the estimator recovers 0.07." in annex
    assert "Sixty-one products in 2018." in annex


def test_memo_html_shows_tables_with_units_and_sources():
    page = memo.memo_html(2020, "baseline", "the programme as published", [_real(), _simulated()])
    assert "Units: products" in page and "Sources: facts <a href=\"#src-c006\">c006</a>" in page
    assert "Estimates (SIMULATED)" in page and 'id="src-c006"' in page
    assert "Ex-post reading" in page
    assert memo.vintage_note([_real()], 2020).startswith("Ex-post reading")
