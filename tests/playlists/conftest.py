"""Playlist tests: tracks whose files are real (short silent wavs) in a real store."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.library import write_silence

from museaud.app import App
from museaud.store.models.library import Track

MakeTrack = Callable[..., uuid.UUID]


@pytest.fixture
def make_track(app: App, tmp_path: Path) -> MakeTrack:
    """A track row for a real silent wav under tmp_path/Music (as an import leaves it)."""

    def make(
        title: str,
        *,
        artist: str = "Test Band",
        seconds: float = 1.0,
        folder: Path | None = None,
        file_name: str | None = None,
        **columns: Any,
    ) -> uuid.UUID:
        where = folder or tmp_path / "Music"
        where.mkdir(parents=True, exist_ok=True)
        path = write_silence(where / (file_name or f"{artist} - {title}.wav"), seconds)
        with app.session() as session:
            track = Track(
                path=str(path),
                folder=str(where),
                file_name=path.name,
                file_format="wav",
                status="ok",
                title=title,
                artist=artist,
                duration_s=seconds,
                file_size_bytes=path.stat().st_size,
                **columns,
            )
            session.add(track)
            session.flush()
            return track.id

    return make
