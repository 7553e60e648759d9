"""The transport bar in the main window: Space, tempo, mute from the strip, outputs and their
absence, an unplugged synth, library tracks, and screenshots of the window playing on the JACK
server."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from tests.support.audio import write_sine
from tests.support.jack import JackServer
from tests.support.midi_input import Received
from tests.support.screenshots import TEXT, assert_themed, ink, part_of, save_screenshot, share
from tests.support.windows import show_main_window

from museaud.accounts.preferences import load_preferences, load_ui_state, update_preferences
from museaud.analytics.events import PerformanceMetric
from museaud.app import App
from museaud.audio import devices as real_devices
from museaud.audio.engine import IsolatedAudioEngine
from museaud.audio.queue import QueuedTrack
from museaud.audio.schedule import timeline
from museaud.audio.transport import Playback, TransportState
from museaud.patterns.flavors import build_pattern
from museaud.patterns.model import BeatPattern
from museaud.patterns.service import save_pattern
from museaud.ui.main_window import TRANSPORT_STATE_COMPONENT, MainWindow
from museaud.ui.playback import STARTING_TEXT
from museaud.ui.theme import apply_theme, current_theme_colors
from museaud.ui.transport_bar import NO_AUDIO_TEXT, NO_MIDI_TEXT, position_text
from museaud.ui.views import BeatMachineView

if TYPE_CHECKING:
    from tests.ui.conftest import FakeDevices


def open_window(qtbot: QtBot, app: App) -> MainWindow:
    window = show_main_window(qtbot, app, 1360, 860)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def window(qtbot: QtBot, app: App) -> Iterator[MainWindow]:
    opened = open_window(qtbot, app)
    yield opened
    opened.playback.close()


def beats_played(player: Playback, pattern: BeatPattern) -> float:
    """How far the player has gone since it started, in beats (loops included)."""
    state = player.state()
    return state.loops * pattern.bars * pattern.beats_per_bar + state.beat


def on_the_beat_machine(window: MainWindow) -> BeatMachineView:
    window.show_view("beat_machine")
    view = window.views["beat_machine"]
    assert isinstance(view, BeatMachineView)
    return view


def use_midi_port(qtbot: QtBot, window: MainWindow, devices: FakeDevices, port: str) -> None:
    devices.midi = real_devices.list_midi_outputs()
    qtbot.mouseClick(window.transport_bar.rescan_button, Qt.MouseButton.LeftButton)
    combo = window.transport_bar.output_combo
    index = combo.findText(f"MIDI · {port}")
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def press_space(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Space)


def test_position_reads_bar_dot_beat() -> None:
    assert position_text(None, 4) == "1.1"
    assert position_text(TransportState("x", beat=0.0, bar=0), 4) == "1.1"
    assert position_text(TransportState("x", beat=6.5, bar=1), 4) == "2.3"
    assert position_text(TransportState("x", beat=11.99, bar=1), 6) == "2.6"


def test_with_no_audio_device_the_bar_says_so_and_the_app_works_on(
    qtbot: QtBot, window: MainWindow
) -> None:
    bar = window.transport_bar

    assert bar.message() == NO_AUDIO_TEXT
    assert bar.output_combo.currentText() == "Audio · no device"
    window.show_view("library")
    window.show_view("beat_machine")
    assert window.current_view_name() == "beat_machine"


def test_an_audio_device_that_is_not_there_is_explained_in_the_bar(
    qtbot: QtBot, app: App, devices: FakeDevices
) -> None:
    devices.plug_in()  # the list names a Scarlett that this machine does not have
    with app.session() as session:
        update_preferences(session, app.local_user_id, audio_device="Scarlett 2i2 USB")
    window = open_window(qtbot, app)
    on_the_beat_machine(window)

    press_space(qtbot, window)  # the engine starts in the background and finds no Scarlett

    qtbot.waitUntil(lambda: "Scarlett 2i2 USB" in window.transport_bar.message(), timeout=15000)
    assert not window.playback.is_playing()
    assert not window.playback.is_starting()
    assert "Offline render still works" in window.transport_bar.message()
    window.show_view("library")  # and the app goes on
    window.playback.close()


def test_no_midi_port_is_said_plainly(qtbot: QtBot, app: App, devices: FakeDevices) -> None:
    with app.session() as session:
        update_preferences(session, app.local_user_id, midi_output_port="minilogue xd")
        from museaud.accounts.preferences import save_ui_state

        save_ui_state(session, app.local_user_id, TRANSPORT_STATE_COMPONENT, {"output": "midi"})
    window = open_window(qtbot, app)

    assert window.transport_bar.message() == NO_MIDI_TEXT
    assert window.transport_bar.output_combo.currentText() == "MIDI · minilogue xd (not connected)"
    assert window.transport_bar.clock_box.isVisibleTo(window.transport_bar)
    window.playback.close()


def test_the_output_chooser_offers_devices_ports_and_buffer_sizes_and_keeps_the_choice(
    qtbot: QtBot, app: App, devices: FakeDevices
) -> None:
    devices.plug_in()
    window = open_window(qtbot, app)
    bar = window.transport_bar
    combo = bar.output_combo
    texts = [combo.itemText(i) for i in range(combo.count())]

    assert "Audio · Scarlett 2i2 USB" in texts
    assert "MIDI · minilogue xd:minilogue xd MIDI 2" in texts
    assert combo.currentText() == "Audio · Scarlett 2i2 USB"  # the system default
    assert bar.buffer_combo.currentText() == "256 · 5.3 ms"
    assert [int(bar.buffer_combo.itemData(i)) for i in range(bar.buffer_combo.count())] == [
        64,
        128,
        256,
        512,
        1024,
        2048,
    ]
    bar.buffer_combo.setCurrentIndex(1)
    bar.buffer_combo.activated.emit(1)
    assert bar.output_choice().buffer_size == 128
    index = combo.findText("MIDI · minilogue xd:minilogue xd MIDI 2")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)

    assert bar.output_choice().kind == "midi"
    assert not bar.buffer_box.isVisibleTo(bar)
    assert bar.clock_box.isVisibleTo(bar)
    assert bar.message() == ""
    window.close()
    with app.session() as session:
        preferences = load_preferences(session, app.local_user_id)
        saved = load_ui_state(session, app.local_user_id, TRANSPORT_STATE_COMPONENT)
    assert preferences.midi_output_port == "minilogue xd:minilogue xd MIDI 2"
    assert preferences.audio_buffer_size == 128
    assert saved["output"] == "midi"
    again = open_window(qtbot, app)
    assert again.transport_bar.output_combo.currentText() == (
        "MIDI · minilogue xd:minilogue xd MIDI 2"
    )
    again.playback.close()


def test_the_midi_chooser_lists_a_jack_port_after_a_rescan(
    qtbot: QtBot, window: MainWindow, devices: FakeDevices, midi_in: Received
) -> None:
    combo = window.transport_bar.output_combo
    assert combo.findText(f"MIDI · {midi_in.name}") < 0

    use_midi_port(qtbot, window, devices, midi_in.name)

    assert window.transport_bar.output_choice().name == midi_in.name
    assert window.playback.output.kind == "midi"


def test_space_plays_the_beat_machine_pattern_on_a_midi_port_and_stops(
    qtbot: QtBot, window: MainWindow, devices: FakeDevices, midi_in: Received
) -> None:
    use_midi_port(qtbot, window, devices, midi_in.name)
    view = on_the_beat_machine(window)
    pattern = view.pattern_to_play()  # a new, unsaved salsa: the draft plays as it is
    bar = window.transport_bar

    press_space(qtbot, window)

    assert window.playback.is_playing()
    assert bar.play_action.text() == "Stop"
    qtbot.waitUntil(lambda: len(midi_in.notes()) >= 8, timeout=5000)
    qtbot.waitUntil(lambda: bar.position_label.text() not in ("1.1", ""), timeout=5000)
    expected = {(hit.channel, hit.key) for hit in timeline(pattern).hits}
    assert {(m.channel, m.note) for m in midi_in.notes()} <= expected

    press_space(qtbot, window)

    assert not window.playback.is_playing()
    assert bar.play_action.text() == "Play"
    stopped = time.perf_counter_ns()
    qtbot.wait(400)  # proves a negative: no note after the stop (3 steps' time at 120 BPM)
    assert midi_in.notes(stopped) == []


def test_space_plays_at_once_on_opening_the_beat_machine_and_types_in_a_clicked_title(
    qtbot: QtBot, window: MainWindow, devices: FakeDevices, midi_in: Received
) -> None:
    use_midi_port(qtbot, window, devices, midi_in.name)
    window.show_view("library")

    view = on_the_beat_machine(window)

    assert QApplication.focusWidget() is view.grid  # not the title field
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # where a real key goes
    assert window.playback.is_playing()
    qtbot.waitUntil(lambda: len(midi_in.notes()) > 0, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert not window.playback.is_playing()

    title = view.controls.title_edit
    qtbot.mouseClick(title, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is title
    qtbot.keyClick(title, Qt.Key.Key_End)
    qtbot.keyClick(title, Qt.Key.Key_Space)
    qtbot.keyClicks(title, "II")

    assert title.text().endswith(" II")  # Space types in the title it was clicked into
    assert not window.playback.is_playing()


def test_a_stored_pattern_plays_through_the_beat_machine_hook(
    qtbot: QtBot, app: App, window: MainWindow, devices: FakeDevices, midi_in: Received
) -> None:
    with app.session() as session:
        pattern_id = save_pattern(session, build_pattern("bossa-nova", bpm=130), origin="user")
    use_midi_port(qtbot, window, devices, midi_in.name)
    view = on_the_beat_machine(window)
    view.open_pattern(pattern_id)

    assert view.request_play()

    assert window.playback.is_playing()
    assert window.playback.pattern is not None
    assert window.playback.pattern.bpm == 130
    qtbot.waitUntil(lambda: len(midi_in.notes()) > 0, timeout=5000)
    window.playback.stop()


def test_a_tempo_change_in_the_bar_reaches_the_player(
    qtbot: QtBot, window: MainWindow, devices: FakeDevices, midi_in: Received
) -> None:
    use_midi_port(qtbot, window, devices, midi_in.name)
    on_the_beat_machine(window)
    press_space(qtbot, window)
    bar = window.transport_bar
    player = window.playback.player()
    assert player is not None
    qtbot.waitUntil(lambda: player.state().bpm > 0, timeout=3000)
    assert bar.tempo_spin.value() == player.state().bpm

    bar.tempo_spin.setValue(141.0)

    qtbot.waitUntil(lambda: player.state().bpm == 141.0, timeout=3000)
    assert window.playback.is_playing()
    window.playback.stop()


def test_mute_in_the_instrument_strip_reaches_the_player(
    qtbot: QtBot, window: MainWindow, devices: FakeDevices, midi_in: Received
) -> None:
    use_midi_port(qtbot, window, devices, midi_in.name)
    view = on_the_beat_machine(window)
    pattern = view.pattern_to_play()
    clave = next(i for i, part in enumerate(pattern.parts) if part.instrument == "clave")
    clave_keys = {hit.key for hit in timeline(pattern).hits if hit.part == clave}
    press_space(qtbot, window)
    qtbot.waitUntil(lambda: {m.note for m in midi_in.notes()} & clave_keys != set(), timeout=5000)

    qtbot.mouseClick(view.strip.rows[clave].mute_button, Qt.MouseButton.LeftButton)

    assert not window.playback.settings.audible(clave)
    player = window.playback.player()
    assert player is not None
    muted_at = beats_played(player, pattern)
    qtbot.waitUntil(lambda: beats_played(player, pattern) >= muted_at + 0.5, timeout=5000)
    since = time.perf_counter_ns()  # notes scheduled before the mute have come by now
    # over a bar: the clave plays in every bar
    qtbot.waitUntil(
        lambda: beats_played(player, pattern) >= muted_at + 0.5 + pattern.beats_per_bar + 0.5,
        timeout=10000,
    )
    heard = {m.note for m in midi_in.notes(since) if m.channel == 9}
    assert heard and not heard & clave_keys
    qtbot.mouseClick(view.strip.rows[clave].mute_button, Qt.MouseButton.LeftButton)
    assert window.playback.settings.audible(clave)
    window.playback.stop()


def test_an_unplugged_synth_is_shown_in_the_bar_and_the_app_goes_on(
    qtbot: QtBot, window: MainWindow, devices: FakeDevices, midi_in: Received
) -> None:
    use_midi_port(qtbot, window, devices, midi_in.name)
    on_the_beat_machine(window)
    press_space(qtbot, window)
    qtbot.waitUntil(lambda: len(midi_in.notes()) > 0, timeout=5000)

    midi_in.close()

    bar = window.transport_bar
    qtbot.waitUntil(lambda: "went away" in bar.message(), timeout=5000)
    assert not window.playback.is_playing()
    assert bar.play_action.text() == "Play"
    window.show_view("library")
    assert window.current_view_name() == "library"


@pytest.fixture
def jack_audio(jack_server: JackServer, devices: FakeDevices) -> FakeDevices:
    """The window sees the real audio outputs: JACK's "system" on the dummy server."""
    devices.audio = real_devices.list_audio_outputs()
    assert devices.audio.devices, devices.audio.problem
    return devices


def test_space_plays_on_the_jack_audio_engine_and_records_its_performance(
    qtbot: QtBot, app: App, jack_audio: FakeDevices
) -> None:
    window = open_window(qtbot, app)
    on_the_beat_machine(window)
    bar = window.transport_bar
    assert bar.message() == ""
    assert bar.output_combo.currentText() == "Audio · system"

    press_space(qtbot, window)

    assert window.playback.is_playing()
    assert window.playback.is_starting()  # in the background: the GUI goes on meanwhile
    assert bar.playing_label.text() == STARTING_TEXT
    assert bar.play_action.text() == "Stop"
    qtbot.waitUntil(lambda: bar.position_label.text() not in ("1.1", ""), timeout=15000)
    qtbot.waitUntil(lambda: bar.load_label.text() != "CPU —", timeout=3000)
    assert bar.playing_label.text().startswith("Salsa")
    engine = window.playback.audio_engine()
    assert isinstance(engine, IsolatedAudioEngine)  # the callback runs in a process of its own
    qtbot.waitUntil(lambda: engine.stats().callbacks > 100, timeout=5000)
    press_space(qtbot, window)

    assert not window.playback.is_playing()
    qtbot.waitUntil(lambda: len(app.events.events(PerformanceMetric)) == 1, timeout=5000)
    metrics = app.events.events(PerformanceMetric)  # written in the background
    assert metrics[0].buffer_size == 256
    assert metrics[0].sample_rate == 48000
    assert metrics[0].xrun_count is not None
    assert metrics[0].engine_parameters["source"] == "gui"
    window.playback.close()


def test_a_library_track_plays_on_the_audio_engine_and_space_stops_it(
    qtbot: QtBot, app: App, jack_audio: FakeDevices, tmp_path: Path
) -> None:
    window = open_window(qtbot, app)
    track = write_sine(tmp_path / "tone.wav", level_dbfs=-12.0, duration_s=3.0, sample_rate=44100)
    playback = window.playback
    stopped: list[bool] = []
    playback.tracks_stopped.connect(lambda: stopped.append(True))

    playback.play_file(1, track)  # what the track player asks for

    assert playback.is_playing_tracks()
    qtbot.waitUntil(lambda: (playback.last_state() or _idle()).track == 1, timeout=15000)
    engine = playback.audio_engine()
    assert engine is not None
    sounding = engine.stats().callbacks
    qtbot.waitUntil(lambda: engine.stats().callbacks >= sounding + 8, timeout=5000)  # a few blocks
    press_space(qtbot, window)  # Space stops what plays, a track too
    assert not playback.is_playing_tracks()
    assert not playback.is_playing()  # and starts no pattern instead
    assert stopped == [True]  # the track player hears of it, to record the play
    qtbot.waitUntil(lambda: engine.state().track == 0, timeout=2000)
    window.playback.close()


def audio_processes() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if p.name == "museaud-audio"]


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_killed_audio_process_is_shown_and_the_next_space_starts_a_new_one(
    qtbot: QtBot, app: App, jack_audio: FakeDevices
) -> None:
    window = open_window(qtbot, app)
    on_the_beat_machine(window)
    bar = window.transport_bar
    press_space(qtbot, window)
    qtbot.waitUntil(lambda: bar.position_label.text() not in ("1.1", ""), timeout=15000)
    [first] = audio_processes()

    os.kill(first.pid or 0, signal.SIGKILL)  # the audio process dies mid-play

    qtbot.waitUntil(lambda: "audio process stopped" in bar.message(), timeout=5000)
    assert not window.playback.is_playing()
    assert bar.play_action.text() == "Play"
    press_space(qtbot, window)
    qtbot.waitUntil(lambda: window.playback.audio_engine() is not None, timeout=15000)
    qtbot.waitUntil(lambda: (window.playback.last_state() or _idle()).playing, timeout=5000)
    assert bar.message() == ""
    [second] = audio_processes()
    assert second.pid != first.pid
    window.close()
    assert audio_processes() == []
    assert gone(second.pid or 0)


def test_closing_the_window_ends_the_audio_process(
    qtbot: QtBot, app: App, jack_audio: FakeDevices
) -> None:
    window = open_window(qtbot, app)
    on_the_beat_machine(window)
    press_space(qtbot, window)
    qtbot.waitUntil(lambda: window.playback.audio_engine() is not None, timeout=15000)
    [process] = audio_processes()
    assert process.is_alive()

    window.close()

    assert not window.playback.is_playing()
    assert audio_processes() == []
    assert gone(process.pid or 0)  # ended and reaped: no orphan, no zombie


def test_a_track_that_cannot_be_decoded_says_why(
    qtbot: QtBot, app: App, jack_audio: FakeDevices, tmp_path: Path
) -> None:
    window = open_window(qtbot, app)
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"\x00not audio" * 50)

    window.player.play_tracks([QueuedTrack(uuid.uuid4(), str(broken), "Broken")])

    qtbot.waitUntil(lambda: "broken.mp3" in window.transport_bar.message(), timeout=15000)
    assert not window.playback.is_playing_tracks()
    assert window.player.now_playing is None
    window.playback.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_the_beat_machine_playing(
    qtbot: QtBot, app: App, jack_audio: FakeDevices, screenshot_dir: Path, theme: str
) -> None:
    colours = apply_theme(theme)
    window = open_window(qtbot, app)
    view = on_the_beat_machine(window)
    pattern = view.pattern_to_play()
    conga = next(i for i, part in enumerate(pattern.parts) if part.instrument == "conga")
    qtbot.mouseClick(view.strip.rows[conga].solo_button, Qt.MouseButton.LeftButton)
    bar = window.transport_bar
    bar.click_button.setChecked(True)
    press_space(qtbot, window)
    qtbot.waitUntil(lambda: bar.position_label.text() not in ("1.1", ""), timeout=15000)
    qtbot.waitUntil(lambda: bar.playing_label.text().startswith("Salsa"), timeout=5000)

    image = save_screenshot(qtbot, window, screenshot_dir / f"transport_beat_machine_{theme}.png")

    assert window.playback.settings.metronome
    assert_themed(image, colours)
    assert not bar.message_row.isVisible()
    for label in (bar.position_label, bar.playing_label, bar.output_combo):
        assert ink(part_of(image, label, window)) > TEXT, label.objectName()
    solo = part_of(image, view.strip.rows[conga].solo_button, window)
    other = part_of(image, view.strip.rows[0].solo_button, window)
    assert share(solo, colours.accent) > 0.2  # the conga's S is lit
    assert share(other, colours.accent) < 0.05
    window.playback.close()


def test_screenshot_with_no_audio_device(qtbot: QtBot, app: App, screenshot_dir: Path) -> None:
    window = open_window(qtbot, app)
    on_the_beat_machine(window)

    image = save_screenshot(qtbot, window, screenshot_dir / "transport_no_device.png")

    bar = window.transport_bar
    assert bar.message() == NO_AUDIO_TEXT
    message = part_of(image, bar.message_row, window)
    assert ink(message) > TEXT
    warning = current_theme_colors().warning
    assert share(message, warning, step=1) > TEXT  # the warning sign and its text
    combo = part_of(image, bar.output_combo, window)
    assert share(combo, warning, step=1) * combo.width() * combo.height() > 6  # its small sign
    window.playback.close()


def _idle() -> TransportState:
    return TransportState(output="")
