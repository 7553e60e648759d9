"""The server's database: the store's models (Alembic, as on SQLite) plus the server's tables.

`init_database` (run by `museaud server --init` as the database owner, idempotent) migrates the
models to head, adds the server's sync tables (merged row state, batches and their acks, the
tombstone horizon, the global sequence and clock), enables and forces row-level security with an
owner policy on every table the service reads or writes per account, and makes the service's
role: LOGIN, no BYPASSRLS, not the owner of any table, with grants on exactly the tables it needs.

Every policy compares the row's account with `museaud_account()`, a STABLE function with a fixed
search_path reading the transaction's setting `museaud.account_id` (set by the service with
`set_config(..., true)`, the same as SET LOCAL, after it verified the bearer token). Without the
setting the function returns NULL and no row matches.
"""

from __future__ import annotations

import re

from alembic import command
from sqlalchemy import Connection, text

from museaud.store.migrate import alembic_config
from museaud.store.models import metadata
from museaud.sync.clock import Hlc
from museaud.sync.protocol import SERVER_NODE
from museaud.sync.tables import synced_tables

SERVICE_ROLE = "museaud_service"

ACCOUNT_FUNCTION = """
CREATE OR REPLACE FUNCTION museaud_account() RETURNS uuid
LANGUAGE sql STABLE SET search_path = pg_catalog
AS $$ SELECT nullif(pg_catalog.current_setting('museaud.account_id', true), '')::uuid $$
"""

SERVER_TABLES_DDL = [
    """
    CREATE TABLE IF NOT EXISTS sync_server_rows (
        account_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        table_name text NOT NULL,
        row_id text NOT NULL,
        alive text COLLATE "C",
        deleted text COLLATE "C",
        fields json NOT NULL DEFAULT '{}'::json,
        seq bigint NOT NULL,
        PRIMARY KEY (account_id, table_name, row_id)
    )""",
    "CREATE INDEX IF NOT EXISTS ix_sync_server_rows_seq ON sync_server_rows (account_id, seq)",
    """
    CREATE TABLE IF NOT EXISTS sync_server_batches (
        account_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        client_id text NOT NULL,
        batch_id text NOT NULL,
        ack text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, client_id, batch_id)
    )""",
    """
    CREATE TABLE IF NOT EXISTS sync_server_horizons (
        account_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        horizon bigint NOT NULL
    )""",
    """
    CREATE TABLE IF NOT EXISTS sync_server_state (
        id integer PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        last_hlc text COLLATE "C" NOT NULL
    )""",
]

ACCOUNT_TABLES = {
    "sync_server_rows": "account_id",
    "sync_server_batches": "account_id",
    "sync_server_horizons": "account_id",
}
"""The server's per-account tables and their account column (all under RLS)."""

SERVICE_MANAGED: dict[str, str] = {
    "users": "accounts: looked up by e-mail at sign-in, before any account is known",
    "user_sessions": "bearer tokens: looked up by token hash to learn the account",
    "sync_server_state": "the global change sequence and server clock: no account's data",
}
"""Tables the service uses without row-level security, and why (tests/server checks the list)."""


def rls_tables() -> dict[str, str]:
    """Every table under row-level security and the column naming its account."""
    found = {name: "owner_id" for name in synced_tables()}
    found.update(ACCOUNT_TABLES)
    return found


def _quote(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


def _rls_statements(table: str, column: str) -> list[str]:
    quoted = _quote(table)
    check = f"{_quote(column)} = museaud_account()"
    return [
        f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS account_rows ON {quoted}",
        f"CREATE POLICY account_rows ON {quoted} USING ({check}) WITH CHECK ({check})",
    ]


def init_database(
    connection: Connection, *, service_role: str = SERVICE_ROLE, password: str | None = None
) -> None:
    """Migrate the models, add the server's tables, RLS and the service role (idempotent).

    Runs as the database owner in the caller's transaction."""
    command.upgrade(alembic_config(connection), "head")
    connection.execute(text(ACCOUNT_FUNCTION))
    for statement in SERVER_TABLES_DDL:
        connection.execute(text(statement))
    connection.execute(
        text("INSERT INTO sync_server_state VALUES (1, 0, :hlc) ON CONFLICT DO NOTHING"),
        {"hlc": Hlc(0, 0, SERVER_NODE).encode()},
    )
    for table, column in rls_tables().items():
        for statement in _rls_statements(table, column):
            connection.execute(text(statement))
    role = _quote(service_role)
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": service_role}
    ).first()
    if exists is None:
        connection.execute(text(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS"))
    connection.execute(text(f"ALTER ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS"))
    if password is not None:
        connection.execute(text(f"ALTER ROLE {role} PASSWORD {_literal(connection, password)}"))
    connection.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"))
    granted = [*rls_tables(), *SERVICE_MANAGED]
    for table in granted:
        connection.execute(
            text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {_quote(table)} TO {role}")
        )
    connection.execute(text(f"GRANT SELECT ON alembic_version TO {role}"))
    connection.execute(text(f"GRANT EXECUTE ON FUNCTION museaud_account() TO {role}"))
    unknown = (
        set(granted)
        - {table.name for table in metadata.sorted_tables}
        - set(ACCOUNT_TABLES)
        - {"sync_server_state"}
    )
    if unknown:
        raise LookupError(f"granting on unknown tables {sorted(unknown)}")


def _literal(connection: Connection, value: str) -> str:
    quoted = connection.execute(text("SELECT quote_literal(:value)"), {"value": value}).scalar()
    return str(quoted)
