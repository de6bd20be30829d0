"""Staffing scenarios: changes to hours, absences, posts, case holders and forensic capacity.

A scenario is a list of changes applied on top of an extract. It serialises to a short text of ids,
codes, numbers and dates only (no names, no free text), so it can live in a link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from unitload.schema import ABSENCE_KINDS, OFFICER_ROLES

SEP_CHANGE, SEP_FIELD, SEP_LIST = "~", ".", ","


class ScenarioError(ValueError):
    """A scenario text or change that cannot be used; the message says which part."""


@dataclass(frozen=True)
class Hours:
    """An officer's contracted hours change from a day (part-time to full-time and back)."""

    officer_id: str
    hours: float
    from_day: dt.date
    code = "hours"

    def describe(self) -> str:
        return f"{self.officer_id} works {self.hours:g} hours a week from {self.from_day:%d %b %Y}"


@dataclass(frozen=True)
class Absence:
    """A new absence: long-term leave from a day, optionally ending (last_day inclusive)."""

    officer_id: str
    first_day: dt.date
    last_day: dt.date | None
    kind: str = "long_term_sickness"
    reduction: float = 1.0
    code = "absence"

    def describe(self) -> str:
        until = f"to {self.last_day:%d %b %Y}" if self.last_day else "with no end date"
        return f"{self.officer_id} absent ({self.kind.replace('_', ' ')}) from {self.first_day:%d %b %Y} {until}"


@dataclass(frozen=True)
class Leaver:
    """An officer leaves the unit: left_on is their first day out of post."""

    officer_id: str
    left_on: dt.date
    code = "leaver"

    def describe(self) -> str:
        return f"{self.officer_id} leaves on {self.left_on:%d %b %Y}"


@dataclass(frozen=True)
class NewPost:
    """A hypothetical post, filled from a day."""

    post_id: str
    role: str
    team: str
    hours: float
    start: dt.date
    code = "post"

    def describe(self) -> str:
        return f"new {self.role} post {self.post_id} in {self.team}, {self.hours:g} hours, from {self.start:%d %b %Y}"


@dataclass(frozen=True)
class Move:
    """Named cases move to another officer in charge on a day."""

    case_ids: tuple[str, ...]
    to_officer: str
    on_day: dt.date
    code = "move"

    def describe(self) -> str:
        return f"{', '.join(self.case_ids)} to {self.to_officer} on {self.on_day:%d %b %Y}"


@dataclass(frozen=True)
class Rebalance:
    """Propose the fewest moves so that nobody is above a target load percentage."""

    target_pct: float
    on_day: dt.date
    code = "rebalance"

    def describe(self) -> str:
        return f"propose moves so nobody is above {self.target_pct:g} % from {self.on_day:%d %b %Y}"


@dataclass(frozen=True)
class Examiners:
    """Forensic capacity: add (or remove, negative) examiner FTE, or set downloads per examiner a week."""

    delta_fte: float = 0.0
    per_examiner_week: float | None = None
    code = "examiners"

    def describe(self) -> str:
        parts = []
        if self.delta_fte:
            parts.append(f"{self.delta_fte:+g} examiner FTE")
        if self.per_examiner_week is not None:
            parts.append(f"{self.per_examiner_week:g} items per examiner a week")
        return "forensic capacity: " + (", ".join(parts) or "unchanged")


Change = Hours | Absence | Leaver | NewPost | Move | Rebalance | Examiners
KINDS = {k.code: k for k in (Hours, Absence, Leaver, NewPost, Move, Rebalance, Examiners)}


@dataclass(frozen=True)
class Scenario:
    changes: tuple[Change, ...] = field(default=())

    def add(self, change: Change) -> Scenario:
        _check(change)
        return Scenario((*self.changes, change))

    def without(self, index: int) -> Scenario:
        return Scenario(tuple(c for i, c in enumerate(self.changes) if i != index))

    def of(self, kind: type) -> list:
        return [c for c in self.changes if isinstance(c, kind)]

    def serialise(self) -> str:
        return SEP_CHANGE.join(_serialise(c) for c in self.changes)

    @classmethod
    def parse(cls, text: str | None) -> Scenario:
        if not text:
            return cls()
        return cls(tuple(_parse(part) for part in text.split(SEP_CHANGE)))


def _value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return SEP_LIST.join(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _serialise(change: Change) -> str:
    """code.field.field...: numbers write their point as "p", so "." only ever separates fields."""
    values = [_value(getattr(change, name)) for name in change.__dataclass_fields__]
    return SEP_FIELD.join([change.code, *(v.replace(".", "p") if _is_number(v) else v for v in values)])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse(part: str) -> Change:
    code, *values = part.split(SEP_FIELD)
    kind = KINDS.get(code)
    if kind is None:
        raise ScenarioError(f"unknown change {code!r}")
    names = list(kind.__dataclass_fields__)
    if len(values) != len(names):
        raise ScenarioError(f"{code}: expected {len(names)} fields, got {len(values)}")
    try:
        args = {name: _convert(kind, name, value) for name, value in zip(names, values, strict=True)}
        change = kind(**args)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"{code}: {exc}") from None
    _check(change)
    return change


def _convert(kind, name: str, text: str):
    annotation = str(kind.__dataclass_fields__[name].type)
    if text == "":
        if "None" in annotation:
            return None
        raise ValueError(f"{name} is missing")
    if "date" in annotation:
        return dt.date.fromisoformat(text)
    if "tuple" in annotation:
        return tuple(t for t in text.split(SEP_LIST) if t)
    if "float" in annotation:
        return float(text.replace("p", "."))
    return text


def _check(change: Change) -> None:
    """Rules each change must keep, so a link can never carry nonsense into the model."""
    if isinstance(change, Hours | NewPost) and not 0 < change.hours <= 60:
        raise ScenarioError(f"{change.code}: hours must be above 0 and at most 60")
    if isinstance(change, Absence):
        if change.kind not in ABSENCE_KINDS:
            raise ScenarioError(f"absence: unknown kind {change.kind!r}")
        if not 0 < change.reduction <= 1:
            raise ScenarioError("absence: reduction must be above 0 and at most 1")
        if change.last_day and change.last_day < change.first_day:
            raise ScenarioError("absence: last day before first day")
    if isinstance(change, NewPost) and change.role not in OFFICER_ROLES:
        raise ScenarioError(f"post: unknown role {change.role!r}")
    if isinstance(change, Move) and not change.case_ids:
        raise ScenarioError("move: no cases named")
    if isinstance(change, Rebalance) and not 0 < change.target_pct <= 500:
        raise ScenarioError("rebalance: target must be above 0 and at most 500 %")
    if isinstance(change, Examiners) and change.per_examiner_week is not None and change.per_examiner_week < 0:
        raise ScenarioError("examiners: items per examiner a week cannot be negative")
    ids = [getattr(change, n) for n in ("officer_id", "post_id", "to_officer", "team") if hasattr(change, n)]
    ids += list(getattr(change, "case_ids", ()))
    for value in ids:
        if not value or not all(ch.isalnum() or ch in "-_" for ch in value):
            raise ScenarioError(f"{change.code}: {value!r} is not an id")
