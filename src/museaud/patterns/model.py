"""The beat machine's musical content: a pattern of instrument parts, each with programs of notes.

Pure data with validation, no store and no sound. A pattern is a grid of `total_steps` steps
(bars x beats per bar x steps per beat; 3 or 6 steps per beat give triplet feels). Each instrument
part has several programs (variations, as on the SalsaNor machine) of which one is active.

Pitches: a percussion note's pitch is its General MIDI drum key (the stroke: open, slap, mute …).
A pitched note's pitch is written in C; it sounds at pitch + the pattern's key_note + the part's
pitch_offset, so changing the key transposes bass and piano as the SalsaNor machine does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

BEAT_BPM_MIN = 80
BEAT_BPM_MAX = 250
CLAVE_DIRECTIONS = ("2-3", "3-2")
MAX_BARS = 64
STEPS_PER_BEAT_CHOICES = (1, 2, 3, 4, 6, 8, 12)


class PatternError(ValueError):
    """A pattern that cannot be played as written; the message says which part, step or value."""


@dataclass(frozen=True, order=True)
class Note:
    """One hit or note: where it starts (step), how hard (velocity 1-127), how long, which pitch."""

    step: int
    pitch: int
    velocity: int = 100
    length: int = 1

    def check(self, where: str, total_steps: int) -> None:
        """Raise PatternError if this note does not fit a pattern of total_steps steps."""
        if not 0 <= self.step < total_steps:
            raise PatternError(
                f"{where}: note at step {self.step} is outside the pattern "
                f"(steps 0-{total_steps - 1})"
            )
        if not 1 <= self.velocity <= 127:
            raise PatternError(
                f"{where}: velocity {self.velocity} at step {self.step} is not 1-127"
            )
        if not 0 <= self.pitch <= 127:
            raise PatternError(f"{where}: pitch {self.pitch} at step {self.step} is not MIDI 0-127")
        if self.length < 1:
            raise PatternError(f"{where}: length {self.length} at step {self.step} is under 1 step")


@dataclass(frozen=True)
class Program:
    """One variation of an instrument's part (SalsaNor's programs)."""

    name: str
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Part:
    """An instrument in a pattern: its programs and how it is played."""

    instrument: str
    programs: tuple[Program, ...]
    active_program: int = 0
    enabled: bool = True
    volume: float = 1.0
    pan: float = 0.0
    pitch_offset: int = 0
    follows_clave: bool = False

    @property
    def notes(self) -> tuple[Note, ...]:
        """The notes of the active program."""
        return self.programs[self.active_program].notes

    def with_notes(self, notes: tuple[Note, ...] | list[Note]) -> Part:
        """This part with the active program's notes replaced (kept sorted by step)."""
        programs = list(self.programs)
        active = programs[self.active_program]
        programs[self.active_program] = replace(active, notes=tuple(sorted(notes)))
        return replace(self, programs=tuple(programs))


@dataclass(frozen=True)
class BeatPattern:
    """A playable pattern: tempo, key, metre, length and its instrument parts."""

    title: str
    flavor: str
    bpm: float
    parts: tuple[Part, ...]
    key_note: int = 0
    scale: str = "major"
    beats_per_bar: int = 4
    beat_unit: int = 4
    bars: int = 1
    steps_per_beat: int = 4
    clave: str | None = None
    swing: float = 0.0
    description: str = ""
    kind: str = "beat"
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def steps_per_bar(self) -> int:
        """Steps in one bar."""
        return self.beats_per_bar * self.steps_per_beat

    @property
    def total_steps(self) -> int:
        """Steps in the whole pattern."""
        return self.bars * self.steps_per_bar

    @property
    def time_signature(self) -> str:
        """The metre as written, e.g. '4/4' or '6/8'."""
        return f"{self.beats_per_bar}/{self.beat_unit}"

    @property
    def seconds_per_step(self) -> float:
        """Length of one step at this tempo (the beat is the quarter note in x/4, the dotted
        quarter's third in x/8 is not assumed: one beat = one bpm tick)."""
        return 60.0 / self.bpm / self.steps_per_beat

    def step_beats(self, step: int) -> Fraction:
        """Where a step falls, in beats from the start, exactly."""
        return Fraction(step, self.steps_per_beat)

    def part(self, instrument: str) -> Part:
        """The part of the named instrument; KeyError names the instruments there are."""
        for part in self.parts:
            if part.instrument == instrument:
                return part
        known = ", ".join(part.instrument for part in self.parts)
        raise KeyError(f"no {instrument!r} in {self.title!r} (has {known})")

    def validated(self) -> BeatPattern:
        """Return self if playable as written, else raise PatternError saying what is wrong."""
        if not self.title.strip():
            raise PatternError("the pattern has no title")
        if self.kind == "beat" and not BEAT_BPM_MIN <= self.bpm <= BEAT_BPM_MAX:
            raise PatternError(
                f"{self.title!r}: {self.bpm:g} bpm is outside the beat machine's "
                f"{BEAT_BPM_MIN}-{BEAT_BPM_MAX} bpm"
            )
        if not 20 <= self.bpm <= 400:
            raise PatternError(f"{self.title!r}: {self.bpm:g} bpm is outside 20-400 bpm")
        if not 0 <= self.key_note <= 11:
            raise PatternError(
                f"{self.title!r}: key note {self.key_note} is not a pitch class 0-11 (C=0 … B=11)"
            )
        if not 1 <= self.bars <= MAX_BARS:
            raise PatternError(f"{self.title!r}: {self.bars} bars is outside 1-{MAX_BARS}")
        if self.steps_per_beat not in STEPS_PER_BEAT_CHOICES:
            raise PatternError(
                f"{self.title!r}: {self.steps_per_beat} steps per beat is not one of "
                f"{STEPS_PER_BEAT_CHOICES}"
            )
        if not 1 <= self.beats_per_bar <= 16 or self.beat_unit not in (2, 4, 8, 16):
            raise PatternError(
                f"{self.title!r}: time signature {self.time_signature} is not usable"
            )
        if self.clave is not None and self.clave not in CLAVE_DIRECTIONS:
            raise PatternError(f"{self.title!r}: clave {self.clave!r} is not 2-3 or 3-2")
        if not 0.0 <= self.swing <= 0.75:
            raise PatternError(f"{self.title!r}: swing {self.swing} is outside 0-0.75")
        seen: set[str] = set()
        for part in self.parts:
            where = f"{self.title!r} / {part.instrument}"
            if part.instrument in seen:
                raise PatternError(f"{where}: the instrument appears twice")
            seen.add(part.instrument)
            if not part.programs:
                raise PatternError(f"{where}: no programs")
            if not 0 <= part.active_program < len(part.programs):
                raise PatternError(
                    f"{where}: active program {part.active_program} does not exist "
                    f"(has {len(part.programs)})"
                )
            if not 0.0 <= part.volume <= 2.0:
                raise PatternError(f"{where}: volume {part.volume} is outside 0-2")
            if not -1.0 <= part.pan <= 1.0:
                raise PatternError(f"{where}: pan {part.pan} is outside -1..1")
            if not -24 <= part.pitch_offset <= 24:
                raise PatternError(f"{where}: pitch offset {part.pitch_offset} is outside ±24")
            for program in part.programs:
                _check_notes(f"{where} ({program.name})", program.notes, self.total_steps)
        return self


def _check_notes(where: str, notes: tuple[Note, ...], total_steps: int) -> None:
    """Each note fits the pattern, and no two notes on one pitch overlap (MIDI cannot hold that)."""
    sounding_until: dict[int, int] = {}
    for note in sorted(notes):
        note.check(where, total_steps)
        if note.step < sounding_until.get(note.pitch, 0):
            raise PatternError(
                f"{where}: note at step {note.step} (pitch {note.pitch}) overlaps the note "
                "before it on the same pitch"
            )
        sounding_until[note.pitch] = note.step + note.length


CONFIGURATION_FORMAT = 1


def to_configuration(pattern: BeatPattern) -> dict[str, Any]:
    """The machine configuration as stored in patterns.configuration (the SalsaNor JSON, extended
    with each instrument's programs and notes: [step, pitch, velocity, length])."""
    return {
        "format": CONFIGURATION_FORMAT,
        "swing": pattern.swing,
        "beatUnit": pattern.beat_unit,
        "metadata": dict(pattern.metadata),
        "instruments": [
            {
                "id": part.instrument,
                "enabled": part.enabled,
                "activeProgram": part.active_program,
                "volume": part.volume,
                "pan": part.pan,
                "pitchOffset": part.pitch_offset,
                "followsClave": part.follows_clave,
                "programs": [
                    {
                        "name": program.name,
                        "notes": [[n.step, n.pitch, n.velocity, n.length] for n in program.notes],
                    }
                    for program in part.programs
                ],
            }
            for part in pattern.parts
        ],
    }


def _field(where: str, entry: dict[str, Any], name: str, kind: type, default: Any = None) -> Any:
    value = entry.get(name, default)
    if value is None and default is None:
        raise PatternError(f"configuration: {where} has no {name!r}")
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PatternError(f"configuration: {where} {name!r} is {value!r}, not {kind.__name__}")
    return value


def parts_from_configuration(configuration: dict[str, Any]) -> tuple[tuple[Part, ...], float]:
    """The parts and swing stored in a configuration; PatternError says what is malformed where."""
    if not isinstance(configuration, dict) or not isinstance(
        configuration.get("instruments"), list
    ):
        raise PatternError("configuration: no 'instruments' list")
    if configuration.get("format", CONFIGURATION_FORMAT) > CONFIGURATION_FORMAT:
        raise PatternError(
            f"configuration format {configuration['format']} is newer than this museaud knows"
        )
    parts = []
    for index, entry in enumerate(configuration["instruments"]):
        where = f"instrument {index}"
        if not isinstance(entry, dict):
            raise PatternError(f"configuration: {where} is not an object")
        instrument_id = _field(where, entry, "id", str)
        where = f"instrument {instrument_id!r}"
        programs = []
        for number, program in enumerate(entry.get("programs") or [{"name": "A", "notes": []}]):
            notes = []
            for note in program.get("notes", []):
                if (
                    not isinstance(note, list)
                    or len(note) != 4
                    or not all(isinstance(v, int) and not isinstance(v, bool) for v in note)
                ):
                    raise PatternError(
                        f"configuration: {where} program {number} has a malformed note {note!r}"
                    )
                notes.append(Note(step=note[0], pitch=note[1], velocity=note[2], length=note[3]))
            name = str(program.get("name") or chr(ord("A") + number))
            programs.append(Program(name=name, notes=tuple(sorted(notes))))
        parts.append(
            Part(
                instrument=instrument_id,
                programs=tuple(programs),
                active_program=_field(where, entry, "activeProgram", int, 0),
                enabled=_field(where, entry, "enabled", bool, True),
                volume=_field(where, entry, "volume", float, 1.0),
                pan=_field(where, entry, "pan", float, 0.0),
                pitch_offset=_field(where, entry, "pitchOffset", int, 0),
                follows_clave=_field(where, entry, "followsClave", bool, False),
            )
        )
    swing = configuration.get("swing", 0.0)
    if not isinstance(swing, (int, float)) or isinstance(swing, bool):
        raise PatternError(f"configuration: swing {swing!r} is not a number")
    return tuple(parts), float(swing)
