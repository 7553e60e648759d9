"""Rebuild a damaged store from the rows SQLite can still read: indexes, text indexes, vectors.

Damage in an index, a text index (FTS5) or a vector table (sqlite-vec) leaves the rows whole,
and everything in those structures can be made again from them. The rebuild copies every table
into a new file, then makes the indexes and triggers afresh and rebuilds the text indexes; the
new file replaces the store only when it passes the full check, and the damaged one is kept
beside it (`museaud.sqlite.damaged-<UTC time>`). Damage in the rows of a table cannot be undone
this way: the rebuild then stops, changes nothing, and names the table (restore a backup).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_vec

from museaud.store import text
from museaud.store.backup import integrity_problems
from museaud.store.database import read_only_uri, sqlite_module


def _connect(path: Path) -> Any:
    connection = sqlite_module().connect(str(path), uri=True, isolation_level=None)
    connection.enable_load_extension(True)
    sqlite_vec.load(connection)
    connection.enable_load_extension(False)
    return connection


def rebuild_derived(store_file: Path) -> list[str]:
    """Rebuild the store at store_file from its rows; returns what is still wrong (empty when
    the rebuilt store is whole and in place)."""
    target = store_file.with_name(store_file.name + ".rebuilding")
    target.unlink(missing_ok=True)
    connection = _connect(target)
    try:
        problem = _copy(connection, store_file)
    finally:
        connection.close()
    problems = [problem] if problem else integrity_problems(target, full=True)
    if problems:
        target.unlink(missing_ok=True)
        return problems
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = store_file.with_name(f"{store_file.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = store_file.with_name(store_file.name + suffix)
        if part.exists():
            os.replace(part, aside.with_name(aside.name + suffix))
    os.replace(target, store_file)
    return []


def _copy(connection: Any, store_file: Path) -> str | None:
    """Schema and rows of store_file into the empty database of connection; the problem, if any."""
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("ATTACH DATABASE ? AS old", (read_only_uri(store_file),))
    try:
        kinds = {
            row[1]: row[2] for row in connection.execute("PRAGMA old.table_list") if row[0] == "old"
        }
        schema = connection.execute(
            "SELECT type, name, sql FROM old.sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
        ).fetchall()
    except Exception as error:  # the driver's own DatabaseError
        return f"the list of tables itself is damaged ({error}): restore a backup"
    tables = [
        (name, sql)
        for kind, name, sql in schema
        if kind == "table" and kinds.get(name) in ("table", "virtual")
    ]
    connection.execute("BEGIN")
    for name, sql in tables:
        if not name.startswith("sqlite_"):  # SQLite makes its own (sqlite_sequence) as needed
            connection.execute(sql)
    for name, _sql in tables:
        if name.startswith("sqlite_") and name != "sqlite_sequence":
            continue  # the planner's statistics: PRAGMA optimize makes them again
        if kinds[name] == "virtual" and name in _text_index_names():
            continue  # rebuilt from its table below
        try:
            connection.execute(f'INSERT INTO main."{name}" SELECT * FROM old."{name}"')
        except Exception as error:
            connection.execute("ROLLBACK")
            return f"rows of the table {name} are damaged ({error}): restore a backup"
    for kind, _name, sql in schema:
        if kind in ("index", "trigger", "view"):
            connection.execute(sql)
    version = connection.execute("PRAGMA old.user_version").fetchone()[0]
    connection.execute(f"PRAGMA user_version = {int(version)}")
    for table in text.TEXT_INDEXES:
        fts = text.TEXT_INDEXES[table].name
        connection.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    connection.execute("COMMIT")
    connection.execute("DETACH DATABASE old")
    return None


def _text_index_names() -> set[str]:
    return {index.name for index in text.TEXT_INDEXES.values()}
