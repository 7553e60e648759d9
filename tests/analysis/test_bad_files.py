"""Files that cannot be analysed raise AnalysisError with the path and a reason, never hang."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from tests.support.audio import RenderedCorpus

from museaud.analysis import AnalysisError, analyze_file


def _refused(path: Path) -> AnalysisError:
    with pytest.raises(AnalysisError) as caught:
        analyze_file(path)
    error = caught.value
    assert error.path == path
    assert error.reason
    assert str(error) == f"{path}: {error.reason}"
    return error


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    assert "empty" in _refused(path).reason


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _refused(tmp_path / "gone.flac").reason


def test_a_directory_named_like_audio(tmp_path: Path) -> None:
    path = tmp_path / "x.wav"
    path.mkdir()
    assert "directory" in _refused(path).reason


def test_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a.mp3").symlink_to(tmp_path / "b.mp3")
    (tmp_path / "b.mp3").symlink_to(tmp_path / "a.mp3")
    assert "symlink loop" in _refused(tmp_path / "a.mp3").reason


def test_random_bytes_named_mp3(tmp_path: Path) -> None:
    path = tmp_path / "noise.mp3"
    path.write_bytes(os.urandom(100_000))
    assert "not a decodable audio file" in _refused(path).reason


def test_text_named_flac(tmp_path: Path) -> None:
    path = tmp_path / "notes.flac"
    path.write_text("these are my lyrics, not a song\n" * 100)
    assert "not a decodable audio file" in _refused(path).reason


def test_truncated_wav(rendered_corpus: RenderedCorpus, tmp_path: Path) -> None:
    whole = rendered_corpus.wav("c_major_110").read_bytes()
    path = tmp_path / "cut.wav"
    path.write_bytes(whole[: len(whole) // 2])
    reason = _refused(path).reason
    assert "truncated" in reason and "header declares" in reason


def test_wav_cut_inside_its_header(rendered_corpus: RenderedCorpus, tmp_path: Path) -> None:
    path = tmp_path / "stub.wav"
    path.write_bytes(rendered_corpus.wav("c_major_110").read_bytes()[:30])
    assert "not a decodable audio file" in _refused(path).reason


def test_truncated_mp3(rendered_corpus: RenderedCorpus, tmp_path: Path) -> None:
    """The mp3's Xing header promises the whole length; a third of it cannot pass for whole."""
    whole = rendered_corpus.copy("c_major_110", "mp3").read_bytes()
    path = tmp_path / "cut.mp3"
    path.write_bytes(whole[: len(whole) // 3])
    assert "truncated" in _refused(path).reason


def test_truncated_flac(rendered_corpus: RenderedCorpus, tmp_path: Path) -> None:
    whole = rendered_corpus.copy("c_major_110", "flac").read_bytes()
    path = tmp_path / "cut.flac"
    path.write_bytes(whole[: len(whole) // 2])
    assert "truncated" in _refused(path).reason


def test_unreadable_file(rendered_corpus: RenderedCorpus, tmp_path: Path) -> None:
    path = tmp_path / "locked.wav"
    shutil.copy(rendered_corpus.wav("c_major_110"), path)
    path.chmod(0)
    try:
        if os.geteuid() == 0:
            # root reads through mode 000, so the file must simply analyse
            assert analyze_file(path).bpm == pytest.approx(110, rel=0.02)
        else:
            assert "permission denied" in _refused(path).reason
    finally:
        path.chmod(0o644)


def test_too_short_to_analyse(tmp_path: Path) -> None:
    from tests.support.audio import write_sine

    path = write_sine(tmp_path / "blip.wav", level_dbfs=-10.0, duration_s=0.1)
    assert "too short" in _refused(path).reason


def test_the_error_survives_a_trip_between_processes(tmp_path: Path) -> None:
    error = AnalysisError(tmp_path / "x.mp3", "not a decodable audio file")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, str(copy)) == (error.path, error.reason, str(error))
