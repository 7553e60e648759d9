"""The opened store: one engine and short transactions handed out as sessions.

`Store.session()` is for work that writes: its transaction starts with BEGIN IMMEDIATE and waits
its turn for the write lock. `Store.session(read_only=True)` only reads and never waits (WAL).
Errors that mean the file is damaged, the disk is full or the folder is read-only come out as
`StoreError`s naming the file and what to do, not as driver tracebacks.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from museaud.store.base import OWNER_KEY
from museaud.store.database import READ_ONLY, sqlite_engine, sqlite_module
from museaud.store.migrate import (
    StoreDamagedError,
    StoreError,
    UpgradeReport,
    check_openable,
    head_revision,
    is_damage,
    upgrade,
)
from museaud.store.models.system import Backup


class StoreFullError(StoreError):
    """The disk holding the store is full: the transaction was rolled back."""


class StoreReadOnlyError(StoreError):
    """The store (or its folder) cannot be written."""


DRIVER_ERRORS = (DBAPIError, sqlite3.Error, sqlite_module().Error)
"""What SQLAlchemy and the driver raise (search reads through the driver's own connection)."""


def translate(error: Exception, path: Path) -> StoreError | None:
    """The StoreError a driver error stands for (damage, full disk, read-only), or None."""
    detail = str(getattr(error, "orig", None) or error)
    text = detail.lower()
    if is_damage(error):
        return StoreDamagedError(path, detail)
    if "disk is full" in text:
        free = shutil.disk_usage(path.parent).free
        return StoreFullError(
            f"the disk holding {path.parent} is full ({free / 1e6:.1f} MB free): free some "
            "space there and try again; everything saved before is kept"
        )
    if "readonly database" in text or "read-only" in text:
        return StoreReadOnlyError(
            f"{path} cannot be written (read-only file or folder): make {path.parent} writable "
            "or set MUSEAUD_HOME to a writable folder; `museaud tracks`, `museaud track` and "
            "`museaud doctor` still work read-only"
        )
    return None


class Store:
    """The SQLite store of one museaud installation."""

    def __init__(
        self, engine: Engine, path: Path, report: UpgradeReport, *, read_only: bool = False
    ) -> None:
        self.engine = engine
        self.path = path
        self.report = report
        self.read_only = read_only
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._reads = sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @contextmanager
    def session(
        self, owner_id: uuid.UUID | None = None, *, read_only: bool = False
    ) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error.

        Without read_only it waits for the write lock first (so it never fails for a writer
        that got in between); with it, it reads a snapshot without waiting."""
        sessions = self._reads if read_only or self.read_only else self._sessions
        try:
            with sessions.begin() as session:
                if owner_id is not None:
                    session.info[OWNER_KEY] = owner_id
                yield session
        except DRIVER_ERRORS as error:
            meaning = translate(error, self.path)
            if meaning is None:
                raise
            raise meaning from error

    @property
    def revision(self) -> str:
        """The schema revision the store is at."""
        return self.report.to_revision

    def close(self) -> None:
        """Release every connection (WAL is checkpointed by SQLite on the last close)."""
        self.engine.dispose()


def open_store(path: Path, backup_dir: Path) -> Store:
    """Open the store at path, creating or upgrading it (with a backup) as needed."""
    check_openable(path)  # before the engine touches the file (WAL would change it)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = sqlite_engine(path)
    try:
        report = upgrade(engine, path, backup_dir)
    except DRIVER_ERRORS as error:
        engine.dispose()
        meaning = translate(error, path)
        if meaning is None:
            raise
        raise meaning from error
    except Exception:
        engine.dispose()
        raise
    store = Store(engine, path, report)
    if report.backup_path is not None:
        with store.session() as session:
            session.add(
                Backup(
                    kind="before_migration",
                    path=str(report.backup_path),
                    from_revision=report.from_revision,
                    to_revision=report.to_revision,
                    size_bytes=report.backup_path.stat().st_size,
                )
            )
    return store


def open_store_read_only(path: Path) -> Store:
    """Open an existing store at the current schema without writing to it or beside it."""
    revision, _ = check_openable(path)
    if revision is None:
        raise StoreReadOnlyError(f"there is no museaud library at {path} yet (nor can one be made)")
    if revision != head_revision():
        raise StoreReadOnlyError(
            f"{path} needs an upgrade (schema {revision} to {head_revision()}) but cannot be "
            f"written: make {path.parent} writable and run museaud once"
        )
    engine = sqlite_engine(path, read_only=True)
    return Store(engine, path, UpgradeReport(revision, revision, None), read_only=True)
