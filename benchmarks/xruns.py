"""Benchmark: xruns, measured honestly: museaud against do-nothing JACK clients, side by side.

Goal (issue 10, item 7), on the JACK dummy server at 48 kHz / 128 frames: while museaud plays
the full salsa pattern through the GUI with the GUI thread kept busy, museaud's client loses no
more periods than a client whose callback does nothing, in the same run and the same
conditions, and none of museaud's callbacks overruns its period, over 5 minutes.

On a shared machine even a do-nothing client loses periods, so a bare xrun count says little.
Here museaud and two reference clients run at the same time, each in its own process, over the
same window:
- museaud: the real GUI path. An offscreen QApplication shows the MainWindow; the output is
  chosen in its transport bar ("system", 128 frames) and its PlaybackController plays the salsa
  pattern (all parts on, metronome, humanize 0.3) on the `IsolatedAudioEngine` (the engine in
  its own process), reading its state 30 times a second as the app does, while a timer keeps
  the GUI thread busy: every frame repaints the main window and a heavy 1280x800 widget (3,000
  antialiased lines, 40 labels; audio_engine.py's) and sorts 5,000 numbers in Python.
- "no-op C": `noop_client.c`, compiled with gcc into build/ at run time, linked against libjack:
  a process callback that writes silence and nothing else. The floor: the xruns the server and
  the machine cause with no Python, no PortAudio and no work at all.
- "no-op PortAudio": a Python process with a sounddevice OutputStream (the same PortAudio JACK
  stack, stream settings and timing code as museaud's engine, cycle collector off as in the
  audio process) whose callback only writes zeros. The fair same-stack reference: anything
  museaud loses beyond it is museaud's own work; anything it loses beyond the C client is the
  price of PortAudio and Python. (A JACK-Client (cffi) Python client would be neither the floor
  nor museaud's stack, and a new dependency: not used.)
museaud has a second JACK client: the main window lists audio devices through PortAudio, which
leaves PortAudio's JACK client open (no stream, an idle process callback) in the busy GUI
process. It is named and counted too, and the verdict counts the cycles in which either of
museaud's clients had not finished. museaud's clients are named through PaJack_SetClientName
(in the engine's spawned process, when it imports this script as __mp_main__).

Counting. JACK reports an xrun to every client when any client, or the server itself, misses a
cycle, so the clients' own xrun counts are server-wide and come out alike whoever caused them.
They are shown ("xruns seen": callbacks that followed an xrun notification, which is what
PortAudio's underflow flag and museaud's `EngineStats.xruns` count; the C client counts the same
way), but the figure that tells who lost the period is the server's: jackd logs
"JackEngine::XRun: client = NAME was not finished" for each client still unfinished when a cycle
ends. "not finished" counts those lines per client in the measured window (read from jackd's log,
found through /proc/<jackd>/fd/2 or given with --jackd-log); "driver late" counts cycles where
the dummy driver's own thread woke late (no client to blame). "Overruns" are callbacks whose own
duration exceeded the period (perf_counter_ns / CLOCK_MONOTONIC around the body), the share of
an xrun a callback could have caused itself. Every client is reset and read at the same moments.

    .venv/bin/python benchmarks/xruns.py [--seconds 300] [--buffer 128]

Needs the JACK dummy server (`jackd -R -d dummy -r 48000 -p 128 > /tmp/jackd.log 2>&1`, see
TESTING.md; its log must be readable for "not finished") and gcc for the C reference.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

MUSEAUD_CLIENT_ENV = "MUSEAUD_BENCH_JACK_CLIENT"


def name_portaudio_client(name: str) -> None:
    """Name PortAudio's JACK client in this process (before any stream opens), so jackd's log
    can tell it apart from other programs' PortAudio clients."""
    import ctypes  # noqa: PLC0415

    import sounddevice  # noqa: PLC0415

    library = ctypes.CDLL(sounddevice._libname)
    sounddevice._terminate()
    name_buffer = ctypes.create_string_buffer(name.encode())
    name_portaudio_client.keep = name_buffer  # type: ignore[attr-defined]  # PortAudio keeps it
    library.PaJack_SetClientName(name_buffer)
    sounddevice._initialize()


# IsolatedAudioEngine spawns its process, which imports this script as __mp_main__ before it
# runs the engine: name museaud's JACK client there.
if multiprocessing.current_process().name == "museaud-audio" and os.environ.get(MUSEAUD_CLIENT_ENV):
    name_portaudio_client(os.environ[MUSEAUD_CLIENT_ENV])

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import IO, Any  # noqa: E402

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent / "build"
RATE = 48000
NOT_FINISHED = re.compile(r"JackEngine::XRun: client = (.+) was not finished, state = (\w+)")
DRIVER_LATE = re.compile(r"JackTimedDriver::Process XRun = (\d+) usec")


@dataclasses.dataclass
class Figures:
    """One client's counts over the measured window."""

    name: str
    client: str
    callbacks: int
    xruns: int
    notified: int | None
    overruns: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    period_ms: float


# ---- the PortAudio no-op client (run as a child: xruns.py --noop-portaudio NAME BUFFER) ------


def noop_portaudio(client: str, buffer: int) -> int:
    """A sounddevice stream whose callback writes zeros, timed and counted as AudioEngine's."""
    import gc  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415

    name_portaudio_client(client)
    import sounddevice  # noqa: PLC0415

    ring = 1 << 20
    durations = np.zeros(ring, np.int64)
    period_ns = round(buffer / RATE * 1e9)
    counts = {"callbacks": 0, "xruns": 0, "overruns": 0}

    def callback(outdata: Any, _frames: int, _time: Any, status: Any) -> None:
        began = time.perf_counter_ns()
        flagged = bool(status and (status.output_underflow or status.output_overflow))
        outdata.fill(0.0)
        took = time.perf_counter_ns() - began
        done = counts["callbacks"]
        durations[done % ring] = took
        counts["callbacks"] = done + 1
        if flagged:
            counts["xruns"] += 1
        if took > period_ns:
            counts["overruns"] += 1

    stream = sounddevice.OutputStream(
        device="system",
        channels=2,
        samplerate=RATE,
        blocksize=buffer,
        dtype="float32",
        latency="low",
        callback=callback,
        prime_output_buffers_using_stream_callback=False,
    )
    sys.setswitchinterval(max(buffer / RATE / 8, 0.0002))  # as AudioEngine does
    gc.freeze()
    gc.disable()  # as the audio process does
    stream.start()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.startswith("go"):
            counts.update(callbacks=0, xruns=0, overruns=0)
        elif line.startswith("stop"):
            break
    done = counts["callbacks"]
    kept = durations[: min(done, ring)] / 1e3
    p50, p99 = np.percentile(kept, [50, 99]) if kept.size else (0.0, 0.0)
    print(
        f"callbacks={done} xruns={counts['xruns']} overruns={counts['overruns']} "
        f"p50_us={p50:.3f} p99_us={p99:.3f} max_us={kept.max() if kept.size else 0.0:.3f} "
        f"period_us={period_ns / 1e3:.3f}",
        flush=True,
    )
    stream.close()
    return 0


# ---- the reference processes ---------------------------------------------------------------


class Reference:
    """A reference client in its own process, driven by "go" / "stop" lines on its stdin."""

    def __init__(self, name: str, client: str, command: list[str]) -> None:
        self.name = name
        self.client = client
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        line = self._stdout.readline()
        if line.strip() != "ready":
            self.process.kill()
            raise RuntimeError(f"{name} did not start: {line!r}")

    @property
    def _stdout(self) -> IO[str]:
        assert self.process.stdout is not None
        return self.process.stdout

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def finish(self) -> Figures:
        self.send("stop")
        values = dict(item.split("=") for item in self._stdout.readline().split())
        self.process.wait(timeout=30)
        period = float(values["period_us"]) / 1e3
        return Figures(
            self.name,
            self.client,
            int(values["callbacks"]),
            int(values["xruns"]),
            int(values["notified"]) if "notified" in values else None,
            int(values["overruns"]),
            float(values["p50_us"]) / 1e3,
            float(values["p99_us"]) / 1e3,
            float(values["max_us"]) / 1e3,
            period,
        )


def build_c_client() -> Path | None:
    """Compile noop_client.c into build/ (None, with a note, when gcc or libjack is missing)."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        print("no gcc: the C reference client is left out", file=sys.stderr)
        return None
    BUILD.mkdir(exist_ok=True)
    binary = BUILD / "noop_client"
    result = subprocess.run(
        [gcc, "-O2", "-o", str(binary), str(HERE / "noop_client.c"), "-l:libjack.so.0"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"the C reference client did not build:\n{result.stderr}", file=sys.stderr)
        return None
    return binary


# ---- jackd's log -----------------------------------------------------------------------------


def find_jackd_log() -> Path | None:
    """jackd's stderr when it goes to a file this process may read."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")[0]
            if os.path.basename(command) not in (b"jackd", b"jackdmp"):
                continue
            target = Path(os.readlink(proc / "fd" / "2"))
        except OSError:
            continue
        if target.is_file() and os.access(target, os.R_OK):
            return target
    return None


def log_size(log: Path | None) -> int:
    return log.stat().st_size if log is not None else 0


@dataclasses.dataclass
class JackLog:
    """What jackd logged in the window."""

    unfinished: Counter[str]  # per client: cycles it had not finished
    running: Counter[str]  # of those, cycles its callback was still running at the end
    cycles: list[frozenset[str]]  # the clients not finished, cycle by cycle
    driver_late: int  # cycles the driver's own thread woke late
    worst_ms: float

    def cycles_of(self, clients: set[str]) -> int:
        """Cycles in which any of clients was not finished (one app may have several)."""
        return sum(1 for cycle in self.cycles if cycle & clients)


def read_log(log: Path, start: int) -> JackLog:
    """jackd's log from offset start. The engine writes one "not finished" line per client at
    the end of a cycle, one after the other: a run of such lines is one cycle."""
    with log.open("rb") as file:
        file.seek(start)
        text = file.read().decode(errors="replace")
    found = JackLog(Counter(), Counter(), [], 0, 0.0)
    batch: set[str] = set()
    for line in text.splitlines():
        if hit := NOT_FINISHED.search(line):
            if hit[1] in batch:  # a second line for a client: a new cycle
                found.cycles.append(frozenset(batch))
                batch = set()
            batch.add(hit[1])
            found.unfinished[hit[1]] += 1
            if hit[2] == "Running":
                found.running[hit[1]] += 1
            continue
        if batch:
            found.cycles.append(frozenset(batch))
            batch = set()
        if hit := DRIVER_LATE.search(line):
            found.driver_late += 1
            found.worst_ms = max(found.worst_ms, int(hit[1]) / 1e3)
    if batch:
        found.cycles.append(frozenset(batch))
    return found


# ---- museaud through the GUI -----------------------------------------------------------------


class BusyGui:
    """museaud's main window playing the pattern on the audio engine, the GUI thread kept busy."""

    def __init__(self, buffer: int, data: Path, client: str) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # the window lists audio devices through PortAudio, whose JACK client then stays open
        # in the GUI process: part of museaud too, so named and counted
        name_portaudio_client(client)
        from PySide6.QtWidgets import QApplication  # noqa: PLC0415

        from museaud.app import App  # noqa: PLC0415
        from museaud.paths import Paths  # noqa: PLC0415
        from museaud.ui.playback import OutputChoice  # noqa: PLC0415

        sys.path.insert(0, str(HERE))
        from audio_engine import HeavyWidget  # noqa: PLC0415

        self.qt = QApplication.instance() or QApplication(sys.argv[:1])
        paths = Paths(data / "data", data / "config", data / "cache", data / "log")
        self.app = App.open(paths)
        try:
            from museaud.ui.main_window import MainWindow  # noqa: PLC0415

            self.window: Any = MainWindow(self.app)
            self.playback = self.window.playback
            self.shown = "the main window"
        except ImportError as error:  # the tree mid-change: the transport bar still plays
            from PySide6.QtWidgets import QWidget  # noqa: PLC0415

            from museaud.ui.playback import PlaybackController  # noqa: PLC0415
            from museaud.ui.transport_bar import TransportBar  # noqa: PLC0415

            self.window = QWidget()
            self.playback = PlaybackController(self.app, self.window)
            TransportBar(self.playback, self.window)
            self.shown = f"the transport bar only (main window: {error})"
        self.window.resize(1280, 800)
        self.window.show()
        self.heavy = HeavyWidget()
        self.heavy.show()
        choice = OutputChoice(kind="audio", name="system", buffer_size=buffer)
        bar = getattr(self.window, "transport_bar", None)
        if bar is not None:
            bar.choose_output(choice)  # as the producer picks it in the transport bar
        else:
            self.playback.set_output(choice)
        self.frames = 0

    def play(self, pattern: Any, timeout: float = 60.0) -> Any:
        """Play pattern as the transport does; returns the engine once sound is playing."""
        self.playback.set_metronome(True)
        self.playback.set_humanize(0.3)
        if not self.playback.play(pattern):
            raise RuntimeError(f"museaud cannot play: {self.playback.problem}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.qt.processEvents()
            engine = self.playback.audio_engine()
            state = self.playback.last_state()
            if engine is not None and state is not None and state.playing:
                return engine
            if self.playback.problem and not self.playback.is_starting():
                raise RuntimeError(f"museaud cannot play: {self.playback.problem}")
            time.sleep(0.01)
        raise RuntimeError("museaud's audio engine did not start playing in time")

    def keep_busy(self, seconds: float) -> float:
        """Run the event loop for seconds with a frame timer hogging the GUI thread; frames/s."""
        import random  # noqa: PLC0415

        from PySide6.QtCore import QEventLoop, QTimer  # noqa: PLC0415

        rng = random.Random(2)

        def frame() -> None:
            self.window.repaint()
            self.heavy.repaint()
            sorted(rng.random() for _ in range(5000))  # the kind of Python work a view does
            self.frames += 1

        timer = QTimer()
        timer.timeout.connect(frame)
        timer.start(0)
        started = time.monotonic()
        loop = QEventLoop()  # not the application's: quitting that closes the window's engine
        QTimer.singleShot(round(seconds * 1000), loop.quit)
        loop.exec()
        timer.stop()
        return self.frames / (time.monotonic() - started)

    def close(self) -> None:
        self.heavy.close()
        self.window.close()
        self.playback.close()
        self.qt.processEvents()
        self.app.close()


class Warnings(logging.Handler):
    """museaud's warnings during the run (an audio process declared lost, ...), with when."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.started = time.monotonic()
        self.ended = float("inf")
        self.records: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((time.monotonic(), record.getMessage()))

    def note(self, text: str) -> None:
        self.records.append((time.monotonic(), text))

    def lines(self) -> list[str]:
        return [
            f"{at - self.started:+.1f} s: {text}"
            for at, text in self.records
            if at <= self.ended  # closing the window afterwards is not part of the run
        ]


def museaud_figures(stats: Any, client: str) -> Figures:
    if stats is None:
        return Figures("museaud, audio process", client, 0, 0, None, 0, 0.0, 0.0, 0.0, 1.0)
    return Figures(
        "museaud, audio process",
        client,
        stats.callbacks,
        stats.xruns,
        None,
        stats.late,
        stats.p50_ms,
        stats.p99_ms,
        stats.max_ms,
        stats.period_ms,
    )


# ---- the run ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="the measured window")
    parser.add_argument("--buffer", type=int, default=128, help="frames per period")
    parser.add_argument("--jackd-log", type=Path, default=None, help="jackd's stderr file")
    parser.add_argument(
        "--noop-portaudio", nargs=2, metavar=("CLIENT", "BUFFER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.noop_portaudio:
        return noop_portaudio(args.noop_portaudio[0], int(args.noop_portaudio[1]))

    import dataclasses as dc  # noqa: PLC0415

    from machine import describe_machine  # noqa: PLC0415
    from museaud.audio.transport import PlaybackUnavailableError  # noqa: PLC0415
    from museaud.patterns.flavors import build_pattern  # noqa: PLC0415

    tag = os.getpid()
    names = {
        "museaud": f"xruns-museaud-{tag}",
        "c": f"xruns-noop-c-{tag}",
        "portaudio": f"xruns-noop-pa-{tag}",
        "gui": f"xruns-museaud-gui-{tag}",
    }
    os.environ[MUSEAUD_CLIENT_ENV] = names["museaud"]  # read by the engine's spawned process
    log = args.jackd_log or find_jackd_log()
    pattern = build_pattern("salsa")
    pattern = dc.replace(pattern, parts=tuple(dc.replace(p, enabled=True) for p in pattern.parts))

    references: list[Reference] = []
    binary = build_c_client()
    if binary is not None:
        references.append(Reference("no-op C (libjack)", names["c"], [str(binary), names["c"]]))
    references.append(
        Reference(
            "no-op PortAudio (Python)",
            names["portaudio"],
            [sys.executable, __file__, "--noop-portaudio", names["portaudio"], str(args.buffer)],
        )
    )
    warnings = Warnings()
    logging.getLogger("museaud").addHandler(warnings)
    with tempfile.TemporaryDirectory(prefix="museaud-xruns-") as data:
        gui = BusyGui(args.buffer, Path(data), names["gui"])
        try:
            engine = gui.play(pattern)
            time.sleep(1.0)  # past the stream's start
            load_before = os.getloadavg()
            started = log_size(log)
            engine.reset_stats()
            warnings.started = time.monotonic()
            gui.playback.problem_changed.connect(
                lambda text: warnings.note(f"transport bar problem: {text!r}")
            )
            gui.playback.playing_changed.connect(lambda on: warnings.note(f"playing: {on}"))
            engine.stats()  # a round trip: the reset has been done
            for reference in references:
                reference.send("go")
            fps = gui.keep_busy(args.seconds)
            try:
                stats = engine.stats()
            except PlaybackUnavailableError as error:  # the audio process went: say so
                stats = None
                warnings.note(f"stats: {error}")
            rows = [museaud_figures(stats, names["museaud"])]
            rows += [reference.finish() for reference in references]
            load_after = os.getloadavg()
            if gui.playback.audio_engine() is not engine:
                warnings.note("the transport now plays on another engine process")
            still_playing = gui.playback.is_playing()
            warnings.ended = time.monotonic()
            shown = gui.shown
        finally:
            for reference in references:
                if reference.process.poll() is None:
                    reference.process.kill()
            gui.close()
    report(
        args,
        rows,
        log=log,
        started=started,
        fps=fps,
        shown=shown,
        still_playing=still_playing,
        warned=warnings.lines(),
        gui_client=names["gui"],
        load_before=load_before,
        load_after=load_after,
        machine=describe_machine(),
    )
    return 0


def report(
    args: argparse.Namespace,
    rows: list[Figures],
    *,
    gui_client: str,
    log: Path | None,
    started: int,
    fps: float,
    shown: str,
    still_playing: bool,
    warned: list[str],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
    machine: str,
) -> None:
    jack = read_log(log, started) if log is not None else None
    period = rows[0].period_ms
    print(
        f"xruns over {args.seconds:g} s, JACK dummy at {RATE} Hz / {args.buffer} frames "
        f"(period {period:.3f} ms); museaud plays salsa (all parts, metronome, humanize 0.3) "
        "through the main window with a busy GUI; the references run at the same time"
    )
    print(
        f"{date.today()}, {machine}; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after"
    )
    expected = round(args.seconds * RATE / args.buffer)
    print(
        f"periods in the window: {expected}; a client that ran fewer callbacks lost the rest "
        "(the server skips a cycle when its driver wakes late)"
    )
    print()

    def late(client: str) -> str:
        return str(jack.unfinished.get(client, 0)) if jack is not None else "n/a"

    print(
        f"{'client':<36} {'callbacks':>9} {'xruns seen':>10} {'not finished':>12} "
        f"{'overruns':>8} {'p50 %':>6} {'p99 %':>6} {'max ms':>7}"
    )
    for row in rows:
        print(
            f"{row.name:<36} {row.callbacks:>9} {row.xruns:>10} {late(row.client):>12} "
            f"{row.overruns:>8} {row.p50_ms / row.period_ms:>6.1%} "
            f"{row.p99_ms / row.period_ms:>6.1%} {row.max_ms:>7.3f}"
        )
    print(
        f"{'museaud, GUI process (idle PortAudio)':<36} {'-':>9} {'-':>10} "
        f"{late(gui_client):>12} {'-':>8} {'-':>6} {'-':>6} {'-':>7}"
    )
    print()
    notes = [f"{row.name}: {row.notified} xrun notifications" for row in rows if row.notified]
    if notes:
        print("; ".join(notes))
    if jack is None:
        print("jackd's log was not found (give --jackd-log): no per-client 'not finished' counts")
    else:
        ours = {row.client for row in rows} | {gui_client}
        others = [(c, n) for c, n in jack.unfinished.most_common() if c not in ours]
        print(
            f"jackd ({log}): {len(jack.cycles)} cycles with a client not finished; the driver "
            f"woke late in {jack.driver_late} (worst {jack.worst_ms:.2f} ms); other programs' "
            f"clients not finished {sum(n for _, n in others)} times"
            + (f" ({', '.join(f'{c} {n}' for c, n in others[:6])})" if others else "")
        )
        caught = [
            f"{row.name} {jack.running[row.client]}" for row in rows if jack.running[row.client]
        ]
        if caught:
            print(f"of them while the client's callback was running: {', '.join(caught)}")
    print(f"GUI: {shown}, {fps:.1f} frames/s; museaud still playing at the end: {still_playing}")
    for line in warned:
        print(f"museaud warned at {line}")
    if rows[0].callbacks == 0 or not still_playing:
        print("museaud did not play through the whole window: no verdict (see above)")
        return
    if jack is not None:
        museaud = jack.cycles_of({rows[0].client, gui_client})
        verdicts = [
            f"{'<=' if museaud <= jack.unfinished[row.client] else '>'} "
            f"{row.name} {jack.unfinished[row.client]}"
            for row in rows[1:]
        ]
        met = all(museaud <= jack.unfinished[row.client] for row in rows[1:])
        print(
            f"cycles museaud (either process) had not finished: {museaud} "
            f"({', '.join(verdicts)}): goal {'met' if met else 'NOT met'}"
        )
    print(
        f"museaud overruns in {args.seconds:g} s: {rows[0].overruns} (goal 0: "
        f"{'met' if rows[0].overruns == 0 else 'NOT met'})"
    )


if __name__ == "__main__":
    raise SystemExit(main())
