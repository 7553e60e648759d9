"""Lengths of audio as people read them: 3:07, 1:02:45."""

from __future__ import annotations


def format_length(seconds: float) -> str:
    """A length as m:ss, or h:mm:ss from an hour on."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
