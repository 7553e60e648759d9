"""Benchmark: playlists on the 100,000-track library (issue 11).

Goals: a smart playlist refreshes in under 50 ms; adding 1,000 tracks to a playlist and moving
one entry to the top each take under 100 ms; a 10,000-entry playlist opens (its entries in
order with their rows) in under 200 ms: timed as a lazy view opens it (the count and the first
page of 200 rows, as the library view does) and as reading all 10,000 rows at once. museaud
goes through `museaud.playlists` (fractional position keys, rows built by
`library.search.rows_for_keys`), each write one committed transaction. The peer does the same
work on the same store file in plain sqlite3: entries with integer positions, UNIQUE
(playlist_id, position), so a move to the top renumbers the entries above it, and a smart
playlist as one straightforward SELECT on the same columns.

    .venv/bin/python benchmarks/playlists.py [--tracks 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from big_library import build_big_library
from machine import describe_machine
from museaud.app import App
from museaud.library.query import ALL_KEYS, camelot_order
from museaud.music.keys import Key, are_neighbours
from museaud.paths import Paths
from museaud.playlists import service
from museaud.playlists.smart import create_smart_playlist, smart_rows
from museaud.store.models.playlists import Playlist

GOALS_MS = {"smart": 50.0, "add": 100.0, "move": 100.0, "open": 200.0}
OPEN_SIZE = 10_000
ADD_SIZE = 1_000
PAGE = 200

PEER_SCHEMA = """
CREATE TABLE IF NOT EXISTS peer_entries (
    id INTEGER PRIMARY KEY, playlist_id INTEGER NOT NULL, track_rowid INTEGER NOT NULL,
    position INTEGER NOT NULL, notes TEXT, rating INTEGER, UNIQUE (playlist_id, position)
)
"""
PEER_OPEN = (
    "SELECT e.id, e.position, e.notes, e.rating, t.id, t.path, t.title, t.artist, t.album, "
    "t.genre, t.year, t.duration_s, t.status, t.rating, t.play_count, t.effective_bpm, "
    "t.effective_key, t.analysis_energy, a.key_confidence, a.loudness_lufs "
    "FROM peer_entries e JOIN tracks t ON t.rowid = e.track_rowid "
    "LEFT JOIN track_analysis a ON a.track_id = t.id "
    "WHERE e.playlist_id = ? ORDER BY e.position LIMIT ?"
)
SMART_QUERY = "bpm:=120-128 key:~Am genre:house"


def _best_ms(work: Callable[[], Any], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def _peer_open(connection: sqlite3.Connection, limit: int | None) -> list[Any]:
    connection.execute("SELECT count(*) FROM peer_entries WHERE playlist_id = 1").fetchone()
    return connection.execute(PEER_OPEN, (1, -1 if limit is None else limit)).fetchall()


def _peer_smart(connection: sqlite3.Connection) -> list[Any]:
    minor_a = Key.parse("Am")
    orders = [camelot_order(key) for key in ALL_KEYS if are_neighbours(minor_a, key)]
    return connection.execute(
        "SELECT t.rowid, t.id, t.path, t.title, t.artist, t.genre, t.effective_bpm, "
        "t.effective_key, t.duration_s, t.rating FROM tracks t "
        "WHERE lower(t.genre) = 'house' AND t.effective_bpm BETWEEN 120 AND 128 "
        f"AND t.effective_key IN ({','.join(map(str, orders))}) AND t.is_hidden = 0 "
        "ORDER BY t.created_at DESC, t.rowid DESC LIMIT 50"
    ).fetchall()


def _peer_top(connection: sqlite3.Connection) -> list[Any]:
    return connection.execute(
        "SELECT t.rowid, t.id, t.path, t.title, t.artist, t.genre, t.effective_bpm, "
        "t.effective_key, t.duration_s, t.rating FROM tracks t WHERE t.is_hidden = 0 "
        "ORDER BY t.rating DESC, t.rowid DESC LIMIT 50"
    ).fetchall()


def _peer_add(connection: sqlite3.Connection, playlist: int, rowids: list[int]) -> None:
    (last,) = connection.execute(
        "SELECT coalesce(max(position), -1) FROM peer_entries WHERE playlist_id = ?", (playlist,)
    ).fetchone()
    connection.executemany(
        "INSERT INTO peer_entries (playlist_id, track_rowid, position) VALUES (?, ?, ?)",
        [(playlist, rowid, last + 1 + index) for index, rowid in enumerate(rowids)],
    )
    connection.commit()


def _peer_move_to_top(connection: sqlite3.Connection, playlist: int) -> None:
    """Move the last entry to position 0: every entry above it moves down one (in two steps,
    as the UNIQUE positions are checked row by row)."""
    entry, position = connection.execute(
        "SELECT id, position FROM peer_entries WHERE playlist_id = ? ORDER BY position DESC "
        "LIMIT 1",
        (playlist,),
    ).fetchone()
    connection.execute(
        "UPDATE peer_entries SET position = -position - 1 WHERE playlist_id = ? AND position < ?",
        (playlist, position),
    )
    connection.execute("UPDATE peer_entries SET position = 0 WHERE id = ?", (entry,))
    connection.execute(
        "UPDATE peer_entries SET position = -position WHERE playlist_id = ? AND position < 0",
        (playlist,),
    )
    connection.commit()


def main() -> None:
    """Time each operation in museaud and in the peer, and print them side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="museaud-playlists-"))
    paths = Paths(home / "data", home / "config", home / "cache", home / "logs")
    build_big_library(paths, args.tracks)
    print(describe_machine())
    print(f"{args.tracks:,} tracks; best of {args.runs} runs\n")
    peer = sqlite3.connect(paths.store_file, timeout=30)
    peer.execute(PEER_SCHEMA)
    peer.commit()
    rowids = [row[0] for row in peer.execute("SELECT rowid FROM tracks ORDER BY rowid")]
    results: list[tuple[str, str, float, float]] = []

    with App.open(paths) as app:
        with app.session() as session:
            ids = [
                uuid.UUID(hex=row[0])
                for row in session.connection().exec_driver_sql(
                    "SELECT id FROM tracks ORDER BY rowid"
                )
            ]
            smart = create_smart_playlist(
                session, "House in Am", SMART_QUERY, sort="added", descending=True, limit=50
            )
            top = create_smart_playlist(
                session, "Top 50", "", sort="rating", descending=True, limit=50
            )
            big = service.create_playlist(session, "Ten thousand")
            service.add_tracks(session, big.id, ids[:OPEN_SIZE])
            growing = service.create_playlist(session, "Growing")
        _peer_add(peer, 1, rowids[:OPEN_SIZE])

        def refresh(playlist_id: uuid.UUID) -> Callable[[], Any]:
            def work() -> None:
                with app.session() as session:
                    playlist = session.get(Playlist, playlist_id)
                    assert playlist is not None
                    assert smart_rows(session, playlist)

            return work

        results.append(
            (
                "smart",
                f"refresh {SMART_QUERY!r}, newest first, 50",
                _best_ms(refresh(smart.id), args.runs),
                _best_ms(lambda: _peer_smart(peer), args.runs),
            )
        )
        results.append(
            (
                "smart",
                "refresh top 50 by rating",
                _best_ms(refresh(top.id), args.runs),
                _best_ms(lambda: _peer_top(peer), args.runs),
            )
        )

        offset = [OPEN_SIZE]

        def add() -> None:
            start = offset[0]
            offset[0] += ADD_SIZE
            with app.session() as session:
                service.add_tracks(session, growing.id, ids[start : start + ADD_SIZE])

        peer_offset = [OPEN_SIZE]

        def peer_add() -> None:
            start = peer_offset[0]
            peer_offset[0] += ADD_SIZE
            _peer_add(peer, 2, rowids[start : start + ADD_SIZE])

        results.append(
            (
                "add",
                f"add {ADD_SIZE:,} tracks",
                _best_ms(add, args.runs),
                _best_ms(peer_add, args.runs),
            )
        )

        def move() -> None:
            with app.session() as session:
                (last,) = service.entry_ids_at(session, big.id, [OPEN_SIZE])
                service.move_entry(session, big.id, last, 0)

        results.append(
            (
                "move",
                f"move the last of {OPEN_SIZE:,} to the top",
                _best_ms(move, args.runs),
                _best_ms(lambda: _peer_move_to_top(peer, 1), args.runs),
            )
        )

        def open_big() -> None:  # as a lazy view opens it: the count and the first page
            with app.session() as session:
                assert service.entry_count(session, big.id) == OPEN_SIZE
                assert len(service.entry_rows(session, big.id, limit=PAGE)) == PAGE

        def read_all() -> None:
            with app.session() as session:
                assert len(service.entry_rows(session, big.id)) == OPEN_SIZE

        results.append(
            (
                "open",
                f"open {OPEN_SIZE:,} entries: count + first {PAGE} rows",
                _best_ms(open_big, args.runs),
                _best_ms(lambda: _peer_open(peer, PAGE), args.runs),
            )
        )
        results.append(
            (
                "open",
                f"read all {OPEN_SIZE:,} entries with rows",
                _best_ms(read_all, args.runs),
                _best_ms(lambda: _peer_open(peer, None), args.runs),
            )
        )
    peer.close()

    print(f"{'work':<52} {'museaud':>10} {'sqlite3':>10} {'ratio':>7} {'goal':>8}")
    for goal, name, ours, theirs in results:
        ratio, peer_text = f"{ours / theirs:.2f}", f"{theirs:.1f} ms"
        mark = "ok" if ours < GOALS_MS[goal] else "MISSED"
        print(
            f"{name:<52} {ours:>7.1f} ms {peer_text:>10} {ratio:>7} "
            f"{GOALS_MS[goal]:>5.0f} ms {mark}"
        )


if __name__ == "__main__":
    main()
