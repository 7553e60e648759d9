"""The SQLite engine: driver choice, sqlite-vec, WAL, foreign keys and a busy timeout.

Transactions start with BEGIN IMMEDIATE: a writer takes the write lock up front, so SQLite's busy
handler lets it wait its turn (up to the busy timeout). A deferred BEGIN that reads first and then
writes cannot wait: when another writer got in between, SQLite refuses at once ("database is
locked"). Sessions that only read ask for a deferred BEGIN (`READ_ONLY` execution option): in WAL
mode readers never wait for writers, nor for each other.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlite_vec
from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "museaud_read_only"
"""Execution option: this connection only reads, so its transactions start deferred."""
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


def _configure_connection(dbapi_connection: Any, *, read_only: bool) -> None:
    """Per-connection set-up: load sqlite-vec, WAL, foreign keys, busy timeout."""
    dbapi_connection.enable_load_extension(True)
    sqlite_vec.load(dbapi_connection)
    dbapi_connection.enable_load_extension(False)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    if not read_only:  # the journal mode is stored in the file: setting it writes
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    cursor.close()


def _begin(conn: Any) -> None:
    """Open the transaction ourselves (the driver's implicit one is switched off below):
    IMMEDIATE, so writers queue for the lock, unless the connection only reads."""
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    conn.exec_driver_sql("BEGIN" if options.get(READ_ONLY) else "BEGIN IMMEDIATE")


def read_only_uri(path: Path) -> str:
    """A URI opening path without writing anything beside it.

    A cleanly closed store has no WAL, so it is opened immutable (no -wal/-shm files appear, and
    a read-only folder is no obstacle); after a crash the pending WAL must be read, so it is
    opened read-only instead.
    """
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    return f"{path.resolve().as_uri()}?{'mode=ro' if pending else 'immutable=1'}"


def sqlite_engine(path: Path, *, echo: bool = False, read_only: bool = False) -> Engine:
    """An engine for the SQLite file at path with museaud's connection settings; read_only
    opens the file without writing to it or beside it (every transaction deferred)."""
    url = f"sqlite:///{read_only_uri(path)}&uri=true" if read_only else f"sqlite:///{path}"
    engine = create_engine(
        url,
        module=sqlite_module(),
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    if read_only:
        engine.update_execution_options(**{READ_ONLY: True})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, connection_record: object) -> None:
        _configure_connection(dbapi_connection, read_only=read_only)

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
