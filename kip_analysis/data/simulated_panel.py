"""The SIMULATED Hanoi industrial firm panel, calibrated openly to the published programme
figures (the loader and the schema a census extract meets are in
:mod:`kip_analysis.data.firm_panel`).

Firm microdata (the statistics office's enterprise census) is confidential, so the default
``load_firm_panel("simulated")`` simulates Hanoi's industrial firms over 2010-2025 (source 004:
"10,000-12,000 companies"). The data-generating process is meant to be hard for the estimators:

- log revenue = firm level + firm trend x years + sector x year shock + common year shock +
  a persistent AR(1) firm shock (:class:`TrueParameters` ``shock_rho``, ``shock_sd``);
- firms enter after 2010 (no 2010 row) and exit, more often after bad shocks (non-random);
- recognition rounds fill the sourced number of firm-recognitions per round (36, 22, 19, 30,
  25, 24, 25, 28). Firms are chosen on their first observed size, on ownership (recognised
  firms are mostly domestic; source 004: FDI firms "have not been interested in joining the
  programme") and on their trend growth, which the econometrician does not see. In the
  ``"conditional"`` variant that trend is a function of the observed first-year size and
  ownership, so parallel trends fail unconditionally and hold given those covariates; in the
  ``"unobserved_trend"`` variant part of the trend is idiosyncratic and also drives selection,
  so even conditional parallel trends fail;
- a share of each round's slots re-recognises firms whose recognition has run its three
  years (``rerecognition_share``, an assumption: no source gives it), so firm-recognitions
  exceed distinct firms. ``kip_round`` is the first recognition (g); the estimand is the
  intent-to-treat effect of a first recognition, including any re-recognition it leads to;
- effects grow over the recognition years and persist; exporting starts more often after
  recognition (an extensive margin: non-exporters have zero exports);
- optionally (``dip=True``, off by default: the default panel is unchanged) an Ashenfelter dip:
  log revenue carries a transitory i.i.d. shock, and a round's firms are chosen partly on a bad
  shock in the year before it, a dip that reverts (``dip_sd``, ``dip_selection``); comparisons
  based on the year before recognition then overstate the effect.

Each year every firm still in Hanoi chooses among Hanoi and the neighbours with sourced rents
and minimum-wage regions by a conditional logit on that year's lease and wage indices, distance
and size, recognition and place constants (:mod:`kip_analysis.data.simulated_locations`);
choosing a neighbour is a relocation. Every true parameter, both potential
outcomes' effects and the recognitions are kept in :class:`SimulatedPanel` for checking
estimators. Everything built on it is SIMULATED.

May import: config, data.processed, data.facts, data.geography, data.locations, data.raw,
data.simulated_locations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kip_analysis.data import processed
from kip_analysis.data.facts import vnd_per_usd
from kip_analysis.data.geography import HANOI
from kip_analysis.data.locations import CHOICE_YEARS, load_choice_attributes
from kip_analysis.data.simulated_locations import ChoiceParameters, simulate_locations

SIMULATED_LABEL = "SIMULATED"
#: Firm-recognitions per round (sourced: c006, w003 ... w030); first recognitions plus re-recognitions.
ROUND_FIRMS: dict[int, int] = {2018: 36, 2019: 22, 2020: 19, 2021: 30, 2022: 25, 2023: 24, 2024: 25, 2025: 28}
#: The simulation's years: 2010 to its last calibrated round (fixed by the calibration, not by the memo years,
#: so a new year of sourced data leaves every SIMULATED number unchanged).
YEARS: tuple[int, ...] = tuple(range(2010, max(ROUND_FIRMS) + 1))
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
#: log revenue of a firm in its first year: mean and SD, and the FDI premium (calibration table).
LOG_REVENUE_MEAN, LOG_REVENUE_SD, FDI_PREMIUM = 2.3, 1.8, 1.8
#: DGP variants: where conditional parallel trends hold, and where an unobserved trend breaks them.
VARIANTS: tuple[str, ...] = ("conditional", "unobserved_trend")
#: The default seed is fixed in advance and was not picked for fit (benchmarks/calibration_seeds.py
#: shows the calibration over 100 seeds).
DEFAULT_SEED = 1


@dataclass(frozen=True)
class TrueParameters:
    """The data-generating process's parameters (kept for checking estimators)."""

    cohort_effect: dict[int, float] = field(default_factory=lambda: {
        2018: 0.12, 2019: 0.10, 2020: 0.06, 2021: 0.08, 2022: 0.07, 2023: 0.06, 2024: 0.05, 2025: 0.05})
    ramp_years: int = 3  # effect grows linearly over the three years of recognition, then persists
    rerecognition_effect: float = 0.02  # extra effect from a re-recognition onwards (part of the ITT)
    export_multiplier: float = 1.5  # effect on exporters' log exports relative to log revenue
    employment_multiplier: float = 0.5
    electronics_bonus: float = 0.03  # extra effect for electronics_it (heterogeneity)
    # Firm shocks: u_t = rho u_{t-1} + e_t; the stationary SD of u is shock_sd. Assumed, not
    # sourced: 0.3 is the within-firm SD of log revenue the issue names as realistic, and the
    # calibration table reports the realised value.
    shock_rho: float = 0.7
    shock_sd: float = 0.3
    sector_shock_sd: float = 0.03  # sector x year shocks (random walk steps)
    year_shock_sd: float = 0.03
    # Trend growth: trend_base + trend_size x z(first-year log revenue) + trend_domestic x domestic
    #   (+ idiosyncratic N(0, trend_unobserved_sd) in the "unobserved_trend" variant)
    trend_base: float = 0.05
    trend_size: float = 0.012
    trend_domestic: float = 0.01
    trend_unobserved_sd: float = 0.015
    # Recognition score: selection_size x z(first-year log revenue) + selection_trend x z(trend)
    #   + selection_domestic x domestic + Gumbel noise; the highest scores among eligible firms win.
    selection_size: float = 0.8
    selection_trend: float = 1.0
    selection_domestic: float = 1.5
    rerecognition_share: float = 0.3  # share of a round's slots re-recognising expired firms (assumed)
    # Ashenfelter dip (simulate_panel(dip=True) only): a transitory N(0, dip_sd) shock in log revenue each
    # year, and - dip_selection x (shock in g - 1) / dip_sd added to the round-g recognition score.
    dip_sd: float = 0.1
    dip_selection: float = 1.0
    # Exporting: exporter_t = 1[export_propensity + export_kip x D_t + N(0, export_noise_sd) > 0]
    export_kip: float = 0.4
    export_noise_sd: float = 0.5
    # Entry and exit: entrants a year as a share of the 2010 firms; exit is logistic in the shock.
    entry_rate: float = 0.03
    exit_intercept: float = -4.6  # about 1% a year at the mean shock
    exit_shock: float = -4.0  # x u_t: bad shocks raise the hazard
    # Location choice of each Hanoi firm each year (conditional logit on the year's rents, wages
    # and distances; see kip_analysis.data.simulated_locations).
    choice: ChoiceParameters = field(default_factory=ChoiceParameters)


@dataclass
class SimulatedPanel:
    """A simulated panel, its truth tables and its calibration against the sources."""

    panel: pd.DataFrame
    att_truth: pd.DataFrame  # group, time, outcome, att (true mean effect on the treated alive at t)
    params: TrueParameters
    seed: int
    places: pd.DataFrame  # the location choice's places by year (kip_analysis.data.locations.choice_attributes)
    vnd_bn_per_usd_m: float  # exchange rate used for exports
    recognitions: pd.DataFrame = field(default_factory=pd.DataFrame)  # firm_id, round, first
    effects: pd.DataFrame = field(default_factory=pd.DataFrame)  # firm_id, year, true effect per outcome
    variant: str = "conditional"
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)
    label: str = SIMULATED_LABEL


@dataclass(frozen=True)
class SourcedInputs:
    """The sourced rows the simulation is built on: the places firms choose among with their
    rents, minimum wages, distances and PCI land access by year, and the sources' own exchange rate.
    """

    places: pd.DataFrame  # places and their attributes by year (data.locations.choice_attributes)
    vnd_bn_per_usd_m: float  # from the sources' paired VND/USD figures

    @classmethod
    def load(cls) -> SourcedInputs:
        """Read them from ``data/raw`` (through the processed facts table)."""
        facts = processed.load("facts")
        return cls(load_choice_attributes(facts), vnd_per_usd(facts)[0] / 1000)


def _z(x: np.ndarray, among: np.ndarray) -> np.ndarray:
    return (x - x[among].mean()) / x[among].std()


def _recognise(rng: np.random.Generator, score: np.ndarray, alive: np.ndarray, years: np.ndarray,
               share: float, round_score: dict[int, np.ndarray] | None = None
               ) -> tuple[np.ndarray, list[tuple[int, int, bool]]]:
    """Fill each round's sourced firm-recognitions: re-recognitions of firms whose last
    recognition is at least three years old, then first recognitions by score (plus the round's
    own ``round_score`` term, if any: the Ashenfelter dip).
    """
    n = len(score)
    first = np.zeros(n, dtype=int)
    last = np.zeros(n, dtype=int)
    rows: list[tuple[int, int, bool]] = []
    for g, count in ROUND_FIRMS.items():
        t = int(np.flatnonzero(years == g)[0])
        expired = np.flatnonzero((last > 0) & (g - last >= 3) & alive[:, t])
        n_re = min(len(expired), int(round(share * count)))
        again = rng.choice(expired, n_re, replace=False) if n_re else np.array([], dtype=int)
        s = np.where((first == 0) & alive[:, t], score + rng.gumbel(0, 1, n), -np.inf)
        if round_score is not None:
            s = s + round_score[g]
        new = np.argsort(-s)[:count - n_re]
        first[new] = g
        last[np.concatenate([again, new]).astype(int)] = g
        rows += [(int(i), g, False) for i in again] + [(int(i), g, True) for i in new]
    return first, rows


def simulate_panel(n_firms: int = 10_600, seed: int = DEFAULT_SEED, params: TrueParameters | None = None,
                   inputs: SourcedInputs | None = None, variant: str = "conditional",
                   dip: bool = False) -> SimulatedPanel:
    """Simulate the SIMULATED Hanoi firm panel (see the module docstring).

    Parameters
    ----------
    n_firms
        Firms alive in 2010 (entrants come on top).
    seed
        Seed of the random generator: same seed, same panel.
    params
        True parameters; defaults documented in :class:`TrueParameters`.
    inputs
        The sourced rows the simulation uses (default: :meth:`SourcedInputs.load`).
    variant
        ``"conditional"`` (parallel trends hold given first-year size and ownership) or
        ``"unobserved_trend"`` (an idiosyncratic trend also drives selection).
    dip
        Ashenfelter dip: firms are chosen partly on a transitory bad shock in the year before their
        round (``TrueParameters.dip_sd``, ``dip_selection``). Off by default; its draws come from a
        separate generator, so every other draw, and the default panel, is unchanged.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant={variant!r}: expected one of {', '.join(VARIANTS)}")
    p = params or TrueParameters()
    inputs = inputs or SourcedInputs.load()
    rng = np.random.default_rng(seed)
    years = np.array(YEARS)
    T = len(years)
    entrants = rng.binomial(n_firms, p.entry_rate, size=7)  # entering 2011-2017
    entry = np.concatenate([np.zeros(n_firms, dtype=int), np.repeat(np.arange(1, 8), entrants)])
    n = len(entry)
    sector = rng.choice(list(SECTORS), size=n, p=[s["share"] for s in SECTORS.values()])
    owner = rng.choice(list(OWNERSHIP), size=n, p=list(OWNERSHIP.values()))
    fdi, domestic = owner == "fdi", owner != "fdi"
    land_int = np.array([SECTORS[s]["land"] for s in sector]) * rng.lognormal(0, 0.3, n)
    export_share = np.clip(np.array([SECTORS[s]["export"] for s in sector]) * np.where(fdi, 2.0, 0.8)
                           * rng.lognormal(0, 0.4, n), 0.01, 0.95)
    product_share = rng.beta(4, 4, n)  # share of firm revenue from the recognised product(s)
    # persistent firm shocks, stationary from the first year: u_t = rho u_{t-1} + e_t
    innov_sd = p.shock_sd * np.sqrt(1 - p.shock_rho**2)
    u = np.empty((n, T))
    u[:, 0] = rng.normal(0, p.shock_sd, n)
    for t in range(1, T):
        u[:, t] = p.shock_rho * u[:, t - 1] + rng.normal(0, innov_sd, n)
    first_idx = entry
    level = rng.normal(LOG_REVENUE_MEAN, LOG_REVENUE_SD, n) + FDI_PREMIUM * fdi
    sector_codes = pd.factorize(sector, sort=True)[0]
    sector_shock = np.cumsum(rng.normal(0, p.sector_shock_sd, (len(SECTORS), T)), axis=1)
    year_shock = np.cumsum(rng.normal(0, p.year_shock_sd, T))
    common = sector_shock[sector_codes] + year_shock[None, :]
    rows = np.arange(n)
    # observed log revenue in the firm's first year (no programme effect yet: entry is by 2017)
    size_first = level + u[rows, first_idx] + common[rows, first_idx]
    size_z = _z(size_first, np.ones(n, dtype=bool))
    trend = p.trend_base + p.trend_size * size_z + p.trend_domestic * domestic
    if variant == "unobserved_trend":
        trend = trend + rng.normal(0, p.trend_unobserved_sd, n)
    age = np.arange(T)[None, :] - first_idx[:, None]
    log_rev = level[:, None] + trend[:, None] * age + common + u
    round_score = None
    if dip:
        transitory = np.random.default_rng([seed, 1931]).normal(0, p.dip_sd, (n, T))  # own stream
        log_rev = log_rev + transitory
        round_score = {g: -p.dip_selection * transitory[:, int(np.flatnonzero(years == g)[0]) - 1] / p.dip_sd
                       for g in ROUND_FIRMS}
    # alive: from entry until exit; exit is logistic in the current shock (non-random)
    hazard = 1 / (1 + np.exp(-(p.exit_intercept + p.exit_shock * u)))
    exits = rng.random((n, T)) < hazard
    alive = np.zeros((n, T), dtype=bool)
    alive[np.arange(n), first_idx] = True
    for t in range(1, T):
        alive[:, t] |= alive[:, t - 1] & ~exits[:, t]

    score = (p.selection_size * size_z + p.selection_trend * _z(trend, np.ones(n, dtype=bool))
             + p.selection_domestic * domestic)
    kip_round, recognitions = _recognise(rng, score, alive, years, p.rerecognition_share, round_score)
    again = np.zeros((n, T), dtype=bool)  # a re-recognition has happened by t
    in_force = np.zeros((n, T), dtype=bool)
    for i, g, is_first in recognitions:
        t0 = int(np.flatnonzero(years == g)[0])
        in_force[i, t0:t0 + 3] = True
        if not is_first:
            again[i, t0:] = True

    # Effects: cohort-specific, growing over the recognition years, then persisting (+ re-recognition).
    event = years[None, :] - kip_round[:, None]
    treated = (kip_round[:, None] > 0) & (event >= 0)
    base = np.array([p.cohort_effect.get(g, 0.0) for g in kip_round]) + p.electronics_bonus * (
        sector == "electronics_it")
    tau = np.where(treated, base[:, None] * np.minimum(event + 1, p.ramp_years) / p.ramp_years, 0.0)
    tau = tau + p.rerecognition_effect * again
    revenue = np.exp(log_rev + tau)
    propensity = rng.normal(0, 1, n) + np.where(fdi, 1.0, -0.7) + 0.6 * (export_share - 0.2) / 0.2
    noise = rng.normal(0, p.export_noise_sd, (n, T))
    exporter0 = (propensity[:, None] + noise) > 0
    exporter1 = np.where(treated, (propensity[:, None] + p.export_kip + noise) > 0, exporter0)  # D = 1 only after g
    exp_scale = export_share[:, None] / inputs.vnd_bn_per_usd_m
    exports0 = exporter0 * np.exp(log_rev) * exp_scale
    exports1 = exporter1 * np.exp(log_rev + p.export_multiplier * tau) * exp_scale
    exports = np.where(treated, exports1, exports0)
    employment = np.round(np.exp(1.2 + 0.6 * log_rev + p.employment_multiplier * tau
                                 + rng.normal(0, 0.2, (n, 1))))

    # Location choice each year (conditional logit on the year's data: data.simulated_locations).
    ever = alive.any(axis=1)
    first_alive = alive.argmax(axis=1)
    land_rel = land_int / land_int[ever].mean()  # land intensity relative to the average firm (positive)
    labour_int = employment[rows, first_alive] / revenue[rows, first_alive]  # as the estimator sees it
    labour_rel = labour_int / labour_int[ever].mean()
    province, moved = simulate_locations(rng, p.choice, inputs.places, years, alive, np.log(revenue), land_rel,
                                         labour_rel, in_force, CHOICE_YEARS[0])

    firm_ids = np.array([f"SIM{i:06d}" for i in range(n)])
    panel = pd.DataFrame({
        "firm_id": np.repeat(firm_ids, T), "year": np.tile(years, n),
        "sector": np.repeat(sector, T), "ownership": np.repeat(owner, T),
        "province": province.ravel(), "revenue_vnd_bn": revenue.ravel(), "exports_usd_m": exports.ravel(),
        "employment": employment.ravel().astype(int), "land_m2": (land_int[:, None] * revenue).ravel(),
        "product_revenue_vnd_bn": (product_share[:, None] * revenue).ravel(),
        "kip_round": np.repeat(kip_round, T), "kip_in_force": in_force.ravel().astype(int),
        "relocated": moved.ravel().astype(int),
    })
    panel = panel[alive.ravel()].reset_index(drop=True)
    effects = {"log_revenue": tau, "log_employment": p.employment_multiplier * tau,
               "exporter": exporter1.astype(float) - exporter0}
    truth = _att_truth(kip_round, years, effects, alive, (exports0, exports1))
    recog = pd.DataFrame(recognitions, columns=["firm", "round", "first"])
    recog.insert(0, "firm_id", firm_ids[recog.pop("firm").to_numpy()] if len(recog) else [])
    fi, ti = np.nonzero(treated & alive)
    firm_effects = pd.DataFrame({"firm_id": firm_ids[fi], "year": years[ti],
                                 **{k: v[fi, ti] for k, v in effects.items()}})
    sim = SimulatedPanel(panel, truth, p, seed, inputs.places, inputs.vnd_bn_per_usd_m, recog, firm_effects, variant)
    sim.calibration = calibration_table(sim, u[alive])
    return sim


def _att_truth(kip_round: np.ndarray, years: np.ndarray, effects: dict[str, np.ndarray], alive: np.ndarray,
               exports: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """True ATT(g, t): the mean effect among cohort g's firms alive at t, for log revenue, log
    employment and exporting (share of firms, both potential outcomes simulated), and for exports
    in PPML's scale: log(E[exports(1)] / E[exports(0)]) among them.
    """
    rows = []
    for g in ROUND_FIRMS:
        members = kip_round == g
        for t_idx, t in enumerate(years):
            here = members & alive[:, t_idx]
            for outcome, tau in effects.items():
                att = float(tau[here, t_idx].mean()) if here.any() else np.nan
                rows.append({"group": g, "time": int(t), "outcome": outcome, "att": att})
            e0, e1 = exports[0][here, t_idx].sum(), exports[1][here, t_idx].sum()
            ratio = float(np.log(e1 / e0)) if here.any() and e0 > 0 and e1 > 0 else np.nan
            rows.append({"group": g, "time": int(t), "outcome": "exports_ppml", "att": ratio})
    return pd.DataFrame(rows)


def calibration_table(sim: SimulatedPanel, shocks: np.ndarray | None = None) -> pd.DataFrame:
    """Simulated aggregates against the published figures (or the stated assumptions) they are
    calibrated to. ``shocks``: the firm shocks of the firm-years alive (their SD is reported).
    """
    df = sim.panel
    y18, y20 = df[df["year"] == 2018], df[df["year"] == 2020]
    hanoi19 = df[(df["year"] == 2019) & (df["province"] == HANOI)]
    first3 = y20[y20["kip_round"].between(2018, 2020)]
    first2 = y20[y20["kip_round"].between(2018, 2019)]
    c18 = y18[y18["kip_round"] == 2018]
    firms = df.groupby("firm_id").agg(kip_round=("kip_round", "first"), ownership=("ownership", "first"))
    recognised = firms[firms["kip_round"] > 0]
    rows = [
        ("industrial firms in Hanoi, 2019", "firms", len(hanoi19), "10,000-12,000", "c003"),
        ("firm-recognitions, rounds 2018-2025", "recognitions", len(sim.recognitions),
         "209 (36+22+19+30+25+24+25+28)", "c006, w003 ... w030"),
        ("distinct firms recognised, rounds 2018-2025", "firms", len(recognised),
         "not published (fewer than 209: re-recognition share assumed)", "assumption"),
        ("share of recognised firms that are FDI", "share", round(float((recognised["ownership"] == "fdi").mean()), 3),
         "small: FDI firms 'have not been interested in joining the programme'", "source 004 (article text)"),
        ("2018 round products' revenue, 2018", "VND bn", round(c18["product_revenue_vnd_bn"].sum()), "40,000",
         "b015"),
        ("2018 round products' exports, 2018", "VND bn",
         round((c18["exports_usd_m"] * sim.vnd_bn_per_usd_m * c18["product_revenue_vnd_bn"]
                / c18["revenue_vnd_bn"]).sum()),
         "over 10,000", "b019"),
        ("revenue of the firms of rounds 2018-2020, 2020", "VND bn", round(first3["revenue_vnd_bn"].sum()),
         "nearly 200,000 (77 firm-recognitions)", "e007, w008"),
        ("of the firms of rounds 2018-2019: revenue over VND1,000bn, 2020", "firms",
         int((first2["revenue_vnd_bn"] > 1000).sum()), "15", "d003"),
    ]
    if shocks is not None:
        rows.append(("within-firm SD of the persistent revenue shock", "log points", round(float(shocks.std()), 3),
                     "about 0.3 (assumed realistic; not sourced)", "assumption"))
    return pd.DataFrame(rows, columns=["aggregate", "unit", "simulated", "published", "source"])
