"""Keys, Camelot codes and which keys mix: checked against the published Camelot wheel."""

from __future__ import annotations

import pytest

from museaud.music.keys import (
    CAMELOT_KEYS,
    Key,
    are_neighbours,
    camelot,
    camelot_order,
    from_camelot,
    key_of_order,
    spell_pitch,
    written_key,
)

WHEEL = {  # the Camelot wheel as DJs print it
    "1A": "G# minor", "1B": "B major", "2A": "D# minor", "2B": "F# major",
    "3A": "A# minor", "3B": "C# major", "4A": "F minor", "4B": "G# major",
    "5A": "C minor", "5B": "D# major", "6A": "G minor", "6B": "A# major",
    "7A": "D minor", "7B": "F major", "8A": "A minor", "8B": "C major",
    "9A": "E minor", "9B": "G major", "10A": "B minor", "10B": "D major",
    "11A": "F# minor", "11B": "A major", "12A": "C# minor", "12B": "E major",
}  # fmt: skip


@pytest.mark.parametrize(("code", "name"), sorted(WHEEL.items()))
def test_camelot_codes_match_the_wheel(code: str, name: str) -> None:
    key = Key.parse(name)
    assert camelot(key.note, key.scale) == code
    assert key.camelot == code
    assert from_camelot(code) == key
    assert str(key) == key.written and Key.parse(str(key)) == key


WRITTEN = {  # the key signature with fewer accidentals; six either way: F# major, Eb minor
    "major": ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"),
    "minor": ("Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm"),
}


@pytest.mark.parametrize("scale", ["major", "minor"])
def test_keys_are_written_as_in_their_key_signature(scale: str) -> None:
    written = [Key(note, scale).short for note in range(12)]
    assert written == list(WRITTEN[scale])
    assert Key(10, "minor").written == "Bb minor"
    assert written_key("A#", "minor", short=True) == "Bbm"  # rows hold sharp names
    assert written_key("Db", "major") == "Db major"
    assert written_key(None, "minor") is None


def test_keys_parse_from_the_ways_people_write_them() -> None:
    assert Key.parse("Bbm") == Key(10, "minor")
    assert Key.parse("Ebmaj") == Key(3, "major")
    assert Key.parse("f# minor") == Key(6, "minor")
    assert Key.parse("C") == Key(0, "major")
    assert Key.parse("8a") == Key(9, "minor")
    with pytest.raises(ValueError):
        Key.parse("H minor")
    with pytest.raises(ValueError):
        from_camelot("13A")
    with pytest.raises(ValueError):
        Key(0, "dorian")


def test_relative_keys_share_a_number_on_the_wheel() -> None:
    assert Key.parse("C major").relative == Key.parse("A minor")
    assert Key.parse("A minor").relative == Key.parse("C major")
    for code in WHEEL:
        key = from_camelot(code)
        assert key.relative.camelot[:-1] == code[:-1]


def test_neighbours_are_same_relative_or_a_fifth_away() -> None:
    d_minor = Key.parse("D minor")
    assert are_neighbours(d_minor, d_minor)
    assert are_neighbours(d_minor, Key.parse("F major"))  # relative
    assert are_neighbours(d_minor, Key.parse("A minor"))  # a fifth up
    assert are_neighbours(d_minor, Key.parse("G minor"))  # a fifth down
    assert not are_neighbours(d_minor, Key.parse("D major"))
    assert not are_neighbours(d_minor, Key.parse("E minor"))
    assert not are_neighbours(d_minor, Key.parse("C major"))


def test_camelot_order_runs_1a_1b_2a_to_12b() -> None:
    assert camelot_order(Key.parse("1A")) == 0 and camelot_order(Key.parse("1B")) == 1
    assert camelot_order(Key.parse("12B")) == 23
    assert [key.camelot for key in CAMELOT_KEYS][:4] == ["1A", "1B", "2A", "2B"]
    assert [key.camelot for key in CAMELOT_KEYS] == sorted(WHEEL, key=lambda c: (int(c[:-1]), c))
    assert all(camelot_order(key_of_order(order)) == order for order in range(24))


@pytest.mark.parametrize(
    ("pitch", "key_note", "scale", "written"),
    [
        (10, 10, "minor", "Bb"),  # the tonic of Bb minor (five flats), never A#
        (10, 6, "major", "A#"),  # the third of F# major (six sharps)
        (1, 11, "major", "C#"),  # B major's second
        (3, 1, "major", "Eb"),  # Db major's second
        (6, 4, "minor", "F#"),  # E minor (one sharp)
        (8, 0, "minor", "Ab"),  # C minor (three flats)
        (3, 3, "minor", "Eb"),  # Eb minor (six flats), as the key is named, not D# minor
        (10, 0, "major", "Bb"),  # in C the black keys are written as flats
        (6, 2, "dorian", "Gb"),  # D dorian counts as D minor (one flat)
        (6, 9, "mixolydian", "F#"),  # A mixolydian counts as A major
    ],
)
def test_a_pitch_is_spelled_as_its_key_writes_it(
    pitch: int, key_note: int, scale: str, written: str
) -> None:
    assert spell_pitch(pitch, key_note, scale) == written
    assert spell_pitch(pitch + 60, key_note, scale) == written  # any octave


@pytest.mark.parametrize(
    ("scale", "tonics"),
    [
        ("major", "C Db D Eb E F F# G Ab A Bb B"),  # the fewer accidentals; F# over Gb
        ("minor", "C C# D Eb E F F# G G# A Bb B"),  # Eb minor over D# minor
    ],
)
def test_each_tonic_is_spelled_as_charts_name_the_key(scale: str, tonics: str) -> None:
    assert [spell_pitch(note, note, scale) for note in range(12)] == tonics.split()


def test_a_spelled_midi_pitch_carries_its_octave() -> None:
    assert spell_pitch(60, octave=True) == "C4"
    assert spell_pitch(58, 10, "minor", octave=True) == "Bb3"
    assert spell_pitch(70, 6, "major", octave=True) == "A#4"
    assert spell_pitch(23, 7, "major", octave=True) == "B0"
