"""Benchmark: a song's mixdown against real time, beside FluidSynth + sox doing the same mix.

Goal (issue 13): an 8-lane, 3-minute song (4 pattern lanes, 4 audio lanes with EQ and fades)
mixes down at least 50x faster than real time, and bit-identical from run to run. museaud's time
is `render_song` from the store to a 24-bit 48 kHz WAV, everything included: decoding and
resampling the stems (44.1 kHz FLAC), rendering the patterns, both passes (loudness, then the
mix through EQ, pan, master gain and the true-peak limiter). The peer renders the pattern lanes'
MIDI with FluidSynth (FluidR3 GM) and cuts, resamples, EQs, fades and mixes everything with sox
(peak-normalised: sox has no loudness target), timed as processes from start to exit.

    apt-get install fluidsynth fluid-soundfont-gm sox
    .venv/bin/python benchmarks/mixdown.py [--runs 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import numpy as np
import soundfile

from machine import describe_machine

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
GOAL = 50.0
BPM = 120
BARS = 90  # 3 minutes at 120 bpm in 4/4
CLIP_BARS = 8
STEM_S = 60
STEM_RATE = 44100
AUDIO_EQ = ((4.0, 0.0, -3.0), (-6.0, 2.0, 0.0), (0.0, -3.0, 4.0), (2.0, 0.0, 2.0))
FADE_S = 2.0


def make_stem(path: Path, seed: int) -> Path:
    """A minute of a chord pad with noise, as a 44.1 kHz FLAC (the song plays at 48 kHz)."""
    rng = np.random.default_rng(seed)
    t = np.arange(STEM_S * STEM_RATE) / STEM_RATE
    wave = sum(0.08 * np.sin(2 * np.pi * hz * t) for hz in (110.0 * (seed + 1), 165.0, 220.0))
    wave = wave * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t)) + 0.02 * rng.standard_normal(len(t))
    soundfile.write(path, np.stack([wave, wave * 0.9], axis=1), STEM_RATE, subtype="PCM_24")
    return path


def build_song(session: object, folder: Path) -> tuple[uuid.UUID, list[object], list[Path]]:
    """The 8-lane song in the store; returns its id, the lane patterns and the stem files."""
    from museaud.audio.dsp import EqSettings  # noqa: PLC0415
    from museaud.patterns.generation import generate_and_store  # noqa: PLC0415
    from museaud.patterns.generators import GenerationRequest  # noqa: PLC0415
    from museaud.songs import arrangement as arr  # noqa: PLC0415
    from museaud.songs.mixdown import add_to_library  # noqa: PLC0415

    song_id = arr.create_song(session, "Benchmark", bpm=BPM, length_bars=BARS)  # type: ignore[arg-type]
    patterns = []
    chords = None
    for engine in ("drums", "chords", "bass", "melody"):
        request = GenerationRequest(
            engine=engine, style="house", key_note=9, bpm=BPM, bars=4, seed=5
        )
        made = generate_and_store(session, request, steer=False, chords=chords)  # type: ignore[arg-type]
        chords = made.pattern if engine == "chords" else chords
        patterns.append(made.pattern)
        for bar in range(0, BARS, CLIP_BARS):
            arr.add_clip(
                session,  # type: ignore[arg-type]
                song_id,
                engine,
                start_beat=bar * 4,
                length_beats=min(CLIP_BARS, BARS - bar) * 4,
                pattern_id=made.id,
            )
    stems = []
    for index, (low, mid, high) in enumerate(AUDIO_EQ):
        stem = make_stem(folder / f"stem{index}.flac", index)
        stems.append(stem)
        track = add_to_library(session, stem, origin="stem", title=stem.stem)  # type: ignore[arg-type]
        for start_s in range(0, BARS * 2, STEM_S):
            arr.add_clip(
                session,  # type: ignore[arg-type]
                song_id,
                f"audio {index}",
                start_beat=start_s * BPM / 60,
                length_beats=STEM_S * BPM / 60,
                audio_track_id=track,
                fade_in_s=FADE_S,
                fade_out_s=FADE_S,
            )
        arr.set_lane_mix(
            session,  # type: ignore[arg-type]
            song_id,
            f"audio {index}",
            eq=EqSettings(low_db=low, mid_db=mid, high_db=high),
            pan=(-0.5, 0.5, -0.2, 0.2)[index],
        )
    return song_id, patterns, stems


def peer_seconds(patterns: list[object], stems: list[Path], folder: Path) -> float:
    """Wall seconds for FluidSynth + sox to make the same mix (processes start to exit)."""
    from museaud.patterns.midifile import export_midi  # noqa: PLC0415

    midis = []
    for index, pattern in enumerate(patterns):
        at_tempo = dataclasses.replace(pattern, bpm=float(BPM))  # type: ignore[type-var]
        repeats = -(-BARS // at_tempo.bars)
        midis.append(export_midi([at_tempo], folder / f"lane{index}.mid", repeats=repeats))
    started = time.perf_counter()
    inputs = []
    for index, midi in enumerate(midis):
        rendered = folder / f"lane{index}.wav"
        subprocess.run(
            [
                "fluidsynth",
                "-ni",
                "-q",
                "-r",
                "48000",
                "-F",
                str(rendered),
                str(SOUNDFONT),
                str(midi),
            ],
            check=True,
            capture_output=True,
        )
        inputs.append(str(rendered))
    for index, (stem, (low, mid, high)) in enumerate(zip(stems, AUDIO_EQ, strict=True)):
        for start_s in range(0, BARS * 2, STEM_S):
            clip = folder / f"audio{index}-{start_s}.wav"
            subprocess.run(
                ["sox", str(stem), str(clip), "rate", "-h", "48000",
                 "bass", f"{low:+g}", "120", "equalizer", "1000", "0.7q", f"{mid:+g}",
                 "treble", f"{high:+g}", "6000",
                 "fade", "t", str(FADE_S), str(STEM_S), str(FADE_S), "pad", str(start_s)],
                check=True,
                capture_output=True,
            )  # fmt: skip
            inputs.append(str(clip))
    mixed = str(folder / "peer.wav")
    subprocess.run(
        ["sox", "-m", *inputs, "-b", "24", mixed, "trim", "0", str(BARS * 2), "gain", "-n", "-1"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("fluidsynth") is None or shutil.which("sox") is None or not SOUNDFONT.exists():
        print("needs fluidsynth, fluid-soundfont-gm and sox (apt-get install)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        os.environ["MUSEAUD_HOME"] = str(folder / "home")
        from museaud.app import App  # noqa: PLC0415
        from museaud.songs.mixdown import render_song  # noqa: PLC0415

        with App.open() as app, app.session() as session:
            song_id, patterns, stems = build_song(session, folder)
            walls, cpus, digests = [], [], set()
            result = None
            for run in range(args.runs):
                wall, cpu = time.perf_counter(), time.process_time()
                result = render_song(session, song_id, folder / f"mix{run}.wav")
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
                digests.add(hashlib.sha256(result.path.read_bytes()).hexdigest())
        assert result is not None
        peers = [peer_seconds(patterns, stems, folder) for _ in range(args.runs)]
    audio_s = result.duration_s
    ours, peer = statistics.median(walls), statistics.median(peers)
    print(
        f"song mixdown, 8 lanes (4 pattern, 4 audio with EQ and fades), median of {args.runs} runs"
    )
    print(f"{date.today()}, {describe_machine()}")
    print()
    print(f"{'':<22} {'wall s':>8} {'x real time':>12}")
    print(f"{'audio':<22} {audio_s:>8.1f}")
    cpu = statistics.median(cpus)
    print(f"{'museaud mixdown':<22} {ours:>8.2f} {audio_s / ours:>12.1f}")
    print(f"{'museaud CPU':<22} {cpu:>8.2f} {audio_s / cpu:>12.1f}   (busy machine: wall > CPU)")
    print(f"{'FluidSynth + sox':<22} {peer:>8.2f} {audio_s / peer:>12.1f}")
    print()
    print(f"museaud / peer speed: {peer / ours:.2f}x")
    print(f"result: {result.integrated_lufs:.2f} LUFS, {result.true_peak_dbtp:.2f} dBTP")
    print(f"bit-identical across {args.runs} runs: {'yes' if len(digests) == 1 else 'NO'}")
    verdict = "met" if audio_s / ours >= GOAL and len(digests) == 1 else "NOT met"
    print(f"goal ({GOAL:g}x real time wall-clock, bit-identical): {verdict}")
    print(f"on CPU time (what an idle machine's wall-clock approaches): {audio_s / cpu:.1f}x")
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
