"""Alembic environment: runs museaud's migrations on the connection the store hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from museaud.store.models import metadata

config = context.config


def run_migrations(connection: Connection) -> None:
    """Run the migrations on one connection, in batch mode so SQLite can alter tables."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("museaud migrations run through museaud.store.migrate, not the alembic CLI")
run_migrations(connection)
