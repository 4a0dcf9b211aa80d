"""The programme-effects analysis's own steps: the estimation sample from the firm panel (with
its exclusion rules counted), the balance table, heterogeneity by subgroup with the headline
estimator, the simulation's true effects and what a census extract could detect.

May import: errors, estimators (did, power), analyses.effects.params.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.analyses.effects.params import OUTCOMES
from kip_analysis.errors import ParameterError
from kip_analysis.estimators.did import callaway_santanna, cohort_sizes
from kip_analysis.estimators.power import minimum_detectable_effect

#: The rules that make the estimation sample, as the memo states them.
SAMPLE_RULES: str = (
    "unbalanced panel: each ATT(g,t) uses the firms observed in both year t and its base year, so firms that enter "
    "after 2010 or exit are kept for the years they are observed; size_base is log revenue in the firm's first "
    "observed year (2010 for firms alive then); a firm recognised in or before its first observed year has no "
    "pre-recognition year and is left out; log outcomes drop firm-years with a zero (counted), never clip them")


def prepare_panel(panel: pd.DataFrame, outcome: str = "log_revenue") -> pd.DataFrame:
    """Estimation sample from the firm panel (the rules are :data:`SAMPLE_RULES`).

    Columns: ``id`` (integer), ``firm_id``, ``year``, ``y`` (the outcome: a log, or 0/1 for
    ``exporter``), ``gname`` (first recognition round, 0 = never, as in R's ``did``: the
    intent-to-treat timing), covariates ``size_base`` and ``fdi``, ``sector``, ``ownership``.
    ``attrs`` counts what was left out: ``zero_rows`` (non-positive values of a log outcome),
    ``no_pre_period_firms``, ``no_base_size_firms``, and describes the panel (``firms``,
    ``entrants``: first observed after the first year; ``unbalanced_firms``).
    """
    if outcome not in OUTCOMES:
        raise ParameterError(f"outcome={outcome!r}: expected one of {', '.join(OUTCOMES)}")
    d = panel.copy()
    first_year = int(d["year"].min())
    d = d.sort_values(["firm_id", "year"])
    first = d.groupby("firm_id")["year"].transform("min")
    base_revenue = d.groupby("firm_id")["revenue_vnd_bn"].transform("first")
    d["gname"] = d["kip_round"].astype(int)
    no_pre = (d["gname"] > 0) & (first >= d["gname"])
    no_base = base_revenue <= 0
    attrs = {"no_pre_period_firms": int(d.loc[no_pre, "firm_id"].nunique()),
             "no_base_size_firms": int(d.loc[no_base & ~no_pre, "firm_id"].nunique())}
    d = d[~no_pre & ~no_base].copy()
    d["size_base"] = np.log(d.groupby("firm_id")["revenue_vnd_bn"].transform("first"))
    d["fdi"] = (d["ownership"] == "fdi").astype(float)
    values = d[OUTCOMES[outcome]].astype(float)
    if outcome == "exporter":
        d["y"] = (values > 0).astype(float)
        attrs["zero_rows"] = 0
    else:
        attrs["zero_rows"] = int((values <= 0).sum())
        d = d[values > 0].copy()
        d["y"] = np.log(d[OUTCOMES[outcome]].astype(float))
    d["id"] = pd.factorize(d["firm_id"], sort=True)[0] + 1
    out = d[["id", "firm_id", "year", "y", "gname", "size_base", "fdi", "sector", "ownership"]]
    out = out.sort_values(["id", "year"]).reset_index(drop=True)
    counts = out.groupby("id")["year"].size()
    attrs.update(firms=int(out["id"].nunique()),
                 entrants=int((out.groupby("id")["year"].min() > first_year).sum()),
                 unbalanced_firms=int((counts < out["year"].nunique()).sum()), outcome=outcome)
    out.attrs.update(attrs)
    return out


def true_simple(effects: pd.DataFrame, data: pd.DataFrame, outcome: str) -> float:
    """The simulation's true simple ATT on the firms in ``data``: the mean true effect in each
    post-recognition cohort-year cell, averaged with cohort-size weights as R's ``aggte``.
    """
    post = data.loc[(data["gname"] > 0) & (data["year"] >= data["gname"]), ["firm_id", "year", "gname"]]
    cells = post.merge(effects[["firm_id", "year", outcome]], on=["firm_id", "year"], how="left")
    cells[outcome] = cells[outcome].fillna(0.0)
    att = cells.groupby(["gname", "year"])[outcome].mean().reset_index()
    w = att["gname"].map(cohort_sizes(data)).astype(float)
    return float((att[outcome] * w).sum() / w.sum()) if len(att) else np.nan


def true_aggregates(att_truth: pd.DataFrame, data: pd.DataFrame, outcome: str, last_year: int) -> dict:
    """The simulation's true simple ATT and true event-time effects, weighted like R's ``aggte``
    (cohort sizes), over the cohorts and years in ``data``.
    """
    truth = att_truth[(att_truth["outcome"] == outcome) & (att_truth["time"] <= last_year)]
    sizes = cohort_sizes(data)
    truth = truth[truth["group"].isin(sizes.index)].copy()
    truth["w"] = truth["group"].map(sizes)
    post = truth[truth["time"] >= truth["group"]]
    simple = float((post["att"] * post["w"]).sum() / post["w"].sum())
    truth["e"] = truth["time"] - truth["group"]
    dynamic = truth.groupby("e").apply(lambda g: (g["att"] * g["w"]).sum() / g["w"].sum(), include_groups=False)
    return {"simple": simple, "dynamic": dynamic.rename("att").reset_index().rename(columns={"e": "event_time"})}


def heterogeneity(data: pd.DataFrame, by: str, control_group: str = "notyettreated",
                  covariates: tuple[str, ...] = (), effects: pd.DataFrame | None = None,
                  outcome: str = "log_revenue") -> pd.DataFrame:
    """Overall (simple) CS ATT within each value of ``by`` (sector, ownership) with the headline's
    estimator (same control group and covariates, doubly robust when there are covariates);
    treated and comparison firms of that subgroup only. Subgroups with fewer than 5 recognised
    firms, or where the estimator cannot run (say, a covariate constant within the subgroup),
    are reported with the reason. With ``effects`` (SIMULATED) the true effect is shown beside.
    """
    rows = []
    for value, sub in data.groupby(by):
        treated = sub.loc[sub["gname"] > 0, "id"].nunique()
        row = {by: value, "treated_firms": treated, "att": np.nan, "se": np.nan, "note": ""}
        usable = tuple(c for c in covariates if sub[c].nunique() > 1)
        if treated < 5:
            row["note"] = "fewer than 5 recognised firms"
        else:
            try:
                agg = callaway_santanna(sub, "y", "year", "id", "gname", control_group, usable,
                                        allow_unbalanced=True).aggregate("simple")
                row.update(att=agg.overall_att, se=agg.overall_se)
                if usable != tuple(covariates):
                    row["note"] = f"covariates constant here dropped: {sorted(set(covariates) - set(usable))}"
            except ParameterError as err:
                row["note"] = f"not estimable: {err}"
        if effects is not None:
            row["true (SIMULATED)"] = true_simple(effects, sub, outcome) if treated else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def balance_table(data: pd.DataFrame, panel: pd.DataFrame, year: int) -> pd.DataFrame:
    """Recognised vs never-recognised firms before the programme (``year``): means and
    standardised differences of size, employment, exports, FDI share and recent growth.
    """
    df = panel[panel["year"].isin([year, year - 3])].copy()
    ever = df["firm_id"].map(data.groupby("firm_id")["gname"].first()).fillna(0) > 0
    df["recognised"] = ever.to_numpy()
    wide = df.pivot_table(index=["firm_id", "recognised"], columns="year", values="revenue_vnd_bn").reset_index()
    now = df[df["year"] == year].set_index("firm_id")
    wide = wide.set_index("firm_id")
    rows = []
    measures = {
        "log revenue": np.log(now["revenue_vnd_bn"]),
        "log employment": np.log(now["employment"].clip(lower=1)),
        "exporter (share)": (now["exports_usd_m"] > 0).astype(float),
        "FDI share": (now["ownership"] == "fdi").astype(float),
        f"revenue growth {year - 3}-{year} (log points)": np.log(wide[year] / wide[year - 3]),
    }
    flag = now["recognised"]
    for name, x in measures.items():
        x = x.reindex(flag.index)
        a, b = x[flag], x[~flag]
        sd = np.sqrt((a.var() + b.var()) / 2)
        rows.append({"measure": name, "recognised": a.mean(), "never recognised": b.mean(),
                     "standardised difference": (a.mean() - b.mean()) / sd if sd > 0 else np.nan})
    return pd.DataFrame(rows)


#: Within-firm residual SD of log revenue and its year-to-year correlation for the power table:
#: assumptions (no sourced value), shown as a grid.
POWER_SIGMAS: tuple[float, ...] = (0.3, 0.5)
POWER_RHOS: tuple[float, ...] = (0.3, 0.6)


#: Comparison-firm counts of a sample extract (a plausible request: a 10% or 30% sample of the census).
SAMPLE_SHARES: tuple[float, ...] = (0.1, 0.3)


def mde_table(rounds: pd.DataFrame, memo_year: int, n_control: int, first_year: int = 2010,
              sigmas: tuple[float, ...] = POWER_SIGMAS, rhos: tuple[float, ...] = POWER_RHOS,
              sample_shares: tuple[float, ...] = SAMPLE_SHARES) -> pd.DataFrame:
    """What a census extract could detect: the minimum detectable effect (log points, 80% power,
    5% two-sided test) for each round's sourced firm-recognitions and for all of them together,
    against ``n_control`` other firms, with the census years before and after recognition.
    """
    groups = [(f"{int(r.round)} round", int(r.firms), int(r.round) - first_year, min(3, memo_year - int(r.round) + 1))
              for r in rounds[rounds["round"] <= memo_year].itertuples()]
    if groups:
        total = sum(g[1] for g in groups)
        pre = round(sum(g[1] * g[2] for g in groups) / total)
        post = max(1, round(sum(g[1] * g[3] for g in groups) / total))
        groups.append((f"all rounds to {memo_year} (firm-recognitions)", total, pre, post))
        groups += [(f"all rounds to {memo_year}, {share:.0%} sample of other firms", total, pre, post, share)
                   for share in sample_shares]
    rows = []
    for name, n_treated, pre, post, *share in groups:
        controls = max(1, round(n_control * share[0])) if share else n_control
        row = {"recognised group": name, "treated firms": n_treated, "control firms": controls,
               "years before": pre, "years after": post}
        for sigma in sigmas:
            for rho in rhos:
                row[f"MDE, sigma {sigma:g}, rho {rho:g}"] = minimum_detectable_effect(
                    n_treated, controls, pre, post, sigma, rho)
        rows.append(row)
    return pd.DataFrame(rows)


def industrial_firms(facts: pd.DataFrame) -> tuple[int, str]:
    """The sourced number of industrial firms in Hanoi (low end of the range) and its fact id."""
    rows = facts[facts["metric"] == "industrial_firms"]
    if rows.empty:
        raise ParameterError("no sourced count of Hanoi's industrial firms among these facts")
    first = rows.sort_values("fact_id").iloc[0]
    return int(first["value_low"]), str(first["fact_id"])

