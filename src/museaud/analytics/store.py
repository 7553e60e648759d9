"""EventStore: museaud's time series (plays, engine figures, app usage) in one DuckDB file.

DuckDB lets one process at a time open a file for writing (and, while it does, no other
process may even read it). The app holds the analytics file open for as long as it runs; a
second process that tries to open it gets EventStoreBusyError naming the file, so commands
such as `museaud report` must go through the running app or wait until it closes. Inside the
process, one EventStore may be shared by threads: calls are serialised by a lock. The
real-time audio thread never calls it (it hands its figures to a worker).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from uuid import UUID

import duckdb

from museaud.analytics.events import (
    PATTERN_EVENT_TYPES,
    AggregatedMetric,
    AggregationLevel,
    Event,
    ListeningEvent,
    RawEvent,
    period_end,
    period_start,
    require_aware,
)
from museaud.analytics.schema import (
    EVENT_TABLES,
    META_DDL,
    META_TABLE,
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES_DDL,
    EventTable,
    table_for,
)

RawEventT = TypeVar("RawEventT", bound=RawEvent)

TEMPO_BUCKET_BPM = 10
"""Width of a tempo_distribution bucket; '120_bpm' counts patterns from 120 to under 130 BPM."""

_WRITERS = {kind: table.row_writer() for kind, table in EVENT_TABLES.items()}
_READERS = {kind: table.row_reader() for kind, table in EVENT_TABLES.items()}
_AGGREGATE_KEY = ("metric_type", "metric_key", "time_period", "aggregation_level")
COLUMNAR_FROM = 64
"""Batches of one kind at least this big go in as columns rather than row by row."""


class EventStoreError(RuntimeError):
    """The analytics file cannot be used as asked; the message says what and which file."""


class EventStoreBusyError(EventStoreError):
    """Another process holds the analytics file; DuckDB allows one writer process per file."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"the analytics file {path} is busy: another process has it open "
            f"(DuckDB allows one process per file). Close the other museaud and try again. "
            f"[{detail}]"
        )
        self.path = path


class EventStoreVersionError(EventStoreError):
    """The analytics file was written by a newer museaud than this one."""

    def __init__(self, path: Path, found: int) -> None:
        super().__init__(
            f"{path} was written by a newer museaud (analytics schema version {found}; "
            f"this museaud knows up to {SCHEMA_VERSION}). "
            "Nothing was changed: update museaud to open it."
        )
        self.path = path
        self.found = found


@dataclass(frozen=True, slots=True)
class PlayCount:
    """How often one track was played, finished and skipped, and when it last played."""

    track_id: UUID
    plays: int
    completed: int
    skipped: int
    seconds_played: float
    last_played: datetime


@dataclass(frozen=True, slots=True)
class PerformanceSummary:
    """Generation latency percentiles (ms, None without data) and audio dropouts over a span."""

    count: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None
    total_xruns: int
    worst_callback_p99_ms: float | None


@dataclass(frozen=True, slots=True)
class DayCount:
    """How many events of one kind happened on one UTC day."""

    day: date
    count: int


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _utc_day(day: date) -> date:
    """A date as given, or the UTC date of an aware datetime."""
    if isinstance(day, datetime):
        return require_aware(day, "day").astimezone(UTC).date()
    return day


def _is_lock_conflict(error: duckdb.Error) -> bool:
    message = str(error)
    return any(
        sign in message
        for sign in ("Could not set lock", "Conflicting lock", "used by another process")
    )


def _has_foreign_tables(connection: duckdb.DuckDBPyConnection) -> bool:
    row = connection.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE database_name = current_database() AND table_name <> ?",
        [META_TABLE],
    ).fetchone()
    return row is not None and row[0] > 0


def _checked_version(path: Path) -> int | None:
    """The schema version of an existing file, read without writing to it; None when this
    process has it open already (it was checked then). Refuses newer, damaged or foreign files."""
    try:
        connection = duckdb.connect(path, read_only=True)
    except duckdb.Error as error:
        message = str(error)
        if _is_lock_conflict(error):
            raise EventStoreBusyError(path, message) from error
        if "different configuration" in message:
            return None
        raise EventStoreError(
            f"cannot read the analytics file {path}: it is damaged or not a DuckDB file "
            f"[{message}]. Nothing was changed; move it away to start a new one."
        ) from error
    try:
        tables = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
        if META_TABLE not in tables:
            if tables:
                raise EventStoreError(
                    f"{path} holds tables but no museaud analytics schema version: it was not "
                    "made by museaud. Nothing was changed; move it away or set MUSEAUD_HOME."
                )
            return 0
        row = connection.execute(
            f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'"
        ).fetchone()
    finally:
        connection.close()
    found = 0 if row is None else int(row[0])
    if found > SCHEMA_VERSION:
        raise EventStoreVersionError(path, found)
    return found


def backup_events_file(path: Path, backup_dir: Path, version: int) -> Path:
    """Copy a closed analytics file (and its write-ahead log) before its schema changes."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir / f"{path.stem}-{stamp}-v{version}{path.suffix}"
    shutil.copy2(path, target)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, target.with_name(target.name + ".wal"))
    return target


def forget_events_file(path: Path, backup_dir: Path) -> list[Path]:
    """Delete the analytics file, its log and its backups (`museaud stats forget`); returns
    what was deleted. EventStoreBusyError while another process holds the file."""
    if path.exists():
        _checked_version_or_busy(path)
    doomed = [path, path.with_name(path.name + ".wal")]
    if backup_dir.is_dir():
        doomed += sorted(backup_dir.glob(f"{path.stem}-*-v*{path.suffix}*"))
    deleted = [each for each in doomed if each.exists()]
    for each in deleted:
        each.unlink()
    return deleted


def _checked_version_or_busy(path: Path) -> None:
    """Raise EventStoreBusyError when another process holds path; anything else is fine."""
    try:
        duckdb.connect(path, read_only=True).close()
    except duckdb.Error as error:
        if _is_lock_conflict(error):
            raise EventStoreBusyError(path, str(error)) from error


def _prepare(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create the tables of a new file, or check and upgrade the version of an existing one."""
    connection.execute("SET TimeZone = 'UTC'")
    connection.begin()
    try:
        connection.execute(META_DDL)
        row = connection.execute(
            f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'"
        ).fetchone()
        found = 0 if row is None else int(row[0])
        if found > SCHEMA_VERSION:
            raise EventStoreVersionError(path, found)
        if found == 0 and _has_foreign_tables(connection):
            raise EventStoreError(
                f"{path} holds tables but no museaud analytics schema version: it was not made "
                "by museaud. Nothing was changed; move it away or set MUSEAUD_HOME."
            )
        if found == 0:
            connection.execute(TABLES_DDL)
        else:
            for version in range(found + 1, SCHEMA_VERSION + 1):
                connection.execute(MIGRATIONS[version])
        if found != SCHEMA_VERSION:
            connection.execute(
                f"INSERT OR REPLACE INTO {META_TABLE} VALUES ('schema_version', ?)",
                [str(SCHEMA_VERSION)],
            )
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


class EventStore:
    """Append-only time series plus the aggregated figures made from them.

    Open with EventStore.open(path) (Paths.analytics_file in the app), use as a context
    manager or call close(). Times are stored as TIMESTAMPTZ in UTC and come back as aware UTC
    datetimes; naive datetimes are refused with ValueError. Days in queries are UTC days.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self._connection: duckdb.DuckDBPyConnection | None = connection
        self._lock = threading.RLock()
        self._column_types: dict[str, dict[str, str]] = {}
        self.path = path

    @classmethod
    def open(cls, path: Path | str, backup_dir: Path | None = None) -> EventStore:
        """Open (creating if needed) the analytics file at path.

        An older file is copied to backup_dir (default: a backups folder beside it) before its
        schema is upgraded. A newer, damaged or foreign file raises EventStoreError (or
        EventStoreVersionError) and is left as it was.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            found = _checked_version(path)
            if found is not None and 0 < found < SCHEMA_VERSION:
                backup_events_file(path, backup_dir or path.parent / "backups", found)
        try:
            connection = duckdb.connect(path)
        except duckdb.Error as error:
            if _is_lock_conflict(error):
                raise EventStoreBusyError(path, str(error)) from error
            raise EventStoreError(f"cannot open the analytics file {path}: {error}") from error
        try:
            _prepare(connection, path)
        except BaseException:
            connection.close()
            raise
        return cls(connection, path)

    @classmethod
    def in_memory(cls) -> EventStore:
        """A store that lives only as long as this object: for tests and previews."""
        connection = duckdb.connect(":memory:")
        _prepare(connection, Path(":memory:"))
        return cls(connection, None)

    def close(self) -> None:
        """Write everything out and release the file (and its lock); safe to call twice."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> EventStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._connection is None else "open"
        return f"EventStore({str(self.path or ':memory:')!r}, {state})"

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file."""
        row = self._fetchone(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'")
        return int(row[0])

    # ---- writing -------------------------------------------------------------------------

    def record(self, event: Event) -> None:
        """Append one event (an AggregatedMetric replaces the figure with the same key)."""
        self.record_many((event,))

    def record_many(self, events: Iterable[Event]) -> int:
        """Append many events of any kinds in one transaction; returns how many.

        Big batches of one kind go in column by column (NumPy arrays DuckDB scans in one
        INSERT ... SELECT, about 5 µs an event); small ones through DuckDB's appender.
        AggregatedMetrics are upserted on their unique key (a later one in the batch wins).
        """
        grouped: dict[type[Any], list[Any]] = {}
        figures: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        count = 0
        for event in events:
            kind = table_for(event).kind
            if kind is AggregatedMetric:
                key = tuple(getattr(event, name) for name in _AGGREGATE_KEY)
                figures[key] = _WRITERS[kind](event)
            else:
                grouped.setdefault(kind, []).append(event)
            count += 1
        if not grouped and not figures:
            return 0
        with self._transaction() as connection:
            for kind, batch in grouped.items():
                table = EVENT_TABLES[kind]
                if len(batch) >= COLUMNAR_FROM:
                    self._insert_columns(connection, table, batch)
                else:
                    with connection.appender(table.name) as appender:
                        appender.append_rows([_WRITERS[kind](event) for event in batch])
            if figures:
                name = EVENT_TABLES[AggregatedMetric].name
                with connection.appender(name, action="upsert") as appender:
                    appender.append_rows(list(figures.values()))
        return count

    def _insert_columns(
        self, connection: duckdb.DuckDBPyConnection, table: EventTable, batch: list[Any]
    ) -> None:
        if table.name not in self._column_types:
            self._column_types[table.name] = dict(
                connection.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() "
                    "WHERE table_name = ? AND database_name = current_database()",
                    [table.name],
                ).fetchall()
            )
        types = self._column_types[table.name]
        columns = table.column_arrays(batch)
        selected = ", ".join(
            f"timezone('UTC', {name})"
            if name in table.time_columns
            else f"CAST({name} AS {types[name]})"
            for name in columns
        )
        connection.register("incoming_events", columns)
        try:
            connection.execute(
                f"INSERT INTO {table.name} ({', '.join(columns)}) "
                f"SELECT {selected} FROM incoming_events"
            )
        finally:
            connection.unregister("incoming_events")

    # ---- reading -------------------------------------------------------------------------

    def events(
        self,
        kind: type[RawEventT],
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[RawEventT]:
        """Events of one kind with since <= time < until, oldest first."""
        table = table_for(kind)
        if "time" not in table.columns:
            raise TypeError(f"{kind.__name__} has no time: use aggregated_metrics()")
        where, params = _time_filter(since, until)
        sql = f"SELECT {table.select_list()} FROM {table.name}{where} ORDER BY time"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        reader = _READERS[kind]
        return [reader(row) for row in self._fetchall(sql, params)]

    def listening_history(
        self, user_id: UUID, *, since: datetime | None = None, limit: int = 100
    ) -> list[ListeningEvent]:
        """A user's plays, newest first."""
        table = table_for(ListeningEvent)
        where, params = _time_filter(since, None, ["user_id = ?"], [user_id])
        sql = f"SELECT {table.select_list()} FROM {table.name}{where} ORDER BY time DESC LIMIT ?"
        reader = _READERS[ListeningEvent]
        return [reader(row) for row in self._fetchall(sql, [*params, limit])]

    def play_counts(
        self, *, user_id: UUID | None = None, since: datetime | None = None, limit: int = 50
    ) -> list[PlayCount]:
        """The most played tracks (of one user, or everyone's), most plays first."""
        conditions, values = (["user_id = ?"], [user_id]) if user_id is not None else ([], [])
        where, params = _time_filter(since, None, conditions, values)
        sql = f"""
            SELECT track_id, count(*) AS plays,
                   count(*) FILTER (WHERE completed), count(*) FILTER (WHERE skipped),
                   sum(duration_played_s), timezone('UTC', max(time)) AS last_played
            FROM listening_history{where}
            GROUP BY track_id
            ORDER BY plays DESC, last_played DESC, track_id
            LIMIT ?
        """
        return [
            PlayCount(
                track_id=track_id,
                plays=plays,
                completed=completed,
                skipped=skipped,
                seconds_played=float(seconds),
                last_played=last.replace(tzinfo=UTC),
            )
            for track_id, plays, completed, skipped, seconds, last in self._fetchall(
                sql, [*params, limit]
            )
        ]

    def performance_summary(
        self, engine_name: str | None = None, since: datetime | None = None
    ) -> PerformanceSummary:
        """Generation latency p50/p95/p99 (linear interpolation, as numpy) and total xruns."""
        conditions, values = (
            (["engine_name = ?"], [engine_name]) if engine_name is not None else ([], [])
        )
        where, params = _time_filter(since, None, conditions, values)
        row = self._fetchone(
            f"""
            SELECT count(*), quantile_cont(generation_latency_ms, [0.5, 0.95, 0.99]),
                   coalesce(sum(xrun_count), 0), max(callback_p99_ms)
            FROM performance_metrics{where}
            """,
            params,
        )
        count, latencies, xruns, worst_callback = row
        p50, p95, p99 = latencies if latencies is not None else (None, None, None)
        return PerformanceSummary(
            count=count,
            latency_p50_ms=p50,
            latency_p95_ms=p95,
            latency_p99_ms=p99,
            total_xruns=int(xruns),
            worst_callback_p99_ms=worst_callback,
        )

    def daily_counts(
        self, kind: type[RawEventT], since: date, until: date | None = None
    ) -> list[DayCount]:
        """Events of one kind per UTC day from since to until (default today), zeros included."""
        first = _utc_day(since)
        last = _utc_day(until) if until is not None else datetime.now(UTC).date()
        if last < first:
            return []
        table = table_for(kind)
        counted = dict(
            self._fetchall(
                f"""
                SELECT CAST(timezone('UTC', time) AS DATE) AS day, count(*)
                FROM {table.name}
                WHERE time >= ? AND time < ?
                GROUP BY day
                """,
                [_utc_midnight(first), _utc_midnight(last + timedelta(days=1))],
            )
        )
        days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
        return [DayCount(day, counted.get(day, 0)) for day in days]

    def aggregated_metrics(
        self,
        level: AggregationLevel,
        *,
        since: date | None = None,
        metric_type: str | None = None,
    ) -> list[AggregatedMetric]:
        """Stored figures of one level, oldest period first, then by type and key."""
        conditions: list[str] = ["aggregation_level = ?"]
        params: list[object] = [level]
        if since is not None:
            conditions.append("time_period >= ?")
            params.append(period_start(level, _utc_day(since)))
        if metric_type is not None:
            conditions.append("metric_type = ?")
            params.append(metric_type)
        table = table_for(AggregatedMetric)
        sql = (
            f"SELECT {table.select_list()} FROM {table.name} WHERE {' AND '.join(conditions)} "
            f"ORDER BY time_period, metric_type, metric_key"
        )
        reader = _READERS[AggregatedMetric]
        return [reader(row) for row in self._fetchall(sql, params)]

    # ---- aggregating ---------------------------------------------------------------------

    def count_figures(self, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
        """The figures aggregate() stores, counted over all raw events with since <= time <
        until: (metric_type, metric_key, metric_value), sorted."""
        rows = self._count(None, since, until)
        return [(metric_type, key, value) for _period, metric_type, key, value in rows]

    def aggregate(self, level: AggregationLevel, day: date) -> list[AggregatedMetric]:
        """Count the period holding day from the raw events and upsert the figures.

        Figures (metric_type: metric_key):
        instrument_usage: instrument id, tempo_distribution: '120_bpm', key_usage: 'key_0',
        flavor_usage: flavour, from pattern_played/pattern_rendered behaviour events;
        event_count: event_type, over all behaviour events;
        pattern_events: 'pattern_kept:drums:Salsa' (a generation's event type, engine, flavour);
        view_shown: view; command_count: command; audio_engine: sessions, xruns;
        listening: plays, completed, skipped, seconds_played, tracks.
        Running it again gives the same rows. Figures are counted from the raw events still
        in the file, so aggregate a period before pruning its raw events.
        """
        start = period_start(level, _utc_day(day))
        return self.aggregate_periods(level, start, period_end(level, start))

    def aggregate_periods(
        self, level: AggregationLevel, first: date, end: date
    ) -> list[AggregatedMetric]:
        """aggregate() for every period of level starting from first to before end, in one
        pass over the raw events (first must start a period)."""
        rows = self._count(level, _utc_midnight(first), _utc_midnight(end))
        figures = [
            AggregatedMetric(
                metric_type=metric_type,
                metric_key=metric_key,
                metric_value=value,
                time_period=period,
                aggregation_level=level,
            )
            for period, metric_type, metric_key, value in rows
        ]
        self.record_many(figures)
        return figures

    def _count(
        self, level: AggregationLevel | None, since: datetime, until: datetime
    ) -> list[tuple[date, str, str, int]]:
        period = _PERIODS[level] if level is not None else "CAST(NULL AS DATE)"
        rows = self._fetchall(
            _AGGREGATE_SQL.format(period=period),
            {
                "start": require_aware(since, "since").astimezone(UTC),
                "end": require_aware(until, "until").astimezone(UTC),
                "pattern_types": sorted(PATTERN_EVENT_TYPES),
                "bucket": TEMPO_BUCKET_BPM,
            },
        )
        return [(period, kind, key, int(value)) for period, kind, key, value in rows]

    # ---- upkeep --------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A value the store keeps about itself (schema_version, rolled_up_through ...)."""
        row = self._fetchone(f"SELECT value FROM {META_TABLE} WHERE key = ?", [key])
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set one of the store's own values."""
        with self._transaction() as connection:
            connection.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)", [key, value])

    def first_event_day(self) -> date | None:
        """The UTC day of the oldest raw event, None when there is none."""
        times = " UNION ALL ".join(
            f"SELECT min(time) AS first FROM {table.name}"
            for kind, table in EVENT_TABLES.items()
            if kind is not AggregatedMetric
        )
        row = self._fetchone(f"SELECT CAST(timezone('UTC', min(first)) AS DATE) FROM ({times})")
        return None if row is None else row[0]

    def prune(self, raw_before: datetime, figures_before: date) -> int:
        """Delete raw events older than raw_before and daily and weekly figures of periods
        starting before figures_before (monthly and yearly ones stay); returns rows deleted."""
        require_aware(raw_before, "raw_before")
        deleted = 0
        with self._transaction() as connection:
            for kind, table in EVENT_TABLES.items():
                if kind is AggregatedMetric:
                    continue
                row = connection.execute(
                    f"DELETE FROM {table.name} WHERE time < ?", [raw_before.astimezone(UTC)]
                ).fetchone()
                deleted += row[0] if row else 0
            row = connection.execute(
                "DELETE FROM aggregated_metrics "
                "WHERE aggregation_level IN ('daily', 'weekly') AND time_period < ?",
                [figures_before],
            ).fetchone()
            deleted += row[0] if row else 0
        return deleted

    def fetch(self, sql: str, params: object = None) -> list[Any]:
        """Rows of a read-only query, for reports (times come back as the SQL makes them)."""
        return self._fetchall(sql, params)

    def export_parquet(self, folder: Path) -> list[Path]:
        """Write every table to folder/<table>.parquet; returns the files written."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for table in EVENT_TABLES.values():
            target = folder / f"{table.name}.parquet"
            with self._lock:
                self._open_connection().execute(
                    f"COPY {table.name} TO '{_sql_text(target)}' (FORMAT PARQUET)"
                )
            written.append(target)
        return written

    # ---- plumbing ------------------------------------------------------------------------

    def _open_connection(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            raise EventStoreError(f"the analytics file {self.path or ':memory:'} is closed")
        return self._connection

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            connection = self._open_connection()
            connection.begin()
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    def _fetchall(self, sql: str, params: object = None) -> list[Any]:
        with self._lock:
            return self._open_connection().execute(sql, params).fetchall()

    def _fetchone(self, sql: str, params: object = None) -> Any:
        with self._lock:
            return self._open_connection().execute(sql, params).fetchone()


def _sql_text(path: Path) -> str:
    """A path inside a single-quoted SQL string (COPY takes no parameters)."""
    return str(path).replace("'", "''")


def _time_filter(
    since: datetime | None,
    until: datetime | None,
    conditions: list[str] | None = None,
    values: list[Any] | None = None,
) -> tuple[str, list[Any]]:
    """A WHERE clause (with leading space, or empty) and its parameters."""
    conditions = list(conditions or [])
    params = list(values or [])
    if since is not None:
        conditions.append("time >= ?")
        params.append(require_aware(since, "since").astimezone(UTC))
    if until is not None:
        conditions.append("time < ?")
        params.append(require_aware(until, "until").astimezone(UTC))
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), params


_AGGREGATE_SQL = """
WITH behaviour AS (
    SELECT {period} AS period, event_type, event_data FROM behavior_events
    WHERE time >= $start AND time < $end
),
patterns AS (
    SELECT period, event_data FROM behaviour WHERE list_contains($pattern_types, event_type)
),
engine AS (
    SELECT {period} AS period, count(*) AS sessions, coalesce(sum(xrun_count), 0) AS xruns
    FROM performance_metrics
    WHERE time >= $start AND time < $end AND engine_name = 'audio_engine'
    GROUP BY ALL
),
listens AS (
    SELECT {period} AS period, count(*) AS plays,
           count(*) FILTER (WHERE completed) AS completed,
           count(*) FILTER (WHERE skipped) AS skipped,
           CAST(round(coalesce(sum(duration_played_s), 0)) AS BIGINT) AS seconds_played,
           count(DISTINCT track_id) AS tracks
    FROM listening_history WHERE time >= $start AND time < $end
    GROUP BY ALL
)
SELECT period, 'instrument_usage' AS metric_type, instrument AS metric_key,
       count(*) AS metric_value
FROM (
    SELECT period, unnest(from_json(event_data -> '$.instruments', '["VARCHAR"]')) AS instrument
    FROM patterns WHERE json_type(event_data, '$.instruments') = 'ARRAY'
)
WHERE instrument IS NOT NULL
GROUP BY period, instrument
UNION ALL
SELECT period, 'tempo_distribution',
       CAST(CAST(floor(tempo / $bucket) * $bucket AS BIGINT) AS VARCHAR) || '_bpm' AS bucket,
       count(*)
FROM (SELECT period, TRY_CAST(event_data ->> '$.tempo_bpm' AS DOUBLE) AS tempo FROM patterns)
WHERE tempo > 0 AND isfinite(tempo)
GROUP BY period, bucket
UNION ALL
SELECT period, 'key_usage', 'key_' || CAST(key_note AS VARCHAR), count(*)
FROM (SELECT period, TRY_CAST(event_data ->> '$.key_note' AS INTEGER) AS key_note FROM patterns)
WHERE key_note BETWEEN 0 AND 11
GROUP BY period, key_note
UNION ALL
SELECT period, 'flavor_usage', flavor, count(*)
FROM (SELECT period, event_data ->> '$.flavor' AS flavor FROM patterns)
WHERE flavor IS NOT NULL
GROUP BY period, flavor
UNION ALL
SELECT period, 'event_count', event_type, count(*)
FROM behaviour
GROUP BY period, event_type
UNION ALL
SELECT period, 'pattern_events', event_type || ':' || coalesce(event_data ->> '$.engine', '')
       || ':' || coalesce(event_data ->> '$.flavor', '') AS pattern_key, count(*)
FROM behaviour
WHERE event_type LIKE 'pattern_%' AND NOT list_contains($pattern_types, event_type)
GROUP BY period, pattern_key
UNION ALL
SELECT period, 'view_shown', event_data ->> '$.view' AS view, count(*)
FROM behaviour
WHERE event_type = 'view_shown' AND view IS NOT NULL
GROUP BY period, view
UNION ALL
SELECT {period} AS period, 'command_count', command, count(*)
FROM usage_statistics WHERE time >= $start AND time < $end
GROUP BY ALL
UNION ALL
SELECT period, 'audio_engine', unnest(['sessions', 'xruns']), unnest([sessions, xruns])
FROM engine WHERE sessions > 0
UNION ALL
SELECT period, 'listening',
       unnest(['plays', 'completed', 'skipped', 'seconds_played', 'tracks']),
       unnest([plays, completed, skipped, seconds_played, tracks])
FROM listens WHERE plays > 0
ORDER BY period, metric_type, metric_key
"""
_PERIODS = {
    "daily": "CAST(timezone('UTC', time) AS DATE)",
    "weekly": "CAST(date_trunc('week', timezone('UTC', time)) AS DATE)",
    "monthly": "CAST(date_trunc('month', timezone('UTC', time)) AS DATE)",
    "yearly": "CAST(date_trunc('year', timezone('UTC', time)) AS DATE)",
}
"""How each aggregation level names the period of an event (its first day, UTC)."""
