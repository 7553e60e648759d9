"""Smart playlists: a saved query in the library's query language with a sort and a limit,
evaluated each time the playlist is read, so it follows the library as it changes.

"top 50 by rating" is `query="", sort="rating", descending=True, limit=50`; "bpm:120-128
key:~Am genre:house, newest first" is that query with `sort="added", descending=True`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from museaud.library.query import parse_query
from museaud.library.search import SORT_FIELDS, TrackQuery, find_tracks, rows_for_keys, track_keys
from museaud.playlists.errors import PlaylistError
from museaud.playlists.service import checked_folder, checked_name, get_playlist
from museaud.store.models.playlists import Playlist


def checked_rules(sort: str, limit: int | None) -> None:
    """Refuse a sort field the library does not have, or a limit below 1."""
    if sort not in SORT_FIELDS:
        raise PlaylistError(f"cannot sort by {sort!r}; sort by one of: {', '.join(SORT_FIELDS)}")
    if limit is not None and limit < 1:
        raise PlaylistError(f"a track limit must be at least 1, not {limit}")


def create_smart_playlist(
    session: Session,
    name: str,
    query: str,
    *,
    sort: str = "artist",
    descending: bool = False,
    limit: int | None = None,
    folder_id: uuid.UUID | None = None,
) -> Playlist:
    """A smart playlist; a query that cannot be read raises QueryError (with the caret's span)."""
    parse_query(query)
    checked_rules(sort, limit)
    playlist = Playlist(
        name=checked_name(name),
        kind="smart",
        query=query,
        sort_by=sort,
        sort_descending=descending,
        track_limit=limit,
        folder_id=checked_folder(session, folder_id),
    )
    session.add(playlist)
    session.flush()
    return playlist


def change_smart_playlist(
    session: Session,
    playlist_id: uuid.UUID,
    *,
    query: str | None = None,
    sort: str | None = None,
    descending: bool | None = None,
    limit: int | None = None,
    no_limit: bool = False,
) -> Playlist:
    """Change a smart playlist's query, sort, direction or limit (no_limit removes it)."""
    playlist = get_playlist(session, playlist_id)
    if playlist.kind != "smart":
        raise PlaylistError(f"{playlist.name!r} is a {playlist.kind} playlist, not a smart one")
    if query is not None:
        parse_query(query)
    new_sort = sort if sort is not None else playlist.sort_by or "artist"
    new_limit = None if no_limit else limit if limit is not None else playlist.track_limit
    checked_rules(new_sort, new_limit)
    if query is not None:
        playlist.query = query
    playlist.sort_by = new_sort
    playlist.track_limit = new_limit
    if descending is not None:
        playlist.sort_descending = descending
    session.flush()
    return playlist


def smart_query(playlist: Playlist) -> TrackQuery:
    """The library query a smart playlist stands for."""
    return TrackQuery(
        playlist.query or "", sort=playlist.sort_by or "artist", descending=playlist.sort_descending
    )


def smart_rows(session: Session, playlist: Playlist) -> list[dict[str, Any]]:
    """The tracks a smart playlist holds now, in its order, as library rows."""
    query = smart_query(playlist)
    if playlist.track_limit is not None:
        return find_tracks(session, query, limit=playlist.track_limit)
    return rows_for_keys(session, track_keys(session, query))
