"""Keys and the Camelot wheel: names like 'F# minor', codes like '11A', and which keys mix well.

The Camelot wheel numbers the keys around the circle of fifths: 8B is C major, 8A its relative
A minor; one step round the wheel (7A -> 8A) is a fifth, A <-> B with the same number is the
relative major/minor. DJs mix between neighbours on the wheel.
"""

from __future__ import annotations

from dataclasses import dataclass

from museaud.music.pitch import PITCH_CLASS_NAMES, note_name, pitch_class
from museaud.music.scales import is_minor_scale

SCALES = ("major", "minor")

FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
SHARP_TONICS = {"major": frozenset((7, 2, 9, 4, 11, 6)), "minor": frozenset((4, 11, 6, 1, 8))}
"""The keys written with sharps in their signature: G D A E B F# major, E B F# C# G# minor. The
others have flats or none. Of the six-accidental pairs, F# major and Eb minor, as most charts
and DJ software write them."""


def key_name(key_note: int, scale: str, *, short: bool = False) -> str:
    """A key as a musician writes it: 'Bb minor' and 'Db major', or short 'Bbm' and 'Db'."""
    tonic = spell_pitch(key_note, key_note, scale)
    if short:
        return f"{tonic}m" if scale == "minor" else tonic
    return f"{tonic} {scale}"


def spell_pitch(
    pitch: int, key_note: int = 0, scale: str = "major", *, octave: bool = False
) -> str:
    """A pitch (a pitch class, or a MIDI number with octave=True: 60 is 'C4') as written in a
    key: sharps in keys whose signature has sharps, flats in the others, so A# in F# major and
    Bb in Bb minor. Modes count as the major or minor key they sound most like (D dorian as D
    minor); in C the black keys are flats (Eb, Ab, Bb)."""
    sharp_tonics = SHARP_TONICS["minor" if is_minor_scale(scale) else "major"]
    names = PITCH_CLASS_NAMES if key_note % 12 in sharp_tonics else FLAT_NAMES
    name = names[pitch % 12]
    return f"{name}{pitch // 12 - 1}" if octave else name


def written_key(tonic: str | None, scale: str | None, *, short: bool = False) -> str | None:
    """A key given by any spelling of its tonic ('A#', 'Bb') as a musician writes it ('Bb
    minor', short 'Bbm'); None without both. Track rows hold the sharp name, for scripts."""
    if tonic is None or scale is None:
        return None
    return key_name(pitch_class(tonic), scale, short=short)


@dataclass(frozen=True)
class Key:
    """A key: its tonic's pitch class (C=0 … B=11) and its scale ('major' or 'minor')."""

    note: int
    scale: str

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"scale must be 'major' or 'minor', not {self.scale!r}")
        object.__setattr__(self, "note", self.note % 12)

    @classmethod
    def parse(cls, text: str) -> Key:
        """A key from 'F# minor', 'Bbm', 'Ebmaj', 'C' (major) or a Camelot code such as '8A'."""
        cleaned = text.strip()
        if cleaned[:-1].isdigit() and cleaned[-1:].upper() in ("A", "B"):
            return from_camelot(cleaned)
        lowered = cleaned.lower()
        for suffix, scale in (
            (" minor", "minor"),
            (" major", "major"),
            ("min", "minor"),
            ("maj", "major"),
            ("m", "minor"),
        ):
            if lowered.endswith(suffix):
                return cls(pitch_class(cleaned[: -len(suffix)].strip()), scale)
        return cls(pitch_class(cleaned), "major")

    @property
    def name(self) -> str:
        """The tonic's sharp spelling, e.g. 'F#'."""
        return note_name(self.note)

    @property
    def written(self) -> str:
        """The key as a musician writes it, e.g. 'Bb minor' (the tonic spelled as in its
        key signature)."""
        return key_name(self.note, self.scale)

    @property
    def short(self) -> str:
        """The short form DJs use, e.g. 'Bbm' or 'Db'."""
        return key_name(self.note, self.scale, short=True)

    @property
    def camelot(self) -> str:
        """The Camelot code, e.g. '8B' for C major and '8A' for A minor."""
        return camelot(self.note, self.scale)

    @property
    def relative(self) -> Key:
        """The relative minor of a major key, or the relative major of a minor key."""
        if self.scale == "major":
            return Key(self.note + 9, "minor")
        return Key(self.note + 3, "major")

    def __str__(self) -> str:
        return self.written


def camelot(key_note: int, scale: str) -> str:
    """The Camelot code of a key: 1-12 round the circle of fifths, B for major, A for minor."""
    if scale not in SCALES:
        raise ValueError(f"scale must be 'major' or 'minor', not {scale!r}")
    major_tonic = key_note % 12 if scale == "major" else (key_note + 3) % 12
    number = (major_tonic * 7 + 7) % 12 + 1
    return f"{number}{'B' if scale == 'major' else 'A'}"


def from_camelot(code: str) -> Key:
    """The key of a Camelot code such as '8A' (A minor) or '12B' (E major)."""
    cleaned = code.strip().upper()
    number_text, letter = cleaned[:-1], cleaned[-1:]
    if not number_text.isdigit() or not 1 <= int(number_text) <= 12 or letter not in ("A", "B"):
        raise ValueError(f"{code!r} is not a Camelot code (1A … 12B)")
    # number n belongs to the major key whose tonic is 7 * (n - 8) semitones above C
    major_tonic = (7 * (int(number_text) - 8)) % 12
    if letter == "B":
        return Key(major_tonic, "major")
    return Key(major_tonic + 9, "minor")


def camelot_order(key: Key) -> int:
    """Where a key sorts on the Camelot wheel: 1A=0, 1B=1, 2A=2 ... 12B=23."""
    code = camelot(key.note, key.scale)
    return (int(code[:-1]) - 1) * 2 + (1 if code[-1] == "B" else 0)


def key_of_order(order: int) -> Key:
    """The key at a Camelot order (the inverse of camelot_order)."""
    return from_camelot(f"{order // 2 + 1}{'B' if order % 2 else 'A'}")


CAMELOT_KEYS = tuple(key_of_order(order) for order in range(24))
"""The 24 keys round the Camelot wheel: 1A, 1B, 2A … 12B."""


def are_neighbours(a: Key, b: Key) -> bool:
    """True when two keys mix well: the same key, its relative, or a fifth up or down."""
    if b in (a, a.relative):
        return True
    return a.scale == b.scale and (a.note - b.note) % 12 in (5, 7)
