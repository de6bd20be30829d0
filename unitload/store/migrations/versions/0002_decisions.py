"""Decisions on attention items (DATA_CONTRACT.md section 6), append-only.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = "decisions are append-only: record a new decision on the item instead"


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item", sa.String(8), nullable=False),
        sa.Column("officer_id", sa.String(128)),
        sa.Column("case_id", sa.String(128)),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("to_officer", sa.String(128)),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("item in ('officer', 'case')", name="decisions_item"),
        sa.CheckConstraint("due_on >= decided_on", name="decisions_due_after_decided"),
        sqlite_autoincrement=True,  # SQLite: ids never reused, always increasing
    )
    op.create_index("decisions_by_case", "decisions", ["case_id"])
    op.create_index("decisions_by_officer", "decisions", ["officer_id"])
    if op.get_bind().dialect.name == "sqlite":
        for change in ("update", "delete"):
            op.execute(
                f"create trigger decisions_no_{change} before {change} on decisions "
                f"begin select raise(abort, '{APPEND_ONLY}'); end"
            )
    else:
        op.execute(
            "create function decisions_append_only() returns trigger language plpgsql as "
            f"$$ begin raise exception '{APPEND_ONLY}'; end $$"
        )
        op.execute(
            "create trigger decisions_append_only before update or delete on decisions "
            "for each statement execute function decisions_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("drop trigger decisions_append_only on decisions")
        op.execute("drop function decisions_append_only()")
    op.drop_table("decisions")
