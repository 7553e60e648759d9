"""Full-text search with SQLite FTS5 over tracks, lyrics, projects and patterns.

Each index is an external-content FTS5 table kept in step with its source table by triggers,
keyed by the source row's rowid. VACUUM may renumber rowids of tables without an INTEGER
PRIMARY KEY, so `vacuum()` here rebuilds the indexes right after; never VACUUM another way.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class TextIndex:
    """An FTS5 index over some text columns of one table."""

    table: str
    columns: tuple[str, ...]
    prefixes: str = "2 3"
    """The lengths of word starts indexed for prefix search: a prefix of another length
    merges every word that starts with it, which costs milliseconds on a big table."""

    @property
    def name(self) -> str:
        """The FTS5 table's name: <table>_fts."""
        return f"{self.table}_fts"


TEXT_INDEXES: dict[str, TextIndex] = {
    index.table: index
    for index in (
        TextIndex(
            "tracks",
            ("title", "artist", "album", "genre", "comment", "notes", "tag_text", "mood_text"),
            "1 2 3 4",  # the library's search box searches as the first letters are typed
        ),
        TextIndex("lyrics", ("title", "content", "genre", "mood", "theme")),
        TextIndex("projects", ("name", "description")),
        TextIndex("patterns", ("title", "description", "flavor", "style")),
    )
}


def create_statements(index: TextIndex) -> list[str]:
    """SQL creating the FTS5 table, its triggers and filling it from existing rows."""
    cols = ", ".join(index.columns)
    new = ", ".join(f"new.{column}" for column in index.columns)
    old = ", ".join(f"old.{column}" for column in index.columns)
    fts, table = index.name, index.table
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='rowid', "
        f"tokenize='unicode61 remove_diacritics 2', prefix='{index.prefixes}')",
        f"CREATE TRIGGER {fts}_after_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END",
        f"CREATE TRIGGER {fts}_after_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END",
        f"CREATE TRIGGER {fts}_after_update AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def drop_statements(index: TextIndex) -> list[str]:
    """SQL removing the FTS5 table and its triggers."""
    fts = index.name
    return [
        f"DROP TRIGGER IF EXISTS {fts}_after_insert",
        f"DROP TRIGGER IF EXISTS {fts}_after_delete",
        f"DROP TRIGGER IF EXISTS {fts}_after_update",
        f"DROP TABLE IF EXISTS {fts}",
    ]


_WORD = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word must match, the last as prefix.

    Quotes and operators are not passed through, so any text is a valid search.
    """
    words = _WORD.findall(query)
    if not words:
        return None
    terms = [f'"{word}"' for word in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(terms)


def search(session: Session, table: str, query: str, *, limit: int = 200) -> list[uuid.UUID]:
    """Ids of the rows of table whose text matches query, best match first."""
    index = TEXT_INDEXES[table]
    expression = match_expression(query)
    if expression is None:
        return []
    rows = session.execute(
        text(
            f"SELECT {table}.id FROM {index.name} "
            f"JOIN {table} ON {table}.rowid = {index.name}.rowid "
            f"WHERE {index.name} MATCH :expression ORDER BY bm25({index.name}) LIMIT :limit"
        ),
        {"expression": expression, "limit": limit},
    ).scalars()
    return [value if isinstance(value, uuid.UUID) else uuid.UUID(hex=str(value)) for value in rows]


def rebuild(connection: Connection, tables: Sequence[str] | None = None) -> None:
    """Rebuild FTS5 indexes from their source tables."""
    for table in tables or list(TEXT_INDEXES):
        fts = TEXT_INDEXES[table].name
        connection.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def optimize(connection: Connection, tables: Sequence[str]) -> None:
    """Merge the text indexes' segments after bulk writes (an index grown row by row is larger and
    2-3x slower to search) and let SQLite refresh the statistics its planner chooses indexes by."""
    for table in tables:
        fts = TEXT_INDEXES[table].name
        connection.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
    connection.exec_driver_sql("PRAGMA optimize")


def vacuum(engine: Engine) -> None:
    """VACUUM the store, then rebuild the text indexes whose rowids it may have renumbered."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")
    with engine.begin() as connection:
        rebuild(connection)
