"""The short-time spectra the analysers share, each computed once in cache-sized chunks.

- Onset spectrum: 512-sample frames every 128 samples (about 86 per second at 11 kHz). Only its
  log-magnitude flux is kept: the onset envelope that beat tracking and onset counting read.
- Timbre spectrum: back-to-back 0.186 s frames. Kept per frame: MFCCs, a 12-bin chroma, level,
  spectral centroid and flatness, and low/mid/high band shares (sections and features read them).
  Over the first two minutes, frames come every 0.093 s, and all of them also give 33 bands
  from 300 to 2000 Hz for the fingerprint (the overlap makes it robust to a copy that starts a
  few milliseconds later); every other one is the timbre frame. Frames are fixed in seconds, so
  files at different sample rates line up.

numpy's FFT runs float64 about ten times faster than float32 here, and chunks of a few thousand
frames keep the work in cache, so a three-minute track costs a few milliseconds per pass.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

FloatArray = npt.NDArray[np.float32]
Float64Array = npt.NDArray[np.float64]

ONSET_FRAME = 512
ONSET_HOP = 128
TIMBRE_FRAME_S = 2048 / 11025
FINGERPRINT_SECONDS = 120.0
MEL_BANDS = 40
MFCC_COUNT = 13
FINGERPRINT_BANDS = 33
FINGERPRINT_RANGE_HZ = (300.0, 2000.0)
CHROMA_RANGE_HZ = (50.0, 3500.0)
BAND_EDGES_HZ = (250.0, 2000.0)  # low | mid | high
_CHUNK_SAMPLES = 1 << 17  # frames per FFT call: about 1 MB of float64, so the work stays in cache


def _chunk(frame_size: int) -> int:
    return max(8, _CHUNK_SAMPLES // frame_size)


@dataclass(frozen=True, eq=False)
class OnsetEnvelope:
    """Spectral flux per onset frame: high where something starts (a hit, a note)."""

    values: FloatArray
    frame_rate: float

    @property
    def duration_s(self) -> float:
        """Seconds covered."""
        return len(self.values) / self.frame_rate


@dataclass(frozen=True, eq=False)
class TimbreFrames:
    """Per timbre frame: colour (MFCC), harmony (chroma), level and spectral shape; and the
    fingerprint bands of the first two minutes."""

    frame_rate: float
    mfcc: FloatArray  # frames x 13; coefficient 0 follows the level
    chroma: FloatArray  # frames x 12, C=0 … B=11, each frame summing to 1 (or 0 in silence)
    level_db: FloatArray  # frames: relative power in dB
    centroid_hz: FloatArray
    flatness: FloatArray  # 0 (tonal) - 1 (noise)
    band_shares: FloatArray  # frames x 3: share of power below 250 Hz, to 2 kHz, above
    fingerprint_bands: FloatArray  # (first 2 min) x 33 log energies, 300-2000 Hz, 2 a frame

    @property
    def fingerprint_rate(self) -> float:
        """Fingerprint band rows per second: twice the frame rate (they overlap by half)."""
        return 2.0 * self.frame_rate

    def __len__(self) -> int:
        return len(self.level_db)


def _frames(signal: Float64Array, size: int, hop: int) -> Float64Array:
    if len(signal) < size:
        signal = np.pad(signal, (0, size - len(signal)))
    return sliding_window_view(signal, size)[::hop]


def onset_envelope(mono: FloatArray, sample_rate: float) -> OnsetEnvelope:
    """Half-wave rectified log-magnitude flux: sum over bins of each rise since the last frame.

    Frames are centred (the signal is padded by half a frame), so value i belongs to time
    i / frame_rate.
    """
    signal = np.pad(mono.astype(np.float64), (ONSET_FRAME // 2, 0))
    frames = _frames(signal, ONSET_FRAME, ONSET_HOP)
    window = np.hanning(ONSET_FRAME)
    flux = np.zeros(len(frames), np.float32)
    previous: FloatArray | None = None
    chunk = _chunk(ONSET_FRAME)
    for start in range(0, len(frames), chunk):
        spectrum = np.fft.rfft(frames[start : start + chunk] * window, axis=1)
        magnitude = np.abs(spectrum).astype(np.float32)
        magnitude *= np.float32(1000.0)
        np.log1p(magnitude, out=magnitude)
        stacked = magnitude if previous is None else np.vstack([previous, magnitude])
        rises = np.maximum(np.diff(stacked, axis=0), 0.0).sum(axis=1)
        offset = start + (1 if previous is None else 0)
        flux[offset : offset + len(rises)] = rises
        previous = magnitude[-1:]
    return OnsetEnvelope(flux, sample_rate / ONSET_HOP)


@functools.cache
def _filterbanks(sample_rate: float, fft_size: int) -> tuple[Float64Array, Float64Array]:
    """Mel and chroma filterbanks (bands x bins) for one rate and FFT size."""
    freqs = np.arange(fft_size // 2 + 1) * sample_rate / fft_size

    def triangles(edges: Float64Array) -> Float64Array:
        bank = np.zeros((len(edges) - 2, len(freqs)))
        for index in range(len(edges) - 2):
            low, centre, high = edges[index : index + 3]
            rising = (freqs - low) / max(centre - low, 1e-9)
            falling = (high - freqs) / max(high - centre, 1e-9)
            bank[index] = np.maximum(0.0, np.minimum(rising, falling))
        return bank

    def mel(hz: Float64Array | float) -> Float64Array:
        return np.asarray(2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0))

    mel_edges = 700.0 * (
        10.0 ** (np.linspace(mel(30.0), mel(sample_rate / 2), MEL_BANDS + 2) / 2595.0) - 1.0
    )
    mel_bank = triangles(mel_edges)

    low_hz, high_hz = CHROMA_RANGE_HZ
    chroma = np.zeros((12, len(freqs)))
    inside = (freqs >= low_hz) & (freqs <= min(high_hz, sample_rate / 2))
    pitch = 69.0 + 12.0 * np.log2(freqs[inside] / 440.0)
    for pitch_class in range(12):
        distance = (pitch - pitch_class + 6.0) % 12.0 - 6.0  # semitones to the nearest one
        chroma[pitch_class, inside] = np.where(
            np.abs(distance) < 2.0 / 3.0, np.cos(np.pi * distance / (4.0 / 3.0)) ** 2, 0.0
        )
    return mel_bank, chroma


@functools.cache
def _dct_matrix(bands: int, count: int) -> Float64Array:
    """Orthonormal DCT-II rows: log mel bands to cepstral coefficients."""
    n = np.arange(bands)
    matrix: Float64Array = np.cos(np.pi / bands * (n + 0.5)[None, :] * np.arange(count)[:, None])
    matrix *= np.sqrt(2.0 / bands)
    matrix[0] /= np.sqrt(2.0)
    return matrix


def timbre_frames(mono: FloatArray, sample_rate: float) -> TimbreFrames:
    """The timbre spectrum's per-frame summaries and the fingerprint bands (see module doc).

    Over the first two minutes frames come every half frame: all of them feed the fingerprint
    bands, every other one (the timbre grid) the summaries; after that only the timbre grid.
    """
    size = round(TIMBRE_FRAME_S * sample_rate)
    half = size // 2
    fft_size = 1 << (size - 1).bit_length()
    summarise = _Summaries(float(sample_rate), fft_size)
    window = np.hanning(size)
    norm = 4.0 / (window.sum() ** 2)  # a full-scale sine's peak bin comes out near 1
    signal = mono.astype(np.float64)
    whole_frames = max(0, (len(signal) - size) // half + 1)  # half-hop frames that fit
    head_frames = min(round(FINGERPRINT_SECONDS * sample_rate) // half, whole_frames) // 2 * 2
    head = _frames(signal[: head_frames * half + size], size, half)[:head_frames]
    rest = signal[head_frames * half :]
    tail = _frames(rest, size, 2 * half) if len(rest) > half or head_frames == 0 else None
    bands: list[Float64Array] = []
    chunk = _chunk(fft_size) // 2 * 2
    for part, overlapped in ((head, True), (tail, False)):
        if part is None:
            continue
        for start in range(0, len(part), chunk):
            spectrum = np.fft.rfft(part[start : start + chunk] * window, n=fft_size, axis=1)
            power = (spectrum.real**2 + spectrum.imag**2) * norm
            if overlapped:
                bands.append(summarise.fingerprint_bands(power))
                power = power[::2]
            summarise.add(power)
    fingerprint = np.concatenate(bands) if bands else np.zeros((0, FINGERPRINT_BANDS))
    return summarise.frames(sample_rate / (2 * half), fingerprint.astype(np.float32))


class _Summaries:
    """Per-frame summaries of power spectra, collected chunk by chunk."""

    def __init__(self, sample_rate: float, fft_size: int) -> None:
        self.mel_bank, self.chroma_bank = _filterbanks(sample_rate, fft_size)
        self.dct = _dct_matrix(MEL_BANDS, MFCC_COUNT)
        self.freqs = np.arange(fft_size // 2 + 1) * sample_rate / fft_size
        self.low_bins = self.freqs < BAND_EDGES_HZ[0]
        self.mid_bins = (self.freqs >= BAND_EDGES_HZ[0]) & (self.freqs < BAND_EDGES_HZ[1])
        self.high_bins = self.freqs >= BAND_EDGES_HZ[1]
        low_hz, high_hz = FINGERPRINT_RANGE_HZ
        edges_hz = np.geomspace(low_hz, min(high_hz, sample_rate / 2), FINGERPRINT_BANDS + 1)
        self.band_edges = np.round(edges_hz * fft_size / sample_rate).astype(int)  # 3+ bins each
        self.parts: dict[str, list[Float64Array]] = {
            name: [] for name in ("mfcc", "chroma", "level", "centroid", "flatness", "shares")
        }

    def fingerprint_bands(self, power: Float64Array) -> Float64Array:
        """Log energy of each fingerprint band, per frame."""
        sums = np.cumsum(power[:, : self.band_edges[-1]], axis=1)
        totals = np.hstack([np.zeros((len(power), 1)), sums])[:, self.band_edges]
        return np.asarray(np.log10(np.diff(totals, axis=1) + 1e-10))

    def add(self, power: Float64Array) -> None:
        parts = self.parts
        total = power.sum(axis=1) + 1e-12
        parts["mfcc"].append(np.log10(power @ self.mel_bank.T + 1e-10) @ self.dct.T)
        chroma = np.sqrt(power) @ self.chroma_bank.T
        parts["chroma"].append(chroma / np.maximum(chroma.sum(axis=1, keepdims=True), 1e-9))
        parts["level"].append(10.0 * np.log10(total / 2.0))
        parts["centroid"].append((power @ self.freqs) / total)
        log_power = np.log(power[:, 1:] + 1e-12)
        parts["flatness"].append(
            np.exp(log_power.mean(axis=1)) / (power[:, 1:].mean(axis=1) + 1e-12)
        )
        low = power[:, self.low_bins].sum(axis=1)
        mid = power[:, self.mid_bins].sum(axis=1)
        high = power[:, self.high_bins].sum(axis=1)
        parts["shares"].append(np.stack([low, mid, high], axis=1) / total[:, None])

    def frames(self, frame_rate: float, fingerprint_bands: FloatArray) -> TimbreFrames:
        def joined(name: str, width: int) -> FloatArray:
            if not self.parts[name]:
                return np.zeros((0, width) if width else 0, np.float32)
            return np.concatenate(self.parts[name]).astype(np.float32)

        return TimbreFrames(
            frame_rate=frame_rate,
            mfcc=joined("mfcc", MFCC_COUNT),
            chroma=joined("chroma", 12),
            level_db=joined("level", 0),
            centroid_hz=joined("centroid", 0),
            flatness=np.clip(joined("flatness", 0), 0.0, 1.0),
            band_shares=joined("shares", 3),
            fingerprint_bands=fingerprint_bands,
        )
