"""The work done on one file in a worker process: stat, tags, content hash and analysis.

Imports nothing of the store, so a worker process stays small and forks fast. Every failure of a
file becomes a `FileOutcome` with a reason, never an exception: the import goes on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from museaud.analysis import AnalysisError, AnalysisResult, analyze_file
from museaud.analysis.decode import refuse_short_pcm
from museaud.library.identity import content_hash
from museaud.library.lengths import format_length
from museaud.library.tags import FileTags, read_tags
from museaud.logs import configure_worker

PARENT_POLL_S = 0.5

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileJob:
    """One file to read and analyse, for the track row `track_id` (hex)."""

    track_id: str
    path: str
    want_hash: bool
    longest_s: float
    analysed_s: float


@dataclass(frozen=True, eq=False)
class FileOutcome:
    """What became of one file: tags and analysis, or the reason it failed."""

    job: FileJob
    size: int | None = None
    mtime_ns: int | None = None
    content_hash: str | None = None
    tags: FileTags | None = None
    analysis: AnalysisResult | None = None
    error: str | None = None


def too_long(length_s: float, longest_s: float) -> str:
    """The reason given for a file longer than the longest track analysed."""
    return (
        f"{format_length(length_s)} long: longer than the {format_length(longest_s)} museaud "
        "analyses as one track (a DJ set or a recording? split it into tracks)"
    )


def process_file(job: FileJob) -> FileOutcome:
    """Stat, read tags, hash (when asked) and analyse one file."""
    try:
        info = os.stat(job.path)
    except OSError as error:
        return FileOutcome(job, error=f"cannot open: {error.strerror or error}")
    size, mtime_ns = info.st_size, info.st_mtime_ns
    try:
        with open(job.path, "rb"):
            pass
    except OSError as error:
        return FileOutcome(job, size, mtime_ns, error=f"cannot read: {error.strerror or error}")
    tags = read_tags(job.path)
    try:
        digest = content_hash(job.path) if job.want_hash else None
    except OSError as error:
        return FileOutcome(job, size, mtime_ns, tags=tags, error=f"cannot read: {error}")
    if tags.duration_s is not None and tags.duration_s > job.longest_s:
        try:
            refuse_short_pcm(Path(job.path))  # a header that lies is no long recording
        except AnalysisError as error:
            return FileOutcome(job, size, mtime_ns, digest, tags, error=error.reason)
        return FileOutcome(
            job, size, mtime_ns, digest, tags, error=too_long(tags.duration_s, job.longest_s)
        )
    try:
        analysis = analyze_file(Path(job.path), max_duration_s=job.analysed_s)
    except AnalysisError as error:
        return FileOutcome(job, size, mtime_ns, digest, tags, error=error.reason)
    except MemoryError:
        return FileOutcome(job, size, mtime_ns, digest, tags, error="out of memory analysing it")
    except Exception as error:  # an analyser bug on one file must not stop the import
        logger.exception("analysing %s failed", job.path)
        reason = f"analysis failed: {type(error).__name__}: {error}"
        return FileOutcome(job, size, mtime_ns, digest, tags, error=reason)
    if analysis.duration_s > job.longest_s:
        return FileOutcome(
            job, size, mtime_ns, digest, tags, error=too_long(analysis.duration_s, job.longest_s)
        )
    return FileOutcome(job, size, mtime_ns, digest, tags, analysis)


def init_worker(parent_pid: int, log_path: str | None) -> None:
    """Set up a worker process: Ctrl-C is the parent's to handle, and the worker ends with it.

    Decoders print notes on the C-level stderr; with `log_path` they go there instead of through
    the progress bar. Python's logging goes to museaud's log file, as the parent's does. A worker
    whose parent was killed (kill -9) exits within half a second.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_worker()
    logger.debug("analysis worker started for parent %d", parent_pid)
    if log_path is not None:
        with contextlib.suppress(OSError):
            log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(log, 2)
            os.close(log)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()


def _exit_with_parent(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_POLL_S)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass  # the pid exists (another user's now): keep going
