"""Uncaught errors in the GUI land in the log file and in front of the user, with details to copy.

pytest-qt's own exception capture is off here (`qt_no_exception_capture`): it would replace
sys.excepthook and take the errors before the reporter under test sees them.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal, qWarning
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from museaud import logs
from museaud.app import App
from museaud.paths import Paths
from museaud.ui.crash import CrashDialog, CrashReporter
from museaud.ui.gui import run_gui
from museaud.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def log_file(paths: Paths) -> Iterator[Path]:
    """museaud's log file for this test, configured as `museaud` configures it."""
    saved = {name: os.environ.get(name) for name in (logs.FILE_ENV, logs.LEVEL_ENV)}
    root_level = logging.getLogger().level
    setup = logs.configure(paths, console=False)
    assert setup.file is not None
    yield setup.file
    logs.reset()
    logging.getLogger().setLevel(root_level)
    for name, value in saved.items():
        os.environ.pop(name, None)
        if value is not None:
            os.environ[name] = value


@pytest.fixture
def reporter(qapp: QApplication, log_file: Path) -> Iterator[CrashReporter]:
    """A reporter holding the hooks for the test; they are given back after."""
    installed = CrashReporter(log_file).install()
    yield installed
    installed.uninstall()
    for dialog in list(installed.dialogs.values()):
        dialog.close()


class Transport(QObject):
    """A real signal to connect a failing slot to."""

    tempo_changed = Signal(float)


def _visible_crash_dialogs() -> list[CrashDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()
    ]


def test_an_error_in_a_slot_is_logged_and_shown_with_details_to_copy(
    qtbot: QtBot, reporter: CrashReporter, log_file: Path
) -> None:
    assert sys.excepthook == reporter.report
    button = QPushButton("Analyse")
    qtbot.addWidget(button)

    def analyse_tempo() -> None:
        raise ValueError("tempo 0 BPM cannot be analysed\nsecond line")

    button.clicked.connect(analyse_tempo)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    text = log_file.read_text(encoding="utf-8")
    assert "CRITICAL MainProcess" in text
    assert "museaud.ui.crash: uncaught ValueError: tempo 0 BPM cannot be analysed" in text
    assert "Traceback (most recent call last)" in text and "in analyse_tempo" in text

    (dialog,) = _visible_crash_dialogs()
    assert dialog.windowTitle() == "Something went wrong"
    assert dialog.summary_label.text() == "ValueError: tempo 0 BPM cannot be analysed"
    assert str(log_file) in dialog.log_label.text()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert copied == dialog.crash.details
    assert "Traceback (most recent call last)" in copied and "in analyse_tempo" in copied
    assert copied.rstrip().endswith("ValueError: tempo 0 BPM cannot be analysed\nsecond line")
    assert dialog.isVisible()  # copying does not close it

    # the same error again is counted in the open dialog, not stacked in a new one
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert _visible_crash_dialogs() == [dialog]
    assert dialog.times_label.text() == "This happened 2 times."
    assert log_file.read_text(encoding="utf-8").count("uncaught ValueError") == 2

    # once closed, the next one opens a dialog again
    dialog.close()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    (again,) = _visible_crash_dialogs()
    assert again is not dialog and again.times == 1


def test_an_error_in_a_slot_of_a_custom_signal_and_a_thread_are_reported(
    qtbot: QtBot, reporter: CrashReporter, log_file: Path
) -> None:
    transport = Transport()

    def follow_tempo(bpm: float) -> None:
        raise ZeroDivisionError(f"no beat length at {bpm} BPM")

    transport.tempo_changed.connect(follow_tempo)
    transport.tempo_changed.emit(0.0)

    def scan_folder() -> None:
        raise PermissionError("cannot read /music/private")

    scanner = threading.Thread(target=scan_folder, name="library-scan")
    scanner.start()
    scanner.join()
    qtbot.waitUntil(lambda: len(reporter.dialogs) == 2)

    summaries = sorted(dialog.summary_label.text() for dialog in _visible_crash_dialogs())
    assert summaries == [
        "PermissionError: cannot read /music/private",
        "ZeroDivisionError: no beat length at 0.0 BPM",
    ]
    text = log_file.read_text(encoding="utf-8")
    assert "uncaught PermissionError: cannot read /music/private in thread library-scan" in text
    assert "in scan_folder" in text and "in follow_tempo" in text


def test_qt_warnings_go_to_the_log(reporter: CrashReporter, log_file: Path) -> None:
    qWarning("QPainter::begin: Paint device returned engine == 0")
    text = log_file.read_text(encoding="utf-8")
    assert "WARNING MainProcess" in text
    assert "qt: QPainter::begin: Paint device returned engine == 0" in text


def test_run_gui_reports_errors_while_it_runs_and_gives_the_hooks_back(
    qapp: QApplication, app: App, log_file: Path
) -> None:
    before = sys.excepthook
    seen: list[str] = []

    def fail() -> None:
        raise RuntimeError("a slot failed while the window was up")

    def look_and_close() -> None:
        seen.extend(dialog.summary_label.text() for dialog in _visible_crash_dialogs())
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow | CrashDialog):
                window.close()

    QTimer.singleShot(0, fail)
    QTimer.singleShot(0, look_and_close)
    assert run_gui(app, ["museaud"]) == 0

    assert seen == ["RuntimeError: a slot failed while the window was up"]
    assert "uncaught RuntimeError: a slot failed" in log_file.read_text(encoding="utf-8")
    assert sys.excepthook is before
