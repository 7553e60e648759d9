"""Bad files get an error with path and reason while the import goes on; kill -9 loses nothing."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.support.audio import RenderedCorpus
from tests.support.library import (
    import_paths,
    make_library,
    read_only,
    tag_wav,
    track_by_path,
    write_silence,
)

from museaud.app import App
from museaud.library.tracks import track_counts
from museaud.store.models.library import Track

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def bad_library(tmp_path: Path, rendered_corpus: RenderedCorpus) -> Path:
    """Two good tracks among every kind of bad file the issue names."""
    folder = make_library(tmp_path / "Music", rendered_corpus, ("c_major_110", "d_minor_128"))
    (folder / "empty.wav").write_bytes(b"")
    flac = rendered_corpus.copy("fsharp_major_90", "flac")
    (folder / "truncated.flac").write_bytes(flac.read_bytes()[: flac.stat().st_size // 3])
    (folder / "noise.mp3").write_bytes(os.urandom(64_000))
    inside = folder / "x.wav"  # a folder named like a file, holding a real track
    inside.mkdir()
    shutil.copyfile(rendered_corpus.wav("bb_minor_174"), inside / "inside.wav")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "self.wav").symlink_to(folder / "self.wav")
    (folder / "gone.mp3").symlink_to(tmp_path / "nowhere.mp3")
    write_silence(folder / "three hours.flac", 3 * 3600)
    return folder


def test_every_bad_file_gets_an_error_with_path_and_reason_and_the_import_goes_on(
    app: App, bad_library: Path
) -> None:
    summary = import_paths(app, bad_library)

    reasons = {Path(failure.path).name: failure.reason for failure in summary.failures}
    assert "empty" in reasons["empty.wav"]
    assert "truncated" in reasons["truncated.flac"] or "decod" in reasons["truncated.flac"]
    assert "decodable" in reasons["noise.mp3"]
    assert "folder" in reasons["x.wav"]
    assert "symlink loop" in reasons["loop"]
    assert "symlink loop" in reasons["self.wav"]
    assert "broken link" in reasons["gone.mp3"]
    assert "3:00:00 long" in reasons["three hours.flac"]
    assert summary.failed == len(summary.failures) == 8
    assert summary.new == 3  # the two tracks and the one inside the folder named x.wav
    with app.session() as session:
        counts = track_counts(session)
        # files that exist get a row with their error; links and folders are only reported
        assert counts == {"pending": 0, "ok": 3, "error": 4, "missing": 0}
    for name in ("empty.wav", "truncated.flac", "noise.mp3", "three hours.flac"):
        track = track_by_path(app, bad_library / name)
        assert track.status == "error" and track.error == reasons[name]
    assert track_by_path(app, bad_library / "three hours.flac").duration_s == 3 * 3600
    assert track_by_path(app, bad_library / "x.wav" / "inside.wav").status == "ok"

    again = import_paths(app, bad_library)  # unchanged bad files are not tried again
    assert (again.unchanged, again.new, again.kept) == (7, 0, 0)


def _as_someone_chmod_stops() -> list[str]:
    """A command prefix under which chmod 000 denies reading: root without its override powers."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root: install setpriv (util-linux) to test unreadable files")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_unreadable_files_and_folders_are_reported(
    tmp_path: Path, museaud_home: Path, rendered_corpus: RenderedCorpus
) -> None:
    music = make_library(tmp_path / "Music", rendered_corpus, ("c_major_110",))
    locked_file = music / "locked.wav"
    shutil.copyfile(rendered_corpus.wav("d_minor_128"), locked_file)
    locked_file.chmod(0)
    locked_folder = music / "Locked Folder"
    locked_folder.mkdir()
    shutil.copyfile(rendered_corpus.wav("fsharp_major_90"), locked_folder / "hidden.wav")
    locked_folder.chmod(0)
    try:
        result = subprocess.run(
            [
                *_as_someone_chmod_stops(),
                sys.executable,
                "-m",
                "museaud",
                "import",
                str(music),
                "--json",
                "--workers",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=REPO,
        )
    finally:
        locked_folder.chmod(0o755)

    assert result.returncode == 1, result.stderr  # two failed, one imported
    summary = json.loads(result.stdout)
    reasons = {Path(failure["path"]).name: failure["reason"] for failure in summary["failures"]}
    assert reasons["locked.wav"] == "cannot read: Permission denied"
    assert reasons["Locked Folder"] == "cannot list folder: permission denied"
    assert (summary["new"], summary["failed"]) == (1, 2)
    with App.open() as app:
        assert track_by_path(app, locked_file).error == "cannot read: Permission denied"
        locked_file.chmod(0o644)  # fixed: chmod leaves the mtime alone, yet the file is retried

        fixed = import_paths(app, music)

        assert (fixed.updated, fixed.new, fixed.unchanged, fixed.failed) == (1, 1, 1, 0)
        assert track_by_path(app, locked_file).status == "ok"
        assert track_by_path(app, locked_folder / "hidden.wav").status == "ok"


def _store_file(home: Path) -> Path:
    return home / "data" / "museaud.sqlite"


def _count_ok(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        with read_only(store) as connection:
            return int(
                connection.execute("SELECT count(*) FROM tracks WHERE status = 'ok'").fetchone()[0]
            )
    except Exception:  # the store is still being created
        return 0


def _many_tracks(folder: Path, corpus: RenderedCorpus, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        name = ("c_major_110", "d_minor_128", "bb_minor_174")[number % 3]
        target = folder / f"{number:02d} take.wav"
        shutil.copyfile(corpus.wav(name), target)
        tag_wav(target, title=f"Take {number}")
    return folder


def _start_import(folder: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "museaud", "import", str(folder), "--workers", "1", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        cwd=REPO,
    )


def _wait_for_some_tracks(process: subprocess.Popen[str], store: Path, count: int) -> int:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        done = _count_ok(store)
        if done >= count:
            return done
        assert process.poll() is None, "the import finished before it could be interrupted"
        time.sleep(0.01)
    raise AssertionError("the import made no progress")


def test_kill_9_mid_import_leaves_a_consistent_store_and_a_rerun_finishes(
    museaud_home: Path, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    folder = _many_tracks(tmp_path / "Many", rendered_corpus, 40)
    store = _store_file(museaud_home)
    process = _start_import(folder)
    try:
        _wait_for_some_tracks(process, store, 3)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the workers, had they outlived it

    with read_only(store) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        statuses = dict(
            connection.execute("SELECT status, count(*) FROM tracks GROUP BY status").fetchall()
        )
        ok_before = dict(
            connection.execute(
                "SELECT t.id, a.analyzed_at FROM tracks t JOIN track_analysis a "
                "ON a.track_id = t.id WHERE t.status = 'ok'"
            ).fetchall()
        )
        orphans = connection.execute(
            "SELECT count(*) FROM track_analysis a JOIN tracks t ON a.track_id = t.id "
            "WHERE t.status <> 'ok'"
        ).fetchone()[0]
    assert set(statuses) <= {"ok", "pending"} and sum(statuses.values()) == 40
    assert 3 <= statuses["ok"] < 40 and len(ok_before) == statuses["ok"]
    assert orphans == 0  # an analysis only ever exists with its finished track

    rerun = subprocess.run(
        [sys.executable, "-m", "museaud", "import", str(folder), "--json", "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=REPO,
    )

    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary["unchanged"] == statuses["ok"]
    assert summary["new"] == summary["resumed"] == 40 - statuses["ok"]
    with App.open() as app, app.session() as session:
        assert track_counts(session) == {"pending": 0, "ok": 40, "error": 0, "missing": 0}
        assert session.scalar(select(func.count()).select_from(Track)) == 40
    with read_only(store) as connection:
        after = dict(
            connection.execute(
                "SELECT t.id, a.analyzed_at FROM tracks t JOIN track_analysis a "
                "ON a.track_id = t.id"
            ).fetchall()
        )
    assert {track_id: after[track_id] for track_id in ok_before} == ok_before  # not redone


def test_ctrl_c_cancels_keeps_finished_tracks_and_says_how_to_finish(
    museaud_home: Path, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    folder = _many_tracks(tmp_path / "Many", rendered_corpus, 30)
    store = _store_file(museaud_home)
    process = _start_import(folder)
    try:
        _wait_for_some_tracks(process, store, 2)
        os.kill(process.pid, signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 130, err
    assert "cancelled, " in err and "tracks kept, run again to finish" in err
    kept = int(err.split("cancelled, ")[1].split(" tracks kept")[0])
    with read_only(store) as connection:
        statuses = dict(
            connection.execute("SELECT status, count(*) FROM tracks GROUP BY status").fetchall()
        )
    assert statuses["ok"] >= kept >= 2 and statuses["pending"] > 0


def test_a_symlinked_sample_pack_is_followed_once(
    app: App, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    pack = make_library(tmp_path / "Pack", rendered_corpus, ("c_major_110",))
    music = make_library(tmp_path / "Music", rendered_corpus, ("d_minor_128",))
    (music / "Pack").symlink_to(pack, target_is_directory=True)
    (music / "Pack again").symlink_to(pack, target_is_directory=True)

    summary = import_paths(app, music)

    assert summary.new == 2
    assert [Path(failure.path).name for failure in summary.failures] == ["Pack again"]
    assert track_by_path(app, music / "Pack" / "01 c_major_110.wav").status == "ok"


def test_file_modes_are_left_alone(
    app: App, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    music = make_library(tmp_path / "Music", rendered_corpus, ("c_major_110",))
    path = music / "01 c_major_110.wav"
    path.chmod(0o444)
    before = (path.stat().st_mode, path.stat().st_mtime_ns, path.read_bytes())

    import_paths(app, music)

    assert (stat.S_IMODE(path.stat().st_mode), path.stat().st_mtime_ns) == (
        stat.S_IMODE(before[0]),
        before[1],
    )
    assert path.read_bytes() == before[2]
