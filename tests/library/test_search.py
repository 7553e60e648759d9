"""Searching a real store with the query language: every operator, sorting, pages, and the
derived columns the triggers keep right whoever writes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from tests.support.store import open_copy, paths_under

from museaud.app import App
from museaud.library.query import QueryError
from museaud.library.search import (
    SORT_FIELDS,
    TrackQuery,
    count_tracks,
    find_tracks,
    rows_for_keys,
    track_keys,
)
from museaud.library.tracks import track_rows
from museaud.store.models.library import Track, TrackAnalysis, TrackTag
from museaud.store.text import search

NOW = datetime(2026, 1, 1, tzinfo=UTC)

# name: track columns, analysis columns (None: no analysis), tags, moods
LIBRARY: dict[
    str, tuple[dict[str, Any], dict[str, Any] | None, tuple[str, ...], tuple[str, ...]]
] = {
    "sunrise": (
        {
            "artist": "Daft Punk",
            "album": "Discovery",
            "genre": "House",
            "year": 2001,
            "rating": 5,
            "is_favorite": True,
            "file_format": "flac",
            "duration_s": 300.0,
            "comment": "promo copy",
            "play_count": 9,
        },
        {"bpm": 124.0, "key_note": 9, "scale": "minor", "energy": 0.8, "loudness_lufs": -8.0},
        ("vocal", "peak time"),
        ("uplifting",),
    ),
    "nightcrawler": (
        {
            "artist": "Burial",
            "album": "Untrue",
            "genre": "Dubstep",
            "year": 2007,
            "rating": 4,
            "file_format": "mp3",
            "duration_s": 250.0,
            "play_count": 3,
        },
        {"bpm": 70.0, "key_note": 2, "scale": "minor", "energy": 0.3, "loudness_lufs": -12.0},
        ("instrumental",),
        ("dark", "melancholic"),
    ),
    "drumfunk": (
        {
            "artist": "Calibre",
            "album": "Even If",
            "genre": "Drum & Bass",
            "year": 2005,
            "rating": 3,
            "file_format": "wav",
            "duration_s": 400.0,
        },
        {"bpm": 174.0, "key_note": 4, "scale": "minor", "energy": 0.9, "loudness_lufs": -6.0},
        ("vocal chop",),
        (),
    ),
    "warmup": (
        {
            "artist": "Moodymann",
            "album": "Silence",
            "genre": "Deep House",
            "year": 1997,
            "file_format": "mp3",
            "duration_s": 360.0,
            "notes": "great opener",
        },
        {
            "bpm": 118.0,
            "key_note": 0,
            "scale": "major",
            "energy": 0.5,
            "loudness_lufs": -10.0,
            "manual_override": True,
            "bpm_override": 122.0,
            "override_reason": "by ear",
        },
        (),
        ("groovy",),
    ),
    "lost file": (
        {
            "artist": "Aphex Twin",
            "album": "Drukqs",
            "genre": "Ambient",
            "year": 2001,
            "status": "missing",
            "missing_since": NOW,
            "file_format": "aiff",
            "duration_s": 100.0,
        },
        {
            "bpm": 96.0,
            "key_note": 7,
            "scale": "major",
            "energy": 0.2,
            "loudness_lufs": -20.0,
            "manual_override": True,
            "key_note_override": 4,
            "scale_override": "minor",
            "override_reason": "relative by ear",
        },
        ("live",),
        (),
    ),
    "secret": (
        {
            "artist": "Daft Punk",
            "album": "Homework",
            "genre": "House",
            "year": 1997,
            "is_hidden": True,
            "file_format": "mp3",
            "duration_s": 280.0,
        },
        {"bpm": 126.0, "key_note": 9, "scale": "minor", "energy": 0.7, "loudness_lufs": -9.0},
        ("vocal",),
        (),
    ),
    "unanalysed": (
        {
            "artist": None,
            "album": None,
            "genre": None,
            "year": None,
            "status": "pending",
            "file_format": "ogg",
            "duration_s": None,
        },
        None,
        (),
        (),
    ),
}


def add_library(app: App) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    with app.session() as session:
        for number, (title, (columns, analysis, tags, moods)) in enumerate(LIBRARY.items()):
            fmt = columns["file_format"]
            track = Track(
                title=title,
                path=f"/music/{title}.{fmt}",
                folder="/music",
                file_name=f"{title}.{fmt}",
                status=columns.get("status", "ok"),
                created_at=NOW + timedelta(days=number),
                **{key: value for key, value in columns.items() if key != "status"},
            )
            session.add(track)
            session.flush()
            ids[title] = track.id
            if analysis is not None:
                session.add(TrackAnalysis(track_id=track.id, algorithm_version="1", **analysis))
            for kind, names in (("tag", tags), ("mood", moods)):
                for name in names:
                    session.add(TrackTag(track_id=track.id, kind=kind, tag=name))
    return ids


@pytest.fixture
def library(app: App) -> dict[str, uuid.UUID]:
    return add_library(app)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, migrated_store: Path) -> Iterator[App]:
    """One store with the library for the tests that only read (filling one per test is slow)."""
    with open_copy(migrated_store, paths_under(tmp_path_factory.mktemp("search"))) as app:
        add_library(app)
        yield app


def titles(app: App, query: str, sort: str = "title", descending: bool = False) -> list[str]:
    with app.session() as session:
        rows = find_tracks(session, TrackQuery(query, sort, descending))
        assert count_tracks(session, TrackQuery(query, sort, descending)) == len(rows)
    return [row["title"] for row in rows]


VISIBLE = sorted(set(LIBRARY) - {"secret"})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", VISIBLE),
        # text: every word a prefix, over title, artist, album, genre, comment, notes, tags, moods
        ("daft", ["sunrise"]),
        ("sun", ["sunrise"]),
        ("daft disco", ["sunrise"]),
        ('"deep house"', ["warmup"]),
        ("house", ["sunrise", "warmup"]),
        ("opener", ["warmup"]),
        ("melancholic", ["nightcrawler"]),
        ("chop", ["drumfunk"]),
        ("artist:daft", ["sunrise"]),
        ('artist:"aphex twin"', ["lost file"]),
        ("title:night", ["nightcrawler"]),
        ("album:untrue", ["nightcrawler"]),
        ("comment:promo", ["sunrise"]),
        ("comment:opener", ["warmup"]),
        ("title:daft", []),
        # tempo: half and double too, the override wins
        ("bpm:120-128", ["sunrise", "warmup"]),
        ("bpm:140", ["nightcrawler"]),  # 70 is half of 140
        ("bpm:87", ["drumfunk"]),  # 174 is double 87
        ("bpm:=140", []),
        ("bpm:=118-120", []),  # warmup's 118 is overridden to 122
        ("bpm:=122", ["warmup"]),
        ("bpm:>=170", ["drumfunk"]),
        ("bpm:<90", ["nightcrawler"]),
        ("bpm:none", ["unanalysed"]),
        # key: by name, Camelot, compatible; the override wins
        ("key:Am", ["sunrise"]),
        ("key:8A", ["sunrise"]),
        ("key:Em", ["drumfunk", "lost file"]),  # lost file's G major is overridden to E minor
        ("key:G", []),
        ("key:~Am", ["drumfunk", "lost file", "nightcrawler", "sunrise", "warmup"]),
        ("key:~Dm", ["nightcrawler", "sunrise"]),
        ("key:none", ["unanalysed"]),
        # values
        ("genre:house", ["sunrise"]),
        ('genre:"deep house"', ["warmup"]),
        ("genre:d*", ["drumfunk", "nightcrawler", "warmup"]),
        ("genre:none", ["unanalysed"]),
        ("tag:vocal", ["sunrise"]),  # not "vocal chop"
        ("tag:VOCAL*", ["drumfunk", "sunrise"]),
        ('tag:"peak time"', ["sunrise"]),
        ("tag:none", ["unanalysed", "warmup"]),
        ("mood:dark", ["nightcrawler"]),
        ("mood:none", ["drumfunk", "lost file", "unanalysed"]),
        ("format:mp3", ["nightcrawler", "warmup"]),
        ("status:pending", ["unanalysed"]),
        # marks
        ("rating:5", ["sunrise"]),
        ("rating:>=4", ["nightcrawler", "sunrise"]),
        ("rating:2-3", ["drumfunk"]),
        ("rating:none", ["lost file", "unanalysed", "warmup"]),
        ("fav", ["sunrise"]),
        ("year:2001", ["lost file", "sunrise"]),
        ("year:2000-2009", ["drumfunk", "lost file", "nightcrawler", "sunrise"]),
        ("year:1990s", ["warmup"]),
        ("year:<2000", ["warmup"]),
        ("missing", ["lost file"]),
        ("energy:>=0.8", ["drumfunk", "sunrise"]),
        ("energy:0.25-0.5", ["nightcrawler", "warmup"]),
        ("energy:none", ["unanalysed"]),
        # hidden tracks only when the query names hidden
        ("hidden", ["secret"]),
        ("daft OR hidden", ["secret", "sunrise"]),
        ("-hidden", VISIBLE),
        ("vocal", ["drumfunk", "sunrise"]),
        # negation keeps tracks with nothing to compare
        ("-bpm:100-200", ["unanalysed"]),  # 70 and 96 are half of 140 and 192
        ("-bpm:=100-200", ["lost file", "nightcrawler", "unanalysed"]),
        ("-fav", sorted(set(VISIBLE) - {"sunrise"})),
        ("-daft", sorted(set(VISIBLE) - {"sunrise"})),
        ("-tag:vocal -mood:dark", ["drumfunk", "lost file", "unanalysed", "warmup"]),
        # OR and parentheses
        ("fav OR missing", ["lost file", "sunrise"]),
        ("genre:house OR genre:dubstep", ["nightcrawler", "sunrise"]),
        ("(fav OR rating:4) year:2007", ["nightcrawler"]),
        ("house bpm:120-128 key:~Am -tag:vocal", ["warmup"]),
    ],
)
def test_every_operator_finds_the_right_tracks(
    shared: App, query: str, expected: list[str]
) -> None:
    assert titles(shared, query) == expected


def test_bad_queries_raise_query_error(app: App, library: dict[str, uuid.UUID]) -> None:
    with app.session() as session, pytest.raises(QueryError, match="unknown field"):
        count_tracks(session, TrackQuery("tempo:120"))
    with app.session() as session, pytest.raises(ValueError, match="cannot sort by 'mood'"):
        find_tracks(session, TrackQuery("", sort="mood"))


SORTED = {
    "title": ["drumfunk", "lost file", "nightcrawler", "sunrise", "unanalysed", "warmup"],
    "artist": ["unanalysed", "lost file", "nightcrawler", "drumfunk", "sunrise", "warmup"],
    "album": ["unanalysed", "sunrise", "lost file", "drumfunk", "warmup", "nightcrawler"],
    "genre": ["unanalysed", "lost file", "warmup", "drumfunk", "nightcrawler", "sunrise"],
    "year": ["unanalysed", "warmup", "sunrise", "lost file", "drumfunk", "nightcrawler"],
    "bpm": ["unanalysed", "nightcrawler", "lost file", "warmup", "sunrise", "drumfunk"],
    # Camelot order: 7A D minor, 8A A minor, 8B C major, 9A E minor
    "key": ["unanalysed", "nightcrawler", "sunrise", "warmup", "drumfunk", "lost file"],
    "energy": ["unanalysed", "lost file", "nightcrawler", "warmup", "sunrise", "drumfunk"],
    "loudness": ["unanalysed", "lost file", "nightcrawler", "warmup", "sunrise", "drumfunk"],
    "rating": ["warmup", "lost file", "unanalysed", "drumfunk", "nightcrawler", "sunrise"],
    "duration": ["unanalysed", "lost file", "nightcrawler", "sunrise", "warmup", "drumfunk"],
    "added": ["sunrise", "nightcrawler", "drumfunk", "warmup", "lost file", "unanalysed"],
    "play_count": ["drumfunk", "warmup", "lost file", "unanalysed", "nightcrawler", "sunrise"],
    "status": ["lost file", "sunrise", "nightcrawler", "drumfunk", "warmup", "unanalysed"],
    "format": ["lost file", "sunrise", "nightcrawler", "warmup", "unanalysed", "drumfunk"],
}


def test_sort_orders_cover_every_sort_field() -> None:
    assert set(SORTED) | {"last_played"} == set(SORT_FIELDS)


@pytest.mark.parametrize("sort", sorted(SORTED))
def test_every_sort_field_sorts_both_ways(shared: App, sort: str) -> None:
    assert titles(shared, "", sort) == SORTED[sort]
    assert titles(shared, "", sort, descending=True) == SORTED[sort][::-1]


def test_last_played_sorts_never_played_first(app: App, library: dict[str, uuid.UUID]) -> None:
    with app.session() as session:
        for days, title in enumerate(("warmup", "sunrise")):
            session.execute(
                update(Track)
                .where(Track.id == library[title])
                .values(last_played_at=NOW + timedelta(days=days))
            )
    assert titles(app, "", "last_played")[-2:] == ["warmup", "sunrise"]


def test_keys_then_rows_page_through_the_same_order(
    app: App, library: dict[str, uuid.UUID]
) -> None:
    query = TrackQuery("-missing", sort="bpm", descending=True)
    with app.session() as session:
        keys = track_keys(session, query)
        assert len(keys) == count_tracks(session, query) == 5
        everything = find_tracks(session, query)
        pages = (
            find_tracks(session, query, limit=2)
            + find_tracks(session, query, limit=2, offset=2)
            + find_tracks(session, query, limit=2, offset=4)
        )
        by_keys = rows_for_keys(session, keys)
        backwards = rows_for_keys(session, [*keys[::-1], 10**9])  # an unknown key is left out
    assert [row["title"] for row in everything] == [row["title"] for row in pages]
    assert by_keys == everything
    assert backwards == everything[::-1]


def test_rows_carry_effective_values_tags_moods_and_hidden(
    app: App, library: dict[str, uuid.UUID]
) -> None:
    rows = {row["title"]: row for row in (*find_rows(app, ""), *find_rows(app, "hidden"))}
    assert rows["sunrise"]["tags"] == ["peak time", "vocal"]
    assert rows["sunrise"]["moods"] == ["uplifting"]
    assert (rows["warmup"]["bpm"], rows["warmup"]["bpm_source"]) == (122.0, "override")
    lost = rows["lost file"]
    assert (lost["key"], lost["scale"], lost["camelot"], lost["key_source"]) == (
        "E",
        "minor",
        "9A",
        "override",
    )
    assert rows["secret"]["is_hidden"] and not rows["sunrise"]["is_hidden"]
    assert rows["unanalysed"]["tags"] == [] and rows["unanalysed"]["bpm"] is None
    assert rows["sunrise"]["id"] == str(library["sunrise"])


def find_rows(app: App, query: str) -> list[dict[str, Any]]:
    with app.session() as session:
        return find_tracks(session, TrackQuery(query))


def test_triggers_follow_overrides_analysis_and_tags_written_any_way(
    app: App, library: dict[str, uuid.UUID]
) -> None:
    sunrise = library["sunrise"]
    with app.session() as session:  # an override through the ORM
        analysis = session.scalars(
            select(TrackAnalysis).where(TrackAnalysis.track_id == sunrise)
        ).one()
        analysis.manual_override = True
        analysis.bpm_override = 130.0
        analysis.key_note_override, analysis.scale_override = 0, "major"
    assert titles(app, "bpm:=130 key:C") == ["sunrise"]
    with app.session() as session:  # cleared with raw SQL
        session.execute(
            text(
                "UPDATE track_analysis SET manual_override = 0, bpm_override = NULL, "
                "key_note_override = NULL, scale_override = NULL WHERE track_id = :id"
            ),
            {"id": sunrise.hex},
        )
    assert titles(app, "bpm:=124 key:Am") == ["sunrise"]
    with app.session() as session:  # tags added and removed
        session.add(TrackTag(track_id=sunrise, kind="mood", tag="euphoric"))
        session.execute(
            delete(TrackTag).where(TrackTag.track_id == sunrise, TrackTag.tag == "vocal")
        )
    assert titles(app, "euphoric") == titles(app, "mood:euphoric") == ["sunrise"]
    assert titles(app, "tag:vocal") == []
    with app.session() as session:  # a tag moved to another track
        session.execute(
            update(TrackTag)
            .where(TrackTag.track_id == sunrise, TrackTag.tag == "peak time")
            .values(track_id=library["warmup"])
        )
    assert titles(app, '"peak time"') == titles(app, 'tag:"peak time"') == ["warmup"]
    with app.session() as session:  # the analysis row deleted
        session.execute(delete(TrackAnalysis).where(TrackAnalysis.track_id == sunrise))
    assert "sunrise" in titles(app, "bpm:none key:none energy:none")


def test_deleting_tracks_keeps_the_text_index_sound(
    app: App, library: dict[str, uuid.UUID]
) -> None:
    with app.session() as session:
        session.execute(delete(Track).where(Track.id == library["sunrise"]))
        session.execute(
            text("INSERT INTO tracks_fts(tracks_fts, rank) VALUES ('integrity-check', 1)")
        )
        assert search(session, "tracks", "uplifting") == []
        assert (
            session.scalar(select(TrackTag.id).where(TrackTag.track_id == library["sunrise"]))
            is None
        )
    assert titles(app, "vocal") == ["drumfunk"]
    assert "sunrise" not in titles(app, "")


def test_hidden_tracks_show_with_hidden_only(app: App, library: dict[str, uuid.UUID]) -> None:
    with app.session() as session:
        assert count_tracks(session, TrackQuery("daft punk")) == 1
        assert count_tracks(session, TrackQuery("daft punk hidden")) == 1
        assert count_tracks(session, TrackQuery("daft punk (hidden OR -hidden)")) == 2


def test_rows_match_track_rows_value_for_value(shared: App) -> None:
    with shared.session() as session:
        ours = {row["id"]: row for row in find_tracks(session, TrackQuery("hidden OR -hidden"))}
        theirs = {row["id"]: row for row in track_rows(session)}
    assert len(ours) == len(LIBRARY)
    assert ours == theirs


@pytest.mark.parametrize("query", ["house", "vocal -mood:dark", "tag:vocal* daft", "mood:none"])
def test_walking_the_sort_index_finds_the_same_page(
    shared: App, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    import museaud.library.search as searching

    looked_up = titles(shared, query, "bpm")
    monkeypatch.setattr(searching, "WALK_FROM", 0)  # every text/tag term counts as common
    with shared.session() as session:
        assert searching._walk_sort_index(session, TrackQuery(query)) == (query != "mood:none")
    assert titles(shared, query, "bpm") == looked_up
