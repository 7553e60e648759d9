"""Everything about one track, for the detail pane and `museaud track`: the row, what analysis
measured and what the musician overrode, tags, notes, the catalogue facts, sections, the beat
grid and the waveform overview, as plain frozen values any thread can hold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.library.editing import (
    MANUAL_ALGORITHM,
    Creator,
    Instrument,
    Sample,
    TrackNotFoundError,
)
from museaud.library.tracks import track_row
from museaud.music.keys import Key
from museaud.store.models.accounts import User
from museaud.store.models.library import (
    Track,
    TrackAnalysis,
    TrackCreator,
    TrackInstrument,
    TrackSample,
    TrackSection,
    TrackTag,
)


@dataclass(frozen=True)
class Measured:
    """What analysis measured in the track (never changed by an override)."""

    algorithm: str
    version: str
    analyzed_at: datetime | None
    bpm: float | None
    bpm_confidence: float | None
    beat_offset_s: float | None
    key: Key | None
    key_confidence: float | None
    loudness_lufs: float | None
    peak_dbfs: float | None
    energy: float | None
    danceability: float | None
    onset_rate: float | None
    quality_score: float | None


@dataclass(frozen=True)
class Override:
    """The musician's correction of tempo and/or key, why, by whom and when."""

    bpm: float | None
    key: Key | None
    reason: str | None
    by_id: uuid.UUID | None
    by_name: str | None
    at: datetime | None


@dataclass(frozen=True)
class Section:
    """A stretch of the track (intro, verse, drop …) and where it came from."""

    type: str
    start_s: float
    end_s: float
    label: str | None
    source: str  # 'analysis' or 'user'
    confidence: float | None


@dataclass(frozen=True, eq=False)
class TrackDetail:
    """Everything about one track.

    `row` is shaped like `library.tracks.track_rows` (effective tempo and key included).
    `beats` holds the beat times in seconds (float32); `waveform` is the overview as a 2 x N
    float32 array, row 0 the minimum and row 1 the maximum of the mono mix in -1..1, N = 0 when
    the track has none. Both arrays are read-only.
    """

    id: uuid.UUID
    row: dict[str, Any]
    duration_s: float | None
    is_hidden: bool
    notes: str | None
    tags: tuple[str, ...]
    moods: tuple[str, ...]
    measured: Measured | None
    override: Override | None
    creators: tuple[Creator, ...]
    instruments: tuple[Instrument, ...]
    samples: tuple[Sample, ...]
    sections: tuple[Section, ...]
    beats: npt.NDArray[np.float32]
    waveform: npt.NDArray[np.float32]

    def to_json(self, *, beats: bool = True) -> dict[str, Any]:
        """A JSON-ready dict (what `museaud track --json` prints); the waveform is left out,
        and the beat times too when `beats` is False."""
        found: dict[str, Any] = {
            **self.row,
            "is_hidden": self.is_hidden,
            "notes": self.notes,
            "tags": list(self.tags),
            "moods": list(self.moods),
            "measured": None if self.measured is None else _measured_json(self.measured),
            "override": None if self.override is None else _override_json(self.override),
            "creators": [vars(creator) for creator in self.creators],
            "instruments": [vars(instrument) for instrument in self.instruments],
            "samples": [vars(sample) for sample in self.samples],
            "sections": [vars(section) for section in self.sections],
            "beat_count": len(self.beats),
            "waveform_points": self.waveform.shape[1],
        }
        if beats:
            found["beats"] = [round(float(beat), 4) for beat in self.beats]
        return found


def _key_json(key: Key | None) -> dict[str, str] | None:
    if key is None:
        return None
    return {"key": key.name, "scale": key.scale, "camelot": key.camelot}


def _measured_json(measured: Measured) -> dict[str, Any]:
    found = dict(vars(measured))
    found["analyzed_at"] = measured.analyzed_at.isoformat() if measured.analyzed_at else None
    found["key"] = _key_json(measured.key)
    return found


def _override_json(override: Override) -> dict[str, Any]:
    return {
        "bpm": override.bpm,
        "key": _key_json(override.key),
        "reason": override.reason,
        "by_id": None if override.by_id is None else str(override.by_id),
        "by_name": override.by_name,
        "at": override.at.isoformat() if override.at else None,
    }


def _key(note: int | None, scale: str | None) -> Key | None:
    return None if note is None or scale is None else Key(note, scale)


def beat_times(blob: bytes | None) -> npt.NDArray[np.float32]:
    """Beat times in seconds from the stored little-endian float32 blob (read-only)."""
    times = np.frombuffer(blob or b"", dtype="<f4").astype(np.float32, copy=False)
    times.flags.writeable = False
    return times


def waveform_overview(blob: bytes | None) -> npt.NDArray[np.float32]:
    """The stored overview (2 x N bytes, 0-255 for -1..1: minima then maxima) as -1..1 floats."""
    if not blob or len(blob) % 2:
        empty = np.zeros((2, 0), dtype=np.float32)
        empty.flags.writeable = False
        return empty
    levels = np.frombuffer(blob, dtype=np.uint8).reshape(2, -1)
    overview = levels.astype(np.float32) / np.float32(127.5) - np.float32(1.0)
    overview.flags.writeable = False
    return overview


def _measured(analysis: TrackAnalysis) -> Measured | None:
    if analysis.algorithm == MANUAL_ALGORITHM and analysis.analyzed_at is None:
        return None  # the row only carries an override: nothing was measured
    return Measured(
        algorithm=analysis.algorithm,
        version=analysis.algorithm_version,
        analyzed_at=analysis.analyzed_at,
        bpm=analysis.bpm,
        bpm_confidence=analysis.bpm_confidence,
        beat_offset_s=analysis.beat_offset_s,
        key=_key(analysis.key_note, analysis.scale),
        key_confidence=analysis.key_confidence,
        loudness_lufs=analysis.loudness_lufs,
        peak_dbfs=analysis.peak_dbfs,
        energy=analysis.energy,
        danceability=analysis.danceability,
        onset_rate=analysis.onset_rate,
        quality_score=analysis.analysis_quality_score,
    )


def _override(session: Session, analysis: TrackAnalysis) -> Override | None:
    if not analysis.manual_override:
        return None
    by_name = None
    if analysis.override_by_id is not None:
        user = session.get(User, analysis.override_by_id)
        if user is not None:
            by_name = user.display_name or user.username
    return Override(
        bpm=analysis.bpm_override,
        key=_key(analysis.key_note_override, analysis.scale_override),
        reason=analysis.override_reason,
        by_id=analysis.override_by_id,
        by_name=by_name,
        at=analysis.overridden_at,
    )


def track_detail(session: Session, track_id: uuid.UUID) -> TrackDetail:
    """Everything about one track; TrackNotFoundError when there is no such track."""
    row = track_row(session, track_id)
    track = session.get(Track, track_id)
    if row is None or track is None:
        raise TrackNotFoundError(f"no track with id {track_id}")
    analysis = session.scalar(select(TrackAnalysis).where(TrackAnalysis.track_id == track_id))
    tags = session.execute(
        select(TrackTag.kind, TrackTag.tag)
        .where(TrackTag.track_id == track_id)
        .order_by(TrackTag.tag)
    ).all()
    creators = session.scalars(
        select(TrackCreator)
        .where(TrackCreator.track_id == track_id)
        .order_by(TrackCreator.created_at, TrackCreator.id)
    )
    instruments = session.scalars(
        select(TrackInstrument)
        .where(TrackInstrument.track_id == track_id)
        .order_by(TrackInstrument.is_primary.desc(), TrackInstrument.created_at, TrackInstrument.id)
    )
    samples = session.scalars(
        select(TrackSample)
        .where(TrackSample.track_id == track_id)
        .order_by(TrackSample.created_at, TrackSample.id)
    )
    sections = session.scalars(
        select(TrackSection)
        .where(TrackSection.track_id == track_id)
        .order_by(TrackSection.start_s, TrackSection.end_s)
    )
    return TrackDetail(
        id=track.id,
        row=row,
        duration_s=track.duration_s,
        is_hidden=track.is_hidden,
        notes=track.notes,
        tags=tuple(tag for kind, tag in tags if kind == "tag"),
        moods=tuple(tag for kind, tag in tags if kind == "mood"),
        measured=None if analysis is None else _measured(analysis),
        override=None if analysis is None else _override(session, analysis),
        creators=tuple(
            Creator(
                name=c.creator_name,
                role=c.role,
                split=c.split_percentage,
                ipi=c.ipi_number,
                pro=c.pro,
                email=c.contact_email,
                phone=c.contact_phone,
            )
            for c in creators
        ),
        instruments=tuple(
            Instrument(i.instrument_category, i.instrument_type, i.is_primary) for i in instruments
        ),
        samples=tuple(
            Sample(s.sample_pack_name, s.sample_description, s.is_cleared, s.clearance_notes)
            for s in samples
        ),
        sections=tuple(
            Section(s.section_type, s.start_s, s.end_s, s.label, s.source, s.confidence)
            for s in sections
        ),
        beats=beat_times(analysis.beats if analysis is not None else None),
        waveform=waveform_overview(analysis.waveform if analysis is not None else None),
    )
