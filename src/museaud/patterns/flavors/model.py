"""What a flavour is: its tempo, metre, grid and clave, its instruments and their programs."""

from __future__ import annotations

from dataclasses import dataclass, field

from museaud.patterns.instruments import INSTRUMENTS
from museaud.patterns.model import BEAT_BPM_MAX, BEAT_BPM_MIN, CLAVE_DIRECTIONS, Note

WRITTEN_CLAVE = "2-3"
"""The direction every clave-based program is written in (3-2 is one bar later)."""


@dataclass(frozen=True)
class FlavorProgram:
    """One program (variation) of a flavour's instrument: its notes on the flavour's grid."""

    name: str
    notes: tuple[Note, ...]
    steps: int
    about: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlavorPart:
    """An instrument of a flavour: what it does there, how loud, and its programs."""

    instrument: str
    role: str
    programs: tuple[FlavorProgram, ...]
    volume: float = 0.8
    pan: float = 0.0
    enabled: bool = True


@dataclass(frozen=True)
class Flavor:
    """A style of the beat machine: tempo, metre, grid, clave and its instruments' programs.

    The bpm range is where the style lives; build_pattern accepts any beat-machine tempo
    (80-250) so a player can practise slower or faster."""

    key: str
    name: str
    description: str
    bpm: int
    bpm_range: tuple[int, int]
    steps_per_beat: int
    clave: str | None
    parts: tuple[FlavorPart, ...]
    scale: str = "major"
    beats_per_bar: int = 4
    beat_unit: int = 4
    bars: int = 2
    feel: str = ""
    sources: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        low, high = self.bpm_range
        if not BEAT_BPM_MIN <= low <= self.bpm <= high <= BEAT_BPM_MAX:
            raise ValueError(f"{self.name}: bpm {self.bpm} / range {self.bpm_range} is unusable")
        if self.clave is not None and self.clave not in CLAVE_DIRECTIONS:
            raise ValueError(f"{self.name}: clave {self.clave!r} is not 2-3 or 3-2")
        for part in self.parts:
            _check_part(self, part)

    @property
    def instruments(self) -> tuple[str, ...]:
        """The instrument ids of the flavour, in mixer order."""
        return tuple(part.instrument for part in self.parts)

    @property
    def time_signature(self) -> str:
        """The metre as written, e.g. '4/4'."""
        return f"{self.beats_per_bar}/{self.beat_unit}"

    @property
    def steps_per_bar(self) -> int:
        """Steps in one bar of the flavour's grid."""
        return self.beats_per_bar * self.steps_per_beat

    @property
    def total_steps(self) -> int:
        """Steps in the flavour's phrase (its programs' length)."""
        return self.bars * self.steps_per_bar

    def part(self, instrument: str) -> FlavorPart:
        """The flavour's part for an instrument; KeyError names the instruments there are."""
        for part in self.parts:
            if part.instrument == instrument:
                return part
        raise KeyError(f"{self.name} has no {instrument!r} (has {', '.join(self.instruments)})")


def _check_part(flavor: Flavor, part: FlavorPart) -> None:
    where = f"{flavor.name} / {part.instrument}"
    spec = INSTRUMENTS.get(part.instrument)
    if spec is None:
        raise ValueError(f"{where}: no such instrument")
    if len(part.programs) < 2:
        raise ValueError(f"{where}: needs at least two programs")
    for program in part.programs:
        if program.steps != flavor.total_steps:
            raise ValueError(
                f"{where} ({program.name}): written on {program.steps} steps, "
                f"the flavour has {flavor.total_steps}"
            )
        for note in program.notes:
            note.check(f"{where} ({program.name})", flavor.total_steps)
            if spec.is_percussion and note.pitch not in spec.strokes.values():
                raise ValueError(f"{where} ({program.name}): key {note.pitch} is no stroke")
            if not spec.is_percussion and not (
                spec.low_pitch <= note.pitch and note.pitch + 11 <= spec.high_pitch
            ):
                raise ValueError(
                    f"{where} ({program.name}): {note.pitch} leaves "
                    f"{spec.low_pitch}-{spec.high_pitch} in some key"
                )
