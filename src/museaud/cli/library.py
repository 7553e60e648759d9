"""`museaud import`, `museaud tracks` and `museaud analyze`: the library from the shell."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from museaud.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    print_json,
    printable,
    warn,
)
from museaud.library.lengths import format_length
from museaud.library.query import FIELDS
from museaud.library.search import SORT_FIELDS
from museaud.music.keys import written_key
from museaud.paths import default_paths

if TYPE_CHECKING:
    from museaud.library.importer import ImportProgress, ImportSummary

EXIT_CANCELLED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM
REDRAW_S = 0.1  # a terminal bar redraws at most ten times a second
LINE_EVERY_S = 5.0  # without a terminal, a progress line this often


def _eta(seconds: float | None) -> str:
    return "--:--" if seconds is None else format_length(seconds)


class ProgressBar:
    """Import progress on stderr: a redrawn bar on a terminal, occasional lines otherwise."""

    def __init__(self, stream: TextIO = sys.stderr, *, is_terminal: bool | None = None) -> None:
        self.stream = stream
        self.is_terminal = stream.isatty() if is_terminal is None else is_terminal
        self.last_draw = 0.0
        self.last_phase = ""
        self.drawn = False

    def __call__(self, progress: ImportProgress) -> None:
        now = time.monotonic()
        phase_changed = progress.phase != self.last_phase
        self.last_phase = progress.phase
        if progress.phase == "done":
            self.clear()
            return
        interval = REDRAW_S if self.is_terminal else LINE_EVERY_S
        if not phase_changed and now - self.last_draw < interval:
            return
        self.last_draw = now
        text = self.describe(progress)
        if self.is_terminal:
            width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
            self.stream.write("\r" + text[:width].ljust(width))
            self.drawn = True
        else:
            self.stream.write(f"museaud import: {text.strip()}\n")
        self.stream.flush()

    def describe(self, progress: ImportProgress) -> str:
        """One line: what is happening, files done of total, rate and ETA."""
        if progress.phase == "scanning":
            return f"scanning   {progress.found:,} audio files found"
        if progress.phase == "matching":
            return f"matching   {progress.found:,} audio files found; looking for moved files"
        done, total = progress.done, progress.total
        share = done / total if total else 1.0
        filled = round(share * 24)
        bar = "#" * filled + "." * (24 - filled)
        rate = "" if progress.rate is None else f"  {progress.rate:.1f} files/s"
        failed = f"  {progress.failed} failed" if progress.failed else ""
        return (
            f"analysing  [{bar}] {done:,}/{total:,}  {share:4.0%}{rate}  "
            f"ETA {_eta(progress.eta_s)}{failed}"
        )

    def clear(self) -> None:
        """Remove the bar so the summary starts on a clean line."""
        if self.is_terminal and self.drawn:
            width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
            self.stream.write("\r" + " " * width + "\r")
            self.stream.flush()
            self.drawn = False


def print_summary(summary: ImportSummary, stream: TextIO) -> None:
    """The counts, then every failure with its path and reason."""
    print(f"{summary.counts_line()}  ({summary.elapsed_s:.1f} s)", file=stream)
    if summary.failures:
        print("failed:", file=stream)
        for failure in summary.failures:
            print(f"  {printable(failure.path)}: {printable(failure.reason)}", file=stream)


class _CtrlC:
    """Ctrl-C or SIGTERM sets the cancel event, so the import stops cleanly (workers ended,
    finished tracks kept, a summary printed); a second Ctrl-C interrupts at once."""

    def __init__(self, cancel: threading.Event) -> None:
        self.cancel = cancel
        self.previous: dict[int, Any] = {}
        self.terminated = False

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGTERM:
            self.terminated = True
            self.cancel.set()
            warn("\nmuseaud import: asked to stop (SIGTERM), finishing cleanly …")
            return
        if self.cancel.is_set():
            raise KeyboardInterrupt
        self.cancel.set()
        warn("\nmuseaud import: cancelling (Ctrl-C again to stop at once) …")

    def __exit__(self, *exc_info: object) -> None:
        for signum, previous in self.previous.items():
            signal.signal(signum, previous)


def import_status(summary: ImportSummary) -> int:
    """0 when every file is in, 1 when some failed, 2 when nothing could be imported."""
    fine = (
        summary.new
        + summary.updated
        + summary.reanalysed
        + summary.unchanged
        + summary.moved
        + summary.restored
    )
    if fine == 0:
        return EXIT_USAGE
    return EXIT_FAILED if summary.failed or summary.stopped else EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Import folders into the library, with a progress bar and a summary."""
    from museaud.app import App  # noqa: PLC0415 - keep start-up of other commands light
    from museaud.library.importer import ImportOptions, run_import  # noqa: PLC0415
    from museaud.library.pool import AnalysisPoolError  # noqa: PLC0415

    if args.workers is not None and args.workers < 1:
        raise CommandError("--workers must be at least 1", EXIT_USAGE)
    cancel = threading.Event()
    bar = ProgressBar(sys.stderr)
    with App.open() as app, _CtrlC(cancel) as signals:
        app.backup_if_due()
        options = ImportOptions(
            paths=[Path(path) for path in args.paths],
            workers=args.workers,
            worker_log=app.paths.log_dir / "analysis.log",
        )
        try:
            summary = run_import(app, options, bar, cancel)
        except AnalysisPoolError as error:
            bar.clear()
            raise CommandError(str(error)) from error
    if args.json:
        print_json(summary.to_json())
    else:
        print_summary(summary, sys.stdout)
    if summary.stopped:
        warn(f"museaud import: stopped: {summary.stopped}")
    if summary.cancelled and not summary.stopped:
        warn(
            f"cancelled, {summary.kept} tracks kept, run again to finish "
            f"({summary.remaining} left to analyse)"
        )
        return EXIT_TERMINATED if signals.terminated else EXIT_CANCELLED
    status = import_status(summary)
    if summary.found == 0 and not summary.failed:
        warn("museaud import: no audio files found (wav, aiff, flac, mp3, ogg, opus, m4a)")
    return status


def _key_text(row: dict[str, Any]) -> str:
    short = written_key(row.get("key"), row.get("scale"), short=True)
    return "-" if short is None else f"{short} {row['camelot']}"


def _status_query(statuses: list[str] | None) -> str:
    """The --status options as a query term."""
    if not statuses:
        return ""
    return "(" + " OR ".join(f"status:{status}" for status in statuses) + ")"


def cmd_tracks(args: argparse.Namespace) -> int:
    """Print the tracks a query finds (every track without one), sorted, a page or all."""
    from museaud.app import App  # noqa: PLC0415
    from museaud.library.query import QueryError  # noqa: PLC0415
    from museaud.library.search import (  # noqa: PLC0415
        TrackQuery,
        count_tracks,
        rows_for_keys,
        track_keys,
    )

    if args.limit is not None and args.limit < 1:
        raise CommandError("--limit must be at least 1", EXIT_USAGE)
    if args.offset < 0:
        raise CommandError("--offset must not be negative", EXIT_USAGE)
    text = " ".join(args.query)
    status = _status_query(args.status)
    query = TrackQuery(
        f"({text}) {status}" if text.strip() and status else text or status,
        sort=args.sort,
        descending=args.desc,
    )
    try:
        with App.open(reading_only=True) as app, app.session(read_only=True) as session:
            if args.count:
                found = count_tracks(session, query)
                print_json(found) if args.json else print(found)
                return 0
            keys = track_keys(session, query)[args.offset :]
            if args.limit is not None:
                keys = keys[: args.limit]
            rows = rows_for_keys(session, keys)
    except QueryError as error:
        if error.query != text:  # the --status part was added by museaud, point at the user's
            raise
        raise CommandError(f"bad query: {error}\n{error.pointer()}", EXIT_USAGE) from None
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        title = row["title"] or Path(row["path"]).name
        who = printable(f"{row['artist']} – {title}" if row["artist"] else title)
        bpm = "-" if row["bpm"] is None else f"{row['bpm']:.1f}"
        lufs = "-" if row["loudness_lufs"] is None else f"{row['loudness_lufs']:.1f}"
        length = "-" if row["duration_s"] is None else format_length(row["duration_s"])
        print(
            f"{row['status']:<7} {bpm:>6} bpm  {_key_text(row):<8} {lufs:>6} LUFS  "
            f"{length:>7}  {who}"
        )
        if row["error"]:
            print(f"        {printable(row['error'])}")
    if not rows:
        warn("no tracks match" if text or status else "no tracks yet: museaud import PATH")
    return 0


@contextlib.contextmanager
def _decoder_notes_to(log_file: Path) -> Iterator[None]:
    """Send what decoders print on the C-level stderr (libmpg123's "Note: Illegal Audio-MPEG-
    Header …") to log_file, as the import's workers do, not between museaud's own lines."""
    sys.stderr.flush()
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        target = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError:  # no log folder to write to: the notes stay on stderr
        yield
        return
    saved = os.dup(2)
    os.dup2(target, 2)
    os.close(target)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyse one file and print what was found, without storing anything."""
    from museaud.analysis import AnalysisError, analyze_file  # noqa: PLC0415
    from museaud.library.tags import read_tags  # noqa: PLC0415

    path = Path(args.path).expanduser()
    try:
        with _decoder_notes_to(default_paths().log_dir / "analysis.log"):
            result = analyze_file(path)
    except AnalysisError as error:
        raise CommandError(f"{error.path}: {error.reason}") from error
    tags = read_tags(path)
    if args.json:
        print_json({"path": str(path.resolve()), **result.to_json(), "tags": tags.track_columns()})
        return 0
    print(path)
    print(
        f"  length    {format_length(result.duration_s)} "
        f"({result.sample_rate} Hz, {result.channels} ch)"
    )
    if result.bpm is None:
        print("  tempo     no steady beat")
    else:
        print(
            f"  tempo     {result.bpm:.2f} BPM (confidence {result.bpm_confidence:.2f}), "
            f"first beat at {result.beat_offset_s or 0:.3f} s"
        )
    if result.key_name is None:
        print("  key       none found")
    else:
        print(
            f"  key       {result.key_name} {result.scale} ({result.camelot}), "
            f"confidence {result.key_confidence:.2f}"
        )
    print(f"  loudness  {result.loudness_lufs:.1f} LUFS, peak {result.peak_dbfs:.1f} dBFS")
    print(
        f"  feel      energy {result.energy:.2f}, danceability {result.danceability:.2f}, "
        f"{result.onset_rate:.1f} onsets/s"
    )
    sections = ", ".join(
        f"{s.label} {format_length(s.start_s)}-{format_length(s.end_s)}" for s in result.sections
    )
    print(f"  sections  {sections or 'none'}")
    return 0


def add_commands(commands: Any) -> None:
    """Register `museaud import`, `museaud tracks` and `museaud analyze`."""
    importing = commands.add_parser(
        "import", help="import folders of audio into the library: tags, tempo, key, loudness …"
    )
    importing.add_argument("paths", nargs="+", metavar="PATH", help="folders or audio files")
    importing.add_argument(
        "--workers", type=int, metavar="N", help="analysis processes (default: one per core)"
    )
    importing.add_argument("--json", action="store_true", help="print the summary as JSON")
    importing.set_defaults(handler=cmd_import)

    tracks = commands.add_parser(
        "tracks",
        help="list or search the tracks of the library",
        description="Tracks matching QUERY, e.g. museaud tracks house bpm:120-128 key:~Am "
        "-tag:vocal. Fields: " + ", ".join(FIELDS) + ". OR between terms, - to leave out, "
        "( ) to group. Put terms starting with - after -- or quote the whole query: "
        "museaud tracks -- house -tag:vocal.",
    )
    tracks.add_argument("query", nargs="*", metavar="QUERY", help="words and field:value terms")
    tracks.add_argument(
        "--status",
        action="append",
        choices=("pending", "ok", "error", "missing"),
        help="only tracks with this status (repeatable)",
    )
    tracks.add_argument(
        "--sort", choices=tuple(SORT_FIELDS), default="artist", help="sort by (default: artist)"
    )
    tracks.add_argument("--desc", action="store_true", help="sort from the highest/last down")
    tracks.add_argument("--limit", type=int, help="print at most N tracks")
    tracks.add_argument("--offset", type=int, default=0, help="skip the first N tracks")
    tracks.add_argument("--count", action="store_true", help="print only how many match")
    tracks.add_argument("--json", action="store_true", help="print the tracks as JSON")
    tracks.set_defaults(handler=cmd_tracks)

    analyze = commands.add_parser(
        "analyze", help="analyse one audio file without adding it to the library"
    )
    analyze.add_argument("path", metavar="PATH")
    analyze.add_argument("--json", action="store_true", help="print the analysis as JSON")
    analyze.set_defaults(handler=cmd_analyze)
