"""Benchmark: memory over a 10,000-file import stays flat (no growth per track).

Goal (issue 3): memory stays flat over a 10,000-file import. The import streams: files go to
the worker processes a few at a time, results are written a batch (one transaction) at a time
and dropped. This prints the resident memory (RSS) of the importing process, and of its worker
processes together, every 1,000 files, then the growth from the first 1,000 to the end.

RSS is shown in its two parts (from /proc): anonymous memory (the heap: Python objects, numpy
buffers, SQLite's page cache), which is what must stay flat, and file-backed memory, which is
mostly the store file itself mapped by SQLite's memory-mapped I/O: it grows with the file, is
shared with the OS page cache and is given back under memory pressure, so it is not a leak.

    .venv/bin/python benchmarks/import_memory.py [--files 10000] [--workers N]

The files are tiny (0.6 s of noise, each different), so the run measures the pipeline rather
than the analysis of long tracks; it builds them in a temporary folder and a fresh store.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import wave
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from machine import describe_machine
from museaud.app import App
from museaud.library.importer import ImportOptions, ImportProgress, run_import
from museaud.library.pool import default_workers
from museaud.paths import Paths

REPORT_EVERY = 1000
SAMPLE_RATE = 8000
SECONDS = 0.6
FLAT_MIB = 10.0  # growth allowed from the first report to the last (caches warming up)


def write_files(root: Path, count: int) -> None:
    """count different 0.6 s noise bursts as 16-bit wavs, a hundred to a folder."""
    rng = np.random.default_rng(3)
    frames = round(SAMPLE_RATE * SECONDS)
    for number in range(count):
        folder = root / f"Pack {number // 100:03d}"
        folder.mkdir(exist_ok=True)
        samples = (rng.standard_normal(frames) * 3000).astype("<i2")
        with wave.open(str(folder / f"hit {number:05d}.wav"), "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(SAMPLE_RATE)
            handle.writeframes(samples.tobytes())


def rss_kib(pid: int, kind: str = "VmRSS") -> int:
    """Resident memory of one process in KiB (VmRSS, RssAnon or RssFile; 0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith(f"{kind}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(root: int) -> list[int]:
    """The pids of every process below root (the forkserver and its workers)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return found


class MemoryProbe:
    """A progress callback noting RSS every REPORT_EVERY files analysed."""

    def __init__(self) -> None:
        self.next_report = REPORT_EVERY
        self.rows: list[tuple[int, float, float, float, float]] = []
        self.started = time.monotonic()

    def __call__(self, progress: ImportProgress) -> None:
        if progress.phase != "analysing" or progress.done < self.next_report:
            return
        self.next_report += REPORT_EVERY
        pid = os.getpid()
        heap = rss_kib(pid, "RssAnon") / 1024
        mapped = rss_kib(pid, "RssFile") / 1024
        workers = sum(rss_kib(child, "RssAnon") for child in descendants(pid)) / 1024
        self.rows.append((progress.done, heap, mapped, workers, time.monotonic() - self.started))
        print(
            f"  {progress.done:>6,} files  heap {heap:6.1f} MiB  file-backed {mapped:6.1f} MiB  "
            f"workers' heap {workers:6.1f} MiB",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="museaud-import-memory-") as temp:
        base = Path(temp)
        music = base / "Samples"
        music.mkdir()
        write_files(music, args.files)
        home = base / "home"
        app = App.open(
            Paths(home / "data", home / "config", home / "cache", home / "logs").ensure()
        )
        probe = MemoryProbe()
        print(f"importing {args.files:,} files with {args.workers} workers …", flush=True)
        try:
            summary = run_import(
                app,
                ImportOptions([music], workers=args.workers, worker_log=home / "analysis.log"),
                probe,
            )
        finally:
            app.close()

    assert summary.new == args.files, summary.counts_line()
    print()
    print(f"Import of {args.files:,} files, RSS every {REPORT_EVERY:,} files")
    print(f"{datetime.now(UTC):%Y-%m-%d}, {describe_machine()}, {args.workers} workers")
    print()
    print(
        "| files analysed | importer heap (RssAnon) MiB | importer file-backed (RssFile) MiB "
        "| workers' heap, all (RssAnon) MiB | elapsed s |"
    )
    print("|---:|---:|---:|---:|---:|")
    for done, heap, mapped, workers, elapsed in probe.rows:
        print(f"| {done:,} | {heap:.1f} | {mapped:.1f} | {workers:.1f} | {elapsed:.0f} |")
    first, last = probe.rows[0], probe.rows[-1]
    growth = last[1] - first[1]
    per_track = growth * 1024 * 1024 / max(last[0] - first[0], 1)
    print()
    verdict = "flat" if growth < FLAT_MIB else "NOT flat"
    print(
        f"importer heap {growth:+.1f} MiB from {first[0]:,} to {last[0]:,} files "
        f"({per_track:+.0f} bytes per track): {verdict}; workers' heap "
        f"{last[3] - first[3]:+.1f} MiB; file-backed {last[2] - first[2]:+.1f} MiB (the store "
        f"file, mapped); {summary.elapsed_s:.0f} s in all ({args.files / summary.elapsed_s:.0f} "
        "files/s)"
    )
    return 0 if growth < FLAT_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
