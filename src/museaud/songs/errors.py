"""The error the songs domain raises for bad input: a sentence saying what is wrong."""

from __future__ import annotations


class SongError(ValueError):
    """An edit, project change or render that was refused; nothing stored changed."""
