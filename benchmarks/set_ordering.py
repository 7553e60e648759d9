"""Benchmark: order a 30-track set chosen from 10,000 candidates, against random and greedy.

Goal (issue 11): a 30-track set chosen from 10,000 candidates in under 1 s, with at least 90 %
of transitions Camelot-compatible (same key, +1/-1, relative) and 95 % within 6 % tempo
change. The same 30 tracks are shown in a random order and in the greedy nearest-neighbour
order (always the best-mixing next track, from the same opener). A second table orders 30
tracks drawn at random from the crate (a playlist nobody planned): random, greedy from each
opener's best, and `order_for_mixing`.

    .venv/bin/python benchmarks/set_ordering.py [--candidates 10000] [--sets 5] [--arc build]

The crate follows benchmarks/big_library.py's genre mix (tempo centres and spreads, minor
shares, half/double tempo readings); energy rises with genre tempo and varies per track;
artists are Zipf-distributed, so some have dozens of tracks.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable

import numpy as np

from big_library import GENRES
from machine import describe_machine
from museaud.music.keys import Key
from museaud.playlists.ordering import (
    ARCS,
    SetOrder,
    SetTrack,
    choose_set,
    greedy_order,
    order_for_mixing,
    set_summary,
)


def crate(count: int, seed: int) -> list[SetTrack]:
    """count tracks with tempo, key, energy and artist spread as in a real DJ library."""
    rng = np.random.default_rng(seed)
    names = list(GENRES)
    shares = np.array([GENRES[name][0] for name in names])
    artists = [f"artist {number}" for number in range(count // 5)]
    zipf = 1.0 / np.arange(1, len(artists) + 1)
    tracks = []
    for number in range(count):
        genre = names[int(rng.choice(len(names), p=shares / shares.sum()))]
        _share, centre, spread, low, high, minor_share, odd_tempo = GENRES[genre]
        bpm = float(np.clip(rng.normal(centre, spread), low, high))
        if rng.random() < odd_tempo:
            bpm *= 2.0 if bpm < 100 else 0.5
        scale = "minor" if rng.random() < minor_share else "major"
        energy = float(np.clip(rng.beta(4, 3) * 0.6 + (centre - 80) / 240, 0.0, 1.0))
        tracks.append(
            SetTrack(
                track_id=uuid.UUID(int=number),
                title=f"{genre} {number}",
                artist=artists[int(rng.choice(len(artists), p=zipf / zipf.sum()))],
                bpm=round(bpm, 2),
                key=Key(int(rng.integers(12)), scale),
                energy=round(energy, 3),
            )
        )
    return tracks


def timed(work: Callable[[], SetOrder]) -> tuple[SetOrder, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def row(
    method: str, seconds: float | None, tracks: list[SetTrack], arc: str, cost: float | None = None
) -> list[str]:
    summary = set_summary(tracks, arc=arc)
    jump = summary.largest_tempo_jump_pct
    return [
        method,
        "-" if seconds is None else f"{seconds * 1000:.0f} ms",
        f"{summary.compatible_share:.0%}",
        f"{summary.within_tempo_share:.0%}",
        "-" if jump is None else f"{jump:.1f} %",
        "-" if summary.arc_deviation is None else f"{summary.arc_deviation:.3f}",
        str(summary.artist_repeats),
        *([] if cost is None else [f"{cost:.2f}"]),
    ]


def table(rows: list[list[str]]) -> None:
    header = ["method", "time", "% compatible", "% within 6%", "largest jump", "arc dev.", "artist"]
    if any(len(r) > len(header) for r in rows):  # the search's cost, where it compares
        header.append("cost")
        rows = [r if len(r) == len(header) else [*r, "-"] for r in rows]
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    for line in [header, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=30)
    parser.add_argument("--sets", type=int, default=5, help="crates (seeds) to run")
    parser.add_argument("--arc", choices=ARCS, default="build")
    options = parser.parse_args()
    print(f"set ordering benchmark: {describe_machine()}")
    arc, size = options.arc, options.size
    chosen_times, chosen_rows, shuffled_rows = [], [], []
    for seed in range(options.sets):
        tracks = crate(options.candidates, seed)
        chosen, seconds = timed(lambda: choose_set(tracks, size, arc=arc, seed=seed))  # noqa: B023
        chosen_times.append(seconds)
        picked = list(chosen.tracks)
        shuffled = [picked[i] for i in np.random.default_rng(seed).permutation(len(picked))]
        greedy, greedy_seconds = timed(lambda: greedy_order(picked, arc=arc))  # noqa: B023
        chosen_rows += [
            row(f"set {seed}: random order", None, shuffled, arc),
            row(f"set {seed}: greedy", greedy_seconds, list(greedy.tracks), arc),
            row(f"set {seed}: choose_set", seconds, picked, arc),
        ]
        drawn = [tracks[i] for i in np.random.default_rng(seed + 1000).choice(len(tracks), size)]
        best_greedy = min(
            (greedy_order(drawn, arc=arc, first=first) for first in range(len(drawn))),
            key=lambda order: order.cost,
        )
        ordered, ordered_seconds = timed(lambda: order_for_mixing(drawn, arc=arc, seed=seed))  # noqa: B023
        shuffled_rows += [
            row(f"draw {seed}: as drawn", None, drawn, arc),
            row(f"draw {seed}: best greedy", None, list(best_greedy.tracks), arc, best_greedy.cost),
            row(
                f"draw {seed}: order_for_mixing",
                ordered_seconds,
                list(ordered.tracks),
                arc,
                ordered.cost,
            ),
        ]
    print(f"\n{size} tracks chosen from {options.candidates:,} candidates, arc {arc!r}:")
    table(chosen_rows)
    print(f"\n{size} tracks drawn at random from the crate, reordered (cost: what is minimised):")
    table(shuffled_rows)
    print(
        f"\nchoose_set time: median {statistics.median(chosen_times) * 1000:.0f} ms, "
        f"max {max(chosen_times) * 1000:.0f} ms over {len(chosen_times)} crates"
    )


if __name__ == "__main__":
    main()
