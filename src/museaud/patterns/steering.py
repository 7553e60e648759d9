"""Feedback that steers: what the user keeps and rates high pulls later generations its way.

Each verdict on a pattern (a rating 1-5, an action: kept, modified, regenerated, discarded)
becomes a weight from -1 (rated 1 and discarded) to +1 (rated 5 and kept). The user's taste
profile for the pattern's engine keeps decayed running sums of liked and disliked patterns'
feature vectors and knob values, from which come:

- the taste vector: mean liked features minus mean disliked features, a direction in the
  feature space (museaud.patterns.features);
- knob targets: the complexity, density, swing and humanize of what was liked, pushed away
  from what was disliked;
- a confidence that grows with the evidence (1 - exp(-weight / 5)).

A steered generation makes several candidates from the request's seed, their knobs pulled
towards the targets (as far as the confidence allows) and spread a little, and keeps the one
whose features point most along the taste vector, weighed with its quality score.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.patterns.features import DIMENSIONS, FEATURE_VERSION, pattern_features
from museaud.patterns.generators.common import (
    SEED_MAX,
    STEERED_PARAMETERS,
    GenerationRequest,
    Taste,
)
from museaud.patterns.model import BeatPattern
from museaud.patterns.quality import assess
from museaud.patterns.service import load_pattern, rate_pattern
from museaud.store.base import OWNER_KEY
from museaud.store.models.patterns import (
    ENGINE_NAMES,
    FEEDBACK_ACTIONS,
    Feedback,
    Pattern,
    TasteProfile,
)

CANDIDATES = 8
"""Candidates a steered generation chooses from."""
PULL = 0.8
"""How far the knobs move towards the learnt targets at full confidence."""
SPREAD = 0.2
"""How widely the candidates' knobs scatter around the pulled values."""
SPREAD_KNOBS = ("complexity", "density")
"""The knobs that shape the notes, scattered; swing and humanize are only pulled."""
TASTE_WEIGHT = 0.7
"""At full confidence, the taste's share of a candidate's score (the rest is quality)."""
DECAY = 0.97
"""Older verdicts fade: the sums are multiplied by this at each new verdict."""
ACTION_WEIGHTS = {"kept": 1.0, "modified": 0.5, "regenerated": -0.5, "discarded": -1.0}
KNOB_LIMITS = {"complexity": 1.0, "density": 1.0, "swing": 0.75, "humanize": 1.0}


class FeedbackError(ValueError):
    """Feedback that says nothing or is out of range."""


def feedback_weight(rating: float | None, action: str | None) -> float:
    """How much a verdict likes the pattern, -1 to +1: the mean of the rating's (r - 3) / 2
    and the action's weight (kept 1, modified 0.5, regenerated -0.5, discarded -1)."""
    if rating is None and action is None:
        raise FeedbackError("feedback needs a rating (1-5) or an action")
    parts = []
    if rating is not None:
        if not 1 <= rating <= 5:
            raise FeedbackError(f"rating {rating:g} is outside 1-5")
        parts.append((rating - 3.0) / 2.0)
    if action is not None:
        if action not in FEEDBACK_ACTIONS:
            raise FeedbackError(f"action {action!r} is not one of {', '.join(FEEDBACK_ACTIONS)}")
        parts.append(ACTION_WEIGHTS[action])
    return sum(parts) / len(parts)


def _empty_side() -> dict[str, Any]:
    return {"weight": 0.0, "features": [0.0] * DIMENSIONS, "knobs": dict.fromkeys(KNOB_LIMITS, 0.0)}


def _profile(session: Session, engine: str | None) -> TasteProfile | None:
    owner = session.info.get(OWNER_KEY)
    if owner is None:
        return None
    query = select(TasteProfile).where(TasteProfile.owner_id == owner)
    if engine is None:
        query = query.where(TasteProfile.engine_name.is_(None))
    else:
        query = query.where(TasteProfile.engine_name == engine)
    return session.scalars(query).first()


def taste_of(profile: TasteProfile) -> Taste | None:
    """The taste a profile row holds, or None if it has learnt nothing usable."""
    context = profile.generation_context or {}
    if context.get("feature_version") != FEATURE_VERSION:
        return None
    liked = context.get("liked") or _empty_side()
    disliked = context.get("disliked") or _empty_side()
    liked_weight, disliked_weight = liked["weight"], disliked["weight"]
    if liked_weight <= 0 and disliked_weight <= 0:
        return None
    vector = np.zeros(DIMENSIONS, dtype=np.float64)
    if liked_weight > 0:
        vector += np.asarray(liked["features"]) / liked_weight
    if disliked_weight > 0:
        vector -= np.asarray(disliked["features"]) / disliked_weight
    targets = []
    for knob, limit in KNOB_LIMITS.items():
        liked_mean = liked["knobs"][knob] / liked_weight if liked_weight > 0 else None
        disliked_mean = disliked["knobs"][knob] / disliked_weight if disliked_weight > 0 else None
        if liked_mean is not None and disliked_mean is not None:
            target = liked_mean + 0.5 * (liked_mean - disliked_mean)
        elif liked_mean is not None:
            target = liked_mean
        else:
            assert disliked_mean is not None
            target = limit - disliked_mean  # away from what was disliked, mirrored
        targets.append((knob, max(0.0, min(limit, target))))
    norm = float(np.linalg.norm(vector))
    return Taste(
        vector=tuple(float(v) for v in vector / norm) if norm > 0 else None,
        targets=tuple(targets),
        confidence=float(profile.confidence_score or 0.0),
        samples=profile.learning_sample_count,
    )


def load_taste(session: Session, engine: str) -> Taste | None:
    """The session user's taste for an engine, or None if feedback taught nothing yet."""
    profile = _profile(session, engine)
    return taste_of(profile) if profile is not None else None


def _knobs(row: Pattern) -> dict[str, float]:
    parameters = dict(row.generation_parameters or {})
    effective = parameters.get("effective") or {}
    knobs = {}
    for knob, limit in KNOB_LIMITS.items():
        value = effective.get(knob, parameters.get(knob))
        knobs[knob] = float(value) if isinstance(value, (int, float)) else limit / 2
    return knobs


def record_feedback(
    session: Session,
    pattern_id: uuid.UUID,
    rating: float | None = None,
    action: str | None = None,
    *,
    comment: str | None = None,
) -> uuid.UUID:
    """Record a verdict on a pattern: a feedback row, the pattern's user rating (when rated),
    and the user's taste profile for its engine (or the all-engines one for hand-made
    patterns). Returns the feedback row's id."""
    weight = feedback_weight(rating, action)
    saved = load_pattern(session, pattern_id)
    row = session.get(Pattern, pattern_id)
    assert row is not None  # load_pattern raised otherwise
    if rating is not None:
        rate_pattern(session, pattern_id, rating)
    engine = row.engine_name or (row.kind if row.kind in ENGINE_NAMES else None)
    knobs = _knobs(row)
    feedback = Feedback(
        pattern_id=pattern_id,
        feedback_type="rating" if rating is not None else "behavioral",
        rating=rating,
        action=action,
        comment=comment,
        is_liked=weight > 0,
        is_saved=action == "kept",
        feedback_context={"weight": weight, "engine": engine, "knobs": knobs},
    )
    session.add(feedback)
    _learn(session, engine, saved.pattern, knobs, weight)
    session.flush()
    return feedback.id


def _learn(
    session: Session,
    engine: str | None,
    pattern: BeatPattern,
    knobs: dict[str, float],
    weight: float,
) -> None:
    profile = _profile(session, engine)
    if profile is None:
        profile = TasteProfile(engine_name=engine, learning_sample_count=0)
        session.add(profile)
    context = dict(profile.generation_context or {})
    if context.get("feature_version") != FEATURE_VERSION:
        context = {"feature_version": FEATURE_VERSION}
    features = pattern_features(pattern)
    for side_name in ("liked", "disliked"):
        side = context.get(side_name) or _empty_side()
        side = {
            "weight": side["weight"] * DECAY,
            "features": [v * DECAY for v in side["features"]],
            "knobs": {k: v * DECAY for k, v in side["knobs"].items()},
        }
        amount = weight if side_name == "liked" else -weight
        if amount > 0:
            side["weight"] += amount
            side["features"] = [
                v + amount * float(f) for v, f in zip(side["features"], features, strict=True)
            ]
            side["knobs"] = {k: v + amount * knobs[k] for k, v in side["knobs"].items()}
        context[side_name] = side
    evidence = context["liked"]["weight"] + context["disliked"]["weight"]
    profile.generation_context = context
    profile.learning_sample_count = (profile.learning_sample_count or 0) + 1
    profile.confidence_score = 1.0 - math.exp(-evidence / 5.0)
    profile.model_version = FEATURE_VERSION
    taste = taste_of(profile)
    if taste is not None:
        if taste.vector is not None:
            profile.style_preferences = np.asarray(taste.vector, dtype=np.float32).tobytes()
        profile.complexity_preferences = np.asarray(
            [value for _, value in taste.targets], dtype=np.float32
        ).tobytes()


def forget_taste(session: Session, engine: str | None) -> None:
    """Drop what was learnt for an engine (or for all engines with None)."""
    profile = _profile(session, engine)
    if profile is not None:
        session.delete(profile)


def candidate_seed(seed: int, index: int) -> int:
    """The seed of a steered generation's candidate: the request's own for the first."""
    if index == 0:
        return seed
    return random.Random(f"{seed}/candidate/{index}").randrange(SEED_MAX + 1)


def steered(
    request: GenerationRequest, make: Callable[[GenerationRequest], BeatPattern]
) -> BeatPattern:
    """The best of several candidates for a request with a taste (see the module docstring);
    the request alone when it has none. Same request and taste, same pattern."""
    taste = request.taste
    if taste is None or taste.confidence <= 0:
        return make(request)
    pull = PULL * taste.confidence
    taste_share = TASTE_WEIGHT * taste.confidence
    direction = np.asarray(taste.vector, dtype=np.float32) if taste.vector else None
    best: tuple[float, int, BeatPattern, dict[str, Any]] | None = None
    for index in range(CANDIDATES):
        jitter = random.Random(f"{request.seed}/steer/{index}")
        knobs: dict[str, float] = {}
        for knob in STEERED_PARAMETERS:
            current = float(getattr(request, knob))
            target = taste.target(knob)
            value = current if target is None else current + (target - current) * pull
            if index and knob in SPREAD_KNOBS:
                value += (jitter.random() - 0.5) * 2 * SPREAD
            knobs[knob] = round(max(0.0, min(KNOB_LIMITS[knob], value)), 4)
        seed = candidate_seed(request.seed, index)
        candidate = make(
            replace(
                request,
                taste=None,
                seed=seed,
                complexity=knobs["complexity"],
                density=knobs["density"],
                swing=knobs["swing"],
                humanize=knobs["humanize"],
            )
        )
        quality = assess(candidate).score
        closeness = 0.5
        if direction is not None:
            closeness = (1.0 + float(pattern_features(candidate) @ direction)) / 2.0
        score = (1.0 - taste_share) * quality + taste_share * closeness
        if best is None or score > best[0]:
            best = (score, index, candidate, {**knobs, "seed": seed, "closeness": closeness})
    assert best is not None
    _, index, chosen, effective = best
    metadata = dict(chosen.metadata)
    metadata.update(
        seed=request.seed,
        steering={
            "candidates": CANDIDATES,
            "chosen": index,
            "confidence": round(taste.confidence, 4),
            "samples": taste.samples,
            "effective": effective,
        },
    )
    return replace(chosen, metadata=metadata)
