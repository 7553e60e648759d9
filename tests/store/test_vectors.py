"""sqlite-vec vector spaces: nearest neighbours agree with a brute-force numpy search."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from museaud.app import App
from museaud.store.vectors import VectorSpace, VectorSpaceError, nearest, put, remove

SPACE = VectorSpace("probe_vectors", 16)


def test_nearest_matches_brute_force_cosine(app: App) -> None:
    rng = np.random.default_rng(7)
    vectors = {uuid.uuid4(): rng.normal(size=16).astype(np.float32) for _ in range(300)}
    with app.session() as session:
        for entity, vector in vectors.items():
            put(session, SPACE, entity, vector)
    query = rng.normal(size=16).astype(np.float32)
    ids = list(vectors)
    matrix = np.stack([vectors[i] for i in ids])
    cosine = 1 - matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query))
    expected = [ids[i] for i in np.argsort(cosine)[:10]]
    with app.session() as session:
        found = nearest(session, SPACE, query, k=10)
    assert [entity for entity, _ in found] == expected
    assert [d for _, d in found] == pytest.approx(sorted(cosine)[:10], abs=1e-5)


def test_put_replaces_and_remove_forgets(app: App) -> None:
    entity = uuid.uuid4()
    with app.session() as session:
        put(session, SPACE, entity, np.ones(16))
        put(session, SPACE, entity, -np.ones(16))
        [(found, distance)] = nearest(session, SPACE, -np.ones(16), k=5)
        assert found == entity and distance == pytest.approx(0, abs=1e-6)
        remove(session, SPACE, entity)
        assert nearest(session, SPACE, np.ones(16), k=5) == []


@pytest.mark.parametrize(
    ("vector", "message"),
    [(np.ones(15), r"16-dimensional vectors, got shape \(15,\)"), ([np.nan] * 16, "NaN")],
)
def test_bad_vectors_are_refused(app: App, vector: object, message: str) -> None:
    with app.session() as session, pytest.raises(VectorSpaceError, match=message):
        put(session, SPACE, uuid.uuid4(), vector)  # type: ignore[arg-type]


def test_a_space_stored_with_another_dimension_is_refused(app: App) -> None:
    with app.session() as session:
        put(session, SPACE, uuid.uuid4(), np.ones(16))
    with app.session() as session, pytest.raises(VectorSpaceError, match="made for 16-dim"):
        nearest(session, VectorSpace("probe_vectors", 32), np.ones(32))
