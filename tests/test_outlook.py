"""Targets not yet due: the reference-class forecast (split conformal intervals with known coverage, a probability
withheld when the class is too small), the count model against its closed form, anticipated progress on worked
examples, and the 2026 memo's targets ahead all judged, forecast and, where earned, given a probability."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, nbinom, poisson

from kip_analysis.analyses.targets import outlook
from kip_analysis.data import reference_class
from kip_analysis.estimators import counts
from kip_analysis.estimators import reference_class as rc


def _random_walks(n_series: int, years: int, sd: float, seed: int) -> pd.DataFrame:
    """Shares whose logit is a Gaussian random walk: the last value is their optimal forecast, and the error at
    h years ahead is N(0, h sd^2) on the logit scale, so a calibrated 80% interval covers 80% of outcomes."""
    rng = np.random.default_rng(seed)
    start = rng.normal(-1.0, 0.8, size=(n_series, 1))
    z = start + np.cumsum(rng.normal(0, sd, size=(n_series, years)), axis=1)
    values = 100 / (1 + np.exp(-z))
    return pd.DataFrame({"series_id": np.repeat([f"S{i:03d}" for i in range(n_series)], years),
                         "year": np.tile(np.arange(1990, 1990 + years), n_series), "value": values.ravel()})


def test_conformal_intervals_cover_what_they_claim_on_a_simulated_reference_class():
    panel = _random_walks(300, 25, 0.3, seed=1)
    detail = rc.backtest(panel, "last value", 3, [2])
    cal = rc.calibrate(detail, "last value", 2, 3)
    assert cal.earned and cal.n == 300 * (25 - 3 - 2 + 1)
    cov = cal.coverage.set_index("level")["coverage"]
    for level in rc.LEVELS:
        assert cov[level] == pytest.approx(level, abs=0.03)
    # the errors are N(0, 2 sd^2) on the logit scale: the conformal 80% ends are its quantiles
    lo, hi = rc.conformal_bounds(cal.errors, 0.8)
    assert (lo, hi) == pytest.approx((-1.2816 * 0.3 * math.sqrt(2), 1.2816 * 0.3 * math.sqrt(2)), abs=0.03)
    # new series from the same process: the outlooks' 80% intervals cover about 80% of their outcomes
    fresh = _random_walks(400, 5, 0.3, seed=2).pivot(index="series_id", columns="year", values="value").to_numpy()
    inside = []
    for row in fresh:
        o = rc.outlook(np.arange(1990, 1993), row[:3], 2, cal)
        inside.append(o.bounds[0.8][0] <= row[4] <= o.bounds[0.8][1])
    assert np.mean(inside) == pytest.approx(0.8, abs=0.05)
    # the probability of reaching a threshold is the share of pooled errors that would reach it
    o = rc.outlook(np.arange(1990, 1993), np.array([20.0, 20.0, 20.0]), 2, cal)
    assert o.probability_at_least(20.0) == pytest.approx(0.5, abs=0.05)
    assert o.probability_at_least(99.9) == pytest.approx(1 / (cal.n + 1))


def test_a_probability_is_withheld_when_the_reference_class_is_too_small():
    small = _random_walks(4, 10, 0.3, seed=3)
    cal = rc.calibrate(rc.backtest(small, "last value", 3, [2]), "last value", 2, 3)
    assert cal.n >= rc.MIN_FORECASTS and cal.n_evaluated < rc.MIN_EVALUATED and not cal.earned
    assert "held-out forecasts" in cal.why_not()
    o = rc.outlook(np.arange(1990, 1993), np.array([10.0, 11.0, 12.0]), 2, cal)
    assert o.probability_at_least(15.0) is None and o.bounds[0.8][0] < o.median < o.bounds[0.8][1]
    tiny = rc.calibrate(rc.backtest(_random_walks(2, 6, 0.3, seed=4), "last value", 3, [2]), "last value", 2, 3)
    assert tiny.n < rc.MIN_FORECASTS and "pooled scored forecasts" in tiny.why_not()


def test_miscalibrated_intervals_earn_no_probability():
    panel = _random_walks(300, 25, 0.3, seed=5)
    detail = rc.backtest(panel, "last value", 3, [2])
    half = detail["series_id"].map(rc._half)
    detail.loc[half == 1, "error"] *= 2.5  # the held-out series are far more volatile than the calibration half
    cal = rc.calibrate(detail, "last value", 2, 3)
    assert not cal.earned and "covered" in cal.why_not()


def test_the_vectorised_backtest_equals_one_forecast_at_a_time():
    panel = _random_walks(5, 12, 0.3, seed=6)
    panel = panel.drop(index=panel.index[(panel["series_id"] == "S002") & (panel["year"] == 1995)])  # a gap
    for method in rc.METHODS:
        d = rc.backtest(panel, method, 4, [1, 3])
        assert not ((d["series_id"] == "S002") & d["origin"].between(1995, 1998)).any()  # no window over the gap
        for r in d.sample(20, random_state=0).itertuples():
            g = panel[panel["series_id"] == r.series_id].set_index("year")["value"]
            years = np.arange(r.origin - 3, r.origin + 1)
            assert r.forecast_z == pytest.approx(rc.point_forecast(years, g.loc[years].to_numpy(), r.horizon,
                                                                   method), abs=1e-12)


def test_the_count_model_equals_its_closed_form():
    fit = counts.fit_rounds(np.array([61, 30, 26, 46, 33, 33, 36, 35]), 8)
    assert fit.p_held == pytest.approx(0.9) and not fit.poisson
    r, p = fit.mean ** 2 / (fit.variance - fit.mean), fit.mean / fit.variance
    always = counts.RoundCounts(fit.mean, fit.variance, 8, 8, 1.0)
    pmf = always.total_pmf(3, 400)
    assert pmf == pytest.approx(nbinom.pmf(np.arange(401), 3 * r, p), abs=1e-12)  # a sum of NB(r, p) is NB(3r, p)
    mixture = fit.total_pmf(5, 1000)
    assert mixture.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.arange(1001) @ mixture == pytest.approx(5 * 0.9 * fit.mean, rel=1e-9)
    # nothing in five years: no round held, or rounds held that recognised nothing
    assert mixture[0] == pytest.approx(0.1 ** 5 + sum(binom.pmf(k, 5, 0.9) * nbinom.pmf(0, k * r, p)
                                                      for k in range(1, 6)), rel=1e-9)
    flat = counts.RoundCounts(30.0, 20.0, 5, 5, 1.0)  # less spread than a Poisson: Poisson counts
    assert flat.poisson and flat.p_at_least(60, 2) == pytest.approx(poisson.sf(59, 60), abs=1e-12)
    assert always.p_at_least(100, 3, already=120) == 1.0


def _computed(values: dict[int, float], flagged: tuple[int, ...] = (), how: dict[int, str] | None = None):
    how = how or {}
    return pd.DataFrame({"year": list(values), "export_share": list(values.values()),
                         "export_share_flagged": ["w999 (rule)" if y in flagged else "" for y in values],
                         "exports_rows": "w001", "denominator_exports_how": [how.get(y, "sourced w002")
                                                                               for y in values]})


def test_anticipated_progress_of_a_share_target_ahead():
    # the pace achieved: compound growth over the accepted run (5 -> 7.2 in two years: 20% a year); the pace
    # required: from the latest value to the low end of the interval target (Destatis: its weakest end)
    computed = _computed({2019: 3.0, 2020: 5.0, 2021: 6.0, 2022: 7.2, 2023: 40.0}, flagged=(2023,),
                         how={2019: "back-cast from 2020"})
    run = outlook.accepted_run(computed, "export")
    assert run["year"].tolist() == [2019, 2020, 2021, 2022] and run.attrs["left_out"] == [2023]
    target = pd.Series({"target_id": "x1", "metric": "kip_export_share", "target_year": 2030, "low": 20.0,
                        "high": 25.0})
    row = outlook.share_outlook(target, computed.iloc[1:], 2026, {})
    assert row["actual_rate"] == pytest.approx(0.2) and row["required_rate"] == pytest.approx((20 / 7.2) ** 0.125 - 1)
    assert row["class"] == "on track" and row["current_value"] == 7.2 and row["pace_span"] == "2020-2022"
    assert row["forecast_median"] is None and row["probability_withheld"] == "no reference class published by the " \
                                                                            "memo year"
    assert row["evidence"] == "low"  # a flagged later value left out
    slow = outlook.share_outlook({**target, "low": 50.0}, _computed({2020: 5.0, 2021: 5.1, 2022: 5.2}), 2026, {})
    assert slow["class"] == "accelerate strongly" and slow["evidence"] == "low"  # three points: low
    back = outlook.share_outlook(target, _computed({2020: 8.0, 2021: 7.0, 2022: 6.0}), 2026, {})
    assert back["class"] == "regressing"


def test_anticipated_progress_of_count_targets_ahead():
    rounds = pd.DataFrame({"round": range(2018, 2026), "products": [61, 30, 26, 46, 33, 33, 36, 35]})
    period = pd.Series({"target_id": "c", "metric": "kip_products_cumulative", "target_year": 2030, "low": 180.0,
                        "high": 200.0})
    row = outlook.count_outlook(period, "2026-2030", rounds, 2026)
    assert row["actual_rate"] == pytest.approx(300 / 8) and row["required_rate"] == pytest.approx(180 / 5)
    assert row["class"] == "on track" and row["horizon"] == 5 and row["probability"] is None
    assert row["forecast_low"] < row["forecast_median"] < row["forecast_high"]
    one = pd.Series({"target_id": "r", "metric": "kip_products_recognised", "target_year": 2026, "low": 40.0,
                     "high": 45.0})
    assert outlook.count_outlook(one, "2026", rounds, 2026)["class"] == "accelerate"  # 37.5 a year against 40


def test_the_reference_class_is_used_only_by_memos_written_after_it_was_published():
    published = reference_class.published()
    assert not reference_class.available_in(int(published[:4]) - 1)
    assert reference_class.available_in(int(published[:4]))
    panel = reference_class.share_panel()
    assert panel.attrs["aggregates_left_out"] > 0 and "WLD" not in set(panel["series_id"])
    assert panel["value"].between(0, 100).all() and panel["series_id"].nunique() >= 150


@pytest.mark.slow
def test_the_2026_memo_judges_forecasts_and_gives_a_probability_for_the_targets_ahead():
    from kip_analysis.analyses.targets import run as targets_run
    from kip_analysis.analyses.targets.params import validate

    p = validate(as_of_year=2026)
    r = targets_run.run(p)
    sec = targets_run.section(r, p)
    ahead = r.verdicts[r.verdicts["target_year"] >= 2026]
    assert len(ahead) >= 3 and (ahead["class"] != "cannot be assessed").all()
    assert ahead["actual_rate"].notna().all() and ahead["required_rate"].notna().all()  # the Pace cell
    assert ahead["evidence"].isin(["high", "medium", "low"]).all()
    est = {e.key: e for e in sec.estimates}
    for tid in ahead["target_id"]:
        f = est[f"targets.{tid}.forecast"]
        assert f.status == "forecast" and f.has_interval and f.low <= f.value <= f.high
    published = [e for e in est.values() if e.key.endswith(".forecast") and e.extra["probability"] is not None]
    assert published, "no probability is published in the 2026 memo"
    assert all(e.extra["reference_forecasts"] >= rc.MIN_FORECASTS for e in published)
    assert len(r.reference_table) and r.reference_table["earned"].any()
    assert any(t.title.startswith("Reference class") for t in sec.tables)
    # the phase that ended: the products' export share for 2025 rests on a flagged row; a nowcast from the accepted
    # values is shown beside its verdict, and settles it only when the calibrated probability is far from 1/2
    passed = r.verdicts.set_index("target_id")
    assert passed.loc["n005", "nowcast"] and passed.loc["n005", "forecast_median"] is not None
    p = passed.loc["n005", "probability"]
    assert passed.loc["n005", "class"] == ("missed" if p <= outlook.NOWCAST_SETTLES else "met"
                                           if p >= 1 - outlook.NOWCAST_SETTLES else "undetermined")
    from kip_analysis.report import answers

    first = answers.targets_answer(est, 2026)
    assert first.verdict.startswith("Targets due in 2025, the year just ended (6): 2 met, 1 missed, 3 cannot be "
                                    "judged") and first.answered  # one per target: n006+n007 is not hidden by d007
    assert "forecast" in first.number and first.confidence in ("High", "Medium", "Low")
    line = " ".join(answers.bottom_line(est, 2026))
    assert "judged against" in line and "2030" in line
