"""Full-text search: FTS5 indexes over tracks, lyrics, projects and patterns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

SQLite only; on PostgreSQL (the cloud schema) text search is done by the server and this is a no-op.
"""

from __future__ import annotations

from alembic import op

from museaud.store.text import TextIndex, create_statements, drop_statements

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen here so later changes to museaud.store.text make a new revision instead.
INDEXES = (
    TextIndex("tracks", ("title", "artist", "album", "genre", "comment", "notes")),
    TextIndex("lyrics", ("title", "content", "genre", "mood", "theme")),
    TextIndex("projects", ("name", "description")),
    TextIndex("patterns", ("title", "description", "flavor", "style")),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for index in INDEXES:
        for statement in create_statements(index):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for index in INDEXES:
        for statement in drop_statements(index):
            op.execute(statement)
