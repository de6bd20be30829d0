"""A realistic synthetic extract, deterministic for a seed, written team by team in streamed batches.

The unit scale carries the pattern this product exists to catch (see `scripted.py`): a part-time
investigator already at full-time load inherits two cases from a colleague on long-term sickness,
and those cases then see no progressing action for about 20 and 31 months.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import queue
import shutil
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from unitload.extract.folder import write_manifest
from unitload.extract.tables import frame
from unitload.generate.cases import (
    COMPLEXITY_P,
    OFFENCES,
    RISK_P,
    RISKS,
    Case,
    Ids,
    Team,
    case_actions,
    case_exhibits,
    oic_on,
    simulate_team,
)
from unitload.generate.scripted import Scripted
from unitload.generate.staff import (
    FULL_TIME,
    Names,
    Officer,
    add_routine_absences,
    contract_history,
    weekday_on_or_after,
)
from unitload.generate.supervision import supervision_rows

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Scale:
    units: tuple[str, ...]
    teams_per_unit: int
    investigators_per_team: int
    examiners_per_unit: int
    years: int
    cases_per_team_year: float
    median_case_days: float
    forces: int = 1  # forces side by side, each made by a process of its own from a random stream of its own


FORCE_UNITS = ("POLIT", "CID-N", "CID-S", "CID-E", "CID-W", "PVP")
SCALES = {
    "unit": Scale(("POLIT",), 3, 9, 4, 5, 116, 12),
    "force": Scale(FORCE_UNITS, 5, 46, 8, 10, 667, 30),
    # four forces sharing a digital forensic unit's region: each force's unit codes, officer and case ids carry
    # it (F1-POLIT, P101001, F1-C000001 ...); each has the force's shape
    "region": Scale(FORCE_UNITS, 5, 46, 8, 10, 667, 30, forces=4),
}


class BatchWriter:
    """One Parquet file per table (`<table>.parquet`, or `<table>/<part>.parquet` for one force of a region),
    appended in row groups so that large scales stream."""

    def __init__(self, root: Path, part: str | None = None, batch_rows: int = 250_000):
        self.root = root
        self.part = part
        self.batch_rows = batch_rows
        self.pending: dict[str, list[dict]] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: str, rows: list[dict]) -> None:
        self.pending.setdefault(table, []).extend(rows)
        if len(self.pending[table]) >= self.batch_rows:
            self.flush(table)

    def flush(self, table: str) -> None:
        rows = self.pending.pop(table, [])
        batch = frame(table, rows).to_arrow()
        if table not in self.writers:
            path = self.root / f"{table}.parquet" if self.part is None else self.root / table / f"{self.part}.parquet"
            path.parent.mkdir(exist_ok=True)
            self.writers[table] = pq.ParquetWriter(path, batch.schema)
        if rows:
            self.writers[table].write_table(pa.Table.from_batches(batch.to_batches(), batch.schema))
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def close(self) -> dict[str, int]:
        for table in list(self.pending):
            self.flush(table)
        for writer in self.writers.values():
            writer.close()
        return self.counts


def generate_extract(out: str | Path, *, scale: str = "unit", seed: int = 42, as_of: dt.date, progress=None):
    """Write the extract to `out` (replacing it) and return the row count of each table."""
    shape = SCALES[scale]
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    teams = len(shape.units) * shape.teams_per_unit * shape.forces
    bar = progress(total=teams, desc="teams", unit="team") if progress else None
    tick = bar.update if bar else _no_tick
    try:
        if shape.forces == 1:
            counts = make_force(out, shape, seed, as_of, tick, scripted=scale == "unit")
        else:
            counts = _make_forces(out, shape, seed, as_of, tick)
    finally:
        if bar:
            bar.close()
    write_manifest(
        out,
        f"{scale}-seed{seed}-{as_of.isoformat()}",
        dt.datetime.combine(as_of, dt.time(6, 0)),
        f"unitload generate --scale {scale} --seed {seed}",
    )
    return counts


def _no_tick(teams: int) -> None:
    pass


def _make_forces(out: Path, shape: Scale, seed: int, as_of: dt.date, tick) -> dict[str, int]:
    """Each force of a region in a process of its own (as many at once as there are cores), each writing its
    own file of every table; the bar moves as any of them finishes a team."""
    forces = range(1, shape.forces + 1)
    context = multiprocessing.get_context("spawn")  # not fork: Polars and DuckDB hold threads and locks
    with context.Manager() as manager, ProcessPoolExecutor(min(len(forces), os.cpu_count() or 1), context) as pool:
        done = manager.Queue()
        running = [pool.submit(make_force, out, shape, seed, as_of, done.put, force) for force in forces]
        while not all(f.done() for f in running):
            with contextlib.suppress(queue.Empty):
                tick(done.get(timeout=0.5))
        counts = Counter()
        for future in running:
            counts.update(future.result())
        while not done.empty():
            tick(done.get())
    return dict(counts)


def make_force(
    out: Path, shape: Scale, seed: int, as_of: dt.date, tick, force: int | None = None, scripted: bool = False
) -> dict[str, int]:
    """Write one force's tables into `out`: the whole extract, or with `force` (1, 2, ...) that force of a region
    under `<table>/F<force>.parquet`, from the stream seeded by (seed, force). Calls `tick(1)` for every team.
    `scripted`: the unit scale's second team plays out the pattern of `scripted.py`."""
    rng = np.random.default_rng(seed if force is None else [seed, force])
    start = as_of.replace(year=as_of.year - shape.years)
    writer = BatchWriter(out, None if force is None else f"F{force}")
    ids = Ids("" if force is None else f"F{force}-")
    names = Names(rng)
    first_no = 1001 if force is None else force * 100_000 + 1001
    staff_no = iter(range(first_no, first_no + 98_999))
    units = shape.units if force is None else tuple(f"F{force}-{unit}" for unit in shape.units)
    # supervision draws from a stream of its own, so adding it left every other table as it was
    supervision_rng = np.random.default_rng([seed, 10] if force is None else [seed, force, 10])
    for unit in units:
        manager = _officer(next(staff_no), names, "DI", "manager", unit, f"{unit}-HQ", None, start, rng)
        examiners = [
            _officer(
                next(staff_no), names, "DFI", "forensic_examiner", unit, f"{unit}-DFU", manager.officer_id, start, rng
            )
            for _ in range(shape.examiners_per_unit)
        ]
        for person in [manager, *examiners]:
            _finish_staff(person, rng, start, as_of, part_time=person is examiners[-1])
        writer.add("officers", [o.row() for o in [manager, *examiners]])
        _write_staff(writer, [manager, *examiners])
        writer.add("supervision", supervision_rows(supervision_rng, examiners, start, as_of))
        for t in range(shape.teams_per_unit):
            team_name = f"{unit}-{chr(ord('A') + t)}"
            script = Scripted(as_of) if scripted and t == 1 else None
            staff = _team(
                writer, rng, ids, names, staff_no, shape, unit, team_name, manager, examiners, start, as_of, script
            )
            lapsed = {script.part_timer.officer_id: script.cover_day + dt.timedelta(days=45)} if script else {}
            late_plan = (
                next(
                    (
                        o.officer_id
                        for o in staff[1:]
                        if o.left_on is None  # a colleague in the same team
                        and o not in (script.part_timer, script.colleague)
                    ),
                    None,
                )
                if script
                else None
            )
            writer.add(
                "supervision",
                supervision_rows(supervision_rng, staff, start, as_of, lapsed=lapsed, late_plan=late_plan),
            )
            tick(1)
    return writer.close()


def _officer(number, names, rank, role, unit, team, supervisor, start, rng, joined=None) -> Officer:
    joined = joined or start - dt.timedelta(days=int(rng.integers(30, 2500)))
    return Officer(f"P{number}", names.draw(), rank, role, unit, team, supervisor, joined)


def _finish_staff(officer: Officer, rng, start, as_of, part_time: bool) -> None:
    if not officer.contracts:
        officer.contracts = contract_history(rng, officer.joined_on, officer.left_on, part_time)
    add_routine_absences(officer, rng, start, as_of)


def _write_staff(writer: BatchWriter, officers: list[Officer]) -> None:
    writer.add(
        "contracts",
        [
            {"officer_id": o.officer_id, "valid_from": a, "valid_to": b, "contracted_hours": h}
            for o in officers
            for a, b, h in o.contracts
        ],
    )
    writer.add(
        "absences",
        [
            {"officer_id": o.officer_id, "first_day": a, "last_day": b, "kind": k, "capacity_reduction": r}
            for o in officers
            for a, b, k, r in o.absences
        ],
    )


def _team(writer, rng, ids, names, staff_no, shape, unit, team_name, manager, examiners, start, as_of, scripted):
    sergeant = _officer(next(staff_no), names, "DS", "supervisor", unit, team_name, manager.officer_id, start, rng)
    _finish_staff(sergeant, rng, start, as_of, part_time=False)
    investigators = []
    for slot in range(shape.investigators_per_team):
        role = scripted.role_of(slot) if scripted else None
        people = post_holders(rng, names, staff_no, unit, team_name, sergeant, start, as_of, role)
        if role:
            scripted.cast(role, people[0])
        investigators += people
    cases = _cases(rng, ids, shape, unit, team_name, start, as_of)
    exhibits = {c.case_id: case_exhibits(rng, ids, c, examiners, as_of) for c in cases}
    for case in cases:  # a case stays open until its devices are examined
        done = [e["examined_on"] or e["withdrawn_on"] for e in exhibits[case.case_id]]
        if case.closed_on and done:
            if any(d is None for d in done):
                case.closed_on = None
            else:
                case.closed_on = max(case.closed_on, max(done) + dt.timedelta(days=int(rng.integers(3, 25))))
        if case.closed_on and case.closed_on > as_of:
            case.closed_on = None
    team = Team(rng, investigators, as_of, favour=scripted.part_timer.officer_id if scripted else None)
    simulate_team(rng, team, cases, start, scripted)
    if scripted:
        scripted.shape_exhibits(exhibits, ids, examiners)
    officers = {o.officer_id: o for o in investigators}
    actions = []
    for case in cases:
        actions += case_actions(rng, ids, case, officers, sergeant.officer_id, as_of)
        for exhibit in exhibits[case.case_id]:
            oic = oic_on(case, exhibit["submitted_on"])
            if oic:
                actions.append(
                    {
                        "action_id": ids.next_action(),
                        "case_id": case.case_id,
                        "officer_id": oic,
                        "action_on": exhibit["submitted_on"],
                        "action_type": "forensic_submission",
                    }
                )
    staff = [sergeant, *investigators]
    writer.add("officers", [o.row() for o in staff])
    _write_staff(writer, staff)
    writer.add("cases", [c.row() for c in cases])
    writer.add(
        "assignments",
        [
            {"case_id": c.case_id, "officer_id": o, "assigned_from": a, "assigned_to": b, "reason": r}
            for c in cases
            for o, a, b, r in c.oics
        ],
    )
    writer.add("actions", actions)
    writer.add("exhibits", [e for c in cases for e in exhibits[c.case_id]])
    return staff


def post_holders(rng, names, staff_no, unit, team, sergeant, start, as_of, role) -> list[Officer]:
    """The people who fill one investigator post over the years, with gaps between them."""
    people = []
    joined = None
    while True:
        rank = ("DC", "DC", "DC", "TDC", "PSI")[rng.integers(5)]
        officer = _officer(
            next(staff_no), names, rank, "investigator", unit, team, sergeant.officer_id, start, rng, joined
        )
        years_left = rng.exponential(1 / 0.08)
        # at least a day in post (a stay drawn under a day made left_on equal joined_on, which validation rejects)
        leave = officer.joined_on + dt.timedelta(days=max(1, int(years_left * 365)))
        if role is None and leave < as_of and leave > start:
            officer.left_on = weekday_on_or_after(leave)
        part_time = role == "part_timer" or (role is None and rng.random() < 0.22)
        if role == "part_timer":
            change = (start + dt.timedelta(days=200)).replace(day=15)
            officer.contracts = [(officer.joined_on, change, FULL_TIME), (change, None, 24.0)]
        _finish_staff(officer, rng, start, as_of, part_time)
        people.append(officer)
        if officer.left_on is None:
            return people
        joined = officer.left_on + dt.timedelta(days=int(rng.integers(30, 120)))
        if joined > as_of:
            return people


def _cases(rng, ids, shape, unit, team, start, as_of) -> list[Case]:
    cases = []
    day = start
    while day <= as_of:
        years_in = (day - start).days / 365.0
        rate = shape.cases_per_team_year / 365.0 * (1 + 0.05 * years_in) * (1.3 if day.weekday() < 5 else 0.25)
        for _ in range(rng.poisson(rate)):
            risk = RISKS[RISK_P.draw(rng)]
            complexity = 1 + COMPLEXITY_P.draw(rng)
            length = rng.lognormal(np.log(shape.median_case_days), 0.8) * (1 + 0.6 * (complexity - 1))
            closed = day + dt.timedelta(days=max(3, int(length)))
            number = ids.next_case()
            cases.append(
                Case(
                    case_id=number,
                    case_ref=ids.case_ref(day),
                    unit=unit,
                    team=team,
                    opened_on=day,
                    closed_on=closed if closed <= as_of else None,
                    offence_type=OFFENCES[rng.integers(len(OFFENCES))],
                    risk_grade=risk,
                    complexity=complexity,
                    weight=round(float(rng.uniform(0.5, 4.0)) * 2) / 2 if rng.random() < 0.03 else None,
                    allocation_delay=0 if rng.random() < 0.5 else int(rng.integers(1, 8)),
                )
            )
        day += DAY
    return cases
