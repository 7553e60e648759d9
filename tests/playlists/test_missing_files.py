"""A playlist keeps its entries while their files are gone and has them back when found."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.library import import_paths, tag_wav, track_by_path, write_silence

from museaud.app import App
from museaud.playlists import service


def test_entries_survive_missing_files_and_moves(app: App, tmp_path: Path) -> None:
    music = tmp_path / "Music"
    music.mkdir()
    files = [
        tag_wav(write_silence(music / f"{name}.wav", seconds), title=name, artist="Test Band")
        for name, seconds in (("Intro", 3.0), ("Groove", 4.0), ("Outro", 5.0))
    ]
    assert import_paths(app, music, workers=1).new == 3
    track_ids = [track_by_path(app, path).id for path in files]
    with app.session() as session:
        playlist = service.create_playlist(session, "Set")
        service.add_tracks(session, playlist.id, [*track_ids, track_ids[1]])

    def shown() -> list[tuple[str, str, str]]:
        with app.session() as session:
            return [
                (row["track"]["title"], row["track"]["status"], row["track"]["id"])
                for row in service.entry_rows(session, playlist.id)
            ]

    away = tmp_path / "away"
    away.mkdir()
    shutil.move(files[1], away / files[1].name)  # the Groove file is gone
    assert import_paths(app, music, workers=1).missing == 1
    groove = str(track_ids[1])
    assert [(title, status) for title, status, _ in shown()] == [
        ("Intro", "ok"),
        ("Groove", "missing"),
        ("Outro", "ok"),
        ("Groove", "missing"),
    ]
    with app.session() as session:
        assert service.list_playlists(session)[0].missing_count == 2

    shutil.move(away / files[1].name, files[1])  # found again where it was
    import_paths(app, music, workers=1)
    assert [(title, status) for title, status, _ in shown()] == [
        ("Intro", "ok"),
        ("Groove", "ok"),
        ("Outro", "ok"),
        ("Groove", "ok"),
    ]

    renamed = music / "Sub" / "Groove (remastered).wav"
    renamed.parent.mkdir()
    shutil.move(files[1], renamed)  # moved within the library: the import relinks the track
    summary = import_paths(app, music, workers=1)
    assert summary.moved == 1
    assert [entry[2] for entry in shown()] == [str(track) for track in track_ids] + [groove]
    assert track_by_path(app, renamed).id == track_ids[1]
    assert [status for _, status, _ in shown()] == ["ok"] * 4
