"""The audio engine on the JACK dummy server: real callbacks, a real capture of what it played
compared with the offline render, live changes, previews, statistics, and no device at all."""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from tests.support.audio import write_sine
from tests.support.jack import JackServer

from museaud.app import App
from museaud.audio.engine import AudioEngine, IsolatedAudioEngine
from museaud.audio.metrics import ENGINE_NAME, record_playback
from museaud.audio.preview import load_preview
from museaud.audio.render import render_pattern
from museaud.audio.transport import (
    PartMix,
    PlaybackUnavailableError,
    TransportError,
    TransportSettings,
)
from museaud.patterns.flavors import build_pattern

pytestmark = pytest.mark.jack

RATE = 48000
PERIOD = 128
_CLIENT_NAME = ctypes.create_string_buffer(f"museaud-a2-{os.getpid()}".encode())


@pytest.fixture(scope="module")
def client(jack_server: JackServer) -> str:
    """PortAudio's JACK client renamed to one only this process uses, so its ports are known."""
    import sounddevice

    library = ctypes.CDLL(sounddevice._libname)
    sounddevice._terminate()
    library.PaJack_SetClientName(_CLIENT_NAME)
    sounddevice._initialize()
    return _CLIENT_NAME.value.decode()


def jack(*args: str) -> None:
    subprocess.run(args, check=False, capture_output=True, timeout=10)


def ports(client: str, kind: str) -> list[str]:
    """The client's open ports of a kind ("in_" / "out_"): PortAudio numbers them on."""
    listed = subprocess.run(
        ["jack_lsp"], check=False, capture_output=True, text=True, timeout=10
    ).stdout
    found = [name for name in listed.split() if name.startswith(f"{client}:{kind}")]
    return sorted(found, key=lambda name: int(name.rsplit("_", 1)[1]))


class Capture:
    """Records this process's JACK output through its own JACK input (a real round trip)."""

    def __init__(self, client: str, seconds: float) -> None:
        import sounddevice

        self.audio = np.zeros((int(seconds * RATE), 2), np.float32)
        self.frames = 0
        self.stream = sounddevice.InputStream(
            device="system",
            channels=2,
            samplerate=RATE,
            blocksize=PERIOD,
            dtype="float32",
            callback=self._record,
        )
        self.client = client

    def _record(self, indata: npt.NDArray[np.float32], frames: int, *_: Any) -> None:
        room = min(frames, len(self.audio) - self.frames)
        self.audio[self.frames : self.frames + room] = indata[:room]
        self.frames += room

    def __enter__(self) -> Capture:
        self.stream.start()
        outputs, inputs = ports(self.client, "out_"), ports(self.client, "in_")
        assert len(outputs) == len(inputs) == 2, (outputs, inputs)
        for channel, (output, input_) in enumerate(zip(outputs, inputs, strict=True)):
            jack("jack_disconnect", f"system:capture_{channel + 1}", input_)
            jack("jack_connect", output, input_)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()

    @property
    def recorded(self) -> npt.NDArray[np.float32]:
        return self.audio[: self.frames]


@pytest.fixture
def engine(client: str) -> Iterator[AudioEngine]:
    player = AudioEngine("system", buffer_size=PERIOD)
    player.start()
    try:
        yield player
    finally:
        player.close()


def wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the engine"
        time.sleep(0.01)


def first_sound(audio: npt.NDArray[np.float32]) -> int:
    return int(np.flatnonzero(np.abs(audio).max(axis=1) > 0)[0])


def assert_same_audio(
    live: npt.NDArray[np.float32], rendered: npt.NDArray[np.float32], xruns: int
) -> None:
    """live (captured from JACK) is rendered sample for sample, from their first sounds on, but
    for blocks JACK itself dropped (xruns on a shared machine)."""
    live = live[first_sound(live) :]
    reference = rendered[first_sound(rendered) :]
    length = min(len(live), len(reference))
    assert length > 0.9 * len(reference), (length, len(reference))
    blocks = length // PERIOD
    difference = np.abs(live[: blocks * PERIOD] - reference[: blocks * PERIOD])
    per_block = difference.reshape(blocks, PERIOD, 2).max(axis=(1, 2))
    mismatched = int((per_block > 1e-5).sum())
    assert mismatched <= 2 * xruns + 2, (mismatched, xruns, float(per_block.max()))


def test_engine_plays_bars_on_jack_then_stops(engine: AudioEngine) -> None:
    salsa = build_pattern("salsa")
    engine.play(salsa, TransportSettings(bars=2))
    assert engine.wait(timeout=30)
    state = engine.state()
    stats = engine.stats()
    assert state.output == "audio: system" and not state.playing and state.error is None
    assert state.loops == 1 and state.bpm == salsa.bpm
    two_bars = 8 * RATE * 60 / salsa.bpm
    assert stats.callbacks * PERIOD >= two_bars
    assert stats.buffer_size == PERIOD and stats.period_ms == pytest.approx(PERIOD / RATE * 1000)
    assert 0 < stats.p50_ms <= stats.p99_ms <= stats.max_ms
    assert state.load > 0


def test_position_follows_the_callbacks_at_the_tempo(engine: AudioEngine) -> None:
    salsa = build_pattern("salsa")
    spb = RATE * 60 / salsa.bpm
    engine.play(salsa, TransportSettings())
    wait_for(lambda: engine.state().loops >= 1)
    engine.stop()
    engine.wait(5)
    renderer = engine._renderer
    played = renderer.frames_played
    assert played % PERIOD == 0
    total_beats = played / spb
    assert renderer.loops == int(total_beats // 8)
    assert renderer.beat == pytest.approx(total_beats % 8)


def test_live_tempo_change_goes_on_from_the_same_beat(engine: AudioEngine) -> None:
    salsa = build_pattern("salsa")
    engine.play(salsa, TransportSettings())
    wait_for(lambda: engine.state().beat > 2.0)
    engine.update(TransportSettings(bpm=100))
    wait_for(lambda: engine.state().bpm == 100)
    beats = []
    for _ in range(20):
        state = engine.state()
        beats.append(state.loops * 8 + state.beat)
        time.sleep(0.02)
    assert beats[0] >= 2.0 and beats[0] < 8.0 + 4.0  # went on, did not restart at beat 0
    assert all(later >= earlier for earlier, later in itertools.pairwise(beats))
    assert beats[-1] > beats[0]
    engine.stop()
    assert engine.wait(5) and not engine.state().playing


def test_an_edited_pattern_goes_on_from_the_same_beat_in_the_audio_process(
    jack_server: JackServer,
) -> None:
    salsa = build_pattern("salsa")  # 8 beats a loop
    parts = list(salsa.parts)
    parts[0] = replace(parts[0], enabled=False)
    with IsolatedAudioEngine("system", buffer_size=PERIOD) as engine:
        engine.play(salsa, TransportSettings())
        wait_for(lambda: engine.state().beat > 3.0, timeout=30)
        before = engine.state()

        engine.change_pattern(replace(salsa, parts=tuple(parts)))
        time.sleep(0.1)  # taken over at the next block; then 0.3 beats on at 180 BPM

        after = engine.state()
        assert after.playing and after.error is None
        played = after.loops * 8 + after.beat - (before.loops * 8 + before.beat)
        assert 0 <= played < 1.0  # went on from the beat reached, no jump back to beat 1
        engine.stop()


def test_live_capture_matches_the_offline_render(engine: AudioEngine, client: str) -> None:
    salsa = build_pattern("salsa")
    settings = TransportSettings(bars=2, humanize=0.4, metronome=True)
    with Capture(client, seconds=8) as capture:
        xruns_before = engine.stats().xruns
        engine.play(salsa, settings)
        assert engine.wait(timeout=30)
        time.sleep(0.1)
    xruns = engine.stats().xruns - xruns_before
    assert_same_audio(capture.recorded, render_pattern(salsa, settings), xruns)
    assert float(np.abs(capture.recorded).max()) > 0.05


def test_muting_everything_live_silences_the_output(engine: AudioEngine, client: str) -> None:
    salsa = build_pattern("salsa")
    with Capture(client, seconds=3) as capture:
        engine.play(salsa, TransportSettings())
        wait_for(lambda: capture.frames > RATE)
        muted = MappingProxyType({i: PartMix(mute=True) for i in range(len(salsa.parts))})
        engine.update(TransportSettings(mix=muted))
        wait_for(lambda: engine._renderer.snapshot.settings.mix is muted)  # type: ignore[union-attr]
        at = capture.frames
        wait_for(lambda: capture.frames > at + RATE // 2)
        engine.stop()
    recorded = capture.recorded
    assert np.abs(recorded[: RATE // 2]).max() > 0.05
    assert not recorded[at + 4 * PERIOD : at + RATE // 2].any()


def test_solo_plays_only_the_soloed_part(engine: AudioEngine, client: str) -> None:
    salsa = build_pattern("salsa")
    settings = TransportSettings(bars=2, mix=MappingProxyType({0: PartMix(solo=True)}))
    with Capture(client, seconds=6) as capture:
        xruns_before = engine.stats().xruns
        engine.play(salsa, settings)
        assert engine.wait(timeout=30)
    xruns = engine.stats().xruns - xruns_before
    clave_only = render_pattern(salsa, settings)
    assert_same_audio(capture.recorded, clave_only, xruns)
    everyone = render_pattern(salsa, TransportSettings(bars=2), tail=False)
    assert not np.allclose(clave_only[: len(everyone)], everyone, atol=0.01)


def test_track_preview_plays_the_decoded_frames(engine: AudioEngine, client: str) -> None:
    t = np.arange(RATE // 2) / RATE
    track = np.stack([0.25 * np.sin(2 * np.pi * 330 * t), 0.25 * np.sin(2 * np.pi * 495 * t)], 1)
    with Capture(client, seconds=2) as capture:
        engine.play_audio(track.astype(np.float32))
        assert engine.previewing or capture.frames > 0
        wait_for(lambda: not engine.previewing)
        time.sleep(0.05)
    live = capture.recorded
    start = first_sound(live)
    np.testing.assert_allclose(live[start : start + len(track) - 1], track[1:], atol=1e-6)


RESCAN_SCRIPT = """
import os
os.environ["JACK_DEFAULT_SERVER"] = "museaud_no_such_server"  # PortAudio starts, JACK unseen
import sounddevice
print("seen at start:", any(d["name"] == "system" for d in sounddevice.query_devices()))
os.environ["JACK_DEFAULT_SERVER"] = "default"  # now the server is there
from museaud.audio.engine import AudioEngine
engine = AudioEngine("system", buffer_size=128)
engine.start()
print("opened:", engine.output)
engine.close()
"""


def test_a_jack_server_started_after_portaudio_is_found_when_opening(
    jack_server: JackServer,
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RESCAN_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, JACK_NO_START_SERVER="1"),
        check=False,
    )
    assert "seen at start: False" in result.stdout, result.stderr
    assert "opened: audio: system" in result.stdout, result.stderr


def test_unknown_device_is_unavailable_with_the_outputs_there_are(client: str) -> None:
    with pytest.raises(PlaybackUnavailableError, match=r"no such output.*Outputs here: system"):
        AudioEngine("no such output").start()
    with pytest.raises(PlaybackUnavailableError, match="22050 Hz"):
        AudioEngine("system", sample_rate=22050).start()  # JACK runs at 48 kHz only


def test_playback_metrics_go_to_the_analytics_store(engine: AudioEngine, app: App) -> None:
    engine.play(build_pattern("house"), TransportSettings(bars=1))
    assert engine.wait(timeout=30)
    stats = engine.stats()
    metric = record_playback(app.events, stats, context={"pattern": "house", "device": "system"})
    assert metric is not None
    summary = app.events.performance_summary(ENGINE_NAME)
    assert summary.count == 1
    assert summary.worst_callback_p99_ms == pytest.approx(stats.p99_ms)
    assert summary.total_xruns == stats.xruns
    assert record_playback(app.events, AudioEngine().stats()) is None  # never started


NO_DEVICE_SCRIPT = """
from museaud.audio.engine import AudioEngine, IsolatedAudioEngine
from museaud.audio.preview import load_preview
from museaud.audio.render import render_pattern
from museaud.audio.transport import PlaybackUnavailableError
from museaud.patterns.flavors import build_pattern
try:
    AudioEngine().play(build_pattern("salsa"))
except PlaybackUnavailableError as error:
    print("unavailable:", error)
print("rendered", render_pattern(build_pattern("salsa"), bars=1).shape[0] > 0)
"""


def test_with_no_audio_device_at_all_playback_says_so_and_render_still_works() -> None:
    # No sound card here, and a JACK server name that does not exist: PortAudio finds nothing.
    env = dict(os.environ, JACK_DEFAULT_SERVER=f"museaud-none-{os.getpid()}")
    env["JACK_NO_START_SERVER"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", NO_DEVICE_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "unavailable: audio output cannot be opened" in result.stdout
    assert "No audio output device found. Offline render still works." in result.stdout
    assert "rendered True" in result.stdout


def test_isolated_engine_plays_in_its_own_process(jack_server: JackServer) -> None:
    salsa = build_pattern("salsa")
    with IsolatedAudioEngine("system", buffer_size=PERIOD) as engine:
        engine.play(salsa, TransportSettings(bars=2, metronome=True))
        wait_for(lambda: engine.state().beat > 1.0, timeout=30)
        engine.update(TransportSettings(bars=2, bpm=200))
        assert engine.wait(timeout=30)
        state, stats = engine.state(), engine.stats()
        assert state.output == "audio: system" and not state.playing and state.loops == 1
        assert state.bpm == 200 and state.error is None
        assert stats.callbacks * PERIOD >= 8 * RATE * 60 / 200 and stats.p99_ms > 0
        process = engine._process
        assert process is not None and process.pid != os.getpid() and process.is_alive()
    assert not process.is_alive()  # closing ends the audio process


def test_isolated_engine_reports_errors_and_recovers_from_a_lost_process(
    jack_server: JackServer,
) -> None:
    with pytest.raises(PlaybackUnavailableError, match="no such output"):
        IsolatedAudioEngine("no such output").start()
    engine = IsolatedAudioEngine("system", buffer_size=PERIOD)
    engine.start()
    with pytest.raises(TransportError, match="tempo 900"):
        engine.update(TransportSettings(bpm=900))
    lost = engine._process
    lost.kill()
    lost.join()
    state = engine.state()
    assert not state.playing and state.error is not None
    assert "audio process stopped" in state.error
    assert not engine.started
    with pytest.raises(PlaybackUnavailableError, match="audio process stopped"):
        engine.play(build_pattern("salsa"))  # never a silent restart in the caller's thread
    # starting again starts a new audio process: the app goes on
    engine.start()
    engine.play(build_pattern("salsa"), TransportSettings(bars=1))
    assert engine._process is not lost and engine.wait(timeout=30)
    assert engine.state().error is None and engine.state().beat == pytest.approx(4.0)
    engine.close()


def test_a_stopped_audio_process_is_reported_and_commands_never_wait_for_it(
    jack_server: JackServer,
) -> None:
    engine = IsolatedAudioEngine("system", buffer_size=PERIOD)
    engine.start()
    hung = engine._process
    try:
        engine.play(build_pattern("salsa"), TransportSettings())
        wait_for(lambda: engine.state().beat > 0.5, timeout=30)
        os.kill(hung.pid, signal.SIGSTOP)
        hung_at = time.monotonic()
        track = np.zeros((48000 * 30, 2), np.float32)  # 11 MB: far more than a pipe holds

        engine.play_audio(track)  # queued: returns while the process cannot read
        engine.update(TransportSettings(bpm=100))

        wait_for(lambda: engine.state().error is not None, timeout=5)
        assert time.monotonic() - hung_at < 2.0  # within a second, with room for a loaded machine
        assert "stopped answering" in (engine.state().error or "")
        assert not engine.started and not engine.previewing
        with pytest.raises(PlaybackUnavailableError, match="stopped answering"):
            engine.stats()
        engine.close()  # kills what does not answer
        assert not hung.is_alive()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(hung.pid, signal.SIGKILL)
        engine.close()


def test_state_shows_the_commands_sent_before_the_process_takes_them_up(
    jack_server: JackServer,
) -> None:
    with IsolatedAudioEngine("system", buffer_size=PERIOD) as engine:
        engine.play(build_pattern("salsa"), TransportSettings())
        assert engine.state().playing  # as asked, before the process answered
        wait_for(lambda: engine.state().beat > 0.5, timeout=30)
        engine.stop()
        assert not engine.state().playing
        assert engine.wait(timeout=10)
        assert not engine.state().playing and engine.state().error is None


def test_a_library_track_plays_from_an_offset_and_the_next_follows_at_once(
    engine: AudioEngine, client: str, tmp_path: Path
) -> None:
    first = write_sine(tmp_path / "a.wav", level_dbfs=-12, frequency_hz=330, duration_s=1.0)
    second = write_sine(tmp_path / "b.wav", level_dbfs=-12, frequency_hz=495, duration_s=0.5)
    with Capture(client, seconds=3) as capture:
        engine.play_file(1, str(first), start_s=0.5)  # its second half
        engine.queue_file(2, str(second))  # decoded ahead
        state = engine.state()
        assert (state.track, state.track_length_s) == (1, pytest.approx(1.0))
        assert state.track_s >= 0.5
        wait_for(lambda: engine.state().track_ended == 1)
        assert engine.state().track == 2  # started by the callback, the block after
        wait_for(lambda: engine.state().track_ended == 2)
        assert engine.state().track == 0
    live = capture.recorded
    heard = np.flatnonzero(np.abs(live).max(axis=1) > 1e-3)
    assert heard[-1] - heard[0] == pytest.approx(RATE, abs=2 * PERIOD)  # 0.5 s + 0.5 s
    assert np.diff(heard).max() <= PERIOD + 8  # at most one block between the tracks
    from_half = load_preview(first, RATE)[RATE // 2 + 1 :]  # its first frame is a zero crossing
    np.testing.assert_allclose(live[heard[0] : heard[0] + 1000], from_half[:1000], atol=1e-6)


def test_the_audio_process_decodes_seeks_pauses_and_reports_the_track(
    jack_server: JackServer, tmp_path: Path
) -> None:
    song = write_sine(tmp_path / "song.wav", level_dbfs=-12, duration_s=4.0, sample_rate=44100)
    with IsolatedAudioEngine("system", buffer_size=PERIOD) as engine:
        engine.play_file(7, str(song))
        wait_for(lambda: engine.state().track == 7 and engine.state().track_s > 0.1, 30)
        assert engine.state().track_length_s == pytest.approx(4.0, abs=1e-3)  # resampled

        engine.seek_track(7, 3.0)
        wait_for(lambda: engine.state().track_s >= 3.0)
        engine.pause_track()
        wait_for(lambda: engine.state().track_paused)
        held = engine.state().track_s
        engine.seek_track(7, 1.0)  # paused, it moves and stays held
        wait_for(lambda: engine.state().track_s == pytest.approx(1.0, abs=1e-3))
        assert engine.state().track_paused and held >= 3.0
        engine.resume_track()
        wait_for(lambda: engine.state().track_s > 1.05)
        engine.play_file(8, str(tmp_path / "gone.wav"))
        wait_for(lambda: engine.state().track_failed is not None)
        number, why = engine.state().track_failed or (0, "")
        assert number == 8 and "gone.wav" in why
        engine.stop_track()
        wait_for(lambda: engine.state().track == 0)
        assert engine.state().track_ended == 0  # stopped, not played to its end
