"""Undo and redo for songs: every edit is stored as the rows it changed, before and after.

An edit is a list of changes `[table, id, before, after]` (a state is the row's columns as
JSON, None for no row). Undo writes the befores back in reverse order, redo the afters in
order. The stack lives in the store (`song_edits`), so the command line's `song undo` undoes the
last edit made from anywhere, and the GUI drives the same functions.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from museaud.songs.errors import SongError
from museaud.store.base import Base
from museaud.store.models.songs import Song, SongClip, SongEdit, SongMarker, SongTrack

TABLES: dict[str, type[Base]] = {
    "songs": Song,
    "song_tracks": SongTrack,
    "song_clips": SongClip,
    "song_markers": SongMarker,
}
_SKIPPED = ("created_at", "updated_at")

State = dict[str, Any] | None
Change = list[Any]  # [table, id, before, after]


def state_of(row: Base) -> dict[str, Any]:
    """The row's columns as JSON-ready values (ids as strings)."""
    state = {}
    for column in row.__table__.columns:
        if column.key in _SKIPPED:
            continue
        value = getattr(row, column.key)
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        state[column.key] = value
    return state


def _values(model: type[Base], state: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for column in model.__table__.columns:
        if column.key not in state:
            continue
        value = state[column.key]
        if value is not None and column.type.python_type is uuid.UUID:
            value = uuid.UUID(value)
        elif value is not None and column.type.python_type is datetime:
            value = datetime.fromisoformat(value)
        values[column.key] = value
    return values


def _write(session: Session, table: str, row_id: str, state: State) -> None:
    model = TABLES[table]
    row = session.get(model, uuid.UUID(row_id))
    if state is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(model(**_values(model, state)))
    else:
        for name, value in _values(model, state).items():
            setattr(row, name, value)
    session.flush()


def change(table: str, row_id: uuid.UUID, before: State, after: State) -> Change:
    """One change of an edit: the row's state before and after (None: no row)."""
    return [table, str(row_id), before, after]


def record(session: Session, song_id: uuid.UUID, description: str, changes: list[Change]) -> None:
    """Write an edit's afters and put it on the song's stack (dropping what was undone)."""
    for table, row_id, _, after in changes:
        _write(session, table, row_id, after)
    session.execute(
        delete(SongEdit).where(SongEdit.song_id == song_id, SongEdit.is_undone.is_(True))
    )
    top = session.scalar(select(func.max(SongEdit.position)).where(SongEdit.song_id == song_id))
    session.add(
        SongEdit(
            song_id=song_id,
            position=0 if top is None else top + 1,
            description=description,
            changes=changes,
        )
    )
    session.flush()


def undo(session: Session, song_id: uuid.UUID) -> str:
    """Undo the song's last edit; returns what it was."""
    edit = session.scalars(
        select(SongEdit)
        .where(SongEdit.song_id == song_id, SongEdit.is_undone.is_(False))
        .order_by(SongEdit.position.desc())
        .limit(1)
    ).first()
    if edit is None:
        raise SongError("nothing to undo")
    for table, row_id, before, _ in reversed(edit.changes):
        _write(session, table, row_id, before)
    edit.is_undone = True
    session.flush()
    return edit.description


def redo(session: Session, song_id: uuid.UUID) -> str:
    """Redo the song's last undone edit; returns what it was."""
    edit = session.scalars(
        select(SongEdit)
        .where(SongEdit.song_id == song_id, SongEdit.is_undone.is_(True))
        .order_by(SongEdit.position)
        .limit(1)
    ).first()
    if edit is None:
        raise SongError("nothing to redo")
    for table, row_id, _, after in edit.changes:
        _write(session, table, row_id, after)
    edit.is_undone = False
    session.flush()
    return edit.description
