"""The grid notation: the letters of each percussion instrument, counted positions, and
programs read from (and printed as) text grids.

One character per step, a space between beats, `|` between bars; `.` is a rest, a letter is a
stroke of that instrument (NOTATION). Pitched programs are written as counted positions and
note names in C.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from museaud.music.pitch import pitch_class
from museaud.patterns.flavors.model import FlavorProgram
from museaud.patterns.instruments import INSTRUMENTS
from museaud.patterns.model import BeatPattern, Note, Part


@dataclass(frozen=True)
class Stroke:
    """One letter of the grid notation: the instrument's stroke it plays, how hard, how long."""

    letter: str
    stroke: str
    velocity: int
    meaning: str
    length: int = 1


NOTATION: dict[str, tuple[Stroke, ...]] = {
    "clave": (Stroke("x", "hit", 100, "the two sticks struck together"),),
    "cowbell": (
        Stroke("M", "mouth", 110, "mouth of the bell: open, low, loud"),
        Stroke("N", "neck", 72, "neck of the bell: closed, high, softer"),
    ),
    "timbale_bell": (
        Stroke("M", "mouth", 110, "mouth of the timbalero's bell"),
        Stroke("N", "neck", 72, "neck of the timbalero's bell"),
    ),
    "timbales": (
        Stroke("C", "cascara", 105, "stick on the shell (cáscara), accented"),
        Stroke("c", "cascara", 75, "stick on the shell (cáscara)"),
        Stroke("H", "high", 100, "macho (high drum), open tone"),
        Stroke("L", "low", 100, "hembra (low drum), open tone"),
        Stroke("D", "low_muted", 55, "hembra, muffled (dead) stroke"),
        Stroke("R", "rimshot", 110, "macho rim shot"),
        Stroke("M", "bell_mouth", 110, "mambo bell, mouth"),
        Stroke("N", "bell_neck", 72, "mambo bell, neck"),
    ),
    "bongo": (
        Stroke("X", "finger", 100, "macho (small drum), index-finger stroke"),
        Stroke("A", "high_open", 122, "macho, open tone (the martillo's beat 2)"),
        Stroke("t", "thumb", 55, "macho, thumb or fingertips (soft filler)"),
        Stroke("O", "low_open", 105, "hembra (large drum), open tone"),
    ),
    "bongo_bachata": (
        Stroke("X", "high", 100, "macho, finger stroke"),
        Stroke("t", "thumb", 55, "macho, thumb (soft filler)"),
        Stroke("O", "low", 105, "hembra, open tone"),
    ),
    "conga": (
        Stroke("O", "open", 100, "open tone"),
        Stroke("S", "slap", 115, "slap"),
        Stroke("H", "heel", 50, "heel of the hand (palm), soft"),
        Stroke("T", "tip", 38, "tip of the fingers (toe), soft"),
        Stroke("L", "low_open", 105, "tumba (low drum), open tone"),
    ),
    **{
        drum: (
            Stroke("O", "open", 100, "open tone"),
            Stroke("S", "slap", 115, "slap"),
            Stroke("M", "muted", 70, "muffled (closed) tone"),
            Stroke("H", "heel", 50, "heel of the hand (palm), soft"),
            Stroke("T", "tip", 38, "tip of the fingers (toe), soft"),
        )
        for drum in ("salidor", "tres_dos", "quinto")
    },
    "cata": (
        Stroke("X", "hit", 105, "stick on the catá, the hand that plays the clave"),
        Stroke("x", "low", 70, "the other stick, filling in"),
    ),
    "shekere": (
        Stroke("X", "hit", 100, "chekeré, accented (downward shake or hand slap)"),
        Stroke("x", "hit", 62, "chekeré"),
    ),
    "guiro": (
        Stroke("L", "long", 95, "long scrape", length=2),
        Stroke("S", "short", 78, "short scrape or tap"),
    ),
    "maracas": (
        Stroke("X", "hit", 100, "accented shake"),
        Stroke("x", "hit", 62, "shake"),
    ),
    "guira": (
        Stroke("L", "scrape", 92, "long scrape (an eighth)", length=2),
        Stroke("s", "scrape", 58, "short scrape"),
        Stroke("A", "scrape", 122, "accented stroke"),
    ),
    "tambora": (
        Stroke("S", "slap", 112, "hand on the left head, slap"),
        Stroke("O", "open", 100, "stick on the right head, open tone"),
        Stroke("R", "rim", 85, "stick on the rim (aro)"),
        Stroke("M", "muted", 70, "muffled tone"),
    ),
    "kick": (Stroke("x", "hit", 112, "kick"),),
    "snare": (
        Stroke("X", "hit", 115, "snare, backbeat"),
        Stroke("x", "hit", 88, "snare, fill stroke"),
        Stroke("g", "ghost", 38, "ghost note"),
        Stroke("r", "rim", 96, "cross-stick (rim click)"),
    ),
    "clap": (Stroke("x", "hit", 105, "hand clap"),),
    "closed_hat": (
        Stroke("X", "hit", 96, "closed hi-hat, accented"),
        Stroke("x", "hit", 66, "closed hi-hat"),
    ),
    "open_hat": (Stroke("x", "hit", 92, "open hi-hat"),),
    "pedal_hat": (Stroke("x", "hit", 80, "hi-hat with the foot"),),
    "crash": (Stroke("x", "hit", 110, "crash cymbal"),),
}
"""The grid letters of each percussion instrument. Where General MIDI has one sound for two strokes
(the bongo bell's mouth and neck, the bongó's finger stroke and open tone), the strokes share the
key and differ in velocity; a note reads back as the stroke whose velocity is nearest."""


def stroke_key(instrument_id: str, stroke: Stroke) -> int:
    return INSTRUMENTS[instrument_id].stroke(stroke.stroke)


def stroke_letter(instrument_id: str, note: Note) -> str:
    """The grid letter of a percussion note: the stroke on its key with the nearest velocity;
    'x' for a key the notation does not name (an imported or hand-placed note)."""
    candidates = [
        stroke
        for stroke in NOTATION.get(instrument_id, ())
        if stroke_key(instrument_id, stroke) == note.pitch
    ]
    if not candidates:
        return "x"
    return min(candidates, key=lambda stroke: abs(stroke.velocity - note.velocity)).letter


def hits(
    instrument_id: str,
    name: str,
    text: str,
    about: str = "",
    sources: tuple[str, ...] = (),
) -> FlavorProgram:
    """A percussion program from its grid text (the notation grid() prints)."""
    letters = {stroke.letter: stroke for stroke in NOTATION[instrument_id]}
    cells = [cell for cell in text if cell not in " |"]
    notes = []
    for step, cell in enumerate(cells):
        if cell == ".":
            continue
        if cell not in letters:
            raise ValueError(f"{instrument_id} ({name}): {cell!r} is not one of {list(letters)}")
        stroke = letters[cell]
        key = stroke_key(instrument_id, stroke)
        notes.append(Note(step, key, stroke.velocity, stroke.length))
    return FlavorProgram(name, tuple(notes), len(cells), about, sources)


_SUBDIVISIONS = {"": Fraction(0), "e": Fraction(1, 4), "&": Fraction(1, 2), "a": Fraction(3, 4)}


def position_step(position: str, steps_per_beat: int, beats_per_bar: int = 4) -> int:
    """The step of a counted position such as '1:1', '2:2&' or '1:3a' (bar:beat and e & a)."""
    bar_text, _, beat_text = position.partition(":")
    digits = beat_text.rstrip("e&a")
    sub = beat_text[len(digits) :]
    if not bar_text.isdigit() or not digits.isdigit() or sub not in _SUBDIVISIONS:
        raise ValueError(f"{position!r} is not a position like '1:2&'")
    offset = _SUBDIVISIONS[sub] * steps_per_beat
    if offset.denominator != 1:
        raise ValueError(f"{position!r} falls between steps at {steps_per_beat} steps per beat")
    return (
        (int(bar_text) - 1) * beats_per_bar * steps_per_beat
        + (int(digits) - 1) * steps_per_beat
        + int(offset)
    )


def midi_pitch(name: str) -> int:
    """The MIDI number of a note name with octave: 'C4' is 60, 'Eb2' 39, 'F#3' 54."""
    letters = name.rstrip("0123456789")
    octave = name[len(letters) :]
    if not octave:
        raise ValueError(f"{name!r} has no octave (write C4, Eb2 …)")
    return 12 * (int(octave) + 1) + pitch_class(letters)


def tune(
    name: str,
    steps_per_beat: int,
    events: Sequence[tuple[str, str, int] | tuple[str, str, int, int]],
    about: str = "",
    sources: tuple[str, ...] = (),
    *,
    bars: int = 2,
) -> FlavorProgram:
    """A pitched program: (position, note names, length in steps[, velocity]) per event."""
    notes: list[Note] = []
    for event in events:
        position, names, length = event[0], event[1], event[2]
        velocity = event[3] if len(event) == 4 else 96
        step = position_step(position, steps_per_beat)
        notes.extend(Note(step, midi_pitch(n), velocity, length) for n in names.split())
    return FlavorProgram(name, tuple(sorted(notes)), bars * 4 * steps_per_beat, about, sources)


def grid(part: Part, pattern: BeatPattern, *, program: int | None = None) -> str:
    """The part's active (or given) program as a text grid: one character per step, beats
    separated by spaces and bars by ' | '; percussion shows stroke letters (NOTATION), pitched
    parts an 'x' where notes start. Two strokes on one step show the louder."""
    chosen = part.programs[part.active_program if program is None else program]
    spec = INSTRUMENTS.get(part.instrument)
    pitched = spec is not None and not spec.is_percussion
    cells = ["."] * pattern.total_steps
    loudest: dict[int, int] = {}
    for note in chosen.notes:
        if not 0 <= note.step < pattern.total_steps:
            continue
        if note.step in loudest and loudest[note.step] >= note.velocity:
            continue
        loudest[note.step] = note.velocity
        cells[note.step] = "x" if pitched else stroke_letter(part.instrument, note)
    spb = pattern.steps_per_beat
    bars = []
    for bar in range(pattern.bars):
        start = bar * pattern.steps_per_bar
        beats = [
            "".join(cells[start + beat * spb : start + (beat + 1) * spb])
            for beat in range(pattern.beats_per_bar)
        ]
        bars.append(" ".join(beats))
    return " | ".join(bars)


def count_position(step: int, steps_per_beat: int, beats_per_bar: int = 4) -> str:
    """A step as it is counted: '1:1', '2:2&', '1:3a' (bar:beat and e & a)."""
    bar, in_bar = divmod(step, steps_per_beat * beats_per_bar)
    beat, sub = divmod(in_bar, steps_per_beat)
    fraction = Fraction(sub, steps_per_beat)
    names = {value: name for name, value in _SUBDIVISIONS.items()}
    return f"{bar + 1}:{beat + 1}{names.get(fraction, f'+{fraction}')}"
