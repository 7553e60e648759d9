"""The library models' constraints and cascades, on a real SQLite file."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session
from tests.support.store import add_user, assert_refused, count

from museaud.store.base import new_id
from museaud.store.models import accounts, library
from museaud.store.models.accounts import User
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

assert accounts and library  # imported for their tables


def make_track(owner_id: uuid.UUID, **values: Any) -> Track:
    name = values.pop("file_name", f"{uuid.uuid4().hex}.wav")
    fields: dict[str, Any] = {
        "id": new_id(),
        "owner_id": owner_id,
        "path": f"/music/{name}",
        "folder": "/music",
        "file_name": name,
        "file_format": "wav",
    }
    fields.update(values)
    return Track(**fields)


def add_track(session: Session, owner_id: uuid.UUID, **values: Any) -> Track:
    track = make_track(owner_id, **values)
    session.add(track)
    session.commit()
    return track


@pytest.fixture
def track(session: Session, user: User) -> Track:
    return add_track(session, user.id)


def test_valid_track_gets_defaults(session: Session, track: Track) -> None:
    session.refresh(track)
    assert track.status == "pending"
    assert track.origin == "library"
    assert (track.play_count, track.skip_count, track.is_favorite) == (0, 0, False)
    assert track.custom_metadata == {}


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("file_format", "wma"),
        ("origin", "download"),
        ("status", "gone"),
        ("rating", 0),
        ("rating", 6),
        ("channels", 0),
        ("sample_rate", 1000),
        ("bit_rate", 0),
        ("file_size_bytes", -1),
        ("duration_s", -0.5),
        ("play_count", -1),
        ("skip_count", -1),
        ("popularity_score", 100.5),
        ("year", 99),
        ("track_number", -1),
        ("tag_bpm", 0),
    ],
)
def test_track_rejects_bad_values(session: Session, user: User, column: str, value: Any) -> None:
    assert_refused(session, make_track(user.id, **{column: value}), match=f"ck_tracks_{column}_")


def test_missing_track_needs_missing_since(session: Session, user: User) -> None:
    assert_refused(session, make_track(user.id, status="missing"), match="missing_has_since")
    add_track(session, user.id, status="missing", missing_since=datetime.now(UTC))


def test_track_path_unique_per_owner(session: Session, user: User) -> None:
    add_track(session, user.id, file_name="a.wav")
    assert_refused(session, make_track(user.id, file_name="a.wav"), match="UNIQUE")
    other = add_user(session, "ben")
    add_track(session, other.id, file_name="a.wav")


def make_analysis(track: Track, **values: Any) -> TrackAnalysis:
    fields: dict[str, Any] = {
        "id": new_id(),
        "owner_id": track.owner_id,
        "track_id": track.id,
        "algorithm_version": "1",
    }
    fields.update(values)
    return TrackAnalysis(**fields)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"bpm": 5.0}, "bpm_range"),
        ({"bpm": 500.0}, "bpm_range"),
        ({"key_note": 12, "scale": "major"}, "key_note_range"),
        ({"key_note": -1, "scale": "major"}, "key_note_range"),
        ({"key_note": 3, "scale": "dorian"}, "scale_choice"),
        ({"key_note": 3}, "key_with_scale"),
        ({"scale": "minor"}, "key_with_scale"),
        ({"key_confidence": 1.5}, "key_confidence_range"),
        ({"bpm_confidence": -0.1}, "bpm_confidence_range"),
        ({"energy": 1.1}, "energy_range"),
        ({"danceability": -1.0}, "danceability_not_negative"),
        ({"onset_rate": -1.0}, "onset_rate_not_negative"),
        ({"beat_offset_s": -0.1}, "beat_offset_s_not_negative"),
        ({"loudness_lufs": -120.0}, "loudness_lufs_range"),
        ({"analysis_quality_score": 2.0}, "analysis_quality_score_range"),
        ({"confidence_threshold": 1.5}, "confidence_threshold_range"),
        ({"manual_override": True, "bpm_override": 1000.0}, "bpm_override_range"),
        (
            {"manual_override": True, "key_note_override": 12, "scale_override": "minor"},
            "key_note_override_range",
        ),
        (
            {"manual_override": True, "key_note_override": 9, "scale_override": "lydian"},
            "scale_override_choice",
        ),
        ({"manual_override": True, "key_note_override": 9}, "key_override_with_scale"),
        ({"manual_override": True}, "override_has_value"),
    ],
)
def test_analysis_rejects_bad_values(
    session: Session, track: Track, values: dict[str, Any], constraint: str
) -> None:
    assert_refused(session, make_analysis(track, **values), match=f"ck_track_analysis_{constraint}")


def test_analysis_accepts_override_and_defaults(session: Session, track: Track) -> None:
    analysis = make_analysis(
        track,
        bpm=119.9,
        key_note=0,
        scale="major",
        manual_override=True,
        key_note_override=9,
        scale_override="minor",
        beats=b"\x00\x00\x00\x00",
    )
    session.add(analysis)
    session.commit()
    session.refresh(analysis)
    assert analysis.confidence_threshold == 0.7
    assert analysis.algorithm == "essentia"
    assert track.analysis is analysis


def test_one_analysis_per_track(session: Session, track: Track) -> None:
    session.add(make_analysis(track))
    session.commit()
    assert_refused(session, make_analysis(track), match="UNIQUE")


def make_section(track: Track, **values: Any) -> TrackSection:
    fields: dict[str, Any] = {
        "id": new_id(),
        "owner_id": track.owner_id,
        "track_id": track.id,
        "section_type": "verse",
        "start_s": 8.0,
        "end_s": 32.0,
    }
    fields.update(values)
    return TrackSection(**fields)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"start_s": 32.0, "end_s": 32.0}, "end_after_start"),
        ({"start_s": 40.0, "end_s": 32.0}, "end_after_start"),
        ({"start_s": -1.0}, "start_s_not_negative"),
        ({"section_type": "solo"}, "section_type_choice"),
        ({"source": "guess"}, "source_choice"),
        ({"confidence": 1.2}, "confidence_range"),
    ],
)
def test_section_rejects_bad_values(
    session: Session, track: Track, values: dict[str, Any], constraint: str
) -> None:
    assert_refused(session, make_section(track, **values), match=f"ck_track_sections_{constraint}")


def test_sections_ordered_by_start(session: Session, track: Track) -> None:
    session.add_all(
        [
            make_section(track, section_type="chorus", start_s=32.0, end_s=64.0),
            make_section(track, section_type="intro", start_s=0.0, end_s=8.0),
        ]
    )
    session.commit()
    session.expire(track)
    assert [section.section_type for section in track.sections] == ["intro", "chorus"]


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"split_percentage": 100.01}, "split_percentage_range"),
        ({"split_percentage": -1.0}, "split_percentage_range"),
        ({"role": "dj"}, "role_choice"),
    ],
)
def test_creator_rejects_bad_values(
    session: Session, track: Track, values: dict[str, Any], constraint: str
) -> None:
    creator = TrackCreator(
        id=new_id(), owner_id=track.owner_id, track_id=track.id, creator_name="John", **values
    )
    assert_refused(session, creator, match=f"ck_track_creators_{constraint}")


def make_tag(track: Track, tag: str, kind: str = "tag") -> TrackTag:
    return TrackTag(id=new_id(), owner_id=track.owner_id, track_id=track.id, tag=tag, kind=kind)


def test_tag_unique_per_track_and_kind(session: Session, track: Track) -> None:
    session.add_all([make_tag(track, "summer"), make_tag(track, "summer", kind="mood")])
    session.commit()
    assert_refused(session, make_tag(track, "summer"), match="UNIQUE")


def test_tag_kind_is_checked(session: Session, track: Track) -> None:
    assert_refused(
        session, make_tag(track, "summer", kind="genre"), match="ck_track_tags_kind_choice"
    )


def make_similarity(source: Track, target: Track, **values: Any) -> TrackSimilarity:
    fields: dict[str, Any] = {
        "id": new_id(),
        "owner_id": source.owner_id,
        "source_track_id": source.id,
        "target_track_id": target.id,
        "similarity_type": "essentia",
        "similarity_score": 0.8,
    }
    fields.update(values)
    return TrackSimilarity(**fields)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"similarity_type": "tensorflow"}, "similarity_type_choice"),
        ({"similarity_score": 1.5}, "similarity_score_range"),
        ({"similarity_score": -0.1}, "similarity_score_range"),
        ({"confidence_score": 2.0}, "confidence_score_range"),
    ],
)
def test_similarity_rejects_bad_values(
    session: Session, user: User, track: Track, values: dict[str, Any], constraint: str
) -> None:
    other = add_track(session, user.id)
    assert_refused(
        session, make_similarity(track, other, **values), match=f"ck_track_similarity_{constraint}"
    )


def test_similarity_not_to_itself(session: Session, track: Track) -> None:
    assert_refused(session, make_similarity(track, track), match="ck_track_similarity_not_self")


def test_similarity_unique_per_pair_and_type(session: Session, user: User, track: Track) -> None:
    other = add_track(session, user.id)
    session.add_all(
        [make_similarity(track, other), make_similarity(track, other, similarity_type="vector")]
    )
    session.commit()
    assert_refused(session, make_similarity(track, other), match="UNIQUE")


def fill_track(session: Session, track: Track, other: Track) -> None:
    """Give track one row in every child table, and a similarity each way with other."""
    owner_id = track.owner_id
    session.add_all(
        [
            make_analysis(track, bpm=120.0),
            make_section(track),
            TrackCreator(id=new_id(), owner_id=owner_id, track_id=track.id, creator_name="J"),
            TrackInstrument(id=new_id(), owner_id=owner_id, track_id=track.id),
            TrackSample(id=new_id(), owner_id=owner_id, track_id=track.id),
            make_tag(track, "summer"),
            make_similarity(track, other),
            make_similarity(other, track),
        ]
    )
    session.commit()


CHILDREN = (
    TrackAnalysis,
    TrackSection,
    TrackCreator,
    TrackInstrument,
    TrackSample,
    TrackTag,
    TrackSimilarity,
)


@pytest.mark.parametrize("how", ["sql", "orm"])
def test_deleting_track_deletes_its_rows(
    session: Session, user: User, track: Track, how: str
) -> None:
    other = add_track(session, user.id)
    fill_track(session, track, other)
    assert all(count(session, model) > 0 for model in CHILDREN)
    if how == "sql":
        session.execute(delete(Track).where(Track.id == track.id))
    else:
        session.delete(track)
    session.commit()
    assert [count(session, model) for model in CHILDREN] == [0] * len(CHILDREN)
    assert count(session, Track) == 1


def test_deleting_owner_deletes_library(session: Session, user: User, track: Track) -> None:
    other = add_track(session, user.id)
    fill_track(session, track, other)
    session.execute(delete(User).where(User.id == user.id))
    session.commit()
    assert count(session, Track) == 0
    assert [count(session, model) for model in CHILDREN] == [0] * len(CHILDREN)


def test_deleting_override_author_keeps_analysis(
    session: Session, user: User, track: Track
) -> None:
    editor = add_user(session, "ben")
    analysis = make_analysis(track, manual_override=True, bpm_override=128.0)
    analysis.override_by_id = editor.id
    session.add(analysis)
    session.commit()
    session.execute(delete(User).where(User.id == editor.id))
    session.commit()
    session.refresh(analysis)
    assert analysis.override_by_id is None
    assert analysis.bpm_override == 128.0
