"""The tempo rules on their own: the robust fit and the half/double choice."""

from __future__ import annotations

import numpy as np
import pytest

from museaud.analysis.rhythm import fit_grid, preferred_octave


def test_the_fit_shrugs_off_a_missed_beat_and_a_stray_tick() -> None:
    period = 60.0 / 128.0
    ticks = 0.25 + period * np.arange(100.0)
    ticks = np.delete(ticks, 40)  # a missed beat
    ticks[70] += 0.2  # a tick far off the grid
    ticks += np.random.default_rng(3).normal(0.0, 0.004, len(ticks))  # human timing
    fitted_period, first_beat, weights = fit_grid(ticks)
    assert 60.0 / fitted_period == pytest.approx(128.0, abs=0.05)
    assert first_beat == pytest.approx(0.25, abs=0.01)
    assert weights[70] < 0.1  # the stray tick counts for nothing


@pytest.mark.parametrize(
    ("bpm", "onsets_per_second", "expected"),
    [
        (87.0, 7.0, 174.0),  # drum & bass heard at half time: 4.8 onsets a beat -> double
        (90.0, 3.0, 90.0),  # hip-hop: 2 a beat, stays
        (154.0, 2.5, 77.0),  # slow arpeggio counted in eighths: 1 a beat -> halve
        (128.0, 4.0, 128.0),  # house stays
        (240.0, 8.0, 120.0),  # above 180 always halves
        (60.0, 2.0, 120.0),  # below 70 always doubles
        (100.0, 7.0, 100.0),  # busy, but doubling would pass 180
    ],
)
def test_half_and_double_tempo_rule(bpm: float, onsets_per_second: float, expected: float) -> None:
    assert preferred_octave(bpm, onsets_per_second) == pytest.approx(expected)
