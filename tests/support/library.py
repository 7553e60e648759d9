"""Helpers for library tests: folders of real rendered audio, tagged, and store look-ups."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
from mutagen.id3 import (
    COMM,
    ID3,
    TALB,
    TBPM,
    TCON,
    TDRC,
    TIT2,
    TKEY,
    TPE1,
    TPE2,
    TPOS,
    TRCK,
    TSRC,
    Frame,
)
from mutagen.mp3 import MP3
from mutagen.wave import WAVE
from sqlalchemy import select

from museaud.app import App
from museaud.library.importer import ImportOptions, ImportSummary, run_import
from museaud.store.models.library import Track, TrackAnalysis
from tests.support.audio import RenderedCorpus

PIECES = ("c_major_110", "d_minor_128", "fsharp_major_90", "bb_minor_174")


def id3_frames(**tags: str) -> list[Frame]:
    """ID3 frames for tags named title, artist, album, album_artist, genre, year, track, disc,
    isrc, comment, bpm, key."""
    kinds = {
        "title": TIT2,
        "artist": TPE1,
        "album": TALB,
        "album_artist": TPE2,
        "genre": TCON,
        "year": TDRC,
        "track": TRCK,
        "disc": TPOS,
        "isrc": TSRC,
        "bpm": TBPM,
        "key": TKEY,
    }
    return [
        COMM(encoding=3, lang="eng", desc="", text=[value])
        if name == "comment"
        else kinds[name](encoding=3, text=[value])
        for name, value in tags.items()
    ]


def tag_wav(path: Path, **tags: str) -> Path:
    """Write ID3 tags (see id3_frames) into a wav's ID3 chunk."""
    return _tag_id3(WAVE(str(path)), path, tags)


def tag_mp3(path: Path, **tags: str) -> Path:
    """Write ID3 tags (see id3_frames) into an mp3."""
    return _tag_id3(MP3(str(path)), path, tags)


def _tag_id3(audio: WAVE | MP3, path: Path, tags: dict[str, str]) -> Path:
    if audio.tags is None:
        audio.add_tags()
    assert isinstance(audio.tags, ID3)
    for frame in id3_frames(**tags):
        audio.tags.add(frame)
    audio.save()
    return path


def make_library(folder: Path, corpus: RenderedCorpus, pieces: tuple[str, ...] = PIECES) -> Path:
    """A folder with one tagged wav per piece: title '<Piece> Groove', artist 'Test Band'."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, name in enumerate(pieces, start=1):
        target = folder / f"{number:02d} {name}.wav"
        shutil.copyfile(corpus.wav(name), target)
        title = name.replace("_", " ").title() + " Groove"
        tag_wav(target, title=title, artist="Test Band", album="Known Answers", track=str(number))
    return folder


def write_silence(path: Path, seconds: float, sample_rate: int = 8000) -> Path:
    """A mono silent file (FLAC or wav by its name), written a block at a time."""
    block = np.zeros(sample_rate * 60, dtype="int16")
    file_format = "FLAC" if path.suffix == ".flac" else "WAV"
    with soundfile.SoundFile(
        path, "w", samplerate=sample_rate, channels=1, format=file_format, subtype="PCM_16"
    ) as handle:
        left = round(seconds * sample_rate)
        while left > 0:
            handle.write(block[: min(left, len(block))])
            left -= len(block)
    return path


def import_paths(app: App, *paths: Path, workers: int = 2, **options: Any) -> ImportSummary:
    """Run an import of paths into app with a small pool."""
    return run_import(app, ImportOptions(paths=list(paths), workers=workers, **options))


def track_by_path(app: App, path: Path) -> Track:
    """The track row at path (detached, fully loaded)."""
    with app.session() as session:
        track = session.scalars(select(Track).where(Track.path == str(path))).one()
        session.expunge(track)
        return track


def analysis_of(app: App, track_id: uuid.UUID) -> TrackAnalysis | None:
    """The analysis row of a track (detached), if any."""
    with app.session() as session:
        analysis = session.scalars(
            select(TrackAnalysis).where(TrackAnalysis.track_id == track_id)
        ).one_or_none()
        if analysis is not None:
            session.expunge(analysis)
        return analysis


def read_only(store_file: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection to look at the store from outside museaud."""
    return sqlite3.connect(f"file:{store_file}?mode=ro", uri=True, timeout=10)
