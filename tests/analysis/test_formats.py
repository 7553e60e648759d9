"""Every format the library scans decodes to the same tempo and key as the wav it came from."""

from __future__ import annotations

import pytest
from tests.support.audio import RenderedCorpus

from museaud.analysis import analyze_file, fingerprint_similarity


@pytest.mark.parametrize("extension", ["mp3", "ogg", "oga", "opus", "flac", "m4a", "aiff"])
def test_encoded_copies_agree_with_the_wav(rendered_corpus: RenderedCorpus, extension: str) -> None:
    original = analyze_file(rendered_corpus.wav("d_minor_128"))
    copy = analyze_file(rendered_corpus.copy("d_minor_128", extension))
    assert copy.bpm == pytest.approx(original.bpm, rel=0.005)
    assert (copy.key_note, copy.scale) == (original.key_note, original.scale)
    assert copy.duration_s == pytest.approx(original.duration_s, abs=0.1)
    assert copy.loudness_lufs == pytest.approx(original.loudness_lufs, abs=0.5)
    assert fingerprint_similarity(copy.fingerprint, original.fingerprint) > 0.5
    if extension == "opus":
        assert copy.sample_rate == 48000  # opus always decodes at 48 kHz
    else:
        assert copy.sample_rate == 44100
