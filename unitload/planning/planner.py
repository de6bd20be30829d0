"""The staffing planner's model: a scenario (DATA_CONTRACT.md section 5) written into the extract's tables,
then measured with the same named queries; rebalancing proposals (the projection month by month is
`unitload.planning.projection`).

Each planner run (evaluate, plan_rows, projection, rebalance_moves) stops after the engine's
`query_seconds` in all, its queries and the work between them (QueryTimeout), so that no link can keep
a server busy for longer.

`unitload.planning.edits` applies the changes to copies of the edited tables; the copies stand in for the
extract's in a schema of their own (Source.derive), so officer_load, case_progress and the forensic
flow run on the edited extract exactly as on the baseline. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
import weakref
from dataclasses import dataclass

import polars as pl

from queries import check_time, run_query, time_limit
from unitload.extract.db import Source, ident
from unitload.planning import edits
from unitload.planning.forecast import MonteCarlo, monte_carlo
from unitload.planning.scenario import ExaminersChange, MoveCasesChange, NewPostChange, Scenario

CONTRACT_COLUMNS = (  # officer_load's columns of DATA_CONTRACT.md section 4, then the plan's own
    "officer_id",
    "team",
    "fte",
    "availability",
    "capacity_points",
    "open_cases",
    "weighted_load",
    "load_pct",
    "overloaded",
    "part_time_full_load",
    "absent",
    "long_term_absent",
    "absent_since",
    "absence_kind",
)
PLAN_EXTRAS = ("unit", "role", "caseholder", "contracted_hours", "sustained_overload", "reduced_by")


@dataclass(frozen=True)
class Proposed:
    """One move of a rebalancing proposal, with why it was chosen."""

    case_id: str
    weight: float
    from_officer: str
    to_officer: str
    why: str


@dataclass(frozen=True)
class Outcome:
    """Baseline or scenario, measured on the evaluation day."""

    officers: pl.DataFrame  # officer_load rows of the caseholders
    forecast: MonteCarlo
    examiner_fte: float  # examiner FTE available now, with the scenario's changes in force by the end
    added: tuple[float, ...]  # completions added to each forecast week by the scenario's examiner changes

    @property
    def headline(self) -> dict[str, float | int | None]:
        return headline(self.officers)


def headline(officers: pl.DataFrame) -> dict[str, float | int | None]:
    """The planner's figures over caseholders' officer_load rows (of one day)."""
    capacity = officers["capacity_points"].sum()
    return {
        "caseholders": officers.height,
        "overloaded": int(officers["overloaded"].sum()),
        "part_time_full_load": int(officers["part_time_full_load"].sum()),
        "no_capacity_holding_cases": officers.filter(
            (pl.col("capacity_points") == 0) & (pl.col("open_cases") > 0)
        ).height,
        "capacity_fte": float((officers["fte"] * officers["availability"]).sum()),
        "capacity_used_pct": 100 * officers["weighted_load"].sum() / capacity if capacity else None,
    }


def edited(source: Source, scenario: Scenario) -> Source:
    """The extract with the scenario's edits written in (the source itself for no change).

    Its schema is named by a hash of everything it depends on: the extract's schema (and so the scope),
    the settings and the scenario. Checks every change (ScenarioError names the change and field).
    """
    if not scenario.changes:
        return source
    tables = edits.apply(extract_tables(source, edits.EDITED + edits.READ), scenario)
    check_time("applying the scenario's changes")
    key = f"{source.schema}|{source.settings.fingerprint()}|{scenario.text()}"
    return source.derive(hashlib.sha256(key.encode()).hexdigest()[:16], {n: tables[n] for n in edits.EDITED})


def evaluate(source: Source, scenario: Scenario, on: dt.date, *, runs: int = 10_000, horizon: int = 104) -> Outcome:
    """Measure the extract with the scenario's changes on `on` (an empty scenario is the baseline)."""
    with time_limit(source.settings.engine.query_seconds):
        officers = run_query(edited(source, scenario), "officer_load", as_of=on).filter(pl.col("caseholder"))
        forecast, fte, added = forensic_forecast(source, scenario, runs, horizon)
    return Outcome(officers, forecast, fte, added)


def after_the_day(scenario: Scenario, on: dt.date) -> list[str]:
    """A warning for each change that starts after `on`: it cannot show in figures measured on that day. (An
    examiners change is never named: the forensic forecast runs week by week from the as-of day on.)"""
    return [
        f"change {index} ({change.change}) starts on {change.starts:%d %b %Y}, after the day measured "
        f"({on:%d %b %Y}): it does not show in these figures"
        for index, change in enumerate(scenario.changes, start=1)
        if change.starts > on and change.change != "examiners"
    ]


def plan_summary(source: Source, scenario: Scenario, on: dt.date, officers: list[dict]) -> dict:
    """`unitload plan --format json --summary`: the rows, and what the planner page shows beside them, baseline
    and scenario: the headline figures on `on` and when the forensic queue clears."""
    outcomes = {"baseline": evaluate(source, Scenario(), on), "scenario": evaluate(source, scenario, on)}
    as_of = source.extract.as_of

    def clears(outcome: Outcome, percent: int) -> str | None:
        day = outcome.forecast.date_at(percent, as_of)
        return day.isoformat() if day else None

    return {
        "scenario": scenario.name,
        "as_of": on.isoformat(),
        "warnings": after_the_day(scenario, on),
        "headline": {label: o.headline for label, o in outcomes.items()},
        "forensic": {
            label: {
                "examiner_fte": o.examiner_fte,
                "clears_by_p50": clears(o, 50),
                "clears_by_p85": clears(o, 85),
                "clears_by_p95": clears(o, 95),
                "runs_cleared_within_horizon": o.forecast.cleared_share,
                "horizon_weeks": o.forecast.horizon_weeks,
            }
            for label, o in outcomes.items()
        },
        "officers": officers,
    }


def plan_rows(source: Source, scenario: Scenario, on: dt.date) -> pl.DataFrame:
    """`unitload plan`: officer_load's columns for the scenario on `on`, with the same officer's baseline load
    and overload (null for a new post)."""
    with time_limit(source.settings.engine.query_seconds):
        plan = run_query(edited(source, scenario), "officer_load", as_of=on)
        base = run_query(source, "officer_load", as_of=on).select(
            "officer_id", baseline_load_pct="load_pct", baseline_overloaded="overloaded"
        )
    joined = plan.join(base, on="officer_id", how="left")
    return joined.select(*CONTRACT_COLUMNS, "baseline_load_pct", "baseline_overloaded", *PLAN_EXTRAS)


def rebalance_moves(source: Source, on: dt.date, target_pct: float) -> list[Proposed]:
    """A proposal, not a change: the fewest moves, greedily, so that nobody is above target_pct on `on`
    (`source`: the extract with the scenario so far, `edited`).

    The cases that are the reason an officer is in the attention list move first: inherited (reallocated
    or taken on as absence cover) and unprogressed, or held by a long-term absent officer; then
    unprogressed cases; then the heaviest. So the officers above the target who hold such cases give
    first, and each gives its most urgent case that someone can take (the heaviest among equals). The
    taker is an investigator in post, not absent, with capacity, who stays at or below the target,
    from the same team when anyone there can, and otherwise the one with the most spare capacity.
    Holders with no capacity (long-term absent, or gone) count as above any target. Officers nobody can
    relieve are left as they are, so the maximum load never rises.
    """
    with time_limit(source.settings.engine.query_seconds):
        return _rebalanced(source, on, target_pct)


def _rebalanced(source: Source, on: dt.date, target_pct: float) -> list[Proposed]:
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
    held: dict[str, list[tuple[int, float, str]]] = {}  # (urgency, weight, case) per holder
    said: dict[str, str] = {}  # why the case moves, when it is urgent
    for case_id, holder, weight, inherited, unprogressed, days, absent in cases.select(
        "case_id", "officer_id", "weight", "inherited", "unprogressed", "days_since_progress", "oic_long_term_absent"
    ).iter_rows():
        if inherited and unprogressed:
            urgency, said[case_id] = 0, f"inherited and unprogressed for {days:,} days"
        elif absent:
            urgency, said[case_id] = 0, "its holder is long-term absent"
        elif unprogressed:
            urgency, said[case_id] = 1, f"unprogressed for {days:,} days"
        else:
            urgency = 2
        held.setdefault(holder, []).append((urgency, weight, case_id))
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
        check_time("the rebalancing proposal")
        donors = [o for o in held if held[o] and o not in stuck and load[o] > limit[o] + 1e-9]
        if not donors:
            return moves
        # the officer holding the most urgent case first, then the most over their target
        donor = min(donors, key=lambda o: (min(u for u, _, _ in held[o]), -over(o), o))
        for urgency, weight, case_id in sorted(held[donor], key=lambda c: (c[0], -c[1], c[2])):
            fits = [t for t in takers if t != donor and load[t] + weight <= limit[t] + 1e-9]
            if not fits:
                continue
            same = [t for t in fits if team[t] == team[donor]]
            taker = max(same or fits, key=lambda t: (limit[t] - load[t], t))
            where = "same team" if same else f"team {team[taker]}, none free in {team[donor]}"
            first = f"{case_id} {said[case_id]}; " if case_id in said else ""
            why = (
                f"{first}{donor} {pct(donor, load[donor])} → {pct(donor, load[donor] - weight)}; {taker} ({where}) "
                f"{pct(taker, load[taker])} → {pct(taker, load[taker] + weight)}, the most spare capacity"
            )
            moves.append(Proposed(case_id, weight, donor, taker, why))
            held[donor].remove((urgency, weight, case_id))
            held.setdefault(taker, []).append((urgency, weight, case_id))
            load[donor] -= weight
            load[taker] += weight
            break
        else:
            stuck.add(donor)


def accepted(moves: list[Proposed], on: dt.date) -> list[MoveCasesChange]:
    """A proposal accepted: one move_cases change per move, on its day, as a reallocation."""
    return [MoveCasesChange(case_ids=(m.case_id,), to_officer=m.to_officer, on=on) for m in moves]


def extract_tables(source: Source, names: tuple[str, ...]) -> dict[str, pl.DataFrame]:
    """Tables of the extract (as the source's scope sees them), by name from a fixed list."""
    cur = source.cursor()
    try:
        return {name: cur.sql("SELECT * FROM " + ident(name)).pl() for name in names}  # noqa: S608 - fixed names
    finally:
        cur.close()


_INPUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # database -> {(schema, settings): inputs}
_INPUTS_LOCK = threading.Lock()


def forensic_inputs(source: Source) -> tuple[pl.DataFrame, int, float]:
    """The forensic forecast's inputs: the trailing weeks' flow, the queue on the as-of day and the examiners'
    available FTE. They depend on the extract, its scope and the settings, not on the scenario or the day
    measured, so they are found once for each (kept with the database): a planner run evaluates the baseline
    and every scenario beside it, and each evaluation ran the same three queries (0.2 s at region scale)."""
    key = (source.schema, source.settings.fingerprint())
    with _INPUTS_LOCK:
        found = _INPUTS.setdefault(source.db, {}).get(key)
    if found is None:
        as_of, weeks = source.extract.as_of, source.settings.forensics.throughput_weeks
        flow = run_query(source, "forensic_flow", as_of=as_of, weeks=weeks)
        backlog = run_query(source, "forensic_queue", as_of=as_of).height
        throughput = run_query(source, "examiner_throughput", as_of=as_of, months=math.ceil(weeks / 4.3) + 1)
        found = (flow, backlog, float(throughput["available_fte"].sum()))
        with _INPUTS_LOCK:
            _INPUTS[source.db][key] = found
    return found


def forensic_forecast(source: Source, scenario: Scenario, runs: int, horizon: int) -> tuple[MonteCarlo, float, tuple]:
    """The Monte Carlo of the forensic page, with the scenario's examiner capacity added from its days.

    An `examiners` change adds `fte` x the unit's completions per examiner FTE-week to every forecast
    week from its `from` day on (DATA_CONTRACT.md section 5); a new post with the role
    forensic_examiner adds its hours' FTE from the day it is filled.
    """
    as_of = source.extract.as_of
    flow, backlog, fte = forensic_inputs(source)
    per_fte_week = float(flow["completions"].mean() or 0.0) / fte if fte else 0.0
    added = [0.0] * horizon
    changes = [(c.fte, c.from_day) for c in scenario.of(ExaminersChange)]
    full_time = source.settings.capacity.full_time_hours
    changes += [(p.hours / full_time, p.joined_on) for p in scenario.of(NewPostChange) if p.role == "forensic_examiner"]
    for change_fte, start in changes:
        first = max(0, math.ceil((start - as_of).days / 7) - 1)  # the first forecast week ending on or after it
        for week in range(first, horizon):
            added[week] += change_fte * per_fte_week
        fte += change_fte
    forecast = monte_carlo(
        backlog,
        flow["arrivals"].to_list(),
        flow["completions"].to_list(),
        runs=runs,
        horizon_weeks=horizon,
        extra_completions=tuple(added),
    )
    return forecast, max(fte, 0.0), tuple(added)
