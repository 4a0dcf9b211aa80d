"""The province x year FDI location panel: equal to pyfixest's fepois, real-time by report year."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest

from kip_analysis.analyses.land import fdi_panel as fp
from kip_analysis.data.raw import load_table


@pytest.fixture(scope="module")
def inputs():
    return (load_table("fia_fdi_flows"), load_table("province_codes"), load_table("pci_composite"),
            load_table("province_centroids"))


@pytest.fixture(scope="module")
def fitted(inputs):
    return fp.fdi_panel(*inputs, 2025)


def _reference(data: pd.DataFrame, formula: str) -> tuple[pd.Series, pd.Series]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyfixest's notes on dropped singletons, irrelevant to the comparison
        m = pf.fepois(formula, data=data.dropna(subset=["pci_lag"]), vcov={"CRV1": "gso_code"})
    return m.coef(), m.se()


@pytest.mark.parametrize("outcome", list(fp.OUTCOMES))
def test_within_fit_equals_pyfixest_fepois(fitted, outcome):
    coef, se = _reference(fitted.data, f"{outcome} ~ pci_lag | gso_code + year")
    ours = fitted.within[outcome].table().set_index("term")
    np.testing.assert_allclose(ours.loc["pci_lag", "coef"], coef["pci_lag"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.loc["pci_lag", "se_cluster"], se["pci_lag"], rtol=0, atol=1e-6)


def test_pooled_fit_equals_pyfixest_fepois(fitted):
    coef, se = _reference(fitted.data, "new_projects ~ pci_lag + dist_hanoi_100km + dist_hcmc_100km | year")
    ours = fitted.pooled.table().set_index("term")
    np.testing.assert_allclose(ours["coef"], coef[ours.index], rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours["se_cluster"], se[ours.index], rtol=0, atol=1e-6)


def test_panel_is_63_provinces_by_full_years_with_absent_rows_counted(fitted):
    d = fitted.data
    assert d["gso_code"].nunique() == 63 and sorted(d["year"].unique()) == list(fp.PANEL_YEARS)
    flows = load_table("fia_fdi_flows")
    listed = flows[flows["year"].isin(fp.PANEL_YEARS)]
    assert d.attrs["not_listed"] == 63 * len(fp.PANEL_YEARS) - len(listed)
    assert d.attrs["zero_filled"] == d.attrs["not_listed"] + listed["new_projects"].isna().sum()
    assert d["new_projects"].sum() == pytest.approx(listed["new_projects"].fillna(0).sum())
    assert (fitted.partial["year"] == fp.PARTIAL_YEAR).all() and len(fitted.partial)


def test_each_memo_uses_only_reports_published_by_its_year(inputs):
    assert fp.fdi_panel(*inputs, 2018) is None  # two reports: no within-province change to speak of
    early = fp.fdi_panel(*inputs, 2020)
    assert early.years == (2017, 2018, 2019, 2020) and early.partial.empty
    assert early.data["year"].max() == 2020


def test_leave_one_out_and_counterfactual(fitted):
    assert set(fitted.leave_one_out["fit"]) == {"all provinces", *(f"without {n}" for n in fp.LEAVE_OUT.values())}
    cf = fitted.counterfactual
    assert cf["share_after_low"] <= cf["share_after"] <= cf["share_after_high"]
    b = fitted.within["new_projects"].table().set_index("term").loc["pci_lag", "coef"]
    s, e = cf["share_before"], np.exp(b * (cf["to"] - cf["from"]))
    assert cf["share_after"] == pytest.approx(e * s / (1 - s + e * s))  # conditional-logit share algebra
