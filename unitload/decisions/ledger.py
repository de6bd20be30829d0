"""Recording decisions and reading them back: the `decisions` table of the store, append-only.

Recording takes the table's write lock first (SQLite's BEGIN IMMEDIATE, PostgreSQL's exclusive table lock), so
that decision ids increase in the order decisions are recorded, whatever the number of writers. Reading gives
every decision as one Arrow table, the relation `decisions` the queries read, read again only when a decision
was recorded since (its version: the count and the greatest id).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import sqlalchemy as sa

from unitload.decisions.checks import Decision
from unitload.extract.db import Recorded, decisions_arrow_schema
from unitload.store import Store, open_store
from unitload.store.tables import decisions

_READ: dict[str, Recorded] = {}
_LOCK = threading.Lock()


def record(store: Store, decision: Decision, now: dt.datetime | None = None) -> int:
    """Append a checked decision; its decision_id."""
    values = {
        "item": decision.item,
        "officer_id": decision.item_id if decision.item == "officer" else None,
        "case_id": decision.item_id if decision.item == "case" else None,
        "action": decision.action,
        "to_officer": decision.to_officer or None,
        "owner_id": decision.owner_id,
        "decided_on": decision.decided_on,
        "due_on": decision.due_on,
        "decided_by": decision.decided_by.strip(),
        "note": decision.note or None,
    }
    with store.engine.begin() as db:  # SQLite: the write lock is taken as the transaction begins
        if not store.is_sqlite:  # ids in the order of commits: one writer at a time
            db.execute(sa.text("lock table decisions in exclusive mode"))
        values["recorded_at"] = now or dt.datetime.now(dt.UTC)  # read with the lock held: in the ids' order
        return db.execute(decisions.insert().values(**values)).inserted_primary_key[0]


def read(store: Store) -> Recorded:
    """Every decision of the store, as the queries read them (cached until one is recorded)."""
    with store.engine.connect() as db:
        count, top = db.execute(sa.select(sa.func.count(), sa.func.max(decisions.c.decision_id))).one()
        version = (count, top or 0)
        with _LOCK:
            cached = _READ.get(store.shown)
        if cached is not None and cached.version == version:
            return cached
        rows = [dict(r) for r in db.execute(sa.select(decisions).order_by(decisions.c.decision_id)).mappings()]
    import pyarrow as pa

    for row in rows:  # SQLite gives a time back without its zone: it was written in UTC
        if row["recorded_at"].tzinfo is None:
            row["recorded_at"] = row["recorded_at"].replace(tzinfo=dt.UTC)
    found = Recorded(pa.Table.from_pylist(rows, schema=decisions_arrow_schema()), version)
    with _LOCK:
        _READ[store.shown] = found
    return found


def read_if_kept(url: str) -> Recorded | None:
    """The decisions at `url` if a store is kept there; None when an SQLite file was never made (a query on an
    extract with no decisions writes nothing beside it)."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    return read(open_store(url))
