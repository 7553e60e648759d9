"""Bring a store file to the schema this museaud knows: create, back up and upgrade, or refuse.

Opening an older store writes a backup copy first, then upgrades it in one transaction.
Opening a store written by a newer museaud changes nothing and says so.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from museaud.store.backup import make_backup
from museaud.store.database import read_only_uri

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class StoreError(RuntimeError):
    """The store file cannot be opened as it is; the message says what and where."""


class StoreDamagedError(StoreError):
    """The store file is damaged: SQLite cannot read all of it."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"the library file {path} is damaged (SQLite says: {detail}). Nothing more was "
            "written to it. Run `museaud backup restore` to go back to the newest good backup "
            "(the damaged file is kept beside it), or `museaud doctor --full` to see what is "
            "damaged; opening museaud offers the same."
        )
        self.path = path
        self.detail = detail


DAMAGE_MESSAGES = ("malformed", "file is not a database", "database corrupt", "disk i/o error")


def is_damage(error: BaseException) -> bool:
    """True when a (DB-API or SQLAlchemy) error says the file itself is damaged."""
    text = str(getattr(error, "orig", None) or error).lower()
    return any(message in text for message in DAMAGE_MESSAGES)


SQLITE_HEADER = b"SQLite format 3\x00"


class StoreTooNewError(StoreError):
    """The store was written by a newer museaud: it is left untouched."""


@dataclass(frozen=True)
class UpgradeReport:
    """What opening the store did: revisions before and after, and the backup if one was made."""

    from_revision: str | None
    to_revision: str
    backup_path: Path | None


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at museaud's migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this museaud knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StoreError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def known_revisions() -> set[str]:
    """Every revision this museaud can upgrade from."""
    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def stored_revision(path: Path) -> tuple[str | None, bool]:
    """Read the store's revision without changing the file: (revision, has any tables)."""
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        raise StoreError(f"cannot open the store {path}: {error}") from error
    except OSError as error:  # e.g. no permission to read it
        raise StoreError(f"cannot read the store {path}: {error.strerror}") from error
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "alembic_version" not in tables:
            return None, bool(tables)
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return (row[0] if row else None), True
    except sqlite3.DatabaseError as error:
        with path.open("rb") as handle:
            sqlite_file = handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
        if sqlite_file:
            raise StoreDamagedError(path, str(error)) from error
        raise StoreError(f"{path} is not a museaud store (SQLite says: {error})") from error
    finally:
        connection.close()


def check_openable(path: Path) -> tuple[str | None, bool]:
    """Refuse stores this museaud cannot open, before anything touches the file."""
    if not path.exists() or path.stat().st_size == 0:
        return None, False
    revision, has_tables = stored_revision(path)
    if revision is None and has_tables:
        raise StoreError(
            f"{path} holds tables but no museaud schema revision: it was not made by museaud. "
            "Nothing was changed; move it away or set MUSEAUD_HOME to use another folder."
        )
    if revision is not None and revision not in known_revisions():
        raise StoreTooNewError(
            f"{path} was written by a newer museaud (schema revision {revision}; this museaud "
            f"knows up to {head_revision()}). Nothing was changed: update museaud to open it."
        )
    return revision, has_tables


def upgrade(engine: Engine, path: Path, backup_dir: Path, *, target: str = "head") -> UpgradeReport:
    """Create or upgrade the store at path to target, backing up an existing older store first."""
    revision, has_tables = check_openable(path)
    wanted = head_revision() if target == "head" else target
    if revision == wanted:
        return UpgradeReport(revision, wanted, None)
    backup_path = make_backup(path, backup_dir, "before_migration").path if has_tables else None
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), target)
        current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        raise StoreError(f"upgrading {path} left no schema revision")
    return UpgradeReport(revision, current, backup_path)
