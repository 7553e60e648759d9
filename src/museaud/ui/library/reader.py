"""One background thread that reads the store for the library view, newest request first.

Scrolling asks for many pages; only the latest few matter, so requests wait in a small stack
keyed by what they are for (a page, the query, a track's neighbours): asking again moves a
request to the top, and the oldest are dropped when the stack is full. Each job runs in its own
short read transaction on a newest-first `BackgroundTasks`, which brings its result (or error)
back to the GUI thread; workers never touch widgets.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QObject
from sqlalchemy.orm import Session

from museaud.app import App
from museaud.ui.tasks import BackgroundTasks, TaskContext

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


class StoreReader:
    """Runs read jobs for the GUI on one `BackgroundTasks`, the most recently asked first."""

    def __init__(
        self, app: App, parent: QObject | None = None, *, name: str = "store-reader"
    ) -> None:
        self._app = app
        self._tasks = BackgroundTasks(name, parent, order="newest_first", max_waiting=MAX_WAITING)

    def submit(
        self,
        slot: Hashable,
        read: Callable[[Session], Any],
        done: Callable[[Any], None],
        failed: Callable[[Exception], None] | None = None,
        *,
        writes: bool = False,
    ) -> list[Hashable]:
        """Run read(session) soon and call done(result) in the GUI thread (failed(error) if it
        raises). A waiting job with the same slot is replaced. Returns the slots dropped to make
        room, so their owner can ask again later.

        Jobs read in a read-only transaction, which never waits for a writer (an import holds
        the write lock for a batch at a time); a job that also records something says `writes`.
        """

        def work(_context: TaskContext) -> Any:
            with self._app.session(read_only=not writes) as session:
                return read(session)

        return list(self._tasks.submit(work, done, failed, key=slot).dropped_keys)

    def cancel(self, predicate: Callable[[Hashable], bool]) -> None:
        """Forget waiting jobs whose slot matches (a new query makes old pages useless)."""
        self._tasks.cancel(predicate)

    def busy(self) -> bool:
        """True while a job runs or waits."""
        return self._tasks.busy()

    def close(self) -> None:
        """Stop after the running job (its answer is not delivered); waiting ones are dropped."""
        self._tasks.close()
