"""Pitch classes and key names: C=0 … B=11, sharps as the default spelling."""

from __future__ import annotations

PITCH_CLASS_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_FLATS = {"Db": 1, "Eb": 3, "Gb": 6, "Ab": 8, "Bb": 10, "Cb": 11, "Fb": 4, "E#": 5, "B#": 0}


def pitch_class(name: str) -> int:
    """The pitch class of a note name such as 'F#', 'Bb' or 'c'; ValueError for anything else."""
    cleaned = name.strip().replace("♯", "#").replace("♭", "b")
    if not cleaned:
        raise ValueError("empty note name")
    spelled = cleaned[0].upper() + cleaned[1:]
    if spelled in PITCH_CLASS_NAMES:
        return PITCH_CLASS_NAMES.index(spelled)
    if spelled in _FLATS:
        return _FLATS[spelled]
    raise ValueError(f"{name!r} is not a note name (C, C#, Db, … B)")


def note_name(pitch: int) -> str:
    """The sharp spelling of a pitch class (any integer, taken modulo 12)."""
    return PITCH_CLASS_NAMES[pitch % 12]
