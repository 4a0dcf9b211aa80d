"""Firm relocation out of Hà Nội on the firm panel.

May import: errors, data.geography, estimators.conditional_logit, estimators.did_types,
analyses.land.params.

Firm level (the SIMULATED panel, or a census extract): the destination choice of firms
  leaving Hanoi (conditional logit, statsmodels), the relocation hazard of Hanoi firms
  (discrete-time logit on firm-years), elasticities by sector, counterfactual lease
  subsidies with bands from the estimates' sampling distribution, and a calibration mode.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.optimize import brentq
from statsmodels.discrete.conditional_models import ConditionalLogit

from kip_analysis.analyses.land.params import DEFAULT_LEASE_RATIO, check_lease_ratio, check_subsidy_share
from kip_analysis.data.geography import HANOI
from kip_analysis.errors import ParameterError
from kip_analysis.estimators.conditional_logit import conditional_logit
from kip_analysis.estimators.did_types import Z95


# ---------------------------------------------------------------------------- firm level
def _standardise(x: pd.Series) -> pd.Series:
    """(x - mean) / sd."""
    return (x - x.mean()) / x.std(ddof=0)


def firm_years(panel: pd.DataFrame, lease_ratio: float) -> pd.DataFrame:
    """Hanoi firm-years at risk of relocating (in Hanoi at the start of the year, from 2012),
    with the hazard's regressors.
    """
    df = panel.sort_values(["firm_id", "year"]).copy()
    df["log_revenue"] = np.log(df["revenue_vnd_bn"])
    land_int = df.groupby("firm_id")["land_m2"].first() / df.groupby("firm_id")["revenue_vnd_bn"].first()
    df["land_rel"] = df["firm_id"].map(land_int / land_int.mean())  # relative to the average firm
    df["lag_log_revenue"] = df.groupby("firm_id")["log_revenue"].shift(1)
    df["size_z"] = df.groupby("year")["lag_log_revenue"].transform(_standardise)
    df["prev_province"] = df.groupby("firm_id")["province"].shift(1)
    risk = df[(df["prev_province"] == HANOI) & (df["year"] >= 2012)].copy()
    risk["lease_x_land"] = (lease_ratio - 1) * risk["land_rel"]
    return risk


@dataclass(frozen=True)
class Hazard:
    """Discrete-time logit of relocation out of Hanoi."""

    coefficients: pd.DataFrame
    fit: object
    data: pd.DataFrame
    lease_ratio: float

    @property
    def beta_lease(self) -> float:
        """Coefficient on (lease ratio - 1) x relative land intensity."""
        return float(self.fit.params["lease_x_land"])


HAZARD_TERMS: tuple[str, ...] = ("lease_x_land", "kip_in_force", "size_z")


def relocation_hazard(panel: pd.DataFrame, lease_ratio: float = DEFAULT_LEASE_RATIO) -> Hazard:
    """Logit of relocating in year t on (lease ratio - 1) x land intensity, KIP recognition in
    force and size, standard errors clustered by firm. A regressor under which no firm-year
    relocates (perfect separation, e.g. recognition in force in a small panel) is dropped and
    reported in ``attrs["dropped"]`` rather than given an infinite coefficient.
    """
    check_lease_ratio(lease_ratio)
    if lease_ratio == 1:
        raise ParameterError("lease_ratio=1 leaves no differential: the lease effect is not identified")
    risk = firm_years(panel, lease_ratio).dropna(subset=list(HAZARD_TERMS))
    terms, dropped = list(HAZARD_TERMS), []
    if risk.loc[risk["kip_in_force"] == 1, "relocated"].sum() == 0:
        terms.remove("kip_in_force")
        dropped.append(f"kip_in_force: no relocation in {int((risk['kip_in_force'] == 1).sum())} firm-years "
                       "with recognition in force (separation); its effect is not estimable here")
    X = sm.add_constant(risk[terms].astype(float))
    codes = pd.factorize(risk["firm_id"])[0]
    fit = sm.Logit(risk["relocated"].astype(float), X).fit(disp=False, cov_type="cluster",
                                                           cov_kwds={"groups": codes})
    coefs = pd.DataFrame({"term": fit.params.index, "coef": fit.params.to_numpy(), "se": fit.bse.to_numpy()})
    coefs.attrs["dropped"] = dropped
    return Hazard(coefs, fit, risk, lease_ratio)


def destination_choice(panel: pd.DataFrame,
                       neighbours: pd.DataFrame) -> tuple[pd.DataFrame, object, pd.DataFrame]:
    """Conditional logit (statsmodels) of where firms leaving Hanoi go, over the neighbours:
    lease index x land intensity, lease index and PCI land access (``neighbours`` from
    :func:`kip_analysis.data.geography.neighbour_attributes`).
    """
    risk = firm_years(panel, DEFAULT_LEASE_RATIO)
    movers = risk[risk["relocated"] == 1]
    long = movers[["firm_id", "land_rel", "province"]].merge(
        neighbours[["province", "lease_index", "land_access"]].rename(columns={"province": "alternative"}),
        how="cross")
    long["chosen"] = (long["province"] == long["alternative"]).astype(int)
    long["lease_x_land"] = long["lease_index"] * long["land_rel"]
    terms = ["lease_x_land", "lease_index", "land_access"]
    fit = ConditionalLogit(long["chosen"], long[terms], groups=pd.factorize(long["firm_id"])[0]).fit(disp=False)
    coefs = pd.DataFrame({"term": terms, "coef": fit.params.to_numpy(), "se": fit.bse.to_numpy()})
    return coefs, fit, long


def hazard_probability(hazard: Hazard, data: pd.DataFrame, lease_ratio: float,
                       params: np.ndarray | None = None) -> np.ndarray:
    """Predicted relocation probabilities at ``lease_ratio``; ``params`` (draws, k) for bands."""
    p = np.atleast_2d(hazard.fit.params.to_numpy() if params is None else params)
    columns = {"const": np.ones(len(data)), "lease_x_land": (lease_ratio - 1) * data["land_rel"].to_numpy(),
               "kip_in_force": data["kip_in_force"].to_numpy(), "size_z": data["size_z"].to_numpy()}
    X = np.column_stack([columns[name] for name in hazard.fit.params.index])
    return 1 / (1 + np.exp(-(X @ p.T)))  # (rows, draws)


def elasticities(hazard: Hazard, year: int | None = None) -> pd.DataFrame:
    """Elasticity of the relocation probability to the lease ratio, by sector:
    d ln P / d ln R = beta x land_rel x R x (1 - P), averaged over the sector's firm-years.
    """
    data = hazard.data if year is None else hazard.data[hazard.data["year"] == year]
    prob = hazard_probability(hazard, data, hazard.lease_ratio)[:, 0]
    eps = hazard.beta_lease * data["land_rel"].to_numpy() * hazard.lease_ratio * (1 - prob)
    out = pd.DataFrame({"sector": data["sector"].to_numpy(), "elasticity": eps, "probability": prob})
    return out.groupby("sector").agg(elasticity=("elasticity", "mean"), relocation_rate=("probability", "mean"),
                                     firm_years=("elasticity", "size")).reset_index()


def mean_elasticity(hazard: Hazard, data: pd.DataFrame, params: np.ndarray) -> np.ndarray:
    """Mean over ``data`` of d ln P / d ln R = beta x land_rel x R x (1 - P), for each row of
    ``params`` (draws x k) of the hazard's coefficients.
    """
    params = np.atleast_2d(params)
    prob = hazard_probability(hazard, data, hazard.lease_ratio, params)  # rows x draws
    k = list(hazard.fit.params.index).index("lease_x_land")
    land = data["land_rel"].to_numpy()[:, None]
    return (params[:, k][None, :] * land * hazard.lease_ratio * (1 - prob)).mean(axis=0)


def elasticity_curve(panel: pd.DataFrame, ratios: np.ndarray, year: int, n_draws: int = 1000,
                     seed: int = 5) -> pd.DataFrame:
    """How the estimated elasticity depends on the lease ratio R assumed in the regressor
    (R - 1) x land intensity: at each R the hazard is re-estimated and the mean elasticity for
    the firm-years at risk in ``year`` is reported with two 95% intervals, the delta method
    (numerical gradient, clustered covariance) and simulation from N(beta, V). Because the
    coefficient scales as 1 / (R - 1), the curve shows how much of the answer is the assumption.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for ratio in ratios:
        hz = relocation_hazard(panel, float(ratio))
        data = hz.data[hz.data["year"] == year]
        beta, cov = hz.fit.params.to_numpy(), np.asarray(hz.fit.cov_params())
        est = float(mean_elasticity(hz, data, beta)[0])
        steps = 1e-6 * np.eye(len(beta))
        grad = np.array([(mean_elasticity(hz, data, beta + steps[j])[0] - mean_elasticity(hz, data, beta - steps[j])[0])
                         / 2e-6 for j in range(len(beta))])
        se = float(np.sqrt(grad @ cov @ grad))  # delta method
        sims = mean_elasticity(hz, data, rng.multivariate_normal(beta, cov, n_draws))
        rows.append({"lease_ratio": float(ratio), "coef_lease_x_land": float(hz.beta_lease), "elasticity": est,
                     "delta_low": est - Z95 * se, "delta_high": est + Z95 * se,
                     "sim_low": float(np.quantile(sims, 0.025)), "sim_high": float(np.quantile(sims, 0.975))})
    return pd.DataFrame(rows)


def subsidy_counterfactual(hazard: Hazard, lease_ratio: float, shares_grid: np.ndarray, year: int,
                           production_value: float, city_exports_usd_m: float, n_draws: int = 500,
                           seed: int = 4) -> pd.DataFrame:
    """Subsidy closing a share s of the lease gap: R_s = 1 + (1 - s)(R - 1). For Hanoi firms at
    risk in ``year``: expected relocations, those avoided against no subsidy, KIP products'
    revenue and exports kept, and the KIP output / export share points kept; median and 90%
    bands over draws of the hazard's coefficients from N(beta, V).
    """
    check_lease_ratio(lease_ratio)
    data = hazard.data[hazard.data["year"] == year]
    if data.empty:
        raise ValueError(f"no Hanoi firms at risk in {year}")
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(hazard.fit.params.to_numpy(), np.asarray(hazard.fit.cov_params()), n_draws)
    kip = data["kip_round"].between(year - 2, year).to_numpy()
    product_rev = data["product_revenue_vnd_bn"].fillna(0).to_numpy() * kip
    product_exp = (data["exports_usd_m"] * data["product_revenue_vnd_bn"].fillna(0) / data["revenue_vnd_bn"]
                   ).to_numpy() * kip
    base = hazard_probability(hazard, data, lease_ratio, draws)
    rows = []
    for s in shares_grid:
        check_subsidy_share(float(s))
        ratio = 1 + (1 - s) * (lease_ratio - 1)
        prob = hazard_probability(hazard, data, ratio, draws)
        avoided = (base - prob).sum(axis=0)
        rev_kept = ((base - prob) * product_rev[:, None]).sum(axis=0)
        exp_kept = ((base - prob) * product_exp[:, None]).sum(axis=0)
        for name, values in (("relocations", prob.sum(axis=0)), ("relocations_avoided", avoided),
                             ("kip_revenue_kept_vnd_bn", rev_kept), ("kip_exports_kept_usd_m", exp_kept),
                             ("output_share_points_kept", 100 * rev_kept / production_value),
                             ("export_share_points_kept", 100 * exp_kept / city_exports_usd_m)):
            q = np.percentile(values, [5, 50, 95])
            rows.append({"subsidy_share": float(s), "lease_ratio_after": ratio, "quantity": name,
                         "q05": q[0], "median": q[1], "q95": q[2]})
    return pd.DataFrame(rows)


def subsidy_cost(data: pd.DataFrame, subsidy_share: float, lease_ratio: float, neighbour_rent_usd_m2: float,
                 vnd_per_usd: float, lease_term_years: float = 50.0) -> float:
    """Yearly cost (VND bn) of paying ``subsidy_share`` of the rent gap on the land of the Hanoi
    firms in ``data``: rent per lease term annualised over ``lease_term_years`` (an assumption).
    """
    gap_per_m2_year = (lease_ratio - 1) * neighbour_rent_usd_m2 / lease_term_years
    return float(subsidy_share * gap_per_m2_year * data["land_m2"].fillna(0).sum() * vnd_per_usd / 1e9)


def cost_per_output_kept(data: pd.DataFrame, kept: pd.DataFrame, subsidy_share: float, lease_ratios: tuple,
                         neighbour_rents: tuple, lease_terms: tuple, vnd_per_usd: float) -> pd.DataFrame:
    """Yearly subsidy cost and cost per VND of KIP revenue kept in Hanoi, over every combination of
    the assumptions that drive it: the lease ratio R, the neighbours' rent (USD per m2 per term)
    and the lease term the rent is spread over (years); the revenue kept is the median and 5-95%
    band of ``kept`` (rows of :func:`subsidy_counterfactual` for ``subsidy_share``). Revenue
    kept in Hanoi is not kept in the region: every relocation in the choice set goes to a
    neighbour, so for the region the subsidy is a transfer between provinces.
    """
    row = kept[(np.isclose(kept["subsidy_share"], subsidy_share)) & (kept["quantity"] == "kip_revenue_kept_vnd_bn")]
    if row.empty:
        raise ValueError(f"no revenue-kept row for subsidy_share={subsidy_share}")
    rev = row.iloc[0]
    rows = []
    for ratio in lease_ratios:
        for rent in neighbour_rents:
            for term in lease_terms:
                cost = subsidy_cost(data, subsidy_share, float(ratio), float(rent), vnd_per_usd, float(term))
                rows.append({"lease_ratio": float(ratio), "neighbour_rent_usd_m2": float(rent),
                             "lease_term_years": float(term), "yearly_cost_vnd_bn": cost,
                             "cost_per_vnd_kept_median": cost / rev["median"] if rev["median"] > 0 else np.nan,
                             "cost_per_vnd_kept_low": cost / rev["q95"] if rev["q95"] > 0 else np.nan,
                             "cost_per_vnd_kept_high": cost / rev["q05"] if rev["q05"] > 0 else np.inf})
    return pd.DataFrame(rows)


def calibrate_lease_coefficient(land_rel: np.ndarray, lease_ratio: float, target_rate: float,
                                intercept: float) -> float:
    """Lease coefficient beta such that mean Lambda(intercept + beta (R - 1) land_rel) equals a
    stated yearly relocation rate, when only aggregate data exist.

    Raises
    ------
    ParameterError
        If no coefficient in [-20, 20] matches the rate.
    """
    if not 0 < target_rate < 1:
        raise ParameterError(f"target_rate={target_rate}: expected a yearly rate between 0 and 1")
    x = (lease_ratio - 1) * np.asarray(land_rel)

    def gap(beta: float) -> float:
        return float(np.mean(1 / (1 + np.exp(-(intercept + beta * x))))) - target_rate

    if gap(-20) * gap(20) > 0:
        raise ParameterError(f"no lease coefficient in [-20, 20] gives a relocation rate of {target_rate}")
    return float(brentq(gap, -20, 20, xtol=1e-10))


def kip_exit_rate(hazard: Hazard, year: int, lease_ratio: float | None = None) -> float:
    """Yearly share of recognised products' revenue that the hazard predicts will leave Hanoi:
    sum of P(relocate) x product revenue over firms with recognition in force in ``year``,
    divided by their product revenue. Feeds the targets forecast's ``exit_rate`` lever.
    """
    data = hazard.data[(hazard.data["year"] == year) & (hazard.data["kip_in_force"] == 1)]
    if data.empty:
        raise ValueError(f"no recognised firms at risk in {year}")
    prob = hazard_probability(hazard, data, hazard.lease_ratio if lease_ratio is None else lease_ratio)[:, 0]
    revenue = data["product_revenue_vnd_bn"].fillna(0).to_numpy()
    return float(prob @ revenue / revenue.sum())


# ---------------------------------------------------------------------------- location choice (Hanoi + neighbours)
CHOICE_TERMS: tuple[str, ...] = ("hanoi", "lease_x_land", "land_access", "kip_x_hanoi", "size_x_hanoi")


@dataclass(frozen=True)
class LocationChoice:
    """Conditional logit (McFadden 1974) of each Hanoi firm-year's location over Hanoi and the
    neighbours; coefficients with standard errors clustered by firm.
    """

    coefficients: pd.DataFrame  # term, coef, se
    X: np.ndarray  # occasions x alternatives x terms
    chosen: np.ndarray  # index of the chosen alternative per occasion
    firms: np.ndarray
    alternatives: tuple[str, ...]


def choice_design(risk: pd.DataFrame, neighbours: pd.DataFrame, hanoi_access: float,
                  lease_ratio: float) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Design array (occasions x alternatives x CHOICE_TERMS) and the chosen alternative."""
    codes = (HANOI, *neighbours["province"])
    lease = np.concatenate([[lease_ratio], neighbours["lease_index"].to_numpy()])
    access = np.concatenate([[hanoi_access], neighbours["land_access"].to_numpy()])
    k, m = len(risk), len(codes)
    X = np.zeros((k, m, len(CHOICE_TERMS)))
    X[:, 0, 0] = 1.0
    X[:, :, 1] = lease[None, :] * risk["land_rel"].to_numpy()[:, None]
    X[:, :, 2] = access[None, :]
    X[:, 0, 3] = risk["kip_in_force"].to_numpy()
    X[:, 0, 4] = risk["size_z"].to_numpy()
    where = {c: i for i, c in enumerate(codes)}
    chosen = np.where(risk["relocated"].to_numpy() == 1, risk["province"].map(where).to_numpy(), 0)
    if np.isnan(chosen.astype(float)).any():
        raise ValueError("a relocation went to a province outside the choice set")
    return X, chosen.astype(int), codes


def location_choice(panel: pd.DataFrame, neighbours: pd.DataFrame, hanoi_access: float,
                    lease_ratio: float = DEFAULT_LEASE_RATIO) -> LocationChoice:
    """Conditional logit of where each Hanoi firm is each year (stay or move to a neighbour):
    lease index x land intensity, PCI land access, KIP support and size in Hanoi, and a Hanoi
    constant; standard errors clustered by firm (sandwich on the per-firm scores). Estimated
    with our vectorised Newton MLE, checked against statsmodels' ConditionalLogit
    (tests/test_land.py).
    """
    check_lease_ratio(lease_ratio)
    risk = firm_years(panel, lease_ratio).dropna(subset=["size_z"])
    X, chosen, codes = choice_design(risk, neighbours, hanoi_access, lease_ratio)
    terms, dropped = list(CHOICE_TERMS), []
    kip = risk["kip_in_force"].to_numpy() == 1
    if not (chosen[kip] > 0).any():  # no recognised firm moved: KIP x Hanoi is not identified (separation)
        X = np.delete(X, CHOICE_TERMS.index("kip_x_hanoi"), axis=2)
        terms.remove("kip_x_hanoi")
        dropped.append(f"kip_x_hanoi: none of {int(kip.sum())} firm-years with recognition in force chose to "
                       "move (separation); its effect is not estimable here")
    fit = conditional_logit(X, chosen, clusters=risk["firm_id"].to_numpy())
    coefs = pd.DataFrame({"term": terms, "coef": fit.params, "se": fit.se})
    coefs.attrs["dropped"] = dropped
    return LocationChoice(coefs, X, chosen, risk["firm_id"].to_numpy(), codes)
