"""Songs and their arrangement: lanes of clips on a bar grid, section markers, the mixer's
settings, and every edit undoable (museaud.songs.history).

Positions are kept in beats from the song's start (a bar is the time signature's numerator of
beats); people count bars from 1, so the CLI converts. Each edit checks everything first (the clip
ends by the song's end, does not overlap another clip of its lane, gains and fades in range,
sources exist) and raises SongError before anything is written.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.audio.dsp import DspError, EqSettings
from museaud.songs import history
from museaud.songs.errors import SongError
from museaud.store.base import new_id
from museaud.store.models.library import Track
from museaud.store.models.patterns import Pattern
from museaud.store.models.songs import (
    SCALES,
    SECTION_TYPES,
    SONG_TRACK_TYPES,
    Song,
    SongClip,
    SongMarker,
    SongTrack,
)

MAX_GAIN = 2.0
_EPSILON = 1e-9


@dataclass(frozen=True)
class ClipView:
    """A clip as the editor shows it."""

    id: uuid.UUID
    lane_id: uuid.UUID
    name: str | None
    start_beat: float
    length_beats: float
    pattern_id: uuid.UUID | None
    audio_track_id: uuid.UUID | None
    audio_path: str | None
    source_offset_s: float
    gain: float
    fade_in_s: float
    fade_out_s: float

    @property
    def end_beat(self) -> float:
        """Where the clip ends."""
        return self.start_beat + self.length_beats

    @property
    def missing(self) -> bool:
        """True when its source is gone: the pattern or track was deleted or the file moved."""
        if self.pattern_id is not None:
            return False
        return self.audio_path is None or not Path(self.audio_path).is_file()


@dataclass(frozen=True)
class LaneView:
    """A lane: its channel strip and its clips in time order."""

    id: uuid.UUID
    name: str
    kind: str
    order: int
    volume: float
    pan: float
    eq: EqSettings
    muted: bool
    solo: bool
    clips: tuple[ClipView, ...]


@dataclass(frozen=True)
class SongView:
    """A song with its lanes and markers, read in one go."""

    id: uuid.UUID
    title: str
    project_id: uuid.UUID | None
    bpm: int
    key_note: int | None
    scale: str | None
    beats_per_bar: int
    time_signature: str
    length_bars: int
    master_volume: float
    lanes: tuple[LaneView, ...]
    markers: tuple[tuple[float, str, str | None], ...]  # beat, section type, name

    @property
    def length_beats(self) -> float:
        """The song's length in beats."""
        return float(self.length_bars * self.beats_per_bar)

    @property
    def seconds_per_beat(self) -> float:
        """How long a beat lasts at the song's tempo."""
        return 60.0 / self.bpm

    def lane(self, name_or_id: str | uuid.UUID) -> LaneView:
        """The lane with that name or id."""
        for lane in self.lanes:
            if name_or_id in (lane.id, lane.name):
                return lane
        raise SongError(f"song {self.title!r} has no lane {str(name_or_id)!r}")

    def clip(self, clip_id: uuid.UUID) -> tuple[LaneView, ClipView]:
        """The clip with that id, and its lane."""
        for lane in self.lanes:
            for clip in lane.clips:
                if clip.id == clip_id:
                    return lane, clip
        raise SongError(f"song {self.title!r} has no clip {clip_id}")

    def summary(self) -> dict[str, Any]:
        """JSON-ready (what `museaud song show --json` prints); bars count from 1."""
        bar = self.beats_per_bar
        return {
            "id": str(self.id),
            "title": self.title,
            "project_id": str(self.project_id) if self.project_id else None,
            "bpm": self.bpm,
            "key_note": self.key_note,
            "scale": self.scale,
            "time_signature": self.time_signature,
            "length_bars": self.length_bars,
            "master_volume": self.master_volume,
            "markers": [
                {"bar": beat / bar + 1, "section": kind, "name": name}
                for beat, kind, name in self.markers
            ],
            "lanes": [
                {
                    "id": str(lane.id),
                    "name": lane.name,
                    "kind": lane.kind,
                    "volume": lane.volume,
                    "pan": lane.pan,
                    "eq": {
                        "low_db": lane.eq.low_db,
                        "mid_db": lane.eq.mid_db,
                        "mid_hz": lane.eq.mid_hz,
                        "high_db": lane.eq.high_db,
                    },
                    "muted": lane.muted,
                    "solo": lane.solo,
                    "clips": [
                        {
                            "id": str(clip.id),
                            "name": clip.name,
                            "bar": clip.start_beat / bar + 1,
                            "bars": clip.length_beats / bar,
                            "pattern_id": str(clip.pattern_id) if clip.pattern_id else None,
                            "audio_track_id": str(clip.audio_track_id)
                            if clip.audio_track_id
                            else None,
                            "file": clip.audio_path,
                            "missing": clip.missing,
                            "source_offset_s": clip.source_offset_s,
                            "gain": clip.gain,
                            "fade_in_s": clip.fade_in_s,
                            "fade_out_s": clip.fade_out_s,
                        }
                        for clip in lane.clips
                    ],
                }
                for lane in self.lanes
            ],
        }


def beats_per_bar(time_signature: str | None) -> int:
    """Beats in a bar of a time signature such as '4/4' or '6/8' (its numerator)."""
    top, _, _ = (time_signature or "4/4").partition("/")
    if not top.isdigit() or not 1 <= int(top) <= 32:
        raise SongError(f"time signature {time_signature!r} is not like 4/4, 3/4 or 6/8")
    return int(top)


def _song_row(session: Session, song_id: uuid.UUID) -> Song:
    row = session.get(Song, song_id)
    if row is None:
        raise SongError(f"no song with id {song_id}")
    return row


def create_song(
    session: Session,
    title: str,
    *,
    project_id: uuid.UUID | None = None,
    bpm: int = 120,
    key_note: int | None = None,
    scale: str | None = None,
    time_signature: str = "4/4",
    length_bars: int = 32,
) -> uuid.UUID:
    """A new empty song; returns its id."""
    title = title.strip()
    if not 1 <= len(title) <= 255:
        raise SongError(f"a song title has 1-255 characters, got {len(title)}")
    if not 40 <= bpm <= 220:
        raise SongError(f"song tempo {bpm} bpm is outside 40-220 bpm")
    if key_note is not None and not 0 <= key_note <= 11:
        raise SongError(f"key note {key_note} is not a pitch class 0-11")
    if scale is not None and scale not in SCALES:
        raise SongError(f"scale {scale!r} is not one of {', '.join(SCALES)}")
    if not 1 <= length_bars <= 999:
        raise SongError(f"a song has 1-999 bars, got {length_bars}")
    beats_per_bar(time_signature)
    row = Song(
        title=title,
        project_id=project_id,
        bpm=bpm,
        key_note=key_note,
        scale=scale,
        time_signature=time_signature,
        length_bars=length_bars,
    )
    session.add(row)
    session.flush()
    return row.id


def song_view(session: Session, song_id: uuid.UUID) -> SongView:
    """The song as the editor and the renderer read it."""
    song = _song_row(session, song_id)
    session.refresh(song)
    rows = session.execute(
        select(Track.id, Track.path)
        .join(SongClip, SongClip.audio_track_id == Track.id)
        .join(SongTrack, SongTrack.id == SongClip.song_track_id)
        .where(SongTrack.song_id == song_id)
    )
    paths = {track_id: path for track_id, path in rows}
    lanes = []
    for lane in sorted(song.song_tracks, key=lambda row: row.track_order):
        session.refresh(lane)
        clips = tuple(
            ClipView(
                id=clip.id,
                lane_id=lane.id,
                name=clip.name,
                start_beat=clip.start_beat,
                length_beats=clip.length_beats,
                pattern_id=clip.pattern_id,
                audio_track_id=clip.audio_track_id,
                audio_path=paths.get(clip.audio_track_id) if clip.audio_track_id else None,
                source_offset_s=clip.source_offset_s,
                gain=clip.gain,
                fade_in_s=clip.fade_in_s,
                fade_out_s=clip.fade_out_s,
            )
            for clip in sorted(lane.clips, key=lambda row: row.start_beat)
        )
        eq = lane.eq_settings or {}
        lanes.append(
            LaneView(
                id=lane.id,
                name=lane.track_name or f"Lane {lane.track_order + 1}",
                kind=lane.track_type,
                order=lane.track_order,
                volume=lane.volume,
                pan=lane.pan,
                eq=EqSettings(
                    low_db=float(eq.get("low_db", 0.0)),
                    mid_db=float(eq.get("mid_db", 0.0)),
                    high_db=float(eq.get("high_db", 0.0)),
                    mid_hz=float(eq.get("mid_hz", 1000.0)),
                ),
                muted=lane.is_muted,
                solo=lane.is_solo,
                clips=clips,
            )
        )
    return SongView(
        id=song.id,
        title=song.title,
        project_id=song.project_id,
        bpm=song.bpm or 120,
        key_note=song.key_note,
        scale=song.scale,
        beats_per_bar=beats_per_bar(song.time_signature),
        time_signature=song.time_signature or "4/4",
        length_bars=song.length_bars,
        master_volume=song.master_volume,
        lanes=tuple(lanes),
        markers=tuple(
            (marker.beat, marker.section_type, marker.name)
            for marker in sorted(song.markers, key=lambda row: row.beat)
        ),
    )


# -- checks ---------------------------------------------------------------------------------


def _check_place(
    song: SongView,
    lane_id: uuid.UUID | None,
    start: float,
    length: float,
    *,
    ignore: set[uuid.UUID] | frozenset[uuid.UUID] = frozenset(),
) -> None:
    bar = song.beats_per_bar
    if start < 0 or length <= 0:
        raise SongError("a clip starts at bar 1 or later and lasts more than 0 bars")
    if start + length > song.length_beats + _EPSILON:
        raise SongError(
            f"the clip would end at bar {(start + length) / bar + 1:g}, past the song's end "
            f"(bar {song.length_bars + 1}); lengthen the song first"
        )
    if lane_id is None:
        return
    lane = next(lane for lane in song.lanes if lane.id == lane_id)
    for other in lane.clips:
        if other.id in ignore:
            continue
        if start < other.end_beat - _EPSILON and other.start_beat < start + length - _EPSILON:
            raise SongError(
                f"the clip would overlap clip {other.id.hex[-8:]} on lane {lane.name!r} "
                f"(bars {other.start_beat / bar + 1:g}-{other.end_beat / bar + 1:g})"
            )


def _check_clip_levels(gain: float, fade_in_s: float, fade_out_s: float, seconds: float) -> None:
    if not 0.0 <= gain <= MAX_GAIN:
        raise SongError(f"clip gain {gain:g} is outside 0-{MAX_GAIN:g}")
    if fade_in_s < 0 or fade_out_s < 0:
        raise SongError("fades last 0 seconds or more")
    if fade_in_s + fade_out_s > seconds + _EPSILON:
        raise SongError(
            f"fade-in {fade_in_s:g} s and fade-out {fade_out_s:g} s are longer than the clip "
            f"({seconds:g} s)"
        )


def _check_mix(volume: float | None, pan: float | None) -> None:
    if volume is not None and not 0.0 <= volume <= MAX_GAIN:
        raise SongError(f"volume {volume:g} is outside 0-{MAX_GAIN:g}")
    if pan is not None and not -1.0 <= pan <= 1.0:
        raise SongError(f"pan {pan:g} is outside -1 (left) .. 1 (right)")


# -- edits ----------------------------------------------------------------------------------


def _new_lane_change(song: SongView, name: str, kind: str) -> tuple[uuid.UUID, history.Change]:
    if kind not in SONG_TRACK_TYPES:
        raise SongError(f"lane kind {kind!r} is not one of {', '.join(SONG_TRACK_TYPES)}")
    if not 1 <= len(name.strip()) <= 255:
        raise SongError("a lane name has 1-255 characters")
    lane_id = new_id()
    order = max((lane.order for lane in song.lanes), default=-1) + 1
    state = {
        "id": str(lane_id),
        "song_id": str(song.id),
        "track_name": name.strip(),
        "track_type": kind,
        "track_order": order,
        "volume": 1.0,
        "pan": 0.0,
        "eq_settings": {},
        "effects": [],
        "is_muted": False,
        "is_solo": False,
    }
    return lane_id, history.change("song_tracks", lane_id, None, state)


def add_lane(
    session: Session, song_id: uuid.UUID, name: str, kind: str = "instrumental"
) -> uuid.UUID:
    """A new empty lane at the bottom; returns its id."""
    song = song_view(session, song_id)
    if any(lane.name == name for lane in song.lanes):
        raise SongError(f"song {song.title!r} already has a lane {name!r}")
    lane_id, new_lane = _new_lane_change(song, name, kind)
    history.record(session, song_id, f"add lane {name}", [new_lane])
    return lane_id


def _check_source(
    session: Session, pattern_id: uuid.UUID | None, audio_track_id: uuid.UUID | None
) -> None:
    if (pattern_id is None) == (audio_track_id is None):
        raise SongError("a clip plays one pattern or one audio track")
    if pattern_id is not None and session.get(Pattern, pattern_id) is None:
        raise SongError(f"no pattern with id {pattern_id}")
    if audio_track_id is not None and session.get(Track, audio_track_id) is None:
        raise SongError(f"no library track with id {audio_track_id}")


def add_clip(
    session: Session,
    song_id: uuid.UUID,
    lane: str | uuid.UUID,
    *,
    start_beat: float,
    length_beats: float,
    pattern_id: uuid.UUID | None = None,
    audio_track_id: uuid.UUID | None = None,
    source_offset_s: float = 0.0,
    gain: float = 1.0,
    fade_in_s: float = 0.0,
    fade_out_s: float = 0.0,
    name: str | None = None,
    lane_kind: str = "instrumental",
) -> uuid.UUID:
    """Place a pattern or audio clip on a lane (made, with lane_kind, when no lane has that
    name); returns the clip's id."""
    song = song_view(session, song_id)
    _check_source(session, pattern_id, audio_track_id)
    if source_offset_s < 0:
        raise SongError("a clip's start offset into its source is 0 seconds or more")
    _check_clip_levels(gain, fade_in_s, fade_out_s, length_beats * song.seconds_per_beat)
    changes = []
    try:
        lane_id = song.lane(lane).id
    except SongError:
        if isinstance(lane, uuid.UUID):
            raise
        lane_id, new_lane = _new_lane_change(song, lane, lane_kind)
        changes.append(new_lane)
        lane_id_checked = None
    else:
        lane_id_checked = lane_id
    _check_place(song, lane_id_checked, start_beat, length_beats)
    clip_id = new_id()
    state = {
        "id": str(clip_id),
        "song_track_id": str(lane_id),
        "name": name,
        "start_beat": float(start_beat),
        "length_beats": float(length_beats),
        "pattern_id": str(pattern_id) if pattern_id else None,
        "audio_track_id": str(audio_track_id) if audio_track_id else None,
        "source_offset_s": float(source_offset_s),
        "gain": float(gain),
        "fade_in_s": float(fade_in_s),
        "fade_out_s": float(fade_out_s),
    }
    changes.append(history.change("song_clips", clip_id, None, state))
    history.record(session, song_id, "add clip", changes)
    return clip_id


def _clip_state(session: Session, clip_id: uuid.UUID) -> dict[str, Any]:
    row = session.get(SongClip, clip_id)
    if row is None:
        raise SongError(f"no clip with id {clip_id}")
    return history.state_of(row)


def song_of_clip(session: Session, clip_id: uuid.UUID) -> SongView:
    """The song a clip belongs to."""
    row = session.get(SongClip, clip_id)
    if row is None:
        raise SongError(f"no clip with id {clip_id}")
    return song_view(session, row.lane.song_id)


def move_clip(
    session: Session,
    clip_id: uuid.UUID,
    *,
    start_beat: float | None = None,
    lane: str | uuid.UUID | None = None,
) -> None:
    """Move a clip in time and/or to another lane of its song."""
    song = song_of_clip(session, clip_id)
    _, clip = song.clip(clip_id)
    lane_id = clip.lane_id if lane is None else song.lane(lane).id
    start = clip.start_beat if start_beat is None else start_beat
    _check_place(song, lane_id, start, clip.length_beats, ignore={clip_id})
    before = _clip_state(session, clip_id)
    after = dict(before, start_beat=float(start), song_track_id=str(lane_id))
    history.record(
        session, song.id, "move clip", [history.change("song_clips", clip_id, before, after)]
    )


def set_clip(
    session: Session,
    clip_id: uuid.UUID,
    *,
    gain: float | None = None,
    fade_in_s: float | None = None,
    fade_out_s: float | None = None,
    length_beats: float | None = None,
    name: str | None = None,
) -> None:
    """Change a clip's gain, fades, length or name."""
    song = song_of_clip(session, clip_id)
    _, clip = song.clip(clip_id)
    length = clip.length_beats if length_beats is None else length_beats
    _check_place(song, clip.lane_id, clip.start_beat, length, ignore={clip_id})
    before = _clip_state(session, clip_id)
    after = dict(before, length_beats=float(length))
    for key, value in (
        ("gain", gain),
        ("fade_in_s", fade_in_s),
        ("fade_out_s", fade_out_s),
        ("name", name),
    ):
        if value is not None:
            after[key] = value
    _check_clip_levels(
        after["gain"], after["fade_in_s"], after["fade_out_s"], length * song.seconds_per_beat
    )
    history.record(
        session, song.id, "change clip", [history.change("song_clips", clip_id, before, after)]
    )


def copy_clip(
    session: Session,
    clip_id: uuid.UUID,
    *,
    start_beat: float,
    lane: str | uuid.UUID | None = None,
    description: str = "copy clip",
) -> uuid.UUID:
    """A copy of a clip at start_beat (on its lane, or another); returns the copy's id."""
    song = song_of_clip(session, clip_id)
    _, clip = song.clip(clip_id)
    lane_id = clip.lane_id if lane is None else song.lane(lane).id
    _check_place(song, lane_id, start_beat, clip.length_beats)
    copy_id = new_id()
    state = dict(_clip_state(session, clip_id), id=str(copy_id), start_beat=float(start_beat))
    state["song_track_id"] = str(lane_id)
    state.pop("owner_id", None)
    history.record(
        session, song.id, description, [history.change("song_clips", copy_id, None, state)]
    )
    return copy_id


def duplicate_clip(session: Session, clip_id: uuid.UUID) -> uuid.UUID:
    """A copy of a clip right after it on its lane; returns the copy's id."""
    _, clip = song_of_clip(session, clip_id).clip(clip_id)
    return copy_clip(session, clip_id, start_beat=clip.end_beat, description="duplicate clip")


def remove_clip(session: Session, clip_id: uuid.UUID) -> None:
    """Delete a clip."""
    song = song_of_clip(session, clip_id)
    before = _clip_state(session, clip_id)
    history.record(
        session, song.id, "remove clip", [history.change("song_clips", clip_id, before, None)]
    )


def split_clip(session: Session, clip_id: uuid.UUID, at_beat: float) -> uuid.UUID:
    """Cut a clip in two at at_beat; the right part plays on from where the cut was (its
    source offset moves on) and keeps the fade-out, the left part the fade-in. Returns the
    right part's id."""
    song = song_of_clip(session, clip_id)
    _, clip = song.clip(clip_id)
    if not clip.start_beat + _EPSILON < at_beat < clip.end_beat - _EPSILON:
        bar = song.beats_per_bar
        raise SongError(
            f"split at bar {at_beat / bar + 1:g} is not inside the clip "
            f"(bars {clip.start_beat / bar + 1:g}-{clip.end_beat / bar + 1:g})"
        )
    before = _clip_state(session, clip_id)
    left = dict(before, length_beats=at_beat - clip.start_beat, fade_out_s=0.0)
    right_id = new_id()
    right = dict(before, id=str(right_id), start_beat=float(at_beat), fade_in_s=0.0)
    right.pop("owner_id", None)
    right["length_beats"] = clip.end_beat - at_beat
    right["source_offset_s"] = (
        clip.source_offset_s + (at_beat - clip.start_beat) * song.seconds_per_beat
    )
    left["fade_in_s"] = min(left["fade_in_s"], left["length_beats"] * song.seconds_per_beat)
    right["fade_out_s"] = min(right["fade_out_s"], right["length_beats"] * song.seconds_per_beat)
    history.record(
        session,
        song.id,
        "split clip",
        [
            history.change("song_clips", clip_id, before, left),
            history.change("song_clips", right_id, None, right),
        ],
    )
    return right_id


def set_marker(
    session: Session, song_id: uuid.UUID, beat: float, section_type: str, name: str | None = None
) -> None:
    """Name the section starting at beat (replacing a marker there)."""
    song = song_view(session, song_id)
    if section_type not in SECTION_TYPES:
        raise SongError(f"section {section_type!r} is not one of {', '.join(SECTION_TYPES)}")
    if not 0 <= beat < song.length_beats:
        raise SongError(f"a marker sits within the song's {song.length_bars} bars")
    existing = session.scalars(
        select(SongMarker).where(SongMarker.song_id == song_id, SongMarker.beat == beat)
    ).first()
    if existing is None:
        marker_id = new_id()
        before = None
        after = {"id": str(marker_id), "song_id": str(song_id), "beat": float(beat)}
    else:
        marker_id = existing.id
        before = history.state_of(existing)
        after = dict(before)
    after.update(section_type=section_type, name=name)
    history.record(
        session,
        song_id,
        f"mark {section_type}",
        [history.change("song_markers", marker_id, before, after)],
    )


def remove_marker(session: Session, song_id: uuid.UUID, beat: float) -> None:
    """Delete the marker at beat."""
    existing = session.scalars(
        select(SongMarker).where(SongMarker.song_id == song_id, SongMarker.beat == beat)
    ).first()
    if existing is None:
        raise SongError("no marker there")
    history.record(
        session,
        song_id,
        "remove marker",
        [history.change("song_markers", existing.id, history.state_of(existing), None)],
    )


def set_lane_mix(
    session: Session,
    song_id: uuid.UUID,
    lane: str | uuid.UUID,
    *,
    volume: float | None = None,
    pan: float | None = None,
    eq: EqSettings | None = None,
    muted: bool | None = None,
    solo: bool | None = None,
) -> None:
    """Change a lane's channel strip: volume 0-2, pan -1..1, EQ, mute, solo."""
    song = song_view(session, song_id)
    lane_id = song.lane(lane).id
    _check_mix(volume, pan)
    if eq is not None:
        try:
            eq.validated()
        except DspError as error:
            raise SongError(str(error)) from error
    row = session.get(SongTrack, lane_id)
    assert row is not None
    before = history.state_of(row)
    after = dict(before)
    if volume is not None:
        after["volume"] = volume
    if pan is not None:
        after["pan"] = pan
    if eq is not None:
        after["eq_settings"] = {
            "low_db": eq.low_db,
            "mid_db": eq.mid_db,
            "mid_hz": eq.mid_hz,
            "high_db": eq.high_db,
        }
    if muted is not None:
        after["is_muted"] = muted
    if solo is not None:
        after["is_solo"] = solo
    history.record(
        session, song_id, "change mix", [history.change("song_tracks", lane_id, before, after)]
    )


def set_song(
    session: Session,
    song_id: uuid.UUID,
    *,
    bpm: int | None = None,
    length_bars: int | None = None,
    master_volume: float | None = None,
) -> None:
    """Change the song's tempo, length or master volume (clips must still fit)."""
    song = song_view(session, song_id)
    if bpm is not None and not 40 <= bpm <= 220:
        raise SongError(f"song tempo {bpm} bpm is outside 40-220 bpm")
    if master_volume is not None:
        _check_mix(master_volume, None)
    if length_bars is not None:
        if not 1 <= length_bars <= 999:
            raise SongError(f"a song has 1-999 bars, got {length_bars}")
        last = max((clip.end_beat for lane in song.lanes for clip in lane.clips), default=0.0)
        if last > length_bars * song.beats_per_bar + _EPSILON:
            raise SongError(
                f"clips run to bar {last / song.beats_per_bar + 1:g}; the song cannot end earlier"
            )
    row = _song_row(session, song_id)
    before = history.state_of(row)
    after = dict(before)
    for key, value in (
        ("bpm", bpm),
        ("length_bars", length_bars),
        ("master_volume", master_volume),
    ):
        if value is not None:
            after[key] = value
    history.record(
        session, song_id, "change song", [history.change("songs", song_id, before, after)]
    )
