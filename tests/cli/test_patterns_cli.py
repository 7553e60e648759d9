"""`museaud pattern …` from the shell: generate, import, export, browse, fork, rate, similar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from museaud.app import App
from museaud.cli import main
from museaud.store.models.patterns import Feedback

DEMO_SONG = Path("/usr/share/hydrogen/data/demo_songs/GM_kit_demo1.h2song")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main(["pattern", *args, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_generate_as_the_issue_shows_and_the_same_seed_gives_the_same_notes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = (
        "generate",
        "--engine",
        "drums",
        "--flavor",
        "salsa",
        "--bpm",
        "180",
        "--key",
        "C",
        "--bars",
        "4",
        "--seed",
        "1",
        "--no-steer",
    )
    first = run(capsys, *args)
    assert (first["engine"], first["bpm"], first["bars"], first["seed"]) == ("drums", 180.0, 4, 1)
    assert 0 <= first["quality"]["score"] <= 1 and first["generation_time_ms"] >= 0
    again = run(capsys, *args)
    assert again["id"] != first["id"]
    shown = [run(capsys, "show", generated["id"]) for generated in (first, again)]
    assert shown[0]["parts"] == shown[1]["parts"] and shown[0]["parts"]


def test_generate_instead_of_a_result_then_keep_the_new_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    generate = ("generate", "--engine", "bass", "--flavor", "house", "--seed", "2")
    first = run(capsys, *generate)
    second = run(capsys, *generate, "--instead-of", first["id"][-8:])
    [kept] = run(capsys, "rate", second["id"], "5", "--action", "kept")
    assert kept["user_rating"] == 5
    with App.open() as app, app.session() as session:
        verdicts = {
            (str(row.pattern_id), row.rating, row.action)
            for row in session.scalars(select(Feedback))
        }
    assert verdicts == {(first["id"], None, "regenerated"), (second["id"], 5, "kept")}
    assert main(["pattern", *generate, "--count", "2", "--instead-of", second["id"]]) == 2
    assert "--instead-of makes one pattern" in capsys.readouterr().err


def test_generate_refuses_an_unknown_style(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pattern", "generate", "--engine", "drums", "--flavor", "polka"]) == 2
    assert "unknown style 'polka'" in capsys.readouterr().err


def test_new_fork_rate_list_and_short_ids(capsys: pytest.CaptureFixture[str]) -> None:
    [made] = run(capsys, "new", "--flavor", "Salsa", "--key", "Bb", "--clave", "3-2")
    assert made["clave"] == "3-2" and made["key_note"] == 10 and "conga" in made["instruments"]
    short = made["id"].replace("-", "")[-8:]
    [fork] = run(capsys, "fork", short, "--title", "My 3-2")
    assert fork["original_pattern_id"] == made["id"] and fork["origin"] == "fork"
    [rated] = run(capsys, "rate", short, "4", "--action", "kept")
    assert rated["user_rating"] == 4 and rated["fork_count"] == 1
    assert [p["id"] for p in run(capsys, "list", "--origin", "fork")] == [fork["id"]]
    assert main(["pattern", "rate", short, "6"]) == 2
    assert "rating 6 is outside 1-5" in capsys.readouterr().err
    assert main(["pattern", "show", "ffffffff"]) == 1
    assert "no pattern with id 'ffffffff'" in capsys.readouterr().err


def test_export_then_import_gives_the_same_pattern(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [made] = run(capsys, "new", "--flavor", "merengue", "--key", "G")
    target = tmp_path / "merengue.mid"
    assert run(capsys, "export", made["id"], str(target))["file"] == str(target)
    [imported] = run(capsys, "import", str(target))
    assert imported["origin"] == "imported"
    original, copy = run(capsys, "show", made["id"]), run(capsys, "show", imported["id"])
    for field in ("bpm", "key_note", "time_signature", "bars", "steps_per_beat"):
        assert copy[field] == original[field]
    enabled = [part for part in original["parts"] if part["enabled"]]
    assert [p["notes"] for p in copy["parts"]] == [p["notes"] for p in enabled]


def test_hydrogen_demo_song_imports_every_pattern(capsys: pytest.CaptureFixture[str]) -> None:
    assert DEMO_SONG.exists(), "install Debian's hydrogen-data (scripts/install-system-deps --test)"
    imported = run(capsys, "import", str(DEMO_SONG))
    assert len(imported) == 11 and all(p["bpm"] == 115.0 for p in imported)
    assert imported[0]["title"].endswith("main 1-1")


def test_similar_finds_a_near_copy_first(capsys: pytest.CaptureFixture[str]) -> None:
    base = ("generate", "--engine", "bass", "--flavor", "funk", "--no-steer", "--seed")
    first = run(capsys, *base, "11")
    [fork] = run(capsys, "fork", first["id"])
    run(capsys, *base, "12")
    found = run(capsys, "similar", first["id"], "-k", "2", "--engine", "bass")
    assert found[0]["id"] == fork["id"] and found[0]["distance"] < 1e-3


def test_bad_files_get_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "song.mid"
    bad.write_bytes(b"not midi at all")
    assert main(["pattern", "import", str(bad)]) == 1
    assert f"{bad}: not a MIDI file" in capsys.readouterr().err
    assert main(["pattern", "import", str(tmp_path / "missing.mid")]) == 1
    assert "no such file" in capsys.readouterr().err
