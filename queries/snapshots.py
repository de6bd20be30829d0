"""Snapshots: the SNAPSHOT_QUERIES precomputed once per extract, at its as-of day and the month ends before it.

This module owns their whole life: building them (`build_snapshots`), deciding whether a query run may
read them (`usable_snapshots`), giving them back when newer extracts are served (`release`), and a
scope's views of them (`scope_snapshots`, whose SQL is `queries/_snapshot_scopes.sql`).
"""

from __future__ import annotations

# SQL text here is built only from identifiers of fixed lists (schema names made by db and scopes,
# the snapshot table names of SNAPSHOT_QUERIES), quoted by ident(); values are bound parameters.
# ruff: noqa: S608
import dataclasses

from queries.catalogue import (
    QUERY_DIR,
    SERIES,
    SNAPSHOT_QUERIES,
    NamedQuery,
    composed,
    extract_values,
    load_query,
    parameter_names,
    snapshot_table,
)
from unitload.extract.db import SnapshotSet, Source, ident
from unitload.months import month_end_after, month_end_days

KEEP_PREPARED = 2  # extracts kept with snapshots and tables in memory: the current one and the one before
SCOPES_SQL = QUERY_DIR / "_snapshot_scopes.sql"
# Snapshots of totals per unit and team: a team scope's own figures are not a filter of their rows (a
# case of the scope held by another team's officer counts under no team there), so a team scope
# computes these from its views of the other snapshots, which `_snapshot_scopes.sql` gives.
WHOLE_EXTRACT_ONLY = frozenset({"workload_groups", "team_flow"})
# officer_load is also made at the AHEAD month ends after the as-of day: the planner's baseline projection
# (unitload.planner.projection) reads them, which at region scale took 1.7 s of the planner's first run
AHEAD = 12
AHEAD_OF = frozenset({"officer_load"})
# cases × month ends computed in one statement: six month ends at force scale (250,000 cases), whose
# memory was measured (docs/performance.md); a smaller extract takes more month ends at once
CASE_DAYS = 6 * 250_000


def build_snapshots(source: Source, months: int = 37, chunk: int | None = None, progress=None) -> None:
    """Precompute the snapshot queries for the extract's as-of day and the `months - 1` month ends before it.

    First the extract's tables marked `in_memory` are copied into memory (`Source.hold_in_memory`). The
    month ends are computed `chunk` at a time (by default as many as `CASE_DAYS` allows).
    Tables in the source's own schema, made once; later runs that use these queries on covered days
    and with the same settings read them instead of recomputing. The database's lock is taken for each
    statement, not the whole build, so a user's first run (its scope's views) need not wait for it to end;
    `progress(done, steps, name)` is called after each. The snapshots are used once all are made.
    """
    db = source.db
    if source.schema in db.snapshots or source.extract.as_of is None:
        return
    days = month_end_days(source.extract.as_of, months)
    values = snapshot_values(source, months)
    with db.lock:
        if source.schema in db.snapshots:
            return
        source.hold_in_memory()
    cur = source.cursor()
    try:
        steps = _steps(values, days, chunk or days_per_chunk(cur, len(days)), source.extract.as_of)
        for done, (name, sql, bound) in enumerate(steps, start=1):
            with db.lock:
                cur.execute(sql, bound)
            if progress is not None:
                progress(done, len(steps), name)
    finally:
        cur.close()
    with db.lock:
        mark_built(source, months)
        for (base, _), found in list(db.scopes.items()):  # scopes made while it was built: their views of it
            if base == source.schema and found not in db.snapshots:
                scope_cursor = db.cursor()
                scope_snapshots(scope_cursor, source, found, found in db.team_scopes)
                scope_cursor.close()


def _steps(values: dict, days: list, chunk: int, as_of) -> list[tuple[str, str, dict]]:
    """The statements that make the snapshot tables, in order: (query name, SQL, bound values)."""
    steps, made = [], set()
    for name in SNAPSHOT_QUERIES:
        query, table = load_query(name), ident(snapshot_table(name))
        # made from the snapshots already made (same days, same values) where it uses them
        reads = frozenset(made.intersection(query.uses))
        sql = composed(name, reads) if reads else query.sql
        made.add(name)
        fixed = {p: values[p] for p in parameter_names(sql)}
        if "months" not in query.parameters:
            steps.append((name, "CREATE OR REPLACE TABLE " + table + " AS " + sql, fixed))
            continue
        # a few days at a time: the same rows as one run over every day, in a fraction of the memory
        for n, start in enumerate(range(0, len(days), chunk)):
            bound = fixed | {"as_of": days[start], "months": len(days[start : start + chunk])}
            into = "CREATE OR REPLACE TABLE " + table + " AS " if n == 0 else "INSERT INTO " + table + " "
            steps.append((name, into + sql, bound))
        if name in AHEAD_OF:
            ahead = {"as_of": month_end_after(as_of, AHEAD), "months": AHEAD}
            steps.append((name, "INSERT INTO " + table + " " + sql, fixed | ahead))
    return steps


def days_per_chunk(cur, days: int) -> int:
    """Month ends computed in one statement: as many as keep cases × days within CASE_DAYS, never under
    six. Each statement has a cost of its own, so a unit's extract (2,000 cases) is made in one (the
    sample: 1.2 s in chunks of six, 0.35 s in one); a force's (250,000) and a region's, six at a time."""
    cases = cur.execute('select count(*) from "cases"').fetchall()[0][0]
    return max(6, min(days, CASE_DAYS // max(cases, 1)))


def snapshot_values(source: Source, months: int) -> dict[str, object]:
    """The values snapshots are made with: the settings', the extract's, and `months` month ends."""
    return source.settings.sql_params() | extract_values(source) | {"months": months}


def mark_built(source: Source, months: int) -> None:
    """Note that the source's schema holds its snapshot tables, for the as-of day and `months - 1` month
    ends before it with the settings in force (call with the lock held, the tables made)."""
    days = month_end_days(source.extract.as_of, months)
    values = snapshot_values(source, months)
    ahead = month_end_days(month_end_after(source.extract.as_of, AHEAD), AHEAD)
    source.db.snapshots[source.schema] = SnapshotSet(
        frozenset(days), values, frozenset(SNAPSHOT_QUERIES), ahead=frozenset(ahead)
    )
    _prepare(source)


def usable_snapshots(source: Source, query: NamedQuery, values: dict[str, object]) -> frozenset[str]:
    """The snapshots a run of `query` with `values` may read: built for the source's schema, covering the
    run's days, made with the same values of every other parameter they take."""
    built = source.db.snapshots.get(source.schema)
    if not built:
        return frozenset()
    asked: set | None = None
    if "as_of" in values and "months" in values:
        try:
            asked = set(month_end_days(values["as_of"], int(values["months"])))
        except (TypeError, ValueError, OverflowError):
            asked = None
    usable = set()
    for used in (_used(query.name) | {query.name}) & built.names:
        parameters = load_query(used).parameters
        same = all(values.get(p) == built.values.get(p) for p in parameters if p not in SERIES)
        held = built.days | built.ahead if used in AHEAD_OF else built.days
        if "months" not in parameters and "as_of" in parameters:  # made on the as-of day alone (team_flow)
            same = same and values.get("as_of") == built.values.get("as_of")
        if same and ("months" not in parameters or asked is not None and asked <= held):
            usable.add(used)
    return frozenset(usable)


def _used(name: str) -> set[str]:
    found = set()
    for used in load_query(name).uses:
        found |= {used} | _used(used)
    return found


def _prepare(source: Source) -> None:
    """Note an extract whose snapshots and in-memory tables were just made; give back those of extracts
    older than the newest KEEP_PREPARED (call with the lock held).

    A server that promotes an extract every day would otherwise grow by their size each day. The
    extracts given back stay servable (a pinned link, a fallback): their queries compute live from
    the Parquet files again.
    """
    db = source.db
    db.prepared.append(source.schema)
    while len(db.prepared) > KEEP_PREPARED:
        release(source.within(db.prepared.pop(0)))


def release(source: Source) -> None:
    """Drop an extract's snapshots (and its scopes' views of them) and in-memory tables (lock held)."""
    db = source.db
    scoped = [found for (base, _), found in db.scopes.items() if base == source.schema]
    for name in (source.schema, *scoped):  # from now on, its queries are composed without snapshots
        db.snapshots.pop(name, None)
    cur = db.cursor()
    # made here, a snapshot is a table; attached from a promoted extract's files, a view of them or of its copy
    views = cur.execute("select view_name from duckdb_views() where schema_name = $s", {"s": source.schema})
    views = {row[0] for row in views.fetchall()}
    for name in SNAPSHOT_QUERIES:
        table = snapshot_table(name)
        for schema in scoped:
            cur.execute("DROP VIEW IF EXISTS " + ident(schema) + "." + ident(table))
        kind = "VIEW" if table in views else "TABLE"  # a keyword of the two, never a value: nothing to bind
        cur.execute("DROP " + kind + " IF EXISTS " + ident(source.schema) + "." + ident(table))
        cur.execute("DROP TABLE IF EXISTS " + ident(source.schema) + "." + ident("mem_" + table))
    cur.close()
    source.let_go_of_memory()


def scope_snapshots(cur, source: Source, schema: str, team_scoped: bool) -> None:
    """Views in a scope's `schema` over `source`'s snapshot tables, when it has them (lock held).

    A team scope reads them through `_snapshot_scopes.sql`: the rows its own views would compute.
    The whole-extract scope (names pseudonymised or not) reads them as they are: no name is in them.
    """
    if source.schema not in source.db.snapshots:
        return
    cur.execute("USE " + ident(schema))
    for name in SNAPSHOT_QUERIES:
        if team_scoped and name in WHOLE_EXTRACT_ONLY:  # not read there: no view of it
            continue
        base = ident(source.schema) + "." + ident(snapshot_table(name))
        into = ident(("base_" if team_scoped else "") + snapshot_table(name))
        cur.execute("CREATE OR REPLACE VIEW " + into + " AS SELECT * FROM " + base)
    built = source.db.snapshots[source.schema]
    if team_scoped:
        cur.execute(SCOPES_SQL.read_text(encoding="utf-8"))
        built = dataclasses.replace(built, names=built.names - WHOLE_EXTRACT_ONLY)
    source.db.snapshots[schema] = built
