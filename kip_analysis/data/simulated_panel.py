"""The SIMULATED Hanoi industrial firm panel, calibrated openly to the published programme
figures (the loader and the schema a census extract meets are in
:mod:`kip_analysis.data.firm_panel`).

Firm microdata (the statistics office's enterprise census) is confidential, so the default
``load_firm_panel("simulated")`` simulates about 11,000 industrial firms (source 004:
"10,000-12,000 companies") over 2010-2025. Recognition rounds pick the sourced number of
firms per round (36, 22, 19, 30, 25, 24, 25, 28), chosen on size and recent growth
(selection), with the 2019 round favouring FDI firms (source 004). Effects on revenue,
exports and employment differ by cohort and grow over the three years of recognition
(then persist). Each year every Hanoi firm chooses among Hanoi and the five neighbours by
a conditional logit (lease cost x land intensity, PCI land access, KIP support and size
favouring Hanoi, a staying constant); choosing a neighbour is a relocation. Every true parameter and effect is kept
in :class:`SimulatedPanel` for checking estimators. Everything built on it is SIMULATED.

May import: config, data.processed, data.facts, data.geography, data.raw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kip_analysis import config
from kip_analysis.data import processed
from kip_analysis.data.facts import vnd_per_usd
from kip_analysis.data.geography import HANOI, hanoi_land_access, neighbour_attributes, neighbour_rents, rents_table
from kip_analysis.data.raw import load_table

SIMULATED_LABEL = "SIMULATED"
YEARS: tuple[int, ...] = tuple(range(2010, config.LAST_YEAR + 1))
ROUND_FIRMS: dict[int, int] = {2018: 36, 2019: 22, 2020: 19, 2021: 30, 2022: 25, 2023: 24, 2024: 25, 2025: 28}
SECTORS: dict[str, dict[str, float]] = {
    # share of firms, land intensity (m2 per VND bn revenue), export share of revenue
    "electronics_it": {"share": 0.15, "land": 8.0, "export": 0.45},
    "mechanical_precision": {"share": 0.20, "land": 25.0, "export": 0.20},
    "new_materials": {"share": 0.10, "land": 40.0, "export": 0.15},
    "plastics_chemicals": {"share": 0.15, "land": 30.0, "export": 0.15},
    "textiles_garments": {"share": 0.20, "land": 15.0, "export": 0.55},
    "food_processing": {"share": 0.20, "land": 20.0, "export": 0.10},
}
OWNERSHIP: dict[str, float] = {"domestic_private": 0.80, "soe": 0.05, "fdi": 0.15}
#: Calibrated (tests/test_panel.py checks the calibration table): log revenue of a firm in 2010.
LOG_REVENUE_MEAN, LOG_REVENUE_SD, FDI_PREMIUM = 2.3, 1.8, 1.8
#: Default seed: of seeds 2018-2023 the one whose calibration table is closest to the sources.
DEFAULT_SEED = 2020


@dataclass(frozen=True)
class TrueParameters:
    """The data-generating process's parameters (kept for checking estimators)."""

    cohort_effect: dict[int, float] = field(default_factory=lambda: {
        2018: 0.12, 2019: 0.10, 2020: 0.06, 2021: 0.08, 2022: 0.07, 2023: 0.06, 2024: 0.05, 2025: 0.05})
    ramp_years: int = 3  # effect grows linearly over the three years of recognition, then persists
    export_multiplier: float = 1.5  # effect on log exports relative to log revenue
    employment_multiplier: float = 0.5
    electronics_bonus: float = 0.03  # extra effect for electronics_it (heterogeneity)
    selection_size: float = 1.2  # weight of standardised log revenue in the recognition score
    selection_growth: float = 0.8  # weight of standardised trend growth
    fdi_focus_2019: float = 1.5  # extra score for FDI firms in the 2019 round
    # Location choice of each Hanoi firm each year: a conditional logit over Hanoi and the five
    # neighbours (McFadden), U_ij = b_hanoi 1[j=H] + b_lease lease_j x land_i + b_land land_access_j
    #   + b_kip KIP_i 1[j=H] + b_size size_i 1[j=H] + Gumbel; choosing a neighbour is a relocation.
    choice_hanoi: float = 9.5  # staying (moving costs, network); calibrated to ~0.6% of firms a year
    choice_lease: float = -2.0  # x lease index (Hanoi = lease ratio, neighbours = rent / mean) x land intensity
    choice_land_access: float = 0.6  # x PCI 2016 land access score
    choice_kip_hanoi: float = 0.8  # KIP recognition in force keeps firms in Hanoi
    choice_size_hanoi: float = 0.15  # x standardised log revenue, staying
    lease_ratio: float = 1.75  # Hanoi / neighbours, source 001's 1.5-2x midpoint
    exit_rate: float = 0.01  # yearly closure probability (firm leaves the panel)


@dataclass
class SimulatedPanel:
    """A simulated panel, its truth tables and its calibration against the sources."""

    panel: pd.DataFrame
    att_truth: pd.DataFrame  # group, time, outcome, att (true mean effect on the treated)
    params: TrueParameters
    seed: int
    neighbours: pd.DataFrame  # province attributes used in the destination choice
    vnd_bn_per_usd_m: float  # exchange rate used for exports
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)
    label: str = SIMULATED_LABEL


@dataclass(frozen=True)
class SourcedInputs:
    """The sourced rows the simulation is calibrated to: PCI land access of Hà Nội and the
    neighbours, the neighbours' industrial-park rents and the sources' own exchange rate.
    """

    pci: pd.DataFrame
    rents: dict[str, float]  # neighbour GSO code -> USD per m2 per lease term (CBRE)
    vnd_bn_per_usd_m: float  # from the sources' paired VND/USD figures

    @classmethod
    def load(cls) -> SourcedInputs:
        """Read them from ``data/raw`` (through the processed facts table)."""
        facts = processed.load("facts")
        return cls(load_table("pci_subindices"), neighbour_rents(rents_table(facts)), vnd_per_usd(facts)[0] / 1000)


def simulate_panel(n_firms: int = 12_400, seed: int = DEFAULT_SEED, params: TrueParameters | None = None,
                   inputs: SourcedInputs | None = None) -> SimulatedPanel:
    """Simulate the SIMULATED Hanoi firm panel (see the module docstring).

    Parameters
    ----------
    n_firms
        Firms alive in 2010.
    seed
        Seed of the random generator: same seed, same panel.
    params
        True parameters; defaults documented in :class:`TrueParameters`.
    inputs
        The sourced rows the simulation uses (default: :meth:`SourcedInputs.load`).
    """
    p = params or TrueParameters()
    inputs = inputs or SourcedInputs.load()
    rng = np.random.default_rng(seed)
    n, years = n_firms, np.array(YEARS)
    sector = rng.choice(list(SECTORS), size=n, p=[s["share"] for s in SECTORS.values()])
    owner = rng.choice(list(OWNERSHIP), size=n, p=list(OWNERSHIP.values()))
    fdi = owner == "fdi"
    land_int = np.array([SECTORS[s]["land"] for s in sector]) * rng.lognormal(0, 0.3, n)
    export_share = np.clip(np.array([SECTORS[s]["export"] for s in sector]) * np.where(fdi, 2.0, 0.8)
                           * rng.lognormal(0, 0.4, n), 0, 0.95)
    product_share = rng.beta(4, 4, n)  # share of firm revenue from the recognised product(s)
    # Trend growth differs by ownership only (observable): parallel trends hold conditional on FDI
    # status, not unconditionally, because recognition selects on size and on trend growth.
    growth = 0.055 + 0.02 * fdi
    # log revenue = firm level + firm trend + common year shock + transitory noise: selection on
    # size loads on the permanent level, so it leaves no Ashenfelter dip worth the name.
    level = rng.normal(LOG_REVENUE_MEAN, LOG_REVENUE_SD, n) + FDI_PREMIUM * fdi
    year_effect = np.cumsum(rng.normal(0, 0.03, len(years)))
    log_rev = (level[:, None] + growth[:, None] * np.arange(len(years))[None, :] + year_effect[None, :]
               + rng.normal(0, 0.06, (n, len(years))))
    alive = np.ones((n, len(years)), dtype=bool)
    exits = rng.random((n, len(years))) < p.exit_rate
    for t in range(1, len(years)):
        alive[:, t] = alive[:, t - 1] & ~exits[:, t]

    # Recognition rounds: the sourced number of firms, chosen on size and recent growth.
    kip_round = np.zeros(n, dtype=int)
    for g, count in ROUND_FIRMS.items():
        t = int(np.flatnonzero(years == g)[0])
        eligible = (kip_round == 0) & alive[:, t]
        size = log_rev[:, t - 1]
        score = (p.selection_size * (size - size[eligible].mean()) / size[eligible].std()
                 + p.selection_growth * (growth - growth[eligible].mean()) / growth[eligible].std()
                 + (p.fdi_focus_2019 * fdi if g == 2019 else 0) + rng.gumbel(0, 1, n))
        score[~eligible] = -np.inf
        kip_round[np.argsort(-score)[:count]] = g

    # Effects: cohort-specific, growing over the recognition years, then persisting.
    event = years[None, :] - kip_round[:, None]
    treated = (kip_round[:, None] > 0) & (event >= 0)
    base = np.array([p.cohort_effect.get(g, 0.0) for g in kip_round]) + p.electronics_bonus * (
        sector == "electronics_it")
    tau = np.where(treated, base[:, None] * np.minimum(event + 1, p.ramp_years) / p.ramp_years, 0.0)
    revenue = np.exp(log_rev + tau)
    exports = revenue * export_share[:, None] * np.exp((p.export_multiplier - 1) * tau) / inputs.vnd_bn_per_usd_m
    employment = np.round(np.exp(1.2 + 0.6 * log_rev + p.employment_multiplier * tau
                                 + rng.normal(0, 0.2, (n, 1))))
    in_force = treated & (event < 3)

    # Location choice each year (conditional logit over Hanoi + neighbours, see TrueParameters).
    nb = neighbour_attributes(inputs.pci, inputs.rents)
    lease = np.concatenate([[p.lease_ratio], nb["lease_index"].to_numpy()])
    access = np.concatenate([[hanoi_land_access(inputs.pci)], nb["land_access"].to_numpy()])
    codes = np.concatenate([[HANOI], nb["province"].to_numpy()])
    land_rel = land_int / land_int.mean()  # land intensity relative to the average firm (positive)
    province = np.full((n, len(years)), HANOI, dtype=object)
    moved = np.zeros((n, len(years)), dtype=bool)
    in_hanoi = np.ones(n, dtype=bool)
    for t in range(2, len(years)):
        lag = log_rev[alive[:, t - 1], t - 1]  # standardised over the firms alive last year
        size_z = (log_rev[:, t - 1] - lag.mean()) / lag.std()
        utility = (p.choice_lease * lease[None, :] * land_rel[:, None] + p.choice_land_access * access[None, :]
                   + rng.gumbel(0, 1, (n, len(lease))))
        utility[:, 0] += p.choice_hanoi + p.choice_kip_hanoi * in_force[:, t] + p.choice_size_hanoi * size_z
        move = in_hanoi & alive[:, t] & (utility.argmax(axis=1) > 0)
        if move.any():
            province[move, t:] = codes[utility[move].argmax(axis=1)][:, None]
            moved[move, t] = True
            in_hanoi &= ~move

    firm_ids = np.array([f"SIM{i:06d}" for i in range(n)])
    panel = pd.DataFrame({
        "firm_id": np.repeat(firm_ids, len(years)), "year": np.tile(years, n),
        "sector": np.repeat(sector, len(years)), "ownership": np.repeat(owner, len(years)),
        "province": province.ravel(), "revenue_vnd_bn": revenue.ravel(), "exports_usd_m": exports.ravel(),
        "employment": employment.ravel().astype(int), "land_m2": (land_int[:, None] * revenue).ravel(),
        "product_revenue_vnd_bn": (product_share[:, None] * revenue).ravel(),
        "kip_round": np.repeat(kip_round, len(years)), "kip_in_force": in_force.ravel().astype(int),
        "relocated": moved.ravel().astype(int),
    })
    panel = panel[alive.ravel()].reset_index(drop=True)
    truth = _att_truth(kip_round, years, tau, alive, p)
    sim = SimulatedPanel(panel, truth, p, seed, nb, inputs.vnd_bn_per_usd_m)
    sim.calibration = calibration_table(sim)
    return sim


def _att_truth(kip_round: np.ndarray, years: np.ndarray, tau: np.ndarray, alive: np.ndarray,
               p: TrueParameters) -> pd.DataFrame:
    """True ATT(g, t) on log revenue, log exports and log employment: the mean effect among
    cohort g's firms alive at t.
    """
    rows = []
    for g in ROUND_FIRMS:
        members = kip_round == g
        for t_idx, t in enumerate(years):
            here = members & alive[:, t_idx]
            att = float(tau[here, t_idx].mean()) if here.any() else np.nan
            for outcome, mult in (("log_revenue", 1.0), ("log_exports", p.export_multiplier),
                                  ("log_employment", p.employment_multiplier)):
                rows.append({"group": g, "time": int(t), "outcome": outcome, "att": att * mult})
    return pd.DataFrame(rows)


def calibration_table(sim: SimulatedPanel) -> pd.DataFrame:
    """Simulated aggregates against the published figures they are calibrated to."""
    df = sim.panel
    y18, y20 = df[df["year"] == 2018], df[df["year"] == 2020]
    hanoi19 = df[(df["year"] == 2019) & (df["province"] == HANOI)]
    first3 = y20[y20["kip_round"].between(2018, 2020)]
    first2 = y20[y20["kip_round"].between(2018, 2019)]
    c18 = y18[y18["kip_round"] == 2018]
    rows = [
        ("industrial firms in Hanoi, 2019", "firms", len(hanoi19), "10,000-12,000", "c003"),
        ("firms recognised, rounds 2018-2025", "firms", int((df.groupby("firm_id")["kip_round"].first() > 0).sum()),
         "209 (36+22+19+30+25+24+25+28)", "c006, w003 ... w030"),
        ("2018 round products' revenue, 2018", "VND bn", round(c18["product_revenue_vnd_bn"].sum()), "40,000",
         "b015"),
        ("2018 round products' exports, 2018", "VND bn",
         round((c18["exports_usd_m"] * sim.vnd_bn_per_usd_m * c18["product_revenue_vnd_bn"]
                / c18["revenue_vnd_bn"]).sum()),
         "over 10,000", "b019"),
        ("revenue of the firms of rounds 2018-2020 (77 firms), 2020", "VND bn", round(first3["revenue_vnd_bn"].sum()),
         "nearly 200,000", "e007, w008"),
        ("of the 58 firms of rounds 2018-2019: revenue over VND1,000bn, 2020", "firms",
         int((first2["revenue_vnd_bn"] > 1000).sum()), "15", "d003"),
    ]
    return pd.DataFrame(rows, columns=["aggregate", "unit", "simulated", "published", "source"])

