"""The pull side: apply a page of row records from the server in one SQLite transaction.

In one transaction, with capture off: local changes are stamped first (so they compare by
their own clocks), every incoming record is merged register by register with this store's
record of the row (last writer wins by clock; a deletion beats edits, a later restore beats the
deletion), rows are inserted, updated or deleted to match, and the scope's new cursor is stored.
Foreign keys are checked at commit (PRAGMA defer_foreign_keys), so the order of rows in a page
does not matter; a row whose parent has not arrived yet is parked and retried with every later
page; a row whose parent is deleted follows the key's ON DELETE (dropped or set null).

Natural keys (unique constraints over synced columns, e.g. a tag per track) can collide when two
devices make the same thing: the row with the smaller id is kept on every replica, the other is
deleted here and its deletion pushed, so every replica ends with the same one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from museaud.store.models.sync import ROW_COLUMN
from museaud.sync.changes import (
    local_record,
    save_clock,
    stamp_pending,
    sync_state,
)
from museaud.sync.clock import HybridClock
from museaud.sync.protocol import (
    Message,
    ProtocolError,
    Record,
    check_record,
    clocks_of,
    decode_value,
    is_alive,
    merge_records,
)
from museaud.sync.tables import EXCLUDED_TABLES, SyncedTable, synced_tables

REMOTE_PATH_PREFIX = "museaud-remote:"
"""The `tracks.path` of a track whose file is on another machine (it shows as such)."""

Key = tuple[str, str]


class SyncApplyError(RuntimeError):
    """A page could not be applied; the transaction is rolled back and the cursor unchanged."""


@dataclass
class ApplyReport:
    """What applying one page did."""

    written: int = 0
    deleted: int = 0
    parked: int = 0
    merged: int = 0
    """Rows deleted because another row with the same natural key and a smaller id won."""
    clock_warnings: list[str] = field(default_factory=list)
    changed: set[Key] = field(default_factory=set)
    """Rows written or deleted: the caller may refresh views and vector indexes for them."""
    stale: bool = False
    """The page was for a cursor this store has moved past (a duplicate): nothing done."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _exists(connection: Connection, table: str, row_id: str) -> bool:
    return (
        connection.execute(
            text(f"SELECT 1 FROM {_quote(table)} WHERE id = :row"), {"row": row_id}
        ).first()
        is not None
    )


def _tombstoned(connection: Connection, table: str, row_id: str) -> bool:
    found = connection.execute(
        text("SELECT hlc FROM sync_tombstones WHERE table_name = :table AND row_id = :row"),
        {"table": table, "row": row_id},
    ).first()
    if found is None:
        return False
    star = connection.execute(
        text(
            "SELECT hlc FROM sync_field_clocks WHERE table_name = :table AND row_id = :row "
            "AND column_name = :star"
        ),
        {"table": table, "row": row_id, "star": ROW_COLUMN},
    ).scalar()
    return star is None or found[0] > star


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def local_fill(table: SyncedTable, row_id: str) -> dict[str, Any]:
    """Values of the local NOT NULL columns for a row that came from another machine."""
    values = dict(table.required_local)
    if table.name == "tracks":
        values.update(
            path=f"{REMOTE_PATH_PREFIX}{row_id}",
            folder="",
            file_name="",
            status="missing",
            missing_since=_now_text(),
        )
    return values


def is_on_this_machine(path: str) -> bool:
    """Whether a track's path is a file here, not a placeholder for another machine's."""
    return not path.startswith(REMOTE_PATH_PREFIX)


class _Page:
    """The state of one apply: targets, their readiness, and the writes to make."""

    def __init__(self, connection: Connection, clock: HybridClock) -> None:
        self.connection = connection
        self.clock = clock
        self.tables = synced_tables()
        self.report = ApplyReport()

    def park(self, record: Record) -> None:
        self.connection.execute(
            text(
                "INSERT INTO sync_parked (table_name, row_id, record) VALUES (:table, :row, "
                ":record) ON CONFLICT (table_name, row_id) DO UPDATE SET record = excluded.record"
            ),
            {"table": record["table"], "row": record["id"], "record": json.dumps(record)},
        )
        self.report.parked += 1

    def parked(self) -> list[Record]:
        rows = self.connection.execute(text("SELECT record FROM sync_parked")).scalars()
        return [json.loads(row) for row in rows]

    def local_delete(self, table: str, row_id: str, *, push: bool) -> None:
        """Delete a row here; with push, as a local change (tombstone and outbox row)."""
        self.connection.execute(
            text(f"DELETE FROM {_quote(table)} WHERE id = :row"), {"row": row_id}
        )
        self.connection.execute(
            text("DELETE FROM sync_field_clocks WHERE table_name = :table AND row_id = :row"),
            {"table": table, "row": row_id},
        )
        self.report.changed.add((table, row_id))
        if push:
            self.push_delete(table, row_id)

    def push_delete(self, table: str, row_id: str) -> None:
        """Record a deletion as if made here: a tombstone and a stamped outbox row."""
        hlc = self.clock.tick().encode()
        self.set_tombstone(table, row_id, hlc)
        self.connection.execute(
            text(
                "INSERT INTO sync_outbox (table_name, row_id, column_name, op, wall_ms, hlc) "
                "VALUES (:table, :row, :star, 'delete', :wall, :hlc)"
            ),
            {
                "table": table,
                "row": row_id,
                "star": ROW_COLUMN,
                "wall": self.clock.now_ms(),
                "hlc": hlc,
            },
        )

    def set_tombstone(self, table: str, row_id: str, hlc: str) -> None:
        self.connection.execute(
            text(
                "INSERT INTO sync_tombstones (table_name, row_id, hlc, deleted_at_ms) "
                "VALUES (:table, :row, :hlc, :now) ON CONFLICT (table_name, row_id) "
                "DO UPDATE SET hlc = excluded.hlc WHERE excluded.hlc > sync_tombstones.hlc"
            ),
            {"table": table, "row": row_id, "hlc": hlc, "now": self.clock.now_ms()},
        )

    def set_clocks(self, target: Record) -> None:
        table, row_id, star = target["table"], target["id"], target["alive"]
        self.connection.execute(
            text("DELETE FROM sync_field_clocks WHERE table_name = :table AND row_id = :row"),
            {"table": table, "row": row_id},
        )
        rows = [{"column": ROW_COLUMN, "hlc": star}] + [
            {"column": name, "hlc": hlc}
            for name, (_value, hlc) in target["fields"].items()
            if hlc != star
        ]
        self.connection.execute(
            text(
                "INSERT INTO sync_field_clocks (table_name, row_id, column_name, hlc) "
                "VALUES (:table, :row, :column, :hlc)"
            ),
            [{"table": table, "row": row_id, **row} for row in rows],
        )

    def repair_foreign_keys(self) -> None:
        """Follow ON DELETE for rows whose parent went in this page (a natural-key loser)."""
        for _ in range(20):
            violations = self.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if not violations:
                return
            for table, rowid, _parent, fkid in violations:
                keys = self.connection.exec_driver_sql(f"PRAGMA foreign_key_list({_quote(table)})")
                column, on_delete = next((row[3], row[6]) for row in keys if row[0] == fkid)
                row_id = self.connection.execute(
                    text(f"SELECT id FROM {_quote(table)} WHERE rowid = :rowid"),
                    {"rowid": rowid},
                ).scalar()
                if row_id is None:
                    continue
                if on_delete == "SET NULL":
                    self.connection.execute(
                        text(f"UPDATE {_quote(table)} SET {_quote(column)} = NULL WHERE id = :row"),
                        {"row": row_id},
                    )
                else:
                    self.local_delete(table, row_id, push=False)
                self.report.changed.add((table, row_id))
        raise SyncApplyError("applying the page leaves rows whose parents are gone")

    def parent_state(self, parent: str, row_id: str, targets: dict[Key, Record]) -> str:
        """'here', 'coming' (in this page, alive), 'deleted' or 'unknown'."""
        target = targets.get((parent, row_id))
        if target is not None:
            return "coming" if is_alive(target) else "deleted"
        if _exists(self.connection, parent, row_id):
            return "here"
        if parent not in EXCLUDED_TABLES and _tombstoned(self.connection, parent, row_id):
            return "deleted"
        return "unknown"

    def values_for(self, target: Record, targets: dict[Key, Record]) -> dict[str, Any] | None:
        """The synced values to write for an alive target, or None to park it; {"": True} when
        a deleted parent drops it (ON DELETE CASCADE)."""
        table = self.tables[target["table"]]
        values = {
            name: decode_value(pair[0])
            for name, pair in target["fields"].items()
            if name in table.columns
        }
        for key in table.foreign_keys:
            parent_id = values.get(key.column)
            if parent_id is None:
                continue
            state = self.parent_state(key.parent, parent_id, targets)
            if state == "unknown":
                return None
            if state == "deleted":
                if key.on_delete == "SET NULL":
                    values[key.column] = None
                else:
                    return {"": True}
        return values

    def resolve_natural_keys(self, table: SyncedTable, row_id: str, values: dict[str, Any]) -> bool:
        """Settle collisions of natural keys: True if this row is kept (the smaller id wins)."""
        for key in table.unique_keys:
            if any(values.get(column) is None for column in key.columns):
                continue
            condition = " AND ".join(
                f"{_quote(column)} = :k{index}" for index, column in enumerate(key.columns)
            )
            if key.where:
                condition += f" AND ({key.where})"
            params = {f"k{index}": values[column] for index, column in enumerate(key.columns)}
            others = self.connection.execute(
                text(f"SELECT id FROM {_quote(table.name)} WHERE {condition} AND id <> :row"),
                {**params, "row": row_id},
            ).scalars()
            for other in list(others):
                self.report.merged += 1
                if other < row_id:
                    if _exists(self.connection, table.name, row_id):
                        self.local_delete(table.name, row_id, push=True)
                    else:
                        self.push_delete(table.name, row_id)
                    return False
                self.local_delete(table.name, other, push=True)
        return True

    def write(self, target: Record, local: Record, values: dict[str, Any]) -> None:
        table = self.tables[target["table"]]
        row_id = target["id"]
        if not _exists(self.connection, table.name, row_id):
            missing = [name for name in table.columns if name not in values]
            if missing:
                raise SyncApplyError(
                    f"{table.name} {row_id} arrived without {missing}: a row's first record "
                    "must hold every synced column"
                )
            row = {**local_fill(table, row_id), **values, "id": row_id}
            if not self.resolve_natural_keys(table, row_id, row):
                return
            names = list(row)
            self.connection.execute(
                text(
                    f"INSERT INTO {_quote(table.name)} ({', '.join(map(_quote, names))}) "
                    f"VALUES ({', '.join(f':v{index}' for index in range(len(names)))})"
                ),
                {f"v{index}": row[name] for index, name in enumerate(names)},
            )
        else:
            current = local["fields"]
            changed = {
                name: value
                for name, value in values.items()
                if current.get(name) != target["fields"].get(name)
                or decode_value(current[name][0]) != value
            }
            if not changed:
                if local != target:
                    self.set_clocks(target)
                return
            touches_key = any(
                column in changed for key in table.unique_keys for column in key.columns
            )
            if touches_key and not self.resolve_natural_keys(table, row_id, values):
                return
            names = list(changed)
            assignments = ", ".join(
                f"{_quote(name)} = :v{index}" for index, name in enumerate(names)
            )
            self.connection.execute(
                text(f"UPDATE {_quote(table.name)} SET {assignments} WHERE id = :row"),
                {**{f"v{index}": changed[name] for index, name in enumerate(names)}, "row": row_id},
            )
        self.set_clocks(target)
        self.report.written += 1
        self.report.changed.add((table.name, row_id))


def _incoming(message: Message, parked: list[Record]) -> dict[Key, Record]:
    rows = message.get("rows")
    if not isinstance(rows, list):
        raise ProtocolError("a changes message has a list of rows")
    incoming: dict[Key, Record] = {}
    for record in [*parked, *(check_record(row) for row in rows)]:
        if record["table"] not in synced_tables():
            continue  # a table this version does not sync (a newer client's): ignored
        key = (record["table"], record["id"])
        incoming[key] = merge_records(incoming[key], record) if key in incoming else record
    return incoming


def pull_cursor(session: Session, scope: str) -> int:
    """How far this store has pulled scope (0: never)."""
    found = (
        session.connection()
        .execute(text("SELECT cursor FROM sync_cursors WHERE scope = :scope"), {"scope": scope})
        .scalar()
    )
    return int(found or 0)


def apply_changes(session: Session, message: Message, clock: HybridClock) -> ApplyReport:
    """Apply one pulled page and store its cursor, in the session's transaction (the caller
    commits; on any error it rolls back, leaving data and cursor as they were)."""
    if message.get("type") != "changes":
        raise ProtocolError(f"expected changes, got {message.get('type')!r}")
    state = sync_state(session)
    connection = session.connection()
    scope, cursor = message.get("scope"), message.get("next_cursor")
    if not isinstance(scope, str) or not isinstance(cursor, int):
        raise ProtocolError("a changes message has a scope and an integer next_cursor")
    if message.get("cursor") != pull_cursor(session, scope):
        return ApplyReport(stale=True)  # a duplicated or late answer: already applied
    stamp_pending(connection, clock)
    connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    connection.execute(text("UPDATE sync_state SET capture_off = 1 WHERE id = 1"))
    page = _Page(connection, clock)
    for record in message.get("rows", []):
        for hlc in clocks_of(record):
            seen = clock.observe(hlc)
            if seen.message and seen.message not in page.report.clock_warnings:
                page.report.clock_warnings.append(seen.message)
    incoming = _incoming(message, page.parked())
    connection.execute(text("DELETE FROM sync_parked"))
    locals_: dict[Key, Record] = {}
    targets: dict[Key, Record] = {}
    for key, record in incoming.items():
        locals_[key] = local_record(connection, *key)
        targets[key] = merge_records(locals_[key], record)
    pending = {key for key, target in targets.items() if is_alive(target)}
    while True:  # park rows whose parents are unknown, until nothing changes
        blocked = {key for key in pending if page.values_for(targets[key], targets) is None}
        if not blocked:
            break
        for key in blocked:
            page.park(targets[key])
            pending.discard(key)
            del targets[key]
    for key in sorted(pending, key=lambda key: list(synced_tables()).index(key[0])):
        if key not in targets:
            continue
        values = page.values_for(targets[key], targets)
        assert values is not None
        if "" in values:
            continue  # its parent is deleted and the key cascades: it goes too
        page.write(targets[key], locals_[key], values)
    for key, target in targets.items():
        if target["deleted"] is not None:
            page.set_tombstone(key[0], key[1], target["deleted"])
        if not is_alive(target) and _exists(connection, *key):
            page.local_delete(*key, push=False)
            page.report.deleted += 1
    page.repair_foreign_keys()
    connection.execute(
        text(
            "INSERT INTO sync_cursors (scope, cursor) VALUES (:scope, :cursor) "
            "ON CONFLICT (scope) DO UPDATE SET cursor = excluded.cursor"
        ),
        {"scope": scope, "cursor": cursor},
    )
    connection.execute(text("UPDATE sync_state SET capture_off = 0 WHERE id = 1"))
    save_clock(state, clock)
    session.flush()
    return page.report
