"""Energy, and the feature vector that similarity search compares.

Energy (0-1) is a weighted mean of three things a listener hears as intensity: loudness (-30 LUFS
counts 0, -6 LUFS counts 1) with weight 0.5, onset density (0 to 8 onsets a second) with 0.3,
and brightness (the share of power above 2 kHz, 0 to 25 %) with 0.2.

The feature vector concatenates five groups: timbre (MFCC means and spreads), harmony (chroma
turned so the tonic comes first, and the scale), spectrum (centroid, flatness, band shares, level
spread), rhythm (tempo, its confidence, onset rate, danceability, and the onset envelope's
self-similarity at eight fractions of the beat, which tells straight from swung and syncopated)
and level (loudness, energy). Each value is centred and scaled by fixed constants (typical
values of music, so vectors from different libraries compare), each group is weighted by its
share of the whole, and the vector is scaled to unit length, ready for cosine similarity.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from museaud.analysis.spectra import MFCC_COUNT, OnsetEnvelope, TimbreFrames

FloatArray = npt.NDArray[np.float32]
Float64Array = npt.NDArray[np.float64]

BEAT_FRACTIONS = (0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0, 1.5, 2.0)
# group: (number of values, share of the vector's length squared)
GROUPS: dict[str, tuple[int, float]] = {
    "timbre": (2 * (MFCC_COUNT - 1), 0.35),
    "harmony": (13, 0.20),
    "spectrum": (6, 0.15),
    "rhythm": (4 + len(BEAT_FRACTIONS), 0.20),
    "level": (2, 0.10),
}
FEATURE_DIMENSIONS = sum(size for size, _ in GROUPS.values())

# centre and scale of each value, in vector order (typical values of produced music)
_MFCC_MEAN_CENTRE = np.array([1.5, 0.0, 0.3, 0.0, 0.1, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0])
_MFCC_MEAN_SCALE = np.array([1.0, 0.6, 0.5, 0.4, 0.3, 0.3, 0.3, 0.25, 0.25, 0.2, 0.2, 0.2])
_MFCC_SPREAD_CENTRE = np.array([0.5, 0.35, 0.3, 0.25, 0.2, 0.2, 0.2, 0.18, 0.17, 0.16, 0.15, 0.15])
_MFCC_SPREAD_SCALE = _MFCC_SPREAD_CENTRE * 0.5


def energy(loudness_lufs: float, onset_rate: float, bright_share: float) -> float:
    """0-1 intensity from loudness, onset density and brightness (see the module docstring)."""
    loud = np.clip((loudness_lufs + 30.0) / 24.0, 0.0, 1.0)
    dense = np.clip(onset_rate / 8.0, 0.0, 1.0)
    bright = np.clip(bright_share / 0.25, 0.0, 1.0)
    return float(0.5 * loud + 0.3 * dense + 0.2 * bright)


def bright_share(frames: TimbreFrames) -> float:
    """Power-weighted mean share of the spectrum above 2 kHz."""
    if len(frames) == 0:
        return 0.0
    weights = 10.0 ** (frames.level_db.astype(np.float64) / 10.0)
    return float(np.average(frames.band_shares[:, 2], weights=weights + 1e-12))


def rhythm_pattern(envelope: OnsetEnvelope, bpm: float | None) -> Float64Array:
    """The onset envelope's normalised autocorrelation at fractions of a beat (zeros, no tempo)."""
    values = envelope.values.astype(np.float64)
    values = values - values.mean()
    power = float(values @ values)
    if not bpm or power <= 0.0:
        return np.zeros(len(BEAT_FRACTIONS))
    beat_frames = 60.0 / bpm * envelope.frame_rate
    pattern = []
    for fraction in BEAT_FRACTIONS:
        lag = round(fraction * beat_frames)
        if lag <= 0 or lag >= len(values):
            pattern.append(0.0)
            continue
        pattern.append(float(values[:-lag] @ values[lag:]) / power)
    return np.asarray(pattern)


def feature_vector(
    frames: TimbreFrames,
    envelope: OnsetEnvelope,
    *,
    bpm: float | None,
    bpm_confidence: float,
    onset_rate: float,
    danceability: float,
    key_note: int | None,
    scale: str | None,
    loudness_lufs: float,
    energy_value: float,
) -> FloatArray:
    """The unit-length FEATURE_DIMENSIONS vector (see the module docstring)."""
    if len(frames):
        weights = 10.0 ** (frames.level_db.astype(np.float64) / 10.0) + 1e-12
        mfcc = frames.mfcc[:, 1:].astype(np.float64)
        mfcc_mean = np.average(mfcc, axis=0, weights=weights)
        mfcc_spread = mfcc.std(axis=0)
        chroma = np.average(frames.chroma.astype(np.float64), axis=0, weights=weights)
        centroid = float(np.average(frames.centroid_hz, weights=weights))
        flatness = float(np.average(frames.flatness, weights=weights))
        shares = np.average(frames.band_shares.astype(np.float64), axis=0, weights=weights)
        audible = frames.level_db[frames.level_db > frames.level_db.max() - 60.0]
        level_spread = float(audible.std()) if len(audible) else 0.0
    else:
        mfcc_mean, mfcc_spread = _MFCC_MEAN_CENTRE, _MFCC_SPREAD_CENTRE
        chroma, centroid, flatness = np.full(12, 1 / 12), 1000.0, 0.1
        shares, level_spread = np.array([0.4, 0.45, 0.15]), 6.0
    tonic = key_note if key_note is not None else int(np.argmax(chroma))
    mode = {"major": 1.0, "minor": -1.0}.get(scale or "", 0.0)
    groups = {
        "timbre": np.concatenate(
            [
                (mfcc_mean - _MFCC_MEAN_CENTRE) / _MFCC_MEAN_SCALE,
                (mfcc_spread - _MFCC_SPREAD_CENTRE) / _MFCC_SPREAD_SCALE,
            ]
        ),
        "harmony": np.concatenate([(np.roll(chroma, -tonic) - 1 / 12) / 0.05, [mode]]),
        "spectrum": np.array(
            [
                (np.log2(max(centroid, 50.0)) - 10.0) / 1.0,
                (flatness - 0.1) / 0.1,
                (shares[0] - 0.4) / 0.2,
                (shares[1] - 0.45) / 0.2,
                (shares[2] - 0.15) / 0.1,
                (level_spread - 6.0) / 3.0,
            ]
        ),
        "rhythm": np.concatenate(
            [
                [
                    np.log2(bpm / 120.0) / 0.4 if bpm else 0.0,
                    (bpm_confidence - 0.5) / 0.3,
                    (onset_rate - 4.0) / 2.0,
                    (danceability - 1.2) / 0.3,
                ],
                (rhythm_pattern(envelope, bpm) - 0.1) / 0.2,
            ]
        ),
        "level": np.array([(loudness_lufs + 14.0) / 6.0, (energy_value - 0.5) / 0.2]),
    }
    parts = []
    for name, (size, share) in GROUPS.items():
        values = np.clip(np.nan_to_num(groups[name]), -6.0, 6.0)
        parts.append(values * np.sqrt(share / size))
    vector = np.concatenate(parts)
    length = float(np.linalg.norm(vector))
    if length <= 0.0:
        vector = np.full(FEATURE_DIMENSIONS, 1.0)
        length = float(np.sqrt(FEATURE_DIMENSIONS))
    return (vector / length).astype(np.float32)
