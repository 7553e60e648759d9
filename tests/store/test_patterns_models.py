"""Constraints and cascades of patterns, generation sessions, styles, feedback and taste."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session
from tests.store.samples import patterns as pattern_samples
from tests.support.store import add_and_flush, assert_refused, count

from museaud.store.base import new_id
from museaud.store.models import accounts, library, patterns, playlists, songs
from museaud.store.models.accounts import User
from museaud.store.models.library import Track
from museaud.store.models.patterns import (
    Embedding,
    Feedback,
    GenerationSession,
    LearningProgress,
    MusicalStyle,
    Pattern,
    PatternStyle,
    TasteProfile,
)
from museaud.store.models.songs import Lyrics, Project

# every table the patterns module refers to: users, tracks, projects, lyrics
assert accounts and library and patterns and playlists and songs


def make_track(owner: uuid.UUID) -> Track:
    return Track(
        id=new_id(),
        owner_id=owner,
        path="/music/groove.wav",
        folder="/music",
        file_name="groove.wav",
        file_format="wav",
    )


def make_pattern(owner: uuid.UUID, **values: Any) -> Pattern:
    values.setdefault("title", "Groove")
    values.setdefault("flavor", "Salsa")
    values.setdefault("key_note", 0)
    return Pattern(id=new_id(), owner_id=owner, **values)


def make_session(owner: uuid.UUID, **values: Any) -> GenerationSession:
    values.setdefault("session_type", "drum_generation")
    return GenerationSession(id=new_id(), owner_id=owner, **values)


def make_lyrics(owner: uuid.UUID) -> Lyrics:
    return Lyrics(id=new_id(), owner_id=owner, content="Mira como baila")


def test_sample_rows_are_accepted(session: Session, owner: uuid.UUID) -> None:
    track = make_track(owner)
    add_and_flush(session, track)
    ctx: dict[str, Any] = {"users": session.get(User, owner), "tracks": track}
    add_and_flush(session, *pattern_samples.rows(ctx))
    session.commit()
    pattern = session.get(Pattern, ctx["patterns"].id)
    assert pattern is not None
    assert pattern.configuration["instruments"][1]["id"] == "cowbell"
    assert pattern.midi_data is not None and pattern.midi_data.startswith(b"MThd")


# --- patterns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"kind": "beat", "bpm": 300.0}, "beat_bpm_range"),
        ({"kind": "beat", "bpm": 79.0}, "beat_bpm_range"),
        ({"key_note": 12}, "key_note_range"),
        ({"key_note": -1}, "key_note_range"),
        ({"kind": "bass", "bpm": 10.0}, "bpm_range"),
        ({"kind": "bass", "bpm": 401.0}, "bpm_range"),
        ({"kind": "polka"}, "kind_choice"),
        ({"origin": "stolen"}, "origin_choice"),
        ({"engine_name": "kazoo"}, "engine_name_choice"),
        ({"scale": "bebop"}, "scale_choice"),
        ({"clave": "1-2"}, "clave_choice"),
        ({"time_signature": "44"}, "time_signature_format"),
        ({"bars": 0}, "bars_positive"),
        ({"steps_per_beat": 0}, "steps_per_beat_positive"),
        ({"title": ""}, "title_not_empty"),
        ({"kind": "beat", "flavor": None}, "beat_flavor_key_required"),
        ({"kind": "beat", "key_note": None}, "beat_flavor_key_required"),
        ({"like_count": -1}, "like_count_not_negative"),
        ({"play_count": -1}, "play_count_not_negative"),
        ({"fork_count": -1}, "fork_count_not_negative"),
        ({"comment_count": -1}, "comment_count_not_negative"),
        ({"usage_count": -1}, "usage_count_not_negative"),
        ({"generation_time_ms": -5}, "generation_time_ms_not_negative"),
        ({"duration_ms": -5}, "duration_ms_not_negative"),
        ({"complexity_score": 1.5}, "complexity_score_range"),
        ({"quality_score": -0.1}, "quality_score_range"),
        ({"user_rating": 6.0}, "user_rating_range"),
        ({"user_rating": 0.0}, "user_rating_range"),
    ],
)
def test_pattern_refuses_bad_values(
    session: Session, owner: uuid.UUID, values: dict[str, Any], constraint: str
) -> None:
    assert_refused(session, make_pattern(owner, **values), match=constraint)


def test_beat_at_300_bpm_is_refused(session: Session, owner: uuid.UUID) -> None:
    assert_refused(session, make_pattern(owner, kind="beat", bpm=300.0), match="beat_bpm_range")


def test_key_note_12_is_refused(session: Session, owner: uuid.UUID) -> None:
    assert_refused(session, make_pattern(owner, key_note=12), match="key_note_range")


def test_generated_bass_at_70_bpm_is_allowed(session: Session, owner: uuid.UUID) -> None:
    bass = make_pattern(
        owner, kind="bass", origin="generated", engine_name="bass", flavor=None, bpm=70.0
    )
    add_and_flush(session, bass)
    session.commit()
    assert session.get(Pattern, bass.id) is not None


@pytest.mark.parametrize("bpm", [80.0, 180.5, 250.0])
def test_beat_bpm_limits_are_inclusive(session: Session, owner: uuid.UUID, bpm: float) -> None:
    add_and_flush(session, make_pattern(owner, kind="beat", bpm=bpm))


def test_triplet_grid_and_melodic_part_without_key_are_allowed(
    session: Session, owner: uuid.UUID
) -> None:
    add_and_flush(
        session,
        make_pattern(owner, kind="beat", time_signature="6/8", steps_per_beat=3, clave="3-2"),
        make_pattern(owner, kind="drums", origin="generated", flavor=None, key_note=None),
    )


def test_pattern_defaults(session: Session, owner: uuid.UUID) -> None:
    pattern = Pattern(id=new_id(), owner_id=owner, title="Groove", flavor="Salsa", key_note=7)
    add_and_flush(session, pattern)
    session.commit()
    session.expire_all()
    stored = session.get(Pattern, pattern.id)
    assert stored is not None
    assert (stored.kind, stored.origin, stored.time_signature) == ("beat", "user", "4/4")
    assert (stored.bpm, stored.bars, stored.steps_per_beat) == (120.0, 1, 4)
    assert stored.configuration == {} and stored.is_public is False
    assert stored.like_count == stored.play_count == stored.fork_count == 0


def test_deleting_original_pattern_keeps_forks(session: Session, owner: uuid.UUID) -> None:
    original = make_pattern(owner)
    fork = make_pattern(owner, origin="fork", original_pattern_id=original.id)
    add_and_flush(session, original, fork)
    session.commit()
    session.execute(delete(Pattern).where(Pattern.id == original.id))
    session.commit()
    session.expire_all()
    stored = session.get(Pattern, fork.id)
    assert stored is not None and stored.original_pattern_id is None


def test_deleting_pattern_deletes_its_styles_and_feedback(
    session: Session, owner: uuid.UUID
) -> None:
    pattern = make_pattern(owner)
    style = MusicalStyle(id=new_id(), name="Son")
    link = PatternStyle(
        id=new_id(), owner_id=owner, pattern_id=pattern.id, style_id=style.id, confidence=0.8
    )
    feedback = Feedback(id=new_id(), owner_id=owner, pattern_id=pattern.id, rating=4.0)
    add_and_flush(session, pattern, style, link, feedback)
    session.commit()
    session.execute(delete(Pattern).where(Pattern.id == pattern.id))
    session.commit()
    assert count(session, PatternStyle) == 0
    assert count(session, Feedback) == 0
    assert count(session, MusicalStyle) == 1


def test_deleting_track_unlinks_patterns_and_sessions(session: Session, owner: uuid.UUID) -> None:
    track = make_track(owner)
    generation = make_session(owner, input_track_id=track.id)
    pattern = make_pattern(owner, rendered_track_id=track.id)
    add_and_flush(session, track, generation, pattern)
    session.commit()
    session.execute(delete(Track).where(Track.id == track.id))
    session.commit()
    session.expire_all()
    stored_session = session.get(GenerationSession, generation.id)
    stored_pattern = session.get(Pattern, pattern.id)
    assert stored_session is not None and stored_session.input_track_id is None
    assert stored_pattern is not None and stored_pattern.rendered_track_id is None


# --- generation sessions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"session_type": "karaoke"}, "session_type_choice"),
        ({"current_step": "dreaming"}, "current_step_choice"),
        ({"completion_percentage": 100.5}, "completion_percentage_range"),
        ({"completion_percentage": -1.0}, "completion_percentage_range"),
        ({"user_satisfaction_score": 6.0}, "user_satisfaction_score_range"),
    ],
)
def test_generation_session_refuses_bad_values(
    session: Session, owner: uuid.UUID, values: dict[str, Any], constraint: str
) -> None:
    assert_refused(session, make_session(owner, **values), match=constraint)


def test_generation_session_needs_no_project(session: Session, owner: uuid.UUID) -> None:
    generation = make_session(owner)
    add_and_flush(session, generation)
    session.commit()
    assert generation.project_id is None and generation.current_step == "analysis"


def test_deleting_project_deletes_its_sessions(session: Session, owner: uuid.UUID) -> None:
    project = Project(id=new_id(), owner_id=owner, name="EP")
    generation = make_session(owner, project_id=project.id)
    add_and_flush(session, project, generation)
    session.commit()
    session.execute(delete(Project).where(Project.id == project.id))
    session.commit()
    assert count(session, GenerationSession) == 0


def test_deleting_session_keeps_its_patterns_and_drops_its_feedback(
    session: Session, owner: uuid.UUID
) -> None:
    generation = make_session(owner)
    pattern = make_pattern(owner, origin="generated", generation_session_id=generation.id)
    feedback = Feedback(id=new_id(), owner_id=owner, session_id=generation.id, rating=3.0)
    add_and_flush(session, generation, pattern, feedback)
    session.commit()
    session.execute(delete(GenerationSession).where(GenerationSession.id == generation.id))
    session.commit()
    session.expire_all()
    stored = session.get(Pattern, pattern.id)
    assert stored is not None and stored.generation_session_id is None
    assert count(session, Feedback) == 0


# --- styles -----------------------------------------------------------------------------------


def test_style_name_is_unique(session: Session) -> None:
    add_and_flush(session, MusicalStyle(id=new_id(), name="Merengue"))
    assert_refused(session, MusicalStyle(id=new_id(), name="Merengue"), match="UNIQUE")


def test_deleting_parent_style_keeps_children(session: Session) -> None:
    parent = MusicalStyle(id=new_id(), name="Afro-Cuban")
    child = MusicalStyle(id=new_id(), name="Son montuno", parent_style_id=parent.id)
    add_and_flush(session, parent, child)
    session.commit()
    session.execute(delete(MusicalStyle).where(MusicalStyle.id == parent.id))
    session.commit()
    session.expire_all()
    stored = session.get(MusicalStyle, child.id)
    assert stored is not None and stored.parent_style_id is None


def test_pattern_style_is_unique_and_confidence_bounded(session: Session, owner: uuid.UUID) -> None:
    pattern = make_pattern(owner)
    style = MusicalStyle(id=new_id(), name="Timba")
    add_and_flush(session, pattern, style)
    session.commit()

    def link(confidence: float) -> PatternStyle:
        return PatternStyle(
            id=new_id(),
            owner_id=owner,
            pattern_id=pattern.id,
            style_id=style.id,
            confidence=confidence,
        )

    assert_refused(session, link(1.2), match="confidence_range")
    add_and_flush(session, link(0.9))
    session.commit()
    assert_refused(session, link(0.5), match="UNIQUE")
    session.execute(delete(MusicalStyle).where(MusicalStyle.id == style.id))
    session.commit()
    assert count(session, PatternStyle) == 0


# --- feedback ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column",
    [
        "rating",
        "creativity_rating",
        "relevance_rating",
        "quality_rating",
        "musical_accuracy",
        "style_appropriateness",
        "technical_quality",
    ],
)
@pytest.mark.parametrize("value", [6.0, 0.0])
def test_feedback_ratings_are_one_to_five(
    session: Session, owner: uuid.UUID, column: str, value: float
) -> None:
    pattern = make_pattern(owner)
    add_and_flush(session, pattern)
    session.commit()
    feedback = Feedback(id=new_id(), owner_id=owner, pattern_id=pattern.id, **{column: value})
    assert_refused(session, feedback, match=f"{column}_range")


def test_rating_of_6_is_refused(session: Session, owner: uuid.UUID) -> None:
    pattern = make_pattern(owner)
    add_and_flush(session, pattern)
    session.commit()
    feedback = Feedback(id=new_id(), owner_id=owner, pattern_id=pattern.id, rating=6.0)
    assert_refused(session, feedback, match="rating_range")


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"feedback_type": "shrug"}, "feedback_type_choice"),
        ({"action": "framed"}, "action_choice"),
    ],
)
def test_feedback_refuses_bad_choices(
    session: Session, owner: uuid.UUID, values: dict[str, Any], constraint: str
) -> None:
    pattern = make_pattern(owner)
    add_and_flush(session, pattern)
    session.commit()
    feedback = Feedback(id=new_id(), owner_id=owner, pattern_id=pattern.id, **values)
    assert_refused(session, feedback, match=constraint)


def test_feedback_needs_a_target(session: Session, owner: uuid.UUID) -> None:
    assert_refused(session, Feedback(id=new_id(), owner_id=owner, rating=4.0), match="has_target")


def test_one_feedback_per_user_per_lyrics(session: Session, owner: uuid.UUID) -> None:
    lyrics = make_lyrics(owner)
    pattern = make_pattern(owner)
    add_and_flush(
        session,
        lyrics,
        pattern,
        Feedback(id=new_id(), owner_id=owner, lyrics_id=lyrics.id, rating=5.0),
        # feedback without lyrics never collides: many per pattern are fine
        Feedback(id=new_id(), owner_id=owner, pattern_id=pattern.id, rating=4.0),
        Feedback(id=new_id(), owner_id=owner, pattern_id=pattern.id, feedback_type="behavioral"),
    )
    session.commit()
    second = Feedback(id=new_id(), owner_id=owner, lyrics_id=lyrics.id, rating=2.0)
    assert_refused(session, second, match="UNIQUE")


def test_deleting_lyrics_deletes_their_feedback(session: Session, owner: uuid.UUID) -> None:
    lyrics = make_lyrics(owner)
    add_and_flush(
        session, lyrics, Feedback(id=new_id(), owner_id=owner, lyrics_id=lyrics.id, rating=5.0)
    )
    session.commit()
    session.execute(delete(Lyrics).where(Lyrics.id == lyrics.id))
    session.commit()
    assert count(session, Feedback) == 0


# --- taste, learning, embeddings --------------------------------------------------------------


def test_one_taste_profile_per_engine_and_one_for_all(session: Session, owner: uuid.UUID) -> None:
    def profile(engine: str | None) -> TasteProfile:
        return TasteProfile(id=new_id(), owner_id=owner, engine_name=engine)

    add_and_flush(session, profile("drums"), profile("bass"), profile(None))
    session.commit()
    assert_refused(session, profile("drums"), match="UNIQUE")
    assert_refused(session, profile(None), match="UNIQUE")


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"engine_name": "theremin"}, "engine_name_choice"),
        ({"confidence_score": 1.1}, "confidence_score_range"),
        ({"learning_sample_count": -1}, "learning_sample_count_not_negative"),
    ],
)
def test_taste_profile_refuses_bad_values(
    session: Session, owner: uuid.UUID, values: dict[str, Any], constraint: str
) -> None:
    assert_refused(session, TasteProfile(id=new_id(), owner_id=owner, **values), match=constraint)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"skill_area": "juggling"}, "skill_area_choice"),
        ({"current_level": "guru"}, "current_level_choice"),
        ({"previous_level": "guru"}, "previous_level_choice"),
        ({"accuracy_score": 1.5}, "accuracy_score_range"),
        ({"consistency_score": -0.5}, "consistency_score_range"),
        ({"creativity_score": 2.0}, "creativity_score_range"),
        ({"total_practice_time_minutes": -1}, "total_practice_time_minutes_not_negative"),
    ],
)
def test_learning_progress_refuses_bad_values(
    session: Session, owner: uuid.UUID, values: dict[str, Any], constraint: str
) -> None:
    values.setdefault("skill_area", "rhythm")
    row = LearningProgress(id=new_id(), owner_id=owner, **values)
    assert_refused(session, row, match=constraint)


def make_embedding(entity_id: uuid.UUID, **values: Any) -> Embedding:
    values.setdefault("entity_type", "pattern")
    values.setdefault("dimensions", 512)
    return Embedding(
        id=new_id(),
        entity_id=entity_id,
        embedding_type="musical_features",
        vector_table="vec_pattern_features",
        embedding_model="museaud-pattern-features",
        model_version="1.0",
        **values,
    )


def test_embedding_is_unique_per_entity_and_type(session: Session) -> None:
    entity = new_id()
    add_and_flush(session, make_embedding(entity))
    add_and_flush(session, make_embedding(entity, entity_type="track"))
    session.commit()
    assert_refused(session, make_embedding(entity), match="UNIQUE")


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"entity_type": "sandwich"}, "entity_type_choice"),
        ({"dimensions": 0}, "dimensions_positive"),
        ({"confidence_score": 1.5}, "confidence_score_range"),
    ],
)
def test_embedding_refuses_bad_values(
    session: Session, values: dict[str, Any], constraint: str
) -> None:
    assert_refused(session, make_embedding(new_id(), **values), match=constraint)


def test_deleting_user_deletes_everything_they_own(session: Session, owner: uuid.UUID) -> None:
    track = make_track(owner)
    add_and_flush(session, track)
    ctx: dict[str, Any] = {"users": session.get(User, owner), "tracks": track}
    add_and_flush(session, *pattern_samples.rows(ctx))
    session.commit()
    session.execute(delete(User).where(User.id == owner))
    session.commit()
    for model in (
        GenerationSession,
        Pattern,
        PatternStyle,
        Feedback,
        TasteProfile,
        LearningProgress,
        Embedding,
    ):
        assert count(session, model) == 0, model.__name__
    assert count(session, MusicalStyle) == 1  # the sample style is built in
