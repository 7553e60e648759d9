"""The import's writes to the store: what is known of each file, pending rows, results, moves.

Each function works inside the caller's transaction; the importer gives every batch of results
one transaction, so a killed import leaves each track either fully written or untouched.
Analysis never writes the `*_override` columns of `track_analysis`.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import numpy as np
from sqlalchemy import String, delete, func, insert, select, type_coerce, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from museaud.analysis import (
    ANALYSIS_ALGORITHM,
    ANALYSIS_VERSION,
    FEATURE_DIMENSIONS,
    AnalysisResult,
)
from museaud.library.identity import same_duration
from museaud.library.scan import Candidate
from museaud.library.worker import FileOutcome
from museaud.store import vectors
from museaud.store.base import new_id, utcnow
from museaud.store.models.library import (
    BPM_HIGH,
    BPM_LOW,
    SCALES,
    SECTION_TYPES,
    Track,
    TrackAnalysis,
    TrackSection,
)
from museaud.store.models.patterns import Embedding
from museaud.store.vectors import VectorSpace, VectorSpaceError

TRACK_VECTORS = VectorSpace("track_vectors", FEATURE_DIMENSIONS, "cosine")
"""The analysis feature vector of each track, for 'sounds like' search."""
TRACK_EMBEDDING_TYPE = "analysis_features"

UNREADABLE_PREFIX = "cannot "
"""How the reasons of files that could not be opened begin ('cannot read: Permission denied'):
fixing permissions does not change a file's mtime, so such files are tried again each import."""

MIME_TYPES = {
    "wav": "audio/wav",
    "aiff": "audio/aiff",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "m4a": "audio/mp4",
}


class StoredFile(NamedTuple):
    """What the store knows of one path, enough to tell whether the file changed.

    A named tuple: a rescan makes one per track, and tuples are the cheapest to make.
    """

    key: str  # the track id as stored (see `id`)
    size: int | None
    mtime_ns: int | None
    status: str
    content_hash: str | None
    duration_s: float | None
    analysis_current: bool
    unreadable: bool  # failed last time because it could not be opened: worth another try

    @property
    def id(self) -> uuid.UUID:
        """The track's id (made on demand: a rescan of an unchanged library needs none)."""
        return uuid.UUID(hex=self.key)


def load_stored_files(session: Session, owner_id: uuid.UUID) -> dict[str, StoredFile]:
    """Every track of the owner by path, in one query (a rescan's whole look at the store).

    Runs as a Core query with the ids left as stored text: turning 10,000 rows into ORM rows
    and UUID objects would cost more than the whole folder walk.
    """
    query = (
        select(
            Track.path,
            type_coerce(Track.id, String()),
            Track.file_size_bytes,
            Track.mtime_ns,
            Track.status,
            Track.content_hash,
            Track.duration_s,
            TrackAnalysis.algorithm,
            TrackAnalysis.algorithm_version,
            Track.error.startswith(UNREADABLE_PREFIX),
        )
        .outerjoin(TrackAnalysis, TrackAnalysis.track_id == Track.id)
        .where(Track.owner_id == owner_id)
    )
    current = (ANALYSIS_ALGORITHM, ANALYSIS_VERSION)
    rows = session.connection().execute(query).all()
    return {
        path: StoredFile(
            key,
            size,
            mtime_ns,
            status,
            digest,
            duration,
            (algorithm, version) == current,
            bool(unreadable),
        )
        for path, key, size, mtime_ns, status, digest, duration, algorithm, version, unreadable in (
            rows
        )
    }


def _place(path: str) -> dict[str, str]:
    folder, file_name = os.path.split(path)
    return {"path": path, "folder": folder, "file_name": file_name}


def insert_pending(
    session: Session,
    owner_id: uuid.UUID,
    candidates: Iterable[Candidate],
    hashes: dict[str, str],
    now: datetime,
) -> list[tuple[uuid.UUID, Candidate]]:
    """Add new files as `pending` tracks (no tags yet); returns their new ids."""
    added = [(new_id(), candidate) for candidate in candidates]
    if not added:
        return added
    session.execute(
        insert(Track),
        [
            {
                "id": track_id,
                "owner_id": owner_id,
                **_place(candidate.path),
                "file_size_bytes": candidate.size,
                "mtime_ns": candidate.mtime_ns,
                "content_hash": hashes.get(candidate.path),
                "file_format": candidate.file_format,
                "mime_type": MIME_TYPES.get(candidate.file_format),
                "origin": "library",
                "status": "pending",
                "created_at": now,
                "updated_at": now,
            }
            for track_id, candidate in added
        ],
    )
    return added


def mark_missing(session: Session, track_ids: Iterable[uuid.UUID], now: datetime) -> None:
    """The files of these tracks are gone: say so, keep the rows and all that hangs on them."""
    ids = list(track_ids)
    for start in range(0, len(ids), 500):
        session.execute(
            update(Track)
            .where(Track.id.in_(ids[start : start + 500]))
            .values(status="missing", missing_since=now, updated_at=now)
        )


def relink(session: Session, track_id: uuid.UUID, candidate: Candidate, status: str) -> None:
    """Point a track at the new path of its moved file (its id, marks and playlists stay)."""
    session.execute(
        update(Track)
        .where(Track.id == track_id)
        .values(
            **_place(candidate.path),
            file_size_bytes=candidate.size,
            mtime_ns=candidate.mtime_ns,
            file_format=candidate.file_format,
            mime_type=MIME_TYPES.get(candidate.file_format),
            status=status,
            missing_since=None,
            updated_at=utcnow(),
        )
    )


def restore(session: Session, track_id: uuid.UUID, status: str) -> None:
    """A missing file is back at its path, unchanged."""
    session.execute(
        update(Track)
        .where(Track.id == track_id)
        .values(status=status, missing_since=None, updated_at=utcnow())
    )


@dataclass(frozen=True, slots=True)
class Written:
    """What writing one outcome did: 'ok', 'failed', 'moved' (joined an older row) or 'gone'."""

    result: str
    track_id: uuid.UUID | None = None
    reason: str | None = None


def write_outcome(session: Session, outcome: FileOutcome, now: datetime) -> Written:
    """Store one file's outcome in its track row, inside a savepoint of the batch's transaction.

    A value the store refuses (a CHECK constraint) turns the track into an error with the reason
    instead of failing the whole batch.
    """
    track_id = uuid.UUID(hex=outcome.job.track_id)
    try:
        with session.begin_nested():
            return _write(session, track_id, outcome, now)
    except (SQLAlchemyError, VectorSpaceError, ValueError) as error:
        reason = f"could not store the result: {type(error).__name__}: {error}".splitlines()[0]
        with session.begin_nested():
            track = session.get(Track, track_id, populate_existing=True)
            if track is None or track.path != outcome.job.path:
                return Written("gone")
            track.status = "error"
            track.error = reason
            track.scanned_at = now
        return Written("failed", track_id, reason)


def _write(session: Session, track_id: uuid.UUID, outcome: FileOutcome, now: datetime) -> Written:
    track = session.get(Track, track_id)
    if track is None or track.path != outcome.job.path:
        return Written("gone")  # deleted or relinked since the file was handed out
    result = outcome.analysis if outcome.error is None else None
    digest = outcome.content_hash or track.content_hash
    moved = False
    if result is not None and track.status == "pending" and digest is not None:
        twin = _moved_twin(session, track, digest, result.duration_s) or _retagged_twin(
            session, track, result
        )
        if twin is not None:
            # the same recording, imported before from a path that is gone: keep the old row
            place = {column: getattr(track, column) for column in _FILE_COLUMNS}
            session.delete(track)
            session.flush()
            for column, value in place.items():
                setattr(twin, column, value)
            track, moved = twin, True
    if outcome.size is not None:
        track.file_size_bytes = outcome.size
        track.mtime_ns = outcome.mtime_ns
    track.content_hash = digest
    track.scanned_at = now
    if outcome.tags is not None:
        for column, value in outcome.tags.track_columns().items():
            setattr(track, column, value)
        track.bit_rate = outcome.tags.bit_rate
    if result is None:
        track.status = "error"
        track.error = outcome.error or "no analysis result"
        if outcome.tags is not None and outcome.tags.duration_s is not None:
            track.duration_s = outcome.tags.duration_s
        return Written("failed", track.id, track.error)
    track.duration_s = result.duration_s
    track.sample_rate = result.sample_rate if 8000 <= result.sample_rate <= 768000 else None
    track.channels = result.channels if 1 <= result.channels <= 64 else None
    track.status = "ok"
    track.error = None
    track.missing_since = None
    _store_analysis(session, track, result, now)
    return Written("moved" if moved else "ok", track.id)


_FILE_COLUMNS = ("path", "folder", "file_name", "file_format", "mime_type")


def _moved_twin(session: Session, track: Track, digest: str, duration_s: float) -> Track | None:
    """An older track with the same content whose file is gone from its path, if any."""
    twins = session.scalars(
        select(Track).where(
            Track.owner_id == track.owner_id,
            Track.content_hash == digest,
            Track.id != track.id,
        )
    ).all()
    for twin in twins:
        if same_duration(twin.duration_s, duration_s) and not os.path.exists(twin.path):
            return twin
    return None


def _retagged_twin(session: Session, track: Track, result: AnalysisResult) -> Track | None:
    """An older track whose file is gone and whose audio analysed exactly alike (same analyser,
    duration, loudness, peak and beat times): the same recording, re-tagged as it moved, so its
    bytes (and hash) differ while its audio does not."""
    beats = np.asarray(result.beats, dtype="<f4").tobytes()
    if not beats:
        return None  # without beats, too little tells two recordings apart
    twins = session.scalars(
        select(Track)
        .join(TrackAnalysis, TrackAnalysis.track_id == Track.id)
        .where(
            Track.owner_id == track.owner_id,
            Track.id != track.id,
            Track.file_format == track.file_format,
            TrackAnalysis.algorithm == result.algorithm,
            TrackAnalysis.algorithm_version == result.version,
            TrackAnalysis.beats == beats,
            func.abs(Track.duration_s - result.duration_s) < 0.001,
            func.abs(TrackAnalysis.loudness_lufs - result.loudness_lufs) < 0.01,
            func.abs(TrackAnalysis.peak_dbfs - result.peak_dbfs) < 0.01,
        )
    ).all()
    return next((twin for twin in twins if not os.path.exists(twin.path)), None)


def _unit(value: float | None) -> float | None:
    """A 0-1 value, or None when it is not a number."""
    if value is None or not math.isfinite(value):
        return None
    return min(1.0, max(0.0, value))


def _finite(value: float | None, low: float = -math.inf, high: float = math.inf) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return min(high, max(low, value))


def _store_analysis(session: Session, track: Track, result: AnalysisResult, now: datetime) -> None:
    """Write the analysis row (overrides untouched), the analysed sections and the vector."""
    analysis = session.scalar(select(TrackAnalysis).where(TrackAnalysis.track_id == track.id))
    if analysis is None:
        analysis = TrackAnalysis(track_id=track.id, owner_id=track.owner_id)
        session.add(analysis)
    bpm = _finite(result.bpm)
    has_key = result.key_note is not None and result.scale in SCALES
    analysis.algorithm = result.algorithm
    analysis.algorithm_version = result.version
    analysis.analyzed_at = now
    analysis.bpm = bpm if bpm is not None and BPM_LOW <= bpm <= BPM_HIGH else None
    analysis.beat_offset_s = _finite(result.beat_offset_s, 0.0)
    analysis.beats = np.asarray(result.beats, dtype="<f4").tobytes()
    analysis.bpm_confidence = _unit(result.bpm_confidence)
    analysis.key_note = result.key_note % 12 if has_key and result.key_note is not None else None
    analysis.scale = result.scale if has_key else None
    analysis.key_confidence = _unit(result.key_confidence)
    analysis.loudness_lufs = _finite(result.loudness_lufs, -100.0, 10.0)
    analysis.peak_dbfs = _finite(result.peak_dbfs)
    analysis.energy = _unit(result.energy)
    analysis.danceability = _finite(result.danceability, 0.0)
    analysis.onset_rate = _finite(result.onset_rate, 0.0)
    analysis.waveform = np.asarray(result.waveform, dtype=np.uint8).tobytes()
    analysis.fingerprint = bytes(result.fingerprint)
    session.execute(
        delete(TrackSection).where(
            TrackSection.track_id == track.id, TrackSection.source == "analysis"
        )
    )
    for section in result.sections:
        if section.label not in SECTION_TYPES or not section.end_s > section.start_s >= 0:
            continue
        session.add(
            TrackSection(
                track_id=track.id,
                owner_id=track.owner_id,
                section_type=section.label,
                start_s=section.start_s,
                end_s=section.end_s,
                source="analysis",
                confidence=_unit(section.confidence),
            )
        )
    vectors.put(session, TRACK_VECTORS, track.id, result.features)
    _register_vector(session, track, result)


def _register_vector(session: Session, track: Track, result: AnalysisResult) -> None:
    """Record in `embeddings` which analyser made the track's vector (as every space does)."""
    row = session.scalar(
        select(Embedding).where(
            Embedding.entity_type == "track",
            Embedding.entity_id == track.id,
            Embedding.embedding_type == TRACK_EMBEDDING_TYPE,
        )
    )
    if row is None:
        row = Embedding(
            entity_type="track",
            entity_id=track.id,
            embedding_type=TRACK_EMBEDDING_TYPE,
            owner_id=track.owner_id,
        )
        session.add(row)
    row.vector_table = TRACK_VECTORS.table
    row.dimensions = TRACK_VECTORS.dimensions
    row.embedding_model = result.algorithm
    row.model_version = result.version
    row.generation_context = {"metric": TRACK_VECTORS.metric, "analysed_s": result.analysed_s}
