"""The library: every imported track with its analysed tempo, key, loudness and sections.

Until the first import the view shows its empty state; then a table of tracks (title, artist,
album, BPM, key, LUFS, duration, status) read through `museaud.library.tracks`. It refreshes
when told to (the import dialog does so while it runs), coalescing requests to one read a second.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from museaud.app import App
from museaud.library.tracks import track_counts, track_rows
from museaud.ui.library_model import COLUMNS, TrackSortModel, TrackTableModel
from museaud.ui.views.base import EmptyState, EmptyStateView

REFRESH_DELAY_MS = 1000
COLUMN_WIDTHS = {
    "artist": 170,
    "album": 170,
    "bpm": 72,
    "key": 120,
    "loudness_lufs": 68,
    "duration_s": 84,
    "status": 92,
}
"""Starting widths; the title takes the rest of the table's width."""


class LibraryView(EmptyStateView):
    """Tracks of the library: a table once there are any, else how to import the first ones."""

    view_name = "library"
    title = "Library"
    subtitle = "Your tracks, analysed for tempo, key, loudness and structure."
    glyph = "library"

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.page_layout.removeWidget(self.empty_page)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.empty_page)
        self.table_page = self._build_table_page()
        self.pages.addWidget(self.table_page)
        self.page_layout.addWidget(self.pages)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.refresh()

    def empty_state(self) -> EmptyState:
        """No tracks yet: import a folder."""
        return EmptyState(
            headline="Your library is empty",
            body=(
                "Import a folder of audio to analyse tempo, key, loudness and sections. "
                "Files stay where they are; museaud keeps what it learns about them."
            ),
            features=(
                "Tempo in BPM, musical key with its Camelot code, and loudness in LUFS "
                "for every track",
                "Sections (intro, verse, chorus, break) found from the audio",
                "Search by title, artist or lyrics, and find tracks that sound alike",
                "Your manual corrections are kept when tracks are analysed again",
            ),
            how_to_start="Import a folder from a terminal, or with File ▸ Import Folder…",
            command="museaud import PATH",
            action_name="import_folder",
        )

    def _build_table_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("libraryTablePage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(28, 14, 28, 18)
        layout.setSpacing(10)

        bar = QHBoxLayout()
        self.count_label = QLabel(page)
        self.count_label.setObjectName("libraryCounts")
        self.count_label.setProperty("role", "hint")
        self.table_import_button = QPushButton("Import Folder…", page)
        self.table_import_button.setEnabled(False)
        bar.addWidget(self.count_label, 1)
        bar.addWidget(self.table_import_button)
        layout.addLayout(bar)

        self.model = TrackTableModel(self)
        self.sorted_model = TrackSortModel(self)
        self.sorted_model.setSourceModel(self.model)
        self.table = QTableView(page)
        self.table.setObjectName("trackTable")
        self.table.setModel(self.sorted_model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the store's order at first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(48)
        # room at the right of each heading for the sort arrow, which Fusion draws there
        header.setStyleSheet("QHeaderView::section { padding: 3px 18px 3px 6px; }")
        for number, column in enumerate(COLUMNS):
            if column.field == "title":
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(number, COLUMN_WIDTHS[column.field])
        layout.addWidget(self.table, 1)
        return page

    def bind_action(self, action_name: str, action: QAction) -> None:
        """The import action also sits above the table."""
        super().bind_action(action_name, action)
        if action_name == "import_folder":
            self.table_import_button.clicked.connect(action.trigger)
            action.changed.connect(lambda: self.table_import_button.setEnabled(action.isEnabled()))
            self.table_import_button.setEnabled(action.isEnabled())
            self.table_import_button.setToolTip(action.toolTip())

    def schedule_refresh(self) -> None:
        """Refresh soon; many requests within a second make one read of the store."""
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Read the tracks again and show the table, or the empty state when there are none."""
        self._refresh_timer.stop()
        with self.app.session() as session:
            rows = track_rows(session)
            counts = track_counts(session)
        self.model.set_rows(rows)
        total = sum(counts.values())
        parts = [f"{total:,} track{'s' if total != 1 else ''}"]
        for status, word in (
            ("pending", "waiting"),
            ("error", "with errors"),
            ("missing", "missing"),
        ):
            if counts[status]:
                parts.append(f"{counts[status]:,} {word}")
        self.count_label.setText("  ·  ".join(parts))
        self.pages.setCurrentWidget(self.table_page if rows else self.empty_page)

    def track_count(self) -> int:
        """How many tracks the table shows."""
        return self.model.rowCount()
