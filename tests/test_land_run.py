"""The land analysis as a function (issue 21): ``run(params)`` in-process gives the Section the notebook
publishes; its decisions (publication lags, scenario ratios, lease terms, the fitted year) are tested here."""

from __future__ import annotations

import pytest

from kip_analysis.analyses.land import run as land_run
from kip_analysis.analyses.land.params import validate
from kip_analysis.report import memo


@pytest.fixture(scope="module")
def ran():
    p = validate(n_draws=100, subsidy_share=0.3, memo_year=2025)
    r = land_run.run(p)
    return p, r, land_run.section(r, p)


@pytest.mark.slow
def test_land_run_publishes_labelled_findings_and_checks(ran):
    _, r, sec = ran
    assert sec.simulated is True and all("SIMULATED" in m for m in sec.method_checks)
    assert not any("SIMULATED" in f for f in sec.findings) and len(sec.findings) >= 8
    findings = " ".join(sec.findings)
    for phrase in ("Like for like", "Foreign Investment Agency", "clustered by province", "HC3",
                   "Leaving one province out", "delta method", "PCI composite", "minimum wage"):
        assert phrase in findings, phrase
    checks = " ".join(sec.method_checks)
    for phrase in ("30%", "truth", "only changes in rents over time", "vacant park share", "consultants' range"):
        assert phrase in checks, phrase
    flags = [t.simulated for t in sec.tables]
    assert flags == sorted(flags) and sum(flags) == 6  # sourced tables first, then the SIMULATED ones
    assert memo.caveats([sec])[0].startswith("SIMULATED")
    est = {e.key: e for e in sec.estimates}
    assert est["land.lease_ratio"].value == pytest.approx(129 / ((106 + 101 + 79 + 101) / 4))
    assert est["land.lease_ratio"].extra["consultant"] == "Savills" and est["land.elasticity"].status == "check"


@pytest.mark.slow
def test_land_run_decisions(ran):
    p, r, _ = ran
    assert land_run.pci_last_year(p) == 2024 and land_run.fia_last_year(p) == 2025
    assert r.year == 2025 and r.fdi_panel is not None and r.fdi_panel.years[-1] == 2023
    at = land_run.elasticity_ratios(r.ratios, p.lease_ratio)
    assert at["source 001 low"] == 1.5 and at["source 001 high"] == 2.0 and at["data (R_t)"] is None
    assert set(r.cost["lease_term_years"]) == set(land_run.LEASE_TERMS)
    early = land_run.elasticity_ratios(r.ratios.iloc[:0], 1.75)
    assert "consultants' lowest" not in early  # a vintage before any like-for-like ratio


@pytest.mark.slow
@pytest.mark.parametrize("year", [2019, 2020])
def test_early_memos_run_without_an_occupancy_fit(year):
    p = validate(n_draws=100, memo_year=year)
    r = land_run.run(p)
    assert "with park occupancy (ln vacant share)" not in set(r.choice_table["fit"])
    assert any("not fitted" in d for d in r.choice_table.attrs["dropped"])
    assert "vacant park share" not in " ".join(land_run.section(r, p).method_checks)


@pytest.fixture(scope="module")
def no_moves(tmp_path_factory):
    """A census-style extract of Hanoi firms in which nobody moves: the SIMULATED panel's first 1,500 firms, every
    firm-year in Hà Nội (the most likely first extract a user brings)."""
    from kip_analysis.data.firm_panel import load_firm_panel

    sim = load_firm_panel("simulated").data
    firms = sim["firm_id"].drop_duplicates().iloc[:1500]
    extract = sim[sim["firm_id"].isin(firms)].assign(province="01", relocated=0)
    path = tmp_path_factory.mktemp("no-moves") / "extract.csv"
    extract.to_csv(path, index=False)
    path.with_suffix(".mapping.yml").write_text("columns:\n  firm_id: firm_id\n  year: year\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_an_extract_without_moves_gives_the_public_answers_and_says_what_it_cannot_fit(no_moves):
    from kip_analysis.analyses.land import relocation
    from kip_analysis.data.firm_panel import load_firm_panel
    from kip_analysis.errors import NotEstimableError

    firms = load_firm_panel(str(no_moves))
    with pytest.raises(NotEstimableError, match="records 0 moves out of Hanoi"):
        relocation.location_choice(firms.data, land_run.locations.load_choice_attributes(
            land_run.processed.load_all(2024, "real_time")["facts"]), 2024)
    p = validate(data_source=str(no_moves), n_draws=100, memo_year=2024)
    r = land_run.run(p)
    sec = land_run.section(r, p)
    assert r.choice is None and r.limits and "0 moves" in r.limits[0][1]
    keys = {e.key for e in sec.estimates}
    assert {"land.lease_ratio", "land.fdi_counterfactual_share"} <= keys and "land.elasticity" not in keys
    assert any("cannot be estimated" in c.why and "moves" in c.would_settle for c in sec.cannot_say)
    assert not any(t.title.startswith(("Location choice", "Elasticity", "Subsidy")) for t in sec.tables)
    assert {e.name for e in sec.exhibits} == {"lease_ratios"} and not sec.simulated
