"""Preferences ▸ Backups: how many to keep, the backups made, and one now."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from tests.support.screenshots import save_screenshot
from tests.ui.conftest import FakeDevices

from museaud.accounts.preferences import load_preferences
from museaud.app import App
from museaud.ui.preferences_dialog import TAB_BACKUPS, PreferencesDialog


def test_the_backups_page_lists_makes_and_keeps_backups(
    qtbot: QtBot, app: App, devices: FakeDevices, screenshot_dir: Path
) -> None:
    app.backup_now()
    dialog = PreferencesDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(TAB_BACKUPS)
    assert dialog.backups_list.count() == 1 and dialog.backups_spin.value() == 7

    dialog.backup_now_button.click()
    dialog.backups_spin.setValue(3)
    save_screenshot(qtbot, dialog, screenshot_dir / "preferences_backups.png")
    dialog.accept()

    assert dialog.backups_list.count() == 2 and "manual" in dialog.backups_list.item(0).text()
    with app.session() as session:
        assert load_preferences(session, app.local_user_id).backups_kept == 3
