"""Playlist files: M3U / M3U8 (extended #EXTINF) and PLS, in and out, and export to a folder.

Reading is forgiving: UTF-8 (with or without a BOM) or, for .m3u/.pls that are not UTF-8,
Windows-1252; any line ending; relative paths are taken from the file's folder (Windows
backslashes too); lines that are neither comments nor file names are ignored and counted.
Importing matches each entry to a library track by path, then by artist + title (from the
#EXTINF or PLS title) and a duration within 2 s, and lists the entries it could not match.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any
from urllib.parse import unquote, urlparse

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from museaud.playlists.errors import PlaylistError
from museaud.playlists.service import add_tracks, create_playlist, entry_rows, get_playlist
from museaud.playlists.smart import smart_rows
from museaud.store.models.library import Track

FORMATS = ("m3u", "m3u8", "pls")
DURATION_MATCH_S = 2.0
COPY_CHUNK = 1 << 20
_FILE_NAME = re.compile(r"[^/\\]+\.[A-Za-z0-9]{1,5}$")
_EXTINF = re.compile(r"#EXTINF:\s*(-?[0-9]+(?:\.[0-9]+)?)[^,]*,(.*)$", re.IGNORECASE)
_PLS_LINE = re.compile(r"(File|Title|Length)([0-9]+)\s*=\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class FileEntry:
    """One entry of a playlist file: where it points and what the file says about it."""

    location: str  # as written in the file
    path: Path | None  # absolute, when the location is a local path
    artist: str | None = None
    title: str | None = None
    duration_s: float | None = None

    def label(self) -> str:
        """How to name the entry to a person."""
        if self.title:
            return f"{self.artist} - {self.title}" if self.artist else self.title
        return self.location


@dataclass(frozen=True)
class PlaylistFile:
    """A read playlist file: its entries in order and how many lines were not understood."""

    path: Path
    entries: list[FileEntry]
    ignored_lines: int


@dataclass(frozen=True)
class ImportResult:
    """What importing a playlist file did."""

    playlist_id: uuid.UUID
    name: str
    matched: int
    unmatched: list[FileEntry]
    ignored_lines: int

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready values."""
        return {
            "playlist_id": str(self.playlist_id),
            "name": self.name,
            "matched": self.matched,
            "unmatched": [
                {"location": entry.location, "label": entry.label()} for entry in self.unmatched
            ],
            "ignored_lines": self.ignored_lines,
        }


@dataclass(frozen=True)
class ExportProgress:
    """How far an export to a folder has come."""

    done: int
    total: int
    bytes_done: int
    bytes_total: int
    current: str


@dataclass
class ExportResult:
    """What an export to a folder wrote."""

    folder: Path
    playlist_file: Path | None
    copied: int = 0
    reused: int = 0
    missing: list[str] = field(default_factory=list)
    cancelled: bool = False

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready values."""
        return {
            "folder": str(self.folder),
            "playlist_file": None if self.playlist_file is None else str(self.playlist_file),
            "copied": self.copied,
            "reused": self.reused,
            "missing": self.missing,
            "cancelled": self.cancelled,
        }


def playlist_format(path: Path) -> str:
    """m3u, m3u8 or pls, from the file name."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise PlaylistError(f"{path}: not a playlist file name; use .m3u, .m3u8 or .pls")
    return suffix


# --- reading -------------------------------------------------------------------------------


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if path.suffix.lower() == ".m3u8":
            raise PlaylistError(
                f"{path}: an .m3u8 file must be UTF-8 and this one is not"
            ) from None
        return data.decode("cp1252", errors="replace")


def _location_path(location: str, folder: Path) -> Path | None:
    """The absolute local path a location names, or None (a URL or not a file name)."""
    if any(ord(char) < 32 for char in location):
        return None
    if "://" in location:
        parsed = urlparse(location)
        if parsed.scheme != "file":
            return None
        return Path(unquote(parsed.path))
    if PureWindowsPath(location).drive or location.startswith("\\\\"):
        return Path(location)  # from Windows: matched by tags unless this path exists here
    if not _FILE_NAME.search(location):
        return None
    written = Path(location.replace("\\", "/"))
    return Path(os.path.normpath(written if written.is_absolute() else folder / written))


def _split_label(label: str) -> tuple[str | None, str | None]:
    artist, dash, title = label.partition(" - ")
    if dash:
        return artist.strip() or None, title.strip() or None
    return None, label.strip() or None


def _read_m3u(path: Path, text: str) -> PlaylistFile:
    entries: list[FileEntry] = []
    ignored = 0
    pending: tuple[str | None, str | None, float | None] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.upper().startswith("#EXTINF"):
            info = _EXTINF.match(line)
            if info is None:
                ignored += 1
                pending = None
                continue
            length = float(info.group(1))
            pending = (*_split_label(info.group(2)), length if length >= 0 else None)
            continue
        if line.startswith("#"):
            continue  # a comment or another directive (#EXTM3U, #PLAYLIST, #EXTALB ...)
        located = _location_path(line, path.parent)
        if located is None:
            ignored += 1
            continue
        artist, title, seconds = pending or (None, None, None)
        entries.append(FileEntry(line, located, artist, title, seconds))
        pending = None
    return PlaylistFile(path, entries, ignored)


def _read_pls(path: Path, text: str) -> PlaylistFile:
    found: dict[int, dict[str, str]] = {}
    ignored = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")) or line.lower() == "[playlist]":
            continue
        if re.match(r"(NumberOfEntries|Version)\s*=", line, re.IGNORECASE):
            continue
        known = _PLS_LINE.match(line)
        if known is None:
            ignored += 1
            continue
        found.setdefault(int(known.group(2)), {})[known.group(1).lower()] = known.group(3).strip()
    entries = []
    for number in sorted(found):
        values = found[number]
        location = values.get("file")
        located = None if location is None else _location_path(location, path.parent)
        if location is None or located is None:
            ignored += 1
            continue
        artist, title = _split_label(values.get("title", ""))
        try:
            seconds: float | None = float(values.get("length", "-1"))
        except ValueError:
            seconds = None
        entries.append(
            FileEntry(
                location, located, artist, title, seconds if seconds and seconds > 0 else None
            )
        )
    return PlaylistFile(path, entries, ignored)


def read_playlist_file(path: Path) -> PlaylistFile:
    """Read an M3U, M3U8 or PLS file."""
    kind = playlist_format(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PlaylistError(f"cannot read {path}: {error.strerror or error}") from error
    text = _decode(path, data)
    return _read_pls(path, text) if kind == "pls" else _read_m3u(path, text)


# --- matching and importing ----------------------------------------------------------------


def _normal(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def match_tracks(session: Session, entries: Sequence[FileEntry]) -> list[uuid.UUID | None]:
    """The library track of each entry: by path, else by artist + title with a duration within
    2 s (or the only such track when the file gives no duration); None when not found."""
    paths = [str(entry.path) for entry in entries if entry.path is not None]
    by_path: dict[str, uuid.UUID] = {}
    for start in range(0, len(paths), 500):
        by_path.update(
            session.execute(
                select(Track.path, Track.id).where(Track.path.in_(paths[start : start + 500]))
            ).all()
        )
    titles = {_normal(entry.title) for entry in entries if entry.title}
    by_tags: dict[tuple[str, str], list[tuple[uuid.UUID, float | None]]] = {}
    if titles:
        for track_id, artist, title, duration in session.execute(
            select(Track.id, Track.artist, Track.title, Track.duration_s).where(
                func.lower(Track.title).in_(titles)
            )
        ):
            by_tags.setdefault((_normal(artist), _normal(title)), []).append((track_id, duration))
    matched: list[uuid.UUID | None] = []
    for entry in entries:
        if entry.path is not None and str(entry.path) in by_path:
            matched.append(by_path[str(entry.path)])
            continue
        candidates = by_tags.get((_normal(entry.artist), _normal(entry.title)), [])
        if entry.duration_s is not None:
            candidates = [
                (track, duration)
                for track, duration in candidates
                if duration is not None and abs(duration - entry.duration_s) <= DURATION_MATCH_S
            ]
        matched.append(candidates[0][0] if len(candidates) == 1 else None)
    return matched


def import_playlist_file(session: Session, path: Path, *, name: str | None = None) -> ImportResult:
    """A new manual playlist from a file, with the entries that match library tracks."""
    read = read_playlist_file(path)
    matches = match_tracks(session, read.entries)
    playlist = create_playlist(session, name if name is not None else path.stem)
    found = [track for track in matches if track is not None]
    add_tracks(session, playlist.id, found)
    unmatched = [entry for entry, track in zip(read.entries, matches, strict=True) if track is None]
    return ImportResult(playlist.id, playlist.name, len(found), unmatched, read.ignored_lines)


# --- writing -------------------------------------------------------------------------------


def playlist_tracks(session: Session, playlist_id: uuid.UUID) -> list[dict[str, Any]]:
    """The tracks of any playlist in order (a smart one's as its query finds them now)."""
    playlist = get_playlist(session, playlist_id)
    if playlist.kind == "smart":
        return smart_rows(session, playlist)
    return [row["track"] for row in entry_rows(session, playlist.id)]


def _written_location(track_path: str, folder: Path, relative: bool) -> str:
    if not relative:
        return track_path
    try:
        return Path(os.path.relpath(track_path, folder)).as_posix()
    except ValueError:  # another drive (Windows)
        return track_path


def playlist_text(tracks: Sequence[dict[str, Any]], kind: str, folder: Path, relative: bool) -> str:
    """A playlist file's text for tracks (library rows) with paths relative to folder."""
    lines: list[str] = []
    if kind == "pls":
        lines.append("[playlist]")
        for number, track in enumerate(tracks, start=1):
            lines.append(f"File{number}={_written_location(track['path'], folder, relative)}")
            lines.append(f"Title{number}={_label(track)}")
            lines.append(f"Length{number}={_seconds(track)}")
        lines += [f"NumberOfEntries={len(tracks)}", "Version=2"]
    else:
        lines.append("#EXTM3U")
        for track in tracks:
            lines.append(f"#EXTINF:{_seconds(track)},{_label(track)}")
            lines.append(_written_location(track["path"], folder, relative))
    return "\n".join(lines) + "\n"


def _label(track: dict[str, Any]) -> str:
    title = track["title"] or Path(track["path"]).stem
    return f"{track['artist']} - {title}" if track["artist"] else title


def _seconds(track: dict[str, Any]) -> int:
    return -1 if track["duration_s"] is None else round(track["duration_s"])


def _write_whole(target: Path, text: str) -> None:
    """Write text to target through a temporary name, so no half file is ever left."""
    temporary = target.with_name(f".{target.name}.part")
    try:
        temporary.write_text(text, encoding="utf-8", newline="\n")
        temporary.replace(target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise PlaylistError(f"cannot write {target}: {error.strerror or error}") from error


def export_playlist_file(
    session: Session, playlist_id: uuid.UUID, path: Path, *, relative: bool = True
) -> int:
    """Write a playlist as M3U, M3U8 or PLS (by path's ending); returns how many entries."""
    kind = playlist_format(path)
    tracks = playlist_tracks(session, playlist_id)
    folder = path.parent.resolve()
    _write_whole(path, playlist_text(tracks, kind, folder, relative))
    return len(tracks)


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".museaud-probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise PlaylistError(
            f"cannot write to {folder}: {error.strerror or error}; nothing was exported"
        ) from error


def _copy(
    source: Path, target: Path, cancel: threading.Event | None, moved: Callable[[int], None]
) -> bool:
    """Copy through a temporary name; False (and nothing left) when cancelled."""
    temporary = target.with_name(f".{target.name}.part")
    try:
        with source.open("rb") as reading, temporary.open("wb") as writing:
            while chunk := reading.read(COPY_CHUNK):
                if cancel is not None and cancel.is_set():
                    break
                writing.write(chunk)
                moved(len(chunk))
            else:
                writing.close()
                shutil.copystat(source, temporary)
                temporary.replace(target)
                return True
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise PlaylistError(
            f"cannot copy {source} to {target}: {error.strerror or error}"
        ) from error
    temporary.unlink(missing_ok=True)
    return False


def _target_names(tracks: Sequence[dict[str, Any]]) -> dict[str, str]:
    """A file name in the export folder for each track path (same names numbered)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for track in tracks:
        source = Path(track["path"])
        if track["path"] in names:
            continue
        name, number = source.name, 1
        while name.casefold() in taken:
            number += 1
            name = f"{source.stem} ({number}){source.suffix}"
        taken.add(name.casefold())
        names[track["path"]] = name
    return names


def export_to_folder(
    session: Session,
    playlist_id: uuid.UUID,
    folder: Path,
    *,
    kind: str = "m3u8",
    progress: Callable[[ExportProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> ExportResult:
    """Copy a playlist's files into folder and write a playlist file there with relative paths
    (for a USB stick or DJ software). Files already there with the same size are kept; missing
    files are listed and left out. Cancel stops between chunks: the file being copied is
    removed, the playlist file is not written."""
    if kind not in FORMATS:
        raise PlaylistError(f"playlist format {kind!r} is not one of {', '.join(FORMATS)}")
    playlist = get_playlist(session, playlist_id)
    tracks = playlist_tracks(session, playlist.id)
    _check_writable(folder)
    names = _target_names(tracks)
    result = ExportResult(folder, None)
    present = {path: os.stat(path).st_size for path in names if os.path.isfile(path)}
    result.missing = [path for path in names if path not in present]
    total_bytes = sum(present.values())
    done_bytes = 0

    def moved(count: int) -> None:
        nonlocal done_bytes
        done_bytes += count

    for done, (path, size) in enumerate(present.items()):
        if progress is not None:
            progress(ExportProgress(done, len(present), done_bytes, total_bytes, path))
        target = folder / names[path]
        if target.is_file() and target.stat().st_size == size:
            result.reused += 1
            moved(size)
            continue
        if (cancel is not None and cancel.is_set()) or not _copy(Path(path), target, cancel, moved):
            result.cancelled = True
            return result
        result.copied += 1
    if progress is not None:
        progress(ExportProgress(len(present), len(present), done_bytes, total_bytes, ""))
    copied = [
        {**track, "path": str(folder / names[track["path"]])}
        for track in tracks
        if track["path"] in present
    ]
    safe_name = re.sub(r'[\\/:*?"<>|]', "_", playlist.name).strip() or "playlist"
    result.playlist_file = folder / f"{safe_name}.{kind}"
    _write_whole(result.playlist_file, playlist_text(copied, kind, folder, relative=True))
    return result
