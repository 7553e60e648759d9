"""Constraints and cascades of likes, comments, follows and the activity feed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from tests.store.samples import social as social_samples
from tests.support.store import add_and_flush, assert_refused, count

from museaud.store.base import new_id
from museaud.store.models import accounts, library, patterns, playlists, social, songs
from museaud.store.models.accounts import User
from museaud.store.models.patterns import Pattern
from museaud.store.models.playlists import Playlist
from museaud.store.models.social import Activity, Comment, Follow, Like
from museaud.store.models.songs import Lyrics

# every table the social module refers to: users, patterns, playlists, lyrics
assert accounts and library and patterns and playlists and social and songs


@pytest.fixture
def targets(session: Session, owner: uuid.UUID) -> dict[str, uuid.UUID]:
    """One pattern, one playlist and one lyric sheet to like and comment on."""
    pattern = Pattern(id=new_id(), owner_id=owner, title="Son clave", flavor="Salsa", key_note=0)
    playlist = Playlist(id=new_id(), owner_id=owner, name="Warm-up")
    lyrics = Lyrics(id=new_id(), owner_id=owner, content="Quimbara quimbara")
    session.add_all([pattern, playlist, lyrics])
    session.commit()
    return {"pattern_id": pattern.id, "playlist_id": playlist.id, "lyrics_id": lyrics.id}


def make_user(name: str) -> User:
    return User(id=new_id(), username=name)


def make_comment(owner: uuid.UUID, **values: Any) -> Comment:
    values.setdefault("text", "Nice groove")
    return Comment(id=new_id(), owner_id=owner, **values)


def test_sample_rows_are_accepted(
    session: Session, owner: uuid.UUID, targets: dict[str, uuid.UUID]
) -> None:
    ctx: dict[str, Any] = {
        "users": session.get(User, owner),
        "patterns": session.get(Pattern, targets["pattern_id"]),
        "playlists": session.get(Playlist, targets["playlist_id"]),
    }
    add_and_flush(session, *social_samples.rows(ctx))
    session.commit()
    for model in (Like, Comment, Follow, Activity):
        assert count(session, model) == 1, model.__name__


# --- likes and comments: exactly one target ---------------------------------------------------


@pytest.mark.parametrize("model", [Like, Comment])
def test_like_and_comment_need_a_target(session: Session, owner: uuid.UUID, model: type) -> None:
    row = model(id=new_id(), owner_id=owner)
    if model is Comment:
        row.text = "Nice"
    assert_refused(session, row, match="one_target")


@pytest.mark.parametrize("model", [Like, Comment])
@pytest.mark.parametrize(
    "pair",
    [("pattern_id", "playlist_id"), ("pattern_id", "lyrics_id"), ("playlist_id", "lyrics_id")],
)
def test_like_and_comment_take_only_one_target(
    session: Session,
    owner: uuid.UUID,
    targets: dict[str, uuid.UUID],
    model: type,
    pair: tuple[str, str],
) -> None:
    row = model(id=new_id(), owner_id=owner, **{column: targets[column] for column in pair})
    if model is Comment:
        row.text = "Nice"
    assert_refused(session, row, match="one_target")


@pytest.mark.parametrize("target", ["pattern_id", "playlist_id", "lyrics_id"])
def test_one_like_per_user_and_item(
    session: Session, owner: uuid.UUID, targets: dict[str, uuid.UUID], target: str
) -> None:
    add_and_flush(session, Like(id=new_id(), owner_id=owner, **{target: targets[target]}))
    session.commit()
    again = Like(id=new_id(), owner_id=owner, **{target: targets[target]})
    assert_refused(session, again, match="UNIQUE")
    friend = make_user("friend")
    add_and_flush(
        session, friend, Like(id=new_id(), owner_id=friend.id, **{target: targets[target]})
    )


def test_user_may_like_each_kind_of_item(
    session: Session, owner: uuid.UUID, targets: dict[str, uuid.UUID]
) -> None:
    add_and_flush(
        session,
        *(
            Like(id=new_id(), owner_id=owner, **{column: value})
            for column, value in targets.items()
        ),
    )
    session.commit()
    assert count(session, Like) == 3


@pytest.mark.parametrize(
    ("text", "accepted"), [("", False), ("x", True), ("x" * 5000, True), ("x" * 5001, False)]
)
def test_comment_length_is_1_to_5000(
    session: Session, owner: uuid.UUID, targets: dict[str, uuid.UUID], text: str, accepted: bool
) -> None:
    row = make_comment(owner, pattern_id=targets["pattern_id"], text=text)
    if accepted:
        add_and_flush(session, row)
    else:
        assert_refused(session, row, match="text_length")


@pytest.mark.parametrize("target", ["pattern_id", "playlist_id", "lyrics_id"])
def test_deleting_item_deletes_its_likes_comments_and_replies(
    session: Session, owner: uuid.UUID, targets: dict[str, uuid.UUID], target: str
) -> None:
    comment = make_comment(owner, **{target: targets[target]})
    reply = make_comment(owner, **{target: targets[target]}, parent_comment_id=comment.id)
    like = Like(id=new_id(), owner_id=owner, **{target: targets[target]})
    add_and_flush(session, comment, reply, like)
    session.commit()
    if target == "pattern_id":
        session.execute(delete(Pattern).where(Pattern.id == targets[target]))
    elif target == "playlist_id":
        session.execute(delete(Playlist).where(Playlist.id == targets[target]))
    else:
        session.execute(delete(Lyrics).where(Lyrics.id == targets[target]))
    session.commit()
    assert count(session, Like) == 0
    assert count(session, Comment) == 0


def test_deleting_comment_deletes_its_replies(
    session: Session, owner: uuid.UUID, targets: dict[str, uuid.UUID]
) -> None:
    comment = make_comment(owner, pattern_id=targets["pattern_id"])
    reply = make_comment(owner, pattern_id=targets["pattern_id"], parent_comment_id=comment.id)
    reply_to_reply = make_comment(
        owner, pattern_id=targets["pattern_id"], parent_comment_id=reply.id
    )
    other = make_comment(owner, pattern_id=targets["pattern_id"])
    add_and_flush(session, comment, reply, reply_to_reply, other)
    session.commit()
    session.execute(delete(Comment).where(Comment.id == comment.id))
    session.commit()
    assert session.scalars(select(Comment.id)).all() == [other.id]


# --- follows ----------------------------------------------------------------------------------


def test_nobody_follows_themselves(session: Session, owner: uuid.UUID) -> None:
    assert_refused(
        session, Follow(id=new_id(), owner_id=owner, following_id=owner), match="no_self_follow"
    )


def test_follow_is_unique_and_goes_with_either_user(session: Session, owner: uuid.UUID) -> None:
    friend, fan = make_user("friend"), make_user("fan")
    add_and_flush(
        session,
        friend,
        fan,
        Follow(id=new_id(), owner_id=owner, following_id=friend.id),
        Follow(id=new_id(), owner_id=fan.id, following_id=owner),
    )
    session.commit()
    assert_refused(
        session, Follow(id=new_id(), owner_id=owner, following_id=friend.id), match="UNIQUE"
    )
    session.execute(delete(User).where(User.id == friend.id))
    session.commit()
    assert count(session, Follow) == 1  # the fan still follows the owner
    session.execute(delete(User).where(User.id == fan.id))
    session.commit()
    assert count(session, Follow) == 0


# --- activities -------------------------------------------------------------------------------


def test_activity_type_is_checked(session: Session, owner: uuid.UUID) -> None:
    row = Activity(id=new_id(), owner_id=owner, activity_type="pattern_stolen")
    assert_refused(session, row, match="activity_type_choice")


def test_activity_goes_with_its_pattern_playlist_and_users(
    session: Session, owner: uuid.UUID, targets: dict[str, uuid.UUID]
) -> None:
    friend = make_user("friend")
    rows = [
        Activity(
            id=new_id(),
            owner_id=owner,
            activity_type="pattern_liked",
            pattern_id=targets["pattern_id"],
            details={"title": "Son clave"},
        ),
        Activity(
            id=new_id(),
            owner_id=owner,
            activity_type="playlist_shared",
            playlist_id=targets["playlist_id"],
        ),
        Activity(
            id=new_id(), owner_id=owner, activity_type="user_followed", target_user_id=friend.id
        ),
        Activity(id=new_id(), owner_id=friend.id, activity_type="comment_created"),
    ]
    add_and_flush(session, friend, *rows)
    session.commit()
    session.execute(delete(Pattern).where(Pattern.id == targets["pattern_id"]))
    session.execute(delete(Playlist).where(Playlist.id == targets["playlist_id"]))
    session.commit()
    assert count(session, Activity) == 2
    session.execute(delete(User).where(User.id == friend.id))
    session.commit()
    assert count(session, Activity) == 0


def test_deleting_owner_deletes_their_social_rows(
    session: Session, owner: uuid.UUID, targets: dict[str, uuid.UUID]
) -> None:
    ctx: dict[str, Any] = {
        "users": session.get(User, owner),
        "patterns": session.get(Pattern, targets["pattern_id"]),
        "playlists": session.get(Playlist, targets["playlist_id"]),
    }
    add_and_flush(session, *social_samples.rows(ctx))
    session.commit()
    session.execute(delete(User).where(User.id == owner))
    session.commit()
    for model in (Like, Comment, Follow, Activity):
        assert count(session, model) == 0, model.__name__
