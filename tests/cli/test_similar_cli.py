"""`museaud similar` on a library of real rendered audio, imported and analysed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text
from tests.support.audio import RenderedCorpus
from tests.support.library import make_library

from museaud.app import App
from museaud.cli import main


@pytest.fixture
def imported(
    tmp_path: Path, rendered_corpus: RenderedCorpus, capsys: pytest.CaptureFixture[str]
) -> dict[str, dict[str, Any]]:
    """Four pieces, the D minor one again as mp3, and a file that is not audio: by file name."""
    folder = make_library(tmp_path / "Music", rendered_corpus)
    shutil.copyfile(rendered_corpus.copy("d_minor_128", "mp3"), folder / "d minor again.mp3")
    (folder / "noise.mp3").write_bytes(os.urandom(20_000))
    assert main(["import", str(folder), "--workers", "2", "--json"]) == 1  # noise.mp3 fails
    capsys.readouterr()
    assert main(["tracks", "--json"]) == 0
    return {Path(row["path"]).name: row for row in json.loads(capsys.readouterr().out)}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["similar", *args])
    out, err = capsys.readouterr()
    return status, out, err


def stored_vectors() -> dict[str, np.ndarray]:
    with App.open() as app, app.session() as session:
        rows = session.execute(text("SELECT entity_id, embedding FROM track_vectors"))
        return {str(entity): np.frombuffer(blob, np.float32) for entity, blob in rows}


def test_similar_lists_the_nearest_tracks_as_a_scan_of_the_vectors_does(
    imported: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    seed = imported["02 d_minor_128.wav"]
    status, out, _ = run(capsys, seed["id"][-8:], "--json")
    assert status == 0
    rows = json.loads(out)
    vectors = stored_vectors()
    here = vectors[seed["id"].replace("-", "")]
    expected = sorted(
        (1.0 - float(vector @ here) / float(np.linalg.norm(vector) * np.linalg.norm(here)), key)
        for key, vector in vectors.items()
        if key != seed["id"].replace("-", "")
    )
    assert [row["id"].replace("-", "") for row in rows] == [key for _, key in expected]
    assert [row["distance"] for row in rows] == pytest.approx([d for d, _ in expected], abs=1e-5)
    # the same music as mp3 is nearest of all, and the rows are the library's rows
    assert rows[0]["path"].endswith("d minor again.mp3") and rows[0]["similarity"] > 0.9
    assert rows[0]["camelot"] == "7A" and rows[0]["bpm"] == pytest.approx(128, abs=1)
    assert len(rows) == 4  # the file that is not audio has no vector


def test_compatible_and_tempo_filters_from_the_shell(
    imported: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    d_minor = imported["02 d_minor_128.wav"]["id"]
    status, out, _ = run(capsys, d_minor, "--compatible", "--json")
    assert status == 0
    assert [Path(row["path"]).name for row in json.loads(out)] == ["d minor again.mp3"]
    # 90 BPM is within 4 % of half of 174: the F# major piece goes with the Bb minor one
    status, out, _ = run(
        capsys, imported["04 bb_minor_174.wav"]["id"], "--bpm-within", "4", "--json"
    )
    assert [Path(row["path"]).name for row in json.loads(out)] == ["03 fsharp_major_90.wav"]
    # in words: a header line for the track, then one line per neighbour
    status, out, err = run(capsys, d_minor, "--k", "2")
    lines = out.splitlines()
    assert status == 0 and err == ""
    assert lines[0].startswith("like ") and "Dm  7A" in lines[0]
    assert "D Minor 128 Groove" in lines[0]
    assert len(lines) == 3 and "d minor again.mp3" in lines[1] and "128.0 bpm" in lines[1]
    assert lines[1].split()[0].endswith("%")
    # nothing qualifies: said on stderr, still a success
    status, out, err = run(capsys, imported["01 c_major_110.wav"]["id"], "--compatible")
    assert status == 0 and "no track qualifies" in err


def test_errors_say_what_is_wrong(
    imported: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    noise = imported["noise.mp3"]["id"]
    status, _, err = run(capsys, noise)
    assert status == 1
    assert "museaud similar: 'noise.mp3' has no sound features yet: analyse it first" in err
    seed = imported["02 d_minor_128.wav"]["id"]
    status, _, err = run(capsys, seed, "--k", "0")
    assert status == 2 and err == "museaud similar: --k must be at least 1, not 0\n"
    status, _, err = run(capsys, seed, "--bpm-within", "0")
    assert status == 2 and "--bpm-within is a percentage above 0 and below 100, not 0" in err
    status, _, err = run(capsys, "ffffffffffff")
    assert status == 1 and "no track with id 'ffffffffffff'" in err
    status, _, err = run(capsys, "xyz")
    assert status == 2 and "'xyz' is not an id" in err
