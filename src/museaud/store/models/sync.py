"""The sync engine's own bookkeeping (museaud.sync): outbox, field clocks, tombstones, state.

These tables are machine-local and never synced themselves. They exist on every store (the
migration makes them everywhere, also on PostgreSQL, where they are unused) but stay empty until
sync is enabled: only then are the capture triggers installed (museaud.sync.capture), so a
store that never syncs pays nothing on its writes. The protocol is described in docs/sync.md.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from museaud.store.base import Base, check_choice

OUTBOX_OPS = ("insert", "update", "delete")
ROW_COLUMN = "*"
"""The column name standing for the whole row: an insert in the outbox, and the row's
existence register (the clock of its last insert or restore) in the field clocks."""


class SyncOutbox(Base):
    """One local change waiting to be pushed, written by the capture triggers.

    Values are not copied here: the push reads the row's current values when it builds a
    batch (exact, and several edits of one field coalesce). `hlc` is set when the change is
    stamped (museaud.sync.changes.stamp_pending), in the transaction that also moves the
    field clocks; rows are deleted only when the server acknowledged the batch holding them.
    """

    __tablename__ = "sync_outbox"
    __table_args__ = (
        check_choice("op", OUTBOX_OPS),
        # AUTOINCREMENT: a sequence number is never used again, even after the outbox emptied,
        # so a batch id (node id and last sequence number) is never reused either
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(100))
    row_id: Mapped[str] = mapped_column(String(32))
    column_name: Mapped[str] = mapped_column(String(100))
    op: Mapped[str] = mapped_column(String(10))
    wall_ms: Mapped[int] = mapped_column(BigInteger)
    hlc: Mapped[str | None] = mapped_column(String(64), index=True)


class SyncFieldClock(Base):
    """The hybrid logical clock of the value a field holds here (`*`: the row's existence)."""

    __tablename__ = "sync_field_clocks"

    table_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    column_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(64))


class SyncTombstone(Base):
    """A deleted row: the clock of its deletion, which beats edits and older (re)inserts."""

    __tablename__ = "sync_tombstones"

    table_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(64))
    deleted_at_ms: Mapped[int] = mapped_column(BigInteger, index=True)


class SyncParked(Base):
    """A pulled row that cannot be written yet because a row it refers to has not arrived."""

    __tablename__ = "sync_parked"

    table_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    record: Mapped[str] = mapped_column(Text)


class SyncCursor(Base):
    """How far this store has pulled one scope (the server's sequence number)."""

    __tablename__ = "sync_cursors"

    scope: Mapped[str] = mapped_column(String(200), primary_key=True)
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncState(Base):
    """The one row of sync settings of this store: who it is, its clock, its pending batch."""

    __tablename__ = "sync_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str] = mapped_column(String(32))
    last_hlc: Mapped[str | None] = mapped_column(String(64))
    clock_offset_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    schema_version: Mapped[str | None] = mapped_column(String(40))
    triggers_signature: Mapped[str | None] = mapped_column(String(64))
    capture_off: Mapped[bool] = mapped_column(default=False)
    pending_batch: Mapped[str | None] = mapped_column(Text)
    pending_batch_id: Mapped[str | None] = mapped_column(String(80))
    pending_upto_seq: Mapped[int | None] = mapped_column(BigInteger)
