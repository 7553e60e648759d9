"""Offline render to a buffer and a WAV file: length, format, speed-independent content, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from museaud.audio.render import RenderError, render_pattern, render_to_wav
from museaud.audio.transport import TransportError, TransportSettings
from museaud.patterns.flavors import FLAVORS, build_pattern


def test_render_to_wav_writes_24_bit_stereo_with_the_rendered_audio(tmp_path: Path) -> None:
    pattern = build_pattern("salsa")
    path = render_to_wav(pattern, tmp_path / "salsa.wav", bars=2)
    info = soundfile.info(path)
    assert (info.samplerate, info.channels, info.subtype, info.format) == (
        48000,
        2,
        "PCM_24",
        "WAV",
    )
    written, _ = soundfile.read(path, dtype="float32")
    rendered = render_pattern(pattern, bars=2)
    assert written.shape == rendered.shape
    np.testing.assert_allclose(written, rendered, atol=2.0**-22)


def test_float_wav_and_other_sample_rates(tmp_path: Path) -> None:
    pattern = build_pattern("house")
    path = render_to_wav(
        pattern, tmp_path / "house.wav", bars=1, sample_rate=44100, subtype="FLOAT", tail=False
    )
    info = soundfile.info(path)
    assert info.subtype == "FLOAT" and info.samplerate == 44100
    assert info.frames == round(4 * 44100 * 60 / pattern.bpm)


@pytest.mark.parametrize("flavor", sorted(FLAVORS))
def test_every_flavour_renders_to_finite_audible_sound(flavor: str) -> None:
    audio = render_pattern(build_pattern(flavor), bars=1)
    assert audio.dtype == np.float32 and audio.shape[1] == 2
    assert np.isfinite(audio).all()
    assert 0.05 < float(np.abs(audio).max()) < 1.0


def test_errors_name_the_file_and_what_to_do(tmp_path: Path) -> None:
    pattern = build_pattern("salsa")
    with pytest.raises(RenderError, match="is a folder"):
        render_to_wav(pattern, tmp_path)
    missing = tmp_path / "nowhere" / "x.wav"
    with pytest.raises(RenderError, match=r"nowhere.*does not exist"):
        render_to_wav(pattern, missing)
    with pytest.raises(RenderError, match="MP3"):
        render_to_wav(pattern, tmp_path / "x.wav", subtype="MP3")
    with pytest.raises(TransportError, match="bars must be at least 1"):
        render_pattern(pattern, bars=0)
    with pytest.raises(TransportError, match="tempo 500"):
        render_pattern(pattern, TransportSettings(bpm=500))
    assert not any(tmp_path.iterdir())  # nothing half-written left behind
