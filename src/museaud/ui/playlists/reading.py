"""What the Playlists view reads from the store, as plain values (run in the reader thread).

A playlist is read in two steps, as the library's table is: its outline (every entry's id and
track id, the tempo, key and energy of each for the transitions and the set curve, and the
totals) in one go, then its rows a page at a time as they come into view. No ORM object leaves
these functions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.library.tracks import driver_connection, track_rows_by_id
from museaud.playlists.ordering import (
    SetSummary,
    SetTrack,
    Transition,
    energy_targets,
    rate_transition,
    set_summary,
    set_track_of,
)
from museaud.playlists.service import PlaylistSummary, entry_rows, get_playlist, list_playlists
from museaud.playlists.smart import smart_rows
from museaud.store.models.playlists import PlaylistFolder
from museaud.ui.library.model import slim


@dataclass(frozen=True)
class FolderSummary:
    """A folder of playlists as the sidebar shows it."""

    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None


@dataclass(frozen=True)
class SidebarContents:
    """Everything the sidebar lists: playlists, folders and the trash."""

    playlists: tuple[PlaylistSummary, ...]
    folders: tuple[FolderSummary, ...]
    trash: tuple[PlaylistSummary, ...]


def read_sidebar(session: Session) -> SidebarContents:
    """The playlists, folders and trash, by name."""
    folders = session.execute(
        select(PlaylistFolder.id, PlaylistFolder.name, PlaylistFolder.parent_id)
    ).all()
    return SidebarContents(
        tuple(list_playlists(session)),
        tuple(FolderSummary(*row) for row in sorted(folders, key=lambda row: row[1].casefold())),
        tuple(list_playlists(session, trash=True)),
    )


TARGET_POINTS = 600
_ENTRIES_SQL = (
    "SELECT id, track_id FROM playlist_entries WHERE playlist_id = ? ORDER BY position_key, id"
)


@dataclass(frozen=True)
class PlaylistOutline:
    """A playlist's shape: who is where, how each transition rates, and the totals."""

    playlist_id: uuid.UUID
    name: str
    kind: str
    query: str
    sort: str
    descending: bool
    limit: int | None
    entry_ids: tuple[uuid.UUID | None, ...]
    """Per position (None in a smart playlist, whose tracks are its query's)."""
    track_ids: tuple[uuid.UUID, ...]
    statuses: tuple[str, ...]
    tracks: tuple[SetTrack, ...]
    summary: SetSummary
    arc: str
    arc_targets: tuple[float, ...]
    """The arc's target energy at evenly spaced points from the first entry to the last (at
    most TARGET_POINTS of them: the curve needs no more)."""
    rows: tuple[dict[str, Any], ...] | None = None
    """A smart playlist's rows, read whole (it is a query); None for a manual one (paged)."""
    _rated: dict[int, Transition] = field(default_factory=dict, compare=False, repr=False)

    def transition(self, position: int) -> Transition | None:
        """The transition into the entry at position (None for the first), rated when first
        asked for: only the rows on screen are rated (on the GUI thread, some 20 µs each)."""
        if not 0 < position < len(self.tracks):
            return None
        rated = self._rated.get(position)
        if rated is None:
            rated = rate_transition(self.tracks[position - 1], self.tracks[position])
            self._rated[position] = rated
        return rated

    @property
    def editable(self) -> bool:
        """True when entries may be added, moved and removed by hand."""
        return self.kind != "smart"

    def __len__(self) -> int:
        return len(self.track_ids)

    def missing_count(self) -> int:
        """Entries whose file is missing."""
        return sum(status == "missing" for status in self.statuses)


def read_outline(session: Session, playlist_id: uuid.UUID, arc: str = "build") -> PlaylistOutline:
    """A playlist's outline (see PlaylistOutline); 10,000 entries take a fraction of a second."""
    playlist = get_playlist(session, playlist_id)
    rows: tuple[dict[str, Any], ...] | None = None
    if playlist.kind == "smart":
        found = smart_rows(session, playlist)
        rows = tuple(row for row in map(slim, found) if row is not None)
        ordered: list[tuple[uuid.UUID | None, dict[str, Any]]] = [(None, row) for row in found]
    else:
        entries = driver_connection(session).execute(_ENTRIES_SQL, (playlist_id.hex,)).fetchall()
        wanted = [uuid.UUID(hex=track) for track in dict.fromkeys(t for _, t in entries)]
        by_hex = {uuid.UUID(row["id"]).hex: row for row in track_rows_by_id(session, wanted)}
        ordered = [
            (uuid.UUID(hex=entry), by_hex[track]) for entry, track in entries if track in by_hex
        ]
    known: dict[str, SetTrack] = {}  # one SetTrack per track, however often it is played
    tracks = []
    for _, row in ordered:
        found_track = known.get(row["id"])
        if found_track is None:
            found_track = known[row["id"]] = set_track_of(row)
        tracks.append(found_track)
    energies = [track.energy for track in tracks if track.energy is not None]
    points = min(len(tracks), TARGET_POINTS)
    targets: list[float] = energy_targets(arc, points, energies).tolist() if tracks else []
    return PlaylistOutline(
        playlist_id=playlist.id,
        name=playlist.name,
        kind=playlist.kind,
        query=playlist.query or "",
        sort=playlist.sort_by or "artist",
        descending=bool(playlist.sort_descending),
        limit=playlist.track_limit,
        entry_ids=tuple(entry for entry, _ in ordered),
        track_ids=tuple(track.track_id for track in tracks),
        statuses=tuple(str(row["status"]) for _, row in ordered),
        tracks=tuple(tracks),
        summary=set_summary(tracks, arc=arc),
        arc=arc,
        arc_targets=tuple(float(target) for target in targets),
        rows=rows,
    )


def read_page(
    session: Session, playlist_id: uuid.UUID, offset: int, limit: int
) -> list[dict[str, Any]]:
    """A page of a manual playlist's rows: the track's fields the table shows and the entry's
    id, notes and rating."""
    page = []
    for entry in entry_rows(session, playlist_id, offset=offset, limit=limit):
        row = slim(entry["track"]) or {}
        row["entry_id"] = entry["entry_id"]
        row["notes"] = entry["notes"]
        row["entry_rating"] = entry["entry_rating"]
        page.append(row)
    return page
