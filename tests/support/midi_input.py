"""A virtual JACK MIDI input that keeps what it receives, with JACK's arrival times; the
`midi_in` fixture gives each test one with a client name of its own."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import mido
import pytest
import rtmidi

from tests.support.jack import JackServer


class Received:
    """Messages arriving at a virtual JACK MIDI input, with their arrival times in ns.

    python-rtmidi queues what arrives with JACK's own clock, and a thread of ours drains the
    queue: a Python callback would run inside JACK's process thread and wait there for the GIL,
    which loses messages on a busy machine. Times are JACK's, placed on perf_counter_ns's scale
    at the first message (the offset is the polling delay; only differences are compared).
    """

    def __init__(self, client: str) -> None:
        self.name = f"{client}:in"
        self.input = rtmidi.MidiIn(rtapi=rtmidi.API_UNIX_JACK, name=client, queue_size_limit=8192)
        self.input.ignore_types(sysex=True, timing=False, active_sense=True)
        self.input.open_virtual_port("in")
        self.messages: list[tuple[int, mido.Message]] = []
        self.drained: list[int] = []  # perf_counter_ns when each message was taken off the queue
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.clock_ns: float | None = None
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while not self.closed.is_set():
            got = self.input.get_message()
            if got is None:
                time.sleep(0.001)
                continue
            data, delta = got
            now = time.perf_counter_ns()
            self.clock_ns = now if self.clock_ns is None else self.clock_ns + delta * 1e9
            with self.lock:
                self.messages.append((round(self.clock_ns), mido.Message.from_bytes(data)))
                self.drained.append(now)

    def of(self, *types: str) -> list[tuple[int, mido.Message]]:
        with self.lock:
            return [(t, m) for t, m in self.messages if m.type in types]

    def since(self, *types: str, since_ns: int = 0) -> list[mido.Message]:
        """Messages of these types taken in at or after since_ns (perf_counter_ns)."""
        with self.lock:
            return [
                m
                for (_, m), at in zip(self.messages, self.drained, strict=True)
                if m.type in types and at >= since_ns
            ]

    def notes(self, since_ns: int = 0) -> list[mido.Message]:
        """Sounding notes (note-on with a velocity) taken in at or after since_ns."""
        return [m for m in self.since("note_on", since_ns=since_ns) if m.velocity]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.drained.clear()

    def close(self) -> None:
        """The synth quits: the port disappears."""
        if not self.closed.is_set():
            self.closed.set()
            self.thread.join()
            self.input.close_port()
            self.input.delete()


@pytest.fixture
def midi_in(jack_server: JackServer) -> Iterator[Received]:
    """A virtual JACK MIDI input with a client name of its own (tests share the server)."""
    received = Received(f"museaud_test_{uuid.uuid4().hex[:8]}")
    yield received
    received.close()
