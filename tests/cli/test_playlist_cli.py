"""`museaud playlist ...` through the real command, on a real store and real files."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.playlists.conftest import MakeTrack, make_track
from tests.support.jack import JackServer

from museaud.analytics import EventStore
from museaud.app import App
from museaud.cli import main
from museaud.store.models.library import Track

assert make_track  # the fixture, used by name


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """Run museaud with --json and return what it printed, parsed."""
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def fails(capsys: pytest.CaptureFixture[str], status: int, *argv: str) -> str:
    assert main(list(argv)) == status
    return capsys.readouterr().err


@pytest.fixture
def tracks(make_track: MakeTrack) -> list[uuid.UUID]:
    return [make_track(name, seconds=1.0) for name in ("Intro", "Groove", "Peak")]


def titles(capsys: pytest.CaptureFixture[str], playlist: str) -> list[str]:
    shown = run(capsys, "playlist", "show", playlist)
    return [entry["track"]["title"] for entry in shown["entries"]]


def test_make_fill_reorder_and_trash_a_playlist(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    made = run(capsys, "playlist", "new", "Friday set")
    short = made["id"][-8:]
    added = run(capsys, "playlist", "add", short, *(t.hex[-8:] for t in tracks), str(tracks[0]))
    assert added == {"added": 4, "entries": 4}
    assert titles(capsys, "friday set") == ["Intro", "Groove", "Peak", "Intro"]
    run(capsys, "playlist", "move", "Friday set", "3", "--top")
    run(capsys, "playlist", "remove", "Friday set", "4")
    run(capsys, "playlist", "entry", "Friday set", "1", "--notes", "open loud", "--rating", "4")
    shown = run(capsys, "playlist", "show", "Friday set")
    assert [e["track"]["title"] for e in shown["entries"]] == ["Peak", "Intro", "Groove"]
    assert (shown["entries"][0]["notes"], shown["entries"][0]["entry_rating"]) == ("open loud", 4)

    run(capsys, "playlist", "rename", "Friday set", "Saturday set")
    run(capsys, "playlist", "duplicate", "Saturday set", "--name", "Backup")
    run(capsys, "playlist", "delete", "Saturday set")
    listed = run(capsys, "playlist", "list")
    assert [row["name"] for row in listed["playlists"]] == ["Backup"]
    assert listed["playlists"][0]["entries"] == 3
    assert [row["name"] for row in run(capsys, "playlist", "trash")["playlists"]] == [
        "Saturday set"
    ]
    run(capsys, "playlist", "restore", "Saturday set")
    run(capsys, "playlist", "delete", "Backup")
    assert run(capsys, "playlist", "trash", "--empty") == {"deleted": 1}
    assert [row["name"] for row in run(capsys, "playlist", "list")["playlists"]] == ["Saturday set"]
    assert main(["playlist", "list"]) == 0
    assert "Saturday set  (3 tracks, 0:03)" in capsys.readouterr().out


def test_bad_input_says_what_and_where(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "playlist", "new", "Set")
    err = fails(capsys, 2, "playlist", "add", "Set", "--query", "house bpm:fast")
    assert "bad query: bpm:fast is not a number" in err
    assert "house bpm:fast\n          ^^^^" in err
    err = fails(capsys, 1, "playlist", "add", "Set", "deadbeef")
    assert "no track with id 'deadbeef'" in err
    err = fails(capsys, 1, "playlist", "move", "Set", "9", "--top")
    assert "no entry at position 9: the playlist has 0 entries; nothing was changed" in err
    err = fails(capsys, 1, "playlist", "show", "No such set")
    assert "no playlist named 'No such set' (museaud playlist list shows them)" in err
    assert fails(capsys, 2, "playlist", "move", "Set", "1") != ""
    assert titles(capsys, "Set") == []


def test_add_by_query_smart_playlists_and_templates(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "playlist", "new", "Set")
    added = run(
        capsys,
        "playlist",
        "add",
        "Set",
        "--query",
        "title:groove OR title:peak",
        "--sort",
        "title",
        "--desc",
    )
    assert added["added"] == 2
    assert titles(capsys, "Set") == ["Peak", "Groove"]
    smart = run(
        capsys, "playlist", "smart", "Top 2", "--query", "", "--sort", "title", "--limit", "2"
    )
    assert smart["entries"] == 2
    assert titles(capsys, "Top 2") == ["Groove", "Intro"]
    err = fails(capsys, 1, "playlist", "add", "Top 2", str(tracks[0]))
    assert "is a smart playlist" in err
    changed = run(capsys, "playlist", "smart", "Top 2", "--change", "--asc", "--no-limit")
    assert (changed["entries"], changed["limit"], changed["descending"]) == (3, None, False)
    assert titles(capsys, "Top 2") == ["Groove", "Intro", "Peak"]
    changed = run(capsys, "playlist", "smart", "Top 2", "--change", "--query", "title:peak")
    assert (changed["entries"], changed["query"]) == (1, "title:peak")
    err = fails(capsys, 2, "playlist", "smart", "Top 2", "--change", "--query", "bpm:abc")
    assert "^" in err  # the caret under what did not parse, as the search box shows it
    assert run(capsys, "playlist", "smart", "Top 2", "--change")["query"] == "title:peak"
    assert fails(capsys, 2, "playlist", "smart", "Fresh") != ""  # a new one needs --query
    templates = run(capsys, "playlist", "generate")
    assert {template["type"] for template in templates} >= {"mood", "genre", "era", "energy"}
    err = fails(capsys, 1, "playlist", "generate", "Nineties")
    assert "no track matches any rule of template 'Nineties'" in err


def test_folders(tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "playlist", "new", "Set")
    gigs = run(capsys, "playlist", "folder", "new", "Gigs")
    run(capsys, "playlist", "folder", "put", "Set", "Gigs")
    listed = run(capsys, "playlist", "list")
    assert listed["playlists"][0]["folder_id"] == gigs["id"]
    run(capsys, "playlist", "folder", "delete", "Gigs")
    assert run(capsys, "playlist", "list")["playlists"][0]["folder_id"] is None


def test_files_in_and_out(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "playlist", "new", "Set")
    run(capsys, "playlist", "add", "Set", *map(str, tracks))
    m3u = tmp_path / "set.m3u8"
    assert run(capsys, "playlist", "export", "Set", str(m3u)) == {"file": str(m3u), "entries": 3}
    imported = run(capsys, "playlist", "import", str(m3u), "--name", "Again")
    assert (imported["matched"], imported["unmatched"]) == (3, [])
    assert titles(capsys, "Again") == ["Intro", "Groove", "Peak"]
    copied = run(capsys, "playlist", "export", "Set", "--to-folder", str(tmp_path / "USB"))
    assert copied["copied"] == 3 and Path(copied["playlist_file"]).is_file()
    (tmp_path / "blocked").write_text("")
    err = fails(capsys, 1, "playlist", "export", "Set", "--to-folder", str(tmp_path / "blocked"))
    assert f"cannot write to {tmp_path / 'blocked'}" in err


def test_order_for_mixing_and_discovery_errors(
    tracks: list[uuid.UUID], capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "playlist", "new", "Set")
    run(capsys, "playlist", "add", "Set", *map(str, tracks))
    order = run(capsys, "playlist", "order", "Set", "--arc", "flat", "--apply")
    assert sorted(track["title"] for track in order["tracks"]) == ["Groove", "Intro", "Peak"]
    assert len(order["transitions"]) == 2
    assert titles(capsys, "Set") == [track["title"] for track in order["tracks"]]
    # these tracks were never analysed, so they have no sound to follow
    assert fails(capsys, 1, "playlist", "path", str(tracks[0]), str(tracks[2])) != ""


@pytest.mark.jack
def test_play_records_each_play(
    app: App,
    tracks: list[uuid.UUID],
    jack_server: JackServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "playlist", "new", "Set")
    run(capsys, "playlist", "add", "Set", str(tracks[0]), str(tracks[1]))
    played = run(capsys, "playlist", "play", "Set", "--device", "system", "--buffer", "128")
    assert [play["ended_by"] for play in played["plays"]] == ["finished", "finished"]
    with app.session() as session:
        counts = {t.title: t.play_count for t in session.scalars(select(Track))}
    assert counts == {"Intro": 1, "Groove": 1, "Peak": 0}
    app.close()
    with EventStore.open(app.paths.analytics_file) as events:
        assert len(events.listening_history(app.local_user_id)) == 2
