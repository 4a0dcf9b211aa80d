"""Real data: where new FDI projects went, province by year. A Poisson regression with province
and year fixed effects on the Foreign Investment Agency's counts of newly registered projects
(2017-2023; the conditional logit of each year's projects over the 63 provinces, Guimarães,
Figueiredo & Woodward 2003), with the PCI composite of the year before (published in the spring
of the project's year) as the attribute that changes within a province; registered capital as a
second outcome; standard errors clustered by province.

May import: analyses.land.fdi, data.geography, estimators.delta, estimators.did_types.

What is identified where: with province effects, the PCI coefficient comes only from changes
within a province over time; distance and every other fixed trait are absorbed. The pooled fit
(year effects, distances, no province effects) compares provinces with each other. Land access
after 2016 is published for a handful of province-years and the like-for-like rent for five
northern provinces and three years, too few for the 63-province panel: both stay out of it (the
2016 cross-section in :mod:`kip_analysis.analyses.land.fdi` has land access).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

from kip_analysis.analyses.land.fdi import LEAVE_OUT, distances
from kip_analysis.data.geography import HANOI, NEIGHBOURS
from kip_analysis.estimators.delta import delta_se, shifted_share_logit_gradient
from kip_analysis.estimators.did_types import Z95

#: Full years of the FIA December reports (cut-off 20 December); 2024 is January-June only.
PANEL_YEARS: tuple[int, ...] = tuple(range(2017, 2024))
PARTIAL_YEAR: int = 2024
OUTCOMES: dict[str, str] = {"new_projects": "new projects", "new_capital_musd": "new registered capital (USD m)"}
#: The panel needs at least this many full years for within-province changes to mean anything.
MIN_YEARS: int = 3


def panel(flows: pd.DataFrame, codes: pd.DataFrame, pci: pd.DataFrame, centroids: pd.DataFrame,
          last_year: int) -> pd.DataFrame:
    """63 provinces x the full FIA years up to ``last_year``: new projects and capital (a province
    the report does not list had none: zero, counted in ``attrs["zero_filled"]``), the PCI composite
    of the year before (``pci_lag``) and distances to Hà Nội and Ho Chi Minh City (100 km).
    ``attrs["not_listed"]`` counts province-years absent from the report; ``attrs["zero_filled"]`` those
    and the listed rows with an empty new-projects cell (capital increases only).
    """
    years = [y for y in PANEL_YEARS if y <= last_year]
    provinces = codes[codes["status"].str.startswith("one of the 63", na=False)][["gso_code", "province"]]
    grid = provinces.merge(pd.DataFrame({"year": years}), how="cross")
    data = grid.merge(flows[["year", "gso_code", "new_projects", "new_capital_musd"]], on=["year", "gso_code"],
                      how="left", validate="one_to_one", indicator=True)
    not_listed = int((data.pop("_merge") == "left_only").sum())
    zero = int(data["new_projects"].isna().sum())
    data[list(OUTCOMES)] = data[list(OUTCOMES)].fillna(0.0)
    lag = pci.assign(year=pci["year"] + 1)[["gso_code", "year", "pci_composite"]].rename(
        columns={"pci_composite": "pci_lag"})
    data = data.merge(lag, on=["gso_code", "year"], how="left")
    data = data.merge(distances(centroids), on="gso_code", how="left", validate="many_to_one")
    data.attrs["zero_filled"] = zero
    data.attrs["not_listed"] = not_listed
    return data


@dataclass(frozen=True)
class FeFit:
    """A Poisson fit with fixed effects and province-clustered standard errors."""

    params: pd.Series  # every coefficient, fixed effects included
    cov: np.ndarray
    terms: tuple[str, ...]  # the regressors shown (not the fixed effects)
    nobs: int
    dropped: tuple[str, ...]  # provinces left out: no project in any year (their effect would be minus infinity)
    X: pd.DataFrame
    mu: np.ndarray

    def table(self) -> pd.DataFrame:
        """Every shown coefficient with its clustered SE, z, p and 95% interval."""
        idx = [list(self.params.index).index(t) for t in self.terms]
        coef = self.params.iloc[idx].to_numpy()
        se = np.sqrt(np.diag(self.cov)[idx])
        z = coef / se
        return pd.DataFrame({"term": list(self.terms), "coef": coef, "se_cluster": se, "z": z,
                             "p": 2 * norm.sf(np.abs(z)), "ci_low": coef - Z95 * se, "ci_high": coef + Z95 * se})


def poisson_fe(data: pd.DataFrame, outcome: str, terms: tuple[str, ...], province_fe: bool = True) -> FeFit:
    """Poisson (pseudo-)maximum likelihood of ``outcome`` on ``terms`` with year effects and, if
    ``province_fe``, province effects (as dummies); CR1 cluster-robust covariance by province with
    pyfixest's small-sample factor G/(G-1) (N-1)/(N-K), effects nested in the clusters counting as one parameter.
    """
    d = data.dropna(subset=list(terms)).copy()
    dropped: tuple[str, ...] = ()
    if province_fe:
        any_ = d.groupby("gso_code")[outcome].transform("sum") > 0
        dropped = tuple(sorted(d.loc[~any_, "province"].unique()))
        d = d[any_]
    d = d.sort_values(["gso_code", "year"]).reset_index(drop=True)
    dummies = [pd.get_dummies(d["year"], prefix="year", drop_first=True, dtype=float)]
    if province_fe:
        dummies.append(pd.get_dummies(d["gso_code"], prefix="prov", drop_first=True, dtype=float))
    X = pd.concat([d[list(terms)].astype(float), *dummies], axis=1)
    X.insert(0, "const", 1.0)
    y = d[outcome].to_numpy(dtype=float)
    fit = GLM(y, X, family=families.Poisson()).fit(tol=1e-13, maxiter=200)
    mu = np.asarray(fit.mu)
    Xa = X.to_numpy()
    bread = np.linalg.inv(Xa.T @ (mu[:, None] * Xa))
    scores = Xa * (y - mu)[:, None]
    groups = d["gso_code"].to_numpy()
    meat = sum(np.outer(s, s) for s in (scores[groups == g].sum(axis=0) for g in np.unique(groups)))
    n, g = len(y), len(np.unique(groups))
    k = Xa.shape[1] - int(X.columns.str.startswith("prov_").sum())  # effects nested in the clusters count once
    cov = bread @ meat @ bread * g / (g - 1) * (n - 1) / (n - k)  # CR1 (Cameron & Miller 2015, eq. 12)
    return FeFit(fit.params, cov, tuple(terms), n, dropped, X, mu)


@dataclass(frozen=True)
class FdiPanel:
    """The province x year FDI location panel and its fits."""

    data: pd.DataFrame
    within: dict[str, FeFit]  # outcome -> province and year effects, PCI of the year before
    pooled: FeFit  # projects on PCI and distances with year effects only (across provinces)
    coefficients: pd.DataFrame  # fit, outcome, term, coef, se_cluster, p, ci_low, ci_high
    leave_one_out: pd.DataFrame  # the within PCI coefficient without each of LEAVE_OUT
    counterfactual: dict  # Hà Nội's PCI at its neighbours' median: its share of new projects
    partial: pd.DataFrame  # the labelled partial year (2024 H1), shown, not fitted
    years: tuple[int, ...]


def _counterfactual(fit: FeFit, data: pd.DataFrame, year: int, new_value: float) -> dict:
    """Hà Nội's share of ``year``'s new projects if its lagged PCI were ``new_value``, others unchanged:
    s' = e^{b d} s / (1 - s + e^{b d} s) from the fitted shares, with a 95% interval by the delta method
    on logit(s') (clustered covariance), mapped back.
    """
    d = data.dropna(subset=list(fit.terms))
    d = d[~d["province"].isin(fit.dropped)].sort_values(["gso_code", "year"]).reset_index(drop=True)
    rows = (d["year"] == year).to_numpy()
    hanoi = int(np.flatnonzero(d.loc[rows, "gso_code"].to_numpy() == HANOI)[0])
    X = fit.X.to_numpy()[rows]
    k = list(fit.params.index).index("pci_lag")
    delta = new_value - X[hanoi, k]

    def after(beta: np.ndarray) -> float:
        v = np.exp(X @ beta - (X @ beta).max())
        s = v[hanoi] / v.sum()
        e = np.exp(beta[k] * delta)
        return float(np.log(e * s / (1 - s)))  # logit of s'

    beta = fit.params.to_numpy()
    v = np.exp(X @ beta - (X @ beta).max())
    s0 = float(v[hanoi] / v.sum())
    se = delta_se(shifted_share_logit_gradient(X, beta, hanoi, k, delta), fit.cov)
    lo, mid, hi = (1 / (1 + np.exp(-(after(beta) + z * se))) for z in (-Z95, 0.0, Z95))
    return {"year": year, "from": float(X[hanoi, k]), "to": float(new_value), "share_before": s0,
            "share_after": float(mid), "share_after_low": float(lo), "share_after_high": float(hi)}


def fdi_panel(flows: pd.DataFrame, codes: pd.DataFrame, pci: pd.DataFrame, centroids: pd.DataFrame,
              last_year: int) -> FdiPanel | None:
    """Fit the FDI location panel on the full FIA years published by ``last_year``; None when fewer
    than :data:`MIN_YEARS` full years have a lagged PCI (the memo then says what is missing).
    """
    data = panel(flows, codes, pci, centroids, last_year)
    usable = sorted(data.dropna(subset=["pci_lag"])["year"].unique())
    if len(usable) < MIN_YEARS:
        return None
    within = {o: poisson_fe(data, o, ("pci_lag",)) for o in OUTCOMES}
    pooled = poisson_fe(data, "new_projects", ("pci_lag", "dist_hanoi_100km", "dist_hcmc_100km"), province_fe=False)
    tabs = [fit.table().assign(fit="province and year effects (within)", outcome=o) for o, fit in within.items()]
    tabs.append(pooled.table().assign(fit="year effects only (across provinces)", outcome="new_projects"))
    coefficients = pd.concat(tabs, ignore_index=True)[["fit", "outcome", "term", "coef", "se_cluster", "p", "ci_low",
                                                         "ci_high"]]
    loo = [within["new_projects"].table().assign(fit="all provinces")]
    for code, name in LEAVE_OUT.items():
        loo.append(poisson_fe(data[data["gso_code"] != code], "new_projects", ("pci_lag",)).table()
                   .assign(fit=f"without {name}"))
    last = int(max(usable))
    neighbours = data[(data["year"] == last) & data["gso_code"].isin(NEIGHBOURS)]["pci_lag"]
    cf = _counterfactual(within["new_projects"], data, last, float(neighbours.median()))
    cf["neighbours"] = int(neighbours.notna().sum())
    partial = flows[(flows["year"] == PARTIAL_YEAR) & (last_year >= PARTIAL_YEAR)][
        ["year", "period", "gso_code", "province", "new_projects", "new_capital_musd"]]
    return FdiPanel(data, within, pooled, coefficients,
                    pd.concat(loo, ignore_index=True)[["fit", "term", "coef", "se_cluster", "p", "ci_low", "ci_high"]],
                    cf, partial.reset_index(drop=True), tuple(int(y) for y in usable))
