"""`analyze_file`: one decode, two shared spectra, then every measurement from them.

The order of work: decode (loudness, peak and waveform as the file streams), the onset envelope
(-> tempo, beats, onsets), Essentia's key extractor and danceability on the mono signal, the
timbre frames (-> sections, fingerprint, features). A three-minute track costs 0.33 s of CPU as
wav and 0.46 s as mp3 (benchmarks/README.md).
"""

from __future__ import annotations

from pathlib import Path

from museaud.analysis import _essentia
from museaud.analysis.decode import decode
from museaud.analysis.errors import AnalysisError
from museaud.analysis.features import bright_share, energy, feature_vector
from museaud.analysis.fingerprint import fingerprint
from museaud.analysis.result import AnalysisResult
from museaud.analysis.rhythm import analyse_rhythm
from museaud.analysis.sections import find_sections
from museaud.analysis.spectra import onset_envelope, timbre_frames
from museaud.analysis.tonality import estimate_key

DEFAULT_MAX_DURATION_S = 1200.0
MIN_DURATION_S = 0.5


def analyze_file(path: Path, *, max_duration_s: float = DEFAULT_MAX_DURATION_S) -> AnalysisResult:
    """Analyse one audio file (wav, aiff, flac, mp3, ogg/oga, opus, m4a …).

    Rhythm, key, sections, fingerprint and features read the first `max_duration_s` seconds, so
    a three-hour file costs bounded time and memory. Raises AnalysisError (with the path and a
    reason) for a missing, unreadable, empty, truncated or undecodable file.
    """
    path = Path(path)
    if max_duration_s <= 0:
        raise ValueError("max_duration_s must be positive")
    audio = decode(path, max_duration_s)
    if audio.analysed_s < MIN_DURATION_S:
        raise AnalysisError(path, f"too short to analyse ({audio.duration_s:.2f} s of audio)")
    mono, rate = audio.mono, audio.analysis_rate
    envelope = onset_envelope(mono, rate)
    rhythm = analyse_rhythm(envelope)
    key = estimate_key(mono, rate)
    frames = timbre_frames(mono, rate)
    dance = max(0.0, _essentia.danceability(mono, rate)) if audio.analysed_s >= 4.0 else 0.0
    energy_value = energy(audio.loudness_lufs, rhythm.onset_rate, bright_share(frames))
    return AnalysisResult(
        duration_s=audio.duration_s,
        analysed_s=audio.analysed_s,
        sample_rate=audio.sample_rate,
        channels=audio.channels,
        bpm=rhythm.bpm,
        beat_offset_s=rhythm.beat_offset_s,
        beats=rhythm.beats,
        bpm_confidence=rhythm.confidence,
        key_note=key.key_note,
        scale=key.scale,
        key_confidence=key.confidence,
        loudness_lufs=audio.loudness_lufs,
        peak_dbfs=audio.peak_dbfs,
        energy=energy_value,
        danceability=dance,
        onset_rate=rhythm.onset_rate,
        waveform=audio.waveform,
        sections=find_sections(
            frames, envelope, audio.analysed_s, rhythm.bpm, rhythm.beat_offset_s
        ),
        fingerprint=fingerprint(frames),
        features=feature_vector(
            frames,
            envelope,
            bpm=rhythm.bpm,
            bpm_confidence=rhythm.confidence,
            onset_rate=rhythm.onset_rate,
            danceability=dance,
            key_note=key.key_note,
            scale=key.scale,
            loudness_lufs=audio.loudness_lufs,
            energy_value=energy_value,
        ),
    )
