"""Benchmark: MIDI timing at a real synth, museaud's scheduler against a naive sleeping loop.

Goal (issue 6): play 4 minutes of a pattern to FluidSynth on the JACK dummy server, record its
audio, find the note onsets: p99 timing error under one JACK period (2.67 ms at 48 kHz/128) and
no drift. The peer is the loop most MIDI scripts use: send a note, `time.sleep(gap)` to the
next one. Both play the same notes to their own fresh FluidSynth in the same run.

    .venv/bin/python benchmarks/midi_timing.py [--minutes 4] [--flavor salsa] [--bpm 180]

Needs the JACK dummy server running (`jackd -r -d dummy -r 48000 -p 128`), fluidsynth,
fluid-soundfont-gm and jack_rec/jack_showtime (jackd2's tools). Figures per player:
- at the synth: onsets found in FluidSynth's recorded audio against the written note times,
  after taking away the recording's latency and rate (a straight line fitted through the
  errors), so it includes JACK's period quantisation. The dummy server is not real-time: on a
  busy machine clients miss cycles and the recorder loses frames, which shifts everything
  after (notes then go "missing" from the whole-run match); "local" follows such steps, note
  by note, and measures each note against the median of the 41 notes around it, which keeps
  every player's jitter but not slow drift;
- at the port: when each note-on left the process (perf_counter) against its deadline, which
  does not depend on the JACK server at all; drift is judged here.
Errors are absolute distances from the median error; drift is the slope of a straight line
fitted to the signed errors over time, in ms per minute.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import mido
import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support helpers

from tests.support.fluidsynth import (
    find_onsets,
    fluidsynth,
    match_onsets,
    record,
)

from machine import describe_machine  # benchmarks/ is on sys.path when its scripts run
from museaud.audio.midi_out import MidiPlayer, find_midi_output
from museaud.audio.schedule import Timeline, timeline
from museaud.audio.transport import PartMix, TransportSettings
from museaud.patterns.flavors import build_pattern
from museaud.patterns.model import BeatPattern

JACK_PERIOD_MS = 128 / 48000 * 1000
DETREND_NOTES = 41  # "local" errors: against the median of the 41 notes around (about 5 s)
SOLO_INSTRUMENTS = ("clave", "cowbell")  # sharp attacks: onsets timed to a millisecond


@dataclass(frozen=True)
class Figures:
    """Timing errors of one player, measured one way."""

    notes: int
    missing: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    drift_ms_per_min: float

    @classmethod
    def of(
        cls, times: npt.NDArray[np.float64], errors_s: npt.NDArray[np.float64], missing: int
    ) -> Figures:
        """Spread around the median (the constant latency) and the drift of errors over time."""
        errors = errors_s * 1000.0
        absolute = np.abs(errors - np.median(errors))
        drift = float(np.polyfit(times, errors, 1)[0] * 60.0) if len(times) > 2 else float("nan")
        return cls(
            notes=len(errors) + missing,
            missing=missing,
            p50_ms=float(np.percentile(absolute, 50)),
            p99_ms=float(np.percentile(absolute, 99)),
            max_ms=float(absolute.max()),
            drift_ms_per_min=drift,
        )


class SendClock:
    """A port stand-in that timestamps every note-on as it leaves, then sends it on."""

    def __init__(self, port: Any) -> None:
        self.port = port
        self.name = port.name
        self.note_ons: list[int] = []

    def send(self, message: mido.Message) -> None:
        self.port.send(message)
        if message.type == "note_on":
            self.note_ons.append(time.perf_counter_ns())

    def close(self) -> None:
        self.port.close()


def track_onsets(
    onsets: npt.NDArray[np.float64],
    expected: npt.NDArray[np.float64],
    *,
    window: float = 0.03,
    memory: int = 9,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], int]:
    """Walk the notes in order, pairing each with the onset nearest to where the last `memory`
    notes say it should be, so a step in the recording (lost frames) is followed. Returns
    (expected times found, onset minus expected time in s, notes with no onset in window)."""
    latency = float(onsets[0] - expected[0])
    recent: list[float] = []
    times, offsets, missing = [], [], 0
    for at in expected:
        predicted = at + latency
        i = int(np.clip(np.searchsorted(onsets, predicted), 1, len(onsets) - 1))
        onset = min(onsets[i - 1], onsets[i], key=lambda candidate: abs(candidate - predicted))
        if abs(onset - predicted) >= window:
            missing += 1
            continue
        times.append(at)
        offsets.append(onset - at)
        recent = [*recent[-(memory - 1) :], onset - at]
        latency = float(np.median(recent))
    return np.array(times), np.array(offsets), missing


def running_median(values: npt.NDArray[np.float64], width: int) -> npt.NDArray[np.float64]:
    """The median of the `width` values around each one (fewer at the ends)."""
    half = width // 2
    return np.array(
        [np.median(values[max(0, i - half) : i + half + 1]) for i in range(len(values))]
    )


def expected_times(line: Timeline, solo: set[int], bpm: float, beats: float) -> list[float]:
    """Seconds from the first beat of every note-on of the soloed parts, in sending order."""
    seconds_per_beat = 60.0 / bpm
    times = []
    loop = 0
    while loop * line.beats < beats:
        for hit in line.hits:
            beat = loop * line.beats + hit.beat
            if hit.part in solo and beat < beats:
                times.append(beat * seconds_per_beat)
        loop += 1
    return times


def naive_events(
    line: Timeline, solo: set[int], bpm: float, beats: float
) -> list[tuple[float, mido.Message]]:
    """(seconds, message) of every note-on and note-off, as a simple player would list them."""
    seconds_per_beat = 60.0 / bpm
    events = []
    loop = 0
    while loop * line.beats < beats:
        for hit in line.hits:
            beat = loop * line.beats + hit.beat
            if hit.part not in solo or beat >= beats:
                continue
            on = mido.Message("note_on", channel=hit.channel, note=hit.key, velocity=hit.velocity)
            off = mido.Message("note_off", channel=hit.channel, note=hit.key)
            events.append((beat * seconds_per_beat, on))
            events.append(((beat + hit.length) * seconds_per_beat, off))
        loop += 1
    events.sort(key=lambda event: (event[0], event[1].type == "note_on"))
    return events


def play_naive(port_name: str, events: list[tuple[float, mido.Message]]) -> SendClock:
    """The peer: send, then sleep the gap to the next message (what drifts)."""
    name, api = find_midi_output(port_name)
    port = SendClock(mido.Backend(f"mido.backends.rtmidi/{api}", load=True).open_output(name))
    time.sleep(0.3)  # the same settling time museaud gives a new JACK connection
    previous = 0.0
    for at, message in events:
        time.sleep(max(0.0, at - previous))
        port.send(message)
        previous = at
    time.sleep(0.05)
    port.close()
    return port


def play_museaud(
    port_name: str, pattern: BeatPattern, settings: TransportSettings
) -> tuple[SendClock, int]:
    """museaud's MidiPlayer; returns the send clock and its first beat (perf_counter ns)."""
    player = MidiPlayer(port_name)
    clock = SendClock(player._port)  # timestamps sends without changing what is sent
    player._port = clock
    player.play(pattern, settings)
    performance = player._performance
    assert performance is not None
    first_beat = performance.start_ns
    player.wait()
    error = player.state().error
    player.close()
    if error:
        raise RuntimeError(error)
    return clock, first_beat


def measure(
    label: str,
    play: Callable[[str], tuple[SendClock, int | None]],
    expected: npt.NDArray[np.float64],
    seconds: float,
    workdir: Path,
) -> tuple[Figures, Figures, Figures, float]:
    """Play to a fresh FluidSynth while recording it; figures at the synth (whole run, and
    against the notes around each one), at the port, and the server's speed."""
    print(f"  {label}: playing {seconds / 60:.1f} min to FluidSynth …", file=sys.stderr)
    with fluidsynth(48000, prefix=f"museaud_bench_{label}") as synth:
        recorder = record(synth.left, seconds + 2.0, workdir / f"{label}.wav")
        result: list[tuple[SendClock, int | None]] = []
        worker = threading.Thread(target=lambda: result.append(play(synth.midi_port)))
        worker.start()
        worker.join()
        recording = recorder.finish()
    clock, first_beat = result[0]
    onsets = find_onsets(recording.audio, recording.rate)
    unique = np.unique(expected)
    found, errors, missing = match_onsets(onsets, unique, window=0.05, follow_rate=True)
    at_synth = Figures.of(found, errors, missing)
    found, offsets, missing = track_onsets(onsets, unique)
    detrended = Figures.of(found, offsets - running_median(offsets, DETREND_NOTES), missing)
    speed = recording.clock_ratio
    sent = np.array(clock.note_ons, dtype=np.float64) / 1e9
    start = sent[0] - expected[0] if first_beat is None else first_beat / 1e9
    at_port = Figures.of(expected, sent - start - expected, 0)
    return at_synth, detrended, at_port, speed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--flavor", default="salsa")
    parser.add_argument("--bpm", type=float, default=None)
    args = parser.parse_args()

    pattern = build_pattern(args.flavor)
    bpm = args.bpm or pattern.bpm
    line = timeline(pattern)
    solo = {i for i, part in enumerate(pattern.parts) if part.instrument in SOLO_INSTRUMENTS}
    bars = max(1, round(args.minutes * 60 / (60 / bpm * pattern.beats_per_bar)))
    beats = bars * pattern.beats_per_bar
    seconds = beats * 60 / bpm
    settings = TransportSettings(
        bpm=bpm, bars=bars, mix=MappingProxyType({part: PartMix(solo=True) for part in solo})
    )
    expected = np.array(expected_times(line, solo, bpm, beats))
    events = naive_events(line, solo, bpm, beats)
    load_before = Path("/proc/loadavg").read_text().split()[:3]

    with tempfile.TemporaryDirectory(prefix="museaud-midi-bench-") as folder:
        workdir = Path(folder)
        museaud = measure(
            "museaud", lambda port: play_museaud(port, pattern, settings), expected, seconds,
            workdir,
        )  # fmt: skip
        naive = measure(
            "naive", lambda port: (play_naive(port, events), None), expected, seconds, workdir
        )
    load_after = Path("/proc/loadavg").read_text().split()[:3]

    print(
        f"MIDI timing benchmark, {time.strftime('%Y-%m-%d')}: {args.flavor} "
        f"({', '.join(SOLO_INSTRUMENTS)} soloed) at {bpm:g} bpm, {bars} bars = "
        f"{seconds / 60:.1f} min and {len(expected)} notes per player, to FluidSynth on JACK "
        f"(dummy, 48 kHz, 128-frame periods = {JACK_PERIOD_MS:.2f} ms)"
    )
    print(describe_machine())
    print(f"load average before {' '.join(load_before)}, after {' '.join(load_after)}")
    print()
    header = (
        f"{'player':<8} {'measured':<27} {'notes':>6} {'missing':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'drift ms/min':>13}"
    )
    print(header)
    for label, (at_synth, detrended, at_port, _) in (("museaud", museaud), ("naive", naive)):
        for how, figures in (
            ("at the synth", at_synth),
            ("at the synth, local", detrended),
            ("at the port", at_port),
        ):
            print(
                f"{label:<8} {how:<27} {figures.notes:>6} {figures.missing:>8} "
                f"{figures.p50_ms:>8.2f} {figures.p99_ms:>8.2f} {figures.max_ms:>8.2f} "
                f"{figures.drift_ms_per_min:>+13.2f}"
            )
    print()
    for label, result in (("museaud", museaud), ("naive", naive)):
        print(f"JACK server speed while {label} played: {result[3]:.4f} s of audio per second")
    m_synth, n_synth = museaud[1], naive[1]
    m_port, n_port = museaud[2], naive[2]
    print(
        f"p99 at the synth (local): museaud {m_synth.p99_ms:.2f} ms vs naive "
        f"{n_synth.p99_ms:.2f} ms "
        f"({n_synth.p99_ms / max(m_synth.p99_ms, 1e-9):.1f}x); goal: under one period "
        f"({JACK_PERIOD_MS:.2f} ms)"
    )
    print(
        f"drift at the port: museaud {m_port.drift_ms_per_min:+.3f} ms/min vs naive "
        f"{n_port.drift_ms_per_min:+.3f} ms/min; worst lateness museaud {m_port.max_ms:.2f} ms "
        f"vs naive {n_port.max_ms:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
