"""Fixtures for the model tests: a session on a fresh SQLite file with every table, and an owner."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.support.store import add_user, schema_engine

from museaud.store.models.accounts import User


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    """A session on a real SQLite file holding the whole schema (made from the models)."""
    engine = schema_engine(tmp_path / "t.sqlite")
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def user(session: Session) -> User:
    """A stored user to own the rows a test makes (on whatever `session` the module uses)."""
    return add_user(session)


@pytest.fixture
def owner(user: User) -> uuid.UUID:
    """The id of `user`."""
    return user.id
