"""The columns of the track table: what each shows, how a musician reads it, and its sort key.

A column's `key` is the store's sort field (museaud.library.search.SORT_FIELDS) when the store
can sort by it; the table never sorts in Qt, so 100,000 rows sort as fast as one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from museaud.library.lengths import format_length
from museaud.music.keys import written_key

STATUS_TEXT = {"ok": "Analysed", "pending": "Waiting", "error": "Error", "missing": "Missing"}


@dataclass(frozen=True)
class Column:
    """One column: its key, heading, the row field it shows, and how it looks at first."""

    key: str
    heading: str
    field: str
    numeric: bool = False
    width: int = 90
    shown: bool = True
    sortable: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("title", "Title", "title", width=220),
    Column("artist", "Artist", "artist", width=120),
    Column("album", "Album", "album", width=150, shown=False),
    Column("genre", "Genre", "genre", width=100, shown=False),
    Column("year", "Year", "year", numeric=True, width=58, shown=False),
    Column("bpm", "BPM", "bpm", numeric=True, width=54),
    Column("key", "Key", "key", width=76),
    Column("energy", "Energy", "energy", numeric=True, width=64, shown=False),
    Column("loudness", "LUFS", "loudness_lufs", numeric=True, width=58, shown=False),
    Column("rating", "Rating", "rating", width=76),
    Column("favorite", "♥", "is_favorite", width=34, shown=False, sortable=False),
    Column("duration", "Length", "duration_s", numeric=True, width=66),
    Column("play_count", "Plays", "play_count", numeric=True, width=56, shown=False),
    Column("added", "Added", "added_at", width=96, shown=False),
    Column("last_played", "Last played", "last_played_at", width=96, shown=False),
    Column("format", "Format", "format", width=62, shown=False),
    Column("status", "Status", "status", width=78, shown=False),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)


def column_by_key(key: str) -> Column:
    """The column with key (KeyError if none)."""
    return COLUMNS[COLUMN_KEYS.index(key)]


def title_of(row: dict[str, Any]) -> str:
    """The tagged title, else the file name without its ending."""
    return str(row.get("title") or Path(str(row["path"])).stem)


def key_text(row: dict[str, Any]) -> str:
    """'Bb minor · 3A', or '' when no key was found."""
    text = written_key(row.get("key"), row.get("scale"))
    if text is None:
        return ""
    return f"{text} · {row['camelot']}" if row.get("camelot") else text


def short_key_text(row: dict[str, Any]) -> str:
    """'3A · Bbm' for the table: the Camelot code first (the column sorts by it), then the
    key as DJs write it; '' when no key was found."""
    short = written_key(row.get("key"), row.get("scale"), short=True)
    if short is None:
        return ""
    return f"{row['camelot']} · {short}" if row.get("camelot") else short


def stars(rating: int | None) -> str:
    """A rating as five stars, lit ones first ('' when unrated)."""
    if not rating:
        return ""
    return "★" * rating + "☆" * (5 - rating)


def _date(value: Any) -> str:
    """The day in the musician's time zone (rows hold UTC times)."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.date().isoformat()


def display_text(row: dict[str, Any], column: Column) -> str:
    """What a cell shows."""
    field = column.field
    value = row.get(field)
    if field == "title":
        return title_of(row)
    if field == "key":
        return short_key_text(row)
    if field == "status":
        return STATUS_TEXT.get(str(value), str(value))
    if field == "rating":
        return stars(value)
    if field == "is_favorite":
        return "♥" if value else ""
    if value is None:
        return ""
    if field in ("bpm", "loudness_lufs"):
        return f"{value:.1f}"
    if field == "energy":
        return f"{value:.2f}"
    if field == "duration_s":
        return format_length(float(value))
    if field in ("added_at", "last_played_at"):
        return _date(value)
    return str(value)
