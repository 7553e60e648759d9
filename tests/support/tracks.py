"""Tracks written straight into a test store, as an import would leave them (no audio needed)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from museaud.store.models.library import Track, TrackAnalysis


def add_track(
    session: Session,
    title: str,
    *,
    artist: str = "Test Band",
    bpm: float | None = None,
    key: tuple[int, str] | None = None,
    **columns: Any,
) -> uuid.UUID:
    """A track row (with an analysis row when bpm or key is given), as an import leaves it."""
    path = f"/music/{title}.wav"
    track = Track(
        path=path,
        folder="/music",
        file_name=f"{title}.wav",
        file_format="wav",
        status="ok",
        title=title,
        artist=artist,
        duration_s=200.0,
        **columns,
    )
    session.add(track)
    session.flush()
    if bpm is not None or key is not None:
        session.add(
            TrackAnalysis(
                track_id=track.id,
                algorithm="essentia",
                algorithm_version="1.0",
                analyzed_at=datetime(2025, 1, 1, tzinfo=UTC),
                bpm=bpm,
                key_note=None if key is None else key[0],
                scale=None if key is None else key[1],
            )
        )
        session.flush()
    return track.id
