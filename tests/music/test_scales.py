"""Scales as interval sets: membership, degrees, neighbours and the chords' parent scales."""

from __future__ import annotations

import pytest

from museaud.music.scales import SCALE_INTERVALS, scale
from museaud.store.models.patterns import SCALES


def test_every_stored_scale_name_is_known() -> None:
    assert set(SCALES) == set(SCALE_INTERVALS)


@pytest.mark.parametrize(
    ("name", "pitch_classes", "minor"),
    [
        ("major", {0, 2, 4, 5, 7, 9, 11}, False),
        ("minor", {0, 2, 3, 5, 7, 8, 10}, True),
        ("dorian", {0, 2, 3, 5, 7, 9, 10}, True),
        ("mixolydian", {0, 2, 4, 5, 7, 9, 10}, False),
        ("harmonic_minor", {0, 2, 3, 5, 7, 8, 11}, True),
        ("minor_pentatonic", {0, 3, 5, 7, 10}, True),
        ("blues", {0, 3, 5, 6, 7, 10}, True),
    ],
)
def test_scale_notes_and_mode(name: str, pitch_classes: set[int], minor: bool) -> None:
    found = scale(name)
    assert found.pitch_classes == pitch_classes
    assert found.is_minor is minor


def test_degrees_count_across_octaves() -> None:
    major = scale("major")
    assert [major.degree_pitch(d) for d in (-1, 0, 2, 4, 7, 9)] == [-1, 0, 4, 7, 12, 16]
    assert major.degree_of(69) == 5 and major.degree_of(61) is None


def test_neighbours_and_nearest_stay_in_the_scale() -> None:
    pentatonic = scale("major_pentatonic")
    assert pentatonic.neighbour(60, 1) == 62
    assert pentatonic.neighbour(60, -1) == 57
    assert pentatonic.neighbour(64, 1) == 67  # skips the missing fourth
    assert scale("major").nearest(61) == 60  # ties go down
    assert scale("major").pitches(60, 67) == (60, 62, 64, 65, 67)


def test_scales_without_seven_notes_borrow_their_parents_chords() -> None:
    assert scale("minor_pentatonic").harmony.name == "minor"
    assert scale("blues").harmony.name == "minor"
    assert scale("major_pentatonic").harmony.name == "major"
    assert scale("dorian").harmony.name == "dorian"


def test_unknown_scale_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown scale 'klezmer'; known: major, minor"):
        scale("klezmer")
