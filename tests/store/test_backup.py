"""Backups: made with the online backup API, checked, rotated, listed, restored; damage found."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import func, select
from tests.store.damage import add_tracks, damage_pages, damage_table, table_pages

from museaud.app import App
from museaud.cli import main
from museaud.paths import Paths
from museaud.store import backup
from museaud.store.models.library import Track
from museaud.store.models.system import Backup
from museaud.store.repair import rebuild_derived


def _tracks(app: App) -> int:
    with app.session(read_only=True) as session:
        return session.scalar(select(func.count()).select_from(Track)) or 0


def test_a_backup_is_a_checked_copy_with_a_live_wal_included(app: App) -> None:
    add_tracks(app, 50)  # still in the WAL: the copy must include it
    made = app.backup_now()
    assert made.path.parent == app.paths.backup_dir and made.kind == "manual"
    assert backup.integrity_problems(made.path, full=True) == []
    copy = sqlite3.connect(made.path)
    assert copy.execute("SELECT count(*) FROM tracks").fetchone() == (50,)
    copy.close()
    assert [item.name for item in backup.list_backups(app.paths.backup_dir)] == [made.name]
    with app.session() as session:
        assert session.scalars(select(Backup.kind)).all() == ["manual"]


def test_a_damaged_store_gives_no_backup_and_leaves_no_file(app: App) -> None:
    add_tracks(app, 400)
    app.close()
    damage_table(app.paths.store_file)
    with pytest.raises(backup.BackupError, match=r"not whole|malformed"):
        backup.make_backup(app.paths.store_file, app.paths.backup_dir, "manual")
    assert list(app.paths.backup_dir.iterdir()) == []


def test_daily_backups_rotate_keeping_the_preferred_number(app: App) -> None:
    assert main(["prefs", "--set", "backups_kept=2"]) == 0
    start = datetime(2026, 12, 1, tzinfo=UTC)
    for day in range(4):
        backup.make_backup(
            app.paths.store_file, app.paths.backup_dir, "scheduled", now=start + timedelta(days=day)
        )
    assert not backup.daily_due(app.paths.backup_dir, start + timedelta(days=3, hours=23))
    assert backup.daily_due(app.paths.backup_dir, start + timedelta(days=4))
    made = app.backup_if_due()  # the newest is days old: one now, then only two are kept
    assert made is not None
    kept = backup.list_backups(app.paths.backup_dir)
    assert kept[0].name == made.name and len(kept) == 2
    assert app.backup_if_due() is None  # one a day


def test_restore_round_trip_keeps_the_damaged_file(
    app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    add_tracks(app, 400)
    assert main(["backup", "now"]) == 0
    add_tracks(app, 10, folder="/later")  # after the backup: lost by the restore
    app.close()
    damage_table(app.paths.store_file)
    damaged = app.paths.store_file.read_bytes()
    capsys.readouterr()

    assert main(["backup", "restore"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("restored museaud-")
    aside = next(app.paths.data_dir.glob("museaud.sqlite.before-restore-*"))
    assert aside.read_bytes() == damaged and f"kept as {aside}" in out
    with App.open(app.paths) as again:
        assert _tracks(again) == 400
    assert main(["backup", "verify"]) == 0


def test_list_and_verify_name_a_damaged_backup(
    app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    add_tracks(app, 400)
    good = app.backup_now()
    bad = app.backup_now()
    damage_pages(bad.path, table_pages(bad.path, "tracks")[1:])
    capsys.readouterr()
    assert main(["backup", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == [bad.name, good.name]
    assert main(["backup", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"DAMAGED {bad.name}" in out and f"ok      {good.name}" in out
    assert backup.newest_good(app.paths.backup_dir) == good
    assert main(["backup", "restore", "nosuch"]) == 2
    assert "no backup named 'nosuch'" in capsys.readouterr().err


def test_rebuild_repairs_a_damaged_index(app: App) -> None:
    add_tracks(app, 400)
    app.close()
    damage_pages(app.paths.store_file, table_pages(app.paths.store_file, "ix_tracks_folder")[1:])
    assert backup.integrity_problems(app.paths.store_file, full=True) != []
    assert rebuild_derived(app.paths.store_file) == []


def test_before_migration_backups_are_checked_and_listed(paths: Paths) -> None:
    App.open(paths).close()
    backup.make_backup(paths.store_file, paths.backup_dir, "before_migration")
    (kind,) = {item.kind for item in backup.list_backups(paths.backup_dir)}
    assert kind == "before_migration"
    # an older museaud's name for the same thing
    old = paths.backup_dir / "museaud-20250101T000000000000Z-rev-0001.sqlite"
    old.write_bytes(Path(paths.store_file).read_bytes())
    assert backup.list_backups(paths.backup_dir)[-1].kind == "before_migration"


def test_the_analytics_file_is_copied_beside_the_store(paths: Paths) -> None:
    App.open(paths).close()  # the session is recorded: the analytics file exists
    assert paths.analytics_file.exists()
    with App.open(paths) as app:
        made = app.backup_now()
    copy = duckdb.connect(str(made.analytics_copy), read_only=True)
    tables = copy.execute("SELECT count(*) FROM information_schema.tables").fetchone()
    copy.close()
    assert tables is not None and tables[0] > 0
    backup.prune(paths.backup_dir, 1)
    assert made.analytics_copy.exists()  # pruned together with its store copy, not before
