"""Chords: diatonic triads and sevenths, roman-numeral progressions, names and voice leading.

Roots are pitch classes relative to the tonic (tonic = 0), like every written pitch in a pattern.
A roman numeral counts degrees of the key's own scale, so in a minor key `VI` is the flat sixth
(A♭ in C minor) and `III` the flat third, as pop and Latin musicians write i-VI-III-VII.
Upper case is major, lower case minor; `°` diminished, `ø` half-diminished, `+` augmented;
`b`/`#` before the numeral moves the root a semitone; `7`, `maj7`, `9` add extensions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from museaud.music.keys import spell_pitch
from museaud.music.scales import Scale

CHORD_SYMBOLS: dict[tuple[int, ...], str] = {
    (0, 4, 7): "",
    (0, 3, 7): "m",
    (0, 3, 6): "dim",
    (0, 4, 8): "aug",
    (0, 5, 7): "sus4",
    (0, 4, 7, 11): "maj7",
    (0, 4, 7, 10): "7",
    (0, 3, 7, 10): "m7",
    (0, 3, 6, 10): "m7b5",
    (0, 3, 6, 9): "dim7",
    (0, 3, 7, 11): "m(maj7)",
    (0, 4, 8, 11): "maj7#5",
    (0, 4, 7, 14): "add9",
    (0, 3, 7, 14): "madd9",
    (0, 4, 7, 11, 14): "maj9",
    (0, 4, 7, 10, 14): "9",
    (0, 3, 7, 10, 14): "m9",
}
"""Interval sets above the root and the chord symbol suffix they are written with."""

_NUMERALS = ("i", "ii", "iii", "iv", "v", "vi", "vii")
_ROMAN = re.compile(r"^(?P<accidental>[b#]?)(?P<numeral>[ivIV]+)(?P<suffix>.*)$")


@dataclass(frozen=True)
class Chord:
    """A chord: root pitch class (tonic = 0) and intervals above it, e.g. (0, 3, 7, 10)."""

    root: int
    intervals: tuple[int, ...]

    @property
    def pitch_classes(self) -> frozenset[int]:
        """The chord's pitch classes (tonic = 0)."""
        return frozenset((self.root + interval) % 12 for interval in self.intervals)

    @property
    def symbol(self) -> str:
        """The suffix it is written with: '' major, 'm', 'm7', 'maj7', '9' …"""
        known = CHORD_SYMBOLS.get(self.intervals)
        if known is not None:
            return known
        return "(" + ",".join(str(i) for i in self.intervals[1:]) + ")"

    @property
    def triad(self) -> Chord:
        """The chord without its seventh and ninth."""
        return Chord(self.root, self.intervals[:3])

    @property
    def fifth(self) -> int:
        """The pitch class of its fifth (perfect, diminished or augmented as the chord has it)."""
        return (self.root + self.intervals[2]) % 12

    def contains(self, pitch: int) -> bool:
        """True when the pitch (any octave) is one of the chord's tones."""
        return pitch % 12 in self.pitch_classes

    def name(self, key_note: int = 0, scale: str = "major") -> str:
        """The chord as a musician writes it in the sounding key, e.g. 'Am7' for vi7 in C and
        'Gb' for VI in Bb minor (the root spelled as the key writes it)."""
        return spell_pitch(self.root + key_note, key_note, scale) + self.symbol


def _stack(scale: Scale, degree: int, notes: int) -> tuple[int, ...]:
    root = scale.degree_pitch(degree)
    return tuple(scale.degree_pitch(degree + 2 * n) - root for n in range(notes))


def diatonic_chord(scale: Scale, degree: int, *, sevenths: bool = False) -> Chord:
    """The chord built in thirds on a 0-based degree of the scale (or of its parent scale)."""
    harmony = scale.harmony
    intervals = _stack(harmony, degree, 4 if sevenths else 3)
    return Chord(harmony.degree_pitch(degree) % 12, intervals)


@lru_cache(maxsize=1024)
def with_seventh(chord: Chord, scale: Scale) -> Chord:
    """The chord with the seventh the key suggests: maj7 where the scale has the major seventh
    above the root, else a minor seventh (dominant on major triads, m7b5 on diminished)."""
    if len(chord.intervals) >= 4 or chord.intervals == (0, 4, 8):
        return chord
    major_seventh = (chord.root + 11) % 12 in scale.harmony.pitch_classes
    seventh = 11 if major_seventh and chord.intervals == (0, 4, 7) else 10
    if chord.intervals == (0, 3, 6) and (chord.root + 10) % 12 not in scale.harmony.pitch_classes:
        seventh = 9  # fully diminished, as on the leading tone of harmonic minor
    return Chord(chord.root, (*chord.intervals[:3], seventh))


@lru_cache(maxsize=1024)
def with_ninth(chord: Chord, scale: Scale) -> Chord:
    """The chord with an added major ninth when the scale has it (never a ♭9), else unchanged."""
    if 14 in chord.intervals or chord.intervals[:3] == (0, 3, 6):
        return chord
    if (chord.root + 2) % 12 not in scale.harmony.pitch_classes:
        return chord
    return Chord(chord.root, (*chord.intervals, 14))


@lru_cache(maxsize=1024)
def parse_roman(numeral: str, scale: Scale) -> Chord:
    """The chord a roman numeral names in the scale's key (see the module docstring);
    ValueError for anything that is not a numeral."""
    match = _ROMAN.match(numeral.strip())
    if match is None or match["numeral"].lower() not in _NUMERALS:
        raise ValueError(f"{numeral!r} is not a roman numeral such as I, vi, bVII or V7")
    roman = match["numeral"]
    if roman not in (roman.lower(), roman.upper()):
        raise ValueError(f"{numeral!r} mixes upper and lower case")
    degree = _NUMERALS.index(roman.lower())
    shift = {"": 0, "b": -1, "#": 1}[match["accidental"]]
    root = (scale.harmony.degree_pitch(degree) + shift) % 12
    suffix = match["suffix"]
    upper = roman.isupper()
    triads = {"°": (0, 3, 6), "dim": (0, 3, 6), "ø": (0, 3, 6), "+": (0, 4, 8), "aug": (0, 4, 8)}
    kind = next((mark for mark in triads if suffix.startswith(mark)), "")
    triad = triads.get(kind, (0, 4, 7) if upper else (0, 3, 7))
    extension = suffix[len(kind) :]
    if extension == "":
        intervals: tuple[int, ...] = triad
    elif extension == "add9":
        intervals = (*triad, 14)
    elif extension in ("7", "maj7", "9", "maj9"):
        if kind == "ø":
            seventh = 10
        elif kind in ("°", "dim"):
            seventh = 9
        elif extension.startswith("maj"):
            seventh = 11
        else:
            seventh = 10
        intervals = (*triad, seventh) + ((14,) if extension.endswith("9") else ())
    else:
        raise ValueError(
            f"{numeral!r}: unknown chord extension {extension!r} (7, maj7, 9, maj9, add9)"
        )
    return Chord(root, intervals)


@lru_cache(maxsize=1024)
def roman_numeral(chord: Chord, scale: Scale) -> str:
    """The roman numeral of a chord in the scale's key: 'vi7', 'IVmaj7', 'V7', 'bVII', 'iiø7'."""
    harmony = scale.harmony
    degree = harmony.degree_of(chord.root)
    accidental = ""
    if degree is None:
        degree = harmony.degree_of(chord.root + 1)
        accidental = "b"
        if degree is None:  # pragma: no cover - a seven-note scale has a degree a semitone away
            degree = harmony.degree_of(chord.root - 1) or 0
            accidental = "#"
    base = _NUMERALS[degree]
    triad = chord.intervals[:3]
    text = base.upper() if triad in ((0, 4, 7), (0, 4, 8), (0, 5, 7)) else base
    seventh = chord.intervals[3] if len(chord.intervals) > 3 and chord.intervals[3] < 12 else None
    ninth = 14 in chord.intervals
    if triad == (0, 3, 6):
        mark = "ø" if seventh == 10 else "°"
    elif triad == (0, 4, 8):
        mark = "+"
    else:
        mark = ""
    if seventh is None:
        extension = "add9" if ninth else ""
    elif seventh == 11 and triad != (0, 3, 6):
        extension = "maj9" if ninth else "maj7"
    else:
        extension = "9" if ninth else "7"
    return f"{accidental}{text}{mark}{extension}"


def progression(numerals: Sequence[str], scale: Scale) -> tuple[Chord, ...]:
    """The chords of a roman-numeral progression in the scale's key."""
    return tuple(parse_roman(numeral, scale) for numeral in numerals)


def _candidates(tones: tuple[int, ...], low: int, high: int) -> list[tuple[int, ...]]:
    """Close-position voicings of the pitch classes (every inversion, every octave in range)."""
    voicings = []
    for rotation in range(len(tones)):
        order = tones[rotation:] + tones[:rotation]
        bottom = low + (order[0] - low) % 12
        while True:
            voicing = [bottom]
            for pitch_class in order[1:]:
                voicing.append(voicing[-1] + 1 + (pitch_class - voicing[-1] - 1) % 12)
            if voicing[-1] > high:
                break
            voicings.append(tuple(voicing))
            bottom += 12
    return voicings


def _movement(previous: tuple[int, ...], voicing: tuple[int, ...]) -> int:
    if len(previous) == len(voicing):
        return sum(abs(a - b) for a, b in zip(previous, voicing, strict=True))
    to_new = sum(min(abs(p - q) for q in voicing) for p in previous)
    from_new = sum(min(abs(p - q) for q in previous) for p in voicing)
    return (to_new + from_new) // 2


@lru_cache(maxsize=4096)
def voice_chord(
    chord: Chord, previous: tuple[int, ...] | None, low: int, high: int
) -> tuple[int, ...]:
    """A close-position voicing of the chord between low and high (written pitches), moving as
    little as possible from the previous voicing (the sum of every voice's movement), or
    centred in the range when there is none. Ninth chords drop their fifth to keep four voices.
    """
    intervals = chord.intervals
    if len(intervals) > 4:
        intervals = tuple(i for i in intervals if i not in (6, 7, 8))[:4]
    tones = tuple((chord.root + i) % 12 for i in intervals)
    candidates = _candidates(tones, low, high)
    if not candidates:
        raise ValueError(f"no voicing of {chord.name()} fits between {low} and {high}")
    if previous is None:
        centre = (low + high) / 2
        return min(candidates, key=lambda v: (abs(sum(v) / len(v) - centre), v))
    return min(candidates, key=lambda v: (_movement(previous, v), v))
