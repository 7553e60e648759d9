"""A three-hour file costs bounded memory: it streams through, and only the cap is analysed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from museaud.analysis import analyze_file

RATE = 8000


def _click_bar(bpm: float) -> np.ndarray:
    """One 4/4 bar of a kick-like click on every beat, as 16-bit samples."""
    beat = round(60.0 / bpm * RATE)
    time = np.arange(beat) / RATE
    click = 0.5 * np.sin(2 * np.pi * 80 * time) * np.exp(-time * 30)
    return np.tile((click * 32767).astype("<i2"), 4)


def _write_long_wav(path: Path, hours: float, bpm: float = 120.0) -> Path:
    """A mono 8 kHz wav of clicks, written a few minutes at a time."""
    bar = _click_bar(bpm).tobytes()
    bars = round(hours * 3600 * bpm / 240)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        for start in range(0, bars, 200):
            handle.writeframes(bar * min(200, bars - start))
    return path


def _peak_memory_mb(path: Path, max_duration_s: float) -> tuple[float, dict[str, float]]:
    """Analyse in a fresh process; its peak resident memory in MB and a few results."""
    script = textwrap.dedent(
        f"""
        import json, resource, sys
        from pathlib import Path
        from museaud.analysis import analyze_file
        result = analyze_file(Path({str(path)!r}), max_duration_s={max_duration_s})
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        json.dump({{"peak": peak, "duration_s": result.duration_s, "analysed_s": result.analysed_s,
                    "bpm": result.bpm, "lufs": result.loudness_lufs}}, sys.stdout)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=600
    )
    answer = json.loads(done.stdout)
    return answer.pop("peak"), answer


def test_three_hours_stream_in_flat_memory(tmp_path: Path) -> None:
    long_path = _write_long_wav(tmp_path / "three_hours.wav", hours=3.0)
    short_path = _write_long_wav(tmp_path / "fifteen_minutes.wav", hours=0.25)
    long_peak, long_result = _peak_memory_mb(long_path, max_duration_s=60.0)
    short_peak, short_result = _peak_memory_mb(short_path, max_duration_s=60.0)
    assert long_result["duration_s"] == pytest.approx(3 * 3600, rel=0.001)
    assert long_result["analysed_s"] == pytest.approx(60.0, abs=0.1)
    assert long_result["bpm"] == pytest.approx(120.0, rel=0.01)
    # loudness covers the whole file: the same clicks throughout read the same level
    assert long_result["lufs"] == pytest.approx(short_result["lufs"], abs=0.2)
    # twelve times the audio, (nearly) the same peak memory: it streams
    assert long_peak < short_peak + 60.0, (long_peak, short_peak)


def test_a_long_m4a_is_decoded_only_up_to_the_cap(tmp_path: Path) -> None:
    """m4a goes through Essentia's loader, which stops at the cap; the header gives the length."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is needed for the m4a test: apt-get install ffmpeg"
    wav = _write_long_wav(tmp_path / "ten_minutes.wav", hours=10 / 60)
    m4a = tmp_path / "ten_minutes.m4a"
    subprocess.run(
        [ffmpeg, "-nostdin", "-loglevel", "error", "-i", str(wav), "-c:a", "aac", str(m4a)],
        check=True,
        timeout=300,
    )
    result = analyze_file(m4a, max_duration_s=30.0)
    assert result.analysed_s == pytest.approx(30.0, abs=0.5)
    assert result.duration_s == pytest.approx(600.0, abs=2.0)
    assert result.bpm == pytest.approx(120.0, rel=0.01)
    assert result.sections[-1].end_s == pytest.approx(result.analysed_s)
