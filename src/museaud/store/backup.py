"""Backups of the store: copies made with SQLite's online backup API, checked, rotated, restored.

A copy is written under a temporary name, checked with `PRAGMA integrity_check` and only then
given its name `museaud-<UTC time>-<kind>.sqlite`, so every file listed is a good copy (an older
museaud's `museaud-<time>-rev-<revision>.sqlite` files are listed too). The analytics DuckDB file
is copied beside it (`.duckdb`) when no other process holds it. Restoring never deletes: the
store in place is renamed to `museaud.sqlite.before-restore-<UTC time>` first.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_vec

from museaud.store.database import read_only_uri, sqlite_module

log = logging.getLogger(__name__)

BACKUP_KINDS = ("before_migration", "manual", "scheduled")
DEFAULT_KEEP = 7
DAILY = timedelta(days=1)
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-(?P<kind>[a-z_]+|rev-.+)\.sqlite$")


class BackupError(RuntimeError):
    """A backup could not be made, checked or restored; the message says which and why."""


@dataclass(frozen=True)
class BackupFile:
    """One backup on disk."""

    path: Path
    made_at: datetime
    kind: str
    size_bytes: int

    @property
    def name(self) -> str:
        """The file name, which `museaud backup restore NAME` takes."""
        return self.path.name

    @property
    def analytics_copy(self) -> Path:
        """Where the copy of the analytics file made with it is (if it was made)."""
        return self.path.with_suffix(".duckdb")


def _connect(path: Path, *, read_only: bool) -> object:
    """A DB-API connection with sqlite-vec loaded (its tables are checked too)."""
    module = sqlite_module()
    connection = (
        module.connect(read_only_uri(path), uri=True) if read_only else module.connect(str(path))
    )
    connection.enable_load_extension(True)
    sqlite_vec.load(connection)
    connection.enable_load_extension(False)
    return connection


def integrity_problems(path: Path, *, full: bool = False) -> list[str]:
    """What SQLite finds wrong with the file at path (empty when it is whole); read-only.

    The quick check reads every page and checks its structure; the full check also checks that
    every index agrees with its table (slower on a large library).
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        connection = _connect(path, read_only=True)
    except Exception as error:  # the driver raises its own Error classes
        return [str(error)]
    try:
        rows = connection.execute(f"PRAGMA {pragma}(100)").fetchall()  # type: ignore[attr-defined]
    except Exception as error:
        return [str(error)]
    finally:
        connection.close()  # type: ignore[attr-defined]
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def make_backup(
    store_file: Path,
    backup_dir: Path,
    kind: str,
    *,
    analytics_file: Path | None = None,
    now: datetime | None = None,
) -> BackupFile:
    """Copy the store into backup_dir with the online backup API (a live WAL included), check
    the copy and name it; raise BackupError (leaving no file) if the copy is not whole."""
    if kind not in BACKUP_KINDS:
        raise ValueError(f"backup kind {kind!r} is not one of {BACKUP_KINDS}")
    made_at = now or datetime.now(UTC)
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"{store_file.stem}-{_stamp(made_at)}-{kind}.sqlite"
    partial = target.with_name(target.name + ".partial")
    try:
        source = _connect(store_file, read_only=True)
        try:
            destination = _connect(partial, read_only=False)
            try:
                source.backup(destination)  # type: ignore[attr-defined]
            finally:
                destination.close()  # type: ignore[attr-defined]
        finally:
            source.close()  # type: ignore[attr-defined]
        problems = integrity_problems(partial, full=True)
        if problems:
            raise BackupError(f"the copy of {store_file} is not whole: {problems[0]}")
        os.replace(partial, target)
    except Exception as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, BackupError):
            raise
        raise BackupError(f"cannot back up {store_file} to {backup_dir}: {error}") from error
    if analytics_file is not None and analytics_file.exists():
        _copy_analytics(analytics_file, target.with_suffix(".duckdb"))
    return BackupFile(target, made_at, kind, target.stat().st_size)


def _copy_analytics(source: Path, target: Path) -> None:
    """Copy the DuckDB file through DuckDB (consistent); skipped while another process holds it."""
    import duckdb  # noqa: PLC0415 - only when there is an analytics file

    try:
        with duckdb.connect() as connection:
            connection.execute(f"ATTACH '{source}' AS source_db (READ_ONLY)")
            connection.execute(f"ATTACH '{target}' AS target_db")
            connection.execute("COPY FROM DATABASE source_db TO target_db")
    except duckdb.Error as error:
        target.unlink(missing_ok=True)
        log.warning("analytics file %s not backed up: %s", source, error)


def list_backups(backup_dir: Path) -> list[BackupFile]:
    """Every backup in backup_dir, newest first."""
    if not backup_dir.is_dir():
        return []
    found: list[tuple[str, BackupFile]] = []
    for path in backup_dir.glob("*.sqlite"):
        match = _NAME.match(path.name)
        if match is None:
            continue
        stamp = match["stamp"]
        made_at = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        kind = "before_migration" if match["kind"].startswith("rev-") else match["kind"]
        found.append((stamp, BackupFile(path, made_at, kind, path.stat().st_size)))
    return [backup for _stamp, backup in sorted(found, key=lambda pair: pair[0], reverse=True)]


def find_backup(backup_dir: Path, name: str) -> BackupFile:
    """The backup called name (or a unique beginning of its name)."""
    matches = [backup for backup in list_backups(backup_dir) if backup.name.startswith(name)]
    if len(matches) != 1:
        known = ", ".join(backup.name for backup in list_backups(backup_dir)) or "none"
        what = "no backup" if not matches else "more than one backup"
        raise BackupError(f"{what} named {name!r} in {backup_dir} (backups: {known})")
    return matches[0]


def prune(backup_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (at least one is always kept); the deleted."""
    deleted = []
    for backup in list_backups(backup_dir)[max(keep, 1) :]:
        backup.path.unlink(missing_ok=True)
        backup.analytics_copy.unlink(missing_ok=True)
        deleted.append(backup.path)
    return deleted


def daily_due(backup_dir: Path, now: datetime | None = None) -> bool:
    """True when no backup is younger than a day."""
    newest = next(iter(list_backups(backup_dir)), None)
    return newest is None or (now or datetime.now(UTC)) - newest.made_at >= DAILY


def newest_good(backup_dir: Path) -> BackupFile | None:
    """The newest backup that passes the quick check."""
    for backup in list_backups(backup_dir):
        if not integrity_problems(backup.path):
            return backup
    return None


def restore(store_file: Path, backup: BackupFile, now: datetime | None = None) -> Path | None:
    """Put backup in place of the store; the old store (and its WAL) is moved aside, never
    deleted. Returns where the old store went (None if there was none)."""
    problems = integrity_problems(backup.path, full=True)
    if problems:
        raise BackupError(f"the backup {backup.path} is damaged too: {problems[0]}")
    aside = None
    if store_file.exists():
        stamp = _stamp(now or datetime.now(UTC))
        aside = store_file.with_name(f"{store_file.name}.before-restore-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = store_file.with_name(store_file.name + suffix)
            if part.exists():
                os.replace(part, aside.with_name(aside.name + suffix))
    partial = store_file.with_name(store_file.name + ".restoring")
    shutil.copyfile(backup.path, partial)
    os.replace(partial, store_file)
    return aside
