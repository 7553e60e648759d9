"""docs/schema.md accounts for every table of the design documents and every museaud table.

The seed names below were extracted from the five design documents (shared/seeds/*.txt: their
CREATE TABLE / VIEW / FUNCTION / TYPE statements, row-level security policies, prepared queries,
Redis keys, the Elasticsearch mapping and the ChromaDB collection). They are copied here, not read
from the documents, so the test runs wherever the repository is checked out.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from museaud.analytics.schema import META_DDL, TABLES_DDL
from museaud.store.models import metadata
from museaud.store.text import TEXT_INDEXES

DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"

MAPPING_HEADER = ("seed table", "document", "museaud", "notes")
INDEX_HEADER = ("museaud table", "store", "module", "purpose", "features")

SEED_NAMES: dict[str, tuple[str, ...]] = {
    # 000: MuseAroo, real-time AI pattern generation
    "MuseAroo": (
        # CREATE TABLE
        "users",
        "user_sessions",
        "projects",
        "generation_sessions",
        "generated_patterns",
        "musical_styles",
        "pattern_styles",
        "performance_metrics",
        "audio_analysis_data",
        "user_behavior_events",
        "ai_embeddings",
        "user_preference_embeddings",
        "user_feedback",
        "user_learning_progression",
        "ab_test_participation",
        "api_keys",
        # partitions, materialized view, functions, the table perform_backup() writes to
        "generated_patterns_partitioned",
        "generated_patterns_2024_06",
        "user_generation_stats",
        "current_user_id()",
        "perform_backup()",
        "backup_log",
        # CREATE TYPE ... AS ENUM
        "user_skill_level",
        "subscription_tier",
        "project_status",
        "session_type",
        "generation_step",
        "pattern_type",
        "feedback_type",
        # row-level security policies
        "projects_user_access",
        "sessions_user_access",
        "patterns_user_access",
        # prepared queries behind the latency targets
        "get_active_session",
        "find_similar_patterns",
        "get_user_recent_generations",
        "update_session_state",
        # pgvector columns and their ivfflat indexes
        "generated_patterns.pattern_features",
        "musical_styles.style_features",
        "ai_embeddings.embedding_vector",
        "user_preference_embeddings.style_preferences",
        "user_preference_embeddings.complexity_preferences",
        "user_preference_embeddings.cultural_preferences",
        "user_preference_embeddings.instrument_preferences",
        "idx_patterns_similarity",
        "idx_embeddings_similarity",
        "idx_user_prefs_style",
        # full-text search
        "projects.search_vector",
        "idx_projects_search",
        # Redis
        "session:{session_id}",
        "presence:project:{project_id}",
        "gen_queue:{session_id}",
        "ws_connections:{user_id}",
        "pattern_cache:{pattern_hash}",
        "user_prefs:{user_id}",
        # Elasticsearch musical pattern index
        "musical_characteristics",
        "pattern_features",
        "user_feedback",
        "generation_metadata",
        "musical_analyzer",
        "musical_synonyms",
    ),
    # 001: Lyrica, lyrics and song generation
    "Lyrica": (
        # CREATE TABLE
        "users",
        "user_preferences",
        "lyrics",
        "lyrics_sections",
        "songs",
        "audio_files",
        "voice_profiles",
        "music_tracks",
        "song_generation_history",
        "generation_history",
        "agent_logs",
        "user_feedback",
        "api_keys",
        "documents",
        "usage_statistics",
        "user_secrets",
        "audit_log",
        # partitions, functions, trigger
        "usage_statistics_2024_01",
        "usage_statistics_2024_02",
        "create_monthly_partition()",
        "audit_trigger_func()",
        "audit_lyrics",
        # row-level security policies
        "user_own_lyrics",
        "public_lyrics_readable",
        # full-text search
        "idx_lyrics_content_search",
        "idx_lyrics_title_search",
        "idx_songs_title_search",
        # ChromaDB
        "lyrics_embeddings",
        "documents.chromadb_id",
        # Redis: REDIS_KEYS
        "session:{user_id}",
        "refresh_token:{token_hash}",
        "api:lyrics:{lyrics_id}",
        "api:search:{query_hash}",
        "api:history:{user_id}:{page}",
        "rate_limit:user:{user_id}:{minute}",
        "rate_limit:ip:{ip_address}:{minute}",
        "rate_limit:api_key:{key_hash}:{minute}",
        "generation:state:{generation_id}",
        "generation:progress:{generation_id}",
        "embedding:{text_hash}",
        "vector_search:{query_hash}",
        "stats:user:{user_id}:{date}",
        "stats:global:{date}",
        # Redis: the list, set and sorted set of its data-structure examples, and the TTLs
        "generation_queue",
        "user:{user_id}:liked_lyrics",
        "popular_lyrics",
        "TTL_CONFIG",
    ),
    # 002: Blendtune, a music catalogue in three schemas
    "Blendtune": (
        "meekah",
        "auth",
        "users",
        "meekah.track_info",
        "meekah.track_arrangement",
        "meekah.track_creator",
        "meekah.track_instrument",
        "meekah.track_sample",
        "auth.users",
        "auth.sessions",
        "auth.email_verification",
        "auth.password_reset",
        "users.profile",
        "users.roles",
        "users.subscription",
        "users.playlists",
        "users.playlist_tracks",
    ),
    # 003: the Essentia + TensorFlow + FAISS playlist plan
    "playlist plan": (
        "users",
        "user_sessions",
        "playlists",
        "playlist_tracks",
        "playlist_collaborators",
        "files",
        "track_analysis_summary",
        "playlist_templates",
        "generated_playlists",
        "track_similarity_cache",
        "playlist_recommendations",
        "user_listening_history",
        "ui_state",
        "user_preferences",
        "notification_settings",
    ),
    # 004: SalsaNor Beat Machine
    "SalsaNor": (
        "users",
        "user_preferences",
        "sessions",
        "patterns",
        "likes",
        "comments",
        "follows",
        "activities",
        "analytics",
    ),
}

PHRASES = (
    "PostgreSQL",
    "TimescaleDB",
    "Redis",
    "Elasticsearch",
    "ChromaDB",
    "pgvector",
    "FAISS",
    "S3",
    "row-level security",
    "OS keychain",
)
"""The seeds' infrastructure, which the page must say what became of."""

Row = tuple[str, ...]


def _cells(line: str) -> Row:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def _is_rule(row: Row) -> bool:
    return all(cell and set(cell) <= set("-: ") for cell in row)


def _tables(text: str) -> list[tuple[Row, list[Row]]]:
    """Every Markdown table of text: its header and its body rows."""
    tables: list[tuple[Row, list[Row]]] = []
    block: list[Row] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(_cells(line))
        elif block:
            header, *body = block
            tables.append((header, [row for row in body if not _is_rule(row)]))
            block = []
    return tables


def _rows(header: Row) -> list[Row]:
    text = DOC.read_text(encoding="utf-8")
    return [row for head, body in _tables(text) if head == header for row in body]


def _code(cell: str) -> list[str]:
    """The names written in backticks in a cell."""
    return re.findall(r"`([^`]+)`", cell)


def _sqlite_columns() -> dict[str, set[str]]:
    return {name: set(table.columns.keys()) for name, table in metadata.tables.items()}


def _fts_columns() -> dict[str, set[str]]:
    return {index.name: set(index.columns) for index in TEXT_INDEXES.values()}


def _duckdb_columns() -> dict[str, set[str]]:
    connection = duckdb.connect()
    try:
        connection.execute(META_DDL)
        connection.execute(TABLES_DDL)
        found: dict[str, set[str]] = {}
        for table, column in connection.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main'"
        ).fetchall():
            found.setdefault(table, set()).add(column)
        return found
    finally:
        connection.close()


def _museaud_tables() -> dict[str, set[str]]:
    return {**_sqlite_columns(), **_fts_columns(), **_duckdb_columns()}


def test_the_page_exists_with_its_sections() -> None:
    text = DOC.read_text(encoding="utf-8")
    for heading in ("## Conventions", "## Not stored in SQLite", "## Reverse index"):
        assert heading in text, f"docs/schema.md lost its section {heading!r}"
    assert _rows(MAPPING_HEADER), "no 'seed table | document | museaud | notes' table found"
    assert _rows(INDEX_HEADER), "no reverse index table found"


@pytest.mark.parametrize("document", sorted(SEED_NAMES))
def test_every_seed_name_is_mapped_from_its_document(document: str) -> None:
    mapped = {
        (name, row[1]) for row in _rows(MAPPING_HEADER) if len(row) == 4 for name in _code(row[0])
    }
    missing = [
        name
        for name in SEED_NAMES[document]
        if not any(seed == name and document in cell for seed, cell in mapped)
    ]
    assert not missing, (
        f"docs/schema.md has no mapping row for these {document} names "
        f"(first cell `name`, document cell naming {document!r}): {missing}"
    )


def test_every_mapping_row_is_a_known_seed_name_with_all_cells_filled() -> None:
    known = {name for names in SEED_NAMES.values() for name in names}
    for row in _rows(MAPPING_HEADER):
        assert len(row) == 4 and all(row), f"mapping row needs four filled cells: {row}"
        seed, document, _museaud, _notes = row
        names = _code(seed)
        assert names, f"mapping row names no seed table in backticks: {row[0]!r}"
        assert any(label in document for label in SEED_NAMES), (
            f"mapping row for {names} names no design document: {document!r}"
        )
        unknown = [name for name in names if name not in known]
        assert not unknown, f"mapping row names {unknown}, which no design document has"


def test_museaud_column_names_only_existing_tables_and_columns() -> None:
    tables = _museaud_tables()
    for row in _rows(MAPPING_HEADER):
        for name in _code(row[2]):
            table, _, column = name.partition(".")
            assert table in tables, f"{row[0]}: museaud column names unknown table `{name}`"
            if column:
                assert column in tables[table], (
                    f"{row[0]}: museaud column names unknown column `{name}`"
                )


def test_reverse_index_lists_exactly_the_museaud_tables() -> None:
    listed = [name for row in _rows(INDEX_HEADER) for name in _code(row[0])]
    duplicates = sorted({name for name in listed if listed.count(name) > 1})
    assert not duplicates, f"reverse index lists these tables twice: {duplicates}"
    expected = set(_museaud_tables())
    missing = sorted(expected - set(listed))
    assert not missing, f"reverse index of docs/schema.md lacks these museaud tables: {missing}"
    stale = sorted(set(listed) - expected)
    assert not stale, f"reverse index of docs/schema.md lists tables that do not exist: {stale}"
    for row in _rows(INDEX_HEADER):
        assert len(row) == 5 and all(row), f"reverse index row needs five filled cells: {row}"


def test_every_sqlite_and_duckdb_table_appears_in_backticks() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in [*metadata.tables, *_duckdb_columns()]:
        assert f"`{name}`" in text, f"docs/schema.md never names `{name}`"


def test_the_seeds_infrastructure_is_accounted_for() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [phrase for phrase in PHRASES if phrase not in text]
    assert not missing, f"docs/schema.md does not say what became of: {missing}"
