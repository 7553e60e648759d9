"""The built-in audio engine: one sounddevice output stream whose callback runs the Renderer.

The callback only renders the snapshot it was handed and writes a few numbers (callbacks, xruns,
how long each callback took into a preallocated ring); it allocates no buffers, takes no lock and
never touches the database. Everything else (timelines, sounds, snapshots, statistics) happens in
the calling thread. The engine implements `transport.Playback`, so the transport bar and the CLI
drive it like the MIDI player, and it plays decoded library tracks for the preview.

Python runs one thread at a time: a busy GUI thread holds the interpreter for up to its switch
interval (5 ms by default) before the audio thread gets a turn, longer than a 128-frame period.
While a stream is open the engine shortens the interval to an eighth of the period (restored on
close), which costs the GUI nothing measurable and keeps the callback on time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import sys
import threading
import time
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
        took = time.perf_counter_ns() - began
        self._durations[self._callbacks % TIMING_RING] = took
        self._callbacks += 1
        if took > self._period_ns:
            self._late += 1

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
        self._renderer.stop_track()

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
        )

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the pattern has ended (or was stopped) and its last notes have rung out;
        False if timeout seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        renderer = self._renderer
        while (
            self._stream is not None
            and self._error is None
            and (renderer.pending or renderer.playing or renderer.ringing)
        ):
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
        self._renderer.play_track(np.ascontiguousarray(frames, dtype=np.float32))

    def stop_audio(self) -> None:
        """Stop the track preview."""
        self._renderer.stop_track()

    @property
    def previewing(self) -> bool:
        """True while a track preview plays."""
        return self._renderer.track_playing

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
    In a child process the callback competes with nothing of the GUI's. Calls go over a pipe
    (a fraction of a millisecond); patterns and settings are copied, never shared.
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
        self._process: Any = None
        self._connection: Any = None
        self._calls = threading.Lock()  # one request on the pipe at a time (callers' threads)
        self._error: str | None = None

    @property
    def output(self) -> str:
        """The output as the transport bar names it: "audio: <device>"."""
        return self._output

    @property
    def started(self) -> bool:
        """True while the audio process runs with its stream open."""
        return self._connection is not None

    def start(self) -> None:
        """Start the audio process and open the device in it (PlaybackUnavailableError if not)."""
        if self._connection is not None:
            return
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
        self._process, self._connection = process, ours
        self._error = None
        try:
            self._output = self._call("start")
        except PlaybackUnavailableError:
            self._shut()
            raise

    def _call(self, method: str, *args: Any) -> Any:
        with self._calls:
            connection = self._connection
            if connection is None:
                raise PlaybackUnavailableError(self._error or "the audio engine is not started")
            try:
                connection.send((method, args))
                succeeded, value = connection.recv()
            except (EOFError, OSError) as error:
                self._error = f"the audio process stopped unexpectedly ({error or 'no reply'})"
                self._connection = None
                raise PlaybackUnavailableError(self._error) from error
        if not succeeded:
            raise value
        return value

    def _shut(self) -> None:
        connection, self._connection = self._connection, None
        process, self._process = self._process, None
        if connection is not None:
            connection.close()
        if process is not None:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)

    def close(self) -> None:
        """Stop, release the device and end the audio process."""
        if self._connection is not None:
            with contextlib.suppress(PlaybackUnavailableError):
                self._call("close")
        self._shut()

    def __enter__(self) -> IsolatedAudioEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def play(self, pattern: BeatPattern, settings: TransportSettings | None = None) -> None:
        """Start playing pattern from its first beat (replacing what plays)."""
        if settings is not None:
            settings = _portable(settings.validated())
        self.start()
        self._call("play", pattern, settings)

    def change_pattern(self, pattern: BeatPattern) -> None:
        """Play pattern instead of the one playing, from the beat reached."""
        self.start()
        self._call("change_pattern", pattern)

    def update(self, settings: TransportSettings) -> None:
        """Change tempo, loop, length, click, feel or mix from the next block, at the same beat."""
        settings = _portable(settings.validated())
        if self._connection is not None:
            self._call("update", settings)

    def stop(self) -> None:
        """Stop the pattern at once; sounding notes fade out over a few milliseconds."""
        if self._connection is not None:
            self._call("stop")

    def panic(self) -> None:
        """Stop the pattern and the track preview."""
        if self._connection is not None:
            self._call("panic")

    def state(self) -> TransportState:
        """Where playback is (a message in `error` when the audio process has gone)."""
        if self._connection is None:
            return TransportState(output=self._output, error=self._error)
        try:
            state: TransportState = self._call("state")
        except PlaybackUnavailableError as error:
            return TransportState(output=self._output, error=str(error))
        return state

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the pattern has ended (or was stopped) and its notes have rung out;
        False if timeout seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._connection is not None and not self._call("wait", 0.0):
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def play_audio(self, frames: npt.NDArray[np.floating[Any]]) -> None:
        """Play decoded stereo frames (n, 2) at the engine's rate once (library preview)."""
        if frames.ndim != 2 or frames.shape[1] != 2 or frames.shape[0] == 0:
            raise TransportError(
                f"a preview must be stereo frames of shape (n, 2), got {frames.shape}"
            )
        self.start()
        self._call("play_audio", np.ascontiguousarray(frames, dtype=np.float32))

    def stop_audio(self) -> None:
        """Stop the track preview."""
        if self._connection is not None:
            self._call("stop_audio")

    @property
    def previewing(self) -> bool:
        """True while a track preview plays."""
        return self._connection is not None and bool(self._call("previewing"))

    def stats(self) -> EngineStats:
        """Callback timing and xruns since the stream opened (or reset_stats)."""
        if self._connection is None:
            return AudioEngine(
                self.device, sample_rate=self.sample_rate, buffer_size=self.buffer_size
            ).stats()
        stats: EngineStats = self._call("stats")
        return stats

    def reset_stats(self) -> None:
        """Start counting callbacks, xruns and timings afresh."""
        if self._connection is not None:
            self._call("reset_stats")


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
    try:
        return sounddevice.query_devices(device, kind="output")
    except ValueError:
        sounddevice._terminate()
        sounddevice._initialize()
        return sounddevice.query_devices(device, kind="output")


def _portable(settings: TransportSettings) -> TransportSettings:
    """settings with its mix as a plain dict, which a pipe can carry."""
    return dataclasses.replace(settings, mix=dict(settings.mix))


_SERVED = frozenset(
    {
        "play",
        "change_pattern",
        "update",
        "stop",
        "panic",
        "state",
        "stats",
        "reset_stats",
        "play_audio",
        "stop_audio",
    }
)


def _serve(
    connection: Any, device: str | int | None, sample_rate: int, buffer_size: int, voices: int
) -> None:
    """The audio process: one AudioEngine, driven by requests from the pipe until closed.

    The cycle collector is off here: a collection holds the interpreter for milliseconds, which
    the callback cannot wait, and the requests make no reference cycles; it runs after a stop.
    """
    engine = AudioEngine(
        device, sample_rate=sample_rate, buffer_size=buffer_size, max_voices=voices
    )
    gc.freeze()
    gc.disable()
    try:
        while True:
            try:
                method, args = connection.recv()
            except (EOFError, OSError):
                return  # the app went away
            try:
                if method == "close":
                    engine.close()
                    connection.send((True, None))
                    return
                if method == "start":
                    engine.start()
                    result: Any = engine.output
                elif method == "wait":
                    result = engine.wait(*args)
                elif method == "previewing":
                    result = engine.previewing
                elif method in _SERVED:
                    result = getattr(engine, method)(*args)
                else:
                    raise TransportError(f"the audio process has no request {method!r}")
            except Exception as error:  # every failure goes back to the caller to be raised
                connection.send((False, error))
            else:
                connection.send((True, result))
            if method in ("stop", "panic"):
                gc.collect()
    finally:
        engine.close()
