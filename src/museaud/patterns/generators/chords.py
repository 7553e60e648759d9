"""The chord engine: a progression idiomatic for the style, voiced with smooth voice leading and
played in the style's rhythm (montuno octaves and anticipations, house stabs, pads …).

The progression is chosen from the request alone (its own random stream), so the bass and melody
engines, given the same request, build the same one and follow its roots and tones.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Any

from museaud.music.chords import (
    Chord,
    diatonic_chord,
    parse_roman,
    roman_numeral,
    voice_chord,
    with_ninth,
    with_seventh,
)
from museaud.music.scales import Scale, scale
from museaud.patterns.generators.common import (
    GenerationRequest,
    base_metadata,
    humanized,
    untangled,
)
from museaud.patterns.model import BeatPattern, Note, Part, Program

ALGORITHM = "museaud.chords/roman-voice-leading"

SEVENTHS_FROM = 0.35
"""Complexity from which chords carry their sevenths."""
NINTHS_FROM = 0.7
"""Complexity from which chords add their (major) ninths."""
JAZZ_FROM = 0.65
"""Complexity from which styles that have one play their ii-V-I progression."""
PASSING_FROM = 0.5
"""Complexity from which a chord may give its last two beats to a passing chord."""

CHORD_WINDOWS = {
    "piano": (53, 77),
    "organ": (53, 77),
    "electric_piano": (53, 77),
    "guitar": (52, 76),
    "pad": (48, 74),
    "strings": (55, 79),
}
"""The sounding range (MIDI) each chord instrument is voiced in: the middle of a keyboard."""


@dataclass(frozen=True)
class ChordSpan:
    """One chord of a progression: its numeral, the chord and the steps it lasts."""

    numeral: str
    chord: Chord
    start: int
    length: int

    @property
    def end(self) -> int:
        """The first step after the chord."""
        return self.start + self.length


@dataclass(frozen=True)
class Progression:
    """A progression laid out on the pattern's steps (it loops: after the last chord, the first)."""

    spans: tuple[ChordSpan, ...]
    scale: Scale

    def __post_init__(self) -> None:
        if not self.spans:
            raise ValueError("a progression needs at least one chord")

    @property
    def total_steps(self) -> int:
        """Steps the progression covers."""
        return self.spans[-1].end

    def at(self, step: int) -> ChordSpan:
        """The chord sounding at a step (wrapping around after the end: the pattern loops)."""
        step %= self.total_steps
        index = bisect.bisect_right([span.start for span in self.spans], step) - 1
        return self.spans[max(index, 0)]

    def changes(self) -> list[int]:
        """The steps where the chord changes (the first chord's start included)."""
        changes = [self.spans[0].start]
        for before, after in zip(self.spans, self.spans[1:], strict=False):
            if after.chord != before.chord:
                changes.append(after.start)
        return changes

    def numerals(self) -> str:
        """The progression as a musician says it: 'vi-IV-I-V'."""
        return "-".join(span.numeral for span in self.spans)

    def to_metadata(self, key_note: int, scale: str) -> list[dict[str, Any]]:
        """The spans as JSON: numeral, chord name in the sounding key, root (tonic = 0),
        intervals, start and length in steps."""
        return [
            {
                "numeral": span.numeral,
                "name": span.chord.name(key_note, scale),
                "root": span.chord.root,
                "intervals": list(span.chord.intervals),
                "start": span.start,
                "length": span.length,
            }
            for span in self.spans
        ]

    @classmethod
    def from_metadata(cls, spans: list[dict[str, Any]], scale_name: str) -> Progression:
        """A progression read back from a chords pattern's metadata."""
        return cls(
            tuple(
                ChordSpan(
                    numeral=str(item["numeral"]),
                    chord=Chord(int(item["root"]), tuple(int(i) for i in item["intervals"])),
                    start=int(item["start"]),
                    length=int(item["length"]),
                )
                for item in spans
            ),
            scale(scale_name),
        )

    @classmethod
    def of(cls, pattern: BeatPattern) -> Progression:
        """The progression a generated chords (or bass, melody) pattern was built on;
        ValueError when its metadata has none."""
        spans = pattern.metadata.get("progression")
        if not spans:
            raise ValueError(f"{pattern.title!r} carries no chord progression in its metadata")
        return cls.from_metadata(spans, pattern.scale)


def choose_progression(request: GenerationRequest) -> Progression:
    """The style's progression for the request: its key's mode picks the major or minor list,
    the seed picks among them, complexity adds sevenths, ninths, ii-V-I and passing chords."""
    style = request.style_info
    key_scale = scale(request.scale_name)
    rng = request.rng("harmony")
    minor = key_scale.is_minor
    jazz = style.jazz_minor if minor else style.jazz_major
    if jazz is not None and request.complexity >= JAZZ_FROM:
        line = jazz
    else:
        line = rng.choice(style.minor if minor else style.major)
    numerals = line.split()
    sevenths = style.always_sevenths or request.complexity >= SEVENTHS_FROM
    ninths = request.complexity >= NINTHS_FROM
    beat_steps = request.steps_per_beat
    chords: list[tuple[Chord, int]] = []  # chord and length in beats
    for index in range(request.bars * 4 // style.chord_beats):
        chord = parse_roman(numerals[index % len(numerals)], key_scale)
        if sevenths:
            chord = with_seventh(chord, key_scale)
        if ninths:
            chord = with_ninth(chord, key_scale)
        chords.append((chord, style.chord_beats))
    if request.complexity >= PASSING_FROM and style.chord_beats >= 4:
        chords = _with_passing_chords(chords, key_scale, sevenths, rng.random, request.complexity)
    spans = []
    start = 0
    for chord, beats in chords:
        spans.append(ChordSpan(roman_numeral(chord, key_scale), chord, start, beats * beat_steps))
        start += beats * beat_steps
    return Progression(tuple(spans), key_scale)


def _with_passing_chords(
    chords: list[tuple[Chord, int]],
    key_scale: Scale,
    sevenths: bool,
    draw: Any,
    complexity: float,
) -> list[tuple[Chord, int]]:
    """Give the last two beats of some chords to the diatonic chord a fifth above the next one
    (its dominant in the key), so the change is approached: I | IV becomes I V-of-IV | IV."""
    result: list[tuple[Chord, int]] = []
    for index, (chord, beats) in enumerate(chords):
        following = chords[index + 1][0] if index + 1 < len(chords) else None
        degree = key_scale.harmony.degree_of(following.root) if following else None
        if following is None or degree is None or following.root == chord.root:
            result.append((chord, beats))
            continue
        passing = diatonic_chord(key_scale, degree + 4, sevenths=sevenths)
        if passing.root in (chord.root, following.root) or draw() >= complexity - 0.4:
            result.append((chord, beats))
            continue
        result.extend([(chord, beats - 2), (passing, 2)])
    return result


Hit = tuple[int, int, int, str, bool]
"""A chord hit in a bar: sixteenth position, length in sixteenths, velocity, which voices
('all', 'top' with its octave below, 'inner', or a voice number for arpeggios) and whether it
anticipates the next chord (the montuno's pushed off-beat)."""


def _rhythm(name: str, density: float, complexity: float) -> list[Hit]:
    """One bar of the style's comping rhythm, thinned by low density, enriched by complexity."""
    if name == "montuno":
        hits = []
        for pos in range(0, 16, 2):
            on_beat = pos % 4 == 0
            if on_beat and (density < 0.2 or (density < 0.35 and pos in (4, 12))):
                continue
            hits.append(
                (pos, 2, 94 if on_beat else 80, "top" if on_beat else "inner", pos in (6, 14))
            )
        if complexity >= 0.6 and density >= 0.5:
            hits.append((15, 1, 70, "inner", True))
        return hits
    if name == "guajeo":
        hits = [(0, 2, 94, "all", False), (6, 2, 82, "top", True), (8, 2, 90, "all", False),
                (14, 2, 84, "top", True)]  # fmt: skip
        if density >= 0.4:
            hits += [(3, 1, 72, "inner", False), (11, 1, 72, "inner", False)]
        return hits
    if name == "offbeats":
        positions = (2, 10) if density < 0.3 else (2, 6, 10, 14)
        hits = [(pos, 2, 90, "all", pos == 14) for pos in positions]
        if density >= 0.65:
            hits += [(0, 1, 70, "inner", False), (8, 1, 70, "inner", False)]
        return hits
    if name == "arpeggio":
        if density < 0.3:
            hits = [(pos, 4, 86, str(pos // 4), False) for pos in range(0, 16, 4)]
        else:
            hits = [(pos, 2, 88 if pos % 4 == 0 else 76, str(pos // 2 % 4), False)
                    for pos in range(0, 16, 2)]  # fmt: skip
        if complexity >= 0.6:
            hits += [(7, 1, 70, "3", True), (15, 1, 70, "3", True)]
        return hits
    if name == "stabs":
        positions = (2, 10) if density < 0.35 else (2, 6, 10, 14)
        hits = [(pos, 2, 100, "all", pos == 14) for pos in positions]
        if complexity >= 0.6:
            hits += [(3, 1, 78, "inner", False), (11, 1, 78, "inner", False)]
        return hits
    if name == "eighths":
        if density < 0.4:
            return [(pos, 4, 94, "all", False) for pos in range(0, 16, 4)]
        return [(pos, 2, 96 if pos % 4 == 0 else 78, "all", False) for pos in range(0, 16, 2)]
    if name == "chank":
        hits = [(0, 1, 100, "all", False), (6, 1, 88, "all", False), (10, 1, 90, "all", False),
                (14, 1, 92, "all", True)]  # fmt: skip
        if density >= 0.4:
            hits += [(3, 1, 76, "inner", False), (12, 1, 70, "inner", False)]
        if density >= 0.7:
            hits += [(7, 1, 68, "inner", False), (15, 1, 68, "inner", True)]
        return hits
    if name == "bossa":
        # the guitar's 3+3+4+3+3 pattern over two bars, folded into one: 1, 1a, 2&, 3&, 4
        hits = [(0, 3, 92, "all", False), (3, 3, 80, "all", False), (6, 2, 84, "all", True),
                (10, 2, 84, "all", False), (12, 2, 80, "all", False)]  # fmt: skip
        if density < 0.35:
            hits = [hit for hit in hits if hit[0] in (0, 6, 10)]
        return hits
    if name == "dembow" and density >= 0.35:
        return [(pos, 2, 94, "all", pos == 14) for pos in (3, 6, 11, 14)]
    # pads (and a sparse dembow): the chord held through the bar, struck again on beat 3
    hits = [(0, 16, 84, "all", False)]
    if density >= 0.6:
        hits = [(0, 8, 86, "all", False), (8, 8, 74, "all", False)]
    if complexity >= 0.6:
        hits.append((14, 2, 80, "all", True))
    return hits


def _voices(voicing: tuple[int, ...], which: str, low: int) -> tuple[int, ...]:
    if which == "all":
        return voicing
    if which == "top":
        top = voicing[-1]
        return (top - 12, top) if top - 12 >= low else (top,)
    if which == "inner":
        return voicing[:-1]
    return (voicing[int(which) % len(voicing)],)


def generate_chords(request: GenerationRequest) -> BeatPattern:
    """A chord part for the request (kind 'chords'); metadata carries the progression."""
    style = request.style_info
    progression = choose_progression(request)
    instrument = style.chord_instrument
    low_sounding, high_sounding = CHORD_WINDOWS.get(instrument, (53, 77))
    low = low_sounding - request.key_note  # written pitches sound key_note higher
    high = high_sounding - request.key_note
    voicings: list[tuple[int, ...]] = []
    previous: tuple[int, ...] | None = None
    for span in progression.spans:
        previous = voice_chord(span.chord, previous, low, high)
        voicings.append(previous)
    spans_start = [span.start for span in progression.spans]

    def voicing_at(step: int) -> tuple[int, ...]:
        step %= progression.total_steps
        return voicings[bisect.bisect_right(spans_start, step) - 1]

    rng = request.rng("chords")
    sixteenth = request.steps_per_beat / 4
    hits = sorted(_rhythm(style.chord_rhythm, request.density, request.complexity))
    bar_steps = request.steps_per_bar
    starts = sorted({round(pos * sixteenth) for pos, *_ in hits})
    plan = []  # the bar's hits on the grid: step in the bar, length, look-ahead, velocity, voices
    for pos, length16, velocity, which, anticipates in hits:
        in_bar = round(pos * sixteenth)
        later = [s for s in starts if s > in_bar]
        gap = (later[0] if later else bar_steps) - in_bar
        ahead = round(2 * sixteenth) if anticipates else 0
        plan.append((in_bar, max(1, min(round(length16 * sixteenth), gap)), ahead, velocity, which))
    notes: dict[tuple[int, int], Note] = {}
    for bar in range(request.bars):
        origin = bar * bar_steps
        for in_bar, length, ahead, velocity, which in plan:
            step = origin + in_bar
            played = min(length, request.total_steps - step)
            for pitch in _voices(voicing_at(step + ahead), which, low):
                if (step, pitch) not in notes:
                    notes[(step, pitch)] = Note(
                        step, pitch, humanized(velocity, rng, request.humanize), played
                    )
    ordered = list(notes.values())
    return over_progression(
        request,
        progression,
        kind="chords",
        title=f"{style.title} chords",
        description=f"{style.title} {style.chord_rhythm} comping on {progression.numerals()}",
        flavor=style.name,
        instrument=instrument,
        notes=ordered,
        algorithm=ALGORITHM,
        rhythm=style.chord_rhythm,
    )


def progression_for(
    request: GenerationRequest, chords: Progression | BeatPattern | None
) -> Progression:
    """The progression a bass or melody follows: the one given (or carried by a chords pattern,
    re-gridded to the request's steps per beat), else the one the chord engine would choose
    for the same request."""
    if chords is None:
        return choose_progression(request)
    if isinstance(chords, Progression):
        return chords
    progression = Progression.of(chords)
    if chords.steps_per_beat == request.steps_per_beat:
        return progression
    ratio = request.steps_per_beat / chords.steps_per_beat
    return Progression(
        tuple(
            replace(span, start=round(span.start * ratio), length=round(span.length * ratio))
            for span in progression.spans
        ),
        progression.scale,
    )


def over_progression(
    request: GenerationRequest,
    progression: Progression,
    *,
    kind: str,
    title: str,
    description: str,
    flavor: str,
    instrument: str,
    notes: list[Note] | tuple[Note, ...],
    algorithm: str,
    **details: Any,
) -> BeatPattern:
    """A one-part pattern (bass, chords or melody) over a progression, with the request's grid
    and the progression recorded in its metadata (numerals and chord names in the key)."""
    metadata = base_metadata(request, algorithm)
    metadata.update(
        progression=progression.to_metadata(request.key_note, request.scale_name),
        numerals=progression.numerals(),
        chord_names=[
            span.chord.name(request.key_note, request.scale_name) for span in progression.spans
        ],
        **details,
    )
    return BeatPattern(
        title=f"{title} {progression.numerals()}",
        description=description,
        flavor=flavor,
        bpm=request.tempo_bpm,
        parts=(Part(instrument, (Program("A", tuple(untangled(notes))),)),),
        key_note=request.key_note,
        scale=request.scale_name,
        bars=request.bars,
        steps_per_beat=request.steps_per_beat,
        clave=request.clave,
        swing=request.swing,
        kind=kind,
        metadata=metadata,
    )
