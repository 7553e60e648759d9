"""Patterns and the generation around them: beat-machine patterns, generated parts, styles,
feedback, taste profiles, learning progress and the registry of stored vectors.

SalsaNor's user-made beat patterns and MuseAroo's generated patterns are one `patterns` table:
a generated bass line and a hand-made salsa groove are both patterns a musician plays, forks,
rates and drops into a project. Vectors (pattern features, style features, taste) live in
sqlite-vec tables; the `embeddings` table records which vector belongs to which row.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museaud.store.base import (
    Base,
    OptionallyOwned,
    Owned,
    check_choice,
    check_not_negative,
    check_range,
    utcnow,
)
from museaud.store.models.accounts import SKILL_LEVELS

if TYPE_CHECKING:
    from museaud.store.models.library import Track
    from museaud.store.models.songs import Lyrics, Project

PATTERN_KINDS = ("beat", "drums", "bass", "chords", "melody", "arrangement", "mix")
PATTERN_ORIGINS = ("user", "generated", "imported", "fork")
ENGINE_NAMES = ("drums", "bass", "chords", "melody")
SCALES = (
    "major",
    "minor",
    "harmonic_minor",
    "melodic_minor",
    "dorian",
    "phrygian",
    "lydian",
    "mixolydian",
    "locrian",
    "major_pentatonic",
    "minor_pentatonic",
    "blues",
    "chromatic",
)
CLAVES = ("2-3", "3-2")
SESSION_TYPES = ("drum_generation", "full_arrangement", "style_exploration", "collaboration")
GENERATION_STEPS = (
    "analysis",
    "generation",
    "refinement",
    "arrangement",
    "mixing",
    "export",
    "completed",
)
FEEDBACK_TYPES = ("rating", "detailed_review", "quick_thumbs", "voice_feedback", "behavioral")
FEEDBACK_ACTIONS = ("kept", "regenerated", "modified", "discarded")
SKILL_AREAS = ("rhythm", "harmony", "melody", "arrangement")
EMBEDDING_ENTITY_TYPES = ("track", "pattern", "style", "lyrics", "document", "user_taste")

BEAT_BPM_MIN = 80
BEAT_BPM_MAX = 250
"""The beat machine's tempo range (SalsaNor); other patterns may use 20-400 bpm."""


class GenerationSession(Owned, Base):
    """One run of the generators: context, active engines, progress and result
    (MuseAroo generation_sessions).

    A quick generation needs no project, so project_id is optional; the input audio is a track.
    The seed's generated_content_urls are the patterns that point back here.
    """

    __tablename__ = "generation_sessions"
    __table_args__ = (
        check_choice("session_type", SESSION_TYPES),
        check_choice("current_step", GENERATION_STEPS),
        check_range("completion_percentage", 0, 100),
        check_range("user_satisfaction_score", 1, 5),
        Index("ix_generation_sessions_project_created", "project_id", "created_at"),
        Index("ix_generation_sessions_owner_created", "owner_id", "created_at"),
    )

    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE")
    )
    session_name: Mapped[str | None] = mapped_column(String(200))
    session_type: Mapped[str] = mapped_column(String(30), index=True)
    input_track_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL"), index=True
    )
    musical_context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active_engines: Mapped[list[str]] = mapped_column(default=list)
    engine_parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    generation_goals: Mapped[list[str]] = mapped_column(default=list)
    current_step: Mapped[str] = mapped_column(String(20), default="analysis")
    completion_percentage: Mapped[float] = mapped_column(default=0.0)
    session_state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    final_export_path: Mapped[str | None] = mapped_column(String(500))
    user_satisfaction_score: Mapped[float | None]
    completed_at: Mapped[datetime | None]

    project: Mapped[Project | None] = relationship()
    input_track: Mapped[Track | None] = relationship()


class Pattern(Owned, Base):
    """A playable pattern: a beat-machine groove made by hand or a part made by a generator.

    Merges SalsaNor patterns (flavour, bpm 80-250, key note, instrument configuration, forks,
    publishing) with MuseAroo generated_patterns (engine, generation parameters and timing,
    scores, MIDI data, fingerprint). The 512-dim pattern features live in sqlite-vec.
    """

    __tablename__ = "patterns"
    __table_args__ = (
        check_choice("kind", PATTERN_KINDS),
        check_choice("origin", PATTERN_ORIGINS),
        check_choice("engine_name", ENGINE_NAMES, nullable=True),
        check_choice("scale", SCALES, nullable=True),
        check_choice("clave", CLAVES, nullable=True),
        check_range("bpm", 20, 400),
        CheckConstraint(
            f"kind <> 'beat' OR (bpm >= {BEAT_BPM_MIN} AND bpm <= {BEAT_BPM_MAX})",
            name="beat_bpm_range",
        ),
        CheckConstraint(
            "kind <> 'beat' OR (flavor IS NOT NULL AND key_note IS NOT NULL)",
            name="beat_flavor_key_required",
        ),
        check_range("key_note", 0, 11),
        CheckConstraint("time_signature LIKE '_%/_%'", name="time_signature_format"),
        CheckConstraint("bars >= 1", name="bars_positive"),
        CheckConstraint("steps_per_beat >= 1", name="steps_per_beat_positive"),
        CheckConstraint("length(title) >= 1", name="title_not_empty"),
        check_not_negative("fork_count"),
        check_not_negative("play_count"),
        check_not_negative("like_count"),
        check_not_negative("comment_count"),
        check_not_negative("usage_count"),
        CheckConstraint(
            "generation_time_ms IS NULL OR generation_time_ms >= 0",
            name="generation_time_ms_not_negative",
        ),
        CheckConstraint("duration_ms IS NULL OR duration_ms >= 0", name="duration_ms_not_negative"),
        check_range("complexity_score", 0, 1),
        check_range("quality_score", 0, 1),
        check_range("user_rating", 1, 5),
        Index("ix_patterns_engine_kind", "engine_name", "kind"),
        Index("ix_patterns_key_bpm", "key_note", "bpm"),
        Index("ix_patterns_quality", "quality_score", "user_rating"),
    )

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="beat")
    origin: Mapped[str] = mapped_column(String(20), default="user")
    engine_name: Mapped[str | None] = mapped_column(String(50))
    # musical characteristics
    flavor: Mapped[str | None] = mapped_column(String(40), index=True)
    style: Mapped[str | None] = mapped_column(String(100))
    bpm: Mapped[float] = mapped_column(default=120.0)
    key_note: Mapped[int | None]
    scale: Mapped[str | None] = mapped_column(String(30))
    time_signature: Mapped[str] = mapped_column(String(10), default="4/4")
    bars: Mapped[int] = mapped_column(default=1)
    steps_per_beat: Mapped[int] = mapped_column(default=4)
    clave: Mapped[str | None] = mapped_column(String(5))
    duration_ms: Mapped[int | None]
    # beat machine (SalsaNor): instruments with enabled/activeProgram/volume/pitchOffset
    configuration: Mapped[dict[str, Any]] = mapped_column(default=dict)
    thumbnail_path: Mapped[str | None] = mapped_column(String(500))
    is_public: Mapped[bool] = mapped_column(default=False, index=True)
    published_at: Mapped[datetime | None]
    original_pattern_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patterns.id", ondelete="SET NULL"), index=True
    )
    # Cached counters, not computed here: fork/like/comment/play counts are social counters
    # summed over every user by the server and synced down; usage_count counts the times the
    # pattern was dropped into a project or arrangement, kept for "most used" sorting.
    fork_count: Mapped[int] = mapped_column(default=0)
    play_count: Mapped[int] = mapped_column(default=0, index=True)
    like_count: Mapped[int] = mapped_column(default=0, index=True)
    comment_count: Mapped[int] = mapped_column(default=0)
    usage_count: Mapped[int] = mapped_column(default=0)
    # generation (MuseAroo generated_patterns)
    generation_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("generation_sessions.id", ondelete="SET NULL"), index=True
    )
    generation_parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    generation_algorithm: Mapped[str | None] = mapped_column(String(100))
    algorithm_version: Mapped[str | None] = mapped_column(String(20))
    seed: Mapped[int | None] = mapped_column(BigInteger)
    generation_time_ms: Mapped[int | None]
    complexity_score: Mapped[float | None]
    quality_score: Mapped[float | None]
    midi_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary)
    notation_path: Mapped[str | None] = mapped_column(String(500))
    rendered_track_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL"), index=True
    )
    # the owner's own verdict; other people's go to feedback
    user_rating: Mapped[float | None]
    user_feedback: Mapped[str | None] = mapped_column(Text)

    original_pattern: Mapped[Pattern | None] = relationship(remote_side="Pattern.id")
    generation_session: Mapped[GenerationSession | None] = relationship()
    rendered_track: Mapped[Track | None] = relationship()


class MusicalStyle(OptionallyOwned, Base):
    """A musical style with its cultural and musical traits, built in or user-made, in a tree
    of parent styles (MuseAroo musical_styles). The 256-dim style features live in sqlite-vec.
    """

    __tablename__ = "musical_styles"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    parent_style_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("musical_styles.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    cultural_origin: Mapped[str | None] = mapped_column(String(100))
    historical_period: Mapped[str | None] = mapped_column(String(100))
    typical_instruments: Mapped[list[str]] = mapped_column(default=list)
    rhythmic_characteristics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    harmonic_characteristics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    melodic_characteristics: Mapped[dict[str, Any]] = mapped_column(default=dict)

    parent_style: Mapped[MusicalStyle | None] = relationship(remote_side="MusicalStyle.id")


class PatternStyle(Owned, Base):
    """How strongly a pattern matches a style (MuseAroo pattern_styles)."""

    __tablename__ = "pattern_styles"
    __table_args__ = (
        UniqueConstraint("pattern_id", "style_id"),
        check_range("confidence", 0, 1),
    )

    pattern_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patterns.id", ondelete="CASCADE"))
    style_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("musical_styles.id", ondelete="CASCADE"), index=True
    )
    confidence: Mapped[float]

    pattern: Mapped[Pattern] = relationship()
    style: Mapped[MusicalStyle] = relationship()


class Feedback(Owned, Base):
    """A user's verdict on a pattern, a generation session or lyrics: ratings, tags, what they
    did with the result.

    Merges MuseAroo user_feedback (patterns and sessions) and Lyrica user_feedback (lyrics, one
    per user per lyrics). MuseAroo's creative_inspiration is creativity_rating, feedback_text is
    comment, user_action is action.
    """

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(
            "pattern_id IS NOT NULL OR lyrics_id IS NOT NULL OR session_id IS NOT NULL",
            name="has_target",
        ),
        check_choice("feedback_type", FEEDBACK_TYPES),
        check_choice("action", FEEDBACK_ACTIONS, nullable=True),
        check_range("rating", 1, 5),
        check_range("creativity_rating", 1, 5),
        check_range("relevance_rating", 1, 5),
        check_range("quality_rating", 1, 5),
        check_range("musical_accuracy", 1, 5),
        check_range("style_appropriateness", 1, 5),
        check_range("technical_quality", 1, 5),
        # Lyrica: one feedback per user per lyrics (rows without lyrics_id never collide)
        UniqueConstraint("owner_id", "lyrics_id"),
        Index("ix_feedback_owner_created", "owner_id", "created_at"),
    )

    pattern_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patterns.id", ondelete="CASCADE"), index=True
    )
    lyrics_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lyrics.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("generation_sessions.id", ondelete="CASCADE"), index=True
    )
    feedback_type: Mapped[str] = mapped_column(String(20), default="rating")
    rating: Mapped[float | None] = mapped_column(index=True)
    creativity_rating: Mapped[float | None]
    relevance_rating: Mapped[float | None]
    quality_rating: Mapped[float | None]
    musical_accuracy: Mapped[float | None]
    style_appropriateness: Mapped[float | None]
    technical_quality: Mapped[float | None]
    comment: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    is_liked: Mapped[bool] = mapped_column(default=False)
    is_saved: Mapped[bool] = mapped_column(default=False)
    is_shared: Mapped[bool] = mapped_column(default=False)
    action: Mapped[str | None] = mapped_column(String(20))
    modification_details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    feedback_context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    voice_command: Mapped[str | None] = mapped_column(Text)

    pattern: Mapped[Pattern | None] = relationship()
    lyrics: Mapped[Lyrics | None] = relationship()
    generation_session: Mapped[GenerationSession | None] = relationship()


class TasteProfile(Owned, Base):
    """What a user likes, learnt from feedback, that steers later generations
    (MuseAroo user_preference_embeddings).

    One profile per engine, plus one for all engines (engine_name NULL). The preferences are
    float32 vectors stored as bytes: style 256 dims, complexity, culture and instruments 128.
    """

    __tablename__ = "taste_profiles"
    __table_args__ = (
        check_choice("engine_name", ENGINE_NAMES, nullable=True),
        check_range("confidence_score", 0, 1),
        check_not_negative("learning_sample_count"),
        UniqueConstraint("owner_id", "engine_name"),
        # the unique constraint lets NULLs repeat: at most one all-engines profile per user
        Index(
            "uq_taste_profiles_owner_all_engines",
            "owner_id",
            unique=True,
            sqlite_where=text("engine_name IS NULL"),
            postgresql_where=text("engine_name IS NULL"),
        ),
    )

    engine_name: Mapped[str | None] = mapped_column(String(50))
    style_preferences: Mapped[bytes | None] = mapped_column(LargeBinary)
    complexity_preferences: Mapped[bytes | None] = mapped_column(LargeBinary)
    cultural_preferences: Mapped[bytes | None] = mapped_column(LargeBinary)
    instrument_preferences: Mapped[bytes | None] = mapped_column(LargeBinary)
    confidence_score: Mapped[float | None]
    learning_sample_count: Mapped[int] = mapped_column(default=0)
    model_version: Mapped[str | None] = mapped_column(String(20))
    generation_context: Mapped[dict[str, Any]] = mapped_column(default=dict)


class LearningProgress(Owned, Base):
    """One assessment of a user's skill in an area (MuseAroo user_learning_progression)."""

    __tablename__ = "learning_progress"
    __table_args__ = (
        check_choice("skill_area", SKILL_AREAS),
        check_choice("current_level", SKILL_LEVELS),
        check_choice("previous_level", SKILL_LEVELS, nullable=True),
        check_range("accuracy_score", 0, 1),
        check_range("consistency_score", 0, 1),
        check_range("creativity_score", 0, 1),
        check_not_negative("learning_session_count"),
        check_not_negative("total_practice_time_minutes"),
        check_not_negative("successful_generations"),
        Index("ix_learning_progress_owner_skill", "owner_id", "skill_area", "assessed_at"),
    )

    skill_area: Mapped[str] = mapped_column(String(20))
    current_level: Mapped[str] = mapped_column(String(20), default="beginner")
    previous_level: Mapped[str | None] = mapped_column(String(20))
    accuracy_score: Mapped[float | None]
    consistency_score: Mapped[float | None]
    creativity_score: Mapped[float | None]
    learning_session_count: Mapped[int] = mapped_column(default=0)
    total_practice_time_minutes: Mapped[int] = mapped_column(default=0)
    successful_generations: Mapped[int] = mapped_column(default=0)
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
    previous_assessment_at: Mapped[datetime | None]


class Embedding(OptionallyOwned, Base):
    """Which vector, in which sqlite-vec table, describes which row (MuseAroo ai_embeddings).

    entity_id points at a row of the table entity_type names (no foreign key: it is
    polymorphic), so services delete the vector and this row with the entity. Built-in
    styles' vectors have no owner.
    """

    __tablename__ = "embeddings"
    __table_args__ = (
        check_choice("entity_type", EMBEDDING_ENTITY_TYPES),
        CheckConstraint("dimensions > 0", name="dimensions_positive"),
        check_range("confidence_score", 0, 1),
        # its index also serves lookups by (entity_type, entity_id)
        UniqueConstraint("entity_type", "entity_id", "embedding_type"),
    )

    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[uuid.UUID]
    embedding_type: Mapped[str] = mapped_column(String(50))
    vector_table: Mapped[str] = mapped_column(String(100))
    dimensions: Mapped[int]
    embedding_model: Mapped[str] = mapped_column(String(100))
    model_version: Mapped[str] = mapped_column(String(20))
    confidence_score: Mapped[float | None]
    generation_context: Mapped[dict[str, Any]] = mapped_column(default=dict)
