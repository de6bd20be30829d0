"""Forecasts of the forensic backlog: Little's law and the seeded Monte Carlo."""

import datetime as dt

import numpy as np
import pytest

from unitload.planning import forecast
from unitload.planning.forecast import FAN_PERCENTILES, exact_weeks, linear_percentiles, littles_law, monte_carlo


@pytest.mark.parametrize(
    ("backlog", "completions", "mean", "weeks"),
    [(400, [20, 30, 25, 25], 25.0, 16.0), (90, [10, 20], 15.0, 6.0), (10, [0, 0, 0], 0.0, None), (0, [5], 5.0, 0.0)],
)
def test_littles_law_on_hand_computed_inputs(backlog, completions, mean, weeks):
    got = littles_law(backlog, completions)
    assert (got.mean_weekly_throughput, got.weeks_to_clear) == (mean, weeks)
    assert "Little's law" in got.method


@pytest.mark.parametrize(("backlog", "arrivals", "completions"), [(400, 20, 30), (401, 20, 30), (5, 0, 5), (1, 3, 4)])
def test_monte_carlo_on_constant_flow_is_exact(backlog, arrivals, completions):
    result = monte_carlo(backlog, [arrivals] * 12, [completions] * 12, runs=500)
    expected = exact_weeks(backlog, arrivals, completions)
    assert set(result.weeks_to_clear.tolist()) == {expected}
    assert [result.weeks_at(p) for p in (50, 85, 95)] == [expected] * 3
    assert result.date_at(85, dt.date(2026, 10, 31)) == dt.date(2026, 10, 31) + dt.timedelta(weeks=expected)
    assert result.cleared_share == 1.0


def test_a_growing_queue_never_clears_and_says_so():
    result = monte_carlo(300, [30] * 12, [25] * 12, runs=1_000, horizon_weeks=52)
    assert result.cleared_share == 0.0
    assert result.weeks_at(50) is None and result.date_at(95, dt.date(2026, 1, 1)) is None
    assert result.clearing(dt.date(2026, 1, 1), (50, 95)) == ["50 %: not within 52 weeks", "95 %: not within 52 weeks"]


def test_when_a_queue_clears_is_said_in_words():
    result = monte_carlo(400, [20] * 12, [30] * 12, runs=500)  # exactly 40 weeks in every run
    assert result.clearing(dt.date(2026, 10, 31), mark="**") == [
        f"**{p} %** of runs clear by 07 Aug 2027" for p in (50, 85, 95)
    ]


def test_percentiles_are_stable_between_seeds():
    rng = np.random.default_rng(7)
    arrivals = rng.poisson(20, 12)
    completions = rng.poisson(30, 12)
    first = monte_carlo(420, arrivals, completions, runs=10_000, seed=1)
    second = monte_carlo(420, arrivals, completions, runs=10_000, seed=2)
    for percent in (50, 85, 95):
        assert abs(first.weeks_at(percent) - second.weeks_at(percent)) <= 1
    assert 0 < first.weeks_at(50) < first.weeks_at(85) <= first.weeks_at(95)


def test_same_seed_same_answer_and_extra_capacity_helps_from_its_week():
    args = (120, [24, 30, 18, 27], [26, 31, 22, 29])
    assert np.array_equal(monte_carlo(*args, seed=5).weeks_to_clear, monte_carlo(*args, seed=5).weeks_to_clear)
    base = monte_carlo(*args, seed=5)
    more = monte_carlo(*args, seed=5, extra_completions=(6.5,) * 104)
    assert more.weeks_at(85) < base.weeks_at(85)
    late = monte_carlo(*args, seed=5, extra_completions=(0.0,) * 10 + (6.5,) * 94)  # from week 11
    assert more.weeks_at(85) < late.weeks_at(85) < base.weeks_at(85)


def test_extra_completions_on_constant_flow_are_exact():
    # 100 waiting, 10 in and 10 out a week; from week 3, 5 more out a week: 100 / 5 = 20 weeks after week 2
    got = monte_carlo(100, [10], [10], runs=50, extra_completions=(0.0, 0.0) + (5.0,) * 100)
    assert set(got.weeks_to_clear.tolist()) == {22}


def test_empty_history_is_refused():
    with pytest.raises(ValueError, match="no weeks"):
        monte_carlo(10, [], [])


def test_projected_backlog_fan_never_goes_below_zero():
    clearing = monte_carlo(10, [2] * 4, [5] * 4, runs=50, horizon_weeks=6)
    assert clearing.fan[2].tolist() == [10, 7, 4, 1, 0, 0, 0]
    growing = monte_carlo(100, [30] * 4, [25] * 4, runs=50, horizon_weeks=4)
    assert growing.fan[2].tolist() == [100, 105, 110, 115, 120]
    varied = monte_carlo(5, [0, 10], [0, 10], runs=2_000, horizon_weeks=20, seed=3)
    assert (varied.fan >= 0).all()
    assert (np.diff(varied.fan, axis=0) >= 0).all()  # percentiles are ordered at every week


@pytest.mark.parametrize("shape", [(10_000, 27), (7, 3), (1, 4), (2, 5)])
@pytest.mark.parametrize("scale", [1.5, 1], ids=["floats", "integers"])
def test_fan_percentiles_are_numpys_linear_ones(shape, scale):
    values = np.random.default_rng(7).integers(-500, 500, size=shape) * scale
    assert np.array_equal(linear_percentiles(values, FAN_PERCENTILES), np.percentile(values, FAN_PERCENTILES, axis=0))


@pytest.mark.parametrize(
    ("backlog", "arrivals", "completions", "dtype"),
    [
        (28_838, (812.0, 640.0, 955.0, 0.0), (790.0, 701.0, 1_020.0, 12.0), np.int32),  # whole weekly counts
        (300, (30.0, 20.0), (31.25, 43.75), np.float64),  # completions scaled by the planner
        (2_147_480_000, (30.0, 20.0), (25.0, 35.0), np.float64),  # a run could pass 32-bit integers
    ],
)
def test_whole_counts_simulate_in_integers_with_the_same_results_as_floats(backlog, arrivals, completions, dtype):
    assert forecast.exact_dtype(backlog, arrivals, completions, 104) is dtype
    fast = forecast.simulate(backlog, arrivals, completions, 2_000, 104, 11)
    floats = forecast.simulate(backlog, arrivals, completions, 2_000, 104, 11, dtype=np.float64)
    assert np.array_equal(fast.weeks_to_clear, floats.weeks_to_clear)
    assert fast.fan.dtype == np.float64 and np.array_equal(fast.fan, floats.fan)


def test_same_inputs_reuse_the_simulation_and_other_inputs_do_not():
    first = monte_carlo(300, [30, 20], [25, 35], runs=500)
    assert monte_carlo(300, np.array([30, 20]), (25.0, 35.0), runs=500) is first
    assert monte_carlo(300, [30, 20], [25, 35], runs=500, extra_completions=(1.5,)) is not first
    assert monte_carlo(301, [30, 20], [25, 35], runs=500) is not first
    with pytest.raises(ValueError, match="read-only"):
        first.weeks_to_clear[0] = 0  # a caller cannot change what later callers are given


@pytest.mark.parametrize("backlog", [0, 420])
def test_a_simulation_without_its_fan_clears_in_the_same_weeks(backlog):
    """The Forensic backlog's tabs but Forecast need only the weeks to clear: the fan is left out, not changed."""
    arrivals, completions = [30, 20, 41, 0], [25, 35, 28, 44]
    whole = monte_carlo(backlog, arrivals, completions, runs=2_000, seed=4)
    weeks_only = monte_carlo(backlog, arrivals, completions, runs=2_000, seed=4, fan=False)
    assert weeks_only.fan is None and whole.fan.shape == (len(FAN_PERCENTILES), 105)
    assert np.array_equal(weeks_only.weeks_to_clear, whole.weeks_to_clear)
    assert weeks_only.date_at(85, dt.date(2026, 9, 30)) == whole.date_at(85, dt.date(2026, 9, 30))
    with pytest.raises(ValueError, match="read-only"):
        weeks_only.weeks_to_clear[0] = 0
