"""Staffing scenarios in the one form of DATA_CONTRACT.md section 5: `{"name": str, "changes": [...]}`.

Each change names its kind in a field `change` (the contract's table heads that column "change";
`type` is read as the same) and carries the fields the contract lists. The planner's link, its forms
and `unitload plan` all read and write this form; `unitload.planning.edits` applies it to an extract's tables.
A scenario holds only ids, codes, numbers and dates (and a short name), so it can live in a link.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from unitload.extract.schema import ASSIGNMENT_REASONS, OFFICER_ROLES
from unitload.settings import ABSENCE_KINDS

ID = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Hours_ = Annotated[float, Field(gt=0, le=60)]
MAX_CHANGES = 50  # a scenario a planner builds by hand; more is refused, not computed


class ScenarioError(ValueError):
    """A scenario that cannot be used: one line naming the change's index (from 1) and the field."""

    def __init__(self, message: str, index: int | None = None, field: str | None = None):
        where = ""
        if index is not None:
            where = f"change {index}" + (f", field {field}" if field else "") + ": "
        elif field:
            where = f"field {field}: "
        super().__init__(where + message)
        self.index, self.field = index, field


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    def to_json(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)

    @property
    def starts(self) -> dt.date:
        """The first day the change applies."""
        for name in ("from_day", "first_day", "left_on", "joined_on", "on"):
            if hasattr(self, name):
                return getattr(self, name)
        raise AttributeError(f"{type(self).__name__} has no first day")


class HoursChange(_Change):
    """An officer's contracted hours from a day: later periods replaced, a period covering the day ends there."""

    change: Literal["hours"] = "hours"
    officer_id: ID
    from_day: dt.date = Field(alias="from")
    hours: Hours_

    def describe(self) -> str:
        return f"{self.officer_id} works {self.hours:g} hours a week from {self.from_day:%d %b %Y}"


class AbsenceChange(_Change):
    """One absence row added (last_day inclusive; none: ongoing)."""

    change: Literal["absence"] = "absence"
    officer_id: ID
    first_day: dt.date
    last_day: dt.date | None = None
    kind: str
    capacity_reduction: float = Field(default=1.0, gt=0, le=1)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in ABSENCE_KINDS:
            raise ValueError(f"unknown absence kind {value!r}; expected one of {', '.join(ABSENCE_KINDS)}")
        return value

    @field_validator("last_day")
    @classmethod
    def _order(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        first = info.data.get("first_day")
        if value is not None and first is not None and value < first:
            raise ValueError(f"last_day {value} is before first_day {first}")
        return value

    def describe(self) -> str:
        until = f"to {self.last_day:%d %b %Y}" if self.last_day else "with no end date"
        share = "" if self.capacity_reduction == 1 else f", {self.capacity_reduction:.0%} of each day"
        return f"{self.officer_id} absent ({self.kind.replace('_', ' ')}{share}) from {self.first_day:%d %b %Y} {until}"


class LeaverChange(_Change):
    """An officer leaves: left_on (their first day out of post) becomes the earlier of the two."""

    change: Literal["leaver"] = "leaver"
    officer_id: ID
    left_on: dt.date

    def describe(self) -> str:
        return f"{self.officer_id} leaves on {self.left_on:%d %b %Y} (their cases stay with them until moved)"


class NewPostChange(_Change):
    """A new post: an officers row in the team's unit and a contract from joined_on."""

    change: Literal["new_post"] = "new_post"
    officer_id: ID
    team: ID
    role: str
    hours: Hours_
    joined_on: dt.date

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        if value not in OFFICER_ROLES:
            raise ValueError(f"unknown role {value!r}; expected one of {', '.join(OFFICER_ROLES)}")
        return value

    def describe(self) -> str:
        role = self.role.replace("_", " ")
        return f"new {role} post {self.officer_id} in {self.team}, {self.hours:g} hours, from {self.joined_on:%d %b %Y}"


class MoveCasesChange(_Change):
    """Cases open on a day move to another officer in charge from that day."""

    change: Literal["move_cases"] = "move_cases"
    case_ids: tuple[ID, ...] = Field(min_length=1, max_length=500)
    to_officer: ID
    on: dt.date
    reason: str = "reallocation"

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if value not in ASSIGNMENT_REASONS:
            raise ValueError(f"unknown reason {value!r}; expected one of {', '.join(ASSIGNMENT_REASONS)}")
        return value

    def describe(self) -> str:
        cases = ", ".join(self.case_ids)
        why = "" if self.reason == "reallocation" else f" ({self.reason.replace('_', ' ')})"
        return f"{cases} to {self.to_officer} on {self.on:%d %b %Y}{why}"


class ExaminersChange(_Change):
    """Forensic examination capacity from a day, in examiner FTE (negative removes); no table changes."""

    change: Literal["examiners"] = "examiners"
    fte: float = Field(ge=-50, le=50)
    from_day: dt.date = Field(alias="from")

    def describe(self) -> str:
        return f"{self.fte:+g} examiner FTE from {self.from_day:%d %b %Y}"


Change = Annotated[
    HoursChange | AbsenceChange | LeaverChange | NewPostChange | MoveCasesChange | ExaminersChange,
    Field(discriminator="change"),
]
KINDS = ("hours", "absence", "leaver", "new_post", "move_cases", "examiners")


class Scenario(BaseModel):
    """A name and a list of changes, applied in list order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="scenario", max_length=60, pattern=r"^[\w .,:()+'/-]*$")
    changes: tuple[Change, ...] = Field(default=(), max_length=MAX_CHANGES)

    def add(self, change) -> Scenario:
        return read({"name": self.name, "changes": [*self.json_changes(), change.to_json()]})

    def without(self, index: int) -> Scenario:
        return Scenario(name=self.name, changes=tuple(c for i, c in enumerate(self.changes) if i != index))

    def renamed(self, name: str) -> Scenario:
        return read({"name": name, "changes": self.json_changes()})

    def of(self, kind: type) -> list:
        return [c for c in self.changes if isinstance(c, kind)]

    def json_changes(self) -> list[dict]:
        return [c.to_json() for c in self.changes]

    def to_json(self) -> dict:
        return {"name": self.name, "changes": self.json_changes()}

    def text(self) -> str:
        """The scenario as compact JSON: what a link holds and what `unitload plan --scenario` reads."""
        return json.dumps(self.to_json(), separators=(",", ":"))


def read(data: object) -> Scenario:
    """A scenario from its JSON form (parsed); errors name the change's index (from 1) and field."""
    if not isinstance(data, dict):
        raise ScenarioError('a scenario is a JSON object {"name": ..., "changes": [...]}')
    changes = data.get("changes", [])
    if isinstance(changes, list):
        if len(changes) > MAX_CHANGES:
            raise ScenarioError(f"at most {MAX_CHANGES} changes, not {len(changes)}", field="changes")
        data = data | {"changes": [_kind_named(c, n) for n, c in enumerate(changes, 1)]}
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise _error(exc) from None


def parse(text: str | None) -> Scenario:
    """A scenario from its JSON text (a link's value or a file); empty text is no change."""
    if not text or not text.strip():
        return Scenario()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"not JSON ({exc.msg} at character {exc.pos})") from None
    except RecursionError:
        raise ScenarioError("nested too deeply to read") from None
    return read(data)


def _kind_named(change: object, index: int) -> object:
    """The change with its kind under `change` (`type` is read as the same); an unknown kind is an error."""
    if not isinstance(change, dict):
        raise ScenarioError("a change is a JSON object", index)
    kind = change.get("change", change.get("type"))
    if kind not in KINDS:
        raise ScenarioError(f"unknown change {kind!r}; expected one of {', '.join(KINDS)}", index, "change")
    return {k: v for k, v in change.items() if k != "type"} | {"change": kind}


def _error(exc: ValidationError) -> ScenarioError:
    first = exc.errors()[0]
    loc, message = list(first["loc"]), first["msg"].removeprefix("Value error, ")
    if len(loc) >= 2 and loc[0] == "changes" and isinstance(loc[1], int):
        rest = loc[3:] if len(loc) > 2 and loc[2] in KINDS else loc[2:]  # the union's tag, then the field
        return ScenarioError(message, loc[1] + 1, ".".join(str(p) for p in rest) or None)
    return ScenarioError(message, field=".".join(str(p) for p in loc) or None)
