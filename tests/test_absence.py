"""Absence spells, long-term absence and welfare contact: the boundaries that DATA_CONTRACT.md version 2
sets, each on a tiny extract with its figures worked out by hand.

The default settings: long_absence_days 28, reducing_kinds long_term_sickness, parental, secondment
and restricted_duties, welfare_contact_days 28, sustained_months 2, overload above 110 %.
"""

import pytest
from conftest import D, absence, assign, case, contract, officer

from queries import run_query
from unitload.settings import Settings

STAFF = dict(officers=[officer("O1")], contracts=[contract("O1")])
FIELDS = ("availability", "absent", "long_term_absent", "absent_since", "absence_kind")


def status(rows, as_of, absences, settings=None) -> tuple:
    got = rows("officer_load", as_of, settings, absences=absences, **STAFF)["O1"]
    return tuple(got[f] for f in FIELDS)


@pytest.mark.parametrize(
    ("absences", "as_of", "expected"),
    [
        # two sickness rows, 1-14 and 15-30 June, join into one spell of 30 days: long-term, so reducing
        (
            [absence("O1", D(2026, 6, 1), D(2026, 6, 14)), absence("O1", D(2026, 6, 15), D(2026, 6, 30))],
            D(2026, 6, 10),
            (0.0, True, True, D(2026, 6, 1), "sickness"),
        ),
        # overlapping rows of different kinds join too (training, then sickness from the 10th)
        (
            [absence("O1", D(2026, 6, 1), D(2026, 6, 12), "training"), absence("O1", D(2026, 6, 10), D(2026, 6, 30))],
            D(2026, 6, 20),
            (0.0, True, True, D(2026, 6, 1), "sickness"),
        ),
        # a one-day gap (15 June) splits: the spell of D is 16-30 June, 15 days, not long-term
        (
            [absence("O1", D(2026, 6, 1), D(2026, 6, 14)), absence("O1", D(2026, 6, 16), D(2026, 6, 30))],
            D(2026, 6, 20),
            (1.0, True, False, D(2026, 6, 16), "sickness"),
        ),
        # the 28th day: a spell of exactly 28 days (1-28 June) is long-term, from its first day
        ([absence("O1", D(2026, 6, 1), D(2026, 6, 28))], D(2026, 6, 2), (0.0, True, True, D(2026, 6, 1), "sickness")),
        # 27 days is not
        ([absence("O1", D(2026, 6, 1), D(2026, 6, 27))], D(2026, 6, 2), (1.0, True, False, D(2026, 6, 1), "sickness")),
        # an ongoing spell is counted to D: from 3 June, 27 days on 29 June, 28 days on 30 June
        ([absence("O1", D(2026, 6, 3), None)], D(2026, 6, 29), (1.0, True, False, D(2026, 6, 3), "sickness")),
        ([absence("O1", D(2026, 6, 3), None)], D(2026, 6, 30), (0.0, True, True, D(2026, 6, 3), "sickness")),
        # a spell that ends in an ongoing row is counted to D, whatever rows lie beyond D
        (
            [absence("O1", D(2026, 6, 20), D(2026, 7, 5), "annual_leave"), absence("O1", D(2026, 7, 6), None)],
            D(2026, 6, 30),
            (1.0, True, False, D(2026, 6, 20), "annual_leave"),
        ),
        # a reducing kind reduces from day one, ongoing or not, and is long-term absence at 1.0
        (
            [absence("O1", D(2026, 6, 30), None, "long_term_sickness")],
            D(2026, 6, 30),
            (0.0, True, True, D(2026, 6, 30), "long_term_sickness"),
        ),
        (
            [absence("O1", D(2026, 6, 29), D(2026, 7, 1), "parental")],
            D(2026, 6, 30),
            (0.0, True, True, D(2026, 6, 29), "parental"),
        ),
        (
            [absence("O1", D(2026, 6, 30), D(2026, 6, 30), "restricted_duties", 0.5)],
            D(2026, 6, 30),
            (0.5, False, False, None, None),
        ),
        # a short annual leave inside a restricted-duty spell: the rows join into a long-term spell (from 1 May,
        # ongoing, counted to D), so on the leave's days every covering row reduces, the leave's 1.0 included
        (
            [
                absence("O1", D(2026, 5, 1), None, "restricted_duties", 0.5),
                absence("O1", D(2026, 6, 10), D(2026, 6, 12), "annual_leave"),
            ],
            D(2026, 6, 11),
            (0.0, True, True, D(2026, 5, 1), "annual_leave"),
        ),
        (
            [
                absence("O1", D(2026, 5, 1), None, "restricted_duties", 0.5),
                absence("O1", D(2026, 6, 10), D(2026, 6, 12), "annual_leave"),
            ],
            D(2026, 6, 15),
            (0.5, False, False, None, None),
        ),
        # a kind tie: two full-day rows from the same first day; the kind first by name is the absence's kind
        (
            [
                absence("O1", D(2026, 6, 29), D(2026, 7, 2), "sickness"),
                absence("O1", D(2026, 6, 29), D(2026, 6, 30), "annual_leave"),
            ],
            D(2026, 6, 30),
            (1.0, True, False, D(2026, 6, 29), "annual_leave"),
        ),
        # ... and the earlier first day wins over the name
        (
            [
                absence("O1", D(2026, 6, 28), D(2026, 7, 2), "sickness"),
                absence("O1", D(2026, 6, 29), D(2026, 6, 30), "annual_leave"),
            ],
            D(2026, 6, 30),
            (1.0, True, False, D(2026, 6, 28), "sickness"),
        ),
        # ... and a larger reduction wins over both (a partial row is not the kind of the absence)
        (
            [
                absence("O1", D(2026, 6, 1), D(2026, 6, 30), "training", 0.5),
                absence("O1", D(2026, 6, 30), D(2026, 6, 30), "sickness"),
            ],
            D(2026, 6, 30),
            (0.0, True, True, D(2026, 6, 1), "sickness"),
        ),
    ],
    ids=[
        "joined-across-two-rows",
        "joined-across-kinds",
        "one-day-gap-splits",
        "the-28th-day",
        "27-days",
        "ongoing-27-days-to-D",
        "ongoing-28-days-to-D",
        "ongoing-row-later-in-the-spell",
        "reducing-kind-day-one",
        "parental-3-days",
        "half-restricted-one-day",
        "leave-inside-restricted-spell",
        "restricted-after-the-leave",
        "kind-tie-by-name",
        "kind-tie-by-first-day",
        "largest-reduction-is-the-kind",
    ],
)
def test_the_spell_of_d_decides_long_term_absence(rows, absences, as_of, expected):
    assert status(rows, as_of, absences) == expected


def test_long_absence_days_and_reducing_kinds_come_from_settings(rows):
    spell = [absence("O1", D(2026, 6, 1), D(2026, 6, 10))]  # 10 days of sickness
    assert status(rows, D(2026, 6, 5), spell)[:3] == (1.0, True, False)
    ten = Settings.model_validate({"capacity": {"long_absence_days": 10}})
    assert status(rows, D(2026, 6, 5), spell, ten)[:3] == (0.0, True, True)
    secondment = [absence("O1", D(2026, 6, 1), D(2026, 6, 10), "secondment")]
    assert status(rows, D(2026, 6, 5), secondment)[:3] == (0.0, True, True)
    not_reducing = Settings.model_validate({"capacity": {"reducing_kinds": ["parental"]}})
    assert status(rows, D(2026, 6, 5), secondment, not_reducing)[:3] == (1.0, True, False)


def test_a_case_knows_its_holder_is_long_term_absent(rows):
    got = rows(
        "case_progress",
        D(2026, 6, 30),
        officers=[officer("SICK"), officer("AWAY"), officer("AT_WORK")],
        contracts=[contract(o) for o in ("SICK", "AWAY", "AT_WORK")],
        absences=[
            absence("SICK", D(2026, 5, 1), None),  # ongoing sickness, 61 days by D: long-term
            absence("AWAY", D(2026, 6, 29), D(2026, 7, 3), "annual_leave"),  # short leave covering D
        ],
        cases=[case("C1"), case("C2"), case("C3")],
        assignments=[assign("C1", "SICK"), assign("C2", "AWAY"), assign("C3", "AT_WORK")],
    )
    flags = {c: (got[c]["oic_absent"], got[c]["oic_long_term_absent"], got[c]["oic_absence_kind"]) for c in got}
    assert flags == {"C1": (True, True, "sickness"), "C2": (True, False, "annual_leave"), "C3": (False, False, None)}
    assert (got["C2"]["oic_absent_since"], got["C2"]["oic_absent_until"]) == (D(2026, 6, 29), D(2026, 7, 3))


@pytest.mark.parametrize(
    ("held_on", "overdue"),
    [
        (None, True),  # never a welfare check
        (D(2026, 6, 2), True),  # exactly welfare_contact_days (28) before D: not within the window
        (D(2026, 6, 3), False),  # 27 days before D
        (D(2026, 6, 30), False),  # on D
        (D(2026, 7, 1), True),  # after D does not count
    ],
)
def test_welfare_contact_is_overdue_after_welfare_contact_days(build, held_on, overdue):
    supervision = []
    if held_on:
        supervision = [{"officer_id": "SICK", "supervisor_id": "SGT", "held_on": held_on, "kind": "welfare_check"}]
    source = build(
        officers=[officer("SICK", supervisor_id="SGT"), officer("SGT", role="supervisor"), officer("WELL")],
        contracts=[contract(o) for o in ("SICK", "SGT", "WELL")],
        absences=[absence("SICK", D(2026, 1, 5), None, "long_term_sickness")],
        supervision=supervision
        or [{"officer_id": "WELL", "supervisor_id": "SGT", "held_on": D(2020, 1, 1), "kind": "welfare_check"}],
    )
    status_rows = run_query(source, "supervision_status", as_of=D(2026, 6, 30))
    flags = dict(zip(status_rows["officer_id"], status_rows["welfare_contact_overdue"], strict=True))
    assert flags == {"SICK": overdue, "SGT": False, "WELL": False}  # only a long-term absent officer is due one
    attention = run_query(source, "attention_list", as_of=D(2026, 6, 30))
    listed = {r["officer_id"]: r["reasons"] for r in attention.to_dicts()}
    assert listed == ({"SICK": ["welfare_contact_overdue"]} if overdue else {})
    at_risk = run_query(source, "at_risk", as_of=D(2026, 6, 30))
    assert at_risk["officer_id"].to_list() == (["SICK"] if overdue else [])


def test_without_the_supervision_table_no_welfare_contact_is_overdue(rows):
    got = rows(
        "supervision_status",
        D(2026, 6, 30),
        absences=[absence("O1", D(2026, 1, 5), None, "long_term_sickness")],
        **STAFF,
    )
    assert (got["O1"]["long_term_absent"], got["O1"]["welfare_contact_overdue"]) == (True, False)


def overloaded_in(months: list[D], as_of: D) -> dict:
    """O1 full-time with a 14-point case (117 %) open over each [first, last] span of `months`."""
    cases = [case(f"C{i}", opened_on=first, closed_on=last, weight=14.0) for i, (first, last) in enumerate(months)]
    return dict(
        officers=[officer("O1")],
        contracts=[contract("O1")],
        cases=cases,
        assignments=[assign(c["case_id"], "O1", c["opened_on"]) for c in cases],
    )


@pytest.mark.parametrize(
    ("spans", "as_of", "sustained", "overloaded"),
    [
        # overloaded on 3 July and at the month end before July (30 June): sustained
        ([(D(2026, 6, 1), None)], D(2026, 7, 3), True, True),
        # overloaded on 3 July only (the case opened on 1 July): not sustained
        ([(D(2026, 7, 1), None)], D(2026, 7, 3), False, True),
        # overloaded on 30 June (the case closed on 1 July) but not on D
        ([(D(2026, 6, 1), D(2026, 7, 1))], D(2026, 7, 3), False, False),
        # a month end: 31 July and 30 June, with a gap in between that no month end sees
        ([(D(2026, 6, 1), D(2026, 7, 2)), (D(2026, 7, 10), None)], D(2026, 7, 31), True, True),
    ],
    ids=["across-the-month-boundary", "new-this-month", "not-on-D", "gap-between-month-ends"],
)
def test_sustained_overload_across_the_month_boundary(build, spans, as_of, sustained, overloaded):
    source = build(**overloaded_in(spans, as_of))
    got = run_query(source, "officer_load", as_of=as_of).row(0, named=True)
    assert (got["sustained_overload"], got["overloaded"]) == (sustained, overloaded)
    months = run_query(source, "workload_months", as_of=as_of, months=1).row(0, named=True)
    assert months["officers_sustained_overload"] == int(sustained)  # right on its own, with no months before it
