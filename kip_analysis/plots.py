"""Figures for the notebooks and memos. Each function returns a matplotlib Figure whose
caption (``fig._kip_caption``) names the data it draws and their sources.
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
    ax_round.bar(shown["round"] - width / 2, shown["products"], width, label="products",
                 color=PALETTE["products"])
    ax_round.bar(shown["round"] + width / 2, shown["firms"], width, label="firms",
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
                color=PALETTE["products"], label="products (sum of rounds)")
    ax_cum.plot(shown["round"], shown["firms_cumulative"], marker="o",
                color=PALETTE["firms"], label="firms (sum of rounds)")
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
        "Products and firms recognised per round (sources: 000, 004 for 2018; web_figures.csv "
        "rows for 2019-2025). Grey bands: count targets, placed above the count at the start "
        "of the target's period (sources in the targets table)."
    )
    return fig
