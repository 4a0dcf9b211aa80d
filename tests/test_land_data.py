"""Land analysis on real data (issue 12): rents as data with stated rules, HC3 errors, the FDI
model with distance and income and its leave-one-out fits, the counterfactual's interval, the
PCI view, and the places firms choose among (rents, minimum wages, distance) by year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from kip_analysis.analyses.land import fdi as fdi_model
from kip_analysis.data import geography, locations
from kip_analysis.data import rents as rents_mod
from kip_analysis.data.raw import load_table
from kip_analysis.errors import DataValidationError, ParameterError
from kip_analysis.estimators.sandwich import poisson_hc


def _rents(rows):
    frame = pd.DataFrame(rows, columns=["province", "period", "consultant", "midpoint", "fact_id"])
    return frame.assign(value_low=frame["midpoint"], value_high=frame["midpoint"], note=frame["consultant"])


FIVE = ("Hanoi", "Bac Ninh", "Hung Yen", "Hai Duong", "Hai Phong")


def _cross_section(consultant, period, rents, start):
    return [(p, period, consultant, r, f"x{start + i:02d}") for i, (p, r) in enumerate(zip(FIVE, rents, strict=True))]


def test_like_for_like_ratio_uses_one_consultant_and_one_period_only():
    rows = (_cross_section("Savills", "2020", (120, 100, 80, 60, 100), 0)
            + _cross_section("CBRE", "2021", (200, 100, 100, 100, 100), 10)
            + [("Hanoi", "2021", "Savills", 130.0, "y01"), ("Bac Ninh", "2021", "Savills", 100.0, "y02"),  # no HD, HP
               ("Hanoi", "2022", "unnamed", 150.0, "y03"),
               ("Northern Vietnam average", "2022", "unnamed", 100.0, "y04"),
               ("Hanoi", "2020", "Savills", 120.0, "y05")])  # the same Savills 2020 figure on a second page
    ll = rents_mod.like_for_like(_rents(rows)).set_index(["consultant", "period"])
    assert list(ll.index) == [("CBRE", "2021"), ("Savills", "2020")]
    assert ll.loc[("Savills", "2020"), "ratio"] == pytest.approx(120 / 85)
    assert ll.loc[("CBRE", "2021"), "ratio"] == pytest.approx(2.0)
    excluded = " | ".join(ll.attrs["excluded"])
    assert "Savills 2021: no figure for Hải Dương, Hải Phòng, Hưng Yên" in excluded
    assert "unnamed 2022: no consultant named" in excluded
    assert "y05" in ll.loc[("Savills", "2020"), "facts"]  # a figure quoted twice is one figure, both ids kept
    disagree = rows + [("Hanoi", "2020", "Savills", 125.0, "y06")]
    assert "disagree" in " ".join(rents_mod.like_for_like(_rents(disagree)).attrs["excluded"])


def test_ratio_path_prefers_one_consultant_bands_the_others_and_labels_carried_years():
    rows = (_cross_section("Savills", "2020", (120, 100, 80, 60, 100), 0)
            + _cross_section("CBRE", "2020", (200, 100, 100, 100, 100), 10))
    ll = rents_mod.like_for_like(_rents(rows))
    path = rents_mod.ratio_path(ll, (2019, 2020, 2021)).set_index("year")
    assert path.loc[2020, "consultant"] == "Savills" and path.loc[2020, "ratio"] == pytest.approx(120 / 85)
    assert (path.loc[2020, "band_low"], path.loc[2020, "band_high"]) == pytest.approx((120 / 85, 2.0))
    assert path.loc[2019, "status"] == "carried back from 2020" and path.loc[2021, "status"].startswith("carried forw")
    assert rents_mod.time_variation(path.reset_index(), 2021) == [2020]
    idx = rents_mod.lease_indices(ll, (2020,)).set_index("gso_code")
    assert idx.loc["01", "lease_index"] == pytest.approx(path.loc[2020, "ratio"])  # Hà Nội's index is R_t
    assert idx.loc["27", "lease_index"] == pytest.approx(100 / 85)
    assert rents_mod.ratio_path(ll.iloc[:0], (2020,)).empty


def test_no_ratio_divides_two_sources_figures():
    """Every like-for-like ratio on the real facts rests on rows of one consultant and one period."""
    from kip_analysis.data import processed

    facts = processed.load("facts").set_index("fact_id")
    rents = geography.rents_table(processed.load("facts"))
    ll = rents_mod.like_for_like(rents)
    assert len(ll) and set(ll["consultant"]) >= {"Savills"}
    by_id = rents.set_index("fact_id")
    for r in ll.itertuples():
        ids = r.facts.split(", ")
        assert set(by_id.loc[ids, "consultant"]) == {r.consultant}, r
        assert set(by_id.loc[ids, "period"].astype(str)) == {r.period}, r
        assert facts.loc[ids, "metric"].eq("ip_rent").all()
    savills = ll.set_index(["consultant", "period"]).loc["Savills", "ratio"]
    assert savills.round(2).to_dict() == {"2019": 1.41, "2020": 1.47, "2021": 1.33}  # the sidecar's figures


def test_hc3_is_computed_here_because_statsmodels_glm_gives_hc0():
    rng = np.random.default_rng(0)
    X = sm.add_constant(rng.normal(size=(63, 3)))
    y = rng.poisson(3, 63)
    fit = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    hc0 = poisson_hc(X, y, fit.mu, "HC0")
    np.testing.assert_allclose(np.sqrt(np.diag(hc0)), fit.get_robustcov_results("HC0").bse, rtol=1e-6) if hasattr(
        fit, "get_robustcov_results") else None
    np.testing.assert_allclose(np.sqrt(np.diag(hc0)), sm.GLM(y, X, family=sm.families.Poisson()).fit(
        cov_type="HC0").bse, rtol=1e-8)
    asked_hc3 = sm.GLM(y, X, family=sm.families.Poisson()).fit(cov_type="HC3").bse
    np.testing.assert_allclose(asked_hc3, np.sqrt(np.diag(hc0)), rtol=1e-8)  # statsmodels' "HC3" is HC0 here
    hc3 = poisson_hc(X, y, fit.mu, "HC3")
    assert (np.diag(hc3) > np.diag(hc0)).all()


@pytest.fixture(scope="module")
def fdi():
    return fdi_model.fdi_location(load_table("gso_fdi_by_province"), load_table("pci_subindices"),
                                  load_table("province_codes"), load_table("province_centroids"),
                                  load_table("gso_income_per_capita"))


def test_fdi_model_has_distance_income_and_every_coefficient(fdi):
    terms = set(fdi.coefficients["term"])
    assert {"const", *fdi_model.PCI_COVARIATES, *fdi_model.GEO_COVARIATES} == terms
    d = fdi.data.set_index("gso_code")
    assert d.loc["01", "dist_hanoi_100km"] == 0 and d.loc["79", "dist_hcmc_100km"] == 0
    assert 10 < d.loc["79", "dist_hanoi_100km"] < 13  # Hanoi-HCMC centroids about 1,150 km apart
    assert fdi.coefficients["se_hc3"].gt(0).all() and len(fdi.data) == 63


def test_fdi_leave_one_out_drops_each_big_province(fdi):
    fits = fdi.leave_one_out["fit"].unique().tolist()
    assert fits == ["all 63 provinces", "without Hà Nội", "without Ho Chi Minh City", "without Bình Dương"]
    data = fdi.data
    for code, name in fdi_model.LEAVE_OUT.items():
        direct = fdi_model.poisson_fit(data[data["gso_code"] != code], fdi.covariates).table().set_index("term")
        ours = fdi.leave_one_out[fdi.leave_one_out["fit"] == f"without {name}"].set_index("term")
        np.testing.assert_allclose(ours["coef"], direct.loc[ours.index, "coef"], rtol=1e-10)
    share = data.loc[data["gso_code"].isin(fdi_model.LEAVE_OUT), "projects"].sum() / data["projects"].sum()
    assert share > 0.4  # why leaving them out matters


def test_counterfactual_interval_by_delta_method_against_simulation(fdi):
    cf = fdi.counterfactual
    assert 0 < cf["share_after_low"] <= cf["share_after"] <= cf["share_after_high"] < 1
    assert 0 < cf["sim_low"] < cf["sim_high"] < 1

    def logit(x):
        return np.log(x / (1 - x))

    # the delta method is first order: on the logit scale its bounds sit within half a standard error of the
    # simulated ones (with an SE above 1 on that scale, the two differ visibly on the share scale)
    assert abs(logit(cf["share_after_low"]) - logit(cf["sim_low"])) < 0.5 * cf["se_logit"]
    assert abs(logit(cf["share_after_high"]) - logit(cf["sim_high"])) < 0.5 * cf["se_logit"]
    same = fdi_model._counterfactual(fdi.data, fdi.fit, fdi.covariates, cf["from"])
    assert same["share_after"] == pytest.approx(same["share_before"])  # no change, no effect


def test_pci_view_ranks_hanoi_and_keeps_the_page_of_each_land_score():
    wide, land = fdi_model.pci_view(load_table("pci_composite"), load_table("pci_subindices_partial"))
    assert wide["year"].tolist() == list(range(2016, 2023)) and wide["Hà Nội rank (of 63)"].between(1, 63).all()
    hanoi = land[land["province"] == "Hà Nội"]
    assert sorted(hanoi["year"]) == [2019, 2021] and hanoi["source_url"].str.startswith("http").all()


def test_wage_panel_rules_months_weighted_and_carried_back():
    regions = load_table("minimum_wage_regions")
    wages = locations.wage_panel(regions, ("01", "30"), (2019, 2022, 2025)).set_index(["gso_code", "year"])
    assert wages.loc[("01", 2019), "status"] == "carried back" and wages.loc[("01", 2019), "wage_vnd"] == 4_420_000
    # 2022: Decree 90/2019 to 30 June (181 days), Decree 38/2022 from 1 July (184 days)
    assert wages.loc[("01", 2022), "wage_vnd"] == pytest.approx((4_420_000 * 181 + 4_680_000 * 184) / 365)
    assert wages.loc[("01", 2022), "decrees"] == "90/2019/ND-CP, 38/2022/ND-CP"
    # Hải Dương's city joins region I from July 2024 (Decree 74/2024)
    assert wages.loc[("30", 2025), "region"] == "I" and wages.loc[("30", 2025), "wage_vnd"] == 4_960_000
    with pytest.raises(ParameterError, match="has no region for province"):
        locations.wage_panel(regions, ("01", "31"))


def test_choice_attributes_from_like_for_like_rents_with_every_gap_named():
    from kip_analysis.data import processed

    places = locations.load_choice_attributes(processed.load("facts"))
    assert [w.split(":")[0] for w in places.attrs["left_out"]] == ["Hải Phòng (31)", "Bắc Giang (24)"]
    assert "no minimum-wage region" in places.attrs["left_out"][0]
    p = places.set_index(["province", "year"])
    assert list(dict.fromkeys(places["province"])) == ["01", "27", "33", "30"]
    assert p.loc[("01", 2020), "lease_index"] == pytest.approx(129.0 / 87.5)  # Savills 2020: Hà Nội / the four's mean
    assert p.loc[("01", 2020), "rent_source"] == "Savills 2020" and p.loc[("01", 2020), "occupancy_pct"] == 90
    assert p.loc[("01", 2012), "rent_status"] == "carried back from 2019"
    assert p.loc[("01", 2025), "rent_status"] == "carried forward from 2021"
    assert (p.xs("01", level="province")["wage_index"] == 1).all() and p.loc[("01", 2025), "dist_100km"] == 0
    assert 0.3 < p.loc[("27", 2025), "dist_100km"] < 0.6  # Bắc Ninh's centroid is 30-60 km from Hanoi's
    assert p.loc[("30", 2025), "wage_index"] == 1.0 and p.loc[("30", 2023), "wage_index"] < 0.9


def test_choice_attributes_raise_when_no_consultant_gives_hanoi_and_its_neighbours():
    from kip_analysis.data import processed

    facts = processed.load("facts")
    early = facts[facts["available_from"] <= "2019-12-31"]
    with pytest.raises(ParameterError, match="no like-for-like lease ratio"):
        locations.load_choice_attributes(early)


def test_new_raw_tables_name_file_line_and_column(tmp_path):
    src = load_table("province_centroids").attrs["path"]
    bad = tmp_path / "centroids.csv"
    lines = open(src, encoding="utf-8").read().splitlines()
    cells = lines[3].split(",")
    cells[6] = "200.0"  # centroid_lon outside Viet Nam
    lines[3] = ",".join(cells)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"(?s)centroids\.csv.*line 4.*centroid_lon"):
        load_table("province_centroids", bad)


def test_conditional_logit_engine_reproduces_the_textbook_travel_mode_model():
    # Greene, Econometric Analysis (5th ed., 2003), Table 21.11: conditional logit of travel mode
    # (air, train, bus, car; 210 travellers) on mode constants, generalised cost, terminal time and
    # income x air; the same estimates are reproduced in R mlogit's documentation. The data ship
    # with statsmodels (datasets.modechoice).
    from kip_analysis.estimators import conditional_logit as clogit

    d = sm.datasets.modechoice.load_pandas().data
    k, m = 210, 4
    mode = d["mode"].to_numpy().reshape(k, m)
    X = np.zeros((k, m, 6))
    X[:, :, 0], X[:, :, 1], X[:, :, 2] = mode == 1, mode == 2, mode == 3
    X[:, :, 3] = d["gc"].to_numpy().reshape(k, m)
    X[:, :, 4] = d["ttme"].to_numpy().reshape(k, m)
    X[:, :, 5] = (mode == 1) * d["hinc"].to_numpy().reshape(k, m)
    chosen = d["choice"].to_numpy().reshape(k, m).argmax(axis=1)
    fit = clogit.conditional_logit(X, chosen)
    published = [5.2074, 3.8690, 3.1632, -0.01550, -0.09612, 0.01329]
    np.testing.assert_allclose(fit.params, published, atol=1e-4)
    assert fit.loglik == pytest.approx(-199.128, abs=1e-3)
    # standard errors against statsmodels' ConditionalLogit (inverse Hessian) on the same data
    from statsmodels.discrete.conditional_models import ConditionalLogit

    ref = ConditionalLogit(d["choice"].to_numpy(), X.reshape(k * m, 6), groups=np.repeat(np.arange(k), m)).fit(
        method="newton", disp=False, maxiter=100, start_params=fit.params)
    np.testing.assert_allclose(fit.params, np.asarray(ref.params), atol=1e-6)
    np.testing.assert_allclose(fit.se, np.asarray(ref.bse), rtol=1e-4)
