"""Where Hanoi firms locate each year: a conditional logit over Hà Nội and its neighbours on the
year's lease and wage indices, elasticities with intervals, and lease-subsidy counterfactuals.

May import: errors, data.geography, data.locations, estimators.conditional_logit,
estimators.delta, estimators.did_types, memory, analyses.land.params.

Firm level (the SIMULATED panel, or a census extract through the same schema). Each firm-year in
Hà Nội at the start of the year is a choice occasion over the places of
:func:`kip_analysis.data.locations.choice_attributes`. The lease index enters as data: Hà Nội's
is the sourced lease ratio R_t of that year, so no ratio is assumed in the estimation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from kip_analysis.analyses.land.params import check_subsidy_share
from kip_analysis.data.geography import HANOI
from kip_analysis.data.locations import CHOICE_YEARS, attribute_arrays
from kip_analysis.errors import NotEstimableError, ParameterError
from kip_analysis.estimators.conditional_logit import ConditionalLogitFit, conditional_logit
from kip_analysis.estimators.delta import delta_se
from kip_analysis.estimators.did_types import Z95
from kip_analysis.memory import shared

#: Slopes of the location choice (place constants come first, named asc_<place>).
SLOPES: tuple[str, ...] = ("lease_x_land", "wage_x_labour", "dist_x_size", "kip_x_hanoi", "size_x_hanoi")


def _relative_first(df: pd.DataFrame, column: str) -> pd.Series:
    """A firm's ``column`` / revenue in its first row, relative to the mean firm's."""
    first = df.groupby("firm_id").first()
    ratio = first[column] / first["revenue_vnd_bn"]
    return df["firm_id"].map(ratio / ratio.mean())


def firm_years(panel: pd.DataFrame, last_year: int | None = None) -> pd.DataFrame:
    """Firm-years in Hà Nội at the start of the year (choice occasions, from 2012 to ``last_year``),
    with land and labour intensity relative to the average firm (first observed year) and size
    (last year's log revenue standardised among the firms observed both years).
    """
    df = panel.sort_values(["firm_id", "year"]).copy()
    df["land_rel"] = _relative_first(df, "land_m2")
    df["labour_rel"] = _relative_first(df, "employment")
    df["lag_log_revenue"] = df.groupby("firm_id")["revenue_vnd_bn"].shift(1).pipe(np.log)
    df["size_z"] = df.groupby("year")["lag_log_revenue"].transform(lambda x: (x - x.mean()) / x.std(ddof=0))
    df["prev_province"] = df.groupby("firm_id")["province"].shift(1)
    risk = df[(df["prev_province"] == HANOI) & (df["year"] >= CHOICE_YEARS[0])]
    return risk[risk["year"] <= (last_year or risk["year"].max())].reset_index(drop=True)


@dataclass(frozen=True)
class LocationChoice:
    """A fitted location choice: coefficients with firm-clustered standard errors, its design."""

    coefficients: pd.DataFrame  # term, coef, se, ci_low, ci_high
    params: np.ndarray
    vcov: np.ndarray
    terms: tuple[str, ...]
    X: np.ndarray  # occasions x places x terms
    chosen: np.ndarray
    data: pd.DataFrame  # the occasions (firm_years rows)
    places: tuple[str, ...]
    reference: str
    time_only: bool

    def term(self, name: str) -> int:
        """Column of ``name`` in the design."""
        return self.terms.index(name)


def choice_design(risk: pd.DataFrame, a: dict[str, np.ndarray], time_only: bool = False, occupancy: bool = False
                  ) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...], str]:
    """Design (occasions x places x terms), the chosen place, the terms, places and reference place,
    from the places' attributes by year ``a`` (:func:`kip_analysis.data.locations.attribute_arrays`
    from the first choice year on).

    Constants for Hà Nội and every neighbour but the first (the reference), then :data:`SLOPES`;
    with ``time_only`` also place x land intensity, so the lease coefficient is identified only
    by changes in each place's lease index over time; with ``occupancy`` also ln(1 - occupancy / 100),
    the log of the vacant share of the place's industrial parks (a full park cannot take a mover).
    """
    places = tuple(a["places"])
    reference = places[1]
    others = [p for p in places if p != reference]
    terms = tuple(f"asc_{'hanoi' if p == HANOI else p}" for p in others) + SLOPES + (
        tuple(f"land_x_{'hanoi' if p == HANOI else p}" for p in others) if time_only else ()) + (
        ("log_vacancy",) if occupancy else ())
    t = risk["year"].to_numpy() - CHOICE_YEARS[0]
    land, labour, size = (risk[c].to_numpy() for c in ("land_rel", "labour_rel", "size_z"))
    X = np.zeros((len(risk), len(places), len(terms)))
    for j, place in enumerate(places):
        if place != reference:
            X[:, j, others.index(place)] = 1.0
            if time_only:
                X[:, j, len(others) + len(SLOPES) + others.index(place)] = land
    k = len(others)
    X[:, :, k] = a["lease"][t] * land[:, None]
    X[:, :, k + 1] = a["wage"][t] * labour[:, None]
    X[:, :, k + 2] = a["dist"][None, :] * size[:, None]
    X[:, 0, k + 3] = risk["kip_in_force"].to_numpy()
    X[:, 0, k + 4] = size
    if occupancy:
        X[:, :, -1] = np.log(1 - a["occupancy"][t] / 100)
    where = {p: j for j, p in enumerate(places)}
    chosen = risk["province"].map(where)
    if chosen.isna().any():
        out = risk[chosen.isna()]
        shown = "; ".join(f"firm {r.firm_id} to {r.province} in {r.year}" for r in out.head(5).itertuples())
        raise ParameterError(f"{len(out)} moves leave the choice set ({', '.join(places)}, the places with a "
                             f"like-for-like rent and a minimum-wage region): {shown}"
                             + (f" and {len(out) - 5} more" if len(out) > 5 else "")
                             + "; give those provinces a rent and a wage region, or drop these firm-years")
    return X, chosen.to_numpy().astype(int), terms, places, reference


def location_choice(panel: pd.DataFrame, attrs: pd.DataFrame, last_year: int | None = None,
                    time_only: bool = False, occupancy: bool = False, *,
                    risk: pd.DataFrame | None = None) -> LocationChoice:
    """Conditional logit (McFadden 1974) of each Hanoi firm-year's place, standard errors
    clustered by firm. Firm-years without last year's revenue (entrants) or without land or
    employment are left out and counted in ``coefficients.attrs["dropped"]``; so is a term that
    no choice can identify: recognition when no recognised firm moved (separation),
    and in ``time_only`` the lease term when no place's lease index changed over the years used. With
    ``occupancy``, only the years where every place has an occupancy figure enter (the rest counted).
    ``risk``: :func:`firm_years` of ``panel`` to ``last_year``, when the caller already has it.
    """
    risk = firm_years(panel, last_year) if risk is None else risk
    usable = risk[["size_z", "land_rel", "labour_rel"]].replace([np.inf, -np.inf], np.nan).notna().all(axis=1)
    dropped = [f"{int((~usable).sum())} of {len(risk)} firm-years left out: no revenue last year, or no land or "
               "employment in the firm's first year"] if (~usable).any() else []
    risk = risk[usable].reset_index(drop=True)
    a = attribute_arrays(attrs, np.arange(CHOICE_YEARS[0], int(risk["year"].max()) + 1))
    if occupancy:
        known = ~np.isnan(a["occupancy"]).any(axis=1)[risk["year"].to_numpy() - CHOICE_YEARS[0]]
        if not known.any():
            raise ParameterError("no year has an industrial-park occupancy figure for every place in the choice set")
        if (~known).any():
            years = sorted(set(risk.loc[~known, "year"]))
            dropped.append(f"{int((~known).sum())} firm-years of {years[0]}-{years[-1]} left out: no occupancy figure "
                           "for every place that year")
        risk = risk[known].reset_index(drop=True)
    X, chosen, terms, places, reference = choice_design(risk, a, time_only, occupancy)
    keep = list(range(len(terms)))
    kip = risk["kip_in_force"].to_numpy() == 1
    if not (chosen[kip] > 0).any():
        keep.remove(terms.index("kip_x_hanoi"))
        dropped.append(f"kip_x_hanoi: none of {int(kip.sum())} firm-years with recognition in force moved "
                       "(separation); its effect is not estimable here")
    if time_only:
        if np.ptp(a["lease"], axis=0).max() == 0:
            keep.remove(terms.index("lease_x_land"))
            dropped.append("lease_x_land: no place's lease index changes over the years used, so with place x land "
                           "terms the lease effect has no variation left")
    X, terms = X[:, :, keep], tuple(terms[i] for i in keep)
    moves = int((chosen != 0).sum())  # place 0 is Hà Nội: any other choice is a move out
    if moves < len(terms):
        raise NotEstimableError(
            "the location choice", f"the firm panel records {moves} move{'s' if moves != 1 else ''} out of Hanoi "
            f"among {len(risk):,} firm-years at risk, fewer than the {len(terms)} parameters of the choice model",
            f"an extract that follows firms across provinces and records at least {len(terms)} moves (more for "
            "useful intervals), or a register of industrial-zone tenants leaving Hanoi")
    fit = fitted_choice(X, chosen, risk["firm_id"].to_numpy())
    coefs = pd.DataFrame({"term": terms, "coef": fit.params, "se": fit.se,
                          "ci_low": fit.params - Z95 * fit.se, "ci_high": fit.params + Z95 * fit.se})
    coefs.attrs["dropped"] = dropped
    return LocationChoice(coefs, fit.params, fit.vcov, terms, X, chosen, risk, places, reference, time_only)


@shared
def fitted_choice(X: np.ndarray, chosen: np.ndarray, clusters: np.ndarray) -> ConditionalLogitFit:
    """:func:`conditional_logit` with firm-clustered errors, cached on disk by the design's contents: notebook
    04, a land scenario's exit rate in 03 and a memo year past the panel's last fit the same choices.
    """
    return conditional_logit(X, chosen, clusters=clusters)


def occupancy_choice(panel: pd.DataFrame, attrs: pd.DataFrame, last_year: int, *,
                     risk: pd.DataFrame | None = None) -> LocationChoice | None:
    """The location choice with park occupancy (:func:`location_choice` with ``occupancy``) over the years up
    to ``last_year`` where every place has an occupancy figure; None (a reason in :data:`OCCUPANCY_NEEDS`)
    when fewer than two such years have different figures: with place constants, one year's occupancy is
    collinear with them.
    """
    used = attrs[attrs["year"] <= last_year]
    known = used.groupby("year")["occupancy_pct"].apply(lambda o: o.notna().all())
    rows = used[used["year"].isin(known[known].index)]
    varies = (rows.groupby("province")["occupancy_pct"].nunique() > 1).any()
    return location_choice(panel, attrs, last_year, occupancy=True, risk=risk) if known.sum() >= 2 and varies \
        else None


#: Why the occupancy fit can be missing.
OCCUPANCY_NEEDS: str = ("needs two years in which the consultant gives every place's occupancy, with a place whose "
                        "occupancy changes between them (otherwise the place constants absorb it)")


def compare_with_truth(choice: LocationChoice, truth: dict[str, float]) -> pd.DataFrame:
    """The coefficients beside the simulation's truth, with a flag where they are more than 2 SE apart."""
    out = choice.coefficients.copy()
    out["true value (SIMULATED)"] = out["term"].map(truth)
    gap = (out["coef"] - out["true value (SIMULATED)"]).abs() / out["se"]
    out["gap (SE)"] = gap
    out["flag: more than 2 SE from truth"] = gap > 2
    return out


# ---------------------------------------------------------------------------- predictions
def with_hanoi_lease(choice: LocationChoice, rows: np.ndarray, ratio: float | None) -> np.ndarray:
    """The design of ``rows`` with Hà Nội's lease index set to ``ratio`` (None: the data's R_t)."""
    out = choice.X[rows].copy()
    if ratio is not None:
        out[:, 0, choice.term("lease_x_land")] = ratio * choice.data["land_rel"].to_numpy()[rows]
    return out


def other_places(X: np.ndarray, params: np.ndarray) -> np.ndarray:
    """The log-sum of exp(x_oj b) over the places j other than Hà Nội, per occasion (occasions x draws)."""
    v = X[:, 1:, :] @ np.atleast_2d(params).T
    top = v.max(axis=1)
    return top + np.log(np.exp(v - top[:, None, :]).sum(axis=1))  # log-sum-exp, shifted by the largest


def stay_probability(X: np.ndarray, params: np.ndarray, others: np.ndarray | None = None) -> np.ndarray:
    """P(Hà Nội) per occasion (occasions x draws) for each row of ``params`` (draws x terms).

    ``others``: :func:`other_places`, when several Hà Nội lease indices share them (the subsidy grid):
    P_o0 = expit(v_o0 - ln sum_{j>0} e^{v_oj}), equal to the softmax up to rounding (1e-15).
    """
    params = np.atleast_2d(params)
    if others is None:  # conditional_logit.probabilities' softmax, divided for Hà Nội only (the same bits)
        o, m, k = X.shape
        v = (X.reshape(o * m, k) @ params.T).reshape(o, m, -1)
        v -= v.max(axis=1, keepdims=True)
        np.exp(v, out=v)  # in place: the (occasions x places x draws) array is the cost here
        return v[:, 0, :] / v.sum(axis=1)
    # P_o0 = e^{v_o0} / (e^{v_o0} + sum_{j>0} e^{v_oj}) (McFadden 1974)
    return expit(X[:, 0, :] @ params.T - others)


def lease_elasticity(choice: LocationChoice, X: np.ndarray, params: np.ndarray) -> np.ndarray:
    """Elasticity of expected relocations to Hà Nội's lease index, one per row of ``params``."""
    # sum_o dP_move,o / d ln L_H / sum_o P_move,o, with dP_move / d ln L_H = -b land L_H P_H (1 - P_H)
    params = np.atleast_2d(params)
    stay = stay_probability(X, params)
    k = choice.term("lease_x_land")
    lease_land = X[:, 0, k][:, None]  # L_H x land
    return (-params[:, k][None, :] * lease_land * stay * (1 - stay)).sum(axis=0) / (1 - stay).sum(axis=0)


def lease_elasticity_gradient(choice: LocationChoice, X: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Gradient in ``b`` of :func:`lease_elasticity` at one coefficient vector (its delta-method interval).

    E = N / S with N = -b_k sum_o L_o P_o (1 - P_o) and S = sum_o (1 - P_o); dP_o / db = P_o (x_o0 - xbar_o),
    xbar_o = sum_j P_oj x_oj (McFadden 1974), so dE = (dN - E dS) / S.
    """
    o, m, n_terms = X.shape
    v = (X.reshape(o * m, n_terms) @ b).reshape(o, m)
    share = np.exp(v - v.max(axis=1, keepdims=True))
    share /= share.sum(axis=1, keepdims=True)
    stay = share[:, 0]
    z = X[:, 0, :] - np.einsum("oj,ojt->ot", share, X)  # x_o0 - xbar_o
    k = choice.term("lease_x_land")
    lease_land, curvature = X[:, 0, k], stay * (1 - stay)
    total, moves = -b[k] * (lease_land @ curvature), (1 - stay).sum()
    d_total = -b[k] * ((lease_land * (1 - 2 * stay) * stay) @ z)
    d_total[k] -= lease_land @ curvature
    d_moves = -(stay @ z)
    return (d_total - total / moves * d_moves) / moves


def data_lease_ratio(choice: LocationChoice, rows: np.ndarray) -> float:
    """Hà Nội's lease index R_t in the data for the occasions ``rows`` (all of one year)."""
    return float(choice.X[rows[0], 0, choice.term("lease_x_land")] / choice.data["land_rel"].iloc[rows[0]])


def _intervals(fn, gradient, params: np.ndarray, vcov: np.ndarray, rng: np.random.Generator, n_draws: int
               ) -> dict[str, float]:
    """Estimate with its 95% intervals by the delta method (``gradient(params)``, analytic) and by
    simulation from N(params, vcov).
    """
    est = float(fn(params)[0])
    se = delta_se(gradient(params), vcov)
    sims = fn(rng.multivariate_normal(params, vcov, n_draws))
    return {"estimate": est, "se": se, "delta_low": est - Z95 * se, "delta_high": est + Z95 * se,
            "sim_low": float(np.quantile(sims, 0.025)), "sim_high": float(np.quantile(sims, 0.975))}


def elasticity_table(choice: LocationChoice, year: int, ratios: dict[str, float | None], by: str | None = None,
                     truth: np.ndarray | None = None, n_draws: int = 1000, seed: int = 5) -> pd.DataFrame:
    """Elasticity of relocations to Hà Nội's lease index for the firm-years at risk in ``year``,
    at each named ratio (None: the data's R_t; a number: a scenario such as a consultant's
    ratio), for all and by ``by`` (e.g. sector), with delta-method and simulated 95% intervals
    and, for a simulation, the elasticity at the true coefficients.
    """
    rows_all = np.flatnonzero(choice.data["year"].to_numpy() == year)
    if not len(rows_all):
        raise ParameterError(f"no Hanoi firm-years at risk in {year}")
    rng = np.random.default_rng(seed)
    groups = [("all", rows_all)] + ([(g, rows_all[choice.data[by].to_numpy()[rows_all] == g]) for g in
                                     sorted(choice.data[by].iloc[rows_all].unique())] if by else [])
    data_ratio = data_lease_ratio(choice, rows_all)
    out = []
    for label, ratio in ratios.items():
        for group, rows in groups:
            X = with_hanoi_lease(choice, rows, ratio)
            est = _intervals(lambda b, X=X: lease_elasticity(choice, X, b),
                             lambda b, X=X: lease_elasticity_gradient(choice, X, b), choice.params, choice.vcov, rng,
                             n_draws)
            out.append({"ratio": label, "lease_ratio": data_ratio if ratio is None else float(ratio), "group": group,
                        "firm_years": len(rows), "elasticity": est.pop("estimate"), **est}
                       | ({"true_elasticity": float(lease_elasticity(choice, X, truth)[0])}
                          if truth is not None else {}))
    return pd.DataFrame(out)


def truth_vector(choice: LocationChoice, truth: dict[str, float]) -> np.ndarray:
    """The true coefficients in the order of the fitted terms."""
    return np.array([truth[t] for t in choice.terms])


# ---------------------------------------------------------------------------- counterfactuals
#: Seed of the coefficient draws the counterfactuals and their costs are simulated with.
DRAW_SEED: int = 4


@dataclass(frozen=True)
class CoefficientDraws:
    """Draws of the coefficients from N(b, V) and, per occasion of a year, the log-sum over the places
    other than Hà Nội at each draw: what every lease scenario of that year shares (only Hà Nội's
    lease index differs between them).
    """

    year: int
    seed: int
    rows: np.ndarray  # the year's occasions (rows of ``choice.data``)
    draws: np.ndarray  # n_draws x terms
    others: np.ndarray  # occasions x n_draws, :func:`other_places`

    def made_for(self, year: int, n_draws: int, seed: int = DRAW_SEED) -> bool:
        """Whether these are the draws :func:`coefficient_draws` makes for ``year``, ``n_draws`` and ``seed``."""
        return (self.year, len(self.draws), self.seed) == (year, n_draws, seed)


def coefficient_draws(choice: LocationChoice, year: int, n_draws: int = 500,
                      seed: int = DRAW_SEED) -> CoefficientDraws:
    """The seeded coefficient draws of :func:`subsidy_counterfactual` and their :func:`other_places`."""
    rows = np.flatnonzero(choice.data["year"].to_numpy() == year)
    if not len(rows):
        raise ParameterError(f"no Hanoi firm-years at risk in {year}")
    draws = np.random.default_rng(seed).multivariate_normal(choice.params, choice.vcov, n_draws)
    return CoefficientDraws(year, seed, rows, draws, other_places(choice.X[rows], draws))


def subsidy_counterfactual(choice: LocationChoice, year: int, shares_grid: np.ndarray, city_exports_usd_m: float,
                           ratio: float | None = None, n_draws: int = 500, seed: int = DRAW_SEED,
                           sims: CoefficientDraws | None = None) -> pd.DataFrame:
    """A subsidy closing a share s of Hà Nội's lease gap: L_H = 1 + (1 - s)(R - 1), R the data's R_t
    for ``year`` (or ``ratio``). Expected relocations, those avoided, KIP products' revenue and
    exports kept in Hà Nội and export-share points kept; median and 5-95% band over draws of the
    coefficients from N(b, V) (``sims``: the :func:`coefficient_draws` of ``year``, ``n_draws`` and
    ``seed`` when already made). Revenue kept in Hà Nội is not kept in the region: every move in
    the choice set goes to a neighbour.
    """
    if sims is None or not sims.made_for(year, n_draws, seed):
        sims = coefficient_draws(choice, year, n_draws, seed)
    rows, draws, others = sims.rows, sims.draws, sims.others
    data = choice.data.iloc[rows]
    base_ratio = data_lease_ratio(choice, rows) if ratio is None else ratio
    kip = data["kip_in_force"].to_numpy() == 1
    revenue = data["product_revenue_vnd_bn"].fillna(0).to_numpy() * kip
    exports = (data["exports_usd_m"] * data["product_revenue_vnd_bn"].fillna(0) / data["revenue_vnd_bn"]
               ).to_numpy() * kip
    X0 = with_hanoi_lease(choice, rows, base_ratio)  # only Hà Nội's lease index moves along the grid
    move0 = 1 - stay_probability(X0, draws, others)
    out = []
    for s in shares_grid:
        check_subsidy_share(float(s))
        after = 1 + (1 - s) * (base_ratio - 1)
        move = 1 - stay_probability(with_hanoi_lease(choice, rows, after), draws, others)
        kept = move0 - move
        for name, values in (("relocations", move.sum(axis=0)), ("relocations_avoided", kept.sum(axis=0)),
                             ("kip_revenue_kept_vnd_bn", revenue @ kept), ("kip_exports_kept_usd_m", exports @ kept),
                             ("export_share_points_kept", 100 * (exports @ kept) / city_exports_usd_m)):
            q = np.percentile(values, [5, 50, 95])
            out.append({"subsidy_share": float(s), "lease_ratio_before": base_ratio, "lease_ratio_after": after,
                        "quantity": name, "q05": q[0], "median": q[1], "q95": q[2]})
    return pd.DataFrame(out)


def subsidy_cost(land_m2: float, subsidy_share: float, hanoi_rent: float, comparator_rent: float,
                 vnd_per_usd: float, lease_term_years: float) -> float:
    """Yearly cost (VND bn) of paying ``subsidy_share`` of the rent gap (USD per m2 per lease term,
    spread over ``lease_term_years``) on ``land_m2``.
    """
    return float(subsidy_share * (hanoi_rent - comparator_rent) / lease_term_years * land_m2 * vnd_per_usd / 1e9)


def cost_per_output_kept(choice: LocationChoice, year: int, subsidy_share: float, scenarios: dict[str, float | None],
                         comparator_rent: float, lease_terms: tuple[float, ...], vnd_per_usd: float,
                         city_exports_usd_m: float, n_draws: int = 500,
                         sims: CoefficientDraws | None = None) -> pd.DataFrame:
    """Yearly subsidy cost and cost per VND of KIP revenue kept in Hà Nội as a range, over what
    drives it: the lease ratio (the data's R_t and scenarios), the lease term the rent is spread
    over (assumed) and the revenue kept's sampling band. Hà Nội's rent is R x ``comparator_rent``.
    ``sims``: the year's :func:`coefficient_draws` (made here when not given), shared by the scenarios.
    """
    if sims is None or not sims.made_for(year, n_draws):
        sims = coefficient_draws(choice, year, n_draws)
    land = float(choice.data["land_m2"].iloc[sims.rows].fillna(0).sum())
    out = []
    for label, ratio in scenarios.items():
        cf = subsidy_counterfactual(choice, year, np.array([subsidy_share]), city_exports_usd_m, ratio, n_draws,
                                    sims=sims)
        rev = cf[cf["quantity"] == "kip_revenue_kept_vnd_bn"].iloc[0]
        r = float(rev["lease_ratio_before"])
        for term in lease_terms:
            cost = subsidy_cost(land, subsidy_share, r * comparator_rent, comparator_rent, vnd_per_usd, term)
            out.append({"ratio": label, "lease_ratio": r, "lease_term_years": float(term), "yearly_cost_vnd_bn": cost,
                        "revenue_kept_median": rev["median"], "revenue_kept_q05": rev["q05"],
                        "revenue_kept_q95": rev["q95"],
                        "cost_per_vnd_kept_median": cost / rev["median"] if rev["median"] > 0 else np.inf,
                        "cost_per_vnd_kept_low": cost / rev["q95"] if rev["q95"] > 0 else np.inf,
                        "cost_per_vnd_kept_high": cost / rev["q05"] if rev["q05"] > 0 else np.inf})
    return pd.DataFrame(out)


def kip_exit_rate(choice: LocationChoice, year: int, ratio: float | None = None) -> float:
    """Yearly share of recognised products' revenue that the model predicts will leave Hà Nội:
    sum of P(move) x product revenue over firms with recognition in force in ``year`` over their
    product revenue. Feeds the targets forecast's ``exit_rate`` lever.
    """
    rows = np.flatnonzero((choice.data["year"].to_numpy() == year) & (choice.data["kip_in_force"].to_numpy() == 1))
    if not len(rows):
        raise ParameterError(f"no recognised firms at risk in {year}")
    move = 1 - stay_probability(with_hanoi_lease(choice, rows, ratio), choice.params)[:, 0]
    revenue = choice.data["product_revenue_vnd_bn"].iloc[rows].fillna(0).to_numpy()
    return float(move @ revenue / revenue.sum())
