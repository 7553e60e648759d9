"""Benchmark: the audio callback's time and xruns at 128-frame buffers, with a busy GUI thread.

Goals (issue 6), on the JACK dummy server at 48 kHz: with every instrument of a salsa pattern
playing (plus metronome and humanize), the callback's 99th percentile stays under 25% of the
2.67 ms period, and a 5-minute run has 0 xruns while the GUI thread is kept busy.

The callbacks run one after the other on the same JACK server, each with the same busy GUI
(an offscreen QApplication repainting a heavy widget as fast as it can, with pure-Python work and
a transport-position poll in every frame), timed the same way (perf_counter_ns from entry to
exit of the callback) and counting the same xruns (PortAudio's underflow flag, which JACK raises
for every xrun of the server, whoever caused it):
- museaud: `IsolatedAudioEngine` (the engine in its own process, as the GUI runs it) and
  `AudioEngine` in the GUI's process, playing the pattern;
- naive: the textbook per-block mixer (scans every hit of the loop each block, allocates a
  buffer per sounding note, sums them, reads its position under a lock the GUI also takes);
- silent: a callback that only writes zeros: the xruns this machine and server produce anyway,
  with the busy GUI in the same process, in another process (the audio process's situation),
  and with the GUI idle.

    .venv/bin/python benchmarks/audio_engine.py [--minutes 5] [--peer-minutes 1] [--buffer 128]

Needs the JACK dummy server (`jackd -r -d dummy -r 48000 -p 128`, see TESTING.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QLineF, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

from machine import describe_machine
from museaud.audio.engine import AudioEngine, EngineStats, IsolatedAudioEngine
from museaud.audio.schedule import timeline
from museaud.audio.transport import TransportSettings
from museaud.audio.voices import SoundBank, velocity_gain
from museaud.patterns.flavors import build_pattern
from museaud.patterns.model import BeatPattern

RATE = 48000
GOAL_LOAD = 0.25
RING = 1 << 18

RenderBlock = Callable[[npt.NDArray[np.float32], int], None]


def every_part_on(pattern: BeatPattern) -> BeatPattern:
    """The pattern with all its instruments playing (the flavour mutes some by default)."""
    parts = tuple(dataclasses.replace(part, enabled=True) for part in pattern.parts)
    return dataclasses.replace(pattern, parts=parts)


class HeavyWidget(QWidget):
    """A widget that is expensive to paint: thousands of antialiased lines and labels."""

    def __init__(self) -> None:
        super().__init__()
        self.resize(1280, 800)
        self.frames = 0
        rng = random.Random(1)
        self.lines = [
            QLineF(rng.random() * 1280, rng.random() * 800, rng.random() * 1280, rng.random() * 800)
            for _ in range(3000)
        ]

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(30, 30, 36))
        painter.setPen(QPen(QColor(200, 120, 60), 1.5))
        for first in range(0, len(self.lines), 100):  # a waveform or grid, drawn in batches
            painter.drawLines(self.lines[first : first + 100])
        for row in range(40):
            painter.drawText(10, 20 * row + 15, f"track {row:03d}  frame {self.frames}")
        painter.end()
        self.frames += 1


def run_busy_gui(seconds: float, poll: Callable[[], object]) -> float:
    """Keep the GUI thread busy for `seconds`: repaint, Python work, poll. Returns frames/s."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    widget = HeavyWidget()
    widget.show()
    rng = random.Random(2)

    def frame() -> None:
        widget.repaint()
        sorted(rng.random() for _ in range(5000))  # the kind of Python work a view does
        poll()

    timer = QTimer()
    timer.timeout.connect(frame)
    timer.start(0)
    started = time.monotonic()
    QTimer.singleShot(round(seconds * 1000), app.quit)
    app.exec()
    timer.stop()
    elapsed = time.monotonic() - started
    widget.close()
    return widget.frames / elapsed


def busy_gui_elsewhere(seconds: float) -> float:
    """The same busy GUI in another process (as the GUI is to the audio process)."""
    here = os.path.dirname(os.path.abspath(__file__))
    code = f"import sys; sys.path.insert(0, {here!r}); import audio_engine as b; "
    code += f"print(b.run_busy_gui({seconds}, lambda: None))"
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    return float(result.stdout.split()[-1])


@dataclasses.dataclass
class Row:
    name: str
    minutes: float
    stats: EngineStats
    gui_fps: float


class TimedStream:
    """A sounddevice stream whose callback is timed and counted exactly as AudioEngine's."""

    def __init__(self, render: RenderBlock, buffer: int) -> None:
        self.render = render
        self.durations = np.zeros(RING, np.int64)
        self.callbacks = 0
        self.xruns = 0
        self.late = 0
        self.period_ns = round(buffer / RATE * 1e9)
        self.buffer = buffer
        import sounddevice  # noqa: PLC0415 - here, so importing HeavyWidget opens no JACK client

        self.stream = sounddevice.OutputStream(
            device="system",
            channels=2,
            samplerate=RATE,
            blocksize=buffer,
            dtype="float32",
            latency="low",
            callback=self._callback,
            prime_output_buffers_using_stream_callback=False,
        )

    def _callback(self, outdata: Any, frames: int, _time: Any, status: Any) -> None:
        began = time.perf_counter_ns()
        if status and (status.output_underflow or status.output_overflow):
            self.xruns += 1
        self.render(outdata, frames)
        took = time.perf_counter_ns() - began
        self.durations[self.callbacks % RING] = took
        self.callbacks += 1
        if took > self.period_ns:
            self.late += 1

    def stats(self) -> EngineStats:
        kept = self.durations[: min(self.callbacks, RING)] / 1e6
        p50, p99 = np.percentile(kept, [50, 99])
        return EngineStats(
            callbacks=self.callbacks,
            xruns=self.xruns,
            late=self.late,
            p50_ms=float(p50),
            p99_ms=float(p99),
            max_ms=float(kept.max()),
            period_ms=self.period_ns / 1e6,
            buffer_size=self.buffer,
            sample_rate=RATE,
        )


class NaiveMixer:
    """The straightforward mixer: per block, scan every hit, allocate a layer per sounding note,
    sum the layers and clip; the position lives behind a lock that the GUI reads."""

    def __init__(self, pattern: BeatPattern) -> None:
        line = timeline(pattern)
        bank = SoundBank(RATE)
        sounds = bank.prepare(line)
        spb = RATE * 60.0 / line.bpm
        self.loop = round(line.beats * spb)
        self.hits = []
        for hit, sound in zip(line.hits, sounds, strict=True):
            part = line.sounds[hit.part]
            angle = (part.pan + 1.0) * math.pi / 4.0
            gain = velocity_gain(hit.velocity) * part.volume
            self.hits.append(
                (round(hit.beat * spb), sound, gain * math.cos(angle), gain * math.sin(angle))
            )
        for beat in range(math.ceil(line.beats)):
            self.hits.append((round(beat * spb), bank.click(beat % 4 == 0), 0.5, 0.5))
        self.position = 0
        self.lock = threading.Lock()

    def render(self, out: npt.NDArray[np.float32], frames: int) -> None:
        with self.lock:
            start = self.position
            self.position += frames
        layers = []
        for loop in (start // self.loop - 1, start // self.loop):
            for onset, sound, left, right in self.hits:
                offset = start - (loop * self.loop + onset)
                if offset + frames <= 0 or offset >= len(sound):
                    continue
                layer = np.zeros((frames, 2), np.float32)
                skip = max(0, -offset)
                piece = sound[max(offset, 0) : offset + frames]
                layer[skip : skip + len(piece)] = np.outer(piece, [left, right])
                layers.append(layer)
        mix = np.sum(layers, axis=0) if layers else np.zeros((frames, 2), np.float32)
        out[:] = np.clip(mix, -1.0, 1.0)

    def where(self) -> int:
        with self.lock:
            return self.position


def measure_museaud(
    name: str, engine: AudioEngine | IsolatedAudioEngine, pattern: BeatPattern, minutes: float
) -> Row:
    settings = TransportSettings(metronome=True, humanize=0.3)
    engine.play(pattern, settings)
    time.sleep(0.5)
    engine.reset_stats()
    fps = run_busy_gui(minutes * 60, engine.state)
    stats = engine.stats()
    engine.close()
    return Row(name, minutes, stats, fps)


def measure_stream(
    name: str,
    render: RenderBlock,
    poll: Callable[[], object],
    minutes: float,
    buffer: int,
    *,
    gui: str = "here",
) -> Row:
    stream = TimedStream(render, buffer)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, max(buffer / RATE / 8, 0.0002)))  # as AudioEngine does
    stream.stream.start()
    time.sleep(0.5)
    stream.callbacks = stream.xruns = stream.late = 0
    if gui == "here":
        fps = run_busy_gui(minutes * 60, poll)
    elif gui == "elsewhere":
        fps = busy_gui_elsewhere(minutes * 60)
    else:
        time.sleep(minutes * 60)
        fps = 0.0
    stats = stream.stats()
    stream.stream.close()
    sys.setswitchinterval(previous)
    return Row(name, minutes, stats, fps)


def silent(out: npt.NDArray[np.float32], frames: int) -> None:
    out.fill(0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="museaud's run")
    parser.add_argument("--peer-minutes", type=float, default=1.0, help="naive and silent runs")
    parser.add_argument("--buffer", type=int, default=128)
    args = parser.parse_args()
    pattern = every_part_on(build_pattern("salsa"))
    naive = NaiveMixer(pattern)
    rows = [
        measure_museaud(
            "museaud, audio process",
            IsolatedAudioEngine("system", buffer_size=args.buffer),
            pattern,
            args.minutes,
        ),
        measure_museaud(
            "museaud, in the GUI process",
            AudioEngine("system", buffer_size=args.buffer),
            pattern,
            args.peer_minutes,
        ),
        measure_stream(
            "naive per-block mixer", naive.render, naive.where, args.peer_minutes, args.buffer
        ),
        measure_stream(
            "silent callback (baseline)", silent, lambda: None, args.peer_minutes, args.buffer
        ),
        measure_stream(
            "silent, GUI in other process",
            silent,
            lambda: None,
            args.peer_minutes,
            args.buffer,
            gui="elsewhere",
        ),
        measure_stream(
            "silent callback, GUI idle",
            silent,
            lambda: None,
            args.peer_minutes,
            args.buffer,
            gui="idle",
        ),
    ]
    load = os.getloadavg()
    period = rows[0].stats.period_ms
    print(
        f"audio callback at {args.buffer} frames / {RATE} Hz (period {period:.3f} ms), JACK dummy, "
        f"salsa with all {len(pattern.parts)} instruments + metronome + humanize, busy GUI"
    )
    print(f"{date.today()}, {describe_machine()}, load average {load[0]:.1f} / {load[1]:.1f}")
    print()
    print(
        f"{'callback':<28} {'min':>5} {'callbacks':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'p99/period':>10} {'late':>5} {'xruns':>6} {'xruns/min':>9} "
        f"{'GUI fps':>8}"
    )
    for row in rows:
        s = row.stats
        print(
            f"{row.name:<28} {row.minutes:>5.1f} {s.callbacks:>9} {s.p50_ms:>7.3f} "
            f"{s.p99_ms:>7.3f} {s.max_ms:>7.3f} {s.load:>9.1%} {s.late:>5} {s.xruns:>6} "
            f"{s.xruns / row.minutes:>9.1f} {row.gui_fps:>8.1f}"
        )
    museaud, peer = rows[0].stats, rows[2].stats
    print()
    print(
        f"museaud (audio process) p99 is {museaud.load:.1%} of the period "
        f"(goal < {GOAL_LOAD:.0%}): "
        f"{'met' if museaud.load < GOAL_LOAD else 'NOT met'}; "
        f"the naive mixer's p99 is {peer.p99_ms / museaud.p99_ms:.1f}x museaud's"
    )
    print(
        f"museaud (audio process) xruns in {args.minutes:g} min: {museaud.xruns} (goal 0: "
        f"{'met' if museaud.xruns == 0 else 'NOT met'}); late callbacks: {museaud.late}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
