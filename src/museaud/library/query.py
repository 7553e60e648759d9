"""The library's query language, shared by the search box and `museaud tracks QUERY`.

Words search the text of tracks (title, artist, album, genre, comment, notes, tags, moods), each
word as a prefix, "quoted words" as a phrase. `field:value` filters: `bpm:120-128` (also at half
and double tempo unless written `bpm:=120-128`), `key:Am`, `key:8A`, `key:~Am` (keys that mix
with A minor), `genre:house`, `tag:vocal`, `rating:>=4`, `year:1990s`, `fav`, `missing`,
`plays:>10`, `played:<30d`, `skipped` ... (see FIELDS). Terms must all match; `OR` between
terms matches either, `-` leaves out what follows, and parentheses group. A query that cannot
be read raises QueryError pointing at the bad part.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from museaud.music.keys import Key, are_neighbours, camelot_order
from museaud.store.models.library import FILE_FORMATS, TRACK_STATUSES

FIELDS: dict[str, str] = {
    "bpm": "tempo: bpm:128, bpm:120-128, bpm:>=140; half/double tempo too unless bpm:=120-128",
    "key": "key: key:Am, key:F#, key:8A (Camelot); key:~Am for keys that mix with it",
    "genre": 'genre, whole name: genre:house, genre:"deep house", genre:tech* (starts with)',
    "mood": "a mood: mood:uplifting; mood:none for tracks without one",
    "tag": "a tag: tag:vocal, tag:peak*; tag:none for untagged tracks",
    "rating": "stars 1-5: rating:5, rating:>=4, rating:2-3, rating:none",
    "fav": "favourites only (no value); -fav leaves them out",
    "year": "year: year:1994, year:1990-1999, year:1990s, year:>=2010",
    "missing": "tracks whose file is gone (no value)",
    "hidden": "hidden tracks (no value); they are left out unless the query names hidden",
    "artist": 'words in the artist: artist:daft, artist:"daft punk"',
    "title": "words in the title: title:love",
    "album": "words in the album: album:discovery",
    "comment": "words in the comment or notes: comment:promo",
    "energy": "energy 0-1: energy:>=0.7, energy:0.4-0.6",
    "plays": "times played: plays:>10, plays:0",
    "played": "last played: played:<30d (within 30 days), played:>1y; d w m y; played:none",
    "skips": "times skipped: skips:>=3",
    "skipped": "tracks skipped at least once (no value)",
    "format": f"file format: {', '.join(FILE_FORMATS)}",
    "status": f"import status: {', '.join(TRACK_STATUSES)}",
}
"""Every field of the query language, with a one-line help (the search box completes them)."""

FLAGS = ("fav", "missing", "hidden", "skipped")
FLAG_WORDS = {
    "fav": "fav",
    "favorite": "fav",
    "favourite": "fav",
    "missing": "missing",
    "hidden": "hidden",
    "skipped": "skipped",
}
"""Bare words that are flags, not text (quote them to search the text: "hidden")."""
TEXT_COLUMNS = {
    "artist": ("artist",),
    "title": ("title",),
    "album": ("album",),
    "comment": ("comment", "notes"),
}
NUMBER_LIMITS = {
    "bpm": (20.0, 400.0),
    "rating": (1.0, 5.0),
    "year": (1000.0, 9999.0),
    "energy": (0.0, 1.0),
    "plays": (0.0, 1e9),
    "skips": (0.0, 1e9),
}
NONE_FIELDS = ("bpm", "key", "genre", "mood", "tag", "rating", "year", "energy", "played")
AGE_UNITS = {"d": ("days", 1), "w": ("days", 7), "m": ("months", 1), "y": ("years", 1)}
"""played: units as (SQLite date modifier, how many of it)."""
_EXAMPLES = {
    "bpm": "bpm:120-128",
    "key": "key:Am",
    "genre": "genre:house",
    "mood": "mood:uplifting",
    "tag": "tag:vocal",
    "rating": "rating:>=4",
    "year": "year:1990-1999",
    "artist": "artist:daft",
    "title": "title:love",
    "album": "album:discovery",
    "comment": "comment:promo",
    "energy": "energy:>=0.7",
    "format": "format:flac",
    "status": "status:ok",
    "plays": "plays:>10",
    "played": "played:<30d",
    "skips": "skips:>=3",
}


class QueryError(ValueError):
    """A query that cannot be read: the message names the bad part, start/end locate it."""

    def __init__(self, message: str, query: str, start: int, end: int) -> None:
        super().__init__(message)
        self.query = query
        self.start = max(0, min(start, len(query)))
        self.end = max(self.start, min(end, len(query)))

    def pointer(self) -> str:
        """The query and, under it, carets marking the bad part."""
        width = max(1, self.end - self.start)
        return f"{self.query}\n{' ' * self.start}{'^' * width}"


# --- what a query means ------------------------------------------------------------------


@dataclass(frozen=True)
class TextMatch:
    """Words to find in the text index: each a prefix, or a phrase when quoted."""

    words: tuple[str, ...]
    phrase: bool
    columns: tuple[str, ...] | None = None  # None: every indexed column


@dataclass(frozen=True)
class NumberRange:
    """A number field within [low, high] (either end open when None; `high_open` excludes high).

    `tempo_multiples` also accepts the range at half and at double tempo (bpm only).
    """

    field: str
    low: float | None
    high: float | None
    high_open: bool = False
    low_open: bool = False
    tempo_multiples: bool = False


@dataclass(frozen=True)
class KeyMatch:
    """Tracks whose effective key is one of these (Camelot orders 0-23, see
    `museaud.music.keys.camelot_order`)."""

    orders: frozenset[int]


@dataclass(frozen=True)
class ValueMatch:
    """A field equal to value, ignoring case (or starting with it when prefix)."""

    field: str
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class Flag:
    """fav, missing or hidden."""

    name: str


@dataclass(frozen=True)
class NoValue:
    """A field with nothing in it: no tempo, no key, no tags ..."""

    field: str


@dataclass(frozen=True)
class PlayedAgo:
    """Last played between `newest` and `oldest` ago (either end open when None), each an
    amount and a unit: days, months or years (a week is 7 days)."""

    newest: tuple[int, str] | None
    oldest: tuple[int, str] | None


@dataclass(frozen=True)
class Not:
    """Everything the term does not match."""

    term: Term


@dataclass(frozen=True)
class AllOf:
    """Every term matches."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one term matches."""

    terms: tuple[Term, ...]


Term = (
    TextMatch
    | NumberRange
    | KeyMatch
    | ValueMatch
    | Flag
    | NoValue
    | PlayedAgo
    | Not
    | AllOf
    | AnyOf
)


@dataclass(frozen=True)
class Query:
    """A parsed query: its text, its meaning (None: every track) and whether it names `hidden`."""

    text: str
    root: Term | None
    names_hidden: bool


ALL_KEYS = tuple(Key(note, scale) for scale in ("minor", "major") for note in range(12))


# --- reading the text --------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # word, quoted, field, open, close, or, not
    text: str  # the word, the phrase, or the field's value
    start: int
    end: int
    field: str = ""
    value_start: int = 0
    value_quoted: bool = False


_WORD = re.compile(r"\w+", re.UNICODE)
_BREAK = " \t\r\n()"


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The text between the quote at start and the next quote, and the index after it."""
    close = text.find('"', start + 1)
    if close < 0:
        raise QueryError('unclosed quote: add a closing "', text, start, len(text))
    return text[start + 1 : close], close + 1


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char in "()":
            tokens.append(_Token("open" if char == "(" else "close", char, index, index + 1))
            index += 1
        elif char == '"':
            phrase, end = _read_quoted(text, index)
            tokens.append(_Token("quoted", phrase, index, end))
            index = end
        elif char == "-" and (index + 1 == len(text) or text[index + 1] in " \t\r\n)"):
            raise QueryError(
                "- needs what to leave out right after it, e.g. -tag:vocal", text, index, index + 1
            )
        elif char == "-":
            tokens.append(_Token("not", "-", index, index + 1))
            index += 1
        else:
            tokens.append(_word_token(text, index))
            index = tokens[-1].end
    return tokens


def _word_token(text: str, start: int) -> _Token:
    end = start
    while end < len(text) and text[end] not in _BREAK and text[end] not in ':"':
        end += 1
    word = text[start:end]
    if end < len(text) and text[end] == ":":
        value_start = end + 1
        if value_start < len(text) and text[value_start] == '"':
            value, stop = _read_quoted(text, value_start)
            return _Token("field", value, start, stop, word.lower(), value_start, True)
        stop = value_start
        while stop < len(text) and text[stop] not in _BREAK:
            stop += 1
        return _Token("field", text[value_start:stop], start, stop, word.lower(), value_start)
    if word == "OR":
        return _Token("or", word, start, end)
    return _Token("word", word, start, end)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.position = 0
        self.names_hidden = False

    def error(self, message: str, start: int, end: int) -> QueryError:
        return QueryError(message, self.text, start, end)

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Term | None:
        term = self.either(top=True)
        token = self.peek()
        if token is not None:  # only a stray ')' stops the top level early
            raise self.error('unmatched ")": no "(" before it', token.start, token.end)
        return term

    def either(self, *, top: bool = False) -> Term | None:
        """Terms joined by OR."""
        first = self.peek()
        if first is not None and first.kind == "or":
            raise self.error("OR needs a search term on each side", first.start, first.end)
        options = [self.every()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            following = self.peek()
            if following is None or following.kind in ("or", "close"):
                raise self.error("OR needs a search term on each side", token.start, token.end)
            options.append(self.every())
        kept = [option for option in options if option is not None]  # "&" searches nothing
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else AnyOf(tuple(kept))

    def every(self) -> Term | None:
        """Terms side by side: all must match."""
        terms: list[Term] = []
        while (token := self.peek()) is not None and token.kind not in ("or", "close"):
            term = self.unary()
            if term is not None:
                terms.append(term)
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else AllOf(tuple(terms))

    def unary(self) -> Term | None:
        token = self.take()
        if token.kind == "not":
            following = self.peek()
            if following is None or following.kind in ("or", "close", "not"):
                raise self.error(
                    "- needs what to leave out right after it, e.g. -tag:vocal",
                    token.start,
                    token.end,
                )
            term = self.unary()
            return None if term is None else Not(term)
        if token.kind == "open":
            term = self.either()
            closing = self.peek()
            if closing is None or closing.kind != "close":
                raise self.error('unclosed "(": add a closing )', token.start, token.end)
            self.take()
            if term is None:
                raise self.error("nothing to search for between ( and )", token.start, closing.end)
            return term
        if token.kind == "quoted":
            words = tuple(_WORD.findall(token.text))
            return TextMatch(words, phrase=True) if words else None
        if token.kind == "field":
            return self.field(token)
        flag = FLAG_WORDS.get(token.text.lower())
        if flag is not None:
            self.names_hidden |= flag == "hidden"
            return Flag(flag)
        words = tuple(_WORD.findall(token.text))
        return TextMatch(words, phrase=False) if words else None

    def field(self, token: _Token) -> Term:
        name = token.field
        name = FLAG_WORDS.get(name, name)
        field_end = token.start + len(token.field)
        if name not in FIELDS:
            raise self.error(
                f'unknown field "{token.field}"; fields are {", ".join(FIELDS)}',
                token.start,
                field_end,
            )
        value = token.text.strip()
        span = (token.value_start, token.end)
        if name in FLAGS:
            raise self.error(
                f"{name} takes no value: write {name} or -{name}", token.start, token.end
            )
        if not value:
            raise self.error(
                f"{name}: needs a value, e.g. {_EXAMPLES[name]}", token.start, token.end
            )
        if value.lower() == "none" and not token.value_quoted and name in NONE_FIELDS:
            return NoValue(name)
        if name in TEXT_COLUMNS:
            words = tuple(_WORD.findall(value))
            if not words:
                raise self.error(f"{name}:{value} has no letters or digits to search for", *span)
            return TextMatch(words, phrase=token.value_quoted, columns=TEXT_COLUMNS[name])
        if name == "key":
            return self.key(value, span)
        if name == "played":
            return self.played(value, span)
        if name in NUMBER_LIMITS:
            return self.number(name, value, span)
        prefix = value.endswith("*") and not token.value_quoted
        bare = value[:-1] if prefix else value
        if not bare:
            raise self.error(f"{name}:* needs letters before the *, e.g. {name}:ho*", *span)
        if name == "format" and bare.lower() not in FILE_FORMATS and not prefix:
            raise self.error(
                f"{bare} is not a file format; formats are {', '.join(FILE_FORMATS)}", *span
            )
        if name == "status" and bare.lower() not in TRACK_STATUSES and not prefix:
            raise self.error(
                f"{bare} is not a status; statuses are {', '.join(TRACK_STATUSES)}", *span
            )
        return ValueMatch(name, bare.lower(), prefix)

    def key(self, value: str, span: tuple[int, int]) -> KeyMatch:
        compatible = value.startswith("~")
        name = value[1:] if compatible else value
        try:
            key = Key.parse(name)
        except ValueError:
            raise self.error(
                f"{name or value} is not a key; write it like key:Am, key:F#, key:Bbm or key:8A",
                *span,
            ) from None
        keys = [other for other in ALL_KEYS if are_neighbours(key, other)] if compatible else [key]
        return KeyMatch(frozenset(camelot_order(other) for other in keys))

    def played(self, value: str, span: tuple[int, int]) -> PlayedAgo:
        age = r"([0-9]{1,5})\s*([dwmy])"
        comparison = re.fullmatch(rf"(>=|<=|>|<)?\s*{age}", value.lower())
        between = re.fullmatch(rf"{age}\s*-\s*{age}", value.lower())
        if comparison is not None:
            operator, amount, unit = comparison.groups()
            when = _age(amount, unit)
            return PlayedAgo(when, None) if operator in (">", ">=") else PlayedAgo(None, when)
        if between is not None:
            low, low_unit, high, high_unit = between.groups()
            return PlayedAgo(_age(low, low_unit), _age(high, high_unit))
        raise self.error(
            f"played:{value} is not an age: write played:<30d (within 30 days), played:>1y, "
            "played:1w-4w (d days, w weeks, m months, y years) or played:none",
            *span,
        )

    def number(self, name: str, value: str, span: tuple[int, int]) -> NumberRange:
        exact = value.startswith("=")
        body = value[1:] if exact else value
        comparison = re.fullmatch(r"(>=|<=|>|<)\s*([0-9]*\.?[0-9]+)", body)
        decade = re.fullmatch(r"([0-9]{3})0s", body) if name == "year" else None
        between = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*-\s*([0-9]*\.?[0-9]+)", body)
        single = re.fullmatch(r"[0-9]*\.?[0-9]+", body)
        if comparison is not None and not exact:
            operator, number = comparison.group(1), float(comparison.group(2))
            self.within(name, value, number, number, span)
            return NumberRange(
                name,
                number if operator.startswith(">") else None,
                number if operator.startswith("<") else None,
                high_open=operator == "<",
                low_open=operator == ">",
            )
        if decade is not None:
            start_year = float(decade.group(1)) * 10
            self.within(name, value, start_year, start_year + 9, span)
            return NumberRange(name, start_year, start_year + 9)
        if between is not None:
            low, high = float(between.group(1)), float(between.group(2))
            if low > high:
                raise self.error(
                    f"{name}:{value} runs backwards: write the low end first "
                    f"({name}:{between.group(2)}-{between.group(1)})",
                    *span,
                )
            self.within(name, value, low, high, span)
            if name == "bpm":
                return NumberRange(name, low, high, tempo_multiples=not exact)
            return NumberRange(name, low, high)
        if single is not None:
            number = float(body)
            self.within(name, value, number, number, span)
            if name == "bpm":  # a tempo as typed covers what rounds to it
                return NumberRange(
                    name, number - 0.5, number + 0.5, high_open=True, tempo_multiples=not exact
                )
            return NumberRange(name, number, number)
        raise self.error(
            f"{name}:{value} is not a number, range or comparison (e.g. {_EXAMPLES[name]})", *span
        )

    def within(self, name: str, value: str, low: float, high: float, span: tuple[int, int]) -> None:
        low_limit, high_limit = NUMBER_LIMITS[name]
        if not math.isfinite(low) or low < low_limit or high > high_limit:
            shown = f"{low_limit:g}-{high_limit:g}"
            raise self.error(f"{name}:{value} is out of range: {name} runs {shown}", *span)


def _age(amount: str, unit: str) -> tuple[int, str]:
    name, times = AGE_UNITS[unit]
    return int(amount) * times, name


def parse_query(text: str) -> Query:
    """Read a query; raise QueryError (with the bad part's span) when it cannot be read."""
    parser = _Parser(text)
    root = parser.parse()
    return Query(text, root, parser.names_hidden)
