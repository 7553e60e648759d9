"""Recording plays: counts in the store, skips, playlist counts, events in DuckDB."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.playlists.conftest import MakeTrack

from museaud.analytics import EventStore
from museaud.app import App
from museaud.playlists import service
from museaud.playlists.errors import PlaylistError
from museaud.playlists.history import is_skip, record_play
from museaud.store.models.library import Track
from museaud.store.models.playlists import Playlist, PlaylistEntry

START = datetime(2026, 5, 1, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("played", "duration", "ended_by", "skipped"),
    [
        (10.0, 300.0, "next", True),  # before 30 s
        (100.0, 300.0, "stopped", True),  # before half the track
        (160.0, 300.0, "next", False),
        (20.0, 20.0, "finished", False),  # a short track played to its end
        (31.0, 50.0, "stopped", False),
    ],
)
def test_what_counts_as_a_skip(
    played: float, duration: float, ended_by: str, skipped: bool
) -> None:
    assert is_skip(played, duration, ended_by) is skipped  # type: ignore[arg-type]


def test_plays_and_skips_update_track_playlist_and_entry(app: App, make_track: MakeTrack) -> None:
    groove, peak = make_track("Groove", seconds=2.0), make_track("Peak", seconds=2.0)
    with app.session() as session:
        playlist = service.create_playlist(session, "Set")
        service.add_tracks(session, playlist.id, [groove, peak, groove])
        second_groove = service.entry_ids_at(session, playlist.id, [3])[0]
    record_play(app, groove, START, 2.0, 2.0, playlist.id, "finished", entry_id=second_groove)
    record_play(app, peak, START + timedelta(seconds=2), 0.5, 2.0, playlist.id, "next")
    record_play(app, groove, START + timedelta(days=1), 1.9, None, "library", "finished")
    with app.session() as session:
        tracks = {t.title: t for t in session.scalars(select(Track))}
        stored = session.get(Playlist, playlist.id)
        entries = session.scalars(select(PlaylistEntry).order_by(PlaylistEntry.position_key)).all()
    assert (tracks["Groove"].play_count, tracks["Groove"].skip_count) == (2, 0)
    assert tracks["Groove"].last_played_at == START + timedelta(days=1)
    assert (tracks["Peak"].play_count, tracks["Peak"].skip_count) == (0, 1)
    assert tracks["Peak"].last_played_at is None
    assert (stored.play_count, stored.last_played_at) == (1, START)  # type: ignore[union-attr]
    assert [entry.play_count for entry in entries] == [0, 0, 1]
    assert app.recorder is not None and app.recorder.flush()  # the events went through it
    history = app.events.listening_history(app.local_user_id)
    assert [(e.track_id, e.playlist_id, e.skipped, e.completed) for e in history] == [
        (groove, None, False, True),
        (peak, playlist.id, True, False),
        (groove, playlist.id, False, True),
    ]


def test_a_session_and_an_event_store_of_its_own(
    app: App, make_track: MakeTrack, tmp_path: Path
) -> None:
    groove = make_track("Groove")
    events = EventStore.open(tmp_path / "listening.duckdb")
    for day in range(3):
        with app.session() as session:
            record_play(
                session,
                groove,
                START + timedelta(days=day),
                1.0,
                1.0,
                "queue",
                "finished",
                events=events,
            )
    assert len(events.listening_history(app.local_user_id)) == 3
    events.close()
    with app.session() as session:
        assert session.get(Track, groove).play_count == 3  # type: ignore[union-attr]


def test_bad_plays_are_refused_and_change_nothing(app: App, make_track: MakeTrack) -> None:
    groove = make_track("Groove")
    for arguments, message in [
        ((uuid.uuid4(), START, 1.0, 1.0, "library", "finished"), "no track with id"),
        ((groove, START.replace(tzinfo=None), 1.0, 1.0, "library", "finished"), "no time zone"),
        ((groove, START, -1.0, 1.0, "library", "finished"), "cannot be negative"),
        ((groove, START, 1.0, 1.0, "radio", "finished"), "not library, queue or a playlist"),
        ((groove, START, 1.0, 1.0, "library", "paused"), "is not one of finished"),
        ((groove, START, 1.0, 1.0, uuid.uuid4(), "finished"), "no playlist with id"),
    ]:
        with pytest.raises(PlaylistError, match=message):
            record_play(app, *arguments)  # type: ignore[arg-type]
    with app.session() as session:
        track = session.get(Track, groove)
        assert (track.play_count, track.skip_count) == (0, 0)  # type: ignore[union-attr]
    assert app.events.listening_history(app.local_user_id) == []
