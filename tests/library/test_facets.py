"""The genres, tags and moods the filter panel offers: counted from the store, the most used
first, grouped without regard to case, hidden tracks left out."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, update
from tests.support.tracks import add_track

from museaud.app import App
from museaud.library.editing import TrackEdit, edit_tracks
from museaud.library.facets import Facet, genre_counts, tag_counts
from museaud.store.models.library import Track, TrackTag

GENRES = ["House"] * 4 + ["house"] * 2 + ["Techno"] * 3 + ["Deep House", "Ambient", ""]


def add_genres(app: App) -> list[uuid.UUID]:
    with app.session() as session:
        ids = [
            add_track(session, f"Track {number}", genre=genre)
            for number, genre in enumerate(GENRES)
        ]
        add_track(session, "No genre")
    return ids


def test_genres_are_counted_most_used_first_whatever_their_case(app: App) -> None:
    add_genres(app)
    with app.session() as session:
        genres = genre_counts(session)

    assert genres == [
        Facet("House", 6),  # "House" x4 and "house" x2: one genre, in a stored spelling
        Facet("Techno", 3),
        Facet("Ambient", 1),  # ties in alphabetical order
        Facet("Deep House", 1),
    ]


def test_hidden_tracks_are_not_counted(app: App) -> None:
    ids = add_genres(app)
    techno = [track_id for track_id, genre in zip(ids, GENRES, strict=True) if genre == "Techno"]
    with app.session() as session:
        edit_tracks(session, techno[:2], TrackEdit(hidden=True))
        session.execute(update(Track).where(Track.genre == "Ambient").values(is_hidden=True))
        genres = genre_counts(session)

    assert Facet("Techno", 1) in genres
    assert "Ambient" not in [facet.value for facet in genres]


def test_the_limit_keeps_the_most_used(app: App) -> None:
    add_genres(app)
    with app.session() as session:
        assert genre_counts(session, limit=2) == [Facet("House", 6), Facet("Techno", 3)]
        with pytest.raises(ValueError, match="at least one"):
            genre_counts(session, limit=0)


def test_tags_and_moods_are_counted_apart(app: App) -> None:
    with app.session() as session:
        ids = [add_track(session, f"Track {number}") for number in range(5)]
        edit_tracks(session, ids, TrackEdit(add_tags=("vocal",)))
        edit_tracks(session, ids[:3], TrackEdit(add_tags=("warm pads",), add_moods=("dark",)))
        edit_tracks(session, ids[:1], TrackEdit(add_moods=("uplifting",)))
        edit_tracks(session, ids[4:], TrackEdit(hidden=True))

        tags = tag_counts(session)
        moods = tag_counts(session, "mood")
        limited = tag_counts(session, limit=1)

    assert tags == [Facet("vocal", 4), Facet("warm pads", 3)]  # the hidden track not counted
    assert moods == [Facet("dark", 3), Facet("uplifting", 1)]
    assert limited == [Facet("vocal", 4)]


def test_a_tag_left_only_on_hidden_tracks_is_not_offered(app: App) -> None:
    with app.session() as session:
        shown, hidden = add_track(session, "Shown"), add_track(session, "Hidden")
        edit_tracks(session, [shown], TrackEdit(add_tags=("vocal",)))
        edit_tracks(session, [hidden], TrackEdit(add_tags=("dub",), hidden=True))
        assert tag_counts(session) == [Facet("vocal", 1)]
        session.execute(delete(TrackTag).where(TrackTag.track_id == shown))
        assert tag_counts(session) == []


def test_an_unknown_kind_of_tag_is_refused(app: App) -> None:
    with app.session() as session, pytest.raises(ValueError, match="unknown kind of tag 'style'"):
        tag_counts(session, "style")


def test_an_empty_library_has_nothing_to_offer(app: App) -> None:
    with app.session() as session:
        assert genre_counts(session) == []
        assert tag_counts(session) == []
        assert tag_counts(session, "mood") == []
