"""Importing folders: rows, tags, analysis, vectors and text search; rescans, changes, moves."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, text, update
from tests.support.audio import RenderedCorpus
from tests.support.library import (
    analysis_of,
    import_paths,
    make_library,
    tag_wav,
    track_by_path,
)

from museaud.analysis import ANALYSIS_ALGORITHM, ANALYSIS_VERSION, FEATURE_DIMENSIONS
from museaud.app import App
from museaud.library.importer import ImportOptions, ImportProgress, run_import
from museaud.library.records import TRACK_VECTORS
from museaud.library.tracks import track_counts, track_rows
from museaud.store import text as text_search
from museaud.store import vectors
from museaud.store.models.library import Track, TrackAnalysis, TrackSection
from museaud.store.models.patterns import Embedding
from museaud.store.models.playlists import Playlist, PlaylistEntry


@pytest.fixture
def library(tmp_path: Path, rendered_corpus: RenderedCorpus) -> Path:
    return make_library(tmp_path / "Music", rendered_corpus)


def test_a_first_import_stores_tags_analysis_sections_and_vectors(
    app: App, library: Path, rendered_corpus: RenderedCorpus
) -> None:
    tag_wav(
        library / "02 d_minor_128.wav",
        album_artist="Various",
        genre="House",
        year="2024-05-01",
        disc="1/2",
        isrc="GBAYE2400001",
        comment="needs a longer intro",
        bpm="127.5",
        key="Dm",
    )
    progress: list[ImportProgress] = []

    summary = run_import(app, ImportOptions([library], workers=2), progress.append)

    assert (summary.found, summary.new, summary.failed, summary.unchanged) == (4, 4, 0, 0)
    assert not summary.cancelled and summary.kept == 4
    assert progress[-1].phase == "done" and progress[-1].done == progress[-1].total == 4
    assert progress[0].phase == "scanning"
    assert any(p.phase == "analysing" and p.rate is not None for p in progress)

    track = track_by_path(app, library / "02 d_minor_128.wav")
    assert track.status == "ok" and track.error is None
    assert (track.title, track.artist, track.album) == (
        "D Minor 128 Groove",
        "Test Band",
        "Known Answers",
    )
    assert (track.album_artist, track.genre, track.year) == ("Various", "House", 2024)
    assert (track.track_number, track.disc_number, track.isrc) == (2, 1, "GBAYE2400001")
    assert track.comment == "needs a longer intro"
    assert (track.tag_bpm, track.tag_key) == (127.5, "Dm")  # the file's claim, kept apart
    assert track.file_format == "wav" and track.folder == str(library)
    assert track.file_size_bytes == (library / "02 d_minor_128.wav").stat().st_size
    assert track.content_hash is not None and track.scanned_at is not None
    piece = rendered_corpus.piece("d_minor_128")
    assert track.duration_s == pytest.approx(piece.duration_s, abs=6)

    analysis = analysis_of(app, track.id)
    assert analysis is not None
    assert (analysis.algorithm, analysis.algorithm_version) == (
        ANALYSIS_ALGORITHM,
        ANALYSIS_VERSION,
    )
    assert analysis.bpm == pytest.approx(128, rel=0.02)
    assert (analysis.key_note, analysis.scale) == (2, "minor")
    assert analysis.loudness_lufs is not None and -60 < analysis.loudness_lufs < 0
    beats = np.frombuffer(analysis.beats or b"", dtype="<f4")
    assert len(beats) > 50 and np.all(np.diff(beats) > 0)
    assert analysis.waveform is not None and len(analysis.waveform) == 2000
    assert analysis.fingerprint and analysis.analyzed_at is not None

    with app.session() as session:
        sections = session.scalars(
            select(TrackSection).where(TrackSection.track_id == track.id)
        ).all()
        assert sections and all(section.source == "analysis" for section in sections)
        stored = session.execute(
            text(f"SELECT vec_length(embedding) FROM {TRACK_VECTORS.table} WHERE entity_id = :id"),
            {"id": track.id.hex},
        ).scalar_one()
        assert stored == FEATURE_DIMENSIONS
        registered = session.scalars(select(Embedding).where(Embedding.entity_id == track.id)).one()
        assert (registered.entity_type, registered.vector_table) == ("track", TRACK_VECTORS.table)
        assert (registered.embedding_model, registered.model_version) == (
            ANALYSIS_ALGORITHM,
            ANALYSIS_VERSION,
        )
        assert text_search.search(session, "tracks", "d minor groove") == [track.id]
        assert text_search.search(session, "tracks", "known answers")  # album words
        nearest = vectors.nearest(session, TRACK_VECTORS, _vector_of(session, track.id), k=1)
        assert nearest[0][0] == track.id
        assert track_counts(session)["ok"] == 4


def _vector_of(session: object, track_id: object) -> np.ndarray:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    blob = session.execute(
        text(f"SELECT embedding FROM {TRACK_VECTORS.table} WHERE entity_id = :id"),
        {"id": getattr(track_id, "hex", "")},
    ).scalar_one()
    return np.frombuffer(blob, dtype=np.float32)


def test_a_rescan_of_an_unchanged_library_opens_no_file(
    app: App, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(app, library)
    before = {row["id"]: row["analysis"]["analyzed_at"] for row in _rows(app)}

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was opened")

    monkeypatch.setattr("museaud.library.importer.read_tags", must_not_run)
    monkeypatch.setattr("museaud.library.importer.content_hash", must_not_run)
    monkeypatch.setattr("museaud.library.importer.AnalysisPool", must_not_run)

    summary = import_paths(app, library)

    assert (summary.found, summary.unchanged, summary.new, summary.updated) == (4, 4, 0, 0)
    assert summary.kept == 0 and not summary.failures
    assert {row["id"]: row["analysis"]["analyzed_at"] for row in _rows(app)} == before


def _rows(app: App) -> list[dict[str, object]]:
    with app.session() as session:
        return track_rows(session)


def test_a_changed_file_is_read_and_analysed_again(
    app: App, library: Path, rendered_corpus: RenderedCorpus
) -> None:
    import_paths(app, library)
    target = library / "01 c_major_110.wav"
    old = track_by_path(app, target)
    shutil.copyfile(rendered_corpus.wav("bb_minor_174"), target)  # new audio at the same path
    tag_wav(target, title="Reworked", artist="Test Band")

    summary = import_paths(app, library)

    assert (summary.updated, summary.unchanged, summary.new) == (1, 3, 0)
    track = track_by_path(app, target)
    assert track.id == old.id and track.title == "Reworked"
    assert track.content_hash != old.content_hash
    analysis = analysis_of(app, track.id)
    assert analysis is not None and analysis.bpm == pytest.approx(174, rel=0.02)
    assert (analysis.key_note, analysis.scale) == (10, "minor")


def test_a_moved_file_keeps_its_track_rating_plays_and_playlist_entry(
    app: App, library: Path
) -> None:
    import_paths(app, library)
    old_path = library / "03 fsharp_major_90.wav"
    track = track_by_path(app, old_path)
    analysed_at = analysis_of(app, track.id).analyzed_at  # type: ignore[union-attr]
    with app.session() as session:
        session.execute(update(Track).where(Track.id == track.id).values(rating=5, play_count=7))
        playlist = Playlist(name="Warm-up")
        session.add(playlist)
        session.flush()
        session.add(PlaylistEntry(playlist_id=playlist.id, track_id=track.id, position_key="a0"))
    new_path = library / "Renamed Album" / "fsharp in a new name.wav"
    new_path.parent.mkdir()
    os.rename(old_path, new_path)

    summary = import_paths(app, library)

    assert (summary.moved, summary.new, summary.missing, summary.unchanged) == (1, 0, 0, 3)
    moved = track_by_path(app, new_path)
    assert moved.id == track.id
    assert (moved.rating, moved.play_count, moved.status) == (5, 7, "ok")
    assert moved.folder == str(new_path.parent) and moved.file_name == new_path.name
    assert analysis_of(app, track.id).analyzed_at == analysed_at  # type: ignore[union-attr]
    with app.session() as session:
        entries = session.scalars(select(PlaylistEntry.track_id)).all()
        assert entries == [track.id]
        assert session.scalar(select(func.count()).select_from(Track)) == 4


def test_a_file_moved_to_a_folder_imported_later_still_keeps_its_track(
    app: App, tmp_path: Path, library: Path
) -> None:
    import_paths(app, library)
    track = track_by_path(app, library / "02 d_minor_128.wav")
    with app.session() as session:
        session.execute(update(Track).where(Track.id == track.id).values(rating=4))
    elsewhere = tmp_path / "Sets"
    elsewhere.mkdir()
    os.rename(library / "02 d_minor_128.wav", elsewhere / "opener.wav")

    summary = import_paths(app, elsewhere)  # the old folder is not rescanned

    assert (summary.moved, summary.new) == (1, 0)
    moved = track_by_path(app, elsewhere / "opener.wav")
    assert moved.id == track.id and moved.rating == 4 and moved.status == "ok"
    with app.session() as session:
        assert session.scalar(select(func.count()).select_from(Track)) == 4


def test_a_deleted_file_is_marked_missing_and_its_row_kept(app: App, library: Path) -> None:
    import_paths(app, library)
    gone = library / "04 bb_minor_174.wav"
    track = track_by_path(app, gone)
    gone.unlink()

    summary = import_paths(app, library)

    assert (summary.missing, summary.unchanged) == (1, 3)
    kept = track_by_path(app, gone)
    assert kept.id == track.id and kept.status == "missing" and kept.missing_since is not None
    assert analysis_of(app, track.id) is not None
    rows = {row["path"]: row for row in _rows(app)}
    assert rows[str(gone)]["status"] == "missing" and rows[str(gone)]["bpm"] is not None

    summary = import_paths(app, library)  # still gone: counted once, not again
    assert summary.missing == 0 and summary.unchanged == 3


def test_a_missing_file_that_comes_back_is_restored_without_analysis(
    app: App, library: Path, tmp_path: Path
) -> None:
    import_paths(app, library)
    path = library / "01 c_major_110.wav"
    track = track_by_path(app, path)
    analysed_at = analysis_of(app, track.id).analyzed_at  # type: ignore[union-attr]
    parked = tmp_path / "parked.wav"
    os.rename(path, parked)
    assert import_paths(app, library).missing == 1
    os.rename(parked, path)

    summary = import_paths(app, library)

    assert (summary.restored, summary.unchanged, summary.new) == (1, 3, 0)
    back = track_by_path(app, path)
    assert back.status == "ok" and back.missing_since is None
    assert analysis_of(app, track.id).analyzed_at == analysed_at  # type: ignore[union-attr]


def test_a_newer_analyser_reanalyses_and_keeps_the_manual_override(app: App, library: Path) -> None:
    import_paths(app, library)
    track = track_by_path(app, library / "02 d_minor_128.wav")
    analysed_at = analysis_of(app, track.id).analyzed_at  # type: ignore[union-attr]
    with app.session() as session:
        session.execute(
            update(TrackAnalysis)
            .where(TrackAnalysis.track_id == track.id)
            .values(
                algorithm_version="0",  # as if an older analyser had written it
                manual_override=True,
                bpm_override=64.0,
                key_note_override=5,
                scale_override="major",
                override_reason="I play it half-time",
            )
        )

    summary = import_paths(app, library)

    assert (summary.reanalysed, summary.unchanged, summary.updated) == (1, 3, 0)
    analysis = analysis_of(app, track.id)
    assert analysis is not None
    assert analysis.algorithm_version == ANALYSIS_VERSION
    assert analysis.analyzed_at is not None and analysis.analyzed_at > analysed_at  # type: ignore[operator]
    assert analysis.bpm == pytest.approx(128, rel=0.02)  # measured again ...
    assert analysis.manual_override and analysis.bpm_override == 64.0  # ... the override kept
    assert (analysis.key_note_override, analysis.scale_override) == (5, "major")
    assert analysis.override_reason == "I play it half-time"
    row = next(row for row in _rows(app) if row["id"] == str(track.id))
    assert (row["bpm"], row["bpm_source"]) == (64.0, "override")
    assert (row["key"], row["scale"], row["key_source"]) == ("F", "major", "override")


def test_cancel_stops_the_import_and_keeps_only_whole_tracks(
    app: App, tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    folder = tmp_path / "Many"
    folder.mkdir()
    for number in range(24):
        name = ("c_major_110", "d_minor_128")[number % 2]
        target = folder / f"{number:02d}.wav"
        shutil.copyfile(rendered_corpus.wav(name), target)
        tag_wav(target, title=f"Take {number}")
    cancel = threading.Event()

    def cancel_after_three(progress: ImportProgress) -> None:
        if progress.done >= 3:
            cancel.set()

    summary = run_import(
        app, ImportOptions([folder], workers=2, batch_size=2), cancel_after_three, cancel
    )

    assert summary.cancelled and summary.remaining > 0
    assert summary.new == summary.kept < 24
    with app.session() as session:
        statuses = dict(
            session.execute(select(Track.status, func.count()).group_by(Track.status)).all()
        )
        assert statuses == {"ok": summary.kept, "pending": 24 - summary.kept}
        analysed = set(session.scalars(select(TrackAnalysis.track_id)).all())
        ok = set(session.scalars(select(Track.id).where(Track.status == "ok")).all())
        assert analysed == ok  # no analysis without its track finished, nor the reverse
        vector_ids = set(
            session.execute(text(f"SELECT entity_id FROM {TRACK_VECTORS.table}")).scalars()
        )
        assert vector_ids == {track_id.hex for track_id in ok}

    finished = import_paths(app, folder)  # run again: the pending ones, only

    assert (finished.new, finished.resumed, finished.unchanged) == (
        24 - summary.kept,
        24 - summary.kept,
        summary.kept,
    )
    with app.session() as session:
        assert track_counts(session) == {"pending": 0, "ok": 24, "error": 0, "missing": 0}
