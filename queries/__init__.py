"""The named queries (`queries/<name>.sql`) and the one runner that executes them."""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from unitload.db import Source

QUERY_DIR = Path(__file__).parent
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^']|'')*'|--[^\n]*")
_FINAL_ORDER = re.compile(r"\norder by [^;]*\Z", re.IGNORECASE)  # an unindented last clause: the query's own


# Parameters that are not settings, with their values when not given. Null filters mean "everything".
DEFAULTS: dict[str, object] = {
    "months": 1,
    "units": None,
    "teams": None,
    "priorities": None,
    "device_types": None,
    "weeks": 12,
    "opened_since": None,
}
LIST_PARAMS = ("units", "teams", "priorities", "device_types")


class QueryError(ValueError):
    """A query asked for by a wrong name or with the wrong parameters."""


class QueryTimeout(QueryError):
    """A query stopped because it ran longer than the engine's `query_seconds`."""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    sql: str
    purpose: str
    grain: str
    parameters: tuple[str, ...]  # the `$names` the SQL binds, its own and those of the queries it uses
    columns: tuple[str, ...]  # output columns, in order, as the header names them
    uses: tuple[str, ...] = ()  # named queries this one reads as CTEs of the same name
    own_parameters: tuple[str, ...] = ()  # the `$names` in this file itself, as its header lists them


MACROS = QUERY_DIR / "_macros.sql"  # shared definitions, created with each extract's views

# Queries that the app precomputes once per extract (`build_snapshots`): per-day series for every
# month end of its recent history, and whole-extract tables (no as-of day) that other queries filter.
# A query that uses one reads the snapshot when its days and settings match.
SNAPSHOT_QUERIES = (
    "case_progress",
    "officer_load",
    "forensic_queue",
    "first_progress",
    "first_holder",
    "exhibit_dates",
)
_SERIES = ("as_of", "months")


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql") if not p.stem.startswith("_"))


@functools.cache
def composed(name: str, snapshotted: frozenset[str] = frozenset()) -> str:
    """The query's SQL with its used queries as CTEs; those in `snapshotted` read their snapshot table."""
    own = (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
    uses = load_query(name).uses
    bodies = {used: _snapshot_body(used) if used in snapshotted else composed(used, snapshotted) for used in uses}
    return _compose(name, own, uses, bodies, inline=snapshotted) if uses else own


def _snapshot_body(name: str) -> str:
    """A snapshot table read as the query would compute it: the rows of the calendar's days."""
    if "months" not in load_query(name).parameters:  # not a series of days: the table is the result
        return "select * from snap_" + name  # noqa: S608  (name is one of SNAPSHOT_QUERIES)
    return (
        f"select s.* exclude (month_index), cal.month_index\n"
        f"from snap_{name} as s\njoin month_ends($as_of, $months) as cal on cal.d = s.as_of"
    )


@functools.cache
def load_query(name: str) -> NamedQuery:
    """Read `queries/<name>.sql` and its header block (purpose, grain, parameters, columns)."""
    if name not in query_names():
        raise QueryError(f"unknown query {name!r}; known: {', '.join(query_names())}")
    own = (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
    header = _header(own)
    uses = tuple(u.strip() for line in header.get("uses", []) for u in line.split(",") if u.strip())
    sql = _compose(name, own, uses, {u: load_query(u).sql for u in uses})
    return NamedQuery(
        name=name,
        sql=sql,
        purpose=" ".join(header.get("purpose", [])),
        grain=" ".join(header.get("grain", [])),
        parameters=_names(sql),
        columns=tuple(line.split()[0] for line in header.get("columns", []) if line.split()),
        uses=uses,
        own_parameters=_names(own),
    )


def _names(sql: str) -> tuple[str, ...]:
    return tuple(sorted(set(_PARAM.findall(_STRINGS_AND_COMMENTS.sub("", sql)))))


def _compose(
    name: str, own: str, uses: tuple[str, ...], bodies: dict[str, str], inline: frozenset[str] = frozenset()
) -> str:
    """Put each used query in front as a CTE of its own name, like dbt's ref().

    A CTE in `inline` (a read of a stored snapshot) is marked not materialized: read twice, it is
    scanned twice with each reader's filters, rather than copied whole first.
    """
    if not uses:
        return own
    lines = own.splitlines()
    try:
        at = next(i for i, line in enumerate(lines) if line.strip().lower() == "with")
    except StopIteration:
        raise QueryError(f"{name}.sql uses other queries, so it must open its CTEs with a line `with`") from None
    ctes = [
        f"{used} as {'not materialized ' if used in inline else ''}(\n{_unordered(bodies[used])}\n)," for used in uses
    ]
    return "\n".join(lines[: at + 1] + ctes + lines[at + 1 :])


def _unordered(sql: str) -> str:
    """A query's SQL without its closing top-level `order by`: as a CTE its rows are read, not shown,
    and sorting them is wasted (a sort of 350,000 rows cost more than the query that used them)."""
    return _FINAL_ORDER.sub("", sql.rstrip())


def _header(sql: str) -> dict[str, list[str]]:
    """Sections of the leading comment block: `-- section: text`, then entries as `--   name  text`.

    An entry is indented by three spaces; a line indented further continues the entry above it.
    """
    sections: dict[str, list[str]] = {}
    current = None
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        text = line[2:]
        match = re.match(r"^ (purpose|grain|uses|parameters|columns):\s*(.*)$", text)
        if match:
            current = match.group(1)
            keep = match.group(2) and current in ("purpose", "grain", "uses")
            sections[current] = [match.group(2)] if keep else []
        elif current in ("purpose", "grain", "uses") and text.strip() or current and re.match(r"^ {3}\S", text):
            sections[current].append(text.strip())
    return sections


def bind_params(source: Source, query: NamedQuery, params: dict[str, object]) -> dict[str, object]:
    """The values for every `$name` of the query: given ones first, then settings and the as-of day.

    A given name that the SQL does not use is an error, as is a `$name` left without a value.
    """
    unused = sorted(set(params) - set(query.parameters))
    if unused:
        raise QueryError(f"query {query.name!r} takes no parameter(s) {unused}; it takes {list(query.parameters)}")
    pool = (
        source.settings.sql_params()
        | DEFAULTS
        | {
            "as_of": source.extract.as_of,
            "supervision_recorded": "supervision" in source.present,  # the optional table was in the extract
        }
    )
    values = {}
    for name in query.parameters:
        if name in params:  # given explicitly; None is a value here (e.g. "no team filter")
            values[name] = params[name]
        elif pool.get(name) is not None or name in DEFAULTS or name == "supervision_recorded":
            values[name] = pool[name]
        else:
            raise QueryError(f"query {query.name!r} needs a value for ${name}")
    if isinstance(values.get("as_of"), str):
        try:
            values["as_of"] = dt.date.fromisoformat(values["as_of"])
        except ValueError:
            raise QueryError(f"query {query.name!r}: as_of {values['as_of']!r} is not a day YYYY-MM-DD") from None
    return values


def run_query(source: Source, name: str, **params: object) -> pl.DataFrame:
    """Run a named query on its own cursor with bound parameters; return a Polars frame.

    A query that runs longer than the engine's `query_seconds` is interrupted (QueryTimeout).
    """
    query = load_query(name)
    values = bind_params(source, query, params)
    usable = _usable_snapshots(source, query, values)
    if name in usable:  # the query itself, read from its snapshot in its own order
        sql = _snapshot_body(name) + "\n" + query.sql.rstrip().splitlines()[-1]
    else:
        sql = composed(name, usable)
    if sql is not query.sql:  # snapshots stand in for some used queries: bind only what is left
        values = {k: v for k, v in values.items() if k in _names(sql)}
    return run_sql(source, sql, values, what=f"query {name!r}")


def _used(name: str) -> set[str]:
    found = set()
    for used in load_query(name).uses:
        found |= {used} | _used(used)
    return found


def _usable_snapshots(source: Source, query: NamedQuery, values: dict[str, object]) -> frozenset[str]:
    """The snapshots this run may read: built for the source, covering its days, with the same settings."""
    built = source.db.snapshots.get(source.schema)
    if not built:
        return frozenset()
    days, with_values = built
    covered = False
    if "as_of" in values and "months" in values:
        try:
            covered = set(month_end_days(values["as_of"], int(values["months"]))) <= days
        except (TypeError, ValueError, OverflowError):
            covered = False
    usable = set()
    for used in (_used(query.name) | {query.name}) & set(SNAPSHOT_QUERIES):
        parameters = load_query(used).parameters
        same = all(values.get(p) == with_values[p] for p in parameters if p not in _SERIES)
        if same and (covered or "months" not in parameters):
            usable.add(used)
    return frozenset(usable)


def month_end_days(as_of: dt.date, months: int) -> list[dt.date]:
    """The days of `month_ends(as_of, months)` (queries/_macros.sql), computed in Python."""
    days = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        days.append(first - dt.timedelta(days=1))
        first = days[-1].replace(day=1)
    return days


def build_snapshots(source: Source, months: int = 37, chunk: int = 6) -> None:
    """Precompute the snapshot queries for the extract's as-of day and the month ends before it.

    First the extract's tables but `actions` are copied into memory (`Source.hold_in_memory`).

    Tables in the source's own schema (its scope's views), made once; later runs that use these
    queries on covered days and with the same settings read them instead of recomputing.
    """
    db = source.db
    if source.schema in db.snapshots or source.extract.as_of is None:
        return
    days = month_end_days(source.extract.as_of, months)
    values = source.settings.sql_params() | {"as_of": source.extract.as_of, "months": months}
    with db._lock:
        if source.schema in db.snapshots:
            return
        source.hold_in_memory()
        cur = source.cursor()
        for name in SNAPSHOT_QUERIES:
            query = load_query(name)
            if "months" not in query.parameters:
                cur.execute(
                    f"CREATE OR REPLACE TABLE snap_{name} AS " + query.sql, {p: values[p] for p in query.parameters}
                )
                continue
            # a few days at a time: the same rows as one run over every day, in a fraction of the memory
            for n, start in enumerate(range(0, len(days), chunk)):
                bound = {p: values[p] for p in query.parameters} | {
                    "as_of": days[start],
                    "months": len(days[start : start + chunk]),
                }
                into = f"CREATE OR REPLACE TABLE snap_{name} AS " if n == 0 else f"INSERT INTO snap_{name} "
                cur.execute(into + query.sql, bound)
        cur.close()
        db.snapshots[source.schema] = (frozenset(days), values)
        db.prepare(source.schema)


def run_sql(source: Source, sql: str, values: dict | None = None, what: str = "the query") -> pl.DataFrame:
    """SQL text (from a query file, never from a user) with bound values, under the time limit."""
    seconds = source.settings.engine.query_seconds
    cur = source.cursor()
    timer = threading.Timer(seconds, cur.interrupt)
    timer.start()
    try:
        return cur.sql(sql, params=values or {}).pl()
    except duckdb.InterruptException:
        raise QueryTimeout(
            f"{what} was stopped after {seconds:g} s (engine.query_seconds); narrow the filters or raise the limit"
        ) from None
    finally:
        timer.cancel()
        cur.close()
