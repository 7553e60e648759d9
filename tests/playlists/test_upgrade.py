"""Migration 0004 on a store with playlists: positions become keys in the same order, and no
row that refers to a playlist is lost when SQLite remakes the playlists table."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from alembic import command
from sqlalchemy.orm import Session

from museaud.accounts.profile import ensure_local_user
from museaud.store.database import sqlite_engine
from museaud.store.migrate import alembic_config, upgrade

NOW = "2026-01-01 00:00:00.000000"
ROW = f"'{NOW}', '{NOW}'"


def test_upgrade_from_0003_keeps_order_and_every_referring_row(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    engine = sqlite_engine(path)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0003")
    with Session(engine) as session:
        user = ensure_local_user(session).hex
        session.commit()
    engine.dispose()
    track, playlist = uuid.uuid4().hex, uuid.uuid4().hex
    old = sqlite3.connect(path, isolation_level=None)
    old.execute(
        "INSERT INTO tracks (id, owner_id, created_at, updated_at, path, folder, file_name, "
        "file_format, origin, status, is_favorite, is_hidden, play_count, skip_count, "
        f"popularity_score, custom_metadata) VALUES (?, ?, {ROW}, '/a.wav', '/', 'a.wav', "
        "'wav', 'library', 'ok', 0, 0, 0, 0, 0, '{}')",
        (track, user),
    )
    old.execute(
        "INSERT INTO playlists (id, owner_id, created_at, updated_at, name, kind, is_public, "
        f"is_collaborative, rules, play_count) VALUES (?, ?, {ROW}, 'Set', 'manual', 0, 0, "
        "'{}', 0)",
        (playlist, user),
    )
    for position in (70, 0, 5, 3):
        old.execute(
            "INSERT INTO playlist_entries (id, owner_id, created_at, updated_at, playlist_id, "
            f"track_id, position, added_at, play_count, notes) VALUES (?, ?, {ROW}, ?, ?, ?, "
            f"'{NOW}', 0, ?)",
            (uuid.uuid4().hex, user, playlist, track, position, f"was {position}"),
        )
    old.execute(
        "INSERT INTO playlist_collaborators (id, owner_id, created_at, updated_at, playlist_id, "
        f"user_id, permission) VALUES (?, ?, {ROW}, ?, ?, 'edit')",
        (uuid.uuid4().hex, user, playlist, user),
    )
    old.execute(
        "INSERT INTO playlist_recommendations (id, owner_id, created_at, updated_at, "
        f"playlist_id, track_id, recommendation_score, is_accepted) VALUES (?, ?, {ROW}, ?, ?, "
        "0.5, 1)",
        (uuid.uuid4().hex, user, playlist, track),
    )
    old.close()

    engine = sqlite_engine(path)
    assert upgrade(engine, path, tmp_path / "backups", target="0004").to_revision == "0004"
    engine.dispose()
    new = sqlite3.connect(path)
    entries = new.execute(
        "SELECT notes, position_key FROM playlist_entries ORDER BY position_key, id"
    ).fetchall()
    assert entries == [("was 0", "a0"), ("was 3", "a1"), ("was 5", "a2"), ("was 70", "a3")]
    assert new.execute("SELECT count(*) FROM playlist_collaborators").fetchone() == (1,)
    assert new.execute("SELECT status, decided_at FROM playlist_recommendations").fetchone() == (
        "accepted",
        NOW,
    )
    assert new.execute("SELECT query, sort_descending FROM playlists").fetchone() == (None, 0)
    assert new.execute("PRAGMA foreign_key_check").fetchall() == []
    new.close()
