"""Generation as a service: generate (steered by the user's taste), score, store with its
parameters and timing, index its feature vector; and find similar patterns. A
`GenerationSession` holds the result waiting for a verdict and turns what the user does with it
into feedback.

The CLI (`museaud pattern generate`, `pattern rate`, `pattern similar`) and the GUI's generate
panel call these.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from museaud.analytics import PerformanceMetric, recorder
from museaud.patterns.features import (
    nearest_patterns,
    remove_pattern_vector,
    store_pattern_vector,
    stored_vector,
)
from museaud.patterns.generators import GENERATOR_VERSION, GenerationRequest, generate
from museaud.patterns.generators.chords import Progression
from museaud.patterns.model import BeatPattern
from museaud.patterns.quality import QualityReport, assess
from museaud.patterns.service import (
    Generation,
    PatternNotFoundError,
    SavedPattern,
    load_pattern,
    save_pattern,
)
from museaud.patterns.steering import load_taste, record_feedback
from museaud.store.models.patterns import PATTERN_KINDS, Pattern


@dataclass(frozen=True)
class GeneratedPattern:
    """A generated and stored pattern: its id, content, how it was made and its quality."""

    id: uuid.UUID
    pattern: BeatPattern
    generation: Generation
    quality: QualityReport

    def summary(self) -> dict[str, Any]:
        """JSON-ready (what `museaud pattern generate --json` prints)."""
        p = self.pattern
        return {
            "id": str(self.id),
            "title": p.title,
            "engine": self.generation.engine_name,
            "style": p.flavor,
            "key_note": p.key_note,
            "scale": p.scale,
            "bpm": p.bpm,
            "bars": p.bars,
            "steps_per_beat": p.steps_per_beat,
            "seed": self.generation.seed,
            "parameters": self.generation.parameters,
            "algorithm": self.generation.algorithm,
            "algorithm_version": self.generation.algorithm_version,
            "generation_time_ms": round(self.generation.generation_time_ms, 3),
            "quality": self.quality.as_dict(),
            "progression": p.metadata.get("numerals"),
            "chord_names": p.metadata.get("chord_names"),
            "steering": p.metadata.get("steering"),
            "notes": sum(len(part.notes) for part in p.parts if part.enabled),
        }


def generate_and_store(
    session: Session,
    request: GenerationRequest,
    *,
    steer: bool = True,
    chords: Progression | BeatPattern | None = None,
) -> GeneratedPattern:
    """Generate a pattern (steered by the session user's taste for the engine unless steer is
    False or the request brings its own), store it as a generated pattern with its parameters,
    timing and quality, and index its feature vector."""
    if not steer:
        request = replace(request, taste=None)
    elif request.taste is None:
        taste = load_taste(session, request.engine)
        if taste is not None:
            request = replace(request, taste=taste)
    started = time.perf_counter()
    pattern = generate(request, chords=chords)
    elapsed_ms = (time.perf_counter() - started) * 1000.0
    report = assess(pattern)
    steering = pattern.metadata.get("steering") or {}
    effective = {
        knob: steering.get("effective", {}).get(knob, getattr(request, knob))
        for knob in ("complexity", "density", "swing", "humanize")
    }
    effective["seed"] = steering.get("effective", {}).get("seed", request.seed)
    pattern = replace(
        pattern,
        metadata={
            **pattern.metadata,
            "quality": report.as_dict(),
            "generation_time_ms": round(elapsed_ms, 3),
        },
    )
    generation = Generation(
        engine_name=request.engine,
        parameters={**request.parameters(), "effective": effective, "steered": bool(steering)},
        algorithm=str(pattern.metadata.get("algorithm", request.engine)),
        algorithm_version=GENERATOR_VERSION,
        seed=request.seed,
        generation_time_ms=elapsed_ms,
        quality_score=round(report.score, 4),
        complexity_score=float(effective["complexity"]),
    )
    pattern_id = save_pattern(session, pattern, origin="generated", generation=generation)
    _record_generated(pattern_id, pattern, generation)
    return GeneratedPattern(pattern_id, pattern, generation, report)


def _record_generated(pattern_id: uuid.UUID, pattern: BeatPattern, generation: Generation) -> None:
    """Analytics: the engine's latency and quality, and the generation the producer will judge."""
    recorder.record(
        PerformanceMetric(
            time=datetime.now(UTC),
            engine_name=generation.engine_name,
            algorithm_used=generation.algorithm,
            generation_latency_ms=generation.generation_time_ms,
            generation_confidence=min(max(generation.quality_score or 0.0, 0.0), 1.0),
            engine_parameters={"flavor": pattern.flavor, "pattern_id": str(pattern_id)},
        )
    )
    recorder.record_action(
        "pattern_generated",
        pattern_id=str(pattern_id),
        engine=generation.engine_name,
        flavor=pattern.flavor,
        tempo_bpm=pattern.bpm,
        key_note=pattern.key_note,
        latency_ms=round(generation.generation_time_ms, 3),
        quality=generation.quality_score,
    )


def record_verdict(session: Session, pattern_id: uuid.UUID, verdict: str) -> None:
    """Analytics: what the producer did with a pattern ('kept', 'discarded', 'forked' ...),
    as a 'pattern_<verdict>' event carrying its engine, flavour, tempo and key."""
    row = session.get(Pattern, pattern_id)
    if row is None:
        return
    recorder.record_action(
        f"pattern_{verdict}",
        pattern_id=str(pattern_id),
        engine=row.engine_name,
        flavor=row.flavor,
        tempo_bpm=row.bpm,
        key_note=row.key_note,
    )


class GenerationSession:
    """A sitting at the generator, with no UI: the last result waits for a verdict, and what the
    user does with it becomes feedback that steers later generations.

    - Generate again before any verdict: the waiting result did not convince ("regenerated").
    - A verdict (a rating and/or kept, discarded …) is recorded on the waiting result.
    - Saving the waiting result with edits counts as "modified", a mild vote for it.

    Each of these ends the wait. The methods write through the caller's session (one
    transaction) and change the waiting result only once their writes went through.
    """

    def __init__(self, waiting: uuid.UUID | None = None) -> None:
        self.waiting = waiting
        """The generated pattern with no verdict yet, if any."""

    def generate(
        self,
        session: Session,
        request: GenerationRequest,
        *,
        steer: bool = True,
        chords: Progression | BeatPattern | None = None,
    ) -> GeneratedPattern:
        """Generate and store a pattern (see generate_and_store); it now waits for a verdict,
        and the one waiting before is recorded as regenerated (unless it was deleted)."""
        if self.waiting is not None:
            with contextlib.suppress(PatternNotFoundError):
                record_feedback(session, self.waiting, action="regenerated")
                record_verdict(session, self.waiting, "regenerated")
        generated = generate_and_store(session, request, steer=steer, chords=chords)
        self.waiting = generated.id
        return generated

    def judge(
        self, session: Session, rating: float | None = None, action: str | None = None
    ) -> uuid.UUID | None:
        """Record the verdict on the waiting pattern and return its id; None when nothing waits.
        FeedbackError for a verdict that says nothing or is out of range."""
        pattern_id = self.waiting
        if pattern_id is None:
            return None
        record_feedback(session, pattern_id, rating=rating, action=action)
        record_verdict(session, pattern_id, action or "rated")
        self.waiting = None
        return pattern_id

    def saved(self, session: Session, pattern_id: uuid.UUID, *, edited: bool) -> bool:
        """A pattern was saved: True (and "modified" recorded) when it was the waiting one,
        saved with edits."""
        if pattern_id != self.waiting or not edited:
            return False
        record_feedback(session, pattern_id, action="modified")
        record_verdict(session, pattern_id, "modified")
        self.waiting = None
        return True

    def deleted(self, pattern_id: uuid.UUID) -> bool:
        """A pattern was deleted: True when it was the waiting one (nothing waits any more)."""
        if pattern_id != self.waiting:
            return False
        self.waiting = None
        return True


def index_pattern(session: Session, pattern_id: uuid.UUID) -> None:
    """Store (or refresh) the feature vector of a stored pattern, e.g. after saving, importing
    or editing one by hand; PatternNotFoundError if there is none with that id."""
    store_pattern_vector(session, pattern_id, load_pattern(session, pattern_id).pattern)


def similar_patterns(
    session: Session,
    pattern_id: uuid.UUID,
    *,
    k: int = 10,
    engine: str | None = None,
    include_self: bool = False,
) -> list[tuple[SavedPattern, float]]:
    """The k stored patterns that sound most like this one, nearest first, with their cosine
    distance (0 = the same shape); engine keeps one kind (drums, bass, chords, melody, or beat
    for beat-machine patterns). Patterns without a vector yet get one on the way."""
    if engine is not None and engine not in PATTERN_KINDS:
        raise ValueError(f"engine {engine!r} is not one of {', '.join(PATTERN_KINDS)}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    vector = stored_vector(session, pattern_id)
    if vector is None:
        index_pattern(session, pattern_id)
        vector = stored_vector(session, pattern_id)
        assert vector is not None
    found: list[tuple[SavedPattern, float]] = []
    for other_id, distance in nearest_patterns(session, vector, k=k + 1, kind=engine):
        if other_id == pattern_id and not include_self:
            continue
        try:
            found.append((load_pattern(session, other_id), distance))
        except PatternNotFoundError:
            remove_pattern_vector(session, other_id)  # the pattern went; its vector goes too
    return found[:k]
