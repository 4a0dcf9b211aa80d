"""The figures meet one standard: one style, a title with a number from the data, units on every
axis, no overlapping labels, and caption, alt text and data computed from what is drawn."""

from __future__ import annotations

import io
import re
from itertools import combinations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from kip_analysis.analyses.land import leases
from kip_analysis.analyses.targets import forecast, scenarios, shares
from kip_analysis.data import geography, processed
from kip_analysis.data.raw import load_table
from kip_analysis.report import figures
from kip_analysis.report.format import number, percent

YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


# ----------------------------------------------------------------------------------- inputs
@pytest.fixture(scope="module")
def tables() -> dict[int, dict[str, pd.DataFrame]]:
    return {year: processed.load_all(year, "real_time") for year in (2020, 2022, 2025)}


@pytest.fixture(scope="module")
def computed(tables: dict) -> dict[int, pd.DataFrame]:
    iip = load_table("gso_iip_by_province")
    out = {}
    for year, t in tables.items():
        c = shares.shares(t["facts"], t["recognition_rounds"], iip)
        out[year] = c[c["year"] <= year]
    return out


@pytest.fixture(scope="module")
def fan(tables: dict) -> pd.DataFrame:
    t = tables[2022]
    fc = forecast.forecast_shares(t["facts"], t["recognition_rounds"], t["targets"], load_table("gso_iip_by_province"),
                                  2022, 2025, scenarios.levers("baseline"), n_draws=200)
    return fc.fan("export")


@pytest.fixture(scope="module")
def ratios(tables: dict) -> pd.DataFrame:
    facts = tables[2025]["facts"]
    return leases.lease_ratios(geography.rents_table(facts), facts)


def subsidy_frame() -> pd.DataFrame:
    """The shape of ``relocation.subsidy_counterfactual`` (estimating the choice model is slow)."""
    rows = []
    for s in np.round(np.linspace(0, 1, 11), 2):
        for quantity, scale in (("relocations", 12.0), ("relocations_avoided", 3.2),
                                ("export_share_points_kept", 0.41)):
            m = scale * s
            rows.append({"subsidy_share": s, "lease_ratio_before": 1.93, "lease_ratio_after": 1 + (1 - s) * 0.93,
                         "quantity": quantity, "q05": 0.7 * m, "median": m, "q95": 1.3 * m})
    return pd.DataFrame(rows)


def event_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shape of ``robustness.event_study`` and of the true dynamic effects (estimation is slow)."""
    rows = []
    for name, adjusted, scale in (("Callaway–Sant'Anna, doubly robust", True, 1.0), ("Sun–Abraham", False, 0.9),
                                  ("TWFE event study (ends binned)", False, 0.8)):
        for e in range(-8, 10):  # rows outside -6..7 are not drawn
            est = 0.0 if e == -1 else 0.031 * e * scale if e >= 0 else 0.004 * e
            rows.append({"estimator": name, "covariate_adjusted": adjusted, "event_time": e, "estimate": est,
                         "se": 0.02, "ci_low": est - 0.047, "ci_high": est + 0.047})
    return pd.DataFrame(rows), pd.DataFrame({"event_time": range(0, 8), "att": [0.03 * e for e in range(8)]})


@pytest.fixture(scope="module")
def figs(tables: dict, computed: dict, fan: pd.DataFrame, ratios: pd.DataFrame) -> dict:
    """Every figure once: name -> (figure, whether its values run along x)."""
    es, truth = event_frames()
    t20, t25 = tables[2020], tables[2025]
    return {
        "timeline_2020": (figures.programme_timeline(t20["recognition_rounds"], t20["targets"], 2020), False),
        "timeline_2025": (figures.programme_timeline(t25["recognition_rounds"], t25["targets"], 2025), False),
        "share_fan": (figures.share_fan(fan, computed[2022], tables[2022]["targets"], "export", 2022, "baseline"),
                      False),
        "history_export_2020": (figures.share_history(computed[2020], t20["targets"], "export", 2020), False),
        "history_output_2025": (figures.share_history(computed[2025], t25["targets"], "output", 2025), False),
        "lease_ratios": (figures.lease_ratios(ratios, 1.75), True),
        "subsidy_curve": (figures.subsidy_curve(subsidy_frame(), "SIMULATED", chosen=0.5), False),
        "event_study": (figures.event_study(es, truth, "SIMULATED", "log_revenue", "pointwise 95% interval"), False),
    }


NAMES = ["timeline_2020", "timeline_2025", "share_fan", "history_export_2020", "history_output_2025", "lease_ratios",
         "subsidy_curve", "event_study"]


# ---------------------------------------------------------------------------------- helpers
def drawn(fig: plt.Figure) -> plt.Figure:
    """The figure after a full draw (tick labels exist, the layout is final)."""
    fig.savefig(io.BytesIO(), format="png")
    return fig


def title(fig: plt.Figure) -> str:
    return fig._suptitle.get_text() if fig._suptitle is not None else ""


def plotted_values(fig: plt.Figure, along_x: bool) -> np.ndarray:
    """Every number drawn by the artists marked as data (bar ends, line points, band edges)."""
    values: list[float] = []
    for artist in fig.findobj(lambda a: a.get_gid() == figures.DATA_GID):
        if isinstance(artist, Rectangle):
            start, size = (artist.get_x(), artist.get_width()) if along_x else (artist.get_y(), artist.get_height())
            values += [start + size] + ([start] if start != 0 else [])
        elif isinstance(artist, Line2D):
            values += list(np.asarray(artist.get_xdata() if along_x else artist.get_ydata(), dtype=float))
        elif isinstance(artist, PolyCollection):
            for path in artist.get_paths():
                values += list(path.vertices[:, 0 if along_x else 1])
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def data_years(data: pd.DataFrame) -> set[int]:
    """The years the plotted data span (numeric x, or years inside text x)."""
    found = {int(x) for x in data["x"] if isinstance(x, int | float | np.integer) and 1900 <= x <= 2100}
    found |= {int(y) for x in data["x"] if isinstance(x, str) for y in YEAR.findall(x)}
    return set(range(min(found), max(found) + 1)) if found else set()


def formatted(values: pd.Series) -> set[str]:
    out: set[str] = set()
    for v in values:
        out |= {number(v), number(v, 0), number(v, 1), number(v, 2), percent(v).rstrip("%"), percent(v, 0).rstrip("%")}
    return out


# ------------------------------------------------------------------------------- the standard
@pytest.mark.parametrize("name", NAMES)
def test_title_states_a_number_from_the_data(figs: dict, name: str) -> None:
    fig, _ = figs[name]
    text = title(fig)
    assert text, f"{name}: no title"
    numbers = [n for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text) if not YEAR.fullmatch(n)]
    assert set(numbers) & formatted(fig._kip_data["value"]), f"{name}: no plotted number in {text!r}"


@pytest.mark.parametrize("name", NAMES)
def test_every_axis_has_a_label(figs: dict, name: str) -> None:
    fig, _ = figs[name]
    for ax in fig.axes:
        assert ax.get_xlabel().strip() and ax.get_ylabel().strip(), f"{name}: an axis without a label"


@pytest.mark.parametrize("name", NAMES)
def test_data_attribute_holds_exactly_the_plotted_numbers(figs: dict, name: str) -> None:
    fig, along_x = figs[name]
    data = fig._kip_data
    assert isinstance(data, pd.DataFrame) and len(data)
    assert set(figures.DATA_COLUMNS) <= set(data.columns)
    assert data["value"].dtype == float and data["value"].notna().all()
    for column in ("series", "unit", "source"):
        assert all(isinstance(v, str) and v for v in data[column]), f"{name}: {column} is not plain text"
    assert all(isinstance(x, int | float | str) for x in data["x"])
    assert set(np.round(plotted_values(fig, along_x), 6)) == set(np.round(data["value"].to_numpy(), 6))


@pytest.mark.parametrize("name", NAMES)
def test_caption_and_alt_name_only_plotted_years(figs: dict, name: str) -> None:
    fig, _ = figs[name]
    allowed = data_years(fig._kip_data)
    for what in ("_kip_caption", "_kip_alt"):
        text = getattr(fig, what)
        assert isinstance(text, str) and len(text) > 40, f"{name}: {what} is empty"
        outside = {int(y) for y in YEAR.findall(text)} - allowed
        assert not outside, f"{name}: {what} names {sorted(outside)}, outside the plotted years"


@pytest.mark.parametrize("name", NAMES)
def test_no_scientific_notation_anywhere(figs: dict, name: str) -> None:
    fig = drawn(figs[name][0])
    texts = [t.get_text() for t in fig.findobj(Text)] + [fig._kip_caption, fig._kip_alt]
    assert not [t for t in texts if SCIENTIFIC.search(t)]


@pytest.mark.parametrize("name", NAMES)
def test_labels_do_not_overlap(figs: dict, name: str) -> None:
    fig = drawn(figs[name][0])
    renderer = fig._get_renderer()
    legends = [lg.get_window_extent(renderer) for lg in fig.legends]
    legends += [ax.get_legend().get_window_extent(renderer) for ax in fig.axes if ax.get_legend() is not None]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for ax in fig.axes for t in ax.texts
             if t.get_visible() and t.get_text().strip()]
    for (a, box_a), (b, box_b) in combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{name}: labels {a!r} and {b!r} overlap"
    for text, box in boxes + [("title", fig._suptitle.get_window_extent(renderer))]:
        assert not any(box.overlaps(lg) for lg in legends), f"{name}: {text!r} overlaps a legend"


@pytest.mark.parametrize("name", NAMES)
def test_one_style_applied_and_not_leaked(figs: dict, name: str) -> None:
    fig, _ = figs[name]
    assert figures.STYLE_PATH.name == "kip.mplstyle" and figures.STYLE_PATH.exists()
    assert all(not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible() for ax in fig.axes)
    assert plt.rcParams["axes.spines.top"], "the style leaked out of the figure function"


# ------------------------------------------------------------------------------ per figure
def test_timeline_2020_caption_names_no_later_year(figs: dict) -> None:
    fig, _ = figs["timeline_2020"]
    assert max(int(y) for y in YEAR.findall(fig._kip_caption)) <= 2020
    assert "2018–2020" in fig._kip_caption and "2025" not in fig._kip_caption


@pytest.mark.parametrize("year", [2020, 2025])
def test_timeline_count_band_sits_on_the_count_before_its_period(figs: dict, tables: dict, year: int) -> None:
    fig, _ = figs[f"timeline_{year}"]
    rounds = tables[year]["recognition_rounds"]
    base = int(rounds.loc[rounds["round"] == 2020, "products_cumulative"].iloc[0])  # d006 covers 2021-2025
    data = fig._kip_data.set_index("series")["value"]
    assert data["target d006, low end"] == base + 150 and data["target d006, high end"] == base + 180
    assert data["target b007, low end"] == 80  # 2018-2020 starts with the relaunch: nothing before
    legend = " ".join(t.get_text() for lg in fig.legends for t in lg.get_texts())
    assert f"150–180 more products in 2021–2025, from {base} at end-2020" in legend
    assert fig.axes[1].get_ylim()[1] >= base + 180
    shown = rounds[rounds["round"] <= year]
    assert title(fig).startswith(f"{number(shown['products'].sum())} product-recognitions")
    per_round = fig._kip_data[fig._kip_data["series"] == "product-recognitions per round"]
    assert list(per_round["value"]) == list(shown["products"].astype(float))
    assert list(per_round["source"]) == list(shown["products_sources"])


def test_share_fan_staggers_targets_for_the_same_year(fan: pd.DataFrame, computed: dict, tables: dict) -> None:
    targets = tables[2022]["targets"]
    twin = targets[targets["target_id"] == "d008"].assign(target_id="x999", kind="expectation")
    fig = drawn(figures.share_fan(fan, computed[2022], pd.concat([targets, twin]), "export", 2022, "baseline"))
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_gid() == figures.DATA_GID and p.get_y() == 20]
    assert len(bars) == 2 and bars[0].get_x() != bars[1].get_x()
    renderer = fig._get_renderer()
    labels = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts}
    assert not labels["d008"].overlaps(labels["x999"])
    assert "forecast median" in set(fig._kip_data["series"])


def test_share_history_draws_an_estimate_range_when_there_is_one(computed: dict, tables: dict) -> None:
    plain = figures.share_history(computed[2025].drop(columns=["export_share_low", "export_share_high"]),
                                  tables[2025]["targets"], "export", 2022)
    assert plain._kip_data.loc[plain._kip_data["series"] == "computed export share", "x"].max() == 2022
    assert not plain._kip_data["series"].str.contains("range").any()
    banded = computed[2025].assign(export_share_low=lambda d: d["export_share"] * 0.9,
                                   export_share_high=lambda d: d["export_share"] * 1.1)
    fig = figures.share_history(banded, tables[2025]["targets"], "export", 2025)
    rows = fig._kip_data[fig._kip_data["series"].str.contains("range")]
    drawn_years = banded["export_share"].notna() & (banded["export_share_flagged"] == "")
    assert len(rows) == 2 * drawn_years.sum()
    assert set(np.round(plotted_values(fig, False), 6)) == set(np.round(fig._kip_data["value"], 6))
    assert "estimate range" in fig._kip_caption


def test_share_history_withholds_a_share_resting_on_a_flagged_row(computed: dict, tables: dict) -> None:
    """2023-2025's export shares rest on w023 (exports above revenue): no chart shows them."""
    table = computed[2025]
    withheld = table.loc[table["export_share_flagged"] != "", "year"].astype(int).tolist()
    assert withheld == [2023, 2024, 2025]
    assert table.loc[table["year"].isin(withheld), "export_share_flagged"].str.contains("w023").all()
    fig = figures.share_history(table, tables[2025]["targets"], "export", 2025)
    shown = fig._kip_data.loc[fig._kip_data["series"] == "computed export share", "x"].astype(int).tolist()
    assert shown == [y for y in table["year"].astype(int) if y not in withheld and y <= 2025]
    values = set(np.round(table.loc[table["year"].isin(withheld), "export_share"], 1))
    text = fig._kip_caption + fig._kip_alt + " ".join(t.get_text() for t in fig.texts)
    assert not any(f"{v:.1f}%" in text for v in values)
    assert "Not drawn: 2023, 2024 and 2025" in fig._kip_caption and "w023 (exports above revenue)" in fig._kip_caption
    assert "Not drawn: 2023, 2024 and 2025" in fig._kip_alt


def test_lease_ratios_names_only_the_sources_in_the_frame(ratios: pd.DataFrame) -> None:
    only_cbre = ratios[ratios["consultant"] == "CBRE"]
    fig = drawn(figures.lease_ratios(only_cbre, 1.75))
    text = " ".join([title(fig), fig._kip_caption, fig._kip_alt])
    assert "CBRE" in text and "Like for like" in title(fig)
    for absent in ("Savills", "Cushman", "unnamed", "source 001", "JLL"):
        assert absent not in text
    assert "Bắc Ninh, Hưng Yên, Hải Dương, Hải Phòng" in fig._kip_caption and "Bac Ninh" not in text


def test_lease_ratios_full_frame_titles_its_range(figs: dict, ratios: pd.DataFrame) -> None:
    fig, _ = figs["lease_ratios"]
    quotes = ratios[ratios["hanoi"].notna()]
    assert f"{number(quotes['ratio'].min(), 1)}–{number(quotes['ratio'].max(), 1)} times" in title(fig)
    assert all(c in fig._kip_caption for c in quotes["consultant"].unique())
    assert "1.75" in fig._kip_alt and all(f in fig._kip_caption for ids in quotes["facts"] for f in ids.split(", "))


def test_subsidy_curve_units_and_label(figs: dict) -> None:
    fig, _ = figs["subsidy_curve"]
    assert "expected firms" in fig.axes[0].get_ylabel() and "percentage points" in fig.axes[1].get_ylabel()
    assert "SIMULATED" in title(fig) and "SIMULATED" in fig._kip_alt and "SIMULATED" in fig._kip_caption
    assert title(fig).startswith("Subsidising 50% of the lease gap: 1.6 relocations")


def test_event_study_keeps_the_window_and_says_simulated(figs: dict) -> None:
    fig, _ = figs["event_study"]
    assert fig._kip_data["x"].between(-6, 7).all()
    assert "SIMULATED" in fig._kip_alt and "log points" in fig.axes[0].get_ylabel()
    assert (fig._kip_data["series"] == "true effect (SIMULATED)").sum() == 8


def test_place_names_keep_their_diacritics() -> None:
    assert [figures.place(p) for p in ("Hung Yen", "Hai Phong", "Hà Nội", "Northern Vietnam average")] == [
        "Hưng Yên", "Hải Phòng", "Hà Nội", "Northern Vietnam average"]
