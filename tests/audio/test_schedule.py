"""The playback timeline: the hits a pattern plays, where swing puts them, humanize offsets."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from museaud.audio.schedule import (
    HUMANIZE_MAX_VELOCITY,
    JITTER_CYCLE,
    ScheduleError,
    humanized_velocity,
    swung_beat,
    timeline,
)
from museaud.patterns.flavors import FLAVORS, build_pattern
from museaud.patterns.instruments import DRUM_CHANNEL, INSTRUMENTS
from museaud.patterns.model import BeatPattern, Note, Part, Program


def small_pattern(**changes: object) -> BeatPattern:
    clave = Part("clave", (Program("hits", (Note(0, 75), Note(3, 75, 90))),))
    bass = Part("bass", (Program("line", (Note(1, 36, 100, 2),)),), pitch_offset=-12)
    piano = Part("piano", (Program("stab", (Note(2, 60, 80),)),), enabled=False)
    pattern = BeatPattern(
        "Small", "Salsa", 120.0, (clave, bass, piano), key_note=2, bars=1, steps_per_beat=4
    )
    return replace(pattern, **changes).validated()  # type: ignore[arg-type]


def test_hits_are_in_beats_with_keys_channels_and_no_disabled_parts() -> None:
    line = timeline(small_pattern())
    assert line.beats == 4.0 and line.bars == 1.0
    assert [(h.beat, h.part, h.key, h.velocity) for h in line.hits] == [
        (0.0, 0, 75, 100),
        (0.25, 1, 36 + 2 - 12, 100),  # bass moved to D and down an octave
        (0.75, 0, 75, 90),
    ]
    assert line.hits[1].length == pytest.approx(0.5)
    assert line.sounds[0].channel == DRUM_CHANNEL and line.sounds[0].gm_program is None
    assert (
        line.sounds[1].channel == 0 and line.sounds[1].gm_program == INSTRUMENTS["bass"].gm_program
    )
    assert line.sounds[2].enabled is False  # the piano is there but plays nothing
    assert list(line.onsets) == [h.beat for h in line.hits]
    assert list(line.ends) == pytest.approx([h.beat + h.length for h in line.hits])
    with pytest.raises(ValueError, match="read-only"):
        line.onsets[0] = 1.0


def test_swing_delays_only_the_off_beat_step_of_each_pair() -> None:
    assert swung_beat(0, 4, 0.5) == 0.0
    assert swung_beat(1, 4, 0.5) == pytest.approx(0.25 + 0.5 / 4)
    assert swung_beat(2, 4, 0.5) == 0.5
    assert swung_beat(3, 4, 1 / 3) == pytest.approx(0.75 + 1 / 12)  # triplet shuffle
    assert swung_beat(1, 3, 0.5) == pytest.approx(1 / 3)  # triplet grids have no pairs
    line = timeline(small_pattern(swing=0.5))
    bass = line.hits[1]
    assert bass.beat == pytest.approx(0.375)  # step 1 is an off-beat
    assert bass.beat + bass.length == pytest.approx(0.875)  # ends on the swung step 3
    assert line.hits[2].beat == pytest.approx(0.875)


def test_humanize_offsets_are_fixed_per_hit_and_loop_and_spread_both_ways() -> None:
    pattern = build_pattern("salsa")
    first, again = timeline(pattern), timeline(pattern)
    other_seed = timeline(pattern, seed=7)
    assert first.jitter_ms.shape == (JITTER_CYCLE, len(first.hits))
    np.testing.assert_array_equal(first.jitter_ms, again.jitter_ms)
    assert not np.array_equal(first.jitter_ms, other_seed.jitter_ms)
    assert not np.array_equal(first.jitter_ms[0], first.jitter_ms[1])  # loops differ
    assert not np.array_equal(first.jitter_ms, first.jitter_velocity)
    values = first.jitter_ms.ravel()
    assert values.min() >= -1.0 and values.max() <= 1.0
    assert values.min() < -0.9 and values.max() > 0.9 and abs(values.mean()) < 0.05


def test_humanized_velocity_stays_playable() -> None:
    assert humanized_velocity(100, 1.0, 0.0) == 100
    assert humanized_velocity(100, 1.0, 1.0) == 100 + HUMANIZE_MAX_VELOCITY
    assert humanized_velocity(5, -1.0, 1.0) == 1
    assert humanized_velocity(125, 1.0, 1.0) == 127


@pytest.mark.parametrize("name", sorted(FLAVORS))
def test_every_flavour_schedules(name: str) -> None:
    pattern = build_pattern(name)
    line = timeline(pattern)
    enabled_notes = sum(len(part.notes) for part in pattern.parts if part.enabled)
    assert len(line.hits) == enabled_notes > 0
    assert np.all(np.diff(line.onsets) >= 0)
    assert line.onsets[-1] < line.beats
    assert line.clocks_per_beat() == 24 * 4 / pattern.beat_unit


def test_unplayable_patterns_are_refused_with_what_and_where() -> None:
    high = Part("piano", (Program("high", (Note(0, 120),)),), pitch_offset=12)
    with pytest.raises(ScheduleError, match=r"piano: note 120 at step 0 sounds at 134"):
        timeline(small_pattern(parts=(high,)))
