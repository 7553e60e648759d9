"""One background thread that reads the store for the library view, newest request first.

Scrolling asks for many pages; only the latest few matter, so requests wait in a small stack
keyed by what they are for (a page, the query, a track's neighbours): asking again moves a
request to the top, and the oldest are dropped when the stack is full. Each job runs in its own
short read transaction, and its result (or error) comes back to the GUI thread as a queued
signal — workers never touch widgets.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from sqlalchemy.orm import Session

from museaud.app import App

MAX_WAITING = 12
"""Requests kept waiting; older ones are dropped (a page scrolled past need not be read)."""
SWITCH_INTERVAL_S = 0.001
"""How long a thread waiting for Python's GIL lets its holder run before asking it to let go."""

_tuned = False


def keep_gui_responsive() -> None:
    """Tune Python once, when the first rows are on screen, so the GUI thread never waits long
    for the GIL that it shares with the reader thread.

    - `gc.freeze()`: everything made while the app started (modules, Qt wrappers, SQLAlchemy's
      metadata: some 150,000 objects) lives as long as the app, yet every full collection
      walked it all again, holding the GIL: 67 ms on a quiet machine, up to 460 ms measured on
      a loaded one, stalling the GUI whichever thread set it off. Frozen, they are never walked;
      full collections see only what came later (kept rows are plain-value dicts, untracked).
      Thresholds stay Python's: young collections are cheap once the old objects are frozen.
    - a 1 ms switch interval (Python's default is 5 ms): each time the GUI thread enters Python
      (a paint, a timer, a page arriving) while the reader holds the GIL, it waits up to this
      long; the reader's pages take ~5 ms of Python each, and a few such waits per frame add up.
      Only ever shortened (the audio engine may have set it shorter still).
    """
    global _tuned  # noqa: PLW0603 - process-wide settings, made once
    if _tuned:
        return
    _tuned = True
    gc.freeze()
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))


@dataclass(frozen=True)
class _Job:
    read: Callable[[Session], Any]
    done: Callable[[Any], None]
    failed: Callable[[Exception], None] | None


class _Relay(QObject):
    """Lives in the GUI thread; signals emitted from the reader thread arrive here queued."""

    finished = Signal(object)
    """(callback, result) as one tuple: PySide must never carry a bare None (its refcount)."""

    @Slot(object)
    def deliver(self, delivery: tuple[Callable[[Any], None], object]) -> None:
        callback, result = delivery
        callback(result)


def _raise(error: Exception) -> None:
    """A failure nobody asked to handle is raised in the GUI thread, where it is seen."""
    raise error


class StoreReader:
    """Runs read jobs for the GUI in one daemon thread, the most recently asked first."""

    def __init__(self, app: App, parent: QObject | None = None) -> None:
        self._app = app
        self._relay = _Relay(parent)
        self._relay.finished.connect(self._relay.deliver)
        self._waiting: OrderedDict[Hashable, _Job] = OrderedDict()
        self._condition = threading.Condition()
        self._running: Hashable | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="library-reader", daemon=True)
        self._thread.start()

    def submit(
        self,
        slot: Hashable,
        read: Callable[[Session], Any],
        done: Callable[[Any], None],
        failed: Callable[[Exception], None] | None = None,
    ) -> list[Hashable]:
        """Run read(session) soon and call done(result) in the GUI thread (failed(error) if it
        raises). A waiting job with the same slot is replaced. Returns the slots dropped to make
        room, so their owner can ask again later."""
        with self._condition:
            self._waiting.pop(slot, None)
            self._waiting[slot] = _Job(read, done, failed)
            dropped = []
            while len(self._waiting) > MAX_WAITING:
                old_slot, _job = self._waiting.popitem(last=False)
                dropped.append(old_slot)
            self._condition.notify()
        return dropped

    def cancel(self, predicate: Callable[[Hashable], bool]) -> None:
        """Forget waiting jobs whose slot matches (a new query makes old pages useless)."""
        with self._condition:
            for slot in [slot for slot in self._waiting if predicate(slot)]:
                del self._waiting[slot]

    def busy(self) -> bool:
        """True while a job runs or waits."""
        with self._condition:
            return bool(self._waiting) or self._running is not None

    def close(self) -> None:
        """Stop after the running job; waiting ones are dropped."""
        with self._condition:
            self._closed = True
            self._waiting.clear()
            self._condition.notify()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _work(self) -> None:
        while True:
            with self._condition:
                while not self._waiting and not self._closed:
                    self._condition.wait()
                if self._closed:
                    return
                slot, job = self._waiting.popitem(last=True)
                self._running = slot
            try:
                with self._app.session() as session:
                    result = job.read(session)
                self._post(job.done, result)
            except Exception as error:  # every failure is reported to the GUI
                self._post(job.failed or _raise, error)
            finally:
                with self._condition:
                    self._running = None

    def _post(self, callback: Callable[[Any], None], result: object) -> None:
        with contextlib.suppress(RuntimeError):  # the view went away while the job ran
            self._relay.finished.emit((callback, result))
