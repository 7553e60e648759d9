"""Discovery through the sound: a song path from one track to another, and tracks to suggest
for a playlist, each with its reason.

Both read the in-memory copy of the track vectors (`library.similarity.track_index`: unit
vectors, cosine = inner product). A song path walks evenly spaced waypoints on the line from
A's sound to B's, taking the nearest unused track to each. Suggestions for a playlist come from
near its centroid and near each of its tracks, scored by both, and are recorded in
`playlist_recommendations`; accepting one adds the track, rejecting one keeps it out of that
playlist's suggestions for good.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.library.records import TRACK_VECTORS
from museaud.library.similarity import TrackVectorIndex, track_index
from museaud.music.keys import Key
from museaud.playlists.errors import PlaylistError
from museaud.playlists.ordering import (
    GREEN_TEMPO_PCT,
    SetTrack,
    key_relation,
    mixing_cost,
    playlist_set,
    set_tracks,
    tempo_change_pct,
)
from museaud.playlists.service import add_tracks
from museaud.store.base import utcnow
from museaud.store.models.library import Track
from museaud.store.models.playlists import PlaylistRecommendation

FloatVector = npt.NDArray[np.float32]

PATH_CHOICES = 16
"""Nearest tracks considered per waypoint of a song path, beyond those already used."""
MIX_WEIGHT = 0.1
"""With mixable paths: a clash (mixing cost 1) weighs as much as 0.1 of cosine distance."""
NEIGHBOURS_PER_TRACK = 10
"""Nearest tracks looked up around each playlist track (besides its centroid's)."""
MOST_SEED_TRACKS = 50
"""Playlist tracks whose neighbours are looked up; a longer playlist uses an even spread."""


class DiscoveryError(ValueError):
    """A path or suggestion that cannot be made: unknown track, no sound features."""


@dataclass(frozen=True)
class Recommendation:
    """A track suggested for a playlist: how strongly (0-1) and why."""

    track_id: uuid.UUID
    score: float
    reason: str


# --- song path ------------------------------------------------------------------------------


def _vector_of(session: Session, index: TrackVectorIndex, track_id: uuid.UUID) -> FloatVector:
    vector = index.vector(track_id)
    if vector is None:
        track = session.get(Track, track_id)
        if track is None:
            raise DiscoveryError(f"no track with id {track_id}")
        raise DiscoveryError(
            f"{track.title or track.file_name!r} has no sound features yet: analyse it first"
        )
    return vector


def _visible(session: Session, entity_ids: Sequence[str]) -> set[str]:
    """Which of these entity ids (UUID hex) are tracks that are not hidden."""
    ids = [uuid.UUID(hex=entity) for entity in entity_ids]
    query = select(Track.id).where(Track.id.in_(ids), Track.is_hidden.is_(False))
    return {track_id.hex for track_id in session.scalars(query)}


def _with_vectors(
    index: TrackVectorIndex, track_ids: Sequence[uuid.UUID]
) -> tuple[list[uuid.UUID], FloatVector]:
    """The tracks that have a vector, and their vectors as rows."""
    found = [(track_id, index.vector(track_id)) for track_id in track_ids]
    kept = [(track_id, vector) for track_id, vector in found if vector is not None]
    if not kept:
        return [], np.zeros((0, TRACK_VECTORS.dimensions), dtype=np.float32)
    return [track_id for track_id, _ in kept], np.stack([vector for _, vector in kept])


def _unit(vector: FloatVector) -> FloatVector:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-9 else vector


def song_path(
    session: Session,
    start: uuid.UUID,
    end: uuid.UUID,
    steps: int = 8,
    *,
    mixable: bool = False,
) -> list[uuid.UUID]:
    """Tracks leading from start's sound to end's in `steps` moves: start, steps - 1 tracks
    between (fewer when the library runs out), end. Hidden tracks are left out.

    Plain paths take the nearest unused track to each waypoint and are then put in order of
    how far along the way from start to end each sounds. Mixable paths also weigh how each
    track mixes with the one before (key, tempo, energy) and keep the waypoints' order.
    """
    if steps < 1:
        raise DiscoveryError(f"a song path needs at least 1 step, not {steps}")
    if start == end:
        raise DiscoveryError("a song path needs two different tracks")
    index = track_index(session)
    origin, goal = _vector_of(session, index, start), _vector_of(session, index, end)
    waypoints = [_unit((1 - k / steps) * origin + k / steps * goal) for k in range(1, steps)]
    nearby = [index.nearest(point, steps + PATH_CHOICES) for point in waypoints]
    visible = _visible(session, list({entity for near in nearby for entity, _ in near}))
    used = {start.hex, end.hex}
    tracks: dict[str, SetTrack] = {}
    if mixable:
        every = [start, end, *(uuid.UUID(hex=entity) for entity in visible)]
        tracks = {track.track_id.hex: track for track in set_tracks(session, every)}
    path = [start.hex]
    for near in nearby:
        options = [(d, entity) for entity, d in near if entity in visible and entity not in used]
        if not options:
            continue
        if mixable:
            before = tracks[path[-1]]
            options = [(d + MIX_WEIGHT * mixing_cost(before, tracks[e]), e) for d, e in options]
        _, chosen = min(options)
        used.add(chosen)
        path.append(chosen)
    between, vectors = _with_vectors(index, [uuid.UUID(hex=entity) for entity in path[1:]])
    if not mixable:  # in order of how far along the way from start to end each one sounds
        progress = (vectors - origin) @ (goal - origin)
        between = [between[i] for i in np.argsort(progress, kind="stable").tolist()]
    return [start, *between, end]


# --- suggestions for a playlist -------------------------------------------------------------


def _set_key(members: Sequence[SetTrack]) -> Key | None:
    """The playlist's key: the one most of its tracks are in (the first such on a tie)."""
    keys = Counter(track.key for track in members if track.key is not None)
    return keys.most_common(1)[0][0] if keys else None


def _reason(
    names: Sequence[str], track: SetTrack | None, set_key: Key | None, set_bpm: float | None
) -> str:
    """Why a track is suggested: the playlist tracks it sounds closest to, and its key and
    tempo when they suit the playlist's."""
    parts = ["close to " + " and ".join(f"'{name}'" for name in names)]
    if track is not None and track.key is not None and set_key is not None:
        relation, grade = key_relation(set_key, track.key)
        if relation == "same key":
            parts.append(f"{track.key.camelot} like the set")
        elif grade == "green":
            parts.append(f"{track.key.camelot} mixes with the set's {set_key.camelot} ({relation})")
    if (
        track is not None
        and track.bpm
        and set_bpm
        and abs(tempo_change_pct(set_bpm, track.bpm)) <= GREEN_TEMPO_PCT
    ):
        parts.append(f"{track.bpm:.0f} BPM like the set")
    return "; ".join(parts)


def _suggestions(session: Session, playlist_id: uuid.UUID, count: int) -> list[Recommendation]:
    """The count tracks sounding most like the playlist, best first; never a track in it,
    one rejected for it, or a hidden one."""
    members = playlist_set(session, playlist_id)
    index = track_index(session)
    voiced, matrix = _with_vectors(index, list(dict.fromkeys(t.track_id for t in members)))
    if not voiced or count < 1:
        return []
    by_id = {t.track_id: t for t in members}
    seeds = [by_id[track_id] for track_id in voiced]
    centroid = _unit(matrix.mean(axis=0))
    rejected = session.scalars(
        select(PlaylistRecommendation.track_id).where(
            PlaylistRecommendation.playlist_id == playlist_id,
            PlaylistRecommendation.status == "rejected",
        )
    )
    excluded = {t.track_id.hex for t in members} | {track_id.hex for track_id in rejected}
    found = dict.fromkeys(entity for entity, _ in index.nearest(centroid, count + len(excluded)))
    spread = np.linspace(0, len(seeds) - 1, min(len(seeds), MOST_SEED_TRACKS)).round()
    for position in spread.astype(int).tolist():
        near = index.nearest(matrix[position], NEIGHBOURS_PER_TRACK + len(excluded))
        found.update(dict.fromkeys(entity for entity, _ in near))
    candidates = [entity for entity in found if entity not in excluded]
    visible = _visible(session, candidates)
    ids, vectors = _with_vectors(
        index, [uuid.UUID(hex=entity) for entity in candidates if entity in visible]
    )
    if not ids:
        return []
    to_members = vectors @ matrix.T
    scores = np.clip(0.5 * (vectors @ centroid) + 0.5 * to_members.max(axis=1), 0.0, 1.0)
    best = np.argsort(-scores, kind="stable")[:count]
    details = {t.track_id: t for t in set_tracks(session, [ids[i] for i in best.tolist()])}
    set_key = _set_key(seeds)
    bpms = [t.bpm for t in seeds if t.bpm]
    set_bpm = float(np.median(bpms)) if bpms else None
    suggestions = []
    for i in best.tolist():
        closest = np.argsort(-to_members[i], kind="stable")[:2].tolist()
        reason = _reason([seeds[m].title for m in closest], details.get(ids[i]), set_key, set_bpm)
        suggestions.append(Recommendation(ids[i], round(float(scores[i]), 4), reason))
    return suggestions


def recommend(session: Session, playlist_id: uuid.UUID, count: int = 10) -> list[Recommendation]:
    """Tracks to suggest for a playlist, best first, recorded as pending suggestions (a track
    suggested again keeps its one row, with the new score and reason)."""
    suggestions = _suggestions(session, playlist_id, count)
    pending = {
        row.track_id: row
        for row in session.scalars(
            select(PlaylistRecommendation).where(
                PlaylistRecommendation.playlist_id == playlist_id,
                PlaylistRecommendation.status == "pending",
            )
        )
    }
    for suggestion in suggestions:
        row = pending.get(suggestion.track_id)
        if row is None:
            row = PlaylistRecommendation(
                playlist_id=playlist_id,
                track_id=suggestion.track_id,
                recommendation_type="similar_tracks",
                status="pending",
            )
            session.add(row)
        row.recommendation_score = suggestion.score
        row.recommendation_reason = suggestion.reason
    session.flush()
    return suggestions


def _pending(
    session: Session, playlist_id: uuid.UUID, track_id: uuid.UUID
) -> PlaylistRecommendation:
    row = session.scalars(
        select(PlaylistRecommendation).where(
            PlaylistRecommendation.playlist_id == playlist_id,
            PlaylistRecommendation.track_id == track_id,
            PlaylistRecommendation.status == "pending",
        )
    ).first()
    if row is None:
        raise PlaylistError(f"track {track_id} is not a pending suggestion for this playlist")
    return row


def accept_recommendation(session: Session, playlist_id: uuid.UUID, track_id: uuid.UUID) -> None:
    """Add a suggested track to the end of the playlist and record that it was accepted."""
    row = _pending(session, playlist_id, track_id)
    add_tracks(session, playlist_id, [track_id])
    row.status, row.decided_at = "accepted", utcnow()
    session.flush()


def reject_recommendation(session: Session, playlist_id: uuid.UUID, track_id: uuid.UUID) -> None:
    """Record that a suggested track was rejected: it is never suggested for this playlist
    again."""
    row = _pending(session, playlist_id, track_id)
    row.status, row.decided_at = "rejected", utcnow()
    session.flush()


def more_like_playlist(session: Session, playlist_id: uuid.UUID, n: int) -> list[uuid.UUID]:
    """n tracks that sound like the playlist and are not in it (nor rejected for it), best
    first: the makings of a new playlist. Nothing is recorded."""
    return [suggestion.track_id for suggestion in _suggestions(session, playlist_id, n)]
