"""The staffing planner's model: each change type, rebalancing, and scenario links."""

import datetime as dt

import polars as pl
import pytest
from conftest import D, assign, case, contract, officer
from hypothesis import given
from hypothesis import strategies as st

from queries import run_query
from unitload.planner import evaluate, evaluation_day, rebalance_moves
from unitload.scenario import (
    Absence,
    Examiners,
    Hours,
    Leaver,
    Move,
    NewPost,
    Rebalance,
    Scenario,
    ScenarioError,
)
from unitload.schema import ABSENCE_KINDS, OFFICER_ROLES

ON = D(2026, 11, 30)
START = D(2026, 11, 1)


@pytest.fixture
def unit(build):
    """Team T1: A (full-time, 14 points), B (full-time, 4 points), P (20 hours, 6 points); team T2: C (2 points)."""
    weights = {"A": [6.0, 4.0, 2.0, 2.0], "B": [2.0, 2.0], "P": [3.0, 3.0], "C": [2.0]}
    cases = [case(f"{o}{i}", weight=w) for o, ws in weights.items() for i, w in enumerate(ws)]
    return build(
        officers=[officer("A"), officer("B"), officer("P"), officer("C", team="T2"), officer("S", role="supervisor")],
        contracts=[contract("A"), contract("B"), contract("P", 20.0), contract("C"), contract("S")],
        cases=cases,
        assignments=[assign(c["case_id"], c["case_id"][0]) for c in cases],
        extracted_at=dt.datetime(2026, 10, 31, 6),
    )


def loads(outcome) -> dict[str, float]:
    return dict(zip(outcome.officers["officer_id"], outcome.officers["load_pct"], strict=True))


def test_baseline_is_the_extract_measured_on_the_day(unit):
    base = evaluate(unit, Scenario(), ON, runs=10)
    expected = run_query(unit, "officer_load", as_of=ON).filter(pl.col("role") == "investigator")
    assert loads(base) == dict(zip(expected["officer_id"], expected["load_pct"], strict=True))
    assert loads(base)["A"] == pytest.approx(100 * 14 / 12)


def test_hours_change_from_a_day(unit):
    got = evaluate(unit, Scenario((Hours("B", 20.0, D(2026, 11, 15)),)), ON, runs=10)
    row = got.officers.filter(pl.col("officer_id") == "B").row(0, named=True)
    assert (row["fte"], row["capacity_points"], row["part_time_full_load"]) == (0.5, 6.0, False)
    before = evaluate(unit, Scenario((Hours("B", 20.0, D(2026, 12, 15)),)), ON, runs=10)
    assert before.officers.filter(pl.col("officer_id") == "B")["fte"].to_list() == [1.0]
    full = evaluate(unit, Scenario((Hours("P", 40.0, START),)), ON, runs=10)
    assert full.officers.filter(pl.col("officer_id") == "P")["fte"].to_list() == [1.0]


def test_absence_and_leaver(unit):
    away = evaluate(unit, Scenario((Absence("A", START, None),)), ON, runs=10)
    assert away.officers.filter(pl.col("officer_id") == "A")["load_pct"].to_list() == [None]
    assert away.headline["no_capacity_holding_cases"] == 1
    half = evaluate(unit, Scenario((Absence("A", START, None, "restricted_duties", 0.5),)), ON, runs=10)
    assert loads(half)["A"] == pytest.approx(100 * 14 / 6)
    gone = evaluate(unit, Scenario((Leaver("A", D(2026, 11, 20)),)), ON, runs=10)
    assert "A" not in loads(gone)


def test_new_post_and_moves(unit):
    got = evaluate(
        unit, Scenario((NewPost("NEW1", "investigator", "T1", 40.0, START), Move(("A0",), "NEW1", START))), ON, runs=10
    )
    assert loads(got)["NEW1"] == pytest.approx(50.0)
    assert loads(got)["A"] == pytest.approx(100 * 8 / 12)
    cases = run_query(unit, "case_progress", as_of=ON)
    assert cases.filter(pl.col("case_id") == "A0")["officer_id"].to_list() == ["A"]  # the extract is untouched


def test_rebalancing_makes_the_fewest_moves_and_never_raises_the_maximum(unit):
    got = evaluate(unit, Scenario((Rebalance(110.0, START),)), ON, runs=10)
    # A is at 117 %: one move, of the heaviest case someone can take (6 points, to B: same team, most room)
    assert [(m.case_id, m.from_officer, m.to_officer) for m in got.moves] == [("A0", "A", "B")]
    assert "same team" in got.moves[0].why
    before = max(v for v in loads(evaluate(unit, Scenario(), ON, runs=10)).values() if v is not None)
    assert max(v for v in loads(got).values() if v is not None) <= before
    assert all(v <= 110 + 1e-9 for v in loads(got).values() if v is not None)


def test_rebalancing_never_gives_to_an_absent_officer_and_relieves_one(unit):
    got = evaluate(
        unit, Scenario((Absence("A", START, None), Absence("B", START, None), Rebalance(110.0, START))), ON, runs=10
    )
    assert {m.to_officer for m in got.moves} <= {"P", "C"}
    assert "B" not in {m.to_officer for m in got.moves} and "A" not in {m.to_officer for m in got.moves}
    assert all(v <= 110 + 1e-9 for v in loads(got).values() if v is not None)
    assert any("none free in T1" in m.why for m in got.moves if m.to_officer == "C")


def test_rebalancing_leaves_what_nobody_can_take(build):
    source = build(
        officers=[officer("A"), officer("B")],
        contracts=[contract("A"), contract("B")],
        cases=[case("BIG", weight=30.0)],
        assignments=[assign("BIG", "A")],
    )
    assert rebalance_moves(source, ON, 110.0) == []


def test_examiner_capacity_moves_the_forecast(sample):
    on = evaluation_day(sample.extract.as_of)
    base = evaluate(sample, Scenario(), on)
    more = evaluate(sample, Scenario((Examiners(1.0),)), on)
    assert more.examiner_fte == pytest.approx(base.examiner_fte + 1)
    assert more.forecast.cleared_share > base.forecast.cleared_share
    assert more.forecast.weeks_at(85) is not None


def test_evaluation_day_is_the_end_of_the_next_month():
    assert evaluation_day(D(2026, 10, 31)) == D(2026, 11, 30)
    assert evaluation_day(D(2026, 12, 15)) == D(2027, 1, 31)


ids = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1, max_size=8)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
hours = st.floats(min_value=0.5, max_value=60, allow_nan=False).map(lambda h: round(h, 2))
changes = st.one_of(
    st.builds(Hours, ids, hours, days),
    st.builds(
        lambda o, a, n, k, r: Absence(o, a, None if n is None else a + dt.timedelta(days=n), k, r),
        ids,
        days,
        st.none() | st.integers(0, 400),
        st.sampled_from(ABSENCE_KINDS),
        st.floats(min_value=0.05, max_value=1.0).map(lambda r: round(r, 2)),
    ),
    st.builds(Leaver, ids, days),
    st.builds(NewPost, ids, st.sampled_from(OFFICER_ROLES), ids, hours, days),
    st.builds(Move, st.lists(ids, min_size=1, max_size=4).map(tuple), ids, days),
    st.builds(Rebalance, st.floats(min_value=1, max_value=500).map(lambda t: round(t, 1)), days),
    st.builds(
        Examiners,
        st.floats(min_value=-5, max_value=10).map(lambda d: round(d, 2)),
        st.none() | st.floats(min_value=0, max_value=50).map(lambda d: round(d, 2)),
    ),
)


@given(st.lists(changes, max_size=6))
def test_any_scenario_survives_a_link(items):
    scenario = Scenario(tuple(items))
    text = scenario.serialise()
    assert Scenario.parse(text) == scenario
    assert all(ch.isalnum() or ch in "-_.,~" for ch in text)


@pytest.mark.parametrize(
    "text",
    [
        "nonsense.1",
        "hours.P1.99p0.2026-01-01",
        "hours.P1.24p0",
        "absence.P1.2026-01-02.2026-01-01.sickness.1p0",
        "move..P2.2026-01-01",
        "hours.P<script>.24p0.2026-01-01",
        "post.N1.wizard.T1.40p0.2026-01-01",
    ],
)
def test_bad_links_are_refused_with_a_reason(text):
    with pytest.raises(ScenarioError):
        Scenario.parse(text)
