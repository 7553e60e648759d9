"""Change capture: every user-data table is synced or excluded on purpose, and its inserts,
updates and deletes reach the outbox (generated from the models and the sample rows)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session
from tests.store.test_schema import sample_rows

from museaud.app import App
from museaud.store.models import metadata
from museaud.store.models import sync as sync_models
from museaud.store.models.accounts import User
from museaud.sync.capture import (
    all_trigger_statements,
    enable,
    ensure_installed,
    installed_triggers,
    is_enabled,
)
from museaud.sync.tables import EXCLUDED_TABLES, LOCAL_COLUMNS, synced_tables


def _user_rows() -> list[Any]:
    return [row for row in sample_rows() if type(row).__module__ != sync_models.__name__]


def _outbox(session: Session) -> list[tuple[str, str, str, str]]:
    rows = session.execute(
        text("SELECT table_name, row_id, column_name, op FROM sync_outbox ORDER BY seq")
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def test_every_table_is_synced_or_excluded_with_a_reason() -> None:
    synced = synced_tables()
    for name, table in metadata.tables.items():
        if name in synced:
            assert "owner_id" in table.columns
        else:
            assert EXCLUDED_TABLES.get(name), f"{name} is neither synced nor excluded"
    assert set(EXCLUDED_TABLES) <= set(metadata.tables), "stale exclusions"
    assert set(LOCAL_COLUMNS) <= set(synced), "local columns of a table that does not sync"
    assert {"tracks", "track_tags", "patterns", "playlists", "playlist_entries"} <= set(synced)


def test_a_store_that_never_syncs_has_no_triggers(app: App) -> None:
    with app.store.session() as session:
        assert not is_enabled(session)
        assert installed_triggers(session.connection()) == set()


def test_inserts_updates_and_deletes_of_every_synced_table_reach_the_outbox(app: App) -> None:
    with app.store.session() as session:
        enable(session, app.local_user_id)
        session.execute(text("DELETE FROM sync_outbox"))  # forget the first sync's seed
    rows = _user_rows()
    ids = {(type(row).__table__.name, row.id.hex) for row in rows}
    with app.store.session() as session:
        for row in rows:
            session.add(row)
            session.flush()
        captured = _outbox(session)
    inserted = {(table, row_id) for table, row_id, column, op in captured if op == "insert"}
    expected = {(table, row_id) for table, row_id in ids if table in synced_tables()}
    assert inserted == expected
    assert {table for table, _ in expected} == set(synced_tables()), "a table without a sample"
    assert all(column == "*" for _t, _r, column, op in captured if op == "insert")

    with app.store.session() as session:
        session.execute(text("DELETE FROM sync_outbox"))
        for table, row_id in sorted(expected):
            session.execute(
                text(f'UPDATE "{table}" SET updated_at = :when WHERE id = :id'),
                {"when": "2031-01-01 00:00:00.000000", "id": row_id},
            )
        session.execute(text("UPDATE tracks SET path = path || '.moved', status = 'ok'"))
        updated = _outbox(session)
    assert {(table, row_id) for table, row_id, _c, _o in updated} == expected
    assert {(column, op) for _t, _r, column, op in updated} == {("updated_at", "update")}

    with app.store.session() as session:
        session.execute(text("DELETE FROM sync_outbox"))
        for table in reversed(metadata.sorted_tables):
            if table.name in synced_tables():
                session.execute(text(f'DELETE FROM "{table.name}"'))
        deleted = {(table, row_id) for table, row_id, _c, op in _outbox(session) if op == "delete"}
    assert expected <= deleted


def test_nothing_is_captured_while_capture_is_off(app: App) -> None:
    with app.store.session() as session:
        enable(session, app.local_user_id)
        session.execute(text("DELETE FROM sync_outbox"))
        session.execute(text("UPDATE sync_state SET capture_off = 1"))
        for row in _user_rows():
            session.add(row)
            session.flush()
        assert _outbox(session) == []
        session.execute(text("UPDATE sync_state SET capture_off = 0"))


def test_enable_seeds_existing_rows_and_is_idempotent(app: App) -> None:
    rows = _user_rows()
    with app.store.session() as session:
        for row in rows:
            session.add(row)
            session.flush()
    owner = next(row.id for row in rows if isinstance(row, User))
    with app.store.session() as session:
        assert enable(session, owner)
        seeded = _outbox(session)
        assert not enable(session, owner)
        assert _outbox(session) == seeded
    order = [table for table, _row, _column, _op in seeded]
    owned = {type(row).__table__.name for row in rows if getattr(row, "owner_id", None) == owner}
    assert set(order) == owned & set(synced_tables())
    # parents first: every table's rows come after those of the tables it refers to
    for table in synced_tables().values():
        for key in table.foreign_keys:
            if key.parent in order and table.name in order and key.parent != table.name:
                assert max(i for i, t in enumerate(order) if t == key.parent) < min(
                    i for i, t in enumerate(order) if t == table.name
                )


def test_triggers_are_remade_when_missing_or_out_of_date(app: App) -> None:
    with app.store.session() as session:
        enable(session, app.local_user_id)
        assert not ensure_installed(session)
        session.execute(text("DROP TRIGGER sync_capture_tracks_update"))
        assert ensure_installed(session)
        assert installed_triggers(session.connection()) == set(all_trigger_statements())
        session.execute(text("UPDATE sync_state SET triggers_signature = 'old'"))
        assert ensure_installed(session)
