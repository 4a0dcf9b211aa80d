"""Outcomes with zeros: exports by Poisson pseudo-maximum likelihood (PPML) in an extended
two-way fixed effects design, instead of logs of clipped zeros.

May import: errors, estimators.did_types.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd

from kip_analysis.errors import ParameterError, captured
from kip_analysis.estimators.did_types import Z95


def ppml_cells(panel: pd.DataFrame, outcome: str = "exports_usd_m", last_year: int | None = None) -> dict:
    """PPML event study of a non-negative outcome with zeros (Wooldridge 2023's extended TWFE).

    E[y_it] = exp(a_i + l_t + sum_{g, s >= g} b_gs 1[G_i = g, t = s]) by ``pyfixest.fepois``,
    firm and year effects absorbed, SEs clustered by firm. Each b_gs is the log of the ratio of
    the cohort's mean outcome to its counterfactual mean in year s (parallel trends in ratios);
    the overall effect averages them with cohort-size weights, its SE by the delta method.
    Firms whose outcome is zero in every year carry no information in PPML and drop out
    (counted in ``dropped_firms``).
    """
    import pyfixest as pf

    if outcome not in panel.columns:
        raise ParameterError(f"outcome {outcome!r} is not a panel column")
    d = panel[["firm_id", "year", "kip_round", outcome]].copy()
    if last_year is not None:
        d = d[d["year"] <= last_year]
        d.loc[d["kip_round"] > last_year, "kip_round"] = 0
    d = d.rename(columns={outcome: "y"})
    post = (d["kip_round"] > 0) & (d["year"] >= d["kip_round"])
    d["cell"] = np.where(post, d["kip_round"].astype(str) + "_" + d["year"].astype(str), "none")
    positive = d.groupby("firm_id")["y"].transform("max") > 0
    dropped = int(d.loc[~positive, "firm_id"].nunique())
    d = d[positive]
    with captured("pyfixest PPML"), contextlib.redirect_stdout(io.StringIO()):
        fit = pf.fepois("y ~ i(cell, ref='none') | firm_id + year", data=d, vcov={"CRV1": "firm_id"})
    names = [c for c in fit._coefnames if c.startswith("cell::")]
    idx = [fit._coefnames.index(c) for c in names]
    b = np.asarray(fit.coef())[idx]
    V = np.asarray(fit._vcov)[np.ix_(idx, idx)]
    cells = pd.DataFrame({"group": [int(c.split("::")[1].split("_")[0]) for c in names],
                          "time": [int(c.split("_")[-1]) for c in names], "estimate": b,
                          "se": np.sqrt(np.diag(V))})
    sizes = d[d["kip_round"] > 0].groupby("kip_round")["firm_id"].nunique()
    w = cells["group"].map(sizes).to_numpy(dtype=float)
    w = w / w.sum()
    cells["weight"] = w
    overall = float(w @ b)
    se = float(np.sqrt(w @ V @ w))  # delta method for a linear combination
    return {"cells": cells, "estimate": overall, "se": se, "ci_low": overall - Z95 * se,
            "ci_high": overall + Z95 * se, "dropped_firms": dropped, "firms": int(d["firm_id"].nunique())}


def true_overall(att_truth: pd.DataFrame, cells: pd.DataFrame, outcome: str = "exports_ppml") -> float:
    """The SIMULATED truth of an overall effect: the true ATT(g,t) of ``outcome`` averaged with the
    estimator's own cell weights (``cells``: group, time, weight).
    """
    merged = cells.merge(att_truth[att_truth["outcome"] == outcome], on=["group", "time"], how="left")
    return float((merged["att"] * merged["weight"]).sum() / merged["weight"].sum())
