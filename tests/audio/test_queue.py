"""The play queue without sound: order, shuffle, repeat, previous, play next, edits."""

from __future__ import annotations

import random
import uuid

from tests.support.tracks import add_track

from museaud.app import App
from museaud.audio.queue import PlayQueue, QueuedTrack, queued_tracks


def tracks(count: int) -> list[QueuedTrack]:
    return [QueuedTrack(uuid.uuid4(), f"/music/{n}.wav", f"Track {n}") for n in range(count)]


def titles(queue: PlayQueue, *, steps: int, ended: bool = True) -> list[str]:
    """The titles played from the current one on, moving `steps` times."""
    played = [queue.current.track.title] if queue.current else []
    for _ in range(steps):
        entry = queue.advance(ended=ended)
        played.append(entry.track.title if entry else "-")
    return played


def test_tracks_play_in_order_from_the_start_and_stop_at_the_end() -> None:
    queue = PlayQueue()
    queue.replace(tracks(4), start=1)
    assert titles(queue, steps=3) == ["Track 1", "Track 2", "Track 3", "-"]
    assert queue.current is None


def test_repeat_all_goes_round_and_repeat_one_plays_the_track_again_until_next() -> None:
    queue = PlayQueue()
    queue.replace(tracks(2))
    queue.set_repeat("all")
    assert titles(queue, steps=3) == ["Track 0", "Track 1", "Track 0", "Track 1"]
    queue.set_repeat("one")
    assert titles(queue, steps=2) == ["Track 1", "Track 1", "Track 1"]
    moved_on = queue.advance(ended=False)  # Next moves on, round to the first
    assert moved_on is not None and moved_on.track.title == "Track 0"
    assert queue.peek_next(ended=True) == queue.current


def test_shuffle_plays_every_track_once_before_any_again() -> None:
    queue = PlayQueue(random.Random(7))
    queue.replace(tracks(8), start=3)
    queue.set_shuffle(True)
    queue.set_repeat("all")
    played = titles(queue, steps=23)
    rounds = [played[0:8], played[8:16], played[16:24]]
    for heard in rounds:
        assert sorted(heard) == sorted(f"Track {n}" for n in range(8))
    assert played[0] == "Track 3"  # the track playing stays first
    assert rounds[0] != rounds[1]  # a fresh order each round
    assert played[7] != played[8]  # never the same track twice in a row across rounds


def test_previous_restarts_after_three_seconds_else_goes_back() -> None:
    queue = PlayQueue()
    queue.replace(tracks(3), start=1)
    assert queue.previous(played_s=12.0).track.title == "Track 1"  # type: ignore[union-attr]
    assert queue.previous(played_s=1.0).track.title == "Track 0"  # type: ignore[union-attr]
    assert queue.previous(played_s=1.0).track.title == "Track 0"  # type: ignore[union-attr]
    queue.set_repeat("all")
    assert queue.previous(played_s=1.0).track.title == "Track 2"  # type: ignore[union-attr]


def test_play_next_add_remove_move_and_jump() -> None:
    queue = PlayQueue()
    queue.replace(tracks(3))
    extra = [QueuedTrack(uuid.uuid4(), "/music/x.wav", "Next Up", source="queue")]
    queue.insert_next(extra)
    queue.append([QueuedTrack(uuid.uuid4(), "/music/y.wav", "Last", source="queue")])
    assert [e.track.title for e in queue.entries] == [
        "Track 0",
        "Next Up",
        "Track 1",
        "Track 2",
        "Last",
    ]
    queue.move(4, 2)
    queue.remove(1)
    assert titles(queue, steps=4) == ["Track 0", "Last", "Track 1", "Track 2", "-"]
    assert queue.jump(0).track.title == "Track 0"
    queue.remove(0)  # the current one: Next plays the one after it
    assert queue.advance(ended=False).track.title == "Last"  # type: ignore[union-attr]


def test_shuffled_play_next_comes_next_and_jump_goes_on_from_there() -> None:
    queue = PlayQueue(random.Random(3))
    queue.replace(tracks(6))
    queue.set_shuffle(True)
    queue.insert_next([QueuedTrack(uuid.uuid4(), "/music/x.wav", "Next Up")])
    assert queue.advance(ended=True).track.title == "Next Up"  # type: ignore[union-attr]
    queue.jump(3)
    rest = titles(queue, steps=5)
    assert rest[-1] == "-" and len(set(rest[:-1])) == len(rest) - 1  # none twice


def test_queued_tracks_come_from_the_store_in_the_order_asked(app: App) -> None:
    with app.session() as session:
        first = add_track(session, "First", artist="A")
        second = add_track(session, "Second", artist="B")
        queued = queued_tracks(session, [second, uuid.uuid4(), first], "library")
    assert [(t.title, t.artist, t.path) for t in queued] == [
        ("Second", "B", "/music/Second.wav"),
        ("First", "A", "/music/First.wav"),
    ]
    assert queued[0].duration_s == 200.0 and queued[0].source == "library"
