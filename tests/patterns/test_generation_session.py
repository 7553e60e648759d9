"""The steering rules of a sitting at the generator, without a window: what the user does with
a generated pattern becomes feedback (regenerated, modified, or the verdict given)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.app import App
from museaud.patterns.generation import GenerationSession
from museaud.patterns.generators import GenerationRequest
from museaud.patterns.service import delete_pattern
from museaud.patterns.steering import FeedbackError
from museaud.store.models.patterns import Feedback

REQUEST = GenerationRequest(engine="drums", style="house", seed=3)


def actions(session: Session, pattern_id: uuid.UUID) -> list[tuple[float | None, str | None]]:
    rows = session.scalars(select(Feedback).where(Feedback.pattern_id == pattern_id))
    return [(row.rating, row.action) for row in rows]


def test_generating_again_before_a_verdict_counts_as_regenerated(app: App) -> None:
    sitting = GenerationSession()
    with app.session() as session:
        first = sitting.generate(session, REQUEST)
        assert sitting.waiting == first.id and actions(session, first.id) == []
        second = sitting.generate(session, REQUEST)
        assert actions(session, first.id) == [(None, "regenerated")]
        assert actions(session, second.id) == [] and sitting.waiting == second.id


def test_a_verdict_is_recorded_once_and_ends_the_wait(app: App) -> None:
    sitting = GenerationSession()
    with app.session() as session:
        made = sitting.generate(session, REQUEST)
        assert sitting.judge(session, 5, "kept") == made.id
        assert sitting.waiting is None
        assert sitting.judge(session, 1, "discarded") is None  # nothing waits any more
        sitting.generate(session, REQUEST)
        assert actions(session, made.id) == [(5, "kept")]  # judged: never "regenerated"


def test_a_verdict_that_says_nothing_keeps_the_pattern_waiting(app: App) -> None:
    sitting = GenerationSession()
    with app.session() as session:
        made = sitting.generate(session, REQUEST)
        with pytest.raises(FeedbackError):
            sitting.judge(session)
        assert sitting.waiting == made.id


def test_saving_the_waiting_pattern_with_edits_counts_as_modified(app: App) -> None:
    sitting = GenerationSession()
    with app.session() as session:
        made = sitting.generate(session, REQUEST)
        assert not sitting.saved(session, made.id, edited=False)  # saved as generated
        assert not sitting.saved(session, uuid.uuid4(), edited=True)  # another pattern
        assert sitting.waiting == made.id and actions(session, made.id) == []
        assert sitting.saved(session, made.id, edited=True)
        assert actions(session, made.id) == [(None, "modified")] and sitting.waiting is None


def test_a_deleted_pattern_is_neither_waiting_nor_regenerated(app: App) -> None:
    sitting = GenerationSession()
    with app.session() as session:
        made = sitting.generate(session, REQUEST)
        delete_pattern(session, made.id)
        sitting.generate(session, REQUEST)  # the deleted one cannot be judged: no error
        assert not sitting.deleted(made.id)
        assert sitting.deleted(sitting.waiting or uuid.uuid4()) and sitting.waiting is None


def test_a_sitting_can_resume_from_a_stored_pattern(app: App) -> None:
    with app.session() as session:
        made = GenerationSession().generate(session, REQUEST)
    with app.session() as session:  # as `museaud pattern generate --instead-of ID` does
        GenerationSession(made.id).generate(session, REQUEST)
        assert actions(session, made.id) == [(None, "regenerated")]
