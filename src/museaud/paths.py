"""Every location museaud uses on disk, from platformdirs; MUSEAUD_HOME overrides them all."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "museaud"


@dataclass(frozen=True)
class Paths:
    """The folders and files of one museaud installation."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def store_file(self) -> Path:
        """The SQLite file holding the library, playlists, patterns, songs and accounts."""
        return self.data_dir / "museaud.sqlite"

    @property
    def analytics_file(self) -> Path:
        """The DuckDB file holding time series: listening, generation and performance."""
        return self.data_dir / "analytics.duckdb"

    @property
    def backup_dir(self) -> Path:
        """Copies of the store written before each schema upgrade."""
        return self.data_dir / "backups"

    @property
    def media_dir(self) -> Path:
        """Files museaud itself makes: renders, mixdowns, exported MIDI."""
        return self.data_dir / "media"

    def ensure(self) -> Paths:
        """Create the folders if they are missing and return self."""
        for folder in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def default_paths() -> Paths:
    """The paths for this user: under MUSEAUD_HOME when set (tests, portable installs)."""
    home = os.environ.get("MUSEAUD_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(root / "data", root / "config", root / "cache", root / "logs")
    return Paths(
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )
