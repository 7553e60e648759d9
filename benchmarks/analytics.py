"""Benchmark: the analytics store on 1,000,000 events (issue 15).

Goals: ingest at least 100,000 events/s; every dashboard query under 100 ms; recording an event
costs the caller under 20 µs (median: it only enqueues); the dashboard draws all its charts in
under 300 ms. The peer is SQLite (the store museaud already has) holding the same events in the
same columns (times as ISO text, indexed; JSON as text), written in the same batches and asked
the same questions in its own SQL, on the same disk in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/analytics.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import functools
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.analytics import sample_events

from machine import describe_machine
from museaud.analytics import EventStore, Recorder, reports
from museaud.analytics.rollups import roll_up
from museaud.analytics.schema import EVENT_TABLES

BATCH = 10_000
RUNS = 5
GOAL_INGEST = 100_000.0
GOAL_QUERY_MS = 100.0
GOAL_RECORD_US = 20.0
GOAL_DRAW_MS = 300.0


def _sqlite_schema(connection: sqlite3.Connection) -> None:
    for table in EVENT_TABLES.values():
        if "time" not in table.columns:
            continue
        connection.execute(f"CREATE TABLE {table.name} ({', '.join(table.columns)})")
        connection.execute(f"CREATE INDEX {table.name}_time ON {table.name} (time)")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def ingest_duckdb(path: Path, events: list[Any]) -> float:
    """Seconds to append every event in BATCH-sized transactions."""
    with EventStore.open(path) as store:
        started = time.perf_counter()
        for first in range(0, len(events), BATCH):
            store.record_many(events[first : first + BATCH])
        return time.perf_counter() - started


def ingest_sqlite(path: Path, events: list[Any]) -> float:
    """Seconds for the same in SQLite (WAL, executemany, one transaction per batch)."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    _sqlite_schema(connection)
    writers = {kind: table.row_writer() for kind, table in EVENT_TABLES.items()}
    started = time.perf_counter()
    for first in range(0, len(events), BATCH):
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for event in events[first : first + BATCH]:
            table = EVENT_TABLES[type(event)]
            row = tuple(_sqlite_value(v) for v in writers[type(event)](event))
            rows.setdefault(table.name, []).append(row)
        with connection:
            for name, batch in rows.items():
                marks = ", ".join("?" * len(batch[0]))
                connection.executemany(f"INSERT INTO {name} VALUES ({marks})", batch)
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def _sqlite_queries(span: reports.Span) -> dict[str, tuple[str, list[Any]]]:
    since = span.since.strftime("%Y-%m-%d %H:%M:%S.%f")
    until = span.until.strftime("%Y-%m-%d %H:%M:%S.%f")
    window = [since, until]
    return {
        "listening by day": (
            "SELECT date(time), count(*), sum(duration_played_s) / 3600.0 FROM listening_history "
            "WHERE time >= ? AND time < ? GROUP BY 1",
            window,
        ),
        "hour x weekday": (
            "SELECT strftime('%w', time), strftime('%H', time), count(*) FROM listening_history "
            "WHERE time >= ? AND time < ? GROUP BY 1, 2",
            window,
        ),
        "top artists": (
            "SELECT artist, count(*) AS plays, sum(duration_played_s) FROM listening_history "
            "WHERE time >= ? AND time < ? AND artist IS NOT NULL GROUP BY artist "
            "ORDER BY plays DESC LIMIT 10",
            window,
        ),
        "top tracks by hours": (
            "SELECT track_id, count(*), sum(duration_played_s) AS s FROM listening_history "
            "WHERE time >= ? AND time < ? GROUP BY track_id ORDER BY s DESC LIMIT 10",
            window,
        ),
        "played tempo and key": (
            "SELECT 'tempo', CAST(tempo_bpm / 10 AS INTEGER) * 10 AS b, count(*) "
            "FROM listening_history WHERE time >= ? AND time < ? AND tempo_bpm > 0 GROUP BY b "
            "UNION ALL SELECT 'key', key_note, count(*) FROM listening_history "
            "WHERE time >= ? AND time < ? AND key_note IS NOT NULL GROUP BY key_note",
            window * 2,
        ),
        "kept by week": (
            "SELECT strftime('%Y-%W', time) AS week, json_extract(event_data, '$.engine') AS e, "
            "json_extract(event_data, '$.flavor') AS f, "
            "sum(event_type = 'pattern_generated'), sum(event_type = 'pattern_kept'), "
            "sum(event_type IN ('pattern_discarded', 'pattern_regenerated')) "
            "FROM behavior_events WHERE time >= ? AND time < ? AND event_type IN "
            "('pattern_generated', 'pattern_kept', 'pattern_discarded', 'pattern_regenerated') "
            "GROUP BY week, e, f",
            window,
        ),
        "latency p50/p99": (
            "SELECT engine_name, generation_latency_ms FROM performance_metrics "
            "WHERE time >= ? AND time < ? AND engine_name <> 'audio_engine' "
            "AND generation_latency_ms IS NOT NULL ORDER BY engine_name, generation_latency_ms",
            window,
        ),
        "engine sessions": (
            "SELECT time, cpu_usage_percent, xrun_count, callback_p99_ms, buffer_size FROM "
            "performance_metrics WHERE time >= ? AND time < ? AND engine_name = 'audio_engine' "
            "ORDER BY time DESC LIMIT 500",
            window,
        ),
        "analysis confidence": (
            "SELECT min(CAST(confidence_score * 10 AS INTEGER), 9), count(*) FROM analysis_frames "
            "WHERE time >= ? AND time < ? AND analysis_type = 'track' GROUP BY 1",
            window,
        ),
        "usage (instruments, flavours ...)": (
            "SELECT value, count(*) FROM behavior_events, json_each(event_data, '$.instruments') "
            "WHERE time >= ? AND time < ? AND event_type = 'pattern_played' GROUP BY value "
            "UNION ALL SELECT json_extract(event_data, '$.flavor'), count(*) FROM behavior_events "
            "WHERE time >= ? AND time < ? AND event_type = 'pattern_played' GROUP BY 1",
            window * 2,
        ),
    }


def _duckdb_queries(store: EventStore, span: reports.Span) -> dict[str, Callable[[], object]]:
    return {
        "listening by day": lambda: reports.listening_by_day(store, span),
        "hour x weekday": lambda: reports.listening_heatmap(store, span),
        "top artists": lambda: reports.top_listened(store, span, "artist"),
        "top tracks by hours": lambda: reports.top_listened(store, span, "track_id", "hours"),
        "played tempo and key": lambda: reports.played_tempo_and_key(store, span),
        "kept by week": lambda: reports.generation_rates(store, span),
        "latency p50/p99": lambda: reports.generation_latency(store, span),
        "engine sessions": lambda: reports.engine_sessions(store, span),
        "analysis confidence": lambda: reports.analysis_confidence(store, span),
        "usage (instruments, flavours ...)": lambda: reports.usage(store, span),
    }


def _run_sqlite(connection: sqlite3.Connection, sql: str, params: list[Any]) -> object:
    return connection.execute(sql, params).fetchall()


def _median_ms(work: Callable[[], object]) -> float:
    work()  # warm
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def record_cost_us(calls: int = 100_000) -> tuple[float, float]:
    """Median and p99 µs a caller spends in record_action (the writer thread does the rest)."""
    store = EventStore.in_memory()
    writer = Recorder(lambda: store, uuid.uuid4())
    costs = []
    for n in range(calls):
        started = time.perf_counter_ns()
        writer.record_action("pattern_kept", engine="drums", flavor="Salsa", n=n)
        costs.append((time.perf_counter_ns() - started) / 1000)
    writer.close()
    costs.sort()
    return statistics.median(costs), costs[int(len(costs) * 0.99)]


def draw_ms(store: EventStore, span: reports.Span) -> float:
    """Median ms for the Analytics view to draw every chart from data already read."""
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from museaud.ui.analytics.dashboard import Dashboard  # noqa: PLC0415
    from museaud.ui.analytics.data import DashboardData  # noqa: PLC0415
    from museaud.ui.theme import LIGHT  # noqa: PLC0415

    application = QApplication.instance() or QApplication([])
    data = DashboardData(span)
    data.days = reports.listening_by_day(store, span)
    data.heatmap = reports.listening_heatmap(store, span)
    for kind in ("track_id", "artist", "genre"):
        for by in ("plays", "hours"):
            data.top[(kind, by)] = reports.top_listened(store, span, kind, by)
    data.played_tempo, data.played_keys = reports.played_tempo_and_key(store, span)
    data.rates = reports.generation_rates(store, span)
    data.latency = reports.generation_latency(store, span)
    data.usage = reports.usage(store, span)
    data.engine = reports.engine_sessions(store, span)
    data.confidence = reports.analysis_confidence(store, span)
    dashboard = Dashboard()
    dashboard.resize(1280, 2300)
    dashboard.apply_theme(LIGHT)
    dashboard.show()

    def draw() -> None:
        dashboard.show_data(data)
        dashboard.repaint()
        application.processEvents()

    return _median_ms(draw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    print(describe_machine())
    today = datetime.now(UTC).date()
    first = today - timedelta(days=364)
    print(f"making {args.events:,} events over a year ...", flush=True)
    events = sample_events(args.events, first_day=first, days=365, user_id=uuid.uuid4())
    with tempfile.TemporaryDirectory() as folder:
        duck_path, lite_path = Path(folder) / "a.duckdb", Path(folder) / "a.sqlite"
        duck_s = ingest_duckdb(duck_path, events)
        lite_s = ingest_sqlite(lite_path, events)
        n = len(events)
        print("\n| ingest (batches of 10,000) | events/s | seconds |")
        print("|---|---:|---:|")
        print(f"| DuckDB (museaud) | {n / duck_s:,.0f} | {duck_s:.1f} |")
        print(f"| SQLite (peer) | {n / lite_s:,.0f} | {lite_s:.1f} |")
        verdict = "ok" if n / duck_s >= GOAL_INGEST else "MISSED"
        print(f"goal ≥ {GOAL_INGEST:,.0f}/s: {verdict}; DuckDB/SQLite {lite_s / duck_s:.2f}×")
        span = reports.Span(first, today)
        lite = sqlite3.connect(lite_path)
        with EventStore.open(duck_path) as store:
            started = time.perf_counter()
            rolled = roll_up(store, today)
            first_roll = time.perf_counter() - started
            started = time.perf_counter()
            roll_up(store, today)
            idle_roll = (time.perf_counter() - started) * 1000
            print(
                f"\nroll-up of {rolled.days} days, {rolled.weeks} weeks, {rolled.months} months "
                f"(as the app does at start): {first_roll:.1f} s; with nothing new: "
                f"{idle_roll:.1f} ms"
            )
            print(f"\n| dashboard query, a year of {n:,} events | DuckDB ms | SQLite ms | ratio |")
            print("|---|---:|---:|---:|")
            worst = 0.0
            peers = _sqlite_queries(span)
            for name, work in _duckdb_queries(store, span).items():
                sql, params = peers[name]
                duck = _median_ms(work)
                peer = _median_ms(functools.partial(_run_sqlite, lite, sql, params))
                worst = max(worst, duck)
                print(f"| {name} | {duck:.1f} | {peer:.1f} | {peer / duck:.1f}× |")
            verdict = "ok" if worst < GOAL_QUERY_MS else "MISSED"
            print(f"goal < {GOAL_QUERY_MS:.0f} ms each: {verdict} (slowest {worst:.1f} ms)")
            draw = draw_ms(store, span)
        lite.close()
    median, p99 = record_cost_us()
    print("\n| caller cost | median µs | p99 µs |")
    print("|---|---:|---:|")
    print(f"| record_action (enqueue) | {median:.2f} | {p99:.2f} |")
    print(f"goal < {GOAL_RECORD_US:.0f} µs median: {'ok' if median < GOAL_RECORD_US else 'MISSED'}")
    print(
        f"\ndashboard draws all 12 charts: {draw:.0f} ms (median of {RUNS}); goal < "
        f"{GOAL_DRAW_MS:.0f} ms: {'ok' if draw < GOAL_DRAW_MS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
