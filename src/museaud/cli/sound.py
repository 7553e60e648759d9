"""`museaud play` and `museaud render`: hear a stored pattern, or write it to a WAV file.

`play` uses the built-in audio engine, or a MIDI device with --midi-port; without --bars it
loops until Ctrl-C, which stops at once with every note ended. `render` runs the same engine
offline, far faster than real time, and needs no device at all.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from museaud.cli.common import EXIT_USAGE, CommandError, resolve_id, warn

if TYPE_CHECKING:
    from museaud.audio.transport import Playback, TransportSettings, TransportState
    from museaud.patterns.model import BeatPattern

REDRAW_S = 0.1  # a terminal line redraws at most ten times a second
LINE_EVERY_S = 5.0  # without a terminal, a position line this often
RENDER_QUIET_S = 0.5  # renders quicker than this show no progress


class _StopOnCtrlC:
    """The first Ctrl-C asks playback to stop (cleanly, all notes off); a second one interrupts."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.previous: Any = None

    def __enter__(self) -> _StopOnCtrlC:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt
        self.stop.set()

    def __exit__(self, *exc_info: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


class PositionLine:
    """Where playback is, on stderr: a redrawn line on a terminal, occasional lines otherwise."""

    def __init__(
        self, pattern: BeatPattern, bars: int | None, stream: TextIO | None = None
    ) -> None:
        self.pattern = pattern
        self.bars = bars
        self.stream = stream or sys.stderr
        self.is_terminal = self.stream.isatty()
        self.last_draw = 0.0
        self.drawn = False

    def describe(self, state: TransportState) -> str:
        """e.g. 'bar 3/8  beat 2  180 bpm  midi: fsynth:midi_00'."""
        bar = state.loops * self.pattern.bars + state.bar + 1
        of = f"/{self.bars}" if self.bars is not None else f" (loop {state.loops + 1})"
        beat = int(state.beat % self.pattern.beats_per_bar) + 1
        load = f"  load {state.load:4.0%}" if state.output.startswith("audio") else ""
        xruns = f"  {state.xruns} xrun(s)" if state.xruns else ""
        return f"bar {bar}{of}  beat {beat}  {state.bpm:g} bpm  {state.output}{load}{xruns}"

    def __call__(self, state: TransportState) -> None:
        now = time.monotonic()
        if now - self.last_draw < (REDRAW_S if self.is_terminal else LINE_EVERY_S):
            return
        self.last_draw = now
        text = self.describe(state)
        if self.is_terminal:
            width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
            self.stream.write("\r" + text[:width].ljust(width))
            self.drawn = True
        else:
            self.stream.write(f"museaud play: {text}\n")
        self.stream.flush()

    def clear(self) -> None:
        """Remove the line so the closing message starts on a clean line."""
        if self.drawn:
            width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
            self.stream.write("\r" + " " * width + "\r")
            self.stream.flush()
            self.drawn = False


def _load(app: Any, text: str) -> tuple[str, BeatPattern]:
    """(id, pattern) of the stored pattern whose id is `text` or ends with it."""
    from museaud.patterns.service import load_pattern  # noqa: PLC0415
    from museaud.store.models.patterns import Pattern  # noqa: PLC0415

    with app.session() as session:
        pattern_id = resolve_id(session, Pattern.id, text)
        saved = load_pattern(session, pattern_id)
    return str(pattern_id), saved.pattern


def _settings(**values: Any) -> TransportSettings:
    from museaud.audio.transport import TransportError, TransportSettings  # noqa: PLC0415

    try:
        return TransportSettings(**values).validated()
    except TransportError as error:
        raise CommandError(str(error), EXIT_USAGE) from error


def _player(args: argparse.Namespace) -> Playback:
    """The MIDI device of --midi-port, else the audio engine on --device (opened now)."""
    from museaud.audio.transport import PlaybackUnavailableError  # noqa: PLC0415

    try:
        if args.midi_port is not None:
            from museaud.audio.midi_out import MidiPlayer  # noqa: PLC0415

            return MidiPlayer(args.midi_port, clock=args.clock)
        from museaud.audio.engine import AudioEngine  # noqa: PLC0415

        device = int(args.device) if args.device and args.device.isdigit() else args.device
        engine = AudioEngine(device, buffer_size=args.buffer)
        engine.start()
        return engine
    except PlaybackUnavailableError as error:
        raise CommandError(str(error)) from error


def _play(
    player: Playback, pattern: BeatPattern, settings: TransportSettings, bars: int | None
) -> bool:
    """Play until the bars are done or Ctrl-C; True when stopped by Ctrl-C."""
    line = PositionLine(pattern, bars)
    with _StopOnCtrlC() as ctrl_c:
        player.play(pattern, settings)
        try:
            while not player.wait(REDRAW_S / 2):
                if ctrl_c.stop.is_set():
                    break
                line(player.state())
        finally:
            line.clear()
            if ctrl_c.stop.is_set():
                player.panic()  # all notes off on every channel: nothing hangs on the synth
            else:
                player.stop()
    return ctrl_c.stop.is_set()


def cmd_play(args: argparse.Namespace) -> int:
    """Play a stored pattern on the audio device or a MIDI port."""
    from museaud.app import App  # noqa: PLC0415 - keep start-up of other commands light
    from museaud.audio.schedule import ScheduleError  # noqa: PLC0415

    if args.clock and args.midi_port is None:
        raise CommandError("--clock sends MIDI clock: it needs --midi-port", EXIT_USAGE)
    if args.midi_port is not None and (args.device is not None or args.buffer != 256):
        raise CommandError("--device and --buffer are for the audio engine, not --midi-port")
    settings = _settings(
        bpm=args.bpm, loop=True, bars=args.bars, metronome=args.metronome, humanize=args.humanize
    )
    with App.open() as app:
        pattern_id, pattern = _load(app, args.pattern)
        player = _player(args)
        try:
            started = time.monotonic()
            interrupted = _play(player, pattern, settings, args.bars)
            state = player.state()
        except ScheduleError as error:
            raise CommandError(str(error)) from error
        finally:
            player.close()
        if args.midi_port is None:
            _record_metrics(app, player, pattern_id, args)
    if state.error is not None:
        raise CommandError(state.error)
    played = time.monotonic() - started
    how = "stopped" if interrupted else "played"
    warn(f"museaud play: {how} {pattern.title!r} for {played:.1f} s on {state.output}")
    return 0


def _record_metrics(app: Any, player: Playback, pattern_id: str, args: argparse.Namespace) -> None:
    """How the audio engine kept time, into the analytics store (performance metrics)."""
    from museaud.audio.engine import AudioEngine  # noqa: PLC0415
    from museaud.audio.metrics import record_playback  # noqa: PLC0415

    if isinstance(player, AudioEngine):
        record_playback(
            app.events,
            player.stats(),
            context={"pattern_id": pattern_id, "output": player.output, "command": "play"},
            user_id=app.local_user_id,
        )


class RenderProgress:
    """Render progress on stderr, only for renders that take a while."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < RENDER_QUIET_S or now - self.last_draw < REDRAW_S:
            return
        self.last_draw = now
        end = "\r" if self.stream.isatty() else "\n"
        self.stream.write(f"museaud render: {done / max(total, 1):4.0%}{end}")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn and self.stream.isatty():
            self.stream.write(" " * 24 + "\r")
            self.stream.flush()


def cmd_render(args: argparse.Namespace) -> int:
    """Render a stored pattern to a WAV file, offline."""
    from museaud.app import App  # noqa: PLC0415
    from museaud.audio.render import RenderError, render_to_wav  # noqa: PLC0415
    from museaud.audio.schedule import ScheduleError  # noqa: PLC0415
    from museaud.audio.transport import TransportError  # noqa: PLC0415

    if args.bars is not None and args.bars < 1:
        raise CommandError(f"--bars must be at least 1, got {args.bars}", EXIT_USAGE)
    if not 8000 <= args.sample_rate <= 192000:
        raise CommandError(
            f"--sample-rate {args.sample_rate} Hz is outside 8000-192000", EXIT_USAGE
        )
    target = Path(args.file)
    if target.suffix.lower() != ".wav":
        raise CommandError(f"{target}: render writes WAV files; name it .wav", EXIT_USAGE)
    settings = _settings(bpm=args.bpm, humanize=args.humanize, loop=False)
    with App.open() as app:
        _, pattern = _load(app, args.pattern)
    progress = RenderProgress()
    started = time.monotonic()
    try:
        written = render_to_wav(
            pattern,
            target,
            settings,
            bars=args.bars,
            sample_rate=args.sample_rate,
            progress=progress,
        )
    except (RenderError, ScheduleError) as error:
        raise CommandError(str(error)) from error
    except TransportError as error:
        raise CommandError(str(error), EXIT_USAGE) from error
    finally:
        progress.clear()
    took = time.monotonic() - started
    import soundfile  # noqa: PLC0415

    seconds = soundfile.info(str(written)).duration
    speed = f", {seconds / took:.0f}x real time" if took > 0 else ""
    print(f"wrote {written} ({seconds:.1f} s at {args.sample_rate} Hz in {took:.2f} s{speed})")
    return 0


def add_commands(commands: Any) -> None:
    """Register `museaud play` and `museaud render`."""
    play = commands.add_parser(
        "play", help="play a pattern on the audio device or a MIDI port (Ctrl-C stops)"
    )
    play.add_argument("pattern", metavar="PATTERN", help="pattern id (or its last hex digits)")
    play.add_argument(
        "--midi-port", metavar="NAME", help="a MIDI output port (or part of its name)"
    )
    play.add_argument("--bars", type=int, help="stop after N bars (default: loop until Ctrl-C)")
    play.add_argument("--bpm", type=float, help="tempo (default: the pattern's)")
    play.add_argument("--clock", action="store_true", help="send MIDI clock, start and stop")
    play.add_argument("--humanize", type=float, default=0.0, help="0-1: loosen timing and velocity")
    play.add_argument("--metronome", action="store_true", help="click on every beat")
    play.add_argument("--device", metavar="NAME", help="audio output device (name or number)")
    play.add_argument(
        "--buffer", type=int, default=256, metavar="N", help="audio buffer in frames (default 256)"
    )
    play.set_defaults(handler=cmd_play)

    render = commands.add_parser("render", help="render a pattern to a WAV file (no device needed)")
    render.add_argument("pattern", metavar="PATTERN", help="pattern id (or its last hex digits)")
    render.add_argument("file", metavar="OUT.wav")
    render.add_argument("--bars", type=int, help="bars to render (default: the pattern once)")
    render.add_argument("--sample-rate", type=int, default=48000, metavar="N")
    render.add_argument("--bpm", type=float, help="tempo (default: the pattern's)")
    render.add_argument(
        "--humanize", type=float, default=0.0, help="0-1: loosen timing and velocity"
    )
    render.set_defaults(handler=cmd_render)
