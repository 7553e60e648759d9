"""A hybrid logical clock: wall time in ms, a counter and the node id, in one sortable string.

Every change gets a clock value; the greater value wins a field (last writer wins). The string
encoding is fixed-width lowercase hex, `WWWWWWWWWWWWW.CCCC.NNNNNNNNNNNNNNNN` (13 digits of Unix
ms, 4 of counter, 16 of node id), so comparing two strings byte by byte is the total order,
and two nodes can never tie (the node id is last). The clock never goes backwards: it starts
from the last value it handed out (persisted by the caller in the transaction that used it),
whatever the wall clock says after a restart. Remote clocks more than `max_ahead_ms` ahead of
this machine's (corrected) wall time are clamped when observed, and the observation says so.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

WALL_DIGITS = 13
COUNTER_DIGITS = 4
NODE_DIGITS = 16
MAX_COUNTER = 16**COUNTER_DIGITS - 1
MAX_AHEAD_MS = 5 * 60 * 1000
"""How far ahead of this machine's wall time a remote clock may be before it is clamped."""

_PATTERN = re.compile(
    rf"^[0-9a-f]{{{WALL_DIGITS}}}\.[0-9a-f]{{{COUNTER_DIGITS}}}\.[0-9a-f]{{{NODE_DIGITS}}}$"
)


class ClockError(ValueError):
    """A string that is not a clock value, or a node id that is not 16 hex digits."""


def system_ms() -> int:
    """This machine's wall time in Unix milliseconds."""
    return time.time_ns() // 1_000_000


def new_node_id() -> str:
    """A random node id: 16 lowercase hex digits (one per store, made when sync is enabled)."""
    return secrets.token_hex(NODE_DIGITS // 2)


def check_node_id(node: str) -> str:
    """node, if it is 16 lowercase hex digits."""
    if len(node) != NODE_DIGITS or any(char not in "0123456789abcdef" for char in node):
        raise ClockError(f"node id {node!r} is not {NODE_DIGITS} lowercase hex digits")
    return node


@dataclass(frozen=True, order=True)
class Hlc:
    """One clock value; orders as its encoding does."""

    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        """The sortable string form."""
        return f"{self.wall_ms:0{WALL_DIGITS}x}.{self.counter:0{COUNTER_DIGITS}x}.{self.node}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        """The clock value of a string made by encode (checked)."""
        if not _PATTERN.match(text):
            raise ClockError(f"{text!r} is not a hybrid logical clock value")
        wall, counter, node = text.split(".")
        return cls(int(wall, 16), int(counter, 16), node)

    def __str__(self) -> str:
        return self.encode()


@dataclass(frozen=True)
class Observation:
    """What observing a remote clock did: the local value after it, and whether it was clamped."""

    hlc: Hlc
    ahead_ms: int
    """How far the remote clock was ahead of this machine's corrected wall time (<= 0: not)."""
    clamped: bool

    @property
    def message(self) -> str | None:
        """A sentence for the log when the remote clock was clamped, else None."""
        if not self.clamped:
            return None
        return (
            f"a remote clock was {self.ahead_ms / 60000:.1f} min ahead of this machine's: "
            "it was clamped; check the date and time of the machines that sync"
        )


class HybridClock:
    """The clock of one node. Not thread-safe: the sync engine uses it in one transaction."""

    def __init__(
        self,
        node: str,
        last: Hlc | None = None,
        *,
        wall: Callable[[], int] = system_ms,
        offset_ms: int = 0,
        max_ahead_ms: int = MAX_AHEAD_MS,
    ) -> None:
        self.node = check_node_id(node)
        self.last = last if last is not None else Hlc(0, 0, node)
        self.wall = wall
        self.offset_ms = offset_ms
        """Correction added to the wall clock (from the server's time at the handshake)."""
        self.max_ahead_ms = max_ahead_ms

    def now_ms(self) -> int:
        """The corrected wall time."""
        return self.wall() + self.offset_ms

    def tick(self, physical_ms: int | None = None) -> Hlc:
        """A new value for a local event that happened at physical_ms (default: now), greater
        than every value handed out or observed before."""
        physical = self.now_ms() if physical_ms is None else physical_ms
        if physical > self.last.wall_ms:
            value = Hlc(physical, 0, self.node)
        else:
            value = self._after(self.last.wall_ms, self.last.counter)
        self.last = value
        return value

    def observe(self, remote: Hlc | str) -> Observation:
        """Move past a remote value (clamped to now + max_ahead_ms), so later local events
        order after it."""
        seen = Hlc.parse(remote) if isinstance(remote, str) else remote
        now = self.now_ms()
        limit = now + self.max_ahead_ms
        clamped = seen.wall_ms > limit
        wall = min(seen.wall_ms, limit)
        counter = seen.counter if not clamped else 0
        top = max(self.last.wall_ms, wall, now)
        if top == self.last.wall_ms == wall:
            value = self._after(top, max(self.last.counter, counter))
        elif top == self.last.wall_ms:
            value = self._after(top, self.last.counter)
        elif top == wall:
            value = self._after(top, counter)
        else:
            value = Hlc(top, 0, self.node)
        self.last = value
        return Observation(value, seen.wall_ms - now, clamped)

    def _after(self, wall: int, counter: int) -> Hlc:
        if counter >= MAX_COUNTER:  # the counter is full: borrow the next millisecond
            return Hlc(wall + 1, 0, self.node)
        return Hlc(wall, counter + 1, self.node)
