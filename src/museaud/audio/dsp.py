"""Mixer DSP that carries its state from block to block: a 3-band EQ and a true-peak limiter.

Both give the same samples whatever the block size (live blocks of 128 frames or offline blocks of
4096): the EQ runs scipy's second-order sections sample by sample with its state carried, and the
limiter computes every gain from per-sample quantities with exact operations (minimum, integer
sums), never from a running float accumulation whose rounding would depend on where blocks start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Stereo = npt.NDArray[np.float32]
"""A (2, frames) float32 block: left row, right row."""

LOW_SHELF_HZ = 120.0
MID_HZ = 1000.0
MID_Q = 0.7
HIGH_SHELF_HZ = 6000.0
SHELF_SLOPE = 1.0
EQ_RANGE_DB = 18.0
"""Each band cuts or boosts at most this much."""


class DspError(ValueError):
    """A setting the mixer cannot take: says which and what is allowed."""


@dataclass(frozen=True)
class EqSettings:
    """A lane's 3-band EQ in dB: low shelf, a peak (at mid_hz), high shelf; 0 dB is flat."""

    low_db: float = 0.0
    mid_db: float = 0.0
    high_db: float = 0.0
    mid_hz: float = MID_HZ

    def validated(self) -> EqSettings:
        """self, or DspError naming the band out of range."""
        for name in ("low_db", "mid_db", "high_db"):
            value = getattr(self, name)
            if not -EQ_RANGE_DB <= value <= EQ_RANGE_DB:
                raise DspError(f"EQ {name[:-3]} {value:g} dB is outside ±{EQ_RANGE_DB:g} dB")
        if not 100.0 <= self.mid_hz <= 10000.0:
            raise DspError(f"EQ mid frequency {self.mid_hz:g} Hz is outside 100-10000 Hz")
        return self

    @property
    def flat(self) -> bool:
        """True when the EQ changes nothing (and is skipped)."""
        return self.low_db == 0.0 and self.mid_db == 0.0 and self.high_db == 0.0


def _shelf(kind: str, gain_db: float, freq: float, rate: float) -> list[float]:
    """An RBJ cookbook shelf as one second-order section [b0, b1, b2, 1, a1, a2]."""
    a = 10.0 ** (gain_db / 40.0)
    w0 = 2.0 * math.pi * freq / rate
    cos_w, sin_w = math.cos(w0), math.sin(w0)
    alpha = sin_w / 2.0 * math.sqrt((a + 1.0 / a) * (1.0 / SHELF_SLOPE - 1.0) + 2.0)
    root = 2.0 * math.sqrt(a) * alpha
    sign = 1.0 if kind == "low" else -1.0
    b0 = a * ((a + 1) - sign * (a - 1) * cos_w + root)
    b1 = sign * 2 * a * ((a - 1) - sign * (a + 1) * cos_w)
    b2 = a * ((a + 1) - sign * (a - 1) * cos_w - root)
    a0 = (a + 1) + sign * (a - 1) * cos_w + root
    a1 = -sign * 2 * ((a - 1) + sign * (a + 1) * cos_w)
    a2 = (a + 1) + sign * (a - 1) * cos_w - root
    return [b0 / a0, b1 / a0, b2 / a0, 1.0, a1 / a0, a2 / a0]


def _peak(gain_db: float, freq: float, q: float, rate: float) -> list[float]:
    """An RBJ cookbook peaking EQ as one second-order section."""
    a = 10.0 ** (gain_db / 40.0)
    w0 = 2.0 * math.pi * freq / rate
    alpha = math.sin(w0) / (2.0 * q)
    cos_w = math.cos(w0)
    a0 = 1.0 + alpha / a
    return [
        (1.0 + alpha * a) / a0,
        -2.0 * cos_w / a0,
        (1.0 - alpha * a) / a0,
        1.0,
        -2.0 * cos_w / a0,
        (1.0 - alpha / a) / a0,
    ]


def eq_sections(eq: EqSettings, sample_rate: int) -> npt.NDArray[np.float64]:
    """The EQ's bands that are not flat as second-order sections (n, 6); empty when flat."""
    sections = []
    if eq.low_db:
        sections.append(_shelf("low", eq.low_db, LOW_SHELF_HZ, sample_rate))
    if eq.mid_db:
        sections.append(_peak(eq.mid_db, eq.mid_hz, MID_Q, sample_rate))
    if eq.high_db:
        sections.append(_shelf("high", eq.high_db, HIGH_SHELF_HZ, sample_rate))
    return np.array(sections, dtype=np.float64).reshape(-1, 6)


class Equalizer:
    """A lane's EQ on (2, frames) blocks of at most max_block frames, its filter state carried
    between blocks; it computes in float64 in a buffer of its own."""

    def __init__(self, eq: EqSettings, sample_rate: int, max_block: int) -> None:
        # scipy.signal.sosfilt's kernel, called directly: it filters in place with the state
        # given, so a block costs no validation, no copies and no allocation (sosfilt's wrapper
        # does all three). Imported here: scipy.signal takes half a second to load, which
        # every `museaud` command would pay.
        from scipy.signal._sosfilt import _sosfilt  # noqa: PLC0415

        self._sosfilt = _sosfilt
        self.sections = np.ascontiguousarray(eq_sections(eq.validated(), sample_rate))
        self.state = np.zeros((2, len(self.sections), 2), np.float64)
        self._buffer = np.zeros(2 * max_block, np.float64)

    def process(self, block: Stereo) -> None:
        """Filter block in place. A silent block into a resting filter stays silent and is
        skipped (the exact result, so the skip does not depend on the block size)."""
        if not len(self.sections):
            return
        if not self.state.any() and not block.any():
            return
        frames = block.shape[1]
        signal = self._buffer[: 2 * frames].reshape(2, frames)
        np.copyto(signal, block)
        self._sosfilt(self.sections, signal, self.state)
        np.copyto(block, signal, casting="same_kind")


TRUE_PEAK_OVERSAMPLING = 4
TRUE_PEAK_TAPS = 12
"""Taps per phase of the interpolator that finds the peaks between samples (BS.1770 annex 2)."""
_TAPS_GAIN = 1.86
"""The largest sum of |taps| of the interpolator's phases (1.859)."""
LIMITER_LOOKAHEAD_S = 0.005
LIMITER_HOLD_S = 0.05
_GAIN_STEPS = 1 << 24


def _interpolator() -> npt.NDArray[np.float64]:
    """Windowed-sinc polyphase filters for the samples between two samples, (phases-1, taps)."""
    factor, taps = TRUE_PEAK_OVERSAMPLING, TRUE_PEAK_TAPS
    phases = []
    window = np.kaiser(taps, 5.0)
    for phase in range(1, factor):
        # between[t] = sum_k taps[k] x[t - k] estimates x at t - taps/2 + phase/factor
        phases.append(np.sinc(np.arange(taps) - taps // 2 + phase / factor) * window)
    return np.array(phases)


def true_peak_dbtp(audio: npt.NDArray[np.float32]) -> float:
    """The true peak of (frames, channels) audio in dBTP (4x oversampled), -inf for silence."""
    meter = TruePeakMeter(audio.shape[1])
    meter.add(audio)
    return meter.dbtp


class Limiter:
    """A look-ahead brick-wall limiter that keeps true peaks within `ceiling_db` (dBTP).

    Each sample needs the gain ceiling / true peak (1 when below); the gain is the lowest need
    of the last look-ahead + hold samples, averaged over the look-ahead window ahead, so it
    glides down before a peak, holds, then glides back up. Its output is late by `latency`
    frames. All sums are of integers, so the result is the same for any block size. Blocks of
    up to max_block frames are processed in buffers made once: histories move between two
    buffers in turn, so no copy overlaps itself and nothing is allocated per block.
    """

    def __init__(self, sample_rate: int, ceiling_db: float, max_block: int) -> None:
        from scipy.ndimage import minimum_filter1d  # noqa: PLC0415 - slow to load, see Equalizer

        self._minimum_filter1d = minimum_filter1d
        if not -20.0 <= ceiling_db <= 0.0:
            raise DspError(f"true-peak ceiling {ceiling_db:g} dBTP is outside -20..0 dBTP")
        self.ceiling = 10.0 ** (ceiling_db / 20.0)
        self.window = max(2, round(LIMITER_LOOKAHEAD_S * sample_rate))
        # a peak between samples is found TRUE_PEAK_TAPS / 2 samples late: the audio waits a
        # whole interpolator longer, so the gain is at its lowest over every sample it touches
        self.latency = self.window - 1 + TRUE_PEAK_TAPS
        self.hold = self.latency + round(LIMITER_HOLD_S * sample_rate)
        self.filters = _interpolator()
        taps, ahead, hold = TRUE_PEAK_TAPS, self.window - 1, self.hold
        self._signal = np.zeros((2, taps + max_block), np.float64)  # input, taps of history
        self._carry = np.zeros((2, taps), np.float64)
        self._between = np.zeros((2, max_block), np.float64)
        self._product = np.zeros((2, max_block), np.float64)
        self._peaks = np.zeros((2, max_block), np.float64)
        self._peak = np.zeros(max_block, np.float64)
        self._over = np.zeros(max_block, np.bool_)
        self._scaled = np.zeros(max_block, np.float64)
        self._held = np.zeros(hold + max_block, np.float64)
        self._sums = np.zeros(ahead + 1 + max_block, np.int64)
        self._difference = np.zeros(max_block, np.int64)
        self._gains = np.zeros(max_block, np.float64)
        self._gains32 = np.zeros(max_block, np.float32)
        # the last `hold` needed gains, the held gains not yet averaged, the audio not yet played
        self._needs = [np.ones(hold + max_block, np.float64) for _ in range(2)]
        self._steps = [np.full(ahead + max_block, _GAIN_STEPS, np.int64) for _ in range(2)]
        self._delayed = [np.zeros((2, self.latency + max_block), np.float32) for _ in range(2)]
        self._turn = 0

    def process(self, block: Stereo) -> None:
        """Limit block in place; it comes out `latency` frames late."""
        frames = block.shape[1]
        taps, ahead, hold, turn = TRUE_PEAK_TAPS, self.window - 1, self.hold, self._turn
        signal = self._signal[:, : taps + frames]
        np.copyto(signal[:, taps:], block)
        peaks = self._peaks[:, :frames]
        np.abs(signal[:, taps:], out=peaks)
        between = self._between[:, :frames]
        product = self._product[:, :frames]
        for phase in self.filters:
            between.fill(0.0)
            for k in range(taps):
                np.multiply(signal[:, taps - k : taps - k + frames], phase[k], out=product)
                np.add(between, product, out=between)
            np.abs(between, out=between)
            np.maximum(peaks, between, out=peaks)
        peak = self._peak[:frames]
        np.maximum(peaks[0], peaks[1], out=peak)
        needs = self._needs[turn][: hold + frames]
        need = needs[hold:]
        need.fill(1.0)
        over = self._over[:frames]
        np.greater(peak, self.ceiling, out=over)
        np.divide(self.ceiling, peak, out=need, where=over)
        if needs.min() < 1.0:
            held_all = self._held[: hold + frames]
            self._minimum_filter1d(needs, hold + 1, output=held_all, origin=hold // 2)
            held = held_all[hold:]
        else:
            held = need
        steps = self._steps[turn][: ahead + frames]
        scaled = self._scaled[:frames]
        np.multiply(held, _GAIN_STEPS, out=scaled)
        np.floor(scaled, out=scaled)
        np.copyto(steps[ahead:], scaled, casting="unsafe")
        sums = self._sums[: ahead + 1 + frames]
        np.cumsum(steps, out=sums[1:])
        difference = self._difference[:frames]
        np.subtract(sums[self.window :], sums[:frames], out=difference)
        gains = self._gains[:frames]
        np.divide(difference, self.window * _GAIN_STEPS, out=gains)
        delayed = self._delayed[turn][:, : self.latency + frames]
        np.copyto(delayed[:, self.latency :], block)
        gains32 = self._gains32[:frames]
        np.copyto(gains32, gains, casting="same_kind")
        np.multiply(delayed[:, :frames], gains32, out=block)
        # the histories move to the other buffers, for the next block
        np.copyto(self._carry, signal[:, frames:])
        np.copyto(self._signal[:, :taps], self._carry)
        np.copyto(self._needs[1 - turn][:hold], needs[frames:])
        np.copyto(self._steps[1 - turn][:ahead], steps[frames:])
        np.copyto(self._delayed[1 - turn][:, : self.latency], delayed[:, frames:])
        self._turn = 1 - turn


class TruePeakMeter:
    """The highest true peak (4x oversampled) of (frames, channels) blocks fed in turn."""

    def __init__(self, channels: int = 2) -> None:
        self.filters = _interpolator()
        self.history = np.zeros((channels, TRUE_PEAK_TAPS), np.float64)
        self.peak = 0.0

    def add(self, frames: npt.NDArray[np.float32]) -> None:
        """Measure more audio."""
        if not len(frames):
            return
        signal = np.concatenate([self.history, frames.T.astype(np.float64)], axis=1)
        magnitude = np.abs(signal).max(axis=0)
        self.peak = max(self.peak, float(magnitude[TRUE_PEAK_TAPS:].max()))
        loud = _near(magnitude, self.peak)
        if loud.size:
            self.peak = max(self.peak, float(_between(signal, loud, self.filters).max()))
        self.history = signal[:, -TRUE_PEAK_TAPS:]

    @property
    def dbtp(self) -> float:
        """The peak so far in dBTP (-inf for silence)."""
        return 20.0 * math.log10(self.peak) if self.peak > 0 else -math.inf


def _near(magnitude: npt.NDArray[np.float64], level: float) -> npt.NDArray[np.intp]:
    """Positions (counted from the TAPS-th frame of magnitude, the largest sample of each frame
    over channels) where a peak between samples might pass level: an interpolated value is at
    most the sum of |taps| times the largest sample under the taps."""
    from scipy.ndimage import maximum_filter1d  # noqa: PLC0415 - slow to load, see Equalizer

    reach = maximum_filter1d(magnitude, TRUE_PEAK_TAPS, origin=(TRUE_PEAK_TAPS - 1) // 2)
    return np.flatnonzero(reach[TRUE_PEAK_TAPS:] * _TAPS_GAIN > level)


def _between(
    signal: npt.NDArray[np.float64],
    positions: npt.NDArray[np.intp],
    filters: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The largest magnitude between samples near each position of (channels, TAPS + frames)
    signal (positions count from its TAPS-th frame), over channels and phases."""
    found = np.zeros(positions.size)
    for taps in filters:
        between = np.zeros((signal.shape[0], positions.size))
        for k in range(TRUE_PEAK_TAPS):
            between += taps[k] * signal[:, positions + TRUE_PEAK_TAPS - k]
        np.maximum(found, np.abs(between).max(axis=0), out=found)
    return found
