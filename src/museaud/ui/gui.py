"""Start the desktop app: one QApplication, the saved theme, the main window, the event loop."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from museaud import __version__, logs
from museaud.accounts.preferences import load_preferences
from museaud.app import App
from museaud.ui.crash import CrashReporter
from museaud.ui.glyphs import app_icon
from museaud.ui.main_window import MainWindow
from museaud.ui.theme import apply_theme


def application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, made (and named) if there is none yet."""
    existing = QCoreApplication.instance()
    if existing is not None:
        if not isinstance(existing, QApplication):
            raise RuntimeError("a QCoreApplication without widgets is already running")
        return existing
    QApplication.setApplicationName("museaud")
    QApplication.setApplicationDisplayName("museaud")
    QApplication.setApplicationVersion(__version__)
    QApplication.setOrganizationName("museaud")
    QApplication.setDesktopFileName("museaud")
    created = QApplication(list(argv) if argv is not None else sys.argv[:1])
    created.setWindowIcon(app_icon())
    return created


def run_gui(app: App, argv: list[str]) -> int:
    """Show museaud's main window for app and run the event loop; returns the exit code."""
    qt_app = application(argv)
    setup = logs.current()
    crashes = CrashReporter(setup.file if setup else logs.log_file(app.paths), qt_app).install()
    try:
        return _show_main_window(app, qt_app)
    finally:
        crashes.uninstall()


def _show_main_window(app: App, qt_app: QApplication) -> int:
    with app.session() as session:
        preferences = load_preferences(session, app.local_user_id)
    apply_theme(preferences.theme, qt_app)
    window = MainWindow(app)
    window.show()

    # start the audio process once the window is up, so the first Space sounds at once
    def warm_up() -> None:
        if window.isVisible():  # not for a window already closed
            window.playback.warm_up()

    QTimer.singleShot(500, window, warm_up)
    try:
        return qt_app.exec()
    finally:
        window.deleteLater()
