"""Projects: a name, key, tempo, stage of the writing, style tags and notes, holding songs,
patterns and lyrics. Archive hides a project; delete moves it to the trash (restorable) and
`empty_trash` removes it for good."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.songs.errors import SongError
from museaud.store.base import utcnow
from museaud.store.models.songs import PROJECT_STAGES, Project, ProjectPattern

MAX_NAME = 200


@dataclass(frozen=True)
class ProjectInfo:
    """A project as shown in lists: its facts and how many songs and patterns it holds."""

    id: uuid.UUID
    name: str
    key_note: int | None
    scale: str | None
    tempo_bpm: float | None
    stage: str
    status: str
    style_tags: tuple[str, ...]
    notes: str | None
    song_ids: tuple[uuid.UUID, ...]
    pattern_ids: tuple[uuid.UUID, ...]
    updated_at: datetime

    def summary(self) -> dict[str, Any]:
        """JSON-ready (what `museaud project list/show --json` prints)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "key_note": self.key_note,
            "scale": self.scale,
            "tempo_bpm": self.tempo_bpm,
            "stage": self.stage,
            "status": self.status,
            "style_tags": list(self.style_tags),
            "notes": self.notes,
            "songs": [str(song) for song in self.song_ids],
            "patterns": [str(pattern) for pattern in self.pattern_ids],
            "updated_at": self.updated_at.isoformat(),
        }


def _checked_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise SongError(f"a project name has 1-{MAX_NAME} characters, got {len(name)}")
    return name


def _row(session: Session, project_id: uuid.UUID) -> Project:
    row = session.get(Project, project_id)
    if row is None:
        raise SongError(f"no project with id {project_id}")
    return row


def _info(row: Project) -> ProjectInfo:
    return ProjectInfo(
        id=row.id,
        name=row.name,
        key_note=row.key_note,
        scale=row.scale,
        tempo_bpm=row.tempo_bpm,
        stage=row.stage,
        status=row.status,
        style_tags=tuple(row.style_tags or ()),
        notes=row.notes,
        song_ids=tuple(song.id for song in row.songs),
        pattern_ids=tuple(link.pattern_id for link in row.patterns),
        updated_at=row.updated_at,
    )


def create_project(
    session: Session,
    name: str,
    *,
    key_note: int | None = None,
    scale: str | None = None,
    tempo_bpm: float | None = None,
    stage: str = "idea",
    style_tags: list[str] | None = None,
    notes: str | None = None,
) -> uuid.UUID:
    """A new active project; returns its id."""
    if stage not in PROJECT_STAGES:
        raise SongError(f"stage {stage!r} is not one of {', '.join(PROJECT_STAGES)}")
    if key_note is not None and not 0 <= key_note <= 11:
        raise SongError(f"key note {key_note} is not a pitch class 0-11")
    if tempo_bpm is not None and not 20 <= tempo_bpm <= 400:
        raise SongError(f"tempo {tempo_bpm:g} bpm is outside 20-400 bpm")
    row = Project(
        name=_checked_name(name),
        key_note=key_note,
        scale=scale,
        tempo_bpm=tempo_bpm,
        stage=stage,
        style_tags=list(style_tags or []),
        notes=notes,
    )
    session.add(row)
    session.flush()
    return row.id


def project(session: Session, project_id: uuid.UUID) -> ProjectInfo:
    """One project (also when archived or in the trash)."""
    row = _row(session, project_id)
    row.last_accessed_at = utcnow()
    return _info(row)


def list_projects(
    session: Session, *, archived: bool = False, trash: bool = False
) -> list[ProjectInfo]:
    """Active projects, newest change first; with archived the archived ones, with trash those
    in the trash."""
    status = "deleted" if trash else "archived" if archived else "active"
    rows = session.scalars(
        select(Project).where(Project.status == status).order_by(Project.updated_at.desc())
    )
    return [_info(row) for row in rows]


def update_project(session: Session, project_id: uuid.UUID, **changes: Any) -> None:
    """Rename or change key, scale, tempo, stage, style tags or notes."""
    row = _row(session, project_id)
    for name in changes:
        if name not in ("name", "stage", "key_note", "scale", "tempo_bpm", "style_tags", "notes"):
            raise SongError(f"a project has no setting {name!r}")
    if "name" in changes:
        changes["name"] = _checked_name(changes["name"])
    if "stage" in changes and changes["stage"] not in PROJECT_STAGES:
        raise SongError(f"stage {changes['stage']!r} is not one of {', '.join(PROJECT_STAGES)}")
    for name, value in changes.items():
        setattr(row, name, value)
    session.flush()


def archive_project(session: Session, project_id: uuid.UUID, *, archived: bool = True) -> None:
    """Archive a project (out of the list, kept whole), or bring it back."""
    _row(session, project_id).status = "archived" if archived else "active"
    session.flush()


def delete_project(session: Session, project_id: uuid.UUID) -> None:
    """Move a project to the trash; `restore_project` brings it back."""
    row = _row(session, project_id)
    row.status = "deleted"
    row.deleted_at = utcnow()
    session.flush()


def restore_project(session: Session, project_id: uuid.UUID) -> None:
    """Take a project out of the trash."""
    row = _row(session, project_id)
    row.status = "active"
    row.deleted_at = None
    session.flush()


def empty_trash(session: Session) -> int:
    """Delete every project in the trash, with its songs; returns how many."""
    rows = session.scalars(select(Project).where(Project.status == "deleted")).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def add_pattern(session: Session, project_id: uuid.UUID, pattern_id: uuid.UUID) -> None:
    """Keep a pattern in the project (once)."""
    row = _row(session, project_id)
    if all(link.pattern_id != pattern_id for link in row.patterns):
        row.patterns.append(ProjectPattern(pattern_id=pattern_id))
        session.flush()
