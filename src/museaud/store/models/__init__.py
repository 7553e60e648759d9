"""All tables of the store; importing this registers every model on the shared metadata."""

from __future__ import annotations

from museaud.store.base import Base
from museaud.store.models import (
    accounts,
    library,
    patterns,
    playlists,
    social,
    songs,
    sync,
    system,
)

metadata = Base.metadata

__all__ = [
    "accounts",
    "library",
    "metadata",
    "patterns",
    "playlists",
    "social",
    "songs",
    "sync",
    "system",
]
