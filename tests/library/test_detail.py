"""Everything about one track: the row, measured and overridden values, the catalogue, the
sections, the beat grid and the waveform overview decoded from the store."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from tests.support.audio import RenderedCorpus
from tests.support.library import import_paths, make_library, read_only, track_by_path
from tests.support.tracks import add_track

from museaud.app import App
from museaud.library.detail import Section, beat_times, track_detail, waveform_overview
from museaud.library.editing import (
    Creator,
    Instrument,
    Sample,
    TrackEdit,
    TrackNotFoundError,
    edit_tracks,
    set_creators,
    set_instruments,
    set_samples,
)
from museaud.library.tracks import track_rows
from museaud.music.keys import Key
from museaud.paths import Paths
from museaud.store.models.accounts import User
from museaud.store.models.library import TrackSection


def test_an_imported_track_has_its_beats_waveform_sections_and_measured_values(
    app: App, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    folder = make_library(tmp_path / "Music", rendered_corpus, ("d_minor_128",))
    summary = import_paths(app, folder)
    assert summary.new == 1 and summary.failed == 0
    track = track_by_path(app, folder / "01 d_minor_128.wav")

    with app.session() as session:
        detail = track_detail(session, track.id)
        rows = track_rows(session)

    assert detail.id == track.id and detail.row == rows[0]
    assert detail.duration_s == pytest.approx(track.duration_s)
    measured = detail.measured
    assert measured is not None and detail.override is None
    assert measured.bpm == pytest.approx(128, abs=1.0)
    assert measured.key == Key(2, "minor")
    assert measured.algorithm == detail.row["analysis"]["algorithm"]
    assert measured.loudness_lufs is not None and measured.loudness_lufs < 0
    # beats: what the store holds, as float32 seconds, rising, about 60/128 s apart
    with read_only(app.paths.store_file) as plain:
        blob, wave = plain.execute(
            "SELECT beats, waveform FROM track_analysis WHERE track_id = ?", (track.id.hex,)
        ).fetchone()
    assert detail.beats.dtype == np.float32 and len(detail.beats) == len(blob) // 4 > 20
    assert np.array_equal(detail.beats, np.frombuffer(blob, dtype="<f4"))
    assert np.all(np.diff(detail.beats) > 0)
    assert float(np.median(np.diff(detail.beats))) == pytest.approx(60 / 128, rel=0.02)
    assert detail.beats[0] >= 0 and detail.beats[-1] <= detail.duration_s  # type: ignore[operator]
    # the overview: 2 x 1000 (minima, maxima) in -1..1, loud somewhere
    assert detail.waveform.shape == (2, 1000) and detail.waveform.dtype == np.float32
    assert np.all(detail.waveform[0] <= detail.waveform[1])
    assert detail.waveform.min() >= -1.0 and detail.waveform.max() <= 1.0
    assert detail.waveform[1].max() > 0.1 and detail.waveform[0].min() < -0.1
    levels = np.frombuffer(wave, dtype=np.uint8).reshape(2, -1)
    assert np.allclose(detail.waveform, levels / 127.5 - 1.0, atol=1e-6)
    assert not detail.beats.flags.writeable and not detail.waveform.flags.writeable
    # sections as analysis found them, in time order
    with app.session() as session:
        stored = session.scalars(
            select(TrackSection)
            .where(TrackSection.track_id == track.id)
            .order_by(TrackSection.start_s)
        ).all()
    assert stored and [s.type for s in detail.sections] == [s.section_type for s in stored]
    assert all(s.source == "analysis" for s in detail.sections)
    assert [s.start_s for s in detail.sections] == sorted(s.start_s for s in detail.sections)
    assert all(s.end_s > s.start_s for s in detail.sections)


def test_the_musicians_marks_catalogue_and_override_are_all_there(app: App) -> None:
    with app.session() as session:
        user = session.get(User, app.local_user_id)
        assert user is not None
        owner_name = user.display_name or user.username
        track_id = add_track(session, "Night Drive", bpm=122.0, key=(7, "major"))
        session.add_all(
            [
                TrackSection(
                    track_id=track_id, section_type="drop", start_s=64.0, end_s=96.0, label="Drop"
                ),
                TrackSection(
                    track_id=track_id,
                    section_type="intro",
                    start_s=0.0,
                    end_s=32.0,
                    source="analysis",
                    confidence=0.8,
                ),
            ]
        )
        edit_tracks(
            session,
            [track_id],
            TrackEdit(
                rating=5,
                favorite=True,
                hidden=True,
                add_tags=("vocal", "anthem"),
                add_moods=("euphoric",),
                notes="closing track",
                bpm=61.0,
                key="9A",
                reason="it is E minor, half time",
            ),
        )
        set_creators(session, track_id, [Creator("Ann", "producer", 60), Creator("Bo", None, 40)])
        set_instruments(
            session, track_id, [Instrument("keys", "Rhodes"), Instrument("synth", "303", True)]
        )
        set_samples(session, track_id, [Sample("Pack", "vox", False, "waiting")])

    with app.session() as session:
        detail = track_detail(session, track_id)

    assert (detail.row["rating"], detail.row["is_favorite"], detail.is_hidden) == (5, True, True)
    assert detail.row["bpm"] == 61.0 and detail.row["camelot"] == "9A"
    assert (detail.tags, detail.moods, detail.notes) == (
        ("anthem", "vocal"),
        ("euphoric",),
        "closing track",
    )
    assert detail.measured is not None
    assert (detail.measured.bpm, detail.measured.key) == (122.0, Key(7, "major"))
    override = detail.override
    assert override is not None
    assert (override.bpm, override.key) == (61.0, Key(4, "minor"))
    assert override.reason == "it is E minor, half time"
    assert (override.by_id, override.by_name) == (app.local_user_id, owner_name)
    assert override.at is not None and override.at <= datetime.now(UTC)
    assert detail.creators == (Creator("Ann", "producer", 60.0), Creator("Bo", None, 40.0))
    assert detail.instruments == (Instrument("synth", "303", True), Instrument("keys", "Rhodes"))
    assert detail.samples == (Sample("Pack", "vox", False, "waiting"),)
    assert detail.sections == (
        Section("intro", 0.0, 32.0, None, "analysis", 0.8),
        Section("drop", 64.0, 96.0, "Drop", "user", None),
    )
    # no beats or overview stored: empty arrays of the right shape
    assert detail.beats.shape == (0,) and detail.waveform.shape == (2, 0)

    found = json.loads(json.dumps(detail.to_json()))
    assert found["id"] == str(track_id) and found["tags"] == ["anthem", "vocal"]
    assert found["override"]["key"] == {"key": "E", "scale": "minor", "camelot": "9A"}
    assert found["measured"]["key"]["camelot"] == "9B"
    assert found["creators"][0] == {
        "name": "Ann",
        "role": "producer",
        "split": 60.0,
        "ipi": None,
        "pro": None,
        "email": None,
        "phone": None,
    }
    assert found["sections"][1]["label"] == "Drop" and found["beats"] == []
    assert "beats" not in detail.to_json(beats=False)


def test_a_track_never_analysed_has_an_override_but_nothing_measured(app: App) -> None:
    with app.session() as session:
        track_id = add_track(session, "Sketch")
        bare = track_detail(session, track_id)
        edit_tracks(session, [track_id], TrackEdit(bpm=93.0, reason="counted it"))
        overridden = track_detail(session, track_id)

    assert bare.measured is None and bare.override is None
    assert (bare.row["bpm"], bare.tags, bare.creators, bare.sections) == (None, (), (), ())
    assert overridden.measured is None  # the manual row measured nothing
    assert overridden.override is not None and overridden.override.bpm == 93.0
    assert overridden.row["bpm_source"] == "override"


def test_an_unknown_track_is_a_clear_error(app: App) -> None:
    stranger = uuid.uuid4()
    with app.session() as session, pytest.raises(TrackNotFoundError, match=str(stranger)):
        track_detail(session, stranger)


def test_stored_blobs_decode_to_seconds_and_levels() -> None:
    beats = np.array([0.25, 0.7187, 1.1875], dtype="<f4")
    assert np.array_equal(beat_times(beats.tobytes()), beats)
    assert beat_times(None).shape == (0,) and beat_times(b"").dtype == np.float32
    assert not beat_times(None).flags.writeable
    levels = np.array([[0, 127, 255], [128, 200, 255]], dtype=np.uint8)
    overview = waveform_overview(levels.tobytes())
    assert overview.shape == (2, 3)
    assert overview[0, 0] == -1.0 and overview[1, 2] == 1.0
    assert overview[1, 0] == pytest.approx(0.5 / 127.5, abs=1e-6)
    assert waveform_overview(b"\x00").shape == (2, 0)  # not a 2 x N overview


def test_the_detail_of_an_edited_track_is_the_same_after_a_restart(paths: Paths, app: App) -> None:
    with app.session() as session:
        track_id = add_track(session, "Keeper", bpm=126.0)
        edit_tracks(session, [track_id], TrackEdit(key="Bbm", reason="by ear", add_tags="dub"))
        set_creators(session, track_id, [Creator("Ann", "composer", 100)])
        before = track_detail(session, track_id).to_json()
    app.close()
    with App.open(paths) as reopened, reopened.session() as session:
        assert track_detail(session, track_id).to_json() == before
