"""The outbox side: stamp local changes with clocks, build push batches, take acknowledgements.

Stamping gives every captured change a clock value from the hybrid logical clock, taking the
wall time the trigger recorded (so an edit made offline keeps its time, not the time of the
sync), and moves the field clocks and tombstones to match. It runs at the start of every push
and every apply, in their transaction, so a local edit is always stamped before a remote value
is compared with it, and the clock is persisted with the values it stamped.

A batch is the records of the first outbox rows (in capture order, extended so a row it refers
to and that is still in the outbox comes with it), with the current values and clocks of the
fields those rows touched. It is written to `sync_state` when built and sent unchanged until
the server acknowledges it: its id (node id and last outbox sequence number) and its bytes are
the same on every retry, also after a crash. Outbox rows are deleted only by the acknowledgement.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from museaud.store.models.sync import ROW_COLUMN, SyncState
from museaud.sync.clock import MAX_AHEAD_MS, Hlc, HybridClock, system_ms
from museaud.sync.protocol import (
    DEFAULT_BATCH_ROWS,
    PROTOCOL_VERSION,
    Message,
    ProtocolError,
    Record,
    dumps,
    encode_value,
    schema_version,
)
from museaud.sync.tables import synced_tables


class SyncNotEnabledError(RuntimeError):
    """The store has no sync state: call museaud.sync.capture.enable first."""


def sync_state(session: Session) -> SyncState:
    """The store's sync state row."""
    state = session.get(SyncState, 1, populate_existing=True)
    if state is None:
        raise SyncNotEnabledError("sync is not enabled for this store")
    return state


def load_clock(
    state: SyncState, *, wall: Callable[[], int] = system_ms, max_ahead_ms: int = MAX_AHEAD_MS
) -> HybridClock:
    """The store's clock, continuing from the last value it handed out."""
    last = Hlc.parse(state.last_hlc) if state.last_hlc else None
    return HybridClock(
        state.node_id,
        last,
        wall=wall,
        offset_ms=state.clock_offset_ms,
        max_ahead_ms=max_ahead_ms,
    )


def save_clock(state: SyncState, clock: HybridClock) -> None:
    """Persist the clock (in the caller's transaction)."""
    state.last_hlc = clock.last.encode()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _upsert_clock(connection: Connection, rows: list[dict[str, str]]) -> None:
    if rows:
        connection.execute(
            text(
                "INSERT INTO sync_field_clocks (table_name, row_id, column_name, hlc) "
                "VALUES (:table, :row, :column, :hlc) ON CONFLICT (table_name, row_id, "
                "column_name) DO UPDATE SET hlc = excluded.hlc"
            ),
            rows,
        )


def stamp_pending(connection: Connection, clock: HybridClock) -> int:
    """Give every unstamped outbox row a clock value and move field clocks and tombstones."""
    pending = connection.execute(
        text(
            "SELECT seq, table_name, row_id, column_name, op, wall_ms FROM sync_outbox "
            "WHERE hlc IS NULL ORDER BY seq"
        )
    ).all()
    if not pending:
        return 0
    correction = clock.now_ms() - system_ms()  # the server-given offset (and skew in tests)
    now = clock.now_ms()
    for seq, table, row_id, column, op, wall_ms in pending:
        hlc = clock.tick(int(wall_ms) + correction).encode()
        connection.execute(
            text("UPDATE sync_outbox SET hlc = :hlc WHERE seq = :seq"), {"hlc": hlc, "seq": seq}
        )
        where = {"table": table, "row": row_id}
        if op == "insert":
            connection.execute(
                text("DELETE FROM sync_field_clocks WHERE table_name = :table AND row_id = :row"),
                where,
            )
            _upsert_clock(connection, [{**where, "column": ROW_COLUMN, "hlc": hlc}])
        elif op == "update":
            _upsert_clock(connection, [{**where, "column": column, "hlc": hlc}])
        else:
            connection.execute(
                text("DELETE FROM sync_field_clocks WHERE table_name = :table AND row_id = :row"),
                where,
            )
            connection.execute(
                text(
                    "INSERT INTO sync_tombstones (table_name, row_id, hlc, deleted_at_ms) "
                    "VALUES (:table, :row, :hlc, :now) ON CONFLICT (table_name, row_id) "
                    "DO UPDATE SET hlc = excluded.hlc, deleted_at_ms = excluded.deleted_at_ms"
                ),
                {**where, "hlc": hlc, "now": now},
            )
    return len(pending)


def field_clocks(connection: Connection, table: str, row_id: str) -> dict[str, str]:
    """The explicit clocks of a row's fields (`*`: its existence); other fields have `*`'s."""
    rows = connection.execute(
        text(
            "SELECT column_name, hlc FROM sync_field_clocks "
            "WHERE table_name = :table AND row_id = :row"
        ),
        {"table": table, "row": row_id},
    )
    return {row[0]: row[1] for row in rows}


def tombstone(connection: Connection, table: str, row_id: str) -> str | None:
    """The clock of the row's deletion here, if it was deleted."""
    return connection.execute(
        text("SELECT hlc FROM sync_tombstones WHERE table_name = :table AND row_id = :row"),
        {"table": table, "row": row_id},
    ).scalar()


def read_row(connection: Connection, table: str, row_id: str) -> dict[str, Any] | None:
    """The synced columns of a row as stored, or None if it is not here."""
    columns = synced_tables()[table].columns
    found = connection.execute(
        text(
            f"SELECT {', '.join(_quote(column) for column in columns)} FROM {_quote(table)} "
            "WHERE id = :row"
        ),
        {"row": row_id},
    ).first()
    return None if found is None else dict(zip(columns, found, strict=True))


def local_record(
    connection: Connection, table: str, row_id: str, columns: Sequence[str] | None = None
) -> Record:
    """This store's record of a row: its registers and the given fields (default: all)."""
    record: Record = {
        "table": table,
        "id": row_id,
        "alive": None,
        "deleted": tombstone(connection, table, row_id),
        "fields": {},
    }
    values = read_row(connection, table, row_id)
    if values is None:
        return record
    clocks = field_clocks(connection, table, row_id)
    star = clocks.get(ROW_COLUMN)
    record["alive"] = star
    for column in synced_tables()[table].columns if columns is None else columns:
        hlc = clocks.get(column, star)
        if hlc is not None:
            record["fields"][column] = [encode_value(values[column]), hlc]
    return record


def _outbox_rows(connection: Connection, upto: int) -> list[tuple[int, str, str, str, str]]:
    rows = connection.execute(
        text(
            "SELECT seq, table_name, row_id, column_name, op FROM sync_outbox "
            "WHERE seq <= :upto ORDER BY seq"
        ),
        {"upto": upto},
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def _owner_of(connection: Connection, table: str, row_id: str) -> str | None:
    found = connection.execute(
        text(f"SELECT owner_id FROM {_quote(table)} WHERE id = :row"), {"row": row_id}
    ).scalar()
    return None if found is None else str(found)


def _records(
    connection: Connection,
    rows: list[tuple[int, str, str, str, str]],
    owner: str | None = None,
) -> list[Record]:
    touched: dict[tuple[str, str], dict[str, Any]] = {}
    for _seq, table, row_id, column, op in rows:
        entry = touched.setdefault((table, row_id), {"insert": False, "delete": False, "cols": []})
        if op == "insert":
            entry["insert"] = True
        elif op == "delete":
            entry["delete"] = True
        elif column not in entry["cols"]:
            entry["cols"].append(column)
    records: list[Record] = []
    for (table, row_id), entry in touched.items():
        columns = None if entry["insert"] else entry["cols"]
        record = local_record(connection, table, row_id, columns)
        if not entry["delete"]:
            record["deleted"] = None
        if not entry["insert"]:
            record["alive"] = None
        if record["alive"] is None and record["deleted"] is None and not record["fields"]:
            continue  # deleted since: the deletion is later in the outbox
        if owner is not None and _owner_of(connection, table, row_id) not in (None, owner):
            continue  # another user's row (a shared one): not this account's to push
        records.append(record)
    return records


def _missing_parents(connection: Connection, records: list[Record], upto: int) -> int | None:
    """The last outbox sequence number holding the insert of a row the records refer to."""
    last: int | None = None
    tables = synced_tables()
    for record in records:
        for key in tables[record["table"]].foreign_keys:
            pair = record["fields"].get(key.column)
            if pair is None or pair[0] is None or key.parent not in tables:
                continue
            seq = connection.execute(
                text(
                    "SELECT max(seq) FROM sync_outbox WHERE table_name = :table "
                    "AND row_id = :row AND op = 'insert' AND seq > :upto"
                ),
                {"table": key.parent, "row": pair[0], "upto": upto},
            ).scalar()
            if seq is not None:
                last = seq if last is None else max(last, seq)
    return last


def build_batch(
    session: Session, clock: HybridClock, *, limit: int = DEFAULT_BATCH_ROWS
) -> str | None:
    """The push message to send: the pending one if there is one, else a new batch of up to
    about `limit` outbox rows (None when the outbox is empty). Stamps pending changes first."""
    state = sync_state(session)
    if state.pending_batch is not None:
        return state.pending_batch
    connection = session.connection()
    stamp_pending(connection, clock)
    save_clock(state, clock)
    upto = connection.execute(
        text("SELECT max(seq) FROM (SELECT seq FROM sync_outbox ORDER BY seq LIMIT :limit)"),
        {"limit": limit},
    ).scalar()
    if upto is None:
        session.flush()
        return None
    while True:
        records = _records(connection, _outbox_rows(connection, upto), state.account_id)
        further = _missing_parents(connection, records, upto)
        if further is None:
            break
        upto = further
    message: Message = {
        "type": "push",
        "protocol": PROTOCOL_VERSION,
        "client_id": state.node_id,
        "account_id": state.account_id,
        "schema_version": schema_version(),
        "batch_id": f"{state.node_id}-{upto}",
        "rows": records,
    }
    state.pending_batch = dumps(message)
    state.pending_batch_id = message["batch_id"]
    state.pending_upto_seq = upto
    session.flush()
    return state.pending_batch


def acknowledge(session: Session, ack: Message) -> bool:
    """Take the server's acknowledgement of the pending batch: re-stamped clocks are adopted
    and the batch's outbox rows deleted. False if it acknowledges no pending batch (a late
    duplicate), which changes nothing."""
    state = sync_state(session)
    if ack.get("type") != "ack":
        raise ProtocolError(f"expected an ack, got {ack.get('type')!r}")
    if state.pending_batch is None or ack.get("batch_id") != state.pending_batch_id:
        return False
    connection = session.connection()
    restamped: dict[str, str] = ack.get("restamped") or {}
    if restamped:
        batch = json.loads(state.pending_batch)
        for record in batch["rows"]:
            where = {"table": record["table"], "row": record["id"]}
            for old, new in restamped.items():
                connection.execute(
                    text(
                        "UPDATE sync_field_clocks SET hlc = :new WHERE table_name = :table "
                        "AND row_id = :row AND hlc = :old"
                    ),
                    {**where, "old": old, "new": new},
                )
                connection.execute(
                    text(
                        "UPDATE sync_tombstones SET hlc = :new WHERE table_name = :table "
                        "AND row_id = :row AND hlc = :old"
                    ),
                    {**where, "old": old, "new": new},
                )
    connection.execute(
        text("DELETE FROM sync_outbox WHERE seq <= :upto"), {"upto": state.pending_upto_seq}
    )
    state.pending_batch = None
    state.pending_batch_id = None
    state.pending_upto_seq = None
    session.flush()
    return True
