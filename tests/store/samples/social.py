"""Sample rows for museaud.store.models.social: one valid row per table."""

from __future__ import annotations

from typing import Any

from museaud.store.base import new_id
from museaud.store.models.accounts import User
from museaud.store.models.social import Activity, Comment, Follow, Like


def rows(ctx: dict[str, Any]) -> list[Any]:
    owner = ctx["users"].id
    # a follow needs a second person: nobody may follow themselves
    friend = User(id=new_id(), username="timbalero", email="timbalero@example.org")
    like = Like(
        id=new_id(),
        owner_id=owner,
        pattern_id=None,
        playlist_id=ctx["playlists"].id,
        lyrics_id=None,  # lyrics come later in the insert order
    )
    comment = Comment(
        id=new_id(),
        owner_id=owner,
        pattern_id=ctx["patterns"].id,
        playlist_id=None,
        lyrics_id=None,
        text="Love the 2-3 clave on this one!",
        parent_comment_id=None,
        is_edited=True,
    )
    follow = Follow(id=new_id(), owner_id=owner, following_id=friend.id)
    activity = Activity(
        id=new_id(),
        owner_id=owner,
        activity_type="pattern_published",
        pattern_id=ctx["patterns"].id,
        playlist_id=ctx["playlists"].id,
        target_user_id=friend.id,
        details={"title": "Classic Salsa Beat", "via": "beat_machine"},
    )
    ctx["social_friend"] = friend
    ctx["likes"] = like
    ctx["comments"] = comment
    ctx["follows"] = follow
    ctx["activities"] = activity
    return [friend, like, comment, follow, activity]
