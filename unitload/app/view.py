"""The view a run shows: the review month's day and the unit and team scope the sidebar chose (`Filters`).

Below both the run (which holds the view once the sidebar is drawn) and the sidebar (which makes it), so that
neither needs the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices, shared by every page: the as-of day and the unit and team scope."""

    as_of: dt.date
    units: list[str] | None  # None: every unit
    teams: list[str] | None  # None: every team

    @property
    def params(self) -> dict[str, object]:
        """The named queries' parameters for these choices."""
        return {"as_of": self.as_of, "units": self.units, "teams": self.teams}

    @property
    def scope(self) -> str:
        if self.teams:
            return ", ".join(self.teams)
        return ", ".join(self.units) if self.units else "all units"
