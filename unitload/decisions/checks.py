"""The refusals of DATA_CONTRACT.md section 6: a decision is checked against the extract on the day it was decided,
and refused with one reason naming its field; nothing is written then.

The source given is the one the decider sees: the dashboard passes the user's scoped views, so an item, owner or
officer outside their scope is not found there (the role and scope checks run on the server for every write).
"""

from __future__ import annotations

# SQL here is fixed text; every value is a bound parameter.
import datetime as dt
import re
from dataclasses import dataclass

from unitload.decisions.actions import BY_NAME, for_item
from unitload.extract.db import Source
from unitload.output.plain import CONTROL

NOTE_CHARACTERS = 500


class DecisionError(ValueError):
    """A decision that cannot be recorded: `field` (item, action, to, owner, on, due, by, note) and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"--{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class Decision:
    """A decision as asked for, before it is checked and recorded."""

    item: str  # officer or case
    item_id: str  # the officer's or the case's id
    action: str
    owner_id: str
    decided_on: dt.date
    due_on: dt.date
    decided_by: str
    to_officer: str | None = None
    note: str | None = None


def parse_item(text: str) -> tuple[str, str]:
    """`case:C000836` or `officer:P1019` as (item, id)."""
    kind, sep, key = (text or "").partition(":")
    if not sep or kind not in ("case", "officer") or not key.strip():
        raise DecisionError("item", f"{text!r} is not case:CASE_ID or officer:OFFICER_ID")
    return kind, key.strip()


def check(source: Source, decision: Decision, as_of: dt.date) -> None:
    """Raise DecisionError for the first rule `decision` breaks (the order of the contract's list)."""
    on = decision.decided_on
    if not decision.decided_by or not decision.decided_by.strip():
        raise DecisionError("by", "who decided is needed")
    if on > as_of:
        raise DecisionError("on", f"{on} is after the extract's as-of day {as_of}")
    if decision.item == "case":
        found = _one(source, "select opened_on, closed_on from cases where case_id = $id", decision.item_id)
        if found is None:
            raise DecisionError("item", f"no case {decision.item_id} in the extract")
        opened, closed = found
        if not (opened <= on and (closed is None or closed > on)):
            raise DecisionError("item", f"case {decision.item_id} is not open on {on}")
    elif not _in_post(source, decision.item_id, on):
        known = _one(source, "select officer_id from officers where officer_id = $id", decision.item_id)
        raise DecisionError(
            "item", f"officer {decision.item_id} is not in post on {on}" if known else f"no officer {decision.item_id}"
        )
    action = BY_NAME.get(decision.action)
    if action is None:
        raise DecisionError("action", f"{decision.action!r} is not an action ({', '.join(BY_NAME)})")
    if action not in for_item(decision.item):
        raise DecisionError(
            "action", f"{decision.action} is for {'an officer' if action.item == 'officer' else 'a case'}"
        )
    if decision.action == "reallocate":
        _check_reallocation(source, decision)
    elif decision.to_officer:
        raise DecisionError("to", "only reallocate takes an officer to reallocate to")
    if not _in_post(source, decision.owner_id, on):
        raise DecisionError("owner", f"{decision.owner_id} is not an officer in post on {on}")
    if decision.due_on < on:
        raise DecisionError("due", f"{decision.due_on} is before the day decided, {on}")
    note = decision.note or ""
    if len(note) > NOTE_CHARACTERS:
        raise DecisionError("note", f"{len(note):,} characters; at most {NOTE_CHARACTERS}")
    if re.search(CONTROL, note):
        raise DecisionError("note", "holds a control character or a line break; write it on one line")


def _check_reallocation(source: Source, decision: Decision) -> None:
    on, to = decision.decided_on, decision.to_officer
    if not to:
        raise DecisionError("to", "reallocate needs the officer to reallocate to")
    holder = _one(
        source,
        "select officer_id from assignments where case_id = $id and assigned_from <= $on "
        "and (assigned_to is null or assigned_to > $on)",
        decision.item_id,
        on=on,
    )
    if holder is not None and holder[0] == to:
        raise DecisionError("to", f"{to} is already the officer in charge of {decision.item_id} on {on}")
    if not _in_post(source, to, on):
        raise DecisionError("to", f"{to} is not an officer in post on {on}")


def _in_post(source: Source, officer_id: str, on: dt.date) -> bool:
    sql = "select 1 from officers where officer_id = $id and joined_on <= $on and (left_on is null or left_on > $on)"
    return _one(source, sql, officer_id, on=on) is not None


def _one(source: Source, sql: str, key: str, **values):
    cur = source.cursor()
    try:
        return cur.execute(sql, {"id": key, **values}).fetchone()
    finally:
        cur.close()
