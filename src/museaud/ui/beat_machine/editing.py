"""Edits of a pattern as the step grid makes them: each takes a BeatPattern and returns a new one.

Pure functions (no Qt), so undo is a matter of keeping the patterns and the rules can be tested
without a window. Rows are indexes into `pattern.parts`; every edit touches the active program.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from museaud.music.keys import spell_pitch
from museaud.patterns.flavors import NOTATION, stroke_letter
from museaud.patterns.instruments import INSTRUMENTS, Instrument
from museaud.patterns.model import BeatPattern, Note, Part

DEFAULT_VELOCITY = 100
"""The velocity of a note placed by a click."""
VELOCITY_STEP = 8
"""How much one wheel notch or one +/- key changes a velocity."""
_DEFAULT_PITCHES = {"bass": 36, "keys": 60, "guitar": 60, "brass": 67, "strings": 60}
"""Where a first note goes in an empty pitched part (written in C), by instrument family."""


@dataclass(frozen=True)
class StrokeChoice:
    """One stroke a percussion note can be cycled to: its drum key, velocity and grid letter."""

    pitch: int
    velocity: int | None
    letter: str
    name: str


def instrument_of(part: Part) -> Instrument | None:
    """The part's instrument, or None for an id this museaud does not know."""
    return INSTRUMENTS.get(part.instrument)


def instrument_name(part: Part) -> str:
    """The name musicians read for the part's instrument."""
    spec = instrument_of(part)
    return spec.name if spec is not None else part.instrument.replace("_", " ").capitalize()


def is_percussion(part: Part) -> bool:
    """True when the part plays drum keys (unknown instruments count as percussion)."""
    spec = instrument_of(part)
    return spec is None or spec.is_percussion


def notes_at(part: Part, step: int) -> tuple[Note, ...]:
    """The notes of the active program that start on step."""
    return tuple(note for note in part.notes if note.step == step)


def sustained_through(part: Part, step: int) -> tuple[Note, ...]:
    """The notes started before step that still sound on it."""
    return tuple(note for note in part.notes if note.step < step < note.step + note.length)


def loudest(notes: tuple[Note, ...]) -> Note:
    """The note that decides how a step looks: the loudest, the lowest among equals."""
    return max(notes, key=lambda note: (note.velocity, -note.pitch))


def letter_of(part: Part, note: Note) -> str:
    """The grid letter of a percussion note (flavors.NOTATION), or the initial of its stroke."""
    letter = stroke_letter(part.instrument, note)
    if letter != "x" or part.instrument in NOTATION:
        return letter
    spec = instrument_of(part)
    if spec is not None:
        names = [name for name, key in spec.strokes.items() if key == note.pitch]
        if names and len(set(spec.strokes.values())) > 1:
            return names[0][0].lower()
    return "x"


def stroke_name(part: Part, note: Note) -> str:
    """How the note is played, in words ("open tone", "slap" …), or its pitch if pitched."""
    if not is_percussion(part):
        return spell_pitch(note.pitch, octave=True)  # written in C
    for stroke in NOTATION.get(part.instrument, ()):
        if stroke.letter == letter_of(part, note):
            return stroke.meaning
    spec = instrument_of(part)
    if spec is not None:
        for name, key in spec.strokes.items():
            if key == note.pitch:
                return name.replace("_", " ")
    return f"key {note.pitch}"


def sounding_pitch(pattern: BeatPattern, part: Part, note: Note) -> int:
    """Where a written pitched note sounds: transposed to the key and by the part's offset."""
    return note.pitch + pattern.key_note + part.pitch_offset


def sounding_name(pattern: BeatPattern, part: Part, note: Note) -> str:
    """The note as it sounds, spelled as the pattern's key writes it: 'Bb3' in Bb minor."""
    pitch = sounding_pitch(pattern, part, note)
    return spell_pitch(pitch, pattern.key_note, pattern.scale, octave=True)


def stroke_choices(part: Part) -> tuple[StrokeChoice, ...]:
    """The strokes Shift-click cycles through: the notation's letters, else the drum keys."""
    notation = NOTATION.get(part.instrument)
    spec = instrument_of(part)
    if notation and spec is not None:
        return tuple(
            StrokeChoice(spec.stroke(stroke.stroke), stroke.velocity, stroke.letter, stroke.meaning)
            for stroke in notation
        )
    if spec is None or not spec.strokes:
        return ()
    seen: dict[int, str] = {}
    for name, key in spec.strokes.items():
        seen.setdefault(key, name)
    return tuple(
        StrokeChoice(key, None, name[0].lower(), name.replace("_", " "))
        for key, name in seen.items()
    )


def default_note(part: Part, step: int) -> Note:
    """The note a click places: the instrument's first stroke for percussion; for a pitched part
    the pitch of the nearest note before (or after) it, else a pitch at home in the family."""
    spec = instrument_of(part)
    if spec is None or spec.is_percussion:
        pitch = spec.default_stroke if spec is not None and spec.strokes else 60
        return Note(step=step, pitch=pitch, velocity=DEFAULT_VELOCITY)
    before = [note for note in part.notes if note.step < step]
    after = [note for note in part.notes if note.step > step]
    if before:
        pitch = max(before, key=lambda note: (note.step, -note.pitch)).pitch
    elif after:
        pitch = min(after, key=lambda note: (note.step, note.pitch)).pitch
    else:
        pitch = _DEFAULT_PITCHES.get(spec.family, 60)
        pitch = max(spec.low_pitch, min(spec.high_pitch - 11, pitch))
    return Note(step=step, pitch=pitch, velocity=DEFAULT_VELOCITY)


def with_part(pattern: BeatPattern, row: int, part: Part) -> BeatPattern:
    """The pattern with the part at row replaced."""
    parts = list(pattern.parts)
    parts[row] = part
    return replace(pattern, parts=tuple(parts))


def with_part_settings(pattern: BeatPattern, row: int, **changes: Any) -> BeatPattern:
    """The pattern with some of one part's settings changed (enabled, volume, active_program …)."""
    return with_part(pattern, row, replace(pattern.parts[row], **changes))


def toggle_note(pattern: BeatPattern, row: int, step: int) -> BeatPattern:
    """Remove the notes starting on step, or place the default note there. A note sustained
    through the step is shortened to end where the new one starts."""
    part = pattern.parts[row]
    starting = notes_at(part, step)
    if starting:
        kept = [note for note in part.notes if note.step != step]
        return with_part(pattern, row, part.with_notes(kept))
    new = default_note(part, step)
    notes = [
        replace(note, length=step - note.step)
        if note.step < step < note.step + note.length and note.pitch == new.pitch
        else note
        for note in part.notes
    ]
    notes.append(new)
    return with_part(pattern, row, part.with_notes(notes))


def set_velocity(pattern: BeatPattern, row: int, step: int, velocity: int) -> BeatPattern:
    """Every note starting on step at this velocity (kept within 1-127)."""
    velocity = max(1, min(127, velocity))
    part = pattern.parts[row]
    notes = [replace(n, velocity=velocity) if n.step == step else n for n in part.notes]
    return with_part(pattern, row, part.with_notes(notes))


def change_velocity(pattern: BeatPattern, row: int, step: int, delta: int) -> BeatPattern:
    """The notes starting on step louder (delta > 0) or softer, each kept within 1-127."""
    part = pattern.parts[row]
    notes = [
        replace(n, velocity=max(1, min(127, n.velocity + delta))) if n.step == step else n
        for n in part.notes
    ]
    return with_part(pattern, row, part.with_notes(notes))


def cycle_stroke(pattern: BeatPattern, row: int, step: int) -> BeatPattern:
    """The percussion note on step played with the instrument's next stroke (open, slap, mute …);
    an empty step gets the default note, a pitched part is left as it is."""
    part = pattern.parts[row]
    starting = notes_at(part, step)
    if not starting:
        return toggle_note(pattern, row, step)
    choices = stroke_choices(part)
    if not is_percussion(part) or len(choices) < 2:
        return pattern
    current = loudest(starting)
    letter = letter_of(part, current)
    index = next(
        (
            i
            for i, choice in enumerate(choices)
            if choice.pitch == current.pitch and choice.letter == letter
        ),
        next((i for i, choice in enumerate(choices) if choice.pitch == current.pitch), -1),
    )
    chosen = choices[(index + 1) % len(choices)]
    velocity = chosen.velocity if chosen.velocity is not None else current.velocity
    new = Note(step=step, pitch=chosen.pitch, velocity=velocity, length=current.length)
    kept = [note for note in part.notes if note.step != step]
    return with_part(pattern, row, part.with_notes([*kept, new]))


def resized(pattern: BeatPattern, bars: int) -> BeatPattern:
    """The pattern made bars long: longer repeats what is there, shorter cuts the end off."""
    if bars == pattern.bars or bars < 1:
        return pattern
    old_total = pattern.total_steps
    total = bars * pattern.steps_per_bar

    def refit(notes: tuple[Note, ...]) -> tuple[Note, ...]:
        fitted = []
        for start in range(0, total, old_total):
            for note in notes:
                step = note.step + start
                if step < total and (start == 0 or note.step < old_total):
                    fitted.append(replace(note, step=step, length=min(note.length, total - step)))
        return tuple(sorted(fitted))

    parts = tuple(
        replace(
            part,
            programs=tuple(
                replace(program, notes=refit(program.notes)) for program in part.programs
            ),
        )
        for part in pattern.parts
    )
    return replace(pattern, bars=bars, parts=parts)
