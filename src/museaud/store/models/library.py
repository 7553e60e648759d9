"""The music library: audio files on disk, what their tags say, and what analysis found in them.

One `tracks` table is every audio file museaud knows about, whether imported from a folder,
rendered from a pattern, bounced from a song or recorded. It merges Blendtune's catalogue
(track_info and its child tables), the playlist plan's scanned `files` with their control fields,
and Lyrica's audio_files. Analysis results sit beside it in `track_analysis`, versioned by
algorithm so that a new analyser version re-analyses a track, while a user's manual override
lives in its own columns and is never overwritten.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museaud.store.base import Base, Owned, check_choice, check_not_negative, check_range, utcnow

FILE_FORMATS = ("wav", "aiff", "flac", "mp3", "ogg", "opus", "m4a")
TRACK_ORIGINS = ("library", "render", "mixdown", "recording", "stem", "sample")
TRACK_STATUSES = ("pending", "ok", "error", "missing")
SCALES = ("major", "minor")
SECTION_TYPES = (
    "intro",
    "verse",
    "pre-chorus",
    "chorus",
    "post-chorus",
    "bridge",
    "breakdown",
    "drop",
    "instrumental",
    "outro",
)
SECTION_SOURCES = ("analysis", "user")
CREATOR_ROLES = (
    "producer",
    "composer",
    "songwriter",
    "performer",
    "lyricist",
    "arranger",
    "engineer",
    "featured",
)
TAG_KINDS = ("tag", "mood")
SIMILARITY_TYPES = ("essentia", "faiss", "hybrid", "vector")

BPM_LOW, BPM_HIGH = 20, 400
"""Tempo a track may have: wider than the beat machine's 80-250, as libraries hold ambient and
speedcore alike."""


class Track(Owned, Base):
    """One audio file on disk, with the tags read from it and the musician's own marks on it.

    Merges Blendtune track_info, the playlist plan's `files` with its control fields (favourite,
    rating, play/skip counts, notes, hidden, custom_metadata; its `tags` array went to
    `track_tags`) and Lyrica audio_files (whose audio_type became `origin`: final_song -> mixdown,
    vocal/instrumental/backing_track -> stem, raw_recording -> recording, effect_sample -> sample;
    its S3/CDN columns are gone: files are referenced by path, and found again after a move by
    `content_hash`). Tempo and key measured by analysis live in `track_analysis`; `tag_bpm` and
    `tag_key` are only what the file's tags claim. Blendtune's (genre, tempo, key) filter index
    therefore becomes genre here plus (bpm) and (key_note, scale) on track_analysis.
    """

    __tablename__ = "tracks"
    __table_args__ = (
        UniqueConstraint("owner_id", "path"),
        check_choice("file_format", FILE_FORMATS),
        check_choice("origin", TRACK_ORIGINS),
        check_choice("status", TRACK_STATUSES),
        check_not_negative("file_size_bytes"),
        check_not_negative("duration_s"),
        check_range("sample_rate", 8000, 768000),
        CheckConstraint("bit_rate IS NULL OR bit_rate > 0", name="bit_rate_positive"),
        check_range("channels", 1, 64),
        check_range("year", 1000, 9999),
        check_not_negative("track_number"),
        check_not_negative("disc_number"),
        check_range("tag_bpm", 1, 999),
        check_range("rating", 1, 5),
        check_not_negative("play_count"),
        check_not_negative("skip_count"),
        check_range("popularity_score", 0, 100),
        CheckConstraint(
            "status <> 'missing' OR missing_since IS NOT NULL", name="missing_has_since"
        ),
        Index("ix_tracks_artist_album", "artist", "album", "disc_number", "track_number"),
        # the library view's sort orders (museaud.library.search), case-insensitive; is_hidden
        # last so that leaving hidden tracks out reads the index alone
        Index(
            "ix_tracks_sort_artist",
            func.lower(text("artist")),
            func.lower(text("album")),
            "disc_number",
            "track_number",
            "is_hidden",
        ),
        Index("ix_tracks_sort_title", func.lower(text("title")), "is_hidden"),
        Index("ix_tracks_sort_album", func.lower(text("album")), "is_hidden"),
        # every filter column of the query language, so filters read this index, not the wide
        # rows; genre first, as it also sorts by genre
        Index(
            "ix_tracks_facets",
            func.lower(text("genre")),
            "effective_key",
            "effective_bpm",
            "rating",
            "is_favorite",
            "year",
            "analysis_energy",
            "status",
            "file_format",
            "is_hidden",
        ),
    )

    # the file
    path: Mapped[str] = mapped_column(String(4096))
    folder: Mapped[str] = mapped_column(String(4096), index=True)
    file_name: Mapped[str] = mapped_column(String(1024))
    file_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    mtime_ns: Mapped[int | None] = mapped_column(BigInteger)
    # hash of the file's bytes, to relink a moved file and skip unchanged ones
    content_hash: Mapped[str | None] = mapped_column(String(128), index=True)
    file_format: Mapped[str] = mapped_column(String(10), index=True)
    mime_type: Mapped[str | None] = mapped_column(String(100))
    duration_s: Mapped[float | None] = mapped_column(index=True)
    sample_rate: Mapped[int | None]
    bit_rate: Mapped[int | None]
    channels: Mapped[int | None]
    origin: Mapped[str] = mapped_column(String(20), default="library", index=True)
    # scan state: pending until tags are read; missing when the file is gone from its path
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    scanned_at: Mapped[datetime | None]
    missing_since: Mapped[datetime | None]
    # tags read from the file
    title: Mapped[str | None] = mapped_column(String(500), index=True)
    artist: Mapped[str | None] = mapped_column(String(500))
    album: Mapped[str | None] = mapped_column(String(500))
    album_artist: Mapped[str | None] = mapped_column(String(500))
    genre: Mapped[str | None] = mapped_column(String(100), index=True)
    subgenre: Mapped[str | None] = mapped_column(String(100))
    year: Mapped[int | None] = mapped_column(index=True)
    release_date: Mapped[date | None]
    track_number: Mapped[int | None]
    disc_number: Mapped[int | None]
    isrc: Mapped[str | None] = mapped_column(String(20))
    catalog_number: Mapped[str | None] = mapped_column(String(50))
    comment: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    cover_art_path: Mapped[str | None] = mapped_column(String(4096))
    tag_bpm: Mapped[float | None]
    tag_key: Mapped[str | None] = mapped_column(String(20))
    # the musician's marks (playlist plan control fields)
    rating: Mapped[int | None] = mapped_column(index=True)
    is_favorite: Mapped[bool] = mapped_column(default=False, index=True)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    play_count: Mapped[int] = mapped_column(default=0, index=True)
    skip_count: Mapped[int] = mapped_column(default=0)
    last_played_at: Mapped[datetime | None] = mapped_column(index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    # Blendtune's catalogue popularity, 0-100; a cached value synced from the server
    popularity_score: Mapped[float] = mapped_column(default=0.0)
    custom_metadata: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Derived copies for the library view's filters and sort orders, kept by SQLite triggers
    # (migration 0003) on track_analysis and track_tags: never write them. effective_* is the
    # override when one is set, else the measured value; effective_key is the Camelot order
    # 0-23 (1A, 1B, 2A ... 12B); tag_text and mood_text are the tags/moods, sorted, one a line.
    effective_bpm: Mapped[float | None] = mapped_column(index=True)
    effective_key: Mapped[int | None] = mapped_column(index=True)
    analysis_energy: Mapped[float | None] = mapped_column(index=True)
    analysis_loudness: Mapped[float | None] = mapped_column(index=True)
    tag_text: Mapped[str | None] = mapped_column(Text)
    mood_text: Mapped[str | None] = mapped_column(Text)

    analysis: Mapped[TrackAnalysis | None] = relationship(
        back_populates="track", cascade="all, delete-orphan", passive_deletes=True
    )
    sections: Mapped[list[TrackSection]] = relationship(
        back_populates="track",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="TrackSection.start_s",
    )
    creators: Mapped[list[TrackCreator]] = relationship(
        back_populates="track", cascade="all, delete-orphan", passive_deletes=True
    )
    instruments: Mapped[list[TrackInstrument]] = relationship(
        back_populates="track", cascade="all, delete-orphan", passive_deletes=True
    )
    samples: Mapped[list[TrackSample]] = relationship(
        back_populates="track", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[TrackTag]] = relationship(
        back_populates="track", cascade="all, delete-orphan", passive_deletes=True
    )


class TrackAnalysis(Owned, Base):
    """What analysis measured in a track, one row per track (the playlist plan's
    track_analysis_summary with its control fields, and Lyrica audio_files.waveform_data).

    `algorithm` and `algorithm_version` say which analyser wrote the row: when the analyser's
    version changes the track is analysed again. Analysis never writes the `*_override` columns;
    with `manual_override` set, the override values win where they are not NULL.

    `beats` is a LargeBinary of little-endian float32 beat times in seconds rather than a JSON
    list: a five-minute track has about 600 beats, which is 2.4 kB as float32 against some 10 kB
    of JSON text, loads with one `numpy.frombuffer` call instead of a JSON parse, and is never
    queried inside SQL. float32 keeps beat times to within 0.1 ms over an hour. `waveform` (an
    overview of peaks) and `fingerprint` (an audio fingerprint) are opaque binaries likewise.
    Confidences are normalised to 0-1 by the analyser (Essentia's rhythm confidence runs 0-5.32),
    so they compare with `confidence_threshold`.
    """

    __tablename__ = "track_analysis"
    __table_args__ = (
        check_range("bpm", BPM_LOW, BPM_HIGH),
        check_not_negative("beat_offset_s"),
        check_range("bpm_confidence", 0, 1),
        check_range("key_note", 0, 11),
        check_choice("scale", SCALES, nullable=True),
        CheckConstraint("(key_note IS NULL) = (scale IS NULL)", name="key_with_scale"),
        check_range("key_confidence", 0, 1),
        check_range("loudness_lufs", -100, 10),
        check_range("energy", 0, 1),
        check_not_negative("danceability"),
        check_not_negative("onset_rate"),
        check_range("analysis_quality_score", 0, 1),
        check_range("confidence_threshold", 0, 1),
        check_range("bpm_override", BPM_LOW, BPM_HIGH),
        check_range("key_note_override", 0, 11),
        check_choice("scale_override", SCALES, nullable=True),
        CheckConstraint(
            "(key_note_override IS NULL) = (scale_override IS NULL)",
            name="key_override_with_scale",
        ),
        CheckConstraint(
            "NOT manual_override OR bpm_override IS NOT NULL OR key_note_override IS NOT NULL",
            name="override_has_value",
        ),
        Index("ix_track_analysis_key", "key_note", "scale"),
        Index("ix_track_analysis_algorithm", "algorithm", "algorithm_version"),
    )

    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), unique=True
    )
    algorithm: Mapped[str] = mapped_column(String(50), default="essentia")
    algorithm_version: Mapped[str] = mapped_column(String(50))
    analyzed_at: Mapped[datetime | None]
    # rhythm
    bpm: Mapped[float | None] = mapped_column(index=True)
    beat_offset_s: Mapped[float | None]
    beats: Mapped[bytes | None] = mapped_column(LargeBinary)
    bpm_confidence: Mapped[float | None]
    # tonality
    key_note: Mapped[int | None]
    scale: Mapped[str | None] = mapped_column(String(10))
    key_confidence: Mapped[float | None]
    # level and character
    loudness_lufs: Mapped[float | None]
    peak_dbfs: Mapped[float | None]
    energy: Mapped[float | None]
    danceability: Mapped[float | None]
    onset_rate: Mapped[float | None]  # onsets per second
    waveform: Mapped[bytes | None] = mapped_column(LargeBinary)
    fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary)
    analysis_quality_score: Mapped[float | None]
    confidence_threshold: Mapped[float] = mapped_column(default=0.7)
    # the musician's correction
    manual_override: Mapped[bool] = mapped_column(default=False)
    bpm_override: Mapped[float | None]
    key_note_override: Mapped[int | None]
    scale_override: Mapped[str | None] = mapped_column(String(10))
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    overridden_at: Mapped[datetime | None]

    track: Mapped[Track] = relationship(back_populates="analysis")


class TrackSection(Owned, Base):
    """A stretch of a track: intro, verse, chorus, drop... with its times (Blendtune
    track_arrangement, whose whole seconds became float seconds)."""

    __tablename__ = "track_sections"
    __table_args__ = (
        check_choice("section_type", SECTION_TYPES),
        check_choice("source", SECTION_SOURCES),
        CheckConstraint("start_s >= 0", name="start_s_not_negative"),
        CheckConstraint("end_s > start_s", name="end_after_start"),
        check_range("confidence", 0, 1),
        Index("ix_track_sections_track_start", "track_id", "start_s"),
    )

    track_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    section_type: Mapped[str] = mapped_column(String(20), index=True)
    start_s: Mapped[float]
    end_s: Mapped[float]
    label: Mapped[str | None] = mapped_column(String(100))  # e.g. "Verse 2"
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="user")
    confidence: Mapped[float | None]  # set when source is 'analysis'

    track: Mapped[Track] = relationship(back_populates="sections")


class TrackCreator(Owned, Base):
    """A person with a part in a track and their share of it (Blendtune track_creator).

    The shares of one track must add up to at most 100 %: a CHECK cannot see other rows, so
    the library service enforces it when it saves creators.
    """

    __tablename__ = "track_creators"
    __table_args__ = (
        check_choice("role", CREATOR_ROLES, nullable=True),
        check_range("split_percentage", 0, 100),
    )

    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), index=True
    )
    creator_name: Mapped[str] = mapped_column(String(255), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    ipi_number: Mapped[str | None] = mapped_column(String(20), index=True)
    pro: Mapped[str | None] = mapped_column(String(100))  # performing rights organisation
    split_percentage: Mapped[float | None]
    contact_email: Mapped[str | None] = mapped_column(String(255))
    contact_phone: Mapped[str | None] = mapped_column(String(50))

    track: Mapped[Track] = relationship(back_populates="creators")


class TrackInstrument(Owned, Base):
    """An instrument heard in a track (Blendtune track_instrument)."""

    __tablename__ = "track_instruments"

    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), index=True
    )
    instrument_category: Mapped[str | None] = mapped_column(String(100), index=True)  # synth
    instrument_type: Mapped[str | None] = mapped_column(String(100))  # e.g. 808, analog synth
    is_primary: Mapped[bool] = mapped_column(default=False)

    track: Mapped[Track] = relationship(back_populates="instruments")


class TrackSample(Owned, Base):
    """A sample used in a track and whether it is cleared (Blendtune track_sample)."""

    __tablename__ = "track_samples"

    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), index=True
    )
    sample_pack_name: Mapped[str | None] = mapped_column(String(255))
    sample_description: Mapped[str | None] = mapped_column(Text)
    is_cleared: Mapped[bool] = mapped_column(default=False, index=True)
    clearance_notes: Mapped[str | None] = mapped_column(Text)

    track: Mapped[Track] = relationship(back_populates="samples")


class TrackTag(Owned, Base):
    """A free tag or a mood on a track (Blendtune track_info.tags[] and mood[], the playlist
    plan's files.tags[]): one row per tag, so filtering by tag uses an index on any database."""

    __tablename__ = "track_tags"
    __table_args__ = (
        check_choice("kind", TAG_KINDS),
        UniqueConstraint("track_id", "kind", "tag"),
        Index("ix_track_tags_kind_tag", "kind", "tag"),
        Index("ix_track_tags_kind_lower_tag", "kind", func.lower(text("tag")), "track_id"),
    )

    track_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default="tag")
    tag: Mapped[str] = mapped_column(String(100))

    track: Mapped[Track] = relationship(back_populates="tags")


class TrackSimilarity(Owned, Base):
    """How alike two tracks are by one measure, cached (the playlist plan's
    track_similarity_cache; its 'tensorflow' type is gone with the models museaud cannot
    download, and 'vector' is a sqlite-vec nearest-neighbour score). Scores run 0-1, 1 = same."""

    __tablename__ = "track_similarity"
    __table_args__ = (
        check_choice("similarity_type", SIMILARITY_TYPES),
        check_range("similarity_score", 0, 1),
        check_range("confidence_score", 0, 1),
        CheckConstraint("source_track_id <> target_track_id", name="not_self"),
        UniqueConstraint("source_track_id", "target_track_id", "similarity_type"),
        Index("ix_track_similarity_source_score", "source_track_id", "similarity_score"),
        # also serves the cascade when the target track is deleted
        Index("ix_track_similarity_target_score", "target_track_id", "similarity_score"),
    )

    source_track_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    target_track_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    similarity_type: Mapped[str] = mapped_column(String(20))
    similarity_score: Mapped[float]
    confidence_score: Mapped[float | None]
    calculated_at: Mapped[datetime] = mapped_column(default=utcnow)
