"""The play queue: which library track plays now and which comes next (no Qt, no sound).

Tracks keep the order they were queued in; shuffle plays them in a random order that holds
every track once before any plays again (a fresh order each round with repeat all). Repeat is
off, one (the track again when it ends) or all (the queue again). Previous restarts the track
when more than PREVIOUS_RESTARTS_AFTER_S of it has played, else goes back one.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select

from museaud.store.models.library import Track

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from museaud.playlists.history import Source

RepeatMode = Literal["off", "one", "all"]
REPEAT_MODES: tuple[RepeatMode, ...] = ("off", "all", "one")
"""The modes in the order the repeat button steps through them."""
PREVIOUS_RESTARTS_AFTER_S = 3.0


@dataclass(frozen=True)
class QueuedTrack:
    """A library track to play: what the player needs and what the strip shows."""

    track_id: uuid.UUID
    path: str
    title: str
    artist: str = ""
    duration_s: float | None = None
    source: Source = "library"
    entry_id: uuid.UUID | None = None  # the playlist entry, when played from a playlist


@dataclass(frozen=True)
class QueueEntry:
    """One place in the queue: the same track queued twice has two keys."""

    key: int
    track: QueuedTrack


class PlayQueue:
    """Tracks in queue order, the one playing, shuffle and repeat (see the module doc)."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()
        self._keys = itertools.count(1)
        self._entries: list[QueueEntry] = []
        self._current: int | None = None
        self._shuffled: list[int] = []  # keys in play order while shuffling
        self.shuffle = False
        self.repeat: RepeatMode = "off"

    # what is in it ------------------------------------------------------------------------------

    @property
    def entries(self) -> list[QueueEntry]:
        """The queue in its order (as the queue panel lists it)."""
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def current(self) -> QueueEntry | None:
        """The entry playing (or about to)."""
        return self._entry(self._current)

    @property
    def current_index(self) -> int | None:
        """Where the current entry is in the queue's order."""
        keys = [entry.key for entry in self._entries]
        return keys.index(self._current) if self._current in keys else None

    def _entry(self, key: int | None) -> QueueEntry | None:
        return next((entry for entry in self._entries if entry.key == key), None)

    def _order(self) -> list[int]:
        """The keys in the order they play."""
        return list(self._shuffled) if self.shuffle else [e.key for e in self._entries]

    # filling it ---------------------------------------------------------------------------------

    def replace(self, tracks: Sequence[QueuedTrack], start: int = 0) -> QueueEntry | None:
        """Queue tracks instead of what was queued; the one at start becomes current."""
        self._entries = [QueueEntry(next(self._keys), track) for track in tracks]
        self._current = self._entries[start].key if 0 <= start < len(self._entries) else None
        self._reshuffle()
        return self.current

    def append(self, tracks: Iterable[QueuedTrack]) -> None:
        """Add tracks at the end (while shuffling, somewhere among those not yet played)."""
        for track in tracks:
            entry = QueueEntry(next(self._keys), track)
            self._entries.append(entry)
            if self.shuffle:
                first = self._played_count()
                self._shuffled.insert(self._rng.randint(first, len(self._shuffled)), entry.key)
        if self._current is None and self._entries:
            self._current = self._order()[0]

    def insert_next(self, tracks: Sequence[QueuedTrack]) -> None:
        """Add tracks to play right after the current one (in their order)."""
        entries = [QueueEntry(next(self._keys), track) for track in tracks]
        at = self.current_index
        place = 0 if at is None else at + 1
        self._entries[place:place] = entries
        if self.shuffle:
            after = self._played_count()
            self._shuffled[after:after] = [entry.key for entry in entries]
        if self._current is None and entries:
            self._current = entries[0].key

    def _played_count(self) -> int:
        """How many keys of the shuffled order come before the next to play."""
        if self._current in self._shuffled:
            return self._shuffled.index(self._current) + 1
        return 0

    def remove(self, index: int) -> None:
        """Take the entry at index out; when it is the current one, the one before it in the
        play order becomes current, so Next plays the one that came after it."""
        order = self._order()
        entry = self._entries.pop(index)
        if entry.key in self._shuffled:
            self._shuffled.remove(entry.key)
        if entry.key == self._current:
            place = order.index(entry.key)
            self._current = order[place - 1] if place > 0 else None

    def move(self, index: int, to: int) -> None:
        """Move the entry at index to position to (the play order follows unless shuffling)."""
        entry = self._entries.pop(index)
        self._entries.insert(min(max(to, 0), len(self._entries)), entry)

    def clear(self) -> None:
        """Empty the queue."""
        self._entries.clear()
        self._shuffled.clear()
        self._current = None

    # modes --------------------------------------------------------------------------------------

    def set_shuffle(self, on: bool) -> None:
        """Shuffle from now on: the current track first, every other once in a random order."""
        if on != self.shuffle:
            self.shuffle = on
            self._reshuffle()

    def _reshuffle(self) -> None:
        others = [e.key for e in self._entries if e.key != self._current]
        self._rng.shuffle(others)
        self._shuffled = ([self._current] if self._current is not None else []) + others

    def set_repeat(self, mode: RepeatMode) -> None:
        """Repeat off, one track, or the whole queue."""
        self.repeat = mode

    # moving through it --------------------------------------------------------------------------

    def peek_next(self, *, ended: bool) -> QueueEntry | None:
        """What follows the current entry: when it `ended` by itself (repeat one plays it
        again) or when Next is pressed. None at the end with repeat off."""
        if not self._entries:
            return None
        if ended and self.repeat == "one" and self.current is not None:
            return self.current
        order = self._order()
        place = order.index(self._current) + 1 if self._current in order else 0
        if place < len(order):
            return self._entry(order[place])
        if self.repeat == "off":
            return None
        if self.shuffle:
            return None  # a new round: its order is drawn by advance
        return self._entry(order[0])

    def advance(self, *, ended: bool) -> QueueEntry | None:
        """Move to what follows (see peek_next); a new round of shuffle draws a new order, with
        the track just played not first. None (nothing current) at the end."""
        following = self.peek_next(ended=ended)
        if following is None and self.shuffle and self.repeat != "off" and self._entries:
            last = self._current
            others = [e.key for e in self._entries if e.key != last]
            self._rng.shuffle(others)
            self._shuffled = others + ([last] if last is not None else [])
            following = self._entry(self._shuffled[0])
        self._current = following.key if following is not None else None
        return following

    def previous(self, played_s: float) -> QueueEntry | None:
        """The entry Previous plays: the current one again when more than
        PREVIOUS_RESTARTS_AFTER_S of it played (or it is first), else the one before."""
        current = self.current
        if current is None:
            return None
        order = self._order()
        place = order.index(current.key)
        if played_s > PREVIOUS_RESTARTS_AFTER_S:
            return current
        if place == 0:
            if self.repeat != "all":
                return current
            place = len(order)
        self._current = order[place - 1]
        return self.current

    def jump(self, index: int) -> QueueEntry:
        """Make the entry at index (in queue order) current."""
        entry = self._entries[index]
        if self.shuffle and entry.key in self._shuffled and entry.key != self._current:
            # the shuffle goes on from it: it moves right after what was played so far
            self._shuffled.remove(entry.key)
            self._shuffled.insert(self._played_count(), entry.key)
        self._current = entry.key
        return entry

    def go_to(self, key: int) -> QueueEntry | None:
        """Make the entry with this key current (the engine already moved on to it)."""
        entry = self._entry(key)
        if entry is not None:
            self._current = key
        return entry


def queued_tracks(
    session: Session,
    track_ids: Sequence[uuid.UUID],
    source: Source,
    entry_ids: Sequence[uuid.UUID | None] | None = None,
) -> list[QueuedTrack]:
    """The tracks with these ids, in that order, ready to queue (ids not in the store left out)."""
    found = {
        track.id: track
        for track in session.scalars(select(Track).where(Track.id.in_(set(track_ids))))
    }
    entries = entry_ids if entry_ids is not None else [None] * len(track_ids)
    queued = []
    for track_id, entry_id in zip(track_ids, entries, strict=True):
        track = found.get(track_id)
        if track is not None:
            queued.append(
                QueuedTrack(
                    track_id=track.id,
                    path=track.path,
                    title=track.title or track.file_name,
                    artist=track.artist or "",
                    duration_s=track.duration_s,
                    source=source,
                    entry_id=entry_id,
                )
            )
    return queued
