"""Recording: every domain hands its events to one Recorder that never blocks the caller.

`record(event)` and `record_action("pattern_kept", ...)` put the event on a queue and return
(a few microseconds); one writer thread drains the queue into the EventStore a batch at a time,
at most about a second after the event happened, so a crash loses at most that last second.
When the analytics file cannot be opened or written (another process holds it, a newer
museaud wrote it, the disk is full) the recorder logs it once, keeps `problem` for the UI and
drops events: the app goes on. Nothing is recorded while no recorder is installed (library use,
tests) or when the producer turned `analytics_enabled` off. Nothing leaves the machine.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from museaud.analytics.events import BehaviorEvent, RawEvent, UsageStat
from museaud.analytics.store import EventStore, EventStoreError

log = logging.getLogger(__name__)

BATCH_WINDOW_S = 0.25
"""How long the writer gathers events after the first one before writing them in one go."""
RETRY_OPEN_S = 30.0
"""How long the writer waits before trying again to open an analytics file it could not open."""
HELD_AT_MOST = 50_000
"""Events kept for a retry after a failed write (a full disk); older ones are dropped."""

_FLUSH = object()


class Recorder:
    """A queue and one writer thread in front of an EventStore opened on first write.

    open_store opens the store (EventStoreError when it cannot). maintain(store, today,
    late_since), if given, runs in the writer thread after the first write, when the UTC day
    changes, and after writing events dated before today (late_since: the oldest such day):
    roll-ups and retention. user_id is the local profile, owner of the behaviour events.
    """

    def __init__(
        self,
        open_store: Callable[[], EventStore],
        user_id: UUID,
        *,
        enabled: bool = True,
        maintain: Callable[[EventStore, date, date | None], object] | None = None,
    ) -> None:
        self.user_id = user_id
        self.enabled = enabled
        self.problem: str | None = None
        """Why events are not being written right now (shown by the dashboard), or None."""
        self.dropped = 0
        self.started = time.monotonic()
        self._open_store = open_store
        self._maintain = maintain
        self._store: EventStore | None = None
        self._next_open = 0.0
        self._maintained_on: date | None = None
        self._held: list[RawEvent] = []
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="analytics-writer", daemon=True)
        self._thread.start()

    # ---- the callers' side ---------------------------------------------------------------

    def record(self, event: RawEvent) -> None:
        """Queue one event and return at once."""
        if self.enabled:
            self._queue.put(event)

    def record_action(self, event_type: str, /, **details: Any) -> None:
        """Queue a BehaviorEvent of the local profile, now, with details as its event_data."""
        if self.enabled:
            self._queue.put(
                BehaviorEvent(
                    time=datetime.now(UTC),
                    user_id=self.user_id,
                    event_type=event_type,
                    event_data=details,
                    device_type="desktop",
                )
            )

    def record_session(self, *, failed: bool = False) -> None:
        """Queue the app session ending now: the command it served (see serving), for how long."""
        command, method = _serving
        if self.enabled:
            self._queue.put(
                UsageStat(
                    time=datetime.now(UTC),
                    command=command,
                    user_id=self.user_id,
                    method=method,
                    status_code=1 if failed else 0,
                    response_time_ms=(time.monotonic() - self.started) * 1000.0,
                )
            )

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until what was queued before this call is written (or dropped); False on timeout."""
        if not self._thread.is_alive():
            return True
        done = threading.Event()
        self._queue.put((_FLUSH, done))
        return done.wait(timeout)

    def close(self) -> None:
        """Write what is queued and stop the writer thread (safe to call twice)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    # ---- the writer thread ---------------------------------------------------------------

    def _run(self) -> None:
        running = True
        while running:
            batch: list[RawEvent] = []
            waiting: list[threading.Event] = []
            item = self._queue.get()
            deadline = time.monotonic() + BATCH_WINDOW_S
            while True:
                if item is None:
                    running = False
                elif isinstance(item, tuple):
                    waiting.append(item[1])
                else:
                    batch.append(item)
                if not running or waiting:
                    # drain what is already queued, then write at once
                    try:
                        item = self._queue.get_nowait()
                        continue
                    except queue.Empty:
                        break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    item = self._queue.get(timeout=remaining)
                except queue.Empty:
                    break
            self._write(batch)
            for done in waiting:
                done.set()

    def _write(self, batch: list[RawEvent]) -> None:
        events = self._held + batch
        self._held = []
        if not events:
            return
        store = self._opened_store()
        if store is None:
            self.dropped += len(events)
            return
        try:
            store.record_many(events)
        except Exception as error:  # a full disk, a closed file: keep a bounded backlog
            self._trouble(f"analytics events could not be written: {error}")
            self._held = events[-HELD_AT_MOST:]
            self.dropped += len(events) - len(self._held)
            return
        self.problem = None
        oldest = min(event.time for event in events).astimezone(UTC).date()
        self._maintain_after_write(store, oldest)

    def _opened_store(self) -> EventStore | None:
        if self._store is not None:
            return self._store
        if time.monotonic() < self._next_open:
            return None
        try:
            self._store = self._open_store()
        except (EventStoreError, OSError) as error:
            self._next_open = time.monotonic() + RETRY_OPEN_S
            self._trouble(f"analytics are off for now: {error}")
            return None
        return self._store

    def _maintain_after_write(self, store: EventStore, oldest: date) -> None:
        today = datetime.now(UTC).date()
        late_since = oldest if oldest < today else None
        if self._maintain is None or (self._maintained_on == today and late_since is None):
            return
        self._maintained_on = today
        try:
            self._maintain(store, today, late_since)
        except Exception:
            log.warning("analytics roll-up failed; it runs again later", exc_info=True)

    def _trouble(self, message: str) -> None:
        if message != self.problem:
            log.warning("%s", message)
        self.problem = message


_installed: Recorder | None = None
_serving = ("library", "python")


def serving(command: str, method: str) -> None:
    """Name what this process serves ('pattern generate', 'cli'; 'gui', 'gui'): each app
    session is recorded as one UsageStat of that command, lasting as long as the session."""
    global _serving  # noqa: PLW0603 - one per process
    _serving = (command, method)


def install(recorder: Recorder | None) -> None:
    """Make recorder the one that record() and record_action() feed (None: record nothing)."""
    global _installed  # noqa: PLW0603 - one recorder per process, like the logging module
    _installed = recorder


def installed() -> Recorder | None:
    """The recorder events go to, if any."""
    return _installed


def record(event: RawEvent) -> None:
    """Queue one event for the installed recorder; nothing when none is installed."""
    if _installed is not None:
        _installed.record(event)


def record_action(event_type: str, /, **details: Any) -> None:
    """Queue something the producer did (a BehaviorEvent of the local profile, now)."""
    if _installed is not None:
        _installed.record_action(event_type, **details)
