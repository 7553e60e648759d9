"""Similar and compatible tracks: the nearest neighbours of a track by its analysis features.

The feature vectors live in the store (`track_vectors`, sqlite-vec); its k-nearest query scans
them in about 12 ms on 100,000 tracks, so each store gets an in-process copy in an exact faiss
index (inner product of unit vectors = cosine): 0.7 ms on 100,000, and faster than sqlite-vec
at 1,000 and 10,000 too (benchmarks/library_similar.py). The copy is made on first use (0.25 s
for 100,000) and kept in step with the table by a check before every search (how many vectors
and the last row id, 0.2 ms on 100,000): new vectors are appended, anything else (a deleted or
replaced vector) rebuilds it.

Filters (harmonically compatible key, tempo window, hidden tracks) are checked in SQL on the
nearest candidates, so edits count at once; when too few candidates pass, the whole library is
filtered instead, so a filter never gives fewer than k tracks when k qualify.
"""

from __future__ import annotations

import functools
import json
import math
import threading
import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    Connection,
    Engine,
    Select,
    String,
    bindparam,
    func,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session

from museaud.library.records import TRACK_VECTORS
from museaud.library.tracks import track_rows_by_id
from museaud.music.keys import Key, are_neighbours, camelot_order, key_of_order
from museaud.store.models.library import SCALES, Track

FloatMatrix = npt.NDArray[np.float32]

TEMPO_FACTORS = (0.5, 1.0, 2.0)
"""A tempo window also matches half and double time: a 87 BPM track mixes with a 174 one."""
CANDIDATES_PER_RESULT = 2
"""Nearest candidates checked first per wanted track when only hidden tracks are left out."""
FIRST_CHECKED_PER_RESULT = 8
"""The same with key or tempo filters: a compatible key passes about one track in six, a
tempo window of a few percent one in three to ten."""
MOST_CANDIDATES = 4096
"""Past this many nearest candidates, ranking every track that passes the filters is cheaper
(few do) than checking more candidates (faiss's top-k heap slows down, the SQL grows)."""


class SimilarityError(ValueError):
    """A similar-tracks search that cannot run: unknown track, no vector, bad settings."""


@dataclass(frozen=True)
class _Snapshot:
    """The index as of one state of the table; never changed, swapped whole."""

    stamp: tuple[int, int, str]  # count, last rowid, entity at the last rowid
    ids: list[str]  # entity ids (track UUID hex), in index order
    positions: dict[str, int]
    matrix: FloatMatrix  # unit rows, in index order: a view of the vectors inside index
    index: Any  # faiss.IndexFlatIP


_EMPTY_STAMP = (0, 0, "")


def _empty_snapshot() -> _Snapshot:
    matrix = np.zeros((0, TRACK_VECTORS.dimensions), dtype=np.float32)
    return _Snapshot(_EMPTY_STAMP, [], {}, matrix, faiss.IndexFlatIP(matrix.shape[1]))


_TABLE_EXISTS = text("SELECT 1 FROM sqlite_master WHERE name = :name").bindparams(
    name=f"{TRACK_VECTORS.table}_rowids"
)
_ROWIDS, _CHUNKS = f"{TRACK_VECTORS.table}_rowids", f"{TRACK_VECTORS.table}_chunks"
_BITMAPS_AND_LAST = text(
    f"SELECT c.validity, (SELECT max(rowid) FROM {_ROWIDS}), "
    f"(SELECT id FROM {_ROWIDS} WHERE rowid = (SELECT max(rowid) FROM {_ROWIDS})) "
    f"FROM {_CHUNKS} AS c"
)


def _stamp(connection: Connection, known: bool) -> tuple[int, int, str]:
    """What changes whenever a vector is added, replaced or removed: how many there are (the
    set bits of vec0's validity bitmaps: 0.2 ms on 100,000, where count(*) takes 4 ms) and the
    last rowid (vec0's rowid table is AUTOINCREMENT: a new vector always gets a higher one).
    known: the table exists."""
    if not known and connection.execute(_TABLE_EXISTS).scalar() is None:
        return _EMPTY_STAMP
    rows = connection.execute(_BITMAPS_AND_LAST).all()
    if not rows or rows[0][1] is None:
        return _EMPTY_STAMP
    bitmaps = np.frombuffer(b"".join(row[0] for row in rows), np.uint8)
    return int(np.bitwise_count(bitmaps).sum()), int(rows[0][1]), str(rows[0][2])


def _read_vectors(connection: Connection, after_rowid: int) -> tuple[list[str], FloatMatrix]:
    """The vectors with a rowid above after_rowid: their entity ids and unit rows.

    Reads vec0's chunk tables directly (about 100 ms for 100,000 vectors, against 400-650 ms
    through the virtual table's row-by-row scan).
    """
    table, dimensions = TRACK_VECTORS.table, TRACK_VECTORS.dimensions
    found_names = connection.execute(
        text(f"SELECT rowid, id FROM {table}_rowids WHERE rowid > :after"), {"after": after_rowid}
    )
    names: dict[int, str] = {int(rowid): str(entity) for rowid, entity in found_names}
    if not names:
        return [], np.zeros((0, dimensions), dtype=np.float32)
    first_chunk = connection.execute(
        text(f"SELECT min(chunk_id) FROM {table}_rowids WHERE rowid > :after"),
        {"after": after_rowid},
    ).scalar_one()
    rowids: list[npt.NDArray[np.int64]] = []
    blocks: list[FloatMatrix] = []
    chunks = connection.execute(
        text(
            f"SELECT c.size, c.validity, c.rowids, v.vectors FROM {table}_chunks c "
            f"JOIN {table}_vector_chunks00 v ON v.rowid = c.chunk_id "
            "WHERE c.chunk_id >= :first ORDER BY c.chunk_id"
        ),
        {"first": first_chunk},
    )
    for size, validity, chunk_rowids, vectors in chunks:
        valid = np.unpackbits(np.frombuffer(validity, np.uint8), bitorder="little")[:size]
        found = np.frombuffer(chunk_rowids, np.int64)[:size]
        keep = (valid == 1) & (found > after_rowid)
        rowids.append(found[keep])
        blocks.append(np.frombuffer(vectors, np.float32).reshape(size, dimensions)[keep])
    all_rowids = [int(rowid) for rowid in np.concatenate(rowids)]
    if names.keys() != set(all_rowids):
        raise SimilarityError(
            f"{table}: its chunks hold {len(all_rowids)} vectors but its row ids {len(names)}; "
            "this sqlite-vec version may store vectors differently from 0.1.x"
        )
    matrix = np.concatenate(blocks).astype(np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms > 0, norms, 1.0)
    return [names[rowid] for rowid in all_rowids], matrix


def _build(stamp: tuple[int, int, str], previous: _Snapshot, connection: Connection) -> _Snapshot:
    """previous plus the new vectors when only some were added, else a fresh copy."""
    count, _, _ = stamp
    ids, matrix = _read_vectors(connection, previous.stamp[1])
    if len(previous.ids) + len(ids) != count:  # some were removed or replaced
        previous = _empty_snapshot()
        ids, matrix = _read_vectors(connection, 0)
    matrix = np.concatenate([previous.matrix, matrix]) if previous.ids else matrix
    index = faiss.IndexFlatIP(TRACK_VECTORS.dimensions)
    index.add(matrix)
    # the index keeps its own copy: use that one (a view, valid while the snapshot holds index)
    matrix = faiss.rev_swig_ptr(index.get_xb(), matrix.size).reshape(matrix.shape)
    all_ids = previous.ids + ids
    return _Snapshot(
        stamp=stamp,
        ids=all_ids,
        positions={entity: position for position, entity in enumerate(all_ids)},
        matrix=matrix,
        index=index,
    )


class TrackVectorIndex:
    """The in-process copy of one store's track vectors; safe to share between threads."""

    def __init__(self) -> None:
        self._snapshot = _empty_snapshot()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._snapshot.ids)

    def refresh(self, connection: Connection) -> None:
        """Bring the copy in step with the table as this connection sees it."""
        stamp = _stamp(connection, known=bool(self._snapshot.ids))
        if stamp == self._snapshot.stamp:
            return
        with self._lock:
            if stamp != self._snapshot.stamp:
                self._snapshot = _build(stamp, self._snapshot, connection)

    def vector(self, track_id: uuid.UUID) -> FloatMatrix | None:
        """The (unit) feature vector of a track (a copy), or None when it has none."""
        snapshot = self._snapshot
        position = snapshot.positions.get(track_id.hex)
        return None if position is None else snapshot.matrix[position].copy()

    def nearest(self, vector: FloatMatrix, count: int) -> list[tuple[str, float]]:
        """The count entity ids nearest to vector, nearest first, with cosine distances."""
        snapshot = self._snapshot
        count = min(count, len(snapshot.ids))
        if count == 0:
            return []
        # One query is too small to share out: with OpenMP threads waiting for a busy core it
        # takes 50 ms instead of 1 (this sets the calling thread's OpenMP team only).
        faiss.omp_set_num_threads(1)
        similarities, positions = snapshot.index.search(vector.reshape(1, -1), count)
        return [
            (snapshot.ids[position], 1.0 - similarity)
            for similarity, position in zip(
                similarities[0].tolist(), positions[0].tolist(), strict=True
            )
            if position >= 0
        ]

    def distances(self, vector: FloatMatrix, entity_ids: Sequence[str]) -> list[tuple[float, str]]:
        """Cosine distance from vector to each of these entities that has a vector."""
        snapshot = self._snapshot
        held = [entity for entity in entity_ids if entity in snapshot.positions]
        rows = snapshot.matrix[[snapshot.positions[entity] for entity in held]]
        return list(zip((1.0 - rows @ vector).tolist(), held, strict=True))


_INDEXES: weakref.WeakKeyDictionary[Engine, TrackVectorIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def track_index(session: Session) -> TrackVectorIndex:
    """The vector index of the session's store, brought in step with what the session sees."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with _INDEXES_LOCK:
        index = _INDEXES.get(engine)
        if index is None:
            index = _INDEXES[engine] = TrackVectorIndex()
    index.refresh(session.connection())
    return index


_TRACK_HEX = type_coerce(Track.id, String)


def compatible_keys(key: Key) -> list[Key]:
    """The keys that mix with key on the Camelot wheel: itself, its relative, a fifth either way."""
    return [
        other
        for other in (Key(note, scale) for note in range(12) for scale in SCALES)
        if are_neighbours(key, other)
    ]


def tempo_window(bpm: float, percent: float) -> list[tuple[float, float]]:
    """The BPM ranges within percent of bpm, at half, the same and double tempo."""
    share = percent / 100.0
    return [(bpm * factor * (1 - share), bpm * factor * (1 + share)) for factor in TEMPO_FACTORS]


@dataclass(frozen=True)
class _Seed:
    """The track to find neighbours of: what the filters compare with."""

    name: str
    bpm: float | None
    key: Key | None


_SEED_QUERY = select(Track.title, Track.file_name, Track.effective_bpm, Track.effective_key).where(
    bindparam("track") == _TRACK_HEX
)


def _seed(connection: Connection, track_id: uuid.UUID) -> _Seed:
    row = connection.execute(_SEED_QUERY, {"track": track_id.hex}).one_or_none()
    if row is None:
        raise SimilarityError(f"no track with id {track_id}")
    title, file_name, bpm, key_order = row
    return _Seed(title or file_name, bpm, None if key_order is None else key_of_order(key_order))


@functools.cache
def _filter_query(among: bool, include_hidden: bool, by_key: bool, by_tempo: bool) -> Select[str]:
    """Track ids passing the filters, among the ids bound to "among" or in the whole library.

    Made once per combination, so SQLAlchemy compiles each only once. It reads the tempo and
    key to trust (override, else analysis) from the indexed copies kept on `tracks`."""
    query = select(_TRACK_HEX)
    if among:  # a JSON array: one parameter, however many ids
        listed = func.json_each(bindparam("among")).table_valued("value")
        query = query.where(_TRACK_HEX.in_(select(listed.c.value)))
    if not include_hidden:
        query = query.where(Track.is_hidden.is_(False))
    if by_key:
        query = query.where(Track.effective_key.in_(bindparam("keys", expanding=True)))
    if by_tempo:
        windows = range(len(TEMPO_FACTORS))
        query = query.where(
            or_(
                *(
                    Track.effective_bpm.between(bindparam(f"low{i}"), bindparam(f"high{i}"))
                    for i in windows
                )
            )
        )
    return query


@dataclass(frozen=True)
class _Filters:
    """What a neighbour must be: not hidden, in a compatible key, near the tempo."""

    include_hidden: bool
    keys: list[int] | None  # Camelot orders
    tempi: list[tuple[float, float]] | None

    @classmethod
    def of(
        cls,
        seed: _Seed | None,
        compatible_key: bool,
        bpm_within: float | None,
        include_hidden: bool,
    ) -> _Filters:
        """The filters for seed (which must be given when compatible_key or bpm_within is)."""
        keys = tempi = None
        if compatible_key:
            assert seed is not None
            if seed.key is None:
                raise SimilarityError(
                    f"{seed.name!r} has no key to compare with: analyse it or set its key first"
                )
            keys = [camelot_order(key) for key in compatible_keys(seed.key)]
        if bpm_within is not None:
            assert seed is not None
            if seed.bpm is None:
                raise SimilarityError(
                    f"{seed.name!r} has no tempo to compare with: analyse it or set its BPM first"
                )
            tempi = tempo_window(seed.bpm, bpm_within)
        return cls(include_hidden, keys, tempi)

    @property
    def narrow(self) -> bool:
        """True when key or tempo filters leave out many tracks."""
        return self.keys is not None or self.tempi is not None

    def passing(self, connection: Connection, among: Sequence[str] | None) -> set[str]:
        """Which of these entity ids (None: the whole library) are tracks that pass."""
        query = _filter_query(
            among is not None, self.include_hidden, self.keys is not None, self.tempi is not None
        )
        params: dict[str, Any] = {"keys": self.keys}
        if among is not None:
            params["among"] = json.dumps(among)
        for number, (low, high) in enumerate(self.tempi or ()):
            params[f"low{number}"], params[f"high{number}"] = low, high
        return set(connection.execute(query, params).scalars().all())


def _nearest_passing(
    connection: Connection,
    index: TrackVectorIndex,
    vector: FloatMatrix,
    *,
    itself: str,
    filters: _Filters,
    k: int,
) -> list[tuple[str, float]]:
    """The k nearest tracks that pass the filters, as (entity id, distance), nearest first.

    Checks the nearest few candidates, then as many more as the share that passed so far says
    are needed (twice that, to be safe); when that would be more than the tracks expected to
    pass in the whole library, or more than MOST_CANDIDATES, ranks every track that passes."""
    per_result = FIRST_CHECKED_PER_RESULT if filters.narrow else CANDIDATES_PER_RESULT
    stop, checked = (k + 1) * per_result + 1, 0
    # a narrow filter usually needs a second batch: fetch it with the first (the scan of every
    # vector costs the same either way)
    candidates = index.nearest(vector, stop * (4 if filters.narrow else 1))
    found: list[tuple[str, float]] = []
    while True:
        if len(candidates) < stop:
            candidates = index.nearest(vector, stop)
        batch = [candidate for candidate in candidates[checked:stop] if candidate[0] != itself]
        passing = filters.passing(connection, [entity for entity, _ in batch])
        found.extend(candidate for candidate in batch if candidate[0] in passing)
        checked = min(stop, len(candidates))
        if len(found) >= k or checked >= len(index):
            return found[:k]
        share = (len(found) + 1) / (checked + 1)
        more = math.ceil(2 * (k - len(found)) / share)
        if more > share * len(index) or checked + more > MOST_CANDIDATES:
            break
        stop = checked + more
    qualifying = filters.passing(connection, None) - {itself}
    ranked = sorted(index.distances(vector, list(qualifying)))
    return [(entity, distance) for distance, entity in ranked[:k]]


def similar_tracks(
    session: Session,
    track_id: uuid.UUID,
    *,
    k: int = 10,
    compatible_key: bool = False,
    bpm_within: float | None = None,
    include_hidden: bool = False,
) -> list[dict[str, Any]]:
    """The k tracks that sound most like track_id, nearest first, never the track itself.

    Rows are `track_rows` rows plus "distance" (cosine, 0 = same direction) and "similarity"
    (0-1, 1 = the same sound). `compatible_key` keeps tracks whose key (override or analysis)
    mixes with this track's on the Camelot wheel (the same key, its relative, a fifth up or
    down); `bpm_within` keeps tracks within that many percent of its tempo, or of half or
    double it. Hidden tracks are left out unless include_hidden.
    """
    if k < 1:
        raise SimilarityError(f"k must be at least 1, got {k}")
    if bpm_within is not None and not 0 < bpm_within < 100:
        raise SimilarityError(f"the tempo window must be between 0 and 100 %, not {bpm_within}")
    connection = session.connection()
    # the track's own tempo and key are needed for the filters only: without them its row is
    # fetched with the neighbours', which saves a query
    narrow = compatible_key or bpm_within is not None
    seed = _seed(connection, track_id) if narrow else None
    index = track_index(session)
    vector = index.vector(track_id)
    if vector is None:
        name = (seed or _seed(connection, track_id)).name
        raise SimilarityError(
            f"{name!r} has no sound features yet: analyse it first (museaud import on its folder)"
        )
    filters = _Filters.of(seed, compatible_key, bpm_within, include_hidden)
    found = _nearest_passing(connection, index, vector, itself=track_id.hex, filters=filters, k=k)
    distances = {uuid.UUID(hex=entity): distance for entity, distance in found}
    rows = track_rows_by_id(session, [track_id, *distances])
    if not rows or rows[0]["id"] != str(track_id):
        raise SimilarityError(f"no track with id {track_id}")
    for row in rows[1:]:
        distance = distances[uuid.UUID(row["id"])]
        row["distance"] = round(distance, 6)
        row["similarity"] = round(min(1.0, max(0.0, 1.0 - distance)), 4)
    return rows[1:]
