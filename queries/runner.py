"""The one runner of named queries: bound parameters, snapshots where they serve, a time limit."""

from __future__ import annotations

import contextlib
import contextvars
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from types import SimpleNamespace

import duckdb
import polars as pl

from queries.catalogue import (
    NamedQuery,
    QueryError,
    QueryTimeout,
    bind_params,
    composed,
    load_query,
    parameter_names,
    snapshot_read,
    snapshot_table,
    unordered,
)
from queries.snapshots import SNAPSHOT_QUERIES, usable_snapshots
from unitload.extract.db import Source, decisions_arrow_schema

# Once PyArrow is loaded, run_sql runs its statement and takes the rows as Arrow, which DuckDB warns costs a
# copy of the rows. The copy is of a query's result, small beside what the query reads; the relation DuckDB
# suggests instead asks the binder to plan the statement once more before it runs (a third of a sample
# query's time).
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

# Queries whose rows depend only on the decisions as read, the extract, scope, settings and parameters: with
# decisions recorded, each is found once and kept with them, and a query that uses one reads it as a table
KEPT_QUERIES = ("decision_status", "decision_events")  # the first read before the second: attention_list uses both
KEPT = 128  # results kept with one version of the decisions: a few extracts and scopes, each month of them
_NONE: dict[str, pl.DataFrame] = {}  # a kept query's rows with no decision recorded: none

_LIMIT: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar("unitload_limit", default=None)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Everything run inside, queries and the work between them, stops once `seconds` have passed in all
    (QueryTimeout at the next query or `check_time`). An inner limit never outlasts an outer one."""
    outer = _LIMIT.get()
    ends = time.monotonic() + seconds
    token = _LIMIT.set((ends, seconds) if outer is None or ends < outer[0] else outer)
    try:
        yield
    finally:
        _LIMIT.reset(token)


def check_time(what: str = "the run") -> None:
    """Between steps of long work done in Python: QueryTimeout once the time limit around it has passed."""
    limit = _LIMIT.get()
    if limit is not None and time.monotonic() >= limit[0]:
        raise _stopped(what, limit[1])


def _stopped(what: str, seconds: float) -> QueryTimeout:
    return QueryTimeout(
        f"{what} was stopped after {seconds:g} s (engine.query_seconds); narrow the filters or raise the limit"
    )


def run_query(
    source: Source,
    name: str,
    *,
    reusing: dict[str, pl.DataFrame] | None = None,
    ordered: bool = True,
    **params: object,
) -> pl.DataFrame:
    """Run a named query on its own cursor with bound parameters; return a Polars frame.

    `reusing` holds rows already found of queries this one uses, with the same `params` on the same source
    (a page's earlier result): the statement reads them instead of computing them again. Same rows.
    Not `ordered`: the same rows without the query's closing ORDER BY, for a reader that only counts or draws
    them (sorting a region's 115,000 forensic queue items took as long as finding them).

    A query that runs longer than the engine's `query_seconds`, or past a `time_limit` around it, is
    interrupted (QueryTimeout).
    """
    query = load_query(name)
    values = bind_params(source, query, params)
    if name in KEPT_QUERIES:  # a row per decision: found once per day with decisions, and none without
        if _recorded(source):
            return pl.from_arrow(_kept(source, name, values))
        if name not in _NONE:  # its columns and their types, whatever the extract and day
            _NONE[name] = _run(source, query, values).clear()
        return _NONE[name]
    return _run(source, query, values, reusing, ordered)


def _run(
    source: Source, query: NamedQuery, values: dict, reusing: dict | None = None, ordered: bool = True
) -> pl.DataFrame:
    """The query run with bound `values`: from its snapshot, or composed with the snapshots, kept tables and rows
    found before (`reusing`) that it uses."""
    name = query.name
    usable = usable_snapshots(source, query, values)
    # a snapshot query is read from its table already, which the rows' relation would share a name with
    found = {u: rows.to_arrow() for u, rows in (reusing or {}).items() if u in query.uses and u not in SNAPSHOT_QUERIES}
    if _recorded(source):  # the day's decision status, else the decisions' events: found once, read as tables
        used = next((load_query(q) for q in KEPT_QUERIES if q in query.every_use), None)
        if used is not None:  # bound as a page asking for it on the day would bind it, so both read one table
            day = {"as_of": values["as_of"]} if "as_of" in used.parameters else {}
            found[used.name] = _kept(source, used.name, bind_params(source, used, day))
    elif "decision_events" in query.every_use:  # none recorded: no events, and nothing run for them
        found["decision_events"] = run_query(source, "decision_events").to_arrow()
    own_order = query.sql.rstrip().splitlines()[-1]
    # the query itself read from its snapshot in its own order, or composed with the snapshots it uses
    sql = snapshot_read(name) + "\n" + own_order if name in usable else composed(name, usable, frozenset(found))
    sql = sql if ordered else unordered(sql)
    if sql is not query.sql:  # snapshots stand in for some used queries: bind only what is left
        values = {k: v for k, v in values.items() if k in parameter_names(sql)}
    tables = {snapshot_table(used): rows for used, rows in found.items()}
    return run_sql(source, sql, values, what=f"query {name!r}", found=tables)


def _recorded(source: Source) -> bool:
    return source.decisions is not None and source.decisions.table.num_rows > 0


def _kept(source: Source, name: str, values: dict):
    """`name`'s rows with `values` as an Arrow table, found once for the decisions as read and kept with them, for
    the extract, scope and settings: a new version of the decisions is read afresh.

    decision_events does not depend on the day, so a page's decision_status at another month end joins a row per
    decision instead of the extract's assignments, actions, cases and supervision; the attention list reads the
    status table of its day that the Overview opened with, instead of computing it again inside its statement.
    """
    key = (id(source.db), source.schema, source.extract.extract_id, source.settings.fingerprint(), name)
    key += (repr(sorted(values.items())),)
    found = source.decisions.found
    rows = found.get(key)
    if rows is not None:
        return rows
    # The Overview's status and its attention list, started together, would each find the same table; the
    # second waits for the first's (the lock is re-entrant: decision_status finds decision_events inside it).
    with source.decisions.finding:
        rows = found.get(key)
        if rows is None:
            rows = found[key] = _run(source, load_query(name), values).to_arrow()
            for oldest in list(found)[: max(0, len(found) - KEPT)]:  # a month seen long ago is found again
                found.pop(oldest, None)
    return rows


def decisions_table(source: Source):
    """The decisions a query of `source` reads: those attached to it, or none (an empty table)."""
    if source.decisions is not None:
        return source.decisions.table
    return decisions_arrow_schema().empty_table()


def stream_frame(relation: duckdb.DuckDBPyRelation) -> pl.DataFrame:
    """The relation's rows as a Polars frame, read through the Arrow C stream: no PyArrow import, 0.1-0.2 s of a
    command's start. The relation plans its statement once more than executing it does (10-15 ms on the sample),
    so run_sql reads this way only while PyArrow is not loaded.

    Handed over as a plain namespace: Polars keeps the class of what it is given for as long as it is loaded,
    and DuckDB's relation class kept that way is reported as a leak when the interpreter ends."""
    return pl.DataFrame(SimpleNamespace(__arrow_c_stream__=relation.__arrow_c_stream__))


def run_sql(
    source: Source, sql: str, values: dict | None = None, what: str = "the query", found: dict | None = None
) -> pl.DataFrame:
    """SQL text (from a query file, never from a user) with bound values, under the time limit; `found` names
    Arrow tables of results already found that the statement reads as relations.

    Only one SELECT statement runs: the connection may read below the data root, and nothing that runs
    a query may write there (COPY ... TO, EXPORT DATABASE), attach a database or change a table.
    """
    seconds = said = source.settings.engine.query_seconds  # the wait, and the limit a timeout names
    limit = _LIMIT.get()
    if limit is not None and limit[0] - time.monotonic() < seconds:  # a limit around it ends first
        check_time(what)
        seconds, said = limit[0] - time.monotonic(), limit[1]
    cur = source.cursor()
    try:
        statements = cur.extract_statements(sql)  # the cursor's own: duckdb's module-level one opens a connection
    except duckdb.Error:
        cur.close()
        raise
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        cur.close()
        kinds = ", ".join(s.type.name for s in statements) or "none"
        raise QueryError(f"{what} is not one SELECT statement ({kinds}); only reading queries run")
    if "decisions" in sql:  # the store's decisions, as this run read them, are the relation `decisions`
        cur.register("decisions", decisions_table(source))
    for relation, table in (found or {}).items():
        cur.register(relation, table)
    timer = threading.Timer(seconds, cur.interrupt)
    timer.start()
    try:
        if "pyarrow" not in sys.modules:  # a command: no PyArrow to import, at the cost of a second planning
            return stream_frame(cur.sql(sql, params=values or None))
        cur.execute(sql, values or {})  # PyArrow loaded (the app's server): the statement is planned once
        return pl.from_arrow(cur.to_arrow_table())
    except duckdb.InterruptException:
        raise _stopped(what, said) from None
    finally:
        timer.cancel()
        cur.close()
