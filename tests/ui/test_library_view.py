"""The library view on a real store: lazy pages, sorting by the store, the query box and its
errors, the filter panel, edits from the detail pane, drag data and double-click to play."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem
from pytestqt.qtbot import QtBot
from sqlalchemy import insert, select
from tests.support.audio import RenderedCorpus
from tests.support.library import import_paths, make_library
from tests.support.screenshots import TEXT, assert_themed, ink, part_of, save_screenshot, share
from tests.support.windows import show_main_window

from museaud.accounts.preferences import load_ui_state
from museaud.app import App
from museaud.library.detail import track_detail
from museaud.library.editing import Creator, TrackEdit, edit_tracks, set_creators
from museaud.library.search import TrackQuery, rows_for_keys, track_keys
from museaud.store.base import new_id
from museaud.store.models.library import Track, TrackAnalysis, TrackCreator
from museaud.ui.library.columns import COLUMN_KEYS
from museaud.ui.library.model import PAGE_SIZE, PLACEHOLDER, TRACK_IDS_MIME, TrackTableModel
from museaud.ui.theme import apply_theme
from museaud.ui.views import LibraryView

WAIT_MS = 10_000
GENRES = ("house", "techno", "deep house", "hip hop")


def add_tracks(app: App, count: int, folder: Path | None = None) -> list[uuid.UUID]:
    """Store count tracks: 'Track 0000'..., four genres in turn, tempo 90 + number % 60,
    every fifth rated number % 5 + 1, every seventh a favourite; with analysis rows."""
    added = datetime(2026, 1, 1, tzinfo=UTC)
    tracks: list[dict[str, Any]] = []
    analyses: list[dict[str, Any]] = []
    ids = []
    for number in range(count):
        track_id = new_id()
        ids.append(track_id)
        name = f"Track {number:04d}.wav"
        place = folder or Path("/music/nowhere")
        tracks.append(
            {
                "id": track_id,
                "owner_id": app.local_user_id,
                "path": str(place / name),
                "folder": str(place),
                "file_name": name,
                "file_size_bytes": 1000,
                "mtime_ns": number,
                "content_hash": f"{number:032x}",
                "file_format": "wav",
                "mime_type": "audio/wav",
                "duration_s": 200.0 + number,
                "channels": 2,
                "origin": "library",
                "status": "ok",
                "title": f"Track {number:04d}",
                "artist": f"Artist {number % 13:02d}",
                "album": "Big Box",
                "genre": GENRES[number % len(GENRES)],
                "rating": number % 5 + 1 if number % 5 == 0 else None,
                "is_favorite": number % 7 == 0,
                "custom_metadata": {},
                "created_at": added + timedelta(minutes=number),
                "updated_at": added,
            }
        )
        analyses.append(
            {
                "id": new_id(),
                "owner_id": app.local_user_id,
                "track_id": track_id,
                "algorithm": "essentia",
                "algorithm_version": "1",
                "analyzed_at": added,
                "bpm": 90.0 + number % 60,
                "key_note": number % 12,
                "scale": "minor",
                "loudness_lufs": -9.0,
                "energy": 0.5,
            }
        )
    with app.session() as session:
        session.execute(insert(Track), tracks)
        session.execute(insert(TrackAnalysis), analyses)
    return ids


def open_view(qtbot: QtBot, app: App) -> LibraryView:
    view = LibraryView(app)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(view.model.loaded_once, timeout=WAIT_MS)
    return view


def wait_answered(qtbot: QtBot, model: TrackTableModel) -> None:
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=WAIT_MS)


def wait_for_query(qtbot: QtBot, view: LibraryView, expected_rows: int) -> None:
    qtbot.waitUntil(lambda: view.track_count() == expected_rows, timeout=WAIT_MS)


def titles(model: TrackTableModel, rows: range) -> list[str]:
    return [str(model.index(row, 0).data()) for row in rows]


def wait_loaded(qtbot: QtBot, model: TrackTableModel, rows: range) -> None:
    for row in rows:
        model.index(row, 0).data()  # asks for the page
    qtbot.waitUntil(lambda: all(model.row_loaded(row) for row in rows), timeout=WAIT_MS)


def test_the_model_knows_every_row_but_reads_only_the_pages_shown(qtbot: QtBot, app: App) -> None:
    add_tracks(app, 1000)
    view = open_view(qtbot, app)
    model = view.model

    assert model.rowCount() == 1000  # the count comes with the keys, before any row is read
    qtbot.waitUntil(lambda: model.row_loaded(0), timeout=WAIT_MS)
    assert model.loaded_pages() == [0]  # only what the table shows was read
    last = model.index(999, 0)
    assert last.data() == PLACEHOLDER  # not read yet: a placeholder, and a request
    qtbot.waitUntil(lambda: model.row_loaded(999), timeout=WAIT_MS)
    assert model.loaded_pages() == [0, 999 // PAGE_SIZE]
    assert model.index(999, 0).data().startswith("Track ")
    with app.session() as session:
        keys = track_keys(session, TrackQuery())
    assert model.key_at(999) == keys[999]


class PaintedCells(QStyledItemDelegate):
    """Notes what Qt's delegate painted in each cell (asked through the model's multiData)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[int, int], tuple[str, Qt.AlignmentFlag]] = {}

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        self.cells[index.row(), index.column()] = (option.text, option.displayAlignment)


def test_painted_cells_show_what_the_model_holds(qtbot: QtBot, app: App) -> None:
    add_tracks(app, 5)
    view = open_view(qtbot, app)
    model = view.model
    wait_loaded(qtbot, model, range(5))
    painted = PaintedCells()
    view.table.setItemDelegate(painted)
    view.table.viewport().grab()

    bpm, title = COLUMN_KEYS.index("bpm"), COLUMN_KEYS.index("title")
    assert painted.cells[0, title][0] == model.index(0, title).data() == "Track 0000"
    text, alignment = painted.cells[0, bpm]
    assert text == model.index(0, bpm).data() == "90.0"
    assert alignment & Qt.AlignmentFlag.AlignRight  # numbers line up on the right


def test_added_and_last_played_show_the_day_and_sort_by_the_store(qtbot: QtBot, app: App) -> None:
    ids = add_tracks(app, 3)
    played = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    with app.session() as session:
        session.get_one(Track, ids[1]).last_played_at = played
    view = open_view(qtbot, app)
    model = view.model
    wait_loaded(qtbot, model, range(3))
    added, last = COLUMN_KEYS.index("added"), COLUMN_KEYS.index("last_played")

    day = played.astimezone().date().isoformat()
    assert [model.index(row, last).data() for row in range(3)] == ["", day, ""]
    assert (
        model.index(0, added).data()
        == datetime(2026, 1, 1, tzinfo=UTC).astimezone().date().isoformat()
    )

    view.table.sortByColumn(last, Qt.SortOrder.DescendingOrder)
    wait_answered(qtbot, model)
    wait_loaded(qtbot, model, range(3))
    assert model.index(0, 0).data() == "Track 0001"


def test_going_to_a_track_whose_row_is_not_read_yet_selects_it(qtbot: QtBot, app: App) -> None:
    ids = add_tracks(app, 1000)
    view = open_view(qtbot, app)
    model = view.model
    view.table.sortByColumn(COLUMN_KEYS.index("title"), Qt.SortOrder.AscendingOrder)
    wait_answered(qtbot, model)
    assert not model.row_loaded(900)

    view.show_track(str(ids[900]))  # as a click in the similar list does

    qtbot.waitUntil(lambda: view.selected_rows() == [900], timeout=WAIT_MS)
    assert view.table.currentIndex().row() == 900
    assert view.selected_track_ids() == [ids[900]]
    qtbot.waitUntil(lambda: view.detail_pane.detail is not None, timeout=WAIT_MS)
    assert view.detail_pane.detail.id == ids[900]  # type: ignore[union-attr]

    view.set_query_text("genre:house")  # tracks 0, 4, 8 ...: track 901 is left out
    wait_for_query(qtbot, view, 250)
    view.show_track(str(ids[901]))
    qtbot.waitUntil(
        lambda: view.detail_pane.detail is not None and view.detail_pane.detail.id == ids[901],
        timeout=WAIT_MS,
    )
    assert view.selected_rows() == []
    assert "not among the tracks listed" in view.count_label.text()


def test_sorting_by_a_header_asks_the_store(qtbot: QtBot, app: App) -> None:
    add_tracks(app, 450)
    view = open_view(qtbot, app)
    model = view.model
    title = COLUMN_KEYS.index("title")

    view.table.sortByColumn(title, Qt.SortOrder.DescendingOrder)
    assert model.query().sort == "title" and model.query().descending
    wait_answered(qtbot, model)
    wait_loaded(qtbot, model, range(3))
    assert titles(model, range(3)) == ["Track 0449", "Track 0448", "Track 0447"]
    wait_loaded(qtbot, model, range(447, 450))
    assert titles(model, range(447, 450)) == ["Track 0002", "Track 0001", "Track 0000"]

    view.table.sortByColumn(COLUMN_KEYS.index("bpm"), Qt.SortOrder.AscendingOrder)
    wait_answered(qtbot, model)
    wait_loaded(qtbot, model, range(0, 450, 50))
    bpm = COLUMN_KEYS.index("bpm")
    tempos = [float(model.index(row, bpm).data()) for row in range(0, 450, 50)]
    assert tempos == sorted(tempos) and tempos[0] == 90.0
    view.save_state()
    with app.session() as session:
        state = load_ui_state(session, app.local_user_id, "library_view")
    assert (state["sort"], state["descending"]) == ("bpm", False)


def test_a_bad_query_is_pointed_at_and_the_table_stays(qtbot: QtBot, app: App) -> None:
    add_tracks(app, 30)
    view = open_view(qtbot, app)
    wait_for_query(qtbot, view, 30)

    view.set_query_text("house bpm:12x-128")

    assert view.query_box.error_label.isVisible()
    pointer, caret, message = view.query_box.error_label.text().split("\n", 2)
    assert pointer.strip() == "house bpm:12x-128"
    marked = pointer[caret.index("^") : caret.rindex("^") + 1]
    assert "12x" in marked and "house" not in marked
    assert "12x" in message
    assert view.track_count() == 30  # the last good answer stays

    view.set_query_text("genre:techno")
    wait_for_query(qtbot, view, 30 // 4 + (30 % 4 > 1))
    assert not view.query_box.error_label.isVisible()
    assert view.count_label.text().startswith(f"{view.track_count()} of 30 tracks")


def test_the_query_box_completes_field_names(qtbot: QtBot, app: App) -> None:
    view = open_view(qtbot, app)
    line = view.query_box.line
    line.setFocus()
    qtbot.keyClicks(line, "deep ra")

    completer = line.field_completer
    assert completer.completionCount() == 1 and completer.currentCompletion() == "rating:"
    line.insert_completion(completer.currentCompletion())
    assert line.text() == "deep rating:"

    line.setText("-fa")
    line.setCursorPosition(3)
    line.textEdited.emit(line.text())
    assert completer.currentCompletion() == "fav"  # a flag takes no colon
    line.insert_completion("fav")
    assert line.text() == "-fav"


def test_the_filter_panel_writes_the_query(qtbot: QtBot, app: App) -> None:
    add_tracks(app, 240)
    view = open_view(qtbot, app)
    wait_for_query(qtbot, view, 240)
    view.query_box.set_text("track")
    panel = view.filter_panel

    panel.genre_combo.setCurrentText("deep house")
    panel.bpm_low.setValue(100)
    panel.bpm_high.setValue(120)
    panel.apply_now()

    assert view.query_box.text() == 'track genre:"deep house" bpm:100-120'
    expected = sum(1 for n in range(240) if n % 4 == 2 and 100 <= 90 + n % 60 <= 120)
    wait_for_query(qtbot, view, expected)

    panel.rating_combo.setCurrentIndex(1)  # one star or more
    panel.favorite_check.setChecked(True)
    assert view.query_box.text() == 'track genre:"deep house" bpm:100-120 rating:>=1 fav'
    panel.clear()
    assert view.query_box.text() == "track"
    wait_for_query(qtbot, view, 240)

    panel.key_combo.setCurrentIndex(panel.key_combo.findData("8A"))
    panel.compatible_check.setChecked(True)
    assert view.query_box.text() == "track key:~8A"


def test_the_filter_panel_offers_the_genres_and_tags_of_the_library(qtbot: QtBot, app: App) -> None:
    ids = add_tracks(app, 10)  # genres in turn: 3 house, 3 techno, 2 deep house, 2 hip hop
    with app.session() as session:
        edit_tracks(session, ids[:3], TrackEdit(add_tags=("vocal",)))
        edit_tracks(session, ids[3:4], TrackEdit(add_tags=("warm pads",)))
    view = open_view(qtbot, app)
    panel = view.filter_panel
    qtbot.waitUntil(lambda: len(panel.genres()) == 4, timeout=WAIT_MS)

    assert panel.genres() == ["house", "techno", "deep house", "hip hop"]
    assert panel.tags() == ["vocal", "warm pads"]
    assert panel.genre_combo.itemData(1, Qt.ItemDataRole.ToolTipRole) == "3 tracks"

    panel.tags_edit.setFocus()
    qtbot.keyClicks(panel.tags_edit, "vocal, wa")
    assert panel.tag_completer.currentCompletion() == "warm pads"
    panel.tag_completer.activated.emit("warm pads")
    assert panel.tags_edit.text() == "vocal, warm pads"
    assert view.query_box.text() == 'tag:vocal tag:"warm pads"'

    with app.session() as session:  # a new genre after an import or an edit is offered
        edit_tracks(session, ids[:1], TrackEdit(genre="Dub Techno"))
    view.refresh()
    qtbot.waitUntil(lambda: "Dub Techno" in panel.genres(), timeout=WAIT_MS)


def test_the_detail_pane_can_be_hidden_and_stays_so(qtbot: QtBot, app: App) -> None:
    add_tracks(app, 3)
    view = open_view(qtbot, app)
    assert view.detail_pane.isVisible()

    view.details_button.setChecked(False)
    assert not view.detail_pane.isVisible()
    view.save_state()

    again = open_view(qtbot, app)
    assert not again.details_button.isChecked() and not again.detail_pane.isVisible()


def select_rows(view: LibraryView, rows: list[int]) -> None:
    view.table.clearSelection()
    view.table.setCurrentIndex(view.model.index(rows[0], 0))
    for row in rows:
        view.table.selectionModel().select(
            view.model.index(row, 0),
            view.table.selectionModel().SelectionFlag.Select
            | view.table.selectionModel().SelectionFlag.Rows,
        )


def test_edits_in_the_detail_pane_reach_every_selected_track(qtbot: QtBot, app: App) -> None:
    ids = add_tracks(app, 12)
    view = open_view(qtbot, app)
    view.set_query_text("")
    view.table.sortByColumn(COLUMN_KEYS.index("title"), Qt.SortOrder.AscendingOrder)
    wait_answered(qtbot, view.model)
    wait_loaded(qtbot, view.model, range(12))
    pane = view.detail_pane

    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        select_rows(view, [1, 2, 3])
    assert pane.detail is not None and pane.detail.id == ids[1]
    assert pane.selection_label.text().startswith("3 tracks selected")

    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        pane.stars.set_rating(4)
    pane.tags_edit.setText("vocal, warm pads")
    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        pane.tags_edit.editingFinished.emit()
    pane.bpm_spin.setValue(128)
    pane.reason_edit.setText("analysis heard half time")
    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        pane.override_button.click()

    with app.session() as session:
        for track_id in ids[1:4]:
            detail = track_detail(session, track_id)
            assert detail.row["rating"] == 4
            assert detail.tags == ("vocal", "warm pads")
            assert detail.row["bpm"] == 128 and detail.row["bpm_source"] == "override"
            assert detail.override is not None
            assert detail.override.reason == "analysis heard half time"
        untouched = track_detail(session, ids[4])
        assert untouched.tags == () and untouched.override is None
    assert pane.values["bpm"].text().startswith("128.0")

    pane.tags_edit.setText("warm pads")  # vocal taken away from all three
    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        pane.tags_edit.editingFinished.emit()
    with app.session() as session:
        assert {track_detail(session, i).tags for i in ids[1:4]} == {("warm pads",)}


def test_a_refused_edit_is_shown_and_changes_nothing(qtbot: QtBot, app: App) -> None:
    ids = add_tracks(app, 3)
    view = open_view(qtbot, app)
    wait_loaded(qtbot, view.model, range(3))
    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        select_rows(view, [0])
    pane = view.detail_pane
    track_id = pane.detail.id if pane.detail else None
    assert track_id in ids

    pane.bpm_spin.setValue(128)  # no reason given
    pane.override_button.click()
    assert pane.error_label.isVisible() and "needs a reason" in pane.error_label.text()

    pane.tabs.setCurrentIndex(1)
    pane.add_creator_row(Creator("Ana", "producer", 60))
    pane.add_creator_row(Creator("Ben", "composer", 50))
    assert pane.creators_total.text() == "splits 110 % of 100 %"
    pane.save_credits()
    assert "110" in pane.error_label.text() and "Ana 60 %" in pane.error_label.text()
    with app.session() as session:
        assert session.scalars(select(TrackCreator)).all() == []
        analysis = session.scalars(
            select(TrackAnalysis).where(TrackAnalysis.track_id == track_id)
        ).one()
        assert not analysis.manual_override

    pane.creators_table.removeRow(1)
    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        pane.save_credits()
    assert pane.detail is not None
    assert [(c.name, c.role, c.split) for c in pane.detail.creators] == [("Ana", "producer", 60)]


def test_credits_for_many_tracks_are_saved_only_when_confirmed(
    qtbot: QtBot, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = add_tracks(app, 3)
    with app.session() as session:
        set_creators(session, ids[2], [Creator("Cleo", "composer", 100)])
    view = open_view(qtbot, app)
    wait_loaded(qtbot, view.model, range(3))
    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        select_rows(view, [0, 1, 2])
    pane = view.detail_pane
    assert pane.save_credits_button.text() == "Save Credits to 3 Tracks"
    pane.tabs.setCurrentIndex(1)
    pane.creators_table.setRowCount(0)
    pane.add_creator_row(Creator("Ana", "producer", 100))
    asked: list[int] = []

    monkeypatch.setattr(pane, "confirm_replace_credits", lambda n: asked.append(n) or False)
    pane.save_credits()
    with app.session() as session:
        assert [c.name for c in track_detail(session, ids[2]).creators] == ["Cleo"]

    monkeypatch.setattr(pane, "confirm_replace_credits", lambda n: asked.append(n) or True)
    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        pane.save_credits()
    assert asked == [3, 3]
    with app.session() as session:
        for track_id in ids:
            assert [c.name for c in track_detail(session, track_id).creators] == ["Ana"]


def test_dragged_tracks_carry_their_ids_and_files(qtbot: QtBot, app: App) -> None:
    ids = add_tracks(app, 450)
    view = open_view(qtbot, app)
    model = view.model
    with app.session() as session:
        keys = track_keys(session, TrackQuery())
    rows = [0, 5, 420]  # the last one's page was never read
    assert not model.row_loaded(420)

    mime = model.mimeData([model.index(row, 0) for row in rows])

    assert isinstance(mime, QMimeData)
    assert TRACK_IDS_MIME in model.mimeTypes() and mime.hasFormat(TRACK_IDS_MIME)
    dragged = [uuid.UUID(line) for line in bytes(mime.data(TRACK_IDS_MIME).data()).decode().split()]
    with app.session() as session:
        expected = rows_for_keys(session, [keys[row] for row in rows])
    assert dragged == [uuid.UUID(row["id"]) for row in expected]
    assert set(dragged) <= set(ids)
    assert [url.toLocalFile() for url in mime.urls()] == [row["path"] for row in expected]
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled


def test_double_click_or_enter_asks_to_play_a_track_whose_file_exists(
    qtbot: QtBot, app: App, tmp_path: Path
) -> None:
    ids = add_tracks(app, 2, folder=tmp_path)
    (tmp_path / "Track 0000.wav").write_bytes(b"RIFF")  # only the first file exists
    view = open_view(qtbot, app)
    wait_loaded(qtbot, view.model, range(2))
    heard: list[tuple[list[uuid.UUID], int]] = []
    view.play_requested.connect(lambda track_ids, start: heard.append((track_ids, start)))
    rows = {view.model.rows_now([row])[0]["title"]: row for row in range(2)}

    cell = view.table.visualRect(view.model.index(rows["Track 0000"], 0)).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert heard == [([ids[0]], 0)]

    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter on the current row plays it too
    assert heard == [([ids[0]], 0)] * 2

    assert not view.play_row(rows["Track 0001"])
    assert len(heard) == 2 and "missing" in view.count_label.text()


def test_the_columns_are_chosen_in_the_header_menu_and_remembered(qtbot: QtBot, app: App) -> None:
    add_tracks(app, 5)
    view = open_view(qtbot, app)
    assert "year" not in view.shown_columns() and "artist" in view.shown_columns()

    menu = view.column_menu()
    actions = {action.data(): action for action in menu.actions()}
    assert not actions["title"].isEnabled()
    actions["year"].trigger()
    actions["artist"].trigger()
    assert "year" in view.shown_columns() and "artist" not in view.shown_columns()
    view.save_state()
    view.close()

    again = open_view(qtbot, app)
    assert again.shown_columns() == view.shown_columns()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_library_view_screenshot_with_the_detail_pane_open(
    qtbot: QtBot,
    app: App,
    tmp_path: Path,
    rendered_corpus: RenderedCorpus,
    *,
    screenshot_dir: Path,
    theme: str,
) -> None:
    import_paths(app, make_library(tmp_path / "Music", rendered_corpus))
    with app.session() as session:
        groove = session.scalars(select(Track.id).where(Track.title == "D Minor 128 Groove")).one()
        edit_tracks(
            session,
            [groove],
            TrackEdit(rating=4, favorite=True, add_tags=("rolling", "bass"), add_moods=("dark",)),
        )
        set_creators(session, groove, [Creator("Ana Ruiz", "producer", 60)])
    colours = apply_theme(theme)
    window = show_main_window(qtbot, app)
    view = window.views["library"]
    assert isinstance(view, LibraryView)
    qtbot.waitUntil(lambda: view.track_count() == 4, timeout=WAIT_MS)
    view.filters_button.setChecked(True)
    wait_loaded(qtbot, view.model, range(4))
    row = next(r for r in range(4) if view.model.rows_now([r])[0]["title"] == "D Minor 128 Groove")
    with qtbot.waitSignal(view.detail_loaded, timeout=WAIT_MS):
        select_rows(view, [row])
    detail = view.detail_pane.detail
    assert detail is not None and detail.id == groove
    assert detail.sections and detail.beats.size > 100 and detail.waveform.shape[1] > 0
    assert view.detail_pane.title_label.text() == "D Minor 128 Groove"
    assert view.detail_pane.values["key"].text().startswith("D minor · 7A")
    assert view.detail_pane.tags_edit.text() == "bass, rolling"

    image = save_screenshot(qtbot, window, screenshot_dir / f"library_detail_{theme}.png")

    assert_themed(image, colours)
    assert ink(part_of(image, view.table.viewport(), window)) > 4 * TEXT  # four rows
    assert ink(part_of(image, view.detail_pane.title_label, window)) > TEXT
    waveform = part_of(image, view.detail_pane.waveform, window)
    assert share(waveform, colours.accent, tolerance=48) > 0.05  # the wave, in the accent

    view.detail_pane.tabs.setCurrentWidget(view.similar_panel)
    qtbot.waitUntil(lambda: len(view.similar_panel.track_ids()) == 3, timeout=WAIT_MS)
    assert str(groove) not in view.similar_panel.track_ids()
    image = save_screenshot(qtbot, window, screenshot_dir / f"library_similar_{theme}.png")
    assert ink(part_of(image, view.similar_panel.results.viewport(), window)) > 3 * TEXT
