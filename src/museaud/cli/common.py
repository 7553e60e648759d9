"""What museaud subcommands share: JSON output, errors that say what and where, id prefixes."""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import InstrumentedAttribute, Session

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran but some of its work failed (some files, an unknown id)
EXIT_USAGE = 2  # bad arguments, or nothing at all could be done


class CommandError(Exception):
    """A failure to report as one line on stderr with an exit status, never a traceback."""

    def __init__(self, message: str, status: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.status = status


def print_json(value: Any) -> None:
    """Print value as indented JSON (UUIDs, dates and paths as strings)."""
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def warn(message: str) -> None:
    """A message for the person at the terminal, on stderr."""
    print(message, file=sys.stderr)


def printable(text: str) -> str:
    """text for one line of a table: control characters (a newline in a file name) escaped."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def short_id(value: uuid.UUID) -> str:
    """The id as people type it: the last 8 hex digits (UUIDv7 ids start with the time, so
    their beginnings are shared by everything made in the same minute; their ends are random)."""
    return value.hex[-8:]


def resolve_id(session: Session, column: InstrumentedAttribute[uuid.UUID], text: str) -> uuid.UUID:
    """The full id for a full UUID, or for a short id: the last hex digits (at least 4) of one;
    an id that names no row is refused alike in both spellings."""
    cleaned = text.strip().lower().replace("-", "")
    table = column.class_.__tablename__
    if len(cleaned) == 32:
        try:
            full = uuid.UUID(hex=cleaned)
        except ValueError:
            pass
        else:
            if session.scalar(select(column).where(column == full)) is None:
                raise CommandError(f"no {table[:-1]} with id {text!r}")
            return full
    if not 4 <= len(cleaned) < 32 or any(c not in "0123456789abcdef" for c in cleaned):
        raise CommandError(
            f"{text!r} is not an id (a UUID or at least its last 4 hex digits)", EXIT_USAGE
        )
    # SQLite stores UUIDs as 32 hex digits; LIKE on the text finds the ending.
    matches = session.scalars(
        select(column).where(cast(column, String).like(f"%{cleaned}")).limit(2)
    ).all()
    if not matches:
        raise CommandError(f"no {table[:-1]} with id {text!r}")
    if len(matches) > 1:
        raise CommandError(f"short id {text!r} is ambiguous; give more digits", EXIT_USAGE)
    return matches[0]
