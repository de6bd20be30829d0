"""Queries of the Case progression page: percentiles, first-action clocks, age bands, lists, timeline."""

import polars as pl
import pytest
from conftest import D, absence, action, assign, case, contract, exhibit, officer

from queries import run_query
from unitload.settings import Settings

END = D(2026, 6, 30)
STAFF = dict(officers=[officer("A"), officer("B")], contracts=[contract("A"), contract("B")])


def test_percentile_lines_are_taken_over_every_case_at_every_month_end(build):
    # days since progress (none, so from opened_on): 30 June: 10, 40, 60; 31 May: 10, 30
    source = build(cases=[case("C1", D(2026, 6, 20)), case("C2", D(2026, 5, 21)), case("C3", D(2026, 5, 1))], **STAFF)
    got = run_query(source, "progress_percentiles", as_of=END, months=2).row(0, named=True)
    assert (got["snapshots"], got["cases"]) == (2, 5)
    assert got["p50"] == pytest.approx(30.0)  # [10, 10, 30, 40, 60]
    assert got["p85"] == pytest.approx(48.0)  # 40 + 0.4 x (60 - 40)
    assert got["p95"] == pytest.approx(56.0)


@pytest.mark.parametrize(
    ("risk", "opened", "actions", "status", "days"),
    [
        ("very_high", D(2026, 6, 1), [("enquiry", D(2026, 6, 2))], "met", 1),  # on the due day
        ("high", D(2026, 6, 1), [("interview", D(2026, 6, 9))], "missed", 8),  # a day late
        ("high", D(2026, 6, 1), [("victim_update", D(2026, 6, 2)), ("arrest", D(2026, 6, 5))], "met", 4),
        ("medium", D(2026, 6, 25), [], "pending", None),  # due 9 July, after D
        ("medium", D(2026, 6, 16), [], "pending", None),  # due on D itself: the clock has not run out
        ("low", D(2026, 5, 1), [], "missed", None),  # due 31 May, long gone
        ("low", D(2026, 6, 1), [("search", D(2026, 5, 30))], "pending", None),  # before opening: no count
        ("medium", D(2026, 6, 20), [("enquiry", D(2026, 7, 1))], "pending", None),  # after D: not yet
    ],
)
def test_first_action_clock(build, risk, opened, actions, status, days):
    source = build(
        cases=[case("C1", opened, risk=risk)],
        actions=[action(f"X{i}", "C1", on, kind) for i, (kind, on) in enumerate(actions)],
        **STAFF,
    )
    got = run_query(source, "first_action_clock", as_of=END).row(0, named=True)
    assert (got["clock_status"], got["days_to_first_progress"]) == (status, days)


def test_first_action_holds_what_the_clock_needs_on_any_day(build):
    # C1: first held by A (team T1), then B; progress before opening does not count, the first after
    # it does even beyond the as-of day (first_action_clock cuts it at its day). C2: never allocated.
    source = build(
        cases=[case("C1", D(2026, 6, 10), risk="high"), case("C2", D(2026, 7, 3), risk="low")],
        assignments=[assign("C1", "A", D(2026, 6, 10), D(2026, 6, 20)), assign("C1", "B", D(2026, 6, 20))],
        actions=[
            action("X1", "C1", D(2026, 6, 9)),  # the day before it was opened
            action("X2", "C1", D(2026, 6, 12), "victim_update"),  # not a progressing type
            action("X3", "C1", D(2026, 7, 2), "arrest"),
        ],
        officers=[officer("A", team="T1"), officer("B", team="T2")],
        contracts=[contract("A"), contract("B")],
    )
    got = {r["case_id"]: r for r in run_query(source, "first_action").to_dicts()}
    one = got["C1"]
    assert (one["first_officer_id"], one["team"], one["opened_month"]) == ("A", "T1", D(2026, 6, 1))
    assert (one["clock_days"], one["due_on"], one["first_progress_on"]) == (7, D(2026, 6, 17), D(2026, 7, 2))
    never = got["C2"]
    assert (never["first_officer_id"], never["team"], never["first_progress_on"]) == (None, None, None)
    assert (never["clock_days"], never["due_on"]) == (30, D(2026, 8, 2))
    assert run_query(source, "first_action").height == 2  # one row per case


def test_first_action_days_come_from_settings(build):
    strict = Settings.model_validate({"progress": {"first_action_days": {"low": 3}}})
    source = build(
        strict, cases=[case("C1", D(2026, 6, 1), risk="low")], actions=[action("X1", "C1", D(2026, 6, 10))], **STAFF
    )
    assert run_query(source, "first_action_clock", as_of=END)["clock_status"].to_list() == ["missed"]


def test_monthly_share_counts_only_decided_cases(build):
    source = build(
        cases=[
            case("M1", D(2026, 5, 4), risk="low"),
            case("J1", D(2026, 6, 1), risk="very_high"),
            case("J2", D(2026, 6, 1), risk="high"),
            case("J3", D(2026, 6, 25)),
        ],
        actions=[action("X1", "J1", D(2026, 6, 1)), action("X2", "J2", D(2026, 6, 20))],
        **STAFF,
    )
    got = {r["opened_month"]: r for r in run_query(source, "first_action_monthly", as_of=END).to_dicts()}
    assert (got[D(2026, 5, 1)]["decided"], got[D(2026, 5, 1)]["met"], got[D(2026, 5, 1)]["met_share"]) == (1, 0, 0.0)
    june = got[D(2026, 6, 1)]
    assert (june["opened"], june["decided"], june["met"], june["missed"], june["met_share"]) == (3, 2, 1, 1, 0.5)


@pytest.mark.parametrize(
    ("days", "band", "index"),
    [
        (0, "0-28 days", 0),
        (28, "0-28 days", 0),
        (29, "29-90 days", 1),
        (180, "91-180 days", 2),
        (365, "181-365 days", 3),
        (366, "over 365 days", 4),
    ],
)
def test_age_band_edges(build, days, band, index):
    from datetime import timedelta

    source = build(cases=[case("C1", END - timedelta(days=days))], **STAFF)
    got = run_query(source, "case_ageing", as_of=END).row(0, named=True)
    assert (got["days_since_progress"], got["age_band"], got["age_band_index"]) == (days, band, index)


def test_age_bands_count_and_weigh_by_team_and_officer(build):
    source = build(
        cases=[
            case("C1", D(2026, 6, 20), weight=2.0),
            case("C2", D(2026, 6, 25)),
            case("C3", D(2026, 3, 1), weight=3.0),
            case("C4", D(2026, 6, 1)),
        ],
        assignments=[
            assign("C1", "A", D(2026, 6, 20)),
            assign("C2", "B", D(2026, 6, 25)),
            assign("C3", "A", D(2026, 3, 1)),
        ],
        **STAFF,
    )
    got = {
        (r["grouping"], r["holder"], r["age_band"]): (r["cases"], r["weighted_load"])
        for r in run_query(source, "age_bands", as_of=END).to_dicts()
    }
    assert got[("team", "T1", "0-28 days")] == (2, 3.0)
    assert got[("team", "T1", "91-180 days")] == (1, 3.0)
    assert got[("officer", "A", "0-28 days")] == (1, 2.0)
    assert got[("officer", "unallocated", "29-90 days")] == (1, 1.0)


def test_case_timeline_lanes(build):
    source = build(
        officers=[officer("A"), officer("B")],
        contracts=[contract("A"), contract("B")],
        absences=[absence("A", D(2026, 5, 25), D(2026, 6, 12), "sickness"), absence("B", D(2026, 1, 1), D(2026, 1, 5))],
        cases=[case("C1", D(2026, 5, 1))],
        assignments=[
            assign("C1", "A", D(2026, 5, 1), D(2026, 6, 10)),
            assign("C1", "B", D(2026, 6, 10), reason="absence_cover"),
        ],
        actions=[action("X1", "C1", D(2026, 5, 2), "arrest"), action("X2", "C1", D(2026, 7, 2))],
        exhibits=[exhibit("E1", "C1", D(2026, 5, 3), triaged_on=D(2026, 5, 3), download_started_on=D(2026, 6, 1))],
    )
    rows = run_query(source, "case_timeline", as_of=END, case_id="C1").rows()
    assert ("actions", "arrest", D(2026, 5, 2), D(2026, 5, 3), "by O1") in rows
    assert not any(r[2] == D(2026, 7, 2) for r in rows)  # after D
    assert ("officer in charge", "B", D(2026, 6, 10), D(2026, 7, 1), "took the case: absence cover") in rows
    absences = [r for r in rows if r[0] == "absence of officer in charge"]
    assert [(r[1], r[2], r[3]) for r in absences] == [("sickness", D(2026, 5, 25), D(2026, 6, 10))]  # while A held it
    device = [(r[1], r[2], r[3]) for r in rows if r[0] == "device E1"]
    assert device == [
        ("awaiting download", D(2026, 5, 3), D(2026, 6, 1)),
        ("downloading", D(2026, 6, 1), D(2026, 7, 1)),
    ]


def test_case_level_numbers_equal_case_progress(sample):
    ageing = run_query(sample, "case_ageing")
    progress = run_query(sample, "case_progress")
    columns = [
        "case_id",
        "officer_id",
        "days_since_progress",
        "unprogressed",
        "last_progress_on",
        "days_since_review",
        "review_overdue",
        "inherited",
        "inherited_stall_days",
        "oic_absent",
        "unallocated",
    ]
    assert ageing.select(columns).sort("case_id").equals(progress.select(columns).sort("case_id"))


def test_planted_cases_top_the_unprogressed_list(sample):
    unprogressed = run_query(sample, "case_ageing").filter(pl.col("unprogressed"))
    top = unprogressed.head(2)
    assert top["officer_id"].to_list() == ["P1019", "P1019"]
    months = [d / 30.44 for d in top["days_since_progress"]]
    assert 30 <= months[0] <= 32 and 19 <= months[1] <= 21
    assert top["inherited_stall_days"].to_list() == top["days_since_progress"].to_list()
    assert top["oldest_forensic_stage"].to_list()[1] == "awaiting_download"


def test_team_filter_on_case_lists(sample):
    everything = run_query(sample, "case_ageing")
    team_b = run_query(sample, "case_ageing", teams=["POLIT-B"])
    assert set(team_b["oic_team"]) == {"POLIT-B"}
    assert team_b.height == everything.filter(pl.col("oic_team") == "POLIT-B").height


def test_first_action_clock_opened_since_keeps_only_later_cases(sample):
    every = run_query(sample, "first_action_clock")
    since = run_query(sample, "first_action_clock", opened_since=D(2026, 8, 1))
    assert since.height > 0 and since.equals(every.filter(pl.col("opened_on") >= D(2026, 8, 1)))
    monthly = run_query(sample, "first_action_monthly", opened_since=D(2025, 1, 1))
    assert monthly.equals(run_query(sample, "first_action_monthly").filter(pl.col("opened_month") >= D(2025, 1, 1)))
