"""Reports over the analytics file: what `museaud stats` prints and the Analytics view draws.

Every report takes a Span (UTC, end exclusive) and returns plain rows; none holds a database
object. Raw events are kept a year: for older stretches the usage figures come from the
monthly roll-ups instead (see rollups.py). Hours and weekdays are in the computer's local time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from museaud.analytics.rollups import MARK, PRUNED
from museaud.analytics.store import EventStore
from museaud.store.models.library import Track, TrackAnalysis

TopBy = Literal["plays", "hours"]
EPOCH_DAY = date(1970, 1, 1)  # a Thursday: day numbers + 3 make Monday weeks
DAY_US = 86_400_000_000
AUDIO_ENGINE = "audio_engine"


@dataclass(frozen=True, slots=True)
class Span:
    """From the first day to the last (both whole, UTC); since/until are the instants."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the range ends ({self.last}) before it starts ({self.first})")

    @property
    def since(self) -> datetime:
        """The first instant in the span."""
        return datetime.combine(self.first, time(), UTC)

    @property
    def until(self) -> datetime:
        """The first instant after the span."""
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    @classmethod
    def last_days(cls, days: int, today: date | None = None) -> Span:
        """The last days days, today included."""
        today = today or datetime.now(UTC).date()
        return cls(today - timedelta(days=days - 1), today)


@dataclass(frozen=True, slots=True)
class DayListening:
    """Plays and hours listened on one day."""

    day: date
    plays: int
    hours: float


@dataclass(frozen=True, slots=True)
class Ranked:
    """One track, artist or genre with its plays and hours."""

    name: str
    plays: int
    hours: float


@dataclass(frozen=True, slots=True)
class GenerationRate:
    """Generations of one engine and flavour in one week, how many were kept."""

    week: date
    engine: str
    flavor: str
    generated: int
    kept: int
    discarded: int

    @property
    def kept_ratio(self) -> float | None:
        """kept / generated, None without generations."""
        return self.kept / self.generated if self.generated else None


@dataclass(frozen=True, slots=True)
class Latency:
    """Generation latency of one engine over the span, in milliseconds."""

    engine: str
    count: int
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True, slots=True)
class EngineSession:
    """One stretch of audio playback: load, dropouts, worst callback time."""

    time: datetime
    load_percent: float | None
    xruns: int
    callback_p99_ms: float | None
    buffer_size: int | None
    device: str | None


@dataclass(frozen=True, slots=True)
class ImportRun:
    """One library import: files found, added, failed, and how long it took."""

    time: datetime
    found: int
    new: int
    failed: int
    seconds: float


@dataclass
class Usage:
    """Counted figures by type: {'flavor_usage': {'Salsa': 12}, 'tempo_distribution': ...}."""

    figures: dict[str, dict[str, int]] = field(default_factory=dict)

    def of(self, metric_type: str) -> list[tuple[str, int]]:
        """One type's figures, biggest first."""
        found = self.figures.get(metric_type, {})
        return sorted(found.items(), key=lambda item: (-item[1], item[0]))


def _local_offset_minutes() -> int:
    offset = datetime.now().astimezone().utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def listening_by_day(store: EventStore, span: Span) -> list[DayListening]:
    """Plays and hours per UTC day, every day of the span (zeros included)."""
    rows = store.fetch(
        """
        SELECT epoch_us(time) // $day_us AS day, count(*), sum(duration_played_s) / 3600.0
        FROM listening_history WHERE time >= $since AND time < $until GROUP BY day
        """,
        {"day_us": DAY_US, "since": span.since, "until": span.until},
    )
    counted = {EPOCH_DAY + timedelta(days=day): (plays, hours) for day, plays, hours in rows}
    days = (span.first + timedelta(days=n) for n in range((span.last - span.first).days + 1))
    return [DayListening(day, *counted.get(day, (0, 0.0))) for day in days]


def listening_heatmap(store: EventStore, span: Span) -> list[list[int]]:
    """Plays by weekday (rows, Monday first) and hour of the day (24 columns), local time."""
    rows = store.fetch(
        """
        SELECT (local // 24 + 3) % 7 AS weekday, local % 24 AS hour, count(*)
        FROM (SELECT (epoch_us(time) + $offset_us) // $hour_us AS local
              FROM listening_history WHERE time >= $since AND time < $until)
        GROUP BY weekday, hour
        """,
        {
            "offset_us": _local_offset_minutes() * 60_000_000,
            "hour_us": 3_600_000_000,
            "since": span.since,
            "until": span.until,
        },
    )
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, plays in rows:
        grid[weekday][hour] = plays
    return grid


def top_listened(
    store: EventStore,
    span: Span,
    column: Literal["track_id", "artist", "genre"],
    by: TopBy = "plays",
    limit: int = 10,
) -> list[Ranked]:
    """The most played tracks (as ids), artists or genres, by plays or by hours listened."""
    order = "plays" if by == "plays" else "seconds"
    rows = store.fetch(
        f"""
        SELECT CAST({column} AS VARCHAR) AS name, count(*) AS plays,
               sum(duration_played_s) AS seconds
        FROM listening_history
        WHERE time >= ? AND time < ? AND {column} IS NOT NULL
        GROUP BY name ORDER BY {order} DESC, name LIMIT ?
        """,
        [span.since, span.until, limit],
    )
    return [Ranked(name, plays, seconds / 3600.0) for name, plays, seconds in rows]


def played_tempo_and_key(store: EventStore, span: Span) -> tuple[dict[int, int], dict[int, int]]:
    """Plays by tempo (10 BPM buckets: 120 counts 120-129) and by key (pitch class 0-11)."""
    rows = store.fetch(
        """
        SELECT 'tempo', CAST(floor(tempo_bpm / 10) * 10 AS INTEGER) AS bucket, count(*)
        FROM listening_history WHERE time >= ? AND time < ? AND tempo_bpm > 0 GROUP BY bucket
        UNION ALL
        SELECT 'key', key_note, count(*)
        FROM listening_history WHERE time >= ? AND time < ? AND key_note IS NOT NULL
        GROUP BY key_note
        """,
        [span.since, span.until, span.since, span.until],
    )
    tempo = {bucket: plays for kind, bucket, plays in rows if kind == "tempo"}
    keys = {bucket: plays for kind, bucket, plays in rows if kind == "key"}
    return tempo, keys


def generation_rates(store: EventStore, span: Span) -> list[GenerationRate]:
    """Per ISO week, engine and flavour: patterns generated, kept and discarded."""
    rows = store.fetch(
        """
        SELECT (epoch_us(time) // $day_us + 3) // 7 AS week,
               coalesce(event_data ->> '$.engine', '?') AS engine,
               coalesce(event_data ->> '$.flavor', '?') AS flavor,
               count(*) FILTER (WHERE event_type = 'pattern_generated'),
               count(*) FILTER (WHERE event_type = 'pattern_kept'),
               count(*) FILTER (WHERE event_type IN ('pattern_discarded', 'pattern_regenerated'))
        FROM behavior_events
        WHERE time >= $since AND time < $until AND event_type IN
              ('pattern_generated', 'pattern_kept', 'pattern_discarded', 'pattern_regenerated')
        GROUP BY week, engine, flavor ORDER BY week, engine, flavor
        """,
        {"day_us": DAY_US, "since": span.since, "until": span.until},
    )
    first_monday = EPOCH_DAY - timedelta(days=3)
    return [GenerationRate(first_monday + timedelta(weeks=week), *rest) for week, *rest in rows]


def generation_latency(store: EventStore, span: Span) -> list[Latency]:
    """Generation latency p50 and p99 per engine."""
    rows = store.fetch(
        """
        SELECT engine_name, count(*), quantile_cont(generation_latency_ms, [0.5, 0.99])
        FROM performance_metrics
        WHERE time >= ? AND time < ? AND engine_name <> ?
              AND generation_latency_ms IS NOT NULL
        GROUP BY engine_name ORDER BY engine_name
        """,
        [span.since, span.until, AUDIO_ENGINE],
    )
    return [Latency(engine, count, q[0], q[1]) for engine, count, q in rows]


def engine_sessions(store: EventStore, span: Span, limit: int = 500) -> list[EngineSession]:
    """The audio engine's playback stretches, oldest first (the latest limit of them)."""
    rows = store.fetch(
        """
        SELECT * FROM (
            SELECT timezone('UTC', time) AS started, cpu_usage_percent, coalesce(xrun_count, 0),
                   callback_p99_ms, buffer_size,
                   coalesce(engine_parameters ->> '$.device', engine_parameters ->> '$.output')
            FROM performance_metrics
            WHERE time >= ? AND time < ? AND engine_name = ?
            ORDER BY time DESC LIMIT ?
        ) ORDER BY started
        """,
        [span.since, span.until, AUDIO_ENGINE, limit],
    )
    return [
        EngineSession(at.replace(tzinfo=UTC), load, xruns, p99, buffer, device)
        for at, load, xruns, p99, buffer, device in rows
    ]


def import_runs(store: EventStore, span: Span) -> list[ImportRun]:
    """Library imports, oldest first."""
    rows = store.fetch(
        """
        SELECT timezone('UTC', time),
               coalesce(TRY_CAST(event_data ->> '$.found' AS INTEGER), 0),
               coalesce(TRY_CAST(event_data ->> '$.new' AS INTEGER), 0),
               coalesce(TRY_CAST(event_data ->> '$.failed' AS INTEGER), 0),
               coalesce(TRY_CAST(event_data ->> '$.seconds' AS DOUBLE), 0)
        FROM behavior_events
        WHERE time >= ? AND time < ? AND event_type = 'library_imported'
        ORDER BY time
        """,
        [span.since, span.until],
    )
    return [ImportRun(at.replace(tzinfo=UTC), *rest) for at, *rest in rows]


def analysis_confidence(store: EventStore, span: Span) -> list[tuple[float, int]]:
    """Tracks analysed by confidence (tenths: 0.7 counts 0.7-0.79), lowest first."""
    rows = store.fetch(
        """
        SELECT least(floor(confidence_score * 10), 9) / 10 AS bucket, count(*)
        FROM analysis_frames
        WHERE time >= ? AND time < ? AND analysis_type = 'track'
              AND confidence_score IS NOT NULL
        GROUP BY bucket ORDER BY bucket
        """,
        [span.since, span.until],
    )
    return [(float(bucket), count) for bucket, count in rows]


def usage(store: EventStore, span: Span) -> Usage:
    """Instrument, flavour, tempo, key, view and command use: from the monthly figures for
    months whose raw events are gone, the daily figures for days already rolled up, and the raw
    events for the rest (today, mostly)."""
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    raw_from_text, rolled_text = store.meta(PRUNED), store.meta(MARK)
    raw_from = date.fromisoformat(raw_from_text) if raw_from_text else span.first
    rolled = date.fromisoformat(rolled_text) if rolled_text else raw_from - timedelta(days=1)
    daily_first = max(span.first, raw_from)
    daily_last = min(span.last, rolled)
    if span.first < raw_from:
        _add_figures(found, store, "monthly", span.first.replace(day=1), raw_from)
    if daily_first <= daily_last:
        _add_figures(found, store, "daily", daily_first, daily_last + timedelta(days=1))
    raw_first = max(daily_first, daily_last + timedelta(days=1))
    if raw_first <= span.last:
        since = datetime.combine(raw_first, time(), UTC)
        for metric_type, key, value in store.count_figures(since, span.until):
            found[metric_type][key] += value
    return Usage({kind: dict(values) for kind, values in found.items()})


def _add_figures(
    found: dict[str, dict[str, int]], store: EventStore, level: str, first: date, end: date
) -> None:
    rows = store.fetch(
        """
        SELECT metric_type, metric_key, sum(metric_value) FROM aggregated_metrics
        WHERE aggregation_level = ? AND time_period >= ? AND time_period < ?
        GROUP BY metric_type, metric_key
        """,
        [level, first, end],
    )
    for metric_type, key, value in rows:
        found[metric_type][key] += int(value)


def has_events(store: EventStore) -> bool:
    """Whether anything was recorded at all (raw events or figures)."""
    if store.first_event_day() is not None:
        return True
    return bool(store.fetch("SELECT 1 FROM aggregated_metrics LIMIT 1"))


@dataclass(frozen=True, slots=True)
class LibraryProfile:
    """The library as the SQLite store knows it now: growth, tempo, key and analysis."""

    tracks_by_month: list[tuple[date, int]]
    tempo: dict[int, int]
    keys: dict[int, int]
    analysed: int
    overridden: int


def library_profile(session: Session) -> LibraryProfile:
    """Tracks added per month, tracks by tempo (10 BPM buckets) and key, and how many carry a
    manual tempo or key override: from the store, beside which the played figures are drawn."""
    month = func.strftime("%Y-%m-01", Track.created_at)
    added = session.execute(select(month, func.count()).group_by(month).order_by(month)).all()
    bucket = (func.floor(Track.effective_bpm / 10) * 10).label("bucket")
    tempo = session.execute(
        select(bucket, func.count()).where(Track.effective_bpm > 0).group_by(bucket)
    ).all()
    keys = session.execute(
        select(Track.effective_key, func.count())
        .where(Track.effective_key.is_not(None))
        .group_by(Track.effective_key)
    ).all()
    analysed, overridden = session.execute(
        select(func.count(), func.count().filter(TrackAnalysis.manual_override))
    ).one()
    return LibraryProfile(
        tracks_by_month=[(date.fromisoformat(first), count) for first, count in added],
        tempo={int(b): count for b, count in tempo},
        keys={int(k): count for k, count in keys if k is not None},
        analysed=analysed,
        overridden=overridden,
    )
