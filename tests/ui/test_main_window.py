"""The main window: views, navigation, menus, status bar and saved window state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from museaud import __version__
from museaud.accounts.preferences import load_ui_state, save_ui_state, update_preferences
from museaud.app import App
from museaud.ui.main_window import MainWindow
from museaud.ui.views import BeatMachineView, EmptyStateView, LibraryView
from museaud.ui.views.analytics import AnalyticsView

if TYPE_CHECKING:
    from tests.ui.conftest import FakeDevices

VIEW_NAMES = ["library", "playlists", "beat_machine", "songs", "analytics", "account"]
VIEW_TITLES = [
    "Library",
    "Playlists",
    "Beat Machine",
    "Songs & Lyrics",
    "Analytics",
    "Account & Sync",
]


def open_window(qtbot: QtBot, app: App) -> MainWindow:
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_window_offers_six_views_in_the_sidebar(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)

    assert window.view_names() == VIEW_NAMES
    assert [window.sidebar.item(row).text() for row in range(window.sidebar.count())] == (
        VIEW_TITLES
    )
    assert window.stack.count() == 6
    assert window.current_view_name() == "library"
    assert isinstance(window.stack.currentWidget(), LibraryView)


def test_clicking_the_sidebar_switches_views(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)

    for row, name in reversed(list(enumerate(VIEW_NAMES))):
        item = window.sidebar.item(row)
        rect = window.sidebar.visualItemRect(item)
        qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.current_view_name() == name
        assert window.stack.currentWidget() is window.views[name]
        assert window.view_actions[name].isChecked()
        assert window.windowTitle().startswith(VIEW_TITLES[row])


def test_ctrl_and_a_number_switches_views(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    for number, name in reversed(list(enumerate(VIEW_NAMES, start=1))):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        assert window.current_view_name() == name
        assert window.sidebar.currentRow() == number - 1


def test_view_menu_lists_the_views_with_their_shortcuts(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)

    shortcuts = [action.shortcut().toString() for action in window.view_actions.values()]
    assert shortcuts == [f"Ctrl+{number}" for number in range(1, 7)]
    titles = [action.text().replace("&&", "&") for action in window.view_actions.values()]
    assert titles == VIEW_TITLES
    window.view_actions["songs"].trigger()
    assert window.current_view_name() == "songs"


def test_menus_hold_import_preferences_quit_and_about(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)

    menus = {action.text().replace("&", ""): action.menu() for action in window.menuBar().actions()}
    assert list(menus) == ["File", "View", "Help"]
    file_texts = [action.text() for action in menus["File"].actions() if not action.isSeparator()]
    assert file_texts == ["&Import Folder…", "&Preferences…", "&Quit"]
    assert window.preferences_action.shortcut().toString() == "Ctrl+,"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.about_action in menus["Help"].actions()


def test_import_folder_opens_the_import_dialog(qtbot: QtBot, app: App) -> None:
    from museaud.ui.import_dialog import ImportDialog

    window = open_window(qtbot, app)
    library = window.views["library"]
    assert isinstance(library, LibraryView)
    assert window.import_folder_action.isEnabled()
    assert window.import_folder_action.shortcut().toString() == "Ctrl+I"
    assert library.action_button.text() == "Import Folder…"
    assert library.action_button.isEnabled()
    assert library.action_button.toolTip() == window.import_folder_action.toolTip()

    qtbot.mouseClick(library.action_button, Qt.MouseButton.LeftButton)

    dialog = window.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.import_button.isEnabled()  # no folder chosen yet
    assert window.open_import_dialog() is dialog  # a second request raises the same one
    dialog.reject()


def test_each_empty_view_says_how_to_start(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)

    library = window.views["library"]
    assert isinstance(library, LibraryView)
    assert "tempo, key, loudness and sections" in library.body_label.text()
    assert library.state.command == "museaud import PATH"
    for view in window.views.values():
        if isinstance(view, BeatMachineView | AnalyticsView):
            continue  # the beat machine has its editor, the dashboard an empty state per chart
        assert isinstance(view, EmptyStateView)  # until the features arrive
        assert view.title
        assert view.state.how_to_start
        assert view.state.headline


def test_account_view_points_at_the_store_file(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)

    account = window.views["account"]
    assert isinstance(account, EmptyStateView)
    assert account.state.path == app.store.path
    chips = [label.text() for label in account.card.findChildren(QLabel, "commandChip")]
    assert chips == [str(app.store.path)]


def test_status_bar_shows_store_revision_and_missing_playback(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)

    audio, midi, store = window.status_texts()
    assert audio == "Playback unavailable: no audio output device found"
    assert window.audio_status.is_warning()
    assert midi.startswith("MIDI unavailable")
    assert app.store.path.name in store
    assert f"schema {app.store.revision}" in store


def test_status_bar_shows_the_default_output_when_there_is_one(
    qtbot: QtBot, app: App, devices: FakeDevices
) -> None:
    devices.plug_in()
    window = open_window(qtbot, app)

    audio, midi, _store = window.status_texts()
    assert "unavailable" not in audio.lower()
    assert "Scarlett 2i2 USB" in audio
    assert not window.audio_status.is_warning()
    assert "minilogue xd" in midi


def test_devices_are_queried_once_at_start_up(qtbot: QtBot, app: App, devices: FakeDevices) -> None:
    window = open_window(qtbot, app)
    for name in VIEW_NAMES:
        window.show_view(name)
    window.repaint()

    assert devices.queries == ["audio, released", "midi"]  # the GUI holds no PortAudio client


def test_window_state_survives_closing_and_reopening(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)
    window.resize(790, 530)  # within the 800 x 800 offscreen screen, which restoring respects
    window.show_view("analytics")
    window.splitter.setSizes([260, 530])
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 260)
    window.close()

    with app.session() as session:
        saved = load_ui_state(session, app.local_user_id, "main_window")
    assert saved["view"] == "analytics"
    assert saved["sidebar_width"] == 260
    assert isinstance(saved["geometry"], str)
    assert isinstance(saved["window_state"], str)

    reopened = open_window(qtbot, app)
    assert reopened.size() == QSize(790, 530)
    assert reopened.current_view_name() == "analytics"
    assert reopened.sidebar.currentRow() == VIEW_NAMES.index("analytics")
    assert reopened.splitter.sizes()[0] == 260


def test_a_hidden_sidebar_stays_hidden(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)
    window.sidebar_action.trigger()
    assert not window.sidebar_panel.isVisible()
    window.close()

    reopened = open_window(qtbot, app)
    assert not reopened.sidebar_panel.isVisible()
    assert not reopened.sidebar_action.isChecked()
    reopened.sidebar_action.trigger()
    assert reopened.sidebar_panel.isVisible()
    assert reopened.splitter.sizes()[0] >= 170


def test_unreadable_saved_state_is_ignored(qtbot: QtBot, app: App) -> None:
    with app.session() as session:
        save_ui_state(
            session,
            app.local_user_id,
            "main_window",
            {"geometry": "not base64!", "window_state": 7, "view": "gone", "sidebar_width": "x"},
        )

    window = open_window(qtbot, app)

    assert window.current_view_name() == "library"
    assert window.width() > 700


def test_about_names_version_store_and_schema_revision(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)

    text = window.about_text()
    assert __version__ in text
    assert str(app.store.path) in text
    assert app.store.revision in text


def test_beat_machine_starts_a_pattern_from_the_saved_defaults(qtbot: QtBot, app: App) -> None:
    with app.session() as session:
        update_preferences(
            session,
            app.local_user_id,
            default_bpm=96,
            default_key_note=9,
            default_scale="minor",
            default_flavor="Merengue",
        )
    window = open_window(qtbot, app)

    beat_machine = window.views["beat_machine"]
    assert isinstance(beat_machine, BeatMachineView)
    pattern = beat_machine.draft.pattern
    assert (pattern.bpm, pattern.key_note, pattern.scale, pattern.flavor) == (
        96,
        9,
        "minor",
        "Merengue",
    )
    assert beat_machine.controls.bpm_spin.value() == 96
    assert beat_machine.controls.key_combo.currentText() == "A"
    assert beat_machine.controls.flavor_combo.currentText() == "Merengue"
    assert beat_machine.draft.is_new


def test_saved_preferences_change_theme_and_defaults(qtbot: QtBot, app: App) -> None:
    window = open_window(qtbot, app)
    dialog = window.open_preferences()
    dialog.bpm_spin.setValue(174)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))

    dialog.accept()

    assert window.preferences.default_bpm == 174
    beat_machine = window.views["beat_machine"]
    assert isinstance(beat_machine, BeatMachineView)
    assert beat_machine.draft.pattern.bpm == 174  # the untouched new pattern follows
    window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
    assert window_colour.lightness() < 80


@pytest.mark.parametrize("name", ["nope", ""])
def test_showing_an_unknown_view_is_refused(qtbot: QtBot, app: App, name: str) -> None:
    window = open_window(qtbot, app)
    with pytest.raises(ValueError, match="no view called"):
        window.show_view(name)
