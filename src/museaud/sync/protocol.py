"""The sync protocol's messages and row records, as JSON (transport-neutral; docs/sync.md).

A row record is the state of one row as far as the sender knows it, and the same shape travels
both ways (push and pull):

    {"table": "tracks", "id": "<32 hex>", "alive": HLC | null, "deleted": HLC | null,
     "fields": {"rating": [5, HLC], ...}}

`alive` is the clock of the row's last insert or restore, `deleted` of its last deletion; the
row exists when alive is set and later than deleted (so a deletion beats concurrent edits of
its fields, and a later restore beats the deletion). Every field is its own last-writer-wins
register: [value, clock]. Merging two records takes the greater clock of every register, so
merging is commutative, associative and idempotent: replicas that saw the same records agree.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from typing import Any

from museaud.store.migrate import head_revision

PROTOCOL_VERSION = 1
SERVER_NODE = "0000000000000000"
"""The node id of clock values the server makes (cascades, re-stamped far-future clocks)."""
MAX_OFFLINE_DAYS = 90
"""The longest a device may stay offline and still catch up by cursor."""
TOMBSTONE_RETENTION_DAYS = 180
"""How long the server and the clients keep tombstones: longer than MAX_OFFLINE_DAYS."""
DEFAULT_BATCH_ROWS = 500
DEFAULT_PULL_ROWS = 500


@cache
def schema_version() -> str:
    """The schema version this museaud speaks: its newest migration's revision ("0005")."""
    return head_revision()


Record = dict[str, Any]
Message = dict[str, Any]


class ProtocolError(ValueError):
    """A message that does not follow the protocol."""


def encode_value(value: Any) -> Any:
    """A stored SQLite value as JSON: BLOBs become {"$b64": base64}, the rest is as stored."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, bool):
        return int(value)
    return value


def decode_value(value: Any) -> Any:
    """The SQLite value of a JSON field value."""
    if isinstance(value, dict):
        if set(value) != {"$b64"}:
            raise ProtocolError(f"field value {value!r} is neither a scalar nor a BLOB")
        return base64.b64decode(value["$b64"])
    if isinstance(value, list):
        raise ProtocolError(f"field value {value!r} is a list")
    return value


def dumps(message: Message) -> str:
    """A message as compact JSON (keys sorted, no NaN)."""
    return json.dumps(message, sort_keys=True, separators=(",", ":"), allow_nan=False)


def loads(text: str) -> Message:
    """A message from JSON text (an object with a "type")."""
    try:
        message = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProtocolError(f"not JSON: {error}") from error
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("a message is a JSON object with a string 'type'")
    return message


def is_alive(record: Record) -> bool:
    """Whether the record's row exists: inserted (or restored) after any deletion."""
    alive, deleted = record.get("alive"), record.get("deleted")
    return alive is not None and (deleted is None or alive > deleted)


def _later(first: str | None, second: str | None) -> str | None:
    if first is None:
        return second
    if second is None:
        return first
    return max(first, second)


def merge_records(first: Record, second: Record) -> Record:
    """The register-by-register maximum of two records of one row."""
    if (first["table"], first["id"]) != (second["table"], second["id"]):
        raise ProtocolError("merging records of different rows")
    fields = dict(first.get("fields", {}))
    for name, (value, hlc) in second.get("fields", {}).items():
        if name not in fields or hlc > fields[name][1]:
            fields[name] = [value, hlc]
    return {
        "table": first["table"],
        "id": first["id"],
        "alive": _later(first.get("alive"), second.get("alive")),
        "deleted": _later(first.get("deleted"), second.get("deleted")),
        "fields": fields,
    }


def clocks_of(record: Record) -> list[str]:
    """Every clock value in a record."""
    found = [record[key] for key in ("alive", "deleted") if record.get(key) is not None]
    found += [hlc for _value, hlc in record.get("fields", {}).values()]
    return found


def check_record(record: Any) -> Record:
    """record, if it has the shape of a row record."""
    if not isinstance(record, dict):
        raise ProtocolError(f"a row record is an object, not {record!r}")
    if not isinstance(record.get("table"), str) or not isinstance(record.get("id"), str):
        raise ProtocolError(f"row record without table and id: {record!r}")
    fields = record.setdefault("fields", {})
    if not isinstance(fields, dict) or any(
        not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[1], str)
        for pair in fields.values()
    ):
        raise ProtocolError(f"row record fields are name: [value, clock]: {record!r}")
    return record
