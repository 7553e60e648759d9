"""A pattern's feature vector (32 float32 numbers, unit length) and where it is stored.

The vector describes what a musician hears in a loop, not how it was made, so a hand-made
pattern and a generated one compare directly:

- 0-15  rhythm: for each sixteenth of the bar, the share of bars x parts with an onset there
- 16    density: onsets per step per part (x2, capped at 1)
- 17    syncopation: mean off-beat weight of the onsets (0 on the beat, 0.6 on the '&', 1 else)
- 18    velocity mean /127;  19 velocity spread (std /32);  20 accent contrast (beats vs off-beats)
- 21    mean note length in beats /4
- 22    motion: pitched, the mean leap of the top line /12; percussion, how much busier the last
        bar is than the others (fills)
- 23    register: pitched, the mean sounding pitch; percussion, the share of low drums
- 24-31 content: percussion, the share of onsets per role (kick, backbeat, cymbals, toms, hand
        drums, bells, shakers, other); pitched, the share of notes per scale degree (1-7) and
        out of the scale

Vectors live in the sqlite-vec table `pattern_vectors` (L2 on unit vectors, which orders like
cosine and scans faster), partitioned by the pattern's kind so "similar bass lines" scans only
bass lines; the `embeddings` table records the model and version that made each vector.
"""

from __future__ import annotations

import itertools
import math
import re
import uuid
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from museaud.music.scales import SCALE_INTERVALS, scale
from museaud.patterns.instruments import INSTRUMENTS
from museaud.patterns.model import BeatPattern, Part
from museaud.patterns.rows import to_pattern
from museaud.store.base import OWNER_KEY
from museaud.store.models.patterns import Embedding, Pattern
from museaud.store.vectors import VectorSpace, VectorSpaceError

FEATURE_MODEL = "museaud.pattern_features"
FEATURE_VERSION = "1"
DIMENSIONS = 32
EMBEDDING_TYPE = "pattern_features"
PATTERN_SPACE = VectorSpace("pattern_vectors", DIMENSIONS, metric="l2")
"""The pattern vectors' space; its table has a `kind` partition column: write it through
store_pattern_vector, not store.vectors.put."""

ROLES = ("kick", "backbeat", "cymbals", "toms", "hand_drums", "bells", "shakers", "other")
ROLE_OF = {
    "kick": "kick",
    "snare": "backbeat",
    "clap": "backbeat",
    "closed_hat": "cymbals",
    "open_hat": "cymbals",
    "pedal_hat": "cymbals",
    "ride": "cymbals",
    "crash": "cymbals",
    "tom_high": "toms",
    "tom_mid": "toms",
    "tom_low": "toms",
    "timbales": "toms",
    "tambora": "toms",
    "conga": "hand_drums",
    "bongo": "hand_drums",
    "bongo_bachata": "hand_drums",
    "clave": "bells",
    "cowbell": "bells",
    "timbale_bell": "bells",
    "guiro": "shakers",
    "maracas": "shakers",
    "guira": "shakers",
    "shaker": "shakers",
    "tambourine": "shakers",
}
"""Which role each percussion instrument plays in a groove (unknown ones count as 'other')."""


def is_percussion(instrument_id: str) -> bool:
    """True for drum-key instruments (and for unknown ids, which cannot be pitched safely)."""
    known = INSTRUMENTS.get(instrument_id)
    return known is None or known.is_percussion


def sounding_parts(pattern: BeatPattern) -> Iterator[Part]:
    """The parts that play: enabled and with notes in their active program."""
    return (part for part in pattern.parts if part.enabled and part.notes)


def offbeat_weight(step: int, steps_per_beat: int) -> float:
    """How syncopated an onset is: 0 on the beat, 0.6 on the half beat, 1 elsewhere."""
    within = step % steps_per_beat
    if within == 0:
        return 0.0
    return 0.6 if 2 * within == steps_per_beat else 1.0


@lru_cache(maxsize=32)
def _degree_bins(pattern_scale: str) -> tuple[int, ...]:
    """For each pitch class (tonic = 0): its degree 0-6 in the scale's harmony, 7 if outside."""
    harmony = scale(pattern_scale if pattern_scale in SCALE_INTERVALS else "major").harmony
    return tuple(7 if (d := harmony.degree_of(pc)) is None else d for pc in range(12))


def pattern_features(pattern: BeatPattern) -> npt.NDArray[np.float32]:
    """The pattern's 32-number description (see the module docstring), unit length; all zeros
    for a pattern that plays nothing."""
    features = [0.0] * DIMENSIONS
    parts = list(sounding_parts(pattern))
    if not parts:
        return np.zeros(DIMENSIONS, dtype=np.float32)
    steps_per_bar = pattern.steps_per_bar
    spb = pattern.steps_per_beat
    bars = pattern.bars
    last_bar = (bars - 1) * steps_per_bar
    weights = [offbeat_weight(within, spb) for within in range(spb)]
    degree_bins = _degree_bins(pattern.scale)
    notes_total = onsets = last_bar_onsets = 0
    syncopation = 0.0
    velocity_sum = velocity_squares = on_sum = on_count = off_sum = length_total = 0
    percussion_notes = pitched_notes = low_drums = sounding_pitch_total = 0
    roles = [0.0] * 8
    degrees = [0.0] * 8
    top_line: dict[int, int] = {}
    for part in parts:
        notes = part.notes
        count = len(notes)
        notes_total += count
        velocities = [n.velocity for n in notes]
        velocity_sum += sum(velocities)
        velocity_squares += sum(v * v for v in velocities)
        on_beat = [n.velocity for n in notes if n.step % spb == 0]
        on_sum += sum(on_beat)
        on_count += len(on_beat)
        length_total += sum(n.length for n in notes)
        if is_percussion(part.instrument):
            percussion_notes += count
            roles[ROLES.index(ROLE_OF.get(part.instrument, "other"))] += count
            low_drums += sum(1 for n in notes if n.pitch < 48)
        else:
            pitched_notes += count
            pitches = [n.pitch for n in notes]
            for pitch in pitches:
                degrees[degree_bins[pitch % 12]] += 1
            sounding_pitch_total += sum(pitches) + count * (pattern.key_note + part.pitch_offset)
            for n in notes:
                if n.pitch > top_line.get(n.step, -1):
                    top_line[n.step] = n.pitch
        steps = {n.step for n in notes}
        onsets += len(steps)
        for step in steps:
            features[min(15, step % steps_per_bar * 16 // steps_per_bar)] += 1.0
            syncopation += weights[step % spb]
            last_bar_onsets += step >= last_bar
    off_sum = velocity_sum - on_sum
    off_count = notes_total - on_count
    norm = bars * len(parts)
    for index in range(16):
        features[index] = min(1.0, features[index] / norm)
    features[16] = min(1.0, 2.0 * onsets / (pattern.total_steps * len(parts)))
    features[17] = syncopation / onsets if onsets else 0.0
    mean_velocity = velocity_sum / notes_total
    spread = math.sqrt(max(0.0, velocity_squares / notes_total - mean_velocity**2))
    features[18] = mean_velocity / 127.0
    features[19] = min(1.0, spread / 32.0)
    if on_count and off_count:
        contrast = (on_sum / on_count - off_sum / off_count) / 64.0
        features[20] = max(0.0, min(1.0, 0.5 + contrast))
    else:
        features[20] = 0.5
    features[21] = min(1.0, length_total / notes_total / spb / 4.0)
    if percussion_notes >= pitched_notes:
        if bars > 1:
            per_bar = (onsets - last_bar_onsets) / (bars - 1)
            features[22] = max(0.0, min(1.0, last_bar_onsets / per_bar - 1.0)) if per_bar else 0.0
        features[23] = low_drums / percussion_notes
        content, content_total = roles, float(percussion_notes)
    else:
        line = [top_line[step] for step in sorted(top_line)]
        leaps = [abs(b - a) for a, b in itertools.pairwise(line)]
        features[22] = min(1.0, sum(leaps) / len(leaps) / 12.0) if leaps else 0.0
        features[23] = max(0.0, min(1.0, (sounding_pitch_total / pitched_notes - 24) / 72.0))
        content, content_total = degrees, float(pitched_notes)
    for index in range(8):
        features[24 + index] = 0.8 * content[index] / content_total
    vector = np.asarray(features, dtype=np.float32)
    length = float(np.linalg.norm(vector))
    return vector / length if length > 0 else vector


def note_count(pattern: BeatPattern) -> int:
    """Notes that sound (enabled parts, active programs): the plainest measure of density."""
    return sum(len(part.notes) for part in sounding_parts(pattern))


# --- storage -------------------------------------------------------------------------------


def _create_sql() -> str:
    return (
        f"CREATE VIRTUAL TABLE {PATTERN_SPACE.table} USING vec0("
        f"entity_id TEXT PRIMARY KEY, embedding float[{DIMENSIONS}] distance_metric=l2, "
        "kind TEXT partition key)"
    )


def ensure_pattern_space(session: Session) -> None:
    """Create the pattern vector table if missing; if it was made with another shape (another
    dimension, no kind column), rebuild it from the stored patterns: vectors are derived data."""
    existing = session.execute(
        text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": PATTERN_SPACE.table}
    ).scalar()
    if existing is not None:
        match = re.search(r"float\[(\d+)\]", str(existing))
        shape_ok = match is not None and int(match.group(1)) == DIMENSIONS
        if shape_ok and "partition key" in str(existing) and "l2" in str(existing):
            return
        session.execute(text(f"DROP TABLE {PATTERN_SPACE.table}"))
        session.connection().exec_driver_sql(_create_sql())
        reindex_patterns(session)
        return
    session.connection().exec_driver_sql(_create_sql())


def _write(
    session: Session, pattern_id: uuid.UUID, kind: str, vector: npt.NDArray[np.float32]
) -> None:
    session.execute(
        text(f"DELETE FROM {PATTERN_SPACE.table} WHERE entity_id = :id"), {"id": pattern_id.hex}
    )
    session.execute(
        text(
            f"INSERT INTO {PATTERN_SPACE.table}(entity_id, embedding, kind) "
            "VALUES (:id, :embedding, :kind)"
        ),
        {"id": pattern_id.hex, "embedding": PATTERN_SPACE.as_blob(vector), "kind": kind},
    )


def _register(session: Session, pattern_id: uuid.UUID, kind: str) -> None:
    row = session.scalars(
        select(Embedding).where(
            Embedding.entity_type == "pattern",
            Embedding.entity_id == pattern_id,
            Embedding.embedding_type == EMBEDDING_TYPE,
        )
    ).first()
    if row is None:
        row = Embedding(
            entity_type="pattern",
            entity_id=pattern_id,
            embedding_type=EMBEDDING_TYPE,
            owner_id=session.info.get(OWNER_KEY),
        )
        session.add(row)
    row.vector_table = PATTERN_SPACE.table
    row.dimensions = DIMENSIONS
    row.embedding_model = FEATURE_MODEL
    row.model_version = FEATURE_VERSION
    row.generation_context = {"kind": kind, "metric": "l2 on unit vectors"}


def store_pattern_vector(
    session: Session, pattern_id: uuid.UUID, pattern: BeatPattern
) -> npt.NDArray[np.float32]:
    """Compute, store (replacing) and register the vector of a stored pattern; returns it."""
    vector = pattern_features(pattern)
    ensure_pattern_space(session)
    _write(session, pattern_id, pattern.kind, vector)
    _register(session, pattern_id, pattern.kind)
    return vector


def stored_vector(session: Session, pattern_id: uuid.UUID) -> npt.NDArray[np.float32] | None:
    """The stored vector of a pattern, or None if it has none."""
    ensure_pattern_space(session)
    blob = session.execute(
        text(f"SELECT embedding FROM {PATTERN_SPACE.table} WHERE entity_id = :id"),
        {"id": pattern_id.hex},
    ).scalar()
    return None if blob is None else np.frombuffer(blob, dtype=np.float32).copy()


def remove_pattern_vector(session: Session, pattern_id: uuid.UUID) -> None:
    """Forget a pattern's vector and its registration (no error if it had none)."""
    ensure_pattern_space(session)
    session.execute(
        text(f"DELETE FROM {PATTERN_SPACE.table} WHERE entity_id = :id"), {"id": pattern_id.hex}
    )
    for row in session.scalars(
        select(Embedding).where(
            Embedding.entity_type == "pattern",
            Embedding.entity_id == pattern_id,
            Embedding.embedding_type == EMBEDDING_TYPE,
        )
    ):
        session.delete(row)


def nearest_patterns(
    session: Session,
    vector: npt.ArrayLike,
    *,
    k: int = 10,
    kind: str | None = None,
) -> list[tuple[uuid.UUID, float]]:
    """The k stored patterns (of one kind, if given) nearest to vector, nearest first, with
    their cosine distances (0 = same shape, 1 = nothing in common)."""
    if k < 1:
        raise VectorSpaceError(f"k must be at least 1, got {k}")
    blob = PATTERN_SPACE.as_blob(vector)
    ensure_pattern_space(session)
    where = " AND kind = :kind" if kind is not None else ""
    rows = session.execute(
        text(
            f"SELECT entity_id, distance FROM {PATTERN_SPACE.table} "
            f"WHERE embedding MATCH :embedding AND k = :k{where} ORDER BY distance"
        ),
        {"embedding": blob, "k": k, "kind": kind},
    ).all()
    return [(uuid.UUID(hex=str(entity)), float(distance) ** 2 / 2) for entity, distance in rows]


def reindex_patterns(session: Session) -> int:
    """Recompute and store the vector of every stored pattern; returns how many."""
    ensure_pattern_space(session)
    count = 0
    for row in session.scalars(select(Pattern)):
        pattern = to_pattern(row)
        _write(session, row.id, pattern.kind, pattern_features(pattern))
        _register(session, row.id, pattern.kind)
        count += 1
    return count
