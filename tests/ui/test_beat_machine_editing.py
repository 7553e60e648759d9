"""The grid's edits as pure functions on patterns (no widgets)."""

from __future__ import annotations

from dataclasses import replace

from museaud.patterns.flavors import build_pattern
from museaud.patterns.model import BeatPattern, Note, Part, Program
from museaud.ui.beat_machine import editing


def one_part(instrument: str, notes: tuple[Note, ...] = (), bars: int = 1) -> BeatPattern:
    return BeatPattern(
        title="Test",
        flavor="House",
        bpm=120,
        bars=bars,
        parts=(Part(instrument, (Program("A", notes),)),),
    )


def test_the_bell_cycles_between_mouth_and_neck() -> None:
    pattern = one_part("cowbell", (Note(0, 56, 110),))
    part = pattern.parts[0]
    assert editing.letter_of(part, part.notes[0]) == "M"

    neck = editing.cycle_stroke(pattern, 0, 0)
    (note,) = neck.parts[0].notes
    assert (note.pitch, note.velocity, editing.letter_of(neck.parts[0], note)) == (56, 72, "N")
    back = editing.cycle_stroke(neck, 0, 0)
    assert editing.letter_of(back.parts[0], back.parts[0].notes[0]) == "M"


def test_an_instrument_without_notation_cycles_its_keys() -> None:
    pattern = one_part("ride", (Note(4, 51, 90),))

    bell = editing.cycle_stroke(pattern, 0, 4)

    (note,) = bell.parts[0].notes
    assert (note.pitch, note.velocity) == (53, 90)  # the ride's bell, as loud as before
    assert editing.letter_of(bell.parts[0], note) == "b"
    assert editing.stroke_name(bell.parts[0], note) == "bell"


def test_a_pitched_part_is_not_cycled() -> None:
    pattern = one_part("bass", (Note(0, 36, 100, 4),))

    assert editing.cycle_stroke(pattern, 0, 0) == pattern


def test_a_pitched_note_is_named_as_it_sounds_in_the_key() -> None:
    tonic = Note(0, 36, 100, 4)  # written C2: the tonic of whatever key the pattern is in
    pattern = one_part("bass", (tonic,))

    bb_minor = replace(pattern, key_note=10, scale="minor")
    assert editing.sounding_name(bb_minor, bb_minor.parts[0], tonic) == "Bb2"
    f_sharp = replace(pattern, key_note=6, scale="major")
    third = Note(0, 40, 100)  # written E2, the third
    assert editing.sounding_name(f_sharp, f_sharp.parts[0], third) == "A#2"


def test_toggling_inside_a_long_note_cuts_it_there() -> None:
    pattern = one_part("bass", (Note(0, 41, 100, 6),))

    toggled = editing.toggle_note(pattern, 0, 4)

    assert toggled.parts[0].notes == (Note(0, 41, 100, 4), Note(4, 41, 100, 1))
    toggled.validated()


def test_an_empty_pitched_part_starts_at_home_in_its_family() -> None:
    assert editing.default_note(one_part("bass").parts[0], 3) == Note(3, 36, 100)
    assert editing.default_note(one_part("piano").parts[0], 0).pitch == 60
    assert editing.default_note(one_part("conga").parts[0], 0).pitch == 63  # the open tone


def test_velocity_stays_within_midi_range() -> None:
    pattern = one_part("kick", (Note(0, 36, 120),))

    louder = editing.change_velocity(pattern, 0, 0, 16)
    softer = editing.change_velocity(pattern, 0, 0, -200)

    assert louder.parts[0].notes[0].velocity == 127
    assert softer.parts[0].notes[0].velocity == 1


def test_shorter_cuts_the_end_and_longer_repeats() -> None:
    salsa = build_pattern("salsa")

    four = editing.resized(salsa, 4)
    one = editing.resized(salsa, 1)

    assert four.total_steps == 2 * salsa.total_steps
    assert len(four.part("conga").notes) == 2 * len(salsa.part("conga").notes)
    assert all(note.step < one.total_steps for part in one.parts for note in part.notes)
    assert all(
        note.step + note.length <= one.total_steps for part in one.parts for note in part.notes
    )
    four.validated()
    one.validated()
    assert editing.resized(salsa, salsa.bars) is salsa
