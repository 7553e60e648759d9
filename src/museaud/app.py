"""The composition root: open the store for this installation and hand out services.

Used by the CLI and the GUI alike; holds no Qt and no domain state beyond what it opens.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy.orm import Session

from museaud.accounts.profile import ensure_local_user
from museaud.analytics import EventStore
from museaud.paths import Paths, default_paths
from museaud.store.session import Store, open_store


class App:
    """One opened museaud installation: its paths, its store and the local profile."""

    def __init__(self, paths: Paths, store: Store, local_user_id: uuid.UUID) -> None:
        self.paths = paths
        self.store = store
        self.local_user_id = local_user_id
        self._events: EventStore | None = None

    @classmethod
    def open(cls, paths: Paths | None = None) -> App:
        """Open (creating or upgrading) the store under paths, default: the user's data dir."""
        paths = (paths or default_paths()).ensure()
        store = open_store(paths.store_file, paths.backup_dir)
        try:
            with store.session() as session:
                user_id = ensure_local_user(session)
        except Exception:
            store.close()
            raise
        return cls(paths, store, user_id)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction in which new rows belong to the local profile."""
        with self.store.session(self.local_user_id) as session:
            yield session

    @property
    def events(self) -> EventStore:
        """The analytics event store, opened on first use (DuckDB allows one process per file)."""
        if self._events is None:
            self._events = EventStore.open(self.paths.analytics_file)
        return self._events

    def close(self) -> None:
        """Close the analytics file (if opened) and the store."""
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
        self.close()
