"""The one error playlist services raise for bad input: it says what and where."""

from __future__ import annotations


class PlaylistError(ValueError):
    """A refused playlist change or read; nothing stored was changed."""
