"""The import dialog: choose folders, watch the import go, cancel it, see what failed.

The import itself is `museaud.library.importer.run_import`, run in an `ImportThread`. The thread
never touches a widget: it turns progress into `ImportUpdate`s, at most ten a second (plus the
last one), and Qt queues them to the GUI thread. Cancel sets an Event the import checks every
tenth of a second; the dialog says so at once and shows the summary when the import returns.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from museaud.app import App
from museaud.library.importer import (
    ImportFailure,
    ImportOptions,
    ImportProgress,
    ImportSummary,
    run_import,
)
from museaud.library.lengths import format_length
from museaud.library.pool import default_workers
from museaud.ui.widgets import ElidedLabel, scaled_font

UPDATE_EVERY_S = 0.1  # progress reaches the GUI at most ten times a second
LIBRARY_REFRESH_EVERY_S = 1.0


@dataclass(frozen=True)
class ImportUpdate:
    """Progress as the dialog draws it, with the failures since the previous update."""

    progress: ImportProgress
    failures: tuple[ImportFailure, ...]


class ImportThread(QThread):
    """Runs one import off the GUI thread and reports through signals only."""

    updated = Signal(object)  # ImportUpdate
    finished_import = Signal(object)  # ImportSummary
    crashed = Signal(str)  # the import itself failed (not a file): the message

    def __init__(self, app: App, options: ImportOptions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.options = options
        self.cancel = threading.Event()
        self._last_emit = 0.0
        self._failures: list[ImportFailure] = []

    def run(self) -> None:
        """The import, in this thread; exactly one of finished_import and crashed is emitted."""
        try:
            summary = run_import(self.app, self.options, self._progress, self.cancel)
        except Exception as error:  # shown in the dialog; the thread must not die silently
            self.crashed.emit(f"{type(error).__name__}: {error}")
            return
        self.finished_import.emit(summary)

    def _progress(self, progress: ImportProgress) -> None:
        self._failures.extend(progress.new_failures)
        now = time.monotonic()
        if progress.phase != "done" and now - self._last_emit < UPDATE_EVERY_S:
            return
        self._last_emit = now
        failures, self._failures = tuple(self._failures), []
        self.updated.emit(ImportUpdate(progress, failures))


class ImportDialog(QDialog):
    """Pick folders and import them, with live progress, cancel, failures and a summary."""

    import_finished = Signal(object)
    """Emitted with the ImportSummary when an import ends (finished or cancelled)."""
    library_changed = Signal()
    """Emitted, at most once a second, when the import has stored new results."""

    def __init__(
        self, app: App, parent: QWidget | None = None, *, paths: list[Path] | None = None
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.import_thread: ImportThread | None = None
        self.summary: ImportSummary | None = None
        self._running = False
        self._stored_seen = 0
        self._last_refresh = 0.0
        self.setObjectName("importDialog")
        self.setWindowTitle("Import Folders")
        self.setMinimumSize(640, 520)

        heading = QLabel("Import folders into the library", self)
        heading.setObjectName("dialogHeading")
        heading.setFont(scaled_font(heading, 1.25, QFont.Weight.DemiBold))
        explain = QLabel(
            "museaud reads each file's tags and analyses its tempo, key, loudness and sections. "
            "Files stay where they are; unchanged files are skipped next time.",
            self,
        )
        explain.setWordWrap(True)
        explain.setProperty("role", "hint")

        self.folder_list = QListWidget(self)
        self.folder_list.setObjectName("importFolders")
        self.folder_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.folder_list.setMaximumHeight(96)
        self.folder_list.itemSelectionChanged.connect(self._sync_buttons)
        self.add_button = QPushButton("Add Folder…", self)
        self.add_button.clicked.connect(self.choose_folder)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.workers_spin = QSpinBox(self)
        self.workers_spin.setRange(1, max(64, default_workers()))
        self.workers_spin.setValue(default_workers())
        self.workers_spin.setToolTip("How many files are analysed at once (one per core is best)")
        folder_buttons = QVBoxLayout()
        folder_buttons.addWidget(self.add_button)
        folder_buttons.addWidget(self.remove_button)
        folder_buttons.addStretch(1)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_list, 1)
        folder_row.addLayout(folder_buttons)
        workers_row = QHBoxLayout()
        workers_row.addWidget(QLabel("Files analysed at once:", self))
        workers_row.addWidget(self.workers_spin)
        workers_row.addStretch(1)

        self.phase_label = QLabel("Add the folders to import, then press Import.", self)
        self.phase_label.setObjectName("importPhase")
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("importProgress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%v of %m files")
        self.progress_bar.setTextVisible(True)
        self.rate_label = QLabel("", self)
        self.rate_label.setObjectName("importRate")
        self.rate_label.setProperty("role", "hint")
        self.current_label = ElidedLabel("", self, Qt.TextElideMode.ElideMiddle)
        self.current_label.setObjectName("importCurrent")
        self.current_label.setProperty("role", "hint")

        self.failures_heading = QLabel("Problems", self)
        self.failures_heading.setObjectName("importFailuresHeading")
        self.failures_heading.setFont(
            scaled_font(self.failures_heading, 1.0, QFont.Weight.DemiBold)
        )
        self.failure_list = QTreeWidget(self)
        self.failure_list.setObjectName("importFailures")
        self.failure_list.setColumnCount(2)
        self.failure_list.setHeaderLabels(["File", "Why it was not imported"])
        self.failure_list.setRootIsDecorated(False)
        self.failure_list.setUniformRowHeights(True)
        self.failure_list.setAlternatingRowColors(True)
        header = self.failure_list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, 220)
        self.no_failures_label = QLabel("No problems so far.", self)
        self.no_failures_label.setProperty("role", "hint")

        self.summary_label = QLabel("", self)
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setVisible(False)

        self.import_button = QPushButton("Import", self)
        self.import_button.setObjectName("primaryButton")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.import_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addSpacing(4)
        layout.addLayout(folder_row)
        layout.addLayout(workers_row)
        layout.addSpacing(8)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.progress_bar)
        stats_row = QHBoxLayout()
        stats_row.addWidget(self.rate_label)
        stats_row.addSpacing(12)
        stats_row.addWidget(self.current_label, 1)
        layout.addLayout(stats_row)
        layout.addSpacing(8)
        layout.addWidget(self.failures_heading)
        layout.addWidget(self.failure_list, 1)
        layout.addWidget(self.no_failures_label)
        layout.addWidget(self.summary_label)
        layout.addLayout(buttons)

        for path in paths or []:
            self.add_folder(path)
        self._sync_buttons()

    # folders ---------------------------------------------------------------------------------

    def folders(self) -> list[Path]:
        """The folders chosen, in the order added."""
        return [Path(self.folder_list.item(row).text()) for row in range(self.folder_list.count())]

    def add_folder(self, path: Path) -> None:
        """Add a folder to import (once)."""
        text = str(path)
        if text not in {str(folder) for folder in self.folders()}:
            self.folder_list.addItem(text)
        self._sync_buttons()

    def choose_folder(self) -> None:
        """Ask for a folder with the system's folder chooser."""
        start = str(self.folders()[-1]) if self.folders() else str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Choose a folder of audio", start)
        if chosen:
            self.add_folder(Path(chosen))

    def remove_selected(self) -> None:
        """Forget the selected folders."""
        for item in self.folder_list.selectedItems():
            self.folder_list.takeItem(self.folder_list.row(item))
        self._sync_buttons()

    def is_running(self) -> bool:
        """True from Import until the summary (or the reason it stopped) is shown."""
        return self._running

    def _sync_buttons(self) -> None:
        running = self.is_running()
        self.import_button.setEnabled(not running and self.folder_list.count() > 0)
        self.import_button.setText("Import Again" if self.summary is not None else "Import")
        self.add_button.setEnabled(not running)
        self.remove_button.setEnabled(not running and bool(self.folder_list.selectedItems()))
        self.folder_list.setEnabled(not running)
        self.workers_spin.setEnabled(not running)
        if running:
            cancelling = self.import_thread is not None and self.import_thread.cancel.is_set()
            self.cancel_button.setText("Cancel")
            self.cancel_button.setEnabled(not cancelling)
        else:
            self.cancel_button.setText("Close" if self.summary is not None else "Cancel")
            self.cancel_button.setEnabled(True)

    # running ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Start importing the chosen folders."""
        if self.is_running() or not self.folders():
            return
        self.summary = None
        self._stored_seen = 0
        self.failure_list.clear()
        self.no_failures_label.setText("No problems so far.")
        self.no_failures_label.setVisible(True)
        self.summary_label.setVisible(False)
        self.failures_heading.setText("Problems")
        self.phase_label.setText("Looking for audio files…")
        self.progress_bar.setRange(0, 0)  # busy until the number of files is known
        self.rate_label.setText("")
        self.current_label.setText("")
        options = ImportOptions(
            paths=self.folders(),
            workers=self.workers_spin.value(),
            worker_log=self.app.paths.log_dir / "analysis.log",
        )
        thread = ImportThread(self.app, options, self)
        thread.updated.connect(self._show_update)
        thread.finished_import.connect(self._show_summary)
        thread.crashed.connect(self._show_crash)
        self.import_thread = thread
        self._running = True
        thread.start()
        self._sync_buttons()

    def cancel_import(self) -> None:
        """Stop the running import (finished tracks are kept)."""
        if self.import_thread is not None and self.is_running():
            self.import_thread.cancel.set()
            self.phase_label.setText("Cancelling… finished tracks are kept")
            self._sync_buttons()

    def cancel_or_close(self) -> None:
        """The Cancel/Close button: cancel a running import, else close the dialog."""
        if self.is_running():
            self.cancel_import()
        else:
            self.reject()

    def wait_for_import(self, timeout_ms: int = 5000) -> bool:
        """Block until the import thread has ended; True if it did."""
        return self.import_thread is None or self.import_thread.wait(timeout_ms)

    def _show_update(self, update: ImportUpdate) -> None:
        progress = update.progress
        if progress.phase == "scanning":
            self.phase_label.setText(f"Looking for audio files… {progress.found:,} found")
        elif progress.phase == "matching":
            self.phase_label.setText(f"{progress.found:,} audio files found; looking for moves…")
        elif progress.phase == "analysing":
            cancelling = self.import_thread is not None and self.import_thread.cancel.is_set()
            if not cancelling:
                self.phase_label.setText(_analysing_text(progress))
            self.progress_bar.setRange(0, max(progress.total, 1))
            self.progress_bar.setValue(progress.done)
            self.rate_label.setText(_rate_text(progress))
            if progress.current:
                self.current_label.setText(f"Last: {Path(progress.current).name}")
                self.current_label.setToolTip(progress.current)
        for failure in update.failures:
            self._add_failure(failure)
        now = time.monotonic()
        if progress.stored > self._stored_seen and now - self._last_refresh >= (
            LIBRARY_REFRESH_EVERY_S
        ):
            self._stored_seen = progress.stored
            self._last_refresh = now
            self.library_changed.emit()

    def _add_failure(self, failure: ImportFailure) -> None:
        item = QTreeWidgetItem([Path(failure.path).name, failure.reason])
        item.setToolTip(0, failure.path)
        item.setToolTip(1, failure.reason)
        self.failure_list.addTopLevelItem(item)
        count = self.failure_list.topLevelItemCount()
        self.failures_heading.setText(f"Problems ({count})")
        self.no_failures_label.setVisible(False)

    def _show_summary(self, summary: ImportSummary) -> None:
        self.summary = summary
        self._running = False
        known = {
            (item.toolTip(0), item.text(1))
            for item in (
                self.failure_list.topLevelItem(row)
                for row in range(self.failure_list.topLevelItemCount())
            )
            if item is not None
        }
        for failure in summary.failures:  # anything the throttled updates had not carried
            if (failure.path, failure.reason) not in known:
                self._add_failure(failure)
        if not summary.failures:
            self.no_failures_label.setText("No problems.")
        total = max(summary.kept + summary.remaining, 1)
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(summary.kept if summary.cancelled else total)
        if summary.cancelled:
            self.phase_label.setText("Import cancelled")
            text = (
                f"Cancelled: {summary.kept:,} tracks kept, {summary.remaining:,} left. "
                "Import again to finish; nothing is done twice."
            )
        else:
            self.phase_label.setText("Import finished")
            text = f"Done in {format_length(summary.elapsed_s)}: {summary.counts_line()}."
        self.summary_label.setText(text)
        self.summary_label.setVisible(True)
        self.rate_label.setText("")
        self.current_label.setText("")
        self._sync_buttons()
        self.library_changed.emit()
        self.import_finished.emit(summary)

    def _show_crash(self, message: str) -> None:
        self._running = False
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.phase_label.setText("The import stopped")
        self.summary_label.setText(f"The import could not go on: {message}")
        self.summary_label.setVisible(True)
        self._sync_buttons()
        self.library_changed.emit()

    # closing ---------------------------------------------------------------------------------

    def reject(self) -> None:
        """Close; a running import is cancelled first (and waited for, under a second)."""
        self.cancel_import()
        self.wait_for_import()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Closing the window cancels a running import."""
        self.cancel_import()
        self.wait_for_import()
        super().closeEvent(event)


def _analysing_text(progress: ImportProgress) -> str:
    if not progress.total:
        return f"{progress.found:,} audio files found, all up to date"
    if progress.total == progress.found:
        return f"Reading and analysing {progress.total:,} files"
    up_to_date = progress.found - progress.total
    return (
        f"Reading and analysing {progress.total:,} new or changed files ({up_to_date:,} up to date)"
    )


def _rate_text(progress: ImportProgress) -> str:
    if progress.rate is None:
        return "Starting the analysers…"
    eta = "" if progress.eta_s is None else f" · about {format_length(progress.eta_s)} left"
    return f"{progress.rate:.1f} files/s{eta}"
