"""The server side of the sync protocol (docs/sync.md, "Server semantics") on PostgreSQL.

Each row's merged record (its registers and their clocks) is one row of `sync_server_rows`,
keyed by (account, table, row id): an account can only ever reach its own records, and row-level
security enforces that again in the database. A push runs in one transaction under a
transaction-level advisory lock taken first: the batch is looked up among the applied ones
(a retry is answered with the stored acknowledgement), merged register by register, every
changed row takes the next value of the global sequence, and the lock is released by the commit,
so sequence order is commit order and a pull never skips a change that commits later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from psycopg import Connection
from psycopg.types.json import Json

from museaud.sync.clock import MAX_AHEAD_MS, ClockError, Hlc, HybridClock, check_node_id, system_ms
from museaud.sync.protocol import (
    PROTOCOL_VERSION,
    SERVER_NODE,
    TOMBSTONE_RETENTION_DAYS,
    Message,
    ProtocolError,
    Record,
    clocks_of,
    decode_value,
    dumps,
    is_alive,
    merge_records,
    schema_version,
)
from museaud.sync.tables import children_of, synced_tables

PUSH_LOCK = 0x6D75_7365  # "muse": the advisory lock around sequence assignment and commit
MAX_BATCH_ROWS = 5000
MAX_PULL_ROWS = 5000
HEX32 = re.compile(r"^[0-9a-f]{32}$")

Key = tuple[str, str]


class BadRequestError(ValueError):
    """A malformed request: 400 with a message naming the field."""


class RefusalError(Exception):
    """A protocol refusal: an answer message with an HTTP status."""

    def __init__(self, status: int, answer: Message) -> None:
        super().__init__(answer.get("message", ""))
        self.status = status
        self.answer = answer


def previous_revision(revision: str) -> str:
    """The revision before a numbered one ("0006" -> "0005")."""
    return f"{int(revision) - 1:0{len(revision)}d}"


def _field(message: Message, name: str, kind: type | tuple[type, ...]) -> Any:
    value = message.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise BadRequestError(f"{name}: missing or not a {getattr(kind, '__name__', kind)}")
    return value


class SyncService:
    """hello, push and pull for one account, each in the caller's transaction."""

    def __init__(
        self,
        *,
        wall: Callable[[], int] = system_ms,
        max_ahead_ms: int = MAX_AHEAD_MS,
        schema_versions: tuple[str, ...] | None = None,
    ) -> None:
        head = schema_version()
        self.schema_versions = schema_versions or (previous_revision(head), head)
        self.wall = wall
        self.max_ahead_ms = max_ahead_ms

    # --- the envelope ------------------------------------------------------------------

    def check_envelope(self, message: Message, account: str) -> str:
        """The message's type once protocol, schema version, client and account are right."""
        if message.get("protocol") != PROTOCOL_VERSION:
            raise RefusalError(
                400,
                {
                    "type": "error",
                    "code": "protocol",
                    "message": f"protocol: this server speaks protocol {PROTOCOL_VERSION}",
                },
            )
        version = _field(message, "schema_version", str)
        if version < min(self.schema_versions):
            raise RefusalError(
                409,
                {
                    "type": "update_required",
                    "code": "update_required",
                    "message": f"schema {version} is too old: update museaud",
                    "min_schema_version": min(self.schema_versions),
                },
            )
        if version > max(self.schema_versions):
            raise RefusalError(
                409,
                {
                    "type": "error",
                    "code": "server_behind",
                    "message": f"the server does not know schema {version} yet: try later",
                },
            )
        try:
            check_node_id(_field(message, "client_id", str))
        except ClockError as error:
            raise BadRequestError(f"client_id: {error}") from None
        if _field(message, "account_id", str) != account:
            raise RefusalError(
                403,
                {
                    "type": "error",
                    "code": "forbidden",
                    "message": "account_id: not the account this token signed in",
                },
            )
        kind: str = message["type"]
        if kind not in ("hello", "push", "pull"):
            raise BadRequestError(f"type: unknown message type {kind!r}")
        return kind

    def handle(self, conn: Connection[Any], account: str, message: Message) -> str:
        """The answer to a message as JSON text (else RefusalError or BadRequestError)."""
        kind = self.check_envelope(message, account)
        if kind == "hello":
            return dumps(self.welcome())
        if kind == "push":
            return self.push(conn, account, message)
        return dumps(self.pull(conn, account, message))

    def welcome(self) -> Message:
        return {
            "type": "welcome",
            "protocol": PROTOCOL_VERSION,
            "server_time_ms": self.wall(),
            "schema_versions": list(self.schema_versions),
            "max_clock_ahead_ms": self.max_ahead_ms,
            "tombstone_retention_days": TOMBSTONE_RETENTION_DAYS,
        }

    # --- push --------------------------------------------------------------------------

    def push(self, conn: Connection[Any], account: str, message: Message) -> str:
        batch_id = _field(message, "batch_id", str)
        if not 0 < len(batch_id) <= 200:
            raise BadRequestError("batch_id: 1 to 200 characters")
        rows = _field(message, "rows", list)
        if len(rows) > MAX_BATCH_ROWS:
            raise BadRequestError(f"rows: at most {MAX_BATCH_ROWS} per batch")
        client = message["client_id"]
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [PUSH_LOCK])
        stored = conn.execute(
            "SELECT ack FROM sync_server_batches "
            "WHERE account_id = %s AND client_id = %s AND batch_id = %s",
            [account, client, batch_id],
        ).fetchone()
        if stored is not None:
            return str(stored[0])  # a retry: applied once, answered the same
        accepted: list[Record] = []
        rejected: list[dict[str, str]] = []
        for index, row in enumerate(rows):
            try:
                accepted.append(check_row(row, account))
            except (ProtocolError, ClockError, ValueError, TypeError) as error:
                rejected.append(_rejection(row, index, str(error)))
        state = conn.execute(
            "SELECT seq, last_hlc FROM sync_server_state WHERE id = 1 FOR UPDATE"
        ).fetchone()
        if state is None:
            raise RuntimeError("sync_server_state is empty: run `museaud server --init`")
        clock = HybridClock(
            SERVER_NODE, Hlc.parse(state[1]), wall=self.wall, max_ahead_ms=self.max_ahead_ms
        )
        limit = clock.now_ms() + self.max_ahead_ms
        far = sorted(
            {hlc for r in accepted for hlc in clocks_of(r) if Hlc.parse(hlc).wall_ms > limit}
        )
        restamped = {old: clock.tick().encode() for old in far}
        merger = Merger(conn, account, clock, int(state[0]))
        merger.load([(r["table"], r["id"]) for r in accepted])
        for record in accepted:
            for hlc in clocks_of(record):
                if hlc not in restamped:
                    clock.observe(hlc)
            merger.merge(_restamp(record, restamped))
        merger.flush()
        conn.execute(
            "UPDATE sync_server_state SET seq = %s, last_hlc = %s WHERE id = 1",
            [merger.seq, clock.last.encode()],
        )
        answer: Message = {
            "type": "ack",
            "batch_id": batch_id,
            "server_seq": merger.seq,
            "restamped": restamped,
        }
        if rejected:
            answer["rejected"] = rejected
        ack = dumps(answer)
        conn.execute(
            "INSERT INTO sync_server_batches (account_id, client_id, batch_id, ack) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [account, client, batch_id, ack],
        )
        return ack

    # --- pull --------------------------------------------------------------------------

    def pull(self, conn: Connection[Any], account: str, message: Message) -> Message:
        scope = _field(message, "scope", str)
        if scope != f"owner:{account}":
            raise RefusalError(
                403,
                {"type": "error", "code": "forbidden", "message": f"scope: no access to {scope}"},
            )
        cursor = _field(message, "cursor", int)
        if cursor < 0:
            raise BadRequestError("cursor: negative")
        limit = message.get("limit", 500)
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise BadRequestError("limit: not a whole number")
        limit = max(1, min(limit, MAX_PULL_ROWS))
        horizon = conn.execute(
            "SELECT horizon FROM sync_server_horizons WHERE account_id = %s", [account]
        ).fetchone()
        if horizon is not None and 0 < cursor < horizon[0]:
            raise RefusalError(
                409,
                {
                    "type": "error",
                    "code": "resync_required",
                    "message": "cursor: older than the kept tombstones: fetch the scope anew",
                },
            )
        found = conn.execute(
            "SELECT table_name, row_id, alive, deleted, fields, seq FROM sync_server_rows "
            "WHERE account_id = %s AND seq > %s AND fields -> 'owner_id' ->> 0 = %s "
            "ORDER BY seq LIMIT %s",
            [account, cursor, account, limit + 1],
        ).fetchall()
        page = found[:limit]
        rows: list[Record] = []
        for table, row_id, alive, deleted, fields, _seq in page:
            record = {"table": table, "id": row_id, "alive": alive, "deleted": deleted}
            record["fields"] = fields if is_alive(record) else {}
            rows.append(record)
        return {
            "type": "changes",
            "scope": scope,
            "cursor": cursor,
            "next_cursor": page[-1][5] if page else cursor,
            "more": len(found) > limit,
            "rows": rows,
        }


def _rejection(row: Any, index: int, reason: str) -> dict[str, str]:
    table = row.get("table") if isinstance(row, dict) else None
    row_id = row.get("id") if isinstance(row, dict) else None
    return {
        "table": table if isinstance(table, str) else f"rows[{index}]",
        "id": row_id if isinstance(row_id, str) else "",
        "reason": reason[:300],
    }


def check_row(row: Any, account: str) -> Record:
    """A pushed row record the server can store, or ProtocolError saying why not."""
    if not isinstance(row, dict):
        raise ProtocolError("a row record is an object")
    table = synced_tables().get(row.get("table"))  # type: ignore[arg-type]
    if table is None:
        raise ProtocolError(f"table: {row.get('table')!r} does not sync")
    row_id = row.get("id")
    if not isinstance(row_id, str) or not HEX32.match(row_id):
        raise ProtocolError("id: not 32 lowercase hex digits")
    registers = {}
    for name in ("alive", "deleted"):
        value = row.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise ProtocolError(f"{name}: not a clock value")
            registers[name] = Hlc.parse(value).encode()
    fields = row.get("fields", {})
    if not isinstance(fields, dict):
        raise ProtocolError("fields: not an object")
    unknown = set(fields) - set(table.columns)
    if unknown:
        raise ProtocolError(f"fields: {table.name} has no synced columns {sorted(unknown)}")
    checked: dict[str, list[Any]] = {}
    for name, pair in fields.items():
        if not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[1], str):
            raise ProtocolError(f"fields.{name}: not [value, clock]")
        decode_value(pair[0])
        checked[name] = [pair[0], Hlc.parse(pair[1]).encode()]
    owner = checked.get("owner_id")
    if owner is not None and owner[0] != account:
        raise ProtocolError("owner_id: a row of another account")  # row-level security
    return {
        "table": table.name,
        "id": row_id,
        "alive": registers.get("alive"),
        "deleted": registers.get("deleted"),
        "fields": checked,
    }


def _restamp(record: Record, restamped: dict[str, str]) -> Record:
    if not restamped:
        return record

    def new(hlc: str | None) -> str | None:
        return restamped.get(hlc, hlc) if hlc is not None else None

    return {
        **record,
        "alive": new(record["alive"]),
        "deleted": new(record["deleted"]),
        "fields": {n: [v, restamped.get(h, h)] for n, (v, h) in record["fields"].items()},
    }


class Merger:
    """The merged records a push touches, read from and written back to sync_server_rows."""

    def __init__(self, conn: Connection[Any], account: str, clock: HybridClock, seq: int) -> None:
        self.conn = conn
        self.account = account
        self.clock = clock
        self.seq = seq
        self.rows: dict[Key, Record | None] = {}
        self.row_seq: dict[Key, int] = {}

    def load(self, keys: Iterable[Key]) -> None:
        missing = list({key for key in keys if key not in self.rows})
        if not missing:
            return
        for key in missing:
            self.rows[key] = None
        found = self.conn.execute(
            "SELECT r.table_name, r.row_id, r.alive, r.deleted, r.fields FROM sync_server_rows r "
            "JOIN unnest(%s::text[], %s::text[]) AS k(t, i) "
            "ON r.table_name = k.t AND r.row_id = k.i WHERE r.account_id = %s",
            [[k[0] for k in missing], [k[1] for k in missing], self.account],
        ).fetchall()
        for table, row_id, alive, deleted, fields in found:
            self.rows[(table, row_id)] = {
                "table": table,
                "id": row_id,
                "alive": alive,
                "deleted": deleted,
                "fields": fields,
            }

    def get(self, key: Key) -> Record | None:
        self.load([key])
        return self.rows[key]

    def children(self, table: str, column: str, parent_id: str) -> list[Record]:
        found = self.conn.execute(
            "SELECT table_name, row_id FROM sync_server_rows WHERE account_id = %s "
            "AND table_name = %s AND fields -> %s ->> 0 = %s",
            [self.account, table, column, parent_id],
        ).fetchall()
        self.load((t, i) for t, i in found)
        return [
            record
            for (name, _id), record in self.rows.items()
            if name == table
            and record is not None
            and is_alive(record)
            and record["fields"].get(column, [None])[0] == parent_id
        ]

    def _store(self, record: Record) -> None:
        key = (record["table"], record["id"])
        self.seq += 1
        self.rows[key] = record
        self.row_seq[key] = self.seq

    def merge(self, record: Record) -> None:
        key = (record["table"], record["id"])
        old = self.get(key)
        new = merge_records(old, record) if old is not None else record
        if new == old:
            return
        self._store(new)
        self._follow_foreign_keys(new, was_alive=old is not None and is_alive(old))

    def _follow_foreign_keys(self, record: Record, *, was_alive: bool) -> None:
        """Deleting a parent deletes or nulls its children; a child of a deleted parent goes."""
        table = record["table"]
        if is_alive(record):
            for key in synced_tables()[table].foreign_keys:
                value = record["fields"].get(key.column, [None])[0]
                parent = self.get((key.parent, value)) if isinstance(value, str) else None
                if parent is not None and not is_alive(parent):
                    self._parent_gone(record, key.column, key.on_delete)
            return
        if not was_alive:
            return
        for child_table, key in children_of(table):
            for child in self.children(child_table.name, key.column, record["id"]):
                self._parent_gone(child, key.column, key.on_delete)

    def _parent_gone(self, child: Record, column: str, on_delete: str) -> None:
        hlc = self.clock.tick().encode()
        if on_delete == "SET NULL":
            change = {"table": child["table"], "id": child["id"], "fields": {column: [None, hlc]}}
        else:
            change = {"table": child["table"], "id": child["id"], "deleted": hlc, "fields": {}}
        self.merge({"alive": None, "deleted": None, **change})

    def flush(self) -> None:
        """Write every changed record with its (last) sequence number."""
        params = []
        for key, seq in self.row_seq.items():
            record = self.rows[key]
            assert record is not None
            params.append(
                [
                    self.account,
                    key[0],
                    key[1],
                    record["alive"],
                    record["deleted"],
                    Json(record["fields"]),
                    seq,
                ]
            )
        if not params:
            return
        with self.conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO sync_server_rows "
                "(account_id, table_name, row_id, alive, deleted, fields, seq) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (account_id, table_name, row_id) DO UPDATE SET "
                "alive = excluded.alive, deleted = excluded.deleted, fields = excluded.fields, "
                "seq = excluded.seq",
                params,
            )


def compact(conn: Connection[Any], account: str, *, now_ms: int, retention_ms: int) -> int:
    """Forget the account's rows deleted longer ago than the retention, and its old batch acks;
    pulls from an older cursor then get resync_required. Returns the rows forgotten."""
    cutoff = Hlc(max(now_ms - retention_ms, 0), 0, SERVER_NODE).encode()
    gone = conn.execute(
        "DELETE FROM sync_server_rows WHERE account_id = %s AND deleted IS NOT NULL "
        "AND deleted < %s AND (alive IS NULL OR alive < deleted) RETURNING seq",
        [account, cutoff],
    ).fetchall()
    if gone:
        horizon = max(seq for (seq,) in gone) + 1
        conn.execute(
            "INSERT INTO sync_server_horizons (account_id, horizon) VALUES (%s, %s) "
            "ON CONFLICT (account_id) DO UPDATE SET horizon = "
            "greatest(sync_server_horizons.horizon, excluded.horizon)",
            [account, horizon],
        )
    conn.execute(
        "DELETE FROM sync_server_batches WHERE account_id = %s "
        "AND created_at < now() - make_interval(secs => %s)",
        [account, retention_ms / 1000],
    )
    return len(gone)
