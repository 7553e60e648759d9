"""The hybrid logical clock: strings in total order, never backwards, clamped when far ahead."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from museaud.sync.clock import MAX_AHEAD_MS, MAX_COUNTER, Hlc, HybridClock

NODES = st.text("0123456789abcdef", min_size=16, max_size=16)
VALUES = st.builds(Hlc, st.integers(0, 2**52 - 1), st.integers(0, MAX_COUNTER), NODES)


class Wall:
    """A wall clock a test moves by hand."""

    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@given(VALUES, VALUES)
def test_strings_sort_as_clock_values_and_never_tie_across_nodes(a: Hlc, b: Hlc) -> None:
    assert (a.encode() < b.encode()) == (a < b)
    assert Hlc.parse(a.encode()) == a
    if a.node != b.node:
        assert a.encode() != b.encode()


@settings(max_examples=50)
@given(
    st.lists(
        st.tuples(st.sampled_from(["tick", "observe", "restart"]), st.integers(-(10**8), 10**8)),
        max_size=60,
    )
)
def test_monotonic_across_restarts_and_wall_clock_jumps(steps: list[tuple[str, int]]) -> None:
    wall = Wall(1_700_000_000_000)
    clock = HybridClock("a" * 16, wall=wall)
    seen: list[Hlc] = []
    for action, jump in steps:
        wall.now += jump  # the wall clock jumps either way, by up to a day
        if action == "tick":
            seen.append(clock.tick())
        elif action == "observe":
            seen.append(clock.observe(Hlc(wall.now + jump // 1000, 3, "b" * 16)).hlc)
        else:  # restart: a new clock from the persisted last value
            clock = HybridClock("a" * 16, Hlc.parse(clock.last.encode()), wall=wall)
    assert seen == sorted(seen)
    assert len({value.encode() for value in seen}) == len(seen)


def test_an_event_after_an_observation_orders_after_it() -> None:
    wall = Wall(1_000_000)
    clock = HybridClock("a" * 16, wall=wall)
    remote = Hlc(1_000_000 + 60_000, 7, "b" * 16)  # a minute ahead: within the limit
    assert clock.observe(remote).clamped is False
    assert clock.tick() > remote


def test_remote_clocks_far_ahead_are_clamped_and_said_so() -> None:
    wall = Wall(1_000_000)
    clock = HybridClock("a" * 16, wall=wall)
    hours_ahead = Hlc(1_000_000 + 3 * 3_600_000, 0, "b" * 16)
    seen = clock.observe(hours_ahead)
    assert seen.clamped
    assert seen.message is not None and "180.0 min ahead" in seen.message
    assert clock.last.wall_ms <= 1_000_000 + MAX_AHEAD_MS


def test_a_full_counter_borrows_the_next_millisecond() -> None:
    clock = HybridClock("a" * 16, Hlc(5, MAX_COUNTER, "a" * 16), wall=Wall(0))
    assert clock.tick() == Hlc(6, 0, "a" * 16)


def test_a_local_event_keeps_its_own_time_when_later() -> None:
    clock = HybridClock("a" * 16, wall=Wall(10))
    assert clock.tick(500) == Hlc(500, 0, "a" * 16)
    assert clock.tick(400) == Hlc(500, 1, "a" * 16)
