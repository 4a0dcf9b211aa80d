"""Vectorised Callaway & Sant'Anna (2021) for census-scale panels (unconditional case).

``csdid`` builds a data frame per group-time cell, which is slow and memory-hungry at a
million firms. This layer computes the same estimator on a wide outcome matrix: each ATT(g,t)
is a difference of group means of long differences (CS 2021, eq. 2.6 with the outcome-
regression estimator on a constant), its influence function is a column of an n x cells
matrix, and the four aggregations follow R ``did``'s ``compute.aggte`` including the
estimated-weights term (``wif``). Results equal ``csdid``'s to 1e-8 (tests/test_fastdid.py);
covariates (doubly robust) still go through :func:`kip_analysis.estimators.did.callaway_santanna`.

May import: errors, estimators.did_types.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kip_analysis.errors import ParameterError
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

    def pretest(self) -> tuple[float, float]:
        """R ``did``'s Wald pre-test: W = n b' V^-1 b over the pre-treatment ATT(g,t), V = IF'IF / n."""
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
        group = self.att_gt["group"].to_numpy()
        t = self.att_gt["time"].to_numpy()
        att = self.att_gt["att"].to_numpy()
        pg = np.array([np.mean(self.G == g) for g in self.glist])
        pgg = pg[np.searchsorted(self.glist, group)]

        def agg(which: np.ndarray, weights: np.ndarray, wif: np.ndarray | None) -> tuple[float, np.ndarray]:
            inf = self.inffunc[:, which] @ weights
            if wif is not None:
                inf = inf + wif @ att[which]
            return float(att[which] @ weights), inf

        def wif(keep: np.ndarray, p: np.ndarray, groups: np.ndarray) -> np.ndarray:
            # effect of estimating the group-share weights (R did, compute.aggte.R: wif)
            ind = (self.G[:, None] == groups[keep][None, :]).astype(float) - p[keep][None, :]
            s = p[keep].sum()
            return ind / s - ind.sum(axis=1, keepdims=True) * (p[keep] / s**2)[None, :]

        def se(inf: np.ndarray) -> float:
            return float(np.sqrt(np.mean(inf**2) / self.n))

        rows, crit = [], 1.959963984540054
        if kind == "simple":
            keep = np.flatnonzero(group <= t)
            est, inf = agg(keep, pgg[keep] / pgg[keep].sum(), wif(keep, pgg, group))
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
            weights = pg / pg.sum()
            overall_inf = inf_g @ weights + wif(np.arange(len(self.glist)), pg, self.glist) @ att_g
            overall = float(att_g @ weights)
        elif kind == "dynamic":
            e_all = t - group
            ests, infs = [], []
            for e in np.unique(e_all):
                which = np.flatnonzero(e_all == e)
                est, inf = agg(which, pgg[which] / pgg[which].sum(), wif(which, pgg, group))
                ests.append(est)
                infs.append(inf)
                rows.append((e, est, se(inf)))
            post = np.unique(e_all) >= 0
            self._dynamic_inf = np.column_stack(infs)
            overall = float(np.mean(np.array(ests)[post]))
            overall_inf = np.column_stack(infs)[:, post].mean(axis=1)
        else:  # calendar
            ests, infs = [], []
            for year in np.unique(t[t >= group.min()]):
                which = np.flatnonzero((t == year) & (group <= t))
                est, inf = agg(which, pgg[which] / pgg[which].sum(), wif(which, pgg, group))
                ests.append(est)
                infs.append(inf)
                rows.append((year, est, se(inf)))
            overall = float(np.mean(ests))
            overall_inf = np.column_stack(infs).mean(axis=1)
        table = pd.DataFrame(rows, columns=["egt", "att", "se"])
        table["ci_low"] = table["att"] - crit * table["se"]
        table["ci_high"] = table["att"] + crit * table["se"]
        return Aggregation(kind, overall, se(overall_inf), table, crit)


def att_gt(data: pd.DataFrame, yname: str, tname: str, idname: str, gname: str,
           control_group: str = "notyettreated", anticipation: int = 0) -> FastCS:
    """Unconditional Callaway & Sant'Anna ATT(g,t) on a balanced panel, varying base period.

    ATT(g,t) = E[Y_t - Y_b | G=g] - E[Y_t - Y_b | C], with b = g - 1 - anticipation for
    post-treatment cells and b = t - 1 before; C = never treated, or also not yet treated
    by t + anticipation (CS 2021, eqs. 2.6-2.7). Influence functions are scaled to the full
    sample as in R ``did``.
    """
    if control_group not in CONTROL_GROUPS:
        raise ParameterError(f"control_group={control_group!r}: expected one of {', '.join(CONTROL_GROUPS)}")
    ids, id_index = np.unique(data[idname].to_numpy(), return_inverse=True)
    tlist, t_index = np.unique(data[tname].to_numpy(), return_inverse=True)
    n, T = len(ids), len(tlist)
    if len(data) != n * T:
        raise ParameterError(f"the panel is not balanced: {len(data)} rows for {n} units x {T} periods")
    Y = np.empty((n, T))
    Y[id_index, t_index] = data[yname].to_numpy(dtype=float)
    G = np.zeros(n)
    G[id_index] = data[gname].to_numpy(dtype=float)
    G[G > tlist.max()] = 0  # treated after the last period: never treated within the sample
    glist = np.unique(G[(G > 0) & (G > tlist[0] + anticipation)])
    keep_units = (G == 0) | (G > tlist[0] + anticipation)  # drop always-treated units
    Y, G, n = Y[keep_units], G[keep_units], int(keep_units.sum())
    rows, columns = [], []
    for g in glist:
        for k in range(1, T):
            current = tlist[k]
            if g <= current:  # post: base is the last period before g - anticipation
                base_k = int(np.flatnonzero(tlist + anticipation < g)[-1])
            else:
                base_k = k - 1
            treated = G == g
            if control_group == "nevertreated":
                control = G == 0
            else:
                control = ((G == 0) | (G > tlist[max(k, base_k)] + anticipation)) & (G != g)
            sub = treated | control
            dy = Y[:, k] - Y[:, base_k]
            n1 = sub.sum()
            p1 = treated.sum() / n1
            mu1, mu0 = dy[treated].mean(), dy[control].mean()
            psi = np.zeros(n)
            psi[treated] = (dy[treated] - mu1) / p1
            psi[control] = -(dy[control] - mu0) / (1 - p1)
            columns.append(psi * n / n1)
            rows.append((int(g), int(current), mu1 - mu0))
    inffunc = np.column_stack(columns)
    table = pd.DataFrame(rows, columns=["group", "time", "att"])
    table["se"] = np.sqrt(np.mean(inffunc**2, axis=0) / n)
    return FastCS(table, inffunc, G, glist, n)
