"""Benchmark: rescanning an unchanged library of 10,000 files, against the plain way.

Goal (issue 3): a rescan of 10,000 unchanged files in under one second. museaud walks the
folders with os.scandir, loads path -> (size, mtime) for the whole library in one query and
decides with set look-ups, opening no file. The peer does the same job the plain way: os.walk,
os.stat per file and one sqlite3 query per file, measured in the same run on the same store.

    .venv/bin/python benchmarks/rescan.py [--files 10000] [--runs 5]

It writes tiny wav files to a temporary folder, inserts their tracks (with an up-to-date
analysis row each) straight into a fresh store, and prints one table.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import wave
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from machine import describe_machine
from museaud.analysis import ANALYSIS_ALGORITHM, ANALYSIS_VERSION
from museaud.app import App
from museaud.library.importer import ImportOptions, run_import
from museaud.paths import Paths
from museaud.store.base import new_id
from museaud.store.models.library import Track, TrackAnalysis

FILES_PER_FOLDER = 100
GOAL_S = 1.0


def write_files(root: Path, count: int) -> list[Path]:
    """count tiny (100-sample) wav files, a hundred to a folder."""
    paths = []
    for number in range(count):
        folder = root / f"Album {number // FILES_PER_FOLDER:03d}"
        folder.mkdir(exist_ok=True)
        path = folder / f"{number % FILES_PER_FOLDER:02d} Track {number}.wav"
        with wave.open(str(path), "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(8000)
            handle.writeframes(number.to_bytes(4, "little") * 50)
        paths.append(path)
    return paths


def insert_tracks(app: App, paths: list[Path]) -> None:
    """The tracks of paths as an earlier import left them: analysed and up to date."""
    now = datetime.now(UTC)
    tracks, analyses = [], []
    for path in paths:
        info = path.stat()
        track_id = new_id()
        tracks.append(
            {
                "id": track_id,
                "owner_id": app.local_user_id,
                "path": str(path),
                "folder": str(path.parent),
                "file_name": path.name,
                "file_size_bytes": info.st_size,
                "mtime_ns": info.st_mtime_ns,
                "file_format": "wav",
                "status": "ok",
                "duration_s": 0.0125,
                "scanned_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
        analyses.append(
            {
                "id": new_id(),
                "owner_id": app.local_user_id,
                "track_id": track_id,
                "algorithm": ANALYSIS_ALGORITHM,
                "algorithm_version": ANALYSIS_VERSION,
                "analyzed_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    with app.session() as session:
        session.execute(insert(Track), tracks)
        session.execute(insert(TrackAnalysis), analyses)


def museaud_rescan(app: App, root: Path) -> tuple[float, int]:
    """Seconds for run_import over an unchanged library, and how many it found unchanged."""
    start = time.perf_counter()
    summary = run_import(app, ImportOptions([root]))
    return time.perf_counter() - start, summary.unchanged


def plain_rescan(store_file: Path, owner_hex: str, root: Path) -> tuple[float, int]:
    """The plain way: os.walk, os.stat and one indexed sqlite3 query per file."""
    start = time.perf_counter()
    connection = sqlite3.connect(store_file)
    unchanged = 0
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if not name.lower().endswith(".wav"):
                continue
            path = os.path.join(folder, name)
            info = os.stat(path)
            row = connection.execute(
                "SELECT file_size_bytes, mtime_ns FROM tracks WHERE owner_id = ? AND path = ?",
                (owner_hex, path),
            ).fetchone()
            if row is not None and row == (info.st_size, info.st_mtime_ns):
                unchanged += 1
    connection.close()
    return time.perf_counter() - start, unchanged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="museaud-rescan-") as temp:
        base = Path(temp)
        music = base / "Music"
        music.mkdir()
        paths = write_files(music, args.files)
        home = base / "home"
        app = App.open(
            Paths(home / "data", home / "config", home / "cache", home / "logs").ensure()
        )
        try:
            insert_tracks(app, paths)
            museaud_times, peer_times = [], []
            for _run in range(args.runs):  # alternate, so both see the same cache state
                seconds, unchanged = museaud_rescan(app, music)
                assert unchanged == args.files, f"museaud found {unchanged} unchanged"
                museaud_times.append(seconds)
                seconds, unchanged = plain_rescan(
                    app.paths.store_file, app.local_user_id.hex, music
                )
                assert unchanged == args.files, f"the peer found {unchanged} unchanged"
                peer_times.append(seconds)
        finally:
            app.close()

    ours, theirs = statistics.median(museaud_times), statistics.median(peer_times)
    print(f"Rescan of {args.files:,} unchanged files, median of {args.runs} runs")
    print(f"{datetime.now(UTC):%Y-%m-%d}, {describe_machine()}")
    print()
    print("| rescan | median s | best s | files/s |")
    print("|---|---:|---:|---:|")
    print(
        f"| museaud (`run_import`: scandir + one query + set look-ups) | {ours:.3f} | "
        f"{min(museaud_times):.3f} | {args.files / ours:,.0f} |"
    )
    print(
        f"| plain peer (os.walk + os.stat + a sqlite3 query per file) | {theirs:.3f} | "
        f"{min(peer_times):.3f} | {args.files / theirs:,.0f} |"
    )
    print()
    verdict = "met" if ours < GOAL_S else "NOT met"
    print(f"museaud is {theirs / ours:.1f}x the peer's speed; goal < {GOAL_S:.0f} s: {verdict}")
    return 0 if ours < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
