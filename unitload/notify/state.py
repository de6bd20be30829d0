"""What `unitload notify` has sent: a small SQLite file beside the audit trail.

- `digests`: one row per recipient and month end whose digest was sent;
- `alerts`: one row per recipient, rule and item breached now. Its `sent_at` stays null until the
  message is accepted by the mail server, so a failed send is tried again on the next run. A row is
  removed when its item no longer breaches (cleared), so a second breach alerts again.

Each change is one transaction: a run killed or failing midway leaves the file as the last commit did.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from pathlib import Path

SCHEMA = """
create table if not exists digests (
    recipient text not null, month_end text not null, sent_at text not null,
    primary key (recipient, month_end)
);
create table if not exists alerts (
    recipient text not null, rule text not null, item text not null,
    first_seen text not null, sent_at text,
    primary key (recipient, rule, item)
);
"""


class State:
    """The sent digests and alerts of one state file (made on first use)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)  # explicit transactions below
        self.db.execute("pragma journal_mode = wal")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def digest_sent(self, recipient: str, month_end: dt.date) -> bool:
        found = self.db.execute(
            "select 1 from digests where recipient = ? and month_end = ?", (recipient, month_end.isoformat())
        )
        return found.fetchone() is not None

    def mark_digest(self, recipient: str, month_end: dt.date, when: dt.datetime) -> None:
        with self._transaction():
            self.db.execute(
                "insert or replace into digests values (?, ?, ?)", (recipient, month_end.isoformat(), when.isoformat())
            )

    def breaches(self, recipient: str, rule: str, items: Iterable[str], when: dt.datetime) -> list[str]:
        """Record the items breaching `rule` for `recipient` now; forget those that cleared. Returns the items
        still to be alerted: new breaches, and earlier ones whose message was never sent."""
        items = sorted(set(items))
        with self._transaction():
            known = dict(
                self.db.execute(
                    "select item, sent_at from alerts where recipient = ? and rule = ?", (recipient, rule)
                ).fetchall()
            )
            cleared = [(recipient, rule, i) for i in known if i not in items]
            self.db.executemany("delete from alerts where recipient = ? and rule = ? and item = ?", cleared)
            self.db.executemany(
                "insert or ignore into alerts values (?, ?, ?, ?, null)",
                [(recipient, rule, i, when.isoformat()) for i in items],
            )
        return [i for i in items if known.get(i) is None]

    def pending(self, recipient: str, rule: str, items: Iterable[str]) -> list[str]:
        """The items of `breaches` without recording anything (a dry run)."""
        sent = {
            item
            for item, when in self.db.execute(
                "select item, sent_at from alerts where recipient = ? and rule = ?", (recipient, rule)
            ).fetchall()
            if when is not None
        }
        return sorted(set(items) - sent)

    def mark_alerts(self, recipient: str, rule: str, items: Iterable[str], when: dt.datetime) -> None:
        with self._transaction():
            self.db.executemany(
                "update alerts set sent_at = ? where recipient = ? and rule = ? and item = ?",
                [(when.isoformat(), recipient, rule, i) for i in items],
            )

    def _transaction(self):
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("begin immediate")

    def __exit__(self, kind, value, trace) -> None:
        self.db.execute("commit" if kind is None else "rollback")
