"""Queries of the Forensic backlog page: backlog rows, stage exits and pace, weekly flow, turnaround,
examiner throughput. June 2026: the 30th is a Tuesday."""

import datetime as dt

import polars as pl
import pytest
from conftest import D, absence, assign, case, contract, exhibit, officer

from queries import run_query

END = D(2026, 6, 30)
BASE = dict(
    officers=[officer("A"), officer("X", team="DFU", role="forensic_examiner")],
    contracts=[contract("A"), contract("X", 20.0)],
    cases=[case("C1", D(2026, 1, 5))],
    assignments=[assign("C1", "A")],
)


def test_backlog_rows_equal_forensic_queue(sample):
    backlog = run_query(sample, "forensic_backlog")
    queue = run_query(sample, "forensic_queue")
    columns = ["exhibit_id", "case_id", "priority", "stage", "age_days", "stage_age_days"]
    assert backlog.select(columns).sort("exhibit_id").equals(queue.select(columns).sort("exhibit_id"))
    assert backlog.filter(pl.col("exhibit_id") == "E0004080")["oic_team"].to_list() == ["POLIT-B"]


def test_backlog_filters(sample):
    phones = run_query(sample, "forensic_backlog", device_types=["phone"], priorities=["urgent", "high"])
    assert set(phones["device_type"]) == {"phone"} and set(phones["priority"]) == {"urgent", "high"}
    team_b = run_query(sample, "forensic_backlog", teams=["POLIT-B"])
    assert set(team_b["oic_team"]) == {"POLIT-B"}


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        # triaged on the day of submission: a 0-day stay in awaiting triage
        (
            {"submitted_on": D(2026, 6, 1), "triaged_on": D(2026, 6, 1), "download_started_on": D(2026, 6, 10)},
            [("awaiting_triage", 0, 0), ("awaiting_download", 9, 9)],
        ),
        # triage skipped: awaiting triage is left for the download; no awaiting download stay
        (
            {
                "submitted_on": D(2026, 6, 1),
                "download_started_on": D(2026, 6, 4),
                "download_completed_on": D(2026, 6, 4),
                "examined_on": D(2026, 6, 20),
            },
            [("awaiting_triage", 3, 3), ("downloading", 0, 3), ("awaiting_examination", 16, 19)],
        ),
        # left before the 12-week window: nothing
        ({"submitted_on": D(2026, 1, 5), "triaged_on": D(2026, 1, 6)}, []),
        # left on D: inside the window; left after D: not yet
        (
            {"submitted_on": D(2026, 6, 1), "triaged_on": END, "download_started_on": D(2026, 7, 1)},
            [("awaiting_triage", 29, 29)],
        ),
    ],
)
def test_stage_exits(build, stages, expected):
    source = build(exhibits=[exhibit("E1", **stages)], **BASE)
    got = run_query(source, "stage_exits", as_of=END)
    assert [(r["stage"], r["days_in_stage"], r["days_from_submission"]) for r in got.to_dicts()] == expected


def test_stage_pace_percentiles(build):
    exhibits = [
        exhibit(f"E{i}", submitted_on=D(2026, 6, 1), triaged_on=D(2026, 6, 1) + dt.timedelta(days=d))
        for i, d in enumerate([0, 2, 4, 10])
    ]
    got = run_query(build(exhibits=exhibits, **BASE), "stage_pace", as_of=END).row(0, named=True)
    assert (got["stage"], got["exits"]) == ("awaiting_triage", 4)
    assert (got["p50"], got["p85"], got["p95"]) == pytest.approx((3.0, 7.3, 9.1))  # [0, 2, 4, 10]


def test_weekly_flow_and_cumulative_bands(build):
    source = build(
        exhibits=[
            exhibit("E1", submitted_on=D(2026, 6, 24), triaged_on=D(2026, 6, 25)),  # arrives in the last week
            exhibit(
                "E2",
                submitted_on=D(2026, 6, 10),
                triaged_on=D(2026, 6, 11),
                download_started_on=D(2026, 6, 12),
                download_completed_on=D(2026, 6, 16),
                examined_on=D(2026, 6, 23),
            ),  # leaves on 23 June (week 1)
            exhibit("E3", submitted_on=D(2026, 6, 10), withdrawn_on=END),  # withdrawn on D
            exhibit("E4", submitted_on=D(2026, 7, 1)),  # after D
        ],
        **BASE,
    )
    weeks = {r["week_end"]: r for r in run_query(source, "forensic_flow", as_of=END, weeks=3).to_dicts()}
    assert sorted(weeks) == [D(2026, 6, 16), D(2026, 6, 23), END]
    last, before = weeks[END], weeks[D(2026, 6, 23)]
    assert (last["arrivals"], last["examined"], last["withdrawn"], last["completions"], last["net_flow"]) == (
        1,
        0,
        1,
        1,
        0,
    )
    assert (before["arrivals"], before["examined"], before["completions"], before["downloads_completed"]) == (
        0,
        1,
        1,
        0,
    )
    assert weeks[D(2026, 6, 16)]["downloads_completed"] == 1
    assert (last["backlog"], before["backlog"], weeks[D(2026, 6, 16)]["backlog"]) == (1, 1, 2)
    assert [
        last[c]
        for c in ("reached_submitted", "reached_triaged", "reached_download", "reached_downloaded", "reached_done")
    ] == [3, 3, 2, 2, 2]


def test_turnaround_by_priority(build):
    source = build(
        exhibits=[
            exhibit(
                "E1",
                priority="urgent",
                submitted_on=D(2026, 6, 1),
                download_completed_on=D(2026, 6, 5),
                examined_on=D(2026, 6, 11),
            ),
            exhibit("E2", priority="low", submitted_on=D(2026, 4, 1), download_completed_on=D(2026, 6, 10)),
            exhibit("E3", priority="low", submitted_on=D(2025, 1, 1), examined_on=D(2025, 2, 1)),  # outside the window
        ],
        **BASE,
    )
    got = {
        (r["measure"], r["priority"]): (r["items"], r["p50"])
        for r in run_query(source, "turnaround", as_of=END).to_dicts()
    }
    assert got[("to_downloaded", "all")] == (2, 37.0)  # 4 and 70 days
    assert got[("to_downloaded", "urgent")] == (1, 4.0)
    assert got[("to_examined", "all")] == (1, 10.0)
    assert ("to_examined", "low") not in got


def test_turnaround_by_month_gives_every_month_asked_for(build):
    source = build(
        exhibits=[
            exhibit("E1", submitted_on=D(2026, 4, 1), download_completed_on=D(2026, 4, 11), examined_on=D(2026, 6, 1)),
            exhibit("E2", submitted_on=D(2026, 4, 1), download_completed_on=D(2026, 4, 21)),
        ],
        **BASE,
    )
    got = run_query(source, "turnaround_monthly", as_of=END, months=3)
    rows = {(r["measure"], r["month"]): (r["items"], r["p50"]) for r in got.to_dicts()}
    assert rows == {
        ("to_downloaded", D(2026, 4, 1)): (2, 15.0),  # 10 and 20 days
        ("to_downloaded", D(2026, 5, 1)): (0, None),  # a month with none: items 0, no percentile
        ("to_downloaded", D(2026, 6, 1)): (0, None),
        ("to_examined", D(2026, 4, 1)): (0, None),
        ("to_examined", D(2026, 5, 1)): (0, None),
        ("to_examined", D(2026, 6, 1)): (1, 61.0),
    }
    assert got.height == 6


def test_examiner_throughput_is_fte_adjusted(build):
    tables = dict(BASE) | {
        "absences": [absence("X", D(2026, 6, 1), D(2026, 6, 30))],  # all of June lost
        "exhibits": [
            exhibit(f"E{i}", download_completed_on=D(2026, 6, 2), examined_on=D(2026, 6, 3), examiner_id="X")
            for i in range(6)
        ],
    }
    got = run_query(build(**tables), "examiner_throughput", as_of=END, months=4, throughput_weeks=12)
    row = got.filter(pl.col("examiner_id") == "X").row(0, named=True)
    # snapshots 30 June (availability 0: a 30-day spell is long-term), 31 May, 30 April, 31 March: 0.5 FTE each
    assert row["available_fte"] == pytest.approx(0.5 * 3 / 4)
    assert row["examined"] == 6 and row["downloads_completed"] == 6
    assert row["examined_per_fte_week"] == pytest.approx(6 / (row["available_fte"] * 12))
    assert "A" not in got["examiner_id"].to_list()


def test_an_officer_who_is_no_examiner_is_listed_only_for_work_in_the_window(build):
    """The window is the 12 weeks ending on D, 7 April (exclusive) to 30 June: B's download on the first
    day after it and C's examination on D count, A's work the day before it does not."""
    starts_after = END - dt.timedelta(weeks=12)
    tables = dict(BASE) | {
        "officers": BASE["officers"] + [officer("B"), officer("C")],
        "exhibits": [
            exhibit("E1", download_completed_on=starts_after, examined_on=starts_after, examiner_id="A"),
            exhibit("E2", download_completed_on=starts_after + dt.timedelta(days=1), examiner_id="B"),
            exhibit("E3", download_completed_on=D(2026, 3, 2), examined_on=END, examiner_id="C"),
        ],
    }
    got = run_query(build(**tables), "examiner_throughput", as_of=END, throughput_weeks=12)
    rows = {r["examiner_id"]: (r["downloads_completed"], r["examined"]) for r in got.iter_rows(named=True)}
    assert rows == {"B": (1, 0), "C": (0, 1), "X": (0, 0)}  # X is an examiner in post: listed with none
