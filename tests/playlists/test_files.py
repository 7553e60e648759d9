"""M3U, M3U8 and PLS in and out, matching to the library, and export to a folder."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.playlists.conftest import MakeTrack

from museaud.app import App
from museaud.playlists import service
from museaud.playlists.errors import PlaylistError
from museaud.playlists.files import (
    ExportProgress,
    export_playlist_file,
    export_to_folder,
    import_playlist_file,
    read_playlist_file,
)
from museaud.store.models.playlists import Playlist


@pytest.fixture
def set_list(app: App, make_track: MakeTrack, tmp_path: Path) -> tuple[uuid.UUID, list[uuid.UUID]]:
    tracks = [
        make_track("Café del Mar", artist="Energy 52", seconds=2.0),
        make_track("Ｓｏｎｇ", artist="Björk", seconds=1.0, folder=tmp_path / "Music" / "Ünïcode"),
        make_track("Plain", seconds=1.5),
    ]
    with app.session() as session:
        playlist = service.create_playlist(session, "Sunset: set/1")
        service.add_tracks(session, playlist.id, [*tracks, tracks[0]])
    return playlist.id, tracks


def imported_titles(app: App, playlist_id: uuid.UUID) -> list[str]:
    with app.session() as session:
        return [row["track"]["title"] for row in service.entry_rows(session, playlist_id)]


@pytest.mark.parametrize("name", ["set.m3u", "set.m3u8", "set.pls"])
def test_round_trip_with_relative_non_ascii_paths(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]], tmp_path: Path, name: str
) -> None:
    playlist_id, _ = set_list
    target = tmp_path / "Lists" / name
    target.parent.mkdir()
    with app.session() as session:
        assert export_playlist_file(session, playlist_id, target) == 4
    text = target.read_text(encoding="utf-8")
    assert "../Music/Ünïcode/Björk - Ｓｏｎｇ.wav" in text
    assert str(tmp_path) not in text  # relative paths only
    with app.session() as session:
        result = import_playlist_file(session, target)
    assert (result.matched, result.unmatched, result.ignored_lines) == (4, [], 0)
    assert imported_titles(app, result.playlist_id) == imported_titles(app, playlist_id)


def test_windows_line_endings_garbage_and_matching_by_tags(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]], tmp_path: Path
) -> None:
    lines = [
        "\ufeff#EXTM3U",
        "#PLAYLIST:From a friend",
        "#EXTINF:2,Energy 52 - Café del Mar",
        r"D:\DJ\Trance\Energy 52 - Cafe del Mar.mp3",  # another machine: matched by tags
        "#EXTINF:120,Energy 52 - Café del Mar",  # wrong length: not the same track
        "/nowhere/cafe_long_mix.flac",
        "#EXTINF:oops",  # garbage
        "http://radio.example/stream",  # not a local file
        "just some words",  # garbage
        "Music/Test Band - Plain.wav",  # relative, found by path
        "\x00\x01binary",  # garbage
        "",
    ]
    source = tmp_path / "friend.m3u"
    source.write_bytes("\r\n".join(lines).encode("utf-8"))
    with app.session() as session:
        result = import_playlist_file(session, source, name="Friend's set")
    assert result.ignored_lines == 4
    assert result.matched == 2
    assert [entry.location for entry in result.unmatched] == ["/nowhere/cafe_long_mix.flac"]
    assert result.unmatched[0].label() == "Energy 52 - Café del Mar"
    assert imported_titles(app, result.playlist_id) == ["Café del Mar", "Plain"]


def test_pls_with_garbage_and_cp1252(tmp_path: Path) -> None:
    source = tmp_path / "old.pls"
    source.write_bytes(
        "[playlist]\r\nFile1=Caf\xe9.mp3\r\nTitle1=A - Caf\xe9\r\nLength1=61\r\n"
        "what is this\r\nFile2=\r\nNumberOfEntries=2\r\nVersion=2\r\n".encode("cp1252")
    )
    read = read_playlist_file(source)
    assert [(e.path, e.artist, e.title, e.duration_s) for e in read.entries] == [
        (tmp_path / "Café.mp3", "A", "Café", 61.0)
    ]
    assert read.ignored_lines == 2


def test_bad_files_are_refused_and_nothing_is_stored(app: App, tmp_path: Path) -> None:
    latin = tmp_path / "bad.m3u8"
    latin.write_bytes("Caf\xe9.mp3\n".encode("latin-1"))
    for path, message in [
        (latin, "must be UTF-8"),
        (tmp_path / "absent.m3u", "cannot read"),
        (tmp_path / "list.txt", "not a playlist file name"),
    ]:
        with pytest.raises(PlaylistError, match=message), app.session() as session:
            import_playlist_file(session, path)
    with app.session() as session:
        assert session.scalars(select(Playlist)).all() == []


def test_export_to_folder_copies_whole_files_and_a_relative_playlist(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]], tmp_path: Path
) -> None:
    playlist_id, _ = set_list
    stick = tmp_path / "USB"
    seen: list[ExportProgress] = []
    with app.session() as session:
        result = export_to_folder(session, playlist_id, stick, progress=seen.append)
    assert (result.copied, result.reused, result.missing, result.cancelled) == (3, 0, [], False)
    assert result.playlist_file == stick / "Sunset_ set_1.m3u8"
    assert sorted(path.name for path in stick.iterdir()) == sorted(
        [
            "Energy 52 - Café del Mar.wav",
            "Björk - Ｓｏｎｇ.wav",
            "Test Band - Plain.wav",
            "Sunset_ set_1.m3u8",
        ]
    )
    assert seen[-1].done == seen[-1].total == 3 and seen[-1].bytes_done == seen[-1].bytes_total
    read = read_playlist_file(result.playlist_file)
    assert [entry.location for entry in read.entries] == [
        "Energy 52 - Café del Mar.wav",
        "Björk - Ｓｏｎｇ.wav",
        "Test Band - Plain.wav",
        "Energy 52 - Café del Mar.wav",
    ]
    with app.session() as session:  # again: the files there are kept
        again = export_to_folder(session, playlist_id, stick)
    assert (again.copied, again.reused) == (0, 3)


def test_cancelled_export_leaves_no_part_file_and_no_playlist(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]], tmp_path: Path
) -> None:
    playlist_id, _ = set_list
    cancel = threading.Event()

    def stop_after_first(progress: ExportProgress) -> None:
        if progress.done == 1:
            cancel.set()

    with app.session() as session:
        result = export_to_folder(
            session, playlist_id, tmp_path / "USB", progress=stop_after_first, cancel=cancel
        )
    assert (result.cancelled, result.copied, result.playlist_file) == (True, 1, None)
    assert [path.name for path in (tmp_path / "USB").iterdir()] == ["Energy 52 - Café del Mar.wav"]


def test_export_to_a_folder_that_cannot_be_written(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]], tmp_path: Path
) -> None:
    playlist_id, _ = set_list
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    refused = r"cannot write to .*a file/USB.*nothing was exported"
    with pytest.raises(PlaylistError, match=refused), app.session() as session:
        export_to_folder(session, playlist_id, blocker / "USB")
    assert blocker.read_text() == "not a folder"


def test_a_missing_file_is_listed_and_left_out(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]], tmp_path: Path
) -> None:
    playlist_id, _ = set_list
    gone = tmp_path / "Music" / "Test Band - Plain.wav"
    gone.unlink()
    with app.session() as session:
        result = export_to_folder(session, playlist_id, tmp_path / "USB", kind="pls")
    assert result.missing == [str(gone)] and result.copied == 2
    assert len(read_playlist_file(result.playlist_file).entries) == 3  # type: ignore[arg-type]
