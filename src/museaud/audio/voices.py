"""The built-in sounds: every stroke of every percussion instrument and every pitched instrument's
notes, synthesised here with numpy, so museaud ships no sample files and plays on any machine.

Each sound is a physical or spectral model of the real instrument: struck membranes and bars are
sums of damped modes (a conga's open tone rings at its pitch, a clave is one bright wooden mode),
bells have their inharmonic partials, cymbals and hats are banks of detuned square waves through a
high-pass filter, shakers and scrapers are shaped noise, plucked and struck strings are additive
partials that decay faster the higher they are, and sustained instruments (organ, brass, strings,
pads, leads) run band-limited wavetable oscillators that the engine ends at the note's length.
resources/README.md lists every sound and how it is made.

A sound depends only on (instrument, key, pitch offset, sample rate) and on nothing random at play
time (noise comes from a generator seeded by those), so a live performance and an offline render
use the very same samples. Sounds are cached process-wide (bounded by bytes, least recently used
first out) and are read-only arrays, safe to hand to the audio thread.
"""

from __future__ import annotations

import math
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import signal

from museaud.audio.schedule import Timeline
from museaud.patterns.instruments import INSTRUMENTS

Sound = npt.NDArray[np.float32]
Signal = npt.NDArray[np.float64]

MAX_SOUND_SECONDS = 4.0
"""No built-in sound lasts longer: sustained notes are ended by the engine at the note's length."""
SOUND_PEAK = 0.5
"""A sound's peak at velocity 127 and volume 1: -6 dBFS, leaving headroom for a full mix."""
CACHE_BYTES = 256 * 1024 * 1024
"""How much synthesised sound stays cached across sound banks before the oldest is dropped."""

_FADE_OUT_S = 0.005
_ATTACK_S = 0.0006
_SILENCE = 1e-4  # -80 dB below the peak: where a decaying sound is cut


class VoiceError(ValueError):
    """A sound that cannot be made: unknown instrument, key outside MIDI, bad sample rate."""


def velocity_gain(velocity: int) -> float:
    """Amplitude for a MIDI velocity: (v/127)², the General MIDI curve (40 dB over 1-127)."""
    if not 0 <= velocity <= 127:
        raise VoiceError(f"velocity {velocity} is outside 0-127")
    return (velocity / 127.0) ** 2


VELOCITY_GAINS: npt.NDArray[np.float32] = np.array(
    [velocity_gain(v) for v in range(128)], dtype=np.float32
)
"""velocity_gain for every velocity 0-127, for players that look gains up."""
VELOCITY_GAINS.setflags(write=False)


def midi_frequency(key: float) -> float:
    """Frequency in Hz of a MIDI key (69 = A4 = 440 Hz); fractional keys are allowed."""
    return float(440.0 * 2.0 ** ((key - 69.0) / 12.0))


# --------------------------------------------------------------------------- building blocks


@dataclass(frozen=True)
class _Voice:
    """What a recipe gets: sample rate, tuning ratio, the note's pitch and a seeded generator."""

    rate: int
    tune: float  # frequency ratio from the pitch offset (percussion retuning)
    freq: float  # the note's fundamental (pitched) or 0.0
    key: int
    rng: np.random.Generator

    def frames(self, seconds: float) -> int:
        return max(1, int(min(seconds, MAX_SOUND_SECONDS) * self.rate))

    def time(self, seconds: float) -> Signal:
        return np.arange(self.frames(seconds), dtype=np.float64) / self.rate

    @property
    def nyquist(self) -> float:
        return 0.45 * self.rate

    def noise(self, seconds: float) -> Signal:
        return self.rng.standard_normal(self.frames(seconds))


def _modes(
    voice: _Voice,
    freqs: list[float] | Signal,
    amps: list[float] | Signal,
    decays: list[float] | Signal,
    seconds: float,
    *,
    phases: Signal | None = None,
) -> Signal:
    """A sum of exponentially decaying sine modes (Hz, amplitude, decay time constant in s; a
    decay of 0 never decays).

    Computed as one matrix product: each mode is a complex exponential z**n, split as
    z**(block * B) times z**(offset) for n = block * B + offset, so the whole sum costs two real
    matrix products of (blocks x modes) by (modes x B) instead of a sine and an exponential per
    sample and mode.
    """
    n = voice.frames(seconds)
    f = np.asarray(freqs, dtype=np.float64)
    a = np.asarray(amps, dtype=np.float64)
    d = np.asarray(decays, dtype=np.float64)
    phase = np.zeros(len(f)) if phases is None else np.asarray(phases, dtype=np.float64)
    keep = (f > 0.0) & (f < voice.nyquist) & (a != 0.0)
    if not keep.any():
        return np.zeros(n)
    f, a, d, phase = f[keep], a[keep], d[keep], phase[keep]
    damping = np.where(d > 0.0, 1.0 / np.where(d > 0.0, d, 1.0), 0.0) / voice.rate
    step = -damping + 2j * np.pi * f / voice.rate  # log of z per sample
    width = math.ceil(math.sqrt(n))
    blocks = -(-n // width)
    offsets = (
        np.exp(np.outer(step, np.arange(width))) * (a * np.exp(1j * (phase - np.pi / 2)))[:, None]
    )
    starts = np.exp(np.outer(np.arange(blocks) * width, step))
    # products in row chunks small enough that BLAS keeps them on one thread: its threads only
    # fight over busy cores for work this size
    real, imag = np.ascontiguousarray(offsets.real), np.ascontiguousarray(offsets.imag)
    out = np.empty((blocks, width))
    scratch = np.empty((blocks, width))
    rows = max(1, 200_000 // (len(f) * width))
    for first in range(0, blocks, rows):
        chunk = slice(first, first + rows)
        np.matmul(starts.real[chunk], real, out=out[chunk])
        np.matmul(starts.imag[chunk], imag, out=scratch[chunk])
    out -= scratch
    mixed: Signal = out.ravel()[:n]
    return mixed


def _sweep_phase(voice: _Voice, start: float, end: float, glide: float, seconds: float) -> Signal:
    """Phase (radians) of a tone gliding exponentially from start Hz to end Hz (time constant)."""
    t = voice.time(seconds)
    freq = end + (start - end) * np.exp(-t / glide)
    return 2.0 * np.pi * np.cumsum(freq) / voice.rate


def _band(
    voice: _Voice, x: Signal, low: float | None, high: float | None, order: int = 2
) -> Signal:
    """x through a Butterworth band-, high- or low-pass (edges in Hz, kept below Nyquist: a band
    retuned past it becomes a high-pass near the top)."""
    top = voice.rate * 0.49
    if low is not None:
        low = min(low, top * 0.85)
    if high is not None:
        high = min(high, top)
    if low is not None and high is not None and low < high * 0.95:
        sos = signal.butter(order, [low, high], "bandpass", fs=voice.rate, output="sos")
    elif low is not None:
        sos = signal.butter(order, low, "highpass", fs=voice.rate, output="sos")
    elif high is not None:
        sos = signal.butter(order, high, "lowpass", fs=voice.rate, output="sos")
    else:
        return x
    return np.asarray(signal.sosfilt(sos, x), dtype=np.float64)


def _resonator(voice: _Voice, x: Signal, freq: float, q: float) -> Signal:
    """x through a resonant band-pass at freq with quality q (a ringing body or plate)."""
    freq = min(freq, voice.rate * 0.45)
    b, a = signal.iirpeak(freq, q, fs=voice.rate)
    return np.asarray(signal.lfilter(b, a, x), dtype=np.float64)


def _decay(voice: _Voice, seconds: float, decay: float, *, hold: float = 0.0) -> Signal:
    """An exponential decay envelope (time constant decay) after an optional flat hold."""
    t = voice.time(seconds)
    return np.exp(-np.maximum(t - hold, 0.0) / decay)


def _metal(voice: _Voice, seconds: float, base: float) -> Signal:
    """Six detuned square waves at inharmonic ratios (the TR-808 recipe): a cymbal's raw metal."""
    t = voice.time(seconds)
    ratios = (1.0, 1.4471, 1.6170, 1.9265, 2.5028, 2.6637)
    out = np.zeros(len(t))
    for ratio in ratios:
        phase = (base * ratio * t + voice.rng.random()) % 1.0
        out += np.where(phase < 0.5, 1.0, -1.0)
    return out


def _ticks(voice: _Voice, seconds: float, rate_hz: float, jitter: float) -> Signal:
    """Impulses at about rate_hz with random spacing: the teeth of a scraper, grains of a shaker."""
    n = voice.frames(seconds)
    out = np.zeros(n)
    period = voice.rate / rate_hz
    count = int(n / period) + 1
    spacing = period * (1.0 + jitter * (voice.rng.random(count) - 0.5))
    positions = np.cumsum(spacing).astype(np.int64) - int(spacing[0])
    positions = positions[positions < n]
    out[positions] = 0.5 + voice.rng.random(len(positions))
    return out


# --------------------------------------------------------------------------- percussion


def _kick(voice: _Voice, *, low: float, high: float, decay: float, click: float) -> Signal:
    seconds = decay * 7.0
    phase = _sweep_phase(voice, high * voice.tune, low * voice.tune, 0.035, seconds)
    body = np.sin(phase) * _decay(voice, seconds, decay)
    beater = _band(voice, voice.noise(0.012), 1500.0, 6000.0) * _decay(voice, 0.012, 0.002)
    body[: len(beater)] += click * beater
    return body


def _snare(voice: _Voice, *, tone: float, wires: float, decay: float, bright: float) -> Signal:
    f = tone * voice.tune
    seconds = decay * 6.0
    shell = _modes(voice, [f, f * 1.47, f * 1.84], [1.0, 0.6, 0.3], [0.09, 0.05, 0.03], seconds)
    noise = _band(voice, voice.noise(seconds), 1800.0 * voice.tune, bright * voice.tune)
    noise *= _decay(voice, seconds, decay)
    return 0.5 * shell + wires * noise / float(np.abs(noise).max() + 1e-12)


def _side_stick(voice: _Voice) -> Signal:
    f = 1650.0 * voice.tune
    wood = _modes(
        voice, [f, f * 2.4, 480.0 * voice.tune], [1.0, 0.4, 0.5], [0.012, 0.006, 0.03], 0.2
    )
    crack = _band(voice, voice.noise(0.01), 2000.0, 9000.0) * _decay(voice, 0.01, 0.0015)
    wood[: len(crack)] += 0.6 * crack
    return wood


def _clap(voice: _Voice) -> Signal:
    seconds = 0.35
    noise = _band(voice, voice.noise(seconds), 900.0 * voice.tune, 2600.0 * voice.tune)
    t = voice.time(seconds)
    env = 0.6 * np.exp(-t / 0.07)  # the room after the hands
    for start in (0.0, 0.011, 0.021, 0.030):  # several hands, a few ms apart
        env += np.where(t >= start, np.exp(-np.maximum(t - start, 0.0) / 0.0045), 0.0)
    return noise * env


def _tom(voice: _Voice, pitch: float, *, decay: float = 0.35, bend: float = 1.25) -> Signal:
    f = pitch * voice.tune
    seconds = decay * 6.0
    phase = _sweep_phase(voice, f * bend, f, 0.04, seconds)
    body = np.sin(phase) * _decay(voice, seconds, decay)
    body += 0.35 * np.sin(phase * 1.59) * _decay(voice, seconds, decay * 0.35)
    body += 0.15 * np.sin(phase * 2.14) * _decay(voice, seconds, decay * 0.2)
    stick = _band(voice, voice.noise(0.02), 1000.0, 7000.0) * _decay(voice, 0.02, 0.004)
    body[: len(stick)] += 0.4 * stick
    return body


def _hat(voice: _Voice, decay: float, *, low: float = 7000.0) -> Signal:
    seconds = decay * 7.0
    metal = _metal(voice, seconds, 330.0 * voice.tune) + 0.5 * voice.noise(seconds)
    metal = _band(voice, metal, low * voice.tune, None, order=4)
    return metal * _decay(voice, seconds, decay)


def _cymbal(voice: _Voice, decay: float, *, low: float = 4000.0, ping: float = 0.0) -> Signal:
    seconds = min(decay * 5.0, MAX_SOUND_SECONDS)
    wash = _metal(voice, seconds, 420.0 * voice.tune) + 0.7 * voice.noise(seconds)
    wash = _band(voice, wash, low * voice.tune, 14000.0, order=3)
    t = voice.time(seconds)
    wash *= np.exp(-t / decay) * (1.0 - np.exp(-t / 0.004))
    if ping:
        f = 3200.0 * voice.tune
        bell = _modes(
            voice,
            [f, f * 1.33, f * 1.71, f * 2.26],
            [1, 0.7, 0.5, 0.3],
            [0.5, 0.4, 0.3, 0.2],
            seconds,
        )
        wash += ping * bell
    return wash


def _ride_bell(voice: _Voice) -> Signal:
    f = 740.0 * voice.tune
    ratios = [1.0, 1.51, 2.13, 2.76, 3.41, 4.43]
    bell = _modes(
        voice,
        [f * r for r in ratios],
        [1.0, 0.8, 0.6, 0.45, 0.3, 0.2],
        [1.2, 0.9, 0.6, 0.45, 0.3, 0.2],
        4.0,
    )
    return bell + 0.15 * _cymbal(voice, 1.5)


def _bell(voice: _Voice, f1: float, f2: float, decay: float, *, body: float = 0.5) -> Signal:
    """A bell with two strong inharmonic partials (a cowbell, an agogo) and a few weaker ones."""
    f1 *= voice.tune
    f2 *= voice.tune
    seconds = decay * 6.0
    tone = _modes(
        voice,
        [f1, f2, f1 * 2.63, f2 * 2.05, f1 * 4.2],
        [1.0, 0.85, 0.25 * body, 0.2 * body, 0.1 * body],
        [decay, decay * 0.8, decay * 0.35, decay * 0.3, decay * 0.2],
        seconds,
    )
    strike = _band(voice, voice.noise(0.008), 2000.0, 8000.0) * _decay(voice, 0.008, 0.0015)
    tone[: len(strike)] += 0.5 * strike
    return tone


def _membrane(
    voice: _Voice,
    pitch: float,
    decay: float,
    *,
    slap: float = 0.0,
    overtones: float = 0.5,
    bend: float = 1.04,
) -> Signal:
    """A hand drum's head: its fundamental ringing with the circular membrane's overtones (which
    die quickly), the tone bending down a little after the stroke, and a slap's crack."""
    f = pitch * voice.tune
    seconds = decay * 6.0 + 0.05
    phase = _sweep_phase(voice, f * bend, f, 0.02, seconds)
    tone = np.sin(phase) * _decay(voice, seconds, decay)
    for ratio, amp, shorter in (
        (1.50, 0.55, 0.45),
        (1.98, 0.35, 0.35),
        (2.44, 0.25, 0.25),
        (2.94, 0.15, 0.18),
    ):
        tone += overtones * amp * np.sin(phase * ratio) * _decay(voice, seconds, decay * shorter)
    hand = _band(voice, voice.noise(0.03), 400.0 * voice.tune, 4000.0 * voice.tune)
    tone[: len(hand)] += 0.25 * hand * _decay(voice, 0.03, 0.004)
    if slap:
        crack = _band(voice, voice.noise(0.06), 700.0 * voice.tune, 5000.0 * voice.tune)
        crack *= _decay(voice, 0.06, 0.01)
        crack = crack / (np.abs(crack).max() + 1e-12)
        tone[: len(crack)] += slap * crack * np.abs(tone).max()
    return tone


def _timbale(voice: _Voice, pitch: float, decay: float) -> Signal:
    """A timbal: a thin, tight head over a steel shell, so a bright head tone with the shell's
    inharmonic ring and the stick's crack on top (the cáscara on the shell is _shell)."""
    head = _membrane(voice, pitch, decay, slap=0.5, overtones=0.8, bend=1.02)
    f = pitch * voice.tune
    shell = _modes(
        voice,
        [f * 4.87, f * 7.31, f * 11.2, f * 15.6],
        [1.0, 0.8, 0.5, 0.3],
        [0.12, 0.09, 0.06, 0.04],
        0.6,
    )
    head[: len(shell)] += 0.25 * float(np.abs(head).max()) * shell / float(np.abs(shell).max())
    return head


def _wood(voice: _Voice, pitch: float, decay: float) -> Signal:
    """A hard wooden bar struck: one bright mode and the free bar's overtones (ratios 2.76, 5.4)."""
    f = pitch * voice.tune
    tone = _modes(
        voice,
        [f, f * 2.76, f * 5.40],
        [1.0, 0.35, 0.12],
        [decay, decay * 0.4, decay * 0.2],
        decay * 9.0,
    )
    knock = _band(voice, voice.noise(0.004), 1500.0, 10000.0) * _decay(voice, 0.004, 0.0008)
    tone[: len(knock)] += 0.3 * knock
    return tone


def _shaker(voice: _Voice, length: float, *, low: float = 3500.0, grains: float = 0.0) -> Signal:
    """Seeds hitting a shell: high band-passed noise under a quick swell-and-fall envelope."""
    seconds = length * 2.5
    noise = _band(voice, voice.noise(seconds), low * voice.tune, min(14000.0, voice.nyquist), 3)
    t = voice.time(seconds)
    env = (1.0 - np.exp(-t / (length * 0.15))) * np.exp(-t / (length * 0.45))
    if grains:
        env *= 1.0 + grains * _band(voice, _ticks(voice, seconds, 900.0, 1.5), None, 300.0)
    return noise * env


def _scrape(voice: _Voice, length: float, *, teeth: float, low: float, high: float) -> Signal:
    """A stick across ridges: a train of ticks at the teeth rate through a hollow body."""
    seconds = length + 0.05
    ticks = _ticks(voice, seconds, teeth, 0.3)
    body = _band(voice, ticks + 0.15 * voice.noise(seconds), low * voice.tune, high * voice.tune)
    t = voice.time(seconds)
    env = np.clip(t / 0.01, 0.0, 1.0) * np.clip((seconds - 0.05 - t) / 0.03 + 1.0, 0.0, 1.0)
    return body * env * np.exp(-t / (length * 2.0))


def _whistle(voice: _Voice, length: float) -> Signal:
    t = voice.time(length + 0.05)
    f = 2600.0 * voice.tune * (1.0 + 0.04 * np.sin(2 * np.pi * 28.0 * t))
    tone = np.sin(2.0 * np.pi * np.cumsum(f) / voice.rate)
    breath = _band(voice, voice.noise(length + 0.05), 2000.0, 4000.0)
    env = np.clip(t / 0.015, 0, 1) * np.clip((length - t) / 0.03 + 1.0, 0.0, 1.0)
    return (tone + 0.2 * breath / float(np.abs(breath).max() + 1e-12)) * env


def _cuica(voice: _Voice, *, open_: bool) -> Signal:
    length = 0.35 if open_ else 0.12
    t = voice.time(length + 0.05)
    start, top = (320.0, 620.0) if open_ else (560.0, 700.0)
    curve = np.sin(np.pi * np.clip(t / length, 0, 1)) if open_ else np.clip(t / length, 0, 1)
    f = voice.tune * (start + (top - start) * curve)
    phase = 2.0 * np.pi * np.cumsum(f) / voice.rate
    tone = np.sin(phase) + 0.5 * np.sin(2 * phase) + 0.25 * np.sin(3 * phase)
    env = np.clip(t / 0.01, 0, 1) * np.exp(-np.maximum(t - length * 0.6, 0) / (length * 0.2))
    return tone * env


def _triangle(voice: _Voice, decay: float) -> Signal:
    f = 1180.0 * voice.tune
    ratios = [1.0, 2.03, 3.08, 4.12, 5.19, 6.31, 7.38, 8.53]
    amps = [0.5, 1.0, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]
    decays = [decay * (1.0 - 0.06 * i) for i in range(len(ratios))]
    return _modes(voice, [f * r for r in ratios], amps, decays, decay * 5.0)


def _tambourine(voice: _Voice) -> Signal:
    seconds = 0.6
    jingles = _metal(voice, seconds, 1350.0 * voice.tune) + voice.noise(seconds)
    jingles = _band(voice, jingles, 5000.0 * voice.tune, 13000.0, 3)
    t = voice.time(seconds)
    rattle = 1.0 + 0.5 * np.sin(2 * np.pi * 38.0 * t) * np.exp(-t / 0.08)
    jingles *= np.exp(-t / 0.12) * rattle
    head = _modes(voice, [310.0 * voice.tune], [0.3], [0.04], 0.2)
    jingles[: len(head)] += head * np.abs(jingles).max()
    return jingles


def _vibraslap(voice: _Voice) -> Signal:
    seconds = 1.2
    ticks = _ticks(voice, seconds, 32.0, 0.2)
    rattle = _resonator(voice, ticks, 2900.0 * voice.tune, 12.0)
    rattle += 0.6 * _resonator(voice, ticks, 1400.0 * voice.tune, 10.0)
    return rattle * _decay(voice, seconds, 0.3)


def _scratch(voice: _Voice, *, push: bool) -> Signal:
    length = 0.18
    t = voice.time(length + 0.04)
    speed = np.sin(np.pi * np.clip(t / length, 0, 1)) ** (0.6 if push else 1.4)
    f = voice.tune * (90.0 + 520.0 * speed)
    phase = np.cumsum(f) / voice.rate
    saw = 2.0 * (phase % 1.0) - 1.0
    grit = _band(voice, voice.noise(length + 0.04), 400.0, 3000.0) * speed
    return _band(voice, saw, None, 3000.0) * speed + 0.3 * grit


def _jingle_bells(voice: _Voice) -> Signal:
    seconds = 0.9
    out = np.zeros(voice.frames(seconds))
    for shake in range(5):
        start = int((shake * 0.018 + 0.004 * voice.rng.random()) * voice.rate)
        f = (2800.0 + 900.0 * voice.rng.random()) * voice.tune
        bell = _modes(voice, [f, f * 1.87, f * 2.71], [1.0, 0.6, 0.3], [0.25, 0.15, 0.1], seconds)
        out[start:] += bell[: len(out) - start] * (1.0 - 0.12 * shake)
    return out


def _belltree(voice: _Voice) -> Signal:
    seconds = 2.5
    out = np.zeros(voice.frames(seconds))
    for step in range(12):
        start = int(step * 0.07 * voice.rate)
        f = 3800.0 * voice.tune * 2.0 ** (-step / 14.0)
        bell = _modes(voice, [f, f * 2.32, f * 3.9], [1.0, 0.4, 0.2], [0.6, 0.3, 0.15], seconds)
        out[start:] += bell[: len(out) - start]
    return out


def _castanets(voice: _Voice) -> Signal:
    click = _wood(voice, 1900.0, 0.008)
    out = np.zeros(voice.frames(0.12))
    for start, gain in ((0.0, 1.0), (0.016, 0.7)):
        begin = int(start * voice.rate)
        out[begin : begin + len(click)] += gain * click[: len(out) - begin]
    return out


def _beep(voice: _Voice, freq: float, decay: float, *, square: bool = False) -> Signal:
    seconds = decay * 6.0
    t = voice.time(seconds)
    phase = 2.0 * np.pi * freq * voice.tune * t
    tone = np.sign(np.sin(phase)) * 0.5 if square else np.sin(phase)
    if square:
        tone = _band(voice, tone, None, 8000.0)
    return tone * np.exp(-t / decay)


def _fallback(voice: _Voice) -> Signal:
    """Keys no General MIDI drum map names: a short tuned tick, higher for higher keys."""
    return _wood(
        voice, float(np.clip(600.0 * 2.0 ** ((voice.key - 60) / 24.0), 150.0, 4000.0)), 0.03
    )


_Recipe = Callable[[_Voice], Signal]

_DRUM_KEYS: dict[int, _Recipe] = {
    27: lambda v: _beep(v, 1900.0, 0.03),  # high Q
    28: lambda v: _band(v, v.noise(0.08), 300.0, 2500.0) * _decay(v, 0.08, 0.012),  # slap
    29: lambda v: _scratch(v, push=True),
    30: lambda v: _scratch(v, push=False),
    31: lambda v: _wood(v, 2700.0, 0.012),  # sticks
    32: lambda v: _beep(v, 1000.0, 0.006, square=True),  # square click
    33: lambda v: _beep(v, 1600.0, 0.008),  # metronome click
    34: lambda v: _modes(v, [2500.0 * v.tune, 6100.0 * v.tune], [1.0, 0.4], [0.18, 0.08], 1.0),
    35: lambda v: _kick(v, low=48.0, high=120.0, decay=0.16, click=0.25),  # acoustic bass drum
    36: lambda v: _kick(v, low=55.0, high=160.0, decay=0.12, click=0.45),  # bass drum
    37: _side_stick,
    38: lambda v: _snare(v, tone=185.0, wires=0.9, decay=0.13, bright=9000.0),
    39: _clap,
    40: lambda v: _snare(v, tone=220.0, wires=1.1, decay=0.09, bright=12000.0),
    41: lambda v: _tom(v, 82.0, decay=0.26),
    42: lambda v: _hat(v, 0.035),
    43: lambda v: _tom(v, 98.0, decay=0.24),
    44: lambda v: _hat(v, 0.025, low=5500.0),
    45: lambda v: _tom(v, 112.0, decay=0.22),
    46: lambda v: _hat(v, 0.35, low=6500.0),
    47: lambda v: _tom(v, 132.0, decay=0.2),
    48: lambda v: _tom(v, 150.0, decay=0.18),
    49: lambda v: _cymbal(v, 1.1),
    50: lambda v: _tom(v, 175.0, decay=0.16),
    51: lambda v: _cymbal(v, 0.9, low=5000.0, ping=0.6),
    52: lambda v: _cymbal(v, 0.8, low=2500.0),  # chinese: trashier, lower
    53: _ride_bell,
    54: _tambourine,
    55: lambda v: _cymbal(v, 0.45, low=5000.0),  # splash
    56: lambda v: _bell(v, 560.0, 835.0, 0.16),  # cowbell (campana)
    57: lambda v: _cymbal(v, 1.3, low=3500.0),
    58: _vibraslap,
    59: lambda v: _cymbal(v, 1.0, low=5500.0, ping=0.8),
    60: lambda v: _membrane(v, 400.0, 0.09, overtones=0.6),  # hi bongo (macho)
    61: lambda v: _membrane(v, 290.0, 0.11, overtones=0.6),  # low bongo (hembra)
    62: lambda v: _membrane(v, 215.0, 0.035, slap=1.6, overtones=0.9),  # mute / slap conga
    63: lambda v: _membrane(v, 205.0, 0.16),  # open conga
    64: lambda v: _membrane(v, 160.0, 0.2),  # low conga (tumba)
    65: lambda v: _timbale(v, 370.0, 0.18),  # high timbale
    66: lambda v: _timbale(v, 260.0, 0.22),  # low timbale
    67: lambda v: _bell(v, 910.0, 1240.0, 0.3, body=0.8),  # high agogo
    68: lambda v: _bell(v, 640.0, 880.0, 0.35, body=0.8),  # low agogo
    69: lambda v: _scrape(v, 0.14, teeth=170.0, low=4500.0, high=13000.0),  # cabasa / güira
    70: lambda v: _shaker(v, 0.06, grains=0.8),  # maracas
    71: lambda v: _whistle(v, 0.12),
    72: lambda v: _whistle(v, 0.55),
    73: lambda v: _scrape(v, 0.09, teeth=90.0, low=1800.0, high=6500.0),  # short güiro
    74: lambda v: _scrape(v, 0.38, teeth=70.0, low=1800.0, high=6500.0),  # long güiro
    75: lambda v: _wood(v, 2450.0, 0.045),  # claves
    76: lambda v: _wood(v, 1250.0, 0.03),  # hi wood block
    77: lambda v: _wood(v, 850.0, 0.035),  # low wood block
    78: lambda v: _cuica(v, open_=False),
    79: lambda v: _cuica(v, open_=True),
    80: lambda v: _triangle(v, 0.07),
    81: lambda v: _triangle(v, 1.2),
    82: lambda v: _shaker(v, 0.11, low=4000.0, grains=0.5),
    83: _jingle_bells,
    84: _belltree,
    85: _castanets,
    86: lambda v: _tom(v, 58.0, decay=0.12, bend=1.3),  # mute surdo
    87: lambda v: _tom(v, 55.0, decay=0.8, bend=1.2),  # open surdo
}


def _heel(voice: _Voice) -> Signal:
    """A hand drum's heel (palm) stroke: a soft, dull thump of the head, no ring."""
    return _membrane(voice, 150.0, 0.025, overtones=0.15, bend=1.0)


def _tip(voice: _Voice) -> Signal:
    """A hand drum's toe (fingertips) stroke: a light, short tap near the rim."""
    return _membrane(voice, 240.0, 0.018, overtones=0.5, bend=1.0)


def _shell(voice: _Voice) -> Signal:
    """A stick on a timbal's steel shell (the cáscara): a dry click with the shell's ring."""
    f = 1900.0 * voice.tune
    tone = _modes(voice, [f, f * 1.52, f * 2.31], [1.0, 0.6, 0.3], [0.03, 0.02, 0.012], 0.25)
    knock = _band(voice, voice.noise(0.004), 2000.0, 10000.0) * _decay(voice, 0.004, 0.0008)
    tone[: len(knock)] += 0.4 * knock
    return tone


def _mambo_bell(voice: _Voice, neck: bool) -> Signal:
    """The timbalero's bell, smaller and higher than the bongo bell: open at the mouth, a short
    closed 'tink' at the neck."""
    if neck:
        return _bell(voice, 1040.0, 1560.0, 0.08, body=0.3)
    return _bell(voice, 780.0, 1170.0, 0.22)


# Instruments whose stroke on a shared GM key sounds unlike the generic key.
_STROKES: dict[tuple[str, int], _Recipe] = {
    ("timbale_bell", 56): lambda v: _bell(v, 780.0, 1170.0, 0.22),  # smaller, higher mambo bell
    ("timbales", 56): lambda v: _bell(v, 780.0, 1170.0, 0.22),
    ("timbale_bell", 68): lambda v: _mambo_bell(v, neck=False),
    ("timbale_bell", 67): lambda v: _mambo_bell(v, neck=True),
    ("timbales", 68): lambda v: _mambo_bell(v, neck=False),
    ("timbales", 67): lambda v: _mambo_bell(v, neck=True),
    ("timbales", 76): _shell,  # the cáscara
    ("cata", 76): lambda v: _wood(v, 1500.0, 0.03),  # sticks on the bamboo
    ("cata", 77): lambda v: _wood(v, 1300.0, 0.025),
    ("salidor", 64): lambda v: _membrane(v, 140.0, 0.22),
    ("quinto", 63): lambda v: _membrane(v, 260.0, 0.13),
    ("quinto", 62): lambda v: _membrane(v, 270.0, 0.03, slap=1.7, overtones=0.9),
    **{(drum, 88): _heel for drum in ("conga", "salidor", "tres_dos", "quinto")},
    **{(drum, 89): _tip for drum in ("conga", "salidor", "tres_dos", "quinto")},
    ("shaker", 70): lambda v: _shaker(v, 0.1, low=4000.0, grains=0.5),
    ("guira", 70): lambda v: _scrape(v, 0.05, teeth=220.0, low=5000.0, high=14000.0),
    ("tambora", 48): lambda v: _membrane(v, 150.0, 0.14, overtones=0.5, bend=1.1),
    ("tambora", 45): lambda v: _membrane(v, 190.0, 0.05, slap=1.2, overtones=0.8),
    ("tambora", 47): lambda v: _membrane(v, 130.0, 0.04, overtones=0.3),
    ("tambora", 37): lambda v: _wood(v, 1100.0, 0.02),  # the stick on the wooden shell
    ("bongo_bachata", 60): lambda v: _membrane(v, 420.0, 0.08, overtones=0.7),
    ("bongo_bachata", 61): lambda v: _membrane(v, 300.0, 0.1, overtones=0.7),
}

# Loudness trims: noisy and long sounds at the same peak sound far louder than short tones.
_LEVEL: dict[int, float] = {
    42: 0.7,
    44: 0.6,
    46: 0.6,
    49: 0.7,
    51: 0.6,
    52: 0.65,
    55: 0.65,
    57: 0.7,
    59: 0.6,
    69: 0.7,
    70: 0.7,
    73: 0.8,
    74: 0.8,
    82: 0.7,
}


# --------------------------------------------------------------------------- pitched

# Held notes carry far more energy than plucked or struck ones at the same peak.
_FAMILY_LEVEL: dict[str, float] = {"keys": 0.9, "pad": 0.65, "strings": 0.7, "lead": 0.65}


def _wavetable(voice: _Voice, harmonics: Signal, size: int = 2048) -> Signal:
    """One period of the waveform with these harmonic amplitudes (sines), for _oscillator."""
    spectrum = np.zeros(size // 2 + 1, dtype=np.complex128)
    count = min(len(harmonics), size // 2 - 1)
    spectrum[1 : count + 1] = -0.5j * size * harmonics[:count]
    table = np.fft.irfft(spectrum, size)
    return np.append(table, table[0])  # a guard point for interpolation


def _harmonic_count(voice: _Voice, freq: float, most: int = 64) -> int:
    return max(1, min(most, int(voice.nyquist / (freq * 1.02))))


def _oscillator(voice: _Voice, table: Signal, freq: Signal) -> Signal:
    """A wavetable oscillator following a frequency track (Hz per sample), linear interpolation."""
    size = len(table) - 1
    start = voice.rng.random()
    position = (np.cumsum(freq) / voice.rate + start) % 1.0 * size
    index = position.astype(np.int64)
    frac = position - index
    return table[index] * (1.0 - frac) + table[index + 1] * frac


def _vibrato(voice: _Voice, seconds: float, rate: float, depth: float, delay: float) -> Signal:
    """Frequency multiplier: a slow sine vibrato (depth as a ratio) that fades in after delay."""
    t = voice.time(seconds)
    fade = np.clip((t - delay) / 0.4, 0.0, 1.0)
    return 1.0 + depth * fade * np.sin(2.0 * np.pi * rate * t + voice.rng.random() * 6.28)


def _sustain_env(voice: _Voice, seconds: float, attack: float, *, droop: float = 0.0) -> Signal:
    t = voice.time(seconds)
    return (1.0 - np.exp(-t / (attack / 3.0))) * np.exp(-t * droop)


def _plucked(
    voice: _Voice,
    *,
    ring: float,
    position: float,
    slope: float,
    damping: float,
    partials: int,
    inharmonic: float = 0.0,
    detune_cents: float = 0.0,
) -> Signal:
    """A plucked or struck string as additive partials: the pluck position shapes the spectrum,
    each partial decays faster the higher it is, stiffness stretches the upper partials."""
    f0 = voice.freq
    count = _harmonic_count(voice, f0 * (1.0 + inharmonic * partials**2) ** 0.5, partials)
    k = np.arange(1, count + 1, dtype=np.float64)
    freqs = k * f0 * np.sqrt(1.0 + inharmonic * k * k)
    amps = np.abs(np.sin(np.pi * k * position)) / k**slope + 0.02 / k
    decays = ring / (1.0 + damping * (k - 1.0) ** 1.2)
    phases = voice.rng.random(count) * 0.3
    tone = _modes(voice, freqs, amps, decays, MAX_SOUND_SECONDS, phases=phases)
    if detune_cents:
        ratio = 2.0 ** (detune_cents / 1200.0)
        tone += _modes(voice, freqs * ratio, amps * 0.8, decays, MAX_SOUND_SECONDS, phases=phases)
    return tone


def _piano(voice: _Voice) -> Signal:
    f0 = voice.freq
    ring = float(np.clip(3.2 * (261.6 / f0) ** 0.55, 0.5, 8.0))
    stretch = 0.00035 * 2.0 ** ((voice.key - 60) / 18.0)
    prompt = _plucked(
        voice,
        ring=ring * 0.18,
        position=0.12,
        slope=1.0,
        damping=0.12,
        partials=28,
        inharmonic=stretch,
    )
    after = _plucked(
        voice,
        ring=ring,
        position=0.12,
        slope=1.3,
        damping=0.35,
        partials=16,
        inharmonic=stretch,
        detune_cents=0.9,
    )
    hammer = _band(voice, voice.noise(0.02), 200.0, 3000.0) * _decay(voice, 0.02, 0.003)
    tone = 0.7 * prompt + 0.35 * after
    tone[: len(hammer)] += 0.3 * hammer * min(1.0, 300.0 / f0)
    return tone


def _electric_piano(voice: _Voice) -> Signal:
    """A tine piano by two-operator FM: a bright bark of an attack mellowing to a bell tone."""
    f0 = voice.freq
    ring = float(np.clip(1.6 * (261.6 / f0) ** 0.45, 0.4, 4.0))
    seconds = min(ring * 6.0, MAX_SOUND_SECONDS)
    t = voice.time(seconds)
    index = 0.3 + 2.2 * np.exp(-t / 0.12) * min(1.0, 500.0 / f0)
    carrier = 2.0 * np.pi * f0 * t
    tone = np.sin(carrier + index * np.sin(carrier)) * np.exp(-t / ring)
    if f0 * 14.0 < voice.nyquist:
        tone += 0.12 * np.sin(carrier * 14.0) * np.exp(-t / 0.03)
    return tone * (1.0 - 0.05 * (1.0 - np.cos(2 * np.pi * 4.5 * t)))  # a little tremolo


def _organ(voice: _Voice) -> Signal:
    """A drawbar organ (8', 4', 2 2/3', 2', 1 3/5', 1') with the third-harmonic percussion and
    the key click, sustaining as long as the key is held."""
    f0 = voice.freq
    seconds = MAX_SOUND_SECONDS
    harmonics = np.zeros(_harmonic_count(voice, f0, 8))
    for harmonic, amp in ((1, 1.0), (2, 0.75), (3, 0.55), (4, 0.45), (5, 0.2), (8, 0.25)):
        if harmonic <= len(harmonics):
            harmonics[harmonic - 1] = amp
    table = _wavetable(voice, harmonics)
    wobble = _vibrato(voice, seconds, 6.2, 0.0025, 0.0)
    tone = _oscillator(voice, table, f0 * wobble)
    t = voice.time(seconds)
    if 3.0 * f0 < voice.nyquist:
        tone += 0.6 * np.sin(2.0 * np.pi * 3.0 * f0 * t) * np.exp(-t / 0.25)
    click = _band(voice, voice.noise(0.004), 1000.0, 8000.0) * _decay(voice, 0.004, 0.001)
    tone[: len(click)] += 0.3 * click
    return tone * (1.0 - np.exp(-t / 0.002))


def _saw(voice: _Voice, f0: float, cutoff: float, most: int = 64) -> Signal:
    count = _harmonic_count(voice, f0, most)
    k = np.arange(1, count + 1, dtype=np.float64)
    return (1.0 / k) / np.sqrt(1.0 + (k * f0 / cutoff) ** 4)


def _synth_bass(voice: _Voice) -> Signal:
    """A saw through a low-pass whose cutoff snaps shut after the attack (tables crossfaded)."""
    f0 = voice.freq
    seconds = MAX_SOUND_SECONDS
    tables = np.stack([_wavetable(voice, _saw(voice, f0, f0 * m)) for m in (1.5, 3.0, 6.0, 12.0)])
    t = voice.time(seconds)
    bright = 3.0 * np.exp(-t / 0.09)
    low = np.minimum(bright.astype(np.int64), 2)
    frac = bright - low
    size = tables.shape[1] - 1
    position = (f0 * t) % 1.0 * size
    index = position.astype(np.int64)
    pfrac = position - index
    a = tables[low, index] * (1 - pfrac) + tables[low, index + 1] * pfrac
    b = tables[low + 1, index] * (1 - pfrac) + tables[low + 1, index + 1] * pfrac
    tone = a * (1.0 - frac) + b * frac
    shaped: Signal = tone * (1.0 - np.exp(-t / 0.002)) * np.exp(-t / 2.5)
    return shaped


def _bass(voice: _Voice, *, electric: bool) -> Signal:
    """A plucked bass string: round, most of it in the first few partials, with a finger thump."""
    if electric:
        ring = float(np.clip(1.1 * (82.4 / voice.freq) ** 0.3, 0.4, 2.0))
        tone = _plucked(voice, ring=ring, position=0.14, slope=1.1, damping=0.3, partials=24)
    else:
        ring = float(np.clip(0.5 * (82.4 / voice.freq) ** 0.3, 0.2, 1.0))
        tone = _plucked(voice, ring=ring, position=0.3, slope=1.6, damping=0.8, partials=14)
    thump = _band(voice, voice.noise(0.03), 60.0, 600.0) * _decay(voice, 0.03, 0.006)
    tone[: len(thump)] += 0.25 * thump * np.abs(tone).max()
    return tone


def _guitar(voice: _Voice, *, steel: bool) -> Signal:
    ring = float(np.clip(1.3 * (196.0 / voice.freq) ** 0.5, 0.4, 2.5))
    if steel:
        return _plucked(
            voice, ring=ring, position=0.11, slope=0.9, damping=0.18, partials=36, detune_cents=0.0
        )
    return _plucked(voice, ring=ring, position=0.17, slope=1.35, damping=0.3, partials=24)


def _tres(voice: _Voice) -> Signal:
    """The tres: three doubled steel courses, played with a pick: a bright, jangling pluck of the
    note on two strings a few cents apart, and the octave string of the course above it."""
    ring = float(np.clip(1.8 * (196.0 / voice.freq) ** 0.5, 0.4, 3.0))
    tone = _plucked(
        voice, ring=ring, position=0.09, slope=0.85, damping=0.22, partials=32, detune_cents=5.0
    )
    octave = _Voice(voice.rate, voice.tune, voice.freq * 2.0, voice.key + 12, voice.rng)
    if octave.freq < octave.nyquist:
        tone += 0.2 * _plucked(
            octave, ring=ring * 0.7, position=0.09, slope=0.9, damping=0.25, partials=16
        )
    return tone


def _brass(voice: _Voice) -> Signal:
    """A trumpet: the tone brightens as the lips lock in, a touch of vibrato as the note holds."""
    f0 = voice.freq
    seconds = MAX_SOUND_SECONDS
    count = _harmonic_count(voice, f0, 30)
    k = np.arange(1, count + 1, dtype=np.float64)
    formant = 1.0 + 1.5 * np.exp(-((((k * f0) - 1300.0) / 900.0) ** 2))
    dark = formant / k**2.6
    bright = formant / k**1.1
    bright[0] *= 0.8
    t = voice.time(seconds)
    freq = f0 * _vibrato(voice, seconds, 5.3, 0.004, 0.35) * (1.0 - 0.01 * np.exp(-t / 0.03))
    level = 1.0 - np.exp(-t / 0.018)
    blend = 1.0 - np.exp(-t / 0.035)
    dark_tone = _oscillator(voice, _wavetable(voice, dark / dark.max()), freq)
    bright_tone = _oscillator(voice, _wavetable(voice, bright / bright.max()), freq)
    breath = _band(voice, voice.noise(seconds), 1500.0, 6000.0) * 0.02
    return (
        (dark_tone * (1.0 - blend) + bright_tone * blend * 0.9 + breath) * level * np.exp(-t * 0.08)
    )


def _ensemble(
    voice: _Voice, *, voices: int, spread: float, cutoff: float, attack: float, most: int = 48
) -> Signal:
    """Several detuned saws with their own vibrato: a section of strings, or a pad."""
    f0 = voice.freq
    seconds = MAX_SOUND_SECONDS
    table = _wavetable(voice, _saw(voice, f0, cutoff, most))
    tone = np.zeros(voice.frames(seconds))
    for player in range(voices):
        cents = spread * (player - (voices - 1) / 2.0) / max(1.0, (voices - 1) / 2.0)
        wobble = _vibrato(voice, seconds, 4.8 + 0.7 * player, 0.003, 0.15)
        tone += _oscillator(voice, table, f0 * 2.0 ** (cents / 1200.0) * wobble)
    return tone * _sustain_env(voice, seconds, attack, droop=0.05)


def _strings(voice: _Voice) -> Signal:
    tone = _ensemble(voice, voices=3, spread=9.0, cutoff=3500.0, attack=0.18)
    return tone + 0.1 * _band(voice, tone, 2000.0, 6000.0)


def _pad(voice: _Voice) -> Signal:
    f0 = voice.freq
    tone = _ensemble(voice, voices=3, spread=12.0, cutoff=f0 * 4.0, attack=0.45, most=24)
    t = voice.time(MAX_SOUND_SECONDS)
    bell = np.sin(2.0 * np.pi * 2.0 * f0 * t) * np.exp(-t / 0.8) if 2 * f0 < voice.nyquist else 0
    return tone + 0.25 * bell * float(np.abs(tone).max())


def _lead(voice: _Voice) -> Signal:
    """A square lead: odd harmonics, two oscillators a hair apart, vibrato after the attack."""
    f0 = voice.freq
    seconds = MAX_SOUND_SECONDS
    count = _harmonic_count(voice, f0, 40)
    k = np.arange(1, count + 1, dtype=np.float64)
    square = np.where(k % 2 == 1, 1.0 / k, 0.0) / np.sqrt(1.0 + (k * f0 / 5000.0) ** 2)
    table = _wavetable(voice, square)
    wobble = _vibrato(voice, seconds, 5.5, 0.005, 0.3)
    tone = _oscillator(voice, table, f0 * wobble) + 0.5 * _oscillator(
        voice, table, f0 * 1.0015 * wobble
    )
    return tone * _sustain_env(voice, seconds, 0.01, droop=0.03)


def _mallet(voice: _Voice) -> Signal:
    f0 = voice.freq
    return _modes(voice, [f0, f0 * 4.0, f0 * 10.0], [1.0, 0.3, 0.08], [1.2, 0.3, 0.08], 4.0)


def _pitched_recipe(instrument: str, program: int) -> _Recipe:
    """The model for a pitched instrument: by id where it has its own, else by GM family."""
    if instrument == "tres":
        return _tres
    special: dict[int, _Recipe] = {
        4: _electric_piano,
        5: _electric_piano,
        24: lambda v: _guitar(v, steel=False),
        32: lambda v: _bass(v, electric=False),
        35: lambda v: _bass(v, electric=False),
        38: _synth_bass,
        39: _synth_bass,
    }
    if program in special:
        return special[program]
    family: tuple[_Recipe, ...] = (
        _piano,  # 0-7 piano
        _mallet,  # 8-15 chromatic percussion
        _organ,  # 16-23 organ
        lambda v: _guitar(v, steel=True),  # 24-31 guitar
        lambda v: _bass(v, electric=True),  # 32-39 bass
        _strings,  # 40-47 solo strings
        _strings,  # 48-55 ensemble
        _brass,  # 56-63 brass
        _brass,  # 64-71 reed
        _lead,  # 72-79 pipe
        _lead,  # 80-87 synth lead
        _pad,  # 88-95 synth pad
        _pad,  # 96-103 synth effects
        _guitar_steel_or_mallet,  # 104-111 ethnic
        _mallet,  # 112-119 percussive
        _pad,  # 120-127 sound effects
    )
    return family[program // 8]


def _guitar_steel_or_mallet(voice: _Voice) -> Signal:
    return _guitar(voice, steel=True)


# --------------------------------------------------------------------------- finishing


def _finish(raw: Signal, rate: int, level: float = 1.0) -> Sound:
    """Ease the first sample in, trim the silent tail, fade the end to zero (over a longer
    stretch when the sound is cut at MAX_SOUND_SECONDS), and set the peak to SOUND_PEAK."""
    sound = np.nan_to_num(raw[: int(MAX_SOUND_SECONDS * rate)])
    attack = min(len(sound), max(2, int(_ATTACK_S * rate)))
    sound[:attack] *= np.linspace(0.0, 1.0, attack)
    peak = float(np.abs(sound).max()) if len(sound) else 0.0
    if peak <= 0.0:
        raise VoiceError("a voice came out silent")
    loud = np.flatnonzero(np.abs(sound) > peak * _SILENCE)
    fade = max(2, int(_FADE_OUT_S * rate))
    end = min(len(sound), int(loud[-1]) + 1 + fade)
    sound = sound[:end]
    if np.abs(sound[-fade:]).max() > peak * 1e-3:  # still sounding at the cap
        fade = max(fade, min(len(sound) // 5, int(0.4 * rate)))
    fade = min(fade, len(sound))
    sound[-fade:] *= np.cos(np.linspace(0.0, np.pi / 2.0, fade)) ** 2
    sound *= SOUND_PEAK * level / float(np.abs(sound).max())
    out = sound.astype(np.float32)
    out.setflags(write=False)
    return out


def _seed(*parts: object) -> int:
    return zlib.crc32(repr(parts).encode())


def synthesise(instrument: str, key: int, pitch_offset: int, sample_rate: int) -> Sound:
    """The sound of one stroke or note, made afresh (SoundBank caches it; use that)."""
    spec = INSTRUMENTS.get(instrument)
    if spec is None:
        raise VoiceError(f"unknown instrument {instrument!r}; known: {', '.join(INSTRUMENTS)}")
    if not 0 <= key <= 127:
        raise VoiceError(f"{instrument}: key {key} is outside MIDI 0-127")
    rng = np.random.default_rng(_seed(instrument, key, pitch_offset, sample_rate))
    if spec.is_percussion:
        voice = _Voice(sample_rate, 2.0 ** (pitch_offset / 12.0), 0.0, key, rng)
        recipe = _STROKES.get((instrument, key)) or _DRUM_KEYS.get(key, _fallback)
        raw = recipe(voice)
        if not np.any(raw):  # retuned wholly above what the sample rate can hold
            raw = _fallback(voice)
        return _finish(raw, sample_rate, _LEVEL.get(key, 1.0))
    note = key + pitch_offset
    if not 0 <= note <= 127:
        raise VoiceError(f"{instrument}: key {key} moved by {pitch_offset} is outside MIDI 0-127")
    assert spec.gm_program is not None
    voice = _Voice(sample_rate, 1.0, midi_frequency(note), note, rng)
    if voice.freq >= voice.nyquist:
        raise VoiceError(f"{instrument}: note {note} is above what {sample_rate} Hz can play")
    level = _FAMILY_LEVEL.get(spec.family, 1.0)
    return _finish(_pitched_recipe(instrument, spec.gm_program)(voice), sample_rate, level)


def _click(accent: bool, sample_rate: int) -> Sound:
    voice = _Voice(sample_rate, 1.0, 0.0, 0, np.random.default_rng(_seed("click", accent)))
    freq = 2000.0 if accent else 1500.0
    tone = _modes(voice, [freq, freq * 2.0], [1.0, 0.2], [0.02, 0.01], 0.12)
    return _finish(tone, sample_rate, 1.0 if accent else 0.7)


# --------------------------------------------------------------------------- the bank


class _Cache:
    """Sounds by (sample rate, instrument, key, offset), shared by every bank, bounded in bytes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.lock = threading.Lock()
        self.sounds: OrderedDict[tuple[int, str, int, int], Sound] = OrderedDict()

    def get(self, key: tuple[int, str, int, int]) -> Sound | None:
        with self.lock:
            sound = self.sounds.get(key)
            if sound is not None:
                self.sounds.move_to_end(key)
            return sound

    def put(self, key: tuple[int, str, int, int], sound: Sound) -> None:
        with self.lock:
            if key in self.sounds:
                return
            self.sounds[key] = sound
            self.used += sound.nbytes
            while self.used > self.budget and len(self.sounds) > 1:
                _, dropped = self.sounds.popitem(last=False)
                self.used -= dropped.nbytes


_CACHE = _Cache(CACHE_BYTES)


class SoundBank:
    """The built-in sounds at one sample rate: cached, read-only mono float32 arrays."""

    def __init__(self, sample_rate: int) -> None:
        if not 8000 <= sample_rate <= 384000:
            raise VoiceError(f"sample rate {sample_rate} Hz is outside 8000-384000")
        self.sample_rate = sample_rate
        self._held: dict[tuple[int, str, int, int], Sound] = {}

    def sound(self, instrument: str, key: int, pitch_offset: int = 0) -> Sound:
        """The stroke at GM drum key `key` retuned by pitch_offset semitones (percussion), or the
        note key + pitch_offset (pitched instruments); peak SOUND_PEAK, ending in silence."""
        spec = INSTRUMENTS.get(instrument)
        if spec is not None and not spec.is_percussion:
            key, pitch_offset = key + pitch_offset, 0  # one cache entry per sounding note
        name = (self.sample_rate, instrument, key, pitch_offset)
        sound = self._held.get(name)
        if sound is None:
            sound = _CACHE.get(name)
            if sound is None:
                sound = synthesise(instrument, key, pitch_offset, self.sample_rate)
                _CACHE.put(name, sound)
            self._held[name] = sound
        return sound

    def click(self, accent: bool) -> Sound:
        """The metronome: a higher, louder click on the first beat of the bar (accent)."""
        name = (self.sample_rate, "metronome", int(accent), 0)
        sound = self._held.get(name)
        if sound is None:
            sound = _CACHE.get(name)
        if sound is None:
            sound = _click(accent, self.sample_rate)
            _CACHE.put(name, sound)
        self._held[name] = sound
        return sound

    def prepare(self, timeline: Timeline) -> tuple[Sound, ...]:
        """The sound of every hit of the timeline, `result[i]` for `timeline.hits[i]` (the same
        array object for repeated strokes), plus both clicks made ready. Off the audio thread."""
        self.click(True)
        self.click(False)
        sounds = timeline.sounds
        made: dict[tuple[int, int], Sound] = {}
        result = []
        for hit in timeline.hits:
            part = sounds[hit.part]
            name = (hit.part, hit.key)
            sound = made.get(name)
            if sound is None:
                offset = part.pitch_offset if part.is_percussion else 0
                sound = made[name] = self.sound(part.instrument, hit.key, offset)
            result.append(sound)
        return tuple(result)


__all__ = [
    "MAX_SOUND_SECONDS",
    "SOUND_PEAK",
    "VELOCITY_GAINS",
    "SoundBank",
    "VoiceError",
    "midi_frequency",
    "synthesise",
    "velocity_gain",
]
