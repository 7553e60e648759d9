"""Projects, arrangement edits with undo/redo, the sketch rules and the mixdown, on a real store
with real audio files decoded and real rendered audio measured."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from museaud.analysis.loudness import LoudnessMeter
from museaud.app import App
from museaud.audio.dsp import EqSettings, true_peak_dbtp
from museaud.songs import arrangement as arr
from museaud.songs import history, projects
from museaud.songs.errors import SongError
from museaud.songs.mixdown import (
    MixdownOptions,
    RenderCancelledError,
    add_mixdown_to_library,
    add_to_library,
    render_pattern_to_library,
    render_song,
)
from museaud.songs.sketch import FORM, sketch_from_generation
from museaud.store.models.library import Track
from museaud.store.models.songs import Song, SongEdit
from museaud.store.text import search


@pytest.fixture
def session(app: App) -> Iterator[Session]:
    with app.session() as opened:
        yield opened


def stem_file(folder: Path, name: str, hz: float, rate: int = 44100, seconds: float = 6.0) -> Path:
    """A real FLAC file at 44.1 kHz (the song plays at 48 kHz: it is resampled)."""
    t = np.arange(round(seconds * rate)) / rate
    wave = 0.3 * np.sin(2 * np.pi * hz * t) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t))
    path = folder / f"{name}.flac"
    soundfile.write(path, np.stack([wave, wave * 0.8], axis=1), rate, subtype="PCM_24")
    return path


def song_with_clips(session: Session, folder: Path) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """An 8-bar song at 120 bpm (16 s) with a pattern lane (from a sketch) and two audio lanes."""
    sketched = sketch_from_generation(session, "Source", style="house", key_note=9, seed=2)
    drums = arr.song_view(session, sketched).lane("drums").clips[0].pattern_id
    assert drums is not None
    song_id = arr.create_song(session, "Night Drive", bpm=120, length_bars=8)
    bass = add_to_library(session, stem_file(folder, "bass", 110.0), origin="stem", title="bass")
    keys = add_to_library(session, stem_file(folder, "keys", 523.0), origin="stem", title="keys")
    clips = {
        "drums": arr.add_clip(
            session,
            song_id,
            "drums",
            start_beat=0,
            length_beats=16,
            pattern_id=drums,
            lane_kind="drums",
        ),
        "bass": arr.add_clip(
            session,
            song_id,
            "bass",
            start_beat=2,
            length_beats=10,
            audio_track_id=bass,
            fade_in_s=0.5,
            fade_out_s=1.0,
            lane_kind="bass",
        ),
        "keys": arr.add_clip(
            session,
            song_id,
            "keys",
            start_beat=4,
            length_beats=8,
            audio_track_id=keys,
            source_offset_s=0.25,
            gain=0.7,
        ),
    }
    arr.set_lane_mix(session, song_id, "keys", pan=0.5, eq=EqSettings(low_db=-6, high_db=3))
    arr.set_lane_mix(session, song_id, "bass", eq=EqSettings(low_db=4), volume=0.8)
    return song_id, clips


# -- projects -------------------------------------------------------------------------------


def test_projects_are_created_renamed_archived_and_trashed(session: Session) -> None:
    project_id = projects.create_project(
        session, "Summer EP", key_note=2, scale="minor", tempo_bpm=98, style_tags=["reggaeton"]
    )
    projects.update_project(
        session, project_id, name="Summer EP 2", stage="arranging", notes="hook!"
    )
    shown = projects.project(session, project_id)
    assert (shown.name, shown.stage, shown.notes, shown.tempo_bpm) == (
        "Summer EP 2",
        "arranging",
        "hook!",
        98,
    )
    assert [p.id for p in projects.list_projects(session)] == [project_id]
    projects.archive_project(session, project_id)
    assert projects.list_projects(session) == []
    assert [p.id for p in projects.list_projects(session, archived=True)] == [project_id]
    projects.archive_project(session, project_id, archived=False)
    projects.delete_project(session, project_id)
    assert [p.id for p in projects.list_projects(session, trash=True)] == [project_id]
    projects.restore_project(session, project_id)
    assert projects.project(session, project_id).status == "active"
    with pytest.raises(SongError, match="stage"):
        projects.update_project(session, project_id, stage="finished")
    with pytest.raises(SongError, match="name"):
        projects.create_project(session, "  ")
    assert search(session, "projects", "Summer") == [project_id]  # the text index survived 0006
    projects.delete_project(session, project_id)
    assert projects.empty_trash(session) == 1


# -- edits, undo and redo -------------------------------------------------------------------


def edits(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SongEdit)) or 0


EDIT_KINDS: list[tuple[str, Any]] = [
    ("move", lambda s, song, clips: arr.move_clip(s, clips["keys"], start_beat=12)),
    (
        "move to lane",
        lambda s, song, clips: arr.move_clip(s, clips["keys"], lane="bass", start_beat=12),
    ),
    ("split", lambda s, song, clips: arr.split_clip(s, clips["bass"], 6.0)),
    ("duplicate", lambda s, song, clips: arr.duplicate_clip(s, clips["keys"])),
    ("copy", lambda s, song, clips: arr.copy_clip(s, clips["drums"], start_beat=16, lane="keys")),
    ("remove", lambda s, song, clips: arr.remove_clip(s, clips["bass"])),
    ("clip levels", lambda s, song, clips: arr.set_clip(s, clips["keys"], gain=1.5, fade_in_s=1.0)),
    ("marker", lambda s, song, clips: arr.set_marker(s, song, 4.0, "verse", "Verse 1")),
    (
        "mix",
        lambda s, song, clips: arr.set_lane_mix(s, song, "drums", volume=1.5, pan=-0.3, muted=True),
    ),
    ("song", lambda s, song, clips: arr.set_song(s, song, bpm=100, length_bars=12)),
    ("new lane", lambda s, song, clips: arr.add_lane(s, song, "vocals", "vocal")),
]


@pytest.mark.parametrize(("kind", "edit"), EDIT_KINDS, ids=[kind for kind, _ in EDIT_KINDS])
def test_every_edit_undoes_and_redoes(
    session: Session, tmp_path: Path, kind: str, edit: Any
) -> None:
    song_id, clips = song_with_clips(session, tmp_path)
    before = arr.song_view(session, song_id).summary()
    edit(session, song_id, clips)
    after = arr.song_view(session, song_id).summary()
    assert after != before
    history.undo(session, song_id)
    assert arr.song_view(session, song_id).summary() == before
    history.redo(session, song_id)
    assert arr.song_view(session, song_id).summary() == after
    history.undo(session, song_id)
    history.undo(session, song_id)  # the EQ set up before, too
    history.redo(session, song_id)
    assert arr.song_view(session, song_id).summary() == before


def test_split_plays_on_from_the_cut_and_a_new_edit_drops_the_redo(
    session: Session, tmp_path: Path
) -> None:
    song_id, clips = song_with_clips(session, tmp_path)
    right_id = arr.split_clip(session, clips["bass"], 6.0)
    lane = arr.song_view(session, song_id).lane("bass")
    left, right = lane.clips
    assert (left.start_beat, left.length_beats, left.fade_in_s, left.fade_out_s) == (2, 4, 0.5, 0)
    assert (right.id, right.start_beat, right.length_beats) == (right_id, 6, 6)
    assert right.source_offset_s == pytest.approx(2.0)  # 4 beats at 120 bpm
    assert (right.fade_in_s, right.fade_out_s) == (0, 1.0)
    history.undo(session, song_id)
    arr.set_marker(session, song_id, 0.0, "intro")
    with pytest.raises(SongError, match="nothing to redo"):
        history.redo(session, song_id)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s, song, c: arr.move_clip(s, c["keys"], start_beat=28), "past the song's end"),
        (lambda s, song, c: arr.move_clip(s, c["keys"], lane="bass"), "overlap"),
        (lambda s, song, c: arr.set_clip(s, c["keys"], gain=2.5), "gain"),
        (
            lambda s, song, c: arr.set_clip(s, c["keys"], fade_in_s=3, fade_out_s=2),
            "longer than the clip",
        ),
        (lambda s, song, c: arr.set_lane_mix(s, song, "keys", volume=-0.1), "volume"),
        (lambda s, song, c: arr.set_lane_mix(s, song, "keys", pan=1.5), "pan"),
        (lambda s, song, c: arr.set_lane_mix(s, song, "keys", eq=EqSettings(low_db=30)), "EQ low"),
        (lambda s, song, c: arr.set_song(s, song, length_bars=2), "cannot end earlier"),
        (lambda s, song, c: arr.split_clip(s, c["keys"], 2.0), "not inside"),
        (
            lambda s, song, c: arr.add_clip(s, song, "new", start_beat=0, length_beats=4),
            "one pattern or one audio",
        ),
    ],
)
def test_bad_edits_say_why_and_change_nothing(
    session: Session, tmp_path: Path, edit: Any, message: str
) -> None:
    song_id, clips = song_with_clips(session, tmp_path)
    before, stacked = arr.song_view(session, song_id).summary(), edits(session)
    with pytest.raises(SongError, match=message):
        edit(session, song_id, clips)
    assert arr.song_view(session, song_id).summary() == before
    assert edits(session) == stacked


# -- sketch ---------------------------------------------------------------------------------


def test_sketch_lays_out_the_form_with_parts_entering_and_leaving(session: Session) -> None:
    project_id = projects.create_project(session, "Sketches")
    song_id = sketch_from_generation(
        session, "Idea", style="hip_hop", key_note=5, seed=4, project_id=project_id
    )
    song = arr.song_view(session, song_id)
    bar = song.beats_per_bar
    assert song.length_bars == sum(section.bars for section in FORM) == 40
    assert [kind for _, kind, _ in song.markers] == [
        "intro",
        "verse",
        "chorus",
        "verse",
        "chorus",
        "outro",
    ]
    playing = {lane.name: [clip.name for clip in lane.clips] for lane in song.lanes}
    assert playing == {
        "drums": ["verse", "chorus", "verse", "chorus"],
        "bass": ["verse", "chorus", "verse", "chorus"],
        "chords": ["intro", "verse", "chorus", "verse", "chorus", "outro"],
        "melody": ["chorus", "chorus", "outro"],
    }
    chords = song.lane("chords").clips
    assert chords[0].fade_in_s == pytest.approx(2 * bar * song.seconds_per_beat)
    assert chords[-1].fade_out_s == pytest.approx(2 * bar * song.seconds_per_beat)
    assert song.key_note == 5
    assert len(projects.project(session, project_id).pattern_ids) == 4
    assert projects.project(session, project_id).song_ids == (song_id,)
    history.undo(session, song_id)
    assert arr.song_view(session, song_id).lanes == ()


def test_a_sketch_in_a_project_takes_its_key_and_tempo(session: Session) -> None:
    project_id = projects.create_project(session, "Slow", key_note=2, scale="minor", tempo_bpm=100)
    song = arr.song_view(
        session, sketch_from_generation(session, "Ballad", style="pop", project_id=project_id)
    )
    assert (song.key_note, song.scale, song.bpm) == (2, "minor", 100)


# -- mixdown --------------------------------------------------------------------------------


def read(path: Path) -> np.ndarray:
    audio, _ = soundfile.read(path, dtype="float32", always_2d=True)
    return audio


def test_render_equals_the_sum_of_its_stems(session: Session, tmp_path: Path) -> None:
    song_id, _ = song_with_clips(session, tmp_path)
    options = MixdownOptions(target_lufs=-30.0, stems=True)  # quiet: the limiter stays idle
    result = render_song(session, song_id, tmp_path / "mix.wav", options)
    assert set(result.stems) == {"drums", "bass", "keys"}
    mix = read(result.path)
    stems = sum(read(path).astype(np.float64) for path in result.stems.values())
    assert len(mix) == result.frames
    assert np.abs(mix - stems).max() < 1e-5
    assert np.abs(mix).max() > 0.01


def test_mixdown_hits_the_loudness_target_under_the_true_peak_ceiling(
    session: Session, tmp_path: Path
) -> None:
    song_id, _ = song_with_clips(session, tmp_path)
    seen: list[tuple[int, int]] = []
    result = render_song(
        session,
        song_id,
        tmp_path / "mix.flac",
        MixdownOptions(sample_rate=44100, bit_depth=16),
        progress=lambda done, total: seen.append((done, total)),
    )
    audio = read(result.path)
    meter = LoudnessMeter(44100, 2)
    meter.add(audio)
    assert meter.integrated_lufs() == pytest.approx(-14.0, abs=0.5)
    assert true_peak_dbtp(audio) <= -1.0 + 0.1
    assert soundfile.info(str(result.path)).subtype == "PCM_16"
    assert seen[-1][0] == seen[-1][1] and all(a <= b for (a, _), (b, _) in itertools.pairwise(seen))


def test_renders_are_bit_identical(session: Session, tmp_path: Path) -> None:
    song_id, _ = song_with_clips(session, tmp_path)
    first = render_song(session, song_id, tmp_path / "one.wav").path.read_bytes()
    assert render_song(session, song_id, tmp_path / "two.wav").path.read_bytes() == first


def test_live_sized_blocks_render_the_same_file(session: Session, tmp_path: Path) -> None:
    song_id, _ = song_with_clips(session, tmp_path)
    offline = render_song(session, song_id, tmp_path / "a.wav", MixdownOptions(block_size=4096))
    live = render_song(session, song_id, tmp_path / "b.wav", MixdownOptions(block_size=128))
    assert np.array_equal(read(offline.path), read(live.path))


def test_missing_file_stays_shown_and_render_names_it(session: Session, tmp_path: Path) -> None:
    song_id, _ = song_with_clips(session, tmp_path)
    (tmp_path / "keys.flac").unlink()
    lane = arr.song_view(session, song_id).lane("keys")
    assert lane.clips[0].missing
    assert arr.song_view(session, song_id).summary()["lanes"][2]["clips"][0]["missing"] is True
    with pytest.raises(SongError, match=r"keys\.flac"):
        render_song(session, song_id, tmp_path / "mix.wav")
    assert list(tmp_path.glob("*mix*")) == []
    result = render_song(session, song_id, tmp_path / "mix.wav", MixdownOptions(skip_missing=True))
    assert "keys.flac" in result.skipped[0]


def test_cancelled_or_failed_render_leaves_no_file(session: Session, tmp_path: Path) -> None:
    song_id, _ = song_with_clips(session, tmp_path)
    with pytest.raises(RenderCancelledError):
        render_song(
            session,
            song_id,
            tmp_path / "mix.wav",
            MixdownOptions(stems=True),
            cancelled=lambda: True,
        )
    assert not [path for path in tmp_path.iterdir() if "mix" in path.name]
    with pytest.raises(SongError, match="does not exist"):
        render_song(session, song_id, tmp_path / "nowhere" / "mix.wav")
    with pytest.raises(SongError, match=r"could not write|not writable"):
        render_song(session, song_id, Path("/proc/museaud-mix.wav"))  # refused even to root
    assert not Path("/proc/.museaud-mix.wav.partial").exists()
    (tmp_path / "taken.wav").mkdir()
    with pytest.raises(SongError, match="is a folder"):
        render_song(session, song_id, tmp_path / "taken.wav")
    with pytest.raises(SongError, match=r"\.wav or \.flac"):
        render_song(session, song_id, tmp_path / "mix.mp3")


def test_mixdown_and_pattern_render_join_the_library(session: Session, tmp_path: Path) -> None:
    song_id, _ = song_with_clips(session, tmp_path)
    result = render_song(session, song_id, tmp_path / "mix.wav", MixdownOptions(stems=True))
    track_id = add_mixdown_to_library(session, song_id, result)
    track = session.get(Track, track_id)
    assert (
        track is not None
        and track.origin == "mixdown"
        and str(song_id) in (track.description or "")
    )
    assert session.get(Song, song_id).final_track_id == track_id  # type: ignore[union-attr]
    stems = session.scalars(
        select(Track).where(Track.origin == "stem", Track.title.like("Night Drive (%"))
    ).all()
    assert len(stems) == 3
    pattern_id = arr.song_view(session, song_id).lane("drums").clips[0].pattern_id
    assert pattern_id is not None
    rendered = session.get(
        Track, render_pattern_to_library(session, pattern_id, tmp_path / "drums.wav")
    )
    assert rendered is not None and rendered.origin == "render" and rendered.duration_s
