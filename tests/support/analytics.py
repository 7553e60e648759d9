"""Months of made-up but plausible analytics events: plays, generations, engine sessions.

For roll-up and retention tests, the dashboard screenshots and benchmarks/analytics.py.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from museaud.analytics import (
    AnalysisFrame,
    BehaviorEvent,
    ListeningEvent,
    PerformanceMetric,
    RawEvent,
    UsageStat,
)

ENGINES = ("drums", "bass", "chords", "melody")
FLAVORS = ("Salsa", "Merengue", "Bachata", "Cumbia", "Son")
GENRES = ("salsa", "house", "techno", "hip hop", "jazz", "bachata", "cumbia", "funk")
INSTRUMENTS = ("clave", "cowbell", "conga", "bongo", "timbale", "guiro", "bass", "piano")
VIEWS = ("library", "playlists", "beat_machine", "songs", "analytics")
COMMANDS = ("gui", "import", "pattern generate", "play", "stats")


def sample_events(
    count: int, *, first_day: date, days: int, user_id: uuid.UUID, seed: int = 7
) -> list[RawEvent]:
    """count events spread over days days from first_day, oldest first; about two thirds are
    plays, evenings and weekends busier, the rest generations, verdicts, engine figures,
    analyses, views and commands."""
    rng = random.Random(seed)
    tracks = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(2000)]
    artists = [f"Artist {n:03d}" for n in range(150)]
    track_info = {
        track: (
            rng.choice(artists),
            rng.choice(GENRES),
            round(rng.gauss(118, 14), 1),
            rng.randrange(12),
        )
        for track in tracks
    }
    start = datetime.combine(first_day, time(), UTC)
    seconds = days * 86400
    moments = sorted(rng.random() * seconds for _ in range(count))
    events: list[RawEvent] = []
    for offset in moments:
        at = start + timedelta(seconds=offset)
        hour_weight = 1.0 if 17 <= at.hour <= 23 or at.weekday() >= 5 else 0.6
        roll = rng.random() * hour_weight
        if roll < 0.42:
            track = rng.choice(tracks[: 200 + int(rng.random() * 1800)])
            artist, genre, bpm, key = track_info[track]
            played = rng.uniform(5, 320)
            events.append(
                ListeningEvent(
                    time=at,
                    user_id=user_id,
                    track_id=track,
                    duration_played_s=played,
                    completed=played > 180,
                    skipped=played < 30,
                    artist=artist,
                    genre=genre,
                    tempo_bpm=bpm,
                    key_note=key,
                )
            )
            continue
        kind = rng.random()
        engine, flavor = rng.choice(ENGINES), rng.choice(FLAVORS)
        if kind < 0.15:
            events.append(
                PerformanceMetric(
                    time=at,
                    engine_name=engine,
                    generation_latency_ms=rng.lognormvariate(2.5, 0.5),
                    generation_confidence=rng.random(),
                    engine_parameters={"flavor": flavor},
                )
            )
        elif kind < 0.3:
            events.append(_action(at, user_id, "pattern_generated", engine, flavor, rng))
        elif kind < 0.5:
            verdict = rng.choice(("kept", "kept", "discarded", "regenerated"))
            events.append(_action(at, user_id, f"pattern_{verdict}", engine, flavor, rng))
        elif kind < 0.65:
            events.append(_action(at, user_id, "pattern_played", engine, flavor, rng))
        elif kind < 0.72:
            load = rng.uniform(0.05, 0.6)
            events.append(
                PerformanceMetric(
                    time=at,
                    engine_name="audio_engine",
                    callback_p99_ms=rng.uniform(0.3, 4.0),
                    xrun_count=rng.choice((0, 0, 0, 0, 1, 2)),
                    buffer_size=256,
                    sample_rate=48000,
                    cpu_usage_percent=100 * load,
                    engine_parameters={"device": "default", "load": load},
                )
            )
        elif kind < 0.8:
            events.append(
                AnalysisFrame(
                    time=at,
                    analysis_type="track",
                    track_id=rng.choice(tracks),
                    confidence_score=min(1.0, max(0.0, rng.gauss(0.75, 0.15))),
                    analysis_data={"tempo_bpm": round(rng.gauss(118, 14), 1)},
                )
            )
        elif kind < 0.9:
            events.append(
                BehaviorEvent(
                    time=at,
                    user_id=user_id,
                    event_type="view_shown",
                    event_data={"view": rng.choice(VIEWS)},
                )
            )
        else:
            events.append(
                UsageStat(
                    time=at,
                    command=rng.choice(COMMANDS),
                    user_id=user_id,
                    method="cli",
                    status_code=0,
                    response_time_ms=rng.uniform(50, 5000),
                )
            )
    return events


def _action(  # noqa: PLR0917 - a private helper of sample_events
    at: datetime, user_id: uuid.UUID, event_type: str, engine: str, flavor: str, rng: random.Random
) -> BehaviorEvent:
    return BehaviorEvent(
        time=at,
        user_id=user_id,
        event_type=event_type,
        event_data={
            "pattern_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "engine": engine,
            "flavor": flavor,
            "tempo_bpm": round(rng.uniform(90, 180)),
            "key_note": rng.randrange(12),
            "instruments": rng.sample(INSTRUMENTS, 3),
        },
        device_type="desktop",
    )
