"""One valid row for every table of museaud.store.models.system."""

from __future__ import annotations

from typing import Any

from museaud.store.base import new_id
from museaud.store.models.system import AuditEntry, Backup


def rows(ctx: dict[str, Any]) -> list[Any]:
    """An audit entry for a rating change and a backup record."""
    track = ctx["tracks"]
    return [
        AuditEntry(
            id=new_id(),
            owner_id=ctx["users"].id,
            table_name="tracks",
            row_id=track.id,
            operation="UPDATE",
            old_data={"rating": 3},
            new_data={"rating": 5},
        ),
        Backup(
            id=new_id(),
            kind="manual",
            path="/backups/museaud-manual.sqlite",
            from_revision="0002",
            to_revision="0002",
            size_bytes=123456,
        ),
    ]
