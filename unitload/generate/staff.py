"""Synthetic staff: officers, contracts and absences of one team over the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

FIRST = (
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Priya",
    "Tom",
    "Aisha",
    "Mark",
    "Kate",
    "Dan",
    "Ruth",
    "Imran",
    "Lucy",
    "Owen",
    "Nadia",
    "Gareth",
    "Helen",
    "Ravi",
    "Claire",
    "Simon",
    "Zara",
    "Paul",
    "Megan",
    "Karl",
    "Fiona",
)
LAST = (
    "Walker",
    "Shah",
    "Evans",
    "Hughes",
    "Patel",
    "Morgan",
    "Clarke",
    "Khan",
    "Lewis",
    "Reid",
    "Price",
    "Ahmed",
    "Turner",
    "Jones",
    "Bell",
    "Ward",
    "Davies",
    "Hussain",
    "Wood",
    "Kaur",
    "Bennett",
    "Ellis",
)
PART_TIME_HOURS = (16, 20, 24, 28, 30, 32)
FULL_TIME = 40.0
LONG_ABSENCES = ("long_term_sickness", "parental", "secondment")


@dataclass
class Officer:
    officer_id: str
    display_name: str
    rank: str
    role: str
    unit: str
    team: str
    supervisor_id: str | None
    joined_on: dt.date
    left_on: dt.date | None = None
    contracts: list[tuple[dt.date, dt.date | None, float]] = field(default_factory=list)
    absences: list[tuple[dt.date, dt.date | None, str, float]] = field(default_factory=list)
    _absent_for: tuple[list, int] | None = field(default=None, init=False, repr=False, compare=False)
    _absent_days: tuple[frozenset[int], dt.date | None] = field(
        default=(frozenset(), None), init=False, repr=False, compare=False
    )

    def in_post(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)

    def hours(self, day: dt.date) -> float:
        for start, end, hours in self.contracts:
            if start <= day and (end is None or end > day):
                return hours
        return 0.0

    def absent(self, day: dt.date) -> bool:
        """A full-day absence covers the day (closed interval)."""
        # the simulation asks for each officer on each day: the days are made once for the list as it stands
        # (it is replaced or added to, never edited in place; holding it keeps its identity from being reused)
        if (
            self._absent_for is None
            or self._absent_for[0] is not self.absences
            or self._absent_for[1] != len(self.absences)
        ):
            days, open_from = set(), None
            for first, last, _, reduction in self.absences:
                if reduction >= 1.0 and last is None:
                    open_from = first if open_from is None else min(open_from, first)
                elif reduction >= 1.0:
                    days.update(range(first.toordinal(), last.toordinal() + 1))
            self._absent_days = (frozenset(days), open_from)
            self._absent_for = (self.absences, len(self.absences))
        days, open_from = self._absent_days
        return day.toordinal() in days or (open_from is not None and day >= open_from)

    def row(self) -> dict:
        keys = ("officer_id", "display_name", "rank", "role", "unit", "team", "supervisor_id", "joined_on", "left_on")
        return {k: getattr(self, k) for k in keys}


class Names:
    """Unique fictional names, drawn without repeats while the combinations last."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.used: set[str] = set()

    def draw(self) -> str:
        for _ in range(50):
            name = f"{FIRST[self.rng.integers(len(FIRST))]} {LAST[self.rng.integers(len(LAST))]}"
            if name not in self.used:
                break
        self.used.add(name)
        return name


def weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def add_routine_absences(officer: Officer, rng: np.random.Generator, start: dt.date, end: dt.date) -> None:
    """Annual leave in blocks (some over a weekend), short sickness spells and training days."""
    first = max(start, officer.joined_on)
    last = min(end + dt.timedelta(days=120), officer.left_on or end + dt.timedelta(days=120))
    year = first.year
    while dt.date(year, 1, 1) <= last:
        # about 25 days of leave a year in blocks of 10, 5, 4, 3 and 2 working days
        for days in (10, 5, 4, 3, 2, 1):
            day = weekday_on_or_after(dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 360))))
            if rng.random() < 0.25:  # a long weekend: Friday to Monday
                day = day - dt.timedelta(days=day.weekday()) + dt.timedelta(days=4)
                block_end = day + dt.timedelta(days=3)
            else:
                block_end = day + dt.timedelta(days=days + 2 * ((day.weekday() + days - 1) // 5) - 1)
            officer.absences.append((day, block_end, "annual_leave", 1.0))
        for _ in range(rng.poisson(2.0)):
            day = weekday_on_or_after(dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 360))))
            officer.absences.append((day, day + dt.timedelta(days=int(rng.integers(0, 5))), "sickness", 1.0))
        for _ in range(rng.poisson(1.0)):
            day = weekday_on_or_after(dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 360))))
            officer.absences.append((day, day + dt.timedelta(days=int(rng.integers(0, 2))), "training", 1.0))
        year += 1
    # keep only absences inside the time in post and not in the future beyond booked leave
    officer.absences = sorted(
        a
        for a in officer.absences
        if a[0] >= first and a[0] <= last and (officer.left_on is None or a[0] < officer.left_on)
    )


def contract_history(rng: np.random.Generator, joined: dt.date, left: dt.date | None, part_time: bool):
    """One contract, or a change from full-time to part-time (or back) at a month's middle."""
    if not part_time:
        return [(joined, None if left is None else left, FULL_TIME)]
    hours = float(PART_TIME_HOURS[rng.integers(len(PART_TIME_HOURS))])
    span = ((left or joined + dt.timedelta(days=3000)) - joined).days
    if span > 400 and rng.random() < 0.6:
        change = joined + dt.timedelta(days=int(rng.integers(120, span - 200)))
        change = change.replace(day=15)  # a change in the middle of a month
        return [(joined, change, FULL_TIME), (change, None if left is None else left, hours)]
    return [(joined, None if left is None else left, hours)]
