"""Vectorised Callaway & Sant'Anna (2021) for census-scale panels, unconditional or doubly robust.

``csdid`` builds a data frame per group-time cell, which is slow and memory-hungry at a
million firms. This layer computes the same estimator on a wide outcome matrix: each ATT(g,t)
is a 2x2 DiD of long differences (CS 2021, eq. 2.6): a difference of group means without
covariates, the doubly robust estimator of :mod:`kip_analysis.estimators.dr_cells` with them
(cells of a cohort whose comparison cohorts are the same share one sample, so one propensity
score). Its influence function is a column of an n x cells matrix (column-major: a cell's
column is contiguous), and the four aggregations follow R ``did``'s ``compute.aggte``
including the estimated-weights term (``wif``, without its units x cells matrix). Results equal
``csdid``'s to 1e-8 (tests/test_fastdid.py). Also: a universal base period, unbalanced
panels (balanced within each cell) and sup-t uniform bands by the multiplier bootstrap.

May import: errors, estimators.did_types, estimators.dr_cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kip_analysis.errors import ParameterError
from kip_analysis.estimators import dr_cells
from kip_analysis.estimators.did_types import AGGREGATIONS, CONTROL_GROUPS, Aggregation


@dataclass
class FastCS:
    """Group-time ATTs with their influence functions (n units x cells)."""

    att_gt: pd.DataFrame  # group, time, att, se
    inffunc: np.ndarray
    G: np.ndarray  # each unit's group (0 = never treated)
    glist: np.ndarray
    n: int
    _dynamic_inf: np.ndarray | None = None
    table_inf: dict = field(default_factory=dict)  # aggregation kind -> units x rows influence functions
    _cache: dict = field(default_factory=dict, repr=False)  # aggregation kind -> Aggregation

    def pretest(self) -> tuple[float, float]:
        """R ``did``'s Wald pre-test: W = n b' V^-1 b over the pre-treatment ATT(g,t), V = IF'IF / n.

        Equal to R ``did``/csdid; its chi-square p-value over-rejects when cohorts have barely more
        treated units than pre-period cells (Hotelling-like tail; see :mod:`kip_analysis.estimators.pretest`).
        """
        from scipy.stats import chi2

        pre = np.flatnonzero(self.att_gt["group"].to_numpy() > self.att_gt["time"].to_numpy())
        if not len(pre):
            return np.nan, np.nan
        b = self.att_gt["att"].to_numpy()[pre]
        V = self.inffunc[:, pre].T @ self.inffunc[:, pre] / self.n
        try:
            W = float(self.n * b @ np.linalg.solve(V, b))
        except np.linalg.LinAlgError:
            W = float(self.n * b @ np.linalg.pinv(V) @ b)
        return W, float(round(chi2.sf(W, len(pre)), 5))

    def dynamic_influence(self) -> np.ndarray:
        """Influence functions of the event-time effects (units x event times)."""
        self.aggregate("dynamic")
        return self._dynamic_inf

    def aggregate(self, kind: str) -> Aggregation:
        """R ``aggte``: ``simple``, ``group``, ``calendar`` or ``dynamic``, analytic SEs."""
        if kind not in AGGREGATIONS:
            raise ParameterError(f"kind={kind!r}: expected one of {', '.join(AGGREGATIONS)}")
        if kind not in self._cache:
            self._cache[kind] = self._aggregate(kind)
        return self._cache[kind]

    def _aggregate(self, kind: str) -> Aggregation:
        group = self.att_gt["group"].to_numpy()
        t = self.att_gt["time"].to_numpy()
        att = self.att_gt["att"].to_numpy()
        pg = np.array([np.mean(self.G == g) for g in self.glist])
        pgg = pg[np.searchsorted(self.glist, group)]
        # each unit's cohort as an index into glist (len(glist): never treated)
        code = np.where(np.isin(self.G, self.glist), np.searchsorted(self.glist, self.G), len(self.glist))

        def agg(which: np.ndarray, weights: np.ndarray, wif_att: np.ndarray | None) -> tuple[float, np.ndarray]:
            inf = self.inffunc[:, which] @ weights
            if wif_att is not None:
                inf = inf + wif_att
            return float(att[which] @ weights), inf

        def wif(keep: np.ndarray, p: np.ndarray, groups: np.ndarray, a: np.ndarray) -> np.ndarray:
            # effect of estimating the group-share weights (R did, compute.aggte.R: wif), times the ATTs a:
            # wif_ij = ind_ij / s - (sum_l ind_il) p_j / s^2, ind_ij = 1{G_i = g_j} - p_j, s = sum_j p_j;
            # sum_j ind_ij a_j and sum_l ind_il depend on i only through its cohort
            s, pa = p[keep].sum(), p[keep] @ a
            cohort = np.searchsorted(self.glist, groups[keep])
            a_by = np.bincount(cohort, weights=a, minlength=len(self.glist) + 1)
            n_by = np.bincount(cohort, minlength=len(self.glist) + 1)
            return ((a_by - pa) / s - (n_by - s) * (pa / s**2))[code]

        def se(inf: np.ndarray) -> float:
            return float(np.sqrt(np.mean(inf**2) / self.n))

        rows, crit = [], 1.959963984540054
        if kind == "simple":
            keep = np.flatnonzero(group <= t)
            est, inf = agg(keep, pgg[keep] / pgg[keep].sum(), wif(keep, pgg, group, att[keep]))
            return Aggregation(kind, est, se(inf), pd.DataFrame(columns=["egt", "att", "se", "ci_low", "ci_high"]),
                               crit)
        if kind == "group":
            att_g, inf_g = [], []
            for g in self.glist:
                which = np.flatnonzero((group == g) & (g <= t))
                est, inf = agg(which, np.full(len(which), 1 / len(which)), None)
                att_g.append(est)
                inf_g.append(inf)
                rows.append((g, est, se(inf)))
            att_g, inf_g = np.array(att_g), np.column_stack(inf_g)
            self.table_inf[kind] = inf_g
            weights = pg / pg.sum()
            overall_inf = inf_g @ weights + wif(np.arange(len(self.glist)), pg, self.glist, att_g)
            overall = float(att_g @ weights)
        elif kind == "dynamic":
            e_all = t - group
            ests, infs = [], []
            for e in np.unique(e_all):
                which = np.flatnonzero(e_all == e)
                est, inf = agg(which, pgg[which] / pgg[which].sum(), wif(which, pgg, group, att[which]))
                ests.append(est)
                infs.append(inf)
                rows.append((e, est, se(inf)))
            post = np.unique(e_all) >= 0
            self._dynamic_inf = self.table_inf[kind] = np.column_stack(infs)
            overall = float(np.mean(np.array(ests)[post]))
            overall_inf = self._dynamic_inf[:, post].mean(axis=1)
        else:  # calendar
            ests, infs = [], []
            for year in np.unique(t[t >= group.min()]):
                which = np.flatnonzero((t == year) & (group <= t))
                est, inf = agg(which, pgg[which] / pgg[which].sum(), wif(which, pgg, group, att[which]))
                ests.append(est)
                infs.append(inf)
                rows.append((year, est, se(inf)))
            overall = float(np.mean(ests))
            self.table_inf[kind] = np.column_stack(infs)
            overall_inf = self.table_inf[kind].mean(axis=1)
        table = pd.DataFrame(rows, columns=["egt", "att", "se"])
        table["ci_low"] = table["att"] - crit * table["se"]
        table["ci_high"] = table["att"] + crit * table["se"]
        return Aggregation(kind, overall, se(overall_inf), table, crit)


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` by hashing (millions of years: ~10x faster than sorting)."""
    codes, uniques = pd.factorize(values, sort=True)
    if (codes < 0).any():  # missing values: numpy's conventions
        return np.unique(values, return_inverse=True)
    return np.asarray(uniques), codes


def att_gt(data: pd.DataFrame, yname: str, tname: str, idname: str, gname: str,
           control_group: str = "notyettreated", anticipation: int = 0,
           covariates: list[str] | tuple[str, ...] | None = None, base_period: str = "varying",
           allow_unbalanced: bool = False) -> FastCS:
    """Callaway & Sant'Anna ATT(g,t), unconditional or doubly robust with covariates.

    ATT(g,t) = E[Y_t - Y_b | G=g] - E[Y_t - Y_b | C] (CS 2021, eqs. 2.6-2.7; with covariates the
    doubly robust estimator of Sant'Anna & Zhao 2020, :mod:`kip_analysis.estimators.dr_cells`).
    ``base_period="varying"`` (R's default): b = g - 1 - anticipation after treatment and
    b = t - 1 before; ``"universal"``: b = g - 1 - anticipation for every t (the cell t = b is
    omitted; it is zero by construction), so pre- and post-treatment estimates share one base.
    C = never treated, or also not yet treated by max(t, b) + anticipation. Influence functions
    are scaled to the full sample as in R ``did``.

    Unbalanced panels (``allow_unbalanced=True``): each cell uses the units observed in both
    its year t and its base year b (balanced within the cell), and the count of units a cell
    loses is kept in ``att_gt["dropped"]``; a cell with no treated or no comparison unit observed
    in both years is left out and listed in ``att_gt.attrs["skipped_cells"]``. R ``did``'s
    ``allow_unbalanced_panel`` uses a repeated-cross-section estimator instead, so results
    differ from R on unbalanced data.
    """
    if control_group not in CONTROL_GROUPS:
        raise ParameterError(f"control_group={control_group!r}: expected one of {', '.join(CONTROL_GROUPS)}")
    if base_period not in ("varying", "universal"):
        raise ParameterError(f"base_period={base_period!r}: expected varying or universal")
    covariates = list(covariates or [])
    ids, id_index = _unique(data[idname].to_numpy())
    tlist, t_index = _unique(data[tname].to_numpy())
    n, T = len(ids), len(tlist)
    if len(data) != n * T and not allow_unbalanced:
        raise ParameterError(f"the panel is not balanced: {len(data)} rows for {n} units x {T} periods "
                             "(allow_unbalanced=True uses, in each cell, the units observed in both years)")
    Y = np.full((n, T), np.nan)
    Y[id_index, t_index] = data[yname].to_numpy(dtype=float)
    G = np.zeros(n)
    G[id_index] = data[gname].to_numpy(dtype=float)
    X = None
    if covariates:
        values = data[covariates].to_numpy(dtype=float)
        X = np.empty((n, len(covariates)))
        X[id_index] = values
        again = X[id_index]
        if not ((again == values).all() or np.allclose(again, values, equal_nan=True)) or np.isnan(X).any():
            raise ParameterError(f"covariates {covariates} must be time-invariant and never missing")
        X = np.column_stack([np.ones(n), X])
    G[G > tlist.max()] = 0  # treated after the last period: never treated within the sample
    glist = np.unique(G[(G > 0) & (G > tlist[0] + anticipation)])
    keep_units = (G == 0) | (G > tlist[0] + anticipation)  # drop always-treated units
    Y, G, n = Y[keep_units], G[keep_units], int(keep_units.sum())
    X = X[keep_units] if X is not None else None
    observed = ~np.isnan(Y)
    cells = []  # (g, k, base_k, control threshold index or -1)
    for g in glist:
        last_pre = int(np.flatnonzero(tlist + anticipation < g)[-1])
        for k in range(T):
            if base_period == "universal":
                if k == last_pre:
                    continue
                base_k = last_pre
            else:
                if k == 0:
                    continue
                base_k = last_pre if g <= tlist[k] else k - 1
            cells.append((g, k, base_k, -1 if control_group == "nevertreated" else max(k, base_k)))
    att = np.empty(len(cells))
    inffunc = np.zeros((n, len(cells)), order="F")  # a cell's influence function is a contiguous column
    dropped = np.zeros(len(cells), dtype=int)
    Yf = np.asfortranarray(Y)
    observed = ~np.isnan(Yf)
    balanced = bool(observed.all())
    Xt = np.ascontiguousarray(X.T) if X is not None else None
    batches: dict[tuple, list[int]] = {}
    warm: dict[float, np.ndarray] = {}
    for j, (g, _k, _b, threshold) in enumerate(cells):
        # cells of a cohort with the same comparison cohorts share one sample (and one propensity score)
        later = () if threshold < 0 else tuple(glist[(glist > tlist[threshold] + anticipation) & (glist != g)])
        batches.setdefault((g, later), []).append(j)
    for (g, later), members in batches.items():
        treated = G == g
        control = ((G == 0) | np.isin(G, later)) if later else G == 0
        sub = treated | control
        dY = [Yf[:, cells[j][1]] - Yf[:, cells[j][2]] for j in members]
        complete = None if balanced else [observed[:, cells[j][1]] & observed[:, cells[j][2]] for j in members]
        if X is not None and (complete is None or all(c[sub].all() for c in complete)):
            idx = np.flatnonzero(sub)
            # warm start from the cohort's previous batch (a slightly larger comparison group)
            a, inf, warm[g] = dr_cells.drdid_panel_t(np.stack([d[idx] for d in dY]), treated[idx].astype(float),
                                                     Xt.take(idx, axis=1), warm.get(g))
            att[members] = a
            for j, psi in zip(members, inf, strict=True):
                inffunc[idx, j] = psi * n / len(idx)
            continue
        gamma = None  # warm start of the propensity score from the previous cell of the batch
        n_sub = int(sub.sum())
        for col, j in enumerate(members):  # unconditional, or cell by cell on an unbalanced panel
            here = sub if complete is None else sub & complete[col]
            n_here = int(here.sum())
            dropped[j] = n_sub - n_here
            d = treated & here
            n_treated = int(d.sum())
            if n_treated in (0, n_here):
                if not allow_unbalanced:
                    raise ParameterError(f"cell g={g:g}, t={tlist[cells[j][1]]:g} has no treated or no comparison "
                                         "units")
                att[j] = np.nan  # nobody observed on one side: the cell is left out (reported)
                continue
            if X is not None:
                idx = np.flatnonzero(here)
                a, inf, gamma = dr_cells.drdid_panel_t(dY[col][idx][None, :], treated[idx].astype(float),
                                                       Xt.take(idx, axis=1), gamma)
                att[j] = a[0]
                inffunc[idx, j] = inf[0] * n / n_here
            else:
                y, p1 = dY[col], n_treated / n_here
                mu1, mu0 = y[d].mean(), y[here & ~treated].mean()
                att[j] = mu1 - mu0
                psi = np.where(treated, (y - mu1) / p1, -(y - mu0) / (1 - p1))
                inffunc[:, j] = np.where(here, psi * n / n_here, 0.0)  # zero outside the cell's sample
    table = pd.DataFrame({"group": [int(c[0]) for c in cells], "time": [int(tlist[c[1]]) for c in cells],
                          "att": att})
    table["se"] = np.sqrt(np.einsum("ij,ij->j", inffunc, inffunc) / n / n)  # sqrt(mean(inf^2) / n)
    if allow_unbalanced:
        table["dropped"] = dropped
        keep = ~np.isnan(att)
        skipped = [(int(c[0]), int(tlist[c[1]])) for c, k in zip(cells, keep, strict=True) if not k]
        table, inffunc = table[keep].reset_index(drop=True), inffunc[:, keep]
        table.attrs["skipped_cells"] = skipped
    return FastCS(table, inffunc, G, glist, n)


def uniform_band(inffunc: np.ndarray, biters: int = 999, seed: int = 20210101, alpha: float = 0.05,
                 chunk: int = 100) -> tuple[np.ndarray, float]:
    """Multiplier-bootstrap standard errors and the sup-t critical value for a simultaneous band
    over every column of ``inffunc`` (R ``did``'s ``mboot``: Rademacher weights, IQR-based
    standard errors, the 1 - alpha quantile of max_j |b_j / sigma_j|). Seeded.

    Returns
    -------
    se, crit
        Bootstrap standard errors of the columns and the uniform critical value; the band is
        estimate +/- crit x se and covers all columns jointly with probability 1 - alpha.
    """
    from statistics import NormalDist

    rng = np.random.default_rng(seed)
    n = inffunc.shape[0]
    draws = []
    for start in range(0, biters, chunk):
        v = rng.choice((-1.0, 1.0), size=(min(chunk, biters - start), n))
        draws.append(v @ inffunc / np.sqrt(n))  # sqrt(n) x mean(v_i psi_i)
    bres = np.vstack(draws)
    q = NormalDist().inv_cdf
    sigma = (np.quantile(bres, 0.75, axis=0) - np.quantile(bres, 0.25, axis=0)) / (q(0.75) - q(0.25))
    ok = sigma > np.sqrt(np.finfo(float).eps) * 10
    t_max = np.max(np.abs(bres[:, ok] / sigma[ok]), axis=1)
    crit = float(np.quantile(t_max, 1 - alpha))
    se = np.where(ok, sigma / np.sqrt(n), np.nan)
    return se, crit


def wide(data: pd.DataFrame, yname: str, tname: str, idname: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units (in the order of ``np.unique(data[idname])``) x periods of ``yname``, whether each value is
    observed, and the periods.
    """
    ids, id_index = np.unique(data[idname].to_numpy(), return_inverse=True)
    tlist, t_index = np.unique(data[tname].to_numpy(), return_inverse=True)
    Y = np.full((len(ids), len(tlist)), np.nan)
    Y[id_index, t_index] = data[yname].to_numpy(dtype=float)
    return Y, ~np.isnan(Y), tlist


def simple_att_many(data: pd.DataFrame, yname: str, tname: str, idname: str, groups: np.ndarray,
                    control_group: str = "notyettreated") -> np.ndarray:
    """Unconditional CS simple ATT for many cohort assignments at once (permutation inference).

    ``groups`` is units x P: column p gives every unit's cohort (0 = never) under assignment p,
    units in the order of ``np.unique(data[idname])``. Same estimator as :func:`att_gt`
    (varying base, no anticipation, each cell on the units observed in both its years) followed
    by R's simple aggregation; ATT(g,t) for all P assignments is computed with one matrix
    product per cell.
    """
    Y, observed, tlist = wide(data, yname, tname, idname)
    T = len(tlist)
    Y0 = np.nan_to_num(Y)
    G = np.asarray(groups, dtype=float)
    num = np.zeros(G.shape[1])
    den = np.zeros(G.shape[1])
    for g in np.unique(G[G > tlist[0]]):
        share = (G == g).mean(axis=0)  # cohort share, R's pg
        last_pre = int(np.flatnonzero(tlist < g)[-1])
        for k in range(last_pre + 1, T):
            both = (observed[:, k] & observed[:, last_pre]).astype(float)[:, None]
            dy = (Y0[:, k] - Y0[:, last_pre])[:, None]
            treated = (G == g) * both
            if control_group == "nevertreated":
                control = (G == 0) * both
            else:
                control = ((G == 0) | (G > tlist[k])) * (G != g) * both
            n1, n0 = treated.sum(axis=0), control.sum(axis=0)
            ok = (n1 > 0) & (n0 > 0)
            att = np.where(ok, (treated * dy).sum(axis=0) / np.maximum(n1, 1)
                           - (control * dy).sum(axis=0) / np.maximum(n0, 1), 0.0)
            num += np.where(ok, share * att, 0.0)
            den += np.where(ok, share, 0.0)
    return num / den
