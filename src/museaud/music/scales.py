"""Scales and modes as interval sets from the tonic, with the questions generators ask of them.

Pitches here are relative to the tonic (C = the tonic), as the pattern model writes pitched notes:
a D major melody is written in C major and sounds a whole tone higher.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

SCALE_INTERVALS: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "melodic_minor": (0, 2, 3, 5, 7, 9, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "major_pentatonic": (0, 2, 4, 7, 9),
    "minor_pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
    "chromatic": tuple(range(12)),
}
"""Each scale's pitch classes above the tonic (names as in the store's `patterns.scale`)."""

HARMONY_PARENT = {
    "major_pentatonic": "major",
    "minor_pentatonic": "minor",
    "blues": "minor",
    "chromatic": "major",
}
"""Scales without seven notes borrow their chords from the seven-note scale they come from."""


@dataclass(frozen=True)
class Scale:
    """A named scale: its intervals above the tonic and the pitch-class set they make."""

    name: str
    intervals: tuple[int, ...]

    @property
    def pitch_classes(self) -> frozenset[int]:
        """The scale's pitch classes with the tonic at 0."""
        return frozenset(self.intervals)

    @property
    def is_minor(self) -> bool:
        """True when the third above the tonic is minor (minor, dorian, phrygian, blues …)."""
        return 3 in self.intervals and 4 not in self.intervals

    @property
    def harmony(self) -> Scale:
        """The seven-note scale whose triads harmonise this one (itself if it has seven notes)."""
        parent = HARMONY_PARENT.get(self.name)
        return scale(parent) if parent else self

    def contains(self, pitch: int) -> bool:
        """True when the pitch (any octave, tonic = 0) is a note of the scale."""
        return pitch % 12 in self.pitch_classes

    def degree_pitch(self, degree: int) -> int:
        """The pitch of a 0-based scale degree counted from the tonic at 0 (negative: below)."""
        octave, index = divmod(degree, len(self.intervals))
        return 12 * octave + self.intervals[index]

    def degree_of(self, pitch: int) -> int | None:
        """The 0-based degree of a pitch's pitch class, or None when it is not in the scale."""
        try:
            return self.intervals.index(pitch % 12)
        except ValueError:
            return None

    def pitches(self, low: int, high: int) -> tuple[int, ...]:
        """Every scale pitch from low to high inclusive, ascending."""
        return tuple(p for p in range(low, high + 1) if p % 12 in self.pitch_classes)

    def neighbour(self, pitch: int, direction: int) -> int:
        """The next scale pitch strictly above (direction > 0) or below (direction < 0)."""
        step = 1 if direction > 0 else -1
        candidate = pitch + step
        while candidate % 12 not in self.pitch_classes:
            candidate += step
        return candidate

    def nearest(self, pitch: int) -> int:
        """The scale pitch closest to pitch (ties go down)."""
        for distance in range(12):
            if (pitch - distance) % 12 in self.pitch_classes:
                return pitch - distance
            if (pitch + distance) % 12 in self.pitch_classes:
                return pitch + distance
        raise AssertionError("a scale always has a pitch within an octave")


@cache
def scale(name: str) -> Scale:
    """The scale of that name; ValueError lists the scales there are."""
    try:
        return Scale(name, SCALE_INTERVALS[name])
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; known: {', '.join(SCALE_INTERVALS)}") from None


def is_minor_scale(name: str) -> bool:
    """True when the scale has a minor third and no major one (minor, dorian, blues …); an
    unknown name is minor when it says so."""
    intervals = SCALE_INTERVALS.get(name)
    if intervals is None:
        return "minor" in name
    return 3 in intervals and 4 not in intervals
