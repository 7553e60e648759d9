"""The composition root: open the store for this installation and hand out services.

Used by the CLI and the GUI alike; holds no Qt and no domain state beyond what it opens.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy.orm import Session

from museaud.accounts.profile import ensure_local_user
from museaud.analytics import EventStore, recorder
from museaud.analytics.rollups import roll_up
from museaud.paths import Paths, default_paths
from museaud.store import backup
from museaud.store.session import Store, StoreReadOnlyError, open_store, open_store_read_only

log = logging.getLogger(__name__)


def _unwritable(paths: Paths) -> str | None:
    """Why museaud cannot write its folders or store (None when it can)."""
    try:
        paths.ensure()
        with tempfile.TemporaryFile(dir=paths.data_dir):
            pass
        if paths.store_file.exists():
            with paths.store_file.open("r+b"):
                pass
    except OSError as error:
        where = Path(error.filename) if error.filename else paths.data_dir
        return f"{where}: {error.strerror}"
    return None


class App:
    """One opened museaud installation: its paths, its store and the local profile."""

    def __init__(self, paths: Paths, store: Store, local_user_id: uuid.UUID) -> None:
        self.paths = paths
        self.store = store
        self.local_user_id = local_user_id
        self._events: EventStore | None = None
        self._events_lock = threading.Lock()
        self.recorder: recorder.Recorder | None = None
        self._outer_recorder: recorder.Recorder | None = None

    @classmethod
    def open(cls, paths: Paths | None = None, *, reading_only: bool = False) -> App:
        """Open (creating or upgrading) the store under paths, default: the user's data dir.

        A caller that only reads says reading_only: a store that cannot be written (read-only
        folder or file) is then opened read-only instead of refused."""
        paths = paths or default_paths()
        problem = _unwritable(paths)
        if problem is None:
            store = open_store(paths.store_file, paths.backup_dir)
        elif reading_only and paths.store_file.exists():
            store = open_store_read_only(paths.store_file)
        else:
            raise StoreReadOnlyError(
                f"cannot write to {problem}. museaud keeps its library there: make it writable "
                "or set MUSEAUD_HOME to a writable folder (`museaud tracks`, `museaud track` and "
                "`museaud doctor` still work read-only)"
            )
        try:
            with store.session(read_only=store.read_only) as session:
                user_id = ensure_local_user(session)
        except Exception:
            store.close()
            raise
        app = cls(paths, store, user_id)
        app.start_recording()
        return app

    @contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[Session]:
        """A transaction in which new rows belong to the local profile; read_only for one
        that only reads (it never waits for writers)."""
        with self.store.session(self.local_user_id, read_only=read_only) as session:
            yield session

    def backup_if_due(self) -> backup.BackupFile | None:
        """The daily backup (store and analytics file), made if none is a day old; keeps the
        newest `backups_kept` (a preference). A failed daily backup is logged, never fatal."""
        if self.store.read_only or not backup.daily_due(self.paths.backup_dir):
            return None
        try:
            return self.backup_now("scheduled")
        except backup.BackupError as error:
            log.error("%s", error)
            return None

    def backup_now(self, kind: str = "manual") -> backup.BackupFile:
        """A checked backup now, recorded in the store and rotated (BackupError if it failed)."""
        from museaud.accounts.preferences import load_preferences  # noqa: PLC0415
        from museaud.store.models.system import Backup  # noqa: PLC0415

        made = backup.make_backup(
            self.paths.store_file,
            self.paths.backup_dir,
            kind,
            analytics_file=None if self._events else self.paths.analytics_file,
        )
        with self.session() as session:
            keep = load_preferences(session, self.local_user_id).backups_kept
            session.add(Backup(kind=kind, path=str(made.path), size_bytes=made.size_bytes))
        backup.prune(self.paths.backup_dir, keep)
        return made

    @property
    def events(self) -> EventStore:
        """The analytics event store, opened on first use (DuckDB allows one process per file)."""
        with self._events_lock:  # the recorder's thread and the GUI's may ask at once
            if self._events is None:
                self._events = EventStore.open(
                    self.paths.analytics_file, self.paths.backup_dir / "analytics"
                )
            return self._events

    def start_recording(self) -> None:
        """Install the recorder every domain records to (off when `analytics_enabled` is)."""
        from museaud.accounts.preferences import load_preferences  # noqa: PLC0415

        enabled = True
        if not self.store.read_only:
            with self.session() as session:
                enabled = load_preferences(session, self.local_user_id).analytics_enabled
        self.recorder = recorder.Recorder(
            lambda: self.events,
            self.local_user_id,
            enabled=enabled,
            maintain=lambda store, today, late: roll_up(store, today, late_since=late),
        )
        self._outer_recorder = recorder.installed()
        recorder.install(self.recorder)

    def close(self, *, failed: bool = False) -> None:
        """Record the session, write the queued events, close the analytics file (if opened)
        and the store; failed: the session ended with an error."""
        if self.recorder is not None:
            self.recorder.record_session(failed=failed)
            self.recorder.close()
            if recorder.installed() is self.recorder:
                recorder.install(self._outer_recorder)  # an App opened inside another one
            self.recorder = None
        if self._events is not None:
            self._events.close()
            self._events = None
        self.store.close()

    def __enter__(self) -> App:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(failed=exc is not None)
