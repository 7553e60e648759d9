"""The community around shared work: likes, comments, follows and the activity feed.

SalsaNor's tables were about beat patterns only; here a like or a comment may point at a
pattern, a playlist or lyrics (exactly one of them), so all three can be shared.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museaud.store.base import Base, Owned, check_choice, check_exactly_one

if TYPE_CHECKING:
    from museaud.store.models.accounts import User
    from museaud.store.models.patterns import Pattern
    from museaud.store.models.playlists import Playlist
    from museaud.store.models.songs import Lyrics

SHARED_TARGETS = ("pattern_id", "playlist_id", "lyrics_id")
ACTIVITY_TYPES = (
    "pattern_created",
    "pattern_liked",
    "pattern_forked",
    "pattern_published",
    "playlist_shared",
    "user_followed",
    "comment_created",
)
COMMENT_MAX_LENGTH = 5000


class Like(Owned, Base):
    """A user's like of a pattern, a playlist or lyrics (SalsaNor likes); one per user and item."""

    __tablename__ = "likes"
    __table_args__ = (
        check_exactly_one("one_target", SHARED_TARGETS),
        UniqueConstraint("owner_id", "pattern_id"),
        UniqueConstraint("owner_id", "playlist_id"),
        UniqueConstraint("owner_id", "lyrics_id"),
    )

    pattern_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patterns.id", ondelete="CASCADE"), index=True
    )
    playlist_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), index=True
    )
    lyrics_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lyrics.id", ondelete="CASCADE"), index=True
    )

    pattern: Mapped[Pattern | None] = relationship()
    playlist: Mapped[Playlist | None] = relationship()
    lyrics: Mapped[Lyrics | None] = relationship()


class Comment(Owned, Base):
    """A comment on a pattern, a playlist or lyrics, or a reply to another comment
    (SalsaNor comments); replies go when their parent goes.
    """

    __tablename__ = "comments"
    __table_args__ = (
        check_exactly_one("one_target", SHARED_TARGETS),
        CheckConstraint(
            f"length(text) >= 1 AND length(text) <= {COMMENT_MAX_LENGTH}", name="text_length"
        ),
    )

    pattern_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patterns.id", ondelete="CASCADE"), index=True
    )
    playlist_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), index=True
    )
    lyrics_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lyrics.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    parent_comment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    is_edited: Mapped[bool] = mapped_column(default=False)

    pattern: Mapped[Pattern | None] = relationship()
    playlist: Mapped[Playlist | None] = relationship()
    lyrics: Mapped[Lyrics | None] = relationship()
    parent_comment: Mapped[Comment | None] = relationship(remote_side="Comment.id")


class Follow(Owned, Base):
    """The owner follows another user (SalsaNor follows; follower_id is owner_id)."""

    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint("owner_id <> following_id", name="no_self_follow"),
        UniqueConstraint("owner_id", "following_id"),
    )

    following_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )

    following: Mapped[User] = relationship(foreign_keys=[following_id])


class Activity(Owned, Base):
    """An event in the activity feed: the owner made, liked, forked or published a pattern,
    shared a playlist, followed someone or commented (SalsaNor activities; its `metadata`
    column is `details`, since SQLAlchemy reserves that name).
    """

    __tablename__ = "activities"
    __table_args__ = (
        check_choice("activity_type", ACTIVITY_TYPES),
        Index("ix_activities_owner_created", "owner_id", "created_at"),
    )

    activity_type: Mapped[str] = mapped_column(String(30), index=True)
    pattern_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patterns.id", ondelete="CASCADE"), index=True
    )
    playlist_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), index=True
    )
    target_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    pattern: Mapped[Pattern | None] = relationship()
    playlist: Mapped[Playlist | None] = relationship()
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
