"""Duplicate fingerprints: a re-encode matches its original, other music does not."""

from __future__ import annotations

import pytest
from tests.support.audio import RenderedCorpus

from museaud.analysis import analyze_file, fingerprint_similarity


def test_a_re_encode_matches_and_other_music_does_not(rendered_corpus: RenderedCorpus) -> None:
    wav = analyze_file(rendered_corpus.wav("c_major_110")).fingerprint
    mp3 = analyze_file(rendered_corpus.copy("c_major_110", "mp3")).fingerprint
    other = analyze_file(rendered_corpus.wav("d_minor_128")).fingerprint
    assert fingerprint_similarity(wav, wav) == 1.0
    assert fingerprint_similarity(wav, mp3) > 0.6
    assert fingerprint_similarity(mp3, wav) == pytest.approx(fingerprint_similarity(wav, mp3))
    assert fingerprint_similarity(wav, other) < 0.3
    assert isinstance(wav, bytes) and len(wav) > 100


def test_foreign_bytes_are_refused() -> None:
    with pytest.raises(ValueError):
        fingerprint_similarity(b"not a fingerprint", b"MFP1")
