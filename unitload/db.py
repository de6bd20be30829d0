"""One hardened DuckDB connection per process, and extracts bound into it as views."""

from __future__ import annotations

# SQL text here is built only from identifiers of the fixed contract lists, quoted by ident();
# every value is a bound parameter. ruff's S608 cannot tell the two apart.
# ruff: noqa: S608
import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from unitload.extract import Extract
from unitload.findings import ERROR, WARNING, Finding, has_errors
from unitload.schema import ACCEPTED_TYPES, SQL_TYPES, TABLES, Table
from unitload.settings import Engine, Settings

MACROS = Path(__file__).resolve().parent.parent / "queries" / "_macros.sql"
HELD = ("officers", "contracts", "absences", "supervision", "cases", "assignments", "exhibits")  # all but actions
KEEP_PREPARED = 2  # extracts kept with snapshots and tables in memory: the current one and the one before
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """Quote an identifier that comes from a fixed list; anything else is refused."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


def literal(text: str) -> str:
    """A SQL string literal for a file path found on disk (views cannot take parameters)."""
    return "'" + text.replace("'", "''") + "'"


class Database:
    """A DuckDB connection that can read only below `root`, with its configuration locked."""

    def __init__(self, root: str | Path, engine: Engine | None = None):
        engine = engine or Engine()
        self.root = Path(root).resolve()
        self._con = duckdb.connect(
            ":memory:",
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "threads": engine.threads,
                "memory_limit": engine.memory_limit,
            },
        )
        self._con.execute("SET allowed_directories = $dirs", {"dirs": [str(self.root) + "/"]})
        self._con.execute("SET enable_external_access = false")
        self._con.execute("SET lock_configuration = true")
        self._lock = threading.Lock()  # DDL on the shared connection, one at a time
        self.scenarios = ScenarioSchemas()
        self.scopes: dict[tuple[str, str], str] = {}  # (extract schema, scope key) -> scoped schema
        self.snapshots: dict[str, tuple[frozenset, dict]] = {}  # schema -> (days, values) of its snapshot tables
        self.views: dict[tuple[str, str], str] = {}  # (extract schema, table) -> its view over the Parquet files
        self.prepared: list[str] = []  # extract schemas with snapshots and tables in memory, oldest first

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for each query, so that threads never share a result."""
        return self._con.cursor()

    def prepare(self, schema: str) -> None:
        """Note an extract whose snapshots and in-memory tables were just made; give back those of
        extracts older than the newest KEEP_PREPARED (call with the lock held).

        A server that promotes an extract every day would otherwise grow by their size each day.
        The extracts given back stay servable (a pinned link, a fallback): their queries compute
        live from the Parquet files again.
        """
        self.prepared.append(schema)
        while len(self.prepared) > KEEP_PREPARED:
            self.release(self.prepared.pop(0))

    def release(self, schema: str) -> None:
        """Drop an extract's snapshots (and its scopes' views of them) and in-memory tables, and
        point its table views back at the Parquet files."""
        scoped = [found for (base, _), found in self.scopes.items() if base == schema]
        for name in (schema, *scoped):  # from now on, its queries are composed without snapshots
            self.snapshots.pop(name, None)
        cur = self.cursor()
        for name in scoped:
            for table in _snapshot_tables():
                cur.execute("DROP VIEW IF EXISTS " + ident(name) + "." + ident(table))
        for table in _snapshot_tables():
            cur.execute("DROP TABLE IF EXISTS " + ident(schema) + "." + ident(table))
        for table in HELD:
            if (schema, table) in self.views:
                cur.execute(self.views[(schema, table)])
            cur.execute("DROP TABLE IF EXISTS " + ident(schema) + "." + ident("mem_" + table))
        cur.close()

    def bind(self, extract: Extract, settings: Settings) -> Source:
        """Create a schema of views over the extract's Parquet files and return it with its findings."""
        if not extract.root.is_relative_to(self.root):
            raise ValueError(f"{extract.root} is outside the readable folder {self.root}")
        schema = "x_" + hashlib.sha256(f"{extract.root}|{extract.extract_id}".encode()).hexdigest()[:16]
        findings: list[Finding] = []
        present = set()
        with self._lock:
            cur = self.cursor()
            cur.execute("CREATE SCHEMA IF NOT EXISTS " + ident(schema))
            for table in TABLES:
                files = extract.files(table.name)
                view_sql, table_findings = _view_sql(cur, schema, table, files, extract.root)
                findings += table_findings
                if files and not has_errors(table_findings):
                    present.add(table.name)
                cur.execute(view_sql)
                self.views[(schema, table.name)] = view_sql
            cur.execute("USE " + ident(schema))
            cur.execute(MACROS.read_text(encoding="utf-8"))
            cur.close()
        return Source(self, extract, settings, schema, findings, frozenset(present))


class ScenarioSchemas:
    """Scenario copies of an extract's staffing tables, kept for the most recent scenarios only."""

    KEEP = 32

    def __init__(self):
        self.made: dict[str, None] = {}  # schema name -> None, oldest first


@dataclass
class Source:
    """One extract bound into the database, with the settings its queries use."""

    db: Database
    extract: Extract
    settings: Settings
    schema: str
    structure: list[Finding] = field(default_factory=list)
    present: frozenset[str] = frozenset()

    @property
    def usable(self) -> bool:
        """True when every table could be read with the contract's columns and types."""
        return not has_errors(self.structure)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self.db.cursor()
        cur.execute("USE " + ident(self.schema))
        return cur

    def hold_in_memory(self) -> None:
        """Copy the HELD tables from their Parquet files into memory once; point their views at the copies.

        Same rows and columns; later queries skip reading and decoding the files. `actions`, by far
        the largest table, stays on disk: the queries that scan it read month-end snapshots.
        Call only on a validated extract, with its own lock held (views are replaced).
        """
        cur = self.cursor()
        for name in HELD:
            if name in self.present:
                copy = ident(self.schema) + "." + ident("mem_" + name)
                cur.execute("CREATE OR REPLACE TABLE " + copy + " AS SELECT * FROM " + ident(name))
                cur.execute("CREATE OR REPLACE VIEW " + ident(name) + " AS SELECT * FROM " + copy)
        cur.close()

    def scoped(self, scope) -> Source:
        """This extract as one user's scope sees it (`unitload.access.Scope`): a schema of views that
        keep only the scope's teams and pseudonymise names when the role may not see them.

        Team scope: officers of the teams; their contracts, absences and supervision; the cases ever
        assigned to them, with all of those cases' assignments, actions and exhibits (officers of other
        teams appear in a shared case's history by id only).
        """
        made = self.db.scopes
        found = made.get((self.schema, scope.key))
        if found is None:
            found = "r_" + hashlib.sha256(f"{self.schema}|{scope.key}".encode()).hexdigest()[:16]
            with self.db._lock:
                cur = self.db.cursor()
                _create_scope(cur, self.schema, found, scope.teams, scope.names)
                if self.schema in self.db.snapshots:
                    _scope_snapshots(cur, self.schema, found, scope.teams)
                    self.db.snapshots[found] = self.db.snapshots[self.schema]
                cur.close()
            made[(self.schema, scope.key)] = found
        return Source(self.db, self.extract, self.settings, found, self.structure, self.present)

    def derive(self, key: str, replaced: dict) -> Source:
        """A source whose `replaced` tables (name -> Polars frame) stand in for the extract's, the rest unchanged.

        The planner's scenarios run the same named queries on it. `key` names the scenario (a hash).
        """
        schema = "s_" + key
        made = self.db.scenarios.made
        with self.db._lock:
            if schema not in made:
                cur = self.db.cursor()
                cur.execute("CREATE SCHEMA IF NOT EXISTS " + ident(schema))
                for table in TABLES:
                    target = f"{ident(schema)}.{ident(table.name)}"
                    if table.name in replaced:
                        cur.register("_scenario_frame", replaced[table.name].to_arrow())
                        cur.execute("CREATE OR REPLACE TABLE " + target + " AS SELECT * FROM _scenario_frame")
                        cur.unregister("_scenario_frame")
                    else:
                        base = f"{ident(self.schema)}.{ident(table.name)}"
                        cur.execute("CREATE OR REPLACE VIEW " + target + " AS SELECT * FROM " + base)
                cur.execute("USE " + ident(schema))
                cur.execute(MACROS.read_text(encoding="utf-8"))
                cur.close()
                made[schema] = None
                while len(made) > ScenarioSchemas.KEEP:
                    oldest = next(iter(made))
                    del made[oldest]
                    self.db.cursor().execute("DROP SCHEMA IF EXISTS " + ident(oldest) + " CASCADE")
        return Source(self.db, self.extract, self.settings, schema, self.structure, self.present)


_BY_OFFICER = ("contracts", "absences", "supervision")
_BY_CASE = ("assignments", "actions", "exhibits")


def _create_scope(cur, base: str, schema: str, teams: tuple[str, ...] | None, names: bool) -> None:
    """The views of one scope over the extract's views in `base` (team codes are bound values)."""
    b, s = ident(base), ident(schema)
    cur.execute("CREATE SCHEMA IF NOT EXISTS " + s)
    cur.execute("CREATE OR REPLACE TABLE " + s + ".scope_teams (team VARCHAR)")
    for team in teams or ():
        cur.execute("INSERT INTO " + s + ".scope_teams VALUES ($team)", {"team": team})
    shown = "display_name" if names else "officer_id"
    in_teams = " WHERE team IN (SELECT team FROM " + s + ".scope_teams)" if teams is not None else ""
    view = "CREATE OR REPLACE VIEW " + s + "."
    cur.execute(
        view + '"officers" AS SELECT * REPLACE (' + shown + " AS display_name) FROM " + b + ".officers" + in_teams
    )
    scoped_officers = "(SELECT officer_id FROM " + s + ".officers)"
    for name in _BY_OFFICER:
        where = " WHERE officer_id IN " + scoped_officers if teams is not None else ""
        cur.execute(view + ident(name) + " AS SELECT * FROM " + b + "." + ident(name) + where)
    where = (
        " WHERE case_id IN (SELECT case_id FROM " + b + ".assignments WHERE officer_id IN " + scoped_officers + ")"
        if teams is not None
        else ""
    )
    cur.execute(view + '"cases" AS SELECT * FROM ' + b + ".cases" + where)
    for name in _BY_CASE:
        where = " WHERE case_id IN (SELECT case_id FROM " + s + ".cases)" if teams is not None else ""
        cur.execute(view + ident(name) + " AS SELECT * FROM " + b + "." + ident(name) + where)
    cur.execute("USE " + s)
    cur.execute(MACROS.read_text(encoding="utf-8"))


def _snapshot_tables() -> tuple[str, ...]:
    """The snapshot tables an extract's schema holds once prepared (`queries.build_snapshots`)."""
    from queries import SNAPSHOT_QUERIES  # queries builds on this module: imported when first used

    return tuple("snap_" + name for name in SNAPSHOT_QUERIES)


def _scope_snapshots(cur, base: str, schema: str, teams: tuple[str, ...] | None) -> None:
    """The extract's snapshot tables as the scope's views would compute them (no name is in them).

    For a team scope: its officers and cases only; a case held on D by an officer outside the scope
    shows that officer by id, with no team, not absent and not left, as the scoped views give it;
    its exhibits in the forensic queue have no officer in charge at all (the query joins officers).
    """
    b, s = ident(base), ident(schema)
    view = "CREATE OR REPLACE VIEW " + s + "."
    if teams is None:
        for name in _snapshot_tables():
            cur.execute(view + ident(name) + " AS SELECT * FROM " + b + "." + ident(name))
        return
    ours = "(SELECT officer_id FROM " + s + ".officers)"
    cases = "(SELECT case_id FROM " + s + ".cases)"
    cur.execute(
        view + '"snap_case_progress" AS SELECT * REPLACE ('
        "CASE WHEN officer_id IN " + ours + " THEN oic_team END AS oic_team, "
        "oic_absent AND officer_id IN " + ours + " AS oic_absent, "
        "oic_left AND officer_id IN " + ours + " AS oic_left) "
        "FROM " + b + ".snap_case_progress WHERE case_id IN " + cases
    )
    cur.execute(view + '"snap_officer_load" AS SELECT * FROM ' + b + ".snap_officer_load WHERE officer_id IN " + ours)
    cur.execute(  # as the live query's join with the scope's officers: another team's officer is no holder
        view + '"snap_forensic_queue" AS SELECT * REPLACE ('
        "CASE WHEN officer_id IN " + ours + " THEN officer_id END AS officer_id, "
        "CASE WHEN officer_id IN " + ours + " THEN oic_team END AS oic_team) "
        "FROM " + b + ".snap_forensic_queue WHERE case_id IN " + cases
    )
    cur.execute(
        view + '"snap_first_holder" AS SELECT * REPLACE (CASE WHEN officer_id IN ' + ours + " THEN team END AS team) "
        "FROM " + b + ".snap_first_holder WHERE case_id IN " + cases
    )
    for name in ("snap_first_progress", "snap_exhibit_dates"):
        cur.execute(view + ident(name) + " AS SELECT * FROM " + b + "." + ident(name) + " WHERE case_id IN " + cases)


def _view_sql(cur, schema: str, table: Table, files: list[Path], root: Path) -> tuple[str, list[Finding]]:
    """The CREATE VIEW statement for one table and what stops it from being read."""
    name = f"{ident(schema)}.{ident(table.name)}"
    empty = _empty_view(name, table)
    if not files:
        if table.required:
            return empty, [
                Finding(
                    ERROR,
                    table.name,
                    "",
                    "required_table",
                    0,
                    f"required table is missing: no {table.name}.parquet or {table.name}/ folder",
                )
            ]
        return empty, []
    file_list = "[" + ", ".join(literal(str(p)) for p in files) + "]"
    source = f"read_parquet({file_list}, union_by_name = true)"
    shown = ", ".join(str(p.relative_to(root)) for p in files[:3])
    try:
        described = cur.sql("DESCRIBE SELECT * FROM " + source).fetchall()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        return empty, [
            Finding(ERROR, table.name, "", "readable_parquet", 0, f"not a readable Parquet file: {reason}", file=shown)
        ]
    found = {row[0]: str(row[1]) for row in described}
    findings = []
    select = []
    for column in table.columns:
        target = SQL_TYPES[column.type]
        if column.name not in found:
            if column.optional:
                select.append(f"CAST({_default(column)} AS {target}) AS {ident(column.name)}")
                if column.default is None:
                    findings.append(
                        Finding(
                            WARNING,
                            table.name,
                            column.name,
                            "optional_column",
                            0,
                            "column is missing; every row is treated as null",
                            file=shown,
                        )
                    )
                continue
            findings.append(
                Finding(ERROR, table.name, column.name, "required_column", 0, "required column is missing", file=shown)
            )
            continue
        actual = found[column.name]
        if actual.split("(")[0] not in ACCEPTED_TYPES[column.type]:
            findings.append(
                Finding(
                    ERROR,
                    table.name,
                    column.name,
                    "column_type",
                    0,
                    f"has type {actual}; expected {column.type} ({target})",
                    file=shown,
                )
            )
            continue
        value = ident(column.name)
        if column.default is not None:
            value = f"coalesce({value}, {_default(column)})"
        select.append(f"CAST({value} AS {target}) AS {ident(column.name)}")
    if has_errors(findings):
        return empty, findings
    return f"CREATE OR REPLACE VIEW {name} AS SELECT {', '.join(select)} FROM {source}", findings


def _default(column) -> str:
    return "NULL" if column.default is None else repr(float(column.default))


def _empty_view(name: str, table: Table) -> str:
    columns = ", ".join(f"CAST(NULL AS {SQL_TYPES[c.type]}) AS {ident(c.name)}" for c in table.columns)
    return f"CREATE OR REPLACE VIEW {name} AS SELECT {columns} WHERE false"


def open_source(data: str | Path, settings: Settings | None = None) -> Source:
    """Open one extract in a database of its own (the command line's way; the app shares one)."""
    from unitload.extract import open_extract

    settings = settings or Settings()
    extract = open_extract(data)
    return Database(extract.root, settings.engine).bind(extract, settings)
