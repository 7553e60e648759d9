"""run_gui: the event loop starts with the saved theme and ends when the window closes."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from museaud.accounts.preferences import load_ui_state, update_preferences
from museaud.app import App
from museaud.ui.gui import application, run_gui
from museaud.ui.main_window import MainWindow


def test_run_gui_shows_the_window_with_the_saved_theme(qapp: QApplication, app: App) -> None:
    with app.session() as session:
        update_preferences(session, app.local_user_id, theme="dark")
    seen: list[str] = []

    def close_main_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(w.current_view_name() for w in windows if w.isVisible())
        for window in windows:
            window.close()

    QTimer.singleShot(0, close_main_window)
    assert run_gui(app, ["museaud"]) == 0

    assert seen == ["library"]
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
    with app.session() as session:
        assert load_ui_state(session, app.local_user_id, "main_window")["view"] == "library"


def test_an_existing_application_is_reused(qapp: QApplication) -> None:
    assert application(["museaud"]) is qapp
