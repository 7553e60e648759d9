"""Change capture: SQLite triggers that write every local change of a synced table to the outbox.

The triggers are generated from the models (museaud.sync.tables): AFTER INSERT writes one
outbox row for the whole row (column `*`), AFTER UPDATE one per synced column whose value
changed (OLD IS NOT NEW), AFTER DELETE one tombstone row. They record what changed and when
(this machine's wall time), not the values: the push reads the current values, so several edits
of a field coalesce and REAL values travel exactly. Clock values are given later, when the
outbox is stamped (museaud.sync.changes.stamp_pending) - see docs/sync.md for why.

Nothing fires while `sync_state.capture_off` is set, which the applier does inside its own
transaction (so no other connection ever sees it set). The triggers exist only once sync is
enabled (`enable`), so a store that never syncs pays nothing; `ensure_installed` remakes them
when the schema changed (a batch migration that remakes a table drops its triggers).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from museaud.store.models.sync import ROW_COLUMN, SyncState
from museaud.sync.clock import new_node_id
from museaud.sync.protocol import schema_version
from museaud.sync.tables import SyncedTable, synced_tables

TRIGGER_PREFIX = "sync_capture_"
WALL_MS_SQL = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"
"""This machine's wall time in Unix ms, in plain SQL (no function to register)."""
CAPTURE_ON = "(SELECT capture_off FROM sync_state WHERE id = 1) = 0"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def trigger_statements(table: SyncedTable) -> dict[str, str]:
    """CREATE TRIGGER statements capturing inserts, updates and deletes of table, by name."""
    name, quoted = table.name, _quote(table.name)
    insert_row = (
        "INSERT INTO sync_outbox (table_name, row_id, column_name, op, wall_ms) VALUES "
        f"({_literal(name)}, {{row}}.id, {_literal(ROW_COLUMN)}, {{op}}, {WALL_MS_SQL})"
    )
    changed = " UNION ALL ".join(
        f"SELECT {_literal(column)} AS name WHERE OLD.{_quote(column)} IS NOT NEW.{_quote(column)}"
        for column in table.columns
    )
    return {
        f"{TRIGGER_PREFIX}{name}_insert": (
            f"CREATE TRIGGER {TRIGGER_PREFIX}{name}_insert AFTER INSERT ON {quoted} "
            f"WHEN {CAPTURE_ON} BEGIN {insert_row.format(row='NEW', op=_literal('insert'))}; END"
        ),
        f"{TRIGGER_PREFIX}{name}_update": (
            f"CREATE TRIGGER {TRIGGER_PREFIX}{name}_update AFTER UPDATE ON {quoted} "
            f"WHEN {CAPTURE_ON} BEGIN "
            "INSERT INTO sync_outbox (table_name, row_id, column_name, op, wall_ms) "
            f"SELECT {_literal(name)}, NEW.id, changed.name, 'update', {WALL_MS_SQL} "
            f"FROM ({changed}) AS changed; END"
        ),
        f"{TRIGGER_PREFIX}{name}_delete": (
            f"CREATE TRIGGER {TRIGGER_PREFIX}{name}_delete AFTER DELETE ON {quoted} "
            f"WHEN {CAPTURE_ON} BEGIN {insert_row.format(row='OLD', op=_literal('delete'))}; END"
        ),
    }


def all_trigger_statements() -> dict[str, str]:
    """Every capture trigger of every synced table, by name."""
    statements: dict[str, str] = {}
    for table in synced_tables().values():
        statements.update(trigger_statements(table))
    return statements


def signature() -> str:
    """A digest of the triggers this museaud makes: a change means they must be remade."""
    digest = hashlib.sha256()
    for name, statement in sorted(all_trigger_statements().items()):
        digest.update(f"{name}\n{statement}\n".encode())
    return digest.hexdigest()[:32]


def installed_triggers(connection: Connection) -> set[str]:
    """Names of the capture triggers present in the store."""
    rows = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :prefix"),
        {"prefix": TRIGGER_PREFIX + "%"},
    )
    return {row[0] for row in rows}


def drop_triggers(connection: Connection) -> None:
    """Remove every capture trigger (sync disabled: writes cost nothing again)."""
    for name in sorted(installed_triggers(connection)):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def install_triggers(connection: Connection) -> None:
    """(Re)make every capture trigger."""
    drop_triggers(connection)
    for statement in all_trigger_statements().values():
        connection.exec_driver_sql(statement)


def is_enabled(session: Session) -> bool:
    """Whether sync is enabled for this store."""
    return session.get(SyncState, 1) is not None


def ensure_installed(session: Session) -> bool:
    """Remake the triggers if sync is enabled and they are missing or out of date (call after
    opening the store). True if they were remade."""
    state = session.get(SyncState, 1)
    if state is None:
        return False
    connection = session.connection()
    current = signature()
    expected = set(all_trigger_statements())
    if state.triggers_signature == current and installed_triggers(connection) == expected:
        return False
    install_triggers(connection)
    state.triggers_signature = current
    state.schema_version = schema_version()
    session.flush()
    return True


def _self_ordered(connection: Connection, table: SyncedTable, owner: str) -> list[str]:
    """Ids of owner's rows of table, every row after the rows of its own table it refers to."""
    own = [key.column for key in table.foreign_keys if key.parent == table.name]
    columns = ", ".join(["id", *(_quote(column) for column in own)])
    rows = connection.execute(
        text(f"SELECT {columns} FROM {_quote(table.name)} WHERE owner_id = :owner ORDER BY id"),
        {"owner": owner},
    )
    parents = {row[0]: [value for value in row[1:] if value is not None] for row in rows}
    ordered: list[str] = []
    placed: set[str] = set()

    def place(row_id: str, path: set[str]) -> None:
        if row_id in placed or row_id in path or row_id not in parents:
            return
        for parent in parents[row_id]:
            place(parent, path | {row_id})
        placed.add(row_id)
        ordered.append(row_id)

    for row_id in parents:
        place(row_id, set())
    return ordered


def seed_outbox(connection: Connection, tables: Iterable[SyncedTable], owner: str) -> int:
    """Put every existing row of owner in the outbox as an insert, parents first (the first
    push). Rows of other users are not the account's to push."""
    count = 0
    for table in tables:
        ids = _self_ordered(connection, table, owner)
        if not ids:
            continue
        connection.execute(
            text(
                "INSERT INTO sync_outbox (table_name, row_id, column_name, op, wall_ms) "
                f"VALUES (:table, :row, :column, 'insert', {WALL_MS_SQL})"
            ),
            [{"table": table.name, "row": row_id, "column": ROW_COLUMN} for row_id in ids],
        )
        count += len(ids)
    return count


def enable(
    session: Session,
    account_id: uuid.UUID,
    *,
    local_user_id: uuid.UUID | None = None,
    node_id: str | None = None,
) -> bool:
    """Enable sync for this store, for the account (whose `users` row must exist): rows of the
    local profile are given to the account, the triggers are made and every existing row goes
    into the outbox. Idempotent: False if sync was enabled already (triggers are checked)."""
    if is_enabled(session):
        ensure_installed(session)
        return False
    connection = session.connection()
    tables = list(synced_tables().values())
    if local_user_id is not None and local_user_id != account_id:
        for table in tables:
            connection.execute(
                text(
                    f"UPDATE {_quote(table.name)} SET owner_id = :account WHERE owner_id = :local"
                ),
                {"account": account_id.hex, "local": local_user_id.hex},
            )
    session.add(
        SyncState(
            id=1,
            node_id=node_id or new_node_id(),
            account_id=account_id.hex,
            clock_offset_ms=0,
            capture_off=False,
            schema_version=schema_version(),
            triggers_signature=signature(),
        )
    )
    session.flush()
    install_triggers(connection)
    seed_outbox(connection, tables, account_id.hex)
    return True
