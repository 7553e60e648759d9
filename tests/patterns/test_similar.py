"""Feature vectors and similar patterns: every generated pattern is indexed in sqlite-vec and
registered; the nearest to a pattern is its near-duplicate; the engine filter keeps one kind."""

from __future__ import annotations

import uuid
from dataclasses import replace

import numpy as np
import pytest
from sqlalchemy import select, text

from museaud.app import App
from museaud.patterns.features import (
    DIMENSIONS,
    FEATURE_MODEL,
    FEATURE_VERSION,
    PATTERN_SPACE,
    nearest_patterns,
    pattern_features,
    stored_vector,
)
from museaud.patterns.generation import (
    generate_and_store,
    similar_patterns,
)
from museaud.patterns.generators import GenerationRequest, generate
from museaud.patterns.model import Note
from museaud.patterns.service import delete_pattern, load_pattern, save_pattern, update_pattern
from museaud.store.models.patterns import Embedding, Pattern
from museaud.store.vectors import VectorSpace, put


def made(engine: str, style: str, seed: int, **knobs: float) -> GenerationRequest:
    return GenerationRequest(engine=engine, style=style, seed=seed, **knobs)  # type: ignore[arg-type]


def test_features_are_a_fixed_size_unit_vector() -> None:
    for engine in ("drums", "bass", "chords", "melody"):
        vector = pattern_features(generate(made(engine, "salsa", 1)))
        assert vector.dtype == np.float32 and vector.shape == (DIMENSIONS,)
        assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)
        assert np.all(vector >= 0)


def test_features_hear_density_and_content() -> None:
    sparse = generate(made("drums", "funk", 1, density=0.0, complexity=0.0))
    dense = generate(made("drums", "funk", 1, density=1.0, complexity=1.0))
    silent = replace(sparse, parts=tuple(p.with_notes([]) for p in sparse.parts))
    assert np.all(pattern_features(silent) == 0)

    def raw(pattern: object) -> np.ndarray:  # undo the normalisation to compare magnitudes
        vector = pattern_features(pattern)  # type: ignore[arg-type]
        return vector / vector[18]  # divided by the mean velocity, which both share closely

    assert raw(dense)[16] > raw(sparse)[16]  # onsets per step
    kick, backbeat, cymbals = pattern_features(sparse)[24:27]
    assert kick > 0 and backbeat > 0 and cymbals > 0
    melody = pattern_features(generate(made("melody", "pop", 1)))
    assert melody[31] == 0  # no note outside the scale


def test_generated_patterns_are_indexed_and_registered(app: App) -> None:
    with app.session() as session:
        generated = generate_and_store(session, made("chords", "bachata", 2))
        vector = stored_vector(session, generated.id)
        assert vector is not None
        assert np.allclose(vector, pattern_features(generated.pattern))
        row = session.scalars(select(Embedding).where(Embedding.entity_id == generated.id)).one()
        assert row.entity_type == "pattern" and row.vector_table == PATTERN_SPACE.table
        assert row.embedding_model == FEATURE_MODEL and row.model_version == FEATURE_VERSION
        assert row.dimensions == DIMENSIONS and row.owner_id == app.local_user_id
        stored = session.get(Pattern, generated.id)
        assert stored is not None and stored.origin == "generated"
        assert stored.engine_name == "chords" and stored.seed == 2
        assert stored.quality_score == pytest.approx(generated.quality.score, abs=1e-4)
        assert stored.generation_algorithm == "museaud.chords/roman-voice-leading"
        assert stored.generation_time_ms is not None and stored.generation_time_ms >= 0
        assert stored.generation_parameters["style"] == "bachata"
        assert "quality" in stored.configuration["metadata"]


def _library(app: App) -> dict[str, list[uuid.UUID]]:
    ids: dict[str, list[uuid.UUID]] = {}
    with app.session() as session:
        for engine in ("drums", "bass", "chords", "melody"):
            for style in ("salsa", "house", "funk", "reggaeton"):
                for seed in range(3):
                    request = made(engine, style, seed, complexity=0.3 * seed, density=0.4)
                    ids.setdefault(engine, []).append(generate_and_store(session, request).id)
    return ids


def test_the_nearest_pattern_is_its_near_duplicate(app: App) -> None:
    ids = _library(app)
    with app.session() as session:
        original_id = ids["drums"][4]
        original = load_pattern(session, original_id).pattern
        part = original.parts[0]
        first = part.notes[0]
        touched = part.with_notes(
            [Note(first.step, first.pitch, max(1, first.velocity - 5)), *part.notes[1:]]
        )
        copy = replace(original, title="my edit", parts=(touched, *original.parts[1:]))
        copy_id = save_pattern(session, copy)  # saving indexes it

        found = similar_patterns(session, original_id, k=5)
        assert found[0][0].id == copy_id and found[0][1] < 0.01
        assert all(saved.id != original_id for saved, _ in found)
        distances = [distance for _, distance in found]
        assert distances == sorted(distances)

        with_self = similar_patterns(session, original_id, k=3, include_self=True)
        assert {with_self[0][0].id, with_self[1][0].id} == {original_id, copy_id}
        assert with_self[0][1] == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("engine", ["drums", "bass", "chords", "melody"])
def test_the_engine_filter_keeps_one_kind(app: App, engine: str) -> None:
    ids = _library(app)
    with app.session() as session:
        probe = ids["drums"][0]
        found = similar_patterns(session, probe, k=8, engine=engine)
        assert len(found) == 8
        assert {saved.pattern.kind for saved, _ in found} == {engine}
        unfiltered = similar_patterns(session, probe, k=40)
        assert len({saved.pattern.kind for saved, _ in unfiltered}) > 1


def test_sqlite_vec_agrees_with_brute_force(app: App) -> None:
    ids = _library(app)
    with app.session() as session:
        every = [pid for group in ids.values() for pid in group]
        matrix = np.stack([stored_vector(session, pid) for pid in every])  # type: ignore[misc]
        query = matrix[7]
        cosine = 1.0 - matrix @ query
        expected = [every[i] for i in np.argsort(cosine, kind="stable")[:6]]
        found = nearest_patterns(session, query, k=6)
        assert [pid for pid, _ in found][:1] == expected[:1]
        assert {pid for pid, _ in found} == set(expected)
        assert [d for _, d in found] == pytest.approx(sorted(cosine)[:6], abs=1e-5)


def test_hand_made_patterns_are_indexed_when_saved_and_edited(app: App) -> None:
    with app.session() as session:
        pattern = generate(made("bass", "rock", 4))
        saved_id = save_pattern(session, replace(pattern, kind="bass"))
        assert stored_vector(session, saved_id) is not None
        other = generate_and_store(session, made("bass", "rock", 5)).id
        found = similar_patterns(session, saved_id, k=3)
        assert [saved.id for saved, _ in found] == [other]
        before = stored_vector(session, saved_id)
        update_pattern(session, saved_id, generate(made("bass", "rock", 9)))
        after = stored_vector(session, saved_id)
        assert before is not None and after is not None and not np.allclose(before, after)


def test_deleted_patterns_leave_no_vector_behind(app: App) -> None:
    with app.session() as session:
        keep = generate_and_store(session, made("melody", "funk", 1)).id
        gone = generate_and_store(session, made("melody", "funk", 2)).id
        stale = generate_and_store(session, made("melody", "funk", 3)).id
        delete_pattern(session, gone)
        delete_pattern(session, stale)
        session.flush()
        assert stored_vector(session, gone) is None
        assert session.scalars(select(Embedding).where(Embedding.entity_id == gone)).first() is None
        found = similar_patterns(session, keep, k=5)
        assert found == []
        assert stored_vector(session, stale) is None


def test_a_vector_table_of_another_shape_is_rebuilt(app: App) -> None:
    with app.session() as session:
        kept = generate_and_store(session, made("drums", "house", 1)).id
        session.execute(text(f"DROP TABLE {PATTERN_SPACE.table}"))
        put(session, VectorSpace(PATTERN_SPACE.table, DIMENSIONS, "l2"), uuid.uuid4(), np.ones(32))
        other = generate_and_store(session, made("drums", "house", 2)).id
        found = similar_patterns(session, other, k=3)
        assert [saved.id for saved, _ in found] == [kept]


def test_bad_similarity_questions_are_refused(app: App) -> None:
    with app.session() as session:
        pid = generate_and_store(session, made("drums", "rock", 1)).id
        with pytest.raises(ValueError, match="engine 'vocals' is not one of"):
            similar_patterns(session, pid, engine="vocals")
        with pytest.raises(ValueError, match="k must be at least 1"):
            similar_patterns(session, pid, k=0)
