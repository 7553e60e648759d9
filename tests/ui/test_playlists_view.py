"""The Playlists view on a real store: tracks dragged in from the library and reordered by drag
and keyboard, the sidebar's create/rename/trash/restore, missing files, transitions in colour,
the smart playlist editor's caret, suggestions, long playlists read lazily, and screenshots."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent
from PySide6.QtWidgets import QApplication, QListWidget, QListWidgetItem, QMenu
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update
from tests.support.audio import RenderedCorpus
from tests.support.library import import_paths, make_library
from tests.support.screenshots import TEXT, assert_themed, ink, part_of, save_screenshot, share
from tests.support.tracks import add_track
from tests.support.windows import show_main_window
from tests.ui.test_library_view import add_tracks as add_many_tracks
from tests.ui.test_library_view import wait_loaded

from museaud.app import App
from museaud.library.records import TRACK_VECTORS
from museaud.music.keys import Key
from museaud.playlists.service import (
    add_tracks,
    create_folder,
    create_playlist,
    entry_ids_at,
    entry_rows,
    list_playlists,
    set_entry,
)
from museaud.playlists.templates import find_template
from museaud.store import vectors
from museaud.store.models.library import Track, TrackAnalysis
from museaud.store.models.playlists import PlaylistRecommendation
from museaud.ui.library.model import TRACK_IDS_MIME
from museaud.ui.playlists.dialogs import OrderSettings, SmartRules
from museaud.ui.playlists.entries_model import COLUMN_NUMBER, MISSING_MARK, PAGE_SIZE
from museaud.ui.playlists.spring import spring_load
from museaud.ui.playlists.transitions import TRANSITION_ROLE, grade_colour
from museaud.ui.theme import apply_theme
from museaud.ui.views import LibraryView, PlaylistsView
from museaud.ui.views.playlists import PlayRequest

WAIT_MS = 15_000
GONE_AT = datetime(2026, 2, 1, tzinfo=UTC)


def open_view(qtbot: QtBot, app: App) -> PlaylistsView:
    view = PlaylistsView(app)
    qtbot.addWidget(view)
    view.resize(1280, 760)
    with qtbot.waitSignal(view.sidebar_loaded, timeout=WAIT_MS):
        view.show()
    return view


def wait_outline(qtbot: QtBot, view: PlaylistsView, playlist_id: uuid.UUID | None = None) -> None:
    def shown() -> bool:
        outline = view.model.outline()
        return (
            not view.model.is_reading()
            and outline is not None
            and (playlist_id is None or outline.playlist_id == playlist_id)
        )

    qtbot.waitUntil(shown, timeout=WAIT_MS)


def wait_refreshed(qtbot: QtBot, view: PlaylistsView) -> None:
    """Wait for the reads a change asked for (sidebar and table)."""
    qtbot.waitUntil(lambda: not view.reader.busy() and not view.model.is_reading(), timeout=WAIT_MS)


def shown_titles(qtbot: QtBot, view: PlaylistsView) -> list[str]:
    """The titles the table shows once its rows are read."""
    rows = range(view.model.rowCount())
    for row in rows:
        view.model.row_data(row)  # asks for the page
    qtbot.waitUntil(lambda: all(view.model.row_loaded(row) for row in rows), timeout=WAIT_MS)
    return [view.model.index(row, COLUMN_NUMBER["title"]).data() for row in rows]


def stored_titles(app: App, playlist_id: uuid.UUID) -> list[str]:
    with app.session() as session:
        return [row["track"]["title"] for row in entry_rows(session, playlist_id)]


def track(
    app: App,
    title: str,
    *,
    key: str = "8A",
    bpm: float = 124.0,
    energy: float = 0.5,
    artist: str | None = None,
    vector: npt.ArrayLike | None = None,
) -> uuid.UUID:
    """A track with its analysis (key, tempo, energy) and, when given, its sound vector."""
    parsed = Key.parse(key)
    with app.session() as session:
        track_id = add_track(
            session, title, artist=artist or title, bpm=bpm, key=(parsed.note, parsed.scale)
        )
        session.execute(
            update(TrackAnalysis).where(TrackAnalysis.track_id == track_id).values(energy=energy)
        )
        if vector is not None:
            vectors.put(session, TRACK_VECTORS, track_id, vector)
    return track_id


def playlist_of(app: App, name: str, track_ids: list[uuid.UUID]) -> uuid.UUID:
    with app.session() as session:
        playlist = create_playlist(session, name)
        add_tracks(session, playlist.id, track_ids)
        return playlist.id


def select_rows(view: PlaylistsView, rows: list[int]) -> None:
    view.table.clearSelection()
    for row in rows:
        view.table.selectionModel().select(
            view.model.index(row, 0),
            view.table.selectionModel().SelectionFlag.Select
            | view.table.selectionModel().SelectionFlag.Rows,
        )
    view.table.selectionModel().setCurrentIndex(
        view.model.index(rows[0], 0), view.table.selectionModel().SelectionFlag.NoUpdate
    )


def test_library_tracks_dragged_in_are_reordered_by_drag_and_keyboard(
    qtbot: QtBot, app: App, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    import_paths(app, make_library(tmp_path / "Music", rendered_corpus))
    library = LibraryView(app)
    qtbot.addWidget(library)
    library.resize(1000, 600)
    library.show()
    qtbot.waitUntil(lambda: library.track_count() == 4, timeout=WAIT_MS)
    wait_loaded(qtbot, library.model, range(4))
    titles = [library.model.rows_now([row])[0]["title"] for row in range(4)]
    view = open_view(qtbot, app)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.main_page, timeout=WAIT_MS)
    playlist = view.new_playlist("Friday set")
    assert playlist is not None
    wait_outline(qtbot, view, playlist)

    # the library's own drag data, dropped on the playlist's table (at the end, then on top)
    dragged = library.model.mimeData([library.model.index(row, 0) for row in (0, 1, 2)])
    assert dragged.hasFormat(TRACK_IDS_MIME)
    assert view.model.canDropMimeData(dragged, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    view.model.dropMimeData(dragged, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=WAIT_MS)
    again = library.model.mimeData([library.model.index(2, 0)])
    view.model.dropMimeData(again, Qt.DropAction.CopyAction, 0, 0, QModelIndex())
    qtbot.waitUntil(lambda: view.model.rowCount() == 4, timeout=WAIT_MS)
    assert stored_titles(app, playlist) == [titles[2], titles[0], titles[1], titles[2]]

    # the library's context menu adds the selection too
    library.table.selectRow(3)
    menu = library.track_menu()
    add_menu = menu.findChild(QMenu, "addToPlaylistMenu")
    assert isinstance(add_menu, QMenu) and add_menu.title() == "Add to Playlist"
    [entry] = [action for action in add_menu.actions() if action.data() == str(playlist)]
    entry.trigger()
    view.hide()  # coming back to the view reads the playlist again
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 5, timeout=WAIT_MS)
    expected = [titles[2], titles[0], titles[1], titles[2], titles[3]]
    assert stored_titles(app, playlist) == expected

    # drag the last entry to the top, through the table's own drag data
    wait_outline(qtbot, view, playlist)
    moving = view.model.mimeData([view.model.index(4, 0)])
    view.model.dropMimeData(moving, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    wait_refreshed(qtbot, view)
    expected = [titles[3], titles[2], titles[0], titles[1], titles[2]]
    assert stored_titles(app, playlist) == expected
    assert shown_titles(qtbot, view) == expected

    # a multi-selection moves down with Ctrl+Down, and back up with Ctrl+Up
    select_rows(view, [0, 1])
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    wait_refreshed(qtbot, view)
    assert stored_titles(app, playlist) == [titles[0], titles[3], titles[2], titles[1], titles[2]]
    assert view.selected_rows() == [1, 2]  # the moved entries stay selected
    qtbot.keyClick(view.table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    wait_refreshed(qtbot, view)
    assert stored_titles(app, playlist) == expected

    # Delete removes the selected entry; the other copy of the track stays
    select_rows(view, [1])
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    wait_refreshed(qtbot, view)
    assert stored_titles(app, playlist) == [titles[3], titles[0], titles[1], titles[2]]

    # Enter plays the playlist from the current entry
    heard: list[PlayRequest] = []
    view.play_requested.connect(heard.append)
    select_rows(view, [2])
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    outline = view.model.outline()
    assert outline is not None
    assert heard == [PlayRequest(outline.track_ids, 2, ("playlist", playlist))]


def test_playlists_are_made_renamed_trashed_and_restored_from_the_sidebar(
    qtbot: QtBot, app: App
) -> None:
    first = track(app, "Opener")
    view = open_view(qtbot, app)
    made = view.new_playlist("Warm-up")
    assert made is not None
    qtbot.waitUntil(lambda: "Warm-up" in view.sidebar.names(), timeout=WAIT_MS)
    assert view.sidebar.current_id() == made
    view.add_tracks([first])
    wait_refreshed(qtbot, view)

    assert view.rename_selected("Warm-up (Friday)")
    qtbot.waitUntil(lambda: "Warm-up (Friday)" in view.sidebar.names(), timeout=WAIT_MS)
    copy = view.duplicate_selected()
    qtbot.waitUntil(lambda: "Warm-up (Friday) copy" in view.sidebar.names(), timeout=WAIT_MS)
    assert copy is not None

    # a folder, and a playlist dropped into it from the sidebar's own drag data
    folder = view.new_folder("Gigs")
    assert folder is not None
    qtbot.waitUntil(lambda: view.sidebar.item_of(folder) is not None, timeout=WAIT_MS)
    item = view.sidebar.item_of(made)
    assert item is not None
    drag = view.sidebar.mimeData([item])
    with qtbot.waitSignal(view.sidebar_loaded, timeout=WAIT_MS):
        assert view.sidebar.drop_on(drag, view.sidebar.item_of(folder))
    with app.session() as session:
        by_id = {summary.id: summary for summary in list_playlists(session)}
    assert by_id[made].folder_id == folder
    moved = view.sidebar.item_of(made)
    assert moved is not None and moved.parent() is view.sidebar.item_of(folder)

    # tracks dropped on a playlist in the sidebar are added to it
    tracks = QMimeData()
    tracks.setData(TRACK_IDS_MIME, QByteArray(f"{first}\n{first}".encode()))
    assert view.sidebar.drop_on(tracks, view.sidebar.item_of(made))
    assert stored_titles(app, made) == ["Opener"] * 3
    view.remove_selected()  # nothing selected: nothing removed
    assert stored_titles(app, made) == ["Opener"] * 3
    view.sidebar.select_id(made)
    wait_outline(qtbot, view, made)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=WAIT_MS)
    select_rows(view, [1, 2])
    assert view.remove_selected() == 2
    wait_refreshed(qtbot, view)

    # to the trash, and back
    view.sidebar.select_id(made)
    assert view.delete_selected()
    qtbot.waitUntil(lambda: view.sidebar.trashed_names() == ["Warm-up (Friday)"], timeout=WAIT_MS)
    assert view.sidebar.item_of(made) is view.sidebar.trash_item.child(0)
    assert "Trash (1)" in view.sidebar.names()
    view.sidebar.select_id(made)
    menu = view.sidebar_menu()
    assert [action.text() for action in menu.actions()] == ["Restore"]
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: view.sidebar.trashed_names() == [], timeout=WAIT_MS)
    wait_outline(qtbot, view, made)
    assert view.sidebar.current_id() == made
    assert stored_titles(app, made) == ["Opener"]

    # emptying the trash deletes for good
    view.sidebar.select_id(copy)
    assert view.delete_selected()
    qtbot.waitUntil(lambda: len(view.sidebar.trashed_names()) == 1, timeout=WAIT_MS)
    assert view.empty_trash(confirm=False) == 1
    with app.session() as session:
        assert [summary.id for summary in list_playlists(session, trash=True)] == []


def test_a_missing_file_is_shown_as_missing_and_comes_back(qtbot: QtBot, app: App) -> None:
    here, gone = track(app, "Still Here"), track(app, "Gone Away")
    playlist = playlist_of(app, "Set", [here, gone])
    with app.session() as session:
        session.execute(
            update(Track).where(Track.id == gone).values(status="missing", missing_since=GONE_AT)
        )
    view = open_view(qtbot, app)
    wait_outline(qtbot, view, playlist)
    qtbot.waitUntil(lambda: view.model.row_loaded(1), timeout=WAIT_MS)
    title = view.model.index(1, COLUMN_NUMBER["title"])
    qtbot.waitUntil(lambda: title.data() == MISSING_MARK + "Gone Away", timeout=WAIT_MS)
    assert "missing" in title.data(Qt.ItemDataRole.ToolTipRole).lower()
    assert isinstance(title.data(Qt.ItemDataRole.ForegroundRole), QColor)
    assert view.model.index(0, 1).data() == "Still Here"
    assert "1 missing" in view.summary_label.text()
    assert not view.play_row(1)
    assert "missing" in view.last_message

    with app.session() as session:  # the file is found again (a rescan relinks it)
        session.execute(
            update(Track).where(Track.id == gone).values(status="ok", missing_since=None)
        )
    view.refresh()
    qtbot.waitUntil(lambda: title.data() == "Gone Away", timeout=WAIT_MS)
    assert "missing" not in view.summary_label.text()


def test_notes_and_ratings_are_typed_in_their_cells(qtbot: QtBot, app: App) -> None:
    playlist = playlist_of(app, "Set", [track(app, "One"), track(app, "Two")])
    view = open_view(qtbot, app)
    wait_outline(qtbot, view, playlist)
    shown_titles(qtbot, view)
    notes = view.model.index(1, COLUMN_NUMBER["notes"])
    rating = view.model.index(1, COLUMN_NUMBER["rating"])
    assert (
        notes.flags() & Qt.ItemFlag.ItemIsEditable and rating.flags() & Qt.ItemFlag.ItemIsEditable
    )
    assert not view.model.index(1, COLUMN_NUMBER["title"]).flags() & Qt.ItemFlag.ItemIsEditable
    assert view.model.setData(notes, "loop the outro")
    assert view.model.setData(rating, 4)
    qtbot.waitUntil(lambda: notes.data() == "loop the outro", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: rating.data() == "★★★★☆", timeout=WAIT_MS)
    with app.session() as session:
        second = entry_rows(session, playlist)[1]
    assert (second["notes"], second["entry_rating"]) == ("loop the outro", 4)


def test_each_transition_shows_its_key_tempo_and_energy_in_colour(qtbot: QtBot, app: App) -> None:
    smooth = [
        track(app, "Start", key="8A", bpm=124.0, energy=0.50),
        track(app, "Smooth", key="9A", bpm=125.0, energy=0.55),
        track(app, "Clash", key="3B", bpm=150.0, energy=0.95),
    ]
    playlist = playlist_of(app, "Set", smooth)
    view = open_view(qtbot, app)
    wait_outline(qtbot, view, playlist)
    column = COLUMN_NUMBER["transition"]
    assert view.model.index(0, column).data(TRANSITION_ROLE) is None
    good = view.model.index(1, column).data(TRANSITION_ROLE)
    bad = view.model.index(2, column).data(TRANSITION_ROLE)
    assert (good.key_relation, good.key_grade, good.tempo_grade, good.energy_grade) == (
        "+1",
        "green",
        "green",
        "green",
    )
    assert view.model.index(1, column).data() == "+1 · +0.8% · E +0.05"
    assert (bad.key_grade, bad.tempo_grade, bad.energy_grade, bad.grade) == (
        "red",
        "red",
        "red",
        "red",
    )
    assert "+20.0%" in view.model.index(2, column).data()
    assert "50% of transitions in a compatible key" in view.summary_label.text()
    assert "largest tempo jump 20.0 %" in view.summary_label.text()

    image = view.grab().toImage()
    red_cell = view.table.visualRect(view.model.index(2, column))
    green_cell = view.table.visualRect(view.model.index(1, column))
    origin = view.table.viewport().mapTo(view, red_cell.topLeft())
    red_part = image.copy(origin.x(), origin.y(), red_cell.width(), red_cell.height())
    origin = view.table.viewport().mapTo(view, green_cell.topLeft())
    green_part = image.copy(origin.x(), origin.y(), green_cell.width(), green_cell.height())
    assert share(red_part, grade_colour("red"), step=1, tolerance=60) > 0.01
    assert share(green_part, grade_colour("green"), step=1, tolerance=60) > 0.01
    assert share(green_part, grade_colour("red"), step=1, tolerance=40) < 0.005


def test_the_smart_playlist_editor_points_at_a_bad_query(
    qtbot: QtBot, app: App, screenshot_dir: Path
) -> None:
    track(app, "Fast One", bpm=128.0)
    track(app, "Slow One", bpm=90.0)
    view = open_view(qtbot, app)
    made = view.new_smart_playlist(SmartRules("Fast", "bpm:120-130", "title", False, None))
    assert made is not None
    wait_outline(qtbot, view, made)
    assert [view.model.index(row, 1).data() for row in range(view.model.rowCount())] == ["Fast One"]
    assert not view.order_action.isEnabled()  # a smart playlist follows its query

    dialog = view.smart_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.rules() == SmartRules("Fast", "bpm:120-130", "title", False, None)
    dialog.query_box.line.setText("bpm:120- AND (")
    dialog.accept()
    assert dialog.result() == 0  # not closed
    error = dialog.query_box.error_label
    assert not error.isHidden()
    pointer, _caret, *message = error.text().split("\n")
    assert pointer == "bpm:120- AND ("
    assert "^" in _caret and message
    dialog.show()
    qtbot.waitExposed(dialog)
    image = save_screenshot(qtbot, dialog, screenshot_dir / "playlists_smart_error_light.png")
    assert ink(part_of(image, error, dialog)) > TEXT
    dialog.query_box.line.setText("bpm:80-100")
    dialog.accept()
    assert dialog.result() == 1 and error.isHidden()
    assert view.edit_smart_playlist(dialog.rules())
    qtbot.waitUntil(
        lambda: view.model.rowCount() == 1 and view.model.index(0, 1).data() == "Slow One",
        timeout=WAIT_MS,
    )


def axis(number: int) -> npt.NDArray[np.float64]:
    vector = np.zeros(TRACK_VECTORS.dimensions)
    vector[number] = 1.0
    return vector


def test_suggestions_are_accepted_into_the_playlist_or_rejected_for_good(
    qtbot: QtBot, app: App
) -> None:
    seeds = [track(app, f"Seed {n}", vector=axis(0) + 0.1 * axis(n + 1)) for n in range(3)]
    near = track(app, "Near", vector=axis(0) + 0.2 * axis(5))
    close = track(app, "Close", vector=axis(0) + 0.3 * axis(6))
    track(app, "Far", vector=axis(20))
    playlist = playlist_of(app, "Set", seeds)
    view = open_view(qtbot, app)
    wait_outline(qtbot, view, playlist)
    qtbot.waitUntil(lambda: near in view.recommendations.track_ids(), timeout=WAIT_MS)
    assert set(view.recommendations.track_ids()) >= {near, close}

    view.recommendations.select_track(near)
    view.recommendations.accept_button.click()
    wait_refreshed(qtbot, view)
    assert stored_titles(app, playlist) == ["Seed 0", "Seed 1", "Seed 2", "Near"]
    assert near not in view.recommendations.track_ids()

    view.recommendations.select_track(close)
    view.recommendations.reject_button.click()
    assert close not in view.recommendations.track_ids()
    with qtbot.waitSignal(view.recommendations_loaded, timeout=WAIT_MS):
        view.recommendations.refresh_button.click()
    assert close not in view.recommendations.track_ids()  # remembered
    with app.session() as session:
        status = session.scalars(
            select(PlaylistRecommendation.status).where(PlaylistRecommendation.track_id == close)
        ).one()
    assert status == "rejected"


def test_more_like_this_and_a_song_path_make_new_playlists(qtbot: QtBot, app: App) -> None:
    start = track(app, "Start", vector=axis(0))
    middle = track(app, "Halfway", vector=axis(0) + axis(1))
    end = track(app, "Goal", vector=axis(1))
    playlist = playlist_of(app, "Set", [start])
    view = open_view(qtbot, app)
    wait_outline(qtbot, view, playlist)
    with qtbot.waitSignal(view.task_finished, timeout=WAIT_MS) as finished:
        view.more_like_this()
    assert "More like Set" in finished.args[0]
    qtbot.waitUntil(
        lambda: (shown := view.model.outline()) is not None and shown.name == "More like Set",
        timeout=WAIT_MS,
    )
    outline = view.model.outline()
    assert outline is not None and outline.name == "More like Set"
    assert start not in outline.track_ids and middle in outline.track_ids

    view.show_playlist(playlist)
    wait_outline(qtbot, view, playlist)
    select_rows(view, [0])
    assert view.search_tracks("Goal")[0][0] == end
    with qtbot.waitSignal(view.task_finished, timeout=WAIT_MS):
        view.open_song_path((end, 2, False))
    qtbot.waitUntil(
        lambda: (
            (outline := view.model.outline()) is not None and outline.name == "Path: Start → Goal"
        ),
        timeout=WAIT_MS,
    )
    outline = view.model.outline()
    assert outline is not None and outline.track_ids == (start, middle, end)


def test_a_playlist_is_generated_from_a_template(qtbot: QtBot, app: App) -> None:
    add_many_tracks(app, 60)
    with app.session() as session:
        house = find_template(session, "House").id
    view = open_view(qtbot, app)
    with qtbot.waitSignal(view.task_finished, timeout=WAIT_MS) as finished:
        view.new_from_template((house, "Saturday House", 5))
    assert finished.args[0].startswith("Generated 5 tracks")
    qtbot.waitUntil(
        lambda: (shown := view.model.outline()) is not None and shown.name == "Saturday House",
        timeout=WAIT_MS,
    )
    assert len(view.model.outline() or ()) == 5
    assert "From a template" in view.name_label.text()


def test_order_for_mixing_previews_the_totals_and_applies(
    qtbot: QtBot, app: App, screenshot_dir: Path
) -> None:
    ids = [
        track(app, "C", key="10A", bpm=124.0, energy=0.7),
        track(app, "A", key="8A", bpm=124.0, energy=0.3),
        track(app, "D", key="11A", bpm=124.0, energy=0.9),
        track(app, "B", key="9A", bpm=124.0, energy=0.5),
    ]
    playlist = playlist_of(app, "Set", ids)
    view = open_view(qtbot, app)
    wait_outline(qtbot, view, playlist)
    dialog = view.open_order_dialog(OrderSettings("build", False, False, 1))
    assert dialog is not None
    dialog.gap_box.setValue(1)
    with qtbot.waitSignal(view.task_finished, timeout=WAIT_MS):
        dialog.preview()
    assert dialog.apply_button.isEnabled()
    assert dialog.after_labels[0].text() == "100%"  # compatible keys after
    assert dialog.before_labels[0].text() != "100%"
    dialog.show()
    qtbot.waitExposed(dialog)
    save_screenshot(qtbot, dialog, screenshot_dir / "playlists_order_light.png")
    dialog.apply_button.click()
    wait_refreshed(qtbot, view)
    assert stored_titles(app, playlist) == ["A", "B", "C", "D"]


def test_a_playlist_of_ten_thousand_entries_opens_reading_only_what_shows(
    qtbot: QtBot, app: App
) -> None:
    ids = add_many_tracks(app, 500)
    playlist = playlist_of(app, "Marathon", ids * 20)
    view = open_view(qtbot, app)
    wait_outline(qtbot, view, playlist)
    assert view.model.rowCount() == 10_000
    qtbot.waitUntil(lambda: view.model.row_loaded(0), timeout=WAIT_MS)
    assert view.model.pages_read <= 2
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.row_loaded(9_999), timeout=WAIT_MS)
    assert view.model.index(9_999, 0).data() == "10000"
    assert view.model.pages_read <= 4 < 10_000 // PAGE_SIZE
    assert len(view.curve.tracks()) == 10_000


def test_import_and_export_files_and_a_folder(qtbot: QtBot, app: App, tmp_path: Path) -> None:
    music = tmp_path / "Music"
    music.mkdir()
    paths = []
    for name in ("One", "Two"):
        path = music / f"{name}.wav"
        path.write_bytes(b"RIFF" + bytes(2000))
        paths.append(path)
    with app.session() as session:
        ids = []
        for path in paths:
            ids.append(add_track(session, path.stem))
            session.execute(update(Track).where(Track.id == ids[-1]).values(path=str(path)))
    listing = tmp_path / "set.m3u"
    listing.write_text("#EXTM3U\n" + "\n".join(str(path) for path in paths) + "\n")
    view = open_view(qtbot, app)
    with qtbot.waitSignal(view.task_finished, timeout=WAIT_MS) as finished:
        view.import_file(listing)
    assert "2 tracks found" in finished.args[0]
    qtbot.waitUntil(lambda: view.sidebar.names()[:1] == ["set"], timeout=WAIT_MS)
    wait_outline(qtbot, view)
    assert view.model.rowCount() == 2

    with qtbot.waitSignal(view.task_finished, timeout=WAIT_MS):
        view.export_file(tmp_path / "out.m3u8")
    assert "One.wav" in (tmp_path / "out.m3u8").read_text()
    with qtbot.waitSignal(view.task_finished, timeout=WAIT_MS) as finished:
        view.export_to_folder(tmp_path / "Stick")
    assert "2 copied" in finished.args[0]
    assert (tmp_path / "Stick" / "Two.wav").is_file()


@pytest.fixture
def mixed_set(app: App, tmp_path: Path) -> uuid.UUID:
    """A set of ten analysed tracks with a rising energy, one clash and one missing file."""
    plan = [
        ("Low Light", "8A", 122.0, 0.30),
        ("Deep Water", "8A", 122.5, 0.35),
        ("Night Bus", "9A", 123.0, 0.42),
        ("Warm Hands", "9B", 123.5, 0.48),
        ("Glass City", "10A", 124.0, 0.55),
        ("Red Alert", "3B", 138.0, 0.95),
        ("Open Road", "10A", 124.0, 0.62),
        ("High Tide", "11A", 125.0, 0.70),
        ("Bright Sky", "12A", 126.0, 0.78),
        ("Last Call", "12A", 126.0, 0.85),
    ]
    ids = [
        track(
            app,
            title,
            key=key,
            bpm=bpm,
            energy=energy,
            artist=f"Artist {n % 4}",
            vector=axis(0) + 0.1 * axis(n + 1),
        )
        for n, (title, key, bpm, energy) in enumerate(plan)
    ]
    for n, title in enumerate(("Moon Dance", "Tidal Pull", "Sand Storm")):
        track(app, title, key="11A", bpm=125.0, vector=axis(0) + 0.2 * axis(n + 20))
    playlist = playlist_of(app, "Friday Peak Time", ids)
    with app.session() as session:
        [peak] = entry_ids_at(session, playlist, [6])
        set_entry(session, playlist, peak, notes="drop at 1:04", rating=5)
        folder = create_folder(session, "Gigs")
        create_playlist(session, "Sunday Chill", folder_id=folder.id)
        create_playlist(session, "Old Warm-up").deleted_at = datetime(2026, 1, 1, tzinfo=UTC)
        session.execute(
            update(Track).where(Track.id == ids[3]).values(status="missing", missing_since=GONE_AT)
        )
    return playlist


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_playlists_view_screenshot(
    qtbot: QtBot, app: App, mixed_set: uuid.UUID, *, screenshot_dir: Path, theme: str
) -> None:
    colours = apply_theme(theme)
    window = open_view(qtbot, app)
    view = window
    qtbot.waitUntil(lambda: view.sidebar.current_id() == mixed_set, timeout=WAIT_MS)
    wait_outline(qtbot, view, mixed_set)
    qtbot.waitUntil(lambda: view.model.row_loaded(9), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(view.recommendations.track_ids()) == 3, timeout=WAIT_MS)
    select_rows(view, [4])
    image = save_screenshot(qtbot, window, screenshot_dir / f"playlists_{theme}.png")

    assert_themed(image, colours)
    assert ink(part_of(image, view.table.viewport(), window)) > 8 * TEXT
    assert ink(part_of(image, view.sidebar.viewport(), window)) > 3 * TEXT
    assert ink(part_of(image, view.recommendations.results.viewport(), window)) > 3 * TEXT
    assert view.table.horizontalScrollBar().maximum() == 0  # every column fits
    curve = part_of(image, view.curve, window)
    assert 1.0 - share(curve, colours.panel, tolerance=8) > 0.03  # lines and dots drawn
    assert share(curve, colours.accent, tolerance=48) > 0.004  # the energy line
    red_cell = view.table.visualRect(view.model.index(5, COLUMN_NUMBER["transition"]))
    corner = view.table.viewport().mapTo(window, red_cell.topLeft())
    red_part = image.copy(corner.x(), corner.y(), red_cell.width(), red_cell.height())
    assert share(red_part, grade_colour("red"), step=1, tolerance=60) > 0.01


def test_tracks_held_over_the_playlists_entry_open_the_playlists_view(
    qtbot: QtBot, app: App
) -> None:
    views = QListWidget()
    qtbot.addWidget(views)
    for name in ("library", "playlists"):
        item = QListWidgetItem(name.title())
        item.setData(Qt.ItemDataRole.UserRole, name)
        views.addItem(item)
    views.resize(200, 200)
    views.show()
    qtbot.waitExposed(views)
    shown: list[str] = []
    spring = spring_load(views, shown.append)
    mime = QMimeData()
    mime.setData(TRACK_IDS_MIME, QByteArray(str(uuid.uuid4()).encode()))

    def drag_over(row: int) -> QDragMoveEvent:
        where = views.visualItemRect(views.item(row)).center()
        event = QDragEnterEvent(
            where,
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(views.viewport(), event)
        return event

    assert not drag_over(0).isAccepted()  # the library takes no tracks
    assert spring.waiting_for() is None
    assert drag_over(1).isAccepted()
    assert spring.waiting_for() == "playlists"
    qtbot.waitUntil(lambda: shown == ["playlists"], timeout=2000)


def test_in_the_main_window_tracks_dragged_over_playlists_open_it(qtbot: QtBot, app: App) -> None:
    track(app, "One")
    window = show_main_window(qtbot, app)
    assert window.current_view_name() == "library"
    sidebar = window.sidebar
    row = window.view_names().index("playlists")
    mime = QMimeData()
    mime.setData(TRACK_IDS_MIME, QByteArray(str(uuid.uuid4()).encode()))
    where = sidebar.visualItemRect(sidebar.item(row)).center()
    event = QDragEnterEvent(
        where,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(sidebar.viewport(), event)
    assert event.isAccepted()
    qtbot.waitUntil(lambda: window.current_view_name() == "playlists", timeout=2000)
    view = window.views["playlists"]
    assert isinstance(view, PlaylistsView)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.main_page, timeout=WAIT_MS)
