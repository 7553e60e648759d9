"""Projects, songs and lyrics: the writing side of museaud.

A project (MuseAroo) holds songs; a song (Lyrica) has lyrics with sections, a voice, a mixer of
channels fed by library tracks or beat-machine patterns, and bounced files that are library tracks.
Long jobs that make a song or lyrics (mixdown, render, lyric assist) are logged with their steps,
and lyrics are chunked into documents for semantic search (vectors live in sqlite-vec, keyed by
`documents.vector_key`; full-text search over names and lyrics is FTS5, set up elsewhere).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
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

if TYPE_CHECKING:
    from museaud.store.models.library import Track
    from museaud.store.models.patterns import Pattern

SCALES = ("major", "minor")
PROJECT_STATUSES = ("active", "archived", "shared", "deleted")
PROJECT_STAGES = ("idea", "writing", "arranging", "mixing", "done")
COLLABORATOR_PERMISSIONS = ("view", "edit", "admin")
LYRICS_STATUSES = ("draft", "completed", "published", "archived")
SECTION_TYPES = (
    "intro",
    "verse",
    "pre-chorus",
    "chorus",
    "post-chorus",
    "bridge",
    "hook",
    "outro",
)
VOICE_GENDERS = ("male", "female", "neutral", "other")
VOICE_AGE_RANGES = ("child", "teen", "young_adult", "adult", "senior")
SONG_GENERATION_STATUSES = (
    "draft",
    "pending",
    "generating_vocals",
    "generating_music",
    "mixing",
    "mastering",
    "completed",
    "failed",
)
SONG_TRACK_TYPES = (
    "vocal",
    "instrumental",
    "drums",
    "bass",
    "guitar",
    "keys",
    "strings",
    "effects",
    "ambient",
    "percussion",
)
JOB_TYPES = (
    "lyrics",
    "full_song",
    "vocals_only",
    "music_only",
    "remix",
    "regenerate",
    "mixdown",
    "render",
)
JOB_STATUSES = (
    "pending",
    "processing",
    "lyrics_ready",
    "generating_vocals",
    "generating_music",
    "mixing",
    "mastering",
    "completed",
    "failed",
    "cancelled",
)
STEP_STATUSES = ("success", "failed", "skipped")


class Project(Owned, Base):
    """A top-level creative container holding songs (MuseAroo projects).

    The seed's collaborators UUID[] became project_collaborators; its original_audio_url points
    to a library track; musical_key became key_note + scale.
    """

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("length(name) >= 1", name="name_not_empty"),
        check_range("key_note", 0, 11),
        check_choice("scale", SCALES, nullable=True),
        check_range("tempo_bpm", 1, 999.99),
        check_choice("status", PROJECT_STATUSES),
        check_choice("stage", PROJECT_STAGES),
        Index("ix_projects_owner_updated", "owner_id", "updated_at"),
    )

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    image_path: Mapped[str | None] = mapped_column(String(500))
    # musical context
    original_track_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL"), index=True
    )
    original_audio_analysis: Mapped[dict[str, Any] | None]
    key_note: Mapped[int | None]
    scale: Mapped[str | None] = mapped_column(String(10))
    tempo_bpm: Mapped[float | None]
    time_signature: Mapped[str | None] = mapped_column(String(10))
    style_tags: Mapped[list[str]] = mapped_column(default=list)
    # sharing
    is_public: Mapped[bool] = mapped_column(default=False)
    collaboration_settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # organisation
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    # where the writing stands (status above is the project's life: active, archived, deleted)
    stage: Mapped[str] = mapped_column(String(20), default="idea")
    notes: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None]  # when it went to the trash
    folder_path: Mapped[str | None] = mapped_column(String(500))
    last_accessed_at: Mapped[datetime | None] = mapped_column(default=utcnow)

    original_track: Mapped[Track | None] = relationship()
    collaborators: Mapped[list[ProjectCollaborator]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    # a song may leave its project without being deleted, so no delete-orphan here
    songs: Mapped[list[Song]] = relationship(
        back_populates="project", cascade="all", passive_deletes=True
    )
    patterns: Mapped[list[ProjectPattern]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )


class ProjectPattern(Owned, Base):
    """A beat-machine pattern kept in a project (made for it, or brought in)."""

    __tablename__ = "project_patterns"
    __table_args__ = (UniqueConstraint("project_id", "pattern_id"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    pattern_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patterns.id", ondelete="CASCADE"), index=True
    )

    project: Mapped[Project] = relationship(back_populates="patterns")
    pattern: Mapped[Pattern] = relationship()


class ProjectCollaborator(Owned, Base):
    """A user a project is shared with, and what they may do (MuseAroo projects.collaborators).

    owner_id is the project's owner, who granted access; user_id is the collaborator.
    """

    __tablename__ = "project_collaborators"
    __table_args__ = (
        check_choice("permission", COLLABORATOR_PERMISSIONS),
        UniqueConstraint("project_id", "user_id"),
    )

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    permission: Mapped[str] = mapped_column(String(10), default="view")

    project: Mapped[Project] = relationship(back_populates="collaborators")


class Lyrics(Owned, Base):
    """A lyric sheet: full text, structure, metadata and rhyme/quality scores (Lyrica lyrics)."""

    __tablename__ = "lyrics"
    __table_args__ = (
        check_range("quality_score", 0, 1),
        check_range("rhyme_score", 0, 1),
        check_range("creativity_score", 0, 1),
        check_range("coherence_score", 0, 1),
        check_not_negative("generation_time_s"),
        check_choice("status", LYRICS_STATUSES),
        check_not_negative("view_count"),
        check_not_negative("like_count"),
    )

    title: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    structure: Mapped[dict[str, Any]] = mapped_column(default=dict)
    genre: Mapped[str | None] = mapped_column(String(100), index=True)
    mood: Mapped[str | None] = mapped_column(String(100), index=True)
    theme: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(10), default="en")
    # how it was written (by hand, or with the lyric assistant)
    prompt: Mapped[str | None] = mapped_column(Text)
    generation_params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model_used: Mapped[str | None] = mapped_column(String(100))
    generation_time_s: Mapped[float | None]
    # scores 0-1
    quality_score: Mapped[float | None]
    rhyme_score: Mapped[float | None]
    creativity_score: Mapped[float | None]
    coherence_score: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    is_public: Mapped[bool] = mapped_column(default=False, index=True)
    # cached social counters, synced from the server (views and likes happen there)
    view_count: Mapped[int] = mapped_column(default=0)
    like_count: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None]
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )

    project: Mapped[Project | None] = relationship()
    sections: Mapped[list[LyricsSection]] = relationship(
        back_populates="lyrics",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="LyricsSection.section_order",
    )


class LyricsSection(Owned, Base):
    """One section of a lyric sheet in order: verse, chorus, bridge... (Lyrica lyrics_sections)."""

    __tablename__ = "lyrics_sections"
    __table_args__ = (
        check_choice("section_type", SECTION_TYPES),
        CheckConstraint("section_order >= 0", name="section_order_not_negative"),
        UniqueConstraint("lyrics_id", "section_order"),
        check_not_negative("line_count"),
        check_not_negative("syllable_count"),
        check_not_negative("generation_attempts"),
        check_not_negative("refinement_count"),
    )

    lyrics_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lyrics.id", ondelete="CASCADE"))
    section_type: Mapped[str] = mapped_column(String(20))
    section_order: Mapped[int]
    content: Mapped[str] = mapped_column(Text)
    rhyme_scheme: Mapped[str | None] = mapped_column(String(50))
    line_count: Mapped[int | None]
    syllable_count: Mapped[int | None]
    generation_attempts: Mapped[int] = mapped_column(default=1)
    refinement_count: Mapped[int] = mapped_column(default=0)

    lyrics: Mapped[Lyrics] = relationship(back_populates="sections")


class VoiceProfile(OptionallyOwned, Base):
    """A singing voice for songs: built in (no owner) or the user's own (Lyrica voice_profiles)."""

    __tablename__ = "voice_profiles"
    __table_args__ = (
        check_choice("gender", VOICE_GENDERS, nullable=True),
        check_choice("age_range", VOICE_AGE_RANGES, nullable=True),
        CheckConstraint("base_pitch_hz IS NULL OR base_pitch_hz > 0", name="base_pitch_positive"),
        check_not_negative("usage_count"),
        check_range("average_rating", 1, 5),
        check_not_negative("rating_count"),
    )

    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    voice_model: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(20))
    age_range: Mapped[str | None] = mapped_column(String(20))
    accent: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(10), default="en", index=True)
    # technical parameters
    base_pitch_hz: Mapped[float | None]
    pitch_range: Mapped[dict[str, Any] | None]
    timbre_profile: Mapped[dict[str, Any] | None]
    model_parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sample_track_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL")
    )
    is_available: Mapped[bool] = mapped_column(default=True, index=True)
    is_premium: Mapped[bool] = mapped_column(default=False, index=True)
    # cached counters, synced from the server (usage and ratings are counted there)
    usage_count: Mapped[int] = mapped_column(default=0)
    average_rating: Mapped[float | None] = mapped_column(index=True)
    rating_count: Mapped[int] = mapped_column(default=0)

    sample_track: Mapped[Track | None] = relationship()


class Song(Owned, Base):
    """A song: metadata, lyrics, voice, mixer settings and its bounced files (Lyrica songs).

    The seed's audio_files references point to library tracks (final mix, vocal and
    instrumental stems). Songs are made by hand here, so a new song is a 'draft'.
    """

    __tablename__ = "songs"
    __table_args__ = (
        check_range("bpm", 40, 220),
        check_range("key_note", 0, 11),
        check_choice("scale", SCALES, nullable=True),
        check_not_negative("duration_s"),
        check_range("vocal_pitch_shift", -12, 12),
        check_range("master_volume", 0, 2),
        check_range("audio_quality_score", 0, 1),
        check_range("mixing_quality_score", 0, 1),
        check_range("overall_rating", 1, 5),
        check_not_negative("play_count"),
        check_not_negative("download_count"),
        check_not_negative("share_count"),
        check_not_negative("like_count"),
        check_choice("generation_status", SONG_GENERATION_STATUSES),
        check_range("length_bars", 1, 999),
    )

    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    lyrics_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lyrics.id", ondelete="SET NULL"), index=True
    )
    # metadata
    title: Mapped[str] = mapped_column(String(255))
    artist_name: Mapped[str | None] = mapped_column(String(255))
    genre: Mapped[str | None] = mapped_column(String(100), index=True)
    mood: Mapped[str | None] = mapped_column(String(100))
    bpm: Mapped[int | None]
    key_note: Mapped[int | None]
    scale: Mapped[str | None] = mapped_column(String(10))
    time_signature: Mapped[str | None] = mapped_column(String(10))
    duration_s: Mapped[float | None]
    length_bars: Mapped[int] = mapped_column(default=32)  # the arrangement's end
    # voice and music settings
    voice_profile_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("voice_profiles.id", ondelete="SET NULL")
    )
    music_style: Mapped[str | None] = mapped_column(String(100))
    vocal_pitch_shift: Mapped[int] = mapped_column(default=0)
    vocal_effects: Mapped[dict[str, Any]] = mapped_column(default=dict)
    music_params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # bounced files (library tracks)
    final_track_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL")
    )
    vocal_track_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL")
    )
    instrumental_track_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL")
    )
    master_volume: Mapped[float] = mapped_column(default=1.0)
    # quality
    audio_quality_score: Mapped[float | None]
    mixing_quality_score: Mapped[float | None]
    overall_rating: Mapped[float | None]
    # cached social counters, synced from the server (plays here are counted in analytics)
    play_count: Mapped[int] = mapped_column(default=0, index=True)
    download_count: Mapped[int] = mapped_column(default=0)
    share_count: Mapped[int] = mapped_column(default=0)
    like_count: Mapped[int] = mapped_column(default=0)
    # status
    generation_status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    is_public: Mapped[bool] = mapped_column(default=False, index=True)
    completed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    project: Mapped[Project | None] = relationship(back_populates="songs")
    lyrics: Mapped[Lyrics | None] = relationship()
    voice_profile: Mapped[VoiceProfile | None] = relationship()
    final_track: Mapped[Track | None] = relationship(foreign_keys=[final_track_id])
    vocal_track: Mapped[Track | None] = relationship(foreign_keys=[vocal_track_id])
    instrumental_track: Mapped[Track | None] = relationship(foreign_keys=[instrumental_track_id])
    song_tracks: Mapped[list[SongTrack]] = relationship(
        back_populates="song",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SongTrack.track_order",
    )
    markers: Mapped[list[SongMarker]] = relationship(
        back_populates="song",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SongMarker.beat",
    )


class SongTrack(Owned, Base):
    """A channel of a song's mixer (Lyrica music_tracks).

    Its sound comes from a library track (audio_track_id) or a beat-machine pattern (pattern_id),
    never both; a channel whose source was deleted stays, empty, with its settings.
    """

    __tablename__ = "song_tracks"
    __table_args__ = (
        check_choice("track_type", SONG_TRACK_TYPES),
        CheckConstraint("track_order >= 0", name="track_order_not_negative"),
        UniqueConstraint("song_id", "track_order"),
        CheckConstraint("audio_track_id IS NULL OR pattern_id IS NULL", name="one_source_at_most"),
        check_range("volume", 0, 2),
        check_range("pan", -1, 1),
        CheckConstraint("start_s >= 0", name="start_not_negative"),
        CheckConstraint("end_s IS NULL OR end_s > start_s", name="end_after_start"),
        CheckConstraint("fade_in_s >= 0", name="fade_in_not_negative"),
        CheckConstraint("fade_out_s >= 0", name="fade_out_not_negative"),
    )

    song_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"))
    track_name: Mapped[str | None] = mapped_column(String(255))
    track_type: Mapped[str] = mapped_column(String(20), index=True)
    track_order: Mapped[int]
    # source: a library audio file or a beat-machine pattern
    audio_track_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL"), index=True
    )
    pattern_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patterns.id", ondelete="SET NULL"), index=True
    )
    # mixer settings
    volume: Mapped[float] = mapped_column(default=1.0)
    pan: Mapped[float] = mapped_column(default=0.0)
    eq_settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    effects: Mapped[list[Any]] = mapped_column(default=list)
    # timing in the song
    start_s: Mapped[float] = mapped_column(default=0.0)
    end_s: Mapped[float | None]
    fade_in_s: Mapped[float] = mapped_column(default=0.0)
    fade_out_s: Mapped[float] = mapped_column(default=0.0)
    is_muted: Mapped[bool] = mapped_column(default=False)
    is_solo: Mapped[bool] = mapped_column(default=False)

    song: Mapped[Song] = relationship(back_populates="song_tracks")
    audio_track: Mapped[Track | None] = relationship()
    pattern: Mapped[Pattern | None] = relationship()
    clips: Mapped[list[SongClip]] = relationship(
        back_populates="lane",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SongClip.start_beat",
    )


class SongClip(Owned, Base):
    """A clip on a song's lane (a `song_tracks` channel), on the bar grid, in beats.

    It plays a pattern (looped for its length) or a library track (from source_offset_s on);
    a clip whose source was deleted or whose file is missing stays, silent, with its settings.
    """

    __tablename__ = "song_clips"
    __table_args__ = (
        CheckConstraint("audio_track_id IS NULL OR pattern_id IS NULL", name="one_source_at_most"),
        CheckConstraint("start_beat >= 0", name="start_beat_not_negative"),
        CheckConstraint("length_beats > 0", name="length_beats_positive"),
        CheckConstraint("source_offset_s >= 0", name="source_offset_not_negative"),
        check_range("gain", 0, 2),
        CheckConstraint("fade_in_s >= 0", name="fade_in_not_negative"),
        CheckConstraint("fade_out_s >= 0", name="fade_out_not_negative"),
    )

    song_track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("song_tracks.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(255))
    start_beat: Mapped[float]
    length_beats: Mapped[float]
    pattern_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patterns.id", ondelete="SET NULL"), index=True
    )
    audio_track_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL"), index=True
    )
    source_offset_s: Mapped[float] = mapped_column(default=0.0)
    gain: Mapped[float] = mapped_column(default=1.0)
    fade_in_s: Mapped[float] = mapped_column(default=0.0)
    fade_out_s: Mapped[float] = mapped_column(default=0.0)

    lane: Mapped[SongTrack] = relationship(back_populates="clips")


class SongMarker(Owned, Base):
    """A named section of a song's arrangement from `beat` on (intro, verse, chorus ...)."""

    __tablename__ = "song_markers"
    __table_args__ = (
        check_choice("section_type", SECTION_TYPES),
        CheckConstraint("beat >= 0", name="beat_not_negative"),
        UniqueConstraint("song_id", "beat"),
    )

    song_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"))
    beat: Mapped[float]
    section_type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(100))

    song: Mapped[Song] = relationship(back_populates="markers")


class SongEdit(Owned, Base):
    """One undoable edit of a song, as the rows it changed (before and after), in order.

    Edits past the undone ones are dropped by the next new edit, as in every editor.
    """

    __tablename__ = "song_edits"
    __table_args__ = (
        CheckConstraint("position >= 0", name="position_not_negative"),
        UniqueConstraint("song_id", "position"),
    )

    song_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"))
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(200))
    changes: Mapped[list[Any]] = mapped_column(default=list)
    is_undone: Mapped[bool] = mapped_column(default=False)


class GenerationJob(Owned, Base):
    """A long job that makes a song or lyrics: mixdown, render, lyric assist, with its progress.

    Merges Lyrica song_generation_history and generation_history; their per-stage times
    (vocal, music, mixing, llm, retrieval) are kept in stage_times_s keyed by stage.
    """

    __tablename__ = "generation_jobs"
    __table_args__ = (
        check_choice("job_type", JOB_TYPES),
        check_choice("status", JOB_STATUSES),
        check_range("progress_percentage", 0, 100),
        check_not_negative("iterations"),
        check_not_negative("total_time_s"),
        check_not_negative("retry_count"),
        Index("ix_generation_jobs_owner_started", "owner_id", "started_at"),
    )

    job_type: Mapped[str] = mapped_column(String(20))
    song_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("songs.id", ondelete="SET NULL"), index=True
    )
    lyrics_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lyrics.id", ondelete="SET NULL"), index=True
    )
    voice_profile_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("voice_profiles.id", ondelete="SET NULL")
    )
    # input
    input_prompt: Mapped[str | None] = mapped_column(Text)
    input_params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    genre: Mapped[str | None] = mapped_column(String(100))
    mood: Mapped[str | None] = mapped_column(String(100))
    theme: Mapped[str | None] = mapped_column(String(255))
    custom_structure: Mapped[dict[str, Any] | None]
    # progress
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    current_stage: Mapped[str | None] = mapped_column(String(100))
    progress_percentage: Mapped[int] = mapped_column(default=0)
    agent_steps: Mapped[list[Any]] = mapped_column(default=list)
    iterations: Mapped[int] = mapped_column(default=0)
    # timing
    total_time_s: Mapped[float | None]
    stage_times_s: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error_message: Mapped[str | None] = mapped_column(Text)
    retry_count: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    song: Mapped[Song | None] = relationship()
    lyrics: Mapped[Lyrics | None] = relationship()
    voice_profile: Mapped[VoiceProfile | None] = relationship()
    steps: Mapped[list[GenerationStep]] = relationship(
        back_populates="job",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="GenerationStep.step_number",
    )


class GenerationStep(Owned, Base):
    """One step of a generation job, with its input and output state (Lyrica agent_logs)."""

    __tablename__ = "generation_steps"
    __table_args__ = (
        CheckConstraint("step_number >= 0", name="step_number_not_negative"),
        check_not_negative("execution_time_s"),
        check_not_negative("tokens_used"),
        check_choice("status", STEP_STATUSES),
        UniqueConstraint("job_id", "step_number"),
    )

    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("generation_jobs.id", ondelete="CASCADE"))
    step_name: Mapped[str] = mapped_column(String(100), index=True)
    step_number: Mapped[int]
    input_state: Mapped[dict[str, Any] | None]
    output_state: Mapped[dict[str, Any] | None]
    execution_time_s: Mapped[float | None]
    tokens_used: Mapped[int | None]
    model_used: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="success")
    error_message: Mapped[str | None] = mapped_column(Text)

    job: Mapped[GenerationJob] = relationship(back_populates="steps")


class Document(Owned, Base):
    """A text semantic search runs over: a chunk of the user's lyrics or a reference text they
    added (Lyrica documents). Its embedding lives in a sqlite-vec table under vector_key.
    """

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("chunk_index >= 0", name="chunk_index_not_negative"),
        check_range("year", 1, 9999),
        UniqueConstraint("lyrics_id", "chunk_index"),
    )

    lyrics_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lyrics.id", ondelete="CASCADE"))
    chunk_index: Mapped[int] = mapped_column(default=0)
    title: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    # metadata for filtering
    genre: Mapped[str | None] = mapped_column(String(100), index=True)
    mood: Mapped[str | None] = mapped_column(String(100), index=True)
    artist: Mapped[str | None] = mapped_column(String(255))
    album: Mapped[str | None] = mapped_column(String(255))
    year: Mapped[int | None]
    language: Mapped[str] = mapped_column(String(10), default="en")
    tags: Mapped[list[str]] = mapped_column(default=list)
    custom_metadata: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # vector index
    vector_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    embedding_model: Mapped[str | None] = mapped_column(String(100))
    is_indexed: Mapped[bool] = mapped_column(default=False, index=True)
    indexed_at: Mapped[datetime | None]

    lyrics: Mapped[Lyrics | None] = relationship()
