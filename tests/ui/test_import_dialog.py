"""The import dialog runs a real import off the GUI thread; the library table fills in."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from tests.support.audio import RenderedCorpus
from tests.support.library import import_paths, make_library, tag_wav
from tests.support.windows import show_main_window
from tests.ui.test_screenshots import save_screenshot

from museaud.app import App
from museaud.library.importer import ImportSummary
from museaud.ui.import_dialog import ImportDialog, ImportUpdate
from museaud.ui.library.columns import COLUMN_KEYS
from museaud.ui.main_window import MainWindow
from museaud.ui.theme import apply_theme
from museaud.ui.views import LibraryView

IMPORT_TIMEOUT_MS = 180_000


@pytest.fixture
def library(tmp_path: Path, rendered_corpus: RenderedCorpus) -> Path:
    folder = make_library(tmp_path / "Music", rendered_corpus)
    (folder / "broken download.mp3").write_bytes(os.urandom(20_000))
    (folder / "empty take.wav").write_bytes(b"")
    return folder


def _run_dialog_import(qtbot: QtBot, dialog: ImportDialog) -> ImportSummary:
    with qtbot.waitSignal(dialog.import_finished, timeout=IMPORT_TIMEOUT_MS) as finished:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        assert dialog.is_running()
        assert not dialog.add_button.isEnabled() and dialog.cancel_button.text() == "Cancel"
    assert dialog.wait_for_import()
    summary = finished.args[0]
    assert isinstance(summary, ImportSummary)
    return summary


def test_the_dialog_shows_progress_failures_and_the_summary(
    qtbot: QtBot, app: App, library: Path, screenshot_dir: Path
) -> None:
    dialog = ImportDialog(app, paths=[library])
    qtbot.addWidget(dialog)
    dialog.resize(720, 560)
    dialog.show()
    qtbot.waitExposed(dialog)
    shown: list[ImportUpdate] = []
    original = dialog._show_update

    def record(update: ImportUpdate) -> None:
        assert threading.current_thread() is threading.main_thread()  # drawn by the GUI
        shown.append(update)
        original(update)

    dialog._show_update = record  # type: ignore[method-assign]

    summary = _run_dialog_import(qtbot, dialog)

    assert (summary.new, summary.failed) == (4, 2)
    assert any(update.progress.phase == "analysing" for update in shown)
    assert len(shown[-1].failures) == 2  # failures arrive as they happen, before the summary
    assert (dialog.progress_bar.value(), dialog.progress_bar.maximum()) == (6, 6)
    rows = [
        (dialog.failure_list.topLevelItem(row).text(0), dialog.failure_list.topLevelItem(row))
        for row in range(dialog.failure_list.topLevelItemCount())
    ]
    assert sorted(name for name, _item in rows) == ["broken download.mp3", "empty take.wav"]
    for _name, item in rows:
        assert item.text(1) and item.toolTip(0).startswith(str(library))
    assert dialog.failures_heading.text() == "Problems (2)"
    assert "4 new" in dialog.summary_label.text() and "2 failed" in dialog.summary_label.text()
    assert dialog.phase_label.text() == "Import finished"
    assert dialog.cancel_button.text() == "Close" and dialog.import_button.text() == "Import Again"

    save_screenshot(qtbot, dialog, screenshot_dir / "import_dialog.png")


def many_takes(folder: Path, rendered_corpus: RenderedCorpus, count: int = 30) -> Path:
    """A folder of count tagged copies of one rendered groove: an import that takes a while."""
    folder.mkdir()
    for number in range(count):
        target = folder / f"{number:02d}.wav"
        shutil.copyfile(rendered_corpus.wav("d_minor_128"), target)
        tag_wav(target, title=f"Take {number}")
    return folder


def test_cancel_stops_the_import_and_says_how_many_were_kept(
    qtbot: QtBot, app: App, tmp_path: Path, rendered_corpus: RenderedCorpus, screenshot_dir: Path
) -> None:
    folder = many_takes(tmp_path / "Many", rendered_corpus)
    dialog = ImportDialog(app, paths=[folder])
    qtbot.addWidget(dialog)
    dialog.workers_spin.setValue(1)
    dialog.resize(720, 560)
    dialog.show()
    qtbot.waitExposed(dialog)

    with qtbot.waitSignal(dialog.import_finished, timeout=IMPORT_TIMEOUT_MS) as finished:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.progress_bar.value() >= 2, timeout=IMPORT_TIMEOUT_MS)
        assert "files/s" in dialog.rate_label.text() and "left" in dialog.rate_label.text()
        assert dialog.current_label.text().startswith("Last: ")
        assert dialog.current_label.toolTip().startswith(str(folder))
        save_screenshot(qtbot, dialog, screenshot_dir / "import_dialog_running.png")
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert dialog.phase_label.text().startswith("Cancelling")
        assert not dialog.cancel_button.isEnabled()

    summary = finished.args[0]
    assert summary.cancelled and summary.remaining > 0
    assert dialog.summary_label.text().startswith(f"Cancelled: {summary.kept:,} tracks kept")
    assert dialog.wait_for_import()
    assert dialog.cancel_button.text() == "Close" and dialog.import_button.isEnabled()


def test_deleting_the_dialog_mid_import_stops_the_import_and_its_thread(
    qtbot: QtBot,
    app: App,
    tmp_path: Path,
    rendered_corpus: RenderedCorpus,
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = many_takes(tmp_path / "Many", rendered_corpus)
    dialog = ImportDialog(app, paths=[folder])
    dialog.workers_spin.setValue(1)
    finished: list[ImportSummary] = []
    dialog.import_finished.connect(finished.append)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress_bar.value() >= 1, timeout=IMPORT_TIMEOUT_MS)

    gone: list[bool] = []
    dialog.destroyed.connect(lambda: gone.append(True))
    with caplog.at_level(logging.WARNING):
        dialog.deleteLater()  # the main window closing takes its dialogs with it
        qtbot.waitUntil(lambda: bool(gone), timeout=IMPORT_TIMEOUT_MS)

    assert "library-import" not in {thread.name for thread in threading.enumerate()}
    assert not [record for record in caplog.records if "did not finish" in record.message]
    assert finished == []  # nothing is delivered to a dialog that is gone


def test_the_library_shows_the_empty_state_then_a_table_of_tracks(
    qtbot: QtBot, app: App, library: Path, screenshot_dir: Path
) -> None:
    window = show_main_window(qtbot, app)
    view = window.views["library"]
    assert isinstance(view, LibraryView)
    qtbot.waitUntil(view.model.loaded_once, timeout=5000)
    assert view.pages.currentWidget() is view.empty_page

    import_paths(app, library)
    view.refresh()  # reads in the background; the table fills in when the answer comes

    qtbot.waitUntil(lambda: view.track_count() == 6, timeout=5000)
    assert view.pages.currentWidget() is view.table_page
    assert view.count_label.text() == "6 tracks  ·  2 with errors"
    model = view.model
    shown = view.shown_columns()
    assert shown == ["title", "artist", "bpm", "key", "rating", "duration"]
    headings = [
        model.headerData(COLUMN_KEYS.index(key), Qt.Orientation.Horizontal) for key in shown
    ]
    assert headings == ["Title", "Artist", "BPM", "Key", "Rating", "Length"]
    shown += ["album", "loudness", "status"]  # hidden at first; the model has them all
    qtbot.waitUntil(lambda: model.row_loaded(0) and not model.is_reading(), timeout=5000)
    cells = {
        model.index(row, 0).data(): {
            key: model.index(row, COLUMN_KEYS.index(key)).data() for key in shown
        }
        for row in range(model.rowCount())
    }
    groove = cells["D Minor 128 Groove"]
    assert (groove["artist"], groove["album"], groove["status"]) == (
        "Test Band",
        "Known Answers",
        "Analysed",
    )
    assert float(groove["bpm"]) == pytest.approx(128, rel=0.02) and groove["key"] == "7A · Dm"
    assert float(groove["loudness"]) < 0 and groove["duration"].count(":") == 1
    assert cells["empty take"]["status"] == "Error"  # no title tag: the file name stands in

    view.table.sortByColumn(COLUMN_KEYS.index("bpm"), Qt.SortOrder.AscendingOrder)  # the store
    qtbot.waitUntil(lambda: not model.is_reading() and model.row_loaded(0), timeout=5000)
    bpms = [model.index(row, COLUMN_KEYS.index("bpm")).data() for row in range(model.rowCount())]
    assert [float(value) for value in bpms if value] == sorted(float(v) for v in bpms if v)

    window.show_view("library")
    save_screenshot(qtbot, window, screenshot_dir / "library_tracks_light.png")
    apply_theme("dark")
    save_screenshot(qtbot, window, screenshot_dir / "library_tracks_dark.png")


def test_the_library_fills_in_from_an_import_started_in_the_window(
    qtbot: QtBot, app: App, library: Path
) -> None:
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    view = window.views["library"]
    assert isinstance(view, LibraryView)
    dialog = window.open_import_dialog([library])
    refreshes: list[bool] = []
    dialog.library_changed.connect(lambda: refreshes.append(True))

    _run_dialog_import(qtbot, dialog)

    assert refreshes  # the dialog told the library each time it had stored tracks
    qtbot.waitUntil(lambda: view.track_count() == 6, timeout=5000)
    assert view.pages.currentWidget() is view.table_page
    dialog.close()
