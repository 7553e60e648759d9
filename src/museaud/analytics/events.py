"""The time-series events museaud records, one frozen dataclass per kind.

They adapt the TimescaleDB hypertables of the seed documents to a desktop app: web-only
columns (page URLs, edge servers, regions, user agents, IP addresses) are gone, ids are
UUIDs like the SQLite rows they point at, and every time is an aware UTC-convertible datetime.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, TypeAlias, get_args
from uuid import UUID

JSONObject: TypeAlias = dict[str, Any]
"""A JSON object as Python sees it; stored in DuckDB JSON columns."""

AggregationLevel: TypeAlias = Literal["daily", "weekly", "monthly", "yearly"]
AGGREGATION_LEVELS: tuple[AggregationLevel, ...] = get_args(AggregationLevel)

PATTERN_PLAYED = "pattern_played"
PATTERN_RENDERED = "pattern_rendered"
PATTERN_EVENT_TYPES: frozenset[str] = frozenset({PATTERN_PLAYED, PATTERN_RENDERED})
"""Behaviour event types whose event_data describes a sounding pattern (see pattern_played)."""


def require_aware(moment: datetime, what: str = "time") -> datetime:
    """Return moment if it carries a time zone; museaud never guesses the zone of a naive time."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(
            f"{what} {moment!r} is a naive datetime: give it a time zone, e.g. datetime.now(UTC)"
        )
    return moment


def _require_fraction(value: float | None, what: str) -> None:
    """Confidence, satisfaction and hit rates are fractions in [0, 1]."""
    if value is not None and not (0.0 <= value <= 1.0):
        raise ValueError(f"{what} must be between 0 and 1, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class PerformanceMetric:
    """How fast and how well an engine worked at one moment: generation and audio figures.

    Generation engines (drums, bass, chords, melody) fill the latency and quality fields;
    the real-time audio engine fills callback_p99_ms, xrun_count, buffer_size and sample_rate.
    """

    time: datetime
    engine_name: str
    session_id: UUID | None = None
    user_id: UUID | None = None
    algorithm_used: str | None = None
    generation_latency_ms: float | None = None
    total_request_time_ms: float | None = None
    generation_confidence: float | None = None
    user_satisfaction: float | None = None
    cache_hit_rate: float | None = None
    cpu_usage_percent: float | None = None
    memory_usage_mb: float | None = None
    queue_length: int | None = None
    callback_p99_ms: float | None = None
    xrun_count: int | None = None
    buffer_size: int | None = None
    sample_rate: int | None = None
    engine_parameters: JSONObject = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_aware(self.time)
        _require_fraction(self.generation_confidence, "generation_confidence")
        _require_fraction(self.user_satisfaction, "user_satisfaction")
        _require_fraction(self.cache_hit_rate, "cache_hit_rate")


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysisFrame:
    """One analysis result for a stretch of audio (spectral, rhythmic, harmonic ...).

    It describes either a library track (track_id) or a live generation session (session_id).
    start_time_ms and duration_ms place the stretch within that audio.
    """

    time: datetime
    analysis_type: str
    analysis_data: JSONObject
    track_id: UUID | None = None
    session_id: UUID | None = None
    confidence_score: float | None = None
    processing_time_ms: float | None = None
    start_time_ms: float | None = None
    duration_ms: float | None = None

    def __post_init__(self) -> None:
        require_aware(self.time)
        if self.track_id is None and self.session_id is None:
            raise ValueError("an AnalysisFrame needs a track_id or a session_id")
        _require_fraction(self.confidence_score, "confidence_score")


@dataclass(frozen=True, slots=True, kw_only=True)
class BehaviorEvent:
    """Something the musician did in the app: played a pattern, changed a parameter, ...

    device_type says where it came from ('desktop', 'midi_controller', 'touch').
    """

    time: datetime
    user_id: UUID
    event_type: str
    event_data: JSONObject = field(default_factory=dict)
    session_id: UUID | None = None
    device_type: str | None = None
    response_time_ms: float | None = None

    def __post_init__(self) -> None:
        require_aware(self.time)

    @classmethod
    def pattern_played(
        cls,
        *,
        time: datetime,
        user_id: UUID,
        pattern_id: UUID,
        flavor: str,
        tempo_bpm: float,
        key_note: int,
        instruments: Sequence[str],
        session_id: UUID | None = None,
        device_type: str | None = "desktop",
    ) -> BehaviorEvent:
        """A beat-machine pattern sounded: the shape that EventStore.aggregate counts from.

        instruments are the ids of the enabled instruments ('clave', 'cowbell', ...).
        """
        if not 0 <= key_note <= 11:
            raise ValueError(f"key_note is a pitch class 0-11, got {key_note!r}")
        if not (math.isfinite(tempo_bpm) and tempo_bpm > 0):
            raise ValueError(f"tempo_bpm must be a positive number, got {tempo_bpm!r}")
        return cls(
            time=time,
            user_id=user_id,
            event_type=PATTERN_PLAYED,
            event_data={
                "pattern_id": str(pattern_id),
                "flavor": flavor,
                "tempo_bpm": tempo_bpm,
                "key_note": key_note,
                "instruments": list(instruments),
            },
            session_id=session_id,
            device_type=device_type,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageStat:
    """One command the app served: a CLI command, a GUI action or a sync request.

    command is the seed's endpoint ('import', 'render', '/sync/push'); method says how it was
    called ('cli', 'gui', 'GET', 'POST'); status_code is an exit status or an HTTP status.
    """

    time: datetime
    command: str
    user_id: UUID | None = None
    method: str | None = None
    status_code: int | None = None
    response_time_ms: float | None = None
    request_size_bytes: int | None = None
    response_size_bytes: int | None = None

    def __post_init__(self) -> None:
        require_aware(self.time)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListeningEvent:
    """One play of a library track: when it started (time), how long it ran, how it ended, and
    the track's artist, genre, tempo and key (pitch class) at that moment."""

    time: datetime
    user_id: UUID
    track_id: UUID
    playlist_id: UUID | None = None
    duration_played_s: float = 0.0
    completed: bool = False
    skipped: bool = False
    session_id: UUID | None = None
    artist: str | None = None
    genre: str | None = None
    tempo_bpm: float | None = None
    key_note: int | None = None

    def __post_init__(self) -> None:
        require_aware(self.time)
        if self.duration_played_s < 0:
            raise ValueError(f"duration_played_s cannot be negative, got {self.duration_played_s}")


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregatedMetric:
    """One counted figure of one period: ('instrument_usage', 'clave', 42, 2024-06-03, weekly).

    time_period is the first day of the period: the day itself, the Monday of the week, the
    first of the month, or the first of January. (metric_type, metric_key, time_period,
    aggregation_level) is unique.
    """

    metric_type: str
    metric_key: str
    metric_value: int
    time_period: date
    aggregation_level: AggregationLevel

    def __post_init__(self) -> None:
        if self.aggregation_level not in AGGREGATION_LEVELS:
            raise ValueError(
                f"aggregation_level must be one of {AGGREGATION_LEVELS}, "
                f"got {self.aggregation_level!r}"
            )
        if isinstance(self.time_period, datetime):
            raise ValueError("time_period is a date (the first day of the period), not a datetime")
        start = period_start(self.aggregation_level, self.time_period)
        if start != self.time_period:
            raise ValueError(
                f"{self.time_period} does not start a {self.aggregation_level} period "
                f"(that period starts on {start})"
            )


RawEvent: TypeAlias = PerformanceMetric | AnalysisFrame | BehaviorEvent | UsageStat | ListeningEvent
"""An event with a time, appended as it happens."""

Event: TypeAlias = RawEvent | AggregatedMetric
"""Anything EventStore.record accepts."""


def period_start(level: AggregationLevel, day: date) -> date:
    """The first day of the daily/weekly (ISO, Monday)/monthly/yearly period holding day."""
    if isinstance(day, datetime):
        day = require_aware(day, "day").astimezone(UTC).date()
    if level == "daily":
        return day
    if level == "weekly":
        return day - timedelta(days=day.weekday())
    if level == "monthly":
        return day.replace(day=1)
    if level == "yearly":
        return day.replace(month=1, day=1)
    raise ValueError(f"aggregation level must be one of {AGGREGATION_LEVELS}, got {level!r}")


def period_end(level: AggregationLevel, day: date) -> date:
    """The first day after the period holding day (an exclusive bound)."""
    start = period_start(level, day)
    if level == "daily":
        return start + timedelta(days=1)
    if level == "weekly":
        return start + timedelta(days=7)
    if level == "monthly":
        return (start + timedelta(days=32)).replace(day=1)
    return start.replace(year=start.year + 1)
