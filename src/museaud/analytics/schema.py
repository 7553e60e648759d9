"""The DuckDB tables of the analytics file and how each event dataclass maps onto its table.

Column names equal the dataclass field names, in field order, so rows go in through DuckDB's
appender without naming columns twice. No secondary indexes on purpose: events arrive in time
order, so DuckDB's per-block min/max (zone maps) already prune time ranges, and indexes would
slow the appends down. Only aggregated_metrics has a key, for its upsert.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import numpy as np

from museaud.analytics.events import (
    AggregatedMetric,
    AnalysisFrame,
    BehaviorEvent,
    ListeningEvent,
    PerformanceMetric,
    UsageStat,
)

SCHEMA_VERSION = 2
"""Raise this with every change to the tables below and add a step to MIGRATIONS."""

META_TABLE = "analytics_meta"

META_DDL = f"""
CREATE TABLE IF NOT EXISTS {META_TABLE} (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
)
"""

TABLES_DDL = """
CREATE TABLE IF NOT EXISTS performance_metrics (
    time TIMESTAMPTZ NOT NULL,
    engine_name VARCHAR NOT NULL,
    session_id UUID,
    user_id UUID,
    algorithm_used VARCHAR,
    generation_latency_ms DOUBLE,
    total_request_time_ms DOUBLE,
    generation_confidence DOUBLE CHECK (generation_confidence BETWEEN 0 AND 1),
    user_satisfaction DOUBLE CHECK (user_satisfaction BETWEEN 0 AND 1),
    cache_hit_rate DOUBLE CHECK (cache_hit_rate BETWEEN 0 AND 1),
    cpu_usage_percent DOUBLE,
    memory_usage_mb DOUBLE,
    queue_length INTEGER,
    callback_p99_ms DOUBLE,
    xrun_count INTEGER,
    buffer_size INTEGER,
    sample_rate INTEGER,
    engine_parameters JSON NOT NULL
);

CREATE TABLE IF NOT EXISTS analysis_frames (
    time TIMESTAMPTZ NOT NULL,
    analysis_type VARCHAR NOT NULL,
    analysis_data JSON NOT NULL,
    track_id UUID,
    session_id UUID,
    confidence_score DOUBLE CHECK (confidence_score BETWEEN 0 AND 1),
    processing_time_ms DOUBLE,
    start_time_ms DOUBLE,
    duration_ms DOUBLE,
    CHECK (track_id IS NOT NULL OR session_id IS NOT NULL)
);

CREATE TABLE IF NOT EXISTS behavior_events (
    time TIMESTAMPTZ NOT NULL,
    user_id UUID NOT NULL,
    event_type VARCHAR NOT NULL,
    event_data JSON NOT NULL,
    session_id UUID,
    device_type VARCHAR,
    response_time_ms DOUBLE
);

CREATE TABLE IF NOT EXISTS usage_statistics (
    time TIMESTAMPTZ NOT NULL,
    command VARCHAR NOT NULL,
    user_id UUID,
    method VARCHAR,
    status_code INTEGER,
    response_time_ms DOUBLE,
    request_size_bytes BIGINT,
    response_size_bytes BIGINT
);

CREATE TABLE IF NOT EXISTS listening_history (
    time TIMESTAMPTZ NOT NULL,
    user_id UUID NOT NULL,
    track_id UUID NOT NULL,
    playlist_id UUID,
    duration_played_s DOUBLE NOT NULL CHECK (duration_played_s >= 0),
    completed BOOLEAN NOT NULL,
    skipped BOOLEAN NOT NULL,
    session_id UUID,
    artist VARCHAR,
    genre VARCHAR,
    tempo_bpm DOUBLE,
    key_note TINYINT
);

CREATE TABLE IF NOT EXISTS aggregated_metrics (
    metric_type VARCHAR NOT NULL,
    metric_key VARCHAR NOT NULL,
    metric_value BIGINT NOT NULL,
    time_period DATE NOT NULL,
    aggregation_level VARCHAR NOT NULL
        CHECK (aggregation_level IN ('daily', 'weekly', 'monthly', 'yearly')),
    UNIQUE (metric_type, metric_key, time_period, aggregation_level)
);
"""

MIGRATIONS: dict[int, str] = {
    2: """
    ALTER TABLE listening_history ADD COLUMN artist VARCHAR;
    ALTER TABLE listening_history ADD COLUMN genre VARCHAR;
    ALTER TABLE listening_history ADD COLUMN tempo_bpm DOUBLE;
    ALTER TABLE listening_history ADD COLUMN key_note TINYINT;
    """,
}
"""SQL that takes the file from version n - 1 to version n, keyed by n.

2: plays carry the track's artist, genre, tempo and key as they were when it played, so
the dashboard's top artists and played-tempo figures need no join with the SQLite store.
"""


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _to_utc(value: Any) -> Any:
    return value.astimezone(UTC)


def _to_json(value: Any) -> Any:
    return json.dumps(value)


def _from_utc(value: Any) -> Any:
    # Read as a naive UTC TIMESTAMP (see select_list): the DuckDB client needs pytz for TIMESTAMPTZ.
    return value.replace(tzinfo=UTC)


def _from_json(value: Any) -> Any:
    return json.loads(value)


@dataclass(frozen=True)
class EventTable:
    """One event dataclass and the DuckDB table that holds it."""

    name: str
    kind: type[Any]
    time_columns: frozenset[str] = frozenset()
    json_columns: frozenset[str] = frozenset()

    @property
    def columns(self) -> tuple[str, ...]:
        """The table's columns: the dataclass fields, in order."""
        return tuple(f.name for f in dataclasses.fields(self.kind))

    def row_writer(self) -> Callable[[Any], tuple[Any, ...]]:
        """A function turning one event into the tuple of values the appender takes."""
        columns = self.columns
        converters = [
            (index, _to_utc if name in self.time_columns else _to_json)
            for index, name in enumerate(columns)
            if name in self.time_columns or name in self.json_columns
        ]

        def write(event: Any) -> tuple[Any, ...]:
            values = [getattr(event, name) for name in columns]
            for index, convert in converters:
                if values[index] is not None:
                    values[index] = convert(values[index])
            return tuple(values)

        return write

    def column_arrays(self, events: list[Any]) -> dict[str, np.ndarray]:
        """The events as one NumPy array per column, for DuckDB to scan in one INSERT: times
        as UTC datetime64[us] (read back with timezone('UTC', ...)), JSON and UUIDs as text,
        numbers and flags typed when none is missing, else Python objects (None is NULL).
        Columns that are None in every event are left out (they default to NULL)."""
        arrays: dict[str, np.ndarray] = {}
        for name in self.columns:
            values = [getattr(event, name) for event in events]
            sample = next((value for value in values if value is not None), None)
            if sample is None:
                continue
            if name in self.time_columns:
                micros = [(value - _EPOCH) // _MICROSECOND for value in values]
                arrays[name] = np.array(micros, dtype="datetime64[us]")
                continue
            if name in self.json_columns:
                values = [json.dumps(value) for value in values]
            elif isinstance(sample, UUID):
                values = [None if value is None else value.hex for value in values]
            elif isinstance(sample, bool | int | float) and None not in values:
                arrays[name] = np.array(values)
                continue
            array = np.empty(len(values), dtype=object)
            array[:] = values
            arrays[name] = array
        return arrays

    def select_list(self, alias: str = "") -> str:
        """The SELECT expressions that read this table's columns back for row_reader."""
        prefix = f"{alias}." if alias else ""
        return ", ".join(
            f"timezone('UTC', {prefix}{name}) AS {name}"
            if name in self.time_columns
            else f"{prefix}{name}"
            for name in self.columns
        )

    def row_reader(self) -> Callable[[tuple[Any, ...]], Any]:
        """A function turning one row selected with select_list back into the dataclass."""
        columns = self.columns
        converters = [
            (index, _from_utc if name in self.time_columns else _from_json)
            for index, name in enumerate(columns)
            if name in self.time_columns or name in self.json_columns
        ]
        kind = self.kind

        def read(row: tuple[Any, ...]) -> Any:
            values = list(row)
            for index, convert in converters:
                if values[index] is not None:
                    values[index] = convert(values[index])
            return kind(**dict(zip(columns, values, strict=True)))

        return read


_TIME = frozenset({"time"})

EVENT_TABLES: dict[type[Any], EventTable] = {
    table.kind: table
    for table in (
        EventTable(
            "performance_metrics", PerformanceMetric, _TIME, frozenset({"engine_parameters"})
        ),
        EventTable("analysis_frames", AnalysisFrame, _TIME, frozenset({"analysis_data"})),
        EventTable("behavior_events", BehaviorEvent, _TIME, frozenset({"event_data"})),
        EventTable("usage_statistics", UsageStat, _TIME),
        EventTable("listening_history", ListeningEvent, _TIME),
        EventTable("aggregated_metrics", AggregatedMetric),
    )
}
"""Every event kind and its table; the seed tables they adapt are named in docs/schema.md."""


def table_for(event: object) -> EventTable:
    """The table of an event or event class; TypeError for anything else."""
    kind = event if isinstance(event, type) else type(event)
    try:
        return EVENT_TABLES[kind]
    except KeyError:
        known = ", ".join(sorted(k.__name__ for k in EVENT_TABLES))
        raise TypeError(f"{kind.__name__} is not an analytics event (one of {known})") from None
