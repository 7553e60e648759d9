"""BackgroundTasks on a real worker thread: answers on the GUI thread, order, replacement,
dropping, cancel, throttled progress, close, and failures nobody handles."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from museaud.ui.tasks import PROGRESS_EVERY_S, BackgroundTasks, TaskContext

WAIT_MS = 10_000


@pytest.fixture
def tasks(qapp: QApplication) -> Iterator[BackgroundTasks]:
    """A FIFO worker, closed after the test."""
    made = BackgroundTasks("test-tasks")
    yield made
    made.close()


@pytest.fixture
def newest_first(qapp: QApplication) -> Iterator[BackgroundTasks]:
    """A newest-first worker keeping at most three waiting tasks, as the library's reader."""
    made = BackgroundTasks("test-reads", order="newest_first", max_waiting=3)
    yield made
    made.close()


def hold(tasks: BackgroundTasks) -> threading.Event:
    """Keep the worker busy until the returned Event is set, so later tasks wait."""
    started, release = threading.Event(), threading.Event()

    def work(_context: TaskContext) -> None:
        started.set()
        release.wait()

    tasks.submit(work)
    assert started.wait(5)
    return release


def echo(value: str, ran: list[str]) -> Callable[[TaskContext], str]:
    """Work that notes, in the worker thread, that it ran, and answers its value."""

    def work(_context: TaskContext) -> str:
        ran.append(value)
        return value

    return work


def test_answers_and_errors_arrive_on_the_gui_thread(
    qtbot: QtBot, qapp: QApplication, tasks: BackgroundTasks
) -> None:
    answers: list[tuple[object, bool]] = []

    def note(answer: object) -> None:
        answers.append((answer, QThread.currentThread() is qapp.thread()))

    def where(_context: TaskContext) -> str:
        return threading.current_thread().name

    def broken(_context: TaskContext) -> None:
        raise LookupError("no such track")

    tasks.submit(where, note, note)
    tasks.submit(broken, note, note)
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=WAIT_MS)

    assert answers[0] == ("test-tasks", True)  # worked in its thread, answered in the GUI's
    error, on_gui_thread = answers[1]
    assert isinstance(error, LookupError) and on_gui_thread


def test_fifo_runs_in_the_order_asked(qtbot: QtBot, tasks: BackgroundTasks) -> None:
    release = hold(tasks)
    ran: list[str] = []
    answered: list[str] = []
    for name in ("intro", "verse", "chorus"):
        tasks.submit(echo(name, ran), answered.append)
    release.set()

    qtbot.waitUntil(lambda: len(answered) == 3, timeout=WAIT_MS)
    assert ran == answered == ["intro", "verse", "chorus"]


def test_newest_first_and_a_key_asked_again_replaces_the_waiting_one(
    qtbot: QtBot, newest_first: BackgroundTasks
) -> None:
    reads = newest_first
    release = hold(reads)
    ran: list[str] = []
    answered: list[str] = []
    reads.submit(echo("page 1 (old query)", ran), answered.append, key=1)
    reads.submit(echo("page 2", ran), answered.append, key=2)
    reads.submit(echo("page 3", ran), answered.append, key=3)
    reads.submit(echo("page 1", ran), answered.append, key=1)
    release.set()

    qtbot.waitUntil(lambda: len(answered) == 3, timeout=WAIT_MS)
    assert ran == answered == ["page 1", "page 3", "page 2"]


def test_max_waiting_drops_the_oldest_and_says_which(
    qtbot: QtBot, newest_first: BackgroundTasks
) -> None:
    release = hold(newest_first)
    ran: list[str] = []
    answered: list[str] = []
    first = newest_first.submit(echo("page 1", ran), answered.append, key=("page", 1))
    second = newest_first.submit(echo("page 2", ran), answered.append, key=("page", 2))
    third = newest_first.submit(echo("page 3", ran), answered.append, key=("page", 3))
    fourth = newest_first.submit(echo("page 4", ran), answered.append, key=("page", 4))
    release.set()

    assert first.dropped_keys == second.dropped_keys == third.dropped_keys == ()
    assert fourth.dropped_keys == (("page", 1),)  # its owner may ask for page 1 again
    assert first.cancelled
    qtbot.waitUntil(lambda: len(answered) == 3, timeout=WAIT_MS)
    assert newest_first.wait_idle()
    assert ran == answered == ["page 4", "page 3", "page 2"]


def test_cancel_drops_waiting_tasks_and_stops_a_running_one(
    qtbot: QtBot, tasks: BackgroundTasks
) -> None:
    started = threading.Event()
    answered: list[str] = []

    def render(context: TaskContext) -> str:
        started.set()
        context.cancel_event.wait()  # a long job that checks for cancel as it goes
        return "rendered" if not context.cancelled else "stopped early"

    running = tasks.submit(render, answered.append)
    assert started.wait(5)
    ran: list[str] = []
    waiting = tasks.submit(echo("waiting", ran), answered.append)
    tasks.submit(echo("old page", ran), answered.append, key=("page", 4))
    tasks.submit(echo("facets", ran), answered.append, key="facets")
    waiting.cancel()
    tasks.cancel(lambda key: isinstance(key, tuple) and key[0] == "page")
    assert tasks.busy()
    running.cancel()

    qtbot.waitUntil(lambda: answered == ["facets"], timeout=WAIT_MS)
    tasks.submit(echo("after", ran), answered.append)
    qtbot.waitUntil(lambda: "after" in answered, timeout=WAIT_MS)
    assert answered == ["facets", "after"]  # the stopped render's answer was never delivered
    assert ran == ["facets", "after"]
    assert running.cancelled and waiting.cancelled


def test_cancel_keeping_the_result_still_delivers_it(qtbot: QtBot, tasks: BackgroundTasks) -> None:
    started = threading.Event()

    def import_folder(context: TaskContext) -> str:
        started.set()
        context.cancel_event.wait()
        return "cancelled: 3 tracks kept"

    answered: list[str] = []
    task = tasks.submit(import_folder, answered.append)
    assert started.wait(5)
    task.cancel(keep_result=True)

    qtbot.waitUntil(lambda: answered == ["cancelled: 3 tracks kept"], timeout=WAIT_MS)


def test_progress_is_throttled_and_the_last_value_comes_before_the_answer(
    qtbot: QtBot, tasks: BackgroundTasks
) -> None:
    finish = threading.Event()
    events: list[tuple[str, int, float]] = []

    def count(context: TaskContext) -> int:
        files = 0
        while not finish.is_set():
            files += 1
            context.report(files)
            finish.wait(0.0005)  # a file at a time, far faster than anyone can read
        return files

    tasks.submit(
        count,
        lambda files: events.append(("done", files, time.monotonic())),
        progress=lambda files: events.append(("progress", files, time.monotonic())),
    )
    qtbot.waitUntil(lambda: len(events) >= 4, timeout=WAIT_MS)
    finish.set()
    qtbot.waitUntil(lambda: events[-1][0] == "done", timeout=WAIT_MS)

    progress = [(files, at) for kind, files, at in events if kind == "progress"]
    counted = [files for files, _at in progress]
    assert counted == sorted(counted) and len(counted) < counted[-1]  # most values skipped
    assert counted[-1] == events[-1][1]  # the last value arrived, before the answer
    span_s = progress[-2][1] - progress[0][1]  # the final one hurries ahead of the answer
    assert (len(progress) - 2) * PROGRESS_EVERY_S <= span_s + PROGRESS_EVERY_S / 2


def test_close_while_a_task_runs_waits_for_it_and_delivers_nothing(
    qapp: QApplication,
) -> None:
    tasks = BackgroundTasks("test-closing")
    started = threading.Event()
    answered: list[object] = []
    ran: list[str] = []

    def analyse(context: TaskContext) -> str:
        started.set()
        context.cancel_event.wait()  # only close() lets it go
        return "analysed"

    running = tasks.submit(analyse, answered.append, answered.append)
    assert started.wait(5)
    tasks.submit(echo("queued", ran), answered.append)
    tasks.close(timeout=5)

    assert running.cancelled and not tasks.busy()
    assert "test-closing" not in {thread.name for thread in threading.enumerate()}
    qapp.processEvents()  # anything the worker had posted would be delivered now
    assert answered == [] and ran == []


def test_an_answer_waiting_for_the_gui_is_not_delivered_after_close(qapp: QApplication) -> None:
    tasks = BackgroundTasks("test-late")
    answered: list[str] = []
    tasks.submit(echo("late", []), answered.append)
    assert tasks.wait_idle()  # the answer is queued for the GUI thread now

    tasks.close()
    qapp.processEvents()

    assert answered == []
    later = tasks.submit(echo("after close", []), answered.append)
    assert later.cancelled  # a closed worker runs nothing more


def test_close_with_drain_runs_what_is_queued_in_order(qapp: QApplication) -> None:
    jobs = BackgroundTasks("test-audio-jobs")
    started, closing = threading.Event(), threading.Event()
    done: list[tuple[str, bool]] = []

    def start_engine(context: TaskContext) -> None:
        started.set()
        closing.wait()
        done.append(("start", context.cancelled))

    def stop_engine(context: TaskContext) -> None:
        done.append(("stop", context.cancelled))

    jobs.submit(start_engine)
    assert started.wait(5)
    jobs.submit(stop_engine)
    closing.set()
    jobs.close(timeout=5, drain=True)

    assert done == [("start", False), ("stop", False)]
    assert not jobs.busy()


def test_a_failure_nobody_handles_is_logged_and_raised_on_the_gui_thread(
    qtbot: QtBot, tasks: BackgroundTasks, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_context: TaskContext) -> None:
        raise ValueError("tempo out of range")

    with (
        caplog.at_level(logging.ERROR, logger="museaud.ui.tasks"),
        qtbot.captureExceptions() as raised,
    ):
        tasks.submit(broken)
        qtbot.waitUntil(lambda: bool(raised), timeout=WAIT_MS)

    assert isinstance(raised[0][1], ValueError)
    assert "tempo out of range" in str(raised[0][1])
    logged = [record for record in caplog.records if record.name == "museaud.ui.tasks"]
    assert logged and logged[0].exc_info is not None
    assert logged[0].exc_info[1] is raised[0][1]


def test_deleting_the_parent_closes_the_worker(qtbot: QtBot, qapp: QApplication) -> None:
    view = QObject()
    tasks = BackgroundTasks("test-owned", view)
    started = threading.Event()
    answered: list[str] = []

    def read(context: TaskContext) -> str:
        started.set()
        context.cancel_event.wait()
        return "rows"

    tasks.submit(read, answered.append)
    assert started.wait(5)
    gone: list[bool] = []
    view.destroyed.connect(lambda: gone.append(True))
    view.deleteLater()
    qtbot.waitUntil(lambda: bool(gone), timeout=WAIT_MS)

    assert "test-owned" not in {thread.name for thread in threading.enumerate()}
    qapp.processEvents()
    assert answered == []
