"""Sketch a song in one step: from a generation (drums, bass, chords, melody in one key and
tempo) or from patterns, lay out intro, verse, chorus, verse, chorus, outro with parts entering
and leaving (the rules are in docs/architecture.md, "Songs").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from museaud.patterns.generation import generate_and_store
from museaud.patterns.generators import GenerationRequest
from museaud.patterns.generators.common import GenerationError
from museaud.patterns.service import PatternNotFoundError, load_pattern
from museaud.songs import history, projects
from museaud.songs.arrangement import create_song, song_view
from museaud.songs.errors import SongError
from museaud.store.base import new_id

ROLES = ("drums", "bass", "chords", "melody")
LANE_KINDS = {"drums": "drums", "bass": "bass", "chords": "keys", "melody": "instrumental"}


@dataclass(frozen=True)
class Section:
    """A section of the sketch: its marker, length and which roles play in it."""

    kind: str
    bars: int
    roles: frozenset[str]


FORM = (
    Section("intro", 4, frozenset({"chords"})),
    Section("verse", 8, frozenset({"drums", "bass", "chords"})),
    Section("chorus", 8, frozenset(ROLES)),
    Section("verse", 8, frozenset({"drums", "bass", "chords"})),
    Section("chorus", 8, frozenset(ROLES)),
    Section("outro", 4, frozenset({"chords", "melody"})),
)
INTRO_FADE_BARS = 2
"""A lane that opens the song fades in over this many bars, and the outro fades out over it."""


def sketch_from_patterns(
    session: Session,
    title: str,
    patterns: dict[str, uuid.UUID],
    *,
    project_id: uuid.UUID | None = None,
    bpm: int | None = None,
) -> uuid.UUID:
    """A new song arranged from patterns by role (drums, bass, chords, melody); a role missing
    from the FORM's sections (a single pattern under any role) plays in every section.
    Returns the song's id."""
    if not patterns:
        raise SongError("a sketch needs at least one pattern")
    for role in patterns:
        if role not in ROLES:
            raise SongError(f"role {role!r} is not one of {', '.join(ROLES)}")
    loaded = {}
    for role, pattern_id in patterns.items():
        try:
            loaded[role] = load_pattern(session, pattern_id).pattern
        except PatternNotFoundError as error:
            raise SongError(f"no pattern with id {pattern_id}") from error
    first = next(iter(loaded.values()))
    tempo = bpm if bpm is not None else round(first.bpm)
    length = sum(section.bars for section in FORM)
    song_id = create_song(
        session,
        title,
        project_id=project_id,
        bpm=min(220, max(40, tempo)),
        key_note=first.key_note,
        scale=first.scale if first.scale in ("major", "minor") else None,
        time_signature=first.time_signature,
        length_bars=length,
    )
    song = song_view(session, song_id)
    beats = song.beats_per_bar
    seconds_per_bar = beats * song.seconds_per_beat
    alone = len(patterns) == 1
    changes: list[history.Change] = []
    bar = 0
    for section in FORM:
        marker_id = new_id()
        marker = {"id": str(marker_id), "song_id": str(song_id), "beat": float(bar * beats)}
        marker.update(section_type=section.kind, name=None)
        changes.append(history.change("song_markers", marker_id, None, marker))
        bar += section.bars
    for order, (role, pattern_id) in enumerate(patterns.items()):
        lane_id = new_id()
        lane = {
            "id": str(lane_id),
            "song_id": str(song_id),
            "track_name": role,
            "track_type": LANE_KINDS[role],
            "track_order": order,
            "volume": 1.0,
            "pan": 0.0,
            "eq_settings": {},
            "effects": [],
            "is_muted": False,
            "is_solo": False,
        }
        changes.append(history.change("song_tracks", lane_id, None, lane))
        bar = 0
        for index, section in enumerate(FORM):
            if alone or role in section.roles:
                fade_in = fade_out = 0.0
                opens = index == 0 or not (alone or role in FORM[index - 1].roles)
                if opens and index == 0:
                    fade_in = INTRO_FADE_BARS * seconds_per_bar
                if index == len(FORM) - 1:
                    fade_out = INTRO_FADE_BARS * seconds_per_bar
                clip_id = new_id()
                clip = {
                    "id": str(clip_id),
                    "song_track_id": str(lane_id),
                    "name": section.kind,
                    "start_beat": float(bar * beats),
                    "length_beats": float(section.bars * beats),
                    "pattern_id": str(pattern_id),
                    "audio_track_id": None,
                    "source_offset_s": 0.0,
                    "gain": 1.0,
                    "fade_in_s": fade_in,
                    "fade_out_s": fade_out,
                }
                changes.append(history.change("song_clips", clip_id, None, clip))
            bar += section.bars
    history.record(session, song_id, "sketch", changes)
    if project_id is not None:
        for pattern_id in patterns.values():
            projects.add_pattern(session, project_id, pattern_id)
    return song_id


def sketch_from_generation(
    session: Session,
    title: str,
    *,
    style: str,
    key_note: int | None = None,
    scale: str | None = None,
    bpm: float | None = None,
    seed: int = 1,
    project_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Generate drums, chords, bass and melody (one key and tempo; bass and melody follow the
    chords), store them, and sketch a song from them; key, scale and tempo default to the
    project's, else C and the style's. Returns the song's id."""
    if project_id is not None:
        held = projects.project(session, project_id)
        key_note = held.key_note if key_note is None else key_note
        scale = held.scale if scale is None else scale
        bpm = held.tempo_bpm if bpm is None else bpm
    made: dict[str, uuid.UUID] = {}
    try:
        chords = None
        for role in ("drums", "chords", "bass", "melody"):
            request = GenerationRequest(
                engine=role,
                style=style,
                key_note=0 if key_note is None else key_note,
                scale=scale,
                bpm=bpm,
                bars=4,
                seed=seed,
            )
            result = generate_and_store(session, request, steer=False, chords=chords)
            if role == "chords":
                chords = result.pattern
            made[role] = result.id
    except GenerationError as error:
        raise SongError(str(error)) from error
    ordered = {role: made[role] for role in ROLES}
    return sketch_from_patterns(session, title, ordered, project_id=project_id)
