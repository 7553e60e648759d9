"""Flavours: the beat machine's styles, each with its instruments and their programs.

A flavour (salsa, merengue, house …) names its tempo, metre, grid resolution and clave, and for each
instrument several programs (variations, as on the SalsaNor machine). Percussion programs are
written below in the grid notation that `grid()` prints and docs/rhythms.md shows, so the code,
the tests and the document read the same way:

    one character per step, a space between beats, `|` between bars;
    `.` is a rest, a letter is a stroke of that instrument (see NOTATION).

Clave-based flavours are written in 2-3. The 3-2 version of a part is the same part started one
bar later; `with_clave()` rotates exactly the parts whose bars differ (the ones tied to the clave).
Pitched parts (bass, piano, tres, guitar) are written in C and sound in the pattern's key.

`python -m museaud.patterns.flavors --markdown > docs/rhythms.md` writes the reference document.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from museaud.music.pitch import pitch_class
from museaud.patterns.instruments import GM_DRUM_KEYS, INSTRUMENTS
from museaud.patterns.model import (
    BEAT_BPM_MAX,
    BEAT_BPM_MIN,
    CLAVE_DIRECTIONS,
    BeatPattern,
    Note,
    Part,
    PatternError,
    Program,
)

WRITTEN_CLAVE = "2-3"
"""The direction every clave-based program below is written in."""


# --- notation: the letters of the grids and the strokes they play ------------------------------


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
        Stroke("M", "mouth", 110, "mouth of the bell"),
        Stroke("N", "neck", 72, "neck of the bell"),
    ),
    "timbales": (
        Stroke("C", "cascara", 105, "stick on the shell (cáscara), accented"),
        Stroke("c", "cascara", 75, "stick on the shell (cáscara)"),
        Stroke("L", "low", 100, "hembra (low drum), open tone"),
        Stroke("D", "low_muted", 55, "hembra, muffled (dead) stroke"),
        Stroke("R", "rimshot", 110, "macho rim shot"),
        Stroke("M", "bell_mouth", 110, "mambo bell, mouth"),
        Stroke("N", "bell_neck", 72, "mambo bell, neck"),
    ),
    "bongo": (
        Stroke("X", "finger", 100, "macho (small drum), index-finger stroke"),
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
(the bell's mouth and neck, the conga's slap, heel and tip), the strokes share the key and differ
in velocity; a note reads back as the stroke whose velocity is nearest."""


def _stroke_key(instrument_id: str, stroke: Stroke) -> int:
    return INSTRUMENTS[instrument_id].stroke(stroke.stroke)


def stroke_letter(instrument_id: str, note: Note) -> str:
    """The grid letter of a percussion note: the stroke on its key with the nearest velocity;
    'x' for a key the notation does not name (an imported or hand-placed note)."""
    candidates = [
        stroke
        for stroke in NOTATION.get(instrument_id, ())
        if _stroke_key(instrument_id, stroke) == note.pitch
    ]
    if not candidates:
        return "x"
    return min(candidates, key=lambda stroke: abs(stroke.velocity - note.velocity)).letter


# --- flavours, parts and programs ---------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A reference a rhythm is written after."""

    short: str
    full: str


SOURCES: dict[str, Source] = {
    "uribe": Source(
        "Uribe 1996",
        'Ed Uribe, "The Essence of Afro-Cuban Percussion and Drum Set" (Warner Bros., 1996)',
    ),
    "mauleon": Source(
        "Mauleón 1993",
        'Rebeca Mauleón, "Salsa Guidebook for Piano and Ensemble" (Sher Music, 1993)',
    ),
    "changuito": Source(
        "Quintana 1998",
        'José Luis "Changuito" Quintana with Chuck Silverman, "Changuito: A Master\'s Approach '
        'to Timbales" (Warner Bros., 1998)',
    ),
    "salsanor": Source(
        "SalsaNor machine",
        "The SalsaNor / Salsa Beat Machine's machine files (salsa.xml, merengue.xml): the "
        "beat-machine reductions this machine descends from, checked note for note against "
        "every grid cited with them",
    ),
    "timbales_notebook": Source(
        "timbales notebook",
        "A working timbalero's transcriptions of the basic timbales patterns (cáscara, paila "
        "with hembra, mambo bell, cha-cha-chá bell and hembra), published as LilyPond notebooks "
        "in the GitHub repository mikea/timbales; used to check the timbales grids",
    ),
    "wikipedia_conga": Source(
        "Wikipedia, Conga",
        'The English Wikipedia article "Conga", section on the tumbao (the clave-aligned '
        "variant with one open tone on the ponche, and the bombo on the tumba)",
    ),
    "austerlitz": Source(
        "Austerlitz 1997",
        'Paul Austerlitz, "Merengue: Dominican Music and Dominican Identity" (Temple '
        "University Press, 1997): background on the instruments and their roles",
    ),
    "pacini": Source(
        "Pacini Hernández 1995",
        'Deborah Pacini Hernández, "Bachata: A Social History of a Dominican Popular Music" '
        "(Temple University Press, 1995): background on the bachata ensemble",
    ),
    "fonseca": Source(
        "Fonseca & Weiner 1991",
        'Duduka da Fonseca and Bob Weiner, "Brazilian Rhythms for Drumset" (Manhattan Music, 1991)',
    ),
    "marshall": Source(
        "Marshall 2008",
        'Wayne Marshall, "Dem Bow, Dembow, Dembo: Translation and Transnation in Reggaeton", '
        "Lied und populäre Kultur 53 (2008); the Dem Bow riddim (Steely & Clevie, 1990)",
    ),
    "drum_machine": Source(
        "drum-machine practice",
        "The standard drum-machine programming of the genre (TR-808/909 grids), as found in "
        "any producer's method: these are the textbook skeletons, not a particular record",
    ),
}


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


def _hits(
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
        key = _stroke_key(instrument_id, stroke)
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


def _tune(
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


# --- the Afro-Cuban programs (eighth-note grid, two bars, written 2-3) --------------------------

SON_CLAVE = _hits(
    "clave",
    "Son clave",
    ".. x. x. .. | x. .x .. x.",
    "2-3: the 2-side strokes on beats 2 and 3, the 3-side on 1, the & of 2 and 4.",
    ("uribe", "mauleon", "salsanor"),
)
RUMBA_CLAVE = _hits(
    "clave",
    "Rumba clave",
    ".. x. x. .. | x. .x .. .x",
    "As son clave with the last stroke of the 3-side moved to the & of 4.",
    ("uribe", "salsanor"),
)
BONGO_BELL = _hits(
    "cowbell",
    "Bongo bell (montuno)",
    "M. N. M. NN | M. NN M. NN",
    "The bongocero's bell in the montuno: mouth on 1 and 3, neck around it; the neck stroke on "
    "the & of 2 is left out on the 2-side, so the bell states the clave (eleven strokes).",
    ("uribe", "salsanor"),
)
BONGO_BELL_BASIC = _hits(
    "cowbell",
    "Bongo bell, both bars alike",
    "M. NN M. NN | M. NN M. NN",
    "The same bell without the clave-side gap (twelve strokes).",
    ("uribe",),
)
BELL_QUARTERS = _hits(
    "cowbell",
    "Quarter notes",
    "M. N. M. N. | M. N. M. N.",
    "The pulse alone, mouth on 1 and 3 — a practice and build-up part.",
    ("salsanor",),
)
TUMBAO = _hits(
    "conga",
    "Tumbao",
    "HT ST HT OO | HT ST HT OO",
    "Heel-toe, slap on 2, heel-toe, open tones on 4 and the & of 4.",
    ("uribe", "wikipedia_conga", "salsanor"),
)
TUMBAO_CLAVE = _hits(
    "conga",
    "Tumbao marking the clave",
    "HT ST HT OO | HT ST HT O.",
    "Two open tones before the 3-side, a single one with its third stroke (the ponche).",
    ("wikipedia_conga",),
)
TUMBAO_TWO_DRUMS = _hits(
    "conga",
    "Tumbao on two drums",
    "HT ST HT OO | HT ST HT LL",
    "The 3-side's open tones move to the tumba.",
    ("salsanor",),
)
TUMBAO_BOMBO = _hits(
    "conga",
    "Tumbao with the bombo on the tumba",
    "HT ST HT OO | HT SL HT OO",
    "The tumba sounds the bombo (the & of 2 on the 3-side).",
    ("wikipedia_conga", "salsanor"),
)
MARTILLO = _hits(
    "bongo",
    "Martillo",
    "Xt Xt Xt Ot | Xt Xt Xt Ot",
    "Eighths on the macho, finger strokes on the beats and thumb between, the hembra's open "
    "tone on 4.",
    ("uribe", "salsanor"),
)
MARTILLO_OPEN = _hits(
    "bongo",
    "Martillo, open tones on 4 and the & of 4",
    "Xt Xt Xt OO | Xt Xt Xt OO",
    "The hembra answers twice, as the congas do.",
)
CASCARA = _hits(
    "timbales",
    "Cáscara (paila)",
    "C. C. cC .c | C. cC .C .c",
    "Sticks on the shell for verses: 1, 2, 3, the & of 3 and the & of 4 on the 2-side; 1, 2, "
    "the & of 2, the & of 3 and the & of 4 on the 3-side.",
    ("uribe", "changuito", "timbales_notebook", "salsanor"),
)
CASCARA_HEMBRA = _hits(
    "timbales",
    "Cáscara with the hembra on 4",
    "C. C. cC Lc | C. cC .C Lc",
    "The other hand adds the hembra's open tone on 4.",
    ("timbales_notebook",),
)
MAMBO_BELL = _hits(
    "timbales",
    "Mambo bell (contra campana)",
    "M. M. NN MM | .N NM M. NN",
    "The timbalero's bell for the montuno and mambo sections, two mouth strokes then two neck "
    "strokes around the cycle; it interlocks with the bongo bell.",
    ("changuito", "timbales_notebook", "salsanor"),
)
GUIRO_SON = _hits(
    "guiro",
    "Long, short-short",
    "L. SS L. SS | L. SS L. SS",
    "A long scrape on 1 and 3, two short strokes after each (one cell per half bar).",
    ("uribe", "salsanor"),
)
GUIRO_EIGHTHS = _hits(
    "guiro",
    "Long on the beat, short on the &",
    "LS LS LS LS | LS LS LS LS",
    "A busier güiro for the montuno.",
)
MARACAS_EIGHTHS = _hits(
    "maracas",
    "Eighths, upbeats accented",
    "xX xX xX xX | xX xX xX xX",
    "Steady eighths, the upbeats accented by the leading hand.",
    ("uribe", "salsanor"),
)
MARACAS_SON = _hits(
    "maracas",
    "Son (long, short-short)",
    "X. xx X. xx | X. xx X. xx",
    "The güiro's cell on the maracas.",
    ("salsanor",),
)

_MONTUNO_SOURCES = ("mauleon", "salsanor")
BASS_TUMBAO = _tune(
    "Tumbao I–IV–V–IV (anticipated)",
    2,
    [("1:2&", "F2", 3), ("1:4", "G2", 5), ("2:2&", "F2", 3), ("2:4", "C2", 2)],
    "No note on 1: the & of 2 and beat 4 each play the root of the chord that comes next "
    "(C | F, G | F).",
    _MONTUNO_SOURCES,
)
BASS_FIVE_ONE = _tune(
    "Tumbao on one chord (5–8–5–1)",
    2,
    [("1:2&", "G2", 3), ("1:4", "C3", 5), ("2:2&", "G2", 3), ("2:4", "C2", 2)],
    "Fifth on the & of 2, root on 4, over a single chord.",
    _MONTUNO_SOURCES,
)
BASS_DOWNBEAT = _tune(
    "Tumbao with the downbeat (1–5–1–5–8)",
    2,
    [("1:1", "C2", 3), ("1:2&", "G2", 3), ("1:4", "C2", 5), ("2:2&", "G2", 3), ("2:4", "C3", 2)],
    "Root on the first 1, then the anticipated tumbao.",
    ("salsanor",),
)
MONTUNO = _tune(
    "Montuno I–IV–V–IV",
    2,
    [
        ("1:1", "C4 C5", 1, 100),
        ("1:2", "E4 G4", 1, 84),
        ("1:2&", "F4 F5", 1, 100),
        ("1:3&", "A4 C5", 1, 84),
        ("1:4&", "G4 G5", 1, 100),
        ("2:1&", "B4 D5", 1, 84),
        ("2:2&", "F4 F5", 1, 100),
        ("2:3&", "A4 C5", 1, 84),
        ("2:4&", "C4 C5", 1, 100),
    ],
    "The guajeo in octaves with the chord's third and fifth between: on the beat on the 2-side, "
    "off the beat on the 3-side, each chord anticipated by an eighth.",
    _MONTUNO_SOURCES,
)
MONTUNO_MINOR = _tune(
    "Montuno i–iv–V–iv (minor)",
    2,
    [
        ("1:1", "C4 C5", 1, 100),
        ("1:2", "Eb4 G4", 1, 84),
        ("1:2&", "F4 F5", 1, 100),
        ("1:3&", "Ab4 C5", 1, 84),
        ("1:4&", "G4 G5", 1, 100),
        ("2:1&", "B4 D5", 1, 84),
        ("2:2&", "F4 F5", 1, 100),
        ("2:3&", "Ab4 C5", 1, 84),
        ("2:4&", "C4 C5", 1, 100),
    ],
    "The same guajeo in C minor (the V keeps its major third).",
    _MONTUNO_SOURCES,
)
TRES_GUAJEO = _tune(
    "Guajeo I–IV–V–IV",
    2,
    [
        ("1:1", "E4 C5", 1, 100),
        ("1:2", "G4", 1, 86),
        ("1:2&", "F4 A4", 1, 100),
        ("1:3&", "C5", 1, 86),
        ("1:4", "A4", 1, 86),
        ("1:4&", "G4 B4", 1, 100),
        ("2:1&", "D5", 1, 86),
        ("2:2&", "F4 A4", 1, 100),
        ("2:3&", "C5", 1, 86),
        ("2:4&", "E4 C5", 1, 100),
    ],
    "The tres's ostinato over the bass's progression: double stops anticipating each chord, "
    "single notes between; on the beat on the 2-side, off the beat on the 3-side.",
    ("mauleon",),
)
TRES_GUAJEO_DOMINANT = _tune(
    "Guajeo I–V7–V7–I",
    2,
    [
        ("1:1", "E4 C5", 1, 100),
        ("1:2", "G4", 1, 86),
        ("1:2&", "F4 B4", 1, 100),
        ("1:3&", "D5", 1, 86),
        ("1:4", "B4", 1, 86),
        ("1:4&", "F4 B4", 1, 100),
        ("2:1&", "D5", 1, 86),
        ("2:2&", "E4 C5", 1, 100),
        ("2:3&", "G4", 1, 86),
        ("2:4&", "E4 C5", 1, 100),
    ],
    "The same ostinato over tonic and dominant.",
    ("mauleon",),
)

_PERC_ROLES = {
    "clave": "The key of the rhythm: everything else is placed against it.",
    "cowbell": "The bongocero's hand bell (campana), played in the montuno.",
    "conga": "The tumbadora's tumbao, the groove's steady engine.",
    "bongo": "The bongó's martillo, in verses; the bongocero takes the bell in the montuno.",
    "timbales": "Cáscara on the shell for verses, the mambo bell for the montuno and mambo.",
    "guiro": "The scraper's long and short strokes.",
    "maracas": "Steady shaking, the son's pulse.",
}


def _salsa_parts(bongo_on: bool, maracas_on: bool) -> tuple[FlavorPart, ...]:
    return (
        FlavorPart("clave", _PERC_ROLES["clave"], (SON_CLAVE, RUMBA_CLAVE), 0.85, 0.1),
        FlavorPart(
            "cowbell",
            _PERC_ROLES["cowbell"],
            (BONGO_BELL, BONGO_BELL_BASIC, BELL_QUARTERS),
            0.6,
            0.25,
        ),
        FlavorPart(
            "conga",
            _PERC_ROLES["conga"],
            (TUMBAO, TUMBAO_CLAVE, TUMBAO_TWO_DRUMS, TUMBAO_BOMBO),
            0.85,
            -0.3,
        ),
        FlavorPart("bongo", _PERC_ROLES["bongo"], (MARTILLO, MARTILLO_OPEN), 0.6, 0.35, bongo_on),
        FlavorPart(
            "timbales",
            _PERC_ROLES["timbales"],
            (CASCARA, CASCARA_HEMBRA, MAMBO_BELL),
            0.6,
            0.2,
        ),
        FlavorPart("guiro", _PERC_ROLES["guiro"], (GUIRO_SON, GUIRO_EIGHTHS), 0.45, -0.4),
        FlavorPart(
            "maracas", _PERC_ROLES["maracas"], (MARACAS_EIGHTHS, MARACAS_SON), 0.4, 0.4, maracas_on
        ),
        FlavorPart(
            "bass",
            "The anticipated tumbao: it plays the coming chord before it arrives.",
            (BASS_TUMBAO, BASS_FIVE_ONE, BASS_DOWNBEAT),
            0.95,
        ),
        FlavorPart(
            "piano",
            "The montuno (guajeo), locked to the clave.",
            (MONTUNO, MONTUNO_MINOR),
            0.6,
            -0.15,
        ),
    )


SALSA = Flavor(
    key="salsa",
    name="Salsa",
    description=(
        "Son-based dance music from New York and the Caribbean, felt in cut time. The default "
        "is a montuno section: clave, bongo bell, conga tumbao, cáscara, güiro, anticipated bass "
        "and a piano montuno. The bongó's martillo and the maracas are there but start muted "
        "(the bongocero has taken the bell; maracas belong to the son)."
    ),
    bpm=180,
    bpm_range=(150, 240),
    steps_per_beat=2,
    clave="2-3",
    parts=_salsa_parts(bongo_on=False, maracas_on=False),
    feel="Cut time: two strong pulses a bar (1 and 3).",
    sources=("uribe", "mauleon", "changuito", "salsanor"),
)

SON_MONTUNO = Flavor(
    key="son-montuno",
    name="Son montuno",
    description=(
        "The Cuban son of Arsenio Rodríguez's conjuntos: clave, bongó martillo, maracas and "
        "güiro, conga tumbao, a tres guajeo and the anticipated bass. The bongo bell waits, "
        "muted, for the montuno."
    ),
    bpm=160,
    bpm_range=(120, 210),
    steps_per_beat=2,
    clave="2-3",
    parts=(
        FlavorPart("clave", _PERC_ROLES["clave"], (SON_CLAVE, RUMBA_CLAVE), 0.85, 0.1),
        FlavorPart("bongo", _PERC_ROLES["bongo"], (MARTILLO, MARTILLO_OPEN), 0.7, 0.3),
        FlavorPart(
            "cowbell",
            _PERC_ROLES["cowbell"],
            (BONGO_BELL, BONGO_BELL_BASIC, BELL_QUARTERS),
            0.55,
            0.3,
            enabled=False,
        ),
        FlavorPart("maracas", _PERC_ROLES["maracas"], (MARACAS_SON, MARACAS_EIGHTHS), 0.45, 0.4),
        FlavorPart("guiro", _PERC_ROLES["guiro"], (GUIRO_SON, GUIRO_EIGHTHS), 0.35, -0.4),
        FlavorPart(
            "conga",
            _PERC_ROLES["conga"],
            (TUMBAO, TUMBAO_CLAVE, TUMBAO_TWO_DRUMS, TUMBAO_BOMBO),
            0.8,
            -0.3,
        ),
        FlavorPart(
            "tres",
            "The tres guajeo: the son's harmonic and rhythmic ostinato.",
            (TRES_GUAJEO, TRES_GUAJEO_DOMINANT),
            0.65,
            -0.2,
        ),
        FlavorPart(
            "bass",
            "The anticipated bass of the son (bajo anticipado).",
            (BASS_TUMBAO, BASS_FIVE_ONE, BASS_DOWNBEAT),
            0.95,
        ),
    ),
    feel="Cut time, as salsa; a little slower and lighter.",
    sources=("uribe", "mauleon", "salsanor"),
)

MAMBO = Flavor(
    key="mambo",
    name="Mambo",
    description=(
        "The big-band mambo and the mambo section of a salsa: the timbalero on the mambo bell "
        "against the bongo bell, congas on two drums, the anticipated bass and the montuno."
    ),
    bpm=200,
    bpm_range=(170, 250),
    steps_per_beat=2,
    clave="2-3",
    parts=(
        FlavorPart("clave", _PERC_ROLES["clave"], (SON_CLAVE, RUMBA_CLAVE), 0.8, 0.1),
        FlavorPart(
            "timbales",
            _PERC_ROLES["timbales"],
            (MAMBO_BELL, CASCARA, CASCARA_HEMBRA),
            0.6,
            0.2,
        ),
        FlavorPart(
            "cowbell",
            _PERC_ROLES["cowbell"],
            (BONGO_BELL, BONGO_BELL_BASIC, BELL_QUARTERS),
            0.55,
            0.3,
        ),
        FlavorPart(
            "conga",
            _PERC_ROLES["conga"],
            (TUMBAO_TWO_DRUMS, TUMBAO, TUMBAO_CLAVE, TUMBAO_BOMBO),
            0.85,
            -0.3,
        ),
        FlavorPart(
            "bass",
            "The anticipated tumbao.",
            (BASS_TUMBAO, BASS_FIVE_ONE, BASS_DOWNBEAT),
            0.95,
        ),
        FlavorPart("piano", "The montuno under the horns.", (MONTUNO, MONTUNO_MINOR), 0.6, -0.15),
    ),
    feel="Cut time, fast.",
    sources=("uribe", "changuito", "mauleon", "salsanor"),
)

# --- cha-cha-chá (eighths, not rotated: its parts repeat every bar) ------------------------------

CHACHA = Flavor(
    key="cha-cha-cha",
    name="Cha-cha-chá",
    description=(
        "Enrique Jorrín's dance from the danzón orchestras: the cha-cha bell on every beat, the "
        "güiro's long strokes with the 'cha-cha' on 4 and its &, the conga tumbao and the "
        "timbales' hembra marking the same figure, landing on the 'chá' of the next 1."
    ),
    bpm=120,
    bpm_range=(100, 140),
    steps_per_beat=2,
    clave=None,
    parts=(
        FlavorPart(
            "timbale_bell",
            "The cha-cha bell, mounted on the timbales: quarter notes.",
            (
                _hits(
                    "timbale_bell",
                    "Quarter notes, mouth on 1 and 3",
                    "M. N. M. N. | M. N. M. N.",
                    "The cha-cha bell on every beat.",
                    ("timbales_notebook",),
                ),
                _hits(
                    "timbale_bell",
                    "Quarter notes on the mouth",
                    "M. M. M. M. | M. M. M. M.",
                    "Every beat on the mouth, as many timbaleros play it.",
                    ("timbales_notebook",),
                ),
            ),
            0.6,
            0.2,
        ),
        FlavorPart(
            "guiro",
            "The cha-cha-chá güiro.",
            (
                _hits(
                    "guiro",
                    "Cha-cha-chá (long on 1 2 3, short on 4 and its &)",
                    "L. L. L. SS | L. L. L. SS",
                    "Three long strokes, then the 'cha-cha' leading to the 'chá' on 1.",
                ),
                GUIRO_SON,
            ),
            0.5,
            -0.4,
        ),
        FlavorPart(
            "conga",
            _PERC_ROLES["conga"],
            (
                TUMBAO,
                _hits(
                    "conga",
                    "Tumbao with the tumba on 1",
                    "LT ST HT OO | LT ST HT OO",
                    "The tumba sounds the 'chá' each bar.",
                ),
            ),
            0.8,
            -0.3,
        ),
        FlavorPart(
            "timbales",
            "The hembra of the timbales marks the cha-cha figure.",
            (
                _hits(
                    "timbales",
                    "Hembra: the cha-cha on 4 and its &",
                    ".. .D .. LL | .. .D .. LL",
                    "A muffled stroke on the & of 2, open tones on 4 and its &.",
                    ("timbales_notebook",),
                ),
                _hits(
                    "timbales",
                    "Hembra on 2 (muffled) and 4 (open)",
                    ".. D. .. L. | .. D. .. L.",
                    "The danzón way of marking 2 and 4.",
                    ("timbales_notebook",),
                ),
            ),
            0.55,
            0.2,
        ),
        FlavorPart(
            "bass",
            "Roots on 1, the cha-cha in the bass.",
            (
                _tune(
                    "Cha-cha bass I–V7",
                    2,
                    [
                        ("1:1", "C2", 4),
                        ("1:3", "G2", 2),
                        ("1:4", "G2", 1),
                        ("1:4&", "G2", 1),
                        ("2:1", "G2", 4),
                        ("2:3", "D2", 2),
                        ("2:4", "D2", 1),
                        ("2:4&", "D2", 1),
                    ],
                    "Root on 1, fifth on 3, the cha-cha on 4 and its & (C | G7).",
                ),
                _tune(
                    "Roots and fifths on 1 and 3",
                    2,
                    [("1:1", "C2", 4), ("1:3", "G2", 4), ("2:1", "G2", 4), ("2:3", "D2", 4)],
                    "Half notes, for slow cha-chas.",
                ),
            ),
            0.9,
        ),
        FlavorPart(
            "piano",
            "Chords that play the cha-cha with the bass.",
            (
                _tune(
                    "Cha-cha comp I–V7",
                    2,
                    [
                        ("1:1", "C4 E4 G4", 2),
                        ("1:2&", "C4 E4 G4", 1),
                        ("1:4", "C4 E4 G4", 1),
                        ("1:4&", "C4 E4 G4", 1),
                        ("2:1", "B3 D4 F4 G4", 2),
                        ("2:2&", "B3 D4 F4 G4", 1),
                        ("2:4", "B3 D4 F4 G4", 1),
                        ("2:4&", "B3 D4 F4 G4", 1),
                    ],
                    "Chord on 1, the & of 2, and the cha-cha on 4 and its &.",
                ),
                _tune(
                    "Chords on the beats",
                    2,
                    [(f"1:{b}", "C4 E4 G4", 2) for b in range(1, 5)]
                    + [(f"2:{b}", "B3 D4 F4 G4", 2) for b in range(1, 5)],
                    "Quarter-note chords, C | G7.",
                ),
            ),
            0.55,
            -0.15,
        ),
    ),
    feel="Four even beats; the cha-cha-chá lands on 4, its & and the next 1.",
    sources=("uribe", "changuito"),
)

# --- merengue and bachata (sixteenth grid) -----------------------------------------------------

GUIRA_MERENGUE = _hits(
    "guira",
    "Merengue (accent on 2)",
    "L.ss A.ss L.ss A.ss | L.ss A.ss L.ss A.ss",
    "A long scrape then two short ones on every beat, the second beat of each 2/4 bar accented.",
    ("salsanor",),
)
GUIRA_STEADY = _hits(
    "guira",
    "Long, short-short",
    "L.ss L.ss L.ss L.ss | L.ss L.ss L.ss L.ss",
    "The constant scrape: an eighth and two sixteenths per beat.",
    ("salsanor",),
)
GUIRA_DOWNBEATS = _hits(
    "guira",
    "Long on the beat, short on the &",
    "L.s. L.s. L.s. L.s. | L.s. L.s. L.s. L.s.",
    "A lighter güira for slower songs.",
    ("salsanor",),
)

MERENGUE = Flavor(
    key="merengue",
    name="Merengue",
    description=(
        "The Dominican merengue (merengue derecho): the güira scraping without pause, the "
        "tambora's slap, rim and open tone with its five-stroke repique, the bass on every beat "
        "and the piano's bass-and-chord comp."
    ),
    bpm=150,
    bpm_range=(110, 180),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "guira",
            "The güira: the constant scraping pattern with its accents.",
            (GUIRA_MERENGUE, GUIRA_STEADY, GUIRA_DOWNBEATS),
            0.55,
            0.35,
        ),
        FlavorPart(
            "tambora",
            "The tambora: hand on one head, stick on the other head and the rim.",
            (
                _hits(
                    "tambora",
                    "Derecho with the repique",
                    "S..R S.O. S..R OOOO | S..R S.O. S..R OOOO",
                    "Slap on each beat, rim on the a of the first, open tone on the & of the "
                    "second (the SalsaNor tambora, museaud's reading of its three sounds); every "
                    "second 2/4 bar ends with the repique, five strokes from 2 to the next 1.",
                    ("salsanor",),
                ),
                _hits(
                    "tambora",
                    "Derecho, repique every fourth 2/4 bar",
                    "S..R S.O. S..R S.O. | S..R S.O. S..R OOOO",
                    "The repique only at the end of the phrase.",
                ),
                _hits(
                    "tambora",
                    "Derecho without the repique",
                    "S..R S.O. S..R S.O. | S..R S.O. S..R S.O.",
                    "The bare ostinato.",
                    ("salsanor",),
                ),
            ),
            0.85,
            -0.2,
        ),
        FlavorPart(
            "bass",
            "The bass on every beat, root and fifth.",
            (
                _tune(
                    "Root and fifth on the beats (I–V7)",
                    4,
                    [
                        ("1:1", "C2", 2),
                        ("1:2", "G1", 2),
                        ("1:3", "C2", 2),
                        ("1:4", "G1", 2),
                        ("2:1", "G1", 2),
                        ("2:2", "D2", 2),
                        ("2:3", "G1", 2),
                        ("2:4", "D2", 2),
                    ],
                    "C | G7, alternating root and fifth.",
                    ("salsanor",),
                ),
                _tune(
                    "Roots on the beats",
                    4,
                    [(f"1:{b}", "C2", 2) for b in range(1, 5)]
                    + [(f"2:{b}", "G1", 2) for b in range(1, 5)],
                    "C | G7, the root on every beat.",
                ),
            ),
            0.9,
        ),
        FlavorPart(
            "piano",
            "Bass note on the beat, chord on the &.",
            (
                _tune(
                    "Merengue comp I–V7",
                    4,
                    [
                        ("1:1", "C3", 2),
                        ("1:1&", "E4 G4 C5", 2, 84),
                        ("1:2", "G3", 2),
                        ("1:2&", "E4 G4 C5", 2, 84),
                        ("1:3", "C3", 2),
                        ("1:3&", "E4 G4 C5", 2, 84),
                        ("1:4", "G3", 2),
                        ("1:4&", "E4 G4 C5", 2, 84),
                        ("2:1", "G2", 2),
                        ("2:1&", "B3 D4 F4", 2, 84),
                        ("2:2", "D3", 2),
                        ("2:2&", "B3 D4 F4", 2, 84),
                        ("2:3", "G2", 2),
                        ("2:3&", "B3 D4 F4", 2, 84),
                        ("2:4", "D3", 2),
                        ("2:4&", "B3 D4 F4", 2, 84),
                    ],
                    "The left hand on the beat, the right hand's chord on every &.",
                    ("salsanor",),
                ),
                _tune(
                    "Off-beat chords",
                    4,
                    [(f"1:{b}&", "E4 G4 C5", 2, 84) for b in range(1, 5)]
                    + [(f"2:{b}&", "B3 D4 F4", 2, 84) for b in range(1, 5)],
                    "Only the right hand's chords, C | G7.",
                ),
            ),
            0.5,
            -0.15,
        ),
    ),
    feel="Written in 4/4; each bar is two bars of the merengue's 2/4.",
    sources=("salsanor", "austerlitz"),
)

BACHATA = Flavor(
    key="bachata",
    name="Bachata",
    description=(
        "Dominican bachata (derecho): the bongó's martillo with the hembra on 4, the güira's "
        "long and short scrapes, a syncopated bass and the rhythm guitar's arpeggios."
    ),
    bpm=128,
    bpm_range=(110, 150),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "bongo_bachata",
            "The bongó's martillo, the bachata's heartbeat.",
            (
                _hits(
                    "bongo_bachata",
                    "Derecho (martillo)",
                    "X.t. X.t. X.t. O.t. | X.t. X.t. X.t. O.t.",
                    "Eighths: finger strokes on the beats, thumb between, the hembra on 4.",
                ),
                _hits(
                    "bongo_bachata",
                    "Derecho, open tones on 4 and its &",
                    "X.t. X.t. X.t. O.O. | X.t. X.t. X.t. O.O.",
                    "The hembra answers twice.",
                ),
            ),
            0.7,
            0.3,
        ),
        FlavorPart(
            "guira",
            "The güira's steady scrape.",
            (
                GUIRA_STEADY,
                _hits(
                    "guira",
                    "Eighths, accent on the beat",
                    "A.s. A.s. A.s. A.s. | A.s. A.s. A.s. A.s.",
                    "Struck eighths for the calmer parts.",
                ),
            ),
            0.5,
            -0.35,
        ),
        FlavorPart(
            "bass",
            "A syncopated bass under the guitar.",
            (
                _tune(
                    "Bachata bass I | IV V",
                    4,
                    [
                        ("1:1", "C2", 6),
                        ("1:2&", "C2", 2),
                        ("1:3", "G2", 6),
                        ("1:4&", "G2", 2),
                        ("2:1", "F2", 6),
                        ("2:2&", "F2", 2),
                        ("2:3", "G2", 6),
                        ("2:4&", "G2", 2),
                    ],
                    "A dotted quarter and an eighth per half bar (1, the & of 2, 3, the & of 4).",
                ),
                _tune(
                    "Roots on 1 and 3",
                    4,
                    [("1:1", "C2", 8), ("1:3", "G2", 8), ("2:1", "F2", 8), ("2:3", "G2", 8)],
                    "Half notes.",
                ),
            ),
            0.9,
        ),
        FlavorPart(
            "guitar",
            "The rhythm guitar's arpeggios (the requinto would play over them).",
            (
                _tune(
                    "Arpeggio I | IV V",
                    4,
                    [
                        ("1:1", "C4", 2, 88),
                        ("1:1&", "E4", 2, 88),
                        ("1:2", "G4", 2, 88),
                        ("1:2&", "E4", 2, 88),
                        ("1:3", "C5", 2, 88),
                        ("1:3&", "G4", 2, 88),
                        ("1:4", "E4", 2, 88),
                        ("1:4&", "G4", 2, 88),
                        ("2:1", "F4", 2, 88),
                        ("2:1&", "A4", 2, 88),
                        ("2:2", "C5", 2, 88),
                        ("2:2&", "A4", 2, 88),
                        ("2:3", "G4", 2, 88),
                        ("2:3&", "B4", 2, 88),
                        ("2:4", "D5", 2, 88),
                        ("2:4&", "B4", 2, 88),
                    ],
                    "Eighth-note arpeggios, C | F G.",
                ),
                _tune(
                    "Chords on the beats",
                    4,
                    [(f"1:{b}", "C4 E4 G4", 4) for b in range(1, 5)]
                    + [(f"2:{b}", "F4 A4 C5", 4) for b in (1, 2)]
                    + [(f"2:{b}", "G4 B4 D5", 4) for b in (3, 4)],
                    "Quarter-note chords.",
                ),
            ),
            0.55,
            -0.2,
        ),
    ),
    feel="Four even beats; the bongó's hembra marks the 4.",
    sources=("pacini",),
)

# --- bossa nova (eighths, written 2-3, played 3-2 by default) ----------------------------------

BOSSA_NOVA = Flavor(
    key="bossa-nova",
    name="Bossa nova",
    description=(
        "Brazilian bossa nova on the drum set: the cross-stick plays the bossa clave over the "
        "surdo-like bass drum (1, the & of 2, 3, the & of 4), straight eighths on the hi-hat, and "
        "a nylon guitar's batida over a ii–V–I."
    ),
    bpm=130,
    bpm_range=(100, 160),
    steps_per_beat=2,
    clave="3-2",
    parts=(
        FlavorPart(
            "snare",
            "The cross-stick (rim click) on the bossa clave.",
            (
                _hits(
                    "snare",
                    "Cross-stick on the bossa clave",
                    ".. r. .r .. | r. .r .. r.",
                    "Son clave with the last stroke of the 3-side an eighth later (3-2: 1, the & "
                    "of 2, 4 | 2, the & of 3).",
                    ("fonseca",),
                ),
                _hits(
                    "snare",
                    "Cross-stick on the son clave",
                    ".. r. r. .. | r. .r .. r.",
                    "The Cuban clave for a harder feel.",
                ),
            ),
            0.65,
            0.1,
        ),
        FlavorPart(
            "kick",
            "The bass drum imitates the surdo.",
            (
                _hits(
                    "kick",
                    "Bossa bass drum (1, & of 2, 3, & of 4)",
                    "x. .x x. .x | x. .x x. .x",
                    "A dotted quarter and an eighth, twice a bar.",
                    ("fonseca",),
                ),
                _hits(
                    "kick",
                    "Half notes",
                    "x. .. x. .. | x. .. x. ..",
                    "Just 1 and 3.",
                    ("fonseca",),
                ),
            ),
            0.7,
        ),
        FlavorPart(
            "closed_hat",
            "Straight eighths, the shaker's job on the kit.",
            (
                _hits(
                    "closed_hat",
                    "Eighths",
                    "xx xx xx xx | xx xx xx xx",
                    "Even eighths.",
                    ("fonseca",),
                ),
                _hits(
                    "closed_hat",
                    "Quarter notes",
                    "x. x. x. x. | x. x. x. x.",
                    "A sparser hi-hat.",
                    ("fonseca",),
                ),
            ),
            0.4,
            0.3,
        ),
        FlavorPart(
            "pedal_hat",
            "The hi-hat foot.",
            (
                _hits(
                    "pedal_hat",
                    "Foot on 2 and 4",
                    ".. x. .. x. | .. x. .. x.",
                    "The foot on 2 and 4.",
                    ("fonseca",),
                ),
                _hits(
                    "pedal_hat",
                    "Foot on every beat",
                    "x. x. x. x. | x. x. x. x.",
                    "The foot on every beat.",
                    ("fonseca",),
                ),
            ),
            0.35,
            0.3,
        ),
        FlavorPart(
            "bass",
            "Root and fifth with the bass drum's rhythm.",
            (
                _tune(
                    "Root and fifth (Cmaj7 | Dm7 G7)",
                    2,
                    [
                        ("1:1", "C2", 3),
                        ("1:2&", "G1", 1),
                        ("1:3", "G1", 3),
                        ("1:4&", "G1", 1),
                        ("2:1", "D2", 3),
                        ("2:2&", "A1", 1),
                        ("2:3", "G1", 3),
                        ("2:4&", "D2", 1),
                    ],
                    "Follows the bass drum: 1, the & of 2, 3, the & of 4.",
                ),
                _tune(
                    "Half notes",
                    2,
                    [("1:1", "C2", 4), ("1:3", "G1", 4), ("2:1", "D2", 4), ("2:3", "G1", 4)],
                    "Root and fifth on 1 and 3.",
                ),
            ),
            0.85,
        ),
        FlavorPart(
            "guitar",
            "The nylon guitar's batida: thumb on the bass, fingers on the clave.",
            (
                _tune(
                    "Batida",
                    2,
                    [
                        ("1:1", "C3", 2),
                        ("1:2", "G3 B3 E4", 1, 84),
                        ("1:3", "G2", 2),
                        ("1:3&", "G3 B3 E4", 1, 84),
                        ("2:1", "D3", 2),
                        ("2:1", "A3 C4 F4", 1, 84),
                        ("2:2&", "A3 C4 F4", 1, 84),
                        ("2:3", "G2", 2),
                        ("2:4", "F3 B3 D4", 1, 84),
                    ],
                    "The thumb on 1 and 3, chords on the bossa clave's strokes.",
                ),
                _tune(
                    "Chords on the beats",
                    2,
                    [(f"1:{b}", "G3 B3 E4", 2) for b in range(1, 5)]
                    + [(f"2:{b}", "A3 C4 F4", 2) for b in (1, 2)]
                    + [(f"2:{b}", "F3 B3 D4", 2) for b in (3, 4)],
                    "Quarter-note chords, Cmaj7 | Dm7 G7.",
                ),
            ),
            0.6,
            -0.25,
        ),
    ),
    feel="Written in 4/4 eighths (two bars of the 2/4 sixteenths Brazilians write).",
    sources=("fonseca",),
)

# --- drum kits (sixteenth grid) ------------------------------------------------------------------

FOUR_ON_THE_FLOOR = _hits(
    "kick",
    "Four on the floor",
    "x... x... x... x... | x... x... x... x...",
    "The kick on every beat.",
    ("drum_machine",),
)
SNARE_BACKBEAT = _hits(
    "snare",
    "Backbeat (2 and 4)",
    ".... X... .... X... | .... X... .... X...",
    "The snare on 2 and 4.",
    ("drum_machine",),
)
HATS_EIGHTHS = _hits(
    "closed_hat",
    "Eighths",
    "X.x. X.x. X.x. X.x. | X.x. X.x. X.x. X.x.",
    "Eighths, the beats accented.",
    ("drum_machine",),
)
HATS_SIXTEENTHS = _hits(
    "closed_hat",
    "Sixteenths, eighths accented",
    "XxXx XxXx XxXx XxXx | XxXx XxXx XxXx XxXx",
    "Sixteenths with the eighths accented.",
    ("drum_machine",),
)
KICK_ONE_AND_THREE_AND = _hits(
    "kick",
    "1 and the & of 3",
    "x... .... ..x. .... | x... .... ..x. ....",
    "A sparse kick.",
    ("drum_machine",),
)

HOUSE = Flavor(
    key="house",
    name="House",
    description=(
        "Chicago and New York house: four on the floor, claps on 2 and 4, the open hi-hat on "
        "every off-beat over running sixteenths."
    ),
    bpm=124,
    bpm_range=(115, 135),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "Four on the floor.",
            (
                FOUR_ON_THE_FLOOR,
                _hits(
                    "kick",
                    "Four on the floor, pickup into the next bar",
                    "x... x... x... x... | x... x... x... x.x.",
                    "An extra kick on the & of 4 closing the phrase.",
                    ("drum_machine",),
                ),
            ),
            1.0,
        ),
        FlavorPart(
            "clap",
            "Claps on 2 and 4.",
            (
                _hits(
                    "clap",
                    "2 and 4",
                    ".... x... .... x... | .... x... .... x...",
                    "The clap on the backbeat.",
                    ("drum_machine",),
                ),
                _hits(
                    "clap",
                    "2 and 4, extra clap closing the phrase",
                    ".... x... .... x... | .... x... .... x..x",
                    "A clap on the a of 4 in the second bar.",
                    ("drum_machine",),
                ),
            ),
            0.75,
        ),
        FlavorPart(
            "closed_hat",
            "Running hi-hats.",
            (
                _hits(
                    "closed_hat",
                    "Sixteenths",
                    "xxxx xxxx xxxx xxxx | xxxx xxxx xxxx xxxx",
                    "Even sixteenths.",
                    ("drum_machine",),
                ),
                HATS_EIGHTHS,
            ),
            0.4,
            0.25,
        ),
        FlavorPart(
            "open_hat",
            "The open hi-hat on the off-beat.",
            (
                _hits(
                    "open_hat",
                    "Off-beats",
                    "..x. ..x. ..x. ..x. | ..x. ..x. ..x. ..x.",
                    "The open hat on every &.",
                    ("drum_machine",),
                ),
                _hits(
                    "open_hat",
                    "Off-beats, doubled at the end",
                    "..x. ..x. ..x. ..x. | ..x. ..x. ..x. ..xx",
                    "An extra open hat on the a of 4 closing the phrase.",
                    ("drum_machine",),
                ),
            ),
            0.55,
            -0.25,
        ),
    ),
    feel="Straight sixteenths, every beat equal.",
    sources=("drum_machine",),
)

HIP_HOP = Flavor(
    key="hip-hop",
    name="Hip-hop",
    description=(
        "Boom bap: the kick's 'boom' on 1 with a pickup before the second half, the snare's "
        "'bap' on 2 and 4, eighth-note hi-hats."
    ),
    bpm=90,
    bpm_range=(80, 100),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "The boom.",
            (
                _hits(
                    "kick",
                    "Boom bap",
                    "x... ...x ..x. .... | x.x. .... ..x. ....",
                    "1, the a of 2 and the & of 3; then 1, its & and the & of 3.",
                    ("drum_machine",),
                ),
                KICK_ONE_AND_THREE_AND,
            ),
            1.0,
        ),
        FlavorPart(
            "snare",
            "The bap.",
            (
                SNARE_BACKBEAT,
                _hits(
                    "snare",
                    "Backbeat with ghost notes",
                    ".... X... .... X..g | .... X... ...g X...",
                    "Ghost notes on the a of 4, then on the a of 3 before the last backbeat.",
                    ("drum_machine",),
                ),
            ),
            0.9,
        ),
        FlavorPart("closed_hat", "The hi-hat.", (HATS_EIGHTHS, HATS_SIXTEENTHS), 0.45, 0.2),
    ),
    feel="Straight as written; producers often add a light sixteenth swing.",
    sources=("drum_machine",),
)

ROCK = Flavor(
    key="rock",
    name="Rock",
    description="The rock backbeat: kick on 1 and 3, snare on 2 and 4, eighths on the hi-hat.",
    bpm=120,
    bpm_range=(90, 160),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "Kick on 1 and 3.",
            (
                _hits(
                    "kick",
                    "1 and 3",
                    "x... .... x... .... | x... .... x... ....",
                    "The kick on 1 and 3.",
                    ("drum_machine",),
                ),
                _hits(
                    "kick",
                    "1, 3 and the & of 3",
                    "x... .... x.x. .... | x... .... x.x. ....",
                    "A push on the & of 3.",
                    ("drum_machine",),
                ),
            ),
            1.0,
        ),
        FlavorPart(
            "snare",
            "The backbeat.",
            (
                SNARE_BACKBEAT,
                _hits(
                    "snare",
                    "Backbeat with a fill into the one",
                    ".... X... .... X... | .... X... xxxx xxxx",
                    "Sixteenths on 3 and 4 of the second bar.",
                    ("drum_machine",),
                ),
            ),
            0.9,
        ),
        FlavorPart(
            "closed_hat",
            "Eighths on the hi-hat.",
            (
                HATS_EIGHTHS,
                _hits(
                    "closed_hat",
                    "Quarter notes",
                    "X... X... X... X... | X... X... X... X...",
                    "A half-time feel on the hi-hat.",
                    ("drum_machine",),
                ),
            ),
            0.5,
            0.25,
        ),
        FlavorPart(
            "crash",
            "The crash marks the phrase.",
            (
                _hits(
                    "crash",
                    "Crash on the one",
                    "x... .... .... .... | .... .... .... ....",
                    "Once per phrase.",
                    ("drum_machine",),
                ),
                _hits(
                    "crash",
                    "Crash on every bar",
                    "x... .... .... .... | x... .... .... ....",
                    "On each bar's 1.",
                    ("drum_machine",),
                ),
            ),
            0.45,
            -0.3,
        ),
    ),
    feel="Straight eighths.",
    sources=("drum_machine",),
)

FUNK = Flavor(
    key="funk",
    name="Funk",
    description=(
        "Funk: a syncopated kick, the backbeat surrounded by ghost notes, sixteenth hi-hats."
    ),
    bpm=100,
    bpm_range=(85, 120),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "A syncopated kick.",
            (
                _hits(
                    "kick",
                    "Syncopated",
                    "x.x. ...x ..x. .... | x... ..x. ..x. ...x",
                    "1, its &, the a of 2, the & of 3; then 1, the & of 2, the & of 3 and the "
                    "a of 4 into the next 1.",
                    ("drum_machine",),
                ),
                KICK_ONE_AND_THREE_AND,
            ),
            1.0,
        ),
        FlavorPart(
            "snare",
            "Backbeat and ghost notes.",
            (
                _hits(
                    "snare",
                    "Backbeat with ghost notes",
                    "...g X..g .g.. X..g | ...g X..g .g.. X..g",
                    "Ghost notes on the a of 1, the a of 2, the e of 3 and the a of 4.",
                    ("drum_machine",),
                ),
                SNARE_BACKBEAT,
            ),
            0.9,
        ),
        FlavorPart("closed_hat", "Sixteenth hi-hats.", (HATS_SIXTEENTHS, HATS_EIGHTHS), 0.45, 0.25),
    ),
    feel="Straight sixteenths.",
    sources=("drum_machine",),
)

REGGAETON = Flavor(
    key="reggaeton",
    name="Reggaeton",
    description=(
        "The dembow: the kick on every beat and the snare on the a of 1 and the & of 2 in each "
        "half bar — boom-ch-boom-chick."
    ),
    bpm=95,
    bpm_range=(84, 104),
    steps_per_beat=4,
    clave=None,
    parts=(
        FlavorPart(
            "kick",
            "The kick on every beat.",
            (
                FOUR_ON_THE_FLOOR,
                _hits(
                    "kick",
                    "Every beat, pickup into the next bar",
                    "x... x... x... x... | x... x... x... x..x",
                    "An extra kick on the a of 4 closing the phrase.",
                    ("marshall",),
                ),
            ),
            1.0,
        ),
        FlavorPart(
            "snare",
            "The dembow snare.",
            (
                _hits(
                    "snare",
                    "Dembow",
                    "...X ..X. ...X ..X. | ...X ..X. ...X ..X.",
                    "3+3+2 over each half bar: the a of 1, the & of 2, the a of 3, the & of 4.",
                    ("marshall",),
                ),
                _hits(
                    "snare",
                    "Dembow with a roll into the one",
                    "...X ..X. ...X ..X. | ...X ..X. ...X .XXX",
                    "Sixteenths on the last beat.",
                    ("marshall",),
                ),
            ),
            0.9,
        ),
        FlavorPart("closed_hat", "The hi-hat.", (HATS_EIGHTHS, HATS_SIXTEENTHS), 0.4, 0.25),
    ),
    feel="Straight sixteenths.",
    sources=("marshall",),
)

FLAVORS: dict[str, Flavor] = {
    flavor.key: flavor
    for flavor in (
        SALSA,
        SON_MONTUNO,
        MAMBO,
        CHACHA,
        MERENGUE,
        BACHATA,
        BOSSA_NOVA,
        HOUSE,
        HIP_HOP,
        ROCK,
        FUNK,
        REGGAETON,
    )
}
"""Every flavour by key (lower case, hyphenated: 'salsa', 'cha-cha-cha', 'hip-hop')."""


def _folded(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.casefold() if ch.isalnum())


_BY_FOLDED = {_folded(key): f for key, f in FLAVORS.items()} | {
    _folded(f.name): f for f in FLAVORS.values()
}


def flavor(name: str) -> Flavor:
    """The flavour of a name, in any case and with or without accents, spaces or hyphens
    ('Salsa', 'cha-cha-chá', 'son_montuno'); KeyError lists the flavours there are."""
    found = _BY_FOLDED.get(_folded(name))
    if found is None:
        known = ", ".join(f.name for f in FLAVORS.values())
        raise KeyError(f"unknown flavour {name!r}; known: {known}")
    return found


# --- building patterns ----------------------------------------------------------------------------


def _tied_to_clave(flavor: Flavor, part: FlavorPart) -> bool:
    """True when some program's two bars differ: turning the clave around must move it."""
    if flavor.clave is None:
        return False
    bar = flavor.steps_per_bar
    for program in part.programs:
        first = {n for n in program.notes if n.step < bar}
        second = {replace(n, step=n.step - bar) for n in program.notes if n.step >= bar}
        if first != second:
            return True
    return False


def _tiled(notes: tuple[Note, ...], phrase_steps: int, total_steps: int) -> tuple[Note, ...]:
    tiled = [
        replace(note, step=note.step + start)
        for start in range(0, total_steps, phrase_steps)
        for note in notes
        if note.step + start < total_steps
    ]
    return tuple(sorted(tiled))


def build_pattern(
    flavor_name: str,
    *,
    bpm: float | None = None,
    key_note: int = 0,
    clave: str | None = None,
    bars: int | None = None,
) -> BeatPattern:
    """A playable pattern of the flavour: every instrument with all its programs, the first one
    active, at the flavour's tempo and clave unless told otherwise. PatternError says what does
    not fit (a clave for a style without one, an odd bar count for a clave style, bpm 300 …)."""
    style = flavor(flavor_name)
    if clave is not None:
        if style.clave is None:
            raise PatternError(f"{style.name} is not played in clave; leave the clave unset")
        if clave not in CLAVE_DIRECTIONS:
            raise PatternError(f"clave {clave!r} is not 2-3 or 3-2")
    length = style.bars if bars is None else bars
    if style.clave is not None and (length < 1 or length % style.bars):
        raise PatternError(
            f"{style.name} needs a whole number of {style.bars}-bar clave phrases, "
            f"not {length} bars"
        )
    if length < 1:
        raise PatternError(f"{style.name}: {length} bars is not a length")
    total = length * style.steps_per_bar
    parts = tuple(
        Part(
            instrument=fp.instrument,
            programs=tuple(
                Program(p.name, _tiled(p.notes, style.total_steps, total)) for p in fp.programs
            ),
            active_program=0,
            enabled=fp.enabled,
            volume=fp.volume,
            pan=fp.pan,
            follows_clave=_tied_to_clave(style, fp),
        )
        for fp in style.parts
    )
    pattern = BeatPattern(
        title=f"{style.name} groove",
        flavor=style.name,
        bpm=float(style.bpm if bpm is None else bpm),
        parts=parts,
        key_note=key_note,
        scale=style.scale,
        beats_per_bar=style.beats_per_bar,
        beat_unit=style.beat_unit,
        bars=length,
        steps_per_beat=style.steps_per_beat,
        clave=WRITTEN_CLAVE if style.clave is not None else None,
        description=style.description,
        metadata={"flavor_key": style.key},
    )
    wanted = clave or style.clave
    if wanted is not None and wanted != WRITTEN_CLAVE:
        pattern = with_clave(pattern, wanted)
    return pattern.validated()


def with_clave(pattern: BeatPattern, direction: str) -> BeatPattern:
    """The pattern turned to the other clave direction: every part that follows the clave is
    rotated by one bar (3-2 starts where 2-3 had its second bar); the others stay."""
    if direction not in CLAVE_DIRECTIONS:
        raise PatternError(f"clave {direction!r} is not 2-3 or 3-2")
    if pattern.clave is None:
        raise PatternError(f"{pattern.title!r} is not in clave")
    if direction == pattern.clave:
        return pattern
    total = pattern.total_steps
    shift = -pattern.steps_per_bar if direction == "3-2" else pattern.steps_per_bar

    def rotated(part: Part) -> Part:
        programs = tuple(
            replace(
                program,
                notes=tuple(
                    sorted(replace(n, step=(n.step + shift) % total) for n in program.notes)
                ),
            )
            for program in part.programs
        )
        return replace(part, programs=programs)

    parts = tuple(rotated(p) if p.follows_clave else p for p in pattern.parts)
    return replace(pattern, parts=parts, clave=direction)


# --- the grid notation ----------------------------------------------------------------------------


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


_FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


def spelled(pitch: int) -> str:
    """A MIDI pitch with its octave, flats for the black keys (parts are written in C, where
    they are Eb, Ab, Bb …): 60 is 'C4', 63 'Eb4'."""
    return f"{_FLAT_NAMES[pitch % 12]}{pitch // 12 - 1}"


# --- the reference document -----------------------------------------------------------------------

_GM_NAMES = {key: name.replace("_", " ").title() for name, key in GM_DRUM_KEYS.items()}


def _cite(keys: Sequence[str]) -> str:
    return "; ".join(SOURCES[key].short for key in keys)


def rhythms_markdown() -> str:
    """docs/rhythms.md: every flavour's programs as grids, the notation, the GM mapping and the
    sources, all generated from the code so the document cannot disagree with it."""
    out: list[str] = [
        "# Rhythms of the beat machine",
        "",
        "Generated from `src/museaud/patterns/flavors.py` by "
        "`python -m museaud.patterns.flavors --markdown > docs/rhythms.md`; do not edit by "
        "hand (a test compares this file with the code).",
        "",
        "## Reading the grids",
        "",
        "- One character per step, a space between beats, `|` between bars. Eighth-note grids "
        "have two characters a beat (`1 &`), sixteenth-note grids four (`1 e & a`).",
        "- `.` is a rest; a letter is a stroke of that instrument (table below). Pitched parts "
        "show `x` where notes start and list the notes under the grid as bar:beat positions.",
        "- Pitched parts are written in C and sound in the pattern's key (pitch + key note + "
        "the part's pitch offset).",
        "- Clave-based flavours are written in 2-3. Their 3-2 version is the same music started "
        "one bar later: museaud rotates exactly the parts whose two bars differ (marked *follows "
        "the clave*) and leaves the others, which are the same in both directions.",
        "- The tempo range is where the style lives; the machine plays any 80-250 bpm.",
        "",
        "## Strokes and General MIDI",
        "",
        "Percussion plays on MIDI channel 10. General MIDI has one cowbell and one muted conga, "
        "so some strokes share a key and differ by velocity (a note reads back as the stroke "
        "with the nearest velocity); the tambora and güira, which GM lacks, borrow toms and the "
        "cabasa.",
        "",
        "| Instrument | Letter | Stroke | GM key | GM sound | Velocity |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for instrument_id, strokes in NOTATION.items():
        for stroke in strokes:
            key = _stroke_key(instrument_id, stroke)
            out.append(
                f"| {INSTRUMENTS[instrument_id].name} | `{stroke.letter}` | {stroke.meaning} | "
                f"{key} | {_GM_NAMES.get(key, '?')} | {stroke.velocity} |"
            )
    out += ["", "## Sources", ""]
    out += [f"- **{source.short}**: {source.full}." for source in SOURCES.values()]
    for style in FLAVORS.values():
        out += _flavor_markdown(style)
    return "\n".join(out) + "\n"


def _flavor_markdown(style: Flavor) -> list[str]:
    resolution = {2: "eighth notes", 4: "sixteenth notes"}.get(
        style.steps_per_beat, f"{style.steps_per_beat} steps a beat"
    )
    clave = (
        f"{style.clave} by default (written 2-3; 3-2 is one bar later)"
        if style.clave
        else "none (not clave-based)"
    )
    pattern = build_pattern(style.key, clave=WRITTEN_CLAVE if style.clave else None)
    out = [
        "",
        f"## {style.name}",
        "",
        style.description,
        "",
        f"- Tempo: {style.bpm} bpm (range {style.bpm_range[0]}-{style.bpm_range[1]})",
        f"- Metre: {style.time_signature}, {style.bars} bars of {resolution}. {style.feel}",
        f"- Clave: {clave}",
        f"- References: {_cite(style.sources)}",
    ]
    for fp, part in zip(style.parts, pattern.parts, strict=True):
        spec = INSTRUMENTS[fp.instrument]
        flags = [f"volume {fp.volume:g}"]
        if part.follows_clave:
            flags.append("follows the clave")
        if not fp.enabled:
            flags.append("muted at first")
        out += ["", f"### {spec.name} (`{fp.instrument}`)", "", f"{fp.role} ({', '.join(flags)})"]
        for index, program in enumerate(fp.programs):
            cited = f"[{_cite(program.sources)}]" if program.sources else "[museaud's reduction]"
            out += [
                "",
                f"{index + 1}. **{program.name}** — {program.about} {cited}",
                "",
                "   ```",
                f"   {grid(part, pattern, program=index)}",
            ]
            if style.clave and part.follows_clave and fp.instrument in ("clave", "snare"):
                turned = with_clave(pattern, "3-2").part(fp.instrument)
                out.append(f"   {grid(turned, pattern, program=index)}   (3-2)")
            out.append("   ```")
            if not spec.is_percussion:
                out.append("")
                out.append("   " + _notes_line(program.notes, style.steps_per_beat))
    return out


def _notes_line(notes: tuple[Note, ...], steps_per_beat: int) -> str:
    by_step: dict[int, list[Note]] = {}
    for note in notes:
        by_step.setdefault(note.step, []).append(note)
    return ", ".join(
        f"{count_position(step, steps_per_beat)} "
        + "+".join(spelled(n.pitch) for n in sorted(group, key=lambda n: n.pitch))
        for step, group in sorted(by_step.items())
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m museaud.patterns.flavors --markdown`: print docs/rhythms.md."""
    parser = argparse.ArgumentParser(prog="python -m museaud.patterns.flavors")
    parser.add_argument("--markdown", action="store_true", help="print docs/rhythms.md")
    args = parser.parse_args(argv)
    if not args.markdown:
        parser.print_help()
        return 2
    sys.stdout.write(rhythms_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
