"""The track player: plays the play queue through the PlaybackController's audio engine and
records every play in the listening history.

Each track handed to the engine gets a new number; the engine reports which number plays, where
it is, and the last number that played to its end, so the player knows a track finished (and
that the engine went on to the one decoded ahead) without asking. What was heard is counted from
those reports: the stretches played between starts, seeks and pauses, paused time excluded.
A play ends finished, by Next/Previous/a jump ("next"), or by Stop ("stopped"), and is written
with `playlists.history.record_play` on a background thread (DuckDB through the analytics recorder),
never on the GUI or audio thread; `play_recorded` then names the track for the library to
refresh its cells.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal

from museaud.app import App
from museaud.audio.queue import (
    REPEAT_MODES,
    PlayQueue,
    QueuedTrack,
    QueueEntry,
    RepeatMode,
    queued_tracks,
)
from museaud.audio.transport import TransportState
from museaud.playlists.history import EndedBy, Source, record_play
from museaud.ui.playback import PlaybackController
from museaud.ui.tasks import BackgroundTasks, TaskContext

log = logging.getLogger(__name__)


@dataclass
class _Play:
    """The play in progress: which track, since when, and how much of it was heard."""

    number: int
    entry: QueueEntry
    started_at: datetime
    since_s: float = 0.0  # where the stretch being heard began
    at_s: float = 0.0  # the latest position reported
    length_s: float = 0.0
    heard_s: float = 0.0  # stretches heard before this one
    paused: bool = False
    sounded: bool = False  # the engine reported it playing

    def heard(self, until_s: float | None = None) -> float:
        """Seconds heard, the current stretch ending at until_s (default: where it is)."""
        end = self.at_s if until_s is None else until_s
        return self.heard_s + (0.0 if self.paused else max(0.0, end - self.since_s))

    def move_to(self, seconds: float) -> None:
        """Close the stretch heard and start the next at seconds (a seek or a pause)."""
        self.heard_s = self.heard()
        self.since_s = self.at_s = seconds


class TrackPlayer(QObject):
    """The play queue, played on the audio engine, with its plays recorded (see module doc)."""

    now_playing_changed = Signal(object)
    """The QueuedTrack playing (or paused), or None."""
    position_changed = Signal(float, float)
    """Seconds into the track and its length."""
    paused_changed = Signal(bool)
    queue_changed = Signal()
    """What is queued, which entry is current, shuffle or repeat changed."""
    play_recorded = Signal(object)
    """The uuid of a track whose play is now in the store (its counts changed)."""

    def __init__(
        self, app: App, controller: PlaybackController, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.controller = controller
        self.queue = PlayQueue()
        self._numbers = 0
        self._play: _Play | None = None
        self._ahead: tuple[int, int] | None = None  # (number, queue key) decoded ahead
        self._history = BackgroundTasks("museaud-listening", self)
        self._reads = BackgroundTasks("museaud-queue-read", self, order="newest_first")
        controller.state_changed.connect(self._state)
        controller.tracks_stopped.connect(lambda: self._end("stopped"))

    # what plays ---------------------------------------------------------------------------------

    @property
    def now_playing(self) -> QueuedTrack | None:
        """The track playing or paused."""
        return self._play.entry.track if self._play is not None else None

    def position(self) -> tuple[float, float]:
        """Seconds into the track playing and its length (0, 0 when none)."""
        play = self._play
        return (play.at_s, play.length_s) if play is not None else (0.0, 0.0)

    def is_paused(self) -> bool:
        """True while the track is held."""
        return self._play is not None and self._play.paused

    # asking ------------------------------------------------------------------------------------

    def play_ids(
        self,
        track_ids: Sequence[uuid.UUID],
        start: int,
        source: Source,
        entry_ids: Sequence[uuid.UUID | None] | None = None,
    ) -> None:
        """Play these tracks as the queue from the one at start (read from the store in the
        background; tracks gone from the store are left out)."""
        ids = list(track_ids)
        if not 0 <= start < len(ids):
            return
        wanted = ids[start]

        def read(_context: TaskContext) -> list[QueuedTrack]:
            with self.app.session() as session:
                return queued_tracks(session, ids, source, entry_ids)

        def done(tracks: list[QueuedTrack]) -> None:
            first = next((n for n, t in enumerate(tracks) if t.track_id == wanted), None)
            if first is not None:
                self.play_tracks(tracks, first)

        self._reads.submit(read, done, self._read_failed, key="play")

    def enqueue_ids(self, track_ids: Sequence[uuid.UUID], *, next_up: bool) -> None:
        """Add tracks to the queue: to play next (next_up) or at the end."""
        ids = list(track_ids)

        def read(_context: TaskContext) -> list[QueuedTrack]:
            with self.app.session() as session:
                return queued_tracks(session, ids, "queue")

        def done(tracks: list[QueuedTrack]) -> None:
            if next_up:
                self.queue.insert_next(tracks)
            else:
                self.queue.append(tracks)
            self._queue_edited()

        self._reads.submit(read, done, self._read_failed)

    def _read_failed(self, error: Exception) -> None:
        self.controller.show_problem(f"Cannot read the tracks to play: {error}")

    def play_tracks(self, tracks: Sequence[QueuedTrack], start: int = 0) -> None:
        """Play tracks as the queue from the one at start."""
        self._end("next")
        entry = self.queue.replace(tracks, start)
        if entry is not None:
            self._start(entry)
        self.queue_changed.emit()

    def toggle_pause(self) -> None:
        """Hold the track, or play it on (nothing playing: the queue's current track plays)."""
        play = self._play
        if play is None:
            entry = self.queue.current or self.queue.advance(ended=False)
            if entry is not None:
                self._start(entry)
            return
        play.move_to(play.at_s)
        play.paused = not play.paused
        self.controller.pause_track(play.paused)
        self.paused_changed.emit(play.paused)

    def next(self) -> None:
        """Play what follows (the end of the queue stops)."""
        self._end("next")
        entry = self.queue.advance(ended=False)
        if entry is not None:
            self._start(entry)
        else:
            self.controller.stop_track()
        self.queue_changed.emit()

    def previous(self) -> None:
        """Restart the track when over 3 s of it played, else play the one before."""
        played = self._play.at_s if self._play is not None else 0.0
        self._end("next")
        entry = self.queue.previous(played)
        if entry is not None:
            self._start(entry)
        self.queue_changed.emit()

    def jump(self, index: int) -> None:
        """Play the queue's entry at index."""
        self._end("next")
        self._start(self.queue.jump(index))
        self.queue_changed.emit()

    def seek(self, seconds: float) -> None:
        """Move the track playing to seconds from its start."""
        play = self._play
        if play is None:
            return
        seconds = min(max(seconds, 0.0), play.length_s or seconds)
        play.move_to(seconds)
        self.controller.seek_track(play.number, seconds)
        self.position_changed.emit(seconds, play.length_s)

    def stop(self) -> None:
        """Stop playing (the queue stays, its current track first on the next play)."""
        self._end("stopped")
        self.controller.stop_track()

    def set_shuffle(self, on: bool) -> None:
        """Shuffle the queue (every track once before any again)."""
        self.queue.set_shuffle(on)
        self._queue_edited()

    def set_repeat(self, mode: RepeatMode) -> None:
        """Repeat off, the track, or the whole queue."""
        self.queue.set_repeat(mode)
        self._queue_edited()

    def cycle_repeat(self) -> RepeatMode:
        """Step repeat off → all → one → off; the mode now."""
        mode = REPEAT_MODES[(REPEAT_MODES.index(self.queue.repeat) + 1) % len(REPEAT_MODES)]
        self.set_repeat(mode)
        return mode

    def remove(self, index: int) -> None:
        """Take the queue's entry at index out (the track playing plays on)."""
        self.queue.remove(index)
        self._queue_edited()

    def move(self, index: int, to: int) -> None:
        """Move the queue's entry at index to position to."""
        self.queue.move(index, to)
        self._queue_edited()

    def _queue_edited(self) -> None:
        if self._play is not None:
            self._decode_ahead()
        self.queue_changed.emit()

    # playing ------------------------------------------------------------------------------------

    def _number(self) -> int:
        self._numbers += 1
        return self._numbers

    def _start(self, entry: QueueEntry) -> None:
        """Play entry from its start (the play before has been ended)."""
        play = _Play(self._number(), entry, datetime.now(UTC))
        play.length_s = entry.track.duration_s or 0.0
        self._play = play
        self._ahead = None
        self.controller.play_file(play.number, entry.track.path)
        self._decode_ahead()
        self.now_playing_changed.emit(entry.track)
        self.paused_changed.emit(False)
        self.position_changed.emit(0.0, play.length_s)

    def _decode_ahead(self) -> None:
        """Have the engine decode what follows, to start it the moment this one ends."""
        following = self.queue.peek_next(ended=True)
        if following is None:
            if self._ahead is not None:
                self.controller.forget_next()
            self._ahead = None
            return
        if self._ahead is not None and self._ahead[1] == following.key:
            return
        number = self._number()
        self._ahead = (number, following.key)
        self.controller.queue_file(number, following.track.path)

    def _state(self, state: TransportState) -> None:
        """The engine's report: follow the track playing, notice its end or failure."""
        play = self._play
        if play is None:
            return
        failed = state.track_failed
        if failed is not None and failed[0] == play.number:
            self._play = None
            self.controller.stop_track()
            self.controller.show_problem(failed[1])
            self.now_playing_changed.emit(None)
            return
        if state.track_ended >= play.number:
            self._ended(play, state)
            return
        if state.track != play.number:
            return  # not taken up yet
        play.sounded = True
        play.length_s = state.track_length_s
        if not play.paused and not state.track_paused:
            play.at_s = state.track_s
        self.position_changed.emit(play.at_s, play.length_s)

    def _ended(self, play: _Play, state: TransportState) -> None:
        """The track played to its end: record it and go on (the engine may have already)."""
        play.sounded = True
        play.length_s = play.length_s or state.track_length_s
        self._record(play, "finished", play.heard(play.length_s))
        self._play = None
        ahead = self._ahead
        entry = self.queue.advance(ended=True)
        if entry is None:
            self.controller.stop_track()
            self.now_playing_changed.emit(None)
        elif ahead is not None and ahead[1] == entry.key and state.track == ahead[0]:
            following = _Play(ahead[0], entry, datetime.now(UTC), sounded=True)
            following.length_s = state.track_length_s
            following.at_s = state.track_s
            self._play = following
            self._ahead = None
            self._decode_ahead()
            self.now_playing_changed.emit(entry.track)
        else:
            self._start(entry)
        self.queue_changed.emit()

    def _end(self, ended_by: EndedBy) -> None:
        """The play in progress ends (Next, Stop, another queue): record it."""
        play, self._play = self._play, None
        self._ahead = None
        if play is None:
            return
        self._record(play, ended_by, play.heard())
        self.now_playing_changed.emit(None)

    # the history --------------------------------------------------------------------------------

    def _record(self, play: _Play, ended_by: EndedBy, heard_s: float) -> None:
        """Write the play in the background (a track never heard is not a play)."""
        if not play.sounded:
            return
        app, track = self.app, play.entry.track
        started_at, length_s = play.started_at, play.length_s or track.duration_s

        def write(_context: TaskContext) -> uuid.UUID:
            record_play(
                app,
                track.track_id,
                started_at,
                heard_s,
                length_s,
                track.source,
                ended_by,
                entry_id=track.entry_id,
            )
            return track.track_id

        self._history.submit(write, self.play_recorded.emit, _record_failed)

    def close(self) -> None:
        """Record the play in progress and write what is queued (the window is closing)."""
        self._end("stopped")
        self._reads.close(0.0)
        self._history.close(5.0, drain=True)


def _record_failed(error: Exception) -> None:
    log.warning("could not record a play: %s", error)
