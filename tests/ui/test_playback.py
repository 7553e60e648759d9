"""The GUI's playback controller on real outputs: a virtual JACK MIDI input that records every
message, and the audio engine on the JACK dummy server."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import replace

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot
from tests.support.jack import JackServer
from tests.support.midi_input import Received

from museaud.app import App
from museaud.audio.lifecycle import Activity, EngineState
from museaud.audio.schedule import timeline
from museaud.audio.transport import TransportState
from museaud.patterns.flavors import build_pattern
from museaud.patterns.model import BeatPattern
from museaud.ui.playback import OutputChoice, PlaybackController


@pytest.fixture
def controller(qtbot: QtBot, app: App) -> Iterator[PlaybackController]:
    playback = PlaybackController(app)
    yield playback
    playback.close()


def salsa() -> BeatPattern:
    return build_pattern("salsa", bpm=120)


def drum_keys(pattern: BeatPattern, part: int) -> set[int]:
    return {hit.key for hit in timeline(pattern).hits if hit.part == part}


def test_plays_a_pattern_on_a_midi_port_until_stopped(
    qtbot: QtBot, controller: PlaybackController, midi_in: Received
) -> None:
    pattern = salsa()
    controller.set_output(OutputChoice(kind="midi", name=midi_in.name))
    states: list[object] = []
    controller.state_changed.connect(states.append)

    assert controller.play(pattern)
    assert controller.is_playing()
    qtbot.waitUntil(lambda: len(midi_in.notes()) >= 8, timeout=5000)
    qtbot.waitUntil(lambda: len(states) >= 3, timeout=2000)  # polled while playing
    controller.stop()
    stopped = time.perf_counter_ns()

    assert not controller.is_playing()
    assert not controller.last_state().playing  # type: ignore[union-attr]
    played = {(m.channel, m.note) for m in midi_in.notes()}
    expected = {(hit.channel, hit.key) for hit in timeline(pattern).hits}
    assert played and played <= expected
    qtbot.wait(600)  # more than a 16th at 120 BPM: notes would have come
    assert not midi_in.notes(stopped)


def test_a_tempo_change_reaches_the_player_while_playing(
    qtbot: QtBot, controller: PlaybackController, midi_in: Received
) -> None:
    controller.set_output(OutputChoice(kind="midi", name=midi_in.name))
    controller.play(salsa())
    qtbot.waitUntil(lambda: (controller.last_state() or _idle()).bpm == 120.0, timeout=3000)

    assert controller.set_tempo(150.0)

    qtbot.waitUntil(lambda: (controller.last_state() or _idle()).bpm == 150.0, timeout=3000)
    assert controller.tempo() == 150.0
    assert controller.is_playing()


def test_a_bpm_edit_on_the_bench_changes_tempo_without_a_restart(
    qtbot: QtBot, controller: PlaybackController, midi_in: Received
) -> None:
    pattern = salsa()
    controller.set_output(OutputChoice(kind="midi", name=midi_in.name))
    controller.play(pattern)
    qtbot.waitUntil(lambda: len(midi_in.since("program_change")) > 0, timeout=3000)
    programs = len(midi_in.since("program_change"))

    controller.follow_pattern(replace(pattern, bpm=100.0))

    qtbot.waitUntil(lambda: (controller.last_state() or _idle()).bpm == 100.0, timeout=3000)
    assert len(midi_in.since("program_change")) == programs  # no restart: no new set-up messages


def test_an_edit_while_playing_is_heard_at_once_without_a_restart(
    qtbot: QtBot, controller: PlaybackController, midi_in: Received
) -> None:
    pattern = salsa()
    clave = next(i for i, p in enumerate(pattern.parts) if p.instrument == "clave")
    clave_keys = drum_keys(pattern, clave)
    other_keys = {hit.key for hit in timeline(pattern).hits if hit.part != clave} - clave_keys
    controller.set_output(OutputChoice(kind="midi", name=midi_in.name))
    controller.play(pattern)
    qtbot.waitUntil(lambda: (controller.last_state() or _idle()).beat >= 2.0, timeout=5000)
    programs = len(midi_in.since("program_change"))
    before = _beats_played(controller.player().state(), pattern)  # type: ignore[union-attr]
    edited_at = time.perf_counter()
    parts = list(pattern.parts)
    parts[clave] = replace(parts[clave], enabled=False)  # the clave switched off on the bench

    controller.follow_pattern(replace(pattern, parts=tuple(parts)))
    since = time.perf_counter_ns() + 50_000_000  # notes already on their way may still arrive

    qtbot.wait(1500)  # more than the clave's longest gap at 180 BPM
    heard = {m.note for m in midi_in.notes(since) if m.channel == 9}
    assert heard & other_keys and not heard & clave_keys
    state = controller.player().state()  # type: ignore[union-attr]
    elapsed = (time.perf_counter() - edited_at) * pattern.bpm / 60.0
    assert state.playing
    assert _beats_played(state, pattern) == pytest.approx(before + elapsed, abs=0.5)  # no restart
    assert len(midi_in.since("program_change")) == programs  # nothing was set up again


def test_a_muted_part_sends_nothing_and_solo_leaves_only_that_part(
    qtbot: QtBot, controller: PlaybackController, midi_in: Received
) -> None:
    pattern = salsa()
    clave = next(i for i, p in enumerate(pattern.parts) if p.instrument == "clave")
    others = {i for i, p in enumerate(pattern.parts) if p.enabled} - {clave}
    clave_keys = drum_keys(pattern, clave)
    other_keys = set().union(*(drum_keys(pattern, i) for i in others)) - clave_keys
    controller.set_output(OutputChoice(kind="midi", name=midi_in.name))
    controller.play(pattern)
    qtbot.waitUntil(lambda: len(midi_in.notes()) > 0, timeout=3000)

    assert controller.set_part_mix(clave, mute=True)
    since = over_a_bar_later(qtbot, controller, pattern)  # the clave plays in every bar
    keys = {m.note for m in midi_in.notes(since) if m.channel == 9}
    assert keys and not keys & clave_keys

    controller.set_part_mix(clave, mute=False, solo=True)
    since = over_a_bar_later(qtbot, controller, pattern)
    keys = {m.note for m in midi_in.notes(since) if m.channel == 9}
    assert keys and keys <= clave_keys and not keys & other_keys
    assert controller.settings.audible(clave)


def over_a_bar_later(qtbot: QtBot, controller: PlaybackController, pattern: BeatPattern) -> int:
    """Wait half a beat (notes sent before a change reached the player may still come), then a
    bar more; the perf_counter_ns when that bar began."""
    player = controller.player()
    assert player is not None
    changed_at = _beats_played(player.state(), pattern)

    def reached(beats: float) -> bool:
        return _beats_played(player.state(), pattern) >= changed_at + beats

    qtbot.waitUntil(lambda: reached(0.5), timeout=5000)
    since = time.perf_counter_ns()
    qtbot.waitUntil(lambda: reached(1.0 + pattern.beats_per_bar), timeout=10000)
    return since


def test_an_unplugged_port_stops_playback_with_a_clear_message(
    qtbot: QtBot, controller: PlaybackController, midi_in: Received
) -> None:
    problems: list[str] = []
    controller.problem_changed.connect(problems.append)
    controller.set_output(OutputChoice(kind="midi", name=midi_in.name))
    controller.play(salsa())
    qtbot.waitUntil(lambda: len(midi_in.notes()) > 0, timeout=3000)

    midi_in.close()  # the synth goes away mid-play

    qtbot.waitUntil(lambda: not controller.is_playing(), timeout=5000)
    assert problems and midi_in.name.split(":")[0] in controller.problem
    assert controller.player() is None  # released: the next play looks for the port afresh
    assert not controller.play(salsa())
    assert "no MIDI output port" in controller.problem


def test_an_unknown_midi_port_is_refused_with_the_ports_there_are(
    controller: PlaybackController, midi_in: Received
) -> None:
    controller.set_output(OutputChoice(kind="midi", name="minilogue xd MIDI 2"))

    assert not controller.play(salsa())

    assert not controller.is_playing()
    assert "minilogue xd MIDI 2" in controller.problem
    assert midi_in.name in controller.problem  # it lists what there is


def test_no_midi_port_chosen_says_what_to_do(controller: PlaybackController) -> None:
    controller.set_output(OutputChoice(kind="midi", name=None))

    assert not controller.play(salsa())
    assert controller.problem.startswith("No MIDI port chosen")


def test_toggle_without_a_pattern_explains(controller: PlaybackController) -> None:
    assert not controller.toggle(None)
    assert "Beat Machine" in controller.problem


def test_closing_while_the_audio_engine_starts_ends_its_process(
    qtbot: QtBot, controller: PlaybackController, jack_server: JackServer
) -> None:
    starting: list[bool] = []
    controller.starting_changed.connect(starting.append)
    controller.set_output(OutputChoice(kind="audio", name="system"))

    assert controller.play(salsa())  # returns at once: the engine starts in the background

    assert controller.is_starting() and controller.is_playing()
    assert (controller.engine_state, controller.activity) == (
        EngineState.STARTING,
        Activity.PATTERN_PENDING,
    )
    assert controller.audio_engine() is None  # nothing to poll until it is up
    controller.stop()  # changed our mind before a note sounded
    assert not controller.is_playing() and controller.activity is Activity.IDLE
    controller.close()  # waits for the start, then ends the process

    assert starting == [True, False]
    assert not [p for p in multiprocessing.active_children() if p.name == "museaud-audio"]
    assert controller.last_state() is None  # nothing ever played


def test_a_pattern_asked_for_while_the_engine_starts_plays_with_the_latest_settings(
    qtbot: QtBot, controller: PlaybackController, jack_server: JackServer
) -> None:
    controller.set_output(OutputChoice(kind="audio", name="system"))
    controller.play(salsa())

    controller.set_tempo(97.0)  # while the engine starts

    qtbot.waitUntil(lambda: not controller.is_starting(), timeout=15000)
    assert controller.problem == ""
    qtbot.waitUntil(lambda: (controller.last_state() or _idle()).bpm == 97.0, timeout=3000)
    assert controller.is_playing() and controller.activity is Activity.PATTERN
    engine = controller.audio_engine()
    assert engine is not None and engine.started
    assert controller.engine_state is EngineState.READY


def playing_on_the_audio_engine(qtbot: QtBot, controller: PlaybackController) -> int:
    """Play on the JACK audio engine until its position moves; the audio process's pid."""
    controller.set_output(OutputChoice(kind="audio", name="system"))
    assert controller.play(salsa())
    qtbot.waitUntil(lambda: (controller.last_state() or _idle()).beat > 0.5, timeout=30000)
    engine = controller.audio_engine()
    assert engine is not None and engine._process is not None
    return int(engine._process.pid)


def test_a_hung_audio_process_is_reported_while_the_gui_goes_on(
    qtbot: QtBot, controller: PlaybackController, jack_server: JackServer
) -> None:
    problems: list[str] = []
    controller.problem_changed.connect(problems.append)
    pid = playing_on_the_audio_engine(qtbot, controller)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    try:
        os.kill(pid, signal.SIGSTOP)  # the audio process hangs mid-play
        hung_at = time.monotonic()
        controller.set_tempo(100.0)  # the GUI goes on sending: nothing waits for the process
        controller.set_loop(False)

        qtbot.waitUntil(lambda: "stopped answering" in controller.problem, timeout=5000)
        reported_at = time.monotonic()
        assert reported_at - hung_at < 2.0  # within a second, with room for a loaded machine
        assert len([t for t in ticks if hung_at < t < reported_at]) >= 5  # the GUI kept turning
        assert not controller.is_playing() and controller.engine_state is EngineState.OFF
        assert problems[-1].endswith("Play starts it again")
        qtbot.waitUntil(lambda: gone(pid), timeout=10000)  # killed in the background

        assert controller.play(salsa())  # a fresh engine
        qtbot.waitUntil(lambda: (controller.last_state() or _idle()).playing, timeout=30000)
        assert controller.problem == ""
    finally:
        timer.stop()
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_a_killed_audio_process_is_reported_and_the_next_play_starts_a_new_one(
    qtbot: QtBot, controller: PlaybackController, jack_server: JackServer
) -> None:
    pid = playing_on_the_audio_engine(qtbot, controller)

    os.kill(pid, signal.SIGKILL)

    qtbot.waitUntil(lambda: "stopped unexpectedly" in controller.problem, timeout=5000)
    assert not controller.is_playing() and controller.engine_state is EngineState.OFF
    assert controller.play(salsa())
    qtbot.waitUntil(lambda: (controller.last_state() or _idle()).playing, timeout=30000)
    engine = controller.audio_engine()
    assert engine is not None and engine._process.pid != pid


def gone(pid: int) -> bool:
    """True once the process has ended and been reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _beats_played(state: TransportState, pattern: BeatPattern) -> float:
    """Beats since play began, from the loops done and the beat in the loop."""
    return state.loops * pattern.bars * pattern.beats_per_bar + state.beat


def _idle() -> TransportState:
    return TransportState(output="")
