"""Hydrogen drum machine songs (.h2song) as museaud patterns: every non-empty pattern of a song.

A song is XML: the tempo, an instrument list (id, name, volume, pan, mute, MIDI out note) and
patterns whose notes sit on Hydrogen's grid of 48 ticks per quarter note (a 4/4 bar is 192 ticks).
Both layouts are read: 0.9.x (pan_L/pan_R, no MIDI out note, notes possibly inside a sequenceList)
and 1.x (a single pan, midiOutNote, a pattern denominator).

Each Hydrogen instrument becomes a General MIDI drum key, then the museaud instrument that plays
that key (midifile.drum_instrument; 'kit' for keys no named instrument has). The key comes from
the instrument's name when the name says what it is ('Kick', 'Hat Pedal', 'Tom Low' …), because
kits such as the TR-808 emulation number their MIDI out notes 36, 37, 38 … whatever the sound;
otherwise from its midiOutNote (the GM kits of the demo songs use GM notes).

The XML is parsed with the standard library, so a file that declares a DOCTYPE or entities is
refused before parsing (entity expansion is how an XML bomb works).
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from museaud.patterns.midifile import choose_steps_per_beat, drum_instrument, nearest_step
from museaud.patterns.model import (
    BEAT_BPM_MAX,
    BEAT_BPM_MIN,
    BeatPattern,
    Note,
    Part,
    PatternError,
    Program,
)

TICKS_PER_WHOLE_NOTE = 192  # Hydrogen: 48 ticks per quarter note
MAX_FILE_BYTES = 32 * 1024 * 1024
FLAVOR = "Hydrogen"


class H2SongError(ValueError):
    """A Hydrogen song that cannot be imported; the message names the file and the problem."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


_NAME_KEYS: tuple[tuple[tuple[str, ...], int, str | None], ...] = (
    # words the name must all contain -> GM drum key (and an instrument when the key's is wrong)
    (("rimshot",), 40, None),  # GMRockKit's 'Snare Rimshot' sends GM 40, the electric snare
    (("stick",), 37, None),
    (("kick",), 36, None),
    (("bass drum",), 36, None),
    (("snare",), 38, None),
    (("clap",), 39, None),
    (("hat", "pedal"), 44, None),
    (("hat", "open"), 46, None),  # semi-open too
    (("hat",), 42, None),
    (("hh", "pedal"), 44, None),
    (("hh", "open"), 46, None),
    ((" hh ",), 42, None),
    # toms onto museaud's three: high and rack tom 1, mid and rack tom 2, low and floor
    (("tom", "floor"), 43, None),
    (("tom", "low"), 43, None),
    (("tom", "mid"), 47, None),
    (("tom", "hi"), 50, None),
    (("tom", "1 "), 50, None),
    (("tom", "2 "), 47, None),
    (("tom", "3 "), 43, None),
    (("ride", "bell"), 53, None),
    (("ride", "2"), 59, None),
    (("ride",), 51, None),
    (("crash", "2"), 57, None),
    (("crash",), 49, None),
    (("splash",), 55, None),
    (("china",), 52, None),
    (("chinese",), 52, None),
    (("cymbal",), 49, None),
    (("cowbell",), 56, None),
    (("tambourine",), 54, None),
    (("conga", "low"), 64, None),
    (("conga", "mute"), 62, None),
    (("conga", "slap"), 62, None),
    (("conga",), 63, None),
    (("bongo", "low"), 61, None),
    (("bongo",), 60, None),
    (("timbale", "low"), 66, None),
    (("timbale",), 65, None),
    (("agogo", "low"), 68, None),
    (("agogo",), 67, None),
    (("cabasa",), 69, None),
    (("shaker",), 70, "shaker"),
    (("maraca",), 70, None),
    (("whistle",), 71, None),
    (("guiro", "long"), 74, None),
    (("guiro",), 73, None),
    (("clave",), 75, None),
    (("wood", "block"), 76, None),
    (("woodblock",), 76, None),
    (("cuica", "open"), 79, None),
    (("cuica",), 78, None),
    (("triangle", "mute"), 80, None),
    (("triangle",), 81, None),
    (("vibraslap",), 58, None),
)


def drum_key_for_name(name: str) -> tuple[int, str] | None:
    """The GM drum key and museaud instrument a Hydrogen instrument's name stands for, if any."""
    words = " " + re.sub(r"[^a-z0-9]+", " ", name.casefold()).strip() + " "
    for parts, key, instrument_id in _NAME_KEYS:
        if all(part in words for part in parts):
            return key, instrument_id or drum_instrument(key)
    return None


@dataclass(frozen=True)
class _Instrument:
    """A Hydrogen instrument and the museaud instrument and drum key it becomes."""

    id: str
    position: int
    name: str
    volume: float
    pan: float
    muted: bool
    museaud: str
    key: int


@dataclass
class _PartNotes:
    """The notes of one museaud part gathered from its Hydrogen instruments."""

    members: list[_Instrument] = field(default_factory=list)
    notes: dict[tuple[int, int], Note] = field(default_factory=dict)


def _read_root(target: Path) -> ET.Element:
    """The song's root element; refuses DTDs and entities, which stdlib ElementTree expands."""
    try:
        size = target.stat().st_size
    except FileNotFoundError:
        raise H2SongError(target, "no such file") from None
    except OSError as error:
        raise H2SongError(target, f"cannot be read ({error.strerror or error})") from error
    if size > MAX_FILE_BYTES:
        raise H2SongError(target, f"{size} bytes is too large for a Hydrogen song")
    raw = target.read_bytes()
    lowered = raw.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise H2SongError(
            target, "declares a DOCTYPE or entities, which a Hydrogen song never does (refused)"
        )
    if not raw.strip():
        raise H2SongError(target, "the file is empty")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as error:
        raise H2SongError(target, f"not XML ({error})") from error
    if root.tag != "song":
        raise H2SongError(target, f"not a Hydrogen song (its root element is <{root.tag}>)")
    return root


def _number(target: Path, element: ET.Element, tag: str, default: float | None) -> float:
    """A number in a child element; H2SongError when required and missing, or not a number."""
    text = element.findtext(tag)
    if text is None or not text.strip():
        if default is None:
            raise H2SongError(target, f"has no <{tag}>")
        return default
    try:
        value = float(text)
    except ValueError:
        raise H2SongError(target, f"<{tag}> is {text.strip()!r}, not a number") from None
    if not math.isfinite(value):
        raise H2SongError(target, f"<{tag}> is {text.strip()!r}, not a finite number")
    return value


def _pan(target: Path, element: ET.Element) -> float:
    """Pan -1..1: 1.x writes it, 0.9.x writes left and right gains (1, 1 is the centre)."""
    if element.findtext("pan") is not None:
        return max(-1.0, min(1.0, _number(target, element, "pan", 0.0)))
    left = _number(target, element, "pan_L", 1.0)
    right = _number(target, element, "pan_R", 1.0)
    if left == right or max(left, right) <= 0:
        return 0.0
    pan = right / left - 1 if left > right else 1 - left / right
    return round(max(-1.0, min(1.0, pan)), 3)


def _instruments(target: Path, root: ET.Element) -> dict[str, _Instrument]:
    """The song's instruments by id, each mapped to a museaud instrument and drum key."""
    instruments: dict[str, _Instrument] = {}
    for position, element in enumerate(root.iterfind(".//instrumentList/instrument")):
        instrument_id = (element.findtext("id") or str(position)).strip()
        name = (element.findtext("name") or "").strip() or f"Instrument {instrument_id}"
        named = drum_key_for_name(name)
        if named is not None:
            key, museaud = named
        else:
            midi_note = _number(target, element, "midiOutNote", -1)
            # without a MIDI out note Hydrogen itself sends 36 + the instrument's position
            key = int(midi_note) if 0 <= midi_note <= 127 else min(127, 36 + position)
            museaud = drum_instrument(key)
        instruments[instrument_id] = _Instrument(
            id=instrument_id,
            position=position,
            name=name,
            volume=max(0.0, min(2.0, _number(target, element, "volume", 1.0))),
            pan=_pan(target, element),
            muted=(element.findtext("isMuted") or "").strip().lower() == "true",
            museaud=museaud,
            key=key,
        )
    return instruments


def _metre(target: Path, size: int, denominator: int, where: str) -> tuple[int, int, int]:
    """Beats per bar, beat unit and bars of a pattern of `size` ticks."""
    if denominator not in (2, 4, 8, 16):
        raise H2SongError(target, f"{where}: denominator {denominator} is not 2, 4, 8 or 16")
    beats = Fraction(size * denominator, TICKS_PER_WHOLE_NOTE)
    if beats.denominator == 1 and beats % 4 == 0 and denominator == 4:
        return 4, 4, int(beats) // 4
    if beats.denominator == 1 and beats <= 16:
        return int(beats), denominator, 1
    return 4, denominator, math.ceil(beats / 4)


def import_h2song(path: str | os.PathLike[str]) -> list[BeatPattern]:
    """Every pattern with notes in a Hydrogen song, titled '<song> – <pattern>', flavour Hydrogen.

    Notes are quantised to 4 steps per beat, or to the first of 3, 6, 8, 12 that holds their
    positions (triplets, 32nds). Hydrogen instruments that become the same museaud instrument
    share a part (of notes on the same step and key the louder stays); a part is disabled when all
    its Hydrogen instruments are muted, and a muted instrument's notes are left out otherwise.
    """
    target = Path(path)
    root = _read_root(target)
    bpm = _number(target, root, "bpm", None)
    if not 20 <= bpm <= 400:
        raise H2SongError(target, f"<bpm> {bpm:g} is outside 20-400")
    song = (root.findtext("name") or "").strip() or target.stem
    instruments = _instruments(target, root)
    swing_factor = _number(target, root, "swing_factor", 0.0)
    patterns = []
    for number, element in enumerate(root.iterfind(".//patternList/pattern"), start=1):
        pattern = _pattern(
            target, element, number=number, song=song, bpm=bpm, instruments=instruments
        )
        if pattern is None:
            continue
        metadata = {
            **pattern.metadata,
            "hydrogen_version": (root.findtext("version") or "").strip(),
            "author": (root.findtext("author") or "").strip(),
            "swing_factor": swing_factor,
        }
        pattern = replace(pattern, swing=max(0.0, min(0.75, swing_factor)), metadata=metadata)
        try:
            patterns.append(pattern.validated())
        except PatternError as error:
            raise H2SongError(target, str(error)) from error
    if not patterns:
        raise H2SongError(target, "no pattern of the song has notes")
    return patterns


def _pattern(
    target: Path,
    element: ET.Element,
    *,
    number: int,
    song: str,
    bpm: float,
    instruments: dict[str, _Instrument],
) -> BeatPattern | None:
    """One Hydrogen pattern as a museaud pattern, or None when it has no notes to import."""
    name = (element.findtext("name") or "").strip() or f"Pattern {number}"
    where = f"pattern {name!r}"
    size = int(_number(target, element, "size", TICKS_PER_WHOLE_NOTE))
    denominator = int(_number(target, element, "denominator", 4))
    if size <= 0:
        raise H2SongError(target, f"{where}: size {size} is not positive")
    beats_per_bar, beat_unit, bars = _metre(target, size, denominator, where)
    beat_ticks = Fraction(TICKS_PER_WHOLE_NOTE, beat_unit)

    hits: list[tuple[int, _Instrument, int, int]] = []  # position, instrument, velocity, length
    skipped = 0
    for note in element.iter("note"):
        instrument = instruments.get((note.findtext("instrument") or "").strip())
        position = int(_number(target, note, "position", -1))
        velocity = round(_number(target, note, "velocity", 0.8) * 127)
        if (
            instrument is None
            or not 0 <= position < size
            or velocity <= 0
            or (note.findtext("note_off") or "").strip().lower() == "true"
        ):
            skipped += 1
            continue
        length = int(_number(target, note, "length", -1))
        hits.append((position, instrument, min(127, velocity), length))
    if not hits:
        return None

    steps_per_beat = choose_steps_per_beat(Fraction(position) / beat_ticks for position, *_ in hits)
    step_ticks = beat_ticks / steps_per_beat
    total_steps = bars * beats_per_bar * steps_per_beat
    error = max(
        abs(position - nearest_step(position, step_ticks) * step_ticks) for position, *_ in hits
    )
    parts: dict[str, _PartNotes] = defaultdict(_PartNotes)
    for _, instrument, _, _ in hits:
        if instrument not in parts[instrument.museaud].members:
            parts[instrument.museaud].members.append(instrument)
    for position, instrument, velocity, length in hits:
        gathered = parts[instrument.museaud]
        if instrument.muted and not all(member.muted for member in gathered.members):
            skipped += 1
            continue
        step = nearest_step(position, step_ticks) % total_steps  # a late last note loops round
        steps = max(1, nearest_step(length, step_ticks)) if length > 0 else 1
        hit = Note(step=step, pitch=instrument.key, velocity=velocity, length=steps)
        kept = gathered.notes.get((step, hit.pitch))
        if kept is None or (hit.velocity, hit.length) > (kept.velocity, kept.length):
            gathered.notes[step, hit.pitch] = hit

    museaud_parts = tuple(
        Part(
            instrument=instrument_id,
            programs=(Program("A", tuple(sorted(gathered.notes.values()))),),
            enabled=not all(member.muted for member in gathered.members),
            volume=max(member.volume for member in gathered.members),
            pan=gathered.members[0].pan,
        )
        for instrument_id, gathered in sorted(
            parts.items(), key=lambda item: min(member.position for member in item[1].members)
        )
        if gathered.notes
    )
    metadata: dict[str, Any] = {
        "source": "hydrogen",
        "file": target.name,
        "song": song,
        "pattern": name,
        "instruments": {
            instrument_id: [member.name for member in gathered.members]
            for instrument_id, gathered in parts.items()
        },
        "quantisation_error_beats": round(float(error / beat_ticks), 4),
        "skipped_notes": skipped,
    }
    museaud_bpm = round(bpm * beat_unit / 4, 3)  # Hydrogen counts quarter notes
    return BeatPattern(
        title=f"{song} – {name}",
        flavor=FLAVOR,
        bpm=museaud_bpm,
        parts=museaud_parts,
        beats_per_bar=beats_per_bar,
        beat_unit=beat_unit,
        bars=bars,
        steps_per_beat=steps_per_beat,
        description=(element.findtext("info") or "").strip(),
        kind="beat" if BEAT_BPM_MIN <= museaud_bpm <= BEAT_BPM_MAX else "drums",
        metadata=metadata,
    )
