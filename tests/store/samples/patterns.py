"""Sample rows for museaud.store.models.patterns: one valid row per table."""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

from museaud.store.base import new_id
from museaud.store.models.patterns import (
    Embedding,
    Feedback,
    GenerationSession,
    LearningProgress,
    MusicalStyle,
    Pattern,
    PatternStyle,
    TasteProfile,
)

# a format-0 MIDI file, 480 ticks per beat, one track holding only end-of-track
MIDI_FILE = b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xe0MTrk\x00\x00\x00\x04\x00\xff\x2f\x00"


def float32_vector(values: list[float]) -> bytes:
    """A vector as little-endian float32 bytes, the layout sqlite-vec reads."""
    return struct.pack(f"<{len(values)}f", *values)


def rows(ctx: dict[str, Any]) -> list[Any]:
    owner = ctx["users"].id
    started = datetime(2024, 6, 1, 20, 0, tzinfo=UTC)

    session = GenerationSession(
        id=new_id(),
        owner_id=owner,
        project_id=None,  # projects come later in the insert order; a quick generation
        session_name="Friday salsa groove",
        session_type="drum_generation",
        input_track_id=ctx["tracks"].id,
        musical_context={"key": "C minor", "bpm": 180.0, "time_signature": "4/4"},
        active_engines=["drums", "bass"],
        engine_parameters={"drums": {"density": 0.7}, "bass": {"style": "tumbao"}},
        generation_goals=["tight groove", "2-3 clave feel"],
        current_step="completed",
        completion_percentage=100.0,
        session_state={"last_engine": "drums"},
        final_export_path="exports/friday-salsa-groove.mid",
        user_satisfaction_score=4.5,
        completed_at=started + timedelta(minutes=12),
    )
    pattern = Pattern(
        id=new_id(),
        owner_id=owner,
        title="Classic Salsa Beat",
        description="A traditional salsa rhythm with clave and cowbell",
        kind="beat",
        origin="generated",
        engine_name="drums",
        flavor="Salsa",
        style="salsa dura",
        bpm=180.0,
        key_note=0,
        scale="minor",
        time_signature="4/4",
        bars=2,
        steps_per_beat=4,
        clave="2-3",
        duration_ms=2667,
        configuration={
            "instruments": [
                {
                    "id": "clave",
                    "enabled": True,
                    "activeProgram": 0,
                    "volume": 1.0,
                    "pitchOffset": 0,
                },
                {
                    "id": "cowbell",
                    "enabled": True,
                    "activeProgram": 1,
                    "volume": 0.8,
                    "pitchOffset": 0,
                },
            ]
        },
        thumbnail_path="thumbnails/classic-salsa-beat.png",
        is_public=True,
        published_at=started + timedelta(hours=1),
        original_pattern_id=None,
        fork_count=3,
        play_count=120,
        like_count=14,
        comment_count=2,
        usage_count=5,
        generation_session_id=session.id,
        generation_parameters={"density": 0.7, "swing": 0.05},
        generation_algorithm="markov_clave_v2",
        algorithm_version="2.1",
        seed=20240601,
        generation_time_ms=85,
        complexity_score=0.6,
        quality_score=0.82,
        midi_data=MIDI_FILE,
        fingerprint=hashlib.sha256(MIDI_FILE).digest(),
        notation_path="notation/classic-salsa-beat.musicxml",
        rendered_track_id=ctx["tracks"].id,
        user_rating=4.0,
        user_feedback="Cowbell a touch loud in bar 2",
    )
    style = MusicalStyle(
        id=new_id(),
        owner_id=None,  # built in
        name="Salsa",
        parent_style_id=None,
        description="Afro-Cuban dance music built on the clave, from 1960s New York",
        cultural_origin="Cuba / Puerto Rico / New York",
        historical_period="1960s-present",
        typical_instruments=["clave", "cowbell", "congas", "timbales", "piano", "bass"],
        rhythmic_characteristics={"clave": ["2-3", "3-2"], "bpm_range": [150, 220]},
        harmonic_characteristics={"progressions": ["i-iv-V7", "ii-V-I"]},
        melodic_characteristics={"montuno": True},
    )
    pattern_style = PatternStyle(
        id=new_id(), owner_id=owner, pattern_id=pattern.id, style_id=style.id, confidence=0.93
    )
    feedback = Feedback(
        id=new_id(),
        owner_id=owner,
        pattern_id=pattern.id,
        lyrics_id=None,  # lyrics come later in the insert order
        session_id=session.id,
        feedback_type="detailed_review",
        rating=4.5,
        creativity_rating=4.0,
        relevance_rating=5.0,
        quality_rating=4.0,
        musical_accuracy=4.5,
        style_appropriateness=5.0,
        technical_quality=4.0,
        comment="Great clave feel, cowbell could be softer",
        tags=["groovy", "authentic"],
        is_liked=True,
        is_saved=True,
        is_shared=False,
        action="modified",
        modification_details={"cowbell_volume": [1.0, 0.8]},
        feedback_context={"goal": "dance floor groove"},
        voice_command="make the cowbell softer",
    )
    taste = TasteProfile(
        id=new_id(),
        owner_id=owner,
        engine_name="drums",
        style_preferences=float32_vector([0.1] * 256),
        complexity_preferences=float32_vector([0.5] * 128),
        cultural_preferences=float32_vector([0.2] * 128),
        instrument_preferences=float32_vector([0.3] * 128),
        confidence_score=0.7,
        learning_sample_count=42,
        model_version="1.0",
        generation_context={"from_feedback": 42},
    )
    progress = LearningProgress(
        id=new_id(),
        owner_id=owner,
        skill_area="rhythm",
        current_level="intermediate",
        previous_level="beginner",
        accuracy_score=0.8,
        consistency_score=0.7,
        creativity_score=0.65,
        learning_session_count=12,
        total_practice_time_minutes=340,
        successful_generations=27,
        assessed_at=started,
        previous_assessment_at=started - timedelta(days=30),
    )
    embedding = Embedding(
        id=new_id(),
        owner_id=owner,
        entity_type="pattern",
        entity_id=pattern.id,
        embedding_type="musical_features",
        vector_table="vec_pattern_features",
        dimensions=512,
        embedding_model="museaud-pattern-features",
        model_version="1.0",
        confidence_score=0.9,
        generation_context={"bars": 2},
    )
    ctx["generation_sessions"] = session
    ctx["patterns"] = pattern
    ctx["musical_styles"] = style
    ctx["pattern_styles"] = pattern_style
    ctx["feedback"] = feedback
    ctx["taste_profiles"] = taste
    ctx["learning_progress"] = progress
    ctx["embeddings"] = embedding
    return [session, pattern, style, pattern_style, feedback, taste, progress, embedding]
