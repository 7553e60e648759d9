"""A library track made ready to play: decoded, as stereo, at the output device's sample rate.

The library's double-click preview hands the result to the audio engine, which plays it as it is,
so everything slow happens here, in a worker thread: decoding (libsndfile for wav, aiff, flac,
mp3, ogg and opus; Essentia's ffmpeg loader for m4a and the rest, as museaud.analysis.decode does)
and resampling with soxr's high-quality band-limited resampler, which keeps pitch and length.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile
import soxr

from museaud.analysis import _essentia
from museaud.analysis.decode import check_readable, declared_pcm_bytes
from museaud.analysis.errors import AnalysisError

Frames = npt.NDArray[np.float32]

_WHOLE_FILE_S = 24 * 3600.0  # "no cap" for the Essentia loader, which wants an end time


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
        check_readable(path)
    except AnalysisError as error:
        raise PreviewError(path, error.reason) from error
    frames, rate = _decode(path, max_seconds)
    if len(frames) == 0:
        raise PreviewError(path, "no audio: the file holds no samples")
    if frames.shape[1] == 1:
        frames = np.repeat(frames, 2, axis=1)
    elif frames.shape[1] > 2:
        frames = frames[:, :2]
    if rate != sample_rate:
        frames = soxr.resample(frames, rate, sample_rate, quality="HQ")
    return np.ascontiguousarray(frames, dtype=np.float32)


def _decode(path: Path, max_seconds: float | None) -> tuple[Frames, int]:
    try:
        return _read_with_soundfile(path, max_seconds)
    except soundfile.LibsndfileError as error:
        if "Error opening" not in str(error):  # it opened, then broke: damaged or cut short
            raise PreviewError(path, f"corrupt or truncated: {_reason(error)}") from error
        first_complaint = _reason(error)
    try:
        return _read_with_essentia(path, max_seconds)
    except RuntimeError as error:
        raise PreviewError(
            path, f"not a decodable audio file ({_reason(error)}; libsndfile: {first_complaint})"
        ) from error


def _read_with_soundfile(path: Path, max_seconds: float | None) -> tuple[Frames, int]:
    pcm = declared_pcm_bytes(path)
    if pcm is not None and pcm[0] > pcm[1] + 4096:
        raise PreviewError(
            path,
            f"truncated: the header declares {pcm[0]} bytes of audio but the file holds {pcm[1]}",
        )
    with soundfile.SoundFile(str(path)) as audio:
        rate = int(audio.samplerate)
        wanted = -1 if max_seconds is None else math.ceil(max_seconds * rate)
        frames = audio.read(wanted, dtype="float32", always_2d=True)
    return np.asarray(frames, dtype=np.float32), rate


def _read_with_essentia(path: Path, max_seconds: float | None) -> tuple[Frames, int]:
    _, header_rate, header_channels = _essentia.file_facts(str(path))
    stereo, rate, channels = _essentia.decode_stereo(
        str(path), float(header_rate or 44100), max_seconds or _WHOLE_FILE_S
    )
    if len(stereo) == 0 or rate <= 0:
        raise PreviewError(path, "no audio: nothing decodes")
    # Essentia hands mono as two equal channels; keep one so it is spread like any mono file
    frames = stereo[:, :1] if (channels or header_channels) == 1 else stereo
    return frames, round(rate)


def _reason(error: Exception) -> str:
    """The useful tail of a decoder's message, without the path it repeats."""
    text = str(error).strip()
    for marker in ("error = ", "': ", ": "):
        if marker in text:
            text = text.rsplit(marker, 1)[1]
            break
    return text.rstrip(".") or type(error).__name__
