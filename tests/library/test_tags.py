"""Tags as files claim them, from each tag format; bad tags never stop anything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mutagen.flac import FLAC
from mutagen.mp4 import MP4, MP4FreeForm
from mutagen.oggvorbis import OggVorbis
from tests.support.audio import RenderedCorpus
from tests.support.library import tag_mp3, tag_wav

from museaud.library.tags import FileTags, read_tags

EXPECTED = {
    "title": "Night Drive",
    "artist": "Ana Producer",
    "album": "Late Hours",
    "album_artist": "Various",
    "genre": "Deep House",
    "year": 2023,
    "track_number": 4,
    "disc_number": 2,
    "isrc": "USRC17607839",
    "comment": "main mix",
    "tag_bpm": 122.0,
    "tag_key": "Am",
}


def _assert_expected(tags: FileTags) -> None:
    assert tags.problem is None
    assert {name: getattr(tags, name) for name in EXPECTED} == EXPECTED
    assert tags.duration_s is not None and tags.duration_s > 10
    assert tags.sample_rate == 44100 and tags.channels == 2


def test_id3_in_a_wav(tmp_path: Path, rendered_corpus: RenderedCorpus) -> None:
    path = shutil.copyfile(rendered_corpus.wav("c_major_110"), tmp_path / "a.wav")
    tag_wav(
        path,
        title="Night Drive",
        artist="Ana Producer",
        album="Late Hours",
        album_artist="Various",
        genre="Deep House",
        year="2023-06-01",
        track="4/12",
        disc="2/2",
        isrc="USRC17607839",
        comment="main mix",
        bpm="122",
        key="Am",
    )
    _assert_expected(read_tags(path))


def test_id3_in_an_mp3(tmp_path: Path, rendered_corpus: RenderedCorpus) -> None:
    path = shutil.copyfile(rendered_corpus.copy("c_major_110", "mp3"), tmp_path / "a.mp3")
    tag_mp3(
        path,
        title="Night Drive",
        artist="Ana Producer",
        album="Late Hours",
        album_artist="Various",
        genre="Deep House",
        year="2023",
        track="4",
        disc="2",
        isrc="USRC17607839",
        comment="main mix",
        bpm="122",
        key="Am",
    )
    _assert_expected(read_tags(path))


def test_vorbis_comments_in_flac_and_ogg(tmp_path: Path, rendered_corpus: RenderedCorpus) -> None:
    comments = {
        "TITLE": "Night Drive",
        "ARTIST": "Ana Producer",
        "ALBUM": "Late Hours",
        "ALBUMARTIST": "Various",
        "GENRE": "Deep House",
        "DATE": "2023",
        "TRACKNUMBER": "04",
        "DISCNUMBER": "2/2",
        "ISRC": "USRC17607839",
        "COMMENT": "main mix",
        "BPM": "122.0",
        "INITIALKEY": "Am",
    }
    for extension, kind in (("flac", FLAC), ("ogg", OggVorbis)):
        path = shutil.copyfile(
            rendered_corpus.copy("c_major_110", extension), tmp_path / f"a.{extension}"
        )
        audio = kind(str(path))
        for key, value in comments.items():
            audio[key] = value
        audio.save()
        _assert_expected(read_tags(path))


def test_mp4_atoms_in_m4a(tmp_path: Path, rendered_corpus: RenderedCorpus) -> None:
    path = shutil.copyfile(rendered_corpus.copy("c_major_110", "m4a"), tmp_path / "a.m4a")
    audio = MP4(str(path))
    audio["\xa9nam"] = "Night Drive"
    audio["\xa9ART"] = "Ana Producer"
    audio["\xa9alb"] = "Late Hours"
    audio["aART"] = "Various"
    audio["\xa9gen"] = "Deep House"
    audio["\xa9day"] = "2023"
    audio["trkn"] = [(4, 12)]
    audio["disk"] = [(2, 2)]
    audio["\xa9cmt"] = "main mix"
    audio["tmpo"] = [122]
    audio["----:com.apple.iTunes:ISRC"] = [MP4FreeForm(b"USRC17607839")]
    audio["----:com.apple.iTunes:initialkey"] = [MP4FreeForm(b"Am")]
    audio.save()
    _assert_expected(read_tags(path))


def test_nonsense_values_are_dropped_not_stored(
    tmp_path: Path, rendered_corpus: RenderedCorpus
) -> None:
    path = shutil.copyfile(rendered_corpus.wav("c_major_110"), tmp_path / "a.wav")
    tag_wav(path, title="  \x00 ", year="20245", bpm="fast", track="B-side", key="x" * 40)
    tags = read_tags(path)
    assert tags.problem is None
    assert (tags.title, tags.year, tags.tag_bpm, tags.track_number) == (None, None, None, None)
    assert tags.tag_key == "x" * 20  # cut to the column's length
    tag_wav(path, bpm="1200", year="0999")  # beyond any tempo, before any record
    assert (read_tags(path).tag_bpm, read_tags(path).year) == (None, None)


@pytest.mark.parametrize(
    "content",
    [b"", b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + b"\xff" * 100, b"RIFF\x10\x00\x00\x00WAVEjunk"],
)
def test_broken_files_give_a_problem_not_an_exception(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.mp3"
    path.write_bytes(content)
    tags = read_tags(path)
    assert tags.problem
    assert tags.title is None and tags.duration_s is None


def test_a_missing_file_gives_a_problem(tmp_path: Path) -> None:
    assert read_tags(tmp_path / "gone.wav").problem
