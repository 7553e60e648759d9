"""Real damage to real store files: stores with tracks, then pages of a table overwritten."""

from __future__ import annotations

from pathlib import Path

from museaud.app import App
from museaud.library import records
from museaud.library.scan import Candidate
from museaud.store.base import utcnow
from museaud.store.database import sqlite_module


def add_tracks(app: App, count: int, folder: str = "/music") -> None:
    """count pending tracks with long paths (so the table spans many pages)."""
    candidates = [
        Candidate(f"{folder}/{'long-name-' * 8}{number:05d}.wav", 1000 + number, number, "wav")
        for number in range(count)
    ]
    with app.session() as session:
        records.insert_pending(session, app.local_user_id, candidates, {}, utcnow())


def table_pages(store_file: Path, table: str) -> list[int]:
    """The page numbers of a table's b-tree (from SQLite's dbstat)."""
    connection = sqlite_module().connect(str(store_file))
    try:
        rows = connection.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,)).fetchall()
    finally:
        connection.close()
    return sorted(row[0] for row in rows)


def damage_pages(store_file: Path, pages: list[int]) -> None:
    """Overwrite each page (numbered from 1) with garbage, as a failing disk might."""
    connection = sqlite_module().connect(str(store_file))
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with store_file.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * page_size)
            handle.write(bytes([0xA5, 0x5A]) * (page_size // 2))


def damage_table(store_file: Path, table: str = "tracks") -> None:
    """Every page of the table but its root (so the schema still opens) is garbage."""
    damage_pages(store_file, table_pages(store_file, table)[1:])
