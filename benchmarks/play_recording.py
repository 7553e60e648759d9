"""Benchmark: recording plays costs the player nothing audible (issue 11).

The GUI's player records every play with `playlists.history.record_play` on a background
thread (one SQLite transaction for the counts) and hands the listening event to the analytics
recorder (a queue and one DuckDB writer thread); the audio itself runs in the audio process. This
measures that claim the hard way: a library track plays on `IsolatedAudioEngine` (as the GUI
plays it) on the JACK dummy server, first with nothing else going on (the floor: the peer
every player must match), then while plays are recorded far faster than any listener makes
them (every few milliseconds, 100 times a real DJ's rate of one a minute). The callback's
timing and the xruns of both runs are printed side by side, with what a recording costs the
thread that records it.

    .venv/bin/python benchmarks/play_recording.py [--seconds 30] [--device system]

Needs the JACK dummy server (`jackd -r -d dummy -r 48000 -p 128`, see TESTING.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile

from machine import describe_machine
from museaud.app import App
from museaud.audio.engine import EngineStats, IsolatedAudioEngine
from museaud.library.importer import ImportOptions, run_import
from museaud.paths import default_paths
from museaud.playlists.history import record_play
from museaud.store.models.library import Track

RATE = 48000


def _write_tracks(folder: Path, count: int, seconds: float) -> None:
    """Short tone pieces at known tempi, enough to import as real library tracks."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    for number in range(count):
        bpm = 100 + 8 * number
        frames = int(seconds * RATE)
        t = np.arange(frames) / RATE
        beat = (t * bpm / 60.0) % 1.0
        clicks = np.exp(-beat * 40.0) * np.sin(2 * np.pi * 110 * t)
        pad = 0.2 * np.sin(2 * np.pi * (220 + 20 * number) * t)
        noise = 0.01 * rng.standard_normal(frames)
        mono = (0.5 * clicks + pad + noise).astype(np.float32)
        soundfile.write(folder / f"piece-{number}.wav", np.column_stack([mono, mono]), RATE)


def _playing(engine: IsolatedAudioEngine, path: Path, seconds: float) -> EngineStats:
    """Play path from the top for `seconds` and return the callback figures of that time."""
    engine.play_file(1, str(path))
    deadline = time.monotonic() + 10
    while engine.state().track != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    engine.reset_stats()
    time.sleep(seconds)
    stats = engine.stats()
    engine.stop_track()
    return stats


def _recording(app: App, track_ids: list[uuid.UUID], stop: threading.Event) -> list[float]:
    """Record plays back to back until stop is set; the seconds each record_play took."""
    costs: list[float] = []
    number = 0
    while not stop.is_set():
        track_id = track_ids[number % len(track_ids)]
        began = time.perf_counter()
        record_play(
            app,
            track_id,
            datetime.now(UTC),
            12.0 + number % 50,
            30.0,
            "library",
            "next" if number % 3 else "finished",
        )
        costs.append(time.perf_counter() - began)
        number += 1
        stop.wait(0.005)
    return costs


def _row(name: str, stats: EngineStats, note: str) -> str:
    p50, p99 = (100 * value / stats.period_ms for value in (stats.p50_ms, stats.p99_ms))
    return (
        f"{name:<34} {stats.callbacks:>9} {stats.xruns:>6} {stats.late:>6} "
        f"{p50:>6.1f}% {p99:>6.1f}% {stats.max_ms:>7.3f}  {note}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each run")
    parser.add_argument("--device", default="system", help="the JACK output (default: system)")
    parser.add_argument("--buffer", type=int, default=128)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="museaud-bench-plays-"))
    os.environ["MUSEAUD_HOME"] = str(home)
    music = home / "music"
    _write_tracks(music, 4, max(args.seconds * 2 + 10, 30.0))
    app = App.open(default_paths().ensure())
    try:
        run_import(app, ImportOptions(paths=[music], workers=1))
        with app.session() as session:
            tracks = session.query(Track.id, Track.path).all()
        track_ids = [row.id for row in tracks]
        path = Path(tracks[0].path)
        print(describe_machine(), file=sys.stderr)
        engine = IsolatedAudioEngine(args.device, sample_rate=RATE, buffer_size=args.buffer)
        engine.start()
        try:
            floor = _playing(engine, path, args.seconds)
            stop = threading.Event()
            costs: list[float] = []
            recorder = threading.Thread(
                target=lambda: costs.extend(_recording(app, track_ids, stop)), daemon=True
            )
            recorder.start()
            busy = _playing(engine, path, args.seconds)
            stop.set()
            recorder.join()
        finally:
            engine.close()
    finally:
        app.close()

    per_second = len(costs) / args.seconds
    median_ms = 1000 * statistics.median(costs) if costs else float("nan")
    p99_ms = 1000 * float(np.quantile(costs, 0.99)) if costs else float("nan")
    print(
        f"\nA {args.seconds:.0f} s track on IsolatedAudioEngine, {args.buffer}-frame buffers "
        f"at {RATE} Hz ({1000 * args.buffer / RATE:.2f} ms period)\n"
    )
    print(
        f"{'run':<34} {'callbacks':>9} {'xruns':>6} {'late':>6} {'p50':>7} {'p99':>7} "
        f"{'max ms':>7}  recorded"
    )
    print(_row("playing, nothing recorded (floor)", floor, "-"))
    print(
        _row(
            "playing while plays are recorded",
            busy,
            f"{len(costs)} plays ({per_second:.0f}/s), record_play median {median_ms:.2f} ms, "
            f"p99 {p99_ms:.2f} ms on its own thread",
        )
    )
    ratio = busy.p99_ms / floor.p99_ms if floor.p99_ms else float("nan")
    print(
        f"\ncallback p99 while recording / floor: {ratio:.2f}x; "
        f"xruns {busy.xruns} vs {floor.xruns}; late callbacks {busy.late} vs {floor.late}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
