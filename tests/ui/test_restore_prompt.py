"""The restore prompt: shown for a damaged library, it restores the newest good backup (the
damaged file kept aside) or rebuilds the indexes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from tests.store.damage import add_tracks, damage_pages, damage_table, table_pages
from tests.support.screenshots import save_screenshot

from museaud.app import App
from museaud.store.models.library import Track
from museaud.ui import restore_prompt
from museaud.ui.restore_prompt import RestorePrompt, open_or_offer_restore


@pytest.fixture
def damaged(app: App) -> App:
    """An installation with a good backup of 400 tracks and a store damaged since."""
    add_tracks(app, 400)
    app.backup_now()
    app.close()
    damage_table(app.paths.store_file)
    return app


def test_the_prompt_names_the_file_and_restores_the_newest_good_backup(
    qtbot: QtBot, damaged: App, screenshot_dir: Path
) -> None:
    prompt = RestorePrompt(damaged.paths, "database disk image is malformed")
    qtbot.addWidget(prompt)
    prompt.show()
    assert str(damaged.paths.store_file) in prompt.detail.text()
    assert prompt.restore_button.isEnabled() and "Restore backup of" in prompt.restore_button.text()
    save_screenshot(qtbot, prompt, screenshot_dir / "restore_prompt.png")

    prompt.restore_button.click()

    assert prompt.result() == RestorePrompt.DialogCode.Accepted
    assert next(damaged.paths.data_dir.glob("museaud.sqlite.before-restore-*")).exists()
    with App.open(damaged.paths) as again, again.session() as session:
        assert session.scalar(select(func.count()).select_from(Track)) == 400


def test_rebuild_that_cannot_repair_rows_says_so(qtbot: QtBot, damaged: App) -> None:
    prompt = RestorePrompt(damaged.paths, "database disk image is malformed")
    qtbot.addWidget(prompt)
    prompt.rebuild_button.click()
    assert "Rebuilding did not repair it" in prompt.status.text()
    assert "rows of the table tracks are damaged" in prompt.status.text()


def test_the_gui_start_offers_the_prompt_and_opens_after_a_rebuild(
    qtbot: QtBot, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_tracks(app, 400)
    app.close()
    damage_pages(app.paths.store_file, table_pages(app.paths.store_file, "ix_tracks_folder")[1:])
    shown: list[str] = []

    def rebuild_at_once(self: RestorePrompt) -> int:
        shown.append(self.detail.text())
        self.rebuild()
        return int(self.result())

    monkeypatch.setattr(restore_prompt.RestorePrompt, "exec", rebuild_at_once)

    opened = open_or_offer_restore(["museaud"])

    assert opened is not None and len(shown) == 1
    with opened, opened.session() as session:
        assert session.scalar(select(func.count()).select_from(Track)) == 400
    assert next(app.paths.data_dir.glob("museaud.sqlite.damaged-*")).exists()
