"""KIP shares of the city's industrial production value and exports, assembled from
sourced rows with every assumption visible.

Numerator of year Y: the revenue (exports) of the products whose recognition is in force in
Y — rounds r with r <= Y < r + validity — each round's figure in its base year carried to Y
at the products' growth rate. Products, not whole firms: the 77 firms' whole-firm 2020
revenue is kept apart. Rounds without a sourced figure get products x the median revenue
per product of the rounds that have one (flagged ``imputed``).

Denominator: the city's industrial production value, anchored where a source implies a
level (2018: VND40,000bn = 35.2% => VND113,636bn) and carried by the sourced industrial
production index growth (a real index; nominal price growth is the ``price_growth``
assumption); the city's exports in the sourced years, gaps filled by a named method.

May import: config, data.choice, data.facts, data.plausibility, errors.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from kip_analysis import config
from kip_analysis.data import plausibility
from kip_analysis.data.choice import DEFAULT_PREFERENCE, choose
from kip_analysis.data.facts import vnd_per_usd
from kip_analysis.errors import ParameterError

YEARS: tuple[int, ...] = config.YEARS
IIP_GAP_METHODS: tuple[str, ...] = ("grdp_proxy", "interpolate")
EXPORT_GAP_METHODS: tuple[str, ...] = ("annualise_then_interpolate", "interpolate", "none")


@dataclass(frozen=True)
class ShareAssumptions:
    """Every assumption the share arithmetic makes, with its default and source.

    Attributes
    ----------
    validity_years
        Years a recognition stays in force (source 004: "valid for three years").
    product_growth
        Yearly growth of a recognised product's revenue and exports after its base year;
        default 9.5%, the midpoint of the 2018-2020 target of 9-10% a year (source 000).
    price_growth
        Yearly industrial price growth added to the real production index to carry the
        nominal denominator; 0 because no sourced deflator exists (stated in the memo).
    iip_gap
        How a year without sourced index growth (2021) is filled: ``grdp_proxy`` uses the
        city's GRDP growth that year, ``interpolate`` the mean of the neighbouring years.
    export_gap
        How city exports are filled: ``annualise_then_interpolate`` scales the Jan-Oct 2024
        figure by 12/10 and back-casts 2020 from the 2021 growth rate; ``interpolate`` only
        interpolates between sourced years; ``none`` leaves gaps.
    source_preference
        How conflicting figures (e.g. 2023 exports 16.7 vs 16.6) are chosen.
    """

    validity_years: int = 3
    product_growth: float = 0.095
    price_growth: float = 0.0
    iip_gap: str = "grdp_proxy"
    export_gap: str = "annualise_then_interpolate"
    source_preference: str = DEFAULT_PREFERENCE

    def __post_init__(self) -> None:
        if not 1 <= self.validity_years <= 10:
            raise ParameterError(f"validity_years={self.validity_years}: expected 1-10")
        for name in ("product_growth", "price_growth"):
            value = getattr(self, name)
            if not -0.5 <= value <= 1.0:
                raise ParameterError(f"{name}={value}: allowed range is -0.5 to 1.0 (a yearly rate)")
        if self.iip_gap not in IIP_GAP_METHODS:
            raise ParameterError(f"iip_gap={self.iip_gap!r}: expected one of {', '.join(IIP_GAP_METHODS)}")
        if self.export_gap not in EXPORT_GAP_METHODS:
            raise ParameterError(f"export_gap={self.export_gap!r}: expected one of {', '.join(EXPORT_GAP_METHODS)}")

    def describe(self) -> dict:
        """The assumptions as a plain dict, for tables and memos."""
        return asdict(self)


def _pick(facts: pd.DataFrame, preference: str, **where) -> pd.Series | None:
    rows = facts
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return None if rows.empty else choose(rows, preference)


def round_values(facts: pd.DataFrame, rounds: pd.DataFrame,
                 assumptions: ShareAssumptions = ShareAssumptions()) -> pd.DataFrame:
    """Each round's products' revenue (VND bn) and exports (USD m) in its base year.

    A figure whose period is ``YYYY round`` is taken to be in the year before the round
    (the sources' base year, stated); a round without a figure is imputed.
    """
    fx, _ = vnd_per_usd(facts)
    actual = facts[(facts["kind"] == "actual") & (facts["geography"] == "Hanoi")]
    rows = []
    for r in rounds.itertuples():
        row = {"round": r.round, "products": r.products}
        for what, metrics in (("revenue", ("kip_product_revenue", "kip_firm_revenue")),
                              ("exports", ("kip_product_exports", "kip_firm_exports"))):
            cands = actual[actual["metric"].isin(metrics) & (actual["cohort"] == str(r.round))]
            if cands.empty:
                row.update({f"{what}": np.nan, f"{what}_base_year": np.nan, f"{what}_source": "imputed"})
                continue
            pick = choose(cands, assumptions.source_preference)
            value = usd_million(pick, fx) if what == "exports" else pick["value_low_c"]
            base = r.round - 1 if pick["period_kind"] == "round" else int(pick["year_end"])
            note = pick["fact_id"] + (" (firms/products)" if pick["metric"].startswith("kip_firm") else "")
            row.update({what: value, f"{what}_base_year": base, f"{what}_source": note})
        rows.append(row)
    table = pd.DataFrame(rows)
    flagged = plausibility.flagged(facts)
    for what in ("revenue", "exports"):
        usable = ~source_flagged(table[f"{what}_source"], flagged)  # a flagged row imputes nothing
        per_product = (table.loc[usable, what] / table.loc[usable, "products"]).dropna()
        missing = table[what].isna()
        table.loc[missing, what] = table.loc[missing, "products"] * per_product.median()
        table.loc[missing, f"{what}_base_year"] = table.loc[missing, "round"]
        table.loc[missing, f"{what}_source"] = (
            f"imputed: products x median {what} per product of {len(per_product)} sourced rounds"
            + (" (flagged rows left out)" if (~usable & table[what].notna()).any() else ""))
        table[f"{what}_base_year"] = table[f"{what}_base_year"].astype(int)
    return table


def live_rounds(values: pd.DataFrame, year: int, assumptions: ShareAssumptions) -> pd.DataFrame:
    """The rounds whose recognition is in force in ``year`` (r <= year < r + validity)."""
    return values[(values["round"] <= year) & (year < values["round"] + assumptions.validity_years)]


def rows_rested_on(values: pd.DataFrame, year: int, what: str, assumptions: ShareAssumptions,
                   flagged: dict[str, str]) -> str:
    """The sourced rows a year's numerator rests on: the rounds in force with their own figure, and,
    when one of them is imputed, every unflagged sourced round the imputation's median reads.
    """
    source = values[f"{what}_source"]
    live = live_rounds(values, year, assumptions)[f"{what}_source"]
    rows = [src for src in live if not src.startswith("imputed")]
    if live.str.startswith("imputed").any():
        rows += list(source[~source.str.startswith("imputed") & ~source_flagged(source, flagged)])
    return " ".join(sorted(set(rows)))


def source_flagged(sources: pd.Series, flagged: dict[str, str]) -> pd.Series:
    """Whether each source (a fact id, maybe followed by a note, or "imputed: ...") is a flagged row.

    Examples
    --------
    >>> source_flagged(pd.Series(["w023", "w013 (firms/products)", "imputed: x"]), {"w023": "a"}).tolist()
    [True, False, False]
    """
    return sources.str.split(" ").str[0].isin(set(flagged))


def flagged_in(text: str, flagged: dict[str, str]) -> str:
    """The flagged fact ids, each with the rule it breaks, among the words of ``text`` (a list of rows),
    joined by "; ".

    Examples
    --------
    >>> flagged_in("w013 (firms/products) w023 sourced w072 b017", {"w023": "exports_above_revenue", "b017": "x"})
    'b017 (x); w023 (exports above revenue)'
    >>> flagged_in("b019", {"w023": "exports_above_revenue"})
    ''
    """
    ids = sorted(set(text.split()) & set(flagged))
    return "; ".join(f"{i} ({flagged[i].replace('_', ' ')})" for i in ids)


def in_force(values: pd.DataFrame, year: int, what: str, assumptions: ShareAssumptions) -> float:
    """Sum over rounds in force in ``year`` of their base-year value carried to ``year``."""
    live = live_rounds(values, year, assumptions)
    years = year - live[f"{what}_base_year"]
    return float((live[what] * (1 + assumptions.product_growth) ** years).sum())


def _series(facts: pd.DataFrame, metric: str, preference: str) -> dict[int, tuple[float, str]]:
    rows = facts[(facts["metric"] == metric) & (facts["geography"] == "Hanoi") & (facts["kind"] == "actual")
                 & (facts["period_kind"] == "year")]
    out = {}
    for year, group in rows.groupby("year_end"):
        pick = choose(group, preference)
        out[int(year)] = (float(pick["value_low_c"]), pick["fact_id"])
    return out


def iip_growth(facts: pd.DataFrame, iip_table: pd.DataFrame | None, assumptions: ShareAssumptions,
               years: range) -> pd.DataFrame:
    """Yearly real growth of Hanoi's industrial production index (percent) with its source:
    GSO provincial table 2012-2016, web figures 2017-2025, gaps filled as assumed.
    """
    series = _series(facts, "iip_growth", assumptions.source_preference)
    if iip_table is not None:
        hanoi = iip_table[(iip_table["gso_code"] == config.HANOI) & iip_table["iip_prev_year_100"].notna()]
        for rec in hanoi.itertuples():
            series.setdefault(int(rec.year), (float(rec.iip_prev_year_100) - 100, f"GSO IIP table {rec.year}"))
    grdp = _series(facts, "grdp_growth", assumptions.source_preference)
    rows = []
    for year in years:
        if year in series:
            rows.append((year, *series[year], False))
        elif assumptions.iip_gap == "grdp_proxy" and year in grdp:
            rows.append((year, grdp[year][0], f"GRDP growth {grdp[year][1]} (proxy)", True))
        else:
            before = [series[y][0] for y in series if y == year - 1]
            after = [series[y][0] for y in series if y == year + 1]
            if before and after:
                rows.append((year, (before[0] + after[0]) / 2, "interpolated", True))
            else:
                rows.append((year, np.nan, "gap", True))
    return pd.DataFrame(rows, columns=["year", "growth_pct", "source", "filled"])


#: Yearly industrial price growth the production value's band spans (assumed: no sourced deflator).
PRICE_BAND: tuple[float, float] = (0.0, 0.04)


def production_value(facts: pd.DataFrame, growth: pd.DataFrame, assumptions: ShareAssumptions) -> pd.DataFrame:
    """City industrial production value (VND bn) by year: the sourced level (the 2017 value, VND
    499,932bn) carried by the sourced index growth, with a band for prices (:data:`PRICE_BAND`, a
    year's nominal growth = (1 + real)(1 + price)); the central path uses ``assumptions.price_growth``.
    Without a sourced level (a table built by hand) the 2018 round's share statement anchors it.
    """
    level_rows = facts[(facts["metric"] == "industrial_production_value") & (facts["kind"] == "actual")]
    if len(level_rows):
        first = level_rows.sort_values("year_end").iloc[-1]
        year0, level, how = int(first["year_end"]), float(first["value_low_c"]), f"sourced level {first['fact_id']}"
    else:
        revenue = _pick(facts, assumptions.source_preference, fact_id="b015")
        share = _pick(facts, assumptions.source_preference, fact_id="b017")
        if revenue is None or share is None:
            raise ValueError("no sourced level of production value and no anchor rows b015 / b017 in the facts")
        year0, level, how = config.FIRST_YEAR, revenue["value_low_c"] / (share["value_low_c"] / 100), \
            "anchor: b015 / b017"
    low = high = level
    rows = [(year0, level, level, level, how)]
    g = growth.set_index("year")["growth_pct"] if len(growth) else pd.Series(dtype=float)
    src = growth.set_index("year")["source"] if len(growth) else pd.Series(dtype=object)
    for year in range(year0 + 1, max([year0, *g.index]) + 1):
        real = float(g.get(year, np.nan))
        level = level * (1 + real / 100) * (1 + assumptions.price_growth)
        low, high = low * (1 + real / 100) * (1 + PRICE_BAND[0]), high * (1 + real / 100) * (1 + PRICE_BAND[1])
        rows.append((year, level, low, high, f"index growth ({src.get(year, 'gap')})"))
    return pd.DataFrame(rows, columns=["year", "production_value_vnd_bn", "production_value_low",
                                       "production_value_high", "how"])


def city_exports(facts: pd.DataFrame, assumptions: ShareAssumptions) -> pd.DataFrame:
    """City exports (USD million) by year with how each was obtained."""
    sourced = _series(facts, "exports", assumptions.source_preference)
    rows = {y: (v, f"sourced {s}") for y, (v, s) in sourced.items()}
    if assumptions.export_gap == "annualise_then_interpolate":
        ten = _series(facts, "exports_jan_oct", assumptions.source_preference)
        for y, (v, s) in ten.items():
            rows.setdefault(y, (v * 12 / 10, f"Jan-Oct {s} x 12/10"))
        growth = _series(facts, "exports_growth", assumptions.source_preference)
        for y, (g, s) in growth.items():
            if y in rows and y - 1 not in rows:
                rows[y - 1] = (rows[y][0] / (1 + g / 100), f"back-cast from {y} with {s}")
    years = range(min([*rows, YEARS[0]]), YEARS[-1] + 1)  # from the earliest sourced year (2017)
    table = pd.DataFrame([(y, *rows.get(y, (np.nan, "gap"))) for y in years],
                         columns=["year", "exports_usd_m", "how"])
    if assumptions.export_gap != "none":
        inside = table["exports_usd_m"].interpolate(limit_area="inside")
        filled = table["exports_usd_m"].isna() & inside.notna()
        table.loc[filled, "how"] = "linear interpolation"
        table["exports_usd_m"] = inside
    return table


def exports_band(values: pd.DataFrame, year: int, assumptions: ShareAssumptions,
                 city: pd.Series) -> tuple[float, float]:
    """The products' exports in force in ``year`` under the two ends of the carry-forward assumption: each round's
    base-year exports held flat, and each keeping its base-year share of the city's exports (carried by the city's
    own growth); the central value's 9.5% a year lies between them or beside them.

    Examples
    --------
    >>> v = pd.DataFrame({"round": [2020], "exports": [100.0], "exports_base_year": [2020]})
    >>> exports_band(v, 2021, ShareAssumptions(), pd.Series({2020: 1000.0, 2021: 1200.0}))
    (100.0, 120.0)
    """
    live = live_rounds(values, year, assumptions)
    flat = float(live["exports"].sum())
    ratio = live["exports_base_year"].map(lambda b: city.get(year, np.nan) / city.get(b, np.nan))
    citywide = float((live["exports"] * ratio).sum()) if ratio.notna().all() else np.nan
    return min(flat, citywide), max(flat, citywide)


def enterprise_cap(facts: pd.DataFrame, year: int, preference: str) -> tuple[float, str] | None:
    """The recognised enterprises' whole exports in ``year`` (USD m) and the row giving them, when a source gives
    them: the products' exports are part of their enterprises', so they cannot exceed it.
    """
    rows = facts[(facts["metric"] == "kip_firm_exports") & (facts["period"] == str(year)) & (facts["kind"] == "actual")]
    if rows.empty:
        return None
    pick = choose(rows, preference)
    return float(usd_million(pick, vnd_per_usd(facts)[0])), str(pick["fact_id"])


def usd_million(row: pd.Series, fx: float) -> float:
    """A fact row's export figure in USD million (a VND billion figure converted at ``fx`` VND per USD).

    Examples
    --------
    >>> usd_million(pd.Series({"value_low_c": 23.0, "unit_c": "VND billion"}), 23000.0)
    1.0
    """
    value = row["value_low_c"]
    return value * 1e9 / fx / 1e6 if row["unit_c"] == "VND billion" else value


def shares(facts: pd.DataFrame, rounds: pd.DataFrame, iip_table: pd.DataFrame | None = None,
           assumptions: ShareAssumptions = ShareAssumptions()) -> pd.DataFrame:
    """KIP output and export shares by year, numerators and denominators side by side.

    ``flag`` marks years whose share exceeds 100% (the numerator and denominator cannot be
    on the same definition), lacks a denominator or rests on a row the plausibility rules flag;
    ``output_share_flagged`` and ``export_share_flagged`` name those flagged rows (empty: none), so
    that no exhibit shows a share the analysis itself flagged.
    """
    values = round_values(facts, rounds, assumptions)
    flagged = plausibility.flagged(facts)
    growth = iip_growth(facts, iip_table, assumptions, range(config.FIRST_YEAR - 1, config.LAST_YEAR + 1))
    pv = production_value(facts, growth, assumptions).set_index("year")
    ex = city_exports(facts, assumptions).set_index("year")
    rows = []
    for year in YEARS:
        revenue = in_force(values, year, "revenue", assumptions)
        exports = in_force(values, year, "exports", assumptions)
        out_share = 100 * revenue / pv.loc[year, "production_value_vnd_bn"]
        out_low, out_high = (100 * revenue / pv.loc[year, "production_value_high"],
                             100 * revenue / pv.loc[year, "production_value_low"])
        city = ex.loc[year, "exports_usd_m"]
        exp_share = 100 * exports / city if pd.notna(city) else np.nan
        # the band: the carry-forward assumption's two ends; no products' share above its enterprises' share
        exp_low = exp_high = np.nan
        if pd.notna(city):
            ends = [100 * x / city for x in exports_band(values, year, assumptions, ex["exports_usd_m"])]
            exp_low, exp_high = np.nanmin([exp_share, *ends]), np.nanmax([exp_share, *ends])
        cap = enterprise_cap(facts, year, assumptions.source_preference)
        capped = ""
        if cap is not None and pd.notna(city) and exp_high > 100 * cap[0] / city:
            ceiling = 100 * cap[0] / city
            exp_share, exp_low, exp_high = min(exp_share, ceiling), min(exp_low, ceiling), ceiling
            capped = f"{cap[1]} (the enterprises' exports: the products' cannot exceed them)"
        flags = [f"{name} share over 100%" for name, s in (("output", out_share), ("export", exp_share)) if s > 100]
        if np.isnan(exp_share):
            flags.append("no export denominator")
        exports_rows = rows_rested_on(values, year, "exports", assumptions, flagged)
        revenue_rows = rows_rested_on(values, year, "revenue", assumptions, flagged)
        bad = {"output": flagged_in(f"{revenue_rows} {pv.loc[year, 'how']}", flagged),
               "export": flagged_in(f"{exports_rows} {ex.loc[year, 'how']}", flagged)}
        flags += [f"{name} share rests on flagged {ids}" for name, ids in bad.items() if ids]
        rows.append({
            "year": year, "kip_revenue_vnd_bn": revenue,
            "exports_rows": exports_rows, "revenue_rows": revenue_rows,
            "production_value_vnd_bn": pv.loc[year, "production_value_vnd_bn"], "output_share": out_share,
            "output_share_low": out_low, "output_share_high": out_high, "production_value_how": pv.loc[year, "how"],
            "kip_exports_usd_m": exports, "city_exports_usd_m": ex.loc[year, "exports_usd_m"],
            "export_share": exp_share, "export_share_low": exp_low, "export_share_high": exp_high,
            "export_share_capped_by": capped, "denominator_exports_how": ex.loc[year, "how"], "flag": "; ".join(flags),
            "output_share_flagged": bad["output"], "export_share_flagged": bad["export"],
        })
    return pd.DataFrame(rows)
