"""The folder walk: which files it finds, what it reports, and that it never opens a file."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from museaud.library.scan import LOOP_REASON, FolderScan, audio_format, is_under


def _touch(path: Path, size: int = 10) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    return path


@pytest.mark.parametrize(
    ("name", "file_format"),
    [
        ("a.wav", "wav"),
        ("B.WAV", "wav"),
        ("c.aif", "aiff"),
        ("d.AIFF", "aiff"),
        ("e.flac", "flac"),
        ("f.Mp3", "mp3"),
        ("g.ogg", "ogg"),
        ("h.oga", "ogg"),
        ("i.opus", "opus"),
        ("j.m4a", "m4a"),
        ("k.txt", None),
        ("cover.jpg", None),
        (".wav", None),
        ("wav", None),
    ],
)
def test_formats_are_known_by_name_in_any_case(name: str, file_format: str | None) -> None:
    assert audio_format(name) == file_format


def test_the_walk_finds_audio_in_every_folder_with_size_and_mtime(tmp_path: Path) -> None:
    kick = _touch(tmp_path / "Drums" / "Kick.WAV", 123)
    os.utime(kick, ns=(1_700_000_000_000_000_000, 1_700_000_000_123_456_789))
    _touch(tmp_path / "Drums" / "Deep" / "Deeper" / "snare.flac")
    _touch(tmp_path / "notes.txt")
    _touch(tmp_path / "cover.jpg")

    scan = FolderScan([tmp_path])
    found = {Path(candidate.path).name: candidate for candidate in scan}

    assert set(found) == {"Kick.WAV", "snare.flac"}
    assert found["Kick.WAV"].size == 123 and found["Kick.WAV"].file_format == "wav"
    assert found["Kick.WAV"].mtime_ns == 1_700_000_000_123_456_789
    assert not scan.problems and not scan.unscanned


def test_links_loops_and_odd_names_are_reported_and_the_walk_goes_on(tmp_path: Path) -> None:
    _touch(tmp_path / "Album" / "01.mp3")
    (tmp_path / "Album" / "back up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.wav").symlink_to(tmp_path / "self.wav")
    (tmp_path / "gone.flac").symlink_to(tmp_path / "nowhere.flac")
    (tmp_path / "folder.wav").mkdir()
    _touch(tmp_path / "folder.wav" / "inside.ogg")
    os.mkfifo(tmp_path / "pipe.wav")

    scan = FolderScan([tmp_path])
    found = sorted(Path(candidate.path).name for candidate in scan)
    problems = {Path(problem.path).name: problem.reason for problem in scan.problems}

    assert found == ["01.mp3", "inside.ogg"]
    assert problems == {
        "back up": LOOP_REASON,
        "self.wav": "symlink loop: the link points back at itself",
        "gone.flac": "broken link: its target does not exist",
        "folder.wav": "a folder named like an audio file: looked inside it as a folder",
        "pipe.wav": "not a regular file",
    }


def test_roots_may_be_files_and_missing_roots_are_unscanned(tmp_path: Path) -> None:
    song = _touch(tmp_path / "song.opus")
    text = _touch(tmp_path / "readme.txt")
    absent = tmp_path / "unplugged drive"

    scan = FolderScan([song, text, absent])
    found = [candidate.path for candidate in scan]

    assert found == [str(song)]
    assert [problem.path for problem in scan.problems] == [str(text), str(absent)]
    assert scan.unscanned == [str(absent)]  # its tracks must not be taken for missing


def test_cancel_stops_the_walk(tmp_path: Path) -> None:
    for number in range(5):
        _touch(tmp_path / f"Folder {number}" / "a.wav")
    cancel = threading.Event()
    scan = FolderScan([tmp_path], cancel)
    found = []
    for candidate in scan:
        found.append(candidate)
        cancel.set()

    assert len(found) == 1 and scan.cancelled


def test_is_under_compares_whole_folder_names() -> None:
    assert is_under("/music/a/b.wav", "/music")
    assert is_under("/music", "/music")
    assert not is_under("/music2/b.wav", "/music")
