"""The SQLite engine: driver choice, sqlite-vec, WAL, foreign keys and a busy timeout."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlite_vec
from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000
MMAP_BYTES = 256 * 1024 * 1024
"""Read the store through memory mapping: vector scans (sqlite-vec reads every chunk of a table)
run about twice as fast as through SQLite's pager."""


def sqlite_module() -> ModuleType:
    """The DB-API module to use: stdlib sqlite3 if it can load extensions, else sqlean-py."""
    if hasattr(sqlite3.Connection, "enable_load_extension"):
        probe = sqlite3.connect(":memory:")
        try:
            probe.enable_load_extension(True)
            sqlite_vec.load(probe)
            return sqlite3
        except (AttributeError, sqlite3.OperationalError):
            pass
        finally:
            probe.close()
    import sqlean  # noqa: PLC0415 - only needed where the stdlib cannot load extensions

    return sqlean  # type: ignore[no-any-return]


def _configure_connection(dbapi_connection: Any, connection_record: object) -> None:
    """Per-connection set-up: load sqlite-vec, WAL, foreign keys, busy timeout."""
    dbapi_connection.enable_load_extension(True)
    sqlite_vec.load(dbapi_connection)
    dbapi_connection.enable_load_extension(False)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    cursor.close()


def _begin(conn: Any) -> None:
    """Open the transaction ourselves: the driver's implicit one is switched off below."""
    if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        conn.exec_driver_sql("BEGIN")


def sqlite_engine(path: Path, *, echo: bool = False) -> Engine:
    """An engine for the SQLite file at path with museaud's connection settings."""
    engine = create_engine(
        f"sqlite:///{path}",
        module=sqlite_module(),
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _configure_connection)

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, connection_record: object) -> None:
        # pysqlite's implicit BEGIN breaks SAVEPOINTs and DDL in transactions.
        dbapi_connection.isolation_level = None

    event.listen(engine, "begin", _begin)
    return engine


def sqlite_features(engine: Engine) -> dict[str, str | bool]:
    """What this engine's SQLite offers: versions of SQLite and sqlite-vec, FTS5 present."""
    with engine.connect() as connection:
        sqlite_version = connection.exec_driver_sql("SELECT sqlite_version()").scalar_one()
        vec_version = connection.exec_driver_sql("SELECT vec_version()").scalar_one()
        fts5 = bool(
            connection.exec_driver_sql(
                "SELECT sqlite_compileoption_used('ENABLE_FTS5')"
            ).scalar_one()
        )
    return {
        "driver": sqlite_module().__name__,
        "sqlite_version": str(sqlite_version),
        "sqlite_vec_version": str(vec_version),
        "fts5": fts5,
    }
