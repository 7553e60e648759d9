"""Listening history: record one play of a track, from the library, the queue or a playlist.

A play ended by stop or next before 30 s, or before half the track, is a skip: it counts in
`tracks.skip_count`; any other play counts in `tracks.play_count` and `last_played_at` (and the
playlist's and its entry's counts when played from a playlist). Every play, skips too, is also
a ListeningEvent for analytics, handed to the one analytics recorder (a queue and its writer
thread), so the player never waits for DuckDB and the "record analytics" preference holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from museaud import analytics
from museaud.analytics import EventStore, ListeningEvent
from museaud.playlists.errors import PlaylistError
from museaud.store.base import OWNER_KEY
from museaud.store.models.library import Track
from museaud.store.models.playlists import Playlist, PlaylistEntry

if TYPE_CHECKING:
    from museaud.app import App

SKIP_BEFORE_S = 30.0
EndedBy = Literal["finished", "stopped", "next"]
ENDINGS: tuple[str, ...] = ("finished", "stopped", "next")
Source = Literal["library", "queue"] | uuid.UUID
"""Where a play came from: the library, the play queue, or a playlist's id."""


@dataclass(frozen=True)
class Play:
    """What record_play stored: whether it counted as a skip, and the analytics event."""

    skipped: bool
    event: ListeningEvent


def is_skip(played_s: float, duration_s: float | None, ended_by: EndedBy) -> bool:
    """Stopped or next before 30 s, or before half the track."""
    if ended_by == "finished":
        return False
    half = duration_s / 2 if duration_s else SKIP_BEFORE_S
    return played_s < SKIP_BEFORE_S or played_s < half


def _store_play(
    session: Session,
    track_id: uuid.UUID,
    *,
    started_at: datetime,
    played_s: float,
    duration_s: float | None,
    source: Source,
    ended_by: EndedBy,
    entry_id: uuid.UUID | None,
) -> Play:
    if started_at.tzinfo is None:
        raise PlaylistError(f"started_at {started_at!r} has no time zone: give an aware time")
    if played_s < 0:
        raise PlaylistError(f"played seconds cannot be negative, got {played_s}")
    if ended_by not in ENDINGS:
        raise PlaylistError(f"ended_by {ended_by!r} is not one of {', '.join(ENDINGS)}")
    if not (isinstance(source, uuid.UUID) or source in ("library", "queue")):
        raise PlaylistError(f"source {source!r} is not library, queue or a playlist id")
    track = session.get(Track, track_id)
    if track is None:
        raise PlaylistError(f"no track with id {track_id}")
    skipped = is_skip(played_s, duration_s or track.duration_s, ended_by)
    playlist_id = source if isinstance(source, uuid.UUID) else None
    entry = None
    if playlist_id is not None:
        if session.get(Playlist, playlist_id) is None:
            raise PlaylistError(f"no playlist with id {playlist_id}")
        found = select(PlaylistEntry).where(
            PlaylistEntry.playlist_id == playlist_id, PlaylistEntry.track_id == track_id
        )
        if entry_id is not None:
            found = found.where(PlaylistEntry.id == entry_id)
        entry = session.scalars(
            found.order_by(PlaylistEntry.position_key, PlaylistEntry.id).limit(1)
        ).first()
        if entry_id is not None and entry is None:
            raise PlaylistError(
                f"no entry {entry_id} of track {track_id} in playlist {playlist_id}"
            )
    if skipped:
        track.skip_count += 1
    else:
        track.play_count += 1
        track.last_played_at = max(track.last_played_at or started_at, started_at)
        if playlist_id is not None:
            session.execute(
                update(Playlist)
                .where(Playlist.id == playlist_id)
                .values(play_count=Playlist.play_count + 1, last_played_at=started_at)
            )
        if entry is not None:
            entry.play_count += 1
            entry.last_played_at = started_at
    session.flush()
    event = ListeningEvent(
        time=started_at,
        user_id=session.info.get(OWNER_KEY) or track.owner_id,
        track_id=track_id,
        playlist_id=playlist_id,
        duration_played_s=played_s,
        completed=ended_by == "finished",
        skipped=skipped,
        artist=track.artist,
        genre=track.genre,
        tempo_bpm=track.effective_bpm,
        key_note=track.effective_key,
    )
    return Play(skipped, event)


def record_play(  # noqa: PLR0917 - the player's call, positional as the GUI expects it
    target: App | Session,
    track_id: uuid.UUID,
    started_at: datetime,
    played_s: float,
    duration_s: float | None,
    source: Source,
    ended_by: EndedBy,
    *,
    entry_id: uuid.UUID | None = None,
    events: EventStore | None = None,
) -> Play:
    """Record one play: the counts in the store, and a ListeningEvent in analytics.

    target is the App (a transaction of its own) or a Session (the caller's transaction). The
    event goes to the analytics recorder, or straight into `events` when one is given (an
    import of old history). entry_id says which entry played when the track is in the
    playlist twice (default: the first).
    """

    def store(session: Session) -> Play:
        return _store_play(
            session,
            track_id,
            started_at=started_at,
            played_s=played_s,
            duration_s=duration_s,
            source=source,
            ended_by=ended_by,
            entry_id=entry_id,
        )

    if isinstance(target, Session):
        play = store(target)
    else:
        with target.session() as session:
            play = store(session)
    if events is not None:
        events.record(play.event)
    else:
        analytics.record(play.event)
    return play
