"""The result's shape: JSON for scripts, a unit feature vector, versioned by algorithm."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.support.audio import RenderedCorpus

from museaud.analysis import (
    ANALYSIS_ALGORITHM,
    ANALYSIS_VERSION,
    FEATURE_DIMENSIONS,
    AnalysisResult,
    analyze_file,
)


@pytest.fixture(scope="module")
def result(rendered_corpus: RenderedCorpus) -> AnalysisResult:
    return analyze_file(rendered_corpus.wav("fsharp_major_90"))


def test_to_json_is_plain_json(result: AnalysisResult) -> None:
    data = json.loads(json.dumps(result.to_json()))
    assert data["key"] == "F#"
    assert data["scale"] == "major"
    assert data["camelot"] == "2B"
    assert data["key_note"] == 6
    assert data["bpm"] == pytest.approx(90, rel=0.02)
    assert isinstance(data["beats"], list) and len(data["beats"]) > 40
    assert data["beats"] == sorted(data["beats"])
    assert {"start_s", "end_s", "label", "confidence"} <= set(data["sections"][0])
    assert (data["algorithm"], data["version"]) == (ANALYSIS_ALGORITHM, ANALYSIS_VERSION)
    assert not any(isinstance(value, bytes) for value in data.values())


def test_features_are_a_unit_vector(result: AnalysisResult) -> None:
    assert result.features.shape == (FEATURE_DIMENSIONS,)
    assert result.features.dtype == np.float32
    assert float(np.linalg.norm(result.features)) == pytest.approx(1.0, abs=1e-5)
    assert np.isfinite(result.features).all()


def test_like_music_is_nearer_than_unlike(rendered_corpus: RenderedCorpus) -> None:
    """A re-encode sits much nearer its original than a different piece does."""
    wav = analyze_file(rendered_corpus.wav("d_minor_128")).features
    mp3 = analyze_file(rendered_corpus.copy("d_minor_128", "mp3")).features
    other = analyze_file(rendered_corpus.wav("fsharp_major_90")).features
    assert float(wav @ mp3) > 0.98
    assert float(wav @ mp3) > float(wav @ other) + 0.1


def test_beats_are_float32_seconds_inside_the_track(result: AnalysisResult) -> None:
    assert result.beats.dtype == np.float32
    assert result.beats.min() >= 0.0
    assert result.beats.max() <= result.duration_s
    assert (np.diff(result.beats) > 0).all()
