"""forensic_queue: stage on day D from the latest stage date <= D, and the two ages."""

import pytest
from conftest import D, assign, case, exhibit, officer

END = D(2026, 6, 30)


def queue(rows, exhibits, as_of=END):
    return rows("forensic_queue", as_of, cases=[case("C1")], exhibits=exhibits)


@pytest.mark.parametrize(
    ("stages", "stage", "age", "stage_age"),
    [
        ({}, "awaiting_triage", 29, 29),
        ({"triaged_on": D(2026, 6, 3)}, "awaiting_download", 29, 27),
        ({"triaged_on": D(2026, 6, 3), "download_started_on": D(2026, 6, 20)}, "downloading", 29, 10),
        (
            {
                "triaged_on": D(2026, 6, 3),
                "download_started_on": D(2026, 6, 20),
                "download_completed_on": D(2026, 6, 22),
            },
            "awaiting_examination",
            29,
            8,
        ),
        # stages sharing a date resolve to the later stage
        ({"triaged_on": D(2026, 6, 10), "download_started_on": D(2026, 6, 10)}, "downloading", 29, 20),
        ({"triaged_on": D(2026, 6, 1)}, "awaiting_download", 29, 29),
        # a skipped triage: the latest present date decides
        ({"download_started_on": D(2026, 6, 5)}, "downloading", 29, 25),
        # stage dates after D do not count yet
        ({"triaged_on": D(2026, 6, 3), "download_started_on": D(2026, 7, 1)}, "awaiting_download", 29, 27),
        (
            {
                "examined_on": D(2026, 7, 1),
                "download_completed_on": D(2026, 6, 30),
                "triaged_on": D(2026, 6, 2),
                "download_started_on": D(2026, 6, 29),
            },
            "awaiting_examination",
            29,
            0,
        ),
    ],
)
def test_stage_and_ages(rows, stages, stage, age, stage_age):
    got = queue(rows, [exhibit("E1", **stages)])["E1"]
    assert (got["stage"], got["age_days"], got["stage_age_days"]) == (stage, age, stage_age)


def test_in_the_queue_on_the_as_of_day(rows):
    got = queue(
        rows,
        [
            exhibit("SUBMITTED_ON_D", submitted_on=END),
            exhibit("SUBMITTED_AFTER_D", submitted_on=D(2026, 7, 1)),
            exhibit(
                "EXAMINED_ON_D",
                triaged_on=D(2026, 6, 2),
                download_started_on=D(2026, 6, 3),
                download_completed_on=D(2026, 6, 4),
                examined_on=END,
            ),
            exhibit("WITHDRAWN_ON_D", withdrawn_on=END),
            exhibit("WITHDRAWN_AFTER_D", withdrawn_on=D(2026, 7, 1)),
        ],
    )
    assert set(got) == {"SUBMITTED_ON_D", "WITHDRAWN_AFTER_D"}
    assert (got["SUBMITTED_ON_D"]["age_days"], got["SUBMITTED_ON_D"]["stage_age_days"]) == (0, 0)
    assert got["SUBMITTED_ON_D"]["stage"] == "awaiting_triage"


def test_earlier_as_of_day_sees_the_earlier_stage(rows):
    stages = {"triaged_on": D(2026, 6, 3), "download_started_on": D(2026, 6, 20)}
    got = queue(rows, [exhibit("E1", **stages)], as_of=D(2026, 6, 10))["E1"]
    assert (got["stage"], got["age_days"], got["stage_age_days"]) == ("awaiting_download", 9, 7)


def test_unit_and_officer_in_charge_on_the_as_of_day(rows):
    """The case's holder on D, assignments half-open: a handover on D is the new officer's."""
    got = rows(
        "forensic_queue",
        END,
        officers=[officer("O1", team="T1"), officer("O2", team="T2")],
        cases=[case("HANDED_OVER"), case("HANDED_OVER_AFTER"), case("UNALLOCATED")],
        assignments=[
            assign("HANDED_OVER", "O1", assigned_to=END),
            assign("HANDED_OVER", "O2", assigned_from=END),
            assign("HANDED_OVER_AFTER", "O1", assigned_to=D(2026, 7, 1)),
            assign("HANDED_OVER_AFTER", "O2", assigned_from=D(2026, 7, 1)),
            assign("UNALLOCATED", "O1", assigned_to=D(2026, 6, 1)),
        ],
        exhibits=[
            exhibit("E1", case_id="HANDED_OVER"),
            exhibit("E2", case_id="HANDED_OVER_AFTER"),
            exhibit("E3", case_id="UNALLOCATED"),
        ],
    )
    assert {e: (r["unit"], r["officer_id"], r["oic_team"]) for e, r in got.items()} == {
        "E1": ("U", "O2", "T2"),
        "E2": ("U", "O1", "T1"),
        "E3": ("U", None, None),
    }
