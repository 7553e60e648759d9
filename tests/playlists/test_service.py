"""Manual playlists on a real store: entries, order, trash, folders, bad input."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, update
from tests.playlists.conftest import MakeTrack

from museaud.app import App
from museaud.playlists import service
from museaud.playlists.errors import PlaylistError
from museaud.store.models.playlists import Playlist, PlaylistEntry, PlaylistFolder


def titles(app: App, playlist_id: uuid.UUID) -> list[str]:
    with app.session() as session:
        return [row["track"]["title"] for row in service.entry_rows(session, playlist_id)]


def keys(app: App, playlist_id: uuid.UUID) -> dict[uuid.UUID, str]:
    with app.session() as session:
        return dict(
            session.execute(
                select(PlaylistEntry.id, PlaylistEntry.position_key).where(
                    PlaylistEntry.playlist_id == playlist_id
                )
            ).all()
        )


@pytest.fixture
def set_list(app: App, make_track: MakeTrack) -> tuple[uuid.UUID, list[uuid.UUID]]:
    tracks = [make_track(name) for name in ("Intro", "Groove", "Peak", "Outro")]
    with app.session() as session:
        playlist = service.create_playlist(session, "Friday set")
        service.add_tracks(session, playlist.id, tracks)
    return playlist.id, tracks


def test_add_keeps_order_and_allows_a_track_twice(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]]
) -> None:
    playlist_id, tracks = set_list
    with app.session() as session:
        service.add_tracks(session, playlist_id, [tracks[1]])  # at the end
        service.add_tracks(session, playlist_id, [tracks[3], tracks[2]], at=1)
    assert titles(app, playlist_id) == [
        "Intro",
        "Outro",
        "Peak",
        "Groove",
        "Peak",
        "Outro",
        "Groove",
    ]


def test_moving_writes_one_key_and_never_renumbers(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]]
) -> None:
    playlist_id, _ = set_list
    before = keys(app, playlist_id)
    with app.session() as session:
        last, first = service.entry_ids_at(session, playlist_id, [4, 1])
        service.move_entry(session, playlist_id, last, 0)  # to the top
    assert titles(app, playlist_id) == ["Outro", "Intro", "Groove", "Peak"]
    after = keys(app, playlist_id)
    assert [entry for entry in before if before[entry] != after[entry]] == [last]
    with app.session() as session:
        service.move_entry(session, playlist_id, first, None)  # to the bottom
        service.move_entry(session, playlist_id, last, 2)
    assert titles(app, playlist_id) == ["Groove", "Peak", "Outro", "Intro"]


def test_equal_keys_from_two_devices_sort_by_id_and_make_room(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]]
) -> None:
    playlist_id, _ = set_list
    with app.session() as session:
        _, second, third, fourth = service.entry_ids_at(session, playlist_id, [1, 2, 3, 4])
        # two devices inserting at one spot can write the same key; a merge keeps both
        session.execute(
            update(PlaylistEntry).where(PlaylistEntry.id == third).values(position_key="a1")
        )
    ordered = titles(app, playlist_id)
    tied = ["Groove", "Peak"] if second.hex < third.hex else ["Peak", "Groove"]
    assert ordered == ["Intro", *tied, "Outro"]
    with app.session() as session:
        service.move_entry(session, playlist_id, fourth, 2)  # between two tied entries
    after = titles(app, playlist_id)
    assert after[2] == "Outro" and after[:2] == ordered[:2] and after[3] == ordered[2]


def test_remove_and_entry_notes_and_rating(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]]
) -> None:
    playlist_id, _ = set_list
    with app.session() as session:
        second, fourth = service.entry_ids_at(session, playlist_id, [2, 4])
        service.set_entry(session, playlist_id, second, notes="loop the break", rating=5)
        assert service.remove_entries(session, playlist_id, [fourth]) == 1
    with app.session() as session:
        rows = service.entry_rows(session, playlist_id)
    assert [row["track"]["title"] for row in rows] == ["Intro", "Groove", "Peak"]
    assert (rows[1]["notes"], rows[1]["entry_rating"]) == ("loop the break", 5)
    assert [row["position"] for row in rows] == [1, 2, 3]


def test_bad_input_names_what_and_changes_nothing(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]]
) -> None:
    playlist_id, tracks = set_list
    unknown = uuid.uuid4()
    before = keys(app, playlist_id)
    refused = f"no track with id {unknown}; nothing was added"
    with pytest.raises(PlaylistError, match=refused), app.session() as session:
        service.add_tracks(session, playlist_id, [tracks[0], unknown])
    with pytest.raises(PlaylistError, match="no playlist with id"), app.session() as session:
        service.add_tracks(session, uuid.uuid4(), tracks)
    outside = "position 9 is outside the playlist"
    with pytest.raises(PlaylistError, match=outside), app.session() as session:
        service.add_tracks(session, playlist_id, tracks, at=8)
    with pytest.raises(PlaylistError, match="no entry at position 7"), app.session() as session:
        service.entry_ids_at(session, playlist_id, [1, 7])
    with pytest.raises(PlaylistError, match="rating 6 is not 1-5"), app.session() as session:
        (first,) = service.entry_ids_at(session, playlist_id, [1])
        service.set_entry(session, playlist_id, first, rating=6)
    with pytest.raises(PlaylistError, match="needs a name"), app.session() as session:
        service.rename_playlist(session, playlist_id, "  ")
    assert keys(app, playlist_id) == before


def test_rename_duplicate_trash_restore_and_empty(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]]
) -> None:
    playlist_id, _ = set_list
    with app.session() as session:
        service.rename_playlist(session, playlist_id, "  Saturday set ")
        copy = service.duplicate_playlist(session, playlist_id)
        service.delete_playlist(session, playlist_id)
    assert titles(app, copy.id) == titles(app, playlist_id)
    with app.session() as session:
        assert [row.name for row in service.list_playlists(session)] == ["Saturday set copy"]
        assert [row.name for row in service.list_playlists(session, trash=True)] == ["Saturday set"]
        with pytest.raises(PlaylistError, match="in the trash: restore it first"):
            service.add_tracks(session, playlist_id, [])
    with app.session() as session:
        service.restore_playlist(session, playlist_id)
        listed = {row.name: row for row in service.list_playlists(session)}
    assert listed["Saturday set"].entry_count == 4 and listed["Saturday set"].duration_s == 4.0
    with app.session() as session:
        service.delete_playlist(session, copy.id)
        assert service.empty_trash(session) == 1
    with app.session() as session:
        assert session.get(Playlist, copy.id) is None
        assert session.scalar(select(func.count()).select_from(PlaylistEntry)) == 4


def test_folders_hold_playlists_and_deleting_one_moves_them_up(
    app: App, set_list: tuple[uuid.UUID, list[uuid.UUID]]
) -> None:
    playlist_id, _ = set_list
    with app.session() as session:
        gigs = service.create_folder(session, "Gigs")
        summer = service.create_folder(session, "Summer", parent_id=gigs.id)
        service.put_in_folder(session, playlist_id, summer.id)
        rooftop = service.create_playlist(session, "Rooftop", folder_id=summer.id)
    with app.session() as session:
        service.delete_folder(session, summer.id)
    with app.session() as session:
        assert session.get(Playlist, playlist_id).folder_id == gigs.id  # type: ignore[union-attr]
        assert session.get(Playlist, rooftop.id).folder_id == gigs.id  # type: ignore[union-attr]
        assert [folder.name for folder in service.list_folders(session)] == ["Gigs"]
        with pytest.raises(PlaylistError, match="no playlist folder with id"):
            service.put_in_folder(session, playlist_id, summer.id)
        assert session.get(PlaylistFolder, gigs.id) is not None
