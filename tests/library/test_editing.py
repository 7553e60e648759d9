"""Editing tracks: every edit, refused edits that leave the store as it was, multi-track edits
that are all or nothing, and edits that survive closing and reopening the app."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.support.tracks import add_track

from museaud.app import App
from museaud.library.editing import (
    MANUAL_ALGORITHM,
    MANUAL_VERSION,
    Creator,
    EditError,
    Instrument,
    Sample,
    TrackEdit,
    TrackNotFoundError,
    credit_tracks,
    edit_tracks,
    set_creators,
    set_instruments,
    set_samples,
)
from museaud.library.records import load_stored_files
from museaud.library.tracks import track_row
from museaud.paths import Paths
from museaud.store import text as text_search
from museaud.store.models.library import (
    Track,
    TrackAnalysis,
    TrackCreator,
    TrackInstrument,
    TrackSample,
    TrackTag,
)


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Everything edits can touch, to compare before and after a refused edit."""
    tables = {
        "tracks": "SELECT id, rating, is_favorite, is_hidden, notes, genre, updated_at FROM tracks",
        "track_tags": "SELECT track_id, kind, tag FROM track_tags",
        "track_analysis": "SELECT * FROM track_analysis",
        "track_creators": "SELECT track_id, creator_name, role, split_percentage "
        "FROM track_creators",
        "track_instruments": "SELECT * FROM track_instruments",
        "track_samples": "SELECT * FROM track_samples",
    }
    return {
        name: sorted((tuple(row) for row in session.execute(text(sql))), key=repr)
        for name, sql in tables.items()
    }


def tags_of(session: Session, track_id: uuid.UUID, kind: str = "tag") -> list[str]:
    return sorted(
        session.scalars(
            select(TrackTag.tag).where(TrackTag.track_id == track_id, TrackTag.kind == kind)
        )
    )


def analysis(session: Session, track_id: uuid.UUID) -> TrackAnalysis | None:
    return session.scalar(
        select(TrackAnalysis)
        .where(TrackAnalysis.track_id == track_id)
        .execution_options(populate_existing=True)
    )


@pytest.fixture
def tracks(app: App) -> list[uuid.UUID]:
    """Three tracks: two analysed (one with a key), one never analysed."""
    with app.session() as session:
        return [
            add_track(session, "Deep Night", bpm=124.0, key=(9, "minor"), genre="House"),
            add_track(session, "Warehouse", artist="Other Crew", bpm=131.5),
            add_track(session, "Demo Take", artist="Other Crew"),
        ]


def test_rating_is_set_changed_and_cleared(app: App, tracks: list[uuid.UUID]) -> None:
    with app.session() as session:
        assert edit_tracks(session, tracks[:2], TrackEdit(rating=4)) == 2
    with app.session() as session:
        assert [session.get(Track, t).rating for t in tracks] == [4, 4, None]  # type: ignore[union-attr]
        edit_tracks(session, tracks[:1], TrackEdit(rating=None))
        edit_tracks(session, tracks[1:2], TrackEdit(rating=5))
    with app.session() as session:
        assert [track_row(session, t)["rating"] for t in tracks] == [None, 5, None]  # type: ignore[index]


@pytest.mark.parametrize(
    ("rating", "message"),
    [(0, "not 0"), (6, "not 6"), (True, "not True"), ("5", "not '5'"), (4.5, "not 4.5")],
)
def test_a_rating_outside_one_to_five_stars_is_refused(
    app: App, tracks: list[uuid.UUID], rating: Any, message: str
) -> None:
    with app.session() as session:
        edit_tracks(session, tracks, TrackEdit(rating=3))
        before = snapshot(session)
        with pytest.raises(EditError, match=f"a rating is 1 to 5 stars.*{message}"):
            edit_tracks(session, tracks, TrackEdit(rating=rating, favorite=True))
        assert snapshot(session) == before


def test_favourite_and_hidden_are_switched_on_and_off(app: App, tracks: list[uuid.UUID]) -> None:
    with app.session() as session:
        edit_tracks(session, tracks, TrackEdit(favorite=True, hidden=True))
    with app.session() as session:
        rows = [session.get(Track, t) for t in tracks]
        assert all(r is not None and r.is_favorite and r.is_hidden for r in rows)
        edit_tracks(session, tracks[1:], TrackEdit(favorite=False))
        edit_tracks(session, tracks[:1], TrackEdit(hidden=False))
    with app.session() as session:
        flags = {
            t: (f, h)
            for t, f, h in session.execute(
                select(Track.id, Track.is_favorite, Track.is_hidden).where(Track.id.in_(tracks))
            )
        }
        assert [flags[t] for t in tracks] == [(True, False), (False, True), (False, True)]


def test_tags_and_moods_are_added_once_in_lower_case_and_removed_by_any_case(
    app: App, tracks: list[uuid.UUID]
) -> None:
    with app.session() as session:
        edit_tracks(
            session,
            tracks[:2],
            TrackEdit(add_tags=("Vocal", "  late   night "), add_moods=["Uplifting", "vocal"]),
        )
        # adding a tag again (in another case) does not duplicate it
        edit_tracks(session, tracks, TrackEdit(add_tags=("VOCAL",)))
    with app.session() as session:
        assert tags_of(session, tracks[0]) == ["late night", "vocal"]
        assert tags_of(session, tracks[2]) == ["vocal"]
        assert tags_of(session, tracks[1], "mood") == ["uplifting", "vocal"]
        edit_tracks(session, tracks, TrackEdit(remove_tags=("Vocal",), remove_moods=("UPLIFTING",)))
    with app.session() as session:
        assert [tags_of(session, t) for t in tracks] == [["late night"], ["late night"], []]
        # the mood 'vocal' is not the tag 'vocal'
        assert [tags_of(session, t, "mood") for t in tracks] == [["vocal"], ["vocal"], []]


def test_a_tag_both_added_and_removed_or_empty_or_too_long_is_refused(
    app: App, tracks: list[uuid.UUID]
) -> None:
    with app.session() as session:
        edit_tracks(session, tracks, TrackEdit(add_tags=("dub",)))
        before = snapshot(session)
        with pytest.raises(EditError, match="tag 'dub' is both added and removed"):
            edit_tracks(session, tracks, TrackEdit(add_tags=("Dub",), remove_tags=("dub",)))
        with pytest.raises(EditError, match="an empty mood cannot be added"):
            edit_tracks(session, tracks, TrackEdit(rating=2, add_moods=("dark", "   ")))
        with pytest.raises(EditError, match=r"tag 'xxxxxxxxxxxxxxxxxxxx'… is too long \(101"):
            edit_tracks(session, tracks, TrackEdit(add_tags=("x" * 101,)))
        assert snapshot(session) == before


def test_notes_and_genre_are_set_cleared_and_found_by_text_search(
    app: App, tracks: list[uuid.UUID]
) -> None:
    with app.session() as session:
        edit_tracks(
            session,
            tracks[1:2],
            TrackEdit(notes="  great opener for the warm-up set ", genre=" Techno "),
        )
    with app.session() as session:
        row = session.get(Track, tracks[1])
        assert row is not None
        assert (row.notes, row.genre) == ("great opener for the warm-up set", "Techno")
        assert text_search.search(session, "tracks", "opener") == [tracks[1]]
        assert text_search.search(session, "tracks", "techno") == [tracks[1]]
        edit_tracks(session, tracks[1:2], TrackEdit(notes="", genre=None))
        edit_tracks(session, tracks[:1], TrackEdit(genre="Deep House"))
    with app.session() as session:
        row = session.get(Track, tracks[1])
        assert row is not None and (row.notes, row.genre) == (None, None)
        assert text_search.search(session, "tracks", "opener") == []
        assert text_search.search(session, "tracks", "techno") == []
        assert text_search.search(session, "tracks", "deep house") == [tracks[0]]


def test_a_genre_too_long_for_the_store_is_refused(app: App, tracks: list[uuid.UUID]) -> None:
    with app.session() as session:
        before = snapshot(session)
        with pytest.raises(EditError, match="the genre is 101 characters long; at most 100 fit"):
            edit_tracks(session, tracks, TrackEdit(genre="g" * 101, rating=5))
        assert snapshot(session) == before


def test_a_bpm_override_wins_over_the_measured_tempo_and_says_who_why_and_when(
    app: App, tracks: list[uuid.UUID]
) -> None:
    started = datetime.now(UTC)
    with app.session() as session:
        edit_tracks(session, tracks[1:2], TrackEdit(bpm=65.75, reason="analysis found double"))
    with app.session() as session:
        row = track_row(session, tracks[1])
        assert row is not None and (row["bpm"], row["bpm_source"]) == (65.75, "override")
        stored = analysis(session, tracks[1])
        assert stored is not None
        assert stored.bpm == 131.5  # the measured tempo stays
        assert stored.manual_override and stored.bpm_override == 65.75
        assert stored.key_note_override is None and stored.scale_override is None
        assert stored.override_reason == "analysis found double"
        assert stored.override_by_id == app.local_user_id
        assert stored.overridden_at is not None and stored.overridden_at >= started
        assert stored.algorithm == "essentia"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("Am", (9, "minor", "8A")),
        ("8A", (9, "minor", "8A")),
        ("F#", (6, "major", "2B")),
        ("Eb major", (3, "major", "5B")),
        ("c#m", (1, "minor", "12A")),
        ("12B", (4, "major", "12B")),
    ],
)
def test_a_key_override_takes_names_and_camelot_codes(
    app: App, tracks: list[uuid.UUID], key: str, expected: tuple[int, str, str]
) -> None:
    with app.session() as session:
        edit_tracks(session, tracks[:1], TrackEdit(key=key, reason="by ear"))
    with app.session() as session:
        stored = analysis(session, tracks[0])
        assert stored is not None
        assert (stored.key_note_override, stored.scale_override) == expected[:2]
        assert (stored.key_note, stored.scale) == (9, "minor")  # measured key kept
        row = track_row(session, tracks[0])
        assert row is not None
        assert (row["camelot"], row["key_source"], row["bpm_source"]) == (
            expected[2],
            "override",
            "analysis",
        )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (TrackEdit(bpm=128.0), "a BPM override needs a reason"),
        (TrackEdit(key="Am", reason="  "), "a key override needs a reason"),
        (TrackEdit(bpm=128.0, key="Am"), "a BPM and key override needs a reason"),
        (TrackEdit(reason="because"), "a reason goes with a BPM or key override"),
        (TrackEdit(bpm=19.0, reason="x"), r"BPM override of 19 is out of range \(20-400 BPM\)"),
        (TrackEdit(bpm=401, reason="x"), "BPM override of 401 is out of range"),
        (TrackEdit(bpm=float("nan"), reason="x"), "a BPM override must be a number, not nan"),
        (TrackEdit(key="H#", reason="x"), r"'H#' is not a key: give a name such as Am.*8A"),
        (TrackEdit(key="13A", reason="x"), "'13A' is not a key"),
        (TrackEdit(key="", reason="x"), "'' is not a key"),
    ],
)
def test_a_bad_override_is_refused_and_nothing_changes(
    app: App, tracks: list[uuid.UUID], edit: TrackEdit, message: str
) -> None:
    with app.session() as session:
        edit_tracks(session, tracks[:1], TrackEdit(bpm=62.0, reason="half time"))
        before = snapshot(session)
        with pytest.raises(EditError, match=message):
            edit_tracks(session, tracks, edit)
        assert snapshot(session) == before


def test_a_key_override_later_keeps_the_bpm_override(app: App, tracks: list[uuid.UUID]) -> None:
    with app.session() as session:
        edit_tracks(session, tracks[:1], TrackEdit(bpm=62.0, reason="half time"))
        edit_tracks(session, tracks[:1], TrackEdit(key="8B", reason="it is C major"))
    with app.session() as session:
        stored = analysis(session, tracks[0])
        assert stored is not None
        assert (stored.bpm_override, stored.key_note_override, stored.scale_override) == (
            62.0,
            0,
            "major",
        )
        assert stored.override_reason == "it is C major"


def test_an_override_on_a_track_never_analysed_gets_a_manual_row_that_clearing_removes(
    app: App, tracks: list[uuid.UUID]
) -> None:
    demo = tracks[2]
    with app.session() as session:
        edit_tracks(session, [demo], TrackEdit(bpm=90.0, key="Dm", reason="I wrote it"))
    with app.session() as session:
        stored = analysis(session, demo)
        assert stored is not None
        assert (stored.algorithm, stored.algorithm_version) == (MANUAL_ALGORITHM, MANUAL_VERSION)
        assert (stored.bpm, stored.key_note, stored.analyzed_at) == (None, None, None)
        row = track_row(session, demo)
        assert row is not None and (row["bpm"], row["key"], row["scale"]) == (90.0, "D", "minor")
        # the import sees the row as out of date, so the track is analysed (the override kept)
        stored_files = load_stored_files(session, app.local_user_id)
        assert not stored_files["/music/Demo Take.wav"].analysis_current
        edit_tracks(session, [demo], TrackEdit(clear_override=True))
    with app.session() as session:
        assert analysis(session, demo) is None
        row = track_row(session, demo)
        assert row is not None and (row["bpm"], row["key"]) == (None, None)


def test_clearing_an_override_goes_back_to_the_measured_values(
    app: App, tracks: list[uuid.UUID]
) -> None:
    with app.session() as session:
        edit_tracks(session, tracks[:2], TrackEdit(bpm=100.0, key="1A", reason="test"))
        edit_tracks(session, tracks, TrackEdit(clear_override=True))  # the third has none
    with app.session() as session:
        for track_id in tracks[:2]:
            stored = analysis(session, track_id)
            assert stored is not None and not stored.manual_override
            assert (stored.bpm_override, stored.key_note_override, stored.override_reason) == (
                None,
                None,
                None,
            )
            assert (stored.override_by_id, stored.overridden_at) == (None, None)
        rows = [track_row(session, t) for t in tracks[:2]]
        assert [(r["bpm"], r["camelot"], r["bpm_source"]) for r in rows if r] == [
            (124.0, "8A", "analysis"),
            (131.5, None, "analysis"),
        ]


def test_clear_and_set_in_one_edit_replaces_the_override(app: App, tracks: list[uuid.UUID]) -> None:
    with app.session() as session:
        edit_tracks(session, tracks, TrackEdit(bpm=100.0, key="1A", reason="first"))
        edit_tracks(session, tracks, TrackEdit(clear_override=True, bpm=140.0, reason="second"))
    with app.session() as session:
        for track_id in tracks:
            stored = analysis(session, track_id)
            assert stored is not None and stored.manual_override
            assert (stored.bpm_override, stored.key_note_override) == (140.0, None)
            assert stored.override_reason == "second"


def test_one_edit_of_many_tracks_applies_to_all_of_them(app: App, tracks: list[uuid.UUID]) -> None:
    with app.session() as session:
        many = tracks + [add_track(session, f"Loop {n}") for n in range(1200)]
    edit = TrackEdit(rating=3, favorite=True, add_tags=("crate",), bpm=120.0, reason="grid")
    with app.session() as session:
        assert edit_tracks(session, [*many, many[0]], edit) == len(many)  # duplicates once
    with app.session() as session:
        assert session.scalar(
            select(text("count(*)")).select_from(Track).where(Track.rating == 3, Track.is_favorite)
        ) == len(many)
        assert session.scalar(
            select(text("count(*)")).select_from(TrackTag).where(TrackTag.tag == "crate")
        ) == len(many)
        assert session.scalar(
            select(text("count(*)"))
            .select_from(TrackAnalysis)
            .where(TrackAnalysis.bpm_override == 120.0)
        ) == len(many)


def test_an_unknown_track_among_many_changes_none_of_them(
    app: App, tracks: list[uuid.UUID]
) -> None:
    stranger = uuid.uuid4()
    with app.session() as session:
        before = snapshot(session)
        with pytest.raises(TrackNotFoundError, match=f"no track with id {stranger}"):
            edit_tracks(session, [*tracks, stranger], TrackEdit(rating=5, add_tags=("x",)))
        assert snapshot(session) == before


def test_a_track_the_store_refuses_midway_leaves_every_track_unchanged(
    app: App, tracks: list[uuid.UUID]
) -> None:
    """A real failure from SQLite after the ratings and tags were written for every track:
    the edit is undone in full, the error names the track, and the session goes on."""
    refused = tracks[2]
    with app.session() as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse_demo BEFORE INSERT ON track_analysis "
                f"WHEN new.track_id = '{refused.hex}' "
                "BEGIN SELECT RAISE(ABORT, 'this track is locked by a test'); END"
            )
        )
    with app.session() as session:
        before = snapshot(session)
        edit = TrackEdit(rating=5, hidden=True, add_tags=("keeper",), bpm=99.0, reason="x")
        with pytest.raises(
            EditError,
            match=r"track [0-9a-f]{8} \('Demo Take' by Other Crew\): "
            r"this track is locked by a test; nothing was changed",
        ):
            edit_tracks(session, tracks, edit)
        assert snapshot(session) == before
        # the caller's transaction is still usable: a later edit in it commits
        assert edit_tracks(session, tracks[:1], TrackEdit(notes="still here")) == 1
    with app.session() as session:
        after = snapshot(session)
        changed = [row for row in after["tracks"] if row[4] == "still here"]
        assert len(changed) == 1
        assert after["track_tags"] == before["track_tags"]
        assert after["track_analysis"] == before["track_analysis"]


def test_an_empty_edit_changes_nothing(app: App, tracks: list[uuid.UUID]) -> None:
    with app.session() as session:
        before = snapshot(session)
        assert TrackEdit().is_empty and not TrackEdit(clear_override=True).is_empty
        assert edit_tracks(session, tracks, TrackEdit()) == 0
        assert edit_tracks(session, [], TrackEdit(rating=2)) == 0
        assert snapshot(session) == before


def test_creators_are_replaced_in_the_order_given(app: App, tracks: list[uuid.UUID]) -> None:
    with app.session() as session:
        set_creators(session, tracks[0], [Creator("Someone", "producer", 100)])
        set_creators(
            session,
            tracks[0],
            [
                Creator("Zoe Park", "Producer", 50, ipi="00052210040", pro="PRS"),
                Creator("Ann Lee", "songwriter", 37.5, email="ann@example.org", phone="+44 1"),
                Creator("Mo", None, None),
                Creator("Bea", "featured", 12.5),
            ],
        )
    with app.session() as session:
        rows = session.execute(
            select(
                TrackCreator.creator_name,
                TrackCreator.role,
                TrackCreator.split_percentage,
                TrackCreator.ipi_number,
                TrackCreator.pro,
                TrackCreator.contact_email,
            )
            .where(TrackCreator.track_id == tracks[0])
            .order_by(TrackCreator.created_at)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("Zoe Park", "producer", 50.0, "00052210040", "PRS", None),
            ("Ann Lee", "songwriter", 37.5, None, None, "ann@example.org"),
            ("Mo", None, None, None, None, None),
            ("Bea", "featured", 12.5, None, None, None),
        ]
        set_creators(session, tracks[0], [])
    with app.session() as session:
        assert session.scalars(select(TrackCreator)).all() == []


@pytest.mark.parametrize(
    ("creators", "message"),
    [
        (
            [Creator("Ann", "producer", 60), Creator("Bob", "composer", 50), Creator("Cy")],
            r"the splits add up to 110 % \(Ann 60 %, Bob 50 %\); "
            r"they may add up to at most 100 %",
        ),
        ([Creator("Ann", "dj", 10)], "role 'dj' is not one of producer, composer"),
        ([Creator("Ann", None, 120)], r"creator 1 \(Ann\): a split of 120 % is not within 0-100"),
        ([Creator("Ann", None, -1)], "a split of -1 % is not within 0-100"),
        ([Creator("Ann"), Creator("  ")], "creator 2: a creator needs a name"),
        ([Creator("Ann", ipi="1" * 21)], "the IPI number is 21 characters long; at most 20"),
    ],
)
def test_refused_creators_leave_the_stored_ones(
    app: App, tracks: list[uuid.UUID], creators: list[Creator], message: str
) -> None:
    with app.session() as session:
        set_creators(session, tracks[1], [Creator("Kept", "producer", 100)])
        before = snapshot(session)
        with pytest.raises(EditError, match=message) as refused:
            set_creators(session, tracks[1], creators)
        assert "'Warehouse' by Other Crew" in str(refused.value)
        assert snapshot(session) == before


def test_credits_for_many_tracks_keep_what_is_not_given_and_go_all_or_none(
    app: App, tracks: list[uuid.UUID]
) -> None:
    with app.session() as session:
        set_instruments(session, tracks[0], [Instrument("keys", "piano")])
        credit_tracks(session, tracks[:2], creators=[Creator("Ann", "producer", 100)])
        names = session.execute(select(TrackCreator.track_id, TrackCreator.creator_name))
        assert sorted(names) == sorted([(tracks[0], "Ann"), (tracks[1], "Ann")])
        assert session.scalar(select(TrackInstrument.instrument_type)) == "piano"  # kept
        credit_tracks(session, tracks[:1], instruments=[])
        assert session.scalar(select(TrackInstrument.id)) is None
    with pytest.raises(EditError, match="a sample needs a pack name"), app.session() as session:
        credit_tracks(session, tracks[:2], creators=[], samples=[Sample(None)])
    with app.session() as session:  # refused: nothing changed, both tracks keep Ann
        assert len(session.scalars(select(TrackCreator)).all()) == 2


def test_splits_of_exactly_one_hundred_percent_are_accepted(
    app: App, tracks: list[uuid.UUID]
) -> None:
    with app.session() as session:
        set_creators(session, tracks[0], [Creator(name, split=100 / 3) for name in ("A", "B", "C")])
        assert len(session.scalars(select(TrackCreator)).all()) == 3


def test_instruments_and_samples_are_replaced_and_empty_ones_refused(
    app: App, tracks: list[uuid.UUID]
) -> None:
    with app.session() as session:
        set_instruments(
            session,
            tracks[0],
            [Instrument("synth", "808", primary=True), Instrument(None, "Rhodes")],
        )
        set_samples(
            session,
            tracks[0],
            [
                Sample("Vinyl Vol 2", "piano stab", cleared=False, clearance_notes="asked label"),
                Sample(None, "field recording", cleared=True),
            ],
        )
    with app.session() as session:
        assert {
            tuple(row)
            for row in session.execute(
                select(
                    TrackInstrument.instrument_category,
                    TrackInstrument.instrument_type,
                    TrackInstrument.is_primary,
                )
            )
        } == {(None, "Rhodes", False), ("synth", "808", True)}
        before = snapshot(session)
        with pytest.raises(EditError, match="instrument 2: an instrument needs a category"):
            set_instruments(session, tracks[0], [Instrument("drums"), Instrument(" ", None)])
        with pytest.raises(EditError, match="sample 1: a sample needs a pack name or a desc"):
            set_samples(session, tracks[0], [Sample(None, None, cleared=True)])
        with pytest.raises(TrackNotFoundError):
            set_samples(session, uuid.uuid4(), [Sample("pack")])
        assert snapshot(session) == before
        set_samples(session, tracks[0], [Sample("Drum Pack", None, cleared=True)])
        set_instruments(session, tracks[0], [])
    with app.session() as session:
        assert session.scalars(select(TrackInstrument)).all() == []
        samples = session.execute(
            select(TrackSample.sample_pack_name, TrackSample.is_cleared)
        ).all()
        assert [tuple(s) for s in samples] == [("Drum Pack", True)]


def test_edits_survive_closing_and_reopening_the_app(paths: Paths, app: App) -> None:
    with app.session() as session:
        first = add_track(session, "Keeper", bpm=126.0, key=(2, "minor"))
        second = add_track(session, "Sketch")
    with app.session() as session:
        edit_tracks(
            session,
            [first, second],
            TrackEdit(
                rating=4,
                favorite=True,
                hidden=True,
                add_tags=("vocal",),
                add_moods=("dark",),
                notes="use in the peak",
                genre="Minimal",
                bpm=63.0,
                key="7A",
                reason="by ear",
            ),
        )
        set_creators(session, first, [Creator("Ann", "producer", 70), Creator("Bo", None, 30)])
        set_instruments(session, first, [Instrument("synth", "303", primary=True)])
        set_samples(session, first, [Sample("Pack", "vox", cleared=False, clearance_notes="ask")])
    app.close()

    with App.open(paths) as reopened, reopened.session() as session:
        for track_id in (first, second):
            track = session.get(Track, track_id)
            assert track is not None
            assert (track.rating, track.is_favorite, track.is_hidden) == (4, True, True)
            assert (track.notes, track.genre) == ("use in the peak", "Minimal")
            assert tags_of(session, track_id) == ["vocal"]
            assert tags_of(session, track_id, "mood") == ["dark"]
            row = track_row(session, track_id)
            assert row is not None and (row["bpm"], row["camelot"]) == (63.0, "7A")
            stored = analysis(session, track_id)
            assert stored is not None and stored.override_reason == "by ear"
            assert stored.override_by_id == reopened.local_user_id
        assert [
            (c.creator_name, c.split_percentage)
            for c in session.scalars(select(TrackCreator).order_by(TrackCreator.created_at))
        ] == [("Ann", 70.0), ("Bo", 30.0)]
        assert session.scalars(select(TrackInstrument.instrument_type)).all() == ["303"]
        assert session.scalars(select(TrackSample.clearance_notes)).all() == ["ask"]
        assert sorted(text_search.search(session, "tracks", "peak")) == sorted([first, second])


def test_the_derived_search_columns_follow_every_edit(app: App, tracks: list[uuid.UUID]) -> None:
    """The library view filters and text search read columns kept by triggers on the tables
    edits write: tempo/key overrides and tags/moods must reach them, and clearing must too."""

    def derived(session: Session, track_id: uuid.UUID) -> tuple[Any, ...]:
        return tuple(
            session.execute(
                select(Track.effective_bpm, Track.effective_key, Track.tag_text, Track.mood_text)
                .where(Track.id == track_id)
                .execution_options(populate_existing=True)
            ).one()
        )

    camelot_8b, camelot_8a = 15, 14  # Camelot order 0-23: 1A, 1B, 2A ... 12B
    with app.session() as session:
        assert derived(session, tracks[0]) == (124.0, camelot_8a, None, None)
        edit_tracks(
            session,
            tracks[::2],
            TrackEdit(bpm=62.0, key="8B", reason="x", add_tags=("Dub", "vocal"), add_moods="Dark"),
        )
        assert derived(session, tracks[0]) == (62.0, camelot_8b, "dub\nvocal", "dark")
        assert derived(session, tracks[2]) == (62.0, camelot_8b, "dub\nvocal", "dark")
        assert sorted(text_search.search(session, "tracks", "dub")) == sorted(tracks[::2])
        assert sorted(text_search.search(session, "tracks", "dark")) == sorted(tracks[::2])
        edit_tracks(
            session,
            tracks,
            TrackEdit(clear_override=True, remove_tags=("dub",), remove_moods="dark"),
        )
        assert derived(session, tracks[0]) == (124.0, camelot_8a, "vocal", None)
        assert derived(session, tracks[2]) == (None, None, "vocal", None)
        assert text_search.search(session, "tracks", "dub") == []
