"""What a file's tags say: title, artist, album, … and the BPM and key the file claims.

Read with mutagen from ID3 (mp3, wav, aiff), Vorbis comments (flac, ogg, opus) and MP4 atoms
(m4a). Tags are what someone typed, so every value is cleaned (trimmed, cut to the column's
length, numbers parsed leniently, out-of-range values dropped) and a file whose tags cannot be
read yields empty tags with the reason in `problem`: bad tags never stop an import.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import mutagen
from mutagen.id3 import ID3
from mutagen.mp4 import MP4FreeForm, MP4Tags

TEXT_LIMITS = {
    "title": 500,
    "artist": 500,
    "album": 500,
    "album_artist": 500,
    "genre": 100,
    "isrc": 20,
    "comment": 4000,
    "tag_key": 20,
}
"""Longest text kept per field (the store's column sizes)."""

TAG_BPM_RANGE = (1.0, 999.0)

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@dataclass(frozen=True)
class FileTags:
    """The tags and stream facts of one file; None where the file says nothing (usable)."""

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    album_artist: str | None = None
    genre: str | None = None
    year: int | None = None
    track_number: int | None = None
    disc_number: int | None = None
    isrc: str | None = None
    comment: str | None = None
    tag_bpm: float | None = None
    tag_key: str | None = None
    duration_s: float | None = None
    sample_rate: int | None = None
    channels: int | None = None
    bit_rate: int | None = None
    problem: str | None = None
    """Why the tags could not be read, when they could not."""

    def track_columns(self) -> dict[str, Any]:
        """The values for the tracks table's tag columns (stream facts and problem left out)."""
        values = asdict(self)
        for name in ("duration_s", "sample_rate", "channels", "bit_rate", "problem"):
            del values[name]
        return values


def read_tags(path: str | Path) -> FileTags:
    """The tags of the file at path; never raises (a broken file gives `problem` instead)."""
    try:
        audio = mutagen.File(str(path))
    except Exception as error:  # mutagen raises many kinds on damaged files
        return FileTags(problem=f"tags unreadable: {_describe(error)}")
    if audio is None:
        return FileTags(problem="no tag format recognised")
    facts = _stream_facts(getattr(audio, "info", None))
    try:
        values = _tag_values(audio.tags)
    except Exception as error:  # a damaged frame must not lose the stream facts
        return FileTags(problem=f"tags unreadable: {_describe(error)}", **facts)
    return FileTags(**values, **facts)


def _describe(error: Exception) -> str:
    text = str(error).strip()
    return text or type(error).__name__


def _stream_facts(info: Any) -> dict[str, Any]:
    length = _finite(getattr(info, "length", None))
    sample_rate = getattr(info, "sample_rate", None)
    channels = getattr(info, "channels", None)
    bit_rate = getattr(info, "bitrate", None)
    return {
        "duration_s": length if length is not None and length > 0 else None,
        "sample_rate": sample_rate
        if isinstance(sample_rate, int) and 8000 <= sample_rate <= 768000
        else None,
        "channels": channels if isinstance(channels, int) and 1 <= channels <= 64 else None,
        "bit_rate": bit_rate if isinstance(bit_rate, int) and bit_rate > 0 else None,
    }


def _finite(value: object) -> float | None:
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _tag_values(tags: Any) -> dict[str, Any]:
    """Raw tags of any supported kind -> FileTags field values."""
    if tags is None:
        return {}
    if isinstance(tags, ID3):
        raw = _id3_texts(tags)
    elif isinstance(tags, MP4Tags):
        raw = _mp4_texts(tags)
    else:
        raw = _vorbis_texts(tags)
    return {
        "title": _text(raw.get("title"), "title"),
        "artist": _text(raw.get("artist"), "artist"),
        "album": _text(raw.get("album"), "album"),
        "album_artist": _text(raw.get("album_artist"), "album_artist"),
        "genre": _text(raw.get("genre"), "genre"),
        "year": _year(raw.get("year")),
        "track_number": _count(raw.get("track_number")),
        "disc_number": _count(raw.get("disc_number")),
        "isrc": _text(raw.get("isrc"), "isrc"),
        "comment": _text(raw.get("comment"), "comment"),
        "tag_bpm": _bpm(raw.get("tag_bpm")),
        "tag_key": _text(raw.get("tag_key"), "tag_key"),
    }


_ID3_FRAMES = {
    "title": "TIT2",
    "artist": "TPE1",
    "album": "TALB",
    "album_artist": "TPE2",
    "track_number": "TRCK",
    "disc_number": "TPOS",
    "isrc": "TSRC",
    "tag_bpm": "TBPM",
    "tag_key": "TKEY",
}


def _id3_texts(tags: Any) -> dict[str, str]:
    raw: dict[str, str] = {}
    for name, frame_id in _ID3_FRAMES.items():
        frame = tags.get(frame_id)
        if frame is not None and getattr(frame, "text", None):
            raw[name] = str(frame.text[0])
    genre = tags.get("TCON")
    if genre is not None:
        genres = [name for name in genre.genres if name.strip()]
        if genres:
            raw["genre"] = genres[0]
    for frame_id in ("TDRC", "TYER", "TDOR", "TORY"):
        frame = tags.get(frame_id)
        if frame is not None and getattr(frame, "text", None):
            raw["year"] = str(frame.text[0])
            break
    comments = [frame for frame in tags.getall("COMM") if any(str(t).strip() for t in frame.text)]
    if comments:
        # the plain comment (no description) first; iTunes stores technical ones with one
        comments.sort(key=lambda frame: frame.desc != "")
        raw["comment"] = "\n".join(str(text) for text in comments[0].text)
    return raw


_MP4_ATOMS = {
    "title": ("\xa9nam",),
    "artist": ("\xa9ART",),
    "album": ("\xa9alb",),
    "album_artist": ("aART",),
    "genre": ("\xa9gen",),
    "year": ("\xa9day",),
    "comment": ("\xa9cmt",),
    "isrc": ("----:com.apple.iTunes:ISRC",),
    "tag_key": ("----:com.apple.iTunes:initialkey", "----:com.apple.iTunes:KEY"),
}


def _mp4_texts(tags: Any) -> dict[str, str]:
    raw: dict[str, str] = {}
    for name, atoms in _MP4_ATOMS.items():
        for atom in atoms:
            values = tags.get(atom)
            if values:
                value = values[0]
                raw[name] = (
                    bytes(value).decode("utf-8", "replace")
                    if isinstance(value, MP4FreeForm | bytes)
                    else str(value)
                )
                break
    for name, atom in (("track_number", "trkn"), ("disc_number", "disk")):
        pairs = tags.get(atom)
        if pairs and isinstance(pairs[0], tuple) and pairs[0]:
            raw[name] = str(pairs[0][0])
    tempo = tags.get("tmpo")
    if tempo:
        raw["tag_bpm"] = str(tempo[0])
    return raw


_VORBIS_KEYS = {
    "title": ("title",),
    "artist": ("artist",),
    "album": ("album",),
    "album_artist": ("albumartist", "album artist", "album_artist"),
    "genre": ("genre",),
    "year": ("date", "year", "originaldate"),
    "track_number": ("tracknumber",),
    "disc_number": ("discnumber",),
    "isrc": ("isrc",),
    "comment": ("comment", "description"),
    "tag_bpm": ("bpm", "tempo"),
    "tag_key": ("initialkey", "key"),
}


def _vorbis_texts(tags: Any) -> dict[str, str]:
    raw: dict[str, str] = {}
    for name, keys in _VORBIS_KEYS.items():
        for key in keys:
            values = tags.get(key)
            if values:
                raw[name] = str(values[0])
                break
    return raw


def _text(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    cleaned = value.replace("\x00", " ").strip()
    if not cleaned:
        return None
    return cleaned[: TEXT_LIMITS[field]]


def _year(value: str | None) -> int | None:
    if value is None:
        return None
    match = _YEAR.search(value)
    if match is None:
        return None
    year = int(match.group(1))
    return year if 1000 <= year <= 9999 else None


def _count(value: str | None) -> int | None:
    """A track or disc number from '3', '03' or '3/12'."""
    if value is None:
        return None
    match = re.match(r"\s*(\d{1,6})", value)
    return int(match.group(1)) if match else None


def _bpm(value: str | None) -> float | None:
    if value is None:
        return None
    match = _NUMBER.search(value)
    if match is None:
        return None
    bpm = float(match.group(0).replace(",", "."))
    low, high = TAG_BPM_RANGE
    return bpm if low <= bpm <= high else None
