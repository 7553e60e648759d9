"""Feature vectors in sqlite-vec tables beside the rows they describe, for nearest neighbours.

A vector space is one vec0 table with a fixed dimension, keyed by the described row's UUID (hex).
The tables hold derived data (from analysis or generation), so they are made on first use and can
be rebuilt; the `embeddings` table records which model and version made each vector.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

METRICS = ("cosine", "l2", "l1")


class VectorSpaceError(ValueError):
    """A vector that does not fit its space, or a space stored with another shape."""


@dataclass(frozen=True)
class VectorSpace:
    """One kind of vector: a table name, a dimension and a distance metric."""

    table: str
    dimensions: int
    metric: str = "cosine"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]*_vectors", self.table):
            raise VectorSpaceError(f"vector table name {self.table!r} must look like 'xxx_vectors'")
        if not 1 <= self.dimensions <= 8192:
            raise VectorSpaceError(f"{self.table}: {self.dimensions} dimensions is out of range")
        if self.metric not in METRICS:
            raise VectorSpaceError(f"{self.table}: metric {self.metric!r} is not one of {METRICS}")

    def create_sql(self) -> str:
        """The CREATE VIRTUAL TABLE statement for this space."""
        return (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} USING vec0("
            f"entity_id TEXT PRIMARY KEY, embedding float[{self.dimensions}] "
            f"distance_metric={self.metric})"
        )

    def as_blob(self, vector: npt.ArrayLike) -> bytes:
        """The vector as float32 bytes, after checking its shape and values."""
        array = np.asarray(vector, dtype=np.float32)
        if array.shape != (self.dimensions,):
            raise VectorSpaceError(
                f"{self.table} holds {self.dimensions}-dimensional vectors, got shape {array.shape}"
            )
        if not np.all(np.isfinite(array)):
            raise VectorSpaceError(f"{self.table}: vector has NaN or infinite values")
        return array.tobytes()


def ensure_space(connection: Connection, space: VectorSpace) -> None:
    """Create the space's table if missing; refuse if it exists with another dimension."""
    existing = connection.execute(
        text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": space.table}
    ).scalar()
    if existing is None:
        connection.exec_driver_sql(space.create_sql())
        return
    match = re.search(r"float\[(\d+)\]", str(existing))
    if match is None or int(match.group(1)) != space.dimensions:
        found = match.group(1) if match else "?"
        raise VectorSpaceError(
            f"{space.table} was made for {found}-dimensional vectors, not {space.dimensions}; "
            "rebuild it (the vectors are derived data)"
        )


def put(session: Session, space: VectorSpace, entity_id: uuid.UUID, vector: npt.ArrayLike) -> None:
    """Store or replace the vector of one row."""
    blob = space.as_blob(vector)
    ensure_space(session.connection(), space)
    session.execute(text(f"DELETE FROM {space.table} WHERE entity_id = :id"), {"id": entity_id.hex})
    session.execute(
        text(f"INSERT INTO {space.table}(entity_id, embedding) VALUES (:id, :embedding)"),
        {"id": entity_id.hex, "embedding": blob},
    )


def remove(session: Session, space: VectorSpace, entity_id: uuid.UUID) -> None:
    """Forget the vector of one row (no error if it had none)."""
    ensure_space(session.connection(), space)
    session.execute(text(f"DELETE FROM {space.table} WHERE entity_id = :id"), {"id": entity_id.hex})


def nearest(
    session: Session, space: VectorSpace, vector: npt.ArrayLike, k: int = 10
) -> list[tuple[uuid.UUID, float]]:
    """The k rows whose vectors are closest to vector, closest first, with their distances."""
    if k < 1:
        raise VectorSpaceError(f"k must be at least 1, got {k}")
    blob = space.as_blob(vector)
    ensure_space(session.connection(), space)
    rows = session.execute(
        text(
            f"SELECT entity_id, distance FROM {space.table} "
            "WHERE embedding MATCH :embedding AND k = :k ORDER BY distance"
        ),
        {"embedding": blob, "k": k},
    ).all()
    return [(uuid.UUID(hex=str(entity)), float(distance)) for entity, distance in rows]
