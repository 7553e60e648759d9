"""One valid row for every table of museaud.store.models.songs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from museaud.store.base import new_id
from museaud.store.models.songs import (
    Document,
    GenerationJob,
    GenerationStep,
    Lyrics,
    LyricsSection,
    Project,
    ProjectCollaborator,
    ProjectPattern,
    Song,
    SongClip,
    SongEdit,
    SongMarker,
    SongTrack,
    VoiceProfile,
)

LYRICS_TEXT = (
    "Neon on the river, the city hums in time\n"
    "Every step I take is falling into rhyme\n\n"
    "Dance until the morning, hold the night in line\n"
    "Dance until the morning, your heartbeat next to mine"
)


def rows(ctx: dict[str, Any]) -> list[Any]:
    """Projects, lyrics, a voice, a song with a mixer channel, a job with a step, a document."""
    owner = ctx["users"].id
    track = ctx["tracks"].id
    pattern = ctx["patterns"].id
    started = datetime(2024, 5, 4, 20, 15, tzinfo=UTC)

    project = Project(
        id=new_id(),
        owner_id=owner,
        name="Night Market EP",
        description="Four salsa-pop songs built on the 2-3 clave.",
        image_path="projects/night-market/cover.png",
        original_track_id=track,
        original_audio_analysis={"bpm": 96.0, "key": "A minor", "energy": 0.72},
        key_note=9,
        scale="minor",
        tempo_bpm=96.0,
        time_signature="4/4",
        style_tags=["salsa", "pop", "latin"],
        is_public=False,
        collaboration_settings={"allow_comments": True},
        status="active",
        folder_path="/Music/Projects/Night Market",
        last_accessed_at=started,
    )
    collaborator = ProjectCollaborator(
        id=new_id(),
        owner_id=owner,
        project_id=project.id,
        user_id=owner,
        permission="edit",
    )
    lyrics = Lyrics(
        id=new_id(),
        owner_id=owner,
        title="Dance Until the Morning",
        content=LYRICS_TEXT,
        structure={"sections": ["verse", "chorus"]},
        genre="latin pop",
        mood="joyful",
        theme="a night out",
        language="en",
        prompt="an upbeat song about dancing through the night",
        generation_params={"rhyme_scheme": "AABB"},
        model_used="museaud-rhyme-1",
        generation_time_s=1.4,
        quality_score=0.82,
        rhyme_score=0.9,
        creativity_score=0.7,
        coherence_score=0.85,
        status="completed",
        is_public=False,
        view_count=3,
        like_count=1,
        published_at=None,
        project_id=project.id,
    )
    section = LyricsSection(
        id=new_id(),
        owner_id=owner,
        lyrics_id=lyrics.id,
        section_type="chorus",
        section_order=1,
        content="Dance until the morning, hold the night in line\n"
        "Dance until the morning, your heartbeat next to mine",
        rhyme_scheme="AA",
        line_count=2,
        syllable_count=24,
        generation_attempts=1,
        refinement_count=2,
    )
    voice = VoiceProfile(
        id=new_id(),
        owner_id=owner,
        name="Warm Tenor",
        description="A bright tenor with a soft vibrato.",
        voice_model="formant-synth-v1",
        gender="male",
        age_range="adult",
        accent="caribbean",
        language="es",
        base_pitch_hz=146.8,
        pitch_range={"low_hz": 110.0, "high_hz": 440.0},
        timbre_profile={"brightness": 0.6, "breathiness": 0.2},
        model_parameters={"vibrato_rate_hz": 5.5},
        sample_track_id=track,
        is_available=True,
        is_premium=False,
        usage_count=4,
        average_rating=4.5,
        rating_count=2,
    )
    song = Song(
        id=new_id(),
        owner_id=owner,
        project_id=project.id,
        lyrics_id=lyrics.id,
        title="Dance Until the Morning",
        artist_name="Los Nocturnos",
        genre="latin pop",
        mood="joyful",
        bpm=96,
        key_note=9,
        scale="minor",
        time_signature="4/4",
        duration_s=212.5,
        voice_profile_id=voice.id,
        music_style="salsa",
        vocal_pitch_shift=-2,
        vocal_effects={"reverb": 0.3, "delay_ms": 250},
        music_params={"clave": "2-3"},
        final_track_id=track,
        vocal_track_id=None,
        instrumental_track_id=track,
        master_volume=0.9,
        audio_quality_score=0.8,
        mixing_quality_score=0.75,
        overall_rating=4.0,
        play_count=12,
        download_count=1,
        share_count=0,
        like_count=2,
        generation_status="completed",
        is_public=False,
        completed_at=started + timedelta(minutes=3),
        published_at=None,
    )
    channel = SongTrack(
        id=new_id(),
        owner_id=owner,
        song_id=song.id,
        track_name="Congas",
        track_type="percussion",
        track_order=0,
        audio_track_id=None,
        pattern_id=pattern,
        volume=0.8,
        pan=-0.3,
        eq_settings={"low_gain_db": -2.0, "high_gain_db": 1.5},
        effects=[{"type": "compressor", "ratio": 3.0}],
        start_s=4.0,
        end_s=200.0,
        fade_in_s=0.5,
        fade_out_s=2.0,
        is_muted=False,
        is_solo=False,
    )
    job = GenerationJob(
        id=new_id(),
        owner_id=owner,
        job_type="mixdown",
        song_id=song.id,
        lyrics_id=lyrics.id,
        voice_profile_id=voice.id,
        input_prompt=None,
        input_params={"format": "flac", "sample_rate": 48000},
        genre="latin pop",
        mood="joyful",
        theme="a night out",
        custom_structure={"sections": ["verse", "chorus", "verse", "chorus"]},
        status="completed",
        current_stage="mastering",
        progress_percentage=100,
        agent_steps=[{"stage": "mixing"}, {"stage": "mastering"}],
        iterations=1,
        total_time_s=18.2,
        stage_times_s={"mixing": 12.1, "mastering": 6.1},
        error_message=None,
        retry_count=0,
        started_at=started,
        completed_at=started + timedelta(seconds=18.2),
    )
    step = GenerationStep(
        id=new_id(),
        owner_id=owner,
        job_id=job.id,
        step_name="mixing",
        step_number=1,
        input_state={"channels": 1},
        output_state={"peak_db": -1.0},
        execution_time_s=12.1,
        tokens_used=None,
        model_used=None,
        status="success",
        error_message=None,
    )
    document = Document(
        id=new_id(),
        owner_id=owner,
        lyrics_id=lyrics.id,
        chunk_index=0,
        title="Dance Until the Morning (chunk 1)",
        content=LYRICS_TEXT,
        genre="latin pop",
        mood="joyful",
        artist="Los Nocturnos",
        album="Night Market EP",
        year=2024,
        language="en",
        tags=["dance", "night"],
        custom_metadata={"word_count": 38},
        vector_key=f"lyrics:{lyrics.id}:0",
        embedding_model="all-MiniLM-L6-v2",
        is_indexed=True,
        indexed_at=started,
    )

    ctx["projects"] = project
    ctx["project_collaborators"] = collaborator
    ctx["lyrics"] = lyrics
    ctx["lyrics_sections"] = section
    ctx["voice_profiles"] = voice
    ctx["songs"] = song
    ctx["song_tracks"] = channel
    ctx["generation_jobs"] = job
    ctx["generation_steps"] = step
    ctx["documents"] = document
    clip = SongClip(
        id=new_id(),
        owner_id=owner,
        song_track_id=channel.id,
        name="verse",
        start_beat=16.0,
        length_beats=32.0,
        pattern_id=pattern,
        source_offset_s=0.0,
        gain=0.9,
        fade_in_s=0.5,
        fade_out_s=0.0,
    )
    marker = SongMarker(
        id=new_id(),
        owner_id=owner,
        song_id=song.id,
        beat=16.0,
        section_type="verse",
        name="Verse 1",
    )
    edit = SongEdit(
        id=new_id(),
        owner_id=owner,
        song_id=song.id,
        position=0,
        description="add clip",
        changes=[["song_clips", str(clip.id), None, {"start_beat": 16.0}]],
    )
    kept = ProjectPattern(id=new_id(), owner_id=owner, project_id=project.id, pattern_id=pattern)
    return [
        project,
        collaborator,
        lyrics,
        section,
        voice,
        song,
        channel,
        job,
        step,
        document,
        clip,
        marker,
        edit,
        kept,
    ]
