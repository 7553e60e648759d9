"""`museaud project …` and `museaud song …` from the shell: a project, a sketched song, edits with
undo/redo, the mixer, bad input that changes nothing, and a rendered mixdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile

from museaud.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main([*args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def say(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) != 0
    return capsys.readouterr().err


def test_projects_from_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    made = run(
        capsys, "project", "new", "Summer EP", "--key", "Am", "--bpm", "98", "--tags", "latin, pop"
    )
    assert (made["key_note"], made["scale"], made["style_tags"]) == (9, "minor", ["latin", "pop"])
    short = made["id"][-8:]
    assert "renamed" in say(capsys, "project", "rename", short, "Winter EP")
    assert run(capsys, "project", "show", short)["name"] == "Winter EP"
    say(capsys, "project", "archive", short)
    assert run(capsys, "project", "list") == []
    assert [p["id"] for p in run(capsys, "project", "list", "--archived")] == [made["id"]]
    say(capsys, "project", "archive", short, "--restore")
    say(capsys, "project", "delete", short)
    assert [p["id"] for p in run(capsys, "project", "list", "--trash")] == [made["id"]]
    assert "no project" in refused(capsys, "project", "show", "deadbeef")


def test_sketch_edit_undo_mix_and_render(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = run(capsys, "project", "new", "Sketches")
    song = run(
        capsys,
        "song",
        "sketch",
        "First Idea",
        "--style",
        "house",
        "--key",
        "F",
        "--project",
        project["id"],
    )
    song_id = song["id"]
    assert [lane["name"] for lane in song["lanes"]] == ["drums", "bass", "chords", "melody"]
    assert [marker["section"] for marker in song["markers"]][:3] == ["intro", "verse", "chorus"]

    rate = 44100
    wave = 0.2 * np.sin(2 * np.pi * 220 * np.arange(rate * 8) / rate)
    stem = tmp_path / "vocal.wav"
    soundfile.write(stem, np.stack([wave, wave], axis=1), rate)
    out = say(
        capsys,
        "song",
        "add-clip",
        song_id,
        "--lane",
        "vocal",
        "--file",
        str(stem),
        "--bar",
        "5",
        "--bars",
        "4",
        "--fade-in",
        "0.5",
        "--kind",
        "vocal",
    )
    clip = out.split("clip ")[1].split()[0]
    say(capsys, "song", "move-clip", clip, "--bar", "9")
    say(capsys, "song", "split-clip", clip, "--bar", "11")
    vocal = run(capsys, "song", "show", song_id)["lanes"][4]
    assert [(c["bar"], c["bars"]) for c in vocal["clips"]] == [(9, 2), (11, 2)]
    assert "undid: split clip" in say(capsys, "song", "undo", song_id)
    assert "redid: split clip" in say(capsys, "song", "redo", song_id)
    say(capsys, "song", "undo", song_id)
    say(capsys, "song", "marker", song_id, "bridge", "--bar", "29", "--name", "Break")

    mixed = run(
        capsys,
        "song",
        "mix",
        song_id,
        "--lane",
        "vocal",
        "--volume",
        "1.5",
        "--pan",
        "-0.25",
        "--low",
        "-3",
        "--mute",
    )
    lane = mixed["lanes"][4]
    assert (lane["volume"], lane["pan"], lane["eq"]["low_db"], lane["muted"]) == (
        1.5,
        -0.25,
        -3,
        True,
    )

    before = run(capsys, "song", "show", song_id)
    assert "past the song's end" in refused(capsys, "song", "move-clip", clip, "--bar", "40")
    assert "overlap" in refused(
        capsys,
        "song",
        "add-clip",
        song_id,
        "--lane",
        "vocal",
        "--file",
        str(stem),
        "--bar",
        "10",
        "--bars",
        "1",
    )
    assert "gain" in refused(
        capsys,
        "song",
        "add-clip",
        song_id,
        "--lane",
        "vocal",
        "--file",
        str(stem),
        "--bar",
        "1",
        "--bars",
        "1",
        "--gain",
        "3",
    )
    assert "volume" in refused(capsys, "song", "mix", song_id, "--lane", "bass", "--volume", "2.5")
    assert run(capsys, "song", "show", song_id)["lanes"] == before["lanes"]

    target = tmp_path / "mix.flac"
    assert main(["song", "render", song_id, str(target), "--bits", "16", "--add-to-library"]) == 0
    captured = capsys.readouterr()
    assert "100%" in captured.err and "LUFS" in captured.out and "library" in captured.out
    assert soundfile.info(str(target)).format == "FLAC"

    stem.unlink()
    say(capsys, "song", "mix", song_id, "--lane", "vocal", "--no-mute")
    assert run(capsys, "song", "show", song_id)["lanes"][4]["clips"][0]["missing"] is True
    error = refused(capsys, "song", "render", song_id, str(tmp_path / "again.wav"))
    assert "vocal.wav" in error
    assert not list(tmp_path.glob("*again*"))
    assert "does not exist" in refused(
        capsys, "song", "render", song_id, str(tmp_path / "no" / "x.wav")
    )
