"""Sync: the engine's outbox, field clocks, tombstones, parked rows, cursors and state.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Machine-local bookkeeping of museaud.sync (docs/sync.md). The tables are made on every store,
and on PostgreSQL too (portable, unused there), but stay empty until sync is enabled; the
capture triggers are not made here: museaud.sync.capture installs them when sync is enabled
and remakes them when the schema changes, so a store that never syncs pays nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KEY = sa.String(length=100)
ROW_ID = sa.String(length=32)
HLC = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "sync_cursors",
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_sync_cursors")),
    )
    op.create_table(
        "sync_field_clocks",
        sa.Column("table_name", KEY, nullable=False),
        sa.Column("row_id", ROW_ID, nullable=False),
        sa.Column("column_name", KEY, nullable=False),
        sa.Column("hlc", HLC, nullable=False),
        sa.PrimaryKeyConstraint(
            "table_name", "row_id", "column_name", name=op.f("pk_sync_field_clocks")
        ),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_name", KEY, nullable=False),
        sa.Column("row_id", ROW_ID, nullable=False),
        sa.Column("column_name", KEY, nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("wall_ms", sa.BigInteger(), nullable=False),
        sa.Column("hlc", HLC, nullable=True),
        sa.CheckConstraint(
            "op IN ('insert', 'update', 'delete')", name=op.f("ck_sync_outbox_op_choice")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_outbox")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_sync_outbox_hlc"), "sync_outbox", ["hlc"], unique=False)
    op.create_table(
        "sync_parked",
        sa.Column("table_name", KEY, nullable=False),
        sa.Column("row_id", ROW_ID, nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", name=op.f("pk_sync_parked")),
    )
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("last_hlc", HLC, nullable=True),
        sa.Column("clock_offset_ms", sa.BigInteger(), nullable=False),
        sa.Column("schema_version", sa.String(length=40), nullable=True),
        sa.Column("triggers_signature", sa.String(length=64), nullable=True),
        sa.Column("capture_off", sa.Boolean(), nullable=False),
        sa.Column("pending_batch", sa.Text(), nullable=True),
        sa.Column("pending_batch_id", sa.String(length=80), nullable=True),
        sa.Column("pending_upto_seq", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_sync_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "sync_tombstones",
        sa.Column("table_name", KEY, nullable=False),
        sa.Column("row_id", ROW_ID, nullable=False),
        sa.Column("hlc", HLC, nullable=False),
        sa.Column("deleted_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", name=op.f("pk_sync_tombstones")),
    )
    op.create_index(
        op.f("ix_sync_tombstones_deleted_at_ms"), "sync_tombstones", ["deleted_at_ms"], unique=False
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        triggers = op.get_bind().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_capture_%'"
        )
        for (name,) in list(triggers):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f("ix_sync_tombstones_deleted_at_ms"), table_name="sync_tombstones")
    op.drop_table("sync_tombstones")
    op.drop_table("sync_state")
    op.drop_table("sync_parked")
    op.drop_index(op.f("ix_sync_outbox_hlc"), table_name="sync_outbox")
    op.drop_table("sync_outbox")
    op.drop_table("sync_field_clocks")
    op.drop_table("sync_cursors")
