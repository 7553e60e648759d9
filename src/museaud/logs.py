"""Logging for every museaud process: one rotating file in the user's log folder.

`configure` runs once when museaud starts (the CLI calls it for every command, the GUI included).
It exports the file and level in the environment, so child processes (analysis workers, the audio
process) call `configure_worker` and append to the same file. Only the main process rotates it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from museaud.paths import Paths

LOG_NAME = "museaud.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 5
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_LEVEL = "INFO"
FILE_ENV = "MUSEAUD_LOG_FILE"
LEVEL_ENV = "MUSEAUD_LOG_LEVEL"
FILE_FORMAT = "%(asctime)s %(levelname)s %(processName)s[%(process)d] %(name)s: %(message)s"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogSetup:
    """Where this process's messages go: `file` is None when it could not be written."""

    file: Path | None
    level: str
    problem: str | None = None


@dataclass
class _Active:
    """What this process's set-up installed, so that it can be replaced or removed."""

    setup: LogSetup | None = None
    handlers: list[logging.Handler] = field(default_factory=list)


_active = _Active()


class _Console(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at the time (tests swap it), in one short line."""

    def __init__(self, *, level: str, tracebacks: bool = False) -> None:
        super().__init__()
        self.setLevel(level)
        self.tracebacks = tracebacks

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """The stream is always the current sys.stderr."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"museaud: {record.levelname.lower()}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            if self.tracebacks:
                return f"{text}\n{logging.Formatter().formatException(record.exc_info)}"
            error = record.exc_info[1]
            text += f" ({type(error).__name__}: {error})"
        return text


def log_file(paths: Paths) -> Path:
    """The log file of the installation at paths."""
    return paths.log_dir / LOG_NAME


def level_name(level: str | None) -> str:
    """A level from LEVELS, upper-cased (None: the default); ValueError for anything else."""
    name = (level or DEFAULT_LEVEL).upper()
    if name not in LEVELS:
        raise ValueError(f"log level {level!r} is not one of {', '.join(LEVELS)}")
    return name


def current() -> LogSetup | None:
    """This process's set-up, or None before `configure` or `configure_worker`."""
    return _active.setup


def reset() -> None:
    """Remove the handlers this module added (tests; a second `configure`)."""
    root = logging.getLogger()
    for handler in _active.handlers:
        root.removeHandler(handler)
        handler.close()
    _active.handlers.clear()
    _active.setup = None


def _install(handlers: list[logging.Handler], setup: LogSetup) -> LogSetup:
    reset()
    root = logging.getLogger()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(setup.level)
    _active.handlers.extend(handlers)
    _active.setup = setup
    return setup


def configure(
    paths: Paths, level: str | None = None, *, verbose: bool = False, console: bool = True
) -> LogSetup:
    """Log to the rotating file in the user's log folder at level (DEBUG if verbose).

    With console, warnings (everything, with tracebacks, if verbose) also go to stderr. A log
    folder that cannot be written leaves stderr only, with one warning. Calling again replaces
    the handlers of the first call.
    """
    name = "DEBUG" if verbose else level_name(level)
    path = log_file(paths)
    handlers: list[logging.Handler] = []
    problem = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        rotating = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError as error:
        problem = f"cannot write the log file {path} ({error.strerror or error})"
    else:
        rotating.setFormatter(logging.Formatter(FILE_FORMAT))
        handlers.append(rotating)
    if console or problem:
        handlers.append(_Console(level="DEBUG" if verbose else "WARNING", tracebacks=verbose))
    setup = _install(handlers, LogSetup(None if problem else path, name, problem))
    if problem:
        os.environ.pop(FILE_ENV, None)
        log.warning("%s; messages go to stderr", problem)
    else:
        os.environ[FILE_ENV] = str(path)
    os.environ[LEVEL_ENV] = name
    return setup


def configure_worker(log_file: str | Path | None = None, level: str | None = None) -> LogSetup:
    """Append a child process's messages to the parent's log file, never rotating it.

    Defaults come from the environment the parent's `configure` exported. Each record is one
    append (O_APPEND) of a short line, so processes writing at once do not overwrite each other;
    the file is reopened when the main process has rotated it. No file: warnings on stderr.
    """
    file = log_file if log_file is not None else os.environ.get(FILE_ENV) or None
    name = level_name(level or os.environ.get(LEVEL_ENV))
    if file is None:
        return _install([_Console(level="WARNING")], LogSetup(None, name, "no log file given"))
    try:
        handler = logging.handlers.WatchedFileHandler(file, mode="a", encoding="utf-8")
    except OSError as error:
        problem = f"cannot write the log file {file} ({error.strerror or error})"
        return _install([_Console(level="WARNING")], LogSetup(None, name, problem))
    handler.setFormatter(logging.Formatter(FILE_FORMAT))
    setup = _install([handler], LogSetup(Path(file), name))
    log.debug("a child process appends to %s", file)
    return setup
