"""One valid row for every table of museaud.store.models.playlists."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from museaud.store.base import new_id
from museaud.store.models.playlists import (
    GeneratedPlaylist,
    Playlist,
    PlaylistCollaborator,
    PlaylistEntry,
    PlaylistFolder,
    PlaylistRecommendation,
    PlaylistTemplate,
)


def rows(ctx: dict[str, Any]) -> list[Any]:
    """A template, a folder, a generated playlist in it with one entry, collaborator and
    recommendation."""
    owner_id = ctx["users"].id
    track_id = ctx["tracks"].id
    template = PlaylistTemplate(
        id=new_id(),
        owner_id=owner_id,
        name="Warm-up, rising energy",
        description="Starts calm and climbs to peak-time energy in compatible keys",
        template_type="energy",
        parameters={"energy_from": 0.3, "energy_to": 0.9, "bpm": [118, 126], "harmonic": True},
        is_system=False,
        is_active=True,
    )
    folder = PlaylistFolder(id=new_id(), owner_id=owner_id, name="Summer gigs", parent_id=None)
    playlist = Playlist(
        id=new_id(),
        owner_id=owner_id,
        name="Summer set 2024",
        description="Two hours for the rooftop party",
        kind="generated",
        is_public=True,
        is_collaborative=True,
        cover_image_path="/home/ana/Pictures/covers/summer-set.jpg",
        folder_id=folder.id,
        deleted_at=None,
        query=None,
        sort_by=None,
        sort_descending=False,
        track_limit=None,
        template_id=template.id,
        play_count=42,
        rating_avg=4.5,
        last_played_at=datetime(2024, 6, 1, 21, 0, tzinfo=UTC),
        published_at=datetime(2024, 5, 20, 12, 0, tzinfo=UTC),
    )
    entry = PlaylistEntry(
        id=new_id(),
        owner_id=owner_id,
        playlist_id=playlist.id,
        track_id=track_id,
        position_key="a0",
        added_by_id=owner_id,
        added_at=datetime(2024, 5, 20, 11, 0, tzinfo=UTC),
        notes="Fade in over the intro",
        rating=5,
        play_count=7,
        last_played_at=datetime(2024, 6, 1, 21, 0, tzinfo=UTC),
    )
    # ctx holds one user, so the sample collaborator is the owner; in use it is someone else
    collaborator = PlaylistCollaborator(
        id=new_id(),
        owner_id=owner_id,
        playlist_id=playlist.id,
        user_id=owner_id,
        permission="admin",
    )
    generated = GeneratedPlaylist(
        id=new_id(),
        owner_id=owner_id,
        template_id=template.id,
        playlist_id=playlist.id,
        generation_parameters={"seed_track_id": str(track_id), "length_min": 120},
        generation_score=0.78,
    )
    recommendation = PlaylistRecommendation(
        id=new_id(),
        owner_id=owner_id,
        playlist_id=playlist.id,
        track_id=track_id,
        recommendation_score=0.92,
        recommendation_reason="Same key (C major) and within 2 BPM of the last track",
        recommendation_type="harmonic",
        status="rejected",
        decided_at=datetime(2024, 6, 2, 10, 0, tzinfo=UTC),
    )
    ctx["playlist_templates"] = template
    ctx["playlist_folders"] = folder
    ctx["playlists"] = playlist
    ctx["playlist_entries"] = entry
    ctx["playlist_collaborators"] = collaborator
    ctx["generated_playlists"] = generated
    ctx["playlist_recommendations"] = recommendation
    return [template, folder, playlist, entry, collaborator, generated, recommendation]
