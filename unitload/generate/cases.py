"""Synthetic casework of one team: cases, officer-in-charge history, actions and exhibits."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from unitload.generate.staff import LONG_ABSENCES, Officer, weekday_on_or_after

DAY = dt.timedelta(days=1)
RISKS = ("very_high", "high", "medium", "low")


class Weights:
    """numpy's `Generator.choice(n, p=p)` for one draw, made the way numpy makes it (one uniform draw, looked up
    in the normalised cumulative probabilities) but without its per-call checks: the same stream, so the same
    extract for a seed, in about a sixteenth of the time (the generator makes millions of such draws)."""

    def __init__(self, p: tuple[float, ...]):
        cdf = np.cumsum(np.asarray(p, dtype=float))
        self.cdf = (cdf / cdf[-1]).tolist()

    def draw(self, rng: np.random.Generator) -> int:
        return bisect_right(self.cdf, rng.random())


RISK_P = Weights((0.10, 0.30, 0.40, 0.20))
COMPLEXITY_P = Weights((0.7, 0.25, 0.05))  # complexity 1, 2, 3
RISK_WEIGHT = {"very_high": 2.0, "high": 1.5, "medium": 1.0, "low": 0.5}
COMPLEXITY_FACTOR = {1: 1.0, 2: 1.5, 3: 2.0}
FIRST_ACTION_DAYS = {"very_high": 1, "high": 7, "medium": 14, "low": 30}
MEAN_GAP = {"very_high": 4.0, "high": 9.0, "medium": 16.0, "low": 25.0}
GAP_GROWTH = {"very_high": 0.0, "high": 0.2, "medium": 0.6, "low": 1.5}  # per year of case age
PROGRESSING = ("enquiry", "enquiry", "enquiry", "interview", "arrest", "search", "safeguarding", "file_to_cps")
OFFENCES = (
    "IIOC possession",
    "IIOC distribution",
    "online grooming",
    "sexual communication with a child",
    "sextortion",
    "live-streamed abuse",
    "NCMEC referral",
    "indecent images: making",
)
DEVICES = ("phone", "computer", "tablet", "storage", "cloud_account", "other")
PRIORITIES = ("urgent", "high", "standard", "low")
# share of each priority examined within 3 months and over 12 months (overall about 60 % and 1 %)
FAST_SHARE = {"urgent": 0.90, "high": 0.75, "standard": 0.55, "low": 0.40}
SLOW_SHARE = {"urgent": 0.0, "high": 0.005, "standard": 0.012, "low": 0.025}


DEVICE_P = Weights((0.52, 0.18, 0.10, 0.14, 0.04, 0.02))
PRIORITY_P = Weights((0.10, 0.25, 0.50, 0.15))


@dataclass
class Case:
    case_id: str
    case_ref: str
    unit: str
    team: str
    opened_on: dt.date
    closed_on: dt.date | None
    offence_type: str
    risk_grade: str
    complexity: int
    weight: float | None
    # (officer_id, assigned_from, assigned_to, reason)
    oics: list[list] = field(default_factory=list)
    allocation_delay: int = 0  # days before the sergeant allocates it
    progress_until: dt.date | None = None  # scripted: no progressing action after this day
    reviews_until: dt.date | None = None

    @property
    def load(self) -> float:
        return self.weight or RISK_WEIGHT[self.risk_grade] * COMPLEXITY_FACTOR[self.complexity]

    def row(self) -> dict:
        keys = (
            "case_id",
            "case_ref",
            "unit",
            "opened_on",
            "closed_on",
            "offence_type",
            "risk_grade",
            "complexity",
            "weight",
        )
        return {k: getattr(self, k) for k in keys}


@dataclass
class Ids:
    """Running counters so that ids are unique across teams and batches (and, by `prefix`, across the forces of
    a region, each made by a process of its own)."""

    prefix: str = ""
    case: int = 0
    action: int = 0
    exhibit: int = 0

    def next_case(self) -> str:
        self.case += 1
        return f"{self.prefix}C{self.case:06d}"

    def case_ref(self, opened_on: dt.date) -> str:
        """The records system's reference of the case just numbered."""
        return f"{self.prefix}44PL{self.case:06d}{opened_on.year % 100:02d}"

    def next_action(self) -> str:
        self.action += 1
        return f"{self.prefix}A{self.action:08d}"

    def next_exhibit(self) -> str:
        self.exhibit += 1
        return f"{self.prefix}E{self.exhibit:07d}"


class Team:
    """Allocates a team's cases day by day, as a sergeant would, and reallocates on absence or leaving."""

    def __init__(self, rng, investigators: list[Officer], as_of: dt.date, favour: str | None = None):
        self.rng = rng
        self.investigators = investigators
        self.as_of = as_of
        self.favour = favour  # an officer the sergeant keeps treating as full-time
        self.holding: dict[str, dict[str, Case]] = {o.officer_id: {} for o in investigators}
        self.load: dict[str, float] = {o.officer_id: 0.0 for o in investigators}

    def available(self, day: dt.date, exclude: str | None = None) -> list[Officer]:
        return [o for o in self.investigators if o.in_post(day) and not o.absent(day) and o.officer_id != exclude]

    def pick(self, day: dt.date, exclude: str | None = None) -> Officer | None:
        """The officer with the lowest load, judged mostly on case counts rather than hours."""
        candidates = self.available(day, exclude)
        if not candidates:
            return None

        def score(o: Officer) -> float:
            load = self.load[o.officer_id]
            fte = o.hours(day) / 40.0 or 1.0
            # hours are only partly allowed for, and the favoured part-timer is treated as more than full-time
            seen = 1.2 if o.officer_id == self.favour else fte**0.35
            return load / seen + self.rng.normal(0, 0.8)

        return min(candidates, key=score)

    def assign(self, case: Case, officer: Officer, day: dt.date, reason: str) -> None:
        if case.oics and case.oics[-1][2] is None:
            case.oics[-1][2] = day
            self._release(case)
        case.oics.append([officer.officer_id, day, None, reason])
        self.holding[officer.officer_id][case.case_id] = case
        self.load[officer.officer_id] += case.load

    def close(self, case: Case) -> None:
        if case.oics:
            self._release(case)

    def _release(self, case: Case) -> None:
        officer_id = case.oics[-1][0]
        if self.holding[officer_id].pop(case.case_id, None) is not None:
            self.load[officer_id] -= case.load

    def hand_over(self, officer: Officer, day: dt.date, reason: str, keep: set[str] = frozenset()) -> None:
        for case in sorted(self.holding[officer.officer_id].values(), key=lambda c: c.case_id):
            if case.case_id in keep:
                continue
            target = self.pick(day, exclude=officer.officer_id)
            if target is not None:
                self.assign(case, target, day, reason)


def simulate_team(rng, team: Team, cases: list[Case], start: dt.date, scripted=None) -> None:
    """Walk the days of the history: close, reallocate for leavers and long absences, allocate new cases."""
    closing: dict[dt.date, list[Case]] = {}
    opening: dict[dt.date, list[Case]] = {}
    for case in cases:
        opening.setdefault(case.opened_on, []).append(case)
        if case.closed_on:
            closing.setdefault(case.closed_on, []).append(case)
    leaving = {}
    covering = {}
    for officer in team.investigators:
        if officer.left_on:
            leaving.setdefault(officer.left_on, []).append(officer)
        for first, _, kind, _ in officer.absences:
            if kind in LONG_ABSENCES:
                covering.setdefault(weekday_on_or_after(first + dt.timedelta(days=28)), []).append(officer)
    waiting: list[Case] = []
    day = start
    while day <= team.as_of:
        for case in closing.get(day, []):
            if case.closed_on == day:  # a scripted case may have been kept open since
                team.close(case)
        for officer in leaving.get(day, []):
            team.hand_over(officer, day, "reallocation")
        for officer in covering.get(day, []):
            if scripted and scripted.covers(team, officer, day):
                continue
            if officer.absent(day):
                team.hand_over(officer, day, "absence_cover")
        waiting += opening.get(day, [])
        still = []
        for case in waiting:
            due = (day - case.opened_on).days >= case.allocation_delay
            target = team.pick(day) if day.weekday() < 5 and due else None
            if target is None or (case.closed_on and case.closed_on <= day):
                if not (case.closed_on and case.closed_on <= day):
                    still.append(case)
                continue
            team.assign(case, target, day, "new")
        waiting = still
        day += DAY


def case_actions(rng, ids: Ids, case: Case, officers: dict[str, Officer], supervisor: str, as_of: dt.date):
    """Progressing actions with gaps that depend on risk and grow with age, reviews, updates and notes."""
    rows = []
    end = min(case.closed_on - DAY if case.closed_on else as_of, as_of)
    clock = FIRST_ACTION_DAYS[case.risk_grade]
    first = case.opened_on + dt.timedelta(
        days=int(rng.integers(0, clock + 1) if rng.random() < 0.88 else rng.integers(clock + 1, clock * 3 + 5))
    )
    day = first
    while day <= end:
        oic = oic_on(case, day)
        if oic and not officers[oic].absent(day) and (case.progress_until is None or day <= case.progress_until):
            kind = PROGRESSING[rng.integers(len(PROGRESSING))] if day != first else "enquiry"
            rows.append(_action(ids, case, oic, day if case.risk_grade == "very_high" else _weekday(day), kind))
        age_years = (day - case.opened_on).days / 365.0
        mean = MEAN_GAP[case.risk_grade] * (1 + GAP_GROWTH[case.risk_grade] * age_years)
        day += dt.timedelta(days=max(1, int(rng.exponential(mean))))
    if case.progress_until and case.opened_on <= case.progress_until <= end:
        # the scripted last progress: the officer in charge's last enquiry before the case stalls
        stalled_on = case.progress_until - dt.timedelta(days=max(0, case.progress_until.weekday() - 4))
        rows.append(_action(ids, case, oic_on(case, stalled_on), stalled_on, "enquiry"))
    review = case.opened_on + dt.timedelta(days=int(rng.integers(7, 30)))
    while review <= end and (case.reviews_until is None or review <= case.reviews_until):
        rows.append(_action(ids, case, supervisor, _weekday(review), "supervisory_review"))
        lapse = rng.random() < 0.12
        review += dt.timedelta(days=int(rng.gamma(9.0, 3.5)) + (int(rng.integers(30, 90)) if lapse else 0))
    for _ in range(rng.poisson(0.5 + (end - case.opened_on).days / 180)):
        day = case.opened_on + dt.timedelta(days=int(rng.integers(0, max(1, (end - case.opened_on).days + 1))))
        oic = oic_on(case, day)
        if oic:
            rows.append(_action(ids, case, oic, _weekday(day), "victim_update" if rng.random() < 0.6 else "admin_note"))
    return [r for r in rows if r["action_on"] <= end]


def case_exhibits(rng, ids: Ids, case: Case, examiners: list[Officer], as_of: dt.date):
    """Seized devices and their way through triage, download and examination."""
    rows = []
    if rng.random() > 0.62:
        return rows
    for _ in range(1 + rng.poisson(3.9)):
        submitted = _weekday(case.opened_on + dt.timedelta(days=int(rng.exponential(8))))
        priority = PRIORITIES[PRIORITY_P.draw(rng)]
        roll = rng.random()
        if roll < FAST_SHARE[priority]:
            total = int(rng.integers(3, 91))
        elif roll < 1 - SLOW_SHARE[priority]:
            total = int(rng.integers(91, 366))
        else:
            total = int(rng.integers(366, 560))
        triage = min(total, int(rng.exponential(3)))
        started = max(triage, int(total * rng.uniform(0.5, 0.85)))
        completed = min(total, started + int(rng.integers(0, 4)))
        stages = [submitted + dt.timedelta(days=d) for d in (triage, started, completed, total)]
        withdrawn = None
        if rng.random() < 0.03:
            cut = int(rng.integers(1, 4))
            withdrawn = stages[cut - 1] + dt.timedelta(days=int(rng.integers(1, 20)))
            stages = stages[:cut] + [None] * (4 - cut)
        stages = [d if d and d <= as_of else None for d in stages]
        if withdrawn and withdrawn > as_of:
            withdrawn = None
        examiner = None
        if stages[1]:
            in_post = [e for e in examiners if e.in_post(stages[1])] or examiners
            examiner = in_post[rng.integers(len(in_post))].officer_id
        rows.append(
            {
                "exhibit_id": ids.next_exhibit(),
                "case_id": case.case_id,
                "device_type": DEVICES[DEVICE_P.draw(rng)],
                "priority": priority,
                "submitted_on": submitted,
                "triaged_on": stages[0],
                "download_started_on": stages[1],
                "download_completed_on": stages[2],
                "examined_on": stages[3],
                "withdrawn_on": withdrawn,
                "examiner_id": examiner,
            }
        )
    return [r for r in rows if r["submitted_on"] <= as_of]


def oic_on(case: Case, day: dt.date) -> str | None:
    for officer_id, start, end, _ in case.oics:
        if start <= day and (end is None or end > day):
            return officer_id
    return None


def _weekday(day: dt.date) -> dt.date:
    """Work done at a weekend lands on the Monday after."""
    return weekday_on_or_after(day)


def _action(ids: Ids, case: Case, officer_id: str, day: dt.date, kind: str) -> dict:
    return {
        "action_id": ids.next_action(),
        "case_id": case.case_id,
        "officer_id": officer_id,
        "action_on": day,
        "action_type": kind,
    }
