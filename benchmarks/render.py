"""Benchmark: offline render speed against real time, beside FluidSynth rendering the same music.

Goal (issue 6): museaud renders a pattern at least 100x faster than real time. The peer is
FluidSynth (`fluidsynth -ni -F out.wav`, C, with the FluidR3 General MIDI soundfont) rendering
the pattern exported as a MIDI file with the same number of repeats, timed as a process from
start to exit (soundfont loading included), at the same sample rate, in the same run.

    .venv/bin/python benchmarks/render.py [--bars 64] [--runs 3] [--flavors salsa,house,...]

Every part of each pattern is switched on (the flavours ship with some parts muted).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from machine import describe_machine
from museaud.audio.render import render_pattern, render_to_wav
from museaud.audio.transport import TransportSettings
from museaud.patterns.flavors import build_pattern
from museaud.patterns.midifile import export_midi
from museaud.patterns.model import BeatPattern

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
RATE = 48000
GOAL = 100.0


def every_part_on(pattern: BeatPattern) -> BeatPattern:
    """The pattern with all its instruments playing."""
    parts = tuple(dataclasses.replace(part, enabled=True) for part in pattern.parts)
    return dataclasses.replace(pattern, parts=parts)


def museaud_seconds(pattern: BeatPattern, bars: int, runs: int) -> tuple[float, float, float]:
    """Median wall and CPU seconds to render, and the audio's length in seconds."""
    render_pattern(pattern, bars=1)  # sounds synthesised once and cached, as in the app
    walls, cpus = [], []
    length = 0.0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        audio = render_pattern(pattern, TransportSettings(), bars=bars, tail=False)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        length = len(audio) / RATE
    return statistics.median(walls), statistics.median(cpus), length


def fluidsynth_seconds(
    pattern: BeatPattern, bars: int, runs: int, folder: Path
) -> tuple[float, float]:
    """Median wall seconds for FluidSynth to render the same bars from a MIDI file, and the same
    for one pass of the pattern (mostly start-up: loading the 140 MB soundfont)."""
    repeats = max(1, round(bars / pattern.bars))
    timings = []
    for count in (repeats, 1):
        midi = export_midi([pattern], folder / f"pattern-{count}.mid", repeats=count)
        walls = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [
                    "fluidsynth",
                    "-ni",
                    "-q",
                    "-r",
                    str(RATE),
                    "-F",
                    str(folder / "fs.wav"),
                    str(SOUNDFONT),
                    str(midi),
                ],
                check=True,
                capture_output=True,
            )
            walls.append(time.perf_counter() - started)
        timings.append(statistics.median(walls))
    return timings[0], timings[0] - timings[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--flavors", default="salsa,son-montuno,house,funk,reggaeton,bossa-nova")
    args = parser.parse_args()
    if shutil.which("fluidsynth") is None or not SOUNDFONT.exists():
        print("needs fluidsynth and fluid-soundfont-gm (apt-get install)", file=sys.stderr)
        return 2
    print(f"offline render, {args.bars} bars per pattern, median of {args.runs} runs, {RATE} Hz")
    print(f"{date.today()}, {describe_machine()}")
    print()
    header = (
        f"{'pattern':<12} {'audio s':>8} {'museaud s':>10} {'x real time':>12} "
        f"{'CPU s':>7} {'FluidSynth s':>13} {'x real time':>12} {'FS less start':>14} "
        f"{'museaud/FS':>11}"
    )
    print(header)
    ratios = []
    with tempfile.TemporaryDirectory() as folder:
        for flavor in args.flavors.split(","):
            pattern = every_part_on(build_pattern(flavor))
            wall, cpu, length = museaud_seconds(pattern, args.bars, args.runs)
            peer, peer_rendering = fluidsynth_seconds(pattern, args.bars, args.runs, Path(folder))
            ratios.append(length / wall)
            print(
                f"{flavor:<12} {length:>8.1f} {wall:>10.3f} {length / wall:>11.0f}x "
                f"{cpu:>7.3f} {peer:>13.3f} {length / peer:>11.0f}x "
                f"{length / max(peer_rendering, 1e-3):>13.0f}x {peer / wall:>10.2f}x"
            )
        started = time.perf_counter()
        render_to_wav(
            every_part_on(build_pattern("salsa")), Path(folder) / "salsa.wav", bars=args.bars
        )
        to_wav = time.perf_counter() - started
    print()
    worst = min(ratios)
    print(
        f"slowest museaud render: {worst:.0f}x real time (goal >= {GOAL:.0f}x): "
        f"{'met' if worst >= GOAL else 'NOT met'}"
    )
    print(f"salsa to a 24-bit WAV file, {args.bars} bars, tail included: {to_wav:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
