# ruff: noqa: E402 - the BLAS thread count is set before numpy is imported
"""Benchmark: top-10 similar tracks at 1,000, 10,000 and 100,000 tracks, against the peers.

Goal (issue 4): the 10 tracks most similar to one found in under 5 ms on a 100,000-track
library. museaud's `similar_tracks` (an in-process faiss copy of `track_vectors`, the check
that it is in step, the hidden-track filter and the rows from SQLite) is measured beside the
two plain ways to do the same work: a numpy brute-force scan of the vectors held in memory,
and sqlite-vec's own k-nearest query on the table (`store.vectors.nearest`), each followed by
the same rows; and each search alone. Same run, same store, same query tracks.

    .venv/bin/python benchmarks/library_similar.py [--sizes 1000 10000 100000] [--queries 300]

The libraries come from benchmarks/big_library.py (built once, then copied).
"""

from __future__ import annotations

import os

# The numpy peer gets its best: one BLAS thread (a single query's product is too small to split,
# and on a loaded machine threads wait for each other). Set before numpy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy import text

from big_library import build_big_library
from machine import describe_machine
from museaud.app import App
from museaud.library.records import TRACK_VECTORS
from museaud.library.similarity import TrackVectorIndex, similar_tracks, track_index
from museaud.library.tracks import track_rows_by_id
from museaud.paths import Paths
from museaud.store import vectors

K = 10
GOAL_MS = 5.0


def timed(action: Callable[[int], object], runs: int) -> tuple[float, float, float]:
    """Median and 99th percentile wall time and median CPU time of action(i) over runs calls,
    in milliseconds (CPU time: this process's own work, less swayed by a busy machine)."""
    action(0)
    walls, cpus = [], []
    for index in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        action(index)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    ordered = sorted(walls)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000.0, p99 * 1000.0, statistics.median(cpus) * 1000.0


def numpy_top(matrix: npt.NDArray[np.float32], query: npt.NDArray[np.float32]) -> list[int]:
    """The peer: cosine similarity to every row (unit rows), the K+1 best, sorted."""
    similarity = matrix @ query
    best = np.argpartition(-similarity, K + 1)[: K + 1]
    return [int(i) for i in best[np.argsort(-similarity[best])]]


def measure(size: int, queries: int, root: Path) -> dict[str, object]:
    """Every figure for one library size."""
    home = root / f"library-{size}"
    paths = Paths(home / "data", home / "config", home / "cache", home / "logs")
    build_big_library(paths, size)
    figures: dict[str, object] = {}
    with App.open(paths) as app, app.session() as session:
        read = session.execute(text(f"SELECT entity_id, embedding FROM {TRACK_VECTORS.table}"))
        stored = {str(entity): np.frombuffer(blob, np.float32) for entity, blob in read}
        ids = list(stored)
        matrix = np.stack([stored[entity] for entity in ids])
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        rng = np.random.default_rng(4)
        picks = [int(i) for i in rng.choice(len(ids), size=queries, replace=False)]
        seeds = [uuid.UUID(hex=ids[i]) for i in picks]

        started = time.perf_counter()
        TrackVectorIndex().refresh(session.connection())
        figures["index build (first search), ms"] = (time.perf_counter() - started) * 1000.0
        index = track_index(session)

        def numpy_similar(i: int) -> object:
            pick = picks[i % queries]
            nearest = [uuid.UUID(hex=ids[j]) for j in numpy_top(matrix, matrix[pick]) if j != pick]
            return track_rows_by_id(session, nearest[:K])

        def sqlite_vec_similar(i: int) -> object:
            seed = seeds[i % queries]
            found = vectors.nearest(session, TRACK_VECTORS, matrix[picks[i % queries]], K + 1)
            return track_rows_by_id(session, [entity for entity, _ in found if entity != seed][:K])

        few = max(30, queries // 5)  # sqlite-vec is slow at 100,000: fewer runs
        figures["museaud similar_tracks: top 10 rows"] = timed(
            lambda i: similar_tracks(session, seeds[i % queries], k=K), queries
        )
        figures["numpy brute force + the same rows"] = timed(numpy_similar, queries)
        figures["sqlite-vec knn query + the same rows"] = timed(sqlite_vec_similar, few)
        figures["museaud similar_tracks --compatible --bpm-within 6"] = timed(
            lambda i: similar_tracks(
                session, seeds[i % queries], k=K, compatible_key=True, bpm_within=6.0
            ),
            queries,
        )
        figures["search alone: museaud's faiss index"] = timed(
            lambda i: index.nearest(matrix[picks[i % queries]], K + 1), queries
        )
        figures["search alone: numpy brute force"] = timed(
            lambda i: numpy_top(matrix, matrix[picks[i % queries]]), queries
        )
        figures["search alone: sqlite-vec knn query"] = timed(
            lambda i: vectors.nearest(session, TRACK_VECTORS, matrix[picks[i % queries]], K + 1),
            few,
        )

        agree, checked = 0, picks[:50]
        for i in checked:
            seed = ids[i]
            by_numpy = [ids[j] for j in numpy_top(matrix, matrix[i]) if ids[j] != seed][:K]
            by_vec = [
                found.hex
                for found, _ in vectors.nearest(session, TRACK_VECTORS, matrix[i], K + 1)
                if found.hex != seed
            ][:K]
            by_museaud = [
                row["id"].replace("-", "")
                for row in similar_tracks(session, uuid.UUID(hex=seed), k=K, include_hidden=True)
            ]
            agree += by_numpy == by_vec == by_museaud
        figures["query tracks whose top 10 agree (museaud, numpy, sqlite-vec)"] = (
            f"{agree} of {len(checked)}"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="museaud-similar-") as folder:
        results = {size: measure(size, args.queries, Path(folder)) for size in args.sizes}
    print(
        f"Top-{K} similar tracks, {args.queries} queries per size "
        "(ms: median wall / p99 wall / median CPU)"
    )
    print(f"{datetime.now(UTC):%Y-%m-%d}, {describe_machine()}")
    print()
    sizes = list(results)
    print("| | " + " | ".join(f"{size:,} tracks" for size in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for name in results[sizes[0]]:
        cells = []
        for size in sizes:
            value = results[size][name]
            if isinstance(value, tuple):
                cells.append(" / ".join(f"{part:.2f}" for part in value))
            elif isinstance(value, float):
                cells.append(f"{value:.1f}")
            else:
                cells.append(str(value))
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    for size in sizes:
        figures = results[size]
        ours, brute, vec = (
            figures[name]
            for name in (
                "museaud similar_tracks: top 10 rows",
                "numpy brute force + the same rows",
                "sqlite-vec knn query + the same rows",
            )
        )
        assert isinstance(ours, tuple) and isinstance(brute, tuple) and isinstance(vec, tuple)
        verdict = "met" if ours[0] < GOAL_MS else "NOT met"
        print(
            f"{size:,} tracks: museaud {ours[0]:.2f} ms wall ({ours[2]:.2f} ms CPU); "
            f"numpy takes {brute[0] / ours[0]:.1f}x as long, sqlite-vec {vec[0] / ours[0]:.1f}x "
            f"(median wall); goal < {GOAL_MS:.0f} ms: {verdict}  "
        )


if __name__ == "__main__":
    main()
