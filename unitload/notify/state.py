"""What `unitload notify` has sent, in the store (unitload.store), which every server and run shares:

- a run holds the notify lock while it runs (`locked`): a second run at the same time, on this server or
  another, finds it held and sends nothing;
- a digest is claimed (a row per recipient and month end) before it is sent and marked sent once the mail
  server took it; a claim whose send failed is given back, so the next run sends it;
- an alert row per recipient, rule and item past the rule now. A recipient's first run records what is
  already past as known and alerts nothing (the digest covers it); later, an item with no row is new and
  alerted. A row is removed when its item no longer meets the rule, so a second breach alerts again.

Each change is one short transaction: a run killed midway leaves the store as its last commit did.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from contextlib import contextmanager

import sqlalchemy as sa

from unitload.store import Store
from unitload.store.tables import notify_alerts, notify_digests, notify_lock, notify_recipients

LOCK_MINUTES = 60  # a run's lock ends after this, should the run have been killed while holding it
STALE_MINUTES = 30  # a claim older than this whose message was never marked sent is taken over


class Busy(RuntimeError):
    """Another notify run holds the lock; this one sends nothing."""


class State:
    """The notify records of one store."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine
        self.run = uuid.uuid4().hex

    @contextmanager
    def locked(self, now: dt.datetime):
        """Hold the notify lock for the run (Busy when another run holds it)."""
        until = now + dt.timedelta(minutes=LOCK_MINUTES)
        with self.engine.begin() as db:
            held = db.execute(sa.select(notify_lock.c.holder, notify_lock.c.until)).first()
            if held is None:
                db.execute(notify_lock.insert().values(name="notify", holder=self.run, until=until))
            elif _aware(held.until) > now:
                raise Busy(f"another notify run is sending (its lock ends by {_aware(held.until):%H:%M} UTC)")
            else:
                db.execute(notify_lock.update().values(holder=self.run, until=until))
        try:
            yield self
        finally:
            with self.engine.begin() as db:
                db.execute(notify_lock.delete().where(notify_lock.c.holder == self.run))

    def first_run(self, recipient: str, now: dt.datetime) -> bool:
        """True the first time a recipient is seen (and from now on they are known)."""
        with self.engine.begin() as db:
            if db.execute(
                sa.select(notify_recipients.c.recipient).where(notify_recipients.c.recipient == recipient)
            ).first():
                return False
            db.execute(notify_recipients.insert().values(recipient=recipient, first_run_at=now))
        return True

    def is_new(self, recipient: str) -> bool:
        """Whether a recipient has had no run yet (a dry run asks without recording)."""
        with self.engine.connect() as db:
            found = db.execute(
                sa.select(notify_recipients.c.recipient).where(notify_recipients.c.recipient == recipient)
            )
            return found.first() is None

    def digest_sent(self, recipient: str, month_end: dt.date) -> bool:
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(notify_digests.c.sent_at).where(
                    (notify_digests.c.recipient == recipient) & (notify_digests.c.month_end == month_end)
                )
            ).first()
        return row is not None and row.sent_at is not None

    def claim_digest(self, recipient: str, month_end: dt.date, now: dt.datetime) -> bool:
        """Claim the digest before sending it: False when it was sent, or another run is sending it."""
        key = (notify_digests.c.recipient == recipient) & (notify_digests.c.month_end == month_end)
        with self.engine.begin() as db:
            row = db.execute(sa.select(notify_digests.c.claimed_at, notify_digests.c.sent_at).where(key)).first()
            if row is None:
                db.execute(notify_digests.insert().values(recipient=recipient, month_end=month_end, claimed_at=now))
                return True
            if row.sent_at is not None or _aware(row.claimed_at) > now - dt.timedelta(minutes=STALE_MINUTES):
                return False
            db.execute(notify_digests.update().where(key).values(claimed_at=now))
        return True

    def digest_done(self, recipient: str, month_end: dt.date, now: dt.datetime, sent: bool) -> None:
        """Mark a claimed digest sent, or give the claim back (the next run sends it)."""
        key = (notify_digests.c.recipient == recipient) & (notify_digests.c.month_end == month_end)
        with self.engine.begin() as db:
            if sent:
                db.execute(notify_digests.update().where(key).values(sent_at=now))
            else:
                db.execute(notify_digests.delete().where(key & notify_digests.c.sent_at.is_(None)))

    def breaches(
        self, recipient: str, rule: str, items: Iterable[str], now: dt.datetime, *, known: bool = False
    ) -> list[str]:
        """Record the items past `rule` for `recipient` now, forget those that cleared, and claim the ones to
        alert: new breaches, and earlier ones whose alert was never sent (unless another run is sending it).
        `known` (the recipient's first run): every item is recorded as known and none is alerted."""
        items = sorted(set(items))
        mine = (notify_alerts.c.recipient == recipient) & (notify_alerts.c.rule == rule)
        with self.engine.begin() as db:
            rows = {r.item: r for r in db.execute(sa.select(notify_alerts).where(mine))}
            cleared = [i for i in rows if i not in items]
            if cleared:
                db.execute(notify_alerts.delete().where(mine & notify_alerts.c.item.in_(cleared)))
            new = [i for i in items if i not in rows]
            if new:
                values = {"first_seen": now, "claimed_at": None if known else now}
                values |= {"sent_at": now, "known": True} if known else {}
                db.execute(
                    notify_alerts.insert(), [{"recipient": recipient, "rule": rule, "item": i} | values for i in new]
                )
            if known:
                return []
            stale = now - dt.timedelta(minutes=STALE_MINUTES)
            retry = [
                i
                for i, r in rows.items()
                if i in items and r.sent_at is None and (r.claimed_at is None or _aware(r.claimed_at) <= stale)
            ]
            if retry:
                db.execute(notify_alerts.update().where(mine & notify_alerts.c.item.in_(retry)).values(claimed_at=now))
        return sorted(new + retry)

    def pending(self, recipient: str, rule: str, items: Iterable[str]) -> list[str]:
        """The items `breaches` would alert, without recording anything (a dry run)."""
        mine = (notify_alerts.c.recipient == recipient) & (notify_alerts.c.rule == rule)
        with self.engine.connect() as db:
            sent = {
                r.item
                for r in db.execute(sa.select(notify_alerts.c.item).where(mine & notify_alerts.c.sent_at.is_not(None)))
            }
        return sorted(set(items) - sent)

    def alerts_done(self, recipient: str, rule: str, items: Iterable[str], now: dt.datetime, sent: bool) -> None:
        """Mark claimed alerts sent, or give the claims back (the next run sends them)."""
        items = list(items)
        if not items:
            return
        mine = (notify_alerts.c.recipient == recipient) & (notify_alerts.c.rule == rule)
        with self.engine.begin() as db:
            values = {"sent_at": now} if sent else {"claimed_at": None}
            db.execute(notify_alerts.update().where(mine & notify_alerts.c.item.in_(items)).values(**values))


def _aware(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC time (SQLite gives it back without its zone)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
