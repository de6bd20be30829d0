"""case_progress: given rows and expected figures at the boundaries of DATA_CONTRACT.md section 3."""

import pytest
from conftest import D, absence, action, assign, case, contract, officer

from unitload.settings import Settings

END = D(2026, 6, 30)
STAFF = dict(officers=[officer("A"), officer("B", left_on=D(2026, 6, 1))], contracts=[contract("A"), contract("B")])


def progress(rows, actions=(), cases=None, assignments=None, settings=None, as_of=END, **more):
    cases = cases or [case("C1", opened_on=D(2026, 5, 1))]
    assignments = assignments if assignments is not None else [assign("C1", "A", D(2026, 5, 1))]
    return rows(
        "case_progress", as_of, settings, cases=cases, assignments=assignments, actions=list(actions), **STAFF, **more
    )


def test_action_on_the_as_of_day_counts_and_later_ones_do_not(rows):
    got = progress(rows, [action("X1", "C1", END, "interview"), action("X2", "C1", D(2026, 7, 1), "arrest")])["C1"]
    assert got["last_progress_on"] == END
    assert got["days_since_progress"] == 0
    assert got["unprogressed"] is False


@pytest.mark.parametrize(
    ("last_action", "days", "unprogressed"),
    [(D(2026, 6, 2), 28, False), (D(2026, 6, 1), 29, True)],
    ids=["exactly-stale-days", "one-day-more"],
)
def test_unprogressed_is_strictly_more_than_stale_days(rows, last_action, days, unprogressed):
    got = progress(rows, [action("X1", "C1", last_action, "search")])["C1"]
    assert (got["days_since_progress"], got["unprogressed"]) == (days, unprogressed)


def test_no_progressing_action_counts_from_opened_on(rows):
    got = progress(
        rows, [action("X1", "C1", D(2026, 6, 29), "victim_update"), action("X2", "C1", D(2026, 6, 29), "admin_note")]
    )["C1"]
    assert got["last_progress_on"] is None
    assert got["days_since_progress"] == 60  # 1 May to 30 June
    assert got["unprogressed"] is True


def test_progressing_actions_come_from_settings(rows):
    only_arrests = Settings.model_validate({"progress": {"progressing_actions": ["arrest"], "stale_days": 60}})
    got = progress(rows, [action("X1", "C1", D(2026, 6, 20), "enquiry")], settings=only_arrests)["C1"]
    assert (got["last_progress_on"], got["days_since_progress"], got["unprogressed"]) == (None, 60, False)


def test_review_is_the_latest_supervisory_review(rows):
    got = progress(
        rows,
        [
            action("R1", "C1", D(2026, 5, 10), "supervisory_review"),
            action("R2", "C1", D(2026, 6, 1), "supervisory_review"),
            action("R3", "C1", D(2026, 7, 2), "supervisory_review"),
            action("X1", "C1", D(2026, 6, 25), "enquiry"),
        ],
    )["C1"]
    assert (got["last_review_on"], got["days_since_review"], got["review_overdue"]) == (D(2026, 6, 1), 29, True)
    assert got["last_progress_on"] == D(2026, 6, 25)  # a review is not progress


def test_no_review_counts_from_opened_on(rows):
    got = progress(rows, cases=[case("C1", opened_on=D(2026, 6, 2))], assignments=[assign("C1", "A", D(2026, 6, 2))])
    assert (got["C1"]["days_since_review"], got["C1"]["review_overdue"]) == (28, False)


@pytest.mark.parametrize(
    ("reason", "inherited"),
    [("new", False), ("reallocation", True), ("absence_cover", True), ("transfer", False), ("other", False)],
)
def test_inherited_follows_the_current_assignment_reason(rows, reason, inherited):
    got = progress(
        rows,
        assignments=[
            assign("C1", "A", D(2026, 5, 1), D(2026, 6, 1)),
            assign("C1", "B", D(2026, 6, 1), D(2026, 6, 10), "transfer"),
            assign("C1", "A", D(2026, 6, 10), reason=reason),
        ],
    )
    assert got["C1"]["officer_id"] == "A"
    assert got["C1"]["inherited"] is inherited


def test_handover_on_the_as_of_day_gives_the_new_officer(rows):
    got = progress(
        rows, assignments=[assign("C1", "B", D(2026, 5, 1), END), assign("C1", "A", END, reason="absence_cover")]
    )["C1"]
    assert (got["officer_id"], got["inherited"], got["assigned_from"]) == ("A", True, END)


def test_unallocated_case_and_case_boundaries(rows):
    got = progress(
        rows,
        cases=[
            case("UNALLOCATED", opened_on=D(2026, 6, 20)),
            case("OPENED_ON_D", opened_on=END),
            case("CLOSED_ON_D", opened_on=D(2026, 5, 1), closed_on=END),
            case("ENDED", opened_on=D(2026, 5, 1)),
        ],
        assignments=[
            assign("OPENED_ON_D", "A", END),
            assign("CLOSED_ON_D", "A", D(2026, 5, 1)),
            assign("ENDED", "A", D(2026, 5, 1), END),
        ],
    )
    assert set(got) == {"UNALLOCATED", "OPENED_ON_D", "ENDED"}
    for case_id in ("UNALLOCATED", "ENDED"):  # an assignment ending on D leaves the case unallocated
        assert got[case_id]["officer_id"] is None
        assert (got[case_id]["unallocated"], got[case_id]["inherited"], got[case_id]["oic_absent"]) == (
            True,
            False,
            False,
        )
    assert got["OPENED_ON_D"]["days_since_progress"] == 0


@pytest.mark.parametrize(
    ("absences", "oic_absent"),
    [
        ([absence("A", D(2026, 6, 29), D(2026, 6, 30))], True),
        ([absence("A", D(2026, 6, 1), None, "long_term_sickness")], True),
        ([absence("A", D(2026, 6, 1), D(2026, 6, 29))], False),
        ([absence("A", D(2026, 6, 1), END, "restricted_duties", 0.5)], False),
    ],
)
def test_oic_absent_on_the_as_of_day(rows, absences, oic_absent):
    assert progress(rows, absences=absences)["C1"]["oic_absent"] is oic_absent


def test_officer_who_has_left_still_holding_a_case(rows):
    got = progress(rows, assignments=[assign("C1", "B", D(2026, 5, 1))])["C1"]
    assert (got["officer_id"], got["oic_left"], got["oic_absent"]) == ("B", True, False)


def test_weight_explicit_or_from_the_grid(rows):
    got = progress(
        rows, cases=[case("GRID", risk="very_high", complexity=2), case("EXPLICIT", weight=0.25)], assignments=[]
    )
    assert got["GRID"]["weight"] == 3.0
    assert got["EXPLICIT"]["weight"] == 0.25


@pytest.mark.parametrize(
    ("reason", "actions", "days_inherited", "stall"),
    [
        ("reallocation", [action("X1", "C1", D(2026, 5, 20))], 29, 29),  # no progress since 1 June
        ("absence_cover", [action("X1", "C1", D(2026, 6, 10))], 29, 20),  # progressed on 10 June
        ("absence_cover", [], 29, 29),  # never progressed
        ("new", [action("X1", "C1", D(2026, 5, 20))], None, None),  # not inherited
    ],
)
def test_inherited_without_progress_duration(rows, reason, actions, days_inherited, stall):
    got = progress(
        rows,
        actions,
        assignments=[assign("C1", "B", D(2026, 5, 1), D(2026, 6, 1)), assign("C1", "A", D(2026, 6, 1), reason=reason)],
    )["C1"]
    assert (got["days_inherited"], got["inherited_stall_days"]) == (days_inherited, stall)


def test_last_progress_type_names_every_progressing_action_of_that_day(rows):
    got = progress(
        rows,
        [
            action("X1", "C1", D(2026, 6, 10), "interview"),
            action("X2", "C1", D(2026, 6, 10), "arrest"),
            action("X3", "C1", D(2026, 6, 10), "victim_update"),
            action("X4", "C1", D(2026, 6, 2)),
        ],
    )
    assert (got["C1"]["last_progress_on"], got["C1"]["last_progress_type"]) == (D(2026, 6, 10), "arrest, interview")
