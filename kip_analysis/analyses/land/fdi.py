"""Real data: where did 2016's newly licensed FDI projects go? A conditional logit over the
63 provinces estimated through the Poisson equivalence (Guimarães, Figueiredo & Woodward
2003) on the GSO counts, with PCI 2016 sub-indices as province attributes.

May import: data.geography.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from kip_analysis.data.geography import HANOI

PCI_COVARIATES: tuple[str, ...] = ("land_access", "entry_costs", "time_costs", "labor_training", "transparency")


@dataclass(frozen=True)
class FdiLocation:
    """Conditional logit of 2016 FDI project locations via the Poisson equivalence."""

    data: pd.DataFrame  # province, projects, covariates, predicted share
    coefficients: pd.DataFrame  # term, coef, se (robust), z, p
    hanoi_share: float
    hanoi_predicted_share: float
    hanoi_share_plus_one: float  # Hanoi's predicted share if its land access rose by 1 point
    zero_filled: int  # provinces GSO does not list (or lists as "..") counted as zero projects
    fit: object


def fdi_location(fdi: pd.DataFrame, pci: pd.DataFrame, codes: pd.DataFrame,
                 covariates: tuple[str, ...] = PCI_COVARIATES, year: int = 2016) -> FdiLocation:
    """Poisson regression of newly licensed FDI projects on province attributes; with a constant
    it gives the conditional-logit coefficients (Guimarães, Figueiredo & Woodward 2003, eq. 8).
    """
    provinces = codes[codes["status"].str.startswith("one of the 63", na=False)][["gso_code", "province"]]
    counts = fdi[(fdi["geo_level"] == "province") & (fdi["basis"] == "licensed_in_year") & (fdi["year"] == year)]
    data = provinces.merge(counts[["gso_code", "projects"]], on="gso_code", how="left", validate="one_to_one")
    zero_filled = int(data["projects"].isna().sum())
    data["projects"] = data["projects"].fillna(0).astype(float)
    attrs = pci[(pci["year"] == year) & pci["subindex"].isin(covariates)].pivot_table(
        index="gso_code", columns="subindex", values="score", aggfunc="first")
    data = data.merge(attrs.reset_index(), on="gso_code", how="left", validate="one_to_one")
    missing = data[list(covariates)].isna().any(axis=1)
    if missing.any():
        raise ValueError(f"PCI {year} lacks {list(data.loc[missing, 'province'])} for {covariates}")
    X = sm.add_constant(data[list(covariates)])
    fit = sm.GLM(data["projects"], X, family=sm.families.Poisson()).fit(cov_type="HC0")
    coefs = pd.DataFrame({"term": fit.params.index, "coef": fit.params.to_numpy(), "se": fit.bse.to_numpy(),
                          "z": fit.tvalues.to_numpy(), "p": fit.pvalues.to_numpy()})
    data["predicted_share"] = fit.mu / fit.mu.sum()
    hanoi = data["gso_code"] == HANOI
    s = float(data.loc[hanoi, "predicted_share"].iloc[0])
    b = float(fit.params["land_access"]) if "land_access" in fit.params else 0.0
    plus_one = np.exp(b) * s / (1 - s + np.exp(b) * s)  # logit share after a one-point rise
    return FdiLocation(data, coefs, float(data.loc[hanoi, "projects"].iloc[0] / data["projects"].sum()), s,
                       float(plus_one), zero_filled, fit)
