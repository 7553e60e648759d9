"""Finding audio files under folders: a walk that stats each file once and opens none.

The walk follows symbolic links (people link sample packs into their music folder) but never
enters a folder twice: folders are remembered by (device, inode), so a link back to a parent is
reported as a loop instead of walked forever. Folders that cannot be listed and files that cannot
be stat'ed are reported as problems and the walk goes on; the folders are kept in `unscanned`,
so the import does not take their tracks for missing.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

AUDIO_FORMATS: dict[str, str] = {
    ".wav": "wav",
    ".aiff": "aiff",
    ".aif": "aiff",
    ".flac": "flac",
    ".mp3": "mp3",
    ".ogg": "ogg",
    ".oga": "ogg",
    ".opus": "opus",
    ".m4a": "m4a",
}
"""File name ending (lower case) -> the track's `file_format`."""

LOOP_REASON = "symlink loop: a link to a folder already scanned (a loop or a second link)"


def audio_format(name: str) -> str | None:
    """The file format a file name says (any case: 'Kick.WAV' is wav), or None if not audio."""
    dot = name.rfind(".")
    if dot <= 0:
        return None
    return AUDIO_FORMATS.get(name[dot:].lower())


@dataclass(frozen=True, slots=True)
class Candidate:
    """An audio file found by the walk, with what stat said about it."""

    path: str
    size: int
    mtime_ns: int
    file_format: str
    linked: bool = False  # reached through a symbolic link (to the file or a folder above it)
    file_id: tuple[int, int] = (0, 0)  # (device, inode): a file has one, whatever its names


@dataclass(frozen=True, slots=True)
class ScanProblem:
    """Something the walk could not look at, and why."""

    path: str
    reason: str


def _reason(error: OSError, path: str) -> str:
    if error.errno == errno.ELOOP:
        return "symlink loop: the link points back at itself"
    if error.errno == errno.ENOENT:
        if os.path.islink(path):
            return "broken link: its target does not exist"
        return "no such file or folder"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return error.strerror or str(error)


def _file_id(info: os.stat_result) -> tuple[int, int]:
    return (info.st_dev, info.st_ino)


def is_under(path: str, folder: str) -> bool:
    """True when path is folder itself or lies somewhere below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass
class FolderScan:
    """A walk over root folders (or single files): iterate it for the audio files found.

    `problems` and `unscanned` fill in as the iteration goes; `cancelled` is set when `cancel`
    stopped the walk early (then the walk is incomplete and nothing may be taken as missing).
    """

    paths: Sequence[str | Path]
    cancel: threading.Event | None = None
    roots: list[str] = field(init=False)
    problems: list[ScanProblem] = field(default_factory=list, init=False)
    unscanned: list[str] = field(default_factory=list, init=False)
    cancelled: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        # realpath: the same folder reached by two spellings is one library
        self.roots = [os.path.realpath(os.path.expanduser(str(path))) for path in self.paths]

    def __iter__(self) -> Iterator[Candidate]:
        visited: set[tuple[int, int]] = set()
        for root in self.roots:
            try:
                info = os.stat(root)
            except OSError as error:
                self.problems.append(ScanProblem(root, f"cannot open: {_reason(error, root)}"))
                self.unscanned.append(root)
                continue
            if stat.S_ISDIR(info.st_mode):
                yield from self._walk(root, visited)
            elif stat.S_ISREG(info.st_mode):
                file_format = audio_format(os.path.basename(root))
                if file_format is None:
                    self.problems.append(
                        ScanProblem(root, "not an audio file museaud reads (by its name)")
                    )
                    continue
                yield Candidate(
                    root, info.st_size, info.st_mtime_ns, file_format, False, _file_id(info)
                )
            else:
                self.problems.append(ScanProblem(root, "neither a folder nor a regular file"))

    def _walk(self, root: str, visited: set[tuple[int, int]]) -> Iterator[Candidate]:
        stack = [(root, False)]
        while stack:
            if self.cancel is not None and self.cancel.is_set():
                self.cancelled = True
                return
            folder, linked = stack.pop()
            try:
                info = os.stat(folder)
            except OSError as error:
                self.problems.append(
                    ScanProblem(folder, f"cannot open folder: {_reason(error, folder)}")
                )
                self.unscanned.append(folder)
                continue
            identity = (info.st_dev, info.st_ino)
            if identity in visited:
                self.problems.append(ScanProblem(folder, LOOP_REASON))
                continue
            visited.add(identity)
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError as error:
                self.problems.append(
                    ScanProblem(folder, f"cannot list folder: {_reason(error, folder)}")
                )
                self.unscanned.append(folder)
                continue
            subfolders: list[tuple[str, bool]] = []
            for entry in entries:
                found = self._entry(entry, visited, subfolders, linked)
                if found is not None:
                    yield found
            stack.extend(reversed(subfolders))

    def _entry(
        self,
        entry: os.DirEntry[str],
        visited: set[tuple[int, int]],
        subfolders: list[tuple[str, bool]],
        linked: bool,
    ) -> Candidate | None:
        """One name in a folder: an audio file to yield, a folder to walk, or a problem."""
        file_format = audio_format(entry.name)
        try:
            if entry.is_dir():
                if entry.is_symlink():
                    target = entry.stat()
                    if (target.st_dev, target.st_ino) in visited:
                        self.problems.append(ScanProblem(entry.path, LOOP_REASON))
                        return None
                if file_format is not None:
                    self.problems.append(
                        ScanProblem(
                            entry.path,
                            "a folder named like an audio file: looked inside it as a folder",
                        )
                    )
                subfolders.append((entry.path, linked or entry.is_symlink()))
                return None
            if file_format is None:
                return None
            if entry.is_file():
                info = entry.stat()
                return Candidate(
                    entry.path,
                    info.st_size,
                    info.st_mtime_ns,
                    file_format,
                    linked or entry.is_symlink(),
                    _file_id(info),
                )
            if entry.is_symlink():
                os.stat(entry.path)  # raises the link's problem (loop, broken)
            self.problems.append(ScanProblem(entry.path, "not a regular file"))
        except OSError as error:
            self.problems.append(ScanProblem(entry.path, _reason(error, entry.path)))
        return None
