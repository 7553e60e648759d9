"""Keys and the Camelot wheel: names like 'F# minor', codes like '11A', and which keys mix well.

The Camelot wheel numbers the keys around the circle of fifths: 8B is C major, 8A its relative
A minor; one step round the wheel (7A -> 8A) is a fifth, A <-> B with the same number is the
relative major/minor. DJs mix between neighbours on the wheel.
"""

from __future__ import annotations

from dataclasses import dataclass

from museaud.music.pitch import note_name, pitch_class

SCALES = ("major", "minor")

# How musicians write each key's tonic: the key signature with fewer accidentals (F# major and
# Eb minor, six either way, as most charts and DJ software write them).
MAJOR_TONICS = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MINOR_TONICS = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")


def key_name(key_note: int, scale: str, *, short: bool = False) -> str:
    """A key as a musician writes it: 'Bb minor' and 'Db major', or short 'Bbm' and 'Db'."""
    tonic = (MINOR_TONICS if scale == "minor" else MAJOR_TONICS)[key_note % 12]
    if short:
        return f"{tonic}m" if scale == "minor" else tonic
    return f"{tonic} {scale}"


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


def are_neighbours(a: Key, b: Key) -> bool:
    """True when two keys mix well: the same key, its relative, or a fifth up or down."""
    if b in (a, a.relative):
        return True
    return a.scale == b.scale and (a.note - b.note) % 12 in (5, 7)
