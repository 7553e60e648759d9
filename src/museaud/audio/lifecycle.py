"""The GUI player's lifecycle as two small state machines, each one table of allowed moves.

`EngineState` is where the audio engine's process is (off, starting, ready); `Activity` is what
the player does (nothing, a pattern waiting for the engine, a pattern, a library track waiting
for the engine, a library track). Every move not in a table is refused with
`IllegalTransitionError`, and logged: a move nobody planned is a bug to see, not a state to
drift into. No Qt here, so the tables are tested on their own.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from typing import Generic, TypeVar

log = logging.getLogger(__name__)


class EngineState(enum.Enum):
    """Where the audio engine's process is."""

    OFF = "off"  # none: the next Play starts one
    STARTING = "starting"  # its process starts and opens the device (a second or two)
    READY = "ready"  # up, with the device open: it takes commands


class EngineEvent(enum.Enum):
    """What happens to the audio engine."""

    START = "start"  # a start was asked for (in the background)
    STARTED = "started"  # the process answered with its device open
    FAILED = "failed"  # it could not start, or it died or stopped answering
    CLOSE = "close"  # let go: output changed, window closed, or replaced


ENGINE_TRANSITIONS: Mapping[tuple[EngineState, EngineEvent], EngineState] = {
    (EngineState.OFF, EngineEvent.START): EngineState.STARTING,
    (EngineState.OFF, EngineEvent.CLOSE): EngineState.OFF,
    (EngineState.STARTING, EngineEvent.STARTED): EngineState.READY,
    (EngineState.STARTING, EngineEvent.FAILED): EngineState.OFF,
    (EngineState.STARTING, EngineEvent.CLOSE): EngineState.OFF,
    (EngineState.READY, EngineEvent.FAILED): EngineState.OFF,
    (EngineState.READY, EngineEvent.CLOSE): EngineState.OFF,
}


class Activity(enum.Enum):
    """What the player does."""

    IDLE = "idle"
    PATTERN_PENDING = "pattern pending"  # Play was pressed while the engine starts
    PATTERN = "pattern"  # a pattern plays
    TRACK_LOADING = "track loading"  # a library track waits for the engine to start
    TRACK = "track"  # library tracks play (or one is paused): the audio process decodes them


class ActivityEvent(enum.Enum):
    """What is asked of the player, or what it reports."""

    PLAY = "play"  # a pattern was handed to an open player
    WAIT_FOR_ENGINE = "wait for engine"  # a pattern was asked for; the engine starts first
    TRACK = "track"  # a library track was asked for
    TRACK_SENT = "track sent"  # it was handed to the engine
    STOP = "stop"  # stopped, ended by itself, or failed


ACTIVITY_TRANSITIONS: Mapping[tuple[Activity, ActivityEvent], Activity] = {
    (Activity.IDLE, ActivityEvent.PLAY): Activity.PATTERN,
    (Activity.IDLE, ActivityEvent.WAIT_FOR_ENGINE): Activity.PATTERN_PENDING,
    (Activity.IDLE, ActivityEvent.TRACK): Activity.TRACK_LOADING,
    (Activity.IDLE, ActivityEvent.STOP): Activity.IDLE,
    (Activity.PATTERN_PENDING, ActivityEvent.PLAY): Activity.PATTERN,
    (Activity.PATTERN_PENDING, ActivityEvent.WAIT_FOR_ENGINE): Activity.PATTERN_PENDING,
    (Activity.PATTERN_PENDING, ActivityEvent.STOP): Activity.IDLE,
    (Activity.PATTERN, ActivityEvent.PLAY): Activity.PATTERN,
    (Activity.PATTERN, ActivityEvent.WAIT_FOR_ENGINE): Activity.PATTERN_PENDING,
    (Activity.PATTERN, ActivityEvent.STOP): Activity.IDLE,
    (Activity.TRACK_LOADING, ActivityEvent.TRACK): Activity.TRACK_LOADING,
    (Activity.TRACK_LOADING, ActivityEvent.TRACK_SENT): Activity.TRACK,
    (Activity.TRACK_LOADING, ActivityEvent.STOP): Activity.IDLE,
    (Activity.TRACK, ActivityEvent.TRACK): Activity.TRACK_LOADING,
    (Activity.TRACK, ActivityEvent.STOP): Activity.IDLE,
}

State = TypeVar("State", bound=enum.Enum)
Event = TypeVar("Event", bound=enum.Enum)


class IllegalTransitionError(RuntimeError):
    """An event that the current state does not allow (a bug in the caller)."""


class StateMachine(Generic[State, Event]):
    """A state that only moves as its table allows."""

    def __init__(
        self, name: str, initial: State, transitions: Mapping[tuple[State, Event], State]
    ) -> None:
        self.name = name
        self._state = initial
        self._transitions = transitions

    @property
    def state(self) -> State:
        """The state now."""
        return self._state

    def allows(self, event: Event) -> bool:
        """True when event may happen in the state now."""
        return (self._state, event) in self._transitions

    def fire(self, event: Event) -> State:
        """Move on event and return the new state; IllegalTransitionError (logged) if the table
        has no such move, the state staying as it was."""
        target = self._transitions.get((self._state, event))
        if target is None:
            message = f"{self.name}: {event.value!r} is not allowed when {self._state.value!r}"
            log.error("%s", message)
            raise IllegalTransitionError(message)
        log.debug("%s: %s --%s--> %s", self.name, self._state.value, event.value, target.value)
        self._state = target
        return target
