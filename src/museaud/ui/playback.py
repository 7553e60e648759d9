"""The GUI's player: one controller that owns the audio engine or the MIDI device player for the
output the producer chose, plays the beat machine's pattern, applies live changes and previews
library tracks.

The built-in engine runs in a process of its own (`IsolatedAudioEngine`): Qt holds the
interpreter while it paints, which would make an in-process audio callback miss its deadlines.
That process takes a second or two to start, so it is started, fed with long previews and closed
by one background thread, in order, while the bar says "Starting audio…"; a Play pressed
meanwhile starts as soon as the engine is up. Once running, the players only take immutable
settings (a pipe message of a fraction of a millisecond) and are polled about 30 times a second.
A failing output (no device, a synth unplugged, the audio process killed) is reported through
`problem_changed` for the transport bar to show; no dialog blocks, and the next Play starts the
engine afresh.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QObject, QTimer, Signal

from museaud.app import App
from museaud.audio.transport import (
    PartMix,
    Playback,
    PlaybackUnavailableError,
    TransportError,
    TransportSettings,
    TransportState,
)
from museaud.patterns.model import BeatPattern

if TYPE_CHECKING:
    from museaud.audio.engine import IsolatedAudioEngine
    from museaud.audio.midi_out import MidiPlayer

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 33
"""How often the position is read from the player: about 30 times a second."""
DEFAULT_BUFFER_SIZE = 256
CLOSE_TIMEOUT_S = 10.0
"""How long closing the window waits for the audio process to start or stop before leaving it."""
STARTING_TEXT = "Starting audio…"
OutputKind = Literal["audio", "midi"]


@dataclass(frozen=True)
class OutputChoice:
    """Where sound goes: the built-in engine on an audio device, or a MIDI port."""

    kind: OutputKind = "audio"
    name: str | None = None  # audio: the device (None: the system default); midi: the port
    buffer_size: int = DEFAULT_BUFFER_SIZE
    sample_rate: int = 48000
    clock: bool = False  # MIDI only: send MIDI clock (24 ppqn) with start/stop

    @property
    def latency_ms(self) -> float:
        """How long one audio buffer lasts."""
        return self.buffer_size / self.sample_rate * 1000.0

    def label(self) -> str:
        """The output in a few words, for the bar and messages."""
        if self.kind == "midi":
            return f"MIDI port {self.name}"
        return f"audio device {self.name}" if self.name else "the default audio device"


class _AudioJobs:
    """One background thread that starts, feeds and closes audio engines in the order asked, so
    the GUI thread never waits on the audio process (and a new engine never opens a device the
    old one still holds)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        """Run job after the jobs already asked for."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._run, name="museaud-audio-jobs", daemon=True
            )
            self._thread.start()
        self._queue.put(job)

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                job()
            except Exception:  # a job reports its own failures; this keeps the thread alive
                log.exception("an audio engine job failed")

    def finish(self, timeout: float) -> None:
        """Run what is asked for, then end the thread (waiting at most timeout seconds)."""
        thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout)
            if thread.is_alive():
                log.warning("the audio engine did not finish within %.0f s", timeout)


class PlaybackController(QObject):
    """Plays patterns and previews on the chosen output and reports where playback is."""

    state_changed = Signal(object)
    """A TransportState, polled while playing and once when playback stops."""
    playing_changed = Signal(bool)
    problem_changed = Signal(str)
    """A message for the transport bar ("" when the last problem is gone)."""
    settings_changed = Signal(object)
    """The TransportSettings now in force (tempo shown, loop, click, feel, mix)."""
    preview_changed = Signal(str)
    """What the library preview plays ("" when none)."""
    starting_changed = Signal(bool)
    """True while the audio engine's process starts (a second or two), False once it is up."""
    _preview_decoded = Signal(int, object, str)
    _preview_refused = Signal(int, str)
    _engine_started = Signal(int, str)  # (engine generation, problem or "")
    _preview_sent = Signal(int, str, str)  # (preview ticket, track name, problem or "")

    def __init__(self, app: App, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self._output = OutputChoice()
        self._settings = TransportSettings()
        self._pattern: BeatPattern | None = None
        self._engine: IsolatedAudioEngine | None = None
        self._engine_ready = False  # its process is up and its device open
        self._engine_generation = 0  # bumped when the engine is let go: late news is ignored
        self._starting = False
        self._play_when_ready = False
        self._preview_when_ready: tuple[int, npt.NDArray[np.float32], str] | None = None
        self._jobs = _AudioJobs()
        self._midi: MidiPlayer | None = None
        self._playing = False
        self._previewing = False
        self._problem = ""
        self._preview_ticket = 0
        self._last_state: TransportState | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_INTERVAL_MS)
        self._poll.timeout.connect(self.poll)
        self._preview_decoded.connect(self._play_preview)
        self._preview_refused.connect(self._preview_failed)
        self._engine_started.connect(self._engine_start_done)
        self._preview_sent.connect(self._preview_send_done)

    # what is chosen -----------------------------------------------------------------------------

    @property
    def output(self) -> OutputChoice:
        """The output sound goes to."""
        return self._output

    @property
    def settings(self) -> TransportSettings:
        """The transport settings in force."""
        return self._settings

    @property
    def pattern(self) -> BeatPattern | None:
        """The pattern playing (or last played)."""
        return self._pattern

    @property
    def problem(self) -> str:
        """The last problem with the output, or ""."""
        return self._problem

    def is_playing(self) -> bool:
        """True while a pattern plays."""
        return self._playing

    def player(self) -> Playback | None:
        """The player of the chosen output, when it is open (the engine once it has started)."""
        if self._output.kind == "midi":
            return self._midi
        return self._engine if self._engine_ready else None

    def is_starting(self) -> bool:
        """True while the audio engine's process starts."""
        return self._starting

    def set_output(self, choice: OutputChoice) -> None:
        """Send sound to another output; what plays stops, and the old device is released."""
        if choice == self._output:
            return
        was_playing = self._playing
        self.stop()
        if choice.kind != "midi" or choice.name != self._output.name:
            self._close_midi()
        audio_changed = (choice.name, choice.buffer_size, choice.sample_rate) != (
            self._output.name,
            self._output.buffer_size,
            self._output.sample_rate,
        )
        if choice.kind == "audio" and audio_changed:
            self._close_engine()
        self._output = choice
        self.show_problem("")
        if was_playing and self._pattern is not None:
            self.play(self._pattern)

    # transport ----------------------------------------------------------------------------------

    def play(self, pattern: BeatPattern) -> bool:
        """Play pattern from its first beat on the chosen output; False (and a problem shown)
        when the output cannot play."""
        if self._pattern is None or pattern.bpm != self._pattern.bpm:
            self._settings = replace(self._settings, bpm=None)
        self._pattern = pattern
        self._stop_preview()
        if self._output.kind == "audio" and not self._engine_running():
            return self._play_once_started()
        try:
            player = self._open_player()
            if self._engine is not None and player is self._engine:
                self._engine.reset_stats()  # the figures recorded at stop are this play's
            player.play(pattern, self._for_player(self._settings))
        except (PlaybackUnavailableError, TransportError, ValueError) as error:
            if self._output.kind == "audio" and not self._engine_running():
                self._close_engine()  # its process has gone: start a new one
                return self._play_once_started()
            self._set_playing(False)
            self.show_problem(str(error))
            return False
        self._last_state = None
        self.show_problem("")
        self._set_playing(True)
        self.settings_changed.emit(self._settings)
        self._poll.start()
        return True

    def _play_once_started(self) -> bool:
        """Start the audio engine in the background; the pattern plays as soon as it is up."""
        if not self._start_engine():
            self._set_playing(False)
            return False
        self._play_when_ready = True
        self._last_state = None
        self._set_playing(True)
        self.settings_changed.emit(self._settings)
        return True

    def toggle(self, pattern: BeatPattern | None) -> bool:
        """Stop when a pattern or a track preview plays, else play pattern; True when it
        plays afterwards."""
        if self._playing or self._previewing:
            self.stop()
            return False
        if pattern is None:
            self.show_problem("Nothing to play here: open the Beat Machine to play a pattern")
            return False
        return self.play(pattern)

    def stop(self) -> None:
        """Stop what plays (every sounding note ends) and record the performance figures."""
        if self._previewing:
            self._stop_preview()
        if not self._playing:
            return
        self._play_when_ready = False
        player = self.player()
        if player is not None:
            try:
                player.stop()
            except PlaybackUnavailableError as error:
                self.show_problem(str(error))
        self._finish()

    def panic(self) -> None:
        """Stop and silence everything the output may still hold (all notes off)."""
        self._stop_preview()
        was_playing = self._playing
        self._play_when_ready = False
        for player in (self._engine if self._engine_ready else None, self._midi):
            if player is None:
                continue
            try:
                player.panic()
            except PlaybackUnavailableError as error:
                self.show_problem(str(error))
        if was_playing:
            self._finish()

    def follow_pattern(self, pattern: BeatPattern) -> None:
        """The pattern on the bench changed: a playing pattern is replaced by it at the beat
        reached, so an edit is heard at its step on this pass (a tempo change alone is a live
        setting); what plays never restarts from the top."""
        if not self._playing or self._pattern is None:
            if self._pattern is not None and pattern.bpm != self._pattern.bpm:
                self._settings = replace(self._settings, bpm=None)  # the bench's tempo wins
            self._pattern = pattern
            return
        if pattern == self._pattern:
            return
        tempo_changed = pattern.bpm != self._pattern.bpm
        tempo_only = replace(self._pattern, bpm=pattern.bpm) == pattern
        self._pattern = pattern
        if tempo_changed:
            self.update(replace(self._settings, bpm=None))
        player = self.player()
        if tempo_only or player is None:  # an engine still starting plays the latest pattern
            return
        try:
            player.change_pattern(pattern)
        except (PlaybackUnavailableError, TransportError, ValueError) as error:
            self.show_problem(str(error))

    # live settings ------------------------------------------------------------------------------

    def tempo(self) -> float | None:
        """The tempo played: the bar's override, else the pattern's own (None: no pattern)."""
        if self._settings.bpm is not None:
            return self._settings.bpm
        return self._pattern.bpm if self._pattern is not None else None

    def _for_player(self, settings: TransportSettings) -> TransportSettings:
        """settings with the tempo spelled out: the player may hold an older pattern's tempo."""
        if settings.bpm is None and self._pattern is not None:
            return replace(settings, bpm=self._pattern.bpm)
        return settings

    def update(self, settings: TransportSettings) -> bool:
        """Take new settings into use, live when playing; False (problem shown) if refused."""
        try:
            settings.validated()
        except TransportError as error:
            self.show_problem(str(error))
            return False
        self._settings = settings
        player = self.player()
        if self._playing and player is not None:
            try:
                player.update(self._for_player(settings))
            except (PlaybackUnavailableError, TransportError) as error:
                self.show_problem(str(error))
                return False
        self.settings_changed.emit(settings)
        return True

    def set_tempo(self, bpm: float | None) -> bool:
        """Play at bpm (None: the pattern's own tempo); a change applies from the current beat."""
        return self.update(replace(self._settings, bpm=bpm))

    def set_loop(self, loop: bool) -> bool:
        """Loop the pattern until stopped (True) or play it once."""
        return self.update(replace(self._settings, loop=loop))

    def set_metronome(self, on: bool) -> bool:
        """Click on every beat, accented on the bar."""
        return self.update(replace(self._settings, metronome=on))

    def set_humanize(self, amount: float) -> bool:
        """Loosen timing and velocity by amount (0-1)."""
        return self.update(replace(self._settings, humanize=amount))

    def set_master_volume(self, volume: float) -> bool:
        """Master gain, 0-2, before the limiter."""
        return self.update(replace(self._settings, master_volume=volume))

    def set_part_mix(
        self, index: int, *, mute: bool | None = None, solo: bool | None = None
    ) -> bool:
        """Mute or solo part index live (None leaves that switch as it is)."""
        mix = dict(self._settings.mix)
        current = mix.get(index, PartMix())
        changed = replace(
            current,
            mute=current.mute if mute is None else mute,
            solo=current.solo if solo is None else solo,
        )
        if changed == PartMix():
            mix.pop(index, None)
        else:
            mix[index] = changed
        return self.update(replace(self._settings, mix=MappingProxyType(mix)))

    def clear_mix(self) -> None:
        """Every part back to unmuted and unsoloed (a new pattern came on the bench)."""
        if self._settings.mix:
            self.update(replace(self._settings, mix=MappingProxyType({})))

    # state --------------------------------------------------------------------------------------

    def poll(self) -> TransportState | None:
        """Read the player's state; playback that ended or failed is finished here."""
        player: Playback | None = self.player() if self._playing else None
        if player is None and self._previewing and self._engine_ready:
            player = self._engine
        if player is None:
            self._poll.stop()
            return None
        state = player.state()
        self._last_state = state
        self.state_changed.emit(state)
        if state.error:
            engine_gone = player is self._engine and not self._engine.started
            self.show_problem(
                f"{state.error} — Play starts it again" if engine_gone else state.error
            )
            if self._previewing and not self._playing:
                self._previewing = False
                self.preview_changed.emit("")
            self._finish(failed=True)
        elif not state.playing and self._playing:
            self._finish()
        elif self._previewing and self._engine is not None and not self._engine.previewing:
            self._previewing = False
            self.preview_changed.emit("")
            self._poll.stop()
        return state

    def last_state(self) -> TransportState | None:
        """The state read at the last poll."""
        return self._last_state

    def _finish(self, *, failed: bool = False) -> None:
        self._poll.stop()
        self._set_playing(False)
        self._play_when_ready = False
        self._record_metrics()
        if failed:
            # the device (or the audio process) went away: let the next play open it afresh
            if self._output.kind == "midi":
                self._close_midi()
            else:
                self._close_engine()
        player = self.player()
        if player is not None and not failed:
            state = player.state()
            self._last_state = state
            self.state_changed.emit(state)

    def _record_metrics(self) -> None:
        engine = self._engine
        if engine is None or not self._engine_ready or self._output.kind != "audio":
            return
        from museaud.audio.metrics import record_playback  # noqa: PLC0415 - loads the engine

        try:
            record_playback(
                self.app.events,
                engine.stats(),
                context=self._metrics_context(),
                user_id=self.app.local_user_id,
            )
        except Exception:  # analytics must never stop the music; the log keeps the reason
            log.exception("could not record the playback's performance figures")

    def _metrics_context(self) -> dict[str, object]:
        pattern = self._pattern
        return {
            "source": "gui",
            "pattern": pattern.title if pattern is not None else None,
            "flavor": pattern.flavor if pattern is not None else None,
            "device": self._output.name,
            "buffer_size": self._output.buffer_size,
        }

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)

    def show_problem(self, text: str) -> None:
        """Report a problem to the bar ("" clears it)."""
        if text != self._problem:
            self._problem = text
            self.problem_changed.emit(text)

    # players ------------------------------------------------------------------------------------

    def _open_player(self) -> Playback:
        if self._output.kind == "midi":
            return self._open_midi()
        if self._engine is None or not self._engine_ready:
            raise PlaybackUnavailableError("the audio engine has not started yet")
        return self._engine

    def _engine_running(self) -> bool:
        """True when the engine's process is up and answering (as far as is known)."""
        return self._engine is not None and self._engine_ready and self._engine.started

    def warm_up(self) -> None:
        """Start the audio engine now, in the background, so the next Play sounds at once."""
        if self._output.kind == "audio" and not self._engine_running():
            self._start_engine()

    def _start_engine(self) -> bool:
        """Start the engine's process in the background (once); False with the problem shown
        when the output's settings are refused outright."""
        if self._starting:
            return True
        if self._engine is not None and not self._engine.started:
            self._close_engine()  # a process that went away: start a new one
        if self._engine is None:
            from museaud.audio.engine import IsolatedAudioEngine  # noqa: PLC0415 - numpy-heavy

            output = self._output if self._output.kind == "audio" else OutputChoice()
            try:
                self._engine = IsolatedAudioEngine(
                    output.name, sample_rate=output.sample_rate, buffer_size=output.buffer_size
                )
            except TransportError as error:
                self.show_problem(str(error))
                return False
            self._engine_ready = False
        engine, generation = self._engine, self._engine_generation
        self._starting = True
        self.starting_changed.emit(True)
        self._jobs.submit(lambda: self._run_start(engine, generation))
        return True

    def _run_start(self, engine: IsolatedAudioEngine, generation: int) -> None:
        """In the jobs thread: start the audio process and open its device."""
        try:
            engine.start()
        except PlaybackUnavailableError as error:
            self._engine_started.emit(generation, str(error))
        except Exception as error:  # a broken install must not leave the bar "Starting…"
            log.exception("the audio engine could not start")
            self._engine_started.emit(generation, f"The audio engine could not start: {error}")
        else:
            self._engine_started.emit(generation, "")

    def _engine_start_done(self, generation: int, problem: str) -> None:
        if generation != self._engine_generation:
            return  # that engine was let go while it started
        self._starting = False
        self.starting_changed.emit(False)
        if problem:
            self._close_engine()
            if self._output.kind == "audio" or self._play_when_ready or self._previewing:
                self.show_problem(problem)  # (a warm-up for an output left since is no news)
            if self._play_when_ready:
                self._play_when_ready = False
                self._set_playing(False)
            if self._previewing:
                self._previewing = False
                self._preview_ticket += 1  # the track still decoding is not wanted any more
                self.preview_changed.emit("")
            return
        self._engine_ready = True
        if self._play_when_ready and self._playing and self._pattern is not None:
            self._play_when_ready = False
            self.play(self._pattern)
        elif self._preview_when_ready is not None:
            ticket, frames, name = self._preview_when_ready
            self._preview_when_ready = None
            self._send_preview(ticket, frames, name)

    def _open_midi(self) -> MidiPlayer:
        if self._midi is None:
            name = self._output.name
            if not name:
                raise PlaybackUnavailableError(
                    "No MIDI port chosen: pick one in the transport bar, or play on the audio "
                    "device"
                )
            from museaud.audio.midi_out import MidiPlayer  # noqa: PLC0415 - loads rtmidi

            self._midi = MidiPlayer(name, clock=self._output.clock)
        return self._midi

    def audio_engine(self) -> IsolatedAudioEngine | None:
        """The audio engine once it has started (for its statistics)."""
        return self._engine if self._engine_ready else None

    def _close_engine(self) -> None:
        """Let the engine go: its process ends in the background (after any job in hand)."""
        engine, self._engine = self._engine, None
        self._engine_ready = False
        self._engine_generation += 1
        self._preview_when_ready = None
        if self._starting:
            self._starting = False
            self.starting_changed.emit(False)
        if engine is not None:
            self._jobs.submit(lambda: _close_quietly(engine))

    def _close_midi(self) -> None:
        midi, self._midi = self._midi, None
        if midi is not None:
            _close_quietly(midi)

    def close(self) -> None:
        """Stop and release every device and end the audio process (the window is closing);
        waits for an engine still starting, at most CLOSE_TIMEOUT_S seconds."""
        self._preview_ticket += 1
        self._play_when_ready = False
        self.stop()
        self._close_midi()
        self._close_engine()
        self._jobs.finish(CLOSE_TIMEOUT_S)

    # library previews ---------------------------------------------------------------------------

    def preview_track(self, track_id: uuid.UUID, path: str | Path) -> None:
        """Play a library track on the audio device: decoded in a worker thread, then played
        (a pattern playing stops). Problems come back through problem_changed."""
        del track_id  # the path is what is played; the id names the track in future history
        if self._playing:
            self.stop()
        self._stop_preview()
        self._preview_ticket += 1
        ticket = self._preview_ticket
        sample_rate = (
            self._output.sample_rate if self._output.kind == "audio" else OutputChoice().sample_rate
        )
        file = Path(path)
        self._previewing = True
        self.preview_changed.emit(f"Loading {file.name}…")
        if not self._engine_running():
            self._start_engine()  # while the track decodes
        worker = threading.Thread(
            target=self._decode_preview,
            args=(ticket, file, sample_rate),
            name="museaud-preview-decode",
            daemon=True,
        )
        worker.start()

    def _decode_preview(self, ticket: int, path: Path, sample_rate: int) -> None:
        from museaud.audio.preview import PreviewError, load_preview  # noqa: PLC0415

        try:
            frames = load_preview(path, sample_rate)
        except PreviewError as error:
            self._preview_refused.emit(ticket, str(error))
        except Exception as error:  # a decoder bug must not kill the worker silently
            log.exception("preview of %s failed", path)
            self._preview_refused.emit(ticket, f"{path}: could not be decoded ({error})")
        else:
            self._preview_decoded.emit(ticket, frames, path.name)

    def _play_preview(self, ticket: int, frames: npt.NDArray[np.float32], name: str) -> None:
        if ticket != self._preview_ticket or not self._previewing:
            return  # another track (or stop) was asked for since
        if self._engine_running():
            self._send_preview(ticket, frames, name)
            return
        self._preview_when_ready = (ticket, frames, name)
        if not self._start_engine():
            self._preview_when_ready = None
            self._previewing = False
            self.preview_changed.emit("")

    def _send_preview(self, ticket: int, frames: npt.NDArray[np.float32], name: str) -> None:
        """Hand the decoded track to the engine from the jobs thread (a long track is many
        megabytes on the pipe)."""
        engine = self._engine
        if engine is None:
            return

        def send() -> None:
            if ticket != self._preview_ticket:
                return
            try:
                engine.play_audio(frames)
            except (PlaybackUnavailableError, TransportError) as error:
                self._preview_sent.emit(ticket, name, str(error))
            else:
                self._preview_sent.emit(ticket, name, "")

        self._jobs.submit(send)

    def _preview_send_done(self, ticket: int, name: str, problem: str) -> None:
        if ticket != self._preview_ticket:
            if not self._previewing and self._engine_running():
                self._stop_engine_preview()  # a track asked for and then stopped
            return
        if problem:
            self._previewing = False
            self.preview_changed.emit("")
            self.show_problem(problem)
            if not self._engine_running():
                self._close_engine()
            return
        self.show_problem("")
        self.preview_changed.emit(name)
        self._poll.start()

    def _preview_failed(self, ticket: int, message: str) -> None:
        if ticket == self._preview_ticket:
            self._previewing = False
            self._preview_when_ready = None
            self.preview_changed.emit("")
            self.show_problem(message)

    def _stop_preview(self) -> None:
        if not self._previewing:
            return
        self._previewing = False
        self._preview_ticket += 1
        self._preview_when_ready = None
        self._stop_engine_preview()
        self.preview_changed.emit("")

    def _stop_engine_preview(self) -> None:
        if self._engine is not None and self._engine_ready:
            try:
                self._engine.stop_audio()
            except PlaybackUnavailableError as error:
                self.show_problem(str(error))

    def is_previewing(self) -> bool:
        """True while a library track loads or plays."""
        return self._previewing


def _close_quietly(player: Playback) -> None:
    try:
        player.close()
    except Exception:  # a device that is gone may refuse even to close
        log.exception("closing %s failed", type(player).__name__)
