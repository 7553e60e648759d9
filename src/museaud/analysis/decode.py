"""One pass over an audio file: its facts, level, overview, and the mono signal analysers read.

libsndfile (through soundfile) reads wav, aiff, flac, mp3, ogg/oga and opus in blocks, so a
three-hour file streams through in constant memory: loudness, peak and the waveform overview
cover the whole file, while the mono signal for rhythm, key and the rest keeps only the first
`max_duration_s`. What libsndfile cannot open (m4a/AAC, and anything else ffmpeg knows) goes to
Essentia's AudioLoader, which stops decoding at the cap. (Essentia's bundled ffmpeg has no opus
decoder, and libsndfile decodes mp3 and flac about twice as fast, hence the split.)

The mono signal is the channel average box-filtered down by an integer factor to about 11 kHz:
plenty for beats, key and timbre, and a quarter of the work. The box filter's aliasing above
5.5 kHz is weak and lands where nothing here looks closely.
"""

from __future__ import annotations

import errno
import math
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import soundfile

from museaud.analysis import _essentia
from museaud.analysis.errors import AnalysisError
from museaud.analysis.loudness import LoudnessMeter

ANALYSIS_RATE = 11025.0  # the mono signal runs at the native rate divided down to near this
WAVEFORM_POINTS = 1000
WAVEFORM_HOP = 512  # native frames per min/max pair before the overview is pooled to 1000 points
PEAK_FLOOR_DBFS = -120.0
BLOCK_UNITS = 16384  # a read block is this many frames times the decimation factor
_WHOLE_FILE_S = 24 * 3600.0  # "no cap" for the Essentia loader, which wants an end time


_Read = TypeVar("_Read")


@dataclass(frozen=True, eq=False)
class DecodedAudio:
    """What one read of a file yields: facts, levels, a drawing overview and the analysis signal."""

    sample_rate: int
    channels: int
    duration_s: float
    mono: npt.NDArray[np.float32]  # first max_duration_s, averaged to mono, at analysis_rate
    analysis_rate: float
    loudness_lufs: float
    peak_dbfs: float
    waveform: npt.NDArray[np.uint8]  # 2 x WAVEFORM_POINTS: minimum and maximum of the mono mix

    @property
    def analysed_s(self) -> float:
        """Seconds of the mono analysis signal (less than duration_s only for capped files)."""
        return len(self.mono) / self.analysis_rate


def mix_to_mono(frames: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The average of the channels (summed column by column: numpy reduces short rows slowly)."""
    mono = frames[:, 0].copy()
    for channel in range(1, frames.shape[1]):
        mono += frames[:, channel]
    if frames.shape[1] > 1:
        mono *= np.float32(1.0 / frames.shape[1])
    return mono


def box_decimate(signal: npt.NDArray[np.float32], factor: int) -> npt.NDArray[np.float32]:
    """Every `factor` samples averaged into one (a box low-pass, then keep one in `factor`)."""
    if factor == 1:
        return signal.copy()
    count = len(signal) // factor
    reduced = signal[0 : count * factor : factor].copy()
    for phase in range(1, factor):
        reduced += signal[phase : count * factor : factor]
    reduced *= np.float32(1.0 / factor)
    return reduced


class _Accumulator:
    """Everything computed while blocks stream past: level, peak, overview and the mono signal."""

    def __init__(self, sample_rate: float, channels: int, max_duration_s: float) -> None:
        self.factor = max(1, round(sample_rate / ANALYSIS_RATE))
        self.meter = LoudnessMeter(sample_rate, channels)
        self.peak = 0.0
        self.frames = 0
        self.mono_budget = int(max_duration_s * sample_rate) // self.factor
        self.mono_parts: list[npt.NDArray[np.float32]] = []
        self.mono_count = 0
        self.lows: list[npt.NDArray[np.float32]] = []
        self.highs: list[npt.NDArray[np.float32]] = []

    def add(self, block: npt.NDArray[np.float32]) -> None:
        if len(block) == 0:
            return
        self.frames += len(block)
        self.meter.add(block)
        self.peak = max(self.peak, float(block.max()), -float(block.min()))
        mono = mix_to_mono(block)
        usable = len(mono) // WAVEFORM_HOP * WAVEFORM_HOP
        if usable:
            pairs = mono[:usable].reshape(-1, WAVEFORM_HOP)
            self.lows.append(pairs.min(axis=1))
            self.highs.append(pairs.max(axis=1))
        if usable < len(mono):
            self.lows.append(mono[usable:].min(keepdims=True))
            self.highs.append(mono[usable:].max(keepdims=True))
        if self.mono_count < self.mono_budget:
            reduced = box_decimate(mono, self.factor)[: self.mono_budget - self.mono_count]
            self.mono_parts.append(reduced)
            self.mono_count += len(reduced)

    def waveform(self) -> npt.NDArray[np.uint8]:
        lows = np.concatenate(self.lows) if self.lows else np.zeros(1, np.float32)
        highs = np.concatenate(self.highs) if self.highs else np.zeros(1, np.float32)
        # each point pools its share of the min/max pairs; a short file repeats its few pairs
        starts = np.minimum(np.linspace(0, len(lows), WAVEFORM_POINTS + 1)[:-1], len(lows) - 1)
        starts = starts.astype(np.intp)
        overview = np.stack([np.minimum.reduceat(lows, starts), np.maximum.reduceat(highs, starts)])
        return np.clip(np.round((overview + 1.0) * 127.5), 0, 255).astype(np.uint8)

    def result(self, sample_rate: float, channels: int, duration_s: float) -> DecodedAudio:
        mono = np.concatenate(self.mono_parts) if self.mono_parts else np.zeros(0, np.float32)
        peak_dbfs = 20.0 * math.log10(self.peak) if self.peak > 0 else PEAK_FLOOR_DBFS
        return DecodedAudio(
            sample_rate=round(sample_rate),
            channels=channels,
            duration_s=duration_s,
            mono=mono,
            analysis_rate=sample_rate / self.factor,
            loudness_lufs=self.meter.integrated_lufs(),
            peak_dbfs=max(PEAK_FLOOR_DBFS, peak_dbfs),
            waveform=self.waveform(),
        )


def check_readable(path: Path) -> int:
    """The file's size in bytes, or AnalysisError saying why it cannot be read at all."""
    try:
        status = path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise AnalysisError(path, "symlink loop (too many levels of symbolic links)") from error
        if error.errno == errno.ENOENT:
            raise AnalysisError(path, "no such file") from error
        raise AnalysisError(path, f"cannot read: {error.strerror}") from error
    if path.is_dir():
        raise AnalysisError(path, "is a directory, not an audio file")
    if status.st_size == 0:
        raise AnalysisError(path, "empty file (0 bytes)")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except PermissionError as error:
        raise AnalysisError(path, "permission denied: the file is not readable") from error
    except OSError as error:
        raise AnalysisError(path, f"cannot read: {error.strerror}") from error
    return status.st_size


def declared_pcm_bytes(path: Path) -> tuple[int, int] | None:
    """For wav and aiff: (bytes of audio the header declares, bytes the file really holds)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
            size = os.fstat(handle.fileno()).st_size
            if len(head) < 12:
                return None
            if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
                little = True
            elif head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
                little = False
            else:
                return None
            wanted = b"data" if little else b"SSND"
            while True:
                chunk = handle.read(8)
                if len(chunk) < 8:
                    return None
                name = chunk[:4]
                (length,) = struct.unpack("<I" if little else ">I", chunk[4:])
                if name == wanted:
                    start = handle.tell()
                    if length in (0, 0xFFFFFFFF):  # streamed wav: length never filled in
                        return None
                    return length, size - start
                handle.seek(length + (length & 1), os.SEEK_CUR)
    except OSError:
        return None


def refuse_short_pcm(path: Path) -> None:
    """A wav/aiff whose header declares more audio than the file holds was cut short."""
    pcm = declared_pcm_bytes(path)
    if pcm is not None and pcm[0] > pcm[1] + 4096:
        raise AnalysisError(
            path,
            f"truncated or a damaged header: the header declares {pcm[0]:,} bytes of audio but "
            f"the file holds {pcm[1]:,}",
        )


def _read_with_soundfile(path: Path, max_duration_s: float) -> DecodedAudio:
    refuse_short_pcm(path)
    with soundfile.SoundFile(str(path)) as audio:
        sample_rate, channels, declared = float(audio.samplerate), audio.channels, audio.frames
        if sample_rate <= 0 or channels <= 0:
            raise AnalysisError(path, "the header gives no sample rate or channel count")
        accumulator = _Accumulator(sample_rate, channels, max_duration_s)
        block_frames = BLOCK_UNITS * accumulator.factor
        buffer = np.empty((block_frames, channels), np.float32)
        while True:
            block = audio.read(block_frames, dtype="float32", always_2d=True, out=buffer)
            accumulator.add(block)
            if len(block) < block_frames:
                break
    decoded = accumulator.frames
    if decoded == 0:
        raise AnalysisError(path, "no audio: the file holds no samples")
    if declared > 0 and decoded < 0.9 * declared - sample_rate:
        raise AnalysisError(
            path,
            f"truncated: the header promises {declared / sample_rate:.1f} s "
            f"but only {decoded / sample_rate:.1f} s decode",
        )
    return accumulator.result(sample_rate, channels, decoded / sample_rate)


def _read_with_essentia(path: Path, max_duration_s: float) -> DecodedAudio:
    header_s, header_rate, header_channels = _essentia.file_facts(str(path))
    stereo, sample_rate, channels = _essentia.decode_stereo(
        str(path), float(header_rate or 44100), max_duration_s
    )
    channels = channels or header_channels or 2
    frames = _essentia_frames(path, stereo, sample_rate, channels)
    accumulator = _Accumulator(sample_rate, frames.shape[1], max_duration_s)
    accumulator.add(np.ascontiguousarray(frames))
    decoded_s = len(stereo) / sample_rate
    capped = decoded_s >= max_duration_s - 1.0 / sample_rate
    duration_s = max(decoded_s, header_s) if capped else decoded_s
    return accumulator.result(sample_rate, channels, duration_s)


def _essentia_frames(
    path: Path, stereo: npt.NDArray[np.float32], sample_rate: float, channels: int
) -> npt.NDArray[np.float32]:
    """Essentia's decoded pair as the file's channels: it hands mono as two equal channels,
    and keeping one weighs mono once, as for any other mono file."""
    if len(stereo) == 0 or sample_rate <= 0:
        raise AnalysisError(path, "no audio: nothing decodes")
    return stereo[:, :1] if channels == 1 else stereo


def _either_decoder(
    path: Path, with_soundfile: Callable[[], _Read], with_essentia: Callable[[], _Read]
) -> _Read:
    """libsndfile first; what it cannot open goes to Essentia's ffmpeg. AnalysisError says
    why when the file is empty, undecodable or truncated."""
    check_readable(path)
    try:
        return with_soundfile()
    except soundfile.LibsndfileError as error:
        opened = "Error opening" in str(error)
        if not opened:  # it opened but broke while decoding: damaged or cut short
            raise AnalysisError(path, f"corrupt or truncated: {_short(error)}") from error
        first_complaint = _short(error)
    try:
        return with_essentia()
    except RuntimeError as error:
        if first_complaint in MISLEADING:  # libsndfile's words for "not a format I know"
            first_complaint = "format not recognised"
        raise AnalysisError(
            path,
            f"not a decodable audio file: no decoder recognises its contents ({_short(error)}; "
            f"libsndfile: {first_complaint})",
        ) from error


def decode(path: Path, max_duration_s: float) -> DecodedAudio:
    """Read a file once for analysis (see the module's docstring)."""
    return _either_decoder(
        path,
        lambda: _read_with_soundfile(path, max_duration_s),
        lambda: _read_with_essentia(path, max_duration_s),
    )


def read_frames(
    path: Path, max_duration_s: float | None = None
) -> tuple[npt.NDArray[np.float32], int]:
    """The file's samples as (frames, channels) float32 at its own rate, for playing: every
    channel kept, the first max_duration_s only when given. AnalysisError as for decode()."""

    def with_soundfile() -> tuple[npt.NDArray[np.float32], int]:
        refuse_short_pcm(path)
        with soundfile.SoundFile(str(path)) as audio:
            rate = int(audio.samplerate)
            wanted = -1 if max_duration_s is None else math.ceil(max_duration_s * rate)
            frames = audio.read(wanted, dtype="float32", always_2d=True)
        if len(frames) == 0:
            raise AnalysisError(path, "no audio: the file holds no samples")
        return np.asarray(frames, dtype=np.float32), rate

    def with_essentia() -> tuple[npt.NDArray[np.float32], int]:
        _, header_rate, header_channels = _essentia.file_facts(str(path))
        stereo, rate, channels = _essentia.decode_stereo(
            str(path), float(header_rate or 44100), max_duration_s or _WHOLE_FILE_S
        )
        frames = _essentia_frames(path, stereo, rate, channels or header_channels or 2)
        return frames, round(rate)

    return _either_decoder(path, with_soundfile, with_essentia)


MISLEADING = {
    "File does not exist or is not a regular file (possibly a pipe?)",
    "Format not recognised",
}
"""What libsndfile says of a regular file it does not know (an mp3 of random bytes)."""


def _short(error: Exception) -> str:
    """The useful tail of a decoder's message, without the path it repeats."""
    text = str(error).strip()
    for marker in ("error = ", "': ", ": "):
        if marker in text:
            text = text.rsplit(marker, 1)[1]
            break
    return text.rstrip(".") or type(error).__name__
