"""The analytics file upgrades itself after a backup, and refuses newer or damaged files without
touching them; the app goes on without analytics then."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from museaud.analytics import (
    SCHEMA_VERSION,
    EventStore,
    EventStoreError,
    EventStoreVersionError,
    ListeningEvent,
)
from museaud.app import App
from museaud.cli import main
from museaud.paths import Paths

USER, TRACK = uuid.uuid4(), uuid.uuid4()
PLAYED = datetime(2026, 5, 1, 20, 30, tzinfo=UTC)


def _version_1_file(path: Path) -> Path:
    """A file as museaud wrote it before plays carried artist, genre, tempo and key."""
    EventStore.open(path).close()
    with duckdb.connect(path) as connection:
        for column in ("artist", "genre", "tempo_bpm", "key_note"):
            connection.execute(f"ALTER TABLE listening_history DROP COLUMN {column}")
        connection.execute("UPDATE analytics_meta SET value = '1' WHERE key = 'schema_version'")
        connection.execute(
            "INSERT INTO listening_history VALUES (?, ?, ?, NULL, 95.0, true, false, NULL)",
            [PLAYED, USER, TRACK],
        )
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_version_1_file_is_backed_up_then_upgraded_keeping_its_plays(tmp_path: Path) -> None:
    path = _version_1_file(tmp_path / "analytics.duckdb")
    original = _digest(path)
    backups = tmp_path / "backups"

    with EventStore.open(path, backups) as store:
        assert store.schema_version == SCHEMA_VERSION == 2
        [old] = store.events(ListeningEvent)
        assert (old.track_id, old.duration_played_s, old.artist, old.tempo_bpm) == (
            TRACK,
            95.0,
            None,
            None,
        )
        store.record(
            ListeningEvent(
                time=PLAYED, user_id=USER, track_id=TRACK, artist="Celia Cruz", tempo_bpm=98.0
            )
        )
        assert store.events(ListeningEvent)[-1].artist == "Celia Cruz"

    [backup] = backups.glob("analytics-*-v1.duckdb")
    assert _digest(backup) == original
    with EventStore.open(path, backups):
        pass
    assert len(list(backups.iterdir())) == 1  # an up-to-date file is not copied again


@pytest.mark.parametrize("damage", ["newer", "garbage"])
def test_newer_and_damaged_files_are_refused_and_left_untouched(
    tmp_path: Path, damage: str
) -> None:
    path = tmp_path / "analytics.duckdb"
    if damage == "newer":
        EventStore.open(path).close()
        with duckdb.connect(path) as connection:
            connection.execute("UPDATE analytics_meta SET value = '7' WHERE key = 'schema_version'")
    else:
        path.write_bytes(b"not a database at all\n" * 500)
    before = _digest(path)

    error_type = EventStoreVersionError if damage == "newer" else EventStoreError
    with pytest.raises(error_type, match="newer museaud" if damage == "newer" else "damaged"):
        EventStore.open(path, tmp_path / "backups")

    assert _digest(path) == before
    assert not (tmp_path / "backups").exists()


def test_the_app_goes_on_without_analytics_and_stats_says_why(
    paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    paths.ensure()
    paths.analytics_file.write_bytes(b"\x00garbage" * 1000)
    before = _digest(paths.analytics_file)

    with App.open(paths) as app:
        with app.session() as session:
            assert session is not None  # the library works
        assert app.recorder is not None
        app.recorder.record_action("view_shown", view="library")
        assert app.recorder.flush()
        assert app.recorder.problem is not None and "damaged" in app.recorder.problem

    assert main(["stats", "listening"]) == 1
    err = capsys.readouterr().err
    assert "museaud stats: cannot read the analytics file" in err and "move it away" in err
    assert _digest(paths.analytics_file) == before
