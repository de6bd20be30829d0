"""A scenario written into an extract's tables, exactly as DATA_CONTRACT.md section 5 says each change edits
them, and nothing else. The scenario's figures are then the contract queries on the edited tables.

Every change is checked against the tables as the changes before it left them (an officer or case that
does not exist, a team with no officers, a new post's id already taken): a ScenarioError names the
change's index and field. Polars only: no database and no Streamlit here.
"""

from __future__ import annotations

import polars as pl

from unitload.extract.tables import frame
from unitload.planning.scenario import (
    AbsenceChange,
    ExaminersChange,
    HoursChange,
    LeaverChange,
    MoveCasesChange,
    NewPostChange,
    Scenario,
    ScenarioError,
)

EDITED = ("officers", "contracts", "absences", "assignments")  # the tables a change can edit
READ = ("cases",)  # read to check case ids


def apply(tables: dict[str, pl.DataFrame], scenario: Scenario) -> dict[str, pl.DataFrame]:
    """The tables with every change of `scenario` applied in order (`tables` holds EDITED and READ)."""
    for index, change in enumerate(scenario.changes, 1):
        tables = _APPLY[type(change)](tables, change, index)
    return tables


def _officer(tables: dict, officer_id: str, index: int, field: str = "officer_id") -> None:
    if tables["officers"].filter(pl.col("officer_id") == officer_id).is_empty():
        raise ScenarioError(f"no officer {officer_id!r} in the extract", index, field)


def _appended(table: pl.DataFrame, name: str, rows: list[dict]) -> pl.DataFrame:
    return pl.concat([table, frame(name, rows).select(table.columns).cast(table.schema)])


def _hours(tables: dict, change: HoursChange, index: int) -> dict:
    """Periods from `from` on are replaced by one period [from, null) of `hours`; one covering `from` ends there."""
    _officer(tables, change.officer_id, index)
    return tables | {"contracts": _new_period(tables["contracts"], change.officer_id, change.from_day, change.hours)}


def _new_period(contracts: pl.DataFrame, officer_id: str, day, hours: float) -> pl.DataFrame:
    mine = pl.col("officer_id") == officer_id
    kept = contracts.filter(~mine | (pl.col("valid_from") < day)).with_columns(
        valid_to=pl.when(mine & (pl.col("valid_to").is_null() | (pl.col("valid_to") > day)))
        .then(pl.lit(day))
        .otherwise(pl.col("valid_to"))
    )
    row = {"officer_id": officer_id, "valid_from": day, "valid_to": None, "contracted_hours": hours}
    return _appended(kept, "contracts", [row])


def _absence(tables: dict, change: AbsenceChange, index: int) -> dict:
    _officer(tables, change.officer_id, index)
    row = change.model_dump(include={"officer_id", "first_day", "last_day", "kind", "capacity_reduction"})
    return tables | {"absences": _appended(tables["absences"], "absences", [row])}


def _leaver(tables: dict, change: LeaverChange, index: int) -> dict:
    """left_on becomes the earlier of the existing value and this one; assignments are unchanged."""
    _officer(tables, change.officer_id, index)
    officers = tables["officers"].with_columns(
        left_on=pl.when(pl.col("officer_id") == change.officer_id)
        .then(pl.min_horizontal(pl.col("left_on"), pl.lit(change.left_on)))
        .otherwise(pl.col("left_on"))
    )
    return tables | {"officers": officers}


def _post(tables: dict, change: NewPostChange, index: int) -> dict:
    """One officers row (the unit of the team's other officers, rank other, no supervisor) and its contract."""
    officers = tables["officers"]
    if not officers.filter(pl.col("officer_id") == change.officer_id).is_empty():
        raise ScenarioError(
            f"officer {change.officer_id!r} already exists; a new post needs a new id", index, "officer_id"
        )
    units = officers.filter(pl.col("team") == change.team)["unit"].unique()
    if units.is_empty():
        raise ScenarioError(
            f"no officer of team {change.team!r} in the extract, so no unit for the post", index, "team"
        )
    row = {
        "officer_id": change.officer_id,
        "display_name": change.officer_id,
        "rank": "other",
        "role": change.role,
        "unit": units.sort()[0],
        "team": change.team,
        "supervisor_id": None,
        "joined_on": change.joined_on,
        "left_on": None,
    }
    contract = {"officer_id": change.officer_id, "valid_from": change.joined_on, "valid_to": None}
    return tables | {
        "officers": _appended(officers, "officers", [row]),
        "contracts": _appended(tables["contracts"], "contracts", [contract | {"contracted_hours": change.hours}]),
    }


def _move(tables: dict, change: MoveCasesChange, index: int) -> dict:
    """For each listed case open on `on`: its assignment covering `on` ends at `on`; a new one [on, null)."""
    _officer(tables, change.to_officer, index, "to_officer")
    cases = tables["cases"]
    known = set(cases.filter(pl.col("case_id").is_in(list(change.case_ids)))["case_id"])
    missing = [c for c in change.case_ids if c not in known]
    if missing:
        raise ScenarioError(f"no case {missing[0]!r} in the extract", index, "case_ids")
    on = change.on
    open_on = cases.filter(
        pl.col("case_id").is_in(list(change.case_ids))
        & (pl.col("opened_on") <= on)
        & (pl.col("closed_on").is_null() | (pl.col("closed_on") > on))
    )["case_id"]
    moved = pl.col("case_id").is_in(open_on.implode())
    covering = (
        moved & (pl.col("assigned_from") <= on) & (pl.col("assigned_to").is_null() | (pl.col("assigned_to") > on))
    )
    assignments = tables["assignments"].with_columns(
        assigned_to=pl.when(covering).then(pl.lit(on)).otherwise(pl.col("assigned_to"))
    )
    rows = [
        {
            "case_id": c,
            "officer_id": change.to_officer,
            "assigned_from": on,
            "assigned_to": None,
            "reason": change.reason,
        }
        for c in open_on
    ]
    return tables | {"assignments": _appended(assignments, "assignments", rows)}


def _examiners(tables: dict, change: ExaminersChange, index: int) -> dict:
    """Forensic examination capacity only: no table is edited (the forecast reads the change)."""
    return tables


_APPLY = {
    HoursChange: _hours,
    AbsenceChange: _absence,
    LeaverChange: _leaver,
    NewPostChange: _post,
    MoveCasesChange: _move,
    ExaminersChange: _examiners,
}
