"""Smart playlists follow the library; templates generate playlists; the new query terms."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from tests.support.tracks import add_track

from museaud.app import App
from museaud.library.query import QueryError
from museaud.library.search import TrackQuery, find_tracks
from museaud.playlists import service
from museaud.playlists.errors import PlaylistError
from museaud.playlists.smart import change_smart_playlist, create_smart_playlist, smart_rows
from museaud.playlists.templates import (
    SCORE_MEANING,
    create_template,
    generate,
    list_templates,
    seed_system_templates,
)
from museaud.store.models.library import Track
from museaud.store.models.playlists import GeneratedPlaylist, Playlist, PlaylistTemplate


def smart_titles(app: App, playlist_id: uuid.UUID) -> list[str]:
    with app.session() as session:
        playlist = session.get(Playlist, playlist_id)
        assert playlist is not None
        return [row["title"] for row in smart_rows(session, playlist)]


def test_a_smart_playlist_follows_the_library(app: App) -> None:
    with app.session() as session:
        add_track(session, "Deep One", bpm=122.0, key=(9, "minor"), genre="house", rating=3)
        add_track(session, "Too Slow", bpm=100.0, key=(9, "minor"), genre="house", rating=5)
        add_track(session, "Techno", bpm=125.0, key=(9, "minor"), genre="techno", rating=4)
        playlist = create_smart_playlist(
            session, "House in Am", "bpm:=120-128 key:~Am genre:house", sort="added"
        )
    assert smart_titles(app, playlist.id) == ["Deep One"]
    with app.session() as session:
        add_track(session, "New Arrival", bpm=126.0, key=(4, "minor"), genre="house")  # Em
        session.execute(update(Track).where(Track.title == "Techno").values(genre="House"))
    assert smart_titles(app, playlist.id) == ["Deep One", "Techno", "New Arrival"]
    with app.session() as session:
        change_smart_playlist(
            session, playlist.id, query="genre:house", sort="rating", descending=True, limit=2
        )
    assert smart_titles(app, playlist.id) == ["Too Slow", "Techno"]


def test_a_bad_query_is_refused_with_the_search_box_caret(app: App) -> None:
    with pytest.raises(QueryError) as caught, app.session() as session:
        create_smart_playlist(session, "Broken", "house bpm:fast")
    assert caught.value.pointer() == "house bpm:fast\n          ^^^^"
    with pytest.raises(PlaylistError, match="cannot sort by 'loudest'"), app.session() as session:
        create_smart_playlist(session, "Loud", "house", sort="loudest")
    with pytest.raises(PlaylistError, match="at least 1"), app.session() as session:
        create_smart_playlist(session, "None", "house", limit=0)
    with pytest.raises(PlaylistError, match="is a smart playlist"), app.session() as session:
        smart = create_smart_playlist(session, "Smart", "house")
        service.add_tracks(session, smart.id, [])
    with app.session() as session:
        assert session.scalars(select(Playlist)).all() == []


def test_play_and_skip_terms_in_the_query_language(app: App) -> None:
    now = datetime.now(UTC)
    with app.session() as session:
        add_track(session, "Hit", play_count=25, last_played_at=now - timedelta(days=2))
        add_track(session, "Old Love", play_count=3, last_played_at=now - timedelta(days=400))
        add_track(
            session, "Skipped", skip_count=4, play_count=1, last_played_at=now - timedelta(days=20)
        )
        add_track(session, "Never")

    def found(text: str) -> list[str]:
        with app.session() as session:
            return [row["title"] for row in find_tracks(session, TrackQuery(text, sort="title"))]

    assert found("plays:>10") == ["Hit"]
    assert found("played:<30d") == ["Hit", "Skipped"]
    assert found("played:<1w") == ["Hit"]
    assert found("played:>1y") == ["Old Love"]
    assert found("played:1w-2m") == ["Skipped"]
    assert found("played:none") == ["Never"]
    assert found("skipped") == ["Skipped"]
    assert found("-skipped plays:>=1") == ["Hit", "Old Love"]
    assert found("skips:>=5") == []
    with pytest.raises(QueryError, match="played:soon is not an age"):
        found("played:soon")


def test_system_templates_are_seeded_once(app: App) -> None:
    with app.session() as session:
        first = seed_system_templates(session)
    with app.session() as session:
        assert seed_system_templates(session) == 0
        templates = list_templates(session)
    assert first == len(templates) >= 5
    assert {template.template_type for template in templates} == {
        "mood",
        "genre",
        "era",
        "energy",
        "custom",
    }
    assert all(template.is_system and template.owner_id is None for template in templates)


def test_generate_records_the_run_and_a_stated_score(app: App) -> None:
    with app.session() as session:
        for number, (bpm, genre) in enumerate(
            [(122, "house"), (124, "house"), (90, "house"), (123, "techno")]
        ):
            add_track(session, f"Track {number}", bpm=float(bpm), genre=genre, year=1990 + number)
        template = create_template(
            session, "Mine", ["genre:house", "bpm:=120-125"], sort="year", length=3
        )
    with app.session() as session:
        made = generate(session, template.id, name="Generated set")
    assert (made.track_count, made.matched_all) == (3, 2)
    assert made.score == pytest.approx((2 + 2 + 1) / (3 * 2))
    with app.session() as session:
        rows = service.entry_rows(session, made.playlist_id)
        record = session.scalars(select(GeneratedPlaylist)).one()
        playlist = session.get(Playlist, made.playlist_id)
    # the two matching both rules first, then one of those matching one, in year order
    assert [row["track"]["title"] for row in rows] == ["Track 0", "Track 1", "Track 2"]
    assert (playlist.kind, playlist.template_id) == ("generated", template.id)  # type: ignore[union-attr]
    assert record.generation_score == pytest.approx(made.score)
    assert record.generation_parameters["score_meaning"] == SCORE_MEANING
    assert record.generation_parameters["rules"] == ["genre:house", "bpm:=120-125"]


def test_templates_refuse_bad_rules_and_no_matches(app: App) -> None:
    with pytest.raises(QueryError), app.session() as session:
        create_template(session, "Bad", ["bpm:fast"])
    with pytest.raises(PlaylistError, match="needs rules"), app.session() as session:
        create_template(session, "Empty", [])
    with app.session() as session:
        template = create_template(session, "Nothing", ["genre:polka"])
    with pytest.raises(PlaylistError, match="no track matches"), app.session() as session:
        generate(session, template.id)
    with app.session() as session:
        assert session.scalars(select(Playlist)).all() == []
        assert (
            session.scalars(select(PlaylistTemplate).where(PlaylistTemplate.name == "Bad")).all()
            == []
        )
