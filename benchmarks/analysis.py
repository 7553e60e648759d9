"""Analysis speed and accuracy: museaud against Essentia's MusicExtractor and librosa, one run.

The corpus has known answers: pieces composed as MIDI (tests/support/audio.py: nine grooves,
tempi 72-180 BPM, all 24 keys, varied General MIDI sounds), rendered with FluidSynth, plus mp3,
ogg and flac copies of some. Every tool analyses every file in worker processes (one per core,
BLAS held to one thread in each, the same for all tools); the CPU of each analysis is measured
inside its worker with time.process_time() (all threads of the process), after a warm-up that
keeps imports and JIT compiling out of the figures. Printed per tool: CPU seconds per minute
of audio, BPM within 4 % (allowing double/half) and exactly (same octave), key exact and key
within a fifth or relative, and how many times more CPU the peers need.

    .venv/bin/pip install librosa          # or: pip install -e .[bench]
    .venv/bin/python benchmarks/analysis.py [--pieces 48] [--workers N]

Needs fluidsynth, the GM soundfont and ffmpeg (apt-get install fluidsynth fluid-soundfont-gm
ffmpeg). Rendered audio is kept in benchmarks/data/ (ignored by git) for the next run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

for _variable in (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
):
    os.environ[_variable] = "1"  # one worker per core: no thread pools inside a worker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import essentia  # noqa: E402

essentia.log.infoActive = False  # before essentia.standard, which greets on import
essentia.log.warningActive = False

import essentia.standard as es  # noqa: E402
import librosa  # noqa: E402
import numpy as np  # noqa: E402
import soundfile  # noqa: E402
from tests.support.audio import Piece, corpus_pieces, encode, render_piece  # noqa: E402

from machine import describe_machine  # noqa: E402
from museaud.analysis import analyze_file  # noqa: E402
from museaud.analysis.decode import decode  # noqa: E402
from museaud.analysis.tonality import estimate_key  # noqa: E402
from museaud.music.keys import Key, are_neighbours  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "analysis-corpus"
COPIES = {"mp3": range(0, 48, 8), "ogg": range(3, 48, 12), "flac": range(5, 48, 12)}
TOOLS = ("museaud", "MusicExtractor", "librosa")
ME_PROFILES = ("edma", "krumhansl", "temperley")
# Krumhansl-Kessler key profiles, the usual librosa recipe for a key estimate
KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


@dataclass(frozen=True)
class Job:
    """One tool on one file, with the file's known answers."""

    tool: str
    path: Path
    piece: Piece
    fmt: str


@dataclass(frozen=True)
class Outcome:
    """What a tool said about a file and the CPU it took."""

    job: Job
    cpu_s: float
    audio_s: float
    bpm: float | None
    keys: dict[str, Key | None]  # profile or "" -> key said


# ---------------------------------------------------------------- the three analysers


def _museaud(path: Path) -> tuple[float | None, dict[str, Key | None]]:
    result = analyze_file(path)
    key = None if result.key_note is None else Key(result.key_note, result.scale or "major")
    return result.bpm, {"": key}


def _music_extractor(path: Path) -> tuple[float | None, dict[str, Key | None]]:
    extractor = es.MusicExtractor(lowlevelStats=["mean"], rhythmStats=["mean"], tonalStats=["mean"])
    features, _ = extractor(str(path))
    keys = {
        profile: Key.parse(
            f"{features[f'tonal.key_{profile}.key']} {features[f'tonal.key_{profile}.scale']}"
        )
        for profile in ME_PROFILES
    }
    return float(features["rhythm.bpm"]), keys


def _librosa(path: Path) -> tuple[float | None, dict[str, Key | None]]:
    signal, rate = librosa.load(str(path), sr=22050, mono=True)
    tempo, _ = librosa.beat.beat_track(y=signal, sr=rate)
    chroma = librosa.feature.chroma_cqt(y=signal, sr=rate).mean(axis=1)
    scores = [
        (float(np.corrcoef(chroma, np.roll(profile, tonic))[0, 1]), Key(tonic, scale))
        for scale, profile in (("major", KK_MAJOR), ("minor", KK_MINOR))
        for tonic in range(12)
    ]
    return float(np.atleast_1d(tempo)[0]), {"": max(scores, key=lambda item: item[0])[1]}


ANALYSERS: dict[str, Callable[[Path], tuple[float | None, dict[str, Key | None]]]] = {
    "museaud": _museaud,
    "MusicExtractor": _music_extractor,
    "librosa": _librosa,
}


def _warm_up(sample: str) -> None:
    for analyse in ANALYSERS.values():
        analyse(Path(sample))


def _run(job: Job) -> Outcome:
    audio_s = soundfile.info(str(job.path)).duration
    start = time.process_time()
    bpm, keys = ANALYSERS[job.tool](job.path)
    return Outcome(job, time.process_time() - start, audio_s, bpm, keys)


# ---------------------------------------------------------------- corpus


def _render(piece: Piece) -> Path:
    return render_piece(piece, DATA)


def build_corpus(count: int, workers: int) -> list[tuple[Path, Piece, str]]:
    """Render the pieces (once; kept in benchmarks/data) and encode the copies."""
    DATA.mkdir(parents=True, exist_ok=True)
    pieces = corpus_pieces(count)
    with ProcessPoolExecutor(workers) as pool:
        wavs = list(pool.map(_render, pieces))
    files = [(wav, piece, "wav") for wav, piece in zip(wavs, pieces, strict=True)]
    for fmt, indices in COPIES.items():
        for index in indices:
            if index < len(pieces):
                files.append((encode(wavs[index], fmt), pieces[index], fmt))
    return files


# ---------------------------------------------------------------- scoring and report


def _bpm_right(said: float | None, truth: float, *, octaves: bool) -> bool:
    if said is None or said <= 0:
        return False
    factors = (0.5, 1.0, 2.0) if octaves else (1.0,)
    return any(abs(said / (truth * factor) - 1.0) <= 0.04 for factor in factors)


def _key_score(outcomes: list[Outcome], profile: str) -> tuple[int, int]:
    exact = near = 0
    for outcome in outcomes:
        said = outcome.keys.get(profile)
        truth = Key(outcome.job.piece.key_note, outcome.job.piece.scale)
        if said is not None:
            exact += said == truth
            near += are_neighbours(said, truth)
    return exact, near


def _versions() -> str:
    return f"essentia {essentia.__version__}, librosa {librosa.__version__}, numpy {np.__version__}"


def report(outcomes: list[Outcome], wall_s: float) -> str:
    """The printed table."""
    by_tool = {tool: [o for o in outcomes if o.job.tool == tool] for tool in TOOLS}
    files = len(by_tool["museaud"])
    minutes = sum(o.audio_s for o in by_tool["museaud"]) / 60.0
    lines = [
        f"analysis benchmark, {datetime.date.today().isoformat()}: {files} files "
        f"({minutes:.1f} min of audio), {describe_machine()}",
        _versions(),
        "",
        f"{'tool':<26}{'CPU s/min':>10}{'CPU s/3min':>11}{'BPM 4%':>9}{'BPM same':>10}"
        f"{'key exact':>11}{'key ~5th/rel':>13}",
    ]
    cpu_per_minute: dict[str, float] = {}
    for tool, results in by_tool.items():
        cpu = sum(o.cpu_s for o in results) / (sum(o.audio_s for o in results) / 60.0)
        cpu_per_minute[tool] = cpu
        octave = sum(_bpm_right(o.bpm, o.job.piece.tempo_bpm, octaves=True) for o in results)
        same = sum(_bpm_right(o.bpm, o.job.piece.tempo_bpm, octaves=False) for o in results)
        profiles = ME_PROFILES if tool == "MusicExtractor" else ("",)
        best = max(profiles, key=lambda profile: _key_score(results, profile))
        exact, near = _key_score(results, best)
        name = f"{tool} (key_{best})" if best else tool
        count = len(results)
        lines.append(
            f"{name:<26}{cpu:>10.3f}{cpu * 3:>11.3f}{_pct(octave, count):>9}{_pct(same, count):>10}"
            f"{_pct(exact, count):>11}{_pct(near, count):>13}"
        )
    lines.append("")
    for peer in ("MusicExtractor", "librosa"):
        lines.append(
            f"museaud is {cpu_per_minute[peer] / cpu_per_minute['museaud']:.1f}x faster than "
            f"{peer} (CPU per minute of audio)"
        )
    lines.append("")
    lines.append(
        "museaud CPU s/min by format: "
        + ", ".join(f"{fmt} {_cpu(by_tool['museaud'], fmt):.3f}" for fmt in ("wav", *COPIES))
    )
    me = by_tool["MusicExtractor"]
    lines.append(
        "MusicExtractor key profiles (exact / ~5th-rel): "
        + ", ".join(
            f"{profile} {_key_score(me, profile)[0]}/{_key_score(me, profile)[1]}"
            for profile in ME_PROFILES
        )
    )
    lines.append(f"wall time of the measuring run: {wall_s:.0f} s")
    return "\n".join(lines)


def _pct(right: int, total: int) -> str:
    return f"{100.0 * right / max(total, 1):.0f}%"


def _cpu(results: list[Outcome], fmt: str) -> float:
    chosen = [o for o in results if o.job.fmt == fmt]
    return sum(o.cpu_s for o in chosen) / max(sum(o.audio_s for o in chosen) / 60.0, 1e-9)


def key_profiles(files: list[tuple[Path, Piece, str]]) -> str:
    """How each Essentia key profile does inside museaud's pipeline on the wav pieces."""
    profiles = ("bgate", "edma", "krumhansl", "temperley", "shaath")
    exact = dict.fromkeys(profiles, 0)
    near = dict.fromkeys(profiles, 0)
    wavs = [(path, piece) for path, piece, fmt in files if fmt == "wav"]
    for path, piece in wavs:
        audio = decode(path, 1200.0)
        truth = Key(piece.key_note, piece.scale)
        for profile in profiles:
            found = estimate_key(audio.mono, audio.analysis_rate, profile)
            if found.key_note is not None and found.scale is not None:
                said = Key(found.key_note, found.scale)
                exact[profile] += said == truth
                near[profile] += are_neighbours(said, truth)
    return f"museaud key profiles on {len(wavs)} wav pieces (exact / ~5th-rel): " + ", ".join(
        f"{profile} {exact[profile]}/{near[profile]}" for profile in profiles
    )


def main() -> None:
    """Build the corpus, measure the three tools in one run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pieces", type=int, default=48)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args()
    if shutil.which("fluidsynth") is None or shutil.which("ffmpeg") is None:
        sys.exit("fluidsynth is needed: apt-get install fluidsynth fluid-soundfont-gm ffmpeg")
    files = build_corpus(options.pieces, options.workers)
    jobs = [Job(tool, path, piece, fmt) for tool in TOOLS for path, piece, fmt in files]
    jobs.sort(key=lambda job: job.tool != "MusicExtractor")  # the slow ones first
    start = time.monotonic()
    with ProcessPoolExecutor(
        options.workers, initializer=_warm_up, initargs=(str(files[0][0]),)
    ) as pool:
        outcomes = list(pool.map(_run, jobs))
    wall_s = time.monotonic() - start
    print(report(outcomes, wall_s))
    print(key_profiles(files))


if __name__ == "__main__":
    main()
