"""Each kind of event arrives with its fields from a real action: a generation and its verdicts,
a fork, an import of real files, a play, a command; and nothing when the producer said no."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.support.library import import_paths, tag_wav, track_by_path, write_silence

from museaud.accounts.preferences import update_preferences
from museaud.analytics import (
    AnalysisFrame,
    BehaviorEvent,
    ListeningEvent,
    PerformanceMetric,
    UsageStat,
)
from museaud.app import App
from museaud.cli import main
from museaud.paths import Paths
from museaud.patterns.generation import GenerationSession
from museaud.patterns.generators import GenerationRequest
from museaud.patterns.service import fork_pattern
from museaud.playlists.history import record_play


def _actions(app: App) -> list[BehaviorEvent]:
    assert app.recorder is not None and app.recorder.flush()
    return app.events.events(BehaviorEvent)


def test_generations_verdicts_and_forks_carry_engine_flavour_tempo_key(app: App) -> None:
    sitting = GenerationSession()
    with app.session() as session:
        kept = sitting.generate(session, GenerationRequest(engine="drums", style="house", seed=3))
        sitting.judge(session, action="kept")
        dropped = sitting.generate(session, GenerationRequest(engine="bass", style="salsa", seed=4))
        sitting.judge(session, action="discarded")
        fork_id = fork_pattern(session, kept.id)

    actions = _actions(app)
    assert [a.event_type for a in actions] == [
        "pattern_generated",
        "pattern_kept",
        "pattern_generated",
        "pattern_discarded",
        "pattern_forked",
    ]
    made = actions[0].event_data
    assert made["pattern_id"] == str(kept.id)
    assert (made["engine"], made["flavor"]) == ("drums", kept.pattern.flavor)
    assert (made["tempo_bpm"], made["key_note"]) == (kept.pattern.bpm, kept.pattern.key_note)
    assert made["latency_ms"] > 0 and 0 <= made["quality"] <= 1
    assert actions[3].event_data["pattern_id"] == str(dropped.id)
    assert actions[3].event_data["engine"] == "bass"
    assert actions[4].event_data["fork_id"] == str(fork_id)
    assert all(a.user_id == app.local_user_id for a in actions)
    timings = app.events.events(PerformanceMetric)
    assert [m.engine_name for m in timings] == ["drums", "bass"]
    assert timings[0].generation_latency_ms == pytest.approx(kept.generation.generation_time_ms)
    assert timings[0].generation_confidence == pytest.approx(kept.generation.quality_score)


def test_a_cli_generation_records_the_pattern_and_the_command(app: App) -> None:
    status = main(["pattern", "generate", "--engine", "chords", "--flavor", "funk", "--json"])

    assert status == 0
    [made] = [a for a in _actions(app) if a.event_type == "pattern_generated"]
    assert made.event_data["engine"] == "chords"
    commands = app.events.events(UsageStat)
    assert [(c.command, c.method, c.status_code) for c in commands] == [
        ("pattern generate", "cli", 0)
    ]
    assert commands[0].response_time_ms is not None and commands[0].response_time_ms > 0


def test_an_import_of_real_files_records_the_run_and_each_analysis(
    app: App, tmp_path: Path
) -> None:
    folder = tmp_path / "music"
    folder.mkdir()
    tracks = [
        tag_wav(write_silence(folder / f"take {n}.wav", 2.0), artist="Tito", genre="salsa")
        for n in range(2)
    ]
    (folder / "broken.wav").write_bytes(b"RIFF not really a wave file")

    summary = import_paths(app, folder)

    run = [a for a in _actions(app) if a.event_type == "library_imported"]
    assert [(r.event_data["found"], r.event_data["new"], r.event_data["failed"]) for r in run] == [
        (3, summary.new, 1)
    ]
    assert run[0].event_data["seconds"] == pytest.approx(summary.elapsed_s, abs=0.01)
    frames = app.events.events(AnalysisFrame)
    assert {f.track_id for f in frames} == {track_by_path(app, path).id for path in tracks}
    for frame in frames:
        assert frame.analysis_type == "track"
        assert frame.confidence_score is not None and 0 <= frame.confidence_score <= 1
        assert {"tempo_bpm", "key_note", "bpm_confidence", "version"} <= set(frame.analysis_data)


def test_a_play_records_what_was_played_and_how_it_ended(app: App, tmp_path: Path) -> None:
    path = tag_wav(write_silence(tmp_path / "son.wav", 2.0), artist="Ibrahim", genre="son")
    import_paths(app, path)
    track = track_by_path(app, path)
    started = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)

    record_play(app, track.id, started, 1.0, 2.0, "library", "stopped")

    assert app.recorder is not None and app.recorder.flush()  # queued, never written inline
    [play] = app.events.events(ListeningEvent)
    assert (play.track_id, play.time, play.duration_played_s) == (track.id, started, 1.0)
    assert (play.skipped, play.completed) == (True, False)
    assert (play.artist, play.genre) == ("Ibrahim", "son")
    assert play.tempo_bpm == track.effective_bpm and play.key_note == track.effective_key


def test_nothing_is_recorded_once_analytics_are_turned_off(paths: Paths, app: App) -> None:
    with app.session() as session:
        update_preferences(session, app.local_user_id, analytics_enabled=False)
    with App.open(paths) as second:
        assert second.recorder is not None and not second.recorder.enabled
        with second.session() as session:
            GenerationSession().generate(session, GenerationRequest(engine="drums", style="house"))
        second.recorder.flush()
        assert second.events.events(BehaviorEvent) == []
