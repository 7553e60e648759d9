"""Help ▸ System Check shows the doctor's findings in the window."""

from __future__ import annotations

import json

from pytestqt.qtbot import QtBot

from museaud.app import App
from museaud.store.migrate import head_revision
from museaud.ui.main_window import MainWindow


def test_system_check_lists_every_part_and_copies_json(qtbot: QtBot, app: App) -> None:
    window = MainWindow(app)
    qtbot.addWidget(window)
    dialog = window.show_system_check()
    rows = {
        dialog.table.item(row, 0).text(): dialog.table.item(row, 2).text()
        for row in range(dialog.table.rowCount())
    }
    assert set(rows) == {
        "store",
        "sqlite",
        "audio",
        "midi",
        "essentia",
        "analytics",
        "postgresql",
        "qt",
        "logs",
    }
    assert f"schema {head_revision()}, up to date" in rows["store"]
    assert str(app.paths.log_dir / "museaud.log") in rows["logs"]
    assert "FTS5 yes" in rows["sqlite"]
    found = json.loads(dialog.copy_json())
    assert {check["name"] for check in found["checks"]} == set(rows)
    dialog.close()
