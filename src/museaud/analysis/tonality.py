"""Key and scale: Essentia's KeyExtractor (HPCP chroma matched against a key profile).

Profile choice, measured by benchmarks/analysis.py inside this pipeline on 48 rendered pieces
covering all 24 keys (exact / within a fifth or relative): 'bgate' 48/48, 'edma' 45/47,
'krumhansl' 44/45, 'shaath' 43/46, 'temperley' 38/47. Frames of 4096 samples at about 11 kHz
(0.37 s, 2.7 Hz bins) resolve the bass; taking every other frame halves the cost and still
named all 48 keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from museaud.analysis import _essentia
from museaud.music.pitch import pitch_class

KEY_PROFILE = "bgate"
SILENT_RMS = 1e-4  # -80 dBFS: below this there is no key to hear


@dataclass(frozen=True)
class KeyEstimate:
    """The key found, or None for both when the audio is (nearly) silent."""

    key_note: int | None
    scale: str | None
    confidence: float


def estimate_key(
    mono: npt.NDArray[np.float32], sample_rate: float, profile: str = KEY_PROFILE
) -> KeyEstimate:
    """The tonic's pitch class, 'major' or 'minor', and a 0-1 confidence (profile correlation)."""
    if len(mono) < 4096 or float(np.sqrt(np.mean(np.square(mono, dtype=np.float64)))) < SILENT_RMS:
        return KeyEstimate(None, None, 0.0)
    name, scale, strength = _essentia.key_and_scale(mono, sample_rate, profile)
    if scale not in ("major", "minor") or not np.isfinite(strength):
        return KeyEstimate(None, None, 0.0)
    return KeyEstimate(pitch_class(name), scale, float(np.clip(strength, 0.0, 1.0)))
