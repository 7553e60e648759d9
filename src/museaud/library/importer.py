"""The import session: folders in, every track read, analysed and stored, with progress.

No UI here: the CLI and the GUI drive `run_import` with a progress callback and a cancel Event.
The work goes in three steps, each leaving the store consistent if the process is killed:

1. Scan. Walk the folders (stat only) and load what the store knows in one query. A file whose
   path, size and mtime match its row is not opened at all, so rescanning an unchanged library
   costs a walk and a set lookup per file.
2. Match. A new path whose content hash and duration match a track whose file is gone takes that
   track's row (a move keeps ratings, play counts and playlist entries); tracks whose files are
   gone are marked missing, never deleted; new files are added as `pending` rows.
3. Analyse. Pending, changed and out-of-date tracks go to worker processes; their results are
   written in batches, one transaction per batch (track, analysis, sections and vector together).
   A killed import leaves whole tracks only, and the next run picks up the pending ones.

One import per store runs at a time (a second waits for the first). A full disk stops the import
cleanly: committed batches stay, and the summary says how much room the rest needs.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from museaud.analysis import DEFAULT_MAX_DURATION_S
from museaud.analytics import AnalysisFrame, recorder
from museaud.library import records
from museaud.library.identity import content_hash, same_duration
from museaud.library.pool import AnalysisPool, default_workers
from museaud.library.records import StoredFile
from museaud.library.scan import Candidate, FolderScan, is_under
from museaud.library.tags import read_tags
from museaud.library.worker import FileJob, FileOutcome
from museaud.store import text
from museaud.store.base import OWNER_KEY, utcnow
from museaud.store.models.library import Track
from museaud.store.session import StoreFullError

log = logging.getLogger(__name__)

FLUSH_S = 1.0  # write a part-filled batch after this long, so the library fills in as it goes
INSERT_CHUNK = 1000
SCAN_REPORT_EVERY = 500
BULK_CHANGES = 500  # tracks added or changed after which the text index and statistics are tidied


@runtime_checkable
class SessionSource(Protocol):
    """What `run_import` needs of an App: sessions for the local profile."""

    @property
    def local_user_id(self) -> uuid.UUID: ...

    def session(self) -> AbstractContextManager[Session]: ...


SessionFactory = Callable[[], AbstractContextManager[Session]]
"""A function opening a transaction whose session.info names the owner of new rows."""


@dataclass(frozen=True)
class ImportOptions:
    """What to import and how: folders (or files), worker processes, limits."""

    paths: Sequence[str | Path]
    workers: int | None = None  # None: one per core
    batch_size: int = 32
    longest_track_s: float = 2 * 3600.0  # longer files get an error, not an analysis
    analysed_s: float = DEFAULT_MAX_DURATION_S  # analysis reads at most this much of a file
    worker_log: Path | None = None  # where decoders' own messages go (None: stderr)


@dataclass(frozen=True)
class ImportFailure:
    """A file or folder that could not be imported, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class ImportProgress:
    """How far an import is; sent to the progress callback as the work goes."""

    phase: str  # scanning, matching, analysing, done
    found: int  # audio files found by the scan so far
    total: int  # files to analyse in this run
    done: int  # files analysed (or failed) so far
    failed: int  # failures so far, scan problems included
    stored: int  # results written to the store so far
    elapsed_s: float
    rate: float | None  # files analysed per second
    eta_s: float | None  # seconds left at that rate
    current: str | None = None  # the file just finished
    new_failures: tuple[ImportFailure, ...] = ()  # failures since the previous report


@dataclass
class ImportSummary:
    """What an import did, counted per file."""

    found: int = 0  # audio files found
    new: int = 0  # tracks added (resumed ones included)
    resumed: int = 0  # of which left pending by an interrupted import
    updated: int = 0  # changed files read and analysed again
    reanalysed: int = 0  # unchanged files analysed again by a newer analyser
    unchanged: int = 0  # skipped without being opened
    moved: int = 0  # files found at a new path, keeping their track
    restored: int = 0  # missing files back at their path
    missing: int = 0  # tracks whose files are gone (marked, not deleted)
    failed: int = 0
    failures: list[ImportFailure] = field(default_factory=list)
    cancelled: bool = False
    remaining: int = 0  # files left to analyse when cancelled
    kept: int = 0  # results stored by this run
    links: int = 0  # links to files already found or in the library (skipped: one track each)
    stopped: str = ""  # why the import stopped before the end (a full disk), with what to do
    elapsed_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the counts and the failures."""
        values = asdict(self)
        values["elapsed_s"] = round(self.elapsed_s, 3)
        return values

    def counts_line(self) -> str:
        """One line: '12 new, 0 updated, 3 unchanged, 1 moved, 0 missing, 2 failed'."""
        new = f"{self.new} new" + (f" ({self.resumed} resumed)" if self.resumed else "")
        parts = [
            new,
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
            f"{self.moved} moved",
            f"{self.missing} missing",
            f"{self.failed} failed",
        ]
        if self.reanalysed:
            parts.insert(2, f"{self.reanalysed} re-analysed")
        if self.restored:
            parts.insert(-2, f"{self.restored} back")
        return ", ".join(parts)


def run_import(
    source: SessionSource | SessionFactory,
    options: ImportOptions,
    progress: Callable[[ImportProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> ImportSummary:
    """Import options.paths into the library and return what happened.

    `progress` is called from this thread as work goes (often: throttle before drawing).
    Setting `cancel` stops the import within about a tenth of a second: files being analysed
    are abandoned, results already finished are kept, and nothing half-written is committed.
    """
    if isinstance(source, SessionSource):
        sessions: SessionFactory = source.session
        owner_id = source.local_user_id
    else:
        sessions = source
        with sessions() as session:
            owner = session.info.get(OWNER_KEY)
        if not isinstance(owner, uuid.UUID):
            raise ValueError("the session factory must name the owner of new rows (session.info)")
        owner_id = owner
    run = _ImportRun(sessions, owner_id, options, progress, cancel or threading.Event())
    with _one_import_at_a_time(sessions):
        return run.execute()


@contextmanager
def _one_import_at_a_time(sessions: SessionFactory) -> Iterator[None]:
    """Wait until no other import (another process, or thread) works on this store: two walks
    of the same folder would both add its new files."""
    with sessions() as session:
        store_file = session.connection().engine.url.database
    if not store_file or store_file.startswith(":memory:"):
        yield
        return
    with open(f"{store_file}.import-lock", "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another import of this library is running: waiting for it to finish")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _record_analysis(outcome: FileOutcome, now: datetime) -> None:
    """Analytics: what analysis found in one file and how sure it was."""
    found = outcome.analysis
    if found is None:
        return
    recorder.record(
        AnalysisFrame(
            time=now,
            analysis_type="track",
            track_id=uuid.UUID(hex=outcome.job.track_id),
            confidence_score=min(found.bpm_confidence, found.key_confidence),
            duration_ms=found.analysed_s * 1000.0,
            analysis_data={
                "tempo_bpm": found.bpm,
                "bpm_confidence": found.bpm_confidence,
                "key_note": found.key_note,
                "scale": found.scale,
                "key_confidence": found.key_confidence,
                "algorithm": found.algorithm,
                "version": found.version,
            },
        )
    )


@dataclass(frozen=True, slots=True)
class _Work:
    kind: str  # new, resumed, changed, stale
    track_id: uuid.UUID
    path: str
    want_hash: bool


class _ImportRun:
    """One run of the import: its counters, its progress reports, and the three steps."""

    def __init__(
        self,
        sessions: SessionFactory,
        owner_id: uuid.UUID,
        options: ImportOptions,
        progress: Callable[[ImportProgress], None] | None,
        cancel: threading.Event,
    ) -> None:
        self.sessions = sessions
        self.owner_id = owner_id
        self.options = options
        self.progress = progress
        self.cancel = cancel
        self.summary = ImportSummary()
        self.started = time.monotonic()
        self.analysis_started: float | None = None
        self.total = 0
        self.done = 0
        self.unreported: list[ImportFailure] = []
        self.vanished: set[uuid.UUID] = set()  # tracks marked missing by this run

    # reporting -------------------------------------------------------------------------------

    def fail(self, path: str, reason: str) -> None:
        failure = ImportFailure(path, reason)
        self.summary.failures.append(failure)
        self.summary.failed += 1
        self.unreported.append(failure)

    def report(self, phase: str, current: str | None = None) -> None:
        if self.progress is None:
            self.unreported.clear()
            return
        now = time.monotonic()
        rate = eta = None
        if self.analysis_started is not None and self.done:
            rate = self.done / max(now - self.analysis_started, 1e-6)
            eta = (self.total - self.done) / rate
        new_failures = tuple(self.unreported)
        self.unreported.clear()
        self.progress(
            ImportProgress(
                phase=phase,
                found=self.summary.found,
                total=self.total,
                done=self.done,
                failed=self.summary.failed,
                stored=self.summary.kept,
                elapsed_s=now - self.started,
                rate=rate,
                eta_s=eta,
                current=current,
                new_failures=new_failures,
            )
        )

    def finish(self, *, cancelled: bool) -> ImportSummary:
        self.summary.cancelled = cancelled
        self.summary.remaining = self.total - self.done if cancelled else 0
        if self.summary.stopped:
            self.summary.remaining = max(self.total - self.summary.kept, 0)
        elif self.summary.new + self.summary.updated >= BULK_CHANGES:
            with self.sessions() as session:
                text.optimize(session.connection(), ["tracks"])
        self.summary.elapsed_s = time.monotonic() - self.started
        self.report("done")
        s = self.summary
        recorder.record_action(
            "library_imported",
            found=s.found,
            new=s.new,
            updated=s.updated,
            unchanged=s.unchanged,
            missing=s.missing,
            failed=s.failed,
            cancelled=s.cancelled,
            seconds=round(s.elapsed_s, 3),
        )
        return self.summary

    # the steps -------------------------------------------------------------------------------

    def execute(self) -> ImportSummary:
        """The three steps; a full disk stops them cleanly, keeping every batch committed."""
        try:
            return self.steps()
        except StoreFullError as error:
            self.cancel.set()
            self.summary.stopped = f"{error}. {self.space_needed()}"
            return self.finish(cancelled=True)

    def space_needed(self) -> str:
        """How much more room the files left need, from the store's size per track."""
        with self.sessions() as session:
            pages = session.execute(sql("PRAGMA page_count")).scalar_one()
            page_size = session.execute(sql("PRAGMA page_size")).scalar_one()
            tracks = session.scalar(select(func.count()).select_from(Track)) or 0
        per_track = pages * page_size / max(tracks, 1)
        left = max(self.total - self.summary.kept, 1)
        needed = 2 * per_track * left  # the WAL holds a copy of every page until a checkpoint
        return (
            f"The {left} files left need about {needed / 1e6:.1f} MB; the "
            f"{self.summary.kept} tracks finished are kept: run the import again to finish"
        )

    def steps(self) -> ImportSummary:
        self.report("scanning")
        with self.sessions() as session:
            stored = records.load_stored_files(session, self.owner_id)
        scan = FolderScan(self.options.paths, self.cancel)
        new_files, work, restored, seen = self.scan(scan, stored)
        for problem in scan.problems:
            self.fail(problem.path, problem.reason)
        if scan.cancelled or self.cancel.is_set():
            return self.finish(cancelled=True)

        self.report("matching")
        gone = [
            (path, row)
            for path, row in stored.items()
            if path not in seen
            and row.status != "missing"
            and any(is_under(path, root) for root in scan.roots)
            and not any(is_under(path, folder) for folder in scan.unscanned)
        ]
        missing_before = [(path, row) for path, row in stored.items() if row.status == "missing"]
        hashes, moves = self.match_moves(new_files, gone + missing_before)
        if self.cancel.is_set():
            return self.finish(cancelled=True)
        moved_ids = {row.id for row, _candidate in moves}
        vanished = [row.id for _path, row in gone if row.id not in moved_ids]
        self.vanished = set(vanished)
        now = utcnow()
        if moves or restored or vanished:
            with self.sessions() as session:
                for row, candidate in moves:
                    status = row.status
                    if status == "missing":
                        status = "ok" if row.analysis_current else "pending"
                    records.relink(session, row.id, candidate, status)
                    if status == "pending":
                        work.append(
                            _Work("resumed", row.id, candidate.path, row.content_hash is None)
                        )
                    elif status == "ok" and not row.analysis_current:
                        work.append(_Work("stale", row.id, candidate.path, False))
                for track_id in restored:
                    records.restore(session, track_id, "ok")
                records.mark_missing(session, vanished, now)
        self.summary.moved = len(moves)
        self.summary.restored = len(restored)
        self.summary.missing = len(vanished)
        moved_paths = {candidate.path for _row, candidate in moves}
        fresh = [candidate for candidate in new_files if candidate.path not in moved_paths]
        for start in range(0, len(fresh), INSERT_CHUNK):
            with self.sessions() as session:
                added = records.insert_pending(
                    session, self.owner_id, fresh[start : start + INSERT_CHUNK], hashes, now
                )
            work.extend(
                _Work("new", track_id, candidate.path, candidate.path not in hashes)
                for track_id, candidate in added
            )
        del new_files, fresh, stored, seen
        return self.analyse(work)

    def scan(
        self, scan: FolderScan, stored: dict[str, StoredFile]
    ) -> tuple[list[Candidate], list[_Work], list[uuid.UUID], set[str]]:
        """Sort what the walk finds: new files, work on known tracks, returns and the unchanged."""
        new_files: list[Candidate] = []
        work: list[_Work] = []
        restored: list[uuid.UUID] = []
        seen: set[str] = set()
        files: set[tuple[int, int]] = set()
        linked: list[Candidate] = []
        summary = self.summary
        for candidate in scan:
            summary.found += 1
            if summary.found % SCAN_REPORT_EVERY == 0:
                self.report("scanning")
            seen.add(candidate.path)
            if not candidate.linked:
                files.add(candidate.file_id)
            row = stored.get(candidate.path)
            if row is None:
                (linked if candidate.linked else new_files).append(candidate)
            elif row.size != candidate.size or row.mtime_ns != candidate.mtime_ns:
                work.append(_Work("changed", row.id, candidate.path, True))
            elif row.status == "pending":
                work.append(_Work("resumed", row.id, candidate.path, row.content_hash is None))
            elif row.status == "missing":
                if row.analysis_current:
                    restored.append(row.id)
                else:
                    work.append(_Work("changed", row.id, candidate.path, row.content_hash is None))
            elif row.status == "ok" and not row.analysis_current:
                work.append(_Work("stale", row.id, candidate.path, False))
            elif row.status == "error" and row.unreadable:
                work.append(_Work("changed", row.id, candidate.path, row.content_hash is None))
            else:
                summary.unchanged += 1
        for candidate in linked:  # one track per recording, whatever links point at it
            if candidate.file_id in files or os.path.realpath(candidate.path) in stored:
                summary.found -= 1
                summary.links += 1
                continue
            files.add(candidate.file_id)
            new_files.append(candidate)
        return new_files, work, restored, seen

    def match_moves(
        self, new_files: list[Candidate], gone: list[tuple[str, StoredFile]]
    ) -> tuple[dict[str, str], list[tuple[StoredFile, Candidate]]]:
        """New files that are tracks whose files are gone: hashed only when the size fits."""
        by_size: dict[int, list[tuple[str, StoredFile]]] = {}
        for path, row in gone:
            if row.content_hash is not None and row.size is not None:
                by_size.setdefault(row.size, []).append((path, row))
        hashes: dict[str, str] = {}
        moves: list[tuple[StoredFile, Candidate]] = []
        if not by_size:
            return hashes, moves
        claimed: set[uuid.UUID] = set()
        for candidate in new_files:
            if self.cancel.is_set():
                break
            if candidate.size not in by_size:
                continue
            try:
                digest = content_hash(candidate.path)
            except OSError:
                continue  # the analysis step will say why it cannot be read
            hashes[candidate.path] = digest
            for old_path, row in by_size[candidate.size]:
                if row.id in claimed or row.content_hash != digest:
                    continue
                if os.path.exists(old_path):
                    continue  # a copy, not a move
                if same_duration(row.duration_s, read_tags(candidate.path).duration_s):
                    claimed.add(row.id)
                    moves.append((row, candidate))
                    break
        return hashes, moves

    def jobs(self, work: list[_Work]) -> Iterator[FileJob]:
        options = self.options
        for item in work:
            yield FileJob(
                item.track_id.hex,
                item.path,
                item.want_hash,
                options.longest_track_s,
                options.analysed_s,
            )

    def analyse(self, work: list[_Work]) -> ImportSummary:
        """Analyse in worker processes, writing results a batch (one transaction) at a time."""
        self.total = len(work)
        self.analysis_started = time.monotonic()
        self.report("analysing")
        if not work:
            return self.finish(cancelled=False)
        kinds = {item.track_id.hex: item.kind for item in work}
        workers = min(self.options.workers or default_workers(), len(work))
        log = str(self.options.worker_log) if self.options.worker_log else None
        pool = AnalysisPool(workers, self.cancel, worker_log=log)
        batch: list[FileOutcome] = []
        last_write = time.monotonic()
        with closing(pool.outcomes(self.jobs(work))) as stream:
            for outcomes in stream:
                batch.extend(outcomes)
                self.done += len(outcomes)
                due = time.monotonic() - last_write >= FLUSH_S
                if batch and (len(batch) >= self.options.batch_size or due):
                    self.write(batch, kinds)
                    batch = []
                    last_write = time.monotonic()
                if outcomes or due:
                    self.report("analysing", outcomes[-1].job.path if outcomes else None)
                if self.cancel.is_set():
                    break
        if batch:
            self.write(batch, kinds)  # finished results are whole: keep them
        return self.finish(cancelled=self.done < self.total)

    def write(self, batch: list[FileOutcome], kinds: dict[str, str]) -> None:
        """One transaction for the batch; counted only once it is committed."""
        now = utcnow()
        written: list[tuple[FileOutcome, records.Written]] = []
        with self.sessions() as session:
            for outcome in batch:
                written.append((outcome, records.write_outcome(session, outcome, now)))
        counts = {"new": "new", "resumed": "new", "changed": "updated", "stale": "reanalysed"}
        summary = self.summary
        for outcome, result in written:
            kind = kinds.pop(outcome.job.track_id, "new")
            if result.result == "gone":
                continue
            summary.kept += 1
            _record_analysis(outcome, now)
            if result.result == "failed":
                self.fail(outcome.job.path, result.reason or "failed")
            elif result.result == "moved":
                summary.moved += 1
                if result.track_id in self.vanished:  # found again, re-tagged at a new path
                    self.vanished.discard(result.track_id)
                    summary.missing -= 1
            else:
                name = counts[kind]
                setattr(summary, name, getattr(summary, name) + 1)
                if kind == "resumed":
                    summary.resumed += 1
