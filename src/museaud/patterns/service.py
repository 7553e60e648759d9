"""Patterns in the store: save, load, list, fork and delete, for the CLI and the GUI alike.

Every saved pattern gets its feature vector at once, so "similar patterns" finds hand-made and
imported ones as well as generated ones.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from museaud.analytics import recorder
from museaud.patterns.features import remove_pattern_vector, store_pattern_vector
from museaud.patterns.model import BeatPattern, PatternError
from museaud.patterns.rows import fill_row, to_pattern
from museaud.store.models.patterns import Pattern


class PatternNotFoundError(LookupError):
    """No pattern with that id."""


@dataclass(frozen=True)
class Generation:
    """How a generated pattern was made: engine, parameters, algorithm and its cost."""

    engine_name: str
    parameters: dict[str, Any]
    algorithm: str
    algorithm_version: str
    seed: int
    generation_time_ms: float
    quality_score: float
    complexity_score: float | None = None


@dataclass(frozen=True)
class SavedPattern:
    """A pattern as stored, with its id and bookkeeping."""

    id: uuid.UUID
    pattern: BeatPattern
    origin: str
    original_pattern_id: uuid.UUID | None
    fork_count: int
    user_rating: float | None
    quality_score: float | None
    engine_name: str | None
    generation_parameters: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description (what `museaud pattern list/show --json` prints)."""
        p = self.pattern
        return {
            "id": str(self.id),
            "title": p.title,
            "kind": p.kind,
            "origin": self.origin,
            "engine": self.engine_name,
            "flavor": p.flavor,
            "bpm": p.bpm,
            "key_note": p.key_note,
            "scale": p.scale,
            "time_signature": p.time_signature,
            "bars": p.bars,
            "steps_per_beat": p.steps_per_beat,
            "clave": p.clave,
            "swing": p.swing,
            "instruments": [part.instrument for part in p.parts],
            "original_pattern_id": str(self.original_pattern_id)
            if self.original_pattern_id
            else None,
            "fork_count": self.fork_count,
            "user_rating": self.user_rating,
            "quality_score": self.quality_score,
            "generation_parameters": self.generation_parameters,
            "created_at": self.created_at.isoformat(),
        }


def _saved(row: Pattern) -> SavedPattern:
    return SavedPattern(
        id=row.id,
        pattern=to_pattern(row),
        origin=row.origin,
        original_pattern_id=row.original_pattern_id,
        fork_count=row.fork_count,
        user_rating=row.user_rating,
        quality_score=row.quality_score,
        engine_name=row.engine_name,
        generation_parameters=dict(row.generation_parameters or {}),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def save_pattern(
    session: Session,
    pattern: BeatPattern,
    *,
    origin: str = "user",
    generation: Generation | None = None,
    original_pattern_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Store a new pattern after checking it; returns its id."""
    pattern.validated()
    row = Pattern(origin=origin, original_pattern_id=original_pattern_id)
    fill_row(row, pattern)
    if generation is not None:
        row.engine_name = generation.engine_name
        row.generation_parameters = dict(generation.parameters)
        row.generation_algorithm = generation.algorithm
        row.algorithm_version = generation.algorithm_version
        row.seed = generation.seed
        row.generation_time_ms = round(generation.generation_time_ms)
        row.quality_score = generation.quality_score
        row.complexity_score = generation.complexity_score
    session.add(row)
    session.flush()
    store_pattern_vector(session, row.id, pattern)
    return row.id


def _row(session: Session, pattern_id: uuid.UUID) -> Pattern:
    row = session.get(Pattern, pattern_id)
    if row is None:
        raise PatternNotFoundError(f"no pattern with id {pattern_id}")
    return row


def load_pattern(session: Session, pattern_id: uuid.UUID) -> SavedPattern:
    """A stored pattern; PatternNotFoundError if there is none with that id."""
    return _saved(_row(session, pattern_id))


def update_pattern(session: Session, pattern_id: uuid.UUID, pattern: BeatPattern) -> None:
    """Replace a stored pattern's content after checking it."""
    pattern.validated()
    fill_row(_row(session, pattern_id), pattern)
    store_pattern_vector(session, pattern_id, pattern)


def fork_pattern(session: Session, pattern_id: uuid.UUID, title: str | None = None) -> uuid.UUID:
    """Copy a pattern as a fork that remembers its original; the original counts its forks."""
    original = _row(session, pattern_id)
    pattern = to_pattern(original)
    fork_id = save_pattern(
        session,
        replace(pattern, title=title or f"{pattern.title} (fork)"),
        origin="fork",
        original_pattern_id=original.id,
    )
    session.execute(
        update(Pattern).where(Pattern.id == original.id).values(fork_count=Pattern.fork_count + 1)
    )
    session.refresh(original)
    recorder.record_action(
        "pattern_forked",
        pattern_id=str(original.id),
        fork_id=str(fork_id),
        engine=original.engine_name,
        flavor=original.flavor,
        tempo_bpm=original.bpm,
        key_note=original.key_note,
    )
    return fork_id


def rate_pattern(session: Session, pattern_id: uuid.UUID, rating: float) -> None:
    """Set the user's rating (1-5) of a pattern."""
    if not 1 <= rating <= 5:
        raise PatternError(f"rating {rating:g} is outside 1-5")
    _row(session, pattern_id).user_rating = rating


def delete_pattern(session: Session, pattern_id: uuid.UUID) -> None:
    """Delete a pattern (its forks keep existing without an original)."""
    row = _row(session, pattern_id)
    remove_pattern_vector(session, pattern_id)
    session.delete(row)


def list_patterns(
    session: Session,
    *,
    origin: str | None = None,
    engine_name: str | None = None,
    flavor: str | None = None,
    forks_of: uuid.UUID | None = None,
    limit: int = 200,
) -> list[SavedPattern]:
    """Stored patterns, newest first, optionally filtered."""
    query = select(Pattern).order_by(Pattern.created_at.desc()).limit(limit)
    if origin is not None:
        query = query.where(Pattern.origin == origin)
    if engine_name is not None:
        query = query.where(Pattern.engine_name == engine_name)
    if flavor is not None:
        query = query.where(Pattern.flavor == flavor)
    if forks_of is not None:
        query = query.where(Pattern.original_pattern_id == forks_of)
    return [_saved(row) for row in session.scalars(query)]
