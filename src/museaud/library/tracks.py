"""Reading the library: tracks as plain JSON-ready rows, with the tempo and key to trust.

A track row has one shape, made here by `stored_row` for `museaud list`, the library view
(`search.rows_for_keys`), the detail pane and similar tracks alike. Rows are dicts, not ORM
objects, so any thread (the GUI's included) can hold them.

The effective tempo and key are the musician's override when it counts (`override_counts`),
else what analysis measured; rows say which (`bpm_source`, `key_source`). The values themselves
are read from `tracks.effective_bpm` and `tracks.effective_key` (the key as its Camelot order),
which migration 0003's triggers keep by the same rule for any writer.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from museaud.music.keys import CAMELOT_KEYS
from museaud.music.pitch import note_name
from museaud.store.models.library import TRACK_STATUSES, Track

_ROW_SELECT = (
    "SELECT tracks.rowid, tracks.id, tracks.path, tracks.title, tracks.artist, tracks.album, "
    "tracks.genre, tracks.year, tracks.file_format, tracks.duration_s, tracks.status, "
    "tracks.error, tracks.missing_since, tracks.tag_bpm, tracks.tag_key, tracks.rating, "
    "tracks.is_favorite, tracks.play_count, tracks.created_at, tracks.last_played_at, "
    "tracks.is_hidden, tracks.tag_text, tracks.mood_text, "
    "tracks.effective_bpm, tracks.effective_key, a.key_confidence, a.bpm_confidence, "
    "a.loudness_lufs, a.peak_dbfs, a.energy, a.manual_override, a.bpm_override, "
    "a.key_note_override, a.algorithm, a.algorithm_version, a.analyzed_at "
    "FROM tracks LEFT OUTER JOIN track_analysis AS a ON a.track_id = tracks.id"
)
ROWS_BY_ROWID_SQL = f"{_ROW_SELECT} WHERE tracks.rowid IN (SELECT value FROM json_each(?))"
"""The rows of a JSON list of rowids (in any order), for `stored_row`."""
_ROWS_BY_ID_SQL = f"{_ROW_SELECT} WHERE tracks.id IN (SELECT value FROM json_each(?))"
_ORDER = (
    " ORDER BY lower(coalesce(tracks.artist, '')), lower(coalesce(tracks.album, '')), "
    "tracks.disc_number, tracks.track_number, tracks.path"
)

_KEYS = tuple((note_name(key.note), key.scale, key.camelot) for key in CAMELOT_KEYS)
"""By Camelot order (tracks.effective_key): the key's sharp name (for scripts), scale, code."""


def override_counts(manual_override: object, override: object) -> bool:
    """The effective-value rule: a tempo or key override counts when the track is marked as
    overridden and the override has a value; otherwise analysis' measurement is the one."""
    return bool(manual_override) and override is not None


def driver_connection(session: Session) -> Any:
    """The session's driver connection, after writing what the session holds (as a query
    through the session would)."""
    if session.autoflush:
        session.flush()
    return session.connection().connection.dbapi_connection


def _uuid_text(stored: str) -> str:
    """The UUID as str(uuid.UUID) writes it, from the 32 hex digits SQLAlchemy stores."""
    if len(stored) == 32:
        text = f"{stored[:8]}-{stored[8:12]}-{stored[12:16]}-{stored[16:20]}-{stored[20:]}"
        return text.lower()
    return str(uuid.UUID(stored))


def _time_text(stored: str) -> str:
    """The UTC time as datetime.isoformat writes it, from SQLAlchemy's stored text
    ("2026-01-02 03:04:05.000000"), without parsing it when it has that exact shape."""
    if len(stored) == 26 and stored[10] == " " and stored[19] == ".":
        fraction = "" if stored.endswith("000000") else stored[19:]
        return f"{stored[:10]}T{stored[11:19]}{fraction}+00:00"
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).isoformat()


def stored_row(values: tuple[Any, ...]) -> tuple[int, dict[str, Any]]:
    """The row key (rowid) and the track row of a `ROWS_BY_ROWID_SQL` result. Built from the
    driver's values by one function: SQLAlchemy's per-value processing would cost more than
    the query."""
    (
        rowid,
        track_id,
        path,
        title,
        artist,
        album,
        genre,
        year,
        file_format,
        duration,
        status,
        error,
        missing_since,
        tag_bpm,
        tag_key,
        rating,
        favorite,
        play_count,
        added_at,
        last_played,
        hidden,
        tags,
        moods,
        bpm,
        key_order,
        key_confidence,
        bpm_confidence,
        loudness,
        peak,
        energy,
        overridden,
        bpm_override,
        key_note_override,
        algorithm,
        algorithm_version,
        analyzed_at,
    ) = values
    key = None if key_order is None else _KEYS[key_order]
    bpm_source = "override" if override_counts(overridden, bpm_override) else "analysis"
    key_source = "override" if override_counts(overridden, key_note_override) else "analysis"
    return rowid, {
        "id": _uuid_text(track_id),
        "path": path,
        "title": title,
        "artist": artist,
        "album": album,
        "genre": genre,
        "year": year,
        "format": file_format,
        "duration_s": None if duration is None else round(duration, 3),
        "bpm": None if bpm is None else round(bpm, 2),
        "bpm_source": None if bpm is None else bpm_source,
        "key": None if key is None else key[0],
        "scale": None if key is None else key[1],
        "camelot": None if key is None else key[2],
        "key_source": None if key is None else key_source,
        "key_confidence": None if key_confidence is None else round(key_confidence, 3),
        "bpm_confidence": None if bpm_confidence is None else round(bpm_confidence, 3),
        "loudness_lufs": None if loudness is None else round(loudness, 2),
        "peak_dbfs": None if peak is None else round(peak, 2),
        "energy": None if energy is None else round(energy, 3),
        "tag_bpm": tag_bpm,
        "tag_key": tag_key,
        "rating": rating,
        "is_favorite": bool(favorite),
        "play_count": play_count,
        "status": status,
        "error": error,
        "missing_since": None if missing_since is None else _time_text(missing_since),
        "added_at": None if added_at is None else _time_text(added_at),
        "last_played_at": None if last_played is None else _time_text(last_played),
        "analysis": None
        if algorithm is None
        else {
            "algorithm": algorithm,
            "version": algorithm_version,
            "analyzed_at": None if analyzed_at is None else _time_text(analyzed_at),
        },
        "is_hidden": bool(hidden),
        "tags": tags.split("\n") if tags else [],
        "moods": moods.split("\n") if moods else [],
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
    where, chosen = "", tuple[str, ...]()
    if statuses:
        unknown = set(statuses) - set(TRACK_STATUSES)
        if unknown:
            raise ValueError(
                f"unknown status {sorted(unknown)}; statuses: {', '.join(TRACK_STATUSES)}"
            )
        where = " WHERE tracks.status IN (SELECT value FROM json_each(?))"
        chosen = (json.dumps(list(statuses)),)
    sql = f"{_ROW_SELECT}{where}{_ORDER} LIMIT ? OFFSET ?"
    params = (*chosen, -1 if limit is None else int(limit), int(offset))
    return [stored_row(values)[1] for values in driver_connection(session).execute(sql, params)]


def track_row(session: Session, track_id: uuid.UUID) -> dict[str, Any] | None:
    """One track as the row `track_rows` gives for it, or None when there is no such track."""
    found = track_rows_by_id(session, [track_id])
    return found[0] if found else None


def track_rows_by_id(session: Session, track_ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    """These tracks as `track_rows` gives them, in the order given; unknown ids are left out."""
    if not track_ids:
        return []
    wanted = json.dumps([track_id.hex for track_id in track_ids])
    stored = driver_connection(session).execute(_ROWS_BY_ID_SQL, (wanted,))
    found = {row["id"]: row for _, row in map(stored_row, stored)}
    return [found[str(track_id)] for track_id in track_ids if str(track_id) in found]


def track_counts(session: Session) -> dict[str, int]:
    """How many tracks have each status (every status listed, zero included)."""
    counts = dict.fromkeys(TRACK_STATUSES, 0)
    for status, count in session.execute(select(Track.status, func.count()).group_by(Track.status)):
        counts[status] = count
    return counts
