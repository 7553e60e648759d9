"""What the Analytics view draws, read in a worker thread: plain rows, no Qt, no ORM objects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from museaud.analytics import reports
from museaud.analytics.reports import Span
from museaud.app import App

TopKind = Literal["track_id", "artist", "genre"]
KINDS: tuple[TopKind, ...] = ("track_id", "artist", "genre")
BY: tuple[reports.TopBy, ...] = ("plays", "hours")


@dataclass
class DashboardData:
    """Every figure of the dashboard for one span."""

    span: Span
    days: list[reports.DayListening] = field(default_factory=list)
    heatmap: list[list[int]] = field(default_factory=list)
    top: dict[tuple[TopKind, reports.TopBy], list[reports.Ranked]] = field(default_factory=dict)
    played_tempo: dict[int, int] = field(default_factory=dict)
    played_keys: dict[int, int] = field(default_factory=dict)
    rates: list[reports.GenerationRate] = field(default_factory=list)
    latency: list[reports.Latency] = field(default_factory=list)
    usage: reports.Usage = field(default_factory=reports.Usage)
    engine: list[reports.EngineSession] = field(default_factory=list)
    confidence: list[tuple[float, int]] = field(default_factory=list)
    library: reports.LibraryProfile | None = None
    problem: str | None = None
    """Why there is nothing to show (the analytics file is busy, newer, damaged), or None."""


def load_dashboard(app: App, span: Span) -> DashboardData:
    """Run every dashboard query for span (in a worker thread: it waits for DuckDB)."""
    from museaud.analytics import EventStoreError  # noqa: PLC0415
    from museaud.library.tracks import track_row  # noqa: PLC0415

    data = DashboardData(span)
    with app.session(read_only=True) as session:
        data.library = reports.library_profile(session)
    try:
        events = app.events
    except EventStoreError as error:
        data.problem = str(error)
        return data
    try:
        data.days = reports.listening_by_day(events, span)
        data.heatmap = reports.listening_heatmap(events, span)
        for kind in KINDS:
            for by in BY:
                data.top[(kind, by)] = reports.top_listened(events, span, kind, by)
        with app.session(read_only=True) as session:
            for by in BY:
                named = []
                for ranked in data.top[("track_id", by)]:
                    row = track_row(session, uuid.UUID(ranked.name))
                    name = ranked.name[-8:]
                    if row is not None:
                        name = row["title"] or Path(row["path"]).name
                    named.append(reports.Ranked(name, ranked.plays, ranked.hours))
                data.top[("track_id", by)] = named
        data.played_tempo, data.played_keys = reports.played_tempo_and_key(events, span)
        data.rates = reports.generation_rates(events, span)
        data.latency = reports.generation_latency(events, span)
        data.usage = reports.usage(events, span)
        data.engine = reports.engine_sessions(events, span)
        data.confidence = reports.analysis_confidence(events, span)
    except EventStoreError as error:  # the file went away while it was read (closing)
        data.problem = str(error)
        return data
    if app.recorder is not None and app.recorder.problem:
        data.problem = app.recorder.problem
    return data
