"""One valid row for every table of museaud.store.models.sync."""

from __future__ import annotations

from typing import Any

from museaud.store.models.sync import (
    SyncCursor,
    SyncFieldClock,
    SyncOutbox,
    SyncParked,
    SyncState,
    SyncTombstone,
)


def rows(ctx: dict[str, Any]) -> list[Any]:
    """The sync bookkeeping of a store that edited a track's rating and pulled once."""
    track_id = ctx["tracks"].id.hex
    hlc = "0193a1b2c3d4e.0000.0f1e2d3c4b5a6978"
    return [
        SyncState(
            id=1,
            node_id="0f1e2d3c4b5a6978",
            account_id=ctx["users"].id.hex,
            last_hlc=hlc,
            clock_offset_ms=0,
            schema_version="0005",
            capture_off=False,
        ),
        SyncOutbox(
            table_name="tracks", row_id=track_id, column_name="rating", op="update", wall_ms=1
        ),
        SyncFieldClock(table_name="tracks", row_id=track_id, column_name="rating", hlc=hlc),
        SyncTombstone(table_name="track_tags", row_id="0" * 32, hlc=hlc, deleted_at_ms=1),
        SyncParked(table_name="playlist_entries", row_id="1" * 32, record="{}"),
        SyncCursor(scope=f"owner:{ctx['users'].id.hex}", cursor=42),
    ]
