"""One valid row for every table of museaud.store.models.library."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime
from typing import Any

from museaud.store.base import new_id
from museaud.store.models.library import (
    Track,
    TrackAnalysis,
    TrackCreator,
    TrackInstrument,
    TrackSample,
    TrackSection,
    TrackSimilarity,
    TrackTag,
)


def rows(ctx: dict[str, Any]) -> list[Any]:
    """Two tracks and one row of each child table; stores them in ctx by table name."""
    owner_id = ctx["users"].id
    track = Track(
        id=new_id(),
        owner_id=owner_id,
        path="/home/ana/Music/John Producer/Summer Vibes/01 Summer Vibes.flac",
        folder="/home/ana/Music/John Producer/Summer Vibes",
        file_name="01 Summer Vibes.flac",
        file_size_bytes=31_457_280,
        mtime_ns=1_705_312_800_000_000_000,
        content_hash="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        file_format="flac",
        mime_type="audio/flac",
        duration_s=180.2,
        sample_rate=44100,
        bit_rate=1_411_000,
        channels=2,
        origin="library",
        status="ok",
        error=None,
        scanned_at=datetime(2024, 1, 15, 10, 5, tzinfo=UTC),
        missing_since=None,
        title="Summer Vibes",
        artist="John Producer",
        album="Summer Vibes EP",
        album_artist="John Producer",
        genre="Electronic",
        subgenre="House",
        year=2024,
        release_date=date(2024, 1, 15),
        track_number=1,
        disc_number=1,
        isrc="USXXX2400001",
        catalog_number="BT-2024-001",
        comment="Mastered at -9 LUFS",
        description="Uplifting house track perfect for summer videos",
        cover_art_path="/home/ana/Music/John Producer/Summer Vibes/cover.jpg",
        tag_bpm=120.0,
        tag_key="C",
        rating=5,
        is_favorite=True,
        is_hidden=False,
        play_count=1523,
        skip_count=12,
        last_played_at=datetime(2024, 6, 1, 21, 30, tzinfo=UTC),
        notes="Good opener for the summer set",
        popularity_score=87.5,
        custom_metadata={"label": "Blendtune", "energy_tag": "high"},
    )
    other = Track(
        id=new_id(),
        owner_id=owner_id,
        path="/home/ana/Music/John Producer/Summer Vibes/02 Night Drive.mp3",
        folder="/home/ana/Music/John Producer/Summer Vibes",
        file_name="02 Night Drive.mp3",
        file_size_bytes=7_340_032,
        mtime_ns=1_705_312_900_000_000_000,
        content_hash="60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
        file_format="mp3",
        mime_type="audio/mpeg",
        duration_s=201.0,
        sample_rate=48000,
        bit_rate=320_000,
        channels=2,
        origin="library",
        status="ok",
        title="Night Drive",
        artist="John Producer",
        album="Summer Vibes EP",
        genre="Electronic",
        subgenre="Deep House",
        year=2024,
        track_number=2,
        tag_bpm=122.0,
        tag_key="Am",
    )
    analysis = TrackAnalysis(
        id=new_id(),
        owner_id=owner_id,
        track_id=track.id,
        algorithm="essentia",
        algorithm_version="2.1b6-rhythm2013-keyedma-1",
        analyzed_at=datetime(2024, 1, 15, 10, 6, tzinfo=UTC),
        bpm=119.98,
        beat_offset_s=0.012,
        beats=struct.pack("<4f", 0.012, 0.512, 1.012, 1.512),
        bpm_confidence=0.83,
        key_note=0,
        scale="major",
        key_confidence=0.91,
        loudness_lufs=-9.2,
        peak_dbfs=-0.3,
        energy=0.82,
        danceability=1.74,
        onset_rate=4.1,
        waveform=bytes(range(0, 256, 4)),
        fingerprint=b"AQADtEmUaEkSRZEGAAAA",
        analysis_quality_score=0.88,
        confidence_threshold=0.7,
        manual_override=True,
        bpm_override=120.0,
        key_note_override=None,
        scale_override=None,
        override_reason="Grid is exactly 120 in the project file",
        override_by_id=owner_id,
        overridden_at=datetime(2024, 1, 16, 9, 0, tzinfo=UTC),
    )
    section = TrackSection(
        id=new_id(),
        owner_id=owner_id,
        track_id=track.id,
        section_type="chorus",
        start_s=32.0,
        end_s=64.0,
        label="Chorus 1",
        description="Full instrumentation, energetic",
        source="analysis",
        confidence=0.76,
    )
    creator = TrackCreator(
        id=new_id(),
        owner_id=owner_id,
        track_id=track.id,
        creator_name="John Producer",
        role="producer",
        ipi_number="00123456789",
        pro="ASCAP",
        split_percentage=50.0,
        contact_email="john@example.com",
        contact_phone="+1-555-0100",
    )
    instrument = TrackInstrument(
        id=new_id(),
        owner_id=owner_id,
        track_id=track.id,
        instrument_category="synth",
        instrument_type="analog synth",
        is_primary=True,
    )
    sample = TrackSample(
        id=new_id(),
        owner_id=owner_id,
        track_id=track.id,
        sample_pack_name="Sunset Percussion Vol. 2",
        sample_description="Shaker loop in the chorus",
        is_cleared=True,
        clearance_notes="Royalty-free licence, receipt in Documents/licences",
    )
    tag = TrackTag(id=new_id(), owner_id=owner_id, track_id=track.id, kind="mood", tag="uplifting")
    similarity = TrackSimilarity(
        id=new_id(),
        owner_id=owner_id,
        source_track_id=track.id,
        target_track_id=other.id,
        similarity_type="vector",
        similarity_score=0.87,
        confidence_score=0.9,
        calculated_at=datetime(2024, 1, 15, 10, 10, tzinfo=UTC),
    )
    ctx["tracks"] = track
    ctx["track_analysis"] = analysis
    ctx["track_sections"] = section
    ctx["track_creators"] = creator
    ctx["track_instruments"] = instrument
    ctx["track_samples"] = sample
    ctx["track_tags"] = tag
    ctx["track_similarity"] = similarity
    return [track, other, analysis, section, creator, instrument, sample, tag, similarity]
