"""EventStore on real DuckDB files: round trips, queries, aggregation, versions and locking."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID, uuid4

import duckdb
import numpy as np
import pytest

from museaud.analytics import (
    SCHEMA_VERSION,
    AggregatedMetric,
    AnalysisFrame,
    BehaviorEvent,
    DayCount,
    EventStore,
    EventStoreBusyError,
    EventStoreError,
    EventStoreVersionError,
    ListeningEvent,
    PerformanceMetric,
    RawEvent,
    UsageStat,
)

BERLIN_SUMMER = timezone(timedelta(hours=2))
T0 = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "analytics.duckdb"


@pytest.fixture
def store(store_path: Path) -> Iterator[EventStore]:
    with EventStore.open(store_path) as opened:
        yield opened


def sample_events() -> list[RawEvent]:
    """One fully filled event of every kind, with a non-UTC time zone on some."""
    user, session = uuid4(), uuid4()
    return [
        PerformanceMetric(
            time=datetime(2024, 6, 3, 14, 0, 0, 123456, tzinfo=BERLIN_SUMMER),
            engine_name="drums",
            session_id=session,
            user_id=user,
            algorithm_used="markov-v2",
            generation_latency_ms=42.5,
            total_request_time_ms=55.0,
            generation_confidence=0.9,
            user_satisfaction=0.75,
            cache_hit_rate=0.5,
            cpu_usage_percent=12.5,
            memory_usage_mb=256.0,
            queue_length=3,
            callback_p99_ms=1.4,
            xrun_count=2,
            buffer_size=256,
            sample_rate=48_000,
            engine_parameters={"swing": 0.6, "fills": ["tom", "snare"], "nested": {"a": None}},
        ),
        AnalysisFrame(
            time=T0,
            analysis_type="rhythmic",
            analysis_data={"onsets_ms": [0.0, 250.5], "tempo_bpm": 120.0},
            track_id=uuid4(),
            confidence_score=0.8,
            processing_time_ms=3.5,
            start_time_ms=1000.0,
            duration_ms=2000.0,
        ),
        AnalysisFrame(
            time=T0 + timedelta(seconds=1),
            analysis_type="harmonic",
            analysis_data={"key": "A minor"},
            session_id=session,
        ),
        BehaviorEvent(
            time=T0 + timedelta(seconds=2),
            user_id=user,
            event_type="parameter_change",
            event_data={"parameter": "tempo_bpm", "from": 120, "to": 128},
            session_id=session,
            device_type="midi_controller",
            response_time_ms=4.0,
        ),
        BehaviorEvent.pattern_played(
            time=T0 + timedelta(seconds=3),
            user_id=user,
            pattern_id=uuid4(),
            flavor="Salsa",
            tempo_bpm=180,
            key_note=7,
            instruments=["clave", "cowbell"],
        ),
        UsageStat(
            time=T0 + timedelta(seconds=4),
            command="/sync/push",
            user_id=user,
            method="POST",
            status_code=200,
            response_time_ms=85.0,
            request_size_bytes=5_000_000_000,
            response_size_bytes=120,
        ),
        UsageStat(time=T0 + timedelta(seconds=5), command="import"),
        ListeningEvent(
            time=T0 + timedelta(seconds=6),
            user_id=user,
            track_id=uuid4(),
            playlist_id=uuid4(),
            duration_played_s=215.5,
            completed=True,
            skipped=False,
            session_id=session,
        ),
    ]


def test_every_event_kind_round_trips(store: EventStore) -> None:
    events = sample_events()
    assert store.record_many(events) == len(events)

    for kind in (PerformanceMetric, AnalysisFrame, BehaviorEvent, UsageStat, ListeningEvent):
        expected = [event for event in events if type(event) is kind]
        read: list[RawEvent] = store.events(kind)
        assert read == expected
        assert all(event.time.tzinfo is UTC for event in read)


def test_times_come_back_as_the_same_instant_in_utc(store: EventStore) -> None:
    local = datetime(2024, 6, 3, 23, 30, tzinfo=BERLIN_SUMMER)
    store.record(UsageStat(time=local, command="render"))
    (read,) = store.events(UsageStat)
    assert read.time == local
    assert read.time.tzinfo is UTC
    assert read.time.hour == 21


def test_aggregated_metric_round_trips_and_upserts(store: EventStore) -> None:
    figure = AggregatedMetric(
        metric_type="instrument_usage",
        metric_key="clave",
        metric_value=3,
        time_period=date(2024, 6, 1),
        aggregation_level="monthly",
    )
    store.record(figure)
    assert store.aggregated_metrics("monthly") == [figure]
    bigger = AggregatedMetric(
        metric_type="instrument_usage",
        metric_key="clave",
        metric_value=5,
        time_period=date(2024, 6, 1),
        aggregation_level="monthly",
    )
    store.record_many([figure, bigger])
    assert store.aggregated_metrics("monthly") == [bigger]


def test_events_filters_by_time_and_limit(store: EventStore) -> None:
    store.record_many(
        UsageStat(time=T0 + timedelta(minutes=minute), command="play") for minute in range(10)
    )
    window = store.events(
        UsageStat, since=T0 + timedelta(minutes=2), until=T0 + timedelta(minutes=5)
    )
    assert [event.time for event in window] == [T0 + timedelta(minutes=m) for m in (2, 3, 4)]
    assert len(store.events(UsageStat, limit=4)) == 4


def test_reopening_keeps_the_data(store_path: Path) -> None:
    events = sample_events()
    with EventStore.open(store_path) as first:
        first.record_many(events)
    with EventStore.open(store_path) as second:
        assert second.schema_version == SCHEMA_VERSION
        assert second.events(ListeningEvent) == [e for e in events if isinstance(e, ListeningEvent)]
        assert len(second.events(AnalysisFrame)) == 2


def test_a_newer_schema_version_is_refused_naming_the_file(store_path: Path) -> None:
    EventStore.open(store_path).close()
    connection = duckdb.connect(store_path)
    connection.execute(
        "UPDATE analytics_meta SET value = ? WHERE key = 'schema_version'",
        [str(SCHEMA_VERSION + 1)],
    )
    connection.close()

    with pytest.raises(EventStoreVersionError, match=re.escape(str(store_path))) as refused:
        EventStore.open(store_path)
    assert refused.value.found == SCHEMA_VERSION + 1
    assert "newer" in str(refused.value)


def test_a_duckdb_file_not_made_by_museaud_is_left_alone(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    connection = duckdb.connect(store_path)
    connection.execute("CREATE TABLE listening_history (song VARCHAR)")
    connection.close()
    with pytest.raises(EventStoreError, match="not made by museaud") as refused:
        EventStore.open(store_path)
    assert str(store_path) in str(refused.value)
    connection = duckdb.connect(store_path)
    tables = connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    connection.close()
    assert tables == [("listening_history",)]


def test_naive_datetimes_are_refused(store: EventStore) -> None:
    naive = datetime(2024, 6, 3, 12, 0)
    with pytest.raises(ValueError, match="naive"):
        ListeningEvent(time=naive, user_id=uuid4(), track_id=uuid4())
    with pytest.raises(ValueError, match="naive"):
        PerformanceMetric(time=naive, engine_name="audio")
    with pytest.raises(ValueError, match="naive"):
        store.events(ListeningEvent, since=naive)
    with pytest.raises(ValueError, match="naive"):
        store.listening_history(uuid4(), since=naive)
    with pytest.raises(ValueError, match="naive"):
        store.performance_summary(since=naive)


def test_invalid_events_are_refused() -> None:
    with pytest.raises(ValueError, match="track_id or a session_id"):
        AnalysisFrame(time=T0, analysis_type="spectral", analysis_data={})
    with pytest.raises(ValueError, match="between 0 and 1"):
        PerformanceMetric(time=T0, engine_name="bass", generation_confidence=1.5)
    with pytest.raises(ValueError, match="pitch class"):
        BehaviorEvent.pattern_played(
            time=T0,
            user_id=uuid4(),
            pattern_id=uuid4(),
            flavor="Salsa",
            tempo_bpm=120,
            key_note=12,
            instruments=[],
        )
    with pytest.raises(ValueError, match="does not start a weekly period"):
        AggregatedMetric(
            metric_type="key_usage",
            metric_key="key_0",
            metric_value=1,
            time_period=date(2024, 6, 5),
            aggregation_level="weekly",
        )


def test_a_batch_with_a_bad_event_records_nothing(store: EventStore) -> None:
    good = UsageStat(time=T0, command="play")
    bad = BehaviorEvent(
        time=T0, user_id=uuid4(), event_type="oops", event_data={"not json": object()}
    )
    with pytest.raises(TypeError):
        store.record_many([good, bad])
    assert store.events(UsageStat) == []
    assert store.events(BehaviorEvent) == []


def test_record_refuses_what_is_not_an_event(store: EventStore) -> None:
    with pytest.raises(TypeError, match="not an analytics event"):
        store.record("a string")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="aggregated_metrics"):
        store.events(AggregatedMetric)  # type: ignore[type-var]


def test_a_file_that_is_not_duckdb_is_named_in_the_error(tmp_path: Path) -> None:
    impostor = tmp_path / "analytics.duckdb"
    impostor.write_text("these are lyrics, not a database\n" * 20)
    with pytest.raises(EventStoreError, match=re.escape(str(impostor))):
        EventStore.open(impostor)


def test_performance_percentiles_match_numpy(store: EventStore) -> None:
    rng = np.random.default_rng(7)
    drum_latencies = rng.gamma(shape=2.0, scale=20.0, size=1000)
    events: list[PerformanceMetric] = [
        PerformanceMetric(
            time=T0 + timedelta(seconds=index),
            engine_name="drums",
            generation_latency_ms=float(latency),
            xrun_count=index % 3,
        )
        for index, latency in enumerate(drum_latencies)
    ]
    # audio engine samples: no generation latency, but xruns and callback times
    events += [
        PerformanceMetric(
            time=T0 + timedelta(seconds=index),
            engine_name="audio",
            callback_p99_ms=1.0 + index / 10,
            xrun_count=1,
        )
        for index in range(20)
    ]
    bass_latencies = [10.0, 20.0, 30.0, 40.0]
    events += [
        PerformanceMetric(time=T0, engine_name="bass", generation_latency_ms=latency)
        for latency in bass_latencies
    ]
    store.record_many(events)

    drums = store.performance_summary("drums")
    assert drums.count == 1000
    expected = np.percentile(drum_latencies, [50, 95, 99])
    assert [drums.latency_p50_ms, drums.latency_p95_ms, drums.latency_p99_ms] == pytest.approx(
        expected, rel=1e-12
    )
    assert drums.total_xruns == sum(index % 3 for index in range(1000))
    assert drums.worst_callback_p99_ms is None

    bass = store.performance_summary("bass")
    assert bass.latency_p50_ms == pytest.approx(np.percentile(bass_latencies, 50))
    assert bass.latency_p99_ms == pytest.approx(np.percentile(bass_latencies, 99))
    assert bass.total_xruns == 0

    audio = store.performance_summary("audio")
    assert audio.count == 20
    assert audio.latency_p50_ms is None
    assert audio.total_xruns == 20
    assert audio.worst_callback_p99_ms == pytest.approx(2.9)

    everything = store.performance_summary()
    assert everything.count == 1024
    all_latencies = np.concatenate([drum_latencies, bass_latencies])
    assert everything.latency_p95_ms == pytest.approx(np.percentile(all_latencies, 95))

    late = store.performance_summary("drums", since=T0 + timedelta(seconds=500))
    assert late.count == 500
    assert late.latency_p50_ms == pytest.approx(np.percentile(drum_latencies[500:], 50))

    nothing = store.performance_summary("chords")
    assert nothing.count == 0
    assert nothing.latency_p99_ms is None
    assert nothing.total_xruns == 0


def _play(user: UUID, track: UUID, at: datetime, **fields: object) -> ListeningEvent:
    return ListeningEvent(time=at, user_id=user, track_id=track, **fields)  # type: ignore[arg-type]


def test_listening_history_is_newest_first_per_user(store: EventStore) -> None:
    me, someone_else = uuid4(), uuid4()
    track = uuid4()
    store.record_many(
        [_play(me, track, T0 + timedelta(minutes=m)) for m in range(5)]
        + [_play(someone_else, track, T0 + timedelta(minutes=10))]
    )
    history = store.listening_history(me, limit=3)
    assert [play.time for play in history] == [T0 + timedelta(minutes=m) for m in (4, 3, 2)]
    assert all(play.user_id == me for play in history)
    assert len(store.listening_history(me, since=T0 + timedelta(minutes=3))) == 2


def test_play_counts_rank_the_most_played_tracks(store: EventStore) -> None:
    me, someone_else = uuid4(), uuid4()
    favourite, other = uuid4(), uuid4()
    store.record_many(
        [
            _play(me, favourite, T0, duration_played_s=200, completed=True),
            _play(me, favourite, T0 + timedelta(hours=1), duration_played_s=20, skipped=True),
            _play(me, favourite, T0 + timedelta(hours=2), duration_played_s=180, completed=True),
            _play(me, other, T0 + timedelta(hours=3), duration_played_s=100),
            _play(someone_else, other, T0 + timedelta(hours=4), duration_played_s=100),
            _play(someone_else, other, T0 + timedelta(hours=5), duration_played_s=100),
            _play(someone_else, other, T0 + timedelta(hours=6), duration_played_s=100),
        ]
    )
    mine = store.play_counts(user_id=me)
    assert [(count.track_id, count.plays) for count in mine] == [(favourite, 3), (other, 1)]
    top = mine[0]
    assert (top.completed, top.skipped, top.seconds_played) == (2, 1, 400.0)
    assert top.last_played == T0 + timedelta(hours=2)
    assert top.last_played.tzinfo is UTC

    everyone = store.play_counts()
    assert [(count.track_id, count.plays) for count in everyone] == [(other, 4), (favourite, 3)]
    assert len(store.play_counts(limit=1)) == 1
    recent = store.play_counts(user_id=me, since=T0 + timedelta(hours=2))
    # a tie in plays goes to the track played most recently
    assert [(count.track_id, count.plays) for count in recent] == [(other, 1), (favourite, 1)]


def test_daily_counts_fill_empty_days_and_use_utc_days(store: EventStore) -> None:
    me, track = uuid4(), uuid4()
    store.record_many(
        [
            _play(me, track, datetime(2024, 6, 1, 10, tzinfo=UTC)),
            _play(me, track, datetime(2024, 6, 1, 11, tzinfo=UTC)),
            # 01:30 in Berlin on 4 June is still 3 June in UTC
            _play(me, track, datetime(2024, 6, 4, 1, 30, tzinfo=BERLIN_SUMMER)),
            _play(me, track, datetime(2024, 6, 9, 10, tzinfo=UTC)),
        ]
    )
    counts = store.daily_counts(ListeningEvent, date(2024, 5, 31), date(2024, 6, 4))
    assert counts == [
        DayCount(date(2024, 5, 31), 0),
        DayCount(date(2024, 6, 1), 2),
        DayCount(date(2024, 6, 2), 0),
        DayCount(date(2024, 6, 3), 1),
        DayCount(date(2024, 6, 4), 0),
    ]
    assert store.daily_counts(ListeningEvent, date(2024, 6, 5), date(2024, 6, 4)) == []
    assert store.daily_counts(UsageStat, date(2024, 6, 1), date(2024, 6, 1)) == [
        DayCount(date(2024, 6, 1), 0)
    ]


def _pattern(
    user: UUID, at: datetime, tempo_bpm: float, key_note: int, *instruments: str
) -> BehaviorEvent:
    return BehaviorEvent.pattern_played(
        time=at,
        user_id=user,
        pattern_id=uuid4(),
        flavor="Merengue" if key_note == 5 else "Salsa",
        tempo_bpm=tempo_bpm,
        key_note=key_note,
        instruments=instruments,
    )


def test_aggregate_counts_a_week_and_running_it_twice_gives_the_same_rows(
    store_path: Path, store: EventStore
) -> None:
    me, track = uuid4(), uuid4()
    monday, sunday_night = T0, datetime(2024, 6, 9, 23, 59, tzinfo=UTC)
    next_monday = datetime(2024, 6, 10, 0, 0, tzinfo=UTC)
    store.record_many(
        [
            _pattern(me, monday, 120, 0, "clave", "cowbell"),
            _pattern(me, monday + timedelta(hours=1), 128.5, 0, "clave", "conga"),
            _pattern(me, sunday_night, 95, 5, "guira"),
            _pattern(me, next_monday, 200, 3, "clave"),  # the next week
            BehaviorEvent(time=monday, user_id=me, event_type="parameter_change"),
            _play(me, track, monday, duration_played_s=200.4, completed=True),
            _play(me, uuid4(), monday, duration_played_s=10, skipped=True),
        ]
    )

    first = store.aggregate("weekly", date(2024, 6, 6))
    figures = {(f.metric_type, f.metric_key): f.metric_value for f in first}
    assert figures == {
        ("instrument_usage", "clave"): 2,
        ("instrument_usage", "cowbell"): 1,
        ("instrument_usage", "conga"): 1,
        ("instrument_usage", "guira"): 1,
        ("tempo_distribution", "120_bpm"): 2,
        ("tempo_distribution", "90_bpm"): 1,
        ("key_usage", "key_0"): 2,
        ("key_usage", "key_5"): 1,
        ("flavor_usage", "Salsa"): 2,
        ("flavor_usage", "Merengue"): 1,
        ("event_count", "pattern_played"): 3,
        ("event_count", "parameter_change"): 1,
        ("listening", "plays"): 2,
        ("listening", "completed"): 1,
        ("listening", "skipped"): 1,
        ("listening", "seconds_played"): 210,
        ("listening", "tracks"): 2,
    }
    assert {f.time_period for f in first} == {date(2024, 6, 3)}
    assert {f.aggregation_level for f in first} == {"weekly"}

    stored = store.aggregated_metrics("weekly")
    second = store.aggregate("weekly", date(2024, 6, 3))
    assert second == first
    assert store.aggregated_metrics("weekly") == stored
    assert len(stored) == len(figures)

    # a late event for the same week updates the figures in place
    store.record(_pattern(me, monday + timedelta(days=2), 121, 0, "clave"))
    store.aggregate("weekly", date(2024, 6, 4))
    updated = {
        (f.metric_type, f.metric_key): f.metric_value
        for f in store.aggregated_metrics("weekly", metric_type="instrument_usage")
    }
    assert updated[("instrument_usage", "clave")] == 3
    assert len(store.aggregated_metrics("weekly")) == len(figures)

    # other levels and periods are separate rows
    daily = store.aggregate("daily", date(2024, 6, 10))
    assert {(f.metric_type, f.metric_key) for f in daily} >= {("tempo_distribution", "200_bpm")}
    assert {f.time_period for f in store.aggregated_metrics("daily")} == {date(2024, 6, 10)}
    assert store.aggregate("yearly", date(2023, 1, 1)) == []

    store.close()
    with EventStore.open(store_path) as reopened:
        assert len(reopened.aggregated_metrics("weekly")) == len(figures)


def test_a_file_held_by_another_process_is_reported_busy(store_path: Path) -> None:
    EventStore.open(store_path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
            "print('holding', flush=True); sys.stdin.read()",
            str(store_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(EventStoreBusyError, match=re.escape(str(store_path))) as busy:
            EventStore.open(store_path)
        assert "busy" in str(busy.value)
        assert busy.value.path == store_path
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    with EventStore.open(store_path) as reopened:
        assert reopened.schema_version == SCHEMA_VERSION


def test_a_closed_store_says_so(store_path: Path) -> None:
    opened = EventStore.open(store_path)
    opened.close()
    opened.close()
    with pytest.raises(EventStoreError, match="closed"):
        opened.record(UsageStat(time=T0, command="play"))


def test_an_in_memory_store_works_like_a_file() -> None:
    with EventStore.in_memory() as memory:
        memory.record_many(sample_events())
        assert len(memory.events(BehaviorEvent)) == 2
