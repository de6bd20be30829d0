"""officer_load: given rows and expected figures at the boundaries of DATA_CONTRACT.md section 3 (version 2).

30 June 2026 is a Tuesday, 12 June a Friday, 13 June a Saturday, 27 June a Saturday. Absence spells,
long-term absence and welfare contact have their own boundaries in test_absence.py.
"""

import pytest
from conftest import D, absence, assign, case, contract, officer

from unitload.settings import Settings

END = D(2026, 6, 30)


def test_full_timer_with_no_absence(rows):
    got = rows(
        "officer_load",
        END,
        officers=[officer("O1")],
        contracts=[contract("O1")],
        cases=[case("C1", weight=3.0), case("C2", risk="high", complexity=3)],
        assignments=[assign("C1", "O1"), assign("C2", "O1")],
    )["O1"]
    assert got["fte"] == 1.0
    assert got["availability"] == 1.0
    assert got["capacity_points"] == 12.0
    assert got["open_cases"] == 2
    assert got["weighted_load"] == 3.0 + 1.5 * 2.0  # explicit weight, then high x major
    assert got["load_pct"] == pytest.approx(50.0)
    assert (got["overloaded"], got["part_time_full_load"], got["absent"], got["long_term_absent"]) == (False,) * 4
    assert (got["absent_since"], got["absence_kind"], got["sustained_overload"]) == (None, None, False)


@pytest.mark.parametrize(
    ("absences", "as_of", "availability"),
    [
        # a fortnight's annual leave: part of the working year, no reduction (version 1 lost 10 of 22 days)
        ([absence("O1", D(2026, 6, 15), D(2026, 6, 26), "annual_leave")], D(2026, 6, 19), 1.0),
        # leave over a weekend, D the Saturday: absent, but capacity is not reduced
        ([absence("O1", D(2026, 6, 12), D(2026, 6, 15), "annual_leave")], D(2026, 6, 13), 1.0),
        # half-time restricted duties (a reducing kind) and training on the same day: the largest reduction
        (
            [
                absence("O1", D(2026, 6, 1), D(2026, 6, 5), "restricted_duties", 0.5),
                absence("O1", D(2026, 6, 1), D(2026, 6, 5), "training", 0.3),
            ],
            D(2026, 6, 3),
            0.5,
        ),
        # overlapping reducing rows: the largest, never their sum, never more than 1
        (
            [
                absence("O1", D(2026, 6, 1), None, "restricted_duties", 0.5),
                absence("O1", D(2026, 6, 8), D(2026, 6, 9), "parental", 1.0),
            ],
            D(2026, 6, 9),
            0.0,
        ),
        # a reducing absence that ended the day before D, and one that starts the day after
        (
            [
                absence("O1", D(2026, 6, 1), D(2026, 6, 29), "secondment"),
                absence("O1", D(2026, 7, 1), None, "secondment"),
            ],
            END,
            1.0,
        ),
    ],
    ids=["fortnight-of-leave", "leave-over-a-weekend", "restricted-and-training", "largest-not-sum", "either-side"],
)
def test_availability_is_a_point_in_time_figure_of_the_reducing_absences(rows, absences, as_of, availability):
    got = rows("officer_load", as_of, officers=[officer("O1")], contracts=[contract("O1")], absences=absences)["O1"]
    assert got["availability"] == pytest.approx(availability)
    assert got["capacity_points"] == pytest.approx(12 * availability)


def test_contract_change_mid_month_uses_the_hours_on_the_as_of_day(rows):
    tables = dict(
        officers=[officer("O1")],
        contracts=[contract("O1", 40.0, D(2020, 1, 1), D(2026, 6, 15)), contract("O1", 20.0, D(2026, 6, 15))],
    )
    assert rows("officer_load", D(2026, 6, 14), **tables)["O1"]["fte"] == 1.0
    assert rows("officer_load", D(2026, 6, 15), **tables)["O1"]["fte"] == 0.5  # valid_to is exclusive
    got = rows("officer_load", END, **tables)["O1"]
    assert (got["fte"], got["contracted_hours"], got["capacity_points"]) == (0.5, 20.0, 6.0)


def test_joiner_and_leaver_mid_month(rows):
    tables = dict(
        officers=[
            officer("NEW", joined_on=D(2026, 6, 15)),
            officer("GONE", left_on=D(2026, 6, 15)),
            officer("LAST", left_on=END),
            officer("FIRST", joined_on=END),
        ],
        contracts=[contract(o) for o in ("NEW", "GONE", "LAST", "FIRST")],
    )
    at_end = rows("officer_load", END, **tables)
    assert set(at_end) == {"NEW", "FIRST"}  # left_on is the first day out of post; joined_on the first in post
    assert at_end["FIRST"]["availability"] == 1.0  # joined on D: fully available on D
    mid = rows("officer_load", D(2026, 6, 12), **tables)
    assert set(mid) == {"GONE", "LAST"}


def test_zero_capacity_gives_null_load_not_infinity(rows):
    got = rows(
        "officer_load",
        END,
        officers=[officer("SICK"), officer("NOCONTRACT"), officer("SATURDAY", joined_on=D(2026, 6, 27))],
        contracts=[contract("SICK"), contract("SATURDAY")],
        absences=[absence("SICK", D(2026, 5, 1), None, "long_term_sickness")],
        cases=[case("C1"), case("C2")],
        assignments=[assign("C1", "SICK"), assign("C2", "NOCONTRACT")],
    )
    assert got["SICK"]["availability"] == 0.0
    assert got["SICK"]["capacity_points"] == 0.0
    assert got["SICK"]["load_pct"] is None
    assert got["SICK"]["overloaded"] is False
    assert got["SICK"]["absent"] is True
    assert got["SICK"]["weighted_load"] == 1.0
    assert got["NOCONTRACT"]["fte"] == 0.0
    assert got["NOCONTRACT"]["load_pct"] is None
    assert got["SICK"]["long_term_absent"] is True
    saturday = rows(
        "officer_load",
        D(2026, 6, 27),
        officers=[officer("SATURDAY", joined_on=D(2026, 6, 27))],
        contracts=[contract("SATURDAY")],
    )["SATURDAY"]
    assert (saturday["availability"], saturday["capacity_points"]) == (1.0, 12.0)  # a weekend day is no reduction


def test_case_boundaries_on_the_as_of_day(rows):
    got = rows(
        "officer_load",
        END,
        officers=[officer("A"), officer("B")],
        contracts=[contract("A"), contract("B")],
        cases=[
            case("CLOSED_ON_D", closed_on=END),
            case("OPENED_ON_D", opened_on=END),
            case("HANDED_OVER_ON_D"),
            case("CLOSED_AFTER_D", closed_on=D(2026, 7, 1)),
        ],
        assignments=[
            assign("CLOSED_ON_D", "A"),
            assign("OPENED_ON_D", "A", END),
            assign("HANDED_OVER_ON_D", "A", assigned_to=END),
            assign("HANDED_OVER_ON_D", "B", END, reason="reallocation"),
            assign("CLOSED_AFTER_D", "A"),
        ],
    )
    assert got["A"]["open_cases"] == 2  # opened on D, closed after D
    assert got["B"]["open_cases"] == 1  # the handover on D belongs to the new officer


@pytest.mark.parametrize(
    ("hours", "weights", "full_load"),
    [(20.0, [6.0, 6.0], True), (20.0, [6.0, 5.5], False), (40.0, [6.0, 6.0], False), (39.0, [12.0], True)],
)
def test_part_time_full_load_is_a_part_timer_at_a_full_timers_points(rows, hours, weights, full_load):
    cases = [case(f"C{i}", weight=w) for i, w in enumerate(weights)]
    got = rows(
        "officer_load",
        END,
        officers=[officer("O1")],
        contracts=[contract("O1", hours)],
        cases=cases,
        assignments=[assign(c["case_id"], "O1") for c in cases],
    )["O1"]
    assert got["part_time_full_load"] is full_load


def test_overloaded_is_strictly_above_the_threshold_from_settings(rows):
    tables = dict(
        officers=[officer("O1")],
        contracts=[contract("O1")],
        cases=[case("C1", weight=13.5)],
        assignments=[assign("C1", "O1")],
    )
    assert rows("officer_load", END, **tables)["O1"]["load_pct"] == 112.5
    assert rows("officer_load", END, **tables)["O1"]["overloaded"] is True
    at_threshold = Settings.model_validate({"capacity": {"overload_pct": 112.5}})
    assert rows("officer_load", END, at_threshold, **tables)["O1"]["overloaded"] is False


def test_settings_change_capacity_and_weights(rows):
    settings = Settings.model_validate(
        {"capacity": {"full_time_hours": 37.5, "points_per_fte": 10.0}, "weights": {"risk": {"medium": 2.0}}}
    )
    got = rows(
        "officer_load",
        END,
        settings,
        officers=[officer("O1")],
        contracts=[contract("O1", 37.5)],
        cases=[case("C1", complexity=2)],
        assignments=[assign("C1", "O1")],
    )["O1"]
    assert (got["fte"], got["capacity_points"], got["weighted_load"]) == (1.0, 10.0, 3.0)


@pytest.mark.parametrize(
    ("absences", "as_of", "absent"),
    [
        ([absence("O1", D(2026, 6, 26), D(2026, 6, 29))], D(2026, 6, 27), True),  # a Saturday inside the absence
        ([absence("O1", D(2026, 6, 30), D(2026, 7, 3))], END, True),  # starts on D
        ([absence("O1", D(2026, 6, 1), D(2026, 6, 29))], END, False),  # ended the day before
        ([absence("O1", D(2026, 6, 1), None, "long_term_sickness")], END, True),  # ongoing
        ([absence("O1", D(2026, 6, 1), END, "restricted_duties", 0.5)], END, False),  # not a full reduction
    ],
)
def test_absent_on_the_as_of_day(rows, absences, as_of, absent):
    got = rows("officer_load", as_of, officers=[officer("O1")], contracts=[contract("O1")], absences=absences)
    assert got["O1"]["absent"] is absent
