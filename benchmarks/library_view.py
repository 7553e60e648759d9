"""The library view on 100,000 tracks: time to the first rows painted, and the longest time the
GUI thread is blocked while scrolling from top to bottom, against the naive table.

    .venv/bin/python benchmarks/library_view.py [--tracks 100000] [--skip-naive]

Goals (issue 4): first rows within 1 s of opening a 100k library; scrolling top to bottom never
blocks the GUI thread for more than 50 ms.

museaud: `App.open` + `LibraryView` (the lazy model: row keys of the whole query, then pages of
200 rows read in a background thread as they come into view; the store sorts).
Peer, the naive approach: plain sqlite3 reads every track (tracks joined with their analysis,
sorted by artist) and fills a QStandardItemModel shown in a QTableView.

Both run offscreen in one QApplication, one after the other, in a 1280 x 800 window. "First
rows" is the first paint of the table's viewport with real rows in it, from before opening the
store. The watchdog is a 5 ms QTimer with a Python slot on the GUI thread; a block is how late
it fired (the gap between two firings minus 5 ms), so it counts every wait of the GUI thread:
Qt's painting, the model's Python, waits for the GIL, garbage collections and the machine's
load. Scrolling runs in Qt's own event loop (the GUI thread waits in Qt between events, as in
the app): a 16 ms timer moves the vertical scroll bar one page (Page Down) per frame from the
top to the bottom, then waits until the last rows are on screen; Qt repaints after each step.
The same watchdog then runs in an empty event loop for as long: the idle baseline, so the load
of the machine shows in the same run.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6
from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractSlider, QApplication, QTableView

sys.path.insert(0, str(Path(__file__).resolve().parent))
from big_library import build_big_library
from museaud.app import App
from museaud.paths import Paths
from museaud.ui.theme import apply_theme
from museaud.ui.views import LibraryView

FRAME_MS = 16
WATCHDOG_MS = 5
NAIVE_QUERY = """
SELECT t.title, t.artist, t.album, a.bpm, a.key_note, a.scale, a.loudness_lufs, t.duration_s,
       t.status
FROM tracks t LEFT JOIN track_analysis a ON a.track_id = t.id
WHERE t.is_hidden = 0
ORDER BY lower(t.artist), lower(t.album), t.disc_number, t.track_number
"""
NAIVE_HEADINGS = ["Title", "Artist", "Album", "BPM", "Key", "LUFS", "Length", "Status"]
NOTES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


class Watchdog(QObject):
    """Fires every 5 ms on the GUI thread (a Python slot, as the app's own are) and keeps how
    late each firing was: the gap since the one before, minus 5 ms."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = QElapsedTimer()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(WATCHDOG_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0
        self.lateness_ms: list[float] = []

    def start(self) -> None:
        self.clock.start()
        self.last = 0
        self.lateness_ms = []
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.lateness_ms.append(max(0.0, (now - self.last) / 1e6 - WATCHDOG_MS))
        self.last = now

    def stop(self) -> None:
        self.timer.stop()
        self._tick()

    def worst_ms(self) -> float:
        return max(self.lateness_ms, default=0.0)

    def percentile_ms(self, share: float) -> float:
        ordered = sorted(self.lateness_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def blocks_over(self, limit_ms: float) -> int:
        return sum(1 for late in self.lateness_ms if late > limit_ms)

    def figures(self) -> dict[str, float | int]:
        return {
            "worst_block_ms": self.worst_ms(),
            "p99_block_ms": self.percentile_ms(0.99),
            "blocks_over_50": self.blocks_over(50),
            "ticks": len(self.lateness_ms),
        }


class FullCollections:
    """Times Python's full garbage collections (generation 2), whichever thread runs them:
    each holds the GIL, so the GUI thread waits through it."""

    def __init__(self) -> None:
        self.started = 0.0
        self.durations_ms: list[float] = []

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self._note)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.durations_ms.append((time.perf_counter() - self.started) * 1000)


def run_loop(step: Callable[[], bool], interval_ms: int, timeout_s: float = 600.0) -> None:
    """Run Qt's event loop (the GUI thread waits in Qt, as in the app) and call step() every
    interval_ms until it returns True."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    limit = time.perf_counter() + timeout_s
    failed: list[str] = []

    def tick() -> None:
        if step():
            loop.quit()
        elif time.perf_counter() > limit:
            failed.append("the table did not get there in time")
            loop.quit()

    timer.timeout.connect(tick)
    timer.start(interval_ms)
    loop.exec()
    timer.stop()
    if failed:
        raise TimeoutError(failed[0])


def wait_until(done: Callable[[], bool], timeout_s: float = 120.0) -> None:
    run_loop(done, 1, timeout_s)


def idle_for(seconds: float) -> None:
    end = time.perf_counter() + seconds
    run_loop(lambda: time.perf_counter() >= end, 10)


class FirstRowsPainted(QObject):
    """Notes the time of the first paint of a viewport once `ready()` says rows are there."""

    def __init__(self, ready: Callable[[], bool]) -> None:
        super().__init__()
        self.ready = ready
        self.at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint and self.at is None and self.ready():
            self.at = time.perf_counter()
        return False


def scroll_to_bottom(
    table: QTableView, last_row_shown: Callable[[], bool]
) -> tuple[float, dict[str, float | int]]:
    """Page Down every 16 ms frame from the top to the bottom, in Qt's event loop, then wait
    for the last rows; returns the seconds taken and the watchdog's figures (and frames)."""
    bar = table.verticalScrollBar()
    bar.setValue(0)
    frames = 0

    def frame() -> bool:
        nonlocal frames
        if bar.value() < bar.maximum():
            bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
            frames += 1
            return False
        return last_row_shown()

    watchdog = Watchdog()
    start = time.perf_counter()
    watchdog.start()
    run_loop(frame, FRAME_MS)
    watchdog.stop()
    return time.perf_counter() - start, {**watchdog.figures(), "frames": frames}


def measure_museaud(paths: Paths) -> dict[str, float | int]:
    start = time.perf_counter()
    museaud = App.open(paths)
    opened = time.perf_counter()
    view = LibraryView(museaud)
    model = view.model
    painted = FirstRowsPainted(lambda: model.rowCount() > 0 and model.row_loaded(0))
    view.table.viewport().installEventFilter(painted)
    view.resize(1280, 800)
    view.show()
    wait_until(lambda: painted.at is not None)
    first_rows = painted.at - start if painted.at is not None else float("nan")
    first_rows_view = painted.at - opened if painted.at is not None else float("nan")
    rows = model.rowCount()
    idle_for(0.3)  # let the view settle (its first pages, the filter lists) before scrolling
    with FullCollections() as collections:
        seconds, figures = scroll_to_bottom(view.table, lambda: model.row_loaded(rows - 1))
    result: dict[str, float | int] = {
        "full_collections": len(collections.durations_ms),
        "longest_collection_ms": max(collections.durations_ms, default=0.0),
        "rows": rows,
        "first_rows_s": first_rows,
        "first_rows_view_s": first_rows_view,
        "scroll_s": seconds,
        **figures,
        "pages_read": model.pages_read,
    }
    view.close()
    view.reader.close()
    view.deleteLater()
    idle_for(0.05)
    museaud.close()
    return result


def measure_idle(seconds: float) -> dict[str, float | int]:
    """The idle event loop's lateness (no table): what the machine's load alone costs."""
    watchdog = Watchdog()
    watchdog.start()
    idle_for(seconds)
    watchdog.stop()
    return {"scroll_s": seconds, **watchdog.figures()}


def _naive_items(values: tuple[object, ...]) -> list[QStandardItem]:
    title, artist, album, bpm, key_note, scale, lufs, duration, status = values
    key = "" if key_note is None else f"{NOTES[int(str(key_note))]} {scale}"
    texts = [
        str(title or ""),
        str(artist or ""),
        str(album or ""),
        "" if bpm is None else f"{float(str(bpm)):.1f}",
        key,
        "" if lufs is None else f"{float(str(lufs)):.1f}",
        ""
        if duration is None
        else f"{int(float(str(duration))) // 60}:{int(float(str(duration))) % 60:02d}",
        str(status),
    ]
    return [QStandardItem(text) for text in texts]


def measure_naive(store: Path) -> dict[str, float | int]:
    start = time.perf_counter()
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(NAIVE_HEADINGS)
    for values in connection.execute(NAIVE_QUERY):
        model.appendRow(_naive_items(values))
    connection.close()
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    painted = FirstRowsPainted(lambda: True)
    table.viewport().installEventFilter(painted)
    table.resize(1280, 800)
    table.show()
    wait_until(lambda: painted.at is not None)
    first_rows = painted.at - start if painted.at is not None else float("nan")
    rows = model.rowCount()
    seconds, figures = scroll_to_bottom(table, lambda: True)
    table.close()
    table.deleteLater()
    idle_for(0.05)
    return {"rows": rows, "first_rows_s": first_rows, "scroll_s": seconds, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--skip-naive", action="store_true", help="measure museaud only")
    options = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_theme("light", app)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = Paths(root / "data", root / "config", root / "cache", root / "logs")
        built = time.perf_counter()
        build_big_library(paths, options.tracks)
        print(f"library of {options.tracks:,} tracks ready in {time.perf_counter() - built:.1f} s")
        ours = measure_museaud(paths)
        idle = measure_idle(float(ours["scroll_s"]))
        naive = None if options.skip_naive else measure_naive(paths.store_file)
    load_after = os.getloadavg()[0]
    print(
        f"\nlibrary view benchmark, {time.strftime('%Y-%m-%d')}: {options.tracks:,} tracks, "
        f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
        f"load average {load_before:.1f} before, {load_after:.1f} after; Python "
        f"{platform.python_version()}, PySide6 {PySide6.__version__}; one page (Page Down) "
        "per 16 ms frame, top to bottom\n"
    )
    print(f"{'':28}{'museaud':>12}{'naive':>12}{'ratio':>10}{'idle loop':>12}")
    for label, key, unit in (
        ("rows in the table", "rows", ""),
        ("first rows painted", "first_rows_s", "s"),
        ("scroll top to bottom", "scroll_s", "s"),
        ("longest GUI block", "worst_block_ms", "ms"),
        ("99th percentile block", "p99_block_ms", "ms"),
        ("blocks over 50 ms", "blocks_over_50", ""),
        ("watchdog firings", "ticks", ""),
    ):
        mine = ours[key]
        theirs = naive[key] if naive is not None else None
        ratio = ""
        if theirs is not None and mine and key in ("first_rows_s", "worst_block_ms"):
            ratio = f"{float(theirs) / float(mine):.1f}x"
        print(
            f"{label:28}{_fmt(mine, unit):>12}{_fmt(theirs, unit):>12}{ratio:>10}"
            f"{_fmt(idle.get(key), unit):>12}"
        )
    in_view = float(ours["first_rows_view_s"])
    print(
        f"\nmuseaud: first rows {in_view:.3f} s after the view was made (App.open before it: "
        f"{float(ours['first_rows_s']) - in_view:.3f} s); "
        f"read {ours['pages_read']} pages of 200 rows in {ours['frames']} frames; "
        f"{ours['full_collections']} full garbage collections while scrolling, the longest "
        f"{float(ours['longest_collection_ms']):.1f} ms"
    )
    print(
        "idle loop: the same watchdog in an empty event loop for as long as museaud scrolled, "
        "right after it (the machine's own load)"
    )
    verdict_first = "met" if float(ours["first_rows_s"]) < 1.0 else "NOT met"
    verdict_block = "met" if float(ours["worst_block_ms"]) <= 50 else "NOT met"
    print(f"goal: first rows within 1 s: {verdict_first}; no block over 50 ms: {verdict_block}")


def _fmt(value: float | int | None, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) and not unit:
        return f"{value:,}"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:,}"


if __name__ == "__main__":
    main()
