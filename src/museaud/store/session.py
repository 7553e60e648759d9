"""The opened store: one engine and short write transactions handed out as sessions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from museaud.store.base import OWNER_KEY
from museaud.store.database import sqlite_engine
from museaud.store.migrate import UpgradeReport, check_openable, upgrade
from museaud.store.models.system import Backup


class Store:
    """The SQLite store of one museaud installation."""

    def __init__(self, engine: Engine, path: Path, report: UpgradeReport) -> None:
        self.engine = engine
        self.path = path
        self.report = report
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self, owner_id: uuid.UUID | None = None) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            if owner_id is not None:
                session.info[OWNER_KEY] = owner_id
            yield session

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
