"""One hardened DuckDB connection per process, and extracts bound into it as views."""

from __future__ import annotations

# SQL text here is built only from identifiers of the fixed contract lists, quoted by ident();
# every value is a bound parameter. ruff's S608 cannot tell the two apart.
# ruff: noqa: S608
import atexit
import dataclasses
import datetime as dt
import hashlib
import re
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from unitload.extract.findings import ERROR, WARNING, Finding, has_errors
from unitload.extract.folder import Extract, open_extract
from unitload.extract.schema import ACCEPTED_TYPES, SQL_TYPES, TABLES, Table
from unitload.settings import Engine, Settings

MACROS = Path(__file__).resolve().parents[2] / "queries" / "_macros.sql"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_OPEN: weakref.WeakSet[Database] = weakref.WeakSet()  # closed at exit, before the bindings' own teardown


def ident(name: str) -> str:
    """Quote an identifier that comes from a fixed list; anything else is refused."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


def literal(text: str) -> str:
    """A SQL string literal for a file path found on disk (views cannot take parameters)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Recorded:
    """The decisions of a store as one Arrow table, and a version that changes whenever one is recorded."""

    table: object  # pyarrow.Table, the columns of unitload.store.tables.decisions
    version: tuple[int, int]  # (count, greatest decision_id)
    # what queries found from these decisions and an extract, kept while they are the ones read (queries.runner)
    found: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    # held while one of them is found, so that a page's queries started together find it once (queries.runner)
    finding: threading.RLock = field(default_factory=threading.RLock, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class SnapshotSet:
    """The snapshot tables of one schema (queries.snapshots): the days they hold, the values they used."""

    days: frozenset[dt.date]
    values: dict[str, object]
    names: frozenset[str] = frozenset()  # the snapshot queries this schema may read
    ahead: frozenset[dt.date] = frozenset()  # month ends after the as-of day, held by queries.snapshots.AHEAD_OF


class Database:
    """A DuckDB connection that can read only below `root`, with its configuration locked."""

    def __init__(self, root: str | Path, engine: Engine | None = None):
        engine = engine or Engine()
        self.root = Path(root).resolve()
        con = duckdb.connect(
            ":memory:",
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "threads": engine.threads,
                "memory_limit": engine.memory_limit,
                # no automatic checkpoint: one compresses every table held in memory (a second at force
                # scale), and it fell on whichever request happened to cross the 16 MiB of changes
                "checkpoint_threshold": "1TB",
            },
        )
        con.execute("SET allowed_directories = $dirs", {"dirs": [str(self.root) + "/"]})
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        self._con: duckdb.DuckDBPyConnection | None = con  # None once closed (close)
        self.lock = threading.Lock()  # schema changes (DDL) on the shared connection, one at a time
        self.scenarios: dict[str, None] = {}  # scenario schemas, oldest first (Source.derive)
        self.scopes: dict[tuple[str, str], str] = {}  # (extract schema, scope key) -> scoped schema
        self.team_scopes: set[str] = set()  # the scoped schemas limited to teams (unitload.access.views)
        self.snapshots: dict[str, SnapshotSet] = {}  # schema -> its snapshot tables (queries.snapshots)
        self.views: dict[tuple[str, str], str] = {}  # (extract schema, table) -> its view over the Parquet files
        self.prepared: list[str] = []  # extract schemas with snapshots and tables in memory, oldest first
        _OPEN.add(self)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for each query, so that threads never share a result."""
        con = self._con
        if con is None:
            raise duckdb.ConnectionException(f"the database over {self.root} is closed")
        return con.cursor()

    def close(self) -> None:
        """Close the connection and let go of it (closing again does nothing)."""
        con, self._con = self._con, None
        if con is not None:
            con.close()

    def bind(self, extract: Extract, settings: Settings) -> Source:
        """Create a schema of views over the extract's Parquet files and return it with its findings.

        The schema is the extract's with these settings: opened again with other settings (a changed settings
        file), it is another schema, with snapshots of its own made from them."""
        if not extract.root.is_relative_to(self.root):
            raise ValueError(f"{extract.root} is outside the readable folder {self.root}")
        opened = f"{extract.root}|{extract.extract_id}|{settings.opening_fingerprint()}"
        schema = "x_" + hashlib.sha256(opened.encode()).hexdigest()[:16]
        findings: list[Finding] = []
        present = set()
        with self.lock:
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


@atexit.register
def close_all() -> None:
    """Close every database and let go of its connection while the interpreter is whole.

    A connection object still alive when DuckDB's bindings are torn down is reported as a leak, with
    every object of the bindings (about 40 lines). A database can outlive the interpreter's last
    collection: Streamlit's script module keeps the frame's extract, and a cycle reached from it is
    never collected. Closing alone leaves the object alive; letting go frees it now.
    """
    for db in list(_OPEN):
        db.close()


SCENARIOS_KEPT = 32  # scenario schemas kept, the most recent


@dataclass
class Source:
    """One extract bound into the database, with the settings its queries use."""

    db: Database
    extract: Extract
    settings: Settings
    schema: str
    structure: list[Finding] = field(default_factory=list)
    present: frozenset[str] = frozenset()
    # the product's decisions (DATA_CONTRACT.md section 6), read from its store: the `decisions` relation the
    # queries that read decisions see (unitload.decisions.ledger); None: none recorded
    decisions: Recorded | None = None

    @property
    def usable(self) -> bool:
        """True when every table could be read with the contract's columns and types."""
        return not has_errors(self.structure)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self.db.cursor()
        cur.execute("USE " + ident(self.schema))
        return cur

    def within(self, schema: str) -> Source:
        """This extract as the views of another schema of the same database give it (a scope)."""
        return Source(self.db, self.extract, self.settings, schema, self.structure, self.present, self.decisions)

    def with_decisions(self, decisions: Recorded | None) -> Source:
        """This extract with the decisions read from the store now (a run's, a command's)."""
        return dataclasses.replace(self, decisions=decisions)

    def hold_in_memory(self) -> None:
        """Copy the tables marked `in_memory` from their Parquet files into memory once; point their views
        at the copies.

        Same rows and columns; later queries skip reading and decoding the files. Call only on a
        validated extract, with the database's lock held (views are replaced).
        """
        cur = self.cursor()
        for table in TABLES:
            if table.in_memory and table.name in self.present:
                self.hold(cur, table.name)
        cur.close()

    def hold(self, cur, view: str) -> None:
        """Copy what the view `view` of this schema reads (an extract's table, a snapshot's file) into memory as
        `mem_<view>`, on `cur`, and point the view at the copy."""
        copy = ident(self.schema) + "." + ident("mem_" + view)
        cur.execute("CREATE OR REPLACE TABLE " + copy + " AS SELECT * FROM " + ident(view))
        cur.execute("CREATE OR REPLACE VIEW " + ident(view) + " AS SELECT * FROM " + copy)

    def let_go_of_memory(self) -> None:
        """Point the views back at the Parquet files and drop the in-memory copies (lock held).

        When the files are gone (an extract pruned by `promote --keep` while it was served), the extract can
        never be served again: its schema, and its scopes', are dropped instead.
        """
        cur = self.db.cursor()
        try:
            for table in TABLES:
                if (self.schema, table.name) in self.db.views:
                    cur.execute(self.db.views[(self.schema, table.name)])
                cur.execute("DROP TABLE IF EXISTS " + ident(self.schema) + "." + ident("mem_" + table.name))
        except duckdb.IOException:
            self._forget(cur)
        finally:
            cur.close()

    def _forget(self, cur) -> None:
        """Drop this extract's schema and its scopes' schemas, and every note of them (lock held)."""
        scoped = [key for key, schema in self.db.scopes.items() if key[0] == self.schema]
        for schema in [self.schema, *(self.db.scopes.pop(key) for key in scoped)]:
            cur.execute("DROP SCHEMA IF EXISTS " + ident(schema) + " CASCADE")
            self.db.snapshots.pop(schema, None)
        for key in [k for k in self.db.views if k[0] == self.schema]:
            del self.db.views[key]

    def derive(self, key: str, replaced: dict) -> Source:
        """A source whose `replaced` tables (name -> Polars frame) stand in for the extract's, the rest unchanged.

        The planner's scenarios run the same named queries on it. `key` names the scenario (a hash).
        """
        schema = "s_" + key
        made = self.db.scenarios
        with self.db.lock:
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
                while len(made) > SCENARIOS_KEPT:
                    oldest = next(iter(made))
                    del made[oldest]
                    self.db.cursor().execute("DROP SCHEMA IF EXISTS " + ident(oldest) + " CASCADE")
        return self.within(schema)


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
        described = cur.execute("DESCRIBE SELECT * FROM " + source).fetchall()
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
    settings = settings or Settings()
    extract = open_extract(data)
    return Database(extract.root, settings.engine).bind(extract, settings)


def decisions_arrow_schema():
    """The decisions table as the queries read it (an Arrow table registered as `decisions`): the columns of
    unitload.store.tables.decisions, here so that a query needs no SQLAlchemy (0.13 s of `unitload query`)."""
    import pyarrow as pa  # here: opening a store for notify or a decision needs no Arrow

    return pa.schema(
        [
            ("decision_id", pa.int64()),
            ("item", pa.string()),
            ("officer_id", pa.string()),
            ("case_id", pa.string()),
            ("action", pa.string()),
            ("to_officer", pa.string()),
            ("owner_id", pa.string()),
            ("decided_on", pa.date32()),
            ("due_on", pa.date32()),
            ("decided_by", pa.string()),
            ("note", pa.string()),
            ("recorded_at", pa.timestamp("us", tz="UTC")),
        ]
    )
