"""Uncaught errors in the GUI: logged with their traceback and shown, never only printed.

PySide6 hands an exception raised in a slot or event handler to `sys.excepthook`, and Python hands
one ending a thread to `threading.excepthook`; `CrashReporter` takes both, logs the traceback and
shows one non-modal dialog per distinct error with a "Copy details" button. Qt's own messages
(qWarning and friends) go to the log as well.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from museaud import __version__

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]
ThreadHook = Callable[[threading.ExceptHookArgs], object]
QtMessageHandler = Callable[[QtMsgType, QMessageLogContext, str], object]


@dataclass(frozen=True)
class Crash:
    """One uncaught error: its one-line summary, the details to copy, and what makes it the same."""

    summary: str
    details: str
    key: tuple[str, str, str]


def describe(
    error_type: type[BaseException], error: BaseException, trace: TracebackType | None
) -> Crash:
    """The crash report of an exception, with museaud's and Python's versions on top."""
    message = str(error).strip().splitlines()
    summary = f"{error_type.__name__}: {message[0]}" if message else error_type.__name__
    lines = "".join(traceback.format_exception(error_type, error, trace))
    details = (
        f"museaud {__version__} on Python {platform.python_version()} ({platform.platform()})\n\n"
        f"{lines}"
    )
    frames = traceback.extract_tb(trace)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return Crash(summary, details, (error_type.__qualname__, str(error), where))


class CrashDialog(QDialog):
    """ "Something went wrong": the error in one line, where the log is, the details to copy."""

    def __init__(self, crash: Crash, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.crash = crash
        self.times = 1
        self.setWindowTitle("Something went wrong")
        self.setObjectName("crashDialog")
        self.setWindowModality(Qt.WindowModality.NonModal)
        layout = QVBoxLayout(self)
        heading = QLabel("<b>Something went wrong</b>", self)
        layout.addWidget(heading)
        self.summary_label = QLabel(crash.summary, self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary_label)
        where = f"The details are in the log file {log_file}." if log_file else ""
        self.log_label = QLabel(
            f"museaud carries on, but what you just did may not have finished. {where}", self
        )
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.log_label)
        self.times_label = QLabel(self)
        self.times_label.hide()
        layout.addWidget(self.times_label)
        self.details_view = QPlainTextEdit(crash.details, self)
        self.details_view.setReadOnly(True)
        self.details_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.details_view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("Copy details", self)
        self.copy_button.setToolTip("Copy the error and its traceback, e.g. for a bug report")
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def happened_again(self) -> None:
        """Count a repeat of the same error instead of opening another dialog."""
        self.times += 1
        self.times_label.setText(f"This happened {self.times} times.")
        self.times_label.show()

    @Slot()
    def copy_details(self) -> None:
        """Put the error and its traceback on the clipboard."""
        QGuiApplication.clipboard().setText(self.crash.details)


class CrashReporter(QObject):
    """Logs every uncaught error in the GUI and shows it; install() once the QApplication runs."""

    caught = Signal(object)
    """A Crash, emitted from the thread that raised it; shown on the GUI thread."""

    def __init__(self, log_file: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.dialogs: dict[tuple[str, str, str], CrashDialog] = {}
        self._previous: tuple[ExceptHook, ThreadHook, QtMessageHandler | None] | None = None
        self.caught.connect(self._show)

    def install(self) -> CrashReporter:
        """Take over sys.excepthook, threading.excepthook and Qt's message handler."""
        if self._previous is None:
            previous_qt = qInstallMessageHandler(_log_qt_message)
            self._previous = (sys.excepthook, threading.excepthook, previous_qt)
            sys.excepthook = self.report
            threading.excepthook = self.report_thread
        return self

    def uninstall(self) -> None:
        """Give the hooks back to whoever had them before install()."""
        if self._previous is not None:
            sys.excepthook, threading.excepthook, previous_qt = self._previous
            qInstallMessageHandler(previous_qt)
            self._previous = None

    def report(
        self,
        error_type: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
        thread: str | None = None,
    ) -> None:
        """Log an uncaught exception with its traceback and show it (from any thread)."""
        if issubclass(error_type, KeyboardInterrupt):
            sys.__excepthook__(error_type, error, trace)
            return
        crash = describe(error_type, error, trace)
        where = f" in thread {thread}" if thread else ""
        log.critical("uncaught %s%s", crash.summary, where, exc_info=(error_type, error, trace))
        self.caught.emit(crash)

    def report_thread(self, args: threading.ExceptHookArgs) -> None:
        """threading.excepthook: the same as report, naming the thread."""
        if args.exc_value is not None:
            name = args.thread.name if args.thread is not None else "unknown"
            self.report(args.exc_type, args.exc_value, args.exc_traceback, name)

    @Slot(object)
    def _show(self, crash: Crash) -> None:
        shown = self.dialogs.get(crash.key)
        if shown is not None:
            shown.happened_again()
            return
        dialog = CrashDialog(crash, self.log_file, QApplication.activeWindow())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._forget(crash.key, dialog))
        dialog.destroyed.connect(lambda: self._forget(crash.key, dialog))  # with its window
        self.dialogs[crash.key] = dialog
        dialog.show()

    def _forget(self, key: tuple[str, str, str], dialog: CrashDialog) -> None:
        if self.dialogs.get(key) is dialog:
            del self.dialogs[key]


def _log_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own debug output, warnings and errors, in museaud's log."""
    where = f" ({context.file}:{context.line})" if context.file else ""
    qt_log.log(QT_LEVELS.get(kind, logging.WARNING), "%s%s", message, where)
