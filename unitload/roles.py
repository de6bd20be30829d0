"""The access roles: one row each, with the pages it opens, whether it sees names and its row scope.

A user's role comes from their identity's claims through the settings' `[access]` mapping; a user
whose groups map to several takes the first in this table. Officer roles (investigator, supervisor,
...) are another thing: `unitload.schema.OFFICER_ROLES`.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_PAGES = frozenset(
    {
        "overview.py",
        "decisions.py",
        "workload.py",
        "cases.py",
        "forensics.py",
        "supervision.py",
        "planner.py",
        "data_definitions.py",
    }
)


@dataclass(frozen=True)
class AccessRole:
    name: str
    pages: frozenset[str]  # the page files of dashboard.py it opens
    names: bool  # officers' names may be shown
    leads: str | None = None  # None: every unit and team; "teams" or "one team": those of the identity's claim


# Supervision and welfare (wellbeing assessments) is for line management; staffing scenarios for planners.
ACCESS_ROLE_TABLE: tuple[AccessRole, ...] = (
    AccessRole("superintendent", ALL_PAGES, names=True),
    AccessRole("inspector", ALL_PAGES - {"planner.py"}, names=True, leads="teams"),
    AccessRole("sergeant", ALL_PAGES - {"planner.py"}, names=True, leads="one team"),
    AccessRole("planner", ALL_PAGES - {"supervision.py", "cases.py"}, names=False),
    AccessRole("analyst", ALL_PAGES - {"supervision.py", "planner.py"}, names=False),
)
ACCESS_ROLES = tuple(r.name for r in ACCESS_ROLE_TABLE)  # most to least widely seeing
BY_NAME = {r.name: r for r in ACCESS_ROLE_TABLE}
