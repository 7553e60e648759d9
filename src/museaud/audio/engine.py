"""The built-in audio engine: one sounddevice output stream whose callback runs the Renderer.

The callback only renders the snapshot it was handed and writes a few numbers (callbacks, xruns,
how long each callback took into a preallocated ring); it allocates no buffers, takes no lock and
never touches the database. Everything else (timelines, sounds, snapshots, statistics) happens in
the calling thread. The engine implements `transport.Playback`, so the transport bar and the CLI
drive it like the MIDI player, and it plays library tracks: numbered by the caller, from any
position, paused and resumed, with the next one decoded ahead and started by the callback the
block after the current one ends (gapless but for one block); the state says where it is.

Python runs one thread at a time: a busy GUI thread holds the interpreter for up to its switch
interval (5 ms by default) before the audio thread gets a turn, longer than a 128-frame period.
While a stream is open the engine shortens the interval to an eighth of the period (restored on
close), which costs the GUI nothing measurable and keeps the callback on time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import multiprocessing
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from museaud.audio.renderer import (
    LIVE_CHUNK,
    MAX_VOICES,
    Renderer,
    Score,
    Session,
    SoundSource,
    build_score,
    build_snapshot,
)
from museaud.audio.schedule import timeline
from museaud.audio.transport import (
    PlaybackUnavailableError,
    TransportError,
    TransportSettings,
    TransportState,
)
from museaud.audio.voices import SoundBank
from museaud.patterns.model import BeatPattern

BUFFER_SIZES = range(16, 8193)
"""Buffer sizes (frames) the engine accepts; the transport bar offers 64-2048."""
TIMING_RING = 1 << 17
"""Callback durations kept for the statistics: the last 131,072 (5.8 min at 128 frames)."""
RECENT_CALLBACKS = 64
"""How many of the latest callbacks `state().load` looks at."""
PUSH_INTERVAL_S = 0.025
"""How often the audio process pushes its state to the app (40 times a second)."""
SILENCE_LIMIT_S = 0.75
"""An audio process silent this long is taken as hung (stopped, deadlocked, starved)."""
START_TIMEOUT_S = 60.0
"""How long starting the audio process may take (importing numpy and opening the device on a
loaded machine)."""
STATS_TIMEOUT_S = 5.0
CLOSE_TIMEOUT_S = 5.0

log = logging.getLogger(__name__)

Frames = npt.NDArray[np.float32]


@dataclass(frozen=True)
class _Track:
    """A library track handed to the renderer: its number, all its frames, and where the
    frames handed over begin (after a seek or a pause)."""

    number: int
    frames: Frames
    offset: int = 0


@dataclass(frozen=True)
class EngineStats:
    """How the audio callback has kept time since the stream opened (or since reset_stats)."""

    callbacks: int
    xruns: int  # blocks the device reported as underrun (sound dropped out)
    late: int  # callbacks that took longer than one period
    p50_ms: float
    p99_ms: float
    max_ms: float
    period_ms: float
    buffer_size: int
    sample_rate: int

    @property
    def load(self) -> float:
        """The 99th-percentile callback time as a share of the period (1.0 = out of time)."""
        return self.p99_ms / self.period_ms if self.period_ms else 0.0


class AudioEngine:
    """Plays patterns and track previews on one audio output device (see the module doc)."""

    def __init__(
        self,
        device: str | int | None = None,
        *,
        sample_rate: int = 48000,
        buffer_size: int = 256,
        bank: SoundSource | None = None,
        max_voices: int = MAX_VOICES,
    ) -> None:
        _check_stream(sample_rate, buffer_size)
        self.device = device
        self.sample_rate = sample_rate
        self.buffer_size = buffer_size
        self._bank = bank
        self._renderer = Renderer(sample_rate, buffer_size, max_voices=max_voices, chunk=LIVE_CHUNK)
        self._stream: Any = None
        self._device_name = str(device) if device is not None else "default"
        self._settings = TransportSettings()
        self._session: Session | None = None
        self._last_score: tuple[BeatPattern, Score] | None = None
        self._error: str | None = None
        self._closing = False
        self._switch_interval: float | None = None
        # the library track player: the current track, where it was paused, the next one
        self._track: _Track | None = None
        self._paused_at: int | None = None
        self._following: _Track | None = None
        self._track_ended = 0  # written by the callback
        self._track_failed: tuple[int, str] | None = None
        # written by the callback only
        self._durations = np.zeros(TIMING_RING, np.int64)
        self._callbacks = 0
        self._xruns = 0
        self._late = 0
        self._period_ns = round(buffer_size / sample_rate * 1e9)

    # ---- the device ------------------------------------------------------------------------

    @property
    def output(self) -> str:
        """The output as the transport bar names it: "audio: <device>"."""
        return f"audio: {self._device_name}"

    @property
    def started(self) -> bool:
        """True while the output stream is open."""
        return self._stream is not None

    def start(self) -> None:
        """Open the device and start the stream (silent until something plays)."""
        if self._stream is not None:
            return
        try:
            import sounddevice  # noqa: PLC0415 - loading PortAudio may fail; say so as playback
        except OSError as error:
            raise PlaybackUnavailableError(
                f"no audio output: the PortAudio library is missing ({error}); "
                "install libportaudio2. Offline render still works."
            ) from error
        try:
            info = _find_output(sounddevice, self.device)
            name = str(info["name"])
            stream = sounddevice.OutputStream(
                device=self.device,
                channels=2,
                samplerate=self.sample_rate,
                blocksize=self.buffer_size,
                dtype="float32",
                latency="low",
                callback=self._callback,
                finished_callback=self._finished,
                prime_output_buffers_using_stream_callback=False,
            )
        except (sounddevice.PortAudioError, ValueError) as error:
            which = f"audio device {self.device!r}" if self.device is not None else "audio output"
            raise PlaybackUnavailableError(
                f"{which} cannot be opened at {self.sample_rate} Hz with {self.buffer_size}-frame "
                f"buffers: {error}. {self._available(sounddevice)} Offline render still works."
            ) from error
        self._device_name = name
        self._error = None
        self._closing = False
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, max(self._period_ns / 8e9, 0.0002)))
        self._stream = stream
        try:
            stream.start()
        except sounddevice.PortAudioError as error:
            self.close()
            raise PlaybackUnavailableError(
                f"audio device {name!r} refused to start: {error}"
            ) from error

    @staticmethod
    def _available(sounddevice: Any) -> str:
        try:
            names = [
                str(device["name"])
                for device in sounddevice.query_devices()
                if int(device["max_output_channels"]) > 0
            ]
        except sounddevice.PortAudioError:
            names = []
        return f"Outputs here: {', '.join(names)}." if names else "No audio output device found."

    def close(self) -> None:
        """Stop and release the device (the engine can be started again)."""
        stream, self._stream = self._stream, None
        if stream is not None:
            self._closing = True
            if self._renderer.sounding:
                self._renderer.stop()
                self._renderer.stop_track()
                time.sleep(2 * self.buffer_size / self.sample_rate + 0.01)  # let notes fade out
            stream.close()
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
        self._session = None

    def __enter__(self) -> AudioEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the audio thread ------------------------------------------------------------------

    def _callback(
        self, outdata: npt.NDArray[np.float32], frames: int, _time: Any, status: Any
    ) -> None:
        began = time.perf_counter_ns()
        if status and (status.output_underflow or status.output_overflow):
            self._xruns += 1
        try:
            self._renderer.render(outdata)
        except Exception as error:  # never let a bad block kill the stream silently
            outdata.fill(0.0)
            self._error = f"audio engine stopped: {error}"
            raise
        self._follow_track()
        took = time.perf_counter_ns() - began
        self._durations[self._callbacks % TIMING_RING] = took
        self._callbacks += 1
        if took > self._period_ns:
            self._late += 1

    def _follow_track(self) -> None:
        """A track that played to its end is noted, and the next one starts (audio thread)."""
        track = self._track
        if track is None or self._paused_at is not None or self._renderer.track_playing:
            return
        following = self._following
        if following is not None:
            self._renderer.play_track(following.frames)
            self._following = None
        self._track = following
        self._track_ended = track.number

    def _finished(self) -> None:
        if not self._closing and self._error is None:
            self._error = f"audio device {self._device_name!r} stopped (unplugged or taken away)"
        self._renderer.playing = False

    # ---- Playback -------------------------------------------------------------------------

    def play(self, pattern: BeatPattern, settings: TransportSettings | None = None) -> None:
        """Start playing pattern from its first beat (replacing what plays)."""
        settings = (settings or self._settings).validated()
        score = self._score(pattern)
        session = Session(score)
        snapshot = build_snapshot(session, settings)
        self.start()
        self._settings = settings
        self._session = session
        self._renderer.play(snapshot)

    def change_pattern(self, pattern: BeatPattern) -> None:
        """Play pattern instead of the one playing, from the beat reached (an edit is heard at
        its step, not from the top); notes sounding ring on. From the first beat if none plays."""
        session = Session(self._score(pattern), carried=True)
        snapshot = build_snapshot(session, self._settings)
        self.start()
        self._session = session
        self._renderer.play(snapshot)

    def _score(self, pattern: BeatPattern) -> Score:
        """The pattern's score, reused when the same pattern plays again."""
        if self._last_score is not None and self._last_score[0] == pattern:
            return self._last_score[1]
        if self._bank is None:
            self._bank = SoundBank(self.sample_rate)
        score = build_score(timeline(pattern), self._bank)
        self._last_score = (pattern, score)
        return score

    def update(self, settings: TransportSettings) -> None:
        """Change tempo, loop, length, click, feel or mix from the next block, at the same beat."""
        settings = settings.validated()
        self._settings = settings
        if self._session is not None and self._renderer.snapshot is not None:
            self._renderer.update(build_snapshot(self._session, settings))

    def stop(self) -> None:
        """Stop the pattern at once; sounding notes fade out over a few milliseconds."""
        self._session = None
        self._renderer.stop()

    def panic(self) -> None:
        """Stop the pattern and the track preview."""
        self.stop()
        self.stop_track()

    def state(self) -> TransportState:
        """Where playback is, with the recent callback load and the xruns so far."""
        renderer = self._renderer
        return TransportState(
            output=self.output,
            playing=renderer.playing,
            beat=renderer.beat,
            bar=renderer.bar,
            loops=renderer.loops,
            bpm=renderer.bpm,
            load=self._recent_load(),
            xruns=self._xruns,
            error=self._error,
            **self._track_state(),
        )

    def _track_state(self) -> dict[str, Any]:
        track, paused_at = self._track, self._paused_at
        if track is None:
            where, length = 0, 0
        else:
            where = paused_at if paused_at is not None else track.offset
            if paused_at is None:
                where += self._renderer.track_position
            length = track.frames.shape[0]
        return {
            "track": track.number if track is not None else 0,
            "track_s": min(where, length) / self.sample_rate,
            "track_length_s": length / self.sample_rate,
            "track_paused": paused_at is not None,
            "track_ended": self._track_ended,
            "track_failed": self._track_failed,
        }

    @property
    def handing_over(self) -> bool:
        """True while what was asked for waits for the audio thread's next block."""
        return self._stream is not None and self._error is None and self._renderer.pending

    @property
    def sounding(self) -> bool:
        """True while a pattern is asked for or plays, or its last notes ring (on an open,
        working stream)."""
        renderer = self._renderer
        return (
            self._stream is not None
            and self._error is None
            and (renderer.pending or renderer.playing or renderer.ringing)
        )

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the pattern has ended (or was stopped) and its last notes have rung out;
        False if timeout seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.sounding:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    # ---- previews and statistics -----------------------------------------------------------

    def play_audio(self, frames: npt.NDArray[np.floating[Any]]) -> None:
        """Play decoded stereo frames (n, 2) at the engine's rate once (library preview)."""
        if frames.ndim != 2 or frames.shape[1] != 2 or frames.shape[0] == 0:
            raise TransportError(
                f"a preview must be stereo frames of shape (n, 2), got {frames.shape}"
            )
        self.start()
        self.stop_track()
        self._renderer.play_track(np.ascontiguousarray(frames, dtype=np.float32))

    def stop_audio(self) -> None:
        """Stop the track preview (and the library track playing)."""
        self.stop_track()

    @property
    def previewing(self) -> bool:
        """True while a track preview plays."""
        return self._renderer.track_playing

    # ---- library tracks ----------------------------------------------------------------------

    def load_track(self, path: str) -> Frames:
        """The track at path decoded at the engine's rate (PreviewError if it cannot be)."""
        from museaud.audio.preview import load_preview  # noqa: PLC0415 - loads the decoders

        return load_preview(path, self.sample_rate)

    def play_file(self, number: int, path: str, start_s: float = 0.0) -> None:
        """Decode the track at path and play it from start_s as track `number`; one that cannot
        be decoded is reported in `state().track_failed`."""
        try:
            frames = self.load_track(path)
        except Exception as error:
            log.warning("cannot play %s: %s", path, error)
            self._track_failed = (number, _why(error))
            return
        self.play_track(number, frames, start_s)

    def queue_file(self, number: int, path: str) -> None:
        """Decode the track at path now and play it as `number` when the current one ends."""
        try:
            frames = self.load_track(path)
        except Exception as error:
            log.warning("cannot queue %s: %s", path, error)
            self._track_failed = (number, _why(error))
            return
        self._following = _Track(number, frames)

    def forget_next(self) -> None:
        """Play nothing after the current track (what was decoded ahead is dropped)."""
        self._following = None

    def play_track(self, number: int, frames: Frames, start_s: float = 0.0) -> None:
        """Play decoded frames (n, 2) as track `number` from start_s (replacing the track)."""
        if frames.ndim != 2 or frames.shape[1] != 2 or frames.shape[0] == 0:
            raise TransportError(f"a track must be stereo frames (n, 2), got {frames.shape}")
        self.start()
        self._following = None
        self._hand_over(_Track(number, frames, self._frame_at(frames, start_s)))

    def _frame_at(self, frames: Frames, seconds: float) -> int:
        return min(max(round(seconds * self.sample_rate), 0), int(frames.shape[0]) - 1)

    def _hand_over(self, track: _Track) -> None:
        """Start track at its offset (the renderer first: the callback must see it playing)."""
        self._renderer.play_track(track.frames[track.offset :])
        self._track = track
        self._paused_at = None

    def seek_track(self, number: int, seconds: float) -> None:
        """Move track `number` to seconds from its start (paused, it stays paused there)."""
        track = self._track
        if track is None or track.number != number:
            return
        moved = _Track(number, track.frames, self._frame_at(track.frames, seconds))
        if self._paused_at is not None:
            self._track = moved
            self._paused_at = moved.offset
        else:
            self._hand_over(moved)

    def pause_track(self) -> None:
        """Hold the track where it is (silent until resumed)."""
        track = self._track
        if track is None or self._paused_at is not None:
            return
        self._paused_at = track.offset + self._renderer.track_position
        self._renderer.stop_track()

    def resume_track(self) -> None:
        """Play the paused track on from where it was held."""
        track, paused_at = self._track, self._paused_at
        if track is None or paused_at is None:
            return
        self._hand_over(_Track(track.number, track.frames, paused_at))

    def stop_track(self) -> None:
        """Stop the library track and forget the next one."""
        self._track = None
        self._following = None
        self._paused_at = None
        self._renderer.stop_track()

    def stats(self) -> EngineStats:
        """Callback timing and xruns since the stream opened (or reset_stats)."""
        done = self._callbacks
        kept = self._durations[: min(done, TIMING_RING)].astype(np.float64) / 1e6
        p50, p99 = np.percentile(kept, [50, 99]) if kept.size else (0.0, 0.0)
        return EngineStats(
            callbacks=done,
            xruns=self._xruns,
            late=self._late,
            p50_ms=float(p50),
            p99_ms=float(p99),
            max_ms=float(kept.max()) if kept.size else 0.0,
            period_ms=self._period_ns / 1e6,
            buffer_size=self.buffer_size,
            sample_rate=self.sample_rate,
        )

    def reset_stats(self) -> None:
        """Start counting callbacks, xruns and timings afresh."""
        self._callbacks = 0
        self._xruns = 0
        self._late = 0

    def _recent_load(self) -> float:
        done = self._callbacks
        if not done:
            return 0.0
        recent = min(done, RECENT_CALLBACKS)
        ends = done % TIMING_RING
        picks = np.take(self._durations, np.arange(ends - recent, ends), mode="wrap")
        return float(picks.max()) / self._period_ns


class IsolatedAudioEngine:
    """The AudioEngine in a process of its own, for the GUI: same API, same sound.

    Python runs one thread of a process at a time, and Qt holds the interpreter while it paints;
    a busy GUI thread then delays the audio callback past its period (measured: with a heavy
    widget repainting, even a callback that only writes zeros loses a tenth of its periods).
    In a child process the callback competes with nothing of the GUI's.

    No call made while the process runs waits for it, but wait, and start, stats and close, which
    wait with a timeout (the GUI makes them from a background thread): commands are queued for a
    writer thread, and the process pushes its TransportState PUSH_INTERVAL_S apart, which a
    reader thread keeps. A process that died, or sent nothing for SILENCE_LIMIT_S (stopped,
    hung), is reported in `state().error`, and the next start replaces it.
    """

    def __init__(
        self,
        device: str | int | None = None,
        *,
        sample_rate: int = 48000,
        buffer_size: int = 256,
        max_voices: int = MAX_VOICES,
    ) -> None:
        _check_stream(sample_rate, buffer_size)
        self.device = device
        self.sample_rate = sample_rate
        self.buffer_size = buffer_size
        self._max_voices = max_voices
        self._output = f"audio: {device}" if device is not None else "audio: default"
        self._link: _Link | None = None

    @property
    def output(self) -> str:
        """The output as the transport bar names it: "audio: <device>"."""
        return self._output

    @property
    def started(self) -> bool:
        """True while the audio process runs with its stream open and answers."""
        return self._link is not None and self._link.problem() is None

    @property
    def _process(self) -> Any:
        """The audio process (None before start and after close)."""
        return self._link.process if self._link is not None else None

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        """Start the audio process and open the device in it, waiting at most timeout seconds
        (PlaybackUnavailableError if it cannot); a process that went away is replaced."""
        if self.started:
            return
        self.close()
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(theirs, self.device, self.sample_rate, self.buffer_size, self._max_voices),
            name="museaud-audio",
            daemon=True,
        )
        process.start()
        theirs.close()
        link = _Link(process, ours)
        try:
            self._output = link.request("start", timeout=timeout)
        except PlaybackUnavailableError:
            link.shut(grace=0.0)
            raise
        self._link = link

    def close(self) -> None:
        """Stop, release the device and end the audio process (killed if it does not answer)."""
        link, self._link = self._link, None
        if link is not None:
            link.close()

    def __enter__(self) -> IsolatedAudioEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _running(self) -> _Link:
        """The link to the process, or PlaybackUnavailableError saying why there is none."""
        link = self._link
        if link is None:
            raise PlaybackUnavailableError("the audio engine is not started")
        problem = link.problem()
        if problem is not None:
            raise PlaybackUnavailableError(problem)
        return link

    def _opened(self) -> _Link:
        """The link to the process, started first (waiting) if it never was or was closed; a
        process that went away is not replaced here (PlaybackUnavailableError): start does."""
        if self._link is None:
            self.start()
        return self._running()

    def play(self, pattern: BeatPattern, settings: TransportSettings | None = None) -> None:
        """Start playing pattern from its first beat (replacing what plays)."""
        if settings is not None:
            settings = _portable(settings.validated())
        self._opened().post("play", pattern, settings, playing=True)

    def change_pattern(self, pattern: BeatPattern) -> None:
        """Play pattern instead of the one playing, from the beat reached."""
        self._opened().post("change_pattern", pattern, playing=True)

    def update(self, settings: TransportSettings) -> None:
        """Change tempo, loop, length, click, feel or mix from the next block, at the same beat."""
        settings = _portable(settings.validated())
        if self._link is not None:
            self._running().post("update", settings)

    def stop(self) -> None:
        """Stop the pattern at once; sounding notes fade out over a few milliseconds."""
        if self._link is not None:
            self._running().post("stop", playing=False)

    def panic(self) -> None:
        """Stop the pattern and the track preview."""
        if self._link is not None:
            self._running().post("panic", playing=False, previewing=False)

    def state(self) -> TransportState:
        """The latest state the process pushed, as it will be once the commands sent are taken
        up (a message in `error` when the process has gone or stopped answering)."""
        link = self._link
        if link is None:
            return TransportState(output=self._output)
        problem = link.problem()
        if problem is not None:
            return TransportState(output=self._output, error=problem)
        return link.state(self._output)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the pattern has ended (or was stopped) and its notes have rung out;
        False if timeout seconds passed first."""
        return self._link is None or self._link.wait_quiet(timeout)

    def play_audio(self, frames: npt.NDArray[np.floating[Any]]) -> None:
        """Play decoded stereo frames (n, 2) at the engine's rate once (library preview)."""
        if frames.ndim != 2 or frames.shape[1] != 2 or frames.shape[0] == 0:
            raise TransportError(
                f"a preview must be stereo frames of shape (n, 2), got {frames.shape}"
            )
        track = np.ascontiguousarray(frames, dtype=np.float32)
        self._opened().post("play_audio", track, previewing=True)

    def stop_audio(self) -> None:
        """Stop the track preview."""
        if self._link is not None:
            self._running().post("stop_audio", previewing=False)

    def play_file(self, number: int, path: str, start_s: float = 0.0) -> None:
        """Play the library track at path from start_s as track `number`: the audio process
        decodes it (off its command loop) and plays it; see `state().track`."""
        self._opened().post("play_file", number, str(path), start_s)

    def queue_file(self, number: int, path: str) -> None:
        """Decode the track at path ahead, to play as `number` when the current one ends."""
        self._running().post("queue_file", number, str(path))

    def forget_next(self) -> None:
        """Play nothing after the current track."""
        self._running().post("forget_next")

    def seek_track(self, number: int, seconds: float) -> None:
        """Move track `number` to seconds from its start."""
        self._running().post("seek_track", number, seconds)

    def pause_track(self) -> None:
        """Hold the library track where it is."""
        self._running().post("pause_track")

    def resume_track(self) -> None:
        """Play the paused library track on."""
        self._running().post("resume_track")

    def stop_track(self) -> None:
        """Stop the library track (and forget the next one)."""
        if self._link is not None:
            self._running().post("stop_track")

    @property
    def previewing(self) -> bool:
        """True while a track preview plays (or is sent to play)."""
        link = self._link
        return link is not None and link.problem() is None and link.previewing()

    def stats(self) -> EngineStats:
        """Callback timing and xruns since the stream opened (or reset_stats); waits for the
        process at most STATS_TIMEOUT_S."""
        if self._link is None:
            return AudioEngine(
                self.device, sample_rate=self.sample_rate, buffer_size=self.buffer_size
            ).stats()
        return self.ask_stats()()

    def ask_stats(self) -> Callable[[], EngineStats]:
        """Ask for the statistics now, in order with the commands sent (the figures of what was
        just stopped), without waiting: the function returned waits for them (at most
        STATS_TIMEOUT_S), for a thread that may wait."""
        link = self._running()
        reply = link.ask("stats")

        def receive() -> EngineStats:
            stats: EngineStats = link.receive(reply, STATS_TIMEOUT_S)
            return stats

        return receive

    def reset_stats(self) -> None:
        """Start counting callbacks, xruns and timings afresh."""
        if self._link is not None:
            self._running().post("reset_stats")


@dataclass(frozen=True)
class _Report:
    """What the audio process pushes: its state once the audio thread has taken up the command
    numbered `handled`."""

    handled: int
    state: TransportState
    previewing: bool
    sounding: bool  # a pattern asked for, playing, or its last notes ringing


class _Reply:
    """The answer to one request, filled in by the reader thread."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.arrived = threading.Event()
        self.succeeded = False
        self.value: Any = None

    def give(self, succeeded: bool, value: Any) -> None:
        self.succeeded, self.value = succeeded, value
        self.arrived.set()


class _Link:
    """One audio process and the two threads that talk to it: a writer that sends the queued
    commands (blocking there, never in the caller, when the process does not read) and a reader
    that keeps the latest pushed report and hands replies to whoever waits for them."""

    def __init__(self, process: Any, connection: Any) -> None:
        self.process = process
        self._connection = connection
        self._outbox: queue.SimpleQueue[tuple[int, str, tuple[Any, ...], bool] | None] = (
            queue.SimpleQueue()
        )
        self._news = threading.Condition()  # guards everything below
        self._sent = 0
        self._waiting: dict[int, _Reply] = {}
        self._report: _Report | None = None
        self._asked_playing: tuple[int, bool] | None = None  # (command, playing once taken up)
        self._asked_previewing: tuple[int, bool] | None = None
        self._heard: float | None = None  # when the last message came (None: not started yet)
        self._lost: str | None = None
        self._closing = False  # its end is asked for: no news
        self._writer = threading.Thread(target=self._write, name="museaud-audio-out", daemon=True)
        self._reader = threading.Thread(target=self._read, name="museaud-audio-in", daemon=True)
        self._writer.start()
        self._reader.start()

    def post(
        self,
        method: str,
        *args: Any,
        playing: bool | None = None,
        previewing: bool | None = None,
    ) -> None:
        """Queue a command without waiting; playing/previewing: what it makes of the state."""
        with self._news:
            number = self._queue(method, args, reply=False)
            if playing is not None:
                self._asked_playing = (number, playing)
            if previewing is not None:
                self._asked_previewing = (number, previewing)

    def ask(self, method: str, *args: Any) -> _Reply:
        """Send a command whose result is wanted, without waiting for it (see `receive`)."""
        reply = _Reply(method)
        with self._news:
            if self._lost is not None:
                raise PlaybackUnavailableError(self._lost)
            self._waiting[self._queue(method, args, reply=True)] = reply
        return reply

    def receive(self, reply: _Reply, timeout: float) -> Any:
        """The result asked for, waiting at most timeout seconds (raised if it failed); no
        answer in time counts as a hung process."""
        if not reply.arrived.wait(timeout):
            why = f"the audio process stopped answering ({reply.method} took over {timeout:g} s)"
            self._lose(why)
            raise PlaybackUnavailableError(self._lost or why)
        if not reply.succeeded:
            raise reply.value
        return reply.value

    def request(self, method: str, *args: Any, timeout: float) -> Any:
        """Send a command and wait at most timeout seconds for its result."""
        return self.receive(self.ask(method, *args), timeout)

    def _queue(self, method: str, args: tuple[Any, ...], *, reply: bool) -> int:
        """Number the command and queue it for the writer (in number order: called locked)."""
        self._sent += 1
        self._outbox.put((self._sent, method, args, reply))
        return self._sent

    def problem(self) -> str | None:
        """Why the process cannot play any more: it died or stopped answering (None: it runs)."""
        if self._lost is None:
            if not self.process.is_alive():
                self._lose(
                    f"the audio process stopped unexpectedly (exit code {self.process.exitcode})"
                )
            elif self._heard is not None and time.monotonic() - self._heard > SILENCE_LIMIT_S:
                self._lose(f"the audio process stopped answering (silent for {SILENCE_LIMIT_S} s)")
        return self._lost

    def _lose(self, why: str) -> None:
        with self._news:
            if self._lost is None:
                self._lost = why
                if not self._closing:
                    log.warning("%s", why)
            waiting, self._waiting = self._waiting, {}
            self._news.notify_all()
        for reply in waiting.values():
            reply.give(False, PlaybackUnavailableError(self._lost))

    def state(self, output: str) -> TransportState:
        """The latest state pushed, with `playing` as the commands not yet taken up make it."""
        with self._news:
            report, asked = self._report, self._asked_playing
        state = report.state if report is not None else TransportState(output=output)
        if asked is not None and (report is None or report.handled < asked[0]):
            state = dataclasses.replace(state, playing=asked[1])
        return state

    def previewing(self) -> bool:
        """Whether a preview plays, as the commands not yet taken up make it."""
        with self._news:
            report, asked = self._report, self._asked_previewing
        if asked is not None and (report is None or report.handled < asked[0]):
            return asked[1]
        return report is not None and report.previewing

    def wait_quiet(self, timeout: float | None) -> bool:
        """Wait until every command sent is taken up and nothing sounds (or the process is
        gone); False if timeout seconds passed first."""

        def quiet() -> bool:
            report = self._report
            done = report is not None and report.handled >= self._sent and not report.sounding
            return done or self._lost is not None

        deadline = None if timeout is None else time.monotonic() + timeout
        with self._news:
            while not quiet():
                left = SILENCE_LIMIT_S if deadline is None else deadline - time.monotonic()
                if left <= 0:
                    return False
                if not self._news.wait(min(left, SILENCE_LIMIT_S)):
                    self.problem()  # the condition's lock is reentrant
        return True

    def _write(self) -> None:
        while (command := self._outbox.get()) is not None:
            try:
                self._connection.send(command)
            except (OSError, ValueError) as error:  # the process went, or the pipe was closed
                self._lose(f"the audio process stopped unexpectedly ({error})")
                return
            except Exception as error:  # a command that cannot be pickled: a bug, not a loss
                log.exception("could not send %r to the audio process", command[1])
                self._answer(command[0], False, error)

    def _read(self) -> None:
        while True:
            try:
                message = self._connection.recv()
            except (EOFError, OSError) as error:
                self._lose(f"the audio process stopped unexpectedly ({error or 'it closed'})")
                return
            with self._news:
                self._heard = time.monotonic()
                if message[0] == "state":
                    self._report = message[1]
                    self._news.notify_all()
                    continue
            _, number, succeeded, value = message
            self._answer(number, succeeded, value)

    def _answer(self, number: int, succeeded: bool, value: Any) -> None:
        with self._news:
            reply = self._waiting.pop(number, None)
        if reply is not None:
            reply.give(succeeded, value)
        elif not succeeded:
            log.warning("the audio process refused a command: %s", value)

    def close(self) -> None:
        """Ask the process to close its device and end; end it anyway if it does not answer."""
        answering = self.problem() is None
        self._closing = True
        if answering:
            with contextlib.suppress(PlaybackUnavailableError):
                self.request("close", timeout=CLOSE_TIMEOUT_S)
        self.shut(grace=CLOSE_TIMEOUT_S if answering else 0.0)

    def shut(self, *, grace: float) -> None:
        """End the process: it has grace seconds to finish, then it is terminated, then killed."""
        self._closing = True
        self._outbox.put(None)
        process = self.process
        process.join(grace)
        if process.is_alive():
            process.terminate()
            process.join(1.0)
        if process.is_alive():
            process.kill()  # also ends a stopped (SIGSTOP) process, which ignores SIGTERM
            process.join(5.0)
        self._lose("the audio engine is closed")
        self._reader.join(1.0)
        self._writer.join(1.0)
        self._connection.close()


def _why(error: Exception) -> str:
    """A decoding failure in words (a PreviewError names the file and the reason)."""
    return str(error) or type(error).__name__


def _check_stream(sample_rate: int, buffer_size: int) -> None:
    """TransportError unless a stream can run at this rate with buffers of this size."""
    if buffer_size not in BUFFER_SIZES:
        raise TransportError(
            f"buffer size {buffer_size} is outside {BUFFER_SIZES.start}-{BUFFER_SIZES.stop - 1}"
        )
    if not 8000 <= sample_rate <= 384000:
        raise TransportError(f"sample rate {sample_rate} Hz is outside 8000-384000")


def _find_output(sounddevice: Any, device: str | int | None) -> Any:
    """The device's PortAudio entry. PortAudio lists devices once, when it starts: a device
    not found is looked for again after a rescan (a JACK server or interface that came later).
    The engine is the only PortAudio user in its process, so no other stream is cut."""
    if sounddevice._initialized == 0:  # let go by devices.release_portaudio
        sounddevice._initialize()
    try:
        return sounddevice.query_devices(device, kind="output")
    except ValueError:
        sounddevice._terminate()
        sounddevice._initialize()
        return sounddevice.query_devices(device, kind="output")


def _portable(settings: TransportSettings) -> TransportSettings:
    """settings with its mix as a plain dict, which a pipe can carry."""
    return dataclasses.replace(settings, mix=dict(settings.mix))


class _Server:
    """The audio process's side: one AudioEngine driven by the commands from the pipe, and a
    thread that pushes its state PUSH_INTERVAL_S apart (also the sign that the process lives)."""

    def __init__(self, engine: AudioEngine, connection: Any) -> None:
        self.engine = engine
        self._connection = connection
        self._sending = threading.Lock()  # the pusher and the command loop share the pipe
        self._handled = 0  # the last command run
        self._taken = 0  # the last command whose effect the audio thread has taken up
        self._refused: str | None = None  # why the last play could not be taken up
        self._done = threading.Event()
        # library track commands run in order on a thread of their own: decoding a track
        # takes a while, and the pattern commands must not wait for it
        self._tracks: queue.SimpleQueue[tuple[str, tuple[Any, ...]] | None] = queue.SimpleQueue()

    def run(self) -> None:
        """Take commands until the app says close or goes away."""
        pusher = threading.Thread(target=self._push_regularly, name="museaud-push", daemon=True)
        pusher.start()
        loader = threading.Thread(target=self._run_tracks, name="museaud-tracks", daemon=True)
        loader.start()
        try:
            while True:
                try:
                    number, method, args, wants_reply = self._connection.recv()
                except (EOFError, OSError):
                    return  # the app went away
                try:
                    result = self._run(method, args)
                except Exception as error:  # every failure goes back to the app
                    if method in _PLAYS:
                        self._refused = f"the audio engine could not {method}: {error}"
                    answer: tuple[Any, ...] = ("reply", number, False, error)
                else:
                    if method in _PLAYS:
                        self._refused = None
                    answer = ("reply", number, True, result)
                self._handled = number
                try:
                    if wants_reply or not answer[2]:
                        self._send(answer)
                    self._push()
                except (OSError, ValueError):
                    return  # the app went away
                if method == "close":
                    return
                if method in ("stop", "panic"):
                    gc.collect()
        finally:
            self._done.set()
            self._tracks.put(None)
            loader.join(CLOSE_TIMEOUT_S)
            self.engine.close()

    def _run(self, method: str, args: tuple[Any, ...]) -> Any:
        engine = self.engine
        if method == "start":
            engine.start()
            return engine.output
        if method in _TRACK_COMMANDS:
            self._tracks.put((method, args))
            return None
        if method not in _SERVED:
            raise TransportError(f"the audio process has no command {method!r}")
        if method in ("panic", "stop_audio"):
            self._tracks.put(("stop_track", ()))  # after any track still being decoded
        return getattr(engine, method)(*args)

    def _run_tracks(self) -> None:
        while (command := self._tracks.get()) is not None:
            method, args = command
            try:
                getattr(self.engine, method)(*args)
            except Exception:  # a bad command is logged; the process plays on
                log.exception("the audio process could not %s", method)

    def _push(self) -> None:
        engine = self.engine
        state = engine.state()
        if state.error is None and self._refused is not None:
            state = dataclasses.replace(state, error=self._refused)
        if not engine.handing_over:
            self._taken = self._handled
        self._send(("state", _Report(self._taken, state, engine.previewing, engine.sounding)))

    def _push_regularly(self) -> None:
        while not self._done.wait(PUSH_INTERVAL_S):
            try:
                self._push()
            except (OSError, ValueError):
                return  # the app went away

    def _send(self, message: tuple[Any, ...]) -> None:
        with self._sending:
            self._connection.send(message)


_PLAYS = frozenset({"play", "change_pattern", "play_audio"})
_SERVED = _PLAYS | {"update", "stop", "panic", "stats", "reset_stats", "stop_audio", "close"}
_TRACK_COMMANDS = frozenset(
    {
        "play_file",
        "queue_file",
        "forget_next",
        "seek_track",
        "pause_track",
        "resume_track",
        "stop_track",
    }
)


def _serve(
    connection: Any, device: str | int | None, sample_rate: int, buffer_size: int, voices: int
) -> None:
    """The audio process: one AudioEngine, driven by commands from the pipe until closed.

    The cycle collector is off here: a collection holds the interpreter for milliseconds, which
    the callback cannot wait, and the commands make no reference cycles; it runs after a stop.
    """
    from museaud.logs import configure_worker  # noqa: PLC0415 - only the audio process needs it

    configure_worker()  # this process's messages go to the app's log file
    engine = AudioEngine(
        device, sample_rate=sample_rate, buffer_size=buffer_size, max_voices=voices
    )
    gc.freeze()
    gc.disable()
    _Server(engine, connection).run()
