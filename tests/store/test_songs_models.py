"""Constraints and cascades of projects, songs, lyrics and generation jobs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tests.support.store import add_and_flush, assert_refused, schema_engine

from museaud.store.base import Base, new_id
from museaud.store.models import (
    library,
    patterns,  # noqa: F401 - song_tracks.pattern_id needs its table
)
from museaud.store.models.accounts import User
from museaud.store.models.songs import (
    Document,
    GenerationJob,
    GenerationStep,
    Lyrics,
    LyricsSection,
    Project,
    ProjectCollaborator,
    Song,
    SongTrack,
    VoiceProfile,
)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A real SQLite file, and a fresh PostgreSQL database: the same rules must hold on both."""
    if request.param == "sqlite":
        engine = schema_engine(tmp_path_factory.mktemp("songs") / "t.sqlite")
        yield engine
        engine.dispose()
        return
    server_url: str = request.getfixturevalue("postgres_server_url")
    name = f"songs_{uuid.uuid4().hex}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(server_url.rsplit("/", 1)[0] + f"/{name}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction rolled back at the end."""
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()


def make_lyrics(owner: uuid.UUID, **values: Any) -> Lyrics:
    return Lyrics(id=new_id(), owner_id=owner, content="la la la", **values)


def make_song(owner: uuid.UUID, **values: Any) -> Song:
    values.setdefault("title", "Test Song")
    return Song(id=new_id(), owner_id=owner, **values)


def make_channel(owner: uuid.UUID, song: Song, **values: Any) -> SongTrack:
    values.setdefault("track_type", "drums")
    values.setdefault("track_order", 0)
    return SongTrack(id=new_id(), owner_id=owner, song_id=song.id, **values)


def test_valid_rows_are_accepted(session: Session, owner: uuid.UUID) -> None:
    project = Project(id=new_id(), owner_id=owner, name="EP")
    lyrics = make_lyrics(owner, project_id=project.id)
    song = make_song(owner, project_id=project.id, lyrics_id=lyrics.id, bpm=220, key_note=11)
    add_and_flush(session, project, lyrics, song, make_channel(owner, song, pan=-1, volume=2))
    session.commit()
    stored = session.get(Song, song.id)
    assert stored is not None
    assert stored.generation_status == "draft"
    assert stored.master_volume == 1.0
    assert stored.vocal_pitch_shift == 0


def test_section_order_is_unique_per_lyrics(session: Session, owner: uuid.UUID) -> None:
    lyrics = make_lyrics(owner)
    add_and_flush(session, lyrics)
    first = LyricsSection(
        id=new_id(),
        owner_id=owner,
        lyrics_id=lyrics.id,
        section_type="verse",
        section_order=0,
        content="a",
    )
    second = LyricsSection(
        id=new_id(),
        owner_id=owner,
        lyrics_id=lyrics.id,
        section_type="chorus",
        section_order=0,
        content="b",
    )
    add_and_flush(session, first)
    assert_refused(session, second)


def test_track_order_is_unique_per_song(session: Session, owner: uuid.UUID) -> None:
    song = make_song(owner)
    add_and_flush(session, song, make_channel(owner, song, track_order=1))
    session.commit()
    assert_refused(session, make_channel(owner, song, track_order=1))


def test_collaborator_is_unique_per_project(session: Session, owner: uuid.UUID) -> None:
    project = Project(id=new_id(), owner_id=owner, name="EP")
    add_and_flush(
        session,
        project,
        ProjectCollaborator(id=new_id(), owner_id=owner, project_id=project.id, user_id=owner),
    )
    session.commit()
    assert_refused(
        session,
        ProjectCollaborator(id=new_id(), owner_id=owner, project_id=project.id, user_id=owner),
    )


@pytest.mark.parametrize(
    "values",
    [
        {"bpm": 300},
        {"bpm": 39},
        {"key_note": 12},
        {"scale": "dorian"},
        {"vocal_pitch_shift": 13},
        {"vocal_pitch_shift": -13},
        {"master_volume": 2.5},
        {"audio_quality_score": 1.2},
        {"overall_rating": 0},
        {"play_count": -1},
        {"generation_status": "bogus"},
    ],
    ids=lambda values: "-".join(f"{key}={value}" for key, value in values.items()),
)
def test_song_refuses_bad_values(
    session: Session, owner: uuid.UUID, values: dict[str, Any]
) -> None:
    assert_refused(session, make_song(owner, **values))


@pytest.mark.parametrize(
    "values",
    [
        {"pan": 2},
        {"pan": -1.5},
        {"volume": 2.5},
        {"volume": -0.1},
        {"track_type": "kazoo"},
        {"track_order": -1},
        {"start_s": -1.0},
        {"start_s": 10.0, "end_s": 10.0},
        {"fade_in_s": -0.5},
        {"fade_out_s": -0.5},
    ],
    ids=lambda values: "-".join(f"{key}={value}" for key, value in values.items()),
)
def test_song_track_refuses_bad_values(
    session: Session, owner: uuid.UUID, values: dict[str, Any]
) -> None:
    song = make_song(owner)
    add_and_flush(session, song)
    session.commit()
    assert_refused(session, make_channel(owner, song, **values))


@pytest.mark.parametrize(
    "values",
    [
        {"status": "bogus"},
        {"quality_score": 1.5},
        {"rhyme_score": -0.1},
        {"creativity_score": 2},
        {"coherence_score": -1},
        {"like_count": -1},
    ],
    ids=lambda values: "-".join(f"{key}={value}" for key, value in values.items()),
)
def test_lyrics_refuse_bad_values(
    session: Session, owner: uuid.UUID, values: dict[str, Any]
) -> None:
    assert_refused(session, make_lyrics(owner, **values))


@pytest.mark.parametrize(
    "values",
    [{"section_type": "solo"}, {"section_order": -1}, {"line_count": -2}],
    ids=lambda values: "-".join(f"{key}={value}" for key, value in values.items()),
)
def test_lyrics_section_refuses_bad_values(
    session: Session, owner: uuid.UUID, values: dict[str, Any]
) -> None:
    lyrics = make_lyrics(owner)
    add_and_flush(session, lyrics)
    session.commit()
    values = {"section_type": "verse", "section_order": 0} | values
    assert_refused(
        session,
        LyricsSection(id=new_id(), owner_id=owner, lyrics_id=lyrics.id, content="x", **values),
    )


@pytest.mark.parametrize(
    "row",
    [
        lambda owner: Project(id=new_id(), owner_id=owner, name="P", status="bogus"),
        lambda owner: Project(id=new_id(), owner_id=owner, name="P", key_note=-1),
        lambda owner: Project(id=new_id(), owner_id=owner, name=""),
        lambda owner: VoiceProfile(id=new_id(), name="V", voice_model="m", gender="robot"),
        lambda owner: VoiceProfile(id=new_id(), name="V", voice_model="m", age_range="baby"),
        lambda owner: VoiceProfile(id=new_id(), name="V", voice_model="m", average_rating=6),
        lambda owner: GenerationJob(id=new_id(), owner_id=owner, job_type="lyrics", status="x"),
        lambda owner: GenerationJob(id=new_id(), owner_id=owner, job_type="bogus"),
        lambda owner: GenerationJob(
            id=new_id(), owner_id=owner, job_type="render", progress_percentage=101
        ),
        lambda owner: Document(id=new_id(), owner_id=owner, content="x", chunk_index=-1),
    ],
    ids=[
        "project-status",
        "project-key_note",
        "project-empty-name",
        "voice-gender",
        "voice-age_range",
        "voice-rating",
        "job-status",
        "job-type",
        "job-progress",
        "document-chunk_index",
    ],
)
def test_other_tables_refuse_bad_values(session: Session, owner: uuid.UUID, row: Any) -> None:
    assert_refused(session, row(owner))


def test_built_in_voice_profile_has_no_owner(session: Session) -> None:
    voice = VoiceProfile(id=new_id(), name="Alto", voice_model="formant-synth-v1")
    add_and_flush(session, voice)
    session.commit()
    assert session.get(VoiceProfile, voice.id) is not None


def test_generation_step_number_is_unique_per_job(session: Session, owner: uuid.UUID) -> None:
    job = GenerationJob(id=new_id(), owner_id=owner, job_type="lyrics")
    step = GenerationStep(id=new_id(), owner_id=owner, job_id=job.id, step_name="a", step_number=1)
    add_and_flush(session, job, step)
    session.commit()
    again = GenerationStep(id=new_id(), owner_id=owner, job_id=job.id, step_name="b", step_number=1)
    assert_refused(session, again)


def test_document_vector_key_and_chunk_are_unique(session: Session, owner: uuid.UUID) -> None:
    lyrics = make_lyrics(owner)
    first = Document(
        id=new_id(),
        owner_id=owner,
        lyrics_id=lyrics.id,
        chunk_index=0,
        content="a",
        vector_key="k0",
    )
    add_and_flush(session, lyrics, first)
    session.commit()
    same_chunk = Document(
        id=new_id(), owner_id=owner, lyrics_id=lyrics.id, chunk_index=0, content="b"
    )
    assert_refused(session, same_chunk)
    same_key = Document(id=new_id(), owner_id=owner, content="c", vector_key="k0")
    assert_refused(session, same_key)


@pytest.mark.parametrize("through_orm", [True, False], ids=["orm", "sql"])
def test_deleting_a_song_deletes_its_channels(
    session: Session, owner: uuid.UUID, through_orm: bool
) -> None:
    song = make_song(owner)
    channels = [make_channel(owner, song, track_order=order) for order in range(3)]
    job = GenerationJob(id=new_id(), owner_id=owner, job_type="mixdown", song_id=song.id)
    add_and_flush(session, song, *channels, job)
    session.commit()
    if through_orm:
        session.delete(song)
    else:
        session.execute(delete(Song).where(Song.id == song.id))
    session.commit()
    assert session.scalars(select(SongTrack)).all() == []
    assert session.get(GenerationJob, job.id) is not None
    assert session.scalar(select(GenerationJob.song_id).where(GenerationJob.id == job.id)) is None


@pytest.mark.parametrize("through_orm", [True, False], ids=["orm", "sql"])
def test_deleting_lyrics_unlinks_songs_and_drops_sections(
    session: Session, owner: uuid.UUID, through_orm: bool
) -> None:
    lyrics = make_lyrics(owner)
    song = make_song(owner, lyrics_id=lyrics.id)
    section = LyricsSection(
        id=new_id(),
        owner_id=owner,
        lyrics_id=lyrics.id,
        section_type="verse",
        section_order=0,
        content="la",
    )
    document = Document(id=new_id(), owner_id=owner, lyrics_id=lyrics.id, content="la")
    job = GenerationJob(id=new_id(), owner_id=owner, job_type="lyrics", lyrics_id=lyrics.id)
    add_and_flush(session, lyrics, song, section, document, job)
    session.commit()
    if through_orm:
        session.delete(lyrics)
    else:
        session.execute(delete(Lyrics).where(Lyrics.id == lyrics.id))
    session.commit()
    session.expire_all()
    stored = session.get(Song, song.id)
    assert stored is not None
    assert stored.lyrics_id is None
    assert session.scalars(select(LyricsSection)).all() == []
    assert session.scalars(select(Document)).all() == []
    stored_job = session.get(GenerationJob, job.id)
    assert stored_job is not None
    assert stored_job.lyrics_id is None


@pytest.mark.parametrize("through_orm", [True, False], ids=["orm", "sql"])
def test_deleting_a_project_deletes_its_songs_and_keeps_its_lyrics(
    session: Session, owner: uuid.UUID, through_orm: bool
) -> None:
    project = Project(id=new_id(), owner_id=owner, name="EP")
    lyrics = make_lyrics(owner, project_id=project.id)
    song = make_song(owner, project_id=project.id)
    channel = make_channel(owner, song)
    collaborator = ProjectCollaborator(
        id=new_id(), owner_id=owner, project_id=project.id, user_id=owner
    )
    add_and_flush(session, project, lyrics, song, channel, collaborator)
    session.commit()
    if through_orm:
        session.delete(project)
    else:
        session.execute(delete(Project).where(Project.id == project.id))
    session.commit()
    session.expire_all()
    assert session.scalars(select(Song)).all() == []
    assert session.scalars(select(SongTrack)).all() == []
    assert session.scalars(select(ProjectCollaborator)).all() == []
    stored = session.get(Lyrics, lyrics.id)
    assert stored is not None
    assert stored.project_id is None


def test_deleting_a_voice_profile_unlinks_songs(session: Session, owner: uuid.UUID) -> None:
    voice = VoiceProfile(id=new_id(), name="Alto", voice_model="formant-synth-v1")
    song = make_song(owner, voice_profile_id=voice.id)
    add_and_flush(session, voice, song)
    session.commit()
    session.execute(delete(VoiceProfile).where(VoiceProfile.id == voice.id))
    session.commit()
    session.expire_all()
    assert session.scalar(select(Song.voice_profile_id)) is None


def test_deleting_a_job_deletes_its_steps(session: Session, owner: uuid.UUID) -> None:
    job = GenerationJob(id=new_id(), owner_id=owner, job_type="render")
    steps = [
        GenerationStep(id=new_id(), owner_id=owner, job_id=job.id, step_name=name, step_number=n)
        for n, name in enumerate(["mix", "master"])
    ]
    add_and_flush(session, job, *steps)
    session.commit()
    session.delete(job)
    session.commit()
    assert session.scalars(select(GenerationStep)).all() == []


def test_deleting_the_owner_deletes_everything(session: Session, owner: uuid.UUID) -> None:
    project = Project(id=new_id(), owner_id=owner, name="EP")
    lyrics = make_lyrics(owner, project_id=project.id)
    song = make_song(owner, project_id=project.id, lyrics_id=lyrics.id)
    job = GenerationJob(id=new_id(), owner_id=owner, job_type="mixdown", song_id=song.id)
    add_and_flush(session, project, lyrics, song, make_channel(owner, song), job)
    session.commit()
    session.execute(delete(User).where(User.id == owner))
    session.commit()
    for model in (Project, Lyrics, Song, SongTrack, GenerationJob):
        assert session.scalars(select(model)).all() == [], model.__name__


def test_deleting_a_library_track_unlinks_songs_and_empties_channels(
    session: Session, owner: uuid.UUID
) -> None:
    track = library.Track(
        id=new_id(),
        owner_id=owner,
        path="/music/mix.flac",
        folder="/music",
        file_name="mix.flac",
        file_format="flac",
    )
    song = make_song(owner, final_track_id=track.id, instrumental_track_id=track.id)
    channel = make_channel(owner, song, audio_track_id=track.id)
    add_and_flush(session, track, song, channel)
    session.commit()
    session.execute(delete(library.Track).where(library.Track.id == track.id))
    session.commit()
    session.expire_all()
    stored = session.get(Song, song.id)
    assert stored is not None
    assert (stored.final_track_id, stored.instrumental_track_id) == (None, None)
    stored_channel = session.get(SongTrack, channel.id)
    assert stored_channel is not None
    assert stored_channel.audio_track_id is None
    assert stored_channel.pattern_id is None


def test_song_track_has_one_source_at_most(session: Session, owner: uuid.UUID) -> None:
    track = library.Track(
        id=new_id(),
        owner_id=owner,
        path="/music/congas.wav",
        folder="/music",
        file_name="congas.wav",
        file_format="wav",
    )
    song = make_song(owner)
    add_and_flush(session, track, song)
    session.commit()
    # CHECKs run before foreign keys, so a made-up pattern id is enough to hit the rule
    both = make_channel(owner, song, audio_track_id=track.id, pattern_id=new_id())
    with pytest.raises(IntegrityError, match="one_source_at_most"):
        add_and_flush(session, both)
    session.rollback()
