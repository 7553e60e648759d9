"""Row-level security as the last line: the service's role, under one account's setting, can
neither read, change nor delete another account's rows, whatever SQL it runs."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from museaud.server.schema import ACCOUNT_TABLES, SERVICE_MANAGED, SERVICE_ROLE, rls_tables
from museaud.store.models.library import Track
from museaud.store.models.patterns import MusicalStyle
from museaud.sync.tables import synced_tables
from tests.store.test_schema import insert_all

pytestmark = pytest.mark.postgres


def _service(server_db: str) -> psycopg.Connection[Any]:
    return psycopg.connect(server_db, autocommit=False)


def _as_account(conn: psycopg.Connection[Any], account: uuid.UUID) -> None:
    conn.execute("SELECT set_config('museaud.account_id', %s, true)", [account.hex])


def _new_user(engine: Engine) -> uuid.UUID:
    account = uuid.uuid4()
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO users (id, username, is_local, language, primary_instruments, "
            "musical_styles, skill_level, subscription_tier, total_generations, "
            "monthly_generations, email_verified, failed_login_attempts, is_active, is_admin, "
            "accessibility_settings, voice_enabled, created_at, updated_at) VALUES "
            "(%(id)s, %(name)s, false, 'en', '[]', '[]', 'beginner', 'free', 0, 0, false, 0, "
            "true, false, '{}', false, now(), now())",
            {"id": account, "name": f"user-{account.hex[:8]}"},
        )
    return account


def test_every_table_the_service_can_touch_has_a_forced_owner_policy(server_db: str) -> None:
    with _service(server_db) as conn:
        reachable = {
            name
            for (name,) in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' AND ("
                "has_table_privilege(c.oid, 'SELECT') OR has_table_privilege(c.oid, 'INSERT') "
                "OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE'))"
            ).fetchall()
        }
        protected = {
            name: (enabled, forced, owner)
            for name, enabled, forced, owner in conn.execute(
                "SELECT relname, relrowsecurity, relforcerowsecurity, "
                "pg_get_userbyid(relowner) FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = 'public'::regnamespace"
            ).fetchall()
        }
        policies: dict[str, list[tuple[str | None, str | None]]] = {}
        for table, using, check in conn.execute(
            "SELECT tablename, qual, with_check FROM pg_policies WHERE schemaname = 'public'"
        ).fetchall():
            policies.setdefault(table, []).append((using, check))
        role = conn.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert role == (False, False), "the service role must not bypass row-level security"
    assert set(synced_tables()) | set(ACCOUNT_TABLES) <= set(rls_tables())
    for table in sorted(reachable - {"alembic_version"}):
        if table in SERVICE_MANAGED:
            continue
        enabled, forced, owner = protected[table]
        assert enabled and forced, f"{table}: row-level security not enabled and forced"
        assert owner != SERVICE_ROLE, f"{table} is owned by the service role"
        assert policies.get(table), f"{table} has no policy"
        for using, check in policies[table]:
            assert using and "museaud_account()" in using, f"{table}: policy without USING"
            assert check and "museaud_account()" in check, f"{table}: policy without WITH CHECK"
    missing = set(rls_tables()) - reachable
    assert not missing, f"the service cannot reach synced tables {sorted(missing)}"


def test_one_account_cannot_read_change_or_delete_anothers_rows(
    postgres_engine: Engine, server_db: str
) -> None:
    with Session(postgres_engine) as session, session.begin():
        insert_all(session)  # as the owner (a superuser: RLS does not hold it back)
        owner = session.scalars(select(Track.owner_id)).first()
        session.add(MusicalStyle(name="Owned son", owner_id=owner))  # samples: built-in only
    with postgres_engine.begin() as connection:
        owners = {
            table: connection.exec_driver_sql(
                f'SELECT count(*) FROM "{table}" WHERE {column} IS NOT NULL'
            ).scalar_one()
            for table, column in rls_tables().items()
            if table not in ACCOUNT_TABLES
        }
        victim = connection.exec_driver_sql(
            "SELECT owner_id FROM tracks WHERE owner_id IS NOT NULL LIMIT 1"
        ).scalar_one()
        for table in ACCOUNT_TABLES:
            _insert_state_row(connection, table, victim)
    unowned = [table for table, count in owners.items() if count == 0]
    assert not unowned, f"the samples have no owned row in {unowned}: the test would be empty"
    intruder = _new_user(postgres_engine)
    for table, column in rls_tables().items():
        name = sql.Identifier(table)
        with _service(server_db) as conn:
            _as_account(conn, intruder)
            seen = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(name)).fetchone()
            assert seen == (0,), f"{table}: another account's rows are visible"
            changed = conn.execute(
                sql.SQL("UPDATE {} SET {} = {}").format(
                    name, sql.Identifier(column), sql.Identifier(column)
                )
            ).rowcount
            assert changed == 0, f"{table}: another account's rows can be changed"
            gone = conn.execute(sql.SQL("DELETE FROM {}").format(name)).rowcount
            assert gone == 0, f"{table}: another account's rows can be deleted"
            conn.rollback()
        with _service(server_db) as conn:
            _as_account(conn, intruder)
            # writing a row in the victim's name is refused by WITH CHECK
            with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(
                    sql.SQL("INSERT INTO {} ({}) VALUES (%s)").format(name, sql.Identifier(column)),
                    [victim],
                )
            conn.rollback()
    with _service(server_db) as conn:
        # no setting at all: nothing is visible
        for table in rls_tables():
            seen = conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()
            assert seen == (0,), f"{table} is visible without an account"


def test_an_accounts_own_row_cannot_be_given_to_another(
    postgres_engine: Engine, server_db: str
) -> None:
    mine, theirs = _new_user(postgres_engine), _new_user(postgres_engine)
    with _service(server_db) as conn:
        _as_account(conn, mine)
        conn.execute(
            "INSERT INTO sync_server_rows (account_id, table_name, row_id, fields, seq) "
            "VALUES (%s, 'tracks', %s, '{}', 1)",
            [mine, "a" * 32],
        )
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE sync_server_rows SET account_id = %s", [theirs])


def _insert_state_row(connection: Any, table: str, account: uuid.UUID) -> None:
    if table == "sync_server_rows":
        connection.exec_driver_sql(
            "INSERT INTO sync_server_rows (account_id, table_name, row_id, fields, seq) "
            "VALUES (%(a)s, 'tracks', %(r)s, '{}', 1)",
            {"a": account, "r": "b" * 32},
        )
    elif table == "sync_server_batches":
        connection.exec_driver_sql(
            "INSERT INTO sync_server_batches (account_id, client_id, batch_id, ack) "
            "VALUES (%(a)s, 'c', 'b', '{}')",
            {"a": account},
        )
    else:
        connection.exec_driver_sql(
            "INSERT INTO sync_server_horizons (account_id, horizon) VALUES (%(a)s, 5)",
            {"a": account},
        )
