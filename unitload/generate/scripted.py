"""The pattern behind this product, written into one team of the unit sample.

A part-time investigator (24 hours from the history's first year) is allocated cases as if full-time.
A colleague in the same team goes on long-term sickness about 33 months before the extract; four
weeks later two of the colleague's cases are handed to the part-timer as absence cover. The first then
sees no progressing action after about 31 months before the extract, the second after about 20 months
(its phone still waiting for download), and no supervisory review follows the handover.
"""

from __future__ import annotations

import datetime as dt

from unitload.generate.staff import Officer, weekday_on_or_after

SICK_DAYS_BEFORE = 1004  # about 33 months
STALLED_DAYS = (943, 608)  # about 31 and 20 months without a progressing action
DELAYED_DOWNLOAD_DAYS = 640


class Scripted:
    def __init__(self, as_of: dt.date):
        self.as_of = as_of
        self.sick_from = weekday_on_or_after(as_of - dt.timedelta(days=SICK_DAYS_BEFORE))
        self.cover_day = weekday_on_or_after(self.sick_from + dt.timedelta(days=28))
        self.part_timer: Officer | None = None
        self.colleague: Officer | None = None
        self.stalled = []

    def role_of(self, slot: int) -> str | None:
        return {0: "part_timer", 1: "colleague"}.get(slot)

    def cast(self, role: str, officer: Officer) -> None:
        if role == "part_timer":
            self.part_timer = officer
            # at work on the day of the handover
            officer.absences = [a for a in officer.absences if not _covers(a, self.cover_day)]
        else:
            self.colleague = officer
            officer.absences = [a for a in officer.absences if a[0] < self.sick_from and not _covers(a, self.sick_from)]
            officer.absences.append((self.sick_from, None, "long_term_sickness", 1.0))

    def covers(self, team, officer: Officer, day: dt.date) -> bool:
        """Hand the colleague's two oldest cases to the part-timer; the rest go as usual."""
        if officer is not self.colleague or day != self.cover_day:
            return False
        held = sorted(team.holding[officer.officer_id].values(), key=lambda c: (c.opened_on, c.case_id))
        for case, days in zip(held[:2], STALLED_DAYS, strict=False):
            case.closed_on = None
            case.progress_until = self.as_of - dt.timedelta(days=days)
            case.reviews_until = day
            team.assign(case, self.part_timer, day, "absence_cover")
            self.stalled.append(case)
        team.hand_over(officer, day, "absence_cover")
        return True

    def shape_exhibits(self, exhibits: dict[str, list[dict]], ids, examiners) -> None:
        """The later-stalled case waits on a phone that was triaged but never downloaded."""
        if len(self.stalled) < 2:
            return
        case = self.stalled[1]
        submitted = weekday_on_or_after(self.as_of - dt.timedelta(days=DELAYED_DOWNLOAD_DAYS))
        for exhibit in exhibits[case.case_id]:  # earlier devices were all examined
            if exhibit["examined_on"] is None and exhibit["withdrawn_on"] is None:
                exhibit["withdrawn_on"] = max(d for d in _stage_dates(exhibit) if d)
        exhibits[case.case_id].append(
            {
                "exhibit_id": ids.next_exhibit(),
                "case_id": case.case_id,
                "device_type": "phone",
                "priority": "standard",
                "submitted_on": submitted,
                "triaged_on": submitted + dt.timedelta(days=6),
                "download_started_on": None,
                "download_completed_on": None,
                "examined_on": None,
                "withdrawn_on": None,
                "examiner_id": None,
            }
        )


def _covers(absence, day: dt.date) -> bool:
    first, last, _, _ = absence
    return first <= day and (last is None or last >= day)


def _stage_dates(exhibit: dict) -> list:
    return [exhibit[k] for k in ("submitted_on", "triaged_on", "download_started_on", "download_completed_on")]
