"""Background work for the GUI: run it off the GUI thread, get its answer back on the GUI thread.

`BackgroundTasks` is one daemon thread and a queue. `submit(work, done, failed)` runs
`work(context)` in that thread; `done(result)`, `failed(error)` and `progress(value)` are called
later in the GUI thread, through a queued signal, so the work never touches a widget. A failure
nobody handles is logged and raised in the GUI thread, where it is seen. Progress reaches the GUI
at most ten times a second (the latest value wins; the last one comes before `done`).

Requests run in the order asked (`fifo`) or the most recent first (`newest_first`, for reads a
user scrolls past); a waiting task with the same key is replaced, and `max_waiting` drops the
oldest waiting ones. `Task.cancel()` drops a waiting task, and asks a running one to stop (its
`context.cancelled` turns True) and forgets its answer. Closing (or deleting the parent) cancels
everything and waits for the thread; nothing is delivered after that.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, Literal, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal, Slot

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.1
"""Progress reaches the GUI at most ten times a second."""

Result = TypeVar("Result")
Order = Literal["fifo", "newest_first"]
Outcome = Literal["progress", "done", "failed"]


class TaskContext:
    """What a running task's work is handed: whether to stop, and where to report progress."""

    def __init__(self, task: Task[Any], worker: _Worker) -> None:
        self._task = task
        self._worker = worker

    @property
    def cancelled(self) -> bool:
        """True once the task was cancelled or its tasks closed: the work should stop soon."""
        return self._task._cancel_event.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        """The Event behind `cancelled`, for code that waits on one (`run_import`'s cancel)."""
        return self._task._cancel_event

    def report(self, value: object) -> None:
        """Send progress to the GUI (throttled: only the latest value is sure to arrive)."""
        self._worker.report(self._task, value)


class Task(Generic[Result]):
    """One piece of work asked for: cancel it, or see whether it was."""

    def __init__(
        self,
        worker: _Worker,
        work: Callable[[TaskContext], Result],
        *,
        done: Callable[[Result], None] | None,
        failed: Callable[[Exception], None] | None,
        progress: Callable[[Any], None] | None,
        key: Hashable | None,
    ) -> None:
        self.key = key
        self._cancel_event = threading.Event()
        self.dropped_keys: tuple[Hashable, ...] = ()
        """The keys of waiting tasks dropped to make room for this one (max_waiting)."""
        self._worker = worker
        self._work = work
        self._done = done
        self._failed = failed
        self._progress = progress
        self._answer_wanted = True  # False once cancelled without keep_result
        self._latest_progress: tuple[Any] | None = None  # guarded by the worker's lock
        self._progress_posted = False  # a progress delivery is on its way to the GUI
        self._progress_shown_at = float("-inf")  # GUI thread only

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called (or the tasks were closed)."""
        return self._cancel_event.is_set()

    def cancel(self, *, keep_result: bool = False) -> None:
        """Drop the task if it waits; if it runs, ask it to stop (`context.cancelled`).

        Its done/failed/progress are then not called, unless keep_result: then a running task
        still delivers what it returns (an import's summary of the tracks it kept)."""
        self._worker.cancel_task(self, keep_result=keep_result)


def _wait_key(task: Task[Any]) -> Hashable:
    return task if task.key is None else task.key


class _Worker:
    """The thread, the waiting tasks and their lock; no Qt, so it outlives a deleted QObject."""

    def __init__(
        self,
        name: str,
        order: Order,
        max_waiting: int | None,
        post: Callable[[tuple[Task[Any], Outcome, object]], None],
    ) -> None:
        self.name = name
        self.order = order
        self.max_waiting = max_waiting
        self.post_to_gui = post
        self.condition = threading.Condition()
        self.waiting: OrderedDict[Hashable, Task[Any]] = OrderedDict()
        self.running: Task[Any] | None = None
        self.closed = False
        self.thread: threading.Thread | None = None

    def submit(self, task: Task[Any]) -> None:
        with self.condition:
            if self.closed:
                log.debug("%s is closed: a task was not run", self.name)
                task._answer_wanted = False
                task._cancel_event.set()
                return
            replaced = self.waiting.pop(_wait_key(task), None)
            if replaced is not None:
                replaced._answer_wanted = False
                replaced._cancel_event.set()
            self.waiting[_wait_key(task)] = task
            dropped = []
            while self.max_waiting is not None and len(self.waiting) > self.max_waiting:
                _key, old = self.waiting.popitem(last=False)
                old._answer_wanted = False
                old._cancel_event.set()
                if old.key is not None:
                    dropped.append(old.key)
            task.dropped_keys = tuple(dropped)
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name=self.name, daemon=True)
                self.thread.start()
            self.condition.notify_all()

    def cancel_task(self, task: Task[Any], *, keep_result: bool) -> None:
        with self.condition:
            if self.waiting.get(_wait_key(task)) is task:
                del self.waiting[_wait_key(task)]
                keep_result = False
                self.condition.notify_all()
            task._answer_wanted = task._answer_wanted and keep_result
            task._cancel_event.set()

    def cancel_waiting(self, predicate: Callable[[Hashable], bool]) -> None:
        with self.condition:
            for key, task in list(self.waiting.items()):
                if task.key is not None and predicate(key):
                    del self.waiting[key]
                    task._answer_wanted = False
                    task._cancel_event.set()
            self.condition.notify_all()

    def busy(self) -> bool:
        with self.condition:
            return bool(self.waiting) or self.running is not None

    def wait_idle(self, timeout: float) -> bool:
        with self.condition:
            return self.condition.wait_for(
                lambda: not self.waiting and self.running is None, timeout
            )

    def close(self, timeout: float, *, drain: bool) -> None:
        with self.condition:
            self.closed = True
            if not drain:
                for task in self.waiting.values():
                    task._cancel_event.set()
                self.waiting.clear()
                if self.running is not None:
                    self.running._cancel_event.set()
            self.condition.notify_all()
            thread = self.thread
        if thread is None or thread is threading.current_thread():
            return
        thread.join(timeout)
        if thread.is_alive():
            log.warning("%s did not finish its work within %.1f s", self.name, timeout)

    def run(self) -> None:
        while True:
            with self.condition:
                self.condition.wait_for(lambda: bool(self.waiting) or self.closed)
                if not self.waiting:  # closed, and nothing left to drain
                    return
                _key, task = self.waiting.popitem(last=self.order == "newest_first")
                self.running = task
            try:
                self.execute(task)
            finally:
                with self.condition:
                    self.running = None
                    self.condition.notify_all()

    def execute(self, task: Task[Any]) -> None:
        try:
            result = task._work(TaskContext(task, self))
        except Exception as error:  # every failure is reported; unhandled ones are logged too
            if task._failed is None:
                log.exception("a task of %s failed", self.name)
            self.post(task, "failed", error)
        else:
            self.post(task, "done", result)

    def report(self, task: Task[Any], value: object) -> None:
        if task._progress is None:
            return
        with self.condition:
            task._latest_progress = (value,)
            if task._progress_posted:
                return  # the delivery on its way will carry this value
            task._progress_posted = True
        self.post(task, "progress", None)

    def take_progress(self, task: Task[Any]) -> tuple[Any] | None:
        with self.condition:
            latest, task._latest_progress = task._latest_progress, None
            task._progress_posted = False
            return latest

    def wants(self, task: Task[Any]) -> bool:
        return task._answer_wanted and not self.closed

    def post(self, task: Task[Any], outcome: Outcome, value: object) -> None:
        """Queue a delivery to the GUI thread, unless closed (checked under the lock that close
        takes, so nothing is posted to a QObject being deleted)."""
        with self.condition:
            if not self.wants(task):
                return
            with contextlib.suppress(RuntimeError):  # the relay's C++ object is gone
                self.post_to_gui((task, outcome, value))


class BackgroundTasks(QObject):
    """One worker thread for a part of the GUI; make it in the GUI thread, where answers arrive."""

    _delivery = Signal(object)
    """(task, outcome, value) as one tuple: PySide must never carry a bare None."""

    def __init__(
        self,
        name: str,
        parent: QObject | None = None,
        *,
        order: Order = "fifo",
        max_waiting: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        relay = weakref.ref(self)  # the thread must not keep a dropped QObject alive

        def post(delivery: tuple[Task[Any], Outcome, object]) -> None:
            tasks = relay()
            if tasks is not None:
                tasks._delivery.emit(delivery)

        self._worker = _Worker(name, order, max_waiting, post)
        self._delivery.connect(self._deliver)
        worker = self._worker
        self.destroyed.connect(lambda _object=None: worker.close(5.0, drain=False))

    def submit(
        self,
        work: Callable[[TaskContext], Result],
        done: Callable[[Result], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
        *,
        key: Hashable | None = None,
        progress: Callable[[Any], None] | None = None,
    ) -> Task[Result]:
        """Run work(context) in the worker thread; done(result), failed(error) and
        progress(value) are called in the GUI thread. A waiting task with the same key is
        replaced; the returned task's `dropped_keys` names those dropped for max_waiting."""
        task = Task(self._worker, work, done=done, failed=failed, progress=progress, key=key)
        self._worker.submit(task)
        return task

    def cancel(self, predicate: Callable[[Hashable], bool]) -> None:
        """Drop the waiting tasks whose key matches (a new query makes old pages useless)."""
        self._worker.cancel_waiting(predicate)

    def busy(self) -> bool:
        """True while a task runs or waits (its answer may still be on its way to the GUI)."""
        return self._worker.busy()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until no task runs or waits, at most timeout seconds; True if so."""
        return self._worker.wait_idle(timeout)

    def close(self, timeout: float = 5.0, drain: bool = False) -> None:
        """Stop for good: cancel the waiting and running tasks (with drain, run the waiting ones
        first) and wait for the thread at most timeout seconds. Nothing is delivered after."""
        self._worker.close(timeout, drain=drain)

    @Slot(object)
    def _deliver(self, delivery: tuple[Task[Any], Outcome, object]) -> None:
        task, outcome, value = delivery
        if not self._worker.wants(task):
            return
        if outcome == "progress":
            wait_s = task._progress_shown_at + PROGRESS_EVERY_S - time.monotonic()
            if wait_s > 0:
                QTimer.singleShot(
                    math.ceil(wait_s * 1000), self, functools.partial(self._show_progress, task)
                )
            else:
                self._show_progress(task)
            return
        self._show_progress(task)  # the last value, before the answer
        if not self._worker.wants(task):
            return
        if outcome == "done":
            if task._done is not None:
                task._done(value)
            return
        assert isinstance(value, Exception)
        if task._failed is None:
            raise value  # seen in the GUI (the worker has logged it)
        task._failed(value)

    def _show_progress(self, task: Task[Any]) -> None:
        if not self._worker.wants(task):
            return
        latest = self._worker.take_progress(task)
        if latest is None or task._progress is None:
            return
        task._progress_shown_at = time.monotonic()
        task._progress(latest[0])
