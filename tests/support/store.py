"""Store helpers: migrated stores to copy, a SQLite file with every table, users, refused rows."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from museaud.app import App
from museaud.paths import Paths
from museaud.store.base import Base, new_id
from museaud.store.database import sqlite_engine
from museaud.store.models import metadata  # registers every table before create_all
from museaud.store.models.accounts import User

assert metadata is Base.metadata


def paths_under(root: Path) -> Paths:
    """The folders of an installation of its own below root (created)."""
    return Paths(root / "data", root / "config", root / "cache", root / "logs").ensure()


def open_copy(migrated_store: Path, paths: Paths) -> App:
    """A museaud on paths whose store starts as a copy of a migrated store file (the session
    fixture `migrated_store`): opening it needs no migration."""
    shutil.copyfile(migrated_store, paths.store_file)
    return App.open(paths)


def schema_engine(path: Path) -> Engine:
    """An engine on a real SQLite file holding the whole schema (made from the models)."""
    engine = sqlite_engine(path)
    Base.metadata.create_all(engine)
    return engine


def add_user(session: Session, name: str = "sonero") -> User:
    """A stored (committed) user."""
    user = User(id=new_id(), username=name)
    session.add(user)
    session.commit()
    return user


def add_and_flush(session: Session, *rows: Any) -> None:
    session.add_all(rows)
    session.flush()


def assert_refused(session: Session, *rows: Any, match: str | None = None) -> None:
    """Adding rows fails with an IntegrityError whose message names the broken constraint (a
    fragment of it); the session is rolled back."""
    with pytest.raises(IntegrityError, match=match):
        add_and_flush(session, *rows)
    session.rollback()


def count(session: Session, model: type[Any]) -> int:
    """How many rows the model's table holds."""
    return session.scalar(select(func.count()).select_from(model)) or 0
