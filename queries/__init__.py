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


# Parameters that are not settings, with their values when not given. Null filters mean "everything".
DEFAULTS: dict[str, object] = {
    "months": 1,
    "units": None,
    "teams": None,
    "priorities": None,
    "device_types": None,
    "weeks": 12,
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


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql") if not p.stem.startswith("_"))


@functools.cache
def load_query(name: str) -> NamedQuery:
    """Read `queries/<name>.sql` and its header block (purpose, grain, parameters, columns)."""
    if name not in query_names():
        raise QueryError(f"unknown query {name!r}; known: {', '.join(query_names())}")
    own = (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
    header = _header(own)
    uses = tuple(u.strip() for line in header.get("uses", []) for u in line.split(",") if u.strip())
    sql = _compose(name, own, uses)
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


def _compose(name: str, own: str, uses: tuple[str, ...]) -> str:
    """Put each used query in front as a CTE of its own name, like dbt's ref()."""
    if not uses:
        return own
    lines = own.splitlines()
    try:
        at = next(i for i, line in enumerate(lines) if line.strip().lower() == "with")
    except StopIteration:
        raise QueryError(f"{name}.sql uses other queries, so it must open its CTEs with a line `with`") from None
    ctes = [f"{used} as (\n{load_query(used).sql.rstrip()}\n)," for used in uses]
    return "\n".join(lines[: at + 1] + ctes + lines[at + 1 :])


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
    return run_sql(source, query.sql, values, what=f"query {name!r}")


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
