"""A tiny in-process sync server for tests only, keeping the server semantics of docs/sync.md.

It takes and answers JSON text, as the real server does over HTTP. Row state is one record per
row (registers merged by clock, as clients merge), every change of a row's state takes the next
global sequence number, a pull returns the rows of a scope whose number is above the cursor, a
batch is applied once per (client, batch id) and its acknowledgement kept and returned again
for a retry, clocks far ahead of the server's time are re-stamped with the server's clock, and
a deleted parent deletes (or nulls the references of) its children, also those that arrive
later. It cuts no corner the real server (PostgreSQL, next session) could not also take.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from museaud.sync.clock import MAX_AHEAD_MS, Hlc, HybridClock, system_ms
from museaud.sync.protocol import (
    PROTOCOL_VERSION,
    SERVER_NODE,
    TOMBSTONE_RETENTION_DAYS,
    Message,
    ProtocolError,
    Record,
    check_record,
    clocks_of,
    decode_value,
    dumps,
    is_alive,
    loads,
    merge_records,
    schema_version,
)
from museaud.sync.tables import children_of, synced_tables

Key = tuple[str, str]


def previous_revision(revision: str) -> str:
    """The revision before a numbered one ("0005" -> "0004")."""
    return f"{int(revision) - 1:0{len(revision)}d}"


class MemoryHub:
    """The server side of the protocol, in memory."""

    def __init__(
        self,
        *,
        wall: Callable[[], int] = system_ms,
        max_ahead_ms: int = MAX_AHEAD_MS,
        schema_versions: tuple[str, ...] | None = None,
        retention_ms: int = TOMBSTONE_RETENTION_DAYS * 86_400_000,
    ) -> None:
        head = schema_version()
        self.schema_versions = schema_versions or (previous_revision(head), head)
        self.clock = HybridClock(SERVER_NODE, wall=wall, max_ahead_ms=max_ahead_ms)
        self.max_ahead_ms = max_ahead_ms
        self.retention_ms = retention_ms
        self.rows: dict[Key, Record] = {}
        self.row_seq: dict[Key, int] = {}
        self.seq = 0
        self.horizon = 0
        """Pulls from a cursor below this may have missed compacted tombstones."""
        self.acks: dict[tuple[str, str], str] = {}
        self.applied_batches = 0
        self.requests = 0

    # --- transport ---------------------------------------------------------------------

    def handle(self, request: str) -> str:
        """Answer one request (JSON text in, JSON text out)."""
        self.requests += 1
        try:
            message = loads(request)
            refusal = self._refusal(message)
            if refusal is not None:
                return dumps(refusal)
            kind = message["type"]
            if kind == "hello":
                return dumps(self._welcome())
            if kind == "push":
                return self._push(message)
            if kind == "pull":
                return dumps(self._pull(message))
            raise ProtocolError(f"unknown message type {kind!r}")
        except (ProtocolError, KeyError, TypeError, ValueError) as error:
            return dumps({"type": "error", "code": "bad_request", "message": str(error)})

    def _refusal(self, message: Message) -> Message | None:
        if message.get("protocol") != PROTOCOL_VERSION:
            return {"type": "error", "code": "protocol", "message": "unknown protocol version"}
        version = str(message.get("schema_version"))
        if version < min(self.schema_versions):
            return {
                "type": "update_required",
                "code": "update_required",
                "message": f"schema {version} is too old: update museaud",
                "min_schema_version": min(self.schema_versions),
            }
        if version > max(self.schema_versions):
            return {
                "type": "error",
                "code": "server_behind",
                "message": f"the server does not know schema {version} yet: try later",
            }
        if not isinstance(message.get("account_id"), str):
            return {"type": "error", "code": "unauthorized", "message": "no account"}
        return None

    def _welcome(self) -> Message:
        return {
            "type": "welcome",
            "protocol": PROTOCOL_VERSION,
            "server_time_ms": self.clock.now_ms(),
            "schema_versions": list(self.schema_versions),
            "max_clock_ahead_ms": self.max_ahead_ms,
            "tombstone_retention_days": TOMBSTONE_RETENTION_DAYS,
        }

    # --- push --------------------------------------------------------------------------

    def _push(self, message: Message) -> str:
        key = (str(message["client_id"]), str(message["batch_id"]))
        if key in self.acks:
            return self.acks[key]  # a retry: applied once, answered the same
        account = str(message["account_id"])
        records = [check_record(row) for row in message["rows"]]
        for record in records:
            self._check_row(record, account)
        limit = self.clock.now_ms() + self.max_ahead_ms
        far = sorted(
            {hlc for r in records for hlc in clocks_of(r) if Hlc.parse(hlc).wall_ms > limit}
        )
        restamped = {old: self.clock.tick().encode() for old in far}
        for record in records:
            for hlc in clocks_of(record):
                if hlc not in restamped:
                    self.clock.observe(hlc)
            self._merge(self._restamp(record, restamped))
        self.applied_batches += 1
        ack = dumps(
            {
                "type": "ack",
                "batch_id": message["batch_id"],
                "server_seq": self.seq,
                "restamped": restamped,
            }
        )
        self.acks[key] = ack
        return ack

    def _check_row(self, record: Record, account: str) -> None:
        table = synced_tables().get(record["table"])
        if table is None:
            raise ProtocolError(f"table {record['table']!r} does not sync")
        unknown = set(record["fields"]) - set(table.columns)
        if unknown:
            raise ProtocolError(f"{record['table']} has no synced columns {sorted(unknown)}")
        for value, hlc in record["fields"].values():
            decode_value(value)
            Hlc.parse(hlc)
        owner = record["fields"].get("owner_id")
        stored = self.rows.get((record["table"], record["id"]))
        known_owner = stored["fields"].get("owner_id") if stored else None
        for found in (owner, known_owner):
            if found is not None and found[0] != account:
                raise ProtocolError("a row of another account")  # row-level security

    @staticmethod
    def _restamp(record: Record, restamped: dict[str, str]) -> Record:
        if not restamped:
            return record
        return {
            **record,
            "alive": restamped.get(record["alive"], record["alive"]) if record["alive"] else None,
            "deleted": (
                restamped.get(record["deleted"], record["deleted"]) if record["deleted"] else None
            ),
            "fields": {
                name: [value, restamped.get(hlc, hlc)]
                for name, (value, hlc) in record["fields"].items()
            },
        }

    def _store(self, record: Record) -> None:
        key = (record["table"], record["id"])
        self.seq += 1
        self.rows[key] = record
        self.row_seq[key] = self.seq

    def _merge(self, record: Record) -> None:
        key = (record["table"], record["id"])
        old = self.rows.get(key)
        new = (
            merge_records(old, record)
            if old is not None
            else {
                "alive": None,
                "deleted": None,
                **record,
            }
        )
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
                parent = self.rows.get((key.parent, value)) if value is not None else None
                if parent is not None and not is_alive(parent):
                    self._parent_gone(record, key.column, key.on_delete)
            return
        if not was_alive:
            return
        for child_table, key in children_of(table):
            for child in list(self.rows.values()):
                if (
                    child["table"] == child_table.name
                    and is_alive(child)
                    and child["fields"].get(key.column, [None])[0] == record["id"]
                ):
                    self._parent_gone(child, key.column, key.on_delete)

    def _parent_gone(self, child: Record, column: str, on_delete: str) -> None:
        hlc = self.clock.tick().encode()
        if on_delete == "SET NULL":
            change = {"table": child["table"], "id": child["id"], "fields": {column: [None, hlc]}}
        else:
            change = {"table": child["table"], "id": child["id"], "deleted": hlc, "fields": {}}
        self._merge({"alive": None, "deleted": None, **change})

    # --- pull --------------------------------------------------------------------------

    def _pull(self, message: Message) -> Message:
        scope = str(message["scope"])
        account = str(message["account_id"])
        if scope != f"owner:{account}":
            return {"type": "error", "code": "forbidden", "message": f"no access to {scope}"}
        cursor = int(message["cursor"])
        if 0 < cursor < self.horizon:
            return {"type": "error", "code": "resync_required", "message": "cursor too old"}
        limit = max(1, min(int(message.get("limit", 500)), 5000))
        due = sorted(
            (seq, key)
            for key, seq in self.row_seq.items()
            if seq > cursor and self._in_scope(self.rows[key], account)
        )
        page = due[:limit]
        rows: list[dict[str, Any]] = []
        for _seq, key in page:
            record = self.rows[key]
            if is_alive(record):
                rows.append(record)
            else:
                rows.append(
                    {
                        "table": key[0],
                        "id": key[1],
                        "alive": record["alive"],
                        "deleted": record["deleted"],
                        "fields": {},
                    }
                )
        next_cursor = page[-1][0] if page else max(cursor, 0)
        return {
            "type": "changes",
            "scope": scope,
            "cursor": cursor,
            "next_cursor": next_cursor if page else cursor,
            "more": len(due) > limit,
            "rows": rows,
        }

    @staticmethod
    def _in_scope(record: Record, account: str) -> bool:
        owner = record["fields"].get("owner_id")
        return owner is not None and owner[0] == account

    # --- retention ---------------------------------------------------------------------

    def compact(self) -> int:
        """Forget rows deleted longer ago than the retention; older cursors must resync."""
        cutoff = self.clock.now_ms() - self.retention_ms
        gone = [
            key
            for key, record in self.rows.items()
            if not is_alive(record)
            and record["deleted"] is not None
            and Hlc.parse(record["deleted"]).wall_ms < cutoff
        ]
        for key in gone:
            self.horizon = max(self.horizon, self.row_seq.pop(key) + 1)
            del self.rows[key]
        return len(gone)

    def alive_rows(self) -> dict[Key, dict[str, Any]]:
        """Every existing row's field values, as the server holds them."""
        return {
            key: {name: value for name, (value, _hlc) in record["fields"].items()}
            for key, record in self.rows.items()
            if is_alive(record)
        }
