"""The track player in the main window, on the JACK dummy server with real imported files: a
queue played to its end, skips, seeks and pauses counted as heard, repeat, the library's
double-click and queue menu, the pattern taking over, and screenshots of the now-playing strip."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from tests.support.audio import write_sine
from tests.support.jack import JackServer
from tests.support.library import import_paths, tag_wav, track_by_path
from tests.support.screenshots import TEXT, assert_themed, ink, part_of, save_screenshot, share
from tests.support.windows import show_main_window

from museaud.analytics import ListeningEvent
from museaud.app import App
from museaud.audio import devices as real_devices
from museaud.audio.queue import QueuedTrack
from museaud.audio.transport import TransportState
from museaud.patterns.flavors import build_pattern
from museaud.playlists.service import add_tracks, create_playlist
from museaud.store.models.library import Track
from museaud.store.models.playlists import Playlist
from museaud.ui.main_window import MainWindow
from museaud.ui.now_playing import NowPlayingStrip
from museaud.ui.theme import apply_theme
from museaud.ui.views import LibraryView, PlaylistsView
from museaud.ui.views.playlists import PlayRequest

if TYPE_CHECKING:
    from tests.ui.conftest import FakeDevices

pytestmark = pytest.mark.jack

IDLE = TransportState(output="")
SONGS = (("Alpha", 330.0, 2.0), ("Bravo", 440.0, 2.0), ("Charlie", 550.0, 2.0))


@pytest.fixture
def jack_audio(jack_server: JackServer, devices: FakeDevices) -> FakeDevices:
    """The window sees the real audio outputs: JACK's "system" on the dummy server."""
    devices.audio = real_devices.list_audio_outputs()
    assert devices.audio.devices, devices.audio.problem
    return devices


def import_songs(
    app: App, folder: Path, songs: tuple[tuple[str, float, float], ...]
) -> list[uuid.UUID]:
    """Real short wavs, tagged and imported (analysed) like a user's files."""
    folder.mkdir()
    paths = []
    for number, (title, frequency, seconds) in enumerate(songs, start=1):
        path = folder / f"{number:02d} {title}.wav"
        write_sine(path, level_dbfs=-18, frequency_hz=frequency, duration_s=seconds)
        tag_wav(path, title=title, artist="Test Band")
        paths.append(path)
    import_paths(app, folder, workers=1)
    return [track_by_path(app, path).id for path in paths]


@pytest.fixture
def window(qtbot: QtBot, app: App, jack_audio: FakeDevices) -> Iterator[MainWindow]:
    opened = show_main_window(qtbot, app, 1360, 860)
    yield opened
    opened.close()


def recorded_plays(window: MainWindow) -> list[uuid.UUID]:
    """The tracks whose plays the player has written to the store, in order."""
    plays: list[uuid.UUID] = []
    window.player.play_recorded.connect(plays.append)
    return plays


def row_of(app: App, track_id: uuid.UUID) -> Track:
    with app.session() as session:
        track = session.get(Track, track_id)
        assert track is not None
        session.expunge(track)
        return track


def listening(qtbot: QtBot, app: App, count: int) -> list[ListeningEvent]:
    """The listening events in DuckDB, once count are there (written by a background thread)."""
    qtbot.waitUntil(lambda: len(app.events.events(ListeningEvent)) >= count, timeout=10000)
    return app.events.events(ListeningEvent)


def test_a_queue_plays_to_its_end_and_every_play_is_recorded(
    qtbot: QtBot, app: App, window: MainWindow, tmp_path: Path
) -> None:
    ids = import_songs(app, tmp_path / "Music", SONGS)
    plays = recorded_plays(window)
    playing: list[QueuedTrack | None] = []
    window.player.now_playing_changed.connect(playing.append)
    library = window.views["library"]
    assert isinstance(library, LibraryView)
    library.refresh()  # the import ran outside the window
    qtbot.waitUntil(lambda: library.track_count() == 3, timeout=10000)

    window.player.play_ids(ids, 0, "library")

    qtbot.waitUntil(lambda: len(plays) == 3, timeout=60000)
    assert plays == ids
    assert [track.title for track in playing if track] == ["Alpha", "Bravo", "Charlie"]
    assert window.player.now_playing is None
    qtbot.waitUntil(lambda: not window.playback.is_playing_tracks(), timeout=5000)
    for track_id in ids:
        track = row_of(app, track_id)
        assert (track.play_count, track.skip_count) == (1, 0)
        assert track.last_played_at is not None
    events = listening(qtbot, app, 3)
    assert [event.track_id for event in events] == ids
    for event in events:
        assert event.completed and not event.skipped and event.playlist_id is None
        assert event.duration_played_s == pytest.approx(2.0, abs=0.1)
    starts = [event.time for event in events]
    assert starts == sorted(starts)
    # the library's Plays cells show the new counts once it has read them again
    qtbot.waitUntil(
        lambda: all((library.model.row_data(row) or {}).get("play_count") == 1 for row in range(3)),
        timeout=10000,
    )


def test_next_before_thirty_seconds_is_a_skip_and_stop_ends_the_play(
    qtbot: QtBot, app: App, window: MainWindow, tmp_path: Path
) -> None:
    first, second = import_songs(app, tmp_path / "Music", SONGS[:2])
    plays = recorded_plays(window)
    player = window.player
    player.play_ids([first, second], 0, "library")
    qtbot.waitUntil(lambda: player.position()[0] > 0.3, timeout=30000)

    player.next()

    qtbot.waitUntil(lambda: plays == [first], timeout=10000)
    qtbot.waitUntil(lambda: player.position()[0] > 0.2, timeout=10000)
    player.stop()
    qtbot.waitUntil(lambda: plays == [first, second], timeout=10000)
    for track_id in (first, second):
        track = row_of(app, track_id)
        assert (track.play_count, track.skip_count, track.last_played_at) == (0, 1, None)
    skipped, stopped = listening(qtbot, app, 2)
    assert skipped.skipped and not skipped.completed
    assert 0.3 <= skipped.duration_played_s < 2.0
    assert stopped.skipped and 0.2 <= stopped.duration_played_s < 2.0
    assert not window.playback.is_playing_tracks()


def test_seek_moves_the_position_and_paused_time_is_not_counted_as_heard(
    qtbot: QtBot, app: App, window: MainWindow, tmp_path: Path
) -> None:
    [song] = import_songs(app, tmp_path / "Music", (("Long", 440.0, 6.0),))
    plays = recorded_plays(window)
    player, playback = window.player, window.playback
    player.play_ids([song], 0, "library")
    qtbot.waitUntil(lambda: player.position()[0] > 0.2, timeout=30000)
    heard_before_seek = player.position()[0]

    player.seek(4.0)

    qtbot.waitUntil(lambda: (playback.last_state() or IDLE).track_s >= 4.0, timeout=5000)
    strip = window.transport_bar.now_playing
    assert isinstance(strip, NowPlayingStrip)
    assert strip.seek_slider.value() >= 40  # tenths of a second
    assert strip.remaining_label.text() in ("-0:02", "-0:01")
    player.toggle_pause()
    qtbot.waitUntil(lambda: (playback.last_state() or IDLE).track_paused, timeout=5000)
    engine = playback.audio_engine()
    assert engine is not None
    callbacks = engine.stats().callbacks
    qtbot.waitUntil(lambda: engine.stats().callbacks > callbacks + 400, timeout=10000)  # ~1 s
    player.toggle_pause()

    qtbot.waitUntil(lambda: plays == [song], timeout=15000)
    [event] = listening(qtbot, app, 1)
    assert event.completed and not event.skipped
    # heard: up to the seek, then 4 s to the end; the second held in pause is not counted
    assert event.duration_played_s == pytest.approx(heard_before_seek + 2.0, abs=0.15)


def test_repeat_one_plays_the_track_again_and_each_time_counts(
    qtbot: QtBot, app: App, window: MainWindow, tmp_path: Path
) -> None:
    first, second = import_songs(app, tmp_path / "Music", SONGS[:2])
    plays = recorded_plays(window)
    player = window.player
    player.set_repeat("one")
    player.play_ids([first, second], 0, "library")

    qtbot.waitUntil(lambda: len(plays) == 2, timeout=30000)
    player.stop()

    assert plays == [first, first]
    assert row_of(app, first).play_count == 2
    assert player.queue.current is not None and player.queue.current.track.track_id == first


def test_the_library_plays_its_selection_from_the_clicked_track_and_queues_more(
    qtbot: QtBot, app: App, window: MainWindow, tmp_path: Path
) -> None:
    ids = import_songs(app, tmp_path / "Music", SONGS)
    library = window.views["library"]
    assert isinstance(library, LibraryView)
    window.show_view("library")
    library.refresh()
    qtbot.waitUntil(lambda: library.track_count() == 3, timeout=10000)
    rows = {library.model.rows_now([row])[0]["id"]: row for row in range(3)}
    selection = library.table.selectionModel()
    for track_id in ids[:2]:
        index = library.model.index(rows[str(track_id)], 0)
        selection.select(index, selection.SelectionFlag.Select | selection.SelectionFlag.Rows)

    assert library.play_row(rows[str(ids[1])])  # Enter on the second of two selected

    player = window.player
    qtbot.waitUntil(lambda: player.now_playing is not None, timeout=10000)
    assert player.now_playing.track_id == ids[1]  # type: ignore[union-attr]
    assert [e.track.track_id for e in player.queue.entries] == ids[:2]
    assert {e.track.source for e in player.queue.entries} == {"library"}
    library.table.clearSelection()
    library.table.selectRow(rows[str(ids[2])])
    menu = library.track_menu()
    [play_next] = [a for a in menu.actions() if a.text() == "Play Next"]
    play_next.trigger()
    qtbot.waitUntil(lambda: len(player.queue) == 3, timeout=5000)
    following = player.queue.peek_next(ended=True)
    assert following is not None and following.track.track_id == ids[2]
    assert following.track.source == "queue"
    strip = window.transport_bar.now_playing
    assert isinstance(strip, NowPlayingStrip)
    popup = strip.show_queue()
    listed = [popup.list.item(row).text() for row in range(popup.list.count())]
    assert listed == ["    Alpha — Test Band", "▶ Bravo — Test Band", "    Charlie — Test Band"]
    popup.list.setCurrentRow(2)
    popup.up_button.click()  # Charlie before Bravo: the play order follows
    popup.list.setCurrentRow(0)
    popup.remove_button.click()  # Alpha goes
    assert [e.track.title for e in player.queue.entries] == ["Charlie", "Bravo"]
    assert player.queue.peek_next(ended=True) is None  # Bravo, playing, is now last
    popup.close()
    player.stop()


def test_a_pattern_takes_over_from_the_track_and_the_play_is_recorded_as_stopped(
    qtbot: QtBot, app: App, window: MainWindow, tmp_path: Path
) -> None:
    [song] = import_songs(app, tmp_path / "Music", (("Long", 440.0, 6.0),))
    plays = recorded_plays(window)
    player = window.player
    player.play_ids([song], 0, "library")
    qtbot.waitUntil(lambda: player.position()[0] > 0.2, timeout=30000)

    assert window.playback.play(build_pattern("salsa"))

    qtbot.waitUntil(lambda: plays == [song], timeout=10000)
    assert player.now_playing is None and window.playback.is_playing()
    assert not window.playback.is_playing_tracks()
    [event] = listening(qtbot, app, 1)
    assert event.skipped and not event.completed
    window.playback.stop()


def test_a_playlist_plays_from_the_playlists_view_and_counts_for_the_playlist(
    qtbot: QtBot, app: App, window: MainWindow, tmp_path: Path
) -> None:
    first, second = import_songs(app, tmp_path / "Music", SONGS[:2])
    with app.session() as session:
        playlist_id = create_playlist(session, "Warm Up").id
        add_tracks(session, playlist_id, [second, first])
    plays = recorded_plays(window)
    view = window.views["playlists"]
    assert isinstance(view, PlaylistsView)

    view.play_requested.emit(PlayRequest((second, first), 1, ("playlist", playlist_id)))

    qtbot.waitUntil(lambda: plays == [first], timeout=30000)  # from the second entry on
    with app.session() as session:
        playlist = session.get(Playlist, playlist_id)
        assert playlist is not None and playlist.play_count == 1
    [event] = listening(qtbot, app, 1)
    assert event.playlist_id == playlist_id and event.completed


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_the_transport_bar_playing_a_track(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, screenshot_dir: Path, theme: str
) -> None:
    colours = apply_theme(theme)
    window.refresh_theme()
    [song] = import_songs(window.app, tmp_path / "Music", (("Midnight Drive", 440.0, 6.0),))
    player = window.player
    player.play_ids([song], 0, "library")
    qtbot.waitUntil(lambda: player.position()[0] > 1.0, timeout=30000)
    player.toggle_pause()  # held, so the picture shows a steady position
    bar = window.transport_bar
    strip = bar.now_playing
    assert isinstance(strip, NowPlayingStrip)
    QApplication.processEvents()

    image = save_screenshot(qtbot, bar, screenshot_dir / f"transport_track_{theme}.png")

    assert_themed(image, colours)
    assert strip.isVisible()
    assert strip.title_label.text() == "Midnight Drive — Test Band"
    assert strip.elapsed_label.text() == "0:01"
    for label in (strip.title_label, strip.elapsed_label, strip.remaining_label):
        assert ink(part_of(image, label, bar)) > TEXT, label.objectName()
    slider = part_of(image, strip.seek_slider, bar)
    assert ink(slider) > TEXT  # the groove and handle are drawn
    play = part_of(image, strip.pause_button, bar)
    assert share(play, colours.text, step=1) > 0.03  # the play glyph (paused)
    player.stop()
