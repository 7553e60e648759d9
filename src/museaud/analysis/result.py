"""What analysing a track yields: `AnalysisResult` with its `Section`s, and how it reads as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from museaud.music.keys import camelot
from museaud.music.pitch import note_name

ANALYSIS_ALGORITHM = "museaud-essentia"
ANALYSIS_VERSION = "1"  # bump to have every track analysed again on the next import


@dataclass(frozen=True)
class Section:
    """A stretch of the track, [start_s, end_s), labelled intro/verse/chorus/bridge/outro."""

    start_s: float
    end_s: float
    label: str
    confidence: float  # 0-1: how clearly the boundary at start_s stands out

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.end_s - self.start_s


@dataclass(frozen=True, eq=False)
class AnalysisResult:
    """Everything measured in one audio file, with the analyser's name and version.

    `bpm` and the key are None when there is no steady pulse or no tonal content (silence, a
    drum-less noise piece). Rhythm, key, sections, fingerprint and features cover the first
    `analysed_s` seconds; loudness, peak and the waveform cover the whole file when it is read
    with libsndfile (everything but m4a), else the analysed part. `analysed_s` equals
    `duration_s` unless the file is longer than `max_duration_s`.
    """

    duration_s: float
    analysed_s: float
    sample_rate: int
    channels: int
    bpm: float | None
    beat_offset_s: float | None  # the first beat of the fitted grid, 0 <= offset < 60 / bpm
    beats: npt.NDArray[np.float32]  # beat times in seconds, as the tracker found them
    bpm_confidence: float  # 0-1
    key_note: int | None  # pitch class of the tonic, C=0 … B=11
    scale: str | None  # "major" or "minor"
    key_confidence: float  # 0-1
    loudness_lufs: float  # EBU R128 integrated; -70 for silence
    peak_dbfs: float  # sample peak of the loudest channel
    energy: float  # 0-1
    danceability: float  # 0 to about 3
    onset_rate: float  # onsets per second
    waveform: npt.NDArray[np.uint8]  # 2 x 1000: row 0 minimum, row 1 maximum, 0-255 for -1..1
    sections: tuple[Section, ...]
    fingerprint: bytes  # compare with fingerprint_similarity
    features: npt.NDArray[np.float32]  # FEATURE_DIMENSIONS values, unit length
    algorithm: str = ANALYSIS_ALGORITHM
    version: str = ANALYSIS_VERSION

    @property
    def key_name(self) -> str | None:
        """The tonic's sharp spelling, e.g. 'F#'."""
        return None if self.key_note is None else note_name(self.key_note)

    @property
    def camelot(self) -> str | None:
        """The Camelot code, e.g. '8A' for A minor."""
        if self.key_note is None or self.scale is None:
            return None
        return camelot(self.key_note, self.scale)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: key by name and Camelot code, beats and sections as lists.

        The binary fields (waveform, fingerprint, features) are left out: they are for the store.
        """
        return {
            "duration_s": round(self.duration_s, 3),
            "analysed_s": round(self.analysed_s, 3),
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "bpm": None if self.bpm is None else round(self.bpm, 2),
            "beat_offset_s": None if self.beat_offset_s is None else round(self.beat_offset_s, 4),
            "bpm_confidence": round(self.bpm_confidence, 3),
            "beats": [round(float(beat), 4) for beat in self.beats],
            "key": self.key_name,
            "key_note": self.key_note,
            "scale": self.scale,
            "camelot": self.camelot,
            "key_confidence": round(self.key_confidence, 3),
            "loudness_lufs": round(self.loudness_lufs, 2),
            "peak_dbfs": round(self.peak_dbfs, 2),
            "energy": round(self.energy, 3),
            "danceability": round(self.danceability, 3),
            "onset_rate": round(self.onset_rate, 3),
            "sections": [
                {
                    "start_s": round(section.start_s, 3),
                    "end_s": round(section.end_s, 3),
                    "label": section.label,
                    "confidence": round(section.confidence, 3),
                }
                for section in self.sections
            ],
            "algorithm": self.algorithm,
            "version": self.version,
        }
