"""Which tables and columns sync, derived from the models, and what stays on this machine.

Every table with an `owner_id` (the Owned mixin) is user data and syncs, unless it is listed in
EXCLUDED_TABLES with the reason; tables without an owner must be listed too, so a new table is
either synced or excluded on purpose (tests/sync/test_capture.py fails otherwise). Within a
synced table, LOCAL_COLUMNS never leave the machine: paths of local files, derived copies kept
by triggers, vector-index state and the sound devices of this computer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Column, Index, Table, UniqueConstraint

from museaud.store.models import metadata
from museaud.store.models.sync import ROW_COLUMN

_BOOKKEEPING = "the sync engine's own machine-local bookkeeping"

EXCLUDED_TABLES: dict[str, str] = {
    "users": "accounts belong to the server: the account row comes with the handshake and the "
    "account API; synced rows' owner_id is the account's id",
    "backups": "copies of this machine's store file",
    "audit_log": "this machine's trace of its own edits, for undo: each device keeps its own",
    "user_sessions": "this device's signed-in sessions (token hashes)",
    "account_tokens": "one-time e-mail and password tokens: issued and checked by the server",
    "api_keys": "issued and checked by the server",
    "subscriptions": "billing state: written by the server only",
    "user_roles": "granted by the server only",
    "ui_state": "window geometry, splitters and columns of this machine's screen",
    "embeddings": "derived: which local vector describes a row; vectors are rebuilt locally",
    "track_similarity": "derived: a cache of similarity measures, recomputed locally",
    "track_analysis": "derived from this machine's copy of the audio file by analysis (the "
    "manual override columns are a known gap, see docs/sync.md)",
    "taste_profiles": "derived: learnt from the feedback rows, which sync, on each machine",
    "sync_outbox": _BOOKKEEPING,
    "sync_field_clocks": _BOOKKEEPING,
    "sync_tombstones": _BOOKKEEPING,
    "sync_parked": _BOOKKEEPING,
    "sync_cursors": _BOOKKEEPING,
    "sync_state": _BOOKKEEPING,
}

TRACK_FILE_COLUMNS = (
    "path",
    "folder",
    "file_name",
    "mtime_ns",
    "status",
    "error",
    "scanned_at",
    "missing_since",
    "cover_art_path",
)
"""Where and how this machine holds a track's file: a track from another machine gets
placeholders (museaud.sync.apply.REMOTE_PATH_PREFIX) and shows as "on another machine"."""

LOCAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "tracks": (
        *TRACK_FILE_COLUMNS,
        # derived copies kept by the triggers of migration 0003
        "effective_bpm",
        "effective_key",
        "analysis_energy",
        "analysis_loudness",
        "tag_text",
        "mood_text",
    ),
    "playlists": ("cover_image_path",),
    "projects": ("image_path", "folder_path"),
    "generation_sessions": ("final_export_path",),
    "patterns": ("thumbnail_path", "notation_path"),
    "documents": ("vector_key", "embedding_model", "is_indexed", "indexed_at"),
    "user_preferences": (
        "audio_device",
        "audio_buffer_size",
        "audio_sample_rate",
        "midi_output_port",
    ),
}
"""Columns of synced tables that never leave this machine."""


@dataclass(frozen=True)
class ForeignKey:
    """A reference from a synced column to another table's id, and what its deletion does."""

    column: str
    parent: str
    on_delete: str
    """CASCADE, SET NULL or NO ACTION."""


@dataclass(frozen=True)
class UniqueKey:
    """A natural key: columns whose values two rows may not share (where `where` holds)."""

    columns: tuple[str, ...]
    where: str | None = None


@dataclass(frozen=True)
class SyncedTable:
    """A table whose rows sync, with the columns that travel."""

    name: str
    columns: tuple[str, ...]
    """Synced columns (not id, not the local ones), in table order."""
    local_columns: tuple[str, ...]
    required_local: dict[str, object] = field(default_factory=dict)
    """Local NOT NULL columns and the value a row from another machine gets for them."""
    foreign_keys: tuple[ForeignKey, ...] = ()
    unique_keys: tuple[UniqueKey, ...] = ()


def _default(column: Column[object]) -> object:
    default = column.default
    arg = getattr(default, "arg", None) if default is not None else None
    if arg is None or callable(arg):
        return None
    return int(arg) if isinstance(arg, bool) else arg


def _unique_keys(table: Table, synced: set[str]) -> tuple[UniqueKey, ...]:
    keys: list[UniqueKey] = []
    for column in table.columns:
        if column.unique and column.name in synced:
            keys.append(UniqueKey((column.name,)))
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            names = tuple(column.name for column in constraint.columns)
            if names and set(names) <= synced:
                keys.append(UniqueKey(names))
    for index in table.indexes:
        if not isinstance(index, Index) or not index.unique:
            continue
        names = tuple(getattr(expression, "name", "") for expression in index.expressions)
        if not all(name in synced for name in names):
            continue  # an expression index or one over local columns
        where = index.dialect_options["sqlite"].get("where")
        keys.append(UniqueKey(names, str(where) if where is not None else None))
    return tuple(dict.fromkeys(keys))


def _synced_table(table: Table) -> SyncedTable:
    local = LOCAL_COLUMNS.get(table.name, ())
    unknown = set(local) - {column.name for column in table.columns}
    if unknown:
        raise LookupError(f"LOCAL_COLUMNS names unknown columns of {table.name}: {unknown}")
    columns = tuple(c.name for c in table.columns if c.name != "id" and c.name not in local)
    if ROW_COLUMN in columns:
        raise LookupError(f"{table.name} has a column named {ROW_COLUMN!r}")
    required = {
        name: _default(table.columns[name]) for name in local if not table.columns[name].nullable
    }
    foreign_keys = tuple(
        ForeignKey(fk.parent.name, fk.column.table.name, (fk.ondelete or "NO ACTION").upper())
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name)
        if fk.parent.name in columns
    )
    return SyncedTable(
        table.name, columns, local, required, foreign_keys, _unique_keys(table, set(columns))
    )


@cache
def synced_tables() -> dict[str, SyncedTable]:
    """Every synced table by name, parents before children (the models' dependency order)."""
    found: dict[str, SyncedTable] = {}
    for table in metadata.sorted_tables:
        if table.name in EXCLUDED_TABLES:
            continue
        if "owner_id" not in table.columns:
            raise LookupError(
                f"table {table.name} has no owner_id: sync it (give it an owner) or list it in "
                "museaud.sync.tables.EXCLUDED_TABLES with the reason"
            )
        found[table.name] = _synced_table(table)
    return found


def children_of(parent: str) -> list[tuple[SyncedTable, ForeignKey]]:
    """The synced tables referring to parent, with the referring key."""
    return [
        (table, key)
        for table in synced_tables().values()
        for key in table.foreign_keys
        if key.parent == parent
    ]
