"""Reading and saving a user's preferences and saved window state.

The GUI's preferences dialog and `museaud prefs` both go through these functions, which check
values before they reach the database so a mistake gets a message instead of a constraint error.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from museaud.logs import DEFAULT_LEVEL, LEVELS
from museaud.music.pitch import PITCH_CLASS_NAMES
from museaud.store.models.accounts import THEMES, UiState, UserPreferences

BUFFER_SIZES = (32, 64, 128, 256, 512, 1024, 2048, 4096)
SCALES = ("major", "minor")


class PreferenceError(ValueError):
    """A preference value out of range; the message names the field and what is allowed."""


@dataclass(frozen=True)
class Preferences:
    """The settings a producer edits in the preferences dialog."""

    default_bpm: int = 120
    default_key_note: int = 0
    default_scale: str = "major"
    default_flavor: str = "Salsa"
    default_volume: float = 1.0
    theme: str = "auto"
    audio_device: str | None = None
    audio_buffer_size: int = 256
    audio_sample_rate: int = 48000
    midi_output_port: str | None = None
    auto_play: bool = False
    show_beat_numbers: bool = True
    log_level: str = DEFAULT_LEVEL
    backups_kept: int = 7
    analytics_enabled: bool = True  # record what happens in museaud, on this computer only

    def validated(self) -> Preferences:
        """Return self if every value is allowed, else raise PreferenceError naming the field."""
        if not 80 <= self.default_bpm <= 250:
            raise PreferenceError(f"default_bpm {self.default_bpm} is outside 80-250 BPM")
        if not 0 <= self.default_key_note <= 11:
            raise PreferenceError(
                f"default_key_note {self.default_key_note} is not a pitch class 0-11 (C=0 … B=11)"
            )
        if self.default_scale not in SCALES:
            raise PreferenceError(f"default_scale {self.default_scale!r} is not one of {SCALES}")
        if not 0.0 <= self.default_volume <= 2.0:
            raise PreferenceError(f"default_volume {self.default_volume} is outside 0-2")
        if self.theme not in THEMES:
            raise PreferenceError(f"theme {self.theme!r} is not one of {THEMES}")
        if self.audio_buffer_size not in BUFFER_SIZES:
            raise PreferenceError(
                f"audio_buffer_size {self.audio_buffer_size} is not one of {BUFFER_SIZES}"
            )
        if not 8000 <= self.audio_sample_rate <= 192000:
            raise PreferenceError(f"audio_sample_rate {self.audio_sample_rate} Hz is not plausible")
        if not self.default_flavor.strip():
            raise PreferenceError("default_flavor is empty")
        if self.log_level not in LEVELS:
            raise PreferenceError(f"log_level {self.log_level!r} is not one of {LEVELS}")
        if not 1 <= self.backups_kept <= 100:
            raise PreferenceError(f"backups_kept {self.backups_kept} is outside 1-100")
        return self

    @property
    def default_key_name(self) -> str:
        """The default key as a note name, e.g. 'F#'."""
        return PITCH_CLASS_NAMES[self.default_key_note]


PREFERENCE_FIELDS = tuple(field.name for field in fields(Preferences))
# kept in the row's `extra` JSON: no column of their own
EXTRA_FIELDS = ("log_level", "backups_kept", "analytics_enabled")


def _row(session: Session, user_id: uuid.UUID) -> UserPreferences:
    row = session.scalars(
        select(UserPreferences).where(UserPreferences.owner_id == user_id)
    ).first()
    if row is None:
        row = UserPreferences(owner_id=user_id)
        session.add(row)
        session.flush()
    return row


def load_preferences(session: Session, user_id: uuid.UUID) -> Preferences:
    """The user's preferences (defaults if none were saved)."""
    row = _row(session, user_id)
    values = {name: getattr(row, name) for name in PREFERENCE_FIELDS if name not in EXTRA_FIELDS}
    extra = {name: row.extra[name] for name in EXTRA_FIELDS if name in (row.extra or {})}
    return Preferences(**values, **extra)


def save_preferences(session: Session, user_id: uuid.UUID, preferences: Preferences) -> None:
    """Check and store the user's preferences."""
    preferences.validated()
    row = _row(session, user_id)
    values = asdict(preferences)
    for name in EXTRA_FIELDS:
        row.extra = {**(row.extra or {}), name: values.pop(name)}
    for name, value in values.items():
        setattr(row, name, value)


def update_preferences(session: Session, user_id: uuid.UUID, **changes: Any) -> Preferences:
    """Change some preferences by name; unknown names are refused."""
    unknown = sorted(set(changes) - set(PREFERENCE_FIELDS))
    if unknown:
        raise PreferenceError(
            f"unknown preference {', '.join(unknown)}; known: {', '.join(PREFERENCE_FIELDS)}"
        )
    updated = replace(load_preferences(session, user_id), **changes)
    save_preferences(session, user_id, updated)
    return updated


def stored_log_level(store_file: Path) -> str | None:
    """The local user's `log_level`, read before the store is opened (None if unknown).

    Logging is set up before any command opens (or upgrades) the store, so this only peeks:
    read-only, and any problem (no store yet, an old or foreign file) means the default.
    """
    from museaud.store.database import read_only_uri  # noqa: PLC0415 - the one way to peek

    if not store_file.exists():
        return None
    try:
        connection = sqlite3.connect(read_only_uri(store_file), uri=True)
        try:
            row = connection.execute(
                "SELECT p.extra FROM user_preferences AS p JOIN users AS u ON u.id = p.owner_id "
                "WHERE u.is_local LIMIT 1"
            ).fetchone()
        finally:
            connection.close()
        level = json.loads(row[0]).get("log_level") if row and row[0] else None
    except (sqlite3.Error, ValueError, AttributeError):
        return None
    return level if level in LEVELS else None


def load_ui_state(session: Session, user_id: uuid.UUID, component: str) -> dict[str, Any]:
    """The saved state of one window part, or {} if none."""
    row = session.scalars(
        select(UiState).where(UiState.owner_id == user_id, UiState.component_name == component)
    ).first()
    return dict(row.state_data) if row is not None else {}


def save_ui_state(
    session: Session, user_id: uuid.UUID, component: str, state: dict[str, Any]
) -> None:
    """Store the state of one window part (JSON-serialisable values only)."""
    row = session.scalars(
        select(UiState).where(UiState.owner_id == user_id, UiState.component_name == component)
    ).first()
    if row is None:
        session.add(UiState(owner_id=user_id, component_name=component, state_data=dict(state)))
    else:
        row.state_data = dict(state)
