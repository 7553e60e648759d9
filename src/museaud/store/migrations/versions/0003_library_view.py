"""Library view: derived tempo, key, energy, loudness, tags and moods on tracks, sort indexes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Filtering and sorting 100,000 tracks by tempo or key must not join `track_analysis` (and
resolve the override) for every row, and text search must find tags and moods. So `tracks`
gets derived columns, kept right by SQLite triggers on `track_analysis` and `track_tags` for
any writer (the import, the edit service, raw SQL): `effective_bpm` and `effective_key` (the
override when set, else the measured value; the key as its Camelot order 0-23: 1A, 1B ... 12B),
`analysis_energy`, `analysis_loudness`, and `tag_text` / `mood_text` (sorted, one a line), which
join `tracks_fts` (remade with prefix indexes of 1-4 characters: the search box searches as the
first letters are typed). Case-insensitive sort indexes serve the library view's columns, and
one index over every filter column lets filters skip reading the wide rows. On PostgreSQL (the
cloud schema) the columns and indexes are made but no triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from museaud.store.text import TextIndex, create_statements, drop_statements

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen here so later changes to museaud.store.text make a new revision instead.
OLD_TRACKS_FTS = TextIndex("tracks", ("title", "artist", "album", "genre", "comment", "notes"))
TRACKS_FTS = TextIndex(
    "tracks",
    ("title", "artist", "album", "genre", "comment", "notes", "tag_text", "mood_text"),
    "1 2 3 4",
)

DERIVED = ("effective_bpm", "effective_key", "analysis_energy", "analysis_loudness")


def _derived_values(row: str) -> str:
    """SQL for the derived columns' values from a track_analysis row named row (new or old)."""
    overridden_key = f"{row}.manual_override AND {row}.key_note_override IS NOT NULL"
    note = f"CASE WHEN {overridden_key} THEN {row}.key_note_override ELSE {row}.key_note END"
    scale = f"CASE WHEN {overridden_key} THEN {row}.scale_override ELSE {row}.scale END"
    # Camelot number - 1 = (major tonic * 7 + 7) mod 12; the relative major of a minor key is
    # 3 semitones up; A (minor) sorts before B (major) of the same number
    camelot = (
        f"CASE WHEN ({note}) IS NULL OR ({scale}) IS NULL THEN NULL ELSE "
        f"((((CASE WHEN ({scale}) = 'major' THEN ({note}) ELSE ({note}) + 3 END) % 12) * 7 + 7)"
        f" % 12) * 2 + (CASE WHEN ({scale}) = 'major' THEN 1 ELSE 0 END) END"
    )
    bpm = (
        f"CASE WHEN {row}.manual_override AND {row}.bpm_override IS NOT NULL "
        f"THEN {row}.bpm_override ELSE {row}.bpm END"
    )
    return f"{bpm}, {camelot}, {row}.energy, {row}.loudness_lufs"


_SET_DERIVED = f"UPDATE tracks SET ({', '.join(DERIVED)}) = "
_CLEAR_DERIVED = f"UPDATE tracks SET ({', '.join(DERIVED)}) = (NULL, NULL, NULL, NULL) "


def _tag_list(kind: str) -> str:
    return (
        "(SELECT group_concat(tag, char(10)) FROM (SELECT tag FROM track_tags "
        f"WHERE track_tags.track_id = tracks.id AND kind = '{kind}' ORDER BY tag))"
    )


_SET_TAGS = f"UPDATE tracks SET tag_text = {_tag_list('tag')}, mood_text = {_tag_list('mood')} "

ANALYSIS_COLUMNS = (
    "track_id, bpm, key_note, scale, energy, loudness_lufs, manual_override, bpm_override, "
    "key_note_override, scale_override"
)

TRIGGERS = {
    "track_analysis_derived_after_insert": (
        "AFTER INSERT ON track_analysis BEGIN "
        f"{_SET_DERIVED}({_derived_values('new')}) WHERE id = new.track_id; END"
    ),
    "track_analysis_derived_after_update": (
        f"AFTER UPDATE OF {ANALYSIS_COLUMNS} ON track_analysis BEGIN "
        f"{_CLEAR_DERIVED}WHERE id = old.track_id AND old.track_id <> new.track_id; "
        f"{_SET_DERIVED}({_derived_values('new')}) WHERE id = new.track_id; END"
    ),
    "track_analysis_derived_after_delete": (
        f"AFTER DELETE ON track_analysis BEGIN {_CLEAR_DERIVED}WHERE id = old.track_id; END"
    ),
    "track_tags_text_after_insert": (
        f"AFTER INSERT ON track_tags BEGIN {_SET_TAGS}WHERE id = new.track_id; END"
    ),
    "track_tags_text_after_update": (
        "AFTER UPDATE OF track_id, kind, tag ON track_tags BEGIN "
        f"{_SET_TAGS}WHERE id = old.track_id; {_SET_TAGS}WHERE id = new.track_id; END"
    ),
    "track_tags_text_after_delete": (
        f"AFTER DELETE ON track_tags BEGIN {_SET_TAGS}WHERE id = old.track_id; END"
    ),
}

SORT_INDEXES = {
    "ix_tracks_sort_artist": [
        "lower(artist)",
        "lower(album)",
        "disc_number",
        "track_number",
        "is_hidden",
    ],
    "ix_tracks_sort_title": ["lower(title)", "is_hidden"],
    "ix_tracks_sort_album": ["lower(album)", "is_hidden"],
    "ix_tracks_facets": [
        "lower(genre)",
        "effective_key",
        "effective_bpm",
        "rating",
        "is_favorite",
        "year",
        "analysis_energy",
        "status",
        "file_format",
        "is_hidden",
    ],
}
PLAIN_INDEXES = (*DERIVED, "duration_s", "file_format")


def upgrade() -> None:
    for column in DERIVED:
        if column == "effective_key":
            op.add_column("tracks", sa.Column(column, sa.Integer(), nullable=True))
        else:
            op.add_column("tracks", sa.Column(column, sa.Double(), nullable=True))
    for column in ("tag_text", "mood_text"):
        op.add_column("tracks", sa.Column(column, sa.Text(), nullable=True))
    for column in PLAIN_INDEXES:
        op.create_index(op.f(f"ix_tracks_{column}"), "tracks", [column], unique=False)
    for name, expressions in SORT_INDEXES.items():
        op.create_index(
            name,
            "tracks",
            [sa.text(part) if "(" in part else part for part in expressions],
            unique=False,
        )
    op.create_index(
        "ix_track_tags_kind_lower_tag",
        "track_tags",
        ["kind", sa.text("lower(tag)"), "track_id"],
        unique=False,
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(
        f"{_SET_DERIVED}(SELECT {_derived_values('a')} FROM track_analysis AS a "
        "WHERE a.track_id = tracks.id)"
    )
    op.execute(f"{_SET_TAGS}WHERE id IN (SELECT track_id FROM track_tags)")
    for statement in drop_statements(OLD_TRACKS_FTS):
        op.execute(statement)
    for statement in create_statements(TRACKS_FTS):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in drop_statements(TRACKS_FTS):
            op.execute(statement)
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_track_tags_kind_lower_tag", table_name="track_tags")
    for name in SORT_INDEXES:
        op.drop_index(name, table_name="tracks")
    for column in PLAIN_INDEXES:
        op.drop_index(op.f(f"ix_tracks_{column}"), table_name="tracks")
    with op.batch_alter_table("tracks") as batch:
        for column in (*DERIVED, "tag_text", "mood_text"):
            batch.drop_column(column)
    if op.get_bind().dialect.name == "sqlite":
        for statement in create_statements(OLD_TRACKS_FTS):
            op.execute(statement)
