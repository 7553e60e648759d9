"""Fixtures for the model tests: a session on a fresh SQLite file with every table, and an owner."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from museaud.store.base import Base, new_id
from museaud.store.database import sqlite_engine
from museaud.store.models import metadata  # registers every table before create_all
from museaud.store.models.accounts import User

assert metadata is Base.metadata


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    """A session on a real SQLite file holding the whole schema (made from the models)."""
    engine = sqlite_engine(tmp_path / "t.sqlite")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def owner(session: Session) -> uuid.UUID:
    """A stored user to own the rows a test makes."""
    user = User(id=new_id(), username="sonero")
    session.add(user)
    session.commit()
    return user.id
