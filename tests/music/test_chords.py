"""Chords: diatonic harmony, roman numerals in major and minor, names and voice leading."""

from __future__ import annotations

import itertools

import pytest

from museaud.music.chords import (
    Chord,
    diatonic_chord,
    parse_roman,
    progression,
    roman_numeral,
    voice_chord,
    with_ninth,
    with_seventh,
)
from museaud.music.scales import scale

MAJOR = scale("major")
MINOR = scale("minor")


def test_diatonic_triads_and_sevenths_of_c_major() -> None:
    triads = [diatonic_chord(MAJOR, d).name() for d in range(7)]
    assert triads == ["C", "Dm", "Em", "F", "G", "Am", "Bdim"]
    sevenths = [diatonic_chord(MAJOR, d, sevenths=True).name() for d in range(7)]
    assert sevenths == ["Cmaj7", "Dm7", "Em7", "Fmaj7", "G7", "Am7", "Bm7b5"]


@pytest.mark.parametrize(
    ("numerals", "key_scale", "key_note", "names"),
    [
        ("I IV V IV", MAJOR, 0, ["C", "F", "G", "F"]),
        ("vi IV I V", MAJOR, 7, ["Em", "C", "G", "D"]),
        ("i VI III VII", MINOR, 9, ["Am", "F", "C", "G"]),
        ("i iv V iv", MINOR, 0, ["Cm", "Fm", "G", "Fm"]),  # the dominant is major in minor
        ("ii7 V7 Imaj7", MAJOR, 2, ["Em7", "A7", "Dmaj7"]),
        ("iiø7 V7 i7", MINOR, 0, ["Dm7b5", "G7", "Cm7"]),
        ("I bVII IV", MAJOR, 0, ["C", "Bb", "F"]),  # flat seven, never A#
        ("vii°", MAJOR, 0, ["Bdim"]),
    ],
)
def test_roman_numerals_name_the_chords_musicians_expect(
    numerals: str, key_scale: object, key_note: int, names: list[str]
) -> None:
    chords = progression(numerals.split(), key_scale)  # type: ignore[arg-type]
    assert [chord.name(key_note) for chord in chords] == names


@pytest.mark.parametrize("bad", ["VIII", "Iv", "x", "V13", ""])
def test_malformed_numerals_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"numeral|mixes|extension"):
        parse_roman(bad, MAJOR)


def test_sevenths_and_ninths_follow_the_key() -> None:
    assert with_seventh(parse_roman("I", MAJOR), MAJOR).name() == "Cmaj7"
    assert with_seventh(parse_roman("V", MAJOR), MAJOR).name() == "G7"
    assert with_seventh(parse_roman("V", MINOR), MINOR).name() == "G7"
    assert with_seventh(parse_roman("VI", MINOR), MINOR).name(0, "minor") == "Abmaj7"
    assert with_ninth(with_seventh(parse_roman("ii", MAJOR), MAJOR), MAJOR).name() == "Dm9"
    # no flat ninth: E phrygian's F is not added to iii
    assert with_ninth(with_seventh(parse_roman("iii", MAJOR), MAJOR), MAJOR).name() == "Em7"


@pytest.mark.parametrize("numeral", ["I", "vi7", "IVmaj7", "V7", "iiø7", "vii°", "Imaj9", "ii9"])
def test_roman_numerals_round_trip(numeral: str) -> None:
    assert roman_numeral(parse_roman(numeral, MAJOR), MAJOR) == numeral


def test_non_diatonic_roots_are_written_flat() -> None:
    assert roman_numeral(Chord(10, (0, 4, 7)), MAJOR) == "bVII"


def test_voice_leading_moves_each_voice_a_little() -> None:
    low, high = 53, 77
    chords = progression(["I", "vi", "IV", "V", "I"], MAJOR)
    voicings: list[tuple[int, ...]] = []
    previous = None
    for chord in chords:
        previous = voice_chord(chord, previous, low, high)
        voicings.append(previous)
    for chord, voicing in zip(chords, voicings, strict=True):
        assert {p % 12 for p in voicing} == chord.pitch_classes
        assert all(low <= p <= high for p in voicing)
        assert voicing[-1] - voicing[0] <= 12  # close position
    moves = [
        sum(abs(a - b) for a, b in zip(before, after, strict=True))
        for before, after in itertools.pairwise(voicings)
    ]
    # the least movement there is: two common tones I-vi and vi-IV (2 and 1 semitones), IV-V
    # has none (6 is the minimum), V-I keeps the fifth and moves the others by steps (3)
    assert moves == [2, 1, 6, 3]


def test_ninth_chords_are_voiced_in_four_voices_without_the_fifth() -> None:
    voicing = voice_chord(parse_roman("ii9", MAJOR), None, 53, 77)
    assert len(voicing) == 4
    assert {p % 12 for p in voicing} == {2, 5, 0, 4}  # D F C E: root, third, seventh, ninth


def test_a_voicing_that_cannot_fit_is_refused() -> None:
    with pytest.raises(ValueError, match="no voicing of Cmaj7 fits between 60 and 62"):
        voice_chord(parse_roman("Imaj7", MAJOR), None, 60, 62)
