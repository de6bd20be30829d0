"""Supervision cadence: overdue boundaries, no supervision ever, action plans, the at-risk view."""

import polars as pl
import pytest
from conftest import D, assign, case, contract, officer

from queries import run_query

END = D(2026, 6, 30)
STAFF = dict(
    officers=[
        officer("S", role="supervisor", supervisor_id="I"),
        officer("I", role="manager"),
        officer("A", supervisor_id="S"),
        officer("NEW", supervisor_id="S", joined_on=D(2026, 6, 1)),
    ],
    contracts=[contract("S"), contract("I"), contract("A"), contract("NEW")],
)


def held(officer_id, day, kind="monthly_supervision"):
    return {"officer_id": officer_id, "supervisor_id": "S", "held_on": day, "kind": kind}


def status(rows, supervision, **more):
    return rows("supervision_status", END, supervision=supervision, **STAFF, **more)


@pytest.mark.parametrize(
    ("day", "days", "overdue"),
    [(D(2026, 5, 26), 35, False), (D(2026, 5, 25), 36, True), (END, 0, False), (D(2026, 7, 1), 2372, True)],
    ids=["exactly-35-days", "36-days", "on-the-day", "after-the-day-counts-from-joining"],
)
def test_monthly_supervision_overdue_boundary(rows, day, days, overdue):
    got = status(rows, [held("A", day)])["A"]
    assert (got["days_since_supervision"], got["supervision_overdue"]) == (days, overdue)


def test_no_supervision_ever_counts_from_joining(rows):
    got = status(rows, [held("A", D(2026, 6, 20))])
    assert got["NEW"]["last_supervision_on"] is None
    assert (got["NEW"]["days_since_supervision"], got["NEW"]["supervision_overdue"]) == (29, False)
    assert got["S"]["supervision_overdue"] is True  # in post since 2020, never supervised
    assert got["I"]["supervisor_id"] is None  # no line manager in this unit: listed, counted from joining,
    assert got["I"]["days_since_supervision"] > 2000 and got["I"]["supervision_overdue"] is False  # never flagged


def test_the_head_of_the_unit_is_not_flagged_for_supervision_no_one_in_it_gives(sample):
    heads = run_query(sample, "supervision_status").filter(pl.col("supervisor_id").is_null())
    shown = heads.select("officer_id", "days_since_supervision", "supervision_overdue").rows()
    assert shown == [("P1001", 2076, False)]
    listed = run_query(sample, "at_risk")
    assert "P1001" not in listed["officer_id"].to_list()


def test_assessment_overdue_boundary(rows):
    got = status(
        rows,
        [held("A", D(2025, 6, 30), "psychological_assessment"), held("S", D(2025, 6, 29), "psychological_assessment")],
    )
    assert (got["A"]["days_since_assessment"], got["A"]["assessment_overdue"]) == (365, False)
    assert (got["S"]["days_since_assessment"], got["S"]["assessment_overdue"]) == (366, True)


def test_action_plans_opened_and_closed(rows):
    got = status(
        rows,
        [
            held("A", D(2026, 6, 10), "action_plan_opened"),
            held("A", D(2026, 6, 10), "action_plan_closed"),
            held("S", D(2026, 3, 1), "action_plan_opened"),
            held("S", D(2026, 7, 1), "action_plan_closed"),
        ],
    )
    assert (got["A"]["open_action_plans"], got["A"]["action_plan_open_since"]) == (0, None)  # closed the same day
    assert (got["S"]["open_action_plans"], got["S"]["action_plan_age_days"]) == (1, 121)  # closed after D


def test_without_the_table_nothing_is_flagged(build):
    source = build(**STAFF)
    got = run_query(source, "supervision_status", as_of=END)
    assert not got["supervision_overdue"].any() and not got["assessment_overdue"].any()
    assert run_query(source, "at_risk", as_of=END).is_empty()


def test_at_risk_needs_both_a_heavy_load_and_an_overdue_supervision(build):
    source = build(
        supervision=[held("A", D(2026, 4, 1)), held("NEW", D(2026, 6, 25))],
        cases=[case("C1", D(2026, 1, 5), weight=20.0), case("C2", D(2026, 6, 1), weight=20.0)],
        assignments=[assign("C1", "A"), assign("C2", "NEW", D(2026, 6, 1))],
        **STAFF,
    )
    got = run_query(source, "at_risk", as_of=END)
    assert got["officer_id"].to_list() == ["A"]  # NEW is as overloaded but was seen five days ago
    assert "no monthly supervision for 90 days" in got["why"][0]


def test_planted_pattern_tops_the_at_risk_view(sample):
    risk = run_query(sample, "at_risk")
    sick, part_timer = risk.row(0, named=True), risk.row(1, named=True)
    # first the long-term absent colleague nobody has contacted, then the part-timer nobody has supervised
    assert (sick["officer_id"], sick["welfare_contact_overdue"], sick["absence_kind"]) == (
        "P1020",
        True,
        "long_term_sickness",
    )
    assert sick["days_since_welfare"] > 1000 and "no welfare check for" in sick["why"]
    assert part_timer["officer_id"] == "P1019"
    assert part_timer["part_time_full_load"] and part_timer["longest_unprogressed"] > 900
    assert part_timer["days_since_supervision"] > 900 and part_timer["open_action_plans"] == 0
    attention = run_query(sample, "attention_list")
    detail = attention.filter((attention["officer_id"] == "P1019") & (attention["item"] == "officer"))["detail"][0]
    assert "no monthly supervision for" in detail and "no action plan open" in detail


def test_rollup_counts_along_the_chain(sample):
    rollup = run_query(sample, "supervision_rollup")
    status = run_query(sample, "supervision_status")
    inspector = rollup.filter(rollup["level"] == "inspector")
    status = status.filter(status["supervisor_id"].is_not_null())  # the rollup follows line management
    assert inspector["officers"].sum() == status.height
    assert inspector["supervision_overdue"].sum() == status["supervision_overdue"].sum()
