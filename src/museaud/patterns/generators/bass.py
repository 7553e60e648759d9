"""The bass engine: a line on the progression's roots in the style's idiom (salsa tumbao that
anticipates the change on 2& and 4, house off-beats, reggaeton tresillo, funk on the One …),
with fifths, octaves and approach notes as complexity grows, in the instrument's range.

Whatever the idiom, the roots are kept: at every chord change the bass note sounding (or, when
the bass rests there, the next one it plays) is the new chord's root.
"""

from __future__ import annotations

from museaud.patterns.generators.chords import Progression, over_progression, progression_for
from museaud.patterns.generators.common import (
    GenerationRequest,
    humanized,
    monophonic,
)
from museaud.patterns.model import BeatPattern, Note

ALGORITHM = "museaud.bass/idiom-roots"

BASS_WINDOWS = {"bass": (31, 55), "electric_bass": (31, 55), "synth_bass": (28, 52)}
"""The sounding range (MIDI) a bass line moves in: the instrument's bottom octave and a half."""

Figure = tuple[int, str, int, int]
"""A bass note in a bar: sixteenth position, role (root, fifth, octave, seventh, ahead = the
root of the chord on the next half bar, approach = a scale step into the next root), length in
sixteenths and velocity."""


def _figure(idiom: str, density: float, complexity: float) -> list[Figure]:
    """One bar of the idiom, thinned by low density, with fifths and approaches by complexity."""
    if idiom == "tumbao":
        # the anticipated bass: nothing on 1, the 2& and the 4 belong to the next half bar
        if density < 0.25:
            return [(12, "ahead", 6, 104)]
        figure = [(6, "ahead", 6, 96), (12, "ahead", 6, 104)]
        if complexity >= 0.7 and density >= 0.5:
            figure.append((10, "approach", 2, 80))
        return figure
    if idiom == "cha_cha":
        figure = [(0, "root", 6, 100), (8, "fifth", 4, 90)]
        if density >= 0.5:
            figure += [(12, "fifth", 2, 84), (14, "approach", 2, 88)]
        return figure
    if idiom == "bossa":
        # the surdo's two-feel: root on 1 and fifth on 3, the fifth pushed to the 2& when busier
        if density < 0.45:
            return [(0, "root", 8, 100), (8, "fifth", 8, 92)]
        return [(0, "root", 6, 100), (6, "fifth", 8, 92), (14, "approach", 2, 82)]
    if idiom == "merengue":
        if density < 0.3:
            return [(0, "root", 8, 100), (8, "fifth", 8, 92)]
        figure = [
            (0, "root", 4, 100),
            (4, "fifth", 4, 86),
            (8, "root", 4, 96),
            (12, "fifth", 4, 86),
        ]
        if density >= 0.65:
            figure.append((14, "approach", 2, 84))
        return figure
    if idiom == "bachata":
        figure = [(0, "root", 6, 100), (6, "fifth", 2, 84), (8, "root", 4, 94)]
        if density >= 0.5:
            figure.append((12, "octave", 2, 80))
        if complexity >= 0.5:
            figure.append((14, "approach", 2, 84))
        return figure
    if idiom == "offbeat":
        positions = (2, 10) if density < 0.3 else (2, 6, 10, 14)
        figure = [
            (pos, "octave" if complexity >= 0.5 and pos in (6, 14) else "root", 2, 100)
            for pos in positions
        ]
        if density >= 0.7:
            figure += [(3, "root", 1, 80), (11, "root", 1, 80)]
        return figure
    if idiom == "rolling":
        figure = []
        for beat in range(4):
            if density < 0.4:
                figure.append((4 * beat + 2, "root", 2, 96))
                continue
            figure += [
                (4 * beat + 1, "root", 1, 84),
                (4 * beat + 2, "root", 1, 96),
                (4 * beat + 3, "octave" if complexity >= 0.5 else "root", 1, 88),
            ]
        return figure
    if idiom == "kick_follow":
        figure = [(0, "root", 7, 110), (10, "root", 4, 100)]
        if complexity >= 0.5:
            figure.append((7, "octave", 2, 90))
        if density >= 0.6:
            figure.append((14, "fifth", 2, 88))
        return figure
    if idiom == "funk":
        figure = [(0, "root", 2, 112), (6, "root", 1, 92), (10, "seventh", 1, 90),
                  (14, "octave", 2, 96)]  # fmt: skip
        if density >= 0.4:
            figure += [(3, "octave", 1, 84), (11, "fifth", 1, 84)]
        if complexity >= 0.6:
            figure += [(8, "root", 1, 40), (13, "root", 1, 40)]  # dead ghost notes
        return figure
    if idiom == "tresillo":
        if density < 0.35:
            return [
                (0, "root", 6, 108),
                (6, "root", 2, 100),
                (8, "root", 6, 104),
                (14, "root", 2, 98),
            ]
        fifth, octave = ("fifth", "octave") if complexity >= 0.5 else ("root", "root")
        return [(0, "root", 3, 108), (3, "root", 3, 96), (6, fifth, 2, 100),
                (8, "root", 3, 104), (11, "root", 3, 94), (14, octave, 2, 98)]  # fmt: skip
    if idiom == "sub":
        figure = [(0, "root", 10, 110), (10, "octave" if complexity >= 0.5 else "root", 6, 100)]
        if density >= 0.6:
            figure.append((14, "approach", 2, 90))
        return figure
    # eighths (rock, pop): driving roots, quarters when sparse, fifth and approach with complexity
    if density < 0.4:
        return [(pos, "root", 4, 96) for pos in range(0, 16, 4)]
    figure = [(pos, "root", 2, 96 if pos % 4 == 0 else 82) for pos in range(0, 16, 2)]
    if complexity >= 0.35:
        figure[6] = (12, "fifth", 2, 90)
    if complexity >= 0.5:
        figure[7] = (14, "approach", 2, 86)
    return figure


class _Line:
    """Places the line's pitches (written, tonic = 0) in the window, each near the last."""

    def __init__(self, progression: Progression, low: int, high: int) -> None:
        self.progression = progression
        self.low = low
        self.high = high
        self.last_root = low + (high - low) // 3

    def place(self, pitch_class: int, near: int) -> int:
        candidates = range(self.low + (pitch_class - self.low) % 12, self.high + 1, 12)
        return min(candidates, key=lambda p: (abs(p - near), p))

    def root(self, step: int) -> int:
        pitch = self.place(self.progression.at(step).chord.root, self.last_root)
        self.last_root = pitch
        return pitch

    def pitch(self, role: str, step: int, half_bar: int, previous: int) -> int:
        span = self.progression.at(step)
        chord = span.chord
        if role == "ahead":
            ahead_step = (step // half_bar + 1) * half_bar
            ahead = self.progression.at(ahead_step).chord
            if ahead == chord and ahead_step % (2 * half_bar) != 0:
                return self._above_root(self.root(step), chord.fifth)
            return self.root(ahead_step)
        if role == "approach":
            target = self.place(self.progression.at(span.end).chord.root, self.last_root)
            return self.progression.scale.neighbour(target, -1 if previous < target else 1)
        root = self.root(step)
        if role == "fifth":
            return self._above_root(root, chord.fifth)
        if role == "seventh" and len(chord.intervals) > 3 and chord.intervals[3] < 12:
            return self._above_root(root, chord.root + chord.intervals[3])
        if role in ("octave", "seventh"):
            if root + 12 <= self.high:
                return root + 12
            return root - 12 if root - 12 >= self.low else root
        return root

    def _above_root(self, root: int, pitch_class: int) -> int:
        pitch = root + (pitch_class - root) % 12
        return pitch if pitch <= self.high else pitch - 12


def keep_roots(notes: list[Note], progression: Progression, line: _Line) -> list[Note]:
    """Make the line state each new chord's root: the note sounding at a change (or, if the
    bass rests there, the first one after it within the chord) becomes the root; a note held
    across the change with another pitch is cut there and the root struck."""
    notes = sorted(notes)
    for span in progression.spans[1:]:
        change = span.start
        if progression.at(change - 1).chord.root == span.chord.root:
            continue
        root_class = span.chord.root
        sounding = [n for n in notes if n.step <= change < n.step + n.length]
        if sounding:
            note = sounding[-1]
            if note.pitch % 12 == root_class:
                continue
            index = notes.index(note)
            if note.step == change:
                notes[index] = Note(
                    note.step, line.place(root_class, note.pitch), note.velocity, note.length
                )
            else:
                notes[index] = Note(note.step, note.pitch, note.velocity, change - note.step)
                rest = note.step + note.length - change
                notes.insert(
                    index + 1, Note(change, line.place(root_class, note.pitch), note.velocity, rest)
                )
            continue
        following = [n for n in notes if change < n.step < span.end]
        if following and following[0].pitch % 12 != root_class:
            note = following[0]
            notes[notes.index(note)] = Note(
                note.step, line.place(root_class, note.pitch), note.velocity, note.length
            )
    return notes


def generate_bass(
    request: GenerationRequest, chords: Progression | BeatPattern | None = None
) -> BeatPattern:
    """A bass part (kind 'bass') on the progression of the given chords, or on the one the
    chord engine chooses for the same request."""
    style = request.style_info
    progression = progression_for(request, chords)
    instrument = style.bass_instrument
    low_sounding, high_sounding = BASS_WINDOWS.get(instrument, (31, 55))
    line = _Line(progression, low_sounding - request.key_note, high_sounding - request.key_note)
    rng = request.rng("bass")
    sixteenth = request.steps_per_beat / 4
    half_bar = 2 * request.steps_per_beat
    figure = sorted(_figure(style.bass_idiom, request.density, request.complexity))
    notes: list[Note] = []
    previous = line.last_root
    for bar in range(request.bars):
        for pos, role, length16, velocity in figure:
            step = bar * request.steps_per_bar + round(pos * sixteenth)
            if step >= request.total_steps:
                continue
            pitch = line.pitch(role, step, half_bar, previous)
            length = max(1, round(length16 * sixteenth))
            notes.append(Note(step, pitch, humanized(velocity, rng, request.humanize), length))
            previous = pitch
    notes = keep_roots(monophonic(notes, request.total_steps), progression, line)
    return over_progression(
        request,
        progression,
        kind="bass",
        title=f"{style.title} bass",
        description=f"{style.title} {style.bass_idiom} bass on {progression.numerals()}",
        flavor=style.name,
        instrument=instrument,
        notes=notes,
        algorithm=ALGORITHM,
        idiom=style.bass_idiom,
    )
