"""Finding tracks with the query language, sorted by any library column, a page at a time.

Queries run on `tracks` alone: effective tempo and key, energy, loudness, tags and moods are
copied there by triggers (migration 0003), and every sort order has an index, so the first page
of a filtered and sorted query on 100,000 tracks takes milliseconds. Text goes through the FTS5
index `tracks_fts`. Hidden tracks are left out unless the query names `hidden`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Uuid,
    and_,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import column, table

from museaud.library.query import (
    AllOf,
    AnyOf,
    Flag,
    KeyMatch,
    Not,
    NoValue,
    NumberRange,
    Query,
    Term,
    TextMatch,
    ValueMatch,
    parse_query,
)
from museaud.library.tracks import _COLUMNS, _row
from museaud.store.base import UTCDateTime
from museaud.store.models.library import Track, TrackTag

SORT_FIELDS: dict[str, str] = {
    "title": "Title",
    "artist": "Artist",
    "album": "Album",
    "genre": "Genre",
    "year": "Year",
    "bpm": "BPM",
    "key": "Key",
    "energy": "Energy",
    "loudness": "Loudness",
    "rating": "Rating",
    "duration": "Time",
    "added": "Added",
    "play_count": "Plays",
    "last_played": "Last played",
    "status": "Status",
    "format": "Format",
}
"""The columns the library can be sorted by (key -> column label); each has an index."""

ROWID: ColumnElement[int] = literal_column("tracks.rowid")
# A unary + keeps SQLite from looking matches up by these: it walks the sort index instead
_WALK_ROWID: ColumnElement[int] = literal_column("+tracks.rowid")
_WALK_ID: ColumnElement[str] = literal_column("+tracks.id")
WALK_FROM = 2000
"""A text or tag term matching more tracks than this is cheaper to check along the sort index
than to look up and sort (measured on 100,000 tracks: 1.9 against 9 ms for 6,000 matches)."""
_FTS = table("tracks_fts", column("rowid"))

_SORT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "title": (func.lower(Track.title),),
    "artist": (
        func.lower(Track.artist),
        func.lower(Track.album),
        Track.disc_number,
        Track.track_number,
    ),
    "album": (func.lower(Track.album),),
    "genre": (func.lower(Track.genre),),
    "year": (Track.year,),
    "bpm": (Track.effective_bpm,),
    "key": (Track.effective_key,),
    "energy": (Track.analysis_energy,),
    "loudness": (Track.analysis_loudness,),
    "rating": (Track.rating,),
    "duration": (Track.duration_s,),
    "added": (Track.created_at,),
    "play_count": (Track.play_count,),
    "last_played": (Track.last_played_at,),
    "status": (Track.status,),
    "format": (Track.file_format,),
}

_NUMBER_COLUMNS: dict[str, Any] = {
    "bpm": Track.effective_bpm,
    "rating": Track.rating,
    "year": Track.year,
    "energy": Track.analysis_energy,
}
_NONE_COLUMNS: dict[str, Any] = {
    "bpm": Track.effective_bpm,
    "key": Track.effective_key,
    "genre": Track.genre,
    "rating": Track.rating,
    "year": Track.year,
    "energy": Track.analysis_energy,
    "tag": Track.tag_text,
    "mood": Track.mood_text,
}


@dataclass(frozen=True)
class TrackQuery:
    """What the library view shows: a query in the query language and a sort order."""

    text: str = ""
    sort: str = "artist"
    descending: bool = False


# --- from query to SQL -------------------------------------------------------------------


def _fts_expression(match: TextMatch) -> str:
    quoted = [f'"{word}"' for word in match.words]
    body = f'"{" ".join(match.words)}"' if match.phrase else " ".join(f"{q}*" for q in quoted)
    if match.columns is None:
        return body
    return f"{{{' '.join(match.columns)}}} : ({body})"


def _text_condition(expression: str, walk: bool) -> ColumnElement[bool]:
    matching = select(_FTS.c.rowid).where(literal_column("tracks_fts").op("MATCH")(expression))
    return (_WALK_ROWID if walk else ROWID).in_(matching.scalar_subquery())


def _range(column: Any, low: float, high: float, term: NumberRange) -> ColumnElement[bool]:
    parts = []
    if low is not None:
        parts.append(column > low if term.low_open else column >= low)
    if high is not None:
        parts.append(column < high if term.high_open else column <= high)
    return and_(*parts)


def _number_condition(term: NumberRange) -> ColumnElement[bool]:
    column = _NUMBER_COLUMNS[term.field]
    condition = _range(column, term.low, term.high, term)  # type: ignore[arg-type]
    if not term.tempo_multiples or term.low is None or term.high is None:
        return condition
    return or_(
        condition,
        _range(column, term.low / 2, term.high / 2, term),
        _range(column, term.low * 2, term.high * 2, term),
    )


def _after(prefix: str) -> str:
    """The smallest string greater than every string starting with prefix."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _tag_tracks(term: ValueMatch) -> Select[Any]:
    lowered = func.lower(TrackTag.tag)
    kind = TrackTag.kind == term.field
    found = (
        and_(kind, lowered >= term.value, lowered < _after(term.value))
        if term.prefix
        else and_(kind, lowered == term.value)
    )
    return select(TrackTag.track_id).where(found)


def _value_condition(term: ValueMatch, walk: bool) -> ColumnElement[bool]:
    if term.field in ("tag", "mood"):
        return (_WALK_ID if walk else Track.id).in_(_tag_tracks(term).scalar_subquery())
    column: Any = {
        "genre": func.lower(Track.genre),
        "format": Track.file_format,
        "status": Track.status,
    }[term.field]
    if term.prefix:
        return and_(column >= term.value, column < _after(term.value))
    return column == term.value  # type: ignore[no-any-return]


def _text_of(terms: Sequence[Term]) -> str | None:
    """One FTS expression for all the text terms side by side (one index look-up)."""
    texts = [part for part in terms if isinstance(part, TextMatch)]
    return " ".join(_fts_expression(text) for text in texts) if texts else None


def _condition(term: Term, walk: bool = False) -> ColumnElement[bool]:
    """The SQL condition a term stands for (never NULL once negated)."""
    if isinstance(term, AllOf):
        others = [_condition(part, walk) for part in term.terms if not isinstance(part, TextMatch)]
        expression = _text_of(term.terms)
        if expression is not None:
            others.insert(0, _text_condition(expression, walk))
        return and_(*others) if others else true()
    if isinstance(term, AnyOf):
        return or_(*(_condition(part, walk) for part in term.terms))
    if isinstance(term, Not):
        return not_(func.coalesce(_condition(term.term, walk), false()))
    if isinstance(term, TextMatch):
        return _text_condition(_fts_expression(term), walk)
    if isinstance(term, NumberRange):
        return _number_condition(term)
    if isinstance(term, KeyMatch):
        return Track.effective_key.in_(sorted(term.orders))
    if isinstance(term, ValueMatch):
        return _value_condition(term, walk)
    if isinstance(term, Flag):
        if term.name == "fav":
            return Track.is_favorite == true()
        if term.name == "hidden":
            return Track.is_hidden == true()
        return Track.status == "missing"
    if isinstance(term, NoValue):
        return _NONE_COLUMNS[term.field].is_(None)  # type: ignore[no-any-return]
    raise TypeError(f"unknown query term {term!r}")


def _where(parsed: Query, walk: bool) -> list[ColumnElement[bool]]:
    conditions = [] if parsed.root is None else [_condition(parsed.root, walk)]
    if not parsed.names_hidden:
        conditions.append(Track.is_hidden == false())
    return conditions


def _order(query: TrackQuery) -> list[ColumnElement[Any]]:
    if query.sort not in _SORT_COLUMNS:
        raise ValueError(f"cannot sort by {query.sort!r}; sort by one of: {', '.join(SORT_FIELDS)}")
    columns = [*_SORT_COLUMNS[query.sort], ROWID]
    return [column.desc() if query.descending else column.asc() for column in columns]


def _matching(query: TrackQuery, *columns: Any, walk: bool = False) -> Select[Any]:
    return select(*columns).select_from(Track).where(*_where(parse_query(query.text), walk))


def _walk_sort_index(session: Session, query: TrackQuery) -> bool:
    """Whether the text and tag terms that must all match each match many tracks."""
    root = parse_query(query.text).root
    terms = root.terms if isinstance(root, AllOf) else (root,) if root is not None else ()
    sizes: list[int] = []
    expression = _text_of(terms)
    if expression is not None:
        matching = select(func.count()).select_from(_FTS)
        matching = matching.where(literal_column("tracks_fts").op("MATCH")(expression))
        sizes.append(session.execute(matching).scalar_one())
    for term in terms:
        if isinstance(term, ValueMatch) and term.field in ("tag", "mood"):
            counting = select(func.count()).select_from(_tag_tracks(term).subquery())
            sizes.append(session.execute(counting).scalar_one())
    return bool(sizes) and min(sizes) > WALK_FROM


# --- the API -----------------------------------------------------------------------------


def count_tracks(session: Session, query: TrackQuery) -> int:
    """How many tracks the query matches (QueryError when it cannot be read)."""
    return session.execute(_matching(query, func.count())).scalar_one()  # type: ignore[no-any-return]


def track_keys(session: Session, query: TrackQuery) -> list[int]:
    """The row keys (rowids) of every matching track, in the query's order: one fast query."""
    statement = _matching(query, ROWID).order_by(*_order(query))
    return list(session.execute(statement).scalars())


def _converter(column: Any) -> Callable[[Any], Any] | None:
    """How to turn the stored value of a row column into what SQLAlchemy would give."""
    if isinstance(column.type, Uuid):
        return lambda value: None if value is None else uuid.UUID(hex=value)
    if isinstance(column.type, UTCDateTime):
        return lambda value: None if value is None else _stored_time(value)
    return None


def _stored_time(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


_ROW_COLUMNS = (*_COLUMNS, Track.is_hidden, Track.tag_text, Track.mood_text)
_ROW_NAMES = tuple(column.key for column in _ROW_COLUMNS)
_ROW_CONVERTERS = tuple(
    (index, converter)
    for index, column in enumerate(_ROW_COLUMNS)
    if (converter := _converter(column)) is not None
)
_ROW_SQL = (
    "SELECT tracks.rowid, "
    + ", ".join(f"{column.table.name}.{column.name}" for column in _ROW_COLUMNS)
    + " FROM tracks LEFT OUTER JOIN track_analysis ON track_analysis.track_id = tracks.id "
    "WHERE tracks.rowid IN ({keys})"
)


class _StoredRow:
    """A row read straight from the driver, looking like a SQLAlchemy row to `tracks._row`."""

    __slots__ = ("_mapping",)

    def __init__(self, mapping: dict[str, Any]) -> None:
        self._mapping = mapping


def rows_for_keys(session: Session, keys: Sequence[int]) -> list[dict[str, Any]]:
    """The rows of these keys, in the order given (keys no longer in the store are left out).

    Rows are shaped like `tracks.track_rows` plus "is_hidden", "tags" and "moods". The page
    the library view asks for is read through the driver, without SQLAlchemy's per-value
    processing, which would cost more than the query itself.
    """
    found: dict[int, dict[str, Any]] = {}
    connection = session.connection()
    for start in range(0, len(keys), 500):
        chunk = [int(key) for key in keys[start : start + 500]]
        sql = _ROW_SQL.format(keys=", ".join("?" * len(chunk)))
        for stored in connection.exec_driver_sql(sql, tuple(chunk)):
            values = list(stored[1:])
            for index, convert in _ROW_CONVERTERS:
                values[index] = convert(values[index])
            mapping = dict(zip(_ROW_NAMES, values, strict=True))
            row = _row(_StoredRow(mapping))
            row["is_hidden"] = bool(mapping["is_hidden"])
            row["tags"] = mapping["tag_text"].split("\n") if mapping["tag_text"] else []
            row["moods"] = mapping["mood_text"].split("\n") if mapping["mood_text"] else []
            found[stored[0]] = row
    return [found[key] for key in keys if key in found]


def find_tracks(
    session: Session, query: TrackQuery, *, limit: int = 200, offset: int = 0
) -> list[dict[str, Any]]:
    """One page of matching tracks as rows (see rows_for_keys), in the query's order."""
    walk = offset + limit < WALK_FROM and _walk_sort_index(session, query)
    statement = _matching(query, ROWID, walk=walk).order_by(*_order(query))
    statement = statement.limit(limit).offset(offset)
    return rows_for_keys(session, list(session.execute(statement).scalars()))
