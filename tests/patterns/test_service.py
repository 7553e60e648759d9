"""Patterns in the store: saved, loaded, forked and rated through the service."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from tests.patterns.test_model import clave_pattern

from museaud.app import App
from museaud.paths import Paths
from museaud.patterns.model import PatternError
from museaud.patterns.service import (
    PatternNotFoundError,
    delete_pattern,
    fork_pattern,
    list_patterns,
    load_pattern,
    rate_pattern,
    save_pattern,
    update_pattern,
)
from museaud.store.models.patterns import Pattern


def test_saved_pattern_survives_a_restart_exactly(paths: Paths) -> None:
    pattern = clave_pattern()
    with App.open(paths) as app, app.session() as session:
        pattern_id = save_pattern(session, pattern)
    with App.open(paths) as app, app.session() as session:
        saved = load_pattern(session, pattern_id)
        row = session.get(Pattern, pattern_id)
        assert row is not None and row.owner_id == app.local_user_id
    assert saved.pattern == pattern
    assert saved.origin == "user" and saved.fork_count == 0
    summary = saved.summary()
    assert summary["instruments"] == ["clave", "conga", "bass"]
    assert summary["time_signature"] == "4/4" and summary["clave"] == "2-3"


def test_invalid_patterns_never_reach_the_store(app: App) -> None:
    with app.session() as session:
        with pytest.raises(PatternError, match="300 bpm"):
            save_pattern(session, clave_pattern(bpm=300.0))
        pattern_id = save_pattern(session, clave_pattern())
        with pytest.raises(PatternError, match="key note 12"):
            update_pattern(session, pattern_id, clave_pattern(key_note=12))
    with app.session() as session:
        assert session.scalars(select(Pattern.bpm)).all() == [180.0]


def test_forks_remember_their_original_and_are_counted(app: App) -> None:
    with app.session() as session:
        original = save_pattern(session, clave_pattern())
        first = fork_pattern(session, original)
        second = fork_pattern(session, original, title="My montuno")
    with app.session() as session:
        assert load_pattern(session, original).fork_count == 2
        forks = list_patterns(session, forks_of=original)
        assert {f.id for f in forks} == {first, second}
        assert {f.pattern.title for f in forks} == {"Son (fork)", "My montuno"}
        assert all(f.origin == "fork" and f.original_pattern_id == original for f in forks)
        delete_pattern(session, original)
    with app.session() as session:
        assert load_pattern(session, first).original_pattern_id is None  # fork survives


def test_rating_is_checked_and_kept(app: App) -> None:
    with app.session() as session:
        pattern_id = save_pattern(session, clave_pattern())
        rate_pattern(session, pattern_id, 4.5)
        with pytest.raises(PatternError, match="rating 6 is outside 1-5"):
            rate_pattern(session, pattern_id, 6)
    with app.session() as session:
        assert load_pattern(session, pattern_id).user_rating == 4.5


def test_unknown_ids_say_so(app: App) -> None:
    missing = uuid.uuid4()
    with app.session() as session, pytest.raises(PatternNotFoundError, match=str(missing)):
        load_pattern(session, missing)
