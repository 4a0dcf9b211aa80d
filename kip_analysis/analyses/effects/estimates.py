"""The programme-effects analysis's own steps: the estimation sample from the firm panel,
the balance table, heterogeneity by subgroup and the simulation's true effects.

May import: errors, estimators (did, power).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kip_analysis.errors import ParameterError
from kip_analysis.estimators.did import callaway_santanna, cohort_sizes
from kip_analysis.estimators.power import minimum_detectable_effect

#: Outcomes the analysis can study (log of the panel column).
OUTCOMES: dict[str, str] = {
    "log_revenue": "revenue_vnd_bn", "log_exports": "exports_usd_m", "log_employment": "employment",
}
#: Time-invariant covariates for doubly robust estimation.
COVARIATES: tuple[str, ...] = ("size_2010", "fdi")


def prepare_panel(panel: pd.DataFrame, outcome: str = "log_revenue") -> pd.DataFrame:
    """Estimation sample from the firm panel: the outcome in logs, an integer firm id,
    ``gname`` (recognition round, 0 = never, as in R's ``did``), time-invariant covariates
    (log revenue in the first year, FDI), and only firms observed in every year (a balanced panel).
    The number of firms left out is in ``attrs["excluded_firms"]``.
    """
    if outcome not in OUTCOMES:
        raise ParameterError(f"outcome={outcome!r}: expected one of {', '.join(OUTCOMES)}")
    years = panel["year"].nunique()
    counts = panel.groupby("firm_id")["year"].transform("size")
    balanced = panel[counts == years].copy()
    excluded = panel["firm_id"].nunique() - balanced["firm_id"].nunique()
    balanced["y"] = np.log(balanced[OUTCOMES[outcome]].clip(lower=1e-9))
    balanced["id"] = pd.factorize(balanced["firm_id"], sort=True)[0] + 1
    balanced["gname"] = balanced["kip_round"].astype(int)
    first_year = balanced["year"].min()
    base = balanced[balanced["year"] == first_year].set_index("firm_id")["revenue_vnd_bn"]
    balanced["size_2010"] = np.log(balanced["firm_id"].map(base))
    balanced["fdi"] = (balanced["ownership"] == "fdi").astype(float)
    out = balanced[["id", "firm_id", "year", "y", "gname", "size_2010", "fdi", "sector", "ownership"]]
    out = out.sort_values(["id", "year"]).reset_index(drop=True)
    out.attrs["excluded_firms"] = int(excluded)
    out.attrs["outcome"] = outcome
    return out


def heterogeneity(data: pd.DataFrame, by: str, control_group: str = "notyettreated") -> pd.DataFrame:
    """Overall (simple) CS ATT within each value of ``by`` (sector, ownership): treated and
    control firms of that subgroup only; subgroups with fewer than 5 recognised firms are skipped.
    """
    rows = []
    for value, sub in data.groupby(by):
        treated = sub.loc[sub["gname"] > 0, "id"].nunique()
        if treated < 5:
            rows.append({by: value, "treated_firms": treated, "att": np.nan, "se": np.nan,
                         "note": "fewer than 5 recognised firms"})
            continue
        agg = callaway_santanna(sub, "y", "year", "id", "gname", control_group).aggregate("simple")
        rows.append({by: value, "treated_firms": treated, "att": agg.overall_att, "se": agg.overall_se, "note": ""})
    return pd.DataFrame(rows)


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
        "log exports": np.log(now["exports_usd_m"].clip(lower=1e-9)),
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


def mde_table(rounds: pd.DataFrame, memo_year: int, n_control: int, first_year: int = 2010,
              sigmas: tuple[float, ...] = POWER_SIGMAS, rhos: tuple[float, ...] = POWER_RHOS) -> pd.DataFrame:
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
    rows = []
    for name, n_treated, pre, post in groups:
        row = {"recognised group": name, "treated firms": n_treated, "control firms": n_control,
               "years before": pre, "years after": post}
        for sigma in sigmas:
            for rho in rhos:
                row[f"MDE, sigma {sigma:g}, rho {rho:g}"] = minimum_detectable_effect(
                    n_treated, n_control, pre, post, sigma, rho)
        rows.append(row)
    return pd.DataFrame(rows)


def industrial_firms(facts: pd.DataFrame) -> tuple[int, str]:
    """The sourced number of industrial firms in Hanoi (low end of the range) and its fact id."""
    rows = facts[facts["metric"] == "industrial_firms"]
    if rows.empty:
        raise ParameterError("no sourced count of Hanoi's industrial firms among these facts")
    first = rows.sort_values("fact_id").iloc[0]
    return int(first["value_low"]), str(first["fact_id"])

