"""The sync client: handshake, push batches until the outbox is empty, pull every scope.

Transport-neutral: `send` takes a request as JSON text and returns the answer as JSON text (the
HTTP client, or a test hub). No database transaction is open while a request is in flight: a
batch is built and saved in one transaction, sent, and its acknowledgement taken in another;
a pulled page is applied with its cursor in one. Killed at any point, the client resumes: the
saved batch is sent again (the server applies it once) and a page is pulled again from the
stored cursor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from museaud.sync.apply import apply_changes, pull_cursor
from museaud.sync.changes import acknowledge, build_batch, load_clock, save_clock, sync_state
from museaud.sync.clock import MAX_AHEAD_MS, system_ms
from museaud.sync.protocol import (
    DEFAULT_BATCH_ROWS,
    DEFAULT_PULL_ROWS,
    PROTOCOL_VERSION,
    Message,
    ProtocolError,
    dumps,
    loads,
    schema_version,
)

log = logging.getLogger(__name__)

Send = Callable[[str], str]
Sessions = Callable[[], AbstractContextManager[Session]]


class SyncRefusedError(RuntimeError):
    """The server refused: update museaud, or a request it does not accept (its code says)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass
class SyncReport:
    """What one sync did."""

    batches: int = 0
    pages: int = 0
    written: int = 0
    deleted: int = 0
    warnings: list[str] = field(default_factory=list)


def owner_scope(account_id: str) -> str:
    """The scope of the account's own rows."""
    return f"owner:{account_id}"


class SyncClient:
    """Syncs one store through a transport."""

    def __init__(
        self,
        sessions: Sessions,
        send: Send,
        *,
        wall: Callable[[], int] = system_ms,
        correct_clock: bool = True,
        max_ahead_ms: int = MAX_AHEAD_MS,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        pull_rows: int = DEFAULT_PULL_ROWS,
    ) -> None:
        self.sessions = sessions
        self.send = send
        self.wall = wall
        self.correct_clock = correct_clock
        self.max_ahead_ms = max_ahead_ms
        self.batch_rows = batch_rows
        self.pull_rows = pull_rows

    def request(self, message: Message) -> Message:
        """Send a message and read the answer; refusals raise SyncRefusedError."""
        answer = loads(self.send(dumps(message)))
        if answer["type"] in ("error", "update_required"):
            raise SyncRefusedError(
                str(answer.get("code", answer["type"])), str(answer.get("message", ""))
            )
        return answer

    def _identity(self) -> Message:
        with self.sessions() as session:
            state = sync_state(session)
            return {
                "protocol": PROTOCOL_VERSION,
                "client_id": state.node_id,
                "account_id": state.account_id,
                "schema_version": schema_version(),
            }

    def hello(self) -> Message:
        """The schema-version handshake; adopts the server's time as the clock's correction."""
        welcome = self.request({"type": "hello", **self._identity()})
        if welcome.get("type") != "welcome":
            raise ProtocolError(f"expected welcome, got {welcome.get('type')!r}")
        if self.correct_clock:
            offset = int(welcome["server_time_ms"]) - self.wall()
            with self.sessions() as session:
                sync_state(session).clock_offset_ms = offset
        return welcome

    def push_once(self) -> bool:
        """Send the pending (or a new) batch and take its acknowledgement; False: none to send."""
        with self.sessions() as session:
            state = sync_state(session)
            clock = load_clock(state, wall=self.wall, max_ahead_ms=self.max_ahead_ms)
            batch = build_batch(session, clock, limit=self.batch_rows)
        if batch is None:
            return False
        ack = self.request(loads(batch))
        with self.sessions() as session:
            state = sync_state(session)
            clock = load_clock(state, wall=self.wall, max_ahead_ms=self.max_ahead_ms)
            for new in (ack.get("restamped") or {}).values():
                clock.observe(new)
            save_clock(state, clock)
            acknowledge(session, ack)
        for rejected in ack.get("rejected") or []:
            log.warning("the server could not store %s: %s", rejected, rejected.get("reason"))
        if ack.get("restamped"):
            log.warning(
                "the server re-stamped %d clock values far ahead of its time: "
                "check this machine's date and time",
                len(ack["restamped"]),
            )
        return True

    def pull_once(self, scope: str, report: SyncReport) -> bool:
        """Pull and apply one page of scope; True if the server has more."""
        with self.sessions() as session:
            cursor = pull_cursor(session, scope)
        identity = self._identity()
        page = self.request(
            {"type": "pull", **identity, "scope": scope, "cursor": cursor, "limit": self.pull_rows}
        )
        with self.sessions() as session:
            state = sync_state(session)
            clock = load_clock(state, wall=self.wall, max_ahead_ms=self.max_ahead_ms)
            applied = apply_changes(session, page, clock)
        report.pages += 1
        report.written += applied.written
        report.deleted += applied.deleted
        report.warnings += [w for w in applied.clock_warnings if w not in report.warnings]
        return bool(page.get("more")) and not applied.stale

    def sync(self) -> SyncReport:
        """Handshake, push everything, pull every scope to its end."""
        report = SyncReport()
        self.hello()
        while self.push_once():
            report.batches += 1
        with self.sessions() as session:
            scope = owner_scope(sync_state(session).account_id)
        while self.pull_once(scope, report):
            pass
        return report
