"""The main window as the UI tests open it: shown at a laptop's size and exposed."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from museaud.app import App
from museaud.ui.main_window import MainWindow


def show_main_window(qtbot: QtBot, app: App, width: int = 1280, height: int = 800) -> MainWindow:
    """A MainWindow on app, shown and exposed (closed by qtbot after the test)."""
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window
