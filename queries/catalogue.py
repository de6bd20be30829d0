"""The catalogue of named queries (`queries/<name>.sql`): their SQL, headers, composition and parameters."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unitload.extract.db import Source

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
    every_use: tuple[str, ...] = ()  # the queries it uses, directly or not, each after what it uses


# Queries that the app precomputes once per extract (`queries.snapshots`): per-day series for every
# month end of its recent history, and whole-extract tables (no as-of day) that other queries filter.
# A query that uses one reads the snapshot when its days and settings match.
SNAPSHOT_QUERIES = (
    "case_progress",
    "officer_load",
    "forensic_queue",
    "workload_groups",  # after the three it is made from: built from their snapshot tables
    "first_action",
    "exhibit_dates",
    "officer_supervision",
    "team_flow",  # on the as-of day only: the planner's 12-month projection (1.3 s of its first run at region scale)
)
SERIES = ("as_of", "months")  # the parameters that pick a snapshot's days, not its values


DECISION_READERS = frozenset({"decision_status", "decision_events"})  # the queries that read the decisions table


def reads_decisions(name: str) -> bool:
    """Whether the query reads the decisions, itself or through a query it uses (attention_list does)."""
    query = load_query(name)
    return name in DECISION_READERS or bool(DECISION_READERS & set(query.every_use))


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql") if not p.stem.startswith("_"))


@functools.cache
def composed(name: str, snapshotted: frozenset[str] = frozenset(), found: frozenset[str] = frozenset()) -> str:
    """The query's SQL with every query it uses, directly or not, as a CTE of its own, once (those in
    `snapshotted` read their snapshot table, those in `found` the table of their rows registered as it, and
    what only they use is left out)."""
    own = (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
    uses = _needed(name, snapshotted | found)
    bodies = {used: _own(used) for used in uses}
    bodies |= {used: snapshot_read(used) for used in uses if used in snapshotted}
    bodies |= {used: "select * from " + snapshot_table(used) for used in uses if used in found}  # noqa: S608 - a name of the catalogue
    return _compose(name, own, uses, bodies, inline=snapshotted | found) if uses else own


def _needed(name: str, snapshotted: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Every query `name` uses, directly or through another, each once and after all it uses itself: one CTE
    each at the top of the statement, so that a query two others use is computed once (attention_list and
    decision_status both read officer_load). A snapshotted query's own uses are not needed for it."""
    order: dict[str, None] = {}

    def visit(query: str) -> None:
        for used in load_query(query).uses:
            if used not in order:
                if used not in snapshotted:
                    visit(used)
                order[used] = None

    visit(name)
    return tuple(order)


def _own(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def snapshot_table(name: str) -> str:
    """The table that holds a snapshot query's rows in its extract's schema."""
    return "snap_" + name


def snapshot_read(name: str) -> str:
    """A snapshot table read as the query would compute it: the rows of the calendar's days."""
    if "months" not in load_query(name).parameters:  # not a series of days: the table is the result
        return "select * from " + snapshot_table(name)  # noqa: S608  (name is one of SNAPSHOT_QUERIES)
    return (
        f"select s.* exclude (month_index), cal.month_index\n"
        f"from {snapshot_table(name)} as s\njoin month_ends($as_of, $months) as cal on cal.d = s.as_of"
    )


@functools.cache
def load_query(name: str) -> NamedQuery:
    """Read `queries/<name>.sql` and its header block (purpose, grain, parameters, columns)."""
    if name not in query_names():
        raise QueryError(f"unknown query {name!r}; known: {', '.join(query_names())}")
    own = (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
    header = _header(own)
    uses = tuple(u.strip() for line in header.get("uses", []) for u in line.split(",") if u.strip())
    every = _transitive(uses)
    sql = _compose(name, own, every, {u: _own(u) for u in every})
    return NamedQuery(
        name=name,
        sql=sql,
        purpose=" ".join(header.get("purpose", [])),
        grain=" ".join(header.get("grain", [])),
        parameters=parameter_names(sql),
        columns=tuple(line.split()[0] for line in header.get("columns", []) if line.split()),
        uses=uses,
        own_parameters=parameter_names(own),
        every_use=every,
    )


def _transitive(uses: tuple[str, ...]) -> tuple[str, ...]:
    """`uses` and what they use, each once, after what it uses (load_query's composition, no snapshots)."""
    order: dict[str, None] = {}
    for used in uses:
        for inner in load_query(used).every_use:
            order.setdefault(inner, None)
        order.setdefault(used, None)
    return tuple(order)


def parameter_names(sql: str) -> tuple[str, ...]:
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
        f"{used} as {'not materialized ' if used in inline else ''}(\n{unordered(bodies[used])}\n)," for used in uses
    ]
    return "\n".join(lines[: at + 1] + ctes + lines[at + 1 :])


def unordered(sql: str) -> str:
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


def extract_values(source: Source) -> dict[str, object]:
    """The values a run takes from the extract itself: its as-of day, and whether it holds the optional
    supervision table."""
    return {"as_of": source.extract.as_of, "supervision_recorded": "supervision" in source.present}


def bind_params(source: Source, query: NamedQuery, params: dict[str, object]) -> dict[str, object]:
    """The values for every `$name` of the query: given ones first, then settings and the as-of day.

    A given name that the SQL does not use is an error, as is a `$name` left without a value.
    """
    unused = sorted(set(params) - set(query.parameters))
    if unused:
        raise QueryError(f"query {query.name!r} takes no parameter(s) {unused}; it takes {list(query.parameters)}")
    pool = source.settings.sql_params() | DEFAULTS | extract_values(source)
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
