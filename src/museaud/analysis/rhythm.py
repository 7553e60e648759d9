"""Tempo, beat grid and onsets from the onset envelope.

1. Degara's beat tracker (Essentia's TempoTapDegara) finds beat ticks in the onset envelope, and
   a first robust fit of them gives the tempo roughly. (The tracker's ticks keep to whole
   envelope frames, so over three minutes they drift a tenth of a second and then slip.)
2. That tempo is sharpened on the onsets: the period within 2 % of it at which the onsets line
   up best, searched coarse then fine. "Line up" is the mean resultant of the onsets' phases at
   the beat, the half beat and the quarter beat (so off-beat hats count for, not against, the
   grid). The grid's phase is the half-beat resultant's, on the beat or off it, whichever the
   tracker's ticks sit nearer. Each beat of that grid then takes the strongest envelope peak
   within 8 % of a beat (sub-frame, by parabolic interpolation): these are the beat ticks.
3. The tempo comes from FITTING the ticks: a robust straight line of beat time against beat
   number (Tukey's biweight, so a missed or doubled beat cannot pull it). The slope is the beat
   period, the intercept (modulo the period) the first beat of the grid. When the onsets do not
   line up on any steady grid (a live, drifting tempo) the tracker's own ticks are fitted.
4. Half and double tempo, the rule: a beat is kept between 70 and 180 BPM (halve above, double
   below), and a beat holds about two onsets (eighth notes; the onset picker here counts 1.6 to
   3.2 per beat at the true tempo across the benchmark's grooves). When more than 3.6 onsets
   fall in each beat the tracker has locked onto half time (drum & bass at 87 instead of 174):
   double, if that stays at or under 180. When fewer than 1.3 do it is counting eighth notes:
   halve, if that stays at or above 70. After a change the tracker runs again,
   held to the new tempo, before step 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from museaud.analysis import _essentia
from museaud.analysis.spectra import OnsetEnvelope

FloatArray = npt.NDArray[np.float32]
Float64Array = npt.NDArray[np.float64]

SLOWEST_BPM, FASTEST_BPM = 70.0, 180.0
MOST_ONSETS_PER_BEAT, FEWEST_ONSETS_PER_BEAT = 3.6, 1.3
MIN_BEATS = 8
SAME_INSTANT_S = 0.02
STEADY_ALIGNMENT = 0.2
MOST_ONSETS_ALIGNED = 600  # onsets this aligned (phase resultant) mean a steady tempo


@dataclass(frozen=True, eq=False)
class Rhythm:
    """The tempo and its grid, the beats found, and how busy the track is."""

    bpm: float | None
    beat_offset_s: float | None
    beats: FloatArray
    confidence: float  # 0-1
    onset_times: FloatArray
    onset_rate: float  # per second


def onset_times(
    envelope: OnsetEnvelope, *, threshold: float = 0.05, gap_s: float = 0.05
) -> FloatArray:
    """Times of the envelope's peaks that rise above a moving average (at least `gap_s` apart)."""
    values = envelope.values.astype(np.float64)
    if len(values) < 3:
        return np.zeros(0, np.float32)
    scale = float(np.percentile(values, 99))
    if scale <= 0.0:
        return np.zeros(0, np.float32)
    values /= scale
    half = max(1, round(0.25 * envelope.frame_rate))
    padded = np.pad(values, (half + 1, half), mode="edge")
    sums = np.cumsum(padded)
    moving = (sums[2 * half + 1 :] - sums[: -2 * half - 1]) / (2 * half + 1)
    is_peak = np.zeros(len(values), bool)
    is_peak[1:-1] = (values[1:-1] > values[:-2]) & (values[1:-1] >= values[2:])
    candidates = np.flatnonzero(is_peak & (values > moving + threshold))
    kept: list[int] = []
    spacing = gap_s * envelope.frame_rate
    for index in candidates:
        if not kept or index - kept[-1] >= spacing:
            kept.append(int(index))
    return (np.asarray(kept, np.float64) / envelope.frame_rate).astype(np.float32)


def beat_numbers(ticks: Float64Array) -> Float64Array:
    """Each tick's beat number, counting a gap of two periods as a missed beat, not one beat."""
    gaps = np.diff(ticks)
    typical = float(np.median(gaps)) if len(gaps) else 1.0
    steps = np.maximum(1.0, np.round(gaps / max(typical, 1e-9)))
    return np.concatenate([[0.0], np.cumsum(steps)])


def fit_grid(ticks: Float64Array) -> tuple[float, float, Float64Array]:
    """Robust line through the ticks: (period s, time of beat 0 s, weight of each tick 0-1)."""
    numbers = beat_numbers(ticks)
    weights = np.ones(len(ticks))
    period, intercept = float(np.median(np.diff(ticks))), float(ticks[0])
    for _ in range(8):
        root = np.sqrt(weights)
        design = np.stack([numbers * root, root], axis=1)
        (period, intercept), *_ = np.linalg.lstsq(design, ticks * root, rcond=None)
        residuals = ticks - (period * numbers + intercept)
        spread = 1.4826 * float(np.median(np.abs(residuals))) + 1e-4
        scaled = residuals / (4.685 * spread)
        weights = np.where(np.abs(scaled) < 1.0, (1.0 - scaled**2) ** 2, 0.0)
    return float(period), float(intercept), weights


def _snap_to_peaks(times: Float64Array, envelope: OnsetEnvelope, reach_s: float) -> Float64Array:
    """Each time moved to the envelope's strongest peak within `reach_s`, to a sub-frame."""
    values = envelope.values.astype(np.float64)
    last = len(values) - 2
    reach = max(1, round(reach_s * envelope.frame_rate))
    frames = np.clip(np.round(times * envelope.frame_rate).astype(int), 1, last)
    neighbourhood = np.clip(frames[:, None] + np.arange(-reach, reach + 1)[None, :], 1, last)
    best = neighbourhood[np.arange(len(frames)), np.argmax(values[neighbourhood], axis=1)]
    before, at, after = values[best - 1], values[best], values[best + 1]
    curvature = before - 2.0 * at + after
    bend = np.where(curvature < 0, curvature, -1.0)
    shift = np.where(curvature < 0, 0.5 * (before - after) / bend, 0.0)
    snapped: Float64Array = (best + np.clip(shift, -0.5, 0.5)) / envelope.frame_rate
    return snapped


def _alignment(times: Float64Array, weights: Float64Array, periods: Float64Array) -> Float64Array:
    """For each period, how well the onsets line up on its beats, half and quarter beats (0-1)."""
    total = max(float(weights.sum()), 1e-12)
    score = np.zeros(len(periods))
    for subdivision in (1, 2, 4):
        phases = np.exp(2j * np.pi * subdivision * times[None, :] / periods[:, None])
        score += np.abs(phases @ weights) / total
    return score / 3.0


def sharpen_period(
    onsets: Float64Array, strengths: Float64Array, ticks: Float64Array, period: float
) -> tuple[float, float, float]:
    """The period within 2 % of `period` that lines the onsets up best: (period, phase s, 0-1)."""
    if len(onsets) > MOST_ONSETS_ALIGNED:  # the strongest ones say it as well
        strongest = np.sort(np.argsort(strengths)[-MOST_ONSETS_ALIGNED:])
        onsets, strengths = onsets[strongest], strengths[strongest]
    candidates = period * np.linspace(0.98, 1.02, 101)
    best = float(candidates[int(np.argmax(_alignment(onsets, strengths, candidates)))])
    step = period * 0.0004
    candidates = np.linspace(best - step, best + step, 41)
    scores = _alignment(onsets, strengths, candidates)
    best = float(candidates[int(np.argmax(scores))])
    half_beat = np.exp(4j * np.pi * onsets / best) @ strengths
    phase = (float(np.angle(half_beat)) / (4.0 * np.pi)) % 0.5 * best
    tick_phase = np.angle(np.exp(2j * np.pi * ticks / best).mean()) / (2.0 * np.pi) % 1.0 * best

    def apart(a: float, b: float) -> float:
        gap = abs(a - b) % best
        return min(gap, best - gap)

    if apart(phase + best / 2.0, tick_phase) < apart(phase, tick_phase):
        phase += best / 2.0
    return best, phase % best, float(scores.max())


def _grid_ticks(envelope: OnsetEnvelope, period: float, phase: float) -> Float64Array:
    """Beat ticks: the grid's beats, each moved to the strongest peak within 8 % of a beat."""
    grid = np.arange(phase, envelope.duration_s - 0.5 * period, period)
    return _snap_to_peaks(grid, envelope, 0.08 * period)


def _track(envelope: OnsetEnvelope, bpm_range: tuple[float, float]) -> Float64Array:
    low = int(min(180, max(40, math.floor(bpm_range[0]))))
    high = int(min(250, max(60, math.ceil(bpm_range[1]))))
    ticks = _essentia.beat_ticks(envelope.values, envelope.frame_rate, low, max(high, low + 1))
    return ticks.astype(np.float64)


def preferred_octave(bpm: float, onsets_per_second: float) -> float:
    """The rule of the module docstring: the tempo's octave a musician would count."""
    while bpm > FASTEST_BPM:
        bpm /= 2.0
    while bpm < SLOWEST_BPM:
        bpm *= 2.0
    per_beat = onsets_per_second * 60.0 / bpm
    if per_beat > MOST_ONSETS_PER_BEAT and bpm * 2.0 <= FASTEST_BPM:
        return bpm * 2.0
    if per_beat < FEWEST_ONSETS_PER_BEAT and bpm / 2.0 >= SLOWEST_BPM:
        return bpm / 2.0
    return bpm


def _resample_ticks(ticks: Float64Array, ratio: float, envelope: OnsetEnvelope) -> Float64Array:
    """Ticks at twice (midpoints added) or half (the stronger alternate set) the tempo."""
    if ratio > 1.0:
        middles = (ticks[:-1] + ticks[1:]) / 2.0
        return np.sort(np.concatenate([ticks, middles]))
    frames = np.clip(np.round(ticks * envelope.frame_rate).astype(int), 0, len(envelope.values) - 1)
    even, odd = envelope.values[frames[0::2]].sum(), envelope.values[frames[1::2]].sum()
    return ticks[0::2] if even >= odd else ticks[1::2]


def _confidence(envelope: OnsetEnvelope, beats: Float64Array, weights: Float64Array) -> float:
    """How sure the grid is: the share of ticks on it times how much the beats stand out."""
    values = envelope.values.astype(np.float64)
    frames = np.clip(np.round(beats * envelope.frame_rate).astype(int), 0, len(values) - 1)
    on_beat = float(values[frames].mean())
    overall = float(values.mean())
    if on_beat <= 0.0:
        return 0.0
    standing_out = min(1.0, max(0.0, (1.0 - overall / on_beat) / 0.6))
    return float(np.clip(float(np.mean(weights > 0.5)) * standing_out, 0.0, 1.0))


def analyse_rhythm(envelope: OnsetEnvelope) -> Rhythm:
    """Tempo by fitting beat ticks, half/double corrected; see the module docstring."""
    onsets = onset_times(envelope)
    duration_s = max(envelope.duration_s, 1e-9)
    onset_rate = len(onsets) / duration_s
    silent = Rhythm(None, None, np.zeros(0, np.float32), 0.0, onsets, onset_rate)
    if duration_s < 4.0 or len(onsets) < MIN_BEATS:
        return silent
    ticks = _track(envelope, (40.0, 208.0))
    if len(ticks) < MIN_BEATS:
        return silent
    period, _, _ = fit_grid(ticks)
    bpm = 60.0 / period
    wanted = preferred_octave(bpm, onset_rate)
    if abs(wanted / bpm - 1.0) > 0.25:
        retracked = _track(envelope, (wanted * 0.8, wanted * 1.25))
        if len(retracked) >= MIN_BEATS and abs(60.0 / fit_grid(retracked)[0] / wanted - 1.0) < 0.15:
            ticks = retracked
        else:
            ticks = _resample_ticks(ticks, wanted / bpm, envelope)
    period, _, _ = fit_grid(ticks)
    onset_frames = np.clip(
        np.round(onsets * envelope.frame_rate).astype(int), 0, len(envelope.values) - 1
    )
    strengths = envelope.values[onset_frames].astype(np.float64)
    sharp, phase, aligned = sharpen_period(onsets.astype(np.float64), strengths, ticks, period)
    if aligned >= STEADY_ALIGNMENT:
        beats = _grid_ticks(envelope, sharp, phase)
    else:
        beats = _snap_to_peaks(ticks, envelope, 2.0 / envelope.frame_rate)
    if len(beats) < MIN_BEATS:
        return silent
    period, intercept, weights = fit_grid(beats)
    if period <= 0.0:
        return silent
    offset = intercept % period
    if offset > period - SAME_INSTANT_S:  # the first beat falls a hair before 0: call it 0
        offset = 0.0
    return Rhythm(
        bpm=60.0 / period,
        beat_offset_s=offset,
        beats=beats.astype(np.float32),
        confidence=_confidence(envelope, beats, weights),
        onset_times=onsets,
        onset_rate=onset_rate,
    )
