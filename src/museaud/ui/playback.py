"""The GUI's player: one controller that owns the audio engine or the MIDI device player for the
output the producer chose, plays the beat machine's pattern, applies live changes and plays
library tracks for the track player (`ui/player.py`), one or the other.

The built-in engine runs in a process of its own (`IsolatedAudioEngine`): Qt holds the
interpreter while it paints, which would make an in-process audio callback miss its deadlines.
That process takes a second or two to start, so it is started, asked for its statistics and
closed by background tasks, in order, while the bar says "Starting audio…"; a Play pressed
meanwhile starts as soon as the engine is up. Once running, the GUI thread only queues commands
for it and reads the state it pushes, about 30 times a second, so a hung audio process never
freezes the window. Where the engine is and what plays are two state machines
(`museaud.audio.lifecycle`). A failing output (no device, a synth unplugged, the audio process
killed or hung) is reported through `problem_changed` for the transport bar to show; no dialog
blocks, and the next Play starts the engine afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QObject, QTimer, Signal

from museaud.app import App
from museaud.audio.lifecycle import (
    ACTIVITY_TRANSITIONS,
    ENGINE_TRANSITIONS,
    Activity,
    ActivityEvent,
    EngineEvent,
    EngineState,
    StateMachine,
)
from museaud.audio.transport import (
    PartMix,
    Playback,
    PlaybackUnavailableError,
    TransportError,
    TransportSettings,
    TransportState,
)
from museaud.patterns.model import BeatPattern
from museaud.ui.tasks import BackgroundTasks, TaskContext

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
PATTERN_PLAYS = frozenset({Activity.PATTERN_PENDING, Activity.PATTERN})
TRACK_PLAYS = frozenset({Activity.TRACK_LOADING, Activity.TRACK})


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


class PlaybackController(QObject):
    """Plays patterns and library tracks on the chosen output and reports where playback is."""

    state_changed = Signal(object)
    """A TransportState, polled while playing and once when playback stops."""
    playing_changed = Signal(bool)
    problem_changed = Signal(str)
    """A message for the transport bar ("" when the last problem is gone)."""
    settings_changed = Signal(object)
    """The TransportSettings now in force (tempo shown, loop, click, feel, mix)."""
    tracks_stopped = Signal()
    """Library tracks were stopped from outside the track player (Space, a pattern, panic,
    another output, a failure)."""
    starting_changed = Signal(bool)
    """True while the audio engine's process starts (a second or two), False once it is up."""

    def __init__(self, app: App, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self._output = OutputChoice()
        self._settings = TransportSettings()
        self._pattern: BeatPattern | None = None
        self._engine: IsolatedAudioEngine | None = None
        self._engine_state = StateMachine("audio engine", EngineState.OFF, ENGINE_TRANSITIONS)
        self._activity = StateMachine("playback", Activity.IDLE, ACTIVITY_TRANSITIONS)
        # starts, statistics and closes of audio engines, in the order asked (a new engine never
        # opens a device the old one still holds)
        self._engine_tasks = BackgroundTasks("museaud-audio-engine", self)
        self._asked_file: tuple[int, str, float] | None = None  # waits for the engine
        self._asked_next: tuple[int, str] | None = None
        self._midi: MidiPlayer | None = None
        self._problem = ""
        self._last_state: TransportState | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_INTERVAL_MS)
        self._poll.timeout.connect(self.poll)

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

    @property
    def engine_state(self) -> EngineState:
        """Where the audio engine is: off, starting or ready."""
        return self._engine_state.state

    @property
    def activity(self) -> Activity:
        """What the player does."""
        return self._activity.state

    def is_playing(self) -> bool:
        """True while a pattern plays (or waits for the engine to start)."""
        return self._activity.state in PATTERN_PLAYS

    def is_starting(self) -> bool:
        """True while the audio engine's process starts."""
        return self._engine_state.state is EngineState.STARTING

    def player(self) -> Playback | None:
        """The player of the chosen output, when it is open (the engine once it has started)."""
        if self._output.kind == "midi":
            return self._midi
        return self.audio_engine()

    def audio_engine(self) -> IsolatedAudioEngine | None:
        """The audio engine once it has started (for its statistics)."""
        return self._engine if self._engine_state.state is EngineState.READY else None

    def set_output(self, choice: OutputChoice) -> None:
        """Send sound to another output; what plays stops, and the old device is released."""
        if choice == self._output:
            return
        was_playing = self.is_playing()
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

    # the state machines -------------------------------------------------------------------------

    def _engine_moves(self, event: EngineEvent) -> None:
        was_starting = self.is_starting()
        self._engine_state.fire(event)
        if self.is_starting() != was_starting:
            self.starting_changed.emit(not was_starting)

    def _activity_moves(self, event: ActivityEvent) -> None:
        was_playing = self.is_playing()
        self._activity.fire(event)
        if self.is_playing() != was_playing:
            self.playing_changed.emit(not was_playing)

    # transport ----------------------------------------------------------------------------------

    def play(self, pattern: BeatPattern) -> bool:
        """Play pattern from its first beat on the chosen output; False (and a problem shown)
        when the output cannot play."""
        if self._pattern is None or pattern.bpm != self._pattern.bpm:
            self._settings = replace(self._settings, bpm=None)
        self._pattern = pattern
        self._stop_tracks()
        if self._output.kind == "audio" and not self._engine_running():
            return self._play_once_started()
        try:
            player = self._open_player()
            if self._engine is not None and player is self._engine:
                self._engine.reset_stats()  # the figures recorded at stop are this play's
            player.play(pattern, self._for_player(self._settings))
        except (PlaybackUnavailableError, TransportError, ValueError) as error:
            if self._output.kind == "audio" and not self._engine_running():
                self._close_engine(EngineEvent.FAILED)  # its process has gone: start a new one
                return self._play_once_started()
            self._activity_moves(ActivityEvent.STOP)
            self.show_problem(str(error))
            return False
        self._last_state = None
        self.show_problem("")
        self._activity_moves(ActivityEvent.PLAY)
        self.settings_changed.emit(self._settings)
        self._poll.start()
        return True

    def _play_once_started(self) -> bool:
        """Start the audio engine in the background; the pattern plays as soon as it is up."""
        if not self._start_engine():
            self._activity_moves(ActivityEvent.STOP)
            return False
        self._activity_moves(ActivityEvent.WAIT_FOR_ENGINE)
        self._last_state = None
        self.settings_changed.emit(self._settings)
        return True

    def toggle(self, pattern: BeatPattern | None) -> bool:
        """Stop when a pattern or a library track plays, else play pattern; True when it
        plays afterwards."""
        if self._activity.state is not Activity.IDLE:
            self.stop()
            return False
        if pattern is None:
            self.show_problem("Nothing to play here: open the Beat Machine to play a pattern")
            return False
        return self.play(pattern)

    def stop(self) -> None:
        """Stop what plays (every sounding note ends) and record the performance figures."""
        self._stop_tracks()
        if not self.is_playing():
            return
        player = self.player()
        if player is not None:
            try:
                player.stop()
            except PlaybackUnavailableError as error:
                self.show_problem(str(error))
        self._finish()

    def panic(self) -> None:
        """Stop and silence everything the output may still hold (all notes off)."""
        self._stop_tracks()
        was_playing = self.is_playing()
        for player in (self.audio_engine(), self._midi):
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
        if not self.is_playing() or self._pattern is None:
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
        if self.is_playing() and player is not None:
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
        """Read the player's state (never waiting on it); playback that ended or failed is
        finished here."""
        activity = self._activity.state
        engine = self.audio_engine()
        player: Playback | None = None
        if activity is Activity.PATTERN:
            player = self.player()
        elif activity is Activity.TRACK:
            player = engine
        if player is None:
            self._poll.stop()
            return None
        state = player.state()
        self._last_state = state
        self.state_changed.emit(state)
        if state.error:
            engine_gone = engine is not None and player is engine and not engine.started
            self.show_problem(
                f"{state.error} — Play starts it again" if engine_gone else state.error
            )
            self._end_tracks()
            self._finish(failed=player)
        elif activity is Activity.PATTERN and not state.playing:
            self._finish()
        return state

    def last_state(self) -> TransportState | None:
        """The state read at the last poll."""
        return self._last_state

    def _finish(self, *, failed: Playback | None = None) -> None:
        """Playback stopped or ended (or the player `failed`, which is let go)."""
        self._poll.stop()
        self._activity_moves(ActivityEvent.STOP)
        if failed is not None:
            # the device (or the audio process) went away: let the next play open it afresh
            if failed is self._midi:
                self._close_midi()
            else:
                self._close_engine(EngineEvent.FAILED)
            return
        self._record_metrics()
        player = self.player()
        if player is not None:
            state = player.state()
            self._last_state = state
            self.state_changed.emit(state)

    def _record_metrics(self) -> None:
        """Ask the engine for this play's figures and write them, in the background."""
        engine = self.audio_engine()
        if engine is None or self._output.kind != "audio":
            return
        try:
            receive = engine.ask_stats()
        except PlaybackUnavailableError:
            return  # gone: the poll reports it
        events, context, user_id = self.app.events, self._metrics_context(), self.app.local_user_id

        def record(_context: TaskContext) -> None:
            from museaud.audio.metrics import record_playback  # noqa: PLC0415 - loads the engine

            record_playback(events, receive(), context=context, user_id=user_id)

        self._engine_tasks.submit(record, failed=_metrics_failed)

    def _metrics_context(self) -> dict[str, object]:
        pattern = self._pattern
        return {
            "source": "gui",
            "pattern": pattern.title if pattern is not None else None,
            "flavor": pattern.flavor if pattern is not None else None,
            "device": self._output.name,
            "buffer_size": self._output.buffer_size,
        }

    def show_problem(self, text: str) -> None:
        """Report a problem to the bar ("" clears it)."""
        if text != self._problem:
            self._problem = text
            self.problem_changed.emit(text)

    # players ------------------------------------------------------------------------------------

    def _open_player(self) -> Playback:
        if self._output.kind == "midi":
            return self._open_midi()
        engine = self.audio_engine()
        if engine is None:
            raise PlaybackUnavailableError("the audio engine has not started yet")
        return engine

    def _engine_running(self) -> bool:
        """True when the engine's process is up and answering (as far as is known)."""
        engine = self.audio_engine()
        return engine is not None and engine.started

    def warm_up(self) -> None:
        """Start the audio engine now, in the background, so the next Play sounds at once."""
        if self._output.kind == "audio" and not self._engine_running():
            self._start_engine()

    def _start_engine(self) -> bool:
        """Start the engine's process in the background (once); False with the problem shown
        when the output's settings are refused outright."""
        if self.is_starting():
            return True
        if self._engine is not None:
            self._close_engine(EngineEvent.FAILED)  # a process that went away: start a new one
        from museaud.audio.engine import IsolatedAudioEngine  # noqa: PLC0415 - numpy-heavy

        output = self._output if self._output.kind == "audio" else OutputChoice()
        try:
            engine = IsolatedAudioEngine(
                output.name, sample_rate=output.sample_rate, buffer_size=output.buffer_size
            )
        except TransportError as error:
            self.show_problem(str(error))
            return False
        self._engine = engine
        self._engine_moves(EngineEvent.START)
        self._engine_tasks.submit(
            lambda _context: engine.start(),
            done=lambda _nothing: self._engine_started(engine),
            failed=lambda error: self._engine_refused(engine, error),
        )
        return True

    def _engine_started(self, engine: IsolatedAudioEngine) -> None:
        if engine is not self._engine:
            return  # that engine was let go while it started
        self._engine_moves(EngineEvent.STARTED)
        if self._activity.state is Activity.PATTERN_PENDING and self._pattern is not None:
            self.play(self._pattern)
        elif self._activity.state is Activity.TRACK_LOADING:
            self._send_file()

    def _engine_refused(self, engine: IsolatedAudioEngine, error: Exception) -> None:
        if engine is not self._engine:
            return
        if isinstance(error, PlaybackUnavailableError):
            problem = str(error)
        else:  # a broken install must not leave the bar "Starting…"
            log.error("the audio engine could not start", exc_info=error)
            problem = f"The audio engine could not start: {error}"
        self._close_engine(EngineEvent.FAILED)
        if self._output.kind == "audio" or self._activity.state is not Activity.IDLE:
            self.show_problem(problem)  # (a warm-up for an output left since is no news)
        if self.is_playing():
            self._activity_moves(ActivityEvent.STOP)
        self._end_tracks()

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

    def _close_engine(self, event: EngineEvent = EngineEvent.CLOSE) -> None:
        """Let the engine go: its process ends in the background (after any task in hand)."""
        engine, self._engine = self._engine, None
        if self._engine_state.state is not EngineState.OFF:
            self._engine_moves(event)
        if engine is not None:
            self._engine_tasks.submit(lambda _context: engine.close(), failed=_close_failed)

    def _close_midi(self) -> None:
        midi, self._midi = self._midi, None
        if midi is not None:
            _close_quietly(midi)

    def close(self) -> None:
        """Stop and release every device and end the audio process (the window is closing);
        waits for an engine still starting, at most CLOSE_TIMEOUT_S seconds."""
        self.stop()
        self._close_midi()
        self._close_engine()
        self._engine_tasks.close(CLOSE_TIMEOUT_S, drain=True)

    # library tracks -----------------------------------------------------------------------------

    def play_file(self, number: int, path: str | Path, start_s: float = 0.0) -> None:
        """Play the library track at path as track `number` from start_s on the audio device
        (a pattern playing stops); the audio process decodes it. Where it is comes back in
        `state_changed` (TransportState.track...); problems through problem_changed."""
        if self.is_playing():
            self.stop()
        self._activity_moves(ActivityEvent.TRACK)
        self._asked_file = (number, str(path), start_s)
        self._asked_next = None
        if self._engine_running():
            self._send_file()
        elif not self._start_engine():
            self._end_tracks()

    def queue_file(self, number: int, path: str | Path) -> None:
        """Decode the track at path ahead, to play as `number` when the current one ends."""
        self._asked_next = (number, str(path))
        if self._activity.state is Activity.TRACK:
            self._send_next()

    def forget_next(self) -> None:
        """Play nothing after the current track (the queue's end, or an edit changed it)."""
        self._asked_next = None
        engine = self.audio_engine()
        if engine is not None and self._activity.state is Activity.TRACK:
            self._tell(engine.forget_next)

    def _send_file(self) -> None:
        """Hand the track asked for (and the next one) to the running engine."""
        engine, asked = self.audio_engine(), self._asked_file
        if asked is None:
            return
        try:
            if engine is None:
                raise PlaybackUnavailableError("the audio engine has not started")
            engine.play_file(*asked)
        except PlaybackUnavailableError as error:
            self.show_problem(str(error))
            self._end_tracks()
            if not self._engine_running():
                self._close_engine(EngineEvent.FAILED)
            return
        self._asked_file = None
        self._activity_moves(ActivityEvent.TRACK_SENT)
        self.show_problem("")
        self._send_next()
        self._poll.start()

    def _send_next(self) -> None:
        engine, asked = self.audio_engine(), self._asked_next
        if engine is None or asked is None:
            return
        self._asked_next = None
        self._tell(lambda: engine.queue_file(*asked))

    def seek_track(self, number: int, seconds: float) -> None:
        """Move track `number` to seconds from its start."""
        engine = self.audio_engine()
        if engine is not None and self._activity.state is Activity.TRACK:
            self._tell(lambda: engine.seek_track(number, seconds))

    def pause_track(self, paused: bool) -> None:
        """Hold the library track where it is (True) or play it on (False)."""
        engine = self.audio_engine()
        if engine is not None and self._activity.state is Activity.TRACK:
            self._tell(engine.pause_track if paused else engine.resume_track)

    def stop_track(self) -> None:
        """Stop the library track: the track player's own stop (no tracks_stopped)."""
        self._stop_tracks(tell_player=False)

    def _tell(self, command: Callable[[], None]) -> None:
        """Send a command to the engine; a gone engine is shown (the poll ends the play)."""
        try:
            command()
        except PlaybackUnavailableError as error:
            self.show_problem(str(error))

    def is_playing_tracks(self) -> bool:
        """True while library tracks play, are paused or wait for the engine."""
        return self._activity.state in TRACK_PLAYS

    def _stop_tracks(self, *, tell_player: bool = True) -> None:
        """Stop the library track, waiting or playing; with tell_player, tracks_stopped says
        it was stopped from outside (Space, a pattern, panic, another output)."""
        if not self.is_playing_tracks():
            return
        engine = self.audio_engine()
        if engine is not None:
            self._tell(engine.stop_track)
        self._end_tracks(tell_player=tell_player)

    def _end_tracks(self, *, tell_player: bool = True) -> None:
        """Forget the tracks asked for, once stopped or failed."""
        if not self.is_playing_tracks():
            return
        self._asked_file = None
        self._asked_next = None
        self._activity_moves(ActivityEvent.STOP)
        if tell_player:
            self.tracks_stopped.emit()


def _metrics_failed(error: Exception) -> None:
    log.warning("could not record the playback's performance figures: %s", error)


def _close_failed(error: Exception) -> None:
    log.error("closing the audio engine failed", exc_info=error)


def _close_quietly(player: Playback) -> None:
    try:
        player.close()
    except Exception:  # a device that is gone may refuse even to close
        log.exception("closing %s failed", type(player).__name__)
