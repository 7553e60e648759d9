"""`museaud import`, `museaud tracks` and `museaud analyze` from the shell."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from tests.library.test_search import add_library
from tests.support.audio import RenderedCorpus
from tests.support.library import make_library

from museaud.app import App
from museaud.cli import main
from museaud.cli.library import ProgressBar
from museaud.library.importer import ImportProgress
from museaud.library.tracks import track_counts

TRACK_FIELDS = {
    "id",
    "path",
    "title",
    "artist",
    "album",
    "genre",
    "duration_s",
    "bpm",
    "key",
    "scale",
    "key_confidence",
    "loudness_lufs",
    "status",
    "error",
}


@pytest.fixture
def library(tmp_path: Path, rendered_corpus: RenderedCorpus) -> Path:
    folder = make_library(tmp_path / "Music", rendered_corpus, ("d_minor_128", "fsharp_major_90"))
    (folder / "noise.mp3").write_bytes(os.urandom(30_000))
    return folder


def test_import_prints_the_counts_and_every_failure(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(library), "--workers", "2"]) == 1  # one file failed

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2 new, 0 updated, 0 unchanged, 0 moved, 0 missing, 1 failed  (")
    assert out[1] == "failed:"
    assert out[2].startswith(f"  {library / 'noise.mp3'}: not a decodable audio file")

    assert main(["import", str(library), "--json"]) == 0  # again: nothing to do
    summary = json.loads(capsys.readouterr().out)
    assert (summary["unchanged"], summary["new"], summary["failed"]) == (3, 0, 0)
    assert set(summary) >= {"new", "updated", "unchanged", "moved", "missing", "failed"}


def test_import_refuses_zero_workers(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(library), "--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err


def test_tracks_json_has_every_field_with_the_key_by_name(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["import", str(library), "--json"])
    capsys.readouterr()

    assert main(["tracks", "--json"]) == 0

    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3
    for row in rows:
        assert set(row) >= TRACK_FIELDS
    by_name = {Path(row["path"]).name: row for row in rows}
    d_minor = by_name["01 d_minor_128.wav"]
    assert (d_minor["title"], d_minor["artist"], d_minor["album"]) == (
        "D Minor 128 Groove",
        "Test Band",
        "Known Answers",
    )
    assert (d_minor["key"], d_minor["scale"], d_minor["status"]) == ("D", "minor", "ok")
    assert d_minor["bpm"] == pytest.approx(128, rel=0.02) and d_minor["error"] is None
    assert 0 <= d_minor["key_confidence"] <= 1 and d_minor["loudness_lufs"] < 0
    assert by_name["02 fsharp_major_90.wav"]["key"] == "F#"
    noise = by_name["noise.mp3"]
    assert noise["status"] == "error" and "decodable" in noise["error"]
    assert noise["bpm"] is None and noise["key"] is None

    assert main(["tracks", "--status", "error", "--json"]) == 0
    assert [row["status"] for row in json.loads(capsys.readouterr().out)] == ["error"]


def test_tracks_text_lists_tempo_key_and_errors(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["import", str(library), "--json"])
    capsys.readouterr()

    assert main(["tracks"]) == 0

    out = capsys.readouterr().out
    assert "Dm 7A" in out and "Test Band – D Minor 128 Groove" in out
    assert "error" in out and "not a decodable audio file" in out


def test_analyze_json_analyses_without_storing(
    rendered_corpus: RenderedCorpus, capsys: pytest.CaptureFixture[str]
) -> None:
    path = rendered_corpus.wav("d_minor_128")

    assert main(["analyze", str(path), "--json"]) == 0

    found = json.loads(capsys.readouterr().out)
    assert found["path"] == str(path.resolve())
    assert found["bpm"] == pytest.approx(128, rel=0.02)
    assert (found["key"], found["scale"], found["camelot"]) == ("D", "minor", "7A")
    assert {"duration_s", "loudness_lufs", "peak_dbfs", "sections", "beats", "tags"} <= set(found)
    assert found["sections"] and found["version"]
    with App.open() as app, app.session() as session:
        assert sum(track_counts(session).values()) == 0


def test_analyze_text_and_a_bad_file(
    tmp_path: Path, rendered_corpus: RenderedCorpus, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(rendered_corpus.wav("c_major_110"))]) == 0
    out = capsys.readouterr().out
    tempo = re.search(r"tempo +([\d.]+) BPM", out)
    assert tempo is not None and float(tempo.group(1)) == pytest.approx(110, rel=0.02)
    assert "key       C major (8B)" in out

    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert main(["analyze", str(empty)]) == 1
    assert capsys.readouterr().err.strip() == f"museaud analyze: {empty}: empty file (0 bytes)"


def _progress(phase: str, done: int = 0, total: int = 0, **values: object) -> ImportProgress:
    fields: dict[str, object] = {
        "found": 10,
        "failed": 0,
        "stored": done,
        "elapsed_s": 1.0,
        "rate": None,
        "eta_s": None,
    }
    fields.update(values)
    return ImportProgress(phase=phase, done=done, total=total, **fields)  # type: ignore[arg-type]


def test_the_progress_bar_shows_done_total_rate_and_eta() -> None:
    bar = ProgressBar(io.StringIO(), is_terminal=True)
    line = bar.describe(_progress("analysing", 3, 10, rate=2.5, eta_s=2.8, failed=1))
    assert "[#######" in line and "3/10" in line and "30%" in line
    assert "2.5 files/s" in line and "ETA 0:03" in line and "1 failed" in line
    assert "scanning   1,234 audio files found" in bar.describe(_progress("scanning", found=1234))


def test_the_bar_redraws_in_place_on_a_terminal_and_writes_lines_elsewhere() -> None:
    terminal = io.StringIO()
    bar = ProgressBar(terminal, is_terminal=True)
    bar(_progress("scanning"))
    bar(_progress("analysing", 1, 10))
    bar(_progress("done", 10, 10))
    drawn = terminal.getvalue()
    assert drawn.startswith("\r") and "\n" not in drawn
    assert drawn.endswith("\r")  # cleared for the summary

    log = io.StringIO()
    lines = ProgressBar(log, is_terminal=False)
    lines(_progress("scanning"))
    lines(_progress("analysing", 1, 10))
    lines(_progress("done", 10, 10))
    assert log.getvalue().splitlines()[0].startswith("museaud import: scanning")
    assert "\r" not in log.getvalue()
    assert all(line.startswith("museaud import: ") for line in log.getvalue().splitlines())


@pytest.fixture
def searchable(app: App) -> None:
    add_library(app)


def titles_printed(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [row["title"] for row in json.loads(capsys.readouterr().out)]


def test_tracks_query_sorts_and_pages(searchable: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tracks", "genre:house", "OR", "genre:dubstep", "--sort", "bpm", "--json"]) == 0
    assert titles_printed(capsys) == ["nightcrawler", "sunrise"]

    assert main(["tracks", "--sort", "bpm", "--desc", "--limit", "2", "--json"]) == 0
    assert titles_printed(capsys) == ["drumfunk", "sunrise"]

    assert main(["tracks", "--sort", "bpm", "--desc", "--offset", "4", "--json"]) == 0
    assert titles_printed(capsys) == ["nightcrawler", "unanalysed"]

    assert main(["tracks", "bpm:120-128 key:~Am -tag:vocal", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["title"] for row in rows] == ["warmup"]
    assert rows[0]["bpm_source"] == "override" and rows[0]["moods"] == ["groovy"]
    # a term starting with - comes after -- (or inside one quoted query), as in any shell tool
    assert main(["tracks", "--json", "--", "bpm:120-128", "-tag:vocal"]) == 0
    assert titles_printed(capsys) == ["warmup"]


def test_tracks_count_and_status(searchable: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tracks", "vocal", "--count"]) == 0
    assert capsys.readouterr().out == "2\n"
    assert main(["tracks", "hidden", "--count", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == 1
    assert main(["tracks", "daft", "OR", "year:2001", "--status", "missing", "--json"]) == 0
    assert titles_printed(capsys) == ["lost file"]


def test_tracks_text_output_and_no_match(
    searchable: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tracks", "artist:burial"]) == 0
    out = capsys.readouterr().out
    assert "70.0 bpm" in out and "Dm 7A" in out and "Burial – nightcrawler" in out
    assert main(["tracks", "genre:polka"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no tracks match" in captured.err


@pytest.mark.parametrize(
    ("args", "message", "pointer"),
    [
        (["house", "bpm:fast"], "bpm:fast is not a number, range or comparison", " " * 10 + "^^^^"),
        (["key:H"], "H is not a key", "    ^"),
        (["house", "OR"], "OR needs a search term on each side", "      ^^"),
    ],
)
def test_tracks_bad_query_exits_2_with_a_pointer(
    searchable: None,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
    pointer: str,
) -> None:
    assert main(["tracks", *args, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0].startswith(f"museaud tracks: bad query: {message}")
    assert lines[1:] == [" ".join(args), pointer]


def test_tracks_refuses_bad_paging(searchable: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tracks", "--limit", "0"]) == 2
    assert "--limit must be at least 1" in capsys.readouterr().err
    assert main(["tracks", "--offset", "-1"]) == 2
    assert "--offset must not be negative" in capsys.readouterr().err
