"""The whole data model on SQLite and PostgreSQL 15: every table takes a row, constraints hold,
and the migrations build exactly the schema the models describe."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from museaud.app import App
from museaud.store.migrate import alembic_config
from museaud.store.models import metadata
from museaud.store.models.library import Track
from museaud.store.models.patterns import Feedback, Pattern
from museaud.store.text import search

SAMPLE_MODULES = (
    "accounts",
    "library",
    "playlists",
    "patterns",
    "social",
    "songs",
    "system",
    "sync",
)


def sample_rows() -> list[Any]:
    """One valid row (or more) for every table, built by each model module's samples."""
    ctx: dict[str, Any] = {}
    made: list[Any] = []
    for name in SAMPLE_MODULES:
        made += importlib.import_module(f"tests.store.samples.{name}").rows(ctx)
    return made


def insert_all(session: Session) -> None:
    for row in sample_rows():
        session.add(row)
        session.flush()  # one at a time: self-references (forks, replies) need their parent first


def assert_every_table_has_rows(session: Session) -> None:
    empty = [
        name
        for name, table in metadata.tables.items()
        if session.execute(select(func.count()).select_from(table)).scalar_one() == 0
    ]
    assert empty == [], f"tables without a sample row: {empty}"


def schema_differences(connection: Any) -> list[Any]:
    """What autogenerate would change: nothing, if the migrations match the models."""

    def ours(name: str | None, type_: str, parent: object) -> bool:
        return not (
            type_ == "table"
            and name is not None
            and (name == "alembic_version" or "_fts" in name or name.endswith("_vectors"))
        )

    context = MigrationContext.configure(
        connection, opts={"include_name": ours, "compare_type": True}
    )
    return list(compare_metadata(context, metadata))


def test_full_schema_on_sqlite_takes_a_row_in_every_table(app: App) -> None:
    with app.store.session() as session:
        insert_all(session)
    with app.store.session() as session:
        assert_every_table_has_rows(session)
        track = session.scalars(select(Track).where(Track.title == "Summer Vibes")).one()
        assert track.id in search(session, "tracks", "summ")  # FTS5 triggers filled the index


@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index"
)
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_sqlite_migrations_build_exactly_the_models(app: App) -> None:
    with app.store.engine.connect() as connection:
        assert schema_differences(connection) == []


@pytest.mark.postgres
def test_full_schema_migrates_on_postgresql_and_takes_a_row_in_every_table(
    postgres_engine: Engine,
) -> None:
    with postgres_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version is not None
        assert schema_differences(connection) == []
        server = connection.execute(text("SHOW server_version_num")).scalar_one()
        assert int(server) >= 150000
    with Session(postgres_engine) as session, session.begin():
        insert_all(session)
    with Session(postgres_engine) as session:
        assert_every_table_has_rows(session)


@pytest.mark.postgres
def test_models_create_cleanly_on_postgresql(postgres_engine: Engine) -> None:
    metadata.create_all(postgres_engine)
    with Session(postgres_engine) as session, session.begin():
        insert_all(session)


def _bad_values() -> list[Any]:
    return [
        pytest.param(Pattern, {"bpm": 300}, id="beat pattern at 300 bpm"),
        pytest.param(Pattern, {"key_note": 12}, id="key note 12"),
        pytest.param(Feedback, {"rating": 6}, id="rating 6"),
        pytest.param(Track, {"rating": 6}, id="track rating 6"),
    ]


def _refuses(engine: Engine, model: type, change: dict[str, Any]) -> None:
    with Session(engine) as session, session.begin():
        insert_all(session)
    with Session(engine) as session:
        row = session.scalars(select(model).limit(1)).one()
        for name, value in change.items():
            setattr(row, name, value)
        with pytest.raises(IntegrityError, match=r"CHECK|check"):
            session.commit()


@pytest.mark.parametrize(("model", "change"), _bad_values())
def test_constraints_refuse_bad_values_on_sqlite(
    app: App, model: type, change: dict[str, Any]
) -> None:
    _refuses(app.store.engine, model, change)


@pytest.mark.postgres
@pytest.mark.parametrize(("model", "change"), _bad_values())
def test_constraints_refuse_bad_values_on_postgresql(
    postgres_engine: Engine, model: type, change: dict[str, Any]
) -> None:
    metadata.create_all(postgres_engine)
    _refuses(postgres_engine, model, change)
