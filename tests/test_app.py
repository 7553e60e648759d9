"""The composition root: one local profile, analytics beside the store."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from museaud.analytics import ListeningEvent
from museaud.app import App
from museaud.paths import Paths
from museaud.store.base import new_id
from museaud.store.models.accounts import User


def test_local_profile_is_made_once_and_owns_new_rows(paths: Paths) -> None:
    with App.open(paths) as first:
        user_id = first.local_user_id
    with App.open(paths) as second:
        assert second.local_user_id == user_id
        with second.session() as session:
            users = session.scalars(select(User)).all()
            assert [(u.id, u.is_local) for u in users] == [(user_id, True)]


def test_listening_events_go_to_duckdb_beside_the_store(paths: Paths) -> None:
    track = new_id()
    with App.open(paths) as app:
        app.events.record(
            ListeningEvent(
                time=datetime.now(UTC),
                user_id=app.local_user_id,
                track_id=track,
                duration_played_s=42.0,
                completed=True,
            )
        )
    assert paths.analytics_file.exists()
    with App.open(paths) as app:
        [event] = app.events.listening_history(app.local_user_id)
        assert event.track_id == track and event.completed
