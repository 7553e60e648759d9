"""A real General MIDI synth on JACK, a recorder for what it plays, and an onset finder.

Used by the MIDI timing test and benchmarks/midi_timing.py: MIDI goes to the JACK MIDI input of a
FluidSynth with a client name of its own (several test runs share one JACK server), jack_rec
records its audio, and note onsets are found in the recording.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")


def _jack_ports() -> list[str]:
    result = subprocess.run(["jack_lsp"], capture_output=True, text=True, timeout=10, check=False)
    return result.stdout.split()


@dataclass
class FluidSynth:
    """A running FluidSynth whose MIDI input and audio outputs are JACK ports named `name`."""

    name: str
    process: subprocess.Popen[bytes]

    @property
    def midi_port(self) -> str:
        return f"{self.name}:midi_00"

    @property
    def left(self) -> str:
        return f"{self.name}:left"

    def quit(self) -> None:
        """Stop the synth (its ports disappear, as when a device is unplugged)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def fluidsynth(sample_rate: int = 48000, prefix: str = "museaud_fs") -> Iterator[FluidSynth]:
    """FluidSynth on JACK with a unique client name, dry (no reverb or chorus: clean onsets)."""
    binary = shutil.which("fluidsynth")
    if binary is None or not SOUNDFONT.exists():
        raise RuntimeError("FluidSynth not found: apt-get install fluidsynth fluid-soundfont-gm")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    # a file, not a pipe: once an unread pipe is full, the synth blocks writing to it
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [
                binary,
                "-a", "jack", "-m", "jack", "-R", "0", "-C", "0",
                "-r", str(sample_rate), "-g", "0.8",
                "-o", f"midi.jack.id={name}",
                "-o", f"audio.jack.id={name}",
                "-o", "audio.jack.autoconnect=0",
                str(SOUNDFONT),
            ],
            stdin=subprocess.PIPE,  # its shell waits on stdin: the synth runs until we stop it
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )  # fmt: skip
        synth = FluidSynth(name, process)
        try:
            deadline = time.monotonic() + 30
            while f"{name}:midi_00" not in _jack_ports():
                if process.poll() is not None or time.monotonic() > deadline:
                    errors.seek(0)
                    error = errors.read().decode(errors="replace")
                    raise RuntimeError(f"FluidSynth did not start on JACK:\n{error}")
                time.sleep(0.1)
            yield synth
        finally:
            synth.quit()


def jack_clock() -> tuple[int, int]:
    """(JACK frame time, JACK's microsecond clock) now, read by jack_showtime (a C client)."""
    binary = shutil.which("jack_showtime")
    if binary is None:
        raise RuntimeError("jack_showtime not found: apt-get install jackd2 (it ships the tools)")
    with subprocess.Popen(
        [binary], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
        finally:
            process.terminate()  # SIGTERM: it closes its JACK client (SIGKILL would leak it)
    fields = dict(re.findall(r"(\w+) = (\d+)", line))
    return int(fields["frame_time"]), int(fields["usecs"])


@dataclass
class Recording:
    """Mono audio recorded from a JACK port, and how fast the JACK server's clock ran."""

    audio: npt.NDArray[np.float32]
    rate: int
    clock_ratio: float
    """Seconds of audio the server made per second of real time while recording (JACK frame
    time against its microsecond clock): 1.0 when it kept time; less when an overloaded dummy
    server skipped cycles."""


@dataclass
class Recorder:
    """jack_rec recording a port to a WAV file for a fixed length (a C client: a recorder in
    Python would run in JACK's process thread and wait for the GIL, dropping blocks)."""

    path: Path
    process: subprocess.Popen[bytes]
    clock: tuple[int, int]

    def finish(self) -> Recording:
        """Wait for the recording to reach its length and read it."""
        import soundfile

        output, _ = self.process.communicate(timeout=3600)
        frames, usecs = jack_clock()
        if self.process.returncode != 0 or not self.path.exists():
            raise RuntimeError(f"jack_rec failed: {output.decode(errors='replace')}")
        audio, rate = soundfile.read(self.path, dtype="float32", always_2d=True)
        ratio = (frames - self.clock[0]) / rate / ((usecs - self.clock[1]) / 1e6)
        return Recording(audio[:, 0].copy(), int(rate), ratio)


def record(port: str, seconds: float, path: Path) -> Recorder:
    """Start recording JACK port `port` into `path` for `seconds` of audio."""
    binary = shutil.which("jack_rec")
    if binary is None:
        raise RuntimeError("jack_rec not found: apt-get install jackd2 (it ships the tools)")
    process = subprocess.Popen(
        [binary, "-f", str(path), "-d", f"{seconds:.3f}", "-b", "32", port],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while not any(line.startswith("jackrec") for line in _jack_ports()):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("jack_rec did not join the JACK server")
        time.sleep(0.005)
    return Recorder(path, process, jack_clock())


def match_onsets(
    onsets: npt.NDArray[np.float64],
    expected: npt.NDArray[np.float64],
    *,
    window: float = 0.04,
    follow_rate: bool = False,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], int]:
    """Pair each expected note time with the onset nearest to it once the recording's constant
    latency is taken away (and, with follow_rate, the recording clock's rate: a JACK server
    that skips cycles runs slow). Returns (expected times found, their errors in s with the
    latency and rate taken away, how many expected notes had no onset within `window`)."""
    if not len(onsets) or not len(expected):
        return np.zeros(0), np.zeros(0), len(expected)
    latency, rate = float(onsets[0] - expected[0]), 0.0
    found = np.zeros(len(expected), dtype=bool)
    errors = np.zeros(len(expected))
    for _ in range(8):  # widen from the first notes, refitting latency (and rate) each time
        predicted = expected * (1.0 + rate) + latency
        nearest = np.clip(np.searchsorted(onsets, predicted), 1, len(onsets) - 1)
        left, right = onsets[nearest - 1], onsets[nearest]
        chosen = np.where(np.abs(left - predicted) < np.abs(right - predicted), left, right)
        errors = chosen - predicted
        found = np.abs(errors) < window
        if not found.any():
            break
        if follow_rate and found.sum() >= 3:
            slope, intercept = np.polyfit(expected[found], (chosen - expected)[found], 1)
            rate, latency = float(slope), float(intercept)
        else:
            latency += float(np.median(errors[found]))
    return expected[found], errors[found], int((~found).sum())


def find_onsets(
    audio: npt.NDArray[np.float32], rate: int, *, min_gap_s: float = 0.05
) -> npt.NDArray[np.float64]:
    """Onset times (s) of struck notes: where the level jumps well above the last 10 ms.

    A 0.5 ms window's mean level is compared with the 10 ms before it; a jump of 8x above a
    floor (a fraction of the loudest peak) marks a note, and its time is refined back to the
    first sample above a fifth of the note's peak, so louder and softer hits are timed alike.
    """
    x = np.abs(audio.astype(np.float64))
    if len(x) < rate // 10 or x.max() == 0:
        return np.zeros(0)
    short = max(1, int(0.0005 * rate))
    long = int(0.010 * rate)
    search = int(0.005 * rate)
    cumulative = np.concatenate([[0.0], np.cumsum(x)])
    index = np.arange(long, len(x) - int(0.03 * rate))
    level = (cumulative[index + short] - cumulative[index]) / short
    before = (cumulative[index] - cumulative[index - long]) / long
    floor = 0.02 * x.max()
    candidates = index[(level > floor) & (level > 8 * before)]
    onsets: list[float] = []
    last = -(10**12)
    for i in candidates:
        if (i - last) / rate < min_gap_s:
            continue
        last = int(i)
        peak = x[i : i + int(0.02 * rate)].max()
        window = x[i - search : i + search]
        start = i - search + int(np.argmax(window >= 0.2 * peak))
        onsets.append(start / rate)
    return np.asarray(onsets)
