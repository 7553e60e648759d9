"""The pattern model refuses what cannot be played, saying what and where."""

from __future__ import annotations

from dataclasses import replace

import pytest

from museaud.patterns.model import (
    BeatPattern,
    Note,
    Part,
    PatternError,
    Program,
    parts_from_configuration,
    to_configuration,
)


def clave_pattern(**changes: object) -> BeatPattern:
    clave = Part("clave", (Program("son 2-3", (Note(4, 75), Note(6, 75), Note(8, 75))),))
    conga = Part(
        "conga",
        (
            Program("tumbao", (Note(3, 62, 90), Note(6, 63, 110), Note(7, 63, 110))),
            Program("variation", (Note(6, 63),)),
        ),
        active_program=1,
        volume=0.8,
        pan=-0.3,
        follows_clave=True,
    )
    bass = Part(
        "bass", (Program("tumbao", (Note(3, 36, 100, 3), Note(6, 43, 100, 2))),), pitch_offset=-12
    )
    pattern = BeatPattern(
        "Son",
        "Salsa",
        180.0,
        (clave, conga, bass),
        bars=2,
        steps_per_beat=2,
        clave="2-3",
        swing=0.1,
    )
    return replace(pattern, **changes)  # type: ignore[arg-type]


def test_a_good_pattern_is_accepted_and_knows_its_grid() -> None:
    pattern = clave_pattern().validated()
    assert pattern.total_steps == 16 and pattern.steps_per_bar == 8
    assert pattern.part("conga").notes == (Note(6, 63),)  # the active program
    assert pattern.seconds_per_step == pytest.approx(60 / 180 / 2)
    with pytest.raises(KeyError, match="no 'timbales' in 'Son' \\(has clave, conga, bass\\)"):
        pattern.part("timbales")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bpm": 300.0}, "300 bpm is outside the beat machine's 80-250 bpm"),
        ({"bpm": 60.0}, "60 bpm is outside"),
        ({"key_note": 12}, "key note 12 is not a pitch class 0-11"),
        ({"clave": "3-3"}, "clave '3-3' is not 2-3 or 3-2"),
        ({"steps_per_beat": 5}, "5 steps per beat"),
        ({"bars": 0}, "0 bars"),
        ({"title": " "}, "no title"),
        ({"swing": 0.9}, "swing 0.9"),
    ],
)
def test_bad_pattern_settings_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(PatternError, match=message):
        clave_pattern(**changes).validated()


def test_a_generated_part_may_be_slower_than_the_beat_machine() -> None:
    clave_pattern(kind="bass", bpm=70.0).validated()


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (
            Note(16, 75),
            r"'Son' / clave \(son 2-3\): note at step 16 is outside the pattern "
            r"\(steps 0-15\)",
        ),
        (Note(-1, 75), "step -1 is outside"),
        (Note(2, 75, velocity=0), "velocity 0 at step 2 is not 1-127"),
        (Note(2, 128), "pitch 128 at step 2"),
        (Note(2, 75, length=0), "length 0 at step 2"),
    ],
)
def test_notes_outside_the_bar_or_range_are_refused(note: Note, message: str) -> None:
    pattern = clave_pattern()
    clave = pattern.part("clave").with_notes([note])
    with pytest.raises(PatternError, match=message):
        replace(pattern, parts=(clave, *pattern.parts[1:])).validated()


def test_part_settings_are_checked() -> None:
    pattern = clave_pattern()
    for part, message in [
        (replace(pattern.parts[0], volume=2.5), "volume 2.5 is outside 0-2"),
        (replace(pattern.parts[0], pan=1.5), "pan 1.5"),
        (replace(pattern.parts[0], pitch_offset=30), "pitch offset 30"),
        (replace(pattern.parts[0], active_program=3), "active program 3 does not exist"),
        (pattern.parts[1], "appears twice"),
    ]:
        parts = (
            (part, *pattern.parts[1:]) if part is not pattern.parts[1] else (*pattern.parts, part)
        )
        with pytest.raises(PatternError, match=message):
            replace(pattern, parts=parts).validated()


def test_configuration_round_trip_keeps_everything() -> None:
    pattern = clave_pattern()
    configuration = to_configuration(pattern)
    assert configuration["instruments"][1] == {
        "id": "conga",
        "enabled": True,
        "activeProgram": 1,
        "volume": 0.8,
        "pan": -0.3,
        "pitchOffset": 0,
        "followsClave": True,
        "programs": [
            {"name": "tumbao", "notes": [[3, 62, 90, 1], [6, 63, 110, 1], [7, 63, 110, 1]]},
            {"name": "variation", "notes": [[6, 63, 100, 1]]},
        ],
    }
    parts, swing = parts_from_configuration(configuration)
    assert parts == pattern.parts and swing == 0.1


def test_the_seeds_short_configuration_loads_with_defaults() -> None:
    parts, swing = parts_from_configuration(
        {
            "instruments": [
                {
                    "id": "clave",
                    "enabled": True,
                    "activeProgram": 0,
                    "volume": 1.0,
                    "pitchOffset": 0,
                }
            ]
        }
    )
    assert parts[0].instrument == "clave" and parts[0].notes == () and swing == 0.0


@pytest.mark.parametrize(
    ("configuration", "message"),
    [
        ({}, "no 'instruments' list"),
        ({"instruments": [{"enabled": True}]}, "instrument 0 has no 'id'"),
        ({"instruments": [{"id": "conga", "volume": "loud"}]}, "'volume' is 'loud', not float"),
        ({"instruments": [{"id": "conga", "programs": [{"notes": [[1, 2]]}]}]}, "malformed note"),
        ({"format": 99, "instruments": []}, "format 99 is newer"),
    ],
)
def test_malformed_configuration_says_where(configuration: dict[str, object], message: str) -> None:
    with pytest.raises(PatternError, match=message):
        parts_from_configuration(configuration)


@pytest.mark.parametrize(
    "notes",
    [(Note(2, 75), Note(2, 75, 60)), (Note(2, 36, length=3), Note(4, 36))],
    ids=["same step twice", "overlapping sustain"],
)
def test_overlapping_notes_on_one_pitch_are_refused(notes: tuple[Note, ...]) -> None:
    pattern = clave_pattern()
    clave = pattern.part("clave").with_notes(list(notes))
    with pytest.raises(PatternError, match="overlaps the note before it on the same pitch"):
        replace(pattern, parts=(clave, *pattern.parts[1:])).validated()
