"""Fractional position keys: where an entry sits in a playlist, as a string that sorts.

A key is an integer part (a head letter giving its length, then that many base-62 digits) and
an optional fraction (base-62 digits, never ending in "0"), as in Figma's and rocicorp's
fractional indexing. Appending after "a0" gives "a1" … "az", "b00" …, so keys grow with the
logarithm of the list's length; a key between two neighbours is their midpoint, so a move
writes one row and never renumbers the list. Keys compare byte by byte (ASCII order).
"""

from __future__ import annotations

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
FIRST_KEY = "a0"
_BASE = len(DIGITS)
_SMALLEST_INTEGER = "A" + DIGITS[0] * 26


class PositionKeyError(ValueError):
    """A key that is not a position key, or neighbours given in the wrong order."""


def _integer_length(head: str) -> int:
    if "a" <= head <= "z":
        return ord(head) - ord("a") + 2
    if "A" <= head <= "Z":
        return ord("Z") - ord(head) + 2
    raise PositionKeyError(f"position key head {head!r} is not a letter")


def _split(key: str) -> tuple[str, str]:
    """The integer part and the fraction of a key (checked)."""
    if not key:
        raise PositionKeyError("empty position key")
    length = _integer_length(key[0])
    if len(key) < length or key[:length] == _SMALLEST_INTEGER:
        raise PositionKeyError(f"{key!r} is not a position key")
    fraction = key[length:]
    if fraction.endswith(DIGITS[0]) or any(char not in DIGITS for char in key[1:]):
        raise PositionKeyError(f"{key!r} is not a position key")
    return key[:length], fraction


def _midpoint(low: str, high: str | None) -> str:
    """A fraction strictly between the fractions low and high (None: no upper bound)."""
    if high is not None:
        shared = 0
        while shared < len(high) and (low[shared] if shared < len(low) else "0") == high[shared]:
            shared += 1
        if shared:
            return high[:shared] + _midpoint(low[shared:], high[shared:])
    digit_low = DIGITS.index(low[0]) if low else 0
    digit_high = DIGITS.index(high[0]) if high is not None else _BASE
    if digit_high - digit_low > 1:
        return DIGITS[(digit_low + digit_high + 1) // 2]
    if high is not None and len(high) > 1:
        return high[:1]
    return DIGITS[digit_low] + _midpoint(low[1:], None)


def _increment(integer: str) -> str | None:
    head, digits = integer[0], list(integer[1:])
    for index in range(len(digits) - 1, -1, -1):
        value = DIGITS.index(digits[index]) + 1
        if value < _BASE:
            digits[index] = DIGITS[value]
            return head + "".join(digits)
        digits[index] = DIGITS[0]
    if head == "Z":
        return "a" + DIGITS[0]
    if head == "z":
        return None
    following = chr(ord(head) + 1)
    if following > "a":
        digits.append(DIGITS[0])
    else:
        digits.pop()
    return following + "".join(digits)


def _decrement(integer: str) -> str | None:
    head, digits = integer[0], list(integer[1:])
    for index in range(len(digits) - 1, -1, -1):
        value = DIGITS.index(digits[index]) - 1
        if value >= 0:
            digits[index] = DIGITS[value]
            return head + "".join(digits)
        digits[index] = DIGITS[-1]
    if head == "a":
        return "Z" + DIGITS[-1]
    if head == "A":
        return None
    preceding = chr(ord(head) - 1)
    if preceding < "Z":
        digits.append(DIGITS[-1])
    else:
        digits.pop()
    return preceding + "".join(digits)


def key_between(before: str | None, after: str | None) -> str:
    """A key sorting after `before` and before `after` (None: the start or the end)."""
    if before is not None:
        _split(before)
    if after is not None:
        _split(after)
    if before is not None and after is not None and before >= after:
        raise PositionKeyError(f"{before!r} does not sort before {after!r}")
    if before is None and after is None:
        return FIRST_KEY
    if before is None:
        assert after is not None
        integer, fraction = _split(after)
        if integer == _SMALLEST_INTEGER:
            return integer + _midpoint("", fraction)
        if fraction:
            return integer
        smaller = _decrement(integer)
        if smaller is None:
            raise PositionKeyError("no room left before the first key")
        return smaller
    integer, fraction = _split(before)
    if after is None:
        larger = _increment(integer)
        return integer + _midpoint(fraction, None) if larger is None else larger
    after_integer, after_fraction = _split(after)
    if integer == after_integer:
        return integer + _midpoint(fraction, after_fraction)
    larger = _increment(integer)
    if larger is not None and larger < after:
        return larger
    return integer + _midpoint(fraction, None)


def keys_between(before: str | None, after: str | None, count: int) -> list[str]:
    """count keys in order between before and after, spread so later inserts stay short."""
    if count <= 0:
        return []
    if count == 1:
        return [key_between(before, after)]
    if after is None:
        keys = []
        for _ in range(count):
            before = key_between(before, None)
            keys.append(before)
        return keys
    if before is None:
        keys = []
        for _ in range(count):
            after = key_between(None, after)
            keys.append(after)
        return keys[::-1]
    middle = count // 2
    pivot = key_between(before, after)
    return [
        *keys_between(before, pivot, middle),
        pivot,
        *keys_between(pivot, after, count - middle - 1),
    ]
