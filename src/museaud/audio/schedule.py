"""What a pattern plays, in musical time: the one timeline the audio engine and the MIDI
scheduler both read, so swing, humanize and note lengths mean the same on a voice and on a synth.

Time is counted in beats from the start of the loop; a beat is one 1/beat_unit note, as the
pattern's bpm counts it. Converting beats to samples or seconds is the player's job, because the
tempo may change while the loop plays.

Swing delays every second step of each pair (the off-beat 16ths of a 4-step beat) by
`swing × one step`: 0 is straight, 1/3 is the triplet shuffle, 0.5 a dotted feel and 0.75 (the
largest the model takes) a hard lilt. Grids with an odd number of steps per beat (triplets, 6/8
in threes) have no pairs and are never swung. A note's end is swung like its start, so a note
that lasts to an off-beat ends where that off-beat is played.

Humanize is a playback setting, not part of the pattern: each hit is moved in time by up to
`HUMANIZE_MAX_MS` and in velocity by up to `HUMANIZE_MAX_VELOCITY`, scaled by the amount (0-1).
The offsets are fixed pseudo-random numbers per hit and per loop repetition (a cycle of
`JITTER_CYCLE` loops), computed here once, so a live performance and an offline render of the
same settings are the same, and the real-time thread only looks numbers up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from museaud.patterns.instruments import DRUM_CHANNEL, INSTRUMENTS
from museaud.patterns.model import BeatPattern

HUMANIZE_MAX_MS = 10.0
"""How far humanize 1.0 may move a hit, early or late, in milliseconds."""
HUMANIZE_MAX_VELOCITY = 12
"""How far humanize 1.0 may move a hit's velocity, softer or louder."""
JITTER_CYCLE = 64
"""Loop repetitions before the humanize offsets repeat."""
MIDI_CLOCKS_PER_QUARTER = 24

PITCHED_CHANNELS = tuple(channel for channel in range(16) if channel != DRUM_CHANNEL)


class ScheduleError(ValueError):
    """A pattern that cannot be played: unknown instrument, note outside MIDI, too many parts."""


@dataclass(frozen=True, slots=True)
class PartSound:
    """How one part of the pattern sounds: its instrument, MIDI channel and program, and mix."""

    index: int  # position in pattern.parts
    instrument: str
    name: str
    is_percussion: bool
    channel: int
    gm_program: int | None  # None for percussion
    enabled: bool
    volume: float  # 0-2, 1 = as written
    pan: float  # -1 left … +1 right
    pitch_offset: int  # semitones; percussion voices are retuned by it, drum keys are not moved


@dataclass(frozen=True, slots=True)
class Hit:
    """One note to play: when and how long (beats from loop start), which part, key, velocity."""

    beat: float
    length: float
    part: int
    key: int
    velocity: int
    channel: int


@dataclass(frozen=True)
class Timeline:
    """Every hit of one pattern's loop in order, with the arrays a real-time player scans.

    `onsets[i]`, `ends[i]`, `parts[i]`, `keys[i]`, `velocities[i]` describe `hits[i]`;
    `jitter_ms[loop % JITTER_CYCLE, i]` and `jitter_velocity[...]` are humanize 1.0's offsets.
    Arrays are read-only, so a snapshot holding them can be shared with the audio thread.
    """

    title: str
    bpm: float
    beats: float  # loop length in beats
    beat_unit: int
    beats_per_bar: int
    steps_per_beat: int
    swing: float
    sounds: tuple[PartSound, ...]
    hits: tuple[Hit, ...]
    onsets: npt.NDArray[np.float64]
    ends: npt.NDArray[np.float64]
    parts: npt.NDArray[np.int32]
    keys: npt.NDArray[np.int32]
    velocities: npt.NDArray[np.int32]
    jitter_ms: npt.NDArray[np.float64]
    jitter_velocity: npt.NDArray[np.float64]

    @property
    def bars(self) -> float:
        """Loop length in bars."""
        return self.beats / self.beats_per_bar

    def seconds_per_beat(self, bpm: float | None = None) -> float:
        """Length of one beat at bpm (default: the pattern's own tempo)."""
        return 60.0 / (bpm or self.bpm)

    def clocks_per_beat(self) -> float:
        """MIDI clock pulses in one beat: 24 per quarter note, so 12 per beat in 6/8."""
        return MIDI_CLOCKS_PER_QUARTER * 4 / self.beat_unit


def swung_beat(step: float, steps_per_beat: int, swing: float) -> float:
    """The beat at which a step is played: off-beat steps of each pair come `swing` steps late."""
    beat = step / steps_per_beat
    if swing and steps_per_beat % 2 == 0:
        whole = int(step)
        if whole == step and whole % 2 == 1:
            beat += swing / steps_per_beat
    return beat


def _mix64(value: int) -> int:
    """splitmix64's finaliser: a well-spread 64-bit hash of value."""
    value = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


def jitter_table(hits: int, seed: int = 0) -> npt.NDArray[np.float64]:
    """(2, JITTER_CYCLE, hits) numbers in [-1, 1]: timing then velocity offsets per loop and hit."""
    table = np.empty((2, JITTER_CYCLE, hits), dtype=np.float64)
    for kind in range(2):
        for loop in range(JITTER_CYCLE):
            for index in range(hits):
                code = _mix64((seed << 40) ^ (kind << 36) ^ (loop << 24) ^ index)
                table[kind, loop, index] = code / 2**63 - 1.0
    return table


def _sounds(pattern: BeatPattern) -> tuple[PartSound, ...]:
    sounds = []
    free = list(PITCHED_CHANNELS)
    channel_of: dict[str, int] = {}
    for index, part in enumerate(pattern.parts):
        spec = INSTRUMENTS.get(part.instrument)
        if spec is None:
            raise ScheduleError(f"{pattern.title!r}: unknown instrument {part.instrument!r}")
        if spec.is_percussion:
            channel = DRUM_CHANNEL
        elif part.instrument in channel_of:
            channel = channel_of[part.instrument]
        elif free:
            channel = channel_of[part.instrument] = free.pop(0)
        else:
            raise ScheduleError(
                f"{pattern.title!r}: more than {len(PITCHED_CHANNELS)} pitched instruments; "
                "General MIDI has no more channels"
            )
        sounds.append(
            PartSound(
                index=index,
                instrument=part.instrument,
                name=spec.name,
                is_percussion=spec.is_percussion,
                channel=channel,
                gm_program=spec.gm_program,
                enabled=part.enabled,
                volume=part.volume,
                pan=part.pan,
                pitch_offset=part.pitch_offset,
            )
        )
    return tuple(sounds)


def _floats(values: list[float]) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    array.setflags(write=False)
    return array


def _ints(values: list[int]) -> npt.NDArray[np.int32]:
    array = np.asarray(values, dtype=np.int32)
    array.setflags(write=False)
    return array


def timeline(pattern: BeatPattern, *, seed: int = 0) -> Timeline:
    """The pattern's loop as hits in playing order: enabled parts only, active program's notes,
    swing applied, pitched notes moved to the key and by the part's pitch offset."""
    sounds = _sounds(pattern)
    spb = pattern.steps_per_beat
    hits: list[Hit] = []
    for sound, part in zip(sounds, pattern.parts, strict=True):
        if not part.enabled:
            continue
        for note in part.notes:
            key = note.pitch
            if not sound.is_percussion:
                key = note.pitch + pattern.key_note + part.pitch_offset
                if not 0 <= key <= 127:
                    raise ScheduleError(
                        f"{pattern.title!r} / {part.instrument}: note {note.pitch} at step "
                        f"{note.step} sounds at {key}, outside MIDI 0-127"
                    )
            start = swung_beat(note.step, spb, pattern.swing)
            end = swung_beat(note.step + note.length, spb, pattern.swing)
            hits.append(Hit(start, end - start, sound.index, key, note.velocity, sound.channel))
    hits.sort(key=lambda hit: (hit.beat, hit.part, hit.key))
    jitter = jitter_table(len(hits), seed)
    jitter.setflags(write=False)
    return Timeline(
        title=pattern.title,
        bpm=pattern.bpm,
        beats=pattern.total_steps / spb,
        beat_unit=pattern.beat_unit,
        beats_per_bar=pattern.beats_per_bar,
        steps_per_beat=spb,
        swing=pattern.swing,
        sounds=sounds,
        hits=tuple(hits),
        onsets=_floats([hit.beat for hit in hits]),
        ends=_floats([hit.beat + hit.length for hit in hits]),
        parts=_ints([hit.part for hit in hits]),
        keys=_ints([hit.key for hit in hits]),
        velocities=_ints([hit.velocity for hit in hits]),
        jitter_ms=jitter[0],
        jitter_velocity=jitter[1],
    )


def humanized_velocity(velocity: int, jitter: float, amount: float) -> int:
    """A velocity moved by humanize, kept within 1-127."""
    moved = round(velocity + jitter * amount * HUMANIZE_MAX_VELOCITY)
    return max(1, min(127, moved))
