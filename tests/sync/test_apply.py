"""Push and pull between replicas through the in-memory hub: last writer wins per field,
deletions and restores, idempotent retries, natural keys, parked rows, the handshake."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select, text
from tests.sync.memory_hub import MemoryHub
from tests.sync.support import (
    Replica,
    add_track,
    assert_converged,
    outbox_size,
    snapshot,
    sync_all,
)

from museaud.playlists.positions import key_between
from museaud.store.models.library import Track, TrackTag
from museaud.store.models.playlists import Playlist, PlaylistEntry
from museaud.store.text import search
from museaud.sync.apply import REMOTE_PATH_PREFIX, apply_changes, pull_cursor
from museaud.sync.changes import load_clock, sync_state
from museaud.sync.client import SyncRefusedError, SyncReport, owner_scope
from museaud.sync.protocol import dumps, loads

MakeReplica = Callable[[str], Replica]


def _track(replica: Replica, track_id: object) -> Track:
    with replica.session() as session:
        track = session.get(Track, track_id)
        assert track is not None
        session.expunge(track)
        return track


def test_a_track_from_another_machine_arrives_whole_and_shows_as_remote(
    make_replica: MakeReplica, hub: MemoryHub
) -> None:
    a, b = make_replica("a"), make_replica("b")
    with a.session() as session:
        track = add_track(session, "Summer Vibes", rating=4, notes="peak time")
        session.add(TrackTag(track_id=track.id, tag="salsa"))
    sync_all([a, b], hub)
    copy = _track(b, track.id)
    assert (copy.title, copy.rating, copy.notes) == ("Summer Vibes", 4, "peak time")
    assert copy.path.startswith(REMOTE_PATH_PREFIX) and copy.status == "missing"
    assert copy.tag_text == "salsa"  # derived columns are rebuilt by the local triggers
    with b.session() as session:
        assert track.id in search(session, "tracks", "summ")  # and the text index
    assert _track(a, track.id).path.startswith("/music/")
    assert_converged([a, b])
    with a.session() as session, b.session() as other:
        assert outbox_size(session) == outbox_size(other) == 0


def test_the_later_edit_of_a_field_wins_and_other_fields_merge(
    make_replica: MakeReplica, hub: MemoryHub
) -> None:
    a, b = make_replica("a"), make_replica("b")
    with a.session() as session:
        track_id = add_track(session, "Oye").id
    sync_all([a, b], hub)
    with a.session() as session:
        session.execute(text("UPDATE tracks SET rating = 3, notes = 'from a'"))
    b.skew_ms = 10_000  # b edits later
    with b.session() as session:
        session.execute(text("UPDATE tracks SET rating = 5"))
    b.client(hub, correct_clock=False).sync()
    a.client(hub, correct_clock=False).sync()
    b.client(hub, correct_clock=False).sync()
    for replica in (a, b):
        track = _track(replica, track_id)
        assert (track.rating, track.notes) == (5, "from a")
    assert_converged([a, b])


def test_a_delete_beats_a_concurrent_edit_and_a_later_restore_beats_the_delete(
    make_replica: MakeReplica, hub: MemoryHub
) -> None:
    a, b = make_replica("a"), make_replica("b")
    with a.session() as session:
        track = add_track(session, "Quimbara")
        tag = TrackTag(track_id=track.id, tag="live")
        session.add(tag)
        session.flush()
        tag_id, track_id = tag.id, track.id
    sync_all([a, b], hub)
    with a.session() as session:
        session.execute(text("DELETE FROM track_tags"))
    b.skew_ms = 60_000  # the edit is even later than the deletion
    with b.session() as session:
        session.execute(text("UPDATE track_tags SET tag = 'live at the Apollo'"))
    sync_all([a, b], hub)
    for replica in (a, b):
        with replica.session() as session:
            assert session.get(TrackTag, tag_id) is None
    a.skew_ms = 120_000  # restored after both
    with a.session() as session:
        session.add(TrackTag(id=tag_id, track_id=track_id, tag="restored"))
    sync_all([a, b], hub)
    for replica in (a, b):
        with replica.session() as session:
            restored = session.get(TrackTag, tag_id)
            assert restored is not None and restored.tag == "restored"
    assert_converged([a, b])


def test_a_retried_batch_is_applied_once(make_replica: MakeReplica, hub: MemoryHub) -> None:
    a = make_replica("a")
    with a.session() as session:
        add_track(session, "Pedro Navaja")
    lost: list[str] = []

    def ack_lost(request: str) -> str:
        answer = hub.handle(request)
        if loads(request)["type"] == "push" and not lost:
            lost.append(answer)
            raise ConnectionError("the answer was lost")
        return answer

    with pytest.raises(ConnectionError):
        a.client(ack_lost).sync()
    with a.session() as session:
        pending = sync_state(session).pending_batch
        assert pending is not None and outbox_size(session) > 0
    applied, seq = hub.applied_batches, hub.seq
    hub.handle(pending)  # a duplicated request
    a.client(hub).sync()  # the retry sends the same batch: answered from the stored ack
    assert (hub.applied_batches, hub.seq) == (applied, seq)
    with a.session() as session:
        assert outbox_size(session) == 0 and sync_state(session).pending_batch is None


def test_a_duplicated_or_late_page_changes_nothing(
    make_replica: MakeReplica, hub: MemoryHub
) -> None:
    a, b = make_replica("a"), make_replica("b")
    with a.session() as session:
        add_track(session, "Aguanile")
    a.client(hub).sync()
    scope = owner_scope(a.account.hex)
    client = b.client(hub)
    client.hello()
    page = client.request({"type": "pull", **client._identity(), "scope": scope, "cursor": 0})
    for expected_stale in (False, True):
        with b.session() as session:
            clock = load_clock(sync_state(session))
            report = apply_changes(session, loads(dumps(page)), clock)
            assert report.stale is expected_stale
            assert pull_cursor(session, scope) == page["next_cursor"]


def test_the_same_tag_made_on_two_machines_merges_by_its_natural_key(
    make_replica: MakeReplica, hub: MemoryHub
) -> None:
    a, b, c = make_replica("a"), make_replica("b"), make_replica("c")
    with a.session() as session:
        track_id = add_track(session, "Ran Kan Kan").id
    sync_all([a, b, c], hub)
    for replica in (a, b):
        with replica.session() as session:
            session.add(TrackTag(track_id=track_id, tag="mambo"))
    sync_all([a, b, c], hub, rounds=3)
    state = assert_converged([a, b, c])
    assert [row["tag"] for row in state["track_tags"].values()] == ["mambo"]
    assert _track(c, track_id).tag_text == "mambo"


def test_a_row_before_its_parent_is_parked_until_the_parent_arrives(
    make_replica: MakeReplica, hub: MemoryHub
) -> None:
    a, b = make_replica("a"), make_replica("b")
    with a.session() as session:
        track = add_track(session, "Idilio")
        playlist = Playlist(name="Warm-up")
        session.add(playlist)
        session.flush()
        session.add(PlaylistEntry(playlist_id=playlist.id, track_id=track.id, position_key="a0"))
    a.client(hub).sync()
    with a.session() as session:  # the playlist changes after: it is pulled after its entry
        session.execute(text("UPDATE playlists SET name = 'Warm-up 2'"))
    a.client(hub).sync()
    client = b.client(hub, pull_rows=1)
    client.hello()
    scope = owner_scope(b.account.hex)
    parked: list[int] = []
    while True:
        more = client.pull_once(scope, SyncReport())
        with b.session() as session:
            parked.append(session.execute(text("SELECT count(*) FROM sync_parked")).scalar_one())
        if not more:
            break
    assert max(parked) == 1 and parked[-1] == 0
    assert_converged([a, b])


def test_an_entry_added_to_a_playlist_deleted_elsewhere_goes_with_it(
    make_replica: MakeReplica, hub: MemoryHub
) -> None:
    a, b = make_replica("a"), make_replica("b")
    with a.session() as session:
        track = add_track(session, "Vitamina")
        playlist = Playlist(name="Gig")
        session.add(playlist)
        session.flush()
        playlist_id, track_id = playlist.id, track.id
    sync_all([a, b], hub)
    with a.session() as session:
        session.execute(text("DELETE FROM playlists"))
    with b.session() as session:
        session.add(PlaylistEntry(playlist_id=playlist_id, track_id=track_id, position_key="a0"))
    sync_all([a, b], hub)
    state = assert_converged([a, b])
    assert state["playlists"] == {} and state["playlist_entries"] == {}
    assert not [key for key in hub.alive_rows() if key[0] == "playlist_entries"]


def test_concurrent_reorders_never_lose_or_duplicate_an_entry(
    make_replica: MakeReplica, hub: MemoryHub
) -> None:
    a, b = make_replica("a"), make_replica("b")
    with a.session() as session:
        tracks = [add_track(session, f"t{index}") for index in range(5)]
        playlist = Playlist(name="Set")
        session.add(playlist)
        session.flush()
        keys: list[str] = []
        for track in tracks:
            keys.append(key_between(keys[-1] if keys else None, None))
            session.add(
                PlaylistEntry(playlist_id=playlist.id, track_id=track.id, position_key=keys[-1])
            )
    sync_all([a, b], hub)

    def order(replica: Replica) -> list[tuple[str, str]]:
        with replica.session() as session:
            rows = session.execute(
                select(PlaylistEntry.id, PlaylistEntry.position_key).order_by(
                    PlaylistEntry.position_key, PlaylistEntry.id
                )
            ).all()
            return [(row[0].hex, row[1]) for row in rows]

    first = order(a)
    with a.session() as session:  # a: the first entry to the end, and one removed
        session.execute(
            text("UPDATE playlist_entries SET position_key = :key WHERE id = :id"),
            {"key": key_between(first[-1][1], None), "id": first[0][0]},
        )
        session.execute(text("DELETE FROM playlist_entries WHERE id = :id"), {"id": first[2][0]})
    with b.session() as session:  # b: the same entry to the middle, another to the front
        session.execute(
            text("UPDATE playlist_entries SET position_key = :key WHERE id = :id"),
            {"key": key_between(first[2][1], first[3][1]), "id": first[0][0]},
        )
        session.execute(
            text("UPDATE playlist_entries SET position_key = :key WHERE id = :id"),
            {"key": key_between(None, first[0][1]), "id": first[4][0]},
        )
    sync_all([a, b], hub)
    assert order(a) == order(b)
    ids = [entry for entry, _key in order(a)]
    assert len(ids) == len(set(ids)) == 4
    assert set(ids) == {entry for entry, _key in first} - {first[2][0]}


def test_an_older_client_is_told_to_update_and_changes_nothing(
    make_replica: MakeReplica,
) -> None:
    a = make_replica("a")
    with a.session() as session:
        add_track(session, "Juanito Alimaña")
        before = snapshot(session), outbox_size(session)
    newer = MemoryHub(schema_versions=("9998", "9999"))
    with pytest.raises(SyncRefusedError) as refused:
        a.client(newer).sync()
    assert refused.value.code == "update_required"
    with a.session() as session:
        assert (snapshot(session), outbox_size(session)) == before


def test_clocks_hours_ahead_are_restamped_by_the_server(
    make_replica: MakeReplica, hub: MemoryHub
) -> None:
    a, b = make_replica("a"), make_replica("b")
    with a.session() as session:
        track_id = add_track(session, "Plástico").id
    sync_all([a, b], hub)
    a.skew_ms = 3 * 3_600_000  # a's clock is three hours fast, and not corrected
    with a.session() as session:
        session.execute(text("UPDATE tracks SET rating = 1"))
    a.client(hub, correct_clock=False).sync()
    with b.session() as session:  # b edits after: without re-stamping, a would win for 3 h
        session.execute(text("UPDATE tracks SET rating = 5"))
    sync_all([b, a], hub)
    assert _track(a, track_id).rating == _track(b, track_id).rating == 5
    assert_converged([a, b])
