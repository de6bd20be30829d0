"""What unitload notify sent: recipients' first runs, digests, alerts and the run lock.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Time = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notify_recipients",
        sa.Column("recipient", sa.String(64), primary_key=True),
        sa.Column("first_run_at", Time, nullable=False),
    )
    op.create_table(
        "notify_digests",
        sa.Column("recipient", sa.String(64), primary_key=True),
        sa.Column("month_end", sa.Date, primary_key=True),
        sa.Column("claimed_at", Time, nullable=False),
        sa.Column("sent_at", Time),
    )
    op.create_table(
        "notify_alerts",
        sa.Column("recipient", sa.String(64), primary_key=True),
        sa.Column("rule", sa.String(64), primary_key=True),
        sa.Column("item", sa.String(128), primary_key=True),
        sa.Column("first_seen", Time, nullable=False),
        sa.Column("claimed_at", Time),
        sa.Column("sent_at", Time),
        sa.Column("known", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "notify_lock",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("until", Time, nullable=False),
    )


def downgrade() -> None:
    for table in ("notify_lock", "notify_alerts", "notify_digests", "notify_recipients"):
        op.drop_table(table)
