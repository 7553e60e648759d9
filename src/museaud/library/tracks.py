"""Reading the library: tracks as plain JSON-ready rows, with the tempo and key to trust.

The effective tempo and key are the musician's override when one is set, else what analysis
measured; rows say which (`bpm_source`, `key_source`). Rows are dicts, not ORM objects, so any
thread (the GUI's included) can hold them.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from museaud.music.keys import camelot
from museaud.music.pitch import note_name
from museaud.store.models.library import TRACK_STATUSES, Track, TrackAnalysis

_COLUMNS = (
    Track.id,
    Track.path,
    Track.title,
    Track.artist,
    Track.album,
    Track.genre,
    Track.year,
    Track.file_format,
    Track.duration_s,
    Track.status,
    Track.error,
    Track.missing_since,
    Track.tag_bpm,
    Track.tag_key,
    Track.rating,
    Track.is_favorite,
    Track.play_count,
    Track.created_at,
    Track.last_played_at,
    TrackAnalysis.bpm,
    TrackAnalysis.key_note,
    TrackAnalysis.scale,
    TrackAnalysis.key_confidence,
    TrackAnalysis.bpm_confidence,
    TrackAnalysis.loudness_lufs,
    TrackAnalysis.peak_dbfs,
    TrackAnalysis.energy,
    TrackAnalysis.manual_override,
    TrackAnalysis.bpm_override,
    TrackAnalysis.key_note_override,
    TrackAnalysis.scale_override,
    TrackAnalysis.algorithm,
    TrackAnalysis.algorithm_version,
    TrackAnalysis.analyzed_at,
)


def _query(statuses: Sequence[str] | None) -> Select[*tuple[Any, ...]]:
    query = select(*_COLUMNS).outerjoin(TrackAnalysis, TrackAnalysis.track_id == Track.id)
    if statuses:
        unknown = set(statuses) - set(TRACK_STATUSES)
        if unknown:
            raise ValueError(
                f"unknown status {sorted(unknown)}; statuses: {', '.join(TRACK_STATUSES)}"
            )
        query = query.where(Track.status.in_(statuses))
    return query


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _row(values: Any) -> dict[str, Any]:
    m = values._mapping
    overridden = bool(m["manual_override"])
    use_bpm = overridden and m["bpm_override"] is not None
    use_key = overridden and m["key_note_override"] is not None
    bpm = m["bpm_override"] if use_bpm else m["bpm"]
    key_note = m["key_note_override"] if use_key else m["key_note"]
    scale = m["scale_override"] if use_key else m["scale"]
    has_key = key_note is not None and scale is not None
    return {
        "id": str(m["id"]),
        "path": m["path"],
        "title": m["title"],
        "artist": m["artist"],
        "album": m["album"],
        "genre": m["genre"],
        "year": m["year"],
        "format": m["file_format"],
        "duration_s": _rounded(m["duration_s"], 3),
        "bpm": _rounded(bpm, 2),
        "bpm_source": None if bpm is None else ("override" if use_bpm else "analysis"),
        "key": note_name(key_note) if has_key else None,
        "scale": scale if has_key else None,
        "camelot": camelot(key_note, scale) if has_key else None,
        "key_source": None if not has_key else ("override" if use_key else "analysis"),
        "key_confidence": _rounded(m["key_confidence"], 3),
        "bpm_confidence": _rounded(m["bpm_confidence"], 3),
        "loudness_lufs": _rounded(m["loudness_lufs"], 2),
        "peak_dbfs": _rounded(m["peak_dbfs"], 2),
        "energy": _rounded(m["energy"], 3),
        "tag_bpm": m["tag_bpm"],
        "tag_key": m["tag_key"],
        "rating": m["rating"],
        "is_favorite": bool(m["is_favorite"]),
        "play_count": m["play_count"],
        "status": m["status"],
        "error": m["error"],
        "missing_since": m["missing_since"].isoformat() if m["missing_since"] else None,
        "added_at": m["created_at"].isoformat() if m["created_at"] else None,
        "last_played_at": m["last_played_at"].isoformat() if m["last_played_at"] else None,
        "analysis": None
        if m["algorithm"] is None
        else {
            "algorithm": m["algorithm"],
            "version": m["algorithm_version"],
            "analyzed_at": m["analyzed_at"].isoformat() if m["analyzed_at"] else None,
        },
    }


def track_rows(
    session: Session,
    *,
    statuses: Sequence[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Tracks as JSON-ready dicts, by artist, album, disc, track number and path.

    `statuses` keeps only tracks with those statuses (pending, ok, error, missing).
    """
    query = (
        _query(statuses)
        .order_by(
            func.lower(func.coalesce(Track.artist, "")),
            func.lower(func.coalesce(Track.album, "")),
            Track.disc_number,
            Track.track_number,
            Track.path,
        )
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return [_row(values) for values in session.execute(query)]


def track_row(session: Session, track_id: uuid.UUID) -> dict[str, Any] | None:
    """One track as the row `track_rows` gives for it, or None when there is no such track."""
    values = session.execute(_query(None).where(Track.id == track_id)).one_or_none()
    return None if values is None else _row(values)


@functools.cache
def _rows_by_id_query() -> Select[*tuple[Any, ...]]:
    """Made once: a new statement per call costs SQLAlchemy more than the query (similar
    tracks run it for every search)."""
    return _query(None).where(Track.id.in_(bindparam("track_ids", expanding=True)))


def track_rows_by_id(session: Session, track_ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    """These tracks as `track_rows` gives them, in the order given; unknown ids are left out."""
    if not track_ids:
        return []
    query, params = _rows_by_id_query(), {"track_ids": list(track_ids)}
    found = {values.id: _row(values) for values in session.connection().execute(query, params)}
    return [found[track_id] for track_id in track_ids if track_id in found]


def track_counts(session: Session) -> dict[str, int]:
    """How many tracks have each status (every status listed, zero included)."""
    counts = dict.fromkeys(TRACK_STATUSES, 0)
    for status, count in session.execute(select(Track.status, func.count()).group_by(Track.status)):
        counts[status] = count
    return counts
