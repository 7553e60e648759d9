"""A pattern played to a real synth: FluidSynth on JACK plays every note at its time."""

from __future__ import annotations

import time
from pathlib import Path
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pytest
from tests.support.fluidsynth import find_onsets, fluidsynth, match_onsets, record
from tests.support.jack import JackServer, takes

from museaud.audio.midi_out import MidiPlayer
from museaud.audio.schedule import timeline
from museaud.audio.transport import PartMix, TransportSettings
from museaud.patterns.flavors import build_pattern
from museaud.patterns.model import BeatPattern

pytestmark = pytest.mark.jack

TOLERANCE_MS = 8.0  # MIDI lands on a JACK period boundary (2.7 ms), the dummy server is not
# real-time, and two instruments' attacks are timed by one onset finder
SOLO = (0, 1)  # the salsa pattern's clave and campana: sharp attacks, onsets easy to time


def expected_onsets(pattern: BeatPattern, bars: int, bpm: float) -> npt.NDArray[np.float64]:
    """Seconds from the first beat at which a soloed part's note starts (one onset per instant)."""
    line = timeline(pattern)
    seconds_per_beat = 60.0 / bpm
    end = bars * line.beats_per_bar
    beats = {
        loop * line.beats + hit.beat
        for loop in range(int(np.ceil(end / line.beats)))
        for hit in line.hits
        if hit.part in SOLO
    }
    return np.array(sorted(beat * seconds_per_beat for beat in beats if beat < end))


def test_fluidsynth_plays_every_note_at_its_time(jack_server: JackServer, tmp_path: Path) -> None:
    pattern = build_pattern("salsa")
    bars, bpm = 4, 200.0
    mix = MappingProxyType({part: PartMix(solo=True) for part in SOLO})
    settings = TransportSettings(bpm=bpm, bars=bars, mix=mix)
    expected = expected_onsets(pattern, bars, bpm)
    with fluidsynth(jack_server.sample_rate) as synth:
        player = MidiPlayer(synth.midi_port)

        def check() -> None:
            recorder = record(synth.left, expected[-1] + 1.5, tmp_path / "fluidsynth.wav")
            player.play(pattern, settings)
            assert player.wait(60)
            recording = recorder.finish()
            assert player.state().error is None
            # the recording's clock is JACK's, and a dummy server starved of CPU skips cycles
            # (the recorder then loses frames): its rate is followed as well as its latency
            onsets = find_onsets(recording.audio, recording.rate)
            _, errors, missing = match_onsets(onsets, expected, follow_rate=True)
            assert missing == 0 and len(onsets) == len(expected), (
                len(onsets),
                len(expected),
                missing,
            )
            assert np.abs(errors).max() * 1000 < TOLERANCE_MS, np.round(errors * 1000, 2)

        try:
            takes(check)
        finally:
            player.close()


def test_a_synth_that_quits_mid_play_stops_playback_with_a_clear_message(
    jack_server: JackServer,
) -> None:
    pattern = build_pattern("salsa")
    with fluidsynth(jack_server.sample_rate) as synth:
        player = MidiPlayer(synth.midi_port)
        player.play(pattern, TransportSettings(loop=True))
        time.sleep(0.5)
        synth.quit()  # as if the synth were unplugged
        assert player.wait(5)
    state = player.state()
    assert not state.playing
    assert state.error == (
        f"MIDI port {synth.midi_port!r} went away while playing (it is no longer in the list "
        "of MIDI ports); playback stopped"
    )
    player.close()  # nothing raises: the app goes on
