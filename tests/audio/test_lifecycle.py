"""The player's two state machines: every move in their tables, every other move refused."""

from __future__ import annotations

import enum
import itertools
import logging
from collections.abc import Mapping
from typing import Any

import pytest

from museaud.audio.lifecycle import (
    ACTIVITY_TRANSITIONS,
    ENGINE_TRANSITIONS,
    Activity,
    ActivityEvent,
    EngineEvent,
    EngineState,
    IllegalTransitionError,
    StateMachine,
)

Table = Mapping[Any, Any]  # either machine's table
TABLES: list[tuple[Table, type[enum.Enum], type[enum.Enum], enum.Enum]] = [
    (ENGINE_TRANSITIONS, EngineState, EngineEvent, EngineState.OFF),
    (ACTIVITY_TRANSITIONS, Activity, ActivityEvent, Activity.IDLE),
]
ALLOWED = [(table, move) for table, *_ in TABLES for move in table.items()]
REFUSED = [
    (table, (state, event))
    for table, states, events, _ in TABLES
    for state, event in itertools.product(states, events)
    if (state, event) not in table
]


@pytest.mark.parametrize(("table", "move"), ALLOWED)
def test_every_move_in_the_table_is_made(
    table: Table, move: tuple[tuple[enum.Enum, enum.Enum], enum.Enum]
) -> None:
    (state, event), target = move
    machine = StateMachine("test", state, table)

    assert machine.allows(event)
    assert machine.fire(event) is target
    assert machine.state is target


@pytest.mark.parametrize(("table", "move"), REFUSED)
def test_every_other_move_is_refused_loudly(
    table: Table, move: tuple[enum.Enum, enum.Enum], caplog: pytest.LogCaptureFixture
) -> None:
    state, event = move
    machine = StateMachine("test", state, table)

    assert not machine.allows(event)
    with caplog.at_level(logging.ERROR), pytest.raises(IllegalTransitionError, match=event.value):
        machine.fire(event)
    assert machine.state is state  # refused: nothing moved
    assert [r.levelno for r in caplog.records] == [logging.ERROR]


def test_some_moves_are_refused() -> None:
    assert REFUSED  # the tables are no "anything goes"
    assert (Activity.PATTERN, ActivityEvent.TRACK) in [move for _, move in REFUSED]
    assert (EngineState.READY, EngineEvent.START) in [move for _, move in REFUSED]


@pytest.mark.parametrize(("table", "states", "initial"), [(t, s, i) for t, s, _, i in TABLES])
def test_every_state_is_reached_and_left_for_the_first(
    table: Table, states: type[enum.Enum], initial: enum.Enum
) -> None:
    def reachable(start: enum.Enum) -> set[enum.Enum]:
        seen, todo = {start}, [start]
        while todo:
            here = todo.pop()
            for (state, _), target in table.items():
                if state is here and target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    assert reachable(initial) == set(states)
    for state in states:
        assert initial in reachable(state), state  # no dead end


def test_stop_and_close_are_always_allowed() -> None:
    for activity in Activity:
        assert ACTIVITY_TRANSITIONS[activity, ActivityEvent.STOP] is Activity.IDLE
    for engine in EngineState:
        assert ENGINE_TRANSITIONS[engine, EngineEvent.CLOSE] is EngineState.OFF


def test_a_pattern_waits_for_the_engine_then_plays() -> None:
    engine = StateMachine("engine", EngineState.OFF, ENGINE_TRANSITIONS)
    playback = StateMachine("playback", Activity.IDLE, ACTIVITY_TRANSITIONS)

    engine.fire(EngineEvent.START)
    playback.fire(ActivityEvent.WAIT_FOR_ENGINE)
    engine.fire(EngineEvent.STARTED)
    playback.fire(ActivityEvent.PLAY)
    engine.fire(EngineEvent.FAILED)  # the process died mid-play
    playback.fire(ActivityEvent.STOP)

    assert (engine.state, playback.state) == (EngineState.OFF, Activity.IDLE)
    assert engine.allows(EngineEvent.START)  # the next Play starts a fresh engine
