"""Queries of the monthly workload review: streaks, trend, attention list, roll-up, drill-down."""

import datetime as dt

import polars as pl
import pytest
from conftest import D, absence, action, assign, case, contract, officer

from queries import run_query
from unitload.months import month_ends
from unitload.planning.capacity import reasons

OCT = dt.date(2026, 10, 31)


def test_sustained_overload_at_each_month_end_of_a_series(build):
    # 24 points on 12 capacity: 200 % while C1 is open; C1 closes on 15 Aug, so July is the last overloaded
    source = build(
        officers=[officer("O1")],
        contracts=[contract("O1")],
        cases=[case("C1", D(2026, 4, 1), D(2026, 8, 15), weight=24.0), case("C2", D(2026, 9, 1), weight=24.0)],
        assignments=[assign("C1", "O1", D(2026, 4, 1)), assign("C2", "O1", D(2026, 9, 1))],
    )
    got = run_query(source, "officer_load", as_of=D(2026, 10, 31), months=7).sort("as_of")
    assert got["as_of"].to_list()[0] == D(2026, 4, 30)
    assert got["overloaded"].to_list() == [True, True, True, True, False, True, True]
    # April's row sees March (not overloaded) although March is outside the series asked for
    assert got["sustained_overload"].to_list() == [False, True, True, True, False, False, True]
    alone = run_query(source, "officer_load", as_of=D(2026, 5, 31)).row(0, named=True)
    assert alone["sustained_overload"] is True  # the same figure asked for on its own


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
    got = run_query(source, "officer_load", as_of=D(2026, 4, 30), months=4).sort("as_of")
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
    assert holders.equals(load.filter(pl.col("caseholder")))
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
    assert now["officers_sustained_overload"] == holders["sustained_overload"].sum()
    holding = holders.filter(pl.col("long_term_absent") & (pl.col("open_cases") > 0))
    assert now["long_term_absent_holding_cases"] == holding.height
    assert (
        now["oic_long_term_absent_or_left"] == cases.filter(pl.col("oic_long_term_absent") | pl.col("oic_left")).height
    )
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


def test_every_row_of_a_series_is_right_on_its_own(sample):
    series = run_query(sample, "workload_months", as_of=OCT, months=6)
    for row in series.iter_rows(named=True):
        alone = run_query(sample, "workload_months", as_of=row["as_of"], months=1).row(0, named=True)
        assert alone | {"month_index": row["month_index"]} == row, row["as_of"]


def test_attention_list_holds_the_planted_pattern(sample):
    attention = run_query(sample, "attention_list")
    assert attention["rank"].to_list() == list(range(1, attention.height + 1))
    stalled = attention.filter(pl.col("reasons").list.contains("inherited_unprogressed"))
    assert stalled["rank"].to_list() == [1, 2] and stalled["priority"].all()
    part_timer = stalled["officer_id"][0]
    row = attention.filter((pl.col("item") == "officer") & (pl.col("officer_id") == part_timer)).row(0, named=True)
    assert row["reasons"] == ["part_time_full_load", "sustained_overload", "overloaded"]  # every reason
    assert row["priority"] and row["rank"] == 3  # a part-timer at full load holding such a case ranks with them
    assert "no monthly supervision for" in row["detail"]
    sick = attention.filter(pl.col("reasons").list.contains("welfare_contact_overdue")).row(0, named=True)
    assert (sick["officer_id"], sick["absence_kind"]) == ("P1020", "long_term_sickness")
    assert attention.select("item", "officer_id", "case_id").is_unique().all()
    # annual leave alone never puts anyone on the list: those on leave at D are there for other reasons
    load = run_query(sample, "officer_load")
    on_leave = load.filter(pl.col("absent") & ~pl.col("long_term_absent"))["officer_id"].to_list()
    officers = attention.filter(pl.col("item") == "officer")
    for listed in officers.filter(pl.col("officer_id").is_in(on_leave))["reasons"]:
        assert set(listed) <= {"part_time_full_load", "sustained_overload", "overloaded"}


def test_attention_list_reasons_and_rank_on_a_tiny_extract(build):
    # D = 31 October 2026; stale_days 28
    source = build(
        officers=[officer("AWAY"), officer("PT"), officer("OK"), officer("LEAVE"), officer("HEAVY")],
        contracts=[contract("AWAY"), contract("PT", 20.0), contract("OK"), contract("LEAVE"), contract("HEAVY")],
        absences=[
            absence("AWAY", D(2026, 1, 1), None, "long_term_sickness"),
            absence("LEAVE", D(2026, 10, 26), D(2026, 11, 6), "annual_leave"),  # a fortnight's leave over D
        ],
        cases=[
            case("HELD", D(2026, 1, 5)),  # held by the long-term absent officer, unprogressed
            case("INHERITED", D(2025, 6, 1)),  # reallocated to the part-timer, unprogressed
            case("BIG", D(2026, 10, 20), weight=11.0),  # progressed: no reason of its own
            case("ON_LEAVE", D(2026, 10, 20)),  # held by the officer on leave, progressed
            case("STALE", D(2026, 9, 1), weight=14.0),  # unprogressed, held by HEAVY (117 %)
            case("NEW", D(2026, 10, 30)),  # unallocated, fresh
        ],
        assignments=[
            assign("HELD", "AWAY", D(2026, 1, 5)),
            assign("INHERITED", "AWAY", D(2025, 6, 1), D(2025, 12, 1)),
            assign("INHERITED", "PT", D(2025, 12, 1), reason="reallocation"),
            assign("BIG", "PT", D(2026, 10, 20)),
            assign("ON_LEAVE", "LEAVE", D(2026, 10, 20)),
            assign("STALE", "HEAVY", D(2026, 9, 1)),
        ],
        actions=[
            action("A1", "BIG", D(2026, 10, 21), "arrest", "PT"),
            action("A2", "ON_LEAVE", D(2026, 10, 22), "search", "LEAVE"),
            action("A3", "NEW", D(2026, 10, 30), "enquiry", "OK"),
        ],
    )  # fmt: skip
    got = run_query(source, "attention_list", as_of=OCT)
    listed = [
        (r["rank"], r["item"], r["case_id"] or r["officer_id"], r["reasons"], r["priority"]) for r in got.to_dicts()
    ]
    assert listed == [
        (1, "case", "INHERITED", ["inherited_unprogressed", "unprogressed"], True),
        (2, "case", "HELD", ["holder_long_term_absent", "unprogressed"], True),
        (3, "officer", "AWAY", ["long_term_absent_holding_cases"], True),
        (4, "officer", "PT", ["part_time_full_load", "overloaded"], True),  # holds INHERITED
        (5, "officer", "HEAVY", ["sustained_overload", "overloaded"], False),  # 117 % since September
        (6, "case", "STALE", ["unprogressed"], False),
    ]  # LEAVE (on a fortnight's annual leave) and OK are not listed; nor the fresh unallocated case
    assert got.filter(pl.col("case_id") == "STALE")["officer_id"].to_list() == ["HEAVY"]


def test_attention_list_keeps_the_units_and_teams_asked_for(sample):
    team = run_query(sample, "attention_list", teams=["POLIT-B"])
    assert set(team["team"]) == {"POLIT-B"} and team["rank"].to_list() == list(range(1, team.height + 1))
    whole = run_query(sample, "attention_list")
    assert team.height < whole.height


def test_rollup_sums_teams_into_their_inspector(sample):
    rollup = run_query(sample, "officer_rollup")
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
    none = {"absence_from": None, "absence_to": None, "absence_days": None, "long_term_spell": False}
    frame = pl.DataFrame(
        [
            {"contracted_hours": 24.0, "availability": 1.0, "reduced_by": None, "absent": False, "absence_kind": None}
            | none,
            {
                "contracted_hours": 40.0,
                "availability": 0.5,
                "reduced_by": "restricted_duties",
                "absent": False,
                "absence_kind": None,
                "absence_from": D(2026, 3, 3),
                "absence_to": None,
                "absence_days": 243,
                "long_term_spell": True,
            },
            {
                "contracted_hours": 40.0,
                "availability": 1.0,
                "reduced_by": None,
                "absent": True,
                "absence_kind": "annual_leave",
                "absence_from": D(2026, 10, 26),
                "absence_to": D(2026, 11, 6),
                "absence_days": 12,
                "long_term_spell": False,
            },
            {
                "contracted_hours": 40.0,
                "availability": 0.0,
                "reduced_by": "sickness",
                "absent": True,
                "absence_kind": "sickness",
                "absence_from": D(2026, 9, 1),
                "absence_to": None,
                "absence_days": 61,
                "long_term_spell": True,
            },
            {"contracted_hours": 40.0, "availability": 1.0, "reduced_by": None, "absent": False, "absence_kind": None}
            | none,
        ]
    )
    assert reasons(frame, 40).to_list() == [
        "24 of 40 hours",
        "restricted duties since 03 Mar 2026 (243 days, ongoing, long-term): 50% of each day lost",
        "annual leave since 26 Oct 2026 (12 days to 06 Nov 2026): a short absence, capacity not reduced",
        "sickness since 01 Sep 2026 (61 days, ongoing, long-term): no capacity",
        "full capacity",
    ]


@pytest.mark.parametrize(
    ("now", "before", "change", "text"),
    [
        (91.2, 91.4, 0, "no change"),  # was "-0 points"
        (92.4, 90.6, 1, "+1 point (up is worse)"),  # 92 % shown against 91 %: the change of what is read
        (91.9, 89.6, 2, "+2 points (up is worse)"),
        (None, 89.6, None, ""),
    ],
)
def test_the_unit_load_changes_by_the_whole_points_shown(now, before, change, text):
    from unitload.review import headline
    from unitload.settings import Settings

    load = next(f for f in headline.figures(Settings()) if f.column == "load_pct")
    assert headline.change(load, {"load_pct": now}, {"load_pct": before}) == change
    assert headline.change_text(load, {"load_pct": now}, {"load_pct": before}) == text
