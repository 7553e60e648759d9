"""Finding tracks with the query language, sorted by any library column, a page at a time.

Queries run on `tracks` alone: effective tempo and key, energy, loudness, tags and moods are
copied there by triggers (migration 0003), and every sort order has an index, so the first page
of a filtered and sorted query on 100,000 tracks takes milliseconds. Text goes through the FTS5
index `tracks_fts`, which also narrows tag and mood filters down before they are checked
exactly. Hidden tracks are left out unless the query names `hidden`.

A page's rowids are found first, the cheapest way for how many tracks match (see
`_keys_sql`): few matches are read and sorted; many are kept while walking the sort order's
index, which stops once the page is full. Then the page's rows are read by rowid. The SQL is
written here directly and run on the driver's connection: building it through SQLAlchemy and
converting every value of a page cost more than the queries themselves.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from museaud.library.query import (
    AllOf,
    AnyOf,
    Flag,
    KeyMatch,
    Not,
    NoValue,
    NumberRange,
    PlayedAgo,
    Query,
    Term,
    TextMatch,
    ValueMatch,
    parse_query,
)
from museaud.library.tracks import ROWS_BY_ROWID_SQL, driver_connection, stored_row

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

WALK_FROM = 2000
"""When more tracks than this pass the text index (or the filters), the first page is found by
walking the sort order's index and keeping the matches, instead of reading and sorting every
match (measured on 100,000 tracks: "love", 6,300 matches by artist, 1.8 against 9 ms; the
other way round for 100 matches, 8.5 against 0.2 ms)."""
SAMPLE = 500
"""How many tracks, spread over the library, tell what share of it a filter matches."""
COMMON = 0.08
"""A filter matching more than this share of the library finds its first page fastest by
walking the sort index and reading rows until the page is full (at most 2,500 rows) ..."""
RARE = 0.02
"""... or more than this share, when the filter's own index does not hold every column it
tests (then collecting the matches reads rows too)."""

_SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("lower(tracks.title)",),
    "artist": (
        "lower(tracks.artist)",
        "lower(tracks.album)",
        "tracks.disc_number",
        "tracks.track_number",
    ),
    "album": ("lower(tracks.album)",),
    "genre": ("lower(tracks.genre)",),
    "year": ("tracks.year",),
    "bpm": ("tracks.effective_bpm",),
    "key": ("tracks.effective_key",),
    "energy": ("tracks.analysis_energy",),
    "loudness": ("tracks.analysis_loudness",),
    "rating": ("tracks.rating",),
    "duration": ("tracks.duration_s",),
    "added": ("tracks.created_at",),
    "play_count": ("tracks.play_count",),
    "last_played": ("tracks.last_played_at",),
    "status": ("tracks.status",),
    "format": ("tracks.file_format",),
}

_NUMBER_COLUMNS = {
    "bpm": "tracks.effective_bpm",
    "rating": "tracks.rating",
    "year": "tracks.year",
    "energy": "tracks.analysis_energy",
    "plays": "tracks.play_count",
    "skips": "tracks.skip_count",
}
_NONE_COLUMNS = {
    "bpm": "tracks.effective_bpm",
    "key": "tracks.effective_key",
    "genre": "tracks.genre",
    "rating": "tracks.rating",
    "year": "tracks.year",
    "energy": "tracks.analysis_energy",
    "tag": "tracks.tag_text",
    "mood": "tracks.mood_text",
    "played": "tracks.last_played_at",
}
_VALUE_COLUMNS = {
    "genre": "lower(tracks.genre)",
    "format": "tracks.file_format",
    "status": "tracks.status",
}
_TAG_COLUMNS = {"tag": "tag_text", "mood": "mood_text"}
_FTS_ROWIDS = "SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?"
_FIRST_TEXT_MATCHES = f"SELECT count(*), json_group_array(rowid) FROM ({_FTS_ROWIDS} LIMIT ?)"


@dataclass(frozen=True)
class TrackQuery:
    """What the library view shows: a query in the query language and a sort order."""

    text: str = ""
    sort: str = "artist"
    descending: bool = False


# --- from query to SQL -------------------------------------------------------------------


@dataclass(frozen=True)
class _Sql:
    """A condition in SQL with its parameters."""

    text: str
    params: tuple[Any, ...] = ()


_TRUE = _Sql("1")


def _all(parts: Sequence[_Sql]) -> _Sql:
    if not parts:
        return _TRUE
    if len(parts) == 1:
        return parts[0]
    return _Sql(
        "(" + " AND ".join(part.text for part in parts) + ")",
        tuple(param for part in parts for param in part.params),
    )


def _fts_expression(match: TextMatch) -> str:
    quoted = [f'"{word}"' for word in match.words]
    body = f'"{" ".join(match.words)}"' if match.phrase else " ".join(f"{q}*" for q in quoted)
    if match.columns is None:
        return body
    return f"{{{' '.join(match.columns)}}} : ({body})"


def _text_of(terms: Sequence[Term]) -> str | None:
    """One FTS expression for all the text terms side by side (one index look-up)."""
    texts = [part for part in terms if isinstance(part, TextMatch)]
    return " ".join(_fts_expression(text) for text in texts) if texts else None


def _tag_narrowing(term: ValueMatch) -> str | None:
    """An FTS expression every track with this tag (or mood) matches, or None when the text
    index cannot tell: its words as a phrase in the tag column, the last one a prefix when the
    tag is given by its start. It matches a few more tracks (other tags with those words), so
    the exact check stays."""
    if not any(char.isalnum() for char in term.value):
        return None
    phrase = '"' + term.value.replace('"', '""') + '"'
    return f"{{{_TAG_COLUMNS[term.field]}}} : {phrase}{'*' if term.prefix else ''}"


def _range(column: str, term: NumberRange, low: float | None, high: float | None) -> _Sql:
    parts = []
    if low is not None:
        parts.append(_Sql(f"{column} {'>' if term.low_open else '>='} ?", (low,)))
    if high is not None:
        parts.append(_Sql(f"{column} {'<' if term.high_open else '<='} ?", (high,)))
    return _all(parts)


def _number_condition(term: NumberRange, beside_genre: bool) -> _Sql:
    column = _NUMBER_COLUMNS[term.field]
    if not term.tempo_multiples or term.low is None or term.high is None:
        return _range(column, term, term.low, term.high)
    # Beside a genre, the genre-first filter index answers the whole query from the index
    # alone; as an OR of three tempo ranges SQLite would look each range up and read every
    # matching row instead. The unary + keeps it from doing that.
    if beside_genre:
        column = "+" + column
    options = [
        _range(column, term, term.low, term.high),
        _range(column, term, term.low / 2, term.high / 2),
        _range(column, term, term.low * 2, term.high * 2),
    ]
    return _Sql(
        "(" + " OR ".join(option.text for option in options) + ")",
        tuple(param for option in options for param in option.params),
    )


def _after(prefix: str) -> str:
    """The smallest string greater than every string starting with prefix."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _value_condition(term: ValueMatch) -> _Sql:
    if term.field in _TAG_COLUMNS:
        # tag_text / mood_text hold the tags one a line: look for the whole line (or its start)
        lines = f"char(10) || lower(tracks.{_TAG_COLUMNS[term.field]})"
        if term.prefix:
            return _Sql(f"instr({lines}, ?) > 0", ("\n" + term.value,))
        return _Sql(f"instr({lines} || char(10), ?) > 0", ("\n" + term.value + "\n",))
    column = _VALUE_COLUMNS[term.field]
    if term.prefix:
        return _Sql(f"({column} >= ? AND {column} < ?)", (term.value, _after(term.value)))
    return _Sql(f"{column} = ?", (term.value,))


def _text_condition(expression: str) -> _Sql:
    return _Sql(f"tracks.rowid IN ({_FTS_ROWIDS})", (expression,))


def _is_genre(term: Term) -> bool:
    return isinstance(term, ValueMatch) and term.field == "genre"


def _condition(term: Term, beside_genre: bool = False) -> _Sql:
    """The SQL condition a term stands for (never NULL once negated)."""
    if isinstance(term, AllOf):
        genre = any(_is_genre(part) for part in term.terms)
        parts = [_condition(part, genre) for part in term.terms if not isinstance(part, TextMatch)]
        expression = _text_of(term.terms)
        if expression is not None:
            parts.insert(0, _text_condition(expression))
        return _all(parts)
    if isinstance(term, AnyOf):
        options = [_condition(part) for part in term.terms]
        return _Sql(
            "(" + " OR ".join(option.text for option in options) + ")",
            tuple(param for option in options for param in option.params),
        )
    if isinstance(term, Not):
        inner = _condition(term.term)
        return _Sql(f"NOT coalesce({inner.text}, 0)", inner.params)
    if isinstance(term, TextMatch):
        return _text_condition(_fts_expression(term))
    if isinstance(term, NumberRange):
        return _number_condition(term, beside_genre)
    if isinstance(term, KeyMatch):
        return _Sql(f"tracks.effective_key IN ({', '.join(map(str, sorted(term.orders)))})")
    if isinstance(term, ValueMatch):
        return _value_condition(term)
    if isinstance(term, Flag):
        if term.name == "fav":
            return _Sql("tracks.is_favorite = 1")
        if term.name == "hidden":
            return _Sql("tracks.is_hidden = 1")
        if term.name == "skipped":
            return _Sql("tracks.skip_count > 0")
        return _Sql("tracks.status = 'missing'")
    if isinstance(term, PlayedAgo):
        # times are stored as "YYYY-MM-DD HH:MM:SS.ffffff" UTC, so they compare with datetime();
        # 'now' is read when the query runs, so a cached plan never goes stale
        ages = [
            _Sql(f"tracks.last_played_at {operator} datetime('now', ?)", (f"-{amount} {unit}",))
            for operator, age in ((">=", term.oldest), ("<", term.newest))
            if age is not None
            for amount, unit in [age]
        ]
        return _all(ages)
    if isinstance(term, NoValue):
        return _Sql(f"{_NONE_COLUMNS[term.field]} IS NULL")
    raise TypeError(f"unknown query term {term!r}")


@dataclass(frozen=True)
class _Plan:
    """A query made SQL once: the text index expression every match must satisfy (None when
    the query has none), the other conditions, and the sort order."""

    narrowing: str | None
    rest: _Sql
    order: str

    def where(self, *, walk: bool = False) -> _Sql:
        """Every condition; walk: look text matches up while walking the sort index."""
        if self.narrowing is None:
            return self.rest
        rowid = "+tracks.rowid" if walk else "tracks.rowid"
        text = _Sql(f"{rowid} IN ({_FTS_ROWIDS})", (self.narrowing,))
        return _all([text, self.rest]) if self.rest is not _TRUE else text


def _plan_of(parsed: Query, sort: str, descending: bool) -> _Plan:
    if sort not in _SORT_COLUMNS:
        raise ValueError(f"cannot sort by {sort!r}; sort by one of: {', '.join(SORT_FIELDS)}")
    root = parsed.root
    terms: tuple[Term, ...] = (
        root.terms if isinstance(root, AllOf) else () if root is None else (root,)
    )
    genre = any(_is_genre(term) for term in terms)
    rest = [_condition(term, genre) for term in terms if not isinstance(term, TextMatch)]
    if not parsed.names_hidden:
        rest.append(_Sql("tracks.is_hidden = 0"))
    narrowing = [
        expression
        for term in terms
        if isinstance(term, ValueMatch)
        and term.field in _TAG_COLUMNS
        and (expression := _tag_narrowing(term)) is not None
    ]
    text = _text_of(terms)
    if text is not None:
        narrowing.insert(0, text)
    direction = " DESC" if descending else ""
    order = ", ".join(f"{column}{direction}" for column in (*_SORT_COLUMNS[sort], "tracks.rowid"))
    return _Plan(
        " AND ".join(f"({part})" for part in narrowing) if narrowing else None, _all(rest), order
    )


@functools.lru_cache(maxsize=256)
def _plan(query: TrackQuery) -> _Plan:
    """The query's plan (QueryError when it cannot be read; made once per query)."""
    return _plan_of(parse_query(query.text), query.sort, query.descending)


_PLANS: dict[str, list[str]] = {}


def _plan_details(connection: Any, sql: str, params: tuple[Any, ...]) -> list[str]:
    """How SQLite would run a statement (EXPLAIN QUERY PLAN); asked once per statement."""
    details = _PLANS.get(sql)
    if details is None:
        details = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
        if len(_PLANS) > 1000:
            _PLANS.clear()
        _PLANS[sql] = details
    return details


def _sorts_every_match(connection: Any, sql: str, params: tuple[Any, ...]) -> bool:
    """Whether SQLite would read and sort every match (rather than walk the sort index)."""
    return "USE TEMP B-TREE FOR ORDER BY" in _plan_details(connection, sql, params)


def _from_index_alone(connection: Any, sql: str, params: tuple[Any, ...]) -> bool:
    """Whether SQLite finds a statement's rows without reading the table's rows."""
    lookups = [
        detail
        for detail in _plan_details(connection, sql, params)
        if detail.startswith(("SEARCH tracks", "SCAN tracks"))
    ]
    return all("COVERING INDEX" in detail for detail in lookups)


@functools.lru_cache(maxsize=8)
def _sample(last: int) -> tuple[str, int]:
    """SAMPLE rowids spread evenly over 1..last, as a JSON list, and how many."""
    step = max(1, last // SAMPLE)
    picks = range(1 + step // 2, last + 1, step)
    return json.dumps(list(picks)), len(picks)


def _estimate(connection: Any, where: _Sql) -> tuple[float, float]:
    """About what share of the tracks match, and how many, from SAMPLE tracks spread over
    the library (each read from its row: a fraction of a millisecond)."""
    (last,) = connection.execute("SELECT max(rowid) FROM tracks").fetchone()
    if not last:
        return 0.0, 0.0
    picks, picked = _sample(last)
    sql = (
        f"SELECT count(*), total(coalesce({where.text}, 0)) FROM tracks "
        "WHERE tracks.rowid IN (SELECT value FROM json_each(?))"
    )
    seen, hits = connection.execute(sql, (*where.params, picks)).fetchone()
    if not seen:
        return 0.0, 0.0
    share = hits / seen
    return share, share * last * seen / picked


def _keys_sql(
    connection: Any, plan: _Plan, limit: int | None, offset: int
) -> tuple[str, tuple[Any, ...], bool]:
    """The fastest way to the matches' rowids in order, chosen from how many there are, and
    whether it walks the sort order's index."""
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    if plan.narrowing is not None:
        (found, listed) = connection.execute(
            _FIRST_TEXT_MATCHES, (plan.narrowing, WALK_FROM + 1)
        ).fetchone()
        if found > WALK_FROM:  # common words: keep them while walking the sort index
            where = plan.where(walk=True)
            sql = f"SELECT tracks.rowid FROM tracks WHERE {where.text} ORDER BY {plan.order}{page}"
            return sql, where.params, True
        # few: read and sort those, without asking the text index again
        sql = (
            "SELECT tracks.rowid FROM tracks WHERE tracks.rowid IN "
            f"(SELECT value FROM json_each(?)) AND {plan.rest.text} ORDER BY {plan.order}{page}"
        )
        return sql, (listed, *plan.rest.params), False
    where = plan.rest
    sql = f"SELECT tracks.rowid FROM tracks WHERE {where.text} ORDER BY {plan.order}{page}"
    if limit is None or not _sorts_every_match(connection, sql, where.params):
        return sql, where.params, False
    # SQLite would look the matches up through a filter index and sort them all
    share, matches = _estimate(connection, where)
    if matches <= WALK_FROM:
        return sql, where.params, False
    matching = f"SELECT tracks.rowid FROM tracks WHERE {where.text}"
    cheap = _from_index_alone(connection, matching, where.params)
    if share >= (COMMON if cheap else RARE):
        # walk the sort index, reading rows until the page is full
        checking = f"SELECT tracks.rowid FROM tracks WHERE +({where.text}) ORDER BY {plan.order}"
        return f"{checking}{page}", where.params, True
    # collect the matches (from the filter index alone, when it covers the filters) and keep
    # them while walking the sort index
    walking = f"SELECT tracks.rowid FROM tracks WHERE +tracks.rowid IN ({matching}) "
    return f"{walking}ORDER BY {plan.order}{page}", where.params, True


def _walk_sort_index(session: Session, query: TrackQuery) -> bool:
    """Whether the first page of this query is found by walking the sort order's index."""
    return _keys_sql(driver_connection(session), _plan(query), 200, 0)[2]


# --- the API -----------------------------------------------------------------------------


def count_tracks(session: Session, query: TrackQuery) -> int:
    """How many tracks the query matches (QueryError when it cannot be read)."""
    where = _plan(TrackQuery(query.text)).where()  # any sort order counts the same
    sql = f"SELECT count(*) FROM tracks WHERE {where.text}"
    return int(driver_connection(session).execute(sql, where.params).fetchone()[0])


def track_keys(session: Session, query: TrackQuery) -> list[int]:
    """The row keys (rowids) of every matching track, in the query's order: one fast query."""
    plan = _plan(query)
    connection = driver_connection(session)
    sql, params, _ = _keys_sql(connection, plan, None, 0)
    return [row[0] for row in connection.execute(sql, params)]


def rows_for_keys(session: Session, keys: Sequence[int]) -> list[dict[str, Any]]:
    """The rows of these keys, in the order given (keys no longer in the store are left out).

    Rows are `tracks.stored_row`'s, the shape every track row has.
    """
    if not keys:
        return []
    wanted = json.dumps([int(key) for key in keys])
    found = dict(map(stored_row, driver_connection(session).execute(ROWS_BY_ROWID_SQL, (wanted,))))
    return [found[key] for key in keys if key in found]


def key_of_track(session: Session, track_id: uuid.UUID) -> int | None:
    """The row key (rowid) of a track, so a view can find its row among track_keys."""
    found = (
        driver_connection(session)
        .execute("SELECT rowid FROM tracks WHERE id = ?", (track_id.hex,))
        .fetchone()
    )
    return None if found is None else int(found[0])


def find_tracks(
    session: Session, query: TrackQuery, *, limit: int = 200, offset: int = 0
) -> list[dict[str, Any]]:
    """One page of matching tracks as rows (see rows_for_keys), in the query's order."""
    plan = _plan(query)
    connection = driver_connection(session)
    if offset + limit > WALK_FROM:  # deep pages: walking the index that far costs more
        where = plan.where()
        sql = (
            f"SELECT tracks.rowid FROM tracks WHERE {where.text} ORDER BY {plan.order} "
            f"LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        params = where.params
    else:
        sql, params, _ = _keys_sql(connection, plan, limit, offset)
    return rows_for_keys(session, [row[0] for row in connection.execute(sql, params)])
