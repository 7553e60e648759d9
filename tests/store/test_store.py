"""Opening the store: pragmas, extensions, upgrades with backups, refusals that change nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

from museaud.paths import Paths
from museaud.store.database import sqlite_engine
from museaud.store.migrate import StoreError, StoreTooNewError, head_revision, upgrade
from museaud.store.models.accounts import User
from museaud.store.models.system import Backup
from museaud.store.session import open_store


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_has_wal_foreign_keys_vec_and_fts5(paths: Paths) -> None:
    store = open_store(paths.store_file, paths.backup_dir)
    try:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert str(connection.exec_driver_sql("SELECT vec_version()").scalar()).startswith("v")
            fts_tables = (
                connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE '%_fts'")
                .scalars()
                .all()
            )
        assert set(fts_tables) >= {"tracks_fts", "lyrics_fts", "projects_fts", "patterns_fts"}
        assert store.revision == head_revision()
        assert store.report.backup_path is None  # nothing to back up in a new store
    finally:
        store.close()


def test_upgrade_from_first_revision_keeps_rows_and_writes_a_backup(paths: Paths) -> None:
    engine = sqlite_engine(paths.store_file)
    upgrade(engine, paths.store_file, paths.backup_dir, target="0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, is_local, language, primary_instruments, "
                "musical_styles, skill_level, subscription_tier, total_generations, "
                "monthly_generations, email_verified, failed_login_attempts, is_active, is_admin, "
                "accessibility_settings, voice_enabled, created_at, updated_at) VALUES "
                "('0123456789abcdef0123456789abcdef', 'oldtimer', 1, 'en', '[]', '[]', 'beginner',"
                " 'free', 0, 0, 0, 0, 1, 0, '{}', 0, '2025-01-01 00:00:00', "
                "'2025-01-01 00:00:00')"
            )
        )
    engine.dispose()

    store = open_store(paths.store_file, paths.backup_dir)
    try:
        assert store.report.from_revision == "0001"
        assert store.report.to_revision == head_revision() != "0001"
        backup = store.report.backup_path
        assert backup is not None and backup.exists() and backup.parent == paths.backup_dir
        with store.session() as session:
            assert session.scalars(select(User.username)).all() == ["oldtimer"]
            recorded = session.scalars(select(Backup)).one()
            assert recorded.from_revision == "0001" and recorded.path == str(backup)
    finally:
        store.close()
    # the backup is a working store at the old revision with the old rows
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert copy.execute("SELECT username FROM users").fetchall() == [("oldtimer",)]
    copy.close()


def test_store_from_a_newer_museaud_is_refused_and_left_untouched(paths: Paths) -> None:
    store = open_store(paths.store_file, paths.backup_dir)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    store.close()
    before = _digest(paths.store_file)
    siblings = sorted(p.name for p in paths.data_dir.iterdir())

    with pytest.raises(StoreTooNewError, match=r"newer museaud .*9999_future.*Nothing was changed"):
        open_store(paths.store_file, paths.backup_dir)

    assert _digest(paths.store_file) == before
    assert sorted(p.name for p in paths.data_dir.iterdir()) == siblings
    assert not paths.backup_dir.exists() or not any(paths.backup_dir.iterdir())


def test_a_file_that_is_not_a_store_gets_a_clear_error(paths: Paths) -> None:
    paths.store_file.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match=r"museaud\.sqlite is not a museaud store"):
        open_store(paths.store_file, paths.backup_dir)
    assert paths.store_file.read_bytes().startswith(b"this is not sqlite")


def test_a_foreign_sqlite_database_is_not_adopted(paths: Paths) -> None:
    foreign = sqlite3.connect(paths.store_file)
    foreign.execute("CREATE TABLE notes (body TEXT)")
    foreign.commit()
    foreign.close()
    with pytest.raises(StoreError, match="not made by museaud"):
        open_store(paths.store_file, paths.backup_dir)


def test_failed_write_rolls_back_the_whole_transaction(paths: Paths) -> None:
    store = open_store(paths.store_file, paths.backup_dir)
    try:
        with pytest.raises(RuntimeError), store.session() as session:
            session.add(User(username="halfway"))
            session.flush()
            raise RuntimeError("crash in the middle")
        with store.session() as session:
            assert session.scalars(select(User).where(User.username == "halfway")).first() is None
    finally:
        store.close()


def test_emails_are_unique_whatever_their_case(paths: Paths) -> None:
    from sqlalchemy.exc import IntegrityError

    store = open_store(paths.store_file, paths.backup_dir)
    try:
        with store.session() as session:
            session.add(User(username="ana_one", email="Ana@Example.com"))
        with pytest.raises(IntegrityError), store.session() as session:
            session.add(User(username="ana_two", email="ana@example.com"))
    finally:
        store.close()
