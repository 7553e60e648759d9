"""Playlists: fractional position keys, folders, the trash, smart queries, recommendation status.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

Entries are ordered by a string `position_key` (a fractional index: a move writes one key
between its neighbours', so edits from two devices merge) instead of unique integer positions;
existing positions become keys in the same order. Playlists get `folder_id` (new table
`playlist_folders`), `deleted_at` (the trash), and a smart playlist's `query`, `sort_by`,
`sort_descending` and `track_limit` in place of the unused `rules`. Recommendations get
`status` (pending, accepted, rejected) and `decided_at` in place of `is_accepted`.

On SQLite, batch mode remakes `playlists`, and dropping the old table deletes every row that
refers to it by ON DELETE CASCADE (entries, likes, comments ...): those rows are kept aside
and put back in the same transaction (`_keeping_rows_that_refer_to`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

import museaud.store.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _key_at(index: int) -> str:
    """The index-th key of a list built by appending ("a0", "a1" ... "az", "b00" ...): frozen
    here so later changes to museaud.playlists.positions make a new revision instead."""
    length = 1
    while index >= len(DIGITS) ** length:
        index -= len(DIGITS) ** length
        length += 1
    digits = ""
    for _ in range(length):
        index, digit = divmod(index, len(DIGITS))
        digits = DIGITS[digit] + digits
    return chr(ord("a") + length - 1) + digits


def _referring_tables(table: str) -> list[str]:
    """Every SQLite table whose rows a delete from table can reach by foreign keys."""
    bind = op.get_bind()
    names = [
        row[0]
        for row in bind.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    reached: list[str] = []
    targets = [table]
    while targets:
        target = targets.pop()
        for name in names:
            keys = bind.exec_driver_sql(f'PRAGMA foreign_key_list("{name}")').all()
            if name not in reached and name != table and any(key[2] == target for key in keys):
                reached.append(name)
                targets.append(name)
    return reached


@contextmanager
def _keeping_rows_that_refer_to(table: str) -> Iterator[None]:
    """Keep the rows of every table referring to table while table is remade (SQLite)."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    kept = _referring_tables(table)
    for name in kept:
        op.execute(f'CREATE TEMP TABLE "kept_{name}" AS SELECT * FROM "{name}"')
    yield
    op.execute("PRAGMA defer_foreign_keys = ON")  # rows go back in any order; checked at commit
    for name in kept:
        op.execute(f'DELETE FROM "{name}"')
        op.execute(f'INSERT INTO "{name}" SELECT * FROM "kept_{name}"')
        op.execute(f'DROP TABLE "kept_{name}"')


def upgrade() -> None:
    op.create_table(
        "playlist_folders",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_playlist_folders_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["playlist_folders.id"],
            name=op.f("fk_playlist_folders_parent_id_playlist_folders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playlist_folders")),
    )
    with op.batch_alter_table("playlist_folders") as batch:
        batch.create_index(batch.f("ix_playlist_folders_created_at"), ["created_at"])
        batch.create_index(batch.f("ix_playlist_folders_owner_id"), ["owner_id"])
        batch.create_index("ix_playlist_folders_owner_name", ["owner_id", "name"])
        batch.create_index(batch.f("ix_playlist_folders_parent_id"), ["parent_id"])

    with warnings.catch_warnings():
        # SQLite batch mode reflects the tables these refer to; users has an expression index
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        _entries_to_keys()
        _recommendations_to_status()
        _playlists_to_smart_columns()


def _entries_to_keys() -> None:
    with op.batch_alter_table("playlist_entries") as batch:
        batch.add_column(sa.Column("position_key", sa.String(length=255), nullable=True))
    entries = sa.table(
        "playlist_entries",
        sa.column("id", sa.Uuid()),
        sa.column("playlist_id", sa.Uuid()),
        sa.column("position", sa.Integer()),
        sa.column("position_key", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(entries.c.id, entries.c.playlist_id).order_by(
            entries.c.playlist_id, entries.c.position
        )
    ).all()
    index, playlist = 0, None
    for entry_id, playlist_id in rows:
        index = index + 1 if playlist_id == playlist else 0
        playlist = playlist_id
        bind.execute(
            entries.update().where(entries.c.id == entry_id).values(position_key=_key_at(index))
        )
    with op.batch_alter_table("playlist_entries") as batch:
        batch.alter_column("position_key", existing_type=sa.String(length=255), nullable=False)
        batch.drop_constraint(batch.f("uq_playlist_entries_playlist_id_position"), type_="unique")
        batch.drop_constraint(batch.f("ck_playlist_entries_position_not_negative"), type_="check")
        batch.create_index(
            "ix_playlist_entries_playlist_order", ["playlist_id", "position_key", "id"]
        )
        batch.drop_column("position")


def _recommendations_to_status() -> None:
    with op.batch_alter_table("playlist_recommendations") as batch:
        batch.add_column(sa.Column("status", sa.String(length=10), nullable=True))
        batch.add_column(
            sa.Column("decided_at", museaud.store.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(
        "UPDATE playlist_recommendations SET "
        "status = CASE WHEN is_accepted THEN 'accepted' ELSE 'pending' END, "
        "decided_at = CASE WHEN is_accepted THEN updated_at END"
    )
    with op.batch_alter_table("playlist_recommendations") as batch:
        batch.alter_column("status", existing_type=sa.String(length=10), nullable=False)
        batch.create_check_constraint(
            "status_choice", "status IN ('pending', 'accepted', 'rejected')"
        )
        batch.create_check_constraint(
            "decided_has_time",
            "(status = 'pending' AND decided_at IS NULL) "
            "OR (status <> 'pending' AND decided_at IS NOT NULL)",
        )
        batch.create_index(
            "ix_playlist_recommendations_playlist_track", ["playlist_id", "track_id"]
        )
        batch.drop_column("is_accepted")


def _playlists_to_smart_columns() -> None:
    with op.batch_alter_table("playlists") as batch:
        batch.add_column(sa.Column("folder_id", sa.Uuid(), nullable=True))
        batch.add_column(
            sa.Column("deleted_at", museaud.store.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("query", sa.Text(), nullable=True))
        batch.add_column(sa.Column("sort_by", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("sort_descending", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("track_limit", sa.Integer(), nullable=True))
    # no smart playlist was ever made from rules; one that says it is smart matches everything
    op.execute(
        "UPDATE playlists SET sort_descending = false, query = CASE WHEN kind = 'smart' THEN '' END"
    )
    with _keeping_rows_that_refer_to("playlists"), op.batch_alter_table("playlists") as batch:
        batch.alter_column("sort_descending", existing_type=sa.Boolean(), nullable=False)
        batch.create_index(batch.f("ix_playlists_folder_id"), ["folder_id"])
        batch.create_index("ix_playlists_owner_deleted", ["owner_id", "deleted_at"])
        batch.create_foreign_key(
            batch.f("fk_playlists_folder_id_playlist_folders"),
            "playlist_folders",
            ["folder_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_check_constraint("smart_has_query", "kind <> 'smart' OR query IS NOT NULL")
        batch.create_check_constraint(
            "track_limit_positive", "track_limit IS NULL OR track_limit >= 1"
        )
        batch.drop_column("rules")


def downgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        _downgrade()


def _downgrade() -> None:
    with op.batch_alter_table("playlists") as batch:
        batch.add_column(sa.Column("rules", sa.JSON(), nullable=True))
    op.execute("UPDATE playlists SET rules = '{}'")
    with _keeping_rows_that_refer_to("playlists"), op.batch_alter_table("playlists") as batch:
        batch.alter_column("rules", existing_type=sa.JSON(), nullable=False)
        batch.drop_constraint(batch.f("ck_playlists_smart_has_query"), type_="check")
        batch.drop_constraint(batch.f("ck_playlists_track_limit_positive"), type_="check")
        batch.drop_constraint(
            batch.f("fk_playlists_folder_id_playlist_folders"), type_="foreignkey"
        )
        batch.drop_index("ix_playlists_owner_deleted")
        batch.drop_index(batch.f("ix_playlists_folder_id"))
        for column in ("track_limit", "sort_descending", "sort_by", "query", "deleted_at"):
            batch.drop_column(column)
        batch.drop_column("folder_id")

    with op.batch_alter_table("playlist_recommendations") as batch:
        batch.add_column(sa.Column("is_accepted", sa.Boolean(), nullable=True))
    op.execute("UPDATE playlist_recommendations SET is_accepted = (status = 'accepted')")
    with op.batch_alter_table("playlist_recommendations") as batch:
        batch.alter_column("is_accepted", existing_type=sa.Boolean(), nullable=False)
        batch.drop_constraint(batch.f("ck_playlist_recommendations_status_choice"), type_="check")
        batch.drop_constraint(
            batch.f("ck_playlist_recommendations_decided_has_time"), type_="check"
        )
        batch.drop_index("ix_playlist_recommendations_playlist_track")
        batch.drop_column("decided_at")
        batch.drop_column("status")

    with op.batch_alter_table("playlist_entries") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))
    entries = sa.table(
        "playlist_entries",
        sa.column("id", sa.Uuid()),
        sa.column("playlist_id", sa.Uuid()),
        sa.column("position", sa.Integer()),
        sa.column("position_key", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(entries.c.id, entries.c.playlist_id).order_by(
            entries.c.playlist_id, entries.c.position_key, entries.c.id
        )
    ).all()
    index, playlist = 0, None
    for entry_id, playlist_id in rows:
        index = index + 1 if playlist_id == playlist else 0
        playlist = playlist_id
        bind.execute(entries.update().where(entries.c.id == entry_id).values(position=index))
    with op.batch_alter_table("playlist_entries") as batch:
        batch.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch.drop_index("ix_playlist_entries_playlist_order")
        batch.create_unique_constraint(
            "uq_playlist_entries_playlist_id_position", ["playlist_id", "position"]
        )
        batch.create_check_constraint("position_not_negative", "position IS NULL OR position >= 0")
        batch.drop_column("position_key")

    with op.batch_alter_table("playlist_folders") as batch:
        batch.drop_index(batch.f("ix_playlist_folders_parent_id"))
        batch.drop_index("ix_playlist_folders_owner_name")
        batch.drop_index(batch.f("ix_playlist_folders_owner_id"))
        batch.drop_index(batch.f("ix_playlist_folders_created_at"))
    op.drop_table("playlist_folders")
