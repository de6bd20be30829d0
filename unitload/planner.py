"""The staffing planner's model: a scenario applied to an extract, measured with the same named queries.

The changes rewrite copies of the staffing tables (officers, contracts, absences, assignments); the
copies stand in for the extract's in a schema of their own (Source.derive), and officer_load,
case_progress and the forensic flow run on it exactly as on the baseline. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

import polars as pl

from queries import run_query
from unitload.db import Source, ident
from unitload.forecast import MonteCarlo, monte_carlo
from unitload.scenario import Absence, Examiners, Hours, Leaver, Move, NewPost, Rebalance, Scenario
from unitload.tables import frame

STAFF_TABLES = ("officers", "contracts", "absences", "assignments")
REALLOCATION = "reallocation"


@dataclass(frozen=True)
class Proposed:
    """One move of the rebalancing, with why it was chosen."""

    case_id: str
    weight: float
    from_officer: str
    to_officer: str
    why: str


@dataclass(frozen=True)
class Outcome:
    """Baseline or scenario, measured on the evaluation day."""

    officers: pl.DataFrame  # officer_load rows of the caseholders
    moves: tuple[Proposed, ...]
    forecast: MonteCarlo
    examiner_fte: float

    @property
    def headline(self) -> dict[str, float | int | None]:
        o = self.officers
        capacity = o["capacity_points"].sum()
        return {
            "caseholders": o.height,
            "overloaded": int(o["overloaded"].sum()),
            "part_time_full_load": int(o["part_time_full_load"].sum()),
            "no_capacity_holding_cases": o.filter((pl.col("capacity_points") == 0) & (pl.col("open_cases") > 0)).height,
            "capacity_used_pct": 100 * o["weighted_load"].sum() / capacity if capacity else None,
        }


def evaluation_day(as_of: dt.date) -> dt.date:
    """The default day to measure a scenario on: the last day of the month after the as-of day's."""
    first_of_next = (as_of.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (first_of_next + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def evaluate(source: Source, scenario: Scenario, on: dt.date, *, runs: int = 10_000, horizon: int = 104) -> Outcome:
    """Measure the extract with the scenario's changes applied (an empty scenario is the baseline)."""
    tables = {name: _table(source, name) for name in STAFF_TABLES}
    for change in scenario.changes:
        tables = APPLY[type(change)](tables, change) if type(change) in APPLY else tables
    derived = _derive(source, scenario, tables)
    moves: tuple[Proposed, ...] = ()
    for rebalance in scenario.of(Rebalance):
        moves = tuple(rebalance_moves(derived, on, rebalance.target_pct))
        tables = _move(tables, [(m.case_id, m.to_officer) for m in moves], rebalance.on_day)
        derived = _derive(source, scenario, tables, suffix="r")
    officers = run_query(derived, "officer_load", as_of=on)
    officers = officers.filter(pl.col("caseholder"))
    forecast, fte = _forensic_forecast(source, scenario, runs, horizon)
    return Outcome(officers, moves, forecast, fte)


def rebalance_moves(source: Source, on: dt.date, target_pct: float) -> list[Proposed]:
    """The fewest moves, greedily, so that nobody is above target_pct on `on`.

    An officer above the target gives their heaviest case that someone can take; the taker is an
    investigator in post, not absent, with capacity, who stays at or below the target, from the same
    team when anyone there can, and otherwise the one with the most spare capacity. Holders with no
    capacity (long-term absent, or gone) count as above any target. Officers nobody can relieve are
    left as they are, so the maximum load never rises.
    """
    officers = run_query(source, "officer_load", as_of=on)
    cases = run_query(source, "case_progress", as_of=on).filter(pl.col("officer_id").is_not_null())
    load = dict(zip(officers["officer_id"], officers["weighted_load"], strict=True))
    capacity = dict(zip(officers["officer_id"], officers["capacity_points"], strict=True))
    team = dict(zip(officers["officer_id"], officers["team"], strict=True))
    takers = set(
        officers.filter((pl.col("role") == "investigator") & ~pl.col("absent") & (pl.col("capacity_points") > 0))[
            "officer_id"
        ]
    )
    for holder in set(cases["officer_id"]) - set(load):  # gone from the unit but still holding cases
        load[holder], capacity[holder], team[holder] = 0.0, 0.0, None
    held: dict[str, list[tuple[float, str]]] = {}
    for case_id, holder, weight in cases.select("case_id", "officer_id", "weight").iter_rows():
        held.setdefault(holder, []).append((weight, case_id))
        if holder not in officers["officer_id"]:
            load[holder] += weight
    limit = {o: capacity[o] * target_pct / 100 for o in capacity}

    def pct(officer: str, amount: float) -> str:
        return f"{100 * amount / capacity[officer]:.0f} %" if capacity[officer] else f"no capacity, {amount:g} points"

    def over(officer: str) -> float:
        return math.inf if capacity[officer] == 0 else load[officer] / limit[officer]

    moves: list[Proposed] = []
    stuck: set[str] = set()
    while True:
        donors = [o for o in held if held[o] and o not in stuck and load[o] > limit[o] + 1e-9]
        if not donors:
            return moves
        donor = max(donors, key=lambda o: (over(o), o))
        for weight, case_id in sorted(held[donor], reverse=True):
            fits = [t for t in takers if t != donor and load[t] + weight <= limit[t] + 1e-9]
            if not fits:
                continue
            same = [t for t in fits if team[t] == team[donor]]
            taker = max(same or fits, key=lambda t: (limit[t] - load[t], t))
            where = "same team" if same else f"team {team[taker]}, none free in {team[donor]}"
            why = (
                f"{donor} {pct(donor, load[donor])} → {pct(donor, load[donor] - weight)}; {taker} ({where}) "
                f"{pct(taker, load[taker])} → {pct(taker, load[taker] + weight)}, the most spare capacity"
            )
            moves.append(Proposed(case_id, weight, donor, taker, why))
            held[donor].remove((weight, case_id))
            held.setdefault(taker, []).append((weight, case_id))
            load[donor] -= weight
            load[taker] += weight
            break
        else:
            stuck.add(donor)


def _table(source: Source, name: str) -> pl.DataFrame:
    cur = source.cursor()
    try:
        return cur.sql("SELECT * FROM " + ident(name)).pl()  # noqa: S608 - a name from STAFF_TABLES
    finally:
        cur.close()


def _derive(source: Source, scenario: Scenario, tables: dict, suffix: str = "") -> Source:
    key = hashlib.sha256(
        f"{source.schema}|{source.settings.fingerprint()}|{scenario.serialise()}|{suffix}".encode()
    ).hexdigest()[:16]
    return source.derive(key, tables)


def _hours(tables: dict, change: Hours) -> dict:
    c = tables["contracts"]
    mine = pl.col("officer_id") == change.officer_id
    kept = c.filter(~mine | (pl.col("valid_from") < change.from_day)).with_columns(
        valid_to=pl.when(mine & (pl.col("valid_to").is_null() | (pl.col("valid_to") > change.from_day)))
        .then(pl.lit(change.from_day))
        .otherwise(pl.col("valid_to"))
    )
    new = frame(
        "contracts",
        [
            {
                "officer_id": change.officer_id,
                "valid_from": change.from_day,
                "valid_to": None,
                "contracted_hours": change.hours,
            }
        ],
    )
    return tables | {"contracts": pl.concat([kept, new.select(kept.columns).cast(kept.schema)])}


def _absence(tables: dict, change: Absence) -> dict:
    a = tables["absences"]
    new = frame(
        "absences",
        [
            {
                "officer_id": change.officer_id,
                "first_day": change.first_day,
                "last_day": change.last_day,
                "kind": change.kind,
                "capacity_reduction": change.reduction,
            }
        ],
    )
    return tables | {"absences": pl.concat([a, new.select(a.columns).cast(a.schema)])}


def _leaver(tables: dict, change: Leaver) -> dict:
    o = tables["officers"]
    return tables | {
        "officers": o.with_columns(
            left_on=pl.when(pl.col("officer_id") == change.officer_id)
            .then(pl.min_horizontal(pl.col("left_on"), pl.lit(change.left_on)))
            .otherwise(pl.col("left_on"))
        )
    }


def _post(tables: dict, change: NewPost) -> dict:
    o = tables["officers"]
    team = o.filter(pl.col("team") == change.team)
    unit = team["unit"][0] if team.height else change.team.split("-")[0]
    sergeant = team.filter(pl.col("role") == "supervisor")["officer_id"]
    new = frame(
        "officers",
        [
            {
                "officer_id": change.post_id,
                "display_name": f"New post {change.post_id}",
                "rank": "other",
                "role": change.role,
                "unit": unit,
                "team": change.team,
                "supervisor_id": sergeant[0] if sergeant.len() else None,
                "joined_on": change.start,
            }
        ],
    )
    tables = tables | {"officers": pl.concat([o, new.select(o.columns).cast(o.schema)])}
    return _hours(tables, Hours(change.post_id, change.hours, change.start))


def _moves(tables: dict, change: Move) -> dict:
    return _move(tables, [(c, change.to_officer) for c in change.case_ids], change.on_day)


def _move(tables: dict, moves: list[tuple[str, str]], on_day: dt.date) -> dict:
    """End each case's assignment current on `on_day` there and start the new holder's from it."""
    if not moves:
        return tables
    a = tables["assignments"]
    moved = [case_id for case_id, _ in moves]
    current = (
        pl.col("case_id").is_in(moved)
        & (pl.col("assigned_from") <= on_day)
        & (pl.col("assigned_to").is_null() | (pl.col("assigned_to") > on_day))
    )
    later = pl.col("case_id").is_in(moved) & (pl.col("assigned_from") > on_day)
    kept = (
        a.filter(~later)
        .with_columns(assigned_to=pl.when(current).then(pl.lit(on_day)).otherwise(pl.col("assigned_to")))
        .filter(pl.col("assigned_to").is_null() | (pl.col("assigned_to") > pl.col("assigned_from")))
    )
    new = frame(
        "assignments",
        [
            {"case_id": c, "officer_id": o, "assigned_from": on_day, "assigned_to": None, "reason": REALLOCATION}
            for c, o in moves
        ],
    )
    return tables | {"assignments": pl.concat([kept, new.select(a.columns).cast(a.schema)])}


APPLY = {Hours: _hours, Absence: _absence, Leaver: _leaver, NewPost: _post, Move: _moves}


def _forensic_forecast(source: Source, scenario: Scenario, runs: int, horizon: int) -> tuple[MonteCarlo, float]:
    """The Monte Carlo of the forensic page, with completions scaled for the scenario's examiner capacity."""
    as_of = source.extract.as_of
    weeks = source.settings.forensics.throughput_weeks
    flow = run_query(source, "forensic_flow", as_of=as_of, weeks=weeks)
    backlog = run_query(source, "forensic_queue", as_of=as_of).height
    throughput = run_query(source, "examiner_throughput", as_of=as_of, months=math.ceil(weeks / 4.3) + 1)
    fte = float(throughput["available_fte"].sum())
    scale = 1.0
    for change in scenario.of(Examiners):
        new_fte = max(0.0, fte + change.delta_fte)
        if change.per_examiner_week is not None:
            mean = float(flow["completions"].mean() or 0.0)
            scale = change.per_examiner_week * new_fte / mean if mean else 0.0
        else:
            scale = new_fte / fte if fte else 0.0
        fte = new_fte
    forecast = monte_carlo(
        backlog,
        flow["arrivals"].to_list(),
        flow["completions"].to_list(),
        runs=runs,
        horizon_weeks=horizon,
        completions_scale=scale,
    )
    return forecast, fte
