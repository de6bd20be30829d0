"""The actions a decision may take (DATA_CONTRACT.md section 6), the item each is for, and what makes it done."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    name: str
    item: str  # case, officer or either
    label: str  # in a form's list
    done_when: str  # in words, for the definitions and the forms' help


ACTIONS = (
    Action("reallocate", "case", "Reallocate to another officer", "the case is assigned to that officer"),
    Action("progress", "case", "Progress the case", "a progressing action is recorded on the case"),
    Action("review", "case", "Review the case (supervisory review)", "a supervisory review is recorded"),
    Action("close", "case", "Close the case", "the case is closed"),
    Action("welfare_contact", "officer", "Make a welfare contact", "a welfare check is recorded"),
    Action("supervise", "officer", "Hold a monthly supervision", "a monthly supervision is recorded"),
    Action("action_plan", "officer", "Open an action plan", "an action plan is opened"),
    Action(
        "reduce_load", "officer", "Reduce the officer's load", "the officer is not overloaded, or holds no open case"
    ),
    Action("accept", "either", "Accept for now (review by the date)", "never: accepted until the review date"),
)
BY_NAME = {a.name: a for a in ACTIONS}
STATUSES = ("done", "open", "overdue", "accepted", "review_due")


def for_item(item: str) -> tuple[Action, ...]:
    """The actions a case or an officer may be decided on."""
    return tuple(a for a in ACTIONS if a.item in (item, "either"))
