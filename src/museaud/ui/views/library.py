"""The library: find the right track among 100,000 by text, tempo, key, mood and tags, see its
waveform and analysis, correct and credit it, and find what sounds like it and mixes with it.

Until the first import the view shows its empty state. Then: the query box over the track table
(rows read lazily by `museaud.ui.library.model`, sorted by the store), the filter panel on the
left writing query text, and the detail pane on the right (waveform with beats and sections,
analysis values, edits, credits, similar tracks). Reads run in one background thread; edits are
short transactions on the GUI thread. During an import the view refreshes at most once a second.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from museaud.accounts.preferences import load_ui_state, save_ui_state
from museaud.app import App
from museaud.library.detail import TrackDetail, track_detail
from museaud.library.editing import (
    Creator,
    EditError,
    Instrument,
    Sample,
    TrackEdit,
    credit_tracks,
    edit_tracks,
)
from museaud.library.facets import Facet, genre_counts, tag_counts
from museaud.library.query import QueryError, parse_query
from museaud.library.search import key_of_track, rows_for_keys
from museaud.library.similarity import similar_tracks
from museaud.playlists.errors import PlaylistError
from museaud.playlists.service import add_tracks, create_playlist, list_playlists
from museaud.ui.library.columns import COLUMN_KEYS, COLUMNS, column_by_key
from museaud.ui.library.detail_pane import DetailPane
from museaud.ui.library.filter_panel import PANEL_WIDTH, FilterPanel
from museaud.ui.library.model import TrackTableModel
from museaud.ui.library.query_box import QueryBox
from museaud.ui.library.reader import StoreReader
from museaud.ui.library.similar_panel import SimilarPanel
from museaud.ui.library.table import TrackTable
from museaud.ui.playlists.menus import add_to_playlist_menu
from museaud.ui.views.base import EmptyState, EmptyStateView
from museaud.ui.widgets import waiting

REFRESH_DELAY_MS = 1000
SAVE_DELAY_MS = 600
FACETS_DELAY_MS = 500
"""The filter lists are read this long after the rows, so they never delay the first page."""
ROW_HEIGHT = 26
UI_STATE_COMPONENT = "library_view"
DETAIL_WIDTH = 340
DEFAULT_SPLITTER = [PANEL_WIDTH, 600, DETAIL_WIDTH]
"""At 1280 px with the sidebar, filters and details all shown, the default columns still fit
(the Status column is off at first: the count above the table says how many wait or failed)."""


class LibraryView(EmptyStateView):
    """Tracks of the library: the table, filters and detail once there are any, else how to
    import the first ones."""

    view_name = "library"
    title = "Library"
    subtitle = "Your tracks, analysed for tempo, key, loudness and structure."
    glyph = "library"

    play_requested = Signal(object, int)
    """Double-click or Enter on a track whose file exists: the selection's track ids (or the
    track's alone) and where the clicked one is, for the track player to play as the queue."""
    queue_requested = Signal(object, bool)
    """Play Next (True) or Add to Queue (False) on the selection: its track ids."""
    detail_loaded = Signal()
    """The detail pane shows a freshly read track."""
    facets_loaded = Signal()
    """The filter panel's genres and tags were read from the library."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.reader = StoreReader(app, self, name="library-reader")
        self.destroyed.connect(lambda _object=None, reader=self.reader: reader.close())
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
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        self._facets_timer = QTimer(self)
        self._facets_timer.setSingleShot(True)
        self._facets_timer.setInterval(FACETS_DELAY_MS)
        self._facets_timer.timeout.connect(self._load_facets)
        self._facets_due = True
        self._panel_query = ""
        self._current_key: int | None = None
        self._detail_ticket = 0
        self._restore_state()
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

    # building -------------------------------------------------------------------------------

    def _build_table_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("libraryTablePage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.setSpacing(8)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.filters_button = QPushButton("Filters", page)
        self.filters_button.setCheckable(True)
        self.filters_button.setChecked(False)
        self.filters_button.setToolTip("Show or hide the filter panel")
        self.details_button = QPushButton("Details", page)
        self.details_button.setCheckable(True)
        self.details_button.setChecked(True)
        self.details_button.setToolTip("Show or hide the track's details, edits and similar tracks")
        self.query_box = QueryBox(page)
        self.query_box.query_changed.connect(self._query_typed)
        self.count_label = QLabel(page)
        self.count_label.setObjectName("libraryCounts")
        self.count_label.setProperty("role", "hint")
        self.table_import_button = QPushButton("Import Folder…", page)
        self.table_import_button.setEnabled(False)
        bar.addWidget(self.filters_button, 0, Qt.AlignmentFlag.AlignTop)
        bar.addWidget(self.query_box, 1)
        bar.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignTop)
        bar.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        bar.addWidget(self.table_import_button, 0, Qt.AlignmentFlag.AlignTop)
        self.count_label.setMinimumHeight(self.query_box.line.sizeHint().height())
        layout.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, page)
        self.splitter.setChildrenCollapsible(False)
        self.filter_panel = FilterPanel(self.splitter)
        self.filter_panel.filters_changed.connect(self._filters_changed)
        self.filters_button.toggled.connect(self._show_filters)
        self.model = TrackTableModel(self.app, self.reader, self)
        self.model.results_changed.connect(self._results_changed)
        self.model.query_failed.connect(self._query_failed)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        self.table = self._build_table(self.splitter)
        self.detail_pane = DetailPane(self.splitter)
        self.detail_pane.setMinimumWidth(DETAIL_WIDTH - 20)
        self.details_button.toggled.connect(self._show_details)
        self.detail_pane.edit_requested.connect(self.apply_edit)
        self.detail_pane.credits_requested.connect(self.apply_credits)
        self.similar_panel = SimilarPanel(self.detail_pane)
        self.detail_pane.tabs.addTab(self.similar_panel, "Similar")
        self.detail_pane.tabs.currentChanged.connect(lambda _index: self._load_similar())
        self.similar_panel.request_changed.connect(self._load_similar)
        self.similar_panel.track_chosen.connect(self.show_track)
        self.splitter.addWidget(self.filter_panel)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail_pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes(DEFAULT_SPLITTER)
        self.splitter.splitterMoved.connect(lambda _pos, _index: self._save_timer.start())
        layout.addWidget(self.splitter, 1)
        return page

    def _build_table(self, parent: QWidget) -> QTableView:
        table = TrackTable(parent)
        table.setObjectName("trackTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setDragEnabled(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        table.setDefaultDropAction(Qt.DropAction.CopyAction)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(30)
        # room at the right of each heading for the sort arrow, which Fusion draws there
        header.setStyleSheet("QHeaderView::section { padding: 3px 18px 3px 6px; }")
        for number, column in enumerate(COLUMNS):
            header.resizeSection(number, column.width)
            header.setSectionHidden(number, not column.shown)
        header.setSectionResizeMode(COLUMN_KEYS.index("title"), QHeaderView.ResizeMode.Stretch)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.sectionResized.connect(lambda _n, _old, _new: self._save_timer.start())
        header.setSortIndicator(COLUMN_KEYS.index("artist"), Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(lambda _n, _order: self._save_timer.start())
        table.setSortingEnabled(True)
        table.doubleClicked.connect(self._play_index)
        table.play_requested.connect(self._play_index)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._track_menu)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        return table

    def bind_action(self, action_name: str, action: QAction) -> None:
        """The import action also sits above the table."""
        super().bind_action(action_name, action)
        if action_name == "import_folder":
            self.table_import_button.clicked.connect(action.trigger)
            action.changed.connect(lambda: self.table_import_button.setEnabled(action.isEnabled()))
            self.table_import_button.setEnabled(action.isEnabled())
            self.table_import_button.setToolTip(action.toolTip())

    # columns and saved state ----------------------------------------------------------------

    def shown_columns(self) -> list[str]:
        """The keys of the columns on show, in table order."""
        header = self.table.horizontalHeader()
        return [
            COLUMNS[header.logicalIndex(visual)].key
            for visual in range(header.count())
            if not header.isSectionHidden(header.logicalIndex(visual))
        ]

    def set_column_shown(self, key: str, shown: bool) -> None:
        """Show or hide a column (the title always shows); remembered for next time."""
        if key == "title":
            return
        self.table.horizontalHeader().setSectionHidden(COLUMN_KEYS.index(key), not shown)
        self._save_timer.start()

    def column_menu(self) -> QMenu:
        """The header's menu: one checkable entry per column."""
        menu = QMenu(self)
        menu.setObjectName("columnMenu")
        shown = set(self.shown_columns())
        for column in COLUMNS:
            action = menu.addAction(column.heading if column.key != "favorite" else "Favourite")
            action.setCheckable(True)
            action.setChecked(column.key in shown)
            action.setEnabled(column.key != "title")
            action.setData(column.key)
            action.toggled.connect(lambda on, key=column.key: self.set_column_shown(key, on))
        return menu

    def _column_menu(self, position: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))
        menu.deleteLater()

    def view_state(self) -> dict[str, Any]:
        """What is remembered of the view: columns, widths, order, sort, panels."""
        header = self.table.horizontalHeader()
        query = self.model.query()
        return {
            "columns": self.shown_columns(),
            "widths": {
                column.key: header.sectionSize(number)
                for number, column in enumerate(COLUMNS)
                if column.key != "title" and not header.isSectionHidden(number)
            },
            "sort": query.sort,
            "descending": query.descending,
            "splitter": self.splitter.sizes(),
            "filters_shown": self.filters_button.isChecked(),
            "details_shown": self.details_button.isChecked(),
        }

    def save_state(self) -> None:
        """Remember the view's layout for the local user."""
        self._save_timer.stop()
        with self.app.session() as session:
            save_ui_state(session, self.app.local_user_id, UI_STATE_COMPONENT, self.view_state())

    def _restore_state(self) -> None:
        with self.app.session() as session:
            state = load_ui_state(session, self.app.local_user_id, UI_STATE_COMPONENT)
        header = self.table.horizontalHeader()
        columns = [key for key in state.get("columns") or [] if key in COLUMN_KEYS]
        if columns:
            for number, column in enumerate(COLUMNS):
                header.setSectionHidden(number, column.key not in columns and column.key != "title")
            for visual, key in enumerate(columns):
                header.moveSection(header.visualIndex(COLUMN_KEYS.index(key)), visual)
        for key, width in (state.get("widths") or {}).items():
            if key in COLUMN_KEYS and isinstance(width, int) and width > 10:
                header.resizeSection(COLUMN_KEYS.index(key), width)
        sort = state.get("sort")
        if isinstance(sort, str) and sort in COLUMN_KEYS and column_by_key(sort).sortable:
            order = (
                Qt.SortOrder.DescendingOrder
                if state.get("descending")
                else Qt.SortOrder.AscendingOrder
            )
            header.blockSignals(True)
            header.setSortIndicator(COLUMN_KEYS.index(sort), order)
            header.blockSignals(False)
            self.model.set_query(
                replace(self.model.query(), sort=sort, descending=bool(state.get("descending")))
            )
        sizes = state.get("splitter")
        if isinstance(sizes, list) and len(sizes) == 3 and all(isinstance(s, int) for s in sizes):
            self.splitter.setSizes(sizes)
        self.filters_button.setChecked(state.get("filters_shown") is True)
        self.details_button.setChecked(state.get("details_shown") is not False)
        self.detail_pane.setVisible(self.details_button.isChecked())
        self.filter_panel.setVisible(self.filters_button.isChecked())

    def _show_filters(self, shown: bool) -> None:
        self.filter_panel.setVisible(shown)
        self._save_timer.start()

    def _show_details(self, shown: bool) -> None:
        self.detail_pane.setVisible(shown)
        self._save_timer.start()

    # reading --------------------------------------------------------------------------------

    def schedule_refresh(self) -> None:
        """Refresh soon; many requests within a second make one read of the store."""
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Read the matching tracks again (in the background); the table stays as it is until
        the answer arrives, and shows the empty state if the library has no tracks."""
        self._refresh_timer.stop()
        self._facets_due = True  # the library may have changed, not only the query
        self.model.reload()

    def track_count(self) -> int:
        """How many tracks the table shows (the matches of the query)."""
        return self.model.rowCount()

    def _results_changed(self) -> None:
        counts = self.model.counts()
        total = self.model.total_tracks()
        shown = self.model.rowCount()
        parts = [
            f"{total:,} track{'s' if total != 1 else ''}"
            if shown == total or not total
            else f"{shown:,} of {total:,} tracks"
        ]
        for status, word in (
            ("pending", "waiting"),
            ("error", "with errors"),
            ("missing", "missing"),
        ):
            if counts.get(status):
                parts.append(f"{counts[status]:,} {word}")
        self.count_label.setText("  ·  ".join(parts))
        self.pages.setCurrentWidget(self.table_page if total else self.empty_page)
        self._reload_detail()
        if self._facets_due:
            self._facets_due = False
            self._facets_timer.start()

    def _load_facets(self) -> None:
        """Fill the filter panel's genre list and tag completions from the library."""

        def read(session: Session) -> tuple[list[Facet], list[Facet]]:
            return genre_counts(session), tag_counts(session, "tag")

        def done(facets: tuple[list[Facet], list[Facet]]) -> None:
            genres, tags = facets
            self.filter_panel.set_genres(genres)
            self.filter_panel.set_tags(tags)
            self.facets_loaded.emit()

        self.reader.submit("facets", read, done)

    def _query_typed(self, text: str) -> None:
        try:
            parse_query(text)
        except QueryError as error:
            self._query_failed(error)
            return
        self.query_box.clear_error()
        self.model.set_query(replace(self.model.query(), text=text))

    def _query_failed(self, error: Exception) -> None:
        pointer = error.pointer() if isinstance(error, QueryError) else self.query_box.text()
        self.query_box.show_error(pointer, str(error))

    def set_query_text(self, text: str) -> None:
        """Search for text as if typed in the box."""
        self.query_box.set_text(text)

    def _filters_changed(self, fragment: str) -> None:
        """Put the panel's filters in the query box in place of the ones it wrote before."""
        text = self.query_box.text()
        old = self._panel_query
        if old and old in text:
            start = text.rindex(old)
            text = text[:start] + text[start + len(old) :]
        text = " ".join(text.split())
        self._panel_query = fragment
        self.query_box.set_text(" ".join(part for part in (text, fragment) if part))

    # selection and the detail pane ----------------------------------------------------------

    def selected_rows(self) -> list[int]:
        """The selected rows of the table, top to bottom."""
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def selected_track_ids(self) -> list[uuid.UUID]:
        """The ids of the selected tracks (read at once if their rows are not in memory)."""
        return [uuid.UUID(row["id"]) for row in self.model.rows_now(self.selected_rows())]

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self.detail_pane.detail is not None:
            count = len(self.table.selectionModel().selectedRows())
            self.detail_pane.show_detail(self.detail_pane.detail, max(count, 1))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = self.model.key_at(current.row()) if current.isValid() else None
        self._current_key = key
        if key is None:
            self._detail_ticket += 1
            self.detail_pane.show_detail(None)
            self.similar_panel.show_message("Choose a track to hear what sounds like it.")
            return

        def read(session: Session) -> TrackDetail | None:
            found = rows_for_keys(session, [key])
            return track_detail(session, uuid.UUID(found[0]["id"])) if found else None

        self._read_detail(read)

    def _load_detail_of(self, track_id: uuid.UUID) -> None:
        """Show one track in the detail pane, whether or not the table shows it."""
        self._read_detail(lambda session: track_detail(session, track_id))

    def _reload_detail(self) -> None:
        detail = self.detail_pane.detail
        if detail is not None:
            self._load_detail_of(detail.id)

    def _read_detail(self, read: Callable[[Session], TrackDetail | None]) -> None:
        self._detail_ticket += 1
        ticket = self._detail_ticket

        def failed(error: Exception) -> None:
            if not isinstance(error, LookupError):  # a track deleted meanwhile shows nothing
                raise error
            if ticket == self._detail_ticket:
                self.detail_pane.show_detail(None)

        self.reader.submit("detail", read, lambda detail: self._detail_read(ticket, detail), failed)

    def _detail_read(self, ticket: int, detail: TrackDetail | None) -> None:
        if ticket != self._detail_ticket:
            return
        count = len(self.table.selectionModel().selectedRows())
        self.detail_pane.show_detail(detail, max(count, 1))
        self.detail_loaded.emit()
        self._load_similar()

    def _load_similar(self) -> None:
        detail = self.detail_pane.detail
        if self.detail_pane.tabs.currentWidget() is not self.similar_panel:
            return
        if detail is None:
            self.similar_panel.show_message("Choose a track to hear what sounds like it.")
            return
        request = self.similar_panel.request()
        track_id = detail.id
        self.similar_panel.show_waiting()

        def read(session: Session) -> list[dict[str, Any]]:
            return similar_tracks(
                session,
                track_id,
                k=request.k,
                compatible_key=request.compatible_key,
                bpm_within=request.bpm_within,
            )

        def failed(error: Exception) -> None:
            if not isinstance(error, ValueError):
                raise error
            self.similar_panel.show_message(str(error))

        def done(rows: list[dict[str, Any]]) -> None:
            current = self.detail_pane.detail
            if current is not None and current.id == track_id:
                self.similar_panel.show_rows(rows)

        self.reader.submit("similar", read, done, failed)

    def show_track(self, track_id: str) -> None:
        """Go to a track: select it in the table when its row is at hand, else show it in the
        detail pane alone."""
        row = self.model.row_of_track(track_id)
        if row is None:
            wanted = uuid.UUID(track_id)
            self.reader.submit(
                "locate",
                lambda session: key_of_track(session, wanted),
                lambda key: self._located(wanted, key),
            )
            return
        self._select_row(row)

    def _located(self, track_id: uuid.UUID, key: int | None) -> None:
        """Select the found track's row; a track the query leaves out shows in the pane alone."""
        row = None if key is None else self.model.row_of_key(key)
        if row is None:
            self.table.clearSelection()
            self._load_detail_of(track_id)
            self.count_label.setText("The track shown is not among the tracks listed")
            return
        self._select_row(row)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _remember_current(self) -> None:
        index = self.table.currentIndex()
        self._current_key = self.model.key_at(index.row()) if index.isValid() else None

    def _restore_current(self) -> None:
        key = self._current_key
        row = None if key is None else self.model.row_of_key(key)
        if row is None:
            self.detail_pane.show_detail(None)
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    # edits ----------------------------------------------------------------------------------

    def _edit_targets(self) -> list[uuid.UUID]:
        ids = self.selected_track_ids()
        detail = self.detail_pane.detail
        if not ids and detail is not None:
            ids = [detail.id]
        return ids

    def apply_edit(self, edit: TrackEdit) -> int:
        """Apply an edit to every selected track in one transaction; returns how many."""
        ids = self._edit_targets()
        try:
            with waiting(), self.app.session() as session:
                edited = edit_tracks(session, ids, edit)
        except EditError as error:
            self.detail_pane.show_error(str(error))
            return 0
        self.refresh()
        return edited

    def apply_credits(
        self,
        creators: Sequence[Creator],
        instruments: Sequence[Instrument],
        samples: Sequence[Sample],
    ) -> bool:
        """Store creators, instruments and samples for every selected track (all or none)."""
        ids = self._edit_targets()
        try:
            with waiting(), self.app.session() as session:
                credit_tracks(
                    session, ids, creators=creators, instruments=instruments, samples=samples
                )
        except EditError as error:
            self.detail_pane.show_error(str(error))
            return False
        self._reload_detail()
        return True

    # playlists ------------------------------------------------------------------------------

    def track_menu(self) -> QMenu:
        """The table's context menu: Add to Playlist ▸ for the selected tracks."""
        menu = QMenu(self)
        menu.addAction(
            "Play Next", lambda: self.queue_requested.emit(self.selected_track_ids(), True)
        )
        menu.addAction(
            "Add to Queue", lambda: self.queue_requested.emit(self.selected_track_ids(), False)
        )
        menu.addSeparator()
        with self.app.session() as session:
            playlists = list_playlists(session)
        menu.addMenu(
            add_to_playlist_menu(
                menu,
                playlists,
                self.add_selection_to_playlist,
                lambda: self.add_selection_to_playlist(None),
            )
        )
        menu.setEnabled(bool(self.selected_rows()))
        return menu

    def _track_menu(self, position: QPoint) -> None:
        if not self.selected_rows():
            return
        menu = self.track_menu()
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()

    def add_selection_to_playlist(
        self, playlist_id: uuid.UUID | None, name: str | None = None
    ) -> int:
        """Add the selected tracks to the end of a playlist (None: a new one, named name or
        as asked); returns how many were added."""
        track_ids = self.selected_track_ids()
        if not track_ids:
            return 0
        if playlist_id is None and name is None:
            asked, ok = QInputDialog.getText(self, "New Playlist", "Name:", text="New playlist")
            if not ok or not asked.strip():
                return 0
            name = asked.strip()
        try:
            with waiting(), self.app.session() as session:
                target = playlist_id or create_playlist(session, name or "New playlist").id
                added = add_tracks(session, target, track_ids)
        except PlaylistError as error:
            self.count_label.setText(str(error))
            return 0
        self.count_label.setText(f"Added {added} track{'s' if added != 1 else ''} to the playlist")
        return added

    # playing --------------------------------------------------------------------------------

    def _play_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.play_row(index.row())

    def play_row(self, row: int) -> bool:
        """Ask for the selection to be played from the track in row (that track alone when it
        is not among several selected); False (and a word why) when its file is gone."""
        found = self.model.rows_now([row])
        if not found:
            return False
        track = found[0]
        path = str(track["path"])
        if not Path(path).is_file():
            self.count_label.setText(f"Cannot play: {Path(path).name} is missing")
            return False
        rows = self.selected_rows()
        if row not in rows or len(rows) < 2:
            rows = [row]
        ids = [uuid.UUID(str(found_row["id"])) for found_row in self.model.rows_now(rows)]
        self.play_requested.emit(ids, ids.index(uuid.UUID(track["id"])))
        return True
