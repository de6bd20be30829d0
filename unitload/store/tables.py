"""The store's tables as SQLAlchemy Core objects (migrations/ creates them; a test checks the two agree)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
Time = sa.DateTime(timezone=True)

# What `unitload notify` sent. Recipients are named by an opaque id (`mail:` and a hash), never an address.
notify_recipients = sa.Table(  # a recipient's first run: what was already past then is known, not alerted
    "notify_recipients",
    metadata,
    sa.Column("recipient", sa.String(64), primary_key=True),
    sa.Column("first_run_at", Time, nullable=False),
)
notify_digests = sa.Table(  # one monthly digest per recipient and month end: claimed, then sent
    "notify_digests",
    metadata,
    sa.Column("recipient", sa.String(64), primary_key=True),
    sa.Column("month_end", sa.Date, primary_key=True),
    sa.Column("claimed_at", Time, nullable=False),
    sa.Column("sent_at", Time),
)
notify_alerts = sa.Table(  # an item past a rule now, per recipient; removed when it clears (so a new breach alerts)
    "notify_alerts",
    metadata,
    sa.Column("recipient", sa.String(64), primary_key=True),
    sa.Column("rule", sa.String(64), primary_key=True),
    sa.Column("item", sa.String(128), primary_key=True),
    sa.Column("first_seen", Time, nullable=False),
    sa.Column("claimed_at", Time),  # a run sending its alert now
    sa.Column("sent_at", Time),  # when its alert was taken by the mail server, or it was known at the first run
    sa.Column("known", sa.Boolean, nullable=False, server_default=sa.false()),  # past already at the first run
)
notify_lock = sa.Table(  # one notify run at a time, whichever server runs it (until: a killed run's lock ends)
    "notify_lock",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("holder", sa.String(64), nullable=False),
    sa.Column("until", Time, nullable=False),
)

# DATA_CONTRACT.md section 6: decisions on attention items. Append-only: a correction is a new decision on the same
# item; the migration adds triggers that refuse any UPDATE or DELETE.
decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item", sa.String(8), nullable=False),  # officer or case
    sa.Column("officer_id", sa.String(128)),  # officer items
    sa.Column("case_id", sa.String(128)),  # case items
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("to_officer", sa.String(128)),  # reallocate only
    sa.Column("owner_id", sa.String(128), nullable=False),
    sa.Column("decided_on", sa.Date, nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=False),
    sa.Column("note", sa.String(500)),
    sa.Column("recorded_at", Time, nullable=False),
    sa.CheckConstraint("item in ('officer', 'case')", name="decisions_item"),
    sa.CheckConstraint("due_on >= decided_on", name="decisions_due_after_decided"),
    sa.Index("decisions_by_case", "case_id"),
    sa.Index("decisions_by_officer", "officer_id"),
    sqlite_autoincrement=True,
)
