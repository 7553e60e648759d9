"""What the library holds to filter by: its genres, tags and moods, the most used first.

The filter panel offers these, so a musician picks a genre that exists instead of guessing its
spelling. Values are grouped without regard to case, as the query language matches them
(`genre:house` finds "House" and "house"), and shown in the spelling most tracks use. Hidden
tracks are not counted, as the library view does not show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from museaud.store.models.library import TAG_KINDS, Track, TrackTag

DEFAULT_LIMIT = 200
"""More than a filter list can usefully show; the rarest values are left out."""


@dataclass(frozen=True)
class Facet:
    """One value to filter by and how many tracks have it."""

    value: str
    tracks: int


def _limit(limit: int) -> int:
    if limit < 1:
        raise ValueError(f"a facet list holds at least one value, not {limit}")
    return limit


def _ranked(counts: dict[str, int], spellings: dict[str, str], limit: int) -> list[Facet]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: _limit(limit)]
    return [Facet(spellings.get(key, key), tracks) for key, tracks in ranked if tracks > 0]


def _pairs(session: Session, statement: Select[tuple[str, Any]]) -> dict[str, Any]:
    return {key: value for key, value in session.execute(statement)}


def genre_counts(session: Session, limit: int = DEFAULT_LIMIT) -> list[Facet]:
    """The genres of the visible tracks, the most used first (at most limit of them)."""
    lowered = func.lower(Track.genre)
    counts = _pairs(  # from the filter index alone (lower(genre) ... is_hidden)
        session,
        select(lowered, func.count())
        .where(Track.is_hidden.is_(False), lowered.is_not(None), lowered != "")
        .group_by(lowered),
    )
    chosen = [facet.value for facet in _ranked(counts, {}, limit)]
    spellings = _pairs(  # one stored spelling of each
        session,
        select(lowered, func.min(Track.genre)).where(lowered.in_(chosen)).group_by(lowered),
    )
    return _ranked(counts, spellings, limit)


def tag_counts(session: Session, kind: str = "tag", limit: int = DEFAULT_LIMIT) -> list[Facet]:
    """The tags (kind "tag") or moods (kind "mood") of the visible tracks, the most used first
    (at most limit of them)."""
    if kind not in TAG_KINDS:
        raise ValueError(f"unknown kind of tag {kind!r}; use one of: {', '.join(TAG_KINDS)}")
    lowered = func.lower(TrackTag.tag)
    every = select(lowered, func.count()).where(TrackTag.kind == kind).group_by(lowered)
    counts = _pairs(session, every)  # from the tag index alone
    hidden = select(Track.id).where(Track.is_hidden.is_(True))  # few: taken off afterwards
    for key, count in _pairs(session, every.where(TrackTag.track_id.in_(hidden))).items():
        counts[key] -= count
    chosen = [facet.value for facet in _ranked(counts, {}, limit)]
    spellings = _pairs(
        session,
        select(lowered, func.min(TrackTag.tag))
        .where(TrackTag.kind == kind, lowered.in_(chosen))
        .group_by(lowered),
    )
    return _ranked(counts, spellings, limit)
