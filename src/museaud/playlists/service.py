"""Manual playlists: create, rename, duplicate, trash and restore, folders, and their entries.

Entries are ordered by fractional position keys (`positions`): adding or moving an entry writes
keys for the rows it touches only. Ids are UUIDs; every function takes the caller's Session and
raises PlaylistError (changing nothing) for unknown ids or bad values.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from museaud.library.search import rows_for_keys
from museaud.playlists.errors import PlaylistError
from museaud.playlists.positions import key_between, keys_between
from museaud.store.base import OWNER_KEY, new_id, utcnow
from museaud.store.models.library import Track
from museaud.store.models.playlists import Playlist, PlaylistEntry, PlaylistFolder

NAME_LENGTH = 255


@dataclass(frozen=True)
class PlaylistSummary:
    """A playlist as a list of playlists shows it."""

    id: uuid.UUID
    name: str
    kind: str
    folder_id: uuid.UUID | None
    entry_count: int
    duration_s: float
    missing_count: int
    deleted_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON-ready values."""
        return {
            "id": str(self.id),
            "name": self.name,
            "kind": self.kind,
            "folder_id": None if self.folder_id is None else str(self.folder_id),
            "entries": self.entry_count,
            "duration_s": round(self.duration_s, 3),
            "missing": self.missing_count,
            "deleted_at": None if self.deleted_at is None else self.deleted_at.isoformat(),
        }


def checked_name(name: str, what: str = "playlist") -> str:
    """A name without surrounding spaces, refused when empty or too long."""
    cleaned = name.strip()
    if not cleaned:
        raise PlaylistError(f"a {what} needs a name")
    if len(cleaned) > NAME_LENGTH:
        raise PlaylistError(f"{what} name is {len(cleaned)} characters; at most {NAME_LENGTH}")
    return cleaned


# --- playlists -----------------------------------------------------------------------------


def get_playlist(
    session: Session, playlist_id: uuid.UUID, *, include_deleted: bool = False
) -> Playlist:
    """The playlist with this id (in the trash only when include_deleted)."""
    playlist = session.get(Playlist, playlist_id)
    if playlist is None or (playlist.deleted_at is not None and not include_deleted):
        where = " (it is in the trash: restore it first)" if playlist is not None else ""
        raise PlaylistError(f"no playlist with id {playlist_id}{where}")
    return playlist


def editable_playlist(session: Session, playlist_id: uuid.UUID) -> Playlist:
    """A playlist whose entries may be edited by hand (not a smart one)."""
    playlist = get_playlist(session, playlist_id)
    if playlist.kind == "smart":
        raise PlaylistError(
            f"{playlist.name!r} is a smart playlist: its tracks follow its query "
            f"({playlist.query!r}); change the query, or duplicate it to edit by hand"
        )
    return playlist


def checked_folder(session: Session, folder_id: uuid.UUID | None) -> uuid.UUID | None:
    """The folder id, refused when no such folder exists (None: the top level)."""
    if folder_id is not None and session.get(PlaylistFolder, folder_id) is None:
        raise PlaylistError(f"no playlist folder with id {folder_id}")
    return folder_id


def create_playlist(
    session: Session,
    name: str,
    *,
    description: str | None = None,
    folder_id: uuid.UUID | None = None,
    kind: str = "manual",
) -> Playlist:
    """A new empty playlist."""
    playlist = Playlist(
        name=checked_name(name),
        description=description,
        folder_id=checked_folder(session, folder_id),
        kind=kind,
    )
    session.add(playlist)
    session.flush()
    return playlist


def rename_playlist(session: Session, playlist_id: uuid.UUID, name: str) -> Playlist:
    """Give a playlist a new name."""
    playlist = get_playlist(session, playlist_id)
    playlist.name = checked_name(name)
    session.flush()
    return playlist


def duplicate_playlist(
    session: Session, playlist_id: uuid.UUID, name: str | None = None
) -> Playlist:
    """A copy with the same entries (notes and ratings too, play counts from zero)."""
    source = get_playlist(session, playlist_id)
    copy = Playlist(
        name=checked_name(name if name is not None else f"{source.name} copy"),
        description=source.description,
        kind=source.kind,
        folder_id=source.folder_id,
        query=source.query,
        sort_by=source.sort_by,
        sort_descending=source.sort_descending,
        track_limit=source.track_limit,
        template_id=source.template_id,
    )
    session.add(copy)
    session.flush()
    entries = session.execute(
        select(
            PlaylistEntry.track_id,
            PlaylistEntry.position_key,
            PlaylistEntry.notes,
            PlaylistEntry.rating,
        ).where(PlaylistEntry.playlist_id == source.id)
    ).all()
    _insert_entries(
        session,
        copy,
        [
            {"track_id": track, "position_key": key, "notes": notes, "rating": rating}
            for track, key, notes, rating in entries
        ],
    )
    return copy


def delete_playlist(session: Session, playlist_id: uuid.UUID) -> Playlist:
    """Move a playlist to the trash (restore_playlist brings it back)."""
    playlist = get_playlist(session, playlist_id)
    playlist.deleted_at = utcnow()
    session.flush()
    return playlist


def restore_playlist(session: Session, playlist_id: uuid.UUID) -> Playlist:
    """Take a playlist out of the trash."""
    playlist = get_playlist(session, playlist_id, include_deleted=True)
    if playlist.deleted_at is None:
        raise PlaylistError(f"playlist {playlist.name!r} is not in the trash")
    if playlist.folder_id is not None and session.get(PlaylistFolder, playlist.folder_id) is None:
        playlist.folder_id = None
    playlist.deleted_at = None
    session.flush()
    return playlist


def empty_trash(session: Session) -> int:
    """Delete the playlists in the trash for good; returns how many."""
    deleted = session.execute(
        delete(Playlist).where(Playlist.deleted_at.is_not(None)).returning(Playlist.id)
    ).all()
    return len(deleted)


def list_playlists(session: Session, *, trash: bool = False) -> list[PlaylistSummary]:
    """Every playlist (or those in the trash) by folder and name, with entry counts, length
    and how many entries' files are missing (smart playlists count 0: they are a query)."""
    counts = (
        select(
            PlaylistEntry.playlist_id,
            func.count().label("entries"),
            func.coalesce(func.sum(Track.duration_s), 0.0).label("duration"),
            func.count().filter(Track.status == "missing").label("missing"),
        )
        .join(Track, Track.id == PlaylistEntry.track_id)
        .group_by(PlaylistEntry.playlist_id)
        .subquery()
    )
    deleted = Playlist.deleted_at.is_not(None) if trash else Playlist.deleted_at.is_(None)
    rows = session.execute(
        select(
            Playlist.id,
            Playlist.name,
            Playlist.kind,
            Playlist.folder_id,
            func.coalesce(counts.c.entries, 0),
            func.coalesce(counts.c.duration, 0.0),
            func.coalesce(counts.c.missing, 0),
            Playlist.deleted_at,
        )
        .outerjoin(counts, counts.c.playlist_id == Playlist.id)
        .where(deleted)
        .order_by(func.lower(Playlist.name), Playlist.id)
    ).all()
    return [PlaylistSummary(*row) for row in rows]


# --- folders -------------------------------------------------------------------------------


def create_folder(
    session: Session, name: str, *, parent_id: uuid.UUID | None = None
) -> PlaylistFolder:
    """A new folder of playlists, at the top or inside parent_id."""
    folder = PlaylistFolder(
        name=checked_name(name, "folder"), parent_id=checked_folder(session, parent_id)
    )
    session.add(folder)
    session.flush()
    return folder


def get_folder(session: Session, folder_id: uuid.UUID) -> PlaylistFolder:
    """The folder with this id."""
    folder = session.get(PlaylistFolder, folder_id)
    if folder is None:
        raise PlaylistError(f"no playlist folder with id {folder_id}")
    return folder


def rename_folder(session: Session, folder_id: uuid.UUID, name: str) -> PlaylistFolder:
    """Give a folder a new name."""
    folder = get_folder(session, folder_id)
    folder.name = checked_name(name, "folder")
    session.flush()
    return folder


def delete_folder(session: Session, folder_id: uuid.UUID) -> None:
    """Remove a folder; its playlists and folders move up into its parent."""
    folder = get_folder(session, folder_id)
    session.execute(
        update(Playlist).where(Playlist.folder_id == folder.id).values(folder_id=folder.parent_id)
    )
    session.execute(
        update(PlaylistFolder)
        .where(PlaylistFolder.parent_id == folder.id)
        .values(parent_id=folder.parent_id)
    )
    session.delete(folder)
    session.flush()


def put_in_folder(
    session: Session, playlist_id: uuid.UUID, folder_id: uuid.UUID | None
) -> Playlist:
    """Move a playlist into a folder (None: to the top level)."""
    playlist = get_playlist(session, playlist_id)
    playlist.folder_id = checked_folder(session, folder_id)
    session.flush()
    return playlist


def list_folders(session: Session) -> list[PlaylistFolder]:
    """Every folder, by name."""
    return list(
        session.scalars(
            select(PlaylistFolder).order_by(func.lower(PlaylistFolder.name), PlaylistFolder.id)
        )
    )


# --- entries -------------------------------------------------------------------------------


def _driver(session: Session) -> Any:
    """The session's driver connection, after writing what the session holds."""
    if session.autoflush:
        session.flush()
    return session.connection().connection.dbapi_connection


def _stored_time(moment: datetime) -> str:
    """A UTC time as SQLAlchemy stores it on SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


_INSERT_SQL = (
    "INSERT INTO playlist_entries (id, owner_id, playlist_id, track_id, position_key, "
    "added_by_id, added_at, notes, rating, play_count, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)"
)


def _insert_entries(session: Session, playlist: Playlist, rows: list[dict[str, Any]]) -> None:
    """Write entry rows (track_id, position_key, optional notes/rating) in one executemany,
    through the driver: 1,000 rows in a few milliseconds (SQLAlchemy's per-value binding costs
    ten times more)."""
    if not rows:
        return
    now = _stored_time(utcnow())
    added_by = session.info.get(OWNER_KEY)
    _driver(session).executemany(
        _INSERT_SQL,
        [
            (
                new_id().hex,
                playlist.owner_id.hex,
                playlist.id.hex,
                row["track_id"].hex,
                row["position_key"],
                None if added_by is None else added_by.hex,
                now,
                row.get("notes"),
                row.get("rating"),
                now,
                now,
            )
            for row in rows
        ],
    )


def entry_count(session: Session, playlist_id: uuid.UUID) -> int:
    """How many entries a playlist has."""
    return int(
        session.scalar(select(func.count()).where(PlaylistEntry.playlist_id == playlist_id)) or 0
    )


def _ordered(playlist_id: uuid.UUID, leaving_out: uuid.UUID | None = None) -> Any:
    """Entries' keys and ids in playlist order (without one entry)."""
    query = select(PlaylistEntry.position_key, PlaylistEntry.id).where(
        PlaylistEntry.playlist_id == playlist_id
    )
    if leaving_out is not None:
        query = query.where(PlaylistEntry.id != leaving_out)
    return query.order_by(PlaylistEntry.position_key, PlaylistEntry.id)


def _gap(
    session: Session, playlist_id: uuid.UUID, index: int, leaving_out: uuid.UUID | None = None
) -> tuple[str | None, str | None]:
    """The keys either side of place `index` (0: the top), leaving out one entry. When the two
    are equal (two devices wrote the same key), the tied entries after the first get new keys,
    so there is room between them: only those rows change."""
    if index == 0:
        first = session.execute(_ordered(playlist_id, leaving_out).limit(1)).first()
        return None, None if first is None else first[0]
    pair = session.execute(_ordered(playlist_id, leaving_out).offset(index - 1).limit(2)).all()
    before_key, before_id = pair[0]
    if len(pair) == 1:
        return before_key, None
    if pair[1][0] != before_key:
        return before_key, pair[1][0]
    tied = session.execute(
        _ordered(playlist_id, leaving_out)
        .where(PlaylistEntry.position_key == before_key)
        .where(PlaylistEntry.id > before_id)
    ).all()
    following = session.scalar(
        select(func.min(PlaylistEntry.position_key)).where(
            PlaylistEntry.playlist_id == playlist_id, PlaylistEntry.position_key > before_key
        )
    )
    new_keys = keys_between(before_key, following, len(tied))
    for (_, entry_id), key in zip(tied, new_keys, strict=True):
        session.execute(
            update(PlaylistEntry).where(PlaylistEntry.id == entry_id).values(position_key=key)
        )
    return before_key, new_keys[0]


def _checked_index(index: int | None, size: int) -> int:
    if index is None:
        return size
    if not 0 <= index <= size:
        raise PlaylistError(f"position {index + 1} is outside the playlist (1 to {size + 1})")
    return index


def add_tracks(
    session: Session,
    playlist_id: uuid.UUID,
    track_ids: Sequence[uuid.UUID],
    *,
    at: int | None = None,
) -> int:
    """Add tracks (repeats allowed) at place `at` (0: the top; None: the end); returns how many.

    Unknown track ids are refused, all of them named, and nothing is added.
    """
    playlist = editable_playlist(session, playlist_id)
    wanted = list(dict.fromkeys(track_ids))
    known = {
        row[0]
        for row in _driver(session).execute(
            "SELECT id FROM tracks WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([track.hex for track in wanted]),),
        )
    }
    unknown = [str(track) for track in wanted if track.hex not in known]
    if unknown:
        raise PlaylistError(f"no track with id {', '.join(unknown)}; nothing was added")
    size = entry_count(session, playlist.id)
    index = _checked_index(at, size)
    before, after = _gap(session, playlist.id, index)
    keys = keys_between(before, after, len(track_ids))
    _insert_entries(
        session,
        playlist,
        [
            {"track_id": track, "position_key": key}
            for track, key in zip(track_ids, keys, strict=True)
        ],
    )
    return len(track_ids)


def _entry(session: Session, playlist_id: uuid.UUID, entry_id: uuid.UUID) -> PlaylistEntry:
    entry = session.get(PlaylistEntry, entry_id)
    if entry is None or entry.playlist_id != playlist_id:
        raise PlaylistError(f"no entry {entry_id} in playlist {playlist_id}")
    return entry


def move_entry(
    session: Session, playlist_id: uuid.UUID, entry_id: uuid.UUID, index: int | None
) -> None:
    """Move one entry to place `index` (0: the top; None: the bottom); one row is written."""
    playlist = editable_playlist(session, playlist_id)
    entry = _entry(session, playlist.id, entry_id)
    size = entry_count(session, playlist.id) - 1
    before, after = _gap(session, playlist.id, _checked_index(index, size), entry.id)
    entry.position_key = key_between(before, after)
    session.flush()


def remove_entries(session: Session, playlist_id: uuid.UUID, entry_ids: Sequence[uuid.UUID]) -> int:
    """Take entries out of a playlist (the tracks stay in the library); returns how many."""
    playlist = editable_playlist(session, playlist_id)
    for entry_id in entry_ids:
        _entry(session, playlist.id, entry_id)
    session.execute(delete(PlaylistEntry).where(PlaylistEntry.id.in_(list(entry_ids))))
    return len(set(entry_ids))


def entry_ids_at(
    session: Session, playlist_id: uuid.UUID, places: Sequence[int]
) -> list[uuid.UUID]:
    """The ids of the entries at these places (1 = the first, as `show` numbers them)."""
    size = entry_count(session, playlist_id)
    wrong = [str(place) for place in places if not 1 <= place <= size]
    if wrong:
        raise PlaylistError(
            f"no entry at position {', '.join(wrong)}: the playlist has {size} entries"
        )
    return [
        session.execute(_ordered(playlist_id).offset(place - 1).limit(1)).one()[1]
        for place in places
    ]


def set_entry(
    session: Session,
    playlist_id: uuid.UUID,
    entry_id: uuid.UUID,
    *,
    notes: str | None = None,
    rating: int | None = None,
) -> PlaylistEntry:
    """Write an entry's notes ("" clears them) and/or rating (1-5; 0 clears it)."""
    entry = _entry(session, editable_playlist(session, playlist_id).id, entry_id)
    if rating is not None:
        if not 0 <= rating <= 5:
            raise PlaylistError(f"rating {rating} is not 1-5 (0 clears it)")
        entry.rating = rating or None
    if notes is not None:
        entry.notes = notes or None
    session.flush()
    return entry


_ENTRIES_SQL = (
    "SELECT e.id, e.position_key, e.notes, e.rating, e.play_count, t.rowid "
    "FROM playlist_entries AS e JOIN tracks AS t ON t.id = e.track_id "
    "WHERE e.playlist_id = ? ORDER BY e.position_key, e.id LIMIT ? OFFSET ?"
)


def entry_rows(
    session: Session, playlist_id: uuid.UUID, *, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """A manual playlist's entries in order (a page of them when limit is given): place, entry
    id, notes, rating, plays and the track's row (as the library shows it; a missing file has
    status "missing"). Read through the driver, as the library view's rows are."""
    entries = (
        _driver(session)
        .execute(_ENTRIES_SQL, (playlist_id.hex, -1 if limit is None else limit, offset))
        .fetchall()
    )
    tracks = rows_for_keys(session, [entry[5] for entry in entries])
    return [
        {
            "position": place,
            "entry_id": str(uuid.UUID(hex=entry_id)),
            "position_key": key,
            "notes": notes,
            "entry_rating": rating,
            "entry_play_count": plays,
            "track": track,
        }
        for place, ((entry_id, key, notes, rating, plays, _), track) in enumerate(
            zip(entries, tracks, strict=True), start=offset + 1
        )
    ]
