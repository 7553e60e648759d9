"""Many writers at once: each waits its turn for the write lock, none is refused, and readers
never wait for writers."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from tests.support.audio import RenderedCorpus
from tests.support.tracks import add_track

from museaud.app import App
from museaud.paths import Paths
from museaud.store.models.library import Track

REPO = Path(__file__).resolve().parents[2]


def _museaud(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "museaud", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _edit_from_threads(app: App, ids: list[uuid.UUID], stop: threading.Event) -> list[str]:
    """GUI-style edits (short transactions that read, then write) from 4 threads until stop."""
    refused: list[str] = []

    def edit(track_id: uuid.UUID) -> None:
        rating = 1
        while not stop.is_set():
            try:
                with app.session() as session:
                    track = session.get(Track, track_id)
                    assert track is not None
                    track.rating = rating % 5 + 1
                    track.notes = "x" * (rating % 7)
            except Exception as error:
                refused.append(f"{type(error).__name__}: {error}")
            rating += 1

    threads = [threading.Thread(target=edit, args=(track_id,)) for track_id in ids[:4]]
    for thread in threads:
        thread.start()
    stop.wait()
    for thread in threads:
        thread.join(timeout=30)
    return refused


def test_eight_edit_processes_and_gui_threads_at_once_are_all_served(paths: Paths) -> None:
    with App.open(paths) as app, app.session() as session:
        ids = [add_track(session, f"Take {number}") for number in range(8)]
    with App.open(paths) as app:
        stop = threading.Event()
        result: list[list[str]] = []
        gui = threading.Thread(target=lambda: result.append(_edit_from_threads(app, ids, stop)))
        gui.start()
        processes = [
            _museaud("edit", track_id.hex, "--rating", "4", "--tag", "checked") for track_id in ids
        ]
        outcomes = [process.communicate(timeout=120) for process in processes]
        stop.set()
        gui.join(timeout=60)
    for process, (_out, err) in zip(processes, outcomes, strict=True):
        assert process.returncode == 0, err
        assert "locked" not in err
    assert result == [[]]
    with App.open(paths) as app, app.session() as session:
        tagged = session.execute(
            text("SELECT count(*) FROM track_tags WHERE tag = 'checked'")
        ).scalar_one()
    assert tagged == 8


def test_a_read_session_does_not_wait_for_a_writer(app: App) -> None:
    with app.session() as session:
        add_track(session, "Deep Night")
    holding = threading.Event()
    release = threading.Event()

    def writer() -> None:
        with app.session() as session:
            add_track(session, "Later")
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        holding.wait(10)
        started = time.monotonic()
        with app.session(read_only=True) as session:
            count = session.scalar(select(func.count()).select_from(Track))
        waited = time.monotonic() - started
    finally:
        release.set()
        thread.join()
    assert count == 1 and waited < 0.5


def _library(folder: Path, corpus: RenderedCorpus, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        name = ("c_major_110", "d_minor_128")[number % 2]
        shutil.copyfile(corpus.wav(name), folder / f"{number:02d} take.wav")
    return folder


def test_edits_during_an_import_are_all_served(
    paths: Paths, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    with App.open(paths) as app, app.session() as session:
        ids = [add_track(session, f"Take {number}") for number in range(4)]
    music = _library(tmp_path / "Music", rendered_corpus, 16)
    with App.open(paths) as app:
        stop = threading.Event()
        result: list[list[str]] = []
        gui = threading.Thread(target=lambda: result.append(_edit_from_threads(app, ids, stop)))
        gui.start()
        importing = _museaud("import", str(music), "--workers", "2")
        edits = [
            _museaud("edit", ids[number % 4].hex, "--tag", f"t{number}") for number in range(4)
        ]
        outcomes = [process.communicate(timeout=300) for process in (importing, *edits)]
        stop.set()
        gui.join(timeout=60)
    for process, (_out, err) in zip((importing, *edits), outcomes, strict=True):
        assert process.returncode == 0, err
    assert result == [[]]


@pytest.mark.timeout(600)
def test_two_imports_of_the_same_folder_at_once_add_each_file_once(
    paths: Paths, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    App.open(paths).close()
    music = _library(tmp_path / "Music", rendered_corpus, 8)
    # a third writer holds the lock while both start, so both find the folder new
    holder = sqlite3.connect(paths.store_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    first = _museaud("import", str(music), "--workers", "1", "--json")
    second = _museaud("import", str(music), "--workers", "1", "--json")
    time.sleep(4)
    holder.execute("COMMIT")
    holder.close()
    outcomes = [process.communicate(timeout=300) for process in (first, second)]
    for process, (_out, err) in zip((first, second), outcomes, strict=True):
        assert process.returncode == 0, err
        assert "IntegrityError" not in err
    with App.open(paths) as app, app.session() as session:
        statuses = session.scalars(select(Track.status)).all()
    assert statuses == ["ok"] * 8
