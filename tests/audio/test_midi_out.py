"""MidiPlayer on real JACK MIDI: the exact messages a virtual input port receives, and when."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import replace
from types import MappingProxyType

import mido
import pytest
from tests.support.jack import takes
from tests.support.midi_input import Received

from museaud.audio.midi_out import MidiPlayer
from museaud.audio.schedule import HUMANIZE_MAX_MS, humanized_velocity, timeline
from museaud.audio.transport import PartMix, PlaybackUnavailableError, TransportSettings
from museaud.patterns.flavors import build_pattern
from museaud.patterns.model import BeatPattern, Note, Part, Program

pytestmark = pytest.mark.jack

ON_TIME_MS = 8.0  # a JACK period (2.7 ms) of quantisation plus scheduling on a busy machine


@pytest.fixture
def player(midi_in: Received) -> Iterator[MidiPlayer]:
    """A MidiPlayer connected to midi_in."""
    opened = MidiPlayer(midi_in.name)
    yield opened
    opened.close()


def notes_pattern(bpm: float = 120.0, *, beat_unit: int = 4, beats_per_bar: int = 4) -> BeatPattern:
    """Two bars: a clave on every beat (1 step long), a bass note of 3 steps on each bar's
    first beat and a conga on the off-beats; 4 steps per beat."""
    steps = 2 * beats_per_bar * 4
    clave = tuple(Note(step, 75, 100) for step in range(0, steps, 4))
    conga = tuple(Note(step, 63, 80) for step in range(2, steps, 4))
    bass = tuple(Note(step, 36, 90, length=3) for step in range(0, steps, beats_per_bar * 4))
    return BeatPattern(
        title="test groove",
        flavor="test",
        bpm=bpm,
        bars=2,
        beats_per_bar=beats_per_bar,
        beat_unit=beat_unit,
        key_note=7,
        parts=(
            Part("clave", (Program("a", clave),)),
            Part("conga", (Program("a", conga),)),
            Part("bass", (Program("a", bass),), pitch_offset=-12),
        ),
    ).validated()


def take(
    player: MidiPlayer, midi_in: Received, pattern: BeatPattern, settings: TransportSettings
) -> None:
    """Play pattern to its end, with the input emptied first."""
    midi_in.clear()
    player.play(pattern, settings)
    assert player.wait(30)
    time.sleep(0.05)  # the last messages arrive on JACK's next cycle


def test_every_note_arrives_with_its_channel_program_velocity_and_length(
    player: MidiPlayer, midi_in: Received
) -> None:
    pattern = notes_pattern()
    line = timeline(pattern)
    spb_ms = 60_000 / pattern.bpm

    def check() -> None:
        take(player, midi_in, pattern, TransportSettings(bars=2))
        programs = [(m.channel, m.program) for _, m in midi_in.of("program_change")]
        assert programs == [(0, 32)]  # the bass (GM acoustic bass) on the first free channel
        ons = midi_in.of("note_on")
        expected = [(hit.channel, hit.key) for hit in line.hits]
        assert [(m.channel, m.note) for _, m in ons] == expected
        assert [m.velocity for _, m in ons] == [hit.velocity for hit in line.hits]
        assert (0, 36 + 7 - 12) in expected  # the bass sounds in G, an octave down
        offs = midi_in.of("note_off")
        assert len(offs) == len(ons)
        for (t_on, on), hit in zip(ons, line.hits, strict=True):
            key = (on.channel, on.note)
            t_off = next(t for t, m in offs if (m.channel, m.note) == key and t > t_on)
            assert abs((t_off - t_on) / 1e6 - hit.length * spb_ms) < ON_TIME_MS, hit
        first = ons[0][0]
        for (t_on, _), hit in zip(ons, line.hits, strict=True):
            assert abs((t_on - first) / 1e6 - hit.beat * spb_ms) < ON_TIME_MS, hit
        # percussion shares channel 10, so part volumes scale its velocities; the bass channel
        # carries its volume as CC7 and its pan as CC10
        controls = {(m.channel, m.control): m.value for _, m in midi_in.of("control_change")}
        assert controls[(0, 7)] == 100 and controls[(0, 10)] == 64
        assert controls[(9, 123)] == 0  # all notes off when playback ended

    takes(check)
    assert player.state().error is None and not player.state().playing


def test_mute_and_solo_send_nothing_for_silent_parts(player: MidiPlayer, midi_in: Received) -> None:
    pattern = notes_pattern()

    def check() -> None:
        muted = TransportSettings(bars=2, mix=MappingProxyType({1: PartMix(mute=True)}))
        take(player, midi_in, pattern, muted)
        assert sorted({m.note for _, m in midi_in.of("note_on")}) == [31, 75]
        solo = TransportSettings(bars=2, mix=MappingProxyType({2: PartMix(solo=True)}))
        take(player, midi_in, pattern, solo)
        assert [(m.channel, m.note) for _, m in midi_in.of("note_on")] == [(0, 31), (0, 31)]

    takes(check)


def test_muting_while_playing_ends_the_part_s_sounding_notes(
    player: MidiPlayer, midi_in: Received
) -> None:
    pattern = notes_pattern(bpm=100)
    settings = TransportSettings(loop=True)

    def check() -> None:
        midi_in.clear()
        player.play(pattern, settings)
        time.sleep(0.3)  # the bass's first note (3 steps = 0.45 s) is sounding
        player.update(replace(settings, mix=MappingProxyType({2: PartMix(mute=True)})))
        time.sleep(0.05)
        muted_at = time.perf_counter_ns()
        time.sleep(2.6)  # past the second bar's bass note
        player.stop()
        bass = [(t, m.type) for t, m in midi_in.of("note_on", "note_off") if m.channel == 0]
        assert [kind for _, kind in bass] == ["note_on", "note_off"]
        assert bass[1][0] < muted_at  # ended by the mute, not at its written end
        assert any(m.note == 63 for t, m in midi_in.of("note_on") if t > muted_at)

    takes(check)


def test_humanize_moves_hits_by_the_timeline_s_offsets(
    player: MidiPlayer, midi_in: Received
) -> None:
    pattern = notes_pattern()
    line = timeline(pattern)
    spb_ms = 60_000 / pattern.bpm

    def check() -> None:
        take(player, midi_in, pattern, TransportSettings(bars=2, humanize=1.0))
        # humanize may swap hits that fall together, never two hits of one key (a beat apart)
        arrivals: dict[tuple[int, int], list[tuple[int, mido.Message]]] = {}
        for t, message in midi_in.of("note_on"):
            arrivals.setdefault((message.channel, message.note), []).append((t, message))
        humanized, straight, velocities, expected = [], [], [], []
        for i, hit in enumerate(line.hits):
            arrived, message = arrivals[(hit.channel, hit.key)].pop(0)
            velocities.append(message.velocity)
            jitter = float(line.jitter_velocity[0, i])
            expected.append(humanized_velocity(hit.velocity, jitter, 1.0))
            if hit.beat > 0:  # a hit on the first beat may be held back to the start
                grid = hit.beat * spb_ms
                shift = float(line.jitter_ms[0, i]) * HUMANIZE_MAX_MS
                humanized.append(arrived / 1e6 - grid - shift)
                straight.append(arrived / 1e6 - grid)
        assert max(humanized) - min(humanized) < ON_TIME_MS
        assert max(straight) - min(straight) > 10.0  # the hits really left the grid
        assert velocities == expected != [hit.velocity for hit in line.hits]

    takes(check)


def test_midi_clock_sends_24_pulses_per_quarter_with_start_and_stop(midi_in: Received) -> None:
    player = MidiPlayer(midi_in.name, clock=True)

    def check() -> None:
        take(player, midi_in, notes_pattern(bpm=150), TransportSettings(bars=2))
        types = [m.type for _, m in midi_in.of("songpos", "start", "clock", "stop")]
        assert types[:2] == ["songpos", "start"] and types[-1] == "stop"
        assert types.count("clock") == 2 * 4 * 24
        pulses = [t for t, _ in midi_in.of("clock")]
        period_ms = (pulses[-1] - pulses[0]) / 1e6 / (len(pulses) - 1)
        assert abs(period_ms - 60_000 / 150 / 24) < 0.2
        six_eight = notes_pattern(bpm=120, beat_unit=8, beats_per_bar=6)
        take(player, midi_in, six_eight, TransportSettings(bars=1))
        assert len(midi_in.of("clock")) == 6 * 12  # 12 pulses per eighth-note beat

    try:
        takes(check)
    finally:
        player.close()


def test_tempo_change_keeps_the_beat_and_takes_the_new_tempo(
    player: MidiPlayer, midi_in: Received
) -> None:
    pattern = notes_pattern(bpm=120)
    settings = TransportSettings(loop=True)

    def check() -> None:
        midi_in.clear()
        player.play(pattern, settings)
        time.sleep(1.1)
        before = player.state().beat
        player.update(replace(settings, bpm=200))
        deadline = time.monotonic() + 1
        while player.state().bpm != 200 and time.monotonic() < deadline:
            time.sleep(0.001)  # the scheduler thread takes the change at its next wake-up
        after = player.state().beat
        assert player.state().bpm == 200 and 0 <= after - before < 0.1
        changed = time.perf_counter_ns()
        time.sleep(1.5)
        player.stop()
        clave = [t for t, m in midi_in.of("note_on") if m.note == 75 and t > changed + 50e6]
        gaps = [(b - a) / 1e6 for a, b in itertools.pairwise(clave)]
        assert len(gaps) >= 3
        assert all(abs(gap - 300.0) < ON_TIME_MS for gap in gaps), gaps

    takes(check)


def test_a_changed_pattern_takes_over_at_the_beat_reached(
    player: MidiPlayer, midi_in: Received
) -> None:
    pattern = notes_pattern(bpm=120)  # a beat is 500 ms; bass notes on beats 0 and 4
    bass = 2
    edited_bass = replace(
        pattern.parts[bass],
        programs=(Program("a", tuple(replace(n, pitch=38) for n in pattern.parts[bass].notes)),),
    )
    edited = replace(pattern, parts=(*pattern.parts[:bass], edited_bass))

    def check() -> None:
        midi_in.clear()
        player.play(pattern, TransportSettings(loop=True))
        time.sleep(1.2)  # beat 1 or 2 of the first bar: past the first bass note
        programs = len(midi_in.of("program_change"))
        player.change_pattern(edited)
        time.sleep(1.5)  # through beat 4, where bar 2's bass note falls
        player.stop()
        first_clave = next(t for t, m in midi_in.of("note_on") if m.note == 75)
        basses = [(t, m.note) for t, m in midi_in.of("note_on") if m.channel == 0]
        old_key, new_key = (
            next(hit.key for hit in timeline(p).hits if hit.part == bass) for p in (pattern, edited)
        )
        assert [note for _, note in basses] == [old_key, new_key]  # the edit plays on bar 2
        assert abs((basses[1][0] - first_clave) / 1e6 - 4 * 500.0) < ON_TIME_MS  # on beat 4
        assert len(midi_in.of("program_change")) == programs  # same instruments: no set-up
        clave = [t for t, m in midi_in.of("note_on") if m.note == 75]
        gaps = [(b - a) / 1e6 for a, b in itertools.pairwise(clave)]
        assert all(abs(gap - 500.0) < ON_TIME_MS for gap in gaps), gaps  # no beat lost

    takes(check)


def test_metronome_clicks_every_beat_with_the_bar_accented(
    player: MidiPlayer, midi_in: Received
) -> None:
    silent = MappingProxyType({i: PartMix(mute=True) for i in range(3)})

    def check() -> None:
        settings = TransportSettings(bars=1, metronome=True, mix=silent)
        take(player, midi_in, notes_pattern(), settings)
        clicks = [(m.channel, m.note) for _, m in midi_in.of("note_on")]
        assert clicks == [(9, 76), (9, 77), (9, 77), (9, 77)]

    takes(check)


def test_one_pass_without_loop_ends_by_itself(player: MidiPlayer, midi_in: Received) -> None:
    pattern = notes_pattern(bpm=200)

    def check() -> None:
        take(player, midi_in, pattern, TransportSettings(loop=False))
        state = player.state()
        assert not state.playing and state.loops == 1 and state.beat == 0.0
        assert len(midi_in.of("note_on")) == len(timeline(pattern).hits)

    takes(check)


def test_stop_and_panic_end_every_note(player: MidiPlayer, midi_in: Received) -> None:
    pattern = notes_pattern(bpm=80)

    def check() -> None:
        midi_in.clear()
        player.play(pattern, TransportSettings(loop=True))
        time.sleep(0.2)  # the bass note (3 steps at 80 bpm) still sounds
        player.panic()
        time.sleep(0.05)
        assert not player.state().playing
        offs = {(m.channel, m.note) for _, m in midi_in.of("note_off")}
        assert (0, 31) in offs and (9, 75) in offs
        zero = {(m.channel, m.control) for _, m in midi_in.of("control_change") if m.value == 0}
        assert {(channel, 123) for channel in range(16)} <= zero
        assert {(channel, 120) for channel in range(16)} <= zero

    takes(check)


def test_an_unknown_port_names_the_ports_there_are(midi_in: Received) -> None:
    with pytest.raises(PlaybackUnavailableError, match="no MIDI output port 'no such synth'") as e:
        MidiPlayer("no such synth")
    assert midi_in.name in str(e.value)


def test_a_port_that_goes_away_stops_playback_with_a_clear_message(
    player: MidiPlayer, midi_in: Received
) -> None:
    pattern = notes_pattern()
    player.play(pattern, TransportSettings(loop=True))
    time.sleep(0.3)
    midi_in.close()  # the synth quits
    assert player.wait(5)
    state = player.state()
    assert not state.playing
    assert state.error is not None and "went away while playing" in state.error
    assert midi_in.name in state.error
    player.panic()  # nothing left to send to: no exception
    with pytest.raises(PlaybackUnavailableError, match="no MIDI output port"):
        player.play(pattern, TransportSettings())


def test_a_salsa_loop_plays_every_hit_of_every_part(player: MidiPlayer, midi_in: Received) -> None:
    pattern = build_pattern("salsa")
    line = timeline(pattern)

    def check() -> None:
        take(player, midi_in, pattern, TransportSettings(loop=False))
        ons = midi_in.of("note_on")
        assert sorted((m.channel, m.note) for _, m in ons) == sorted(
            (hit.channel, hit.key) for hit in line.hits
        )
        assert {m.channel for _, m in ons} == {0, 1, 9}

    takes(check)


def test_turning_loop_off_finishes_the_loop_playing_now(player: MidiPlayer) -> None:
    pattern = notes_pattern(bpm=240)  # 8 beats: a loop lasts 2 s
    settings = TransportSettings(loop=True)
    player.play(pattern, settings)
    time.sleep(2.5)  # in the second loop
    player.update(replace(settings, loop=False))
    assert not player.wait(0.5)  # the second loop still plays
    assert player.wait(5)
    state = player.state()
    assert not state.playing and state.loops == 2 and state.beat == 0.0
