"""The Recorder: callers only enqueue; one thread writes; a broken file never stops the caller."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from museaud.analytics import (
    BehaviorEvent,
    EventStore,
    EventStoreError,
    ListeningEvent,
    Recorder,
    UsageStat,
    recorder,
)
from museaud.analytics.rollups import MARK, roll_up

USER = uuid.uuid4()


def _play(at: datetime) -> ListeningEvent:
    return ListeningEvent(time=at, user_id=USER, track_id=uuid.uuid4(), duration_played_s=60.0)


def test_events_reach_the_file_from_one_writer_thread(tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "analytics.duckdb")
    rounds: list[tuple[date, date | None]] = []
    writer = Recorder(
        lambda: store, USER, maintain=lambda s, today, late: rounds.append((today, late))
    )
    now = datetime.now(UTC)
    for minute in range(50):
        writer.record(_play(now - timedelta(minutes=minute)))
    writer.record_action("pattern_kept", engine="drums", flavor="Salsa")
    assert writer.flush()
    assert len(store.events(ListeningEvent)) == 50
    [kept] = store.events(BehaviorEvent)
    assert (kept.user_id, kept.event_type, kept.event_data) == (
        USER,
        "pattern_kept",
        {"engine": "drums", "flavor": "Salsa"},
    )
    assert rounds and rounds[0][0] == now.date()  # roll-ups ran after the first write
    writer.record_session(failed=True)
    writer.close()
    [session] = store.events(UsageStat)
    assert session.status_code == 1 and session.response_time_ms is not None
    store.close()


def test_a_newer_file_turns_recording_off_and_the_caller_never_sees_it(tmp_path: Path) -> None:
    path = tmp_path / "analytics.duckdb"
    EventStore.open(path).close()
    with duckdb.connect(path) as connection:
        connection.execute("UPDATE analytics_meta SET value = '99' WHERE key = 'schema_version'")
    before = path.read_bytes()
    writer = Recorder(lambda: EventStore.open(path), USER)
    writer.record(_play(datetime.now(UTC)))
    assert writer.flush()
    writer.close()
    assert writer.problem is not None and "newer museaud" in writer.problem
    assert writer.dropped == 1
    assert path.read_bytes() == before


def test_a_failed_write_is_kept_and_written_once_the_store_works(tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "analytics.duckdb")
    failing = True

    class Flaky(EventStore):
        def record_many(self, events):  # type: ignore[no-untyped-def]
            if failing:
                raise EventStoreError("No space left on device")
            return store.record_many(events)

    flaky = Flaky(duckdb.connect(":memory:"), None)
    writer = Recorder(lambda: flaky, USER)
    writer.record(_play(datetime.now(UTC)))
    assert writer.flush()
    assert writer.problem is not None and "No space left" in writer.problem
    failing = False
    writer.record(_play(datetime.now(UTC)))
    writer.close()
    assert writer.problem is None
    assert len(store.events(ListeningEvent)) == 2
    store.close()


def test_nothing_is_recorded_when_turned_off_or_when_no_recorder_is_installed(
    tmp_path: Path,
) -> None:
    opened: list[bool] = []

    def open_store() -> EventStore:
        opened.append(True)
        return EventStore.in_memory()

    writer = Recorder(open_store, USER, enabled=False)
    recorder.install(writer)
    try:
        recorder.record(_play(datetime.now(UTC)))
        recorder.record_action("view_shown", view="library")
        writer.flush()
    finally:
        recorder.install(None)
        writer.close()
    recorder.record_action("view_shown", view="library")  # no recorder: a no-op
    assert opened == []


def test_late_events_are_counted_again_and_the_day_is_rolled_up_once(tmp_path: Path) -> None:
    store = EventStore.open(tmp_path / "analytics.duckdb")
    today = datetime.now(UTC).date()
    writer = Recorder(
        lambda: store, USER, maintain=lambda s, day, late: roll_up(s, day, late_since=late)
    )
    three_days_ago = datetime.combine(today - timedelta(days=3), datetime.min.time(), UTC)
    writer.record(_play(three_days_ago + timedelta(hours=20)))
    writer.flush()
    assert store.meta(MARK) == (today - timedelta(days=1)).isoformat()
    writer.record(_play(three_days_ago + timedelta(hours=21)))  # arrives late
    writer.close()
    [plays] = [
        f
        for f in store.aggregated_metrics("daily", metric_type="listening")
        if f.metric_key == "plays"
    ]
    assert (plays.time_period, plays.metric_value) == (three_days_ago.date(), 2)
    store.close()
