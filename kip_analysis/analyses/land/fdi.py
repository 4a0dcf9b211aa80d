"""Real data: where did 2016's newly licensed FDI projects go? A conditional logit over the
63 provinces estimated through the Poisson equivalence (Guimarães, Figueiredo & Woodward
2003) on the GSO counts, with PCI 2016 sub-indices, distance to Hà Nội and to Ho Chi Minh
City (geoBoundaries centroids) and household income per capita (GSO VHLSS 2016) as
province attributes.

Standard errors are HC3 (:func:`kip_analysis.estimators.sandwich.poisson_hc`): there are 63
observations, one per province, and no grouping with enough clusters for cluster-robust
errors (six regions), so the small-sample heteroskedasticity-robust HC3 is the honest choice;
HC0 (the earlier choice) understates uncertainty with 63 observations. Leave-one-out fits drop
Hà Nội, Ho Chi Minh City and Bình Dương in turn (together about half of all projects).

May import: data.geography, data.locations, estimators.delta, estimators.sandwich,
estimators.did_types.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.tools import add_constant

from kip_analysis.data.geography import HANOI, NEIGHBOURS
from kip_analysis.data.locations import haversine_km
from kip_analysis.estimators.delta import delta_se, shifted_share_logit_gradient
from kip_analysis.estimators.did_types import Z95
from kip_analysis.estimators.sandwich import poisson_hc

PCI_COVARIATES: tuple[str, ...] = ("land_access", "entry_costs", "time_costs", "labor_training", "transparency")
GEO_COVARIATES: tuple[str, ...] = ("dist_hanoi_100km", "dist_hcmc_100km", "log_income_pc")
HCMC, BINH_DUONG = "79", "74"
#: Provinces dropped one at a time in the leave-one-out fits.
LEAVE_OUT: dict[str, str] = {HANOI: "Hà Nội", HCMC: "Ho Chi Minh City", BINH_DUONG: "Bình Dương"}
def pci_attributes(pci: pd.DataFrame, year: int = 2016) -> pd.DataFrame:
    """One row per province: its PCI sub-indices (:data:`PCI_COVARIATES`) of ``year``."""
    return pci[(pci["year"] == year) & pci["subindex"].isin(PCI_COVARIATES)].pivot_table(
        index="gso_code", columns="subindex", values="score", aggfunc="first").reset_index()


def distances(centroids: pd.DataFrame) -> pd.DataFrame:
    """One row per province: centroid-to-centroid distance to Hà Nội and to Ho Chi Minh City (100 km)."""
    c = centroids.set_index("gso_code")
    geo = pd.DataFrame({"gso_code": c.index})
    for name, code in (("dist_hanoi_100km", HANOI), ("dist_hcmc_100km", HCMC)):
        geo[name] = haversine_km(c["centroid_lat"].to_numpy(), c["centroid_lon"].to_numpy(),
                                 float(c.loc[code, "centroid_lat"]), float(c.loc[code, "centroid_lon"])) / 100
    return geo


def province_attributes(pci: pd.DataFrame, centroids: pd.DataFrame, income: pd.DataFrame,
                        year: int = 2016) -> pd.DataFrame:
    """One row per province: PCI sub-indices of ``year``, distances to Hà Nội and Ho Chi Minh
    City (centroid to centroid, 100 km) and log monthly income per capita (thousand VND).
    """
    attrs = pci_attributes(pci, year)
    geo = distances(centroids)
    inc = income[(income["geo_level"] == "province") & (income["year"] == year) & (income["income_source"] == "Total")]
    geo = geo.merge(inc[["gso_code", "income_thousand_vnd_per_month"]], on="gso_code", how="left")
    geo["log_income_pc"] = np.log(geo.pop("income_thousand_vnd_per_month"))
    return attrs.merge(geo, on="gso_code", how="outer")


@dataclass(frozen=True)
class PoissonFit:
    """A Poisson (= conditional logit) fit with HC3 standard errors."""

    params: pd.Series
    cov: np.ndarray
    mu: np.ndarray

    @property
    def se(self) -> pd.Series:
        """HC3 standard errors."""
        return pd.Series(np.sqrt(np.diag(self.cov)), index=self.params.index)

    def table(self) -> pd.DataFrame:
        """Every coefficient with its HC3 SE, z, p and 95% interval."""
        z = self.params / self.se
        return pd.DataFrame({"term": self.params.index, "coef": self.params.to_numpy(), "se_hc3": self.se.to_numpy(),
                             "z": z.to_numpy(), "p": 2 * norm.sf(np.abs(z.to_numpy())),
                             "ci_low": (self.params - Z95 * self.se).to_numpy(),
                             "ci_high": (self.params + Z95 * self.se).to_numpy()})


def poisson_fit(data: pd.DataFrame, covariates: tuple[str, ...]) -> PoissonFit:
    """Poisson regression of projects on a constant and ``covariates``, HC3 covariance."""
    X = add_constant(data[list(covariates)].astype(float))
    fit = GLM(data["projects"].astype(float), X, family=families.Poisson()).fit()
    cov = poisson_hc(X.to_numpy(), data["projects"].to_numpy(dtype=float), fit.mu, "HC3")
    return PoissonFit(fit.params, cov, np.asarray(fit.mu))


@dataclass(frozen=True)
class FdiLocation:
    """Conditional logit of 2016 FDI project locations via the Poisson equivalence."""

    data: pd.DataFrame  # province, projects, covariates, predicted share
    coefficients: pd.DataFrame  # term, coef, se_hc3, z, p, ci_low, ci_high
    leave_one_out: pd.DataFrame  # term x fit (all / without each of LEAVE_OUT): coef, se, p
    hanoi_share: float
    hanoi_predicted_share: float
    counterfactual: dict  # Hanoi land access raised to the neighbours' median: share and interval
    zero_filled: int  # provinces GSO does not list (or lists as "..") counted as zero projects
    fit: PoissonFit
    covariates: tuple[str, ...]


def _counterfactual(data: pd.DataFrame, fit: PoissonFit, covariates: tuple[str, ...], new_value: float,
                    seed: int = 2016) -> dict:
    """Hanoi's predicted share when its land access is set to ``new_value``, others unchanged:
    s' = e^{b d} s / (1 - s + e^{b d} s) (conditional logit), with a 95% interval by the delta
    method on logit(s') (its analytic gradient in all coefficients, HC3 covariance), mapped back,
    and, for comparison, the 2.5-97.5% range of s' over 4,000 draws from N(beta, V_HC3) (seeded).
    """
    X = add_constant(data[list(covariates)].astype(float)).to_numpy()
    hanoi = int(np.flatnonzero(data["gso_code"].to_numpy() == HANOI)[0])
    k = list(fit.params.index).index("land_access")
    delta = new_value - X[hanoi, k]

    def shares(beta: np.ndarray) -> tuple[float, float]:
        v = np.exp(X @ beta)
        s = v[hanoi] / v.sum()
        e = np.exp(beta[k] * delta)
        return s, e * s / (1 - s + e * s)

    def logit_after(beta: np.ndarray) -> float:
        after = shares(beta)[1]
        return float(np.log(after / (1 - after)))

    beta = fit.params.to_numpy()
    s0, s1 = shares(beta)
    # delta method on the logit of the share, kept inside (0, 1)
    se = delta_se(shifted_share_logit_gradient(X, beta, hanoi, k, delta), fit.cov)
    low, high = (1 / (1 + np.exp(-(logit_after(beta) + z * se))) for z in (-Z95, Z95))
    draws = np.random.default_rng(seed).multivariate_normal(beta, fit.cov, 4000)  # simulation, for comparison
    sims = np.array([shares(b)[1] for b in draws])
    return {"from": float(X[hanoi, k]), "to": float(new_value), "share_before": float(s0), "share_after": float(s1),
            "share_after_low": float(low), "share_after_high": float(high), "se_logit": se,
            "sim_low": float(np.quantile(sims, 0.025)), "sim_high": float(np.quantile(sims, 0.975))}


def fdi_location(fdi: pd.DataFrame, pci: pd.DataFrame, codes: pd.DataFrame, centroids: pd.DataFrame | None = None,
                 income: pd.DataFrame | None = None, covariates: tuple[str, ...] | None = None,
                 year: int = 2016) -> FdiLocation:
    """Poisson regression of newly licensed FDI projects on province attributes; with a constant
    it gives the conditional-logit coefficients (Guimarães, Figueiredo & Woodward 2003, eq. 8).
    Without ``centroids`` and ``income`` only the PCI sub-indices enter.
    """
    if covariates is None:
        covariates = PCI_COVARIATES + (GEO_COVARIATES if centroids is not None and income is not None else ())
    provinces = codes[codes["status"].str.startswith("one of the 63", na=False)][["gso_code", "province"]]
    counts = fdi[(fdi["geo_level"] == "province") & (fdi["basis"] == "licensed_in_year") & (fdi["year"] == year)]
    data = provinces.merge(counts[["gso_code", "projects"]], on="gso_code", how="left", validate="one_to_one")
    zero_filled = int(data["projects"].isna().sum())
    data["projects"] = data["projects"].fillna(0).astype(float)
    attrs = (province_attributes(pci, centroids, income, year) if centroids is not None and income is not None
             else pci_attributes(pci, year))
    data = data.merge(attrs, on="gso_code", how="left", validate="one_to_one")
    missing = data[list(covariates)].isna().any(axis=1)
    if missing.any():
        raise ValueError(f"{year} attributes lack {list(data.loc[missing, 'province'])} for {covariates}")
    fit = poisson_fit(data, covariates)
    data["predicted_share"] = fit.mu / fit.mu.sum()
    hanoi = data["gso_code"] == HANOI
    rows = [fit.table().assign(fit="all 63 provinces")]
    for code, name in LEAVE_OUT.items():
        rows.append(poisson_fit(data[data["gso_code"] != code], covariates).table().assign(fit=f"without {name}"))
    loo = pd.concat(rows, ignore_index=True)[["fit", "term", "coef", "se_hc3", "p", "ci_low", "ci_high"]]
    neighbours = data[data["gso_code"].isin(NEIGHBOURS)]["land_access"]
    cf = _counterfactual(data, fit, covariates, float(neighbours.median()))
    cf["neighbours"] = len(neighbours)
    return FdiLocation(data, fit.table(), loo, float(data.loc[hanoi, "projects"].iloc[0] / data["projects"].sum()),
                       float(data.loc[hanoi, "predicted_share"].iloc[0]), cf, zero_filled, fit, tuple(covariates))


def pci_view(composite: pd.DataFrame, partial: pd.DataFrame,
             last_year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hà Nội's PCI composite 2016-2022 against its neighbours (score and rank among the 63), and
    the land-access sub-index of Hà Nội and its neighbours after 2016 where the partial table
    has it (Hà Nội: 2019 and 2021 only), each row with its page. ``last_year``: the latest PCI
    year a real-time memo may use (PCI year Y is published in the spring of Y + 1).
    """
    if last_year is not None:
        composite = composite[composite["year"] <= last_year]
        partial = partial[partial["year"] <= last_year]
    c = composite.copy()
    c["rank"] = c.groupby("year")["pci_composite"].rank(ascending=False, method="min").astype(int)
    keep = c[c["gso_code"].isin([HANOI, *NEIGHBOURS])]
    wide = keep.pivot_table(index="year", columns="province", values="pci_composite").round(2)
    ranks = keep[keep["gso_code"] == HANOI].set_index("year")["rank"]
    wide.insert(0, "Hà Nội rank (of 63)", ranks)
    neighbour_median = keep[keep["gso_code"] != HANOI].groupby("year")["pci_composite"].median()
    wide.insert(1, "neighbours' median", neighbour_median.round(2))
    land = partial[(partial["subindex"] == "land_access") & partial["gso_code"].isin([HANOI, *NEIGHBOURS])]
    land = land[["province", "year", "score", "source_kind", "source_url"]].sort_values(["year", "province"])
    return wide.reset_index(), land.reset_index(drop=True)


def significance(p: float) -> str:
    """Plain words for a p-value."""
    if p < 0.01:
        return "significant at 1%"
    if p < 0.05:
        return "significant at 5%"
    if p < 0.10:
        return "significant only at 10%"
    return "not statistically significant"
