"""Library previews: real files of every kind decoded to stereo at the device rate, pitch and
length kept; unreadable files give a clear error naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from tests.support.audio import RenderedCorpus, write_sine, write_wav

from museaud.audio.preview import PreviewError, load_preview

DEVICE_RATE = 48000


def peak_frequency(samples: npt.NDArray[np.float32], rate: int) -> float:
    """The strongest frequency, refined by a parabola through the log-magnitude peak."""
    windowed = samples.astype(np.float64) * np.hanning(len(samples))
    magnitude = np.log(np.abs(np.fft.rfft(windowed)) + 1e-12)
    index = int(magnitude.argmax())
    a, b, c = magnitude[index - 1 : index + 2]
    return (index + 0.5 * (a - c) / (a - 2 * b + c)) * rate / len(samples)


def test_a_44k_sine_keeps_its_pitch_length_and_level_at_48k(tmp_path: Path) -> None:
    path = write_sine(tmp_path / "a.wav", level_dbfs=-6.0, frequency_hz=440.0, duration_s=3.0)
    frames = load_preview(path, DEVICE_RATE)
    assert frames.dtype == np.float32 and frames.shape[1] == 2
    assert abs(len(frames) - 3 * DEVICE_RATE) <= 2
    middle = frames[DEVICE_RATE : 2 * DEVICE_RATE]
    assert peak_frequency(middle[:, 0], DEVICE_RATE) == pytest.approx(440.0, abs=0.05)
    assert np.abs(middle).max() == pytest.approx(10 ** (-6 / 20), rel=0.01)
    assert np.array_equal(frames[:, 0], frames[:, 1])


def test_mono_plays_on_both_channels_and_the_cap_is_kept(tmp_path: Path) -> None:
    path = write_sine(
        tmp_path / "mono.wav", level_dbfs=-12.0, frequency_hz=1000.0, duration_s=4.0, channels=1
    )
    frames = load_preview(path, 96000, max_seconds=1.5)
    assert frames.shape == (pytest.approx(1.5 * 96000, abs=2), 2)
    assert np.array_equal(frames[:, 0], frames[:, 1])
    assert peak_frequency(frames[20000:120000, 0], 96000) == pytest.approx(1000.0, abs=0.1)


def test_more_channels_keep_the_front_pair(tmp_path: Path) -> None:
    t = np.arange(44100) / 44100
    quad = np.stack([0.5 * np.sin(2 * np.pi * f * t) for f in (300, 500, 700, 900)], axis=1)
    frames = load_preview(write_wav(tmp_path / "quad.wav", quad), 44100)
    assert peak_frequency(frames[:, 0], 44100) == pytest.approx(300.0, abs=0.5)
    assert peak_frequency(frames[:, 1], 44100) == pytest.approx(500.0, abs=0.5)


@pytest.mark.parametrize("extension", ["mp3", "ogg", "opus", "flac", "m4a", "aiff"])
def test_encoded_library_tracks_match_their_wav(
    rendered_corpus: RenderedCorpus, extension: str
) -> None:
    wav = load_preview(rendered_corpus.wav("d_minor_128"), DEVICE_RATE, max_seconds=6.0)
    coded = load_preview(
        rendered_corpus.copy("d_minor_128", extension), DEVICE_RATE, max_seconds=6.0
    )
    assert abs(len(coded) - len(wav)) < 0.1 * DEVICE_RATE
    # the same music: the long-term spectra agree, whatever the codec's delay and losses
    count = min(len(wav), len(coded))
    spectra = [np.abs(np.fft.rfft(frames[:count, 0]))[: count // 4] for frames in (wav, coded)]
    bands = [np.add.reduceat(s, np.arange(0, len(s), 200)) for s in spectra]
    assert np.corrcoef(np.log(bands[0] + 1e-9), np.log(bands[1] + 1e-9))[0, 1] > 0.95


def test_unreadable_files_say_which_and_why(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    noise = tmp_path / "noise.mp3"
    noise.write_bytes(os.urandom(4096))
    folder = tmp_path / "x.wav"
    folder.mkdir()
    loop = tmp_path / "loop.flac"
    loop.symlink_to(loop)
    whole = write_sine(tmp_path / "whole.wav", level_dbfs=-6.0, duration_s=2.0)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole.read_bytes()[:50000])
    cases = {
        empty: "empty",
        noise: "not a decodable audio file",
        folder: "directory",
        loop: "symlink loop",
        tmp_path / "gone.ogg": "no such file",
        cut: "truncated",
    }
    for path, reason in cases.items():
        with pytest.raises(PreviewError, match=reason) as caught:
            load_preview(path, DEVICE_RATE)
        assert caught.value.path == path
        assert str(path) in str(caught.value)


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    path = write_sine(tmp_path / "a.wav", level_dbfs=-6.0, duration_s=1.0)
    with pytest.raises(PreviewError, match="sample rate"):
        load_preview(path, 0)
    with pytest.raises(PreviewError, match="positive"):
        load_preview(path, DEVICE_RATE, max_seconds=0.0)
