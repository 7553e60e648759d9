"""Order for mixing: transition ratings, the arc, the artist gap, kept ends, and the search
against greedy; the playlist's own tracks read from a real store."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter

import numpy as np
import pytest
from sqlalchemy import select
from tests.support.tracks import add_track

from museaud.app import App
from museaud.music.keys import Key
from museaud.playlists.errors import PlaylistError
from museaud.playlists.ordering import (
    SetTrack,
    apply_order,
    choose_set,
    energy_targets,
    greedy_order,
    key_relation,
    order_for_mixing,
    order_playlist,
    rate_transition,
    set_summary,
    tempo_change_pct,
    transitions,
)
from museaud.playlists.service import add_tracks, create_playlist, entry_rows
from museaud.store.models.library import TrackAnalysis
from museaud.store.models.playlists import Playlist, PlaylistEntry


def track(
    title: str,
    key: str | None = "8A",
    bpm: float | None = 124.0,
    energy: float | None = 0.5,
    artist: str | None = None,
) -> SetTrack:
    return SetTrack(
        track_id=uuid.uuid4(),
        title=title,
        artist=artist if artist is not None else f"artist of {title}",
        bpm=bpm,
        key=None if key is None else Key.parse(key),
        energy=energy,
    )


def random_set(seed: int, count: int = 30) -> list[SetTrack]:
    """Tracks of a crate nobody planned: any key, house to techno tempi, a few artists twice."""
    rng = np.random.default_rng(seed)
    return [
        track(
            f"t{number}",
            key=f"{rng.integers(1, 13)}{'AB'[int(rng.integers(2))]}",
            bpm=float(rng.uniform(118, 134)),
            energy=float(rng.uniform(0.2, 0.9)),
            artist=f"artist {rng.integers(count)}",
        )
        for number in range(count)
    ]


@pytest.mark.parametrize(
    ("outgoing", "incoming", "relation", "grade"),
    [
        ("8A", "8A", "same key", "green"),
        ("8A", "9A", "+1", "green"),
        ("8A", "7A", "-1", "green"),
        ("12B", "1B", "+1", "green"),  # round the wheel
        ("8A", "8B", "relative", "green"),
        ("8A", "9B", "diagonal +1", "amber"),
        ("8B", "7A", "diagonal -1", "amber"),
        ("8A", "10A", "+2", "amber"),
        ("8A", "3A", "+7", "amber"),  # A minor -> Bb minor, a semitone up
        ("8A", "2A", "clash", "red"),
        ("8A", "4B", "clash", "red"),
    ],
)
def test_key_relations_are_named_and_graded(
    outgoing: str, incoming: str, relation: str, grade: str
) -> None:
    assert key_relation(Key.parse(outgoing), Key.parse(incoming)) == (relation, grade)


def test_a_missing_key_rates_amber() -> None:
    assert key_relation(None, Key.parse("8A")) == ("no key", "amber")


def test_tempo_change_counts_half_and_double_time_as_the_same() -> None:
    assert tempo_change_pct(70.0, 140.0) == pytest.approx(0.0)
    assert tempo_change_pct(174.0, 87.0) == pytest.approx(0.0)
    assert tempo_change_pct(128.0, 124.0) == pytest.approx(-3.125)
    assert tempo_change_pct(86.0, 176.0) == pytest.approx(2.3256, abs=1e-3)


@pytest.mark.parametrize(
    ("bpm", "energy", "tempo_grade", "energy_grade", "grade"),
    [
        (123.5, 0.58, "green", "green", "green"),  # +2.9 %, +0.08
        (127.0, 0.45, "amber", "green", "amber"),  # +5.8 %, -0.05
        (128.0, 0.65, "red", "amber", "red"),  # +6.7 %, +0.15
        (60.0, 0.75, "green", "red", "red"),  # half time, +0.25
    ],
)
def test_tempo_and_energy_grades_follow_the_thresholds(
    bpm: float, energy: float, tempo_grade: str, energy_grade: str, grade: str
) -> None:
    rated = rate_transition(track("a", bpm=120.0, energy=0.5), track("b", bpm=bpm, energy=energy))
    assert (rated.tempo_grade, rated.energy_grade, rated.grade) == (
        tempo_grade,
        energy_grade,
        grade,
    )


def test_summary_totals_the_transitions() -> None:
    tracks = [
        track("a", "8A", 120.0, 0.3),
        track("b", "9A", 122.0, 0.4),  # +1, +1.7 %
        track("c", "2B", 130.0, 0.5),  # clash, +6.6 %
        track("d", "2B", 65.0, 0.6),  # same key, half time: 0 %
    ]
    rated = transitions(tracks)
    assert [t.key_relation for t in rated] == ["+1", "clash", "same key"]
    summary = set_summary(tracks, arc="build")
    assert summary.transitions == 3
    assert summary.compatible_share == pytest.approx(2 / 3)
    assert summary.within_tempo_share == pytest.approx(2 / 3)
    assert summary.largest_tempo_jump_pct == pytest.approx(6.557, abs=1e-3)
    assert summary.arc_deviation == pytest.approx(0.0)  # energies rise as a build wants
    assert set_summary(tracks, arc="release").arc_deviation == pytest.approx(0.2)


def test_the_build_arc_is_met_by_the_sets_own_energies() -> None:
    energies = [0.9, 0.2, 0.5, 0.4]
    assert energy_targets("build", 4, energies).tolist() == pytest.approx([0.2, 0.4, 0.5, 0.9])
    assert energy_targets("flat", 4, energies).tolist() == pytest.approx([0.45] * 4)


@pytest.mark.parametrize("arc", ["build", "release", "peak", "warm-up"])
def test_energy_follows_the_arc_when_keys_and_tempi_all_mix(arc: str) -> None:
    energies = np.random.default_rng(3).permutation(np.linspace(0.1, 0.9, 12))
    tracks = [track(f"t{i}", energy=float(energy)) for i, energy in enumerate(energies)]
    played = [t.energy for t in order_for_mixing(tracks, arc=arc).tracks]
    assert played is not None
    peak = int(np.argmax(played))
    if arc in ("build", "warm-up"):
        assert played == sorted(played)
    elif arc == "release":
        assert played == sorted(played, reverse=True)
    else:  # up to a peak three quarters in, then down
        assert 7 <= peak <= 9
        assert played[: peak + 1] == sorted(played[: peak + 1])
        assert played[peak:] == sorted(played[peak:], reverse=True)


def test_an_artist_is_not_heard_twice_within_the_gap() -> None:
    # the four tracks by one artist sit side by side in energy, so the arc alone would play
    # them back to back
    tracks = [track(f"other {i}", energy=0.1 + 0.05 * i) for i in range(8)]
    tracks += [track(f"own {i}", energy=0.5 + 0.01 * i, artist="Solomun") for i in range(4)]
    for gap in (2, 3):
        order = order_for_mixing(tracks, arc="build", artist_gap=gap)
        places = [p for p, t in enumerate(order.tracks) if t.artist == "Solomun"]
        assert min(b - a for a, b in itertools.pairwise(places)) >= gap
        assert order.summary.artist_repeats == 0
    ignored = order_for_mixing(tracks, arc="build", artist_gap=0)
    places = [p for p, t in enumerate(ignored.tracks) if t.artist == "Solomun"]
    assert places == list(range(places[0], places[0] + 4))


@pytest.mark.parametrize("count", [16, 75])  # a long set is searched a window at a time
def test_the_chosen_first_and_last_tracks_stay_in_place(count: int) -> None:
    tracks = random_set(5, count)
    order = order_for_mixing(tracks, keep_first=7, keep_last=2)
    assert order.order[0] == 7 and order.order[-1] == 2
    assert order.tracks[0] is tracks[7] and order.tracks[-1] is tracks[2]


@pytest.mark.parametrize("count", [14, 75])
def test_every_entry_is_kept_once_repeats_of_a_track_included(count: int) -> None:
    tracks = random_set(6, count)
    tracks += [tracks[3], tracks[3], tracks[9]]  # a set list may play a track twice
    order = order_for_mixing(tracks)
    assert sorted(order.order) == list(range(len(tracks)))
    assert Counter(t.track_id for t in order.tracks) == Counter(t.track_id for t in tracks)
    assert list(order.tracks) == [tracks[i] for i in order.order]
    assert len(order.transitions) == len(tracks) - 1


@pytest.mark.parametrize(("seed", "count"), [(0, 30), (1, 30), (2, 30), (3, 75)])
def test_the_search_beats_greedy_from_every_opener(seed: int, count: int) -> None:
    tracks = random_set(seed, count)
    order = order_for_mixing(tracks, seed=seed)
    best_greedy = min(greedy_order(tracks, first=first).cost for first in range(len(tracks)))
    assert order.cost < best_greedy - 0.1


def test_the_order_is_the_same_for_the_same_seed() -> None:
    tracks = random_set(11)
    first, again = order_for_mixing(tracks, seed=4), order_for_mixing(tracks, seed=4)
    assert first.order == again.order and first.cost == again.cost


def test_unknown_arcs_and_positions_are_refused() -> None:
    tracks = random_set(1, 4)
    with pytest.raises(ValueError, match="arc"):
        order_for_mixing(tracks, arc="sunrise")
    with pytest.raises(ValueError, match="keep_first"):
        order_for_mixing(tracks, keep_first=4)


def test_a_set_chosen_from_a_crate_mixes() -> None:
    rng = np.random.default_rng(8)
    crate = [
        track(
            f"c{i}",
            key=f"{rng.integers(1, 13)}{'AB'[int(rng.integers(2))]}",
            bpm=float(rng.choice([rng.normal(124, 3), rng.normal(174, 2), rng.normal(90, 5)])),
            energy=float(rng.beta(4, 3)),
            artist=f"artist {rng.integers(300)}",
        )
        for i in range(2000)
    ]
    crate += crate[:300]  # a crate may list a track twice; a set plays it once
    chosen = choose_set(crate, 20, arc="build", seed=1)
    assert len(chosen.tracks) == 20 and len({t.track_id for t in chosen.tracks}) == 20
    assert [crate[i] for i in chosen.order] == list(chosen.tracks)
    assert chosen.summary.compatible_share >= 0.9
    assert chosen.summary.within_tempo_share >= 0.95
    assert chosen.summary.artist_repeats == 0
    opened = choose_set(crate, 10, first=42)
    assert opened.order[0] == 42
    assert len(choose_set(crate[:3] + crate[:3], 5).tracks) == 3


def test_a_playlist_is_ordered_with_the_librarys_effective_tempo_and_key(app: App) -> None:
    with app.session() as session:
        playlist = Playlist(name="Friday")
        session.add(playlist)
        session.flush()
        # the override (124 BPM, 8A) is the tempo and key to trust, not the analysis
        plan = [
            ("opener", 120.0, (9, "minor"), 0.2, None),
            ("overridden", 90.0, (2, "major"), 0.5, (124.0, 9, "minor")),
            ("peak", 126.0, (4, "minor"), 0.9, None),
            ("middle", 122.0, (0, "major"), 0.4, None),
        ]
        for number, (title, bpm, key, energy, override) in enumerate(plan):
            track_id = add_track(session, title, bpm=bpm, key=key)
            analysis = session.scalars(
                select(TrackAnalysis).where(TrackAnalysis.track_id == track_id)
            ).one()
            analysis.energy = energy
            if override is not None:
                analysis.manual_override = True
                analysis.bpm_override, analysis.key_note_override, analysis.scale_override = (
                    override[0],
                    override[1],
                    override[2],
                )
            session.add(
                PlaylistEntry(
                    playlist_id=playlist.id, track_id=track_id, position_key=f"a{3 - number}"
                )
            )
        session.flush()
        order = order_playlist(session, playlist.id, arc="build")
        playlist_id = playlist.id
        entries = dict(
            session.execute(
                select(PlaylistEntry.id, PlaylistEntry.track_id).where(
                    PlaylistEntry.playlist_id == playlist_id
                )
            ).all()
        )
    assert [t.title for t in order.tracks] == ["opener", "middle", "overridden", "peak"]
    overridden = order.tracks[2]
    assert overridden.bpm == 124.0 and overridden.key == Key(9, "minor")
    assert all(entries[t.entry_id] == t.track_id for t in order.tracks if t.entry_id)
    assert {t.entry_id for t in order.tracks} == set(entries)
    # the playlist's own order is by position key: "middle" (a0) first, "opener" (a3) last
    with app.session() as session:
        kept = order_playlist(session, playlist_id, keep_first=0)
    assert kept.tracks[0].title == "middle"


def test_the_mixing_order_is_written_into_the_playlist(app: App) -> None:
    energies = [0.9, 0.3, 0.6, 0.3, 0.1]
    with app.session() as session:
        tracks = [
            add_track(session, f"t{i}", bpm=124.0, key=(9, "minor")) for i in range(len(energies))
        ]
        for track_id, energy in zip(tracks, energies, strict=True):
            session.scalars(
                select(TrackAnalysis).where(TrackAnalysis.track_id == track_id)
            ).one().energy = energy
        playlist_id = create_playlist(session, "Warm-up").id
        add_tracks(session, playlist_id, [*tracks, tracks[1]])  # t1 twice
    with app.session() as session:
        order = order_playlist(session, playlist_id, arc="build", keep_last=0)
        assert apply_order(session, playlist_id, order) > 0
    with app.session() as session:
        written = [row["entry_id"] for row in entry_rows(session, playlist_id)]
        again = order_playlist(session, playlist_id, arc="build", keep_last=len(written) - 1)
        assert apply_order(session, playlist_id, again) == 0
    assert written == [str(t.entry_id) for t in order.tracks]
    assert [t.energy for t in order.tracks] == [0.1, 0.3, 0.3, 0.3, 0.6, 0.9]
    with app.session() as session, pytest.raises(PlaylistError):
        apply_order(session, playlist_id, order_for_mixing(random_set(1, 6)))
