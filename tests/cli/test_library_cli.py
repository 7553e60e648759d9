"""`museaud import`, `museaud tracks` and `museaud analyze` from the shell."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
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
    assert main(["import", str(library), "--workers", "2"]) == 0

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
