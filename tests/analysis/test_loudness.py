"""EBU R128 loudness and peak on signals whose level is known, and on silence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.support.audio import RenderedCorpus, write_sine, write_wav

from museaud.analysis import analyze_file
from museaud.analysis.loudness import SILENCE_LUFS, LoudnessMeter


@pytest.mark.parametrize("level", [-20.0, -30.0, -6.0])
def test_a_stereo_997_hz_sine_reads_its_own_level(tmp_path: Path, level: float) -> None:
    """EBU Tech 3341: a 1 kHz sine at L dBFS in both channels measures L LUFS."""
    result = analyze_file(write_sine(tmp_path / "sine.wav", level_dbfs=level))
    assert result.loudness_lufs == pytest.approx(level, abs=0.5)
    assert result.peak_dbfs == pytest.approx(level, abs=0.05)


def test_mono_counts_as_dual_mono(tmp_path: Path) -> None:
    """A mono file plays on both speakers, so it measures like the same sine in stereo."""
    mono = analyze_file(write_sine(tmp_path / "mono.wav", level_dbfs=-20.0, channels=1))
    assert mono.channels == 1
    assert mono.loudness_lufs == pytest.approx(-20.0, abs=0.5)


def test_other_sample_rates_measure_the_same(tmp_path: Path) -> None:
    for rate in (22050, 48000, 96000):
        path = write_sine(tmp_path / f"sine{rate}.wav", level_dbfs=-23.0, sample_rate=rate)
        result = analyze_file(path)
        assert result.sample_rate == rate
        assert result.loudness_lufs == pytest.approx(-23.0, abs=0.5)


def test_a_quiet_tail_is_gated_out(tmp_path: Path) -> None:
    """The relative gate ignores a passage 20 dB below the rest, as the standard says."""
    rate = 44100
    time = np.arange(10 * rate) / rate
    loud = 10 ** (-20 / 20) * np.sin(2 * np.pi * 997 * time)
    quiet = 10 ** (-45 / 20) * np.sin(2 * np.pi * 997 * time)
    signal = np.concatenate([loud, quiet])
    path = write_wav(tmp_path / "gated.wav", np.stack([signal, signal], axis=1))
    assert analyze_file(path).loudness_lufs == pytest.approx(-20.0, abs=0.5)


def test_silence_has_no_tempo_and_no_key(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "silence.wav", np.zeros((44100 * 8, 2)))
    result = analyze_file(path)
    assert result.loudness_lufs == SILENCE_LUFS
    assert result.peak_dbfs <= -100.0
    assert result.bpm is None and result.beat_offset_s is None and len(result.beats) == 0
    assert result.key_note is None and result.scale is None
    assert result.energy == pytest.approx(0.0, abs=0.05)
    assert result.to_json()["key"] is None


def test_music_matches_time_domain_filtering(rendered_corpus: RenderedCorpus) -> None:
    """The frequency-domain K-weighting agrees with Essentia's own EBU R128 meter."""
    import essentia.standard as es
    import soundfile

    path = rendered_corpus.wav("c_major_110")
    stereo, rate = soundfile.read(str(path), dtype="float32")
    reference = es.LoudnessEBUR128(sampleRate=rate)(stereo)[2]
    assert analyze_file(path).loudness_lufs == pytest.approx(reference, abs=0.1)


def test_block_size_does_not_change_the_measure() -> None:
    rng = np.random.default_rng(1)
    noise = (0.1 * rng.standard_normal((44100 * 5, 2))).astype(np.float32)
    whole = LoudnessMeter(44100, 2)
    whole.add(noise)
    pieces = LoudnessMeter(44100, 2)
    for start in range(0, len(noise), 1234):
        pieces.add(noise[start : start + 1234])
    assert pieces.integrated_lufs() == pytest.approx(whole.integrated_lufs(), abs=1e-9)
