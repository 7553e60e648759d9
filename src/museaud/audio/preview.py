"""A library track made ready to play: decoded, as stereo, at the output device's sample rate.

The audio process calls it for the track player (on a thread of its own, off its command loop),
and the CLI before `play_audio`; the engine then plays the frames as they are, so everything slow
happens here: decoding (museaud.analysis.decode's
read_frames: libsndfile for wav, aiff, flac, mp3, ogg and opus, Essentia's ffmpeg for the rest)
and resampling with soxr's high-quality band-limited resampler, which keeps pitch and length.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import soxr

from museaud.analysis.decode import read_frames
from museaud.analysis.errors import AnalysisError

Frames = npt.NDArray[np.float32]


class PreviewError(Exception):
    """A track that cannot be previewed: `path` and a `reason` a person can act on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def load_preview(path: Path | str, sample_rate: int, *, max_seconds: float | None = None) -> Frames:
    """The track at `path` as (frames, 2) float32 at sample_rate: mono on both channels, more
    than two channels cut to the front pair; only the first max_seconds when given."""
    path = Path(path)
    if sample_rate <= 0:
        raise PreviewError(path, f"cannot play at a sample rate of {sample_rate} Hz")
    if max_seconds is not None and max_seconds <= 0:
        raise PreviewError(path, f"preview length must be positive, got {max_seconds} s")
    try:
        frames, rate = read_frames(path, max_seconds)
    except AnalysisError as error:
        raise PreviewError(path, error.reason) from error
    if frames.shape[1] == 1:
        frames = np.repeat(frames, 2, axis=1)
    elif frames.shape[1] > 2:
        frames = frames[:, :2]
    if rate != sample_rate:
        frames = soxr.resample(frames, rate, sample_rate, quality="HQ")
    return np.ascontiguousarray(frames, dtype=np.float32)
