"""Song paths and playlist suggestions on a real store, with track vectors of known geometry."""

from __future__ import annotations

import math
import uuid

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import select
from tests.support.tracks import add_track

from museaud.app import App
from museaud.library.records import TRACK_VECTORS
from museaud.library.similarity import track_index
from museaud.music.keys import Key
from museaud.playlists.discovery import (
    DiscoveryError,
    accept_recommendation,
    more_like_playlist,
    recommend,
    reject_recommendation,
    song_path,
)
from museaud.playlists.errors import PlaylistError
from museaud.playlists.service import add_tracks, create_playlist, entry_rows
from museaud.store import vectors
from museaud.store.models.library import Track
from museaud.store.models.playlists import PlaylistRecommendation

DIMENSIONS = TRACK_VECTORS.dimensions


def axis(number: int) -> npt.NDArray[np.float64]:
    vector = np.zeros(DIMENSIONS)
    vector[number] = 1.0
    return vector


def stored(
    app: App,
    title: str,
    vector: npt.ArrayLike,
    key: str = "8A",
    bpm: float = 124.0,
    **columns: object,
) -> uuid.UUID:
    """A track with its analysis (key, tempo) and its feature vector."""
    parsed = Key.parse(key)
    with app.session() as session:
        track_id = add_track(
            session, title, artist=title, bpm=bpm, key=(parsed.note, parsed.scale), **columns
        )
        vectors.put(session, TRACK_VECTORS, track_id, vector)
    return track_id


def on_the_way(angle: float, off: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """A sound at angle (radians) from A (axis 0) towards B (axis 1), nudged off the line."""
    return math.cos(angle) * axis(0) + math.sin(angle) * axis(1) + off


def distance(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return 1.0 - float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


@pytest.fixture
def way(app: App) -> dict[str, uuid.UUID]:
    """A at axis 0, B at axis 1, 14 tracks between (one hidden), 20 elsewhere."""
    rng = np.random.default_rng(2)
    tracks = {"A": stored(app, "A", axis(0)), "B": stored(app, "B", axis(1))}
    for number, angle in enumerate(np.linspace(0.1, math.pi / 2 - 0.1, 14)):
        off = 0.05 * rng.standard_normal(DIMENSIONS) * (np.arange(DIMENSIONS) >= 2)
        hidden = number == 6
        tracks[f"way {number}"] = stored(
            app, f"way {number}", on_the_way(float(angle), off), is_hidden=hidden
        )
    for number in range(20):
        tracks[f"far {number}"] = stored(app, f"far {number}", axis(2 + number % 8) + 0.1)
    return tracks


def vector_of(app: App, track_id: uuid.UUID) -> npt.NDArray[np.float64]:
    with app.session() as session:
        found = track_index(session).vector(track_id)
    assert found is not None
    return np.asarray(found, dtype=float)


def test_a_song_path_walks_from_a_to_b(app: App, way: dict[str, uuid.UUID]) -> None:
    with app.session() as session:
        path = song_path(session, way["A"], way["B"], steps=6)
    names = {track_id: name for name, track_id in way.items()}
    assert path[0] == way["A"] and path[-1] == way["B"]
    assert len(path) == 7 and len(set(path)) == 7
    between = [names[track_id] for track_id in path[1:-1]]
    assert all(name.startswith("way") for name in between), between
    assert "way 6" not in between  # hidden
    goal = axis(1)
    to_goal = [distance(vector_of(app, track_id), goal) for track_id in path]
    steps = np.diff(to_goal)
    assert steps.mean() < 0
    assert (steps < 0).all()


def test_a_mixable_path_prefers_tracks_that_mix(app: App) -> None:
    # at every waypoint two tracks sound alike: the nearer one clashes (2B) with the 8A ends
    start, end = stored(app, "start", axis(0)), stored(app, "end", axis(1))
    for number, angle in enumerate(np.linspace(0.2, math.pi / 2 - 0.2, 5)):
        stored(app, f"clash {number}", on_the_way(float(angle), 0.0 * axis(2)), key="2B")
        stored(app, f"in key {number}", on_the_way(float(angle), 0.02 * axis(2)), key="8A")
    with app.session() as session:
        plain = song_path(session, start, end, steps=4)
        mixable = song_path(session, start, end, steps=4, mixable=True)
        titles = {
            track_id: title for track_id, title in session.execute(select(Track.id, Track.title))
        }
    assert any(titles[t].startswith("clash") for t in plain[1:-1])
    assert all(titles[t].startswith("in key") for t in mixable[1:-1])
    assert mixable[0] == start and mixable[-1] == end and len(set(mixable)) == 5


def test_a_song_path_needs_vectors_and_two_tracks(app: App, way: dict[str, uuid.UUID]) -> None:
    with app.session() as session:
        silent = add_track(session, "no features", bpm=120.0)
    with app.session() as session:
        with pytest.raises(DiscoveryError, match="no sound features"):
            song_path(session, way["A"], silent)
        with pytest.raises(DiscoveryError, match="two different"):
            song_path(session, way["A"], way["A"])


@pytest.fixture
def crate(app: App) -> dict[str, uuid.UUID]:
    """Eight tracks around axis 3 (the playlist's sound) and eight around axis 9."""
    rng = np.random.default_rng(5)
    tracks = {}
    for number in range(8):
        near = axis(3) + 0.15 * rng.standard_normal(DIMENSIONS)
        key = "8A" if number % 2 else "3B"
        tracks[f"near {number}"] = stored(app, f"near {number}", near, key=key)
        tracks[f"other {number}"] = stored(app, f"other {number}", axis(9) + 0.1 * rng.random())
    return tracks


def test_suggestions_sound_like_the_playlist_and_are_not_in_it(
    app: App, crate: dict[str, uuid.UUID]
) -> None:
    members = [crate["near 1"], crate["near 3"], crate["near 5"]]  # all in 8A
    with app.session() as session:
        playlist_id = create_playlist(session, "Late").id
        add_tracks(session, playlist_id, members)
        suggested = recommend(session, playlist_id, count=4)
    names = {track_id: name for name, track_id in crate.items()}
    assert len(suggested) == 4
    assert all(names[s.track_id].startswith("near") for s in suggested)
    assert not {s.track_id for s in suggested} & set(members)
    scores = [s.score for s in suggested]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    for suggestion in suggested:
        assert suggestion.reason.startswith("close to 'near ")
        assert suggestion.reason.count("'near ") == 2
        in_key = names[suggestion.track_id] in ("near 7",)
        assert ("8A like the set" in suggestion.reason) == in_key
        assert "124 BPM like the set" in suggestion.reason
    with app.session() as session:
        rows = session.scalars(
            select(PlaylistRecommendation).where(PlaylistRecommendation.playlist_id == playlist_id)
        ).all()
    assert {(row.track_id, row.status) for row in rows} == {
        (s.track_id, "pending") for s in suggested
    }


def test_rejected_tracks_are_never_suggested_again(app: App, crate: dict[str, uuid.UUID]) -> None:
    with app.session() as session:
        playlist_id = create_playlist(session, "Late").id
        add_tracks(session, playlist_id, [crate["near 0"], crate["near 1"]])
        first = recommend(session, playlist_id, count=3)
        reject_recommendation(session, playlist_id, first[0].track_id)
    with app.session() as session:
        again = recommend(session, playlist_id, count=20)
        more = more_like_playlist(session, playlist_id, 20)
        row = session.scalars(
            select(PlaylistRecommendation).where(
                PlaylistRecommendation.track_id == first[0].track_id
            )
        ).one()
    assert first[0].track_id not in {s.track_id for s in again}
    assert first[0].track_id not in more
    assert first[1].track_id in {s.track_id for s in again}
    assert row.status == "rejected" and row.decided_at is not None
    assert len(more) == len(again) == 13  # every other track but the members and the rejected


def test_an_accepted_suggestion_joins_the_playlist(app: App, crate: dict[str, uuid.UUID]) -> None:
    with app.session() as session:
        playlist_id = create_playlist(session, "Late").id
        add_tracks(session, playlist_id, [crate["near 2"]])
        chosen = recommend(session, playlist_id, count=2)[1].track_id
        accept_recommendation(session, playlist_id, chosen)
    with app.session() as session:
        entries = [row["track"]["id"] for row in entry_rows(session, playlist_id)]
        status, decided = session.execute(
            select(PlaylistRecommendation.status, PlaylistRecommendation.decided_at).where(
                PlaylistRecommendation.track_id == chosen
            )
        ).one()
        later = recommend(session, playlist_id, count=5)
        with pytest.raises(PlaylistError, match="not a pending suggestion"):
            accept_recommendation(session, playlist_id, chosen)
        with pytest.raises(PlaylistError, match="not a pending suggestion"):
            reject_recommendation(session, playlist_id, crate["other 0"])
    assert entries[-1] == str(chosen)
    assert status == "accepted" and decided is not None
    assert chosen not in {s.track_id for s in later}


def test_more_like_a_playlist_without_sound_features_is_empty(app: App) -> None:
    with app.session() as session:
        playlist_id = create_playlist(session, "Unanalysed").id
        add_tracks(session, playlist_id, [add_track(session, "no features", bpm=120.0)])
        assert more_like_playlist(session, playlist_id, 5) == []
