"""The staffing planner (DATA_CONTRACT.md section 5): each change as an edit of the tables, errors that name
the change and field, rebalancing as a proposal, the forecast, the projection and scenario links."""

import datetime as dt

import polars as pl
import pytest
from conftest import D, absence, action, assign, case, contract, officer

from queries import run_query
from unitload.planning import edits
from unitload.planning.planner import (
    accepted,
    evaluate,
    extract_tables,
    plan_rows,
    rebalance_moves,
)
from unitload.planning.projection import projection
from unitload.planning.scenario import (
    AbsenceChange,
    ExaminersChange,
    HoursChange,
    LeaverChange,
    MoveCasesChange,
    NewPostChange,
    Scenario,
    ScenarioError,
    parse,
    read,
)

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


def scenario(*changes) -> Scenario:
    return read({"name": "test", "changes": [c.to_json() for c in changes]})


def loads(outcome) -> dict[str, float]:
    return dict(zip(outcome.officers["officer_id"], outcome.officers["load_pct"], strict=True))


def test_baseline_is_the_extract_measured_on_the_day(unit):
    base = evaluate(unit, Scenario(), ON, runs=10)
    expected = run_query(unit, "officer_load", as_of=ON).filter(pl.col("caseholder"))
    assert loads(base) == dict(zip(expected["officer_id"], expected["load_pct"], strict=True))
    assert loads(base)["A"] == pytest.approx(100 * 14 / 12)


def test_hours_replace_the_periods_from_the_day(unit):
    got = evaluate(unit, scenario(HoursChange(officer_id="B", from_day=D(2026, 11, 15), hours=20.0)), ON, runs=10)
    row = got.officers.filter(pl.col("officer_id") == "B").row(0, named=True)
    assert (row["fte"], row["capacity_points"], row["part_time_full_load"]) == (0.5, 6.0, False)
    later = evaluate(unit, scenario(HoursChange(officer_id="B", from_day=D(2026, 12, 15), hours=20.0)), ON, runs=10)
    assert later.officers.filter(pl.col("officer_id") == "B")["fte"].to_list() == [1.0]


def test_each_change_edits_the_tables_as_the_contract_says(unit):
    tables = extract_tables(unit, edits.EDITED + edits.READ)
    tables["contracts"] = pl.concat(  # B: a period that starts after the change's day is replaced too
        [
            tables["contracts"].filter(pl.col("officer_id") != "B"),
            pl.DataFrame(
                {
                    "officer_id": ["B", "B"],
                    "valid_from": [D(2020, 1, 1), D(2026, 12, 1)],
                    "valid_to": [D(2026, 12, 1), None],
                    "contracted_hours": [40.0, 30.0],
                },
                schema=tables["contracts"].schema,
            ),
        ]
    )
    got = edits.apply(
        tables,
        scenario(
            HoursChange(officer_id="B", from_day=D(2026, 11, 15), hours=20.0),
            AbsenceChange(officer_id="P", first_day=START, last_day=None, kind="parental"),
            LeaverChange(officer_id="C", left_on=D(2027, 1, 1)),
            LeaverChange(officer_id="C", left_on=D(2027, 3, 1)),  # the earlier of the two stays
            NewPostChange(officer_id="N1", team="T2", role="investigator", hours=30.0, joined_on=START),
            MoveCasesChange(case_ids=("A0", "A1"), to_officer="N1", on=D(2026, 11, 10)),
            ExaminersChange(fte=2.0, from_day=START),
        ),
    )
    b = got["contracts"].filter(pl.col("officer_id") == "B").sort("valid_from")
    assert b.select("valid_from", "valid_to", "contracted_hours").rows() == [
        (D(2020, 1, 1), D(2026, 11, 15), 40.0),
        (D(2026, 11, 15), None, 20.0),
    ]
    assert got["absences"].filter(pl.col("officer_id") == "P")["capacity_reduction"].to_list() == [1.0]
    assert got["officers"].filter(pl.col("officer_id") == "C")["left_on"].to_list() == [D(2027, 1, 1)]
    post = got["officers"].filter(pl.col("officer_id") == "N1").row(0, named=True)
    assert (post["unit"], post["rank"], post["supervisor_id"], post["joined_on"]) == ("U", "other", None, START)
    assert got["contracts"].filter(pl.col("officer_id") == "N1")["contracted_hours"].to_list() == [30.0]
    a0 = got["assignments"].filter(pl.col("case_id") == "A0").sort("assigned_from")
    assert a0.select("officer_id", "assigned_to", "reason").rows() == [
        ("A", D(2026, 11, 10), "new"),
        ("N1", None, "reallocation"),
    ]
    assert got["assignments"].height == tables["assignments"].height + 2
    assert got["cases"].equals(tables["cases"])  # examiners edit no table, and nothing else is touched


def test_a_move_skips_a_case_not_open_on_its_day(build):
    source = build(
        officers=[officer("A"), officer("B")],
        contracts=[contract("A"), contract("B")],
        cases=[case("OPEN"), case("CLOSED", closed_on=D(2026, 10, 1))],
        assignments=[assign("OPEN", "A"), assign("CLOSED", "A", assigned_to=D(2026, 10, 1))],
    )
    rows = plan_rows(source, scenario(MoveCasesChange(case_ids=("OPEN", "CLOSED"), to_officer="B", on=START)), ON)
    held = dict(zip(rows["officer_id"], rows["open_cases"], strict=True))
    assert held == {"A": 0, "B": 1}


def test_absence_and_leaver(unit):
    away = evaluate(unit, scenario(AbsenceChange(officer_id="A", first_day=START, kind="sickness")), ON, runs=10)
    assert away.officers.filter(pl.col("officer_id") == "A")["load_pct"].to_list() == [None]  # 30 days: long-term
    assert away.headline["no_capacity_holding_cases"] == 1
    half = AbsenceChange(officer_id="A", first_day=START, kind="restricted_duties", capacity_reduction=0.5)
    assert loads(evaluate(unit, scenario(half), ON, runs=10))["A"] == pytest.approx(100 * 14 / 6)
    leave = AbsenceChange(officer_id="A", first_day=D(2026, 11, 23), last_day=D(2026, 12, 4), kind="annual_leave")
    assert loads(evaluate(unit, scenario(leave), ON, runs=10))["A"] == pytest.approx(100 * 14 / 12)  # not reducing
    gone = evaluate(unit, scenario(LeaverChange(officer_id="A", left_on=D(2026, 11, 20))), ON, runs=10)
    assert "A" not in loads(gone)


def test_new_post_and_moves(unit):
    post = NewPostChange(officer_id="NEW1", team="T1", role="investigator", hours=40.0, joined_on=START)
    got = evaluate(unit, scenario(post, MoveCasesChange(case_ids=("A0",), to_officer="NEW1", on=START)), ON, runs=10)
    assert loads(got)["NEW1"] == pytest.approx(50.0)
    assert loads(got)["A"] == pytest.approx(100 * 8 / 12)
    cases = run_query(unit, "case_progress", as_of=ON)
    assert cases.filter(pl.col("case_id") == "A0")["officer_id"].to_list() == ["A"]  # the extract is untouched


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ([{"change": "hours", "officer_id": "ZZ9", "from": "2026-11-01", "hours": 20}], "change 1, field officer_id"),
        ([{"change": "hours", "officer_id": "A", "from": "2026-11-01", "hours": 61}], "change 1, field hours"),
        ([{"change": "hours", "officer_id": "A", "from": "2026-11-31", "hours": 20}], "change 1, field from"),
        ([{"change": "hours", "officer_id": "A", "hours": 20}], "change 1, field from"),
        ([{"change": "sabbatical", "officer_id": "A"}], "change 1, field change"),
        (
            [
                {"change": "leaver", "officer_id": "A", "left_on": "2026-12-01"},
                {"change": "move_cases", "case_ids": ["A0", "Z9"], "to_officer": "B", "on": "2026-11-01"},
            ],
            "change 2, field case_ids",
        ),
        ([{"change": "move_cases", "case_ids": ["A0"], "to_officer": "ZZ9", "on": "2026-11-01"}], "field to_officer"),
        (
            [{"change": "new_post", "officer_id": "A", "team": "T1", "role": "investigator", "hours": 40,
              "joined_on": "2026-11-01"}],
            "change 1, field officer_id",
        ),
        (
            [{"change": "new_post", "officer_id": "N1", "team": "T9", "role": "investigator", "hours": 40,
              "joined_on": "2026-11-01"}],
            "change 1, field team",
        ),
        ([{"change": "absence", "officer_id": "A", "first_day": "2026-11-01", "kind": "gardening"}], "field kind"),
        (
            [{"change": "absence", "officer_id": "A", "first_day": "2026-11-01", "kind": "sickness",
              "capacity_reduction": 1.5}],
            "field capacity_reduction",
        ),
        ([{"change": "examiners", "fte": "inf", "from": "2026-11-01"}], "change 1, field fte"),
    ],
)  # fmt: skip
def test_an_invalid_scenario_names_the_change_and_field(unit, changes, message):
    with pytest.raises(ScenarioError, match=message):
        plan_rows(unit, parse_json({"name": "bad", "changes": changes}), ON)


def parse_json(data) -> Scenario:
    import json

    return parse(json.dumps(data))


def test_the_json_form_reads_type_as_change_and_round_trips():
    text = '{"name": "t", "changes": [{"type": "leaver", "officer_id": "A", "left_on": "2026-12-01"}]}'
    got = parse(text)
    assert got.changes == (LeaverChange(officer_id="A", left_on=D(2026, 12, 1)),)
    assert parse(got.text()) == got
    assert got.to_json() == {"name": "t", "changes": [{"change": "leaver", "officer_id": "A", "left_on": "2026-12-01"}]}
    with pytest.raises(ScenarioError, match="at most 50 changes"):
        read({"changes": [{"change": "leaver", "officer_id": "A", "left_on": "2026-12-01"}] * 51})


def test_plan_rows_carry_the_baseline_beside_the_scenario(unit):
    post = NewPostChange(officer_id="N1", team="T1", role="investigator", hours=40.0, joined_on=START)
    rows = plan_rows(unit, scenario(post, MoveCasesChange(case_ids=("A0",), to_officer="N1", on=START)), ON)
    a = rows.filter(pl.col("officer_id") == "A").row(0, named=True)
    assert (a["load_pct"], a["baseline_load_pct"], a["baseline_overloaded"]) == (
        pytest.approx(100 * 8 / 12),
        pytest.approx(100 * 14 / 12),
        True,
    )
    n1 = rows.filter(pl.col("officer_id") == "N1").row(0, named=True)
    assert (n1["baseline_load_pct"], n1["baseline_overloaded"]) == (None, None)
    assert rows.columns[:16] == [
        "officer_id", "team", "fte", "availability", "capacity_points", "open_cases", "weighted_load", "load_pct",
        "overloaded", "part_time_full_load", "absent", "long_term_absent", "absent_since", "absence_kind",
        "baseline_load_pct", "baseline_overloaded",
    ]  # fmt: skip


def test_rebalancing_is_a_proposal_that_accepting_adds_as_moves(unit):
    moves = rebalance_moves(unit, ON, 110.0)
    # A is at 117 %: one move, of the heaviest case someone can take (6 points, to B: same team, most room)
    assert [(m.case_id, m.from_officer, m.to_officer) for m in moves] == [("A0", "A", "B")]
    assert "same team" in moves[0].why
    changes = accepted(moves, ON)
    assert changes == [MoveCasesChange(case_ids=("A0",), to_officer="B", on=ON, reason="reallocation")]
    after = evaluate(unit, scenario(*changes), ON, runs=10)
    assert all(v <= 110 + 1e-9 for v in loads(after).values() if v is not None)


def test_rebalancing_never_gives_to_an_absent_officer_and_relieves_one(unit):
    from unitload.planning.planner import edited

    away = scenario(
        AbsenceChange(officer_id="A", first_day=START, kind="long_term_sickness"),
        AbsenceChange(officer_id="B", first_day=START, kind="long_term_sickness"),
    )
    moves = rebalance_moves(edited(unit, away), ON, 110.0)
    assert {m.to_officer for m in moves} <= {"P", "C"}
    assert any("none free in T1" in m.why for m in moves if m.to_officer == "C")
    after = evaluate(unit, scenario(*away.changes, *accepted(moves, ON)), ON, runs=10)
    assert all(v <= 110 + 1e-9 for v in loads(after).values() if v is not None)


def test_rebalancing_leaves_what_nobody_can_take(build):
    source = build(
        officers=[officer("A"), officer("B")],
        contracts=[contract("A"), contract("B")],
        cases=[case("BIG", weight=30.0)],
        assignments=[assign("BIG", "A")],
    )
    assert rebalance_moves(source, ON, 110.0) == []


def test_examiner_capacity_moves_the_forecast_from_its_day(sample):
    on = D(2026, 11, 30)  # the end of the month after the sample's day
    base = evaluate(sample, Scenario(), on)
    more = evaluate(sample, scenario(ExaminersChange(fte=1.0, from_day=D(2026, 11, 1))), on)
    later = evaluate(sample, scenario(ExaminersChange(fte=1.0, from_day=D(2027, 6, 1))), on)
    assert more.examiner_fte == pytest.approx(base.examiner_fte + 1)
    assert more.added[0] > 0 and later.added[0] == 0 and later.added[40] == more.added[0]
    assert more.forecast.cleared_share > later.forecast.cleared_share >= base.forecast.cleared_share
    post = NewPostChange(officer_id="DFI1", team="POLIT-DFU", role="forensic_examiner", hours=40, joined_on=START)
    hired = evaluate(sample, scenario(post), on)
    assert hired.added == more.added  # a new examiner post counts from its start, as one examiner FTE


def test_projection_has_the_next_twelve_month_ends_with_what_the_extract_knows(unit):
    base = projection(unit, Scenario(), 12)
    assert sorted(base["as_of"].unique().to_list())[0] == D(2026, 11, 30)
    assert sorted(base["as_of"].unique().to_list())[-1] == D(2027, 10, 31)
    gone = projection(unit, scenario(LeaverChange(officer_id="A", left_on=D(2027, 3, 1))), 12)
    months_with_a = sorted(gone.filter(pl.col("officer_id") == "A")["as_of"].to_list())
    assert months_with_a[-1] == D(2027, 2, 28)


@pytest.mark.parametrize(
    "run",
    [
        lambda source: evaluate(source, Scenario(), ON, runs=10),
        lambda source: plan_rows(source, scenario(HoursChange(officer_id="A", from_day=START, hours=20.0)), ON),
        lambda source: projection(source, scenario(HoursChange(officer_id="A", from_day=START, hours=20.0)), 12),
        lambda source: rebalance_moves(source, ON, 110.0),
    ],
    ids=["evaluate", "plan_rows", "projection", "rebalance"],
)
def test_each_planner_run_stops_after_query_seconds_in_all(unit, monkeypatch, run):
    """Each of the run's queries and its edits take 0.25 s, under the 0.4 s limit of one query, but the run as a
    whole is stopped (a link that asks for much cannot keep a server busy longer than engine.query_seconds)."""
    import dataclasses
    import time

    from queries import QueryTimeout
    from unitload.planning import planner
    from unitload.planning import projection as projecting
    from unitload.settings import Engine, Settings

    def slow(work):
        def slowly(*args, **kwargs):
            time.sleep(0.25)
            return work(*args, **kwargs)

        return slowly

    run(unit)  # unlimited enough: the run itself works
    monkeypatch.setattr(planner, "run_query", slow(run_query))
    monkeypatch.setattr(projecting, "run_query", slow(run_query))
    monkeypatch.setattr(edits, "apply", slow(edits.apply))
    run(dataclasses.replace(unit, settings=Settings(engine=Engine(query_seconds=600))))  # slow, within a limit
    quick = dataclasses.replace(unit, settings=Settings(engine=Engine(query_seconds=0.4)))
    with pytest.raises(QueryTimeout, match=r"stopped after 0.4 s \(engine.query_seconds\)"):
        run(quick)  # each step is under the limit: the run as a whole is what is stopped


def test_rebalancing_moves_the_cases_that_put_their_holder_on_the_list_first(build):
    """An inherited unprogressed case and a long-term absent holder's case move before a heavier case that
    progresses, each move saying why (the sample's C000836 and C000873 lead its proposal this way)."""
    source = build(
        officers=[officer("A"), officer("B"), officer("L"), officer("T")],
        contracts=[contract(o) for o in "ABLT"],
        absences=[absence("L", D(2026, 9, 1), None, kind="long_term_sickness")],
        cases=[
            case("H", opened_on=D(2026, 11, 20), weight=6.0),  # new: 10 days without progress is not stale
            case("F", opened_on=D(2026, 11, 1), weight=7.0),  # the heaviest, progressed on 25 Nov
            case("I", opened_on=D(2024, 6, 1), weight=1.0),  # inherited, never progressed
            case("X", opened_on=D(2026, 11, 1), weight=2.0),  # progressed, but its holder is away long-term
        ],
        assignments=[
            assign("H", "A", D(2026, 11, 20)),
            assign("F", "A", D(2026, 11, 1)),
            assign("I", "L", D(2024, 6, 1), D(2025, 1, 1)),
            assign("I", "A", D(2025, 1, 1), reason="reallocation"),
            assign("X", "L", D(2026, 11, 1)),
        ],
        actions=[action("a1", "F", D(2026, 11, 25)), action("a2", "X", D(2026, 11, 28))],
    )
    moves = rebalance_moves(source, ON, 110.0)  # A: 14 of 12 points, 117 %; L: no capacity
    assert [(m.case_id, m.from_officer, m.to_officer) for m in moves] == [("X", "L", "T"), ("I", "A", "B")]
    assert moves[0].why.startswith("X its holder is long-term absent; L no capacity")
    assert moves[1].why.startswith("I inherited and unprogressed for 912 days; A 117 % → 108 %; B (same team)")


def test_the_samples_proposal_moves_the_two_inherited_cases_first_within_their_team(sample):
    moves = rebalance_moves(sample, D(2026, 10, 31), 100.0)
    assert [(m.case_id, m.from_officer) for m in moves[:2]] == [("C000836", "P1019"), ("C000873", "P1019")]
    assert all("(same team)" in m.why and "inherited and unprogressed" in m.why for m in moves[:2])


def test_the_projection_carries_each_teams_intake_and_closures_forward(sample):
    """The 12 months ahead are no longer flat: each month adds the teams' mean monthly intake and takes away
    their mean monthly closures over the last 12 months (here 384 in and 399 out: 1.25 cases a month fewer),
    with a band that widens as the months add up."""
    from queries import run_query
    from unitload.planning.projection import monthly, with_flow

    flow = run_query(sample, "team_flow", as_of=sample.extract.as_of)
    assert (flow["opened"].sum(), flow["closed"].sum(), flow["month_index"].max()) == (384, 399, 12)
    summary = monthly(with_flow(sample, projection(sample, Scenario(), 12)))
    steps = summary["open_cases"].diff().drop_nulls().to_list()
    assert steps[:8] == pytest.approx([-1.25] * 8)  # until a holder's share runs out of cases to close
    width = (summary["open_cases_high"] - summary["open_cases_low"]).to_list()
    assert all(b > a for a, b in zip(width, width[1:], strict=False)) and width[0] > 0
    assert summary["overloaded"].n_unique() > 1  # the overload count moves with the load


def test_team_flow_counts_each_month_up_to_its_end_and_a_closure_under_its_last_holder(build):
    source = build(
        officers=[officer("A", team="T1"), officer("B", team="T2")],
        contracts=[contract("A"), contract("B")],
        cases=[
            case("ON_D", opened_on=D(2026, 11, 30), weight=2.0),  # on the day: the latest month
            case("LAST", opened_on=D(2026, 10, 31), weight=1.0),  # on the month end before: the month before
            case("MOVED", opened_on=D(2026, 3, 2), closed_on=D(2026, 11, 10), weight=1.5),
            case("OLD", opened_on=D(2025, 11, 30)),  # on the 13th month end back: outside the 12 months
        ],
        assignments=[
            assign("ON_D", "A", D(2026, 11, 30)),
            assign("LAST", "A", D(2026, 10, 31)),
            assign("MOVED", "A", D(2026, 3, 2), D(2026, 11, 9)),
            assign("MOVED", "B", D(2026, 11, 9), reason="reallocation"),  # holds it the day before it closes
            assign("OLD", "A", D(2025, 11, 30)),
        ],
    )
    flow = run_query(source, "team_flow", as_of=ON)
    moving = flow.filter((pl.col("opened") > 0) | (pl.col("closed") > 0))
    assert moving.select(
        "team", "month_index", "month_end", "opened", "opened_weight", "closed", "closed_weight"
    ).rows() == [
        ("T1", 1, ON, 1, 2.0, 0, 0.0),
        ("T1", 2, D(2026, 10, 31), 1, 1.0, 0, 0.0),
        ("T1", 9, D(2026, 3, 31), 1, 1.5, 0, 0.0),
        ("T2", 1, ON, 0, 0.0, 1, 1.5),
    ]
    assert flow.height == 24  # every month of both teams, zeros included
