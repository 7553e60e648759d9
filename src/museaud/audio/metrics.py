"""After playback: how the audio engine kept time, written to the analytics store.

Called from the GUI or CLI thread once playback stops, never from the audio callback: the
callback only counts into preallocated numbers, and this turns them into a PerformanceMetric row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from museaud.analytics import EventStore, PerformanceMetric
from museaud.audio.engine import EngineStats

ENGINE_NAME = "audio_engine"
"""engine_name of the audio engine's PerformanceMetric rows."""


def playback_metric(
    stats: EngineStats,
    *,
    context: Mapping[str, Any] | None = None,
    user_id: UUID | None = None,
    session_id: UUID | None = None,
    time: datetime | None = None,
) -> PerformanceMetric:
    """The PerformanceMetric row for one stretch of playback; context (device, pattern id,
    output ...) goes into engine_parameters with the figures that have no column of their own."""
    parameters: dict[str, Any] = dict(context or {})
    parameters.update(
        callbacks=stats.callbacks,
        late_callbacks=stats.late,
        callback_p50_ms=round(stats.p50_ms, 4),
        callback_max_ms=round(stats.max_ms, 4),
        period_ms=round(stats.period_ms, 4),
        load=round(stats.load, 4),
    )
    return PerformanceMetric(
        time=time or datetime.now(UTC),
        engine_name=ENGINE_NAME,
        user_id=user_id,
        session_id=session_id,
        algorithm_used="renderer",
        callback_p99_ms=stats.p99_ms,
        xrun_count=stats.xruns,
        buffer_size=stats.buffer_size,
        sample_rate=stats.sample_rate,
        cpu_usage_percent=round(100.0 * stats.load, 2),
        engine_parameters=parameters,
    )


def record_playback(
    events: EventStore,
    stats: EngineStats,
    *,
    context: Mapping[str, Any] | None = None,
    user_id: UUID | None = None,
    session_id: UUID | None = None,
) -> PerformanceMetric | None:
    """Write one PerformanceMetric for the playback stats describe; nothing when no callback
    ran (the device never started), so empty plays leave no zero rows behind."""
    if stats.callbacks == 0:
        return None
    metric = playback_metric(stats, context=context, user_id=user_id, session_id=session_id)
    events.record(metric)
    return metric
