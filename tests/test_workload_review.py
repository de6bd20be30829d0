"""Queries of the monthly workload review: streaks, trend, attention list, roll-up, drill-down."""

import datetime as dt

import polars as pl
import pytest
from conftest import D, absence, assign, case, contract, officer

from queries import run_query
from unitload.capacity import reasons
from unitload.months import month_ends

OCT = dt.date(2026, 10, 31)


def test_overload_streak_counts_consecutive_month_ends_and_resets(build):
    # 24 points on 12 capacity: 200 % while C1 is open; C1 closes on 15 Aug, so July is the last overloaded
    source = build(
        officers=[officer("O1")],
        contracts=[contract("O1")],
        cases=[case("C1", D(2026, 4, 1), D(2026, 8, 15), weight=24.0), case("C2", D(2026, 9, 1), weight=24.0)],
        assignments=[assign("C1", "O1", D(2026, 4, 1)), assign("C2", "O1", D(2026, 9, 1))],
    )
    got = run_query(source, "officer_streaks", as_of=D(2026, 10, 31), months=7).sort("as_of")
    assert got["as_of"].to_list()[0] == D(2026, 4, 30)
    assert got["overload_streak"].to_list() == [1, 2, 3, 4, 0, 1, 2]
    assert got["sustained_overload"].to_list() == [False, True, True, True, False, False, True]


def test_sustained_months_comes_from_settings(build):
    from unitload.settings import Settings

    three = Settings.model_validate({"capacity": {"sustained_months": 3}})
    source = build(
        three,
        officers=[officer("O1")],
        contracts=[contract("O1")],
        cases=[case("C1", D(2026, 1, 1), weight=24.0)],
        assignments=[assign("C1", "O1", D(2026, 1, 1))],
    )
    got = run_query(source, "officer_streaks", as_of=D(2026, 4, 30), months=4).sort("as_of")
    assert got["sustained_overload"].to_list() == [False, False, True, True]


def test_month_picker_offers_every_month_end_back_to_the_first_case():
    days = month_ends(dt.date(2026, 8, 20), dt.date(2026, 10, 31))
    assert days == [dt.date(2026, 10, 31), dt.date(2026, 9, 30), dt.date(2026, 8, 31)]
    assert month_ends(dt.date(2026, 8, 1), dt.date(2026, 10, 12))[0] == dt.date(2026, 10, 12)


@pytest.mark.parametrize("as_of", [OCT, dt.date(2024, 2, 29)])
def test_trend_figures_equal_the_contract_queries(sample, as_of):
    months = run_query(sample, "workload_months", as_of=as_of, months=3)
    now = months.filter(pl.col("month_index") == 0).row(0, named=True)
    load = run_query(sample, "officer_load", as_of=as_of)
    holders = load.filter((pl.col("role") == "investigator") | (pl.col("open_cases") > 0))
    cases = run_query(sample, "case_progress", as_of=as_of)
    queue = run_query(sample, "forensic_queue", as_of=as_of)
    assert now["caseholders"] == holders.height
    assert now["weighted_load"] == pytest.approx(holders["weighted_load"].sum())
    assert now["capacity_points"] == pytest.approx(holders["capacity_points"].sum())
    assert now["load_pct"] == pytest.approx(100 * holders["weighted_load"].sum() / holders["capacity_points"].sum())
    assert now["officers_overloaded"] == holders["overloaded"].sum()
    assert now["part_time_full_load"] == holders["part_time_full_load"].sum()
    assert now["open_cases"] == cases.height
    assert now["unprogressed"] == cases["unprogressed"].sum()
    assert (
        now["unprogressed_over_180"]
        == cases.filter(pl.col("unprogressed") & (pl.col("days_since_progress") > 180)).height
    )
    assert now["oic_absent_or_left"] == cases.filter(pl.col("oic_absent") | pl.col("oic_left")).height
    assert now["unallocated"] == cases["unallocated"].sum()
    assert now["forensic_items"] == queue.height
    assert now["forensic_oldest_days"] == queue["age_days"].max()


def test_team_filter_keeps_only_that_teams_officers_and_cases(sample):
    whole = run_query(sample, "workload_trend", as_of=OCT)
    team_b = run_query(sample, "workload_months", as_of=OCT, teams=["POLIT-B"]).row(0, named=True)
    expected = whole.filter(pl.col("team") == "POLIT-B").row(0, named=True)
    for column in ("caseholders", "open_cases", "unprogressed", "officers_overloaded", "forensic_items"):
        assert team_b[column] == expected[column], column
    everything = run_query(sample, "workload_months", as_of=OCT).row(0, named=True)
    assert everything["open_cases"] == whole["open_cases"].sum() > team_b["open_cases"]


def test_attention_list_holds_the_planted_pattern(sample):
    attention = run_query(sample, "attention_list", months=2)
    stalled = attention.filter(pl.col("reason") == "inherited_unprogressed")
    assert stalled.height == 2 and set(stalled["severity"]) == {1}
    part_timer = stalled["officer_id"][0]
    row = attention.filter((pl.col("item") == "officer") & (pl.col("officer_id") == part_timer)).row(0, named=True)
    assert "part_time_full_load" in row["reasons"]
    assert attention["severity"].is_sorted()
    assert attention.select("item", "officer_id", "case_id").is_unique().all()


def test_attention_list_reasons_on_a_tiny_extract(build):
    source = build(
        officers=[officer("AWAY"), officer("PT"), officer("OK")],
        contracts=[contract("AWAY"), contract("PT", 20.0), contract("OK")],
        absences=[absence("AWAY", D(2026, 1, 1), None, "long_term_sickness")],
        cases=[
            case("HELD", D(2026, 1, 5)),
            case("BIG", weight=12.0),
            case("NEW", D(2026, 10, 1)),
            case("FRESH", D(2026, 10, 28)),
        ],
        assignments=[assign("HELD", "AWAY"), assign("BIG", "PT")],
    )
    got = {(r["item"], r["case_id"] or r["officer_id"]): r for r in run_query(source, "attention_list").to_dicts()}
    assert got[("case", "HELD")]["reason"] == "holder_away_unprogressed"
    assert got[("officer", "AWAY")]["reason"] == "absent_holding_cases"
    assert got[("officer", "PT")]["reason"] == "part_time_full_load"
    assert got[("case", "NEW")]["reason"] == "unallocated"
    assert ("case", "FRESH") not in got  # unallocated for only three days
    assert ("officer", "OK") not in got


def test_rollup_sums_teams_into_their_inspector(sample):
    rollup = run_query(sample, "officer_rollup", months=2)
    teams = rollup.filter(pl.col("level") == "team")
    inspector = rollup.filter(pl.col("level") == "inspector").row(0, named=True)
    assert set(teams["team"]) == {"POLIT-A", "POLIT-B", "POLIT-C"}
    for column in ("caseholders", "officers_overloaded", "open_cases", "unprogressed"):
        assert inspector[column] == teams[column].sum(), column
    officers = run_query(sample, "officer_load")
    sergeants = officers.filter(pl.col("role") == "supervisor")
    assert set(teams["sergeant_id"]) == set(sergeants["officer_id"])
    managers = officers.filter(pl.col("role") == "manager")["officer_id"].to_list()
    assert set(teams["inspector_id"]) == set(managers)


def test_officer_drill_down(sample):
    cases = run_query(sample, "officer_cases", officer_id="P1019")
    progress = run_query(sample, "case_progress").filter(pl.col("officer_id") == "P1019")
    assert set(cases["case_id"]) == set(progress["case_id"])
    queue = run_query(sample, "forensic_queue")
    pending = queue.filter(pl.col("case_id").is_in(cases["case_id"].to_list())).group_by("case_id").len()
    assert dict(zip(pending["case_id"], pending["len"], strict=True)) == {
        c: n for c, n in zip(cases["case_id"], cases["forensic_pending"], strict=True) if n
    }
    history = run_query(sample, "officer_history", officer_id="P1019")
    assert {"contract", "annual_leave"} <= set(history["span"])
    assert (history["ends_before"] > history["starts_on"]).all()


def test_capacity_reasons_in_words():
    frame = pl.DataFrame(
        {
            "contracted_hours": [24.0, 40.0, 40.0],
            "working_days": [22, 22, 0],
            "lost_leave_days": [2.0, 0.0, 0.0],
            "lost_sickness_days": [0.0, 0.0, 0.0],
            "lost_restricted_days": [0.0, 5.5, 0.0],
            "lost_other_days": [0.0, 0.0, 0.0],
        }
    )
    assert reasons(frame, 40).to_list() == [
        "24 of 40 hours; leave 2 of 22 working days",
        "restricted duties 5.5 of 22 working days",
        "no working day in post this month",
    ]
