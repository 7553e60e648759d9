"""Tempo, beat grid and key on rendered pieces whose MIDI says the answer."""

from __future__ import annotations

import numpy as np
import pytest
from tests.support.audio import RenderedCorpus

from museaud.analysis import analyze_file


@pytest.mark.parametrize("name", ["fsharp_major_90", "c_major_110", "d_minor_128", "bb_minor_174"])
def test_tempo_within_two_percent(rendered_corpus: RenderedCorpus, name: str) -> None:
    piece = rendered_corpus.piece(name)
    result = analyze_file(rendered_corpus.wav(name))
    assert result.bpm is not None
    assert result.bpm == pytest.approx(piece.tempo_bpm, rel=0.02)
    assert 0.5 <= result.bpm_confidence <= 1.0


@pytest.mark.parametrize("name", ["fsharp_major_90", "d_minor_128", "bb_minor_174"])
def test_beat_grid_lands_on_the_written_beats(rendered_corpus: RenderedCorpus, name: str) -> None:
    """The MIDI puts beat 1 at 0 s: the grid's offset and the found beats sit on its beats."""
    piece = rendered_corpus.piece(name)
    result = analyze_file(rendered_corpus.wav(name))
    period = 60.0 / piece.tempo_bpm
    assert result.beat_offset_s is not None
    assert 0.0 <= result.beat_offset_s < 60.0 / (result.bpm or 1.0)
    off_grid = (result.beat_offset_s + period / 2) % period - period / 2
    assert abs(off_grid) < 0.03
    written = np.arange(0.0, result.analysed_s, period)
    nearest = np.abs(result.beats[:, None] - written[None, :]).min(axis=1)
    assert np.median(nearest) < 0.03
    assert len(result.beats) >= 0.8 * len(written)


@pytest.mark.parametrize(
    ("name", "key", "scale"),
    [
        ("d_minor_128", "D", "minor"),
        ("fsharp_major_90", "F#", "major"),
        ("bb_minor_174", "A#", "minor"),
        ("c_major_110", "C", "major"),
    ],
)
def test_key_and_scale(rendered_corpus: RenderedCorpus, name: str, key: str, scale: str) -> None:
    result = analyze_file(rendered_corpus.wav(name))
    assert (result.key_name, result.scale) == (key, scale)
    assert result.key_note == rendered_corpus.piece(name).key_note
    assert result.key_confidence > 0.5


def test_the_rest_of_the_measurements_are_sane(rendered_corpus: RenderedCorpus) -> None:
    piece = rendered_corpus.piece("d_minor_128")
    result = analyze_file(rendered_corpus.wav("d_minor_128"))
    assert result.duration_s == pytest.approx(result.analysed_s)
    assert result.duration_s > piece.duration_s * 0.9
    assert (result.sample_rate, result.channels) == (44100, 2)
    assert -40.0 < result.loudness_lufs < -5.0
    assert result.loudness_lufs < result.peak_dbfs <= 0.0
    assert 0.0 < result.energy < 1.0
    assert result.danceability > 0.0
    assert 1.0 < result.onset_rate < 15.0
    assert result.waveform.shape == (2, 1000)
    assert result.waveform.dtype == np.uint8
    assert (result.waveform[0] <= result.waveform[1]).all()
    assert result.waveform[1].max() > 140  # something louder than silence is drawn


def test_busier_music_has_more_onsets_and_energy(rendered_corpus: RenderedCorpus) -> None:
    calm = analyze_file(rendered_corpus.wav("fsharp_major_90"))
    busy = analyze_file(rendered_corpus.wav("bb_minor_174"))
    assert busy.onset_rate > calm.onset_rate
    assert busy.energy > calm.energy
