"""The playlist models' constraints and cascades, on a real SQLite file."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from tests.support.store import add_user, assert_refused, count

from museaud.store.base import new_id
from museaud.store.models import accounts, library, playlists
from museaud.store.models.accounts import User
from museaud.store.models.library import Track
from museaud.store.models.playlists import (
    GeneratedPlaylist,
    Playlist,
    PlaylistCollaborator,
    PlaylistEntry,
    PlaylistRecommendation,
    PlaylistTemplate,
)

assert accounts and library and playlists  # imported for their tables


def add(session: Session, *rows: Any) -> None:
    session.add_all(rows)
    session.commit()


def make_track(owner_id: uuid.UUID) -> Track:
    name = f"{uuid.uuid4().hex}.flac"
    return Track(
        id=new_id(),
        owner_id=owner_id,
        path=f"/music/{name}",
        folder="/music",
        file_name=name,
        file_format="flac",
    )


@pytest.fixture
def track(session: Session, user: User) -> Track:
    track = make_track(user.id)
    add(session, track)
    return track


def make_template(owner_id: uuid.UUID | None, **values: Any) -> PlaylistTemplate:
    fields: dict[str, Any] = {
        "id": new_id(),
        "owner_id": owner_id,
        "name": "Rising energy",
        "template_type": "energy",
        "is_system": owner_id is None,
    }
    fields.update(values)
    return PlaylistTemplate(**fields)


def make_playlist(owner_id: uuid.UUID, **values: Any) -> Playlist:
    fields: dict[str, Any] = {"id": new_id(), "owner_id": owner_id, "name": "Summer set"}
    fields.update(values)
    return Playlist(**fields)


@pytest.fixture
def playlist(session: Session, user: User) -> Playlist:
    playlist = make_playlist(user.id)
    add(session, playlist)
    return playlist


def make_entry(playlist: Playlist, track: Track, key: str, **values: Any) -> PlaylistEntry:
    return PlaylistEntry(
        id=new_id(),
        owner_id=playlist.owner_id,
        playlist_id=playlist.id,
        track_id=track.id,
        position_key=key,
        **values,
    )


def test_templates_built_in_or_owned(session: Session, user: User) -> None:
    add(session, make_template(None), make_template(user.id))
    assert_refused(
        session,
        make_template(user.id, is_system=True),
        match="ck_playlist_templates_system_has_no_owner",
    )
    assert_refused(
        session,
        make_template(None, is_system=False),
        match="ck_playlist_templates_system_has_no_owner",
    )


def test_template_type_is_checked(session: Session, user: User) -> None:
    assert_refused(
        session,
        make_template(user.id, template_type="weather"),
        match="ck_playlist_templates_template_type_choice",
    )


def test_playlist_defaults(session: Session, playlist: Playlist) -> None:
    session.refresh(playlist)
    assert (playlist.kind, playlist.query, playlist.play_count) == ("manual", None, 0)
    assert (playlist.folder_id, playlist.deleted_at, playlist.sort_descending) == (
        None,
        None,
        False,
    )
    assert (playlist.is_public, playlist.is_collaborative) == (False, False)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"kind": "radio"}, "kind_choice"),
        ({"play_count": -1}, "play_count_not_negative"),
        ({"rating_avg": 5.5}, "rating_avg_range"),
        ({"kind": "smart"}, "smart_has_query"),
        ({"track_limit": 0}, "track_limit_positive"),
    ],
)
def test_playlist_rejects_bad_values(
    session: Session, user: User, values: dict[str, Any], constraint: str
) -> None:
    assert_refused(session, make_playlist(user.id, **values), match=f"ck_playlists_{constraint}")


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"rating": 0}, "rating_range"),
        ({"rating": 6}, "rating_range"),
        ({"play_count": -1}, "play_count_not_negative"),
    ],
)
def test_entry_rejects_bad_values(
    session: Session, playlist: Playlist, track: Track, values: dict[str, Any], constraint: str
) -> None:
    entry = make_entry(playlist, track, "a0", **values)
    assert_refused(session, entry, match=f"ck_playlist_entries_{constraint}")


def test_entries_sort_by_key_then_id_and_tracks_may_repeat(
    session: Session, playlist: Playlist, track: Track
) -> None:
    later, first, tied = (make_entry(playlist, track, key) for key in ("a1", "a0", "a1"))
    add(session, later, first, tied)  # equal keys (a merge from two devices) are kept
    session.expire(playlist)
    assert [entry.id for entry in playlist.entries] == [first.id, later.id, tied.id]


def make_collaborator(playlist: Playlist, user: User, **values: Any) -> PlaylistCollaborator:
    return PlaylistCollaborator(
        id=new_id(), owner_id=playlist.owner_id, playlist_id=playlist.id, user_id=user.id, **values
    )


def test_collaborator_unique_and_permission_checked(session: Session, playlist: Playlist) -> None:
    ben = add_user(session, "ben")
    collaborator = make_collaborator(playlist, ben)
    add(session, collaborator)
    assert collaborator.permission == "edit"
    assert_refused(session, make_collaborator(playlist, ben), match="UNIQUE")
    cleo = add_user(session, "cleo")
    assert_refused(
        session,
        make_collaborator(playlist, cleo, permission="owner"),
        match="ck_playlist_collaborators_permission_choice",
    )


def test_generation_score_range(session: Session, playlist: Playlist) -> None:
    generated = GeneratedPlaylist(
        id=new_id(), owner_id=playlist.owner_id, playlist_id=playlist.id, generation_score=1.2
    )
    assert_refused(session, generated, match="ck_generated_playlists_generation_score_range")


def make_recommendation(
    owner_id: uuid.UUID, track: Track, playlist: Playlist | None = None, **values: Any
) -> PlaylistRecommendation:
    fields: dict[str, Any] = {
        "id": new_id(),
        "owner_id": owner_id,
        "playlist_id": playlist.id if playlist else None,
        "track_id": track.id,
        "recommendation_score": 0.9,
    }
    fields.update(values)
    return PlaylistRecommendation(**fields)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"recommendation_type": "random"}, "recommendation_type_choice"),
        ({"recommendation_score": 1.5}, "recommendation_score_range"),
        ({"recommendation_score": -0.5}, "recommendation_score_range"),
        ({"status": "maybe"}, "status_choice"),
        ({"status": "rejected"}, "decided_has_time"),
    ],
)
def test_recommendation_rejects_bad_values(
    session: Session, user: User, track: Track, values: dict[str, Any], constraint: str
) -> None:
    assert_refused(
        session,
        make_recommendation(user.id, track, **values),
        match=f"ck_playlist_recommendations_{constraint}",
    )


def test_recommendation_without_playlist(session: Session, user: User, track: Track) -> None:
    add(session, make_recommendation(user.id, track, recommendation_type="harmonic"))
    assert count(session, PlaylistRecommendation) == 1


def fill_playlist(session: Session, playlist: Playlist, track: Track) -> PlaylistTemplate:
    """One row of every child table, and a template the playlist was generated from."""
    owner_id = playlist.owner_id
    ben = add_user(session, "ben")
    template = make_template(owner_id)
    add(session, template)
    playlist.template_id = template.id
    add(
        session,
        make_entry(playlist, track, "a0", added_by_id=ben.id),
        make_collaborator(playlist, ben),
        GeneratedPlaylist(
            id=new_id(), owner_id=owner_id, playlist_id=playlist.id, template_id=template.id
        ),
        make_recommendation(owner_id, track, playlist),
    )
    return template


CHILDREN = (PlaylistEntry, PlaylistCollaborator, GeneratedPlaylist, PlaylistRecommendation)


@pytest.mark.parametrize("how", ["sql", "orm"])
def test_deleting_playlist_deletes_its_rows(
    session: Session, playlist: Playlist, track: Track, how: str
) -> None:
    fill_playlist(session, playlist, track)
    assert all(count(session, model) == 1 for model in CHILDREN)
    if how == "sql":
        session.execute(delete(Playlist).where(Playlist.id == playlist.id))
    else:
        session.delete(playlist)
    session.commit()
    assert [count(session, model) for model in CHILDREN] == [0] * len(CHILDREN)
    assert count(session, Track) == 1


def test_deleting_track_deletes_entries_and_recommendations(
    session: Session, playlist: Playlist, track: Track
) -> None:
    fill_playlist(session, playlist, track)
    session.execute(delete(Track).where(Track.id == track.id))
    session.commit()
    assert count(session, PlaylistEntry) == 0
    assert count(session, PlaylistRecommendation) == 0
    assert count(session, Playlist) == 1


def test_deleting_template_keeps_playlists(
    session: Session, playlist: Playlist, track: Track
) -> None:
    template = fill_playlist(session, playlist, track)
    session.execute(delete(PlaylistTemplate).where(PlaylistTemplate.id == template.id))
    session.commit()
    generated = session.scalars(select(GeneratedPlaylist)).one()
    session.refresh(playlist)
    assert (playlist.template_id, generated.template_id) == (None, None)


def test_deleting_collaborator_user(session: Session, playlist: Playlist, track: Track) -> None:
    fill_playlist(session, playlist, track)
    ben = session.scalars(select(User).where(User.username == "ben")).one()
    session.execute(delete(User).where(User.id == ben.id))
    session.commit()
    entry = session.scalars(select(PlaylistEntry)).one()
    session.refresh(entry)
    assert entry.added_by_id is None
    assert count(session, PlaylistCollaborator) == 0


def test_deleting_owner_deletes_playlists(
    session: Session, user: User, playlist: Playlist, track: Track
) -> None:
    fill_playlist(session, playlist, track)
    session.execute(delete(User).where(User.id == user.id))
    session.commit()
    assert count(session, Playlist) == 0
    assert count(session, PlaylistTemplate) == 0
    assert [count(session, model) for model in CHILDREN] == [0] * len(CHILDREN)
