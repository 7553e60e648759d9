"""songs: arrangement clips, markers, undo, project stages

Adds song_clips (lanes hold clips on the bar grid), song_markers (named sections), song_edits
(the persisted undo stack), project_patterns, projects.stage/notes/deleted_at and
songs.length_bars.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 19:53:10.160343
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import op

import museaud.store.base
from museaud.store.text import TextIndex, create_statements, drop_statements

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen as in 0002: SQLite batch mode remakes `projects`, which drops its FTS5 triggers.
PROJECTS_FTS = TextIndex("projects", ("name", "description"))


def _remake_projects_text_index() -> None:
    """Put back the projects FTS5 table and triggers, rebuilt (rowids may have moved)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in drop_statements(PROJECTS_FTS) + create_statements(PROJECTS_FTS):
        op.execute(statement)


def upgrade() -> None:
    with warnings.catch_warnings():
        # SQLite batch mode reflects the tables these refer to; tracks has expression indexes
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        _upgrade()


def _upgrade() -> None:
    op.create_table(
        "project_patterns",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("pattern_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_project_patterns_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pattern_id"],
            ["patterns.id"],
            name=op.f("fk_project_patterns_pattern_id_patterns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_patterns_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_patterns")),
        sa.UniqueConstraint(
            "project_id", "pattern_id", name=op.f("uq_project_patterns_project_id_pattern_id")
        ),
    )
    with op.batch_alter_table("project_patterns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_patterns_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_patterns_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_project_patterns_pattern_id"), ["pattern_id"], unique=False
        )

    op.create_table(
        "song_edits",
        sa.Column("song_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("changes", museaud.store.base.JSONDocument(), nullable=False),
        sa.Column("is_undone", sa.Boolean(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_song_edits_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_song_edits_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["song_id"], ["songs.id"], name=op.f("fk_song_edits_song_id_songs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_song_edits")),
        sa.UniqueConstraint("song_id", "position", name=op.f("uq_song_edits_song_id_position")),
    )
    with op.batch_alter_table("song_edits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_song_edits_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_song_edits_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "song_markers",
        sa.Column("song_id", sa.Uuid(), nullable=False),
        sa.Column("beat", sa.Double(), nullable=False),
        sa.Column("section_type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "section_type IN ('intro', 'verse', 'pre-chorus', 'chorus', 'post-chorus', 'bridge', 'hook', 'outro')",
            name=op.f("ck_song_markers_section_type_choice"),
        ),
        sa.CheckConstraint("beat >= 0", name=op.f("ck_song_markers_beat_not_negative")),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_song_markers_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["song_id"],
            ["songs.id"],
            name=op.f("fk_song_markers_song_id_songs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_song_markers")),
        sa.UniqueConstraint("song_id", "beat", name=op.f("uq_song_markers_song_id_beat")),
    )
    with op.batch_alter_table("song_markers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_song_markers_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_song_markers_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "song_clips",
        sa.Column("song_track_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("start_beat", sa.Double(), nullable=False),
        sa.Column("length_beats", sa.Double(), nullable=False),
        sa.Column("pattern_id", sa.Uuid(), nullable=True),
        sa.Column("audio_track_id", sa.Uuid(), nullable=True),
        sa.Column("source_offset_s", sa.Double(), nullable=False),
        sa.Column("gain", sa.Double(), nullable=False),
        sa.Column("fade_in_s", sa.Double(), nullable=False),
        sa.Column("fade_out_s", sa.Double(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", museaud.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "audio_track_id IS NULL OR pattern_id IS NULL",
            name=op.f("ck_song_clips_one_source_at_most"),
        ),
        sa.CheckConstraint("fade_in_s >= 0", name=op.f("ck_song_clips_fade_in_not_negative")),
        sa.CheckConstraint("fade_out_s >= 0", name=op.f("ck_song_clips_fade_out_not_negative")),
        sa.CheckConstraint(
            "gain IS NULL OR (gain >= 0 AND gain <= 2)", name=op.f("ck_song_clips_gain_range")
        ),
        sa.CheckConstraint("length_beats > 0", name=op.f("ck_song_clips_length_beats_positive")),
        sa.CheckConstraint(
            "source_offset_s >= 0", name=op.f("ck_song_clips_source_offset_not_negative")
        ),
        sa.CheckConstraint("start_beat >= 0", name=op.f("ck_song_clips_start_beat_not_negative")),
        sa.ForeignKeyConstraint(
            ["audio_track_id"],
            ["tracks.id"],
            name=op.f("fk_song_clips_audio_track_id_tracks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_song_clips_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pattern_id"],
            ["patterns.id"],
            name=op.f("fk_song_clips_pattern_id_patterns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["song_track_id"],
            ["song_tracks.id"],
            name=op.f("fk_song_clips_song_track_id_song_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_song_clips")),
    )
    with op.batch_alter_table("song_clips", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_song_clips_audio_track_id"), ["audio_track_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_song_clips_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_song_clips_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_song_clips_pattern_id"), ["pattern_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_song_clips_song_track_id"), ["song_track_id"], unique=False
        )

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stage", sa.String(length=20), nullable=False, server_default="idea")
        )
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("deleted_at", museaud.store.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.alter_column("stage", existing_type=sa.String(length=20), server_default=None)
        batch_op.create_check_constraint(
            "stage_choice", "stage IN ('idea', 'writing', 'arranging', 'mixing', 'done')"
        )
    _remake_projects_text_index()

    with op.batch_alter_table("songs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("length_bars", sa.Integer(), nullable=False, server_default="32")
        )
    with op.batch_alter_table("songs", schema=None) as batch_op:
        batch_op.alter_column("length_bars", existing_type=sa.Integer(), server_default=None)
        batch_op.create_check_constraint(
            "length_bars_range", "length_bars IS NULL OR (length_bars >= 1 AND length_bars <= 999)"
        )


def downgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        _downgrade()


def _downgrade() -> None:
    with op.batch_alter_table("songs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_songs_length_bars_range"), type_="check")
        batch_op.drop_column("length_bars")

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_projects_stage_choice"), type_="check")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("notes")
        batch_op.drop_column("stage")
    _remake_projects_text_index()

    with op.batch_alter_table("song_clips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_song_clips_song_track_id"))
        batch_op.drop_index(batch_op.f("ix_song_clips_pattern_id"))
        batch_op.drop_index(batch_op.f("ix_song_clips_owner_id"))
        batch_op.drop_index(batch_op.f("ix_song_clips_created_at"))
        batch_op.drop_index(batch_op.f("ix_song_clips_audio_track_id"))

    op.drop_table("song_clips")
    with op.batch_alter_table("song_markers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_song_markers_owner_id"))
        batch_op.drop_index(batch_op.f("ix_song_markers_created_at"))

    op.drop_table("song_markers")
    with op.batch_alter_table("song_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_song_edits_owner_id"))
        batch_op.drop_index(batch_op.f("ix_song_edits_created_at"))

    op.drop_table("song_edits")
    with op.batch_alter_table("project_patterns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_patterns_pattern_id"))
        batch_op.drop_index(batch_op.f("ix_project_patterns_owner_id"))
        batch_op.drop_index(batch_op.f("ix_project_patterns_created_at"))

    op.drop_table("project_patterns")
