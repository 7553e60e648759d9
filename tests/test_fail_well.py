"""museaud fails well (#18): a damaged store, a read-only home, a full disk, bad arguments, odd
files and signals each give one line naming what and where, the right exit status, and no loss."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from museaud.app import App
from museaud.cli import main
from museaud.paths import Paths
from museaud.store.models.library import Track
from tests.store.damage import add_tracks, damage_table
from tests.support.audio import RenderedCorpus
from tests.support.library import import_paths, make_library, tag_wav, track_by_path
from tests.support.tracks import add_track

REPO = Path(__file__).resolve().parent.parent


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err and "sqlalchemy" not in err, err


# a damaged store ----------------------------------------------------------------------------


@pytest.fixture
def damaged(app: App) -> Path:
    """The installation's store, with the data pages of its tracks table overwritten."""
    add_tracks(app, 400)
    app.close()
    damage_table(app.paths.store_file)
    return app.paths.store_file


def test_commands_name_a_damaged_store_and_say_what_to_do(
    damaged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["tracks"], ["import", str(tmp_path)]):
        assert main(command) == 1, command
        err = capsys.readouterr().err
        _no_traceback(err)
        assert f"the library file {damaged} is damaged" in err
        assert "museaud backup restore" in err and "kept beside it" in err


def test_doctor_checks_the_store_and_fails_on_damage(
    damaged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for full in ([], ["--full"]):
        assert main(["doctor", *full]) == 1
        out = capsys.readouterr().out
        store_line = next(line for line in out.splitlines() if " store " in line)
        assert store_line.startswith("  FAIL store") and f"{damaged} is damaged" in store_line


def test_a_truncated_store_is_called_damaged_with_a_way_out(
    app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    add_tracks(app, 400)
    app.backup_now()
    app.close()
    with app.paths.store_file.open("r+b") as handle:
        handle.truncate(100_000)
    assert main(["tracks"]) == 1
    err = capsys.readouterr().err
    assert "is damaged" in err and "not a museaud store" not in err
    assert "museaud backup restore" in err
    assert main(["backup", "restore"]) == 0
    assert main(["tracks", "--count"]) == 0
    assert capsys.readouterr().out.endswith("400\n")


# a read-only home and a full disk ------------------------------------------------------------


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """folder made read-only for everyone (root too) by a read-only bind mount over itself."""
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_home_still_lists_and_refuses_writes_in_one_line(
    paths: Paths, museaud_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with App.open(paths) as app, app.session() as session:
        track_id = add_track(session, "Deep Night", bpm=124.0)
    before = sorted((museaud_home / "data").iterdir())
    with read_only_folder(museaud_home):
        assert main(["tracks"]) == 0
        assert "Deep Night" in capsys.readouterr().out
        assert main(["track", track_id.hex]) == 0
        assert "Deep Night" in capsys.readouterr().out
        assert main(["doctor"]) in (0, 1)
        out = capsys.readouterr().out
        assert "ok   store" in out
        for command in (["import", str(tmp_path)], ["prefs", "--set", "default_bpm=100"]):
            assert main(command) == 1
            err = capsys.readouterr().err
            _no_traceback(err)
            assert "Read-only file system" in err and "MUSEAUD_HOME" in err
        assert sorted((museaud_home / "data").iterdir()) == before


def test_a_new_read_only_home_says_so_in_one_line(
    museaud_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    museaud_home.mkdir()
    with read_only_folder(museaud_home):
        assert main(["tracks"]) == 1
    err = capsys.readouterr().err
    _no_traceback(err)
    assert f"cannot write to {museaud_home}" in err


@contextlib.contextmanager
def small_disk(folder: Path, megabytes: int) -> Iterator[None]:
    """A tmpfs of the given size mounted on folder: a real disk that fills up."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)], check=True
    )
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_an_import_on_a_full_disk_stops_cleanly_and_says_how_much_it_needs(
    paths: Paths,
    migrated_store: Path,
    tmp_path: Path,
    rendered_corpus: RenderedCorpus,
    capsys: pytest.CaptureFixture[str],
) -> None:
    music = tmp_path / "Music"
    music.mkdir()
    for number in range(60):
        shutil.copyfile(rendered_corpus.wav("c_major_110"), music / f"{number:02d} take.wav")
        tag_wav(music / f"{number:02d} take.wav", title=f"Take {number}")
    with small_disk(paths.data_dir, 24):
        shutil.copyfile(migrated_store, paths.store_file)
        App.open(paths).close()
        (paths.backup_dir).mkdir()
        free = shutil.disk_usage(paths.data_dir).free
        (paths.data_dir / "filler").write_bytes(b"\0" * (free - 1_500_000))

        status = main(["import", str(music), "--workers", "2"])

        err = capsys.readouterr().err
        _no_traceback(err)
        assert status == 1, err
        assert f"the disk holding {paths.data_dir} is full" in err
        assert "MB; the " in err and "tracks finished are kept" in err
        kept = int(err.split("MB; the ")[1].split(" tracks finished")[0])
        (paths.data_dir / "filler").unlink()
        with App.open(paths) as app, app.session() as session:
            statuses = session.scalars(select(Track.status)).all()
        assert statuses.count("ok") == kept > 0 and len(statuses) == 60
        assert main(["import", str(music), "--workers", "2"]) == 0  # room again: it finishes


# exit statuses and messages -------------------------------------------------------------------


def test_importing_a_folder_that_does_not_exist_says_so_and_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", "/no/such/folder"]) == 2
    out = capsys.readouterr().out
    assert "/no/such/folder: cannot open: no such file or folder" in out
    assert "broken link" not in out


def test_an_import_with_failures_exits_1_and_one_with_nothing_imported_2(
    tmp_path: Path, rendered_corpus: RenderedCorpus, capsys: pytest.CaptureFixture[str]
) -> None:
    music = make_library(tmp_path / "Music", rendered_corpus, ("c_major_110",))
    noise = tmp_path / "noise.mp3"
    noise.write_bytes(os.urandom(30_000))
    assert main(["import", str(noise)]) == 2
    shutil.copyfile(noise, music / "noise.mp3")
    assert main(["import", str(music), "--workers", "1"]) == 1
    assert main(["import", str(music)]) == 0  # nothing new, nothing failed
    empty = tmp_path / "Empty"
    empty.mkdir()
    capsys.readouterr()
    assert main(["import", str(empty)]) == 2
    assert "no audio files found" in capsys.readouterr().err


def test_pattern_generate_refuses_a_count_below_one(capsys: pytest.CaptureFixture[str]) -> None:
    command = ["pattern", "generate", "--engine", "drums", "--flavor", "salsa", "--count", "0"]
    assert main(command) == 2
    assert "--count must be at least 1, not 0" in capsys.readouterr().err


def test_prefs_say_what_a_number_preference_takes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prefs", "--set", "default_bpm=abc"]) == 2
    err = capsys.readouterr().err
    assert "default_bpm: takes a whole number, not 'abc'" in err and "int()" not in err


def test_unknown_short_and_full_ids_are_refused_alike(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    App.open(paths).close()
    unknown = uuid.uuid4()
    for command in ("track", "edit"):
        extra = ["--rating", "3"] if command == "edit" else []
        assert main([command, unknown.hex[-8:], *extra]) == 1
        short = capsys.readouterr().err
        assert main([command, str(unknown), *extra]) == 1
        full = capsys.readouterr().err
        _no_traceback(full)
        assert "no track with id" in short and "no track with id" in full


def test_a_random_bytes_mp3_is_called_undecodable_and_no_decoder_line_leaks(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    noise = tmp_path / "noise.mp3"
    noise.write_bytes(os.urandom(30_000))
    assert main(["analyze", str(noise)]) == 1
    err = capfd.readouterr().err
    assert "not a decodable audio file: no decoder recognises its contents" in err
    assert "possibly a pipe" not in err and "Note:" not in err and "MPEG" not in err


def test_a_wav_whose_header_lies_about_its_length_is_called_damaged(
    app: App, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    liar = tmp_path / "Music" / "liar.wav"
    liar.parent.mkdir()
    data = bytearray(rendered_corpus.wav("c_major_110").read_bytes())
    start = data.find(b"data")
    data[start + 4 : start + 8] = (0xFFFFFFF0).to_bytes(4, "little")
    liar.write_bytes(bytes(data))

    summary = import_paths(app, liar.parent)

    (failure,) = summary.failures
    assert failure.reason.startswith("truncated or a damaged header: the header declares")
    assert "DJ set" not in failure.reason


def test_a_newline_in_a_file_name_keeps_one_line_per_track(
    app: App, tmp_path: Path, rendered_corpus: RenderedCorpus, capsys: pytest.CaptureFixture[str]
) -> None:
    music = tmp_path / "Music"
    music.mkdir()
    shutil.copyfile(rendered_corpus.wav("c_major_110"), music / "two\nlines.wav")
    shutil.copyfile(rendered_corpus.wav("d_minor_128"), music / "plain.wav")
    import_paths(app, music)
    app.close()
    assert main(["tracks", "--sort", "title"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].endswith("two\\nlines.wav")


def test_sigterm_during_an_import_prints_the_summary_and_leaks_nothing(
    museaud_home: Path, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    music = tmp_path / "Many"
    music.mkdir()
    for number in range(30):
        shutil.copyfile(rendered_corpus.wav("d_minor_128"), music / f"{number:02d} take.wav")
    process = subprocess.Popen(
        [sys.executable, "-m", "museaud", "import", str(music), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 120
        store = museaud_home / "data" / "museaud.sqlite"
        while not (store.exists() and _analysed(store)) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 143, err
    assert out.startswith("") and " new, " in out
    assert "asked to stop (SIGTERM)" in err and "tracks kept, run again to finish" in err
    assert "leaked semaphore" not in err and "resource_tracker" not in err, err


def _analysed(store: Path) -> bool:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as db:
            return bool(db.execute("SELECT 1 FROM tracks WHERE status = 'ok'").fetchone())
    except sqlite3.Error:
        return False


# one track per recording ------------------------------------------------------------------------


def test_a_link_to_an_imported_file_is_not_a_second_track(
    app: App, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    music = make_library(tmp_path / "Music", rendered_corpus, ("c_major_110",))
    real = music / "01 c_major_110.wav"
    assert import_paths(app, music).new == 1
    (music / "Favourites").mkdir()
    (music / "Favourites" / "best.wav").symlink_to(real)
    (music / "also.wav").symlink_to(real)

    again = import_paths(app, music)

    assert (again.new, again.unchanged, again.links, again.failed) == (0, 1, 2, 0)
    with app.session() as session:
        assert session.scalars(select(Track.path)).all() == [str(real)]


def test_a_file_retagged_and_moved_keeps_its_track_and_rating(
    app: App, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    music = make_library(tmp_path / "Music", rendered_corpus, ("c_major_110", "d_minor_128"))
    import_paths(app, music)
    old = music / "01 c_major_110.wav"
    track_id = track_by_path(app, old).id
    assert main(["edit", track_id.hex, "--rating", "5"]) == 0
    new = music / "Sorted" / "C Major Groove (final).wav"
    new.parent.mkdir()
    shutil.move(old, new)
    tag_wav(new, title="C Major Groove (final)", artist="Test Band")

    again = import_paths(app, music)

    assert (again.moved, again.new, again.missing) == (1, 0, 0)
    moved = track_by_path(app, new)
    assert moved.id == track_id and moved.rating == 5 and moved.status == "ok"
    assert moved.title == "C Major Groove (final)"
    with app.session() as session:
        assert len(session.scalars(select(Track.id)).all()) == 2
