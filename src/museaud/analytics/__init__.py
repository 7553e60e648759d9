"""Analytics: time-series events in one DuckDB file beside the SQLite store, and reports on them."""

from __future__ import annotations

from museaud.analytics import recorder
from museaud.analytics.events import (
    AGGREGATION_LEVELS,
    PATTERN_EVENT_TYPES,
    AggregatedMetric,
    AggregationLevel,
    AnalysisFrame,
    BehaviorEvent,
    Event,
    ListeningEvent,
    PerformanceMetric,
    RawEvent,
    UsageStat,
    period_end,
    period_start,
)
from museaud.analytics.recorder import Recorder, record, record_action
from museaud.analytics.schema import SCHEMA_VERSION
from museaud.analytics.store import (
    TEMPO_BUCKET_BPM,
    DayCount,
    EventStore,
    EventStoreBusyError,
    EventStoreError,
    EventStoreVersionError,
    PerformanceSummary,
    PlayCount,
)

__all__ = [
    "AGGREGATION_LEVELS",
    "PATTERN_EVENT_TYPES",
    "SCHEMA_VERSION",
    "TEMPO_BUCKET_BPM",
    "AggregatedMetric",
    "AggregationLevel",
    "AnalysisFrame",
    "BehaviorEvent",
    "DayCount",
    "Event",
    "EventStore",
    "EventStoreBusyError",
    "EventStoreError",
    "EventStoreVersionError",
    "ListeningEvent",
    "PerformanceMetric",
    "PerformanceSummary",
    "PlayCount",
    "RawEvent",
    "Recorder",
    "UsageStat",
    "period_end",
    "period_start",
    "record",
    "record_action",
    "recorder",
]
