"""Playlists: manual, smart (kept by a saved query) and generated (from a template), in folders,
with their entries, collaborators and the recommendations offered for them.

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
RECOMMENDATION_STATUSES = ("pending", "accepted", "rejected")


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


class PlaylistFolder(Owned, Base):
    """A folder of playlists, possibly inside another folder (a crate of crates).

    A table of its own rather than a kind of playlist: a folder has no entries, query or play
    counts, and a foreign key then guarantees a playlist sits in a folder, never in a playlist.
    """

    __tablename__ = "playlist_folders"
    __table_args__ = (Index("ix_playlist_folders_owner_name", "owner_id", "name"),)

    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("playlist_folders.id", ondelete="SET NULL"), index=True
    )


class Playlist(Owned, Base):
    """An ordered list of tracks (Blendtune playlists and the playlist plan's playlists).

    A manual playlist is edited by hand, a smart one is its saved `query` (the library's query
    language) with a sort and a limit, evaluated when read; a generated one was made from a
    template (see `generated_playlists`). A deleted playlist keeps its rows with `deleted_at`
    set (the trash) until the trash is emptied. The plan's track_count and total_duration are
    not stored: they are a count and a sum over `playlist_entries`.
    """

    __tablename__ = "playlists"
    __table_args__ = (
        check_choice("kind", PLAYLIST_KINDS),
        check_not_negative("play_count"),
        check_range("rating_avg", 0, 5),
        CheckConstraint("kind <> 'smart' OR query IS NOT NULL", name="smart_has_query"),
        CheckConstraint("track_limit IS NULL OR track_limit >= 1", name="track_limit_positive"),
        Index("ix_playlists_owner_name", "owner_id", "name"),
        Index("ix_playlists_owner_deleted", "owner_id", "deleted_at"),
        Index("ix_playlists_public", "is_public", "published_at"),
    )

    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="manual", index=True)
    is_public: Mapped[bool] = mapped_column(default=False)
    is_collaborative: Mapped[bool] = mapped_column(default=False)
    cover_image_path: Mapped[str | None] = mapped_column(String(4096))
    folder_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("playlist_folders.id", ondelete="SET NULL"), index=True
    )
    deleted_at: Mapped[datetime | None]
    # a smart playlist: its query, the library sort field, direction and how many tracks at most
    query: Mapped[str | None] = mapped_column(Text)
    sort_by: Mapped[str | None] = mapped_column(String(20))
    sort_descending: Mapped[bool] = mapped_column(default=False)
    track_limit: Mapped[int | None]
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("playlist_templates.id", ondelete="SET NULL"), index=True
    )
    # plays from this playlist (each also in the DuckDB listening history); the average rating
    # of a shared playlist is cached from the server
    play_count: Mapped[int] = mapped_column(default=0)
    rating_avg: Mapped[float | None]
    last_played_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    template: Mapped[PlaylistTemplate | None] = relationship()
    entries: Mapped[list[PlaylistEntry]] = relationship(
        back_populates="playlist",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(PlaylistEntry.position_key, PlaylistEntry.id)",
    )
    collaborators: Mapped[list[PlaylistCollaborator]] = relationship(
        back_populates="playlist", cascade="all, delete-orphan", passive_deletes=True
    )


class PlaylistEntry(Owned, Base):
    """One track at one place in a playlist (Blendtune and the playlist plan's playlist_tracks).

    The row belongs to the playlist's owner; `added_by_id` says which collaborator added it.
    Blendtune's unique (playlist, track) is dropped: a set list may play a track twice.
    Entries sort by `position_key`, a fractional index (museaud.playlists.positions): moving
    or inserting one entry writes one key between its new neighbours' and never renumbers the
    list, so edits from two devices merge. Equal keys (two devices inserting at one spot) are
    allowed and sort by id, the same on every device. Keys compare byte by byte (BINARY on
    SQLite; COLLATE "C" on PostgreSQL).
    """

    __tablename__ = "playlist_entries"
    __table_args__ = (
        Index("ix_playlist_entries_playlist_order", "playlist_id", "position_key", "id"),
        check_range("rating", 1, 5),
        check_not_negative("play_count"),
    )

    playlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), index=True
    )
    position_key: Mapped[str] = mapped_column(String(255))
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
    suggestions from the Camelot wheel). `status` says whether the user accepted or rejected
    it, and `decided_at` when; a rejected track is remembered so it is not suggested again."""

    __tablename__ = "playlist_recommendations"
    __table_args__ = (
        check_choice("recommendation_type", RECOMMENDATION_TYPES, nullable=True),
        check_choice("status", RECOMMENDATION_STATUSES),
        CheckConstraint(
            "(status = 'pending' AND decided_at IS NULL) "
            "OR (status <> 'pending' AND decided_at IS NOT NULL)",
            name="decided_has_time",
        ),
        check_range("recommendation_score", 0, 1),
        Index("ix_playlist_recommendations_playlist_track", "playlist_id", "track_id"),
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
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_at: Mapped[datetime | None]
