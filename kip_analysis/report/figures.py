"""Figures for the notebooks and memos, in one style (``kip.mplstyle``, Okabe-Ito colours). Each returns
a Figure whose title states its message, with attributes computed from the data drawn (never typed in):
``_kip_caption`` (what is drawn, from which sources), ``_kip_alt`` (what the chart shows, with its key
numbers) and ``_kip_data`` (the numbers plotted, tidy: one row per point, bar or band end, columns
``series``, ``x``, ``value``, ``unit``, ``source``). Artists that draw data carry ``gid=DATA_GID``.

May import: report.format, report.chart_style.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Annotation

from kip_analysis.report.chart_style import (  # noqa: F401 - DATA_COLUMNS, DATA_GID, place are part of the API
    DATA_COLUMNS,
    DATA_GID,
    OUTCOME_UNITS,
    PALETTE,
    SHARE_OF,
    STYLE_PATH,
    _band,
    _declutter,
    _finish,
    _listing,
    _rows,
    _span,
    place,
)
from kip_analysis.report.format import bounds, number, percent, value_range


def programme_timeline(rounds: pd.DataFrame, targets: pd.DataFrame, as_of_year: int) -> Figure:
    """Recognition rounds to ``as_of_year`` (``recognition_rounds`` table): products and firms per
    round (bars) and cumulative (lines), with the product-count targets (``targets`` table) as bands.

    A count target for a period (cohort "2021-2025") asks for ``low``-``high`` MORE products in that period:
    its band runs from base + low to base + high, base the cumulative count at the end of the year before
    the period (0 when the period starts with the relaunch).
    """
    shown = rounds[rounds["round"] <= as_of_year].sort_values("round")
    first, last, n = int(shown["round"].min()), int(shown["round"].max()), len(shown)
    ends, firms_end = shown.set_index("round")["products_cumulative"], shown["firms_cumulative"].iloc[-1]
    unit_cum, rows, bands, skipped, texts = "products recognised (cumulative)", [], [], [], []
    for what in ("products", "firms"):
        rows += _rows(f"{what[:-1]}-recognitions per round", shown["round"], shown[what], f"{what} recognised",
                      shown[f"{what}_sources"].astype(str))
        rows += _rows(f"{what[:-1]}-recognitions, cumulative", shown["round"], shown[f"{what}_cumulative"],
                      f"{what} recognised (cumulative)", [f"recognition_rounds: sum of rounds {first}–{r}"
                                                          for r in shown["round"]])
    count = targets[(targets["metric"] == "kip_products_cumulative") & (targets["target_year"] <= as_of_year + 5)]
    for t in count.sort_values("target_year").itertuples():
        period = t.cohort.replace("-", "–") if isinstance(t.cohort, str) else ""
        start = int(period[:4]) if period[:4].isdigit() else None
        if start is not None and start - 1 >= first and start - 1 not in ends.index:
            skipped.append(t.target_id)
            continue
        base_year = start - 1 if start is not None and start - 1 >= first else None
        base, src = (float(ends[base_year]), f"; base: recognition_rounds end-{base_year}") if base_year else (0.0, "")
        how = (f"{value_range(t.low, t.high)} more products in {period}, from {number(base)} at end-{base_year}"
               if base_year else f"{value_range(t.low, t.high, 'products')} in {period or t.target_year}, "
               "counted from the relaunch") + f"; band {value_range(base + t.low, base + t.high)} by {t.target_year}"
        bands.append((t, base, base_year, base + t.low, base + t.high, f"target {t.target_id}: {how}"))
        rows += [(f"target {t.target_id}, {end} end", int(t.target_year), base + v, unit_cum, t.target_id + src)
                 for end, v in (("low", t.low), ("high", t.high))]
    with plt.style.context(STYLE_PATH):
        fig, (ax_round, ax_cum) = plt.subplots(1, 2, figsize=(10, 4.8), layout="constrained")
        plt.close(fig)  # shown by the caller with display(fig); not twice by the inline backend
        for k, what in enumerate(("products", "firms")):
            bars = ax_round.bar(shown["round"] + (k - 0.5) * 0.38, shown[what], 0.38, color=PALETTE[what],
                                label=f"{what[:-1]}-recognitions in the round", gid=DATA_GID)
            texts += ax_round.bar_label(bars, labels=[number(v) for v in shown[what]], fontsize=7, padding=1)
            cum = shown[f"{what}_cumulative"]
            ax_cum.plot(shown["round"], cum, marker="o", color=PALETTE[what], gid=DATA_GID,
                        label=f"{what[:-1]}-recognitions, cumulative (sum of rounds)")
            texts.append(ax_cum.annotate(number(cum.iloc[-1]), (last, cum.iloc[-1]), xytext=(0, 5), ha="center",
                                         textcoords="offset points", fontsize=7, color=PALETTE[what]))
        for t, base, base_year, low, high, _ in bands:  # bands right of the year's point, in the products' colour
            _band(ax_cum, t.target_year + 0.35, low, high, 0.3, PALETTE["products"])
            if base_year is not None:  # the path the target asks for, from the count at the start of its period
                ax_cum.plot([base_year, t.target_year + 0.35], [base, low], [base_year, t.target_year + 0.35],
                            [base, high], color=PALETTE["products"], lw=0.8, ls=":", alpha=0.7)
            texts.append(ax_cum.annotate(t.target_id, (t.target_year + 0.5, (low + high) / 2), xytext=(3, 0),
                                         textcoords="offset points", va="center", fontsize=7, color=PALETTE["ink"]))
        right = max([last, *[int(b[0].target_year) for b in bands]])
        ax_cum.set(xlim=(first - 0.6, right + 1.4), xticks=range(first, right + 1, 1 + (right - first) // 10),
                   ylim=(0, max([ends.max(), *[b[4] for b in bands]]) * 1.1))
        ax_round.set_xticks(shown["round"].iloc[:: 1 + n // 10])
        ax_round.set(title="Recognised in each round", xlabel="recognition round (year)",
                     ylabel="recognised in the round\n(number of products; of firms)")
        ax_cum.set(title=f"Cumulative since {first}", xlabel="year (end of round)",
                   ylabel=f"recognised since {first}, cumulative\n(number of products; of firms)")
        fig.legend(handles=ax_round.get_legend_handles_labels()[0] + ax_cum.get_legend_handles_labels()[0]
                   + [Patch(color=PALETTE["products"], alpha=0.45, label=b[-1]) for b in bands],
                   loc="outside lower center", ncols=2, fontsize=7.5)
        title = (f"{number(ends.iloc[-1])} product-recognitions and {number(firms_end)} firm-recognitions in {n} "
                 f"round{'s' if n > 1 else ''}, {_span([first, last])}")
        alt = (f"Bar and line chart: product-recognitions per round went from {number(shown['products'].iloc[0])} in "
               f"{first} to {number(shown['products'].iloc[-1])} in {last} (firm-recognitions from "
               f"{number(shown['firms'].iloc[0])} to {number(shown['firms'].iloc[-1])}); cumulative "
               f"{number(ends.iloc[-1])} products and {number(firms_end)} firms by {last}."
               + "".join(f" {b[-1][:1].upper()}{b[-1][1:]}." for b in bands))
        ids = "; ".join(f"{r.round}: products {r.products_sources}, firms {r.firms_sources}"
                        for r in shown.itertuples())
        caption = (f"Product- and firm-recognitions per round, {_span([first, last])}, from the recognition_rounds "
                   f"table (fact ids by round — {ids}). Lines: running sums of the rounds."
                   + (f" Blue bands: product-count targets {_listing([b[0].target_id for b in bands])} (targets "
                      "table), each drawn as the cumulative count at the end of the year before the target's period "
                      "plus the target's range; dotted lines: the path each asks for. The legend states each band."
                      if bands else "")
                   + (f" Not drawn: {_listing(skipped)} (the count at the start of the period is not yet known)."
                      if skipped else ""))
        return _finish(fig, title, caption, alt, rows, texts)


# ------------------------------------------------------------------------------------ shares
def _share_layers(ax: Axes, computed: pd.DataFrame, targets: pd.DataFrame, which: str, texts: list[Annotation],
                  after: int | None = None) -> tuple[list[tuple], list, str, dict[str, str]]:
    """Draw the computed share (and its estimate range if the table has one), the target bands and the 100%
    line. Returns data rows, legend handles, caption and phrases for title and alt text (the title's target:
    the first due in or after ``after``, else the latest). A year whose share rests on a flagged row (a
    non-empty ``{which}_share_flagged``) is not drawn; the caption names it and the rows.
    """
    col, unit = f"{which}_share", f"percent of {SHARE_OF[which]}"
    how = next((c for c in (f"denominator_{which}s_how", f"denominator_{which}_how") if c in computed), None)
    comp = computed[computed[col].notna()].sort_values("year")
    flagged = comp[f"{col}_flagged"].fillna("").astype(str) if f"{col}_flagged" in comp else pd.Series("", comp.index)
    withheld, comp = comp[flagged != ""], comp[flagged == ""]
    not_drawn = _listing([str(int(y)) for y in withheld["year"]])
    rows, has_range = [], {f"{col}_low", f"{col}_high"} <= set(comp.columns)
    rng = comp[comp[f"{col}_low"].notna() & comp[f"{col}_high"].notna()] if has_range else comp.iloc[0:0]
    if len(rng):
        ax.fill_between(rng["year"], rng[f"{col}_low"], rng[f"{col}_high"], color="black", alpha=0.12, lw=0,
                        label="computed: estimate range", gid=DATA_GID)
        for end in ("low", "high"):
            rows += _rows(f"computed {which} share, range {end}", rng["year"], rng[f"{col}_{end}"], unit, "shares")
    ax.plot(comp["year"], comp[col], color="black", marker="o", lw=1.2, ms=4, label="computed from sourced rows",
            gid=DATA_GID)
    rows += _rows(f"computed {which} share", comp["year"], comp[col], unit,
                  ["shares table" + (f"; denominator: {h}" if how else "") for h in comp[how or col]])
    tg = targets[targets["metric"] == f"kip_{which}_share"].sort_values(["target_year", "low"])
    handles = []
    for year, group in tg.groupby("target_year", sort=True):
        for k, t in enumerate(group.itertuples()):
            x = year + (k - (len(group) - 1) / 2) * 0.24  # targets for the same year side by side
            _band(ax, x, t.low, t.high, 0.2)
            texts.append(ax.annotate(t.target_id, (x, t.high), xytext=(0, 2), textcoords="offset points",
                                     ha="center", va="bottom", fontsize=7, color=PALETTE["ink"]))
            handles.append(Patch(color=PALETTE["target"], alpha=0.45,
                                 label=f"{t.target_id}: {t.kind} for {year}, {value_range(t.low, t.high, '%')}"))
            rows += [(f"target {t.target_id}, {end} end", int(year), v, unit, t.target_id)
                     for end, v in (("low", t.low), ("high", t.high))]
    if (comp[col] > 100).any():
        ax.axhline(100, color=PALETTE["alert"], lw=0.8, ls="--")
        texts.append(ax.annotate("100%: a share above this line is definitionally impossible",
                                 (comp["year"].min(), 100), xytext=(0, 3), textcoords="offset points", fontsize=7,
                                 color=PALETTE["alert"]))
    ax.set(xlabel="year", ylabel=unit)
    denominator = (SHARE_OF[which] + (" (" + "; ".join(f"{r['year']}: {r[how]}" for _, r in comp.iterrows()) + ")"
                                      if how else ", a sourced anchor carried by the industrial production index"))
    caption = (f"KIP {which} share{', ' + _span(list(comp['year'])) if len(comp) else ''}: black = computed from "
               "sourced rows (shares table; numerator: revenue or exports of the products whose recognition is in "
               f"force that year, from each round's sourced figure; denominator: {denominator})"
               + ("; shaded black: the computed share's estimate range" if len(rng) else "")
               + (f"; grey = targets {_listing(list(tg['target_id']))} (targets table), labelled by id." if len(tg)
                  else ".")
               + (f" Not drawn: {not_drawn}, whose share rests on a row the plausibility rules flag ("
                  + _listing(sorted({row for rows in flagged[flagged != ""] for row in rows.split("; ")}))
                  + "); no number is shown until the row is corrected." if len(withheld) else ""))
    story = {"latest": "", "path": "no year has a share computed from sourced rows.", "target": "", "targets": ""}
    if len(comp):
        (y0, v0), (y1, v1) = ((int(r["year"]), percent(r[col])) for r in (comp.iloc[0], comp.iloc[-1]))
        story.update(latest=f"{v1} in {y1}", path=f"computed from sourced rows went from {v0} in {y0} to {v1} in {y1}.")
    if len(withheld):
        story["path"] += f" Not drawn: {not_drawn} (the share rests on a row the plausibility rules flag)."
    if len(tg):
        ahead = tg[tg["target_year"] >= (after or (int(comp["year"].iloc[-1]) if len(comp) else 0))]
        t = (ahead if len(ahead) else tg.iloc[::-1]).iloc[0]
        story["target"] = f"; {t['kind']} {t['target_id']}: {value_range(t['low'], t['high'], '%')} by {t.target_year}"
        story["targets"] = " Target bands: " + "; ".join(f"{r.target_id} {value_range(r.low, r.high, '%')} "
                                                         f"({r.target_year})" for r in tg.itertuples()) + "."
    return rows, handles, caption, story


def share_fan(fan: pd.DataFrame, computed: pd.DataFrame, targets: pd.DataFrame, which: str,
              as_of_year: int, scenario: str, simulated: bool = False) -> Figure:
    """Fan chart of a KIP share (``fan``: ``ShareForecast.fan(which)``; median, 80% and 95% bands)
    with the share computed from the sourced rows (``computed``: the ``shares.shares`` table) and
    the target bands (``targets`` table) drawn; ``which`` is ``output`` or ``export``; forecast date
    and scenario name for the title and caption; ``simulated``: the scenario's exit rate is
    estimated on the SIMULATED firm panel (the caption says so).
    """
    unit, texts, of, rows = f"percent of {SHARE_OF[which]}", [], SHARE_OF[which], []
    color = PALETTE["products"] if which == "output" else PALETTE["firms"]
    for q, name in (("q025", "forecast 95% interval, low end"), ("q975", "forecast 95% interval, high end"),
                    ("q10", "forecast 80% interval, low end"), ("q90", "forecast 80% interval, high end"),
                    ("median", "forecast median")):
        rows += _rows(name, fan["year"], fan[q], unit, f"ShareForecast.fan, scenario {scenario}, as of {as_of_year}")
    end = fan.dropna(subset=["median"])
    with plt.style.context(STYLE_PATH):
        fig, ax = plt.subplots(figsize=(9.5, 4.4), layout="constrained")
        plt.close(fig)
        for lo, hi, alpha, name in (("q025", "q975", 0.15, "95% interval"), ("q10", "q90", 0.3, "80% interval")):
            ax.fill_between(fan["year"], fan[lo], fan[hi], color=color, alpha=alpha, lw=0, label=name, gid=DATA_GID)
        ax.plot(fan["year"], fan["median"], color=color, lw=2, label=f"median forecast (as of {as_of_year})",
                gid=DATA_GID)
        more, handles, caption, story = _share_layers(ax, computed, targets, which, texts,
                                                      int(end["year"].iloc[-1]) if len(end) else as_of_year)
        fig.legend(handles=ax.get_legend_handles_labels()[0] + handles, loc="outside right center", fontsize=7)
        e = (end if len(end) else fan).iloc[-1]  # "—" where the forecast has no finite value
        median, interval = f"{percent(e['median'])} in {int(e['year'])}", f"80% interval {bounds(e.q10, e.q90, '%')}"
        title = (f"KIP share of {of}, {scenario} scenario: median forecast {median} ({interval})"
                 + (f"; computed {story['latest']}" if story["latest"] else ""))
        alt = (f"Fan chart{' (SIMULATED exit rate)' if simulated else ''}: the KIP share of {of} is forecast (as of "
               f"{as_of_year}, scenario {scenario}) at a median {median}, {interval};")
        caption += (f" Coloured bands: Monte Carlo forecast as of {as_of_year}, scenario {scenario} (80% and 95%)."
                    + (" The bands use an exit rate estimated on the SIMULATED firm panel (04_land_relocation)."
                       if simulated else ""))
        return _finish(fig, title + story["target"], caption, f"{alt} {story['path']}{story['targets']}",
                       rows + more, texts)


def share_history(computed: pd.DataFrame, targets: pd.DataFrame, which: str, as_of_year: int) -> Figure:
    """The KIP share of city exports (``which="export"``) or output (``"output"``) computed from
    sourced rows by year up to ``as_of_year`` (``computed``: the ``shares.shares`` table; optional
    ``{which}_share_low`` / ``_high`` columns drawn as a range), no forecast, with the target ranges
    for that share (``targets`` table, metric ``kip_{which}_share``) drawn as bands.
    """
    with plt.style.context(STYLE_PATH):
        fig, ax = plt.subplots(figsize=(9.5, 4.2), layout="constrained")
        plt.close(fig)
        rows, handles, caption, story = _share_layers(ax, computed[computed["year"] <= as_of_year], targets, which,
                                                      texts := [])
        fig.legend(handles=ax.get_legend_handles_labels()[0] + handles, loc="outside right center", fontsize=7)
        title = f"KIP share of {SHARE_OF[which]}: " + (f"{story['latest']}, computed from sourced rows"
                                                       if story["latest"] else "no year computed from sourced rows")
        alt = f"Line chart: the KIP share of {SHARE_OF[which]} {story['path']}{story['targets']}"
        return _finish(fig, title + story["target"], caption, alt, rows, texts)


# ------------------------------------------------------------------------------ land and leases
def lease_ratios(ratios: pd.DataFrame, chosen: float) -> Figure:
    """Hà Nội / neighbours rent ratio by consultant and period, like for like (one consultant's figures for
    one period each), with the scenario ratio ``chosen``; rows without Hà Nội rents (a source's claim, e.g.
    "1.5-2x") in grey.
    """
    r = ratios.reset_index(drop=True)
    claim = r["hanoi"].isna() if "hanoi" in r else pd.Series(False, index=r.index)
    unit = "Hà Nội rent ÷ neighbours' mean rent (times)"
    labels = [f"{x.consultant} {x.period}" + (": claim" if c else "") for x, c in zip(r.itertuples(), claim,
                                                                                      strict=True)]
    rows = [("claim, no rents" if c else "rent ratio", label, x.ratio, unit, str(x.facts))
            for label, c, x in zip(labels, claim, r.itertuples(), strict=True)]
    rows.append(("lease_ratio parameter (scenario)", "all", chosen, unit, "notebook parameter lease_ratio"))
    quotes, claims = r[~claim], r[claim]
    comparators = place(str(quotes["comparator"].iloc[0])) if len(quotes) else "its neighbours"
    with plt.style.context(STYLE_PATH):
        fig, ax = plt.subplots(figsize=(8.5, 0.3 * len(r) + 2.4), layout="constrained")
        plt.close(fig)
        bars = ax.barh(range(len(r)), r["ratio"], color=[PALETTE["target"] if c else PALETTE["products"]
                                                         for c in claim], gid=DATA_GID)
        texts = ax.bar_label(bars, labels=[number(v, 2) + "×" for v in r["ratio"]], padding=2, fontsize=7,
                             bbox={"fc": "white", "ec": "none", "pad": 0.3})
        ax.set_yticks(range(len(r)), labels, fontsize=7)
        ax.set_ylim(len(r) - 0.5, -0.5)  # first row on top
        ax.axvline(chosen, color=PALETTE["firms"], lw=1.5, ls="--", gid=DATA_GID)
        ax.axvline(1, color="black", lw=0.6)
        ax.grid(axis="y", visible=False)  # a line of bars needs no horizontal grid
        ax.set(xlim=(0, max(float(r["ratio"].max()), chosen) * 1.15), ylabel="consultant and period",
               xlabel=f"{unit}\nrents in USD per m² per lease term, midpoints of quoted ranges")
        fig.legend(handles=[Patch(color=PALETTE["products"], label="one consultant's rents, one period"),
                            Patch(color=PALETTE["target"], label="a source's claim (no rents)"),
                            Line2D([], [], color=PALETTE["firms"], ls="--",
                                   label=f"lease_ratio parameter (a scenario): {number(chosen, 2)}")],
                   loc="outside lower center", ncols=3, fontsize=7.5)
        if quotes.empty:  # a vintage before any consultant gives Hà Nội and its neighbours for one period
            title = "No consultant has published Hà Nội's and its neighbours' rents for one period yet"
            caption = ("Only a source's claim is available: " + "; ".join(
                f"{c.consultant}, {c.period}, claim {c.facts}" for c in claims.itertuples()) + ".")
            alt = "Bar chart of the one claim available: " + "; ".join(
                f"{c.consultant} says {number(c.ratio, 2)} times" for c in claims.itertuples()) + "."
            return _finish(fig, title, caption, alt, rows, texts)
        lo, hi = quotes["ratio"].min(), quotes["ratio"].max()
        names = _listing(list(dict.fromkeys(quotes["consultant"].astype(str))))
        title = (f"Like for like, Hà Nội's industrial-park rents are {value_range(lo, hi)} times its neighbours' in "
                 f"{len(quotes)} ratios by {names}, {_span(list(quotes['period']))}")
        caption = (f"Each bar divides one consultant's Hà Nội rent by the same consultant's {comparators} rent for "
                   "the same period (USD per m² per lease term; midpoints of quoted ranges; fact ids: "
                   + "; ".join(f"{x.consultant} {x.period}: {x.facts}" for x in quotes.itertuples()) + ")"
                   + "".join(f"; grey: {c.consultant}, {c.period}, claim {c.facts}" for c in claims.itertuples())
                   + ". The dashed line is the lease_ratio parameter, a scenario on the elasticity curve; the models "
                   "use the like-for-like ratio by year.")
        low, high = quotes.loc[quotes["ratio"].idxmin()], quotes.loc[quotes["ratio"].idxmax()]
        alt = (f"Horizontal bar chart: {len(quotes)} like-for-like ratios put Hà Nội's industrial-park rents at "
               f"{value_range(lo, hi)} times the {comparators} rent, lowest {low['consultant']} {low['period']} "
               f"({number(lo, 2)}), highest {high['consultant']} {high['period']} ({number(hi, 2)})"
               + "".join(f"; {c.consultant}'s claim ({c.facts}) is drawn at {number(c.ratio, 2)}"
                         for c in claims.itertuples()) + f". The dashed line marks the scenario {number(chosen, 2)}.")
        return _finish(fig, title, caption, alt, rows, texts)


def subsidy_curve(counterfactual: pd.DataFrame, label: str, chosen: float | None = None) -> Figure:
    """Subsidy share -> relocations avoided and KIP export share points kept, with 5-95% bands, from
    ``relocation.subsidy_counterfactual``; ``label`` names the firm panel (``SIMULATED`` or
    ``census extract``); ``chosen``: the subsidy share (0-1) the title reports (default the largest).
    """
    specs = (("relocations_avoided", "Relocations avoided", "relocations avoided in the year\n(expected firms)"),
             ("export_share_points_kept", "KIP export share kept", "percentage points of the\nKIP export share kept"))
    grid = counterfactual["subsidy_share"]
    pick, rows, at = float(grid.max()) if chosen is None else float(chosen), [], {}  # the share the title reports
    span = f"{percent(100 * grid.min(), 0)} to {percent(100 * grid.max(), 0)}"
    with plt.style.context(STYLE_PATH):
        fig, axes = plt.subplots(1, 2, figsize=(9.5, 4), layout="constrained")
        plt.close(fig)
        for ax, (quantity, title, unit) in zip(axes, specs, strict=True):
            q = counterfactual[counterfactual["quantity"] == quantity].sort_values("subsidy_share")
            x = 100 * q["subsidy_share"]
            ax.fill_between(x, q["q05"], q["q95"], color=PALETTE["products"], alpha=0.25, lw=0, label="5–95% band",
                            gid=DATA_GID)
            ax.plot(x, q["median"], color=PALETTE["products"], lw=2, label="median", gid=DATA_GID)
            for col, name in (("q05", "5th percentile"), ("median", "median"), ("q95", "95th percentile")):
                rows += _rows(f"{quantity}, {name}", x, q[col], unit.replace("\n", " "), "subsidy_counterfactual")
            at[quantity] = q.iloc[int(np.argmin(np.abs(q["subsidy_share"].to_numpy() - pick)))]  # nearest drawn
            ax.set(title=f"{title} ({label})", xlabel="percent of Hà Nội's lease gap subsidised", ylabel=unit)
        axes[0].legend(loc="upper left")
        a, b = at["relocations_avoided"], at["export_share_points_kept"]
        share = percent(100 * a["subsidy_share"], 0)
        title = (f"Subsidising {share} of the lease gap: {number(a['median'])} relocations avoided a year (5–95%: "
                 f"{bounds(a.q05, a.q95)}) and {number(b['median'])} points of the KIP export share kept ({label})")
        alt = (f"Two line charts with 5–95% bands ({label}) over subsidies of {span} of Hà Nội's lease gap: at {share} "
               f"the median relocations avoided are {number(a['median'])} a year and the KIP export share kept is "
               f"{number(b['median'])} percentage points.")
        before = counterfactual["lease_ratio_before"].iloc[0] if "lease_ratio_before" in counterfactual else None
        caption = (f"Counterfactual lease subsidies from the location choice estimated on the {label} firm panel, "
                   f"subsidising {span} of Hà Nội's lease gap"
                   + (f" (lease ratio before the subsidy {number(before, 2)})" if before is not None else "")
                   + "; share points against the city exports built from sourced rows. Bands: 5–95% over draws of "
                   "the choice model's coefficients. Kept in Hà Nội, not in the region.")
        return _finish(fig, title, caption, alt, rows, [])


# ------------------------------------------------------------------------------------ effects
def event_study(es: pd.DataFrame, truth: pd.DataFrame | None, label: str, outcome: str, bands: str) -> Figure:
    """Event study with one base period (e = -1) for every estimator: the rows of ``es``
    (estimator, covariate_adjusted, event_time, estimate, ci_low, ci_high), the first
    estimator with its band, and the true effects when the panel is simulated.
    """
    es = es[(es["event_time"] >= -6) & (es["event_time"] <= 7)]
    name_out, units = outcome.replace("_", " "), OUTCOME_UNITS.get(outcome, "outcome units")
    unit = f"effect on {name_out} ({units})"
    styles, rows = [(PALETTE[c], m, w) for c, m, w in (("products", "o", 2), ("purple", "D", 0), ("extra", "s", 0),
                                                       ("firms", "^", 0))], []
    tr = None if truth is None else truth[(truth["event_time"] >= -6) & (truth["event_time"] <= 7)]
    with plt.style.context(STYLE_PATH):
        fig, ax = plt.subplots(figsize=(9, 4.4), layout="constrained")
        plt.close(fig)
        groups = list(es.groupby("estimator", sort=False))
        for k, (name, g) in enumerate(groups):
            color, marker, lw = styles[k % len(styles)]
            if k == 0:
                ax.fill_between(g["event_time"], g["ci_low"], g["ci_high"], color=color, alpha=0.2, lw=0,
                                label=f"{name}: {bands}", gid=DATA_GID)
                for end in ("low", "high"):
                    rows += _rows(f"{name}, band {end}", g["event_time"], g[f"ci_{end}"], unit, "event study table")
            ax.plot(g["event_time"] + 0.1 * k, g["estimate"], color=color, marker=marker, lw=lw, gid=DATA_GID,
                    label=name + (" (covariate-adjusted)" if bool(g["covariate_adjusted"].iloc[0]) else ""))
            rows += _rows(name, g["event_time"], g["estimate"], unit, "event study table")
        if tr is not None:
            ax.plot(tr["event_time"], tr["att"], color="black", ls="--", lw=1.2, label="true effect (SIMULATED)",
                    gid=DATA_GID)
            rows += _rows("true effect (SIMULATED)", tr["event_time"], tr["att"], unit, "simulated true effects")
        ax.axhline(0, color="black", lw=0.6)
        ax.axvline(-1, color=PALETTE["target"], lw=0.6, ls=":")
        ax.set(xlabel="years since first recognition (event time; base: e = -1)", ylabel=unit)
        fig.legend(loc="outside right center", fontsize=7)
        head, g = groups[0] if groups else ("no estimator", es)
        post = g[g["event_time"] >= 0].sort_values("event_time")
        msg = (f"effect on {name_out} {number(post['estimate'].iloc[0])} at e = {int(post['event_time'].iloc[0])} "
               f"and {number(post['estimate'].iloc[-1])} at e = {int(post['event_time'].iloc[-1])} (band "
               f"{bounds(post['ci_low'].iloc[-1], post['ci_high'].iloc[-1])})" if len(post)
               else f"no estimate of the effect on {name_out} after recognition")
        alt = (f"Event-study chart ({label}): {len(groups)} estimators relative to the year before recognition; "
               f"{head} puts the {msg}, in {units}."
               + (f" The true effect at e = {int(tr['event_time'].iloc[-1])} is {number(tr['att'].iloc[-1])}."
                  if tr is not None and len(tr) else ""))
        adjusted = sorted(es.loc[es["covariate_adjusted"].astype(bool), "estimator"].unique())
        caption = (f"{label} firm panel. Every estimator is relative to the same base year, the year before first "
                   f"recognition (e = -1); estimators drawn: {'; '.join(n for n, _ in groups)}. "
                   f"Covariate-adjusted: {', '.join(adjusted) if adjusted else 'none'}. Band ({head}): {bands}. "
                   "Standard errors clustered by firm.")
        return _finish(fig, f"{head}: {msg} ({label})", caption, alt, rows, [])
