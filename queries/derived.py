"""Snapshots made once, at promotion: written into the promoted extract as Parquet under `derived/`, with
the validation's findings, and attached by the app instead of being computed again on every start.

`derived/derived.json` records what they were made from: the extract's manifest, the code that makes them
(the query files, the validation rules and the table of tables), the metric settings the snapshot queries
bind, and the number of month ends. The app attaches them only when every one of those is what it would
use now; otherwise it validates and builds as before. No Streamlit here.
"""

from __future__ import annotations

# SQL text here is built only from the snapshot table names of SNAPSHOT_QUERIES, quoted by ident(); the
# paths below the extract are bound values, but in the snapshots' views of their files, which cannot take
# parameters: there the path, found on disk, is a quoted literal (extract.db.literal), as in the extract's own
# views. ruff's S608 cannot tell these from values.
# ruff: noqa: S608
import hashlib
import json
from pathlib import Path

from queries.catalogue import QUERY_DIR, SNAPSHOT_QUERIES, snapshot_table
from queries.snapshots import AHEAD, AHEAD_OF, build_snapshots, mark_built, snapshot_values
from unitload.extract.db import Source, ident, literal
from unitload.extract.findings import Finding
from unitload.extract.folder import DERIVED
from unitload.extract.schema import TABLES

RECORD = "derived.json"
CODE = (  # the code a derived file depends on, besides the query files
    Path(__file__).resolve().parent.parent / "unitload" / "extract" / "checks.py",
    Path(__file__).resolve().parent.parent / "unitload" / "extract" / "validate.py",
    Path(__file__).resolve().parent.parent / "unitload" / "extract" / "schema.py",
)


def made_from(source: Source, months: int) -> dict[str, object]:
    """What derived files made now from `source` would depend on; equal records mean equal files."""
    code = hashlib.sha256()
    for path in [*sorted(QUERY_DIR.glob("*.sql")), *CODE]:
        code.update(path.name.encode() + b"\0" + path.read_bytes())
    values = snapshot_values(source, months)
    return {
        "manifest": hashlib.sha256((source.extract.root / "manifest.json").read_bytes()).hexdigest(),
        "code": code.hexdigest(),
        "values": json.dumps(values, default=str, sort_keys=True),
        "months": months,
        "ahead": sorted(AHEAD_OF) + [AHEAD],  # what else the snapshot tables hold (queries.snapshots)
    }


def save(source: Source, months: int, findings: list[Finding]) -> Path:
    """Build the snapshots and write them, with the findings, under the extract's `derived/` folder."""
    build_snapshots(source, months)
    folder = source.extract.root / DERIVED
    folder.mkdir(exist_ok=True)
    cur = source.cursor()
    files = {}
    try:
        for name in SNAPSHOT_QUERIES:
            table = snapshot_table(name)
            path = folder / f"{table}.parquet"
            cur.table(table).write_parquet(str(path))  # by name from a fixed list: no SQL text
            files[table] = hashlib.sha256(path.read_bytes()).hexdigest()
    finally:
        cur.close()
    record = made_from(source, months) | {"files": files, "findings": [f.as_dict() for f in findings]}
    written = folder / RECORD
    written.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return written


def attach(source: Source, months: int, held_now: bool = True) -> list[Finding] | None:
    """Attach the snapshots made at promotion and return the findings validation gave then; None (and
    nothing attached) when there are none, or they were made from anything other than what is used now.

    They are read from their files at once; with `held_now`, the extract's tables and the snapshots are then
    copied into memory (`hold_attached`). The app does that behind its first page instead: at force scale
    the copies take 0.8 s of a first page's 1.3 s."""
    folder = source.extract.root / DERIVED
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or any(record.get(k) != v for k, v in made_from(source, months).items()):
        return None
    files = record.get("files") or {}
    paths = attached_files(source)
    if set(files) != set(paths) or not all(p.is_file() for p in paths.values()):
        return None
    db, attached_now = source.db, False
    with db.lock:
        if source.schema not in db.snapshots:
            attached_now = True
            cur = source.cursor()
            try:
                for table, path in paths.items():  # views cannot take parameters: the path as a literal
                    read = f"read_parquet({literal(str(path))})"
                    cur.execute(f"CREATE OR REPLACE VIEW {ident(table)} AS SELECT * FROM {read}")
            finally:
                cur.close()
            mark_built(source, months)
    if held_now and attached_now:
        hold_attached(source)
    return [Finding(**{**f, "examples": tuple(f.get("examples", ()))}) for f in record.get("findings", [])]


def attached_files(source: Source) -> dict[str, Path]:
    """Each snapshot table's file under the extract's `derived/` folder."""
    folder = source.extract.root / DERIVED
    return {table: folder / f"{table}.parquet" for table in map(snapshot_table, SNAPSHOT_QUERIES)}


def hold_attached(source: Source, progress=None) -> bool:
    """Copy the extract's tables and its attached snapshots into memory, a statement at a time, each under the
    database's lock; each view then reads its copy. Same rows; later runs skip decoding the files.

    False, and nothing more copied, once the extract's snapshots are released (`queries.snapshots.release`,
    which drops the copies) or `progress(done, steps, what)` raises."""
    db = source.db
    cur = source.cursor()
    try:  # copies made before (the extract opened again): not made twice
        held = cur.execute("select table_name from duckdb_tables() where schema_name = $s", {"s": source.schema})
        held = {row[0].removeprefix("mem_") for row in held.fetchall() if row[0].startswith("mem_")}
    finally:
        cur.close()
    tables = [t for t in TABLES if t.in_memory and t.name in source.present and t.name not in held]
    names = [t.name for t in tables] + [table for table in attached_files(source) if table not in held]
    for done, name in enumerate(names):
        if progress is not None:
            progress(done, len(names), name)
        with db.lock:
            if source.schema not in db.snapshots:
                return False
            cur = source.cursor()
            try:
                source.hold(cur, name)  # what its view reads now: the table's or the snapshot's file
            finally:
                cur.close()
    return True
