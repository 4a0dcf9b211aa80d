"""The programme-effects analysis as one function: ``run(params) -> EffectsRun``, holding every
decision notebook 02 used to make (the memo year's censoring of later rounds, the comparison
table and its intervals, the exporting margins, the subgroups, the census power table);
:func:`section` turns the results into the memo's Section. The notebook is: validate, run,
display.

May import: data, estimators, memory, report, analyses.effects.*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kip_analysis.analyses.effects import estimates, margins, robustness
from kip_analysis.analyses.effects import section as effects_section
from kip_analysis.analyses.effects.params import EffectsParams
from kip_analysis.analyses.effects.section import EffectsResults
from kip_analysis.analyses.effects.work import estimate_params
from kip_analysis.data import processed, provenance
from kip_analysis.data.firm_panel import FirmPanel, load_firm_panel
from kip_analysis.estimators import did
from kip_analysis.estimators.did_types import Z95
from kip_analysis.memory import shared
from kip_analysis.report import figures
from kip_analysis.report.section import Section

#: Year of the balance table: the last census year before the 2018 relaunch's first round.
BALANCE_YEAR: int = 2017
#: Subgroups of the heterogeneity table.
SUBGROUPS: tuple[str, ...] = ("sector", "ownership")


@dataclass
class EffectsRun:
    """Everything the effects analysis computed for one memo year."""

    results: EffectsResults
    label: str  # the firm panel's label (SIMULATED or the extract's)
    simulated: bool
    balance: pd.DataFrame  # recognised vs other firms before recognition
    calibration: pd.DataFrame | None  # the SIMULATED panel's calibration table (None for an extract)
    mde: pd.DataFrame  # what a census extract could detect
    control_fact: str  # the fact behind the number of comparison firms


def memo_panel(firms: FirmPanel, memo_year: int) -> pd.DataFrame:
    """The firm panel as a memo of ``memo_year`` sees it: its years up to then, later rounds not yet recognised."""
    panel = firms.data[firms.data["year"] <= memo_year].copy()
    panel.loc[panel["kip_round"] > memo_year, "kip_round"] = 0
    return panel


def with_intervals(rows: pd.DataFrame) -> pd.DataFrame:
    """Add the 95% normal interval, estimate +/- z se."""
    return rows.assign(ci_low=rows["estimate"] - Z95 * rows["se"], ci_high=rows["estimate"] + Z95 * rows["se"])


def comparison_table(data: pd.DataFrame, p: EffectsParams, firms: FirmPanel, cs: did.CSResult,
                     tw: did.Twfe) -> pd.DataFrame:
    """Naive, TWFE, unconditional and doubly robust CS side by side (and the truth when SIMULATED)."""
    simple = cs.aggregate("simple")
    plain = did.callaway_santanna(data, "y", "year", "id", "gname", p.control_group, None, p.anticipation,
                                  allow_unbalanced=True).aggregate("simple")
    rows = [
        {"estimator": "naive comparison", "estimate": did.naive_comparison(data), "se": np.nan},
        {"estimator": "TWFE", "estimate": tw.att, "se": tw.se},
        {"estimator": "Callaway–Sant'Anna unconditional (simple)", "estimate": plain.overall_att,
         "se": plain.overall_se},
        {"estimator": effects_section.HEADLINE_ROW, "estimate": simple.overall_att, "se": simple.overall_se},
    ]
    if firms.simulated:
        rows.append({"estimator": effects_section.TRUTH_ROW,
                     "estimate": estimates.true_simple(firms.truth.effects, data, p.outcome), "se": np.nan})
    return with_intervals(pd.DataFrame(rows))


def margin_table(panel: pd.DataFrame, p: EffectsParams, firms: FirmPanel) -> pd.DataFrame:
    """Exporting: the extensive margin by CS, and exports with zeros by PPML (extended TWFE)."""
    exporters = estimates.prepare_panel(panel, "exporter")
    ext = did.callaway_santanna(exporters, "y", "year", "id", "gname", p.control_group, p.covariates,
                                allow_unbalanced=True).aggregate("simple")
    ppml = margins.ppml_cells(panel, "exports_usd_m", p.memo_year)
    rows = with_intervals(pd.DataFrame([
        {"outcome": "exporter (share of firms)", "estimator": "Callaway–Sant'Anna, same settings",
         "estimate": ext.overall_att, "se": ext.overall_se},
        {"outcome": "exports (USD, zeros kept)", "estimator": "PPML, extended TWFE (Wooldridge 2023)",
         "estimate": ppml["estimate"], "se": ppml["se"]},
    ]))
    if firms.simulated:
        rows["truth"] = [estimates.true_simple(firms.truth.effects, exporters, "exporter"),
                         margins.true_overall(firms.truth.att_truth, ppml["cells"])]
    return rows


@shared
def estimate(firms: FirmPanel, p: EffectsParams) -> dict:
    """Every estimate of the effects analysis (cached on disk by the panel's and the parameters' contents, with
    the warnings the estimators raised: the tests, the notebook and a memo of a later year with the same panel
    share them; ``p`` as :func:`estimate_params`).
    """
    panel = memo_panel(firms, p.memo_year)
    data = estimates.prepare_panel(panel, p.outcome)
    cs = did.callaway_santanna(data, "y", "year", "id", "gname", p.control_group, p.covariates,
                               p.anticipation, allow_unbalanced=True)
    tw = did.twfe(data)
    comparison = comparison_table(data, p, firms, cs, tw)
    truth = (estimates.true_aggregates(firms.truth.att_truth, data, p.outcome, p.memo_year)
             if firms.simulated else None)
    es, cs_universal = robustness.event_study(data, p.control_group, p.covariates, p.anticipation, p.n_boot,
                                              twfe=tw)
    pretests = robustness.pretests(cs_universal, cs, robustness.pretest_permutation(data, p.control_group,
                                                                                     p.n_permutations))
    sensitivity, breakdown = robustness.honest_did(cs_universal)
    plain = comparison.set_index("estimator").loc["Callaway–Sant'Anna unconditional (simple)", "estimate"]
    effects = firms.truth.effects if firms.simulated else None
    return {
        "comparison": comparison, "event_study": es, "truth_dynamic": truth["dynamic"] if truth else None,
        "pretests": pretests, "sensitivity": sensitivity, "breakdown": breakdown,
        "placebo": robustness.placebo_dates(data, p.control_group, p.covariates),
        "permutation": robustness.permutation_test(data, float(plain), p.control_group, p.n_permutations),
        "heterogeneity": pd.concat([
            estimates.heterogeneity(data, by, p.control_group, p.covariates, effects, p.outcome)
            .rename(columns={by: "subgroup"}).assign(by=by) for by in SUBGROUPS], ignore_index=True),
        "margins": margin_table(panel, p, firms), "sample": data.attrs, "cohorts": robustness.cohort_table(cs),
        "balance": estimates.balance_table(data, panel, BALANCE_YEAR)}


def run(p: EffectsParams, firms: FirmPanel | None = None) -> EffectsRun:
    """Every number of the effects analysis for one memo year (``firms``: a panel already loaded)."""
    firms = firms or load_firm_panel(p.data_source, variant=p.variant)
    e = estimate(firms, estimate_params(firms, p))
    bands = "uniform 95% band (multiplier bootstrap)" if p.n_boot > 0 else "pointwise 95% interval"
    fig = figures.event_study(e["event_study"], e["truth_dynamic"], firms.label, p.outcome, bands)
    tables = processed.load_all(p.memo_year, processed.default_vintage(p.memo_year))
    n_firms, firms_fact = estimates.industrial_firms(tables["facts"])
    rounds = tables["recognition_rounds"]
    mde = estimates.mde_table(rounds, p.memo_year, n_firms - int(rounds["firms"].sum()))
    results = EffectsResults(e["comparison"], e["event_study"], e["pretests"], e["sensitivity"], e["breakdown"],
                             e["placebo"], e["permutation"], e["heterogeneity"], e["margins"], e["sample"], fig,
                             e["cohorts"])
    return EffectsRun(results, firms.label, firms.simulated, e["balance"],
                      firms.truth.calibration if firms.simulated else None, mde,
                      f"fact {firms_fact}, low end")


def section(r: EffectsRun, p: EffectsParams) -> Section:
    """The memo Section of the results (a pure function of them and the parameters). The calibration
    table cites every vintage: it is shown in the notebook, not in the memo.
    """
    return effects_section.build_section(
        r.results, r.label, r.simulated, p.outcome, p.control_group, p.covariates,
        params={"data_source": p.data_source, "outcome": p.outcome, "control_group": p.control_group,
                "covariates": list(p.covariates), "anticipation": p.anticipation, "memo_year": p.memo_year,
                "n_boot": p.n_boot, "n_permutations": p.n_permutations, "variant": p.variant},
        raw_sha256=provenance.raw_checksums(), rules=estimates.SAMPLE_RULES, mde=r.mde, control_fact=r.control_fact)
