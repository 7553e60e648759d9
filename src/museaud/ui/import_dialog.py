"""The import dialog: choose folders, watch the import go, cancel it, see what failed.

The import itself is `museaud.library.importer.run_import`, run as a background task
(`museaud.ui.tasks`) that never touches a widget: it reports `ImportUpdate`s, which reach the
dialog at most ten times a second (the last one always). Cancel asks the task to stop but keep
its result: the import checks every tenth of a second, the dialog says so at once and shows the
summary of the tracks kept when the import returns. Closing the dialog for good drops the import.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
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
from museaud.ui.tasks import BackgroundTasks, Task, TaskContext
from museaud.ui.widgets import ElidedLabel, scaled_font

log = logging.getLogger(__name__)

LIBRARY_REFRESH_EVERY_S = 1.0


@dataclass(frozen=True)
class ImportUpdate:
    """Progress as the dialog draws it, with every failure so far (updates in between may be
    skipped, so each one carries them all)."""

    progress: ImportProgress
    failures: tuple[ImportFailure, ...]


def import_work(app: App, options: ImportOptions) -> Callable[[TaskContext], ImportSummary]:
    """The import as a background task's work: progress as ImportUpdates, cancel by the task."""

    def work(context: TaskContext) -> ImportSummary:
        failures: tuple[ImportFailure, ...] = ()

        def report(progress: ImportProgress) -> None:
            nonlocal failures
            if progress.new_failures:
                failures += progress.new_failures
            context.report(ImportUpdate(progress, failures))

        return run_import(app, options, report, context.cancel_event)

    return work


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
        self._tasks = BackgroundTasks("library-import", self)
        self.import_task: Task[ImportSummary] | None = None
        self.summary: ImportSummary | None = None
        self._running = False
        self._failures_shown = 0
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
            self.cancel_button.setText("Cancel")
            self.cancel_button.setEnabled(not self._cancelling())
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
        self._failures_shown = 0
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
        self._running = True
        self.import_task = self._tasks.submit(
            import_work(self.app, options),
            self._show_summary,
            self._show_crash,
            progress=self._show_update,
        )
        self._sync_buttons()

    def cancel_import(self) -> None:
        """Stop the running import (finished tracks are kept)."""
        if self.import_task is not None and self.is_running():
            self.import_task.cancel(keep_result=True)
            self.phase_label.setText("Cancelling… finished tracks are kept")
            self._sync_buttons()

    def cancel_or_close(self) -> None:
        """The Cancel/Close button: cancel a running import, else close the dialog."""
        if self.is_running():
            self.cancel_import()
        else:
            self.reject()

    def wait_for_import(self, timeout_ms: int = 5000) -> bool:
        """Block until the import has returned (its summary may still be on its way to the
        dialog); True if it did."""
        return self._tasks.wait_idle(timeout_ms / 1000)

    def _cancelling(self) -> bool:
        return self.import_task is not None and self.import_task.cancelled

    def _show_update(self, update: ImportUpdate) -> None:
        progress = update.progress
        if progress.phase == "scanning":
            self.phase_label.setText(f"Looking for audio files… {progress.found:,} found")
        elif progress.phase == "matching":
            self.phase_label.setText(f"{progress.found:,} audio files found; looking for moves…")
        elif progress.phase == "analysing":
            if not self._cancelling():
                self.phase_label.setText(_analysing_text(progress))
            self.progress_bar.setRange(0, max(progress.total, 1))
            self.progress_bar.setValue(progress.done)
            self.rate_label.setText(_rate_text(progress))
            if progress.current:
                self.current_label.setText(f"Last: {Path(progress.current).name}")
                self.current_label.setToolTip(progress.current)
        for failure in update.failures[self._failures_shown :]:
            self._add_failure(failure)
        self._failures_shown = len(update.failures)
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

    def _show_crash(self, error: Exception) -> None:
        log.error("the import stopped", exc_info=error)
        message = f"{type(error).__name__}: {error}"
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
