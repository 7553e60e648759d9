"""Bookkeeping of the store itself: the audit trail of changes and the backups made of it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from museaud.store.base import Base, OptionallyOwned, SyncRow, check_choice, utcnow

AUDIT_OPERATIONS = ("INSERT", "UPDATE", "DELETE")
BACKUP_KINDS = ("before_migration", "manual", "scheduled")
BACKUP_STATUSES = ("completed", "failed")


class AuditEntry(OptionallyOwned, Base):
    """One change to a row, with its before and after images (Lyrica audit_log).

    Edits that a user may want to trace or undo (ratings, overrides, splits) are written here
    by the services; owner_id is who made the change.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        check_choice("operation", AUDIT_OPERATIONS),
        Index("ix_audit_log_row", "table_name", "row_id"),
    )

    table_name: Mapped[str] = mapped_column(String(100))
    row_id: Mapped[uuid.UUID | None]
    operation: Mapped[str] = mapped_column(String(10))
    old_data: Mapped[dict[str, Any] | None]
    new_data: Mapped[dict[str, Any] | None]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Backup(SyncRow, Base):
    """A copy of the store written to disk, e.g. before a schema upgrade (the seeds' backup_log)."""

    __tablename__ = "backups"
    __table_args__ = (check_choice("kind", BACKUP_KINDS), check_choice("status", BACKUP_STATUSES))

    kind: Mapped[str] = mapped_column(String(30))
    path: Mapped[str] = mapped_column(Text)
    from_revision: Mapped[str | None] = mapped_column(String(40))
    to_revision: Mapped[str | None] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="completed")
