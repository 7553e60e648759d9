"""The query language: what each operator means, and each error pointing at the bad part."""

from __future__ import annotations

import pytest

from museaud.library.query import (
    FIELDS,
    AllOf,
    AnyOf,
    Flag,
    KeyMatch,
    Not,
    NoValue,
    NumberRange,
    QueryError,
    TextMatch,
    ValueMatch,
    parse_query,
)
from museaud.music.keys import Key, camelot_order


def orders(*names: str) -> frozenset[int]:
    return frozenset(camelot_order(Key.parse(name)) for name in names)


def test_fields_cover_the_issue_and_have_help() -> None:
    required = "bpm key genre mood tag rating fav year missing hidden artist title album energy"
    assert set(required.split()) | {"format", "status"} <= set(FIELDS)
    assert all(help_text and "\n" not in help_text for help_text in FIELDS.values())


def test_empty_query_matches_everything() -> None:
    for text in ("", "   ", "&"):
        query = parse_query(text)
        assert query.root is None and not query.names_hidden


def test_words_are_prefixes_and_quotes_make_a_phrase() -> None:
    assert parse_query("love").root == TextMatch(("love",), phrase=False)
    assert parse_query('"deep love"').root == TextMatch(("deep", "love"), phrase=True)
    assert parse_query("drum&bass").root == TextMatch(("drum", "bass"), phrase=False)


def test_terms_side_by_side_must_all_match() -> None:
    query = parse_query("night genre:house")
    assert query.root == AllOf((TextMatch(("night",), phrase=False), ValueMatch("genre", "house")))


def test_text_fields_search_their_columns() -> None:
    assert parse_query("artist:daft").root == TextMatch(("daft",), False, ("artist",))
    assert parse_query('artist:"daft punk"').root == TextMatch(("daft", "punk"), True, ("artist",))
    assert parse_query("title:love").root == TextMatch(("love",), False, ("title",))
    assert parse_query("album:disco").root == TextMatch(("disco",), False, ("album",))
    assert parse_query("comment:promo").root == TextMatch(("promo",), False, ("comment", "notes"))


def test_bpm_covers_half_and_double_tempo_unless_exact() -> None:
    assert parse_query("bpm:120-128").root == NumberRange("bpm", 120, 128, tempo_multiples=True)
    assert parse_query("bpm:=120-128").root == NumberRange("bpm", 120, 128)
    assert parse_query("bpm:128").root == NumberRange(
        "bpm", 127.5, 128.5, high_open=True, tempo_multiples=True
    )
    assert parse_query("bpm:=128").root == NumberRange("bpm", 127.5, 128.5, high_open=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bpm:>=140", NumberRange("bpm", 140, None)),
        ("bpm:>140", NumberRange("bpm", 140, None, low_open=True)),
        ("bpm:<90", NumberRange("bpm", None, 90, high_open=True)),
        ("bpm:<=90", NumberRange("bpm", None, 90)),
        ("rating:5", NumberRange("rating", 5, 5)),
        ("rating:>=4", NumberRange("rating", 4, None)),
        ("rating:2-3", NumberRange("rating", 2, 3)),
        ("year:1994", NumberRange("year", 1994, 1994)),
        ("year:1990-1999", NumberRange("year", 1990, 1999)),
        ("year:1990s", NumberRange("year", 1990, 1999)),
        ("year:>=2010", NumberRange("year", 2010, None)),
        ("energy:>=0.7", NumberRange("energy", 0.7, None)),
        ("energy:0.4-0.6", NumberRange("energy", 0.4, 0.6)),
    ],
)
def test_number_fields_take_numbers_ranges_and_comparisons(
    text: str, expected: NumberRange
) -> None:
    assert parse_query(text).root == expected


def test_keys_by_name_by_camelot_and_compatible() -> None:
    assert parse_query("key:Am").root == KeyMatch(orders("Am"))
    assert parse_query("key:8A").root == KeyMatch(orders("Am"))
    assert parse_query("key:F#").root == KeyMatch(orders("F#"))
    assert parse_query('key:"Bb minor"').root == KeyMatch(orders("Bbm"))
    # A minor mixes with itself, C major (relative), D minor and E minor (a fifth away)
    assert parse_query("key:~Am").root == KeyMatch(orders("Am", "C", "Dm", "Em"))
    assert parse_query("key:~8B").root == KeyMatch(orders("C", "Am", "F", "G"))


def test_values_fields_ignore_case_and_take_a_trailing_star() -> None:
    assert parse_query("genre:House").root == ValueMatch("genre", "house")
    assert parse_query('genre:"Deep House"').root == ValueMatch("genre", "deep house")
    assert parse_query("genre:tech*").root == ValueMatch("genre", "tech", prefix=True)
    assert parse_query("tag:Vocal").root == ValueMatch("tag", "vocal")
    assert parse_query("mood:uplift*").root == ValueMatch("mood", "uplift", prefix=True)
    assert parse_query("format:FLAC").root == ValueMatch("format", "flac")
    assert parse_query("status:missing").root == ValueMatch("status", "missing")


def test_none_means_no_value() -> None:
    for field in ("bpm", "key", "genre", "mood", "tag", "rating", "year", "energy"):
        assert parse_query(f"{field}:none").root == NoValue(field)
    assert parse_query('genre:"none"').root == ValueMatch("genre", "none")  # quoted: the word


def test_flags_and_their_spellings() -> None:
    assert parse_query("fav").root == Flag("fav")
    assert parse_query("favourite").root == Flag("fav")
    assert parse_query("MISSING").root == Flag("missing")
    assert parse_query('"missing"').root == TextMatch(("missing",), phrase=True)


def test_hidden_is_named_anywhere_in_the_query() -> None:
    assert parse_query("hidden").names_hidden
    assert parse_query("house OR -hidden").names_hidden
    assert not parse_query("house").names_hidden


def test_minus_negates_and_or_binds_looser_than_and() -> None:
    assert parse_query("-tag:vocal").root == Not(ValueMatch("tag", "vocal"))
    assert parse_query('-"deep love"').root == Not(TextMatch(("deep", "love"), phrase=True))
    assert parse_query("a b OR c").root == AnyOf(
        (
            AllOf((TextMatch(("a",), False), TextMatch(("b",), False))),
            TextMatch(("c",), False),
        )
    )
    assert parse_query("a (b OR c)").root == AllOf(
        (TextMatch(("a",), False), AnyOf((TextMatch(("b",), False), TextMatch(("c",), False))))
    )
    assert parse_query("-(fav OR rating:5)").root == Not(
        AnyOf((Flag("fav"), NumberRange("rating", 5, 5)))
    )
    assert parse_query("a or b").root == AllOf(
        tuple(TextMatch((word,), False) for word in ("a", "or", "b"))
    )  # only upper-case OR is the operator


@pytest.mark.parametrize(
    ("text", "message", "bad"),
    [
        ("house foo:1", 'unknown field "foo"; fields are bpm, key', "foo"),
        ("bpm:", "bpm: needs a value, e.g. bpm:120-128", "bpm:"),
        ("bpm:fast", "bpm:fast is not a number, range or comparison (e.g. bpm:120-128)", "fast"),
        ("bpm:~120", "bpm:~120 is not a number, range or comparison", "~120"),
        (
            "bpm:128-120",
            "bpm:128-120 runs backwards: write the low end first (bpm:120-128)",
            "128-120",
        ),
        ("bpm:500", "bpm:500 is out of range: bpm runs 20-400", "500"),
        ("rating:7", "rating:7 is out of range: rating runs 1-5", "7"),
        ("rating:0", "rating:0 is out of range: rating runs 1-5", "0"),
        ("year:99", "year:99 is out of range: year runs 1000-9999", "99"),
        ("energy:>2", "energy:>2 is out of range: energy runs 0-1", ">2"),
        ("key:H", "H is not a key; write it like key:Am, key:F#, key:Bbm or key:8A", "H"),
        ("key:~13A", "13A is not a key", "~13A"),
        ("format:mp4", "mp4 is not a file format; formats are wav, aiff", "mp4"),
        ("status:gone", "gone is not a status; statuses are pending, ok, error, missing", "gone"),
        ("genre:*", "genre:* needs letters before the *, e.g. genre:ho*", "*"),
        ("artist:!!", "artist:!! has no letters or digits to search for", "!!"),
        ("fav:yes", "fav takes no value: write fav or -fav", "fav:yes"),
        ("hidden:1", "hidden takes no value: write hidden or -hidden", "hidden:1"),
        ('title:"open', 'unclosed quote: add a closing "', '"open'),
        ('love "open', 'unclosed quote: add a closing "', '"open'),
        ("OR house", "OR needs a search term on each side", "OR"),
        ("house OR", "OR needs a search term on each side", "OR"),
        ("house OR OR techno", "OR needs a search term on each side", "OR"),
        ("house -", "- needs what to leave out right after it, e.g. -tag:vocal", "-"),
        ("house - techno", "- needs what to leave out right after it", "-"),
        ("(house", 'unclosed "(": add a closing )', "("),
        ("house)", 'unmatched ")": no "(" before it', ")"),
        ("house ()", "nothing to search for between ( and )", "()"),
    ],
)
def test_errors_name_and_point_at_the_bad_part(text: str, message: str, bad: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    error = caught.value
    assert str(error).startswith(message)
    assert "\n" not in str(error)
    assert (error.query, text[error.start : error.end]) == (text, bad)
    first, second = error.pointer().split("\n")
    assert first == text
    assert second == " " * error.start + "^" * (error.end - error.start)


def test_the_first_of_several_errors_is_reported() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("bpm:x rating:9")
    assert caught.value.start == 4
