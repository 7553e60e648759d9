"""Similar and compatible tracks on a real store, checked against a brute-force search."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import select, text
from tests.support.tracks import add_track as stored_track

from museaud.app import App
from museaud.library import similarity
from museaud.library.records import TRACK_VECTORS
from museaud.library.similarity import (
    SimilarityError,
    compatible_keys,
    similar_tracks,
    tempo_window,
    track_index,
)
from museaud.music.keys import Key, are_neighbours
from museaud.store import vectors
from museaud.store.models.library import Track, TrackAnalysis

DIMENSIONS = TRACK_VECTORS.dimensions
ALL_KEYS = [Key(note, scale) for note in range(12) for scale in ("major", "minor")]


@dataclass
class Stored:
    """What the test put in the store for one track: the truth to check results against."""

    vector: npt.NDArray[np.float64]
    bpm: float | None
    key: Key | None
    hidden: bool = False


def add_track(
    app: App,
    title: str,
    vector: npt.ArrayLike | None,
    *,
    bpm: float | None = 120.0,
    key: Key | None = None,
    hidden: bool = False,
) -> uuid.UUID:
    """A track row, its analysis (tempo, key) and its feature vector, in one transaction."""
    with app.session() as session:
        track_id = stored_track(
            session,
            title,
            bpm=bpm,
            key=None if key is None else (key.note, key.scale),
            is_hidden=hidden,
        )
        if vector is not None:
            vectors.put(session, TRACK_VECTORS, track_id, vector)
        return track_id


def mixes(a: Key | None, b: Key | None) -> bool:
    return a is not None and b is not None and are_neighbours(a, b)


def unit(vector: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = np.asarray(vector, dtype=np.float64)
    return array / np.linalg.norm(array)


@pytest.fixture
def library(app: App) -> dict[uuid.UUID, Stored]:
    """240 tracks in 6 sound clusters, with tempi 60-190 BPM, all 24 keys, a few hidden."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(6, DIMENSIONS))
    stored: dict[uuid.UUID, Stored] = {}
    for number in range(240):
        vector = unit(centres[number % 6] + 0.6 * rng.normal(size=DIMENSIONS))
        bpm = round(float(rng.uniform(60, 190)), 2)
        key = ALL_KEYS[int(rng.integers(0, 24))]
        hidden = number % 37 == 5
        track_id = add_track(app, f"track {number}", vector, bpm=bpm, key=key, hidden=hidden)
        stored[track_id] = Stored(vector, bpm, key, hidden)
    return stored


def brute_force(
    stored: dict[uuid.UUID, Stored], seed: uuid.UUID, k: int, keep: object = None
) -> list[tuple[str, float]]:
    """The k nearest (id, cosine distance), by a plain scan of what the test stored."""
    test = keep if callable(keep) else (lambda item: not item.hidden)
    ranked = sorted(
        (1.0 - float(item.vector @ stored[seed].vector), str(track_id))
        for track_id, item in stored.items()
        if track_id != seed and test(item)
    )
    return [(track_id, distance) for distance, track_id in ranked[:k]]


def found(rows: list[dict[str, object]]) -> list[tuple[str, float]]:
    return [(str(row["id"]), float(str(row["distance"]))) for row in rows]


def assert_same(rows: list[dict[str, object]], expected: list[tuple[str, float]]) -> None:
    assert [track_id for track_id, _ in found(rows)] == [track_id for track_id, _ in expected]
    for (_, got), (_, want) in zip(found(rows), expected, strict=True):
        assert got == pytest.approx(want, abs=1e-5)


def test_nearest_tracks_are_those_of_a_brute_force_search(
    app: App, library: dict[uuid.UUID, Stored]
) -> None:
    seeds = list(library)[:12]
    with app.session() as session:
        for seed in seeds:
            rows = similar_tracks(session, seed, k=10)
            assert_same(rows, brute_force(library, seed, 10))
            assert str(seed) not in {row["id"] for row in rows}
            similarities = [row["similarity"] for row in rows]
            assert similarities == sorted(similarities, reverse=True)
            assert all(0.0 <= value <= 1.0 for value in similarities)
            assert similarities[0] == pytest.approx(1.0 - float(rows[0]["distance"]), abs=1e-4)
        # the rows are the library's usual rows
        first = similar_tracks(session, seeds[0], k=3)[0]
        item = library[uuid.UUID(first["id"])]
        assert first["bpm"] == item.bpm and first["title"].startswith("track ")
        assert item.key is not None and first["camelot"] == item.key.camelot


def test_k_sets_how_many_and_the_whole_library_can_be_asked_for(
    app: App, library: dict[uuid.UUID, Stored]
) -> None:
    seed = next(iter(library))
    with app.session() as session:
        assert_same(similar_tracks(session, seed, k=1), brute_force(library, seed, 1))
        everything = similar_tracks(session, seed, k=1000)
    visible = sum(1 for track_id, item in library.items() if not item.hidden and track_id != seed)
    assert len(everything) == visible
    assert_same(everything, brute_force(library, seed, 1000))


def test_compatible_key_keeps_the_camelot_neighbours_only(
    app: App, library: dict[uuid.UUID, Stored]
) -> None:
    with app.session() as session:
        for seed in list(library)[:10]:
            key = library[seed].key
            assert key is not None
            rows = similar_tracks(session, seed, k=8, compatible_key=True)
            mixable = {other.camelot for other in compatible_keys(key)}
            assert {row["camelot"] for row in rows} <= mixable
            expected = brute_force(
                library,
                seed,
                8,
                lambda item, key=key: not item.hidden and mixes(key, item.key),
            )
            assert_same(rows, expected)


def test_compatible_keys_are_the_same_key_its_relative_and_a_fifth_either_way() -> None:
    a_minor = Key.parse("Am")
    assert sorted(key.camelot for key in compatible_keys(a_minor)) == ["7A", "8A", "8B", "9A"]
    assert {str(key) for key in compatible_keys(Key.parse("C"))} == {
        "C major",
        "F major",
        "G major",
        "A minor",
    }


def test_tempo_window_matches_half_and_double_time(
    app: App, library: dict[uuid.UUID, Stored]
) -> None:
    assert tempo_window(100.0, 5.0) == [
        pytest.approx((47.5, 52.5)),
        pytest.approx((95.0, 105.0)),
        pytest.approx((190.0, 210.0)),
    ]
    here = next(iter(library.values())).vector
    elsewhere, further = unit(np.ones(DIMENSIONS)), unit(np.arange(DIMENSIONS) % 3 + 1.0)
    made = {}
    for title, vector, bpm in (
        ("the seed", here, 128.0),
        ("half time", elsewhere, 64.5),
        ("double time", further, 253.0),
        ("off tempo", here, 140.0),
    ):
        made[title] = add_track(app, title, vector, bpm=bpm)
        library[made[title]] = Stored(vector, bpm, None)
    seed, half, double, off = made.values()

    def near_tempo(item: Stored) -> bool:
        return (
            not item.hidden
            and item.bpm is not None
            and any(low <= item.bpm <= high for low, high in tempo_window(128.0, 2.0))
        )

    with app.session() as session:
        rows = similar_tracks(session, seed, k=500, bpm_within=2.0)
    ids = {row["id"] for row in rows}
    assert str(half) in ids and str(double) in ids and str(off) not in ids
    assert_same(rows, brute_force(library, seed, 500, near_tempo))


def test_both_filters_together_still_give_k_tracks_when_the_matches_are_far(app: App) -> None:
    """The few tracks that qualify are the farthest of all: the nearest candidates have none."""
    rng = np.random.default_rng(3)
    here = unit(rng.normal(size=DIMENSIONS))
    seed = add_track(app, "seed", here, bpm=124.0, key=Key.parse("Am"))
    stored = {seed: Stored(here, 124.0, Key.parse("Am"))}
    for number in range(400):  # near in sound, wrong key
        vector = unit(here + 0.3 * rng.normal(size=DIMENSIONS))
        track_id = add_track(app, f"near {number}", vector, bpm=124.0, key=Key.parse("D#"))
        stored[track_id] = Stored(vector, 124.0, Key.parse("D#"))
    for number in range(12):  # far in sound, the right key and tempo (one at double time)
        vector = unit(-here + 0.5 * rng.normal(size=DIMENSIONS))
        bpm = 248.0 if number == 0 else 123.0
        track_id = add_track(app, f"far {number}", vector, bpm=bpm, key=Key.parse("C"))
        stored[track_id] = Stored(vector, bpm, Key.parse("C"))

    def mixable(item: Stored) -> bool:
        return item.key == Key.parse("C")

    with app.session() as session:
        rows = similar_tracks(session, seed, k=5, compatible_key=True, bpm_within=3.0)
        assert_same(rows, brute_force(stored, seed, 5, mixable))
        assert len(similar_tracks(session, seed, k=50, compatible_key=True)) == 12
        [double_time] = similar_tracks(session, seed, k=5, compatible_key=True, bpm_within=0.1)
    assert double_time["title"] == "far 0" and double_time["bpm"] == 248.0


def test_hidden_tracks_are_left_out_unless_asked_for(
    app: App, library: dict[uuid.UUID, Stored]
) -> None:
    seed = next(iter(library))
    nearest = brute_force(library, seed, 3, lambda item: True)[0][0]
    with app.session() as session:
        session.get_one(Track, uuid.UUID(nearest)).is_hidden = True
    library[uuid.UUID(nearest)].hidden = True
    with app.session() as session:
        rows = similar_tracks(session, seed, k=5)
        assert nearest not in {row["id"] for row in rows}
        assert_same(rows, brute_force(library, seed, 5))
        with_hidden = similar_tracks(session, seed, k=5, include_hidden=True)
    assert with_hidden[0]["id"] == nearest
    assert_same(with_hidden, brute_force(library, seed, 5, lambda item: True))


def test_a_key_or_tempo_override_counts_at_once(app: App, library: dict[uuid.UUID, Stored]) -> None:
    seed = next(iter(library))
    seed_key = library[seed].key
    assert seed_key is not None
    with app.session() as session:
        before = similar_tracks(session, seed, k=10, compatible_key=True)
        far_off = next(
            track_id
            for track_id, _ in brute_force(library, seed, 30)
            if not mixes(seed_key, library[uuid.UUID(track_id)].key)
        )
    # the musician says the nearest non-matching track is in the seed's key after all
    with app.session() as session:
        analysis = session.scalars(
            select(TrackAnalysis).where(TrackAnalysis.track_id == uuid.UUID(far_off))
        ).one()
        analysis.manual_override = True
        analysis.key_note_override, analysis.scale_override = seed_key.note, seed_key.scale
    with app.session() as session:
        after = similar_tracks(session, seed, k=10, compatible_key=True)
    assert far_off not in {row["id"] for row in before}
    assert far_off in {row["id"] for row in after}
    [row] = [row for row in after if row["id"] == far_off]
    assert row["key_source"] == "override" and row["camelot"] == seed_key.camelot


def test_the_index_follows_added_replaced_and_deleted_vectors(
    app: App, library: dict[uuid.UUID, Stored]
) -> None:
    seed = next(iter(library))
    with app.session() as session:
        assert_same(similar_tracks(session, seed, k=5), brute_force(library, seed, 5))
        size = len(track_index(session))
    # a new track that sounds almost the same as the seed
    twin_vector = unit(library[seed].vector + 0.01)
    twin = add_track(app, "twin", twin_vector)
    library[twin] = Stored(twin_vector, 120.0, None)
    with app.session() as session:
        rows = similar_tracks(session, seed, k=5)
        assert rows[0]["id"] == str(twin) and len(track_index(session)) == size + 1
    assert_same(rows, brute_force(library, seed, 5))
    # its vector replaced by one pointing away
    away = unit(-library[seed].vector)
    with app.session() as session:
        vectors.put(session, TRACK_VECTORS, twin, away)
    library[twin].vector = away
    with app.session() as session:
        assert_same(similar_tracks(session, seed, k=5), brute_force(library, seed, 5))
        assert len(track_index(session)) == size + 1
    # the nearest track deleted (its vector left behind), then the next one's vector removed
    gone, no_vector = (uuid.UUID(track_id) for track_id, _ in brute_force(library, seed, 2))
    with app.session() as session:
        session.delete(session.get_one(Track, gone))
        vectors.remove(session, TRACK_VECTORS, no_vector)
    del library[gone], library[no_vector]
    with app.session() as session:
        rows = similar_tracks(session, seed, k=5)
        assert len(track_index(session)) == size
        for narrow in (False, True):  # its vector is still there, the track is not
            with pytest.raises(SimilarityError, match=f"no track with id {gone}"):
                similar_tracks(session, gone, compatible_key=narrow)
    assert_same(rows, brute_force(library, seed, 5))


def test_the_index_holds_what_sqlite_vec_holds_and_ranks_alike(
    app: App, library: dict[uuid.UUID, Stored]
) -> None:
    with app.session() as session:  # gaps in vec0's chunks: removed and replaced vectors
        for track_id in list(library)[:40:3]:
            vectors.remove(session, TRACK_VECTORS, track_id)
        for track_id in list(library)[1:40:3]:
            vectors.put(session, TRACK_VECTORS, track_id, library[track_id].vector)
    with app.session() as session:
        index = track_index(session)
        read = session.execute(text("SELECT entity_id, embedding FROM track_vectors"))
        stored = {str(entity): bytes(blob) for entity, blob in read}
        assert len(index) == len(stored) == 240 - len(list(library)[:40:3])
        for entity, blob in stored.items():
            held = index.vector(uuid.UUID(hex=entity))
            assert held is not None
            np.testing.assert_allclose(held, unit(np.frombuffer(blob, np.float32)), atol=1e-6)
        seed = list(library)[100]
        query = library[seed].vector
        by_sqlite_vec = vectors.nearest(session, TRACK_VECTORS, query, k=8)
        by_index = index.nearest(query.astype(np.float32), 8)
    assert [entity for entity, _ in by_index] == [track.hex for track, _ in by_sqlite_vec]
    for (_, mine), (_, theirs) in zip(by_index, by_sqlite_vec, strict=True):
        assert mine == pytest.approx(theirs, abs=1e-5)


def test_searches_from_several_threads_while_tracks_are_added(
    app: App, library: dict[uuid.UUID, Stored]
) -> None:
    seeds = list(library)[:6]
    failures: list[BaseException] = []
    results: list[list[str]] = []

    def search(seed: uuid.UUID) -> None:
        try:
            for _ in range(15):
                with app.session() as session:
                    rows = similar_tracks(session, seed, k=5)
                ids = [row["id"] for row in rows]
                assert len(ids) == 5 and str(seed) not in ids
                results.append(ids)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=search, args=(seed,)) for seed in seeds]
    for thread in threads:
        thread.start()
    rng = np.random.default_rng(11)
    for number in range(20):
        add_track(app, f"added {number}", unit(rng.normal(size=DIMENSIONS)))
    for thread in threads:
        thread.join()
    assert failures == [] and len(results) == 6 * 15
    with app.session() as session:
        assert len(track_index(session)) == 260


def test_refusals_say_what_is_wrong(app: App, library: dict[uuid.UUID, Stored]) -> None:
    seed = next(iter(library))
    silent = add_track(app, "no features", None)
    keyless = add_track(app, "no key", unit(np.ones(DIMENSIONS)), bpm=None, key=None)
    unknown = uuid.uuid4()
    cases = [
        (dict(track_id=unknown), f"no track with id {unknown}"),
        (dict(track_id=silent), "'no features' has no sound features yet: analyse it first"),
        (dict(track_id=keyless, compatible_key=True), "'no key' has no key to compare with"),
        (dict(track_id=keyless, bpm_within=5.0), "'no key' has no tempo to compare with"),
        (dict(track_id=seed, k=0), "k must be at least 1, got 0"),
        (dict(track_id=seed, bpm_within=0.0), "tempo window must be between 0 and 100 %"),
    ]
    with app.session() as session:
        for arguments, message in cases:
            with pytest.raises(SimilarityError, match=message.replace("(", r"\(")):
                similar_tracks(session, **arguments)
        # the keyless track is still found as a neighbour when no filter asks for a key
        assert similar_tracks(session, keyless, k=3)


def test_an_empty_library_has_no_index_to_search(app: App) -> None:
    lonely = add_track(app, "lonely", None)
    with app.session() as session:
        assert len(track_index(session)) == 0
        with pytest.raises(SimilarityError, match="analyse it first"):
            similar_tracks(session, lonely)


def test_removing_every_vector_empties_the_index(app: App) -> None:
    first = add_track(app, "first", unit(np.ones(DIMENSIONS)))
    second = add_track(app, "second", unit(np.arange(DIMENSIONS) + 1.0))
    with app.session() as session:
        assert [row["title"] for row in similar_tracks(session, first)] == ["second"]
        for track_id in (first, second):
            vectors.remove(session, TRACK_VECTORS, track_id)
    with app.session() as session:
        assert len(track_index(session)) == 0
        with pytest.raises(SimilarityError, match="'first' has no sound features yet"):
            similar_tracks(session, first)


@pytest.mark.parametrize(("first_checked", "most"), [(1, 4096), (1, 40), (3, 4096)])
def test_small_batches_and_the_whole_library_give_the_same_neighbours(
    app: App,
    library: dict[uuid.UUID, Stored],
    monkeypatch: pytest.MonkeyPatch,
    first_checked: int,
    most: int,
) -> None:
    """However the search grows its batches of candidates, it finds what a full scan finds."""
    monkeypatch.setattr(similarity, "FIRST_CHECKED_PER_RESULT", first_checked)
    monkeypatch.setattr(similarity, "MOST_CANDIDATES", most)
    searches: list[int] = []
    nearest = similarity.TrackVectorIndex.nearest

    def counted(self: similarity.TrackVectorIndex, vector: np.ndarray, count: int) -> object:
        searches.append(count)
        return nearest(self, vector, count)

    monkeypatch.setattr(similarity.TrackVectorIndex, "nearest", counted)
    with app.session() as session:
        for seed in list(library)[:8]:
            key, bpm = library[seed].key, library[seed].bpm
            assert key is not None and bpm is not None
            windows = tempo_window(bpm, 10.0)

            def keep(
                item: Stored, key: Key = key, windows: list[tuple[float, float]] = windows
            ) -> bool:
                near = any(low <= (item.bpm or 0) <= high for low, high in windows)
                return not item.hidden and mixes(key, item.key) and near

            rows = similar_tracks(session, seed, k=4, compatible_key=True, bpm_within=10.0)
            assert_same(rows, brute_force(library, seed, 4, keep))
    if first_checked == 1:  # tiny first batches: some searches had to look further
        assert len(searches) > 8
