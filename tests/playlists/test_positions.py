"""Fractional position keys: always a key between two neighbours, short, never renumbering."""

from __future__ import annotations

import random

import pytest

from museaud.playlists.positions import (
    FIRST_KEY,
    PositionKeyError,
    key_between,
    keys_between,
)


def test_appending_counts_up_and_grows_slowly() -> None:
    keys = keys_between(None, None, 5000)
    assert keys[:3] == [FIRST_KEY, "a1", "a2"]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert keys[62] == "b00"  # after "az"
    assert keys[62 + 62 * 62] == "c000"  # after "bzz"
    assert max(map(len, keys)) == 4


def test_prepending_counts_down() -> None:
    keys = keys_between(None, FIRST_KEY, 100)
    assert keys == sorted(keys) and keys[-1] < FIRST_KEY
    assert keys[-1] == "Zz"
    assert max(map(len, keys)) <= 3


def test_keys_between_two_neighbours_are_spread() -> None:
    keys = keys_between("a0", "a1", 1000)
    assert keys == sorted(keys) and len(set(keys)) == 1000
    assert all("a0" < key < "a1" for key in keys)
    assert max(map(len, keys)) <= 5  # spread like a balanced tree, not one after another


def test_500_random_inserts_and_moves_keep_a_total_order() -> None:
    """Each step writes exactly one key; the list's order is the keys' order throughout."""
    chance = random.Random(11)
    items: list[str] = []  # keys in list order
    for step in range(500):
        if items and chance.random() < 0.5:  # move an item to a new place
            items.pop(chance.randrange(len(items)))
        index = chance.randrange(len(items) + 1)
        before = items[index - 1] if index else None
        after = items[index] if index < len(items) else None
        key = key_between(before, after)
        assert (before is None or before < key) and (after is None or key < after), step
        items.insert(index, key)
        assert items == sorted(items)
    assert len(set(items)) == len(items)
    assert max(map(len, items)) <= 12


def test_inserting_at_one_spot_again_and_again() -> None:
    before, after = "a0", "a1"
    for _ in range(200):
        after = key_between(before, after)
    assert before < after < "a1"
    assert len(after) <= 40  # one character for about every six inserts


@pytest.mark.parametrize(
    ("before", "after"),
    [("a1", "a0"), ("a1", "a1"), ("", None), ("a", None), ("a10", None), ("?0", None)],
)
def test_bad_keys_and_wrong_order_are_refused(before: str, after: str | None) -> None:
    with pytest.raises(PositionKeyError):
        key_between(before, after)
