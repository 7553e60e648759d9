"""Preferences and window state: checked before storing, kept across restarts."""

from __future__ import annotations

import pytest

from museaud.accounts.preferences import (
    PreferenceError,
    load_preferences,
    load_ui_state,
    save_ui_state,
    update_preferences,
)
from museaud.app import App
from museaud.paths import Paths


def test_defaults_then_changes_survive_a_restart(paths: Paths) -> None:
    with App.open(paths) as app, app.session() as session:
        prefs = load_preferences(session, app.local_user_id)
        assert (prefs.default_bpm, prefs.theme, prefs.default_flavor) == (120, "auto", "Salsa")
        update_preferences(
            session,
            app.local_user_id,
            default_bpm=174,
            theme="dark",
            default_key_note=9,
            midi_output_port="fsynth:midi_00",
        )
    with App.open(paths) as app, app.session() as session:
        prefs = load_preferences(session, app.local_user_id)
        assert (prefs.default_bpm, prefs.theme, prefs.default_key_name) == (174, "dark", "A")
        assert prefs.midi_output_port == "fsynth:midi_00"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"default_bpm": 300}, "default_bpm 300 is outside 80-250"),
        ({"default_key_note": 12}, "default_key_note 12 is not a pitch class"),
        ({"theme": "neon"}, "theme 'neon'"),
        ({"audio_buffer_size": 100}, "audio_buffer_size 100"),
        ({"tempo": 120}, "unknown preference tempo"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    app: App, change: dict[str, object], message: str
) -> None:
    with app.session() as session, pytest.raises(PreferenceError, match=message):
        update_preferences(session, app.local_user_id, **change)
    with app.session() as session:
        assert load_preferences(session, app.local_user_id).default_bpm == 120


def test_ui_state_round_trip_per_component(app: App) -> None:
    with app.session() as session:
        assert load_ui_state(session, app.local_user_id, "main_window") == {}
        save_ui_state(session, app.local_user_id, "main_window", {"view": "library", "w": 1280})
        save_ui_state(session, app.local_user_id, "library_table", {"columns": ["title", "bpm"]})
    with app.session() as session:
        save_ui_state(session, app.local_user_id, "main_window", {"view": "beat_machine"})
    with app.session() as session:
        assert load_ui_state(session, app.local_user_id, "main_window") == {"view": "beat_machine"}
        assert load_ui_state(session, app.local_user_id, "library_table")["columns"][1] == "bpm"
