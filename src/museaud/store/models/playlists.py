"""Playlists: manual, smart (kept by rules) and generated (from a template), with their entries,
collaborators and the recommendations offered for them.

Merges Blendtune's planned playlists and playlist_tracks with the playlist plan's playlists,
playlist_tracks, playlist_collaborators, playlist_templates, generated_playlists and
playlist_recommendations. Listening history is a time series and lives in DuckDB (analytics).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museaud.store.base import (
    Base,
    OptionallyOwned,
    Owned,
    check_choice,
    check_not_negative,
    check_range,
    utcnow,
)
from museaud.store.models.library import Track

TEMPLATE_TYPES = ("mood", "genre", "era", "energy", "custom")
PLAYLIST_KINDS = ("manual", "smart", "generated")
COLLABORATOR_PERMISSIONS = ("view", "edit", "admin")
RECOMMENDATION_TYPES = ("similar_tracks", "user_preferences", "collaborative", "harmonic")


class PlaylistTemplate(OptionallyOwned, Base):
    """A recipe for generating playlists: by mood, genre, era, energy or custom parameters
    (the playlist plan's playlist_templates). Built-in templates have no owner; the
    plan's created_by_user_id is the owner."""

    __tablename__ = "playlist_templates"
    __table_args__ = (
        check_choice("template_type", TEMPLATE_TYPES),
        CheckConstraint(
            "(is_system AND owner_id IS NULL) OR (NOT is_system AND owner_id IS NOT NULL)",
            name="system_has_no_owner",
        ),
        Index("ix_playlist_templates_type_active", "template_type", "is_active"),
    )

    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    template_type: Mapped[str] = mapped_column(String(20))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_system: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)


class Playlist(Owned, Base):
    """An ordered list of tracks (Blendtune playlists and the playlist plan's playlists).

    A manual playlist is edited by hand, a smart one is kept by its `rules`, a generated one
    was made from a template (see `generated_playlists`). The plan's track_count and
    total_duration are not stored: they are a count and a sum over `playlist_entries`.
    """

    __tablename__ = "playlists"
    __table_args__ = (
        check_choice("kind", PLAYLIST_KINDS),
        check_not_negative("play_count"),
        check_range("rating_avg", 0, 5),
        Index("ix_playlists_owner_name", "owner_id", "name"),
        Index("ix_playlists_public", "is_public", "published_at"),
    )

    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="manual", index=True)
    is_public: Mapped[bool] = mapped_column(default=False)
    is_collaborative: Mapped[bool] = mapped_column(default=False)
    cover_image_path: Mapped[str | None] = mapped_column(String(4096))
    # smart playlist rules; empty unless kind is 'smart'
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("playlist_templates.id", ondelete="SET NULL"), index=True
    )
    # cached counters: plays by everyone it is shared with and their average rating,
    # synced from the server (local plays alone are in the DuckDB listening history)
    play_count: Mapped[int] = mapped_column(default=0)
    rating_avg: Mapped[float | None]
    last_played_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    template: Mapped[PlaylistTemplate | None] = relationship()
    entries: Mapped[list[PlaylistEntry]] = relationship(
        back_populates="playlist",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PlaylistEntry.position",
    )
    collaborators: Mapped[list[PlaylistCollaborator]] = relationship(
        back_populates="playlist", cascade="all, delete-orphan", passive_deletes=True
    )


class PlaylistEntry(Owned, Base):
    """One track at one position in a playlist (Blendtune and the playlist plan's playlist_tracks).

    The row belongs to the playlist's owner; `added_by_id` says which collaborator added it.
    Blendtune's unique (playlist, track) is dropped: a set list may play a track twice.
    Positions are unique per playlist and checked row by row, so reordering moves the entries
    out of the way first (e.g. position + 1 000 000) and then to their new places.
    """

    __tablename__ = "playlist_entries"
    __table_args__ = (
        UniqueConstraint("playlist_id", "position"),
        check_not_negative("position"),
        check_range("rating", 1, 5),
        check_not_negative("play_count"),
    )

    playlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    notes: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None]
    play_count: Mapped[int] = mapped_column(default=0)
    last_played_at: Mapped[datetime | None]

    playlist: Mapped[Playlist] = relationship(back_populates="entries")
    track: Mapped[Track] = relationship()


class PlaylistCollaborator(Owned, Base):
    """Another user allowed to view or edit a playlist (the playlist plan's
    playlist_collaborators; its added_at is created_at). The row belongs to the playlist's
    owner; `user_id` is the collaborator."""

    __tablename__ = "playlist_collaborators"
    __table_args__ = (
        check_choice("permission", COLLABORATOR_PERMISSIONS),
        UniqueConstraint("playlist_id", "user_id"),
    )

    playlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    permission: Mapped[str] = mapped_column(String(10), default="edit")

    playlist: Mapped[Playlist] = relationship(back_populates="collaborators")


class GeneratedPlaylist(Owned, Base):
    """A record of one generation of a playlist from a template, with the parameters used and
    how good the result scored (the playlist plan's generated_playlists; its track_count and
    total_duration are computed from the playlist's entries instead)."""

    __tablename__ = "generated_playlists"
    __table_args__ = (check_range("generation_score", 0, 1),)

    template_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("playlist_templates.id", ondelete="SET NULL"), index=True
    )
    playlist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), index=True
    )
    generation_parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    generation_score: Mapped[float | None]


class PlaylistRecommendation(Owned, Base):
    """A track suggested to the user, for one playlist or in general, with why and how strongly
    (the playlist plan's playlist_recommendations; 'harmonic' is added for key-compatible
    suggestions from the Camelot wheel)."""

    __tablename__ = "playlist_recommendations"
    __table_args__ = (
        check_choice("recommendation_type", RECOMMENDATION_TYPES, nullable=True),
        check_range("recommendation_score", 0, 1),
        Index("ix_playlist_recommendations_owner_score", "owner_id", "recommendation_score"),
        Index("ix_playlist_recommendations_playlist_score", "playlist_id", "recommendation_score"),
    )

    playlist_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE")
    )
    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), index=True
    )
    recommendation_score: Mapped[float]
    recommendation_reason: Mapped[str | None] = mapped_column(Text)
    recommendation_type: Mapped[str | None] = mapped_column(String(30))
    is_accepted: Mapped[bool] = mapped_column(default=False)
