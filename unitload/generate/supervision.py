"""Synthetic supervision dates (never content): monthly supervision, welfare checks, yearly
psychological assessments for staff exposed to indecent imagery, and action plans."""

from __future__ import annotations

import datetime as dt

import numpy as np

from unitload.generate.staff import Officer, weekday_on_or_after

EXPOSED_ROLES = ("investigator", "forensic_examiner", "supervisor")


def supervision_rows(
    rng: np.random.Generator,
    officers: list[Officer],
    start: dt.date,
    as_of: dt.date,
    *,
    lapsed: dict[str, dt.date] | None = None,
    late_plan: str | None = None,
) -> list[dict]:
    """Monthly supervisions that mostly happen and sometimes lapse; `lapsed` officers get none after a
    day; `late_plan` gets an action plan opened late, months into a heavy load, and still open."""
    lapsed = lapsed or {}
    rows = []
    for officer in officers:
        if officer.supervisor_id is not None:
            rows += _officer_rows(
                rng, officer, start, as_of, lapsed.get(officer.officer_id), officer.officer_id == late_plan
            )
    return sorted(rows, key=lambda r: (r["officer_id"], r["held_on"], r["kind"]))


def _officer_rows(rng, officer: Officer, start: dt.date, as_of: dt.date, lapse: dt.date | None, plan: bool) -> list:
    first = max(start, officer.joined_on)
    last = min(as_of, (officer.left_on or as_of + dt.timedelta(days=1)) - dt.timedelta(days=1))
    stop = min(last, lapse or last)
    rows = []

    def add(day: dt.date, kind: str) -> None:
        day = weekday_on_or_after(day)
        if first <= day <= stop and not officer.absent(day):
            rows.append(
                {"officer_id": officer.officer_id, "supervisor_id": officer.supervisor_id, "held_on": day, "kind": kind}
            )

    day = first + dt.timedelta(days=int(rng.integers(0, 30)))
    while day <= last:
        add(day, "monthly_supervision")
        skipped = rng.random() < 0.08  # a month that lapses
        day += dt.timedelta(days=int(rng.normal(30, 4)) + (30 if skipped else 0))
    day = first + dt.timedelta(days=int(rng.integers(20, 100)))
    while day <= last:
        add(day, "welfare_check")
        day += dt.timedelta(days=int(rng.integers(70, 120)))
    if officer.role in EXPOSED_ROLES:
        day = first + dt.timedelta(days=int(rng.integers(30, 200)))
        while day <= last:
            add(day, "psychological_assessment")
            day += dt.timedelta(days=int(rng.integers(330, 420)))  # now and then more than a year
    if plan:
        add(as_of - dt.timedelta(days=int(rng.integers(60, 120))), "action_plan_opened")  # still open
    return rows
