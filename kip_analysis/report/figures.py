"""Figures for the notebooks and memos. Each function returns a matplotlib Figure whose
caption (``fig._kip_caption``) names the data it draws and their sources.

May import: nothing from the package.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

PALETTE = {"products": "#1f4e79", "firms": "#c55a11", "target": "#7f7f7f"}


def programme_timeline(rounds: pd.DataFrame, targets: pd.DataFrame, as_of_year: int) -> Figure:
    """Recognition rounds to ``as_of_year``: products and firms per round (bars) and
    cumulative (lines), with the count targets drawn as bands.

    Parameters
    ----------
    rounds
        The ``recognition_rounds`` processed table.
    targets
        The ``targets`` processed table (count targets are drawn).
    as_of_year
        Last round shown.
    """
    shown = rounds[rounds["round"] <= as_of_year]
    fig, (ax_round, ax_cum) = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    plt.close(fig)  # shown by the caller with display(fig); not twice by the inline backend
    width = 0.38
    ax_round.bar(shown["round"] - width / 2, shown["products"], width, label="product-recognitions",
                 color=PALETTE["products"])
    ax_round.bar(shown["round"] + width / 2, shown["firms"], width, label="firm-recognitions",
                 color=PALETTE["firms"])
    for _, r in shown.iterrows():
        ax_round.annotate(f"{r['products']}", (r["round"] - width / 2, r["products"]),
                          ha="center", va="bottom", fontsize=8)
        ax_round.annotate(f"{r['firms']}", (r["round"] + width / 2, r["firms"]),
                          ha="center", va="bottom", fontsize=8)
    ax_round.set_title("Recognised per round")
    ax_round.set_xticks(shown["round"])
    ax_round.legend(frameon=False)
    ax_round.spines[["top", "right"]].set_visible(False)

    ax_cum.plot(shown["round"], shown["products_cumulative"], marker="o",
                color=PALETTE["products"], label="product-recognitions (sum of rounds)")
    ax_cum.plot(shown["round"], shown["firms_cumulative"], marker="o",
                color=PALETTE["firms"], label="firm-recognitions (sum of rounds)")
    count_targets = targets[(targets["metric"] == "kip_products_cumulative")
                            & (targets["target_year"] <= as_of_year + 5)]
    for _, t in count_targets.iterrows():
        start = int(t["cohort"][:4]) if isinstance(t["cohort"], str) else int(t["target_year"])
        base = rounds.loc[rounds["round"] == start - 1, "products_cumulative"]
        offset = float(base.iloc[0]) if len(base) else 0.0
        ax_cum.plot([t["target_year"]] * 2, [offset + t["low"], offset + t["high"] + 1e-9],
                    color=PALETTE["target"], lw=6, alpha=0.5, solid_capstyle="butt")
        ax_cum.annotate(f"target {t['target_id']}: {t['low']:g}–{t['high']:g} products "
                        f"({t['cohort']})", (t["target_year"], offset + t["high"]),
                        xytext=(-4, 6), textcoords="offset points", ha="right", fontsize=7,
                        color="#404040")
    ax_cum.set_title("Cumulative since the 2018 relaunch")
    ax_cum.set_xticks(rounds["round"])
    ax_cum.set_xlim(rounds["round"].min() - 0.5, rounds["round"].max() + 0.5)
    ax_cum.legend(frameon=False, loc="upper left")
    ax_cum.spines[["top", "right"]].set_visible(False)
    fig._kip_caption = (
        "Product- and firm-recognitions per round (sources: 000, 004 for 2018; web_figures.csv "
        "rows for 2019-2025). Grey bands: count targets, placed above the count at the start "
        "of the target's period (sources in the targets table)."
    )
    return fig


def share_fan(fan: pd.DataFrame, computed: pd.DataFrame, targets: pd.DataFrame, which: str,
              as_of_year: int, scenario: str, simulated: bool = False) -> Figure:
    """Fan chart of a KIP share (median, 80% and 95% bands) with the share computed from the
    sourced rows and the target bands drawn.

    Parameters
    ----------
    fan
        ``ShareForecast.fan(which)``.
    computed
        ``kip_analysis.analyses.targets.shares.shares`` table (shares from all sourced rows).
    targets
        The ``targets`` processed table.
    which
        ``output`` or ``export``.
    as_of_year, scenario
        Forecast date and scenario name, for the title and caption.
    simulated
        The scenario's exit rate is estimated on the SIMULATED firm panel (the caption says so).
    """
    metric = f"kip_{which}_share"
    fig, ax = plt.subplots(figsize=(7.5, 3.8), constrained_layout=True)
    plt.close(fig)
    color = PALETTE["products"] if which == "output" else PALETTE["firms"]
    ax.fill_between(fan["year"], fan["q025"], fan["q975"], color=color, alpha=0.15, label="95% interval")
    ax.fill_between(fan["year"], fan["q10"], fan["q90"], color=color, alpha=0.3, label="80% interval")
    ax.plot(fan["year"], fan["median"], color=color, lw=2, label=f"median forecast (as of {as_of_year})")
    col = f"{which}_share"
    ax.plot(computed["year"], computed[col], color="black", marker="o", lw=1,
            label="computed from sourced rows")
    for t in targets[targets["metric"] == metric].itertuples():
        ax.plot([t.target_year] * 2, [t.low, max(t.high, t.low + 0.4)], color=PALETTE["target"], lw=7,
                alpha=0.6, solid_capstyle="butt")
        ax.annotate(f"{t.target_id} ({t.kind}) {t.low:g}–{t.high:g}%", (t.target_year, t.high),
                    xytext=(4, 2), textcoords="offset points", fontsize=7, color="#404040")
    if (computed[col] > 100).any() or (fan["median"] > 100).any():
        ax.axhline(100, color="#b00020", lw=0.8, ls="--")
        ax.annotate("100%: a share above this line is definitionally impossible", (computed["year"].min(), 100),
                    xytext=(0, 3), textcoords="offset points", fontsize=7, color="#b00020")
    ax.set_ylabel("percent")
    ax.set_title(f"KIP share of city {'industrial production value' if which == 'output' else 'exports'} "
                 f"({scenario})")
    ax.legend(frameon=False, fontsize=7, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    fig._kip_caption = (
        f"KIP {which} share: black = computed from sourced rows (numerators: in-force rounds' revenue/exports, "
        "web_figures.csv and sources 000/002; denominator: "
        + ("2018 anchor b015/b017 carried by the industrial production index" if which == "output"
           else "city exports, web_figures.csv")
        + f"); bands = Monte Carlo forecast as of {as_of_year}, scenario {scenario}; grey = targets (sources in "
        "the targets table)."
        + (" The bands use an exit rate estimated on the SIMULATED firm panel (04_land_relocation)." if simulated
           else "")
    )
    return fig


def lease_ratios(ratios: pd.DataFrame, chosen: float) -> Figure:
    """Hanoi / comparator rent ratio by consultant and period, with the ratio the analysis uses."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6), constrained_layout=True)
    plt.close(fig)
    labels = [f"{r.consultant} {r.period}: vs {r.comparator}" for r in ratios.itertuples()]
    colors = ["#7f7f7f" if r.consultant.startswith("source 001") else PALETTE["products"]
              for r in ratios.itertuples()]
    ax.barh(range(len(ratios)), ratios["ratio"], color=colors)
    ax.set_yticks(range(len(ratios)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.axvline(chosen, color=PALETTE["firms"], lw=1.5, ls="--")
    ax.annotate(f"scenario ratio (parameter): {chosen:g}", (chosen, len(ratios) - 0.5), xytext=(3, 0),
                textcoords="offset points", fontsize=8, color=PALETTE["firms"])
    ax.axvline(1, color="black", lw=0.6)
    ax.set_xlabel("Hanoi rent / comparator rent (midpoints of ranges)")
    ax.spines[["top", "right"]].set_visible(False)
    fig._kip_caption = ("Industrial-park rents (USD per m² per lease term) from CBRE, Savills, Cushman & Wakefield "
                        "and an unnamed 2022 series via the press (web_figures.csv rows named on each bar), and "
                        "source 001's 1.5–2x claim (grey). The dashed line is the lease_ratio parameter, a scenario "
                        "on the elasticity curve; the models use the sourced ratio by year.")
    return fig


def subsidy_curve(counterfactual: pd.DataFrame, label: str) -> Figure:
    """Subsidy share -> relocations avoided and KIP export share points kept, with 5-95% bands."""
    fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(9, 3.5), constrained_layout=True)
    plt.close(fig)
    for ax, quantity, title in ((ax_a, "relocations_avoided", "Relocations avoided per year"),
                                (ax_b, "export_share_points_kept", "KIP export share points kept")):
        q = counterfactual[counterfactual["quantity"] == quantity]
        ax.fill_between(q["subsidy_share"], q["q05"], q["q95"], color=PALETTE["products"], alpha=0.25,
                        label="5–95% band")
        ax.plot(q["subsidy_share"], q["median"], color=PALETTE["products"], lw=2, label="median")
        ax.set_title(f"{title} ({label})", fontsize=10)
        ax.set_xlabel("share of the lease gap subsidised")
        ax.spines[["top", "right"]].set_visible(False)
    ax_a.legend(frameon=False, fontsize=8)
    fig._kip_caption = (f"Counterfactual lease subsidies from the location choice estimated on the {label} firm "
                        "panel; share points against the city exports built from sourced rows (03_targets). Bands "
                        "from draws of the choice model's coefficients. Kept in Hanoi, not in the region.")
    return fig


def event_study(es: pd.DataFrame, truth: pd.DataFrame | None, label: str, outcome: str, bands: str) -> Figure:
    """Event study with one base period (e = -1) for every estimator: the rows of ``es``
    (estimator, covariate_adjusted, event_time, estimate, ci_low, ci_high), the first
    estimator with its band, and the true effects when the panel is simulated.
    """
    fig, ax = plt.subplots(figsize=(8, 4), constrained_layout=True)
    plt.close(fig)
    es = es[(es["event_time"] >= -6) & (es["event_time"] <= 7)]
    styles = [(PALETTE["products"], "o", 2), ("#9467bd", "D", 0), ("#2e8b57", "s", 0), (PALETTE["firms"], "^", 0)]
    for k, (name, rows) in enumerate(es.groupby("estimator", sort=False)):
        color, marker, lw = styles[k % len(styles)]
        shift = 0.1 * k
        adjusted = " (covariate-adjusted)" if bool(rows["covariate_adjusted"].iloc[0]) else ""
        if k == 0:
            ax.fill_between(rows["event_time"], rows["ci_low"], rows["ci_high"], color=color, alpha=0.2,
                            label=f"{name}: {bands}")
        ax.plot(rows["event_time"] + shift, rows["estimate"], color=color, marker=marker, lw=lw,
                label=name + adjusted)
    if truth is not None:
        tr = truth[(truth["event_time"] >= -6) & (truth["event_time"] <= 7)]
        ax.plot(tr["event_time"], tr["att"], color="black", ls="--", lw=1.2, label="true effect (SIMULATED)")
    ax.axhline(0, color="black", lw=0.6)
    ax.axvline(-1, color="#7f7f7f", lw=0.6, ls=":")
    ax.set_xlabel("years since first recognition (base: e = -1)")
    ax.set_ylabel(f"effect on {outcome.replace('_', ' ')}")
    ax.set_title(f"Effect of KIP recognition by years since recognition ({label})")
    ax.legend(frameon=False, fontsize=7, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    adjusted = sorted(es.loc[es["covariate_adjusted"].astype(bool), "estimator"].unique())
    fig._kip_caption = (f"{label} firm panel. Every estimator is relative to the same base year, the year before "
                        "first recognition (e = -1): Callaway & Sant'Anna (2021) with a universal base period, "
                        "Sun & Abraham (2021) interaction-weighted estimates and a TWFE event study (pyfixest). "
                        f"Covariate-adjusted: {', '.join(adjusted) if adjusted else 'none'}. Band: {bands}. "
                        "Standard errors clustered by firm.")
    return fig
