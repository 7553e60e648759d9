"""Playlists: hand-made and smart ones, ordered for harmonic mixing.

The sidebar lists folders, playlists and the Trash; the entries table shows the chosen one
(rows read lazily by `museaud.ui.playlists.entries_model`, as the library's table reads its
rows), each row with the transition into it rated green, amber or red, and totals under it;
under those the set curve draws energy against the chosen arc and the tempo. The
recommendations panel on the right suggests tracks that fit. Reads run in one background
thread; edits are short transactions on the GUI thread; imports, exports, generation and
ordering run on the view's BackgroundTasks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from museaud.app import App
from museaud.library.search import TrackQuery, find_tracks
from museaud.library.tracks import track_counts, track_rows_by_id
from museaud.playlists import discovery, files, ordering, service, smart, templates
from museaud.playlists.ordering import SetOrder, SetSummary
from museaud.ui.library.reader import StoreReader
from museaud.ui.playlists.dialogs import (
    OrderDialog,
    OrderSettings,
    SmartPlaylistDialog,
    SmartRules,
    SongPathDialog,
    TemplateChoice,
    TemplateDialog,
)
from museaud.ui.playlists.entries_model import COLUMN_NUMBER, ENTRY_COLUMNS, EntriesModel
from museaud.ui.playlists.menus import add_to_playlist_menu
from museaud.ui.playlists.reading import SidebarContents, read_sidebar
from museaud.ui.playlists.recommendations import RecommendationsPanel, Suggestion
from museaud.ui.playlists.set_curve import SetCurve
from museaud.ui.playlists.sidebar import PlaylistSidebar
from museaud.ui.playlists.transitions import TransitionDelegate, summary_text
from museaud.ui.tasks import BackgroundTasks, TaskContext
from museaud.ui.views.base import EmptyState, EmptyStateView
from museaud.ui.widgets import waiting

ROW_HEIGHT = 28
SIDEBAR_WIDTH = 190
PANEL_WIDTH = 250
MORE_LIKE_COUNT = 25
SUGGESTIONS = 10
Result = TypeVar("Result")


@dataclass(frozen=True)
class PlayRequest:
    """Play these tracks in order from start_index; source says where they came from."""

    track_ids: tuple[uuid.UUID, ...]
    start_index: int
    source: tuple[str, uuid.UUID]


class EntriesTable(QTableView):
    """The entries table: Enter plays, Ctrl+Up/Down move the selection, Delete removes it."""

    play_requested = Signal(QModelIndex)
    move_requested = Signal(int)
    remove_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key, modifiers = event.key(), event.modifiers()
        control = Qt.KeyboardModifier.ControlModifier
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and modifiers == control:
            self.move_requested.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not modifiers:
            self.remove_requested.emit()
            return
        if (
            key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and modifiers == Qt.KeyboardModifier.NoModifier
            and self.state() != QAbstractItemView.State.EditingState
            and self.currentIndex().isValid()
        ):
            self.play_requested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class PlaylistsView(EmptyStateView):
    """The user's playlists: sidebar, entries with transitions, set curve, suggestions."""

    view_name = "playlists"
    title = "Playlists"
    subtitle = "Hand-picked and smart playlists, ordered to mix in key."
    glyph = "playlists"

    play_requested = Signal(object)
    """A PlayRequest: the Play button, Enter or a double-click on an entry."""
    sidebar_loaded = Signal()
    recommendations_loaded = Signal()
    task_finished = Signal(str)
    """A background job (import, export, generate, order, path) ended; its words."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.reader = StoreReader(app, self, name="playlists-reader")
        self.tasks = BackgroundTasks("playlists-tasks", self)
        self.destroyed.connect(lambda _object=None, reader=self.reader: reader.close())
        self.page_layout.removeWidget(self.empty_page)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.empty_page)
        self.main_page = self._build_main_page()
        self.pages.addWidget(self.main_page)
        self.page_layout.addWidget(self.pages)
        self._select_entries_after: set[uuid.UUID] = set()
        self._suggested_for: uuid.UUID | None = None
        self._select_playlist_after: uuid.UUID | None = None
        self._arc = "build"
        self._loaded_once = False
        self.last_message = ""
        self.refresh()

    def empty_state(self) -> EmptyState:
        """No tracks and no playlists yet: playlists are built from the analysed library."""
        return EmptyState(
            headline="No playlists yet",
            body=(
                "Build playlists by hand, or let smart rules fill them by tempo range, key, "
                "energy or similarity to a track you like."
            ),
            features=(
                "Smart playlists that update themselves as your library grows",
                "Harmonic ordering along the Camelot wheel for smooth mixes",
                "Recommendations of tracks that fit the playlist's sound",
                "Import and export of M3U playlists for DJ software and players",
            ),
            how_to_start=(
                "Playlists draw on analysed tracks: import some music into the Library first "
                "(Ctrl+1)."
            ),
            command="museaud import PATH",
        )

    # building -------------------------------------------------------------------------------

    def _make_action(
        self, text: str, slot: Callable[[], object], shortcut: str | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        if tip:
            action.setToolTip(tip)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._make_action("New Playlist", self.new_playlist, "Ctrl+N")
        self.new_smart_action = self._make_action("New Smart Playlist…", self.new_smart_playlist)
        self.new_folder_action = self._make_action("New Folder", self.new_folder)
        self.template_action = self._make_action("New from Template…", self.new_from_template)
        self.rename_action = self._make_action("Rename…", self.rename_selected)
        self.edit_smart_action = self._make_action("Edit Smart Rules…", self.edit_smart_playlist)
        self.duplicate_action = self._make_action("Duplicate", self.duplicate_selected)
        self.delete_action = self._make_action("Move to Trash", self.delete_selected)
        self.restore_action = self._make_action("Restore", self.restore_selected)
        self.empty_trash_action = self._make_action("Empty Trash…", self.empty_trash)
        self.import_action = self._make_action("Import M3U/PLS…", self.import_file)
        self.export_action = self._make_action("Export…", self.export_file)
        self.export_folder_action = self._make_action("Export to Folder…", self.export_to_folder)
        self.order_action = self._make_action("Order for Mixing…", self.open_order_dialog)
        self.song_path_action = self._make_action("Song Path…", self.open_song_path)
        self.more_like_action = self._make_action("More Like This", self.more_like_this)
        self.play_action = self._make_action("Play", self.play_selected)

    def _build_main_page(self) -> QWidget:
        self._build_actions()
        page = QWidget(self)
        page.setObjectName("playlistsPage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.new_button = QPushButton("New", page)
        new_menu = QMenu(self.new_button)
        for action in (
            self.new_action,
            self.new_smart_action,
            self.template_action,
            self.new_folder_action,
            self.import_action,
        ):
            new_menu.addAction(action)
        self.new_button.setMenu(new_menu)
        self.name_label = QLabel(page)
        self.name_label.setObjectName("playlistName")
        font = self.name_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.name_label.setFont(font)
        self.name_label.setMinimumWidth(1)  # a long name is cut, never widens the window
        self.play_button = QPushButton("Play", page)
        self.play_button.setObjectName("primaryButton")
        self.play_button.clicked.connect(self.play_selected)
        self.order_button = QPushButton("Order for Mixing…", page)
        self.order_button.clicked.connect(self.open_order_dialog)
        # the rarer actions share one menu, so the bar fits a narrow window beside the sidebar
        self.more_button = QPushButton("More", page)
        more_menu = QMenu(self.more_button)
        self.path_action = more_menu.addAction("Song Path…")
        self.path_action.setToolTip("A new playlist leading from the selected track to another")
        self.path_action.triggered.connect(self.open_song_path)
        more_menu.addSeparator()
        more_menu.addAction(self.export_action)
        more_menu.addAction(self.export_folder_action)
        self.more_button.setMenu(more_menu)
        self.suggest_button = QPushButton("Suggestions", page)
        self.suggest_button.setCheckable(True)
        self.suggest_button.setChecked(True)
        self.suggest_button.setToolTip("Show or hide tracks recommended for this playlist")
        bar.addWidget(self.new_button)
        bar.addSpacing(8)
        bar.addWidget(self.name_label, 1)
        for button in (
            self.play_button,
            self.order_button,
            self.more_button,
            self.suggest_button,
        ):
            bar.addWidget(button)
        layout.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, page)
        self.splitter.setChildrenCollapsible(False)
        self.sidebar = PlaylistSidebar(self.splitter)
        self.sidebar.setMinimumWidth(160)
        self.sidebar.playlist_chosen.connect(self._playlist_chosen)
        self.sidebar.playlist_dropped.connect(self.put_in_folder)
        self.sidebar.tracks_dropped.connect(
            lambda playlist, tracks: self.add_tracks(tracks, playlist_id=playlist)
        )
        self.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        self.sidebar.delete_requested.connect(self.delete_selected)
        self.rename_action.setShortcut(QKeySequence("F2"))  # F2 in the table edits a cell
        self.rename_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.sidebar.addAction(self.rename_action)
        self.sidebar.itemDoubleClicked.connect(lambda _item, _column: self._sidebar_activated())

        center = QWidget(self.splitter)
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.model = EntriesModel(self.reader, self)
        self.model.outline_changed.connect(self._outline_changed)
        self.model.read_failed.connect(lambda error: self.show_message(str(error)))
        self.model.tracks_dropped.connect(self._tracks_dropped)
        self.model.entries_dropped.connect(self.move_entries)
        self.model.entry_edited.connect(self.set_entry)
        self.table = self._build_table(center)
        self.summary_label = QLabel(center)
        self.summary_label.setObjectName("setTotals")
        self.summary_label.setProperty("role", "hint")
        self.message_label = QLabel(center)
        self.message_label.setObjectName("playlistMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        self.curve = SetCurve(center)
        self.curve.position_hovered.connect(self._curve_hovered)
        column.addWidget(self.table, 1)
        column.addWidget(self.summary_label)
        column.addWidget(self.message_label)
        column.addWidget(self.curve)

        self.recommendations = RecommendationsPanel(self.splitter)
        self.recommendations.refresh_requested.connect(self.load_recommendations)
        self.recommendations.accepted.connect(self.accept_recommendation)
        self.recommendations.rejected.connect(self.reject_recommendation)
        self.recommendations.more_like_requested.connect(self.more_like_this)
        self.suggest_button.toggled.connect(self._show_recommendations)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.recommendations)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([SIDEBAR_WIDTH, 800, PANEL_WIDTH])
        layout.addWidget(self.splitter, 1)
        return page

    def _build_table(self, parent: QWidget) -> EntriesTable:
        table = EntriesTable(parent)
        table.setObjectName("entriesTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setDragEnabled(True)
        table.setAcceptDrops(True)
        table.setDropIndicatorShown(True)
        table.setDragDropOverwriteMode(False)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setItemDelegateForColumn(COLUMN_NUMBER["transition"], TransitionDelegate(table))
        vertical = table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for number, column in enumerate(ENTRY_COLUMNS):
            header.resizeSection(number, column.width)
        header.setStretchLastSection(True)  # the notes take what is left
        header.setMinimumSectionSize(28)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._table_menu)
        table.doubleClicked.connect(self._double_clicked)
        table.play_requested.connect(lambda index: self.play_row(index.row()))
        table.move_requested.connect(self.move_selection)
        table.remove_requested.connect(self.remove_selected)
        return table

    # reading --------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Read again when shown: tracks were added, files went missing or came back."""
        super().showEvent(event)
        if self._loaded_once:
            self.refresh()

    def refresh(self) -> None:
        """Read the sidebar and the playlist shown again (in the background)."""

        def read(session: Session) -> tuple[SidebarContents, int]:
            return read_sidebar(session), sum(track_counts(session).values())

        self.reader.submit("sidebar", read, self._sidebar_read)
        if self.model.playlist_id() is not None:
            self.model.reload()

    def _sidebar_read(self, result: tuple[SidebarContents, int]) -> None:
        contents, tracks = result
        self._loaded_once = True
        self.sidebar.show_contents(contents)
        has_any = bool(tracks or contents.playlists or contents.trash or contents.folders)
        self.pages.setCurrentWidget(self.main_page if has_any else self.empty_page)
        wanted = self._select_playlist_after
        self._select_playlist_after = None
        if wanted is not None:
            self.sidebar.select_id(wanted)
        elif self.sidebar.currentItem() is None and contents.playlists:
            self.sidebar.select_id(contents.playlists[0].id)
        elif (
            self.model.playlist_id() is not None
            and self.sidebar.item_of(self.model.playlist_id() or "") is None
        ):
            self.model.set_playlist(None)
        self._sync_actions()
        self.sidebar_loaded.emit()

    def playlist_id(self) -> uuid.UUID | None:
        """The playlist shown in the table."""
        return self.model.playlist_id()

    def show_playlist(self, playlist_id: uuid.UUID) -> None:
        """Select a playlist in the sidebar (once listed) and show its entries."""
        if not self.sidebar.select_id(playlist_id):
            self._select_playlist_after = playlist_id
            self.refresh()

    def _sidebar_activated(self) -> None:
        """A double-click: a playlist plays from the top, a folder opens or closes."""
        if self.sidebar.current_kind() == "playlist" and self.model.outline() is not None:
            self.play_row(0)

    def _playlist_chosen(self, playlist_id: uuid.UUID | None) -> None:
        self.show_message("")
        self.model.set_playlist(playlist_id, self._arc)
        if playlist_id is None:
            self.name_label.clear()
            self.summary_label.clear()
            self.curve.set_curve([], [], self._arc)
            self.recommendations.show_message("Choose a playlist to see tracks that fit it.")
        self._sync_actions()

    def _outline_changed(self) -> None:
        outline = self.model.outline()
        if outline is None:
            self._sync_actions()
            return
        kind = {"smart": "Smart playlist", "generated": "From a template"}.get(outline.kind, "")
        self.name_label.setText(outline.name + (f"   ·   {kind}" if kind else ""))
        self.name_label.setToolTip(f"Query: {outline.query}" if outline.kind == "smart" else "")
        self.summary_label.setText(
            summary_text(outline.summary, len(outline), outline.missing_count())
        )
        self.curve.set_curve(outline.tracks, outline.arc_targets, outline.arc)
        if self._select_entries_after:
            self._select_entries(self._select_entries_after)
            self._select_entries_after = set()
        self._sync_actions()
        self.recommendations.set_enabled_for(outline.editable)
        if self.recommendations.isVisible() and outline.playlist_id != self._suggested_for:
            self.load_recommendations()

    def _select_entries(self, entries: set[uuid.UUID]) -> None:
        outline = self.model.outline()
        if outline is None:
            return
        rows = [row for row, entry in enumerate(outline.entry_ids) if entry in entries]
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in rows:
            selection.select(self.model.index(row, 0), flags)
        if rows:
            selection.setCurrentIndex(
                self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
            self.table.scrollTo(self.model.index(rows[0], 0))

    def _sync_actions(self) -> None:
        kind = self.sidebar.current_kind()
        outline = self.model.outline()
        playlist = kind == "playlist"
        manual = playlist and outline is not None and outline.editable
        has_entries = outline is not None and len(outline) > 0 and playlist
        for action in (self.rename_action, self.duplicate_action, self.delete_action):
            action.setEnabled(
                playlist or (kind == "folder" and action is not self.duplicate_action)
            )
        self.edit_smart_action.setEnabled(playlist and outline is not None and not manual)
        self.restore_action.setEnabled(kind == "trashed")
        self.empty_trash_action.setEnabled(bool(self.sidebar.contents.trash))
        for action in (self.export_action, self.export_folder_action, self.play_action):
            action.setEnabled(has_entries)
        self.order_action.setEnabled(manual and has_entries)
        self.more_like_action.setEnabled(manual and has_entries)
        self.song_path_action.setEnabled(has_entries)
        self.play_button.setEnabled(has_entries)
        self.order_button.setEnabled(self.order_action.isEnabled())
        self.path_action.setEnabled(has_entries)
        self.export_action.setEnabled(has_entries)
        self.export_folder_action.setEnabled(has_entries)

    def show_message(self, text: str) -> None:
        """A word under the table on what just happened (or went wrong)."""
        self.last_message = text
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    # writing --------------------------------------------------------------------------------

    def _write(self, change: Callable[[Session], Result]) -> Result | None:
        """Run change in one short transaction; a refusal is shown and None returned."""
        try:
            with waiting(), self.app.session() as session:
                return change(session)
        except ValueError as error:  # PlaylistError, QueryError, DiscoveryError
            self.show_message(str(error))
            return None

    def _apply(self, change: Callable[[Session], object]) -> bool:
        """Run change in one short transaction; False (and the reason shown) when refused."""
        try:
            with waiting(), self.app.session() as session:
                change(session)
        except ValueError as error:
            self.show_message(str(error))
            return False
        return True

    def _ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, text=text)
        return value.strip() if ok and value.strip() else None

    def new_playlist(
        self, name: str | None = None, track_ids: list[uuid.UUID] | None = None
    ) -> uuid.UUID | None:
        """A new hand-made playlist (in the selected folder), with these tracks; it is shown."""
        name = name or self._ask_text("New Playlist", "Name:", "New playlist")
        if name is None:
            return None
        folder = self.sidebar.current_id() if self.sidebar.current_kind() == "folder" else None

        def create(session: Session) -> uuid.UUID:
            playlist = service.create_playlist(session, name, folder_id=folder)
            if track_ids:
                service.add_tracks(session, playlist.id, track_ids)
            return playlist.id

        created = self._write(create)
        if created is not None:
            self.show_playlist(created)
        return created

    def new_folder(self, name: str | None = None) -> uuid.UUID | None:
        """A new folder at the top level."""
        name = name or self._ask_text("New Folder", "Name:", "New folder")
        if name is None:
            return None
        created = self._write(lambda session: service.create_folder(session, name).id)
        if created is not None:
            self.refresh()
        return created

    def new_smart_playlist(self, rules: SmartRules | None = None) -> uuid.UUID | None:
        """A smart playlist from the editor (or from rules given)."""
        if rules is None:
            dialog = SmartPlaylistDialog(self)
            if not dialog.exec():
                return None
            rules = dialog.rules()
        chosen = rules
        created = self._write(
            lambda session: (
                smart.create_smart_playlist(
                    session,
                    chosen.name,
                    chosen.query,
                    sort=chosen.sort,
                    descending=chosen.descending,
                    limit=chosen.limit,
                ).id
            )
        )
        if created is not None:
            self.show_playlist(created)
        return created

    def smart_dialog(self) -> SmartPlaylistDialog | None:
        """The editor filled with the shown smart playlist's rules."""
        outline = self.model.outline()
        if outline is None or outline.editable:
            return None
        return SmartPlaylistDialog(
            self,
            SmartRules(
                outline.name, outline.query, outline.sort, outline.descending, outline.limit
            ),
        )

    def edit_smart_playlist(self, rules: SmartRules | None = None) -> bool:
        """Change the shown smart playlist's name, query, sort and limit."""
        playlist_id = self.playlist_id()
        if rules is None:
            dialog = self.smart_dialog()
            if dialog is None or not dialog.exec():
                return False
            rules = dialog.rules()
        if playlist_id is None:
            return False
        chosen = rules

        def change(session: Session) -> bool:
            service.rename_playlist(session, playlist_id, chosen.name)
            smart.change_smart_playlist(
                session,
                playlist_id,
                query=chosen.query,
                sort=chosen.sort,
                descending=chosen.descending,
                limit=chosen.limit,
                no_limit=chosen.limit is None,
            )
            return True

        if self._write(change):
            self.refresh()
            return True
        return False

    def rename_selected(self, name: str | None = None) -> bool:
        """Rename the selected playlist or folder."""
        kind, item_id = self.sidebar.current_kind(), self.sidebar.current_id()
        if item_id is None or kind not in ("playlist", "folder"):
            return False
        item = self.sidebar.currentItem()
        current = item.text(0) if item is not None else ""
        name = name or self._ask_text("Rename", "New name:", current)
        if name is None:
            return False
        wanted = name
        if kind == "folder":
            done = self._apply(lambda s: service.rename_folder(s, item_id, wanted))
        else:
            done = self._apply(lambda s: service.rename_playlist(s, item_id, wanted))
        if not done:
            return False
        self.refresh()
        return True

    def duplicate_selected(self) -> uuid.UUID | None:
        """A copy of the selected playlist, entries, notes and ratings included."""
        playlist_id = self.sidebar.current_id()
        if playlist_id is None or self.sidebar.current_kind() != "playlist":
            return None
        copy = self._write(lambda session: service.duplicate_playlist(session, playlist_id).id)
        if copy is not None:
            self.show_playlist(copy)
        return copy

    def delete_selected(self) -> bool:
        """Move the selected playlist to the Trash (or remove a folder, keeping its playlists)."""
        kind, item_id = self.sidebar.current_kind(), self.sidebar.current_id()
        if item_id is None:
            return False
        if kind == "folder":
            done = self._apply(lambda session: service.delete_folder(session, item_id))
        elif kind == "playlist":
            done = self._apply(lambda session: service.delete_playlist(session, item_id))
            if done:
                self.show_message("Moved to the Trash: restore it from the Trash below.")
        else:
            return False
        if done:
            self.sidebar.clearSelection()
            self.sidebar.setCurrentIndex(QModelIndex())
            self.refresh()
        return bool(done)

    def restore_selected(self) -> bool:
        """Take the selected playlist out of the Trash and show it."""
        playlist_id = self.sidebar.current_id()
        if playlist_id is None or self.sidebar.current_kind() != "trashed":
            return False
        if self._write(lambda session: service.restore_playlist(session, playlist_id)) is None:
            return False
        self._select_playlist_after = playlist_id
        self.refresh()
        return True

    def empty_trash(self, confirm: bool = True) -> int:
        """Delete the playlists in the Trash for good (asked first)."""
        count = len(self.sidebar.contents.trash)
        if not count:
            return 0
        if confirm:
            answer = QMessageBox.question(
                self,
                "Empty Trash",
                f"Delete {count} playlist{'s' if count != 1 else ''} for good?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        deleted = self._write(service.empty_trash) or 0
        self.refresh()
        return deleted

    def put_in_folder(self, playlist_id: uuid.UUID, folder_id: uuid.UUID | None) -> bool:
        """Move a playlist into a folder (None: the top level)."""
        if self._write(lambda s: service.put_in_folder(s, playlist_id, folder_id)) is None:
            return False
        self.refresh()
        return True

    # entries --------------------------------------------------------------------------------

    def add_tracks(
        self,
        track_ids: list[uuid.UUID],
        place: int | None = None,
        playlist_id: uuid.UUID | None = None,
    ) -> int:
        """Add tracks (repeats allowed) at place (None: the end) of a playlist (the shown one)."""
        target = playlist_id or self.playlist_id()
        if target is None or not track_ids:
            return 0
        added = self._write(
            lambda session: service.add_tracks(session, target, track_ids, at=place)
        )
        if not added:
            return 0
        self.show_message(f"Added {added} track{'s' if added != 1 else ''}.")
        self.refresh()
        return added

    def _tracks_dropped(self, track_ids: list[uuid.UUID], place: int) -> None:
        self.add_tracks(track_ids, place)

    def selected_rows(self) -> list[int]:
        """The selected rows, top to bottom."""
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def move_entries(self, entry_ids: list[uuid.UUID], place: int) -> bool:
        """Move entries (in their order) so they stand together before row `place`."""
        outline, playlist_id = self.model.outline(), self.playlist_id()
        if outline is None or playlist_id is None or not entry_ids or not outline.editable:
            return False
        moving = set(entry_ids)
        current = list(outline.entry_ids)
        ordered = [entry for entry in current if entry in moving]
        rest = [entry for entry in current if entry not in moving]
        insert_at = sum(1 for entry in current[:place] if entry not in moving)
        wanted = rest[:insert_at] + ordered + rest[insert_at:]

        def move(session: Session) -> int:
            for entry in ordered:
                assert entry is not None
                current.remove(entry)
                before = wanted.index(entry) - 1
                index = current.index(wanted[before]) + 1 if before >= 0 else 0
                current.insert(index, entry)
                service.move_entry(session, playlist_id, entry, index)
            return len(ordered)

        if self._write(move) is None:
            return False
        self._select_entries_after = {entry for entry in ordered if entry is not None}
        self.model.reload()
        return True

    def move_selection(self, step: int) -> bool:
        """Move the selected entries one place up (step -1) or down (+1)."""
        rows = self.selected_rows()
        outline = self.model.outline()
        if not rows or outline is None:
            return False
        place = rows[0] - 1 if step < 0 else rows[-1] + 2
        if place < 0 or place > len(outline):
            return False
        entries = [self.model.entry_id_at(row) for row in rows]
        return self.move_entries([entry for entry in entries if entry is not None], place)

    def remove_selected(self) -> int:
        """Take the selected entries out of the playlist (the tracks stay in the library)."""
        playlist_id = self.playlist_id()
        entries = [self.model.entry_id_at(row) for row in self.selected_rows()]
        chosen = [entry for entry in entries if entry is not None]
        if playlist_id is None or not chosen:
            return 0
        removed = self._write(lambda s: service.remove_entries(s, playlist_id, chosen)) or 0
        if removed:
            self.show_message(f"Removed {removed} entr{'y' if removed == 1 else 'ies'}.")
            self.refresh()
        return removed

    def set_entry(self, entry_id: uuid.UUID, notes: str | None, rating: int | None) -> bool:
        """Write an entry's notes or rating."""
        playlist_id = self.playlist_id()
        if playlist_id is None:
            return False
        done = self._apply(
            lambda s: service.set_entry(s, playlist_id, entry_id, notes=notes, rating=rating)
        )
        if done:
            self.model.reload()
        return done

    # playing --------------------------------------------------------------------------------

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and not self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.play_row(index.row())

    def play_selected(self) -> bool:
        """Play from the current entry (or the first)."""
        index = self.table.currentIndex()
        return self.play_row(index.row() if index.isValid() else 0)

    def play_row(self, row: int) -> bool:
        """Ask for the playlist to be played from row; False when its file is missing."""
        outline = self.model.outline()
        if outline is None or not 0 <= row < len(outline):
            return False
        if outline.statuses[row] == "missing":
            self.show_message(f"Cannot play: the file of {outline.tracks[row].title} is missing")
            return False
        self.play_requested.emit(
            PlayRequest(outline.track_ids, row, ("playlist", outline.playlist_id))
        )
        return True

    def _curve_hovered(self, position: int) -> None:
        self.table.scrollTo(self.model.index(position, 0))

    # menus ----------------------------------------------------------------------------------

    def sidebar_menu(self) -> QMenu:
        """The sidebar's context menu for the item selected."""
        menu = QMenu(self)
        kind = self.sidebar.current_kind()
        if kind == "trashed":
            menu.addAction(self.restore_action)
        elif kind == "trash":
            menu.addAction(self.empty_trash_action)
        else:
            for action in (
                self.new_action,
                self.new_smart_action,
                self.template_action,
                self.new_folder_action,
            ):
                menu.addAction(action)
            if kind in ("playlist", "folder"):
                menu.addSeparator()
                menu.addAction(self.rename_action)
            if kind == "playlist":
                if self.edit_smart_action.isEnabled():
                    menu.addAction(self.edit_smart_action)
                menu.addAction(self.duplicate_action)
                menu.addAction(self.delete_action)
                menu.addSeparator()
                menu.addAction(self.export_action)
                menu.addAction(self.export_folder_action)
            elif kind == "folder":
                menu.addAction(self.delete_action)
            menu.addSeparator()
            menu.addAction(self.import_action)
        return menu

    def _sidebar_menu(self, position: QPoint) -> None:
        item = self.sidebar.itemAt(position)
        if item is not None:
            self.sidebar.setCurrentItem(item)
        menu = self.sidebar_menu()
        menu.exec(self.sidebar.viewport().mapToGlobal(position))
        menu.deleteLater()

    def table_menu(self) -> QMenu:
        """The entries' context menu."""
        menu = QMenu(self)
        rows = self.selected_rows()
        outline = self.model.outline()
        manual = outline is not None and outline.editable
        menu.addAction(self.play_action)
        if rows and manual:
            up = menu.addAction("Move Up", lambda: self.move_selection(-1))
            up.setShortcut(QKeySequence("Ctrl+Up"))
            down = menu.addAction("Move Down", lambda: self.move_selection(1))
            down.setShortcut(QKeySequence("Ctrl+Down"))
            remove = menu.addAction("Remove from Playlist", self.remove_selected)
            remove.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        if rows and outline is not None:
            tracks = [outline.track_ids[row] for row in rows]
            add_menu = add_to_playlist_menu(
                menu, self.sidebar.playlists(), lambda pid: self.add_tracks(tracks, None, pid)
            )
            menu.addMenu(add_menu)
            menu.addAction(self.song_path_action)
        return menu

    def _table_menu(self, position: QPoint) -> None:
        menu = self.table_menu()
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()

    # suggestions ----------------------------------------------------------------------------

    def _show_recommendations(self, shown: bool) -> None:
        self.recommendations.setVisible(shown)
        if shown:
            self.load_recommendations()

    def load_recommendations(self) -> None:
        """Look for tracks that fit the playlist shown (in the background)."""
        outline = self.model.outline()
        if outline is None or not outline.editable:
            self.recommendations.show_message(
                "Suggestions are for hand-made playlists: a smart one follows its query."
                if outline is not None
                else "Choose a playlist to see tracks that fit it."
            )
            self.recommendations_loaded.emit()
            return
        playlist_id = outline.playlist_id
        self._suggested_for = playlist_id
        self.recommendations.show_waiting()

        def read(session: Session) -> list[Suggestion]:
            found = discovery.recommend(session, playlist_id, SUGGESTIONS)
            rows = {
                row["id"]: row
                for row in track_rows_by_id(session, [item.track_id for item in found])
            }
            return [
                Suggestion(
                    item.track_id,
                    str(rows[str(item.track_id)]["title"] or rows[str(item.track_id)]["path"]),
                    str(rows[str(item.track_id)]["artist"] or ""),
                    item.score,
                    item.reason,
                )
                for item in found
                if str(item.track_id) in rows
            ]

        def done(suggestions: list[Suggestion]) -> None:
            if self.playlist_id() == playlist_id:
                self.recommendations.show_suggestions(suggestions)
            self.recommendations_loaded.emit()

        def failed(error: Exception) -> None:
            if not isinstance(error, ValueError):
                raise error
            self.recommendations.show_message(str(error))
            self.recommendations_loaded.emit()

        self.reader.submit("recommend", read, done, failed, writes=True)  # records suggestions

    def accept_recommendation(self, track_id: uuid.UUID) -> bool:
        """Add a suggested track to the end of the playlist."""
        playlist_id = self.playlist_id()
        if playlist_id is None:
            return False
        done = self._apply(lambda s: discovery.accept_recommendation(s, playlist_id, track_id))
        if done:
            self.recommendations.remove_track(track_id)
            self.refresh()
        return bool(done)

    def reject_recommendation(self, track_id: uuid.UUID) -> bool:
        """Never suggest this track for this playlist again."""
        playlist_id = self.playlist_id()
        if playlist_id is None:
            return False
        done = self._apply(lambda s: discovery.reject_recommendation(s, playlist_id, track_id))
        if done:
            self.recommendations.remove_track(track_id)
        return bool(done)

    # background jobs ------------------------------------------------------------------------

    def _run(
        self,
        what: str,
        work: Callable[[Session, TaskContext], Result],
        done: Callable[[Result], str],
        progress: Callable[[Any], None] | None = None,
        ended: Callable[[], None] | None = None,
    ) -> Any:
        """Run work in its own transaction on the view's tasks; done's words are shown, and
        ended() is called after it or a failure."""

        def run(context: TaskContext) -> Result:
            with self.app.session() as session:
                return work(session, context)

        def finished(result: Result) -> None:
            if ended is not None:
                ended()
            text = done(result)
            self.show_message(text)
            self.task_finished.emit(text)

        def failed(error: Exception) -> None:
            if ended is not None:
                ended()
            if not isinstance(error, ValueError | OSError):
                raise error
            text = f"{what} failed: {error}"
            self.show_message(text)
            self.task_finished.emit(text)

        return self.tasks.submit(run, finished, failed, progress=progress)

    def new_from_template(self, choice: tuple[uuid.UUID, str, int] | None = None) -> None:
        """Generate a playlist from a template (chosen in a dialog unless given)."""
        if choice is None:
            with self.app.session() as session:
                listed = [
                    TemplateChoice(
                        template.id,
                        template.name,
                        template.description or "",
                        int(template.parameters.get("length", templates.DEFAULT_LENGTH)),
                    )
                    for template in templates.list_templates(session)
                ]
            dialog = TemplateDialog(listed, self)
            if not dialog.exec():
                return
            choice = dialog.choice()
            if choice is None:
                return
        template_id, name, length = choice

        def work(session: Session, _context: TaskContext) -> templates.Generated:
            return templates.generate(session, template_id, name=name or None, length=length)

        def done(generated: templates.Generated) -> str:
            self.show_playlist(generated.playlist_id)
            return (
                f"Generated {generated.track_count} tracks; {generated.matched_all} match "
                f"every rule of the template."
            )

        self._run("Generating", work, done)

    def import_file(self, path: Path | None = None) -> None:
        """A new playlist from an M3U, M3U8 or PLS file, matched against the library."""
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, "Import Playlist", "", "Playlists (*.m3u *.m3u8 *.pls)"
            )
            if not chosen:
                return
            path = Path(chosen)
        source = path

        def work(session: Session, _context: TaskContext) -> files.ImportResult:
            return files.import_playlist_file(session, source)

        def done(result: files.ImportResult) -> str:
            self.show_playlist(result.playlist_id)
            text = f"Imported {result.name!r}: {result.matched} tracks found"
            if result.unmatched:
                text += f", {len(result.unmatched)} not in the library"
            return text + "."

        self._run("Import", work, done)

    def export_file(self, path: Path | None = None) -> None:
        """Write the shown playlist as M3U, M3U8 or PLS (by the file's ending)."""
        playlist_id = self.playlist_id()
        if playlist_id is None:
            return
        outline = self.model.outline()
        outline_name = outline.name if outline is not None else "playlist"
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                "Export Playlist",
                f"{outline_name}.m3u8",
                "Playlists (*.m3u8 *.m3u *.pls)",
            )
            if not chosen:
                return
            path = Path(chosen)
        target = path

        def work(session: Session, _context: TaskContext) -> int:
            return files.export_playlist_file(session, playlist_id, target)

        self._run("Export", work, lambda count: f"Wrote {count} entries to {target}.")

    def export_to_folder(self, folder: Path | None = None) -> Any:
        """Copy the playlist's files and a playlist file into a folder, with a progress dialog
        that can cancel."""
        playlist_id = self.playlist_id()
        if playlist_id is None:
            return None
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, "Export to Folder")
            if not chosen:
                return None
            folder = Path(chosen)
        target = folder
        dialog = QProgressDialog("Copying files…", "Cancel", 0, 1000, self)
        dialog.setObjectName("exportProgress")
        dialog.setWindowTitle("Export to Folder")
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self.export_progress = dialog

        def work(session: Session, context: TaskContext) -> files.ExportResult:
            return files.export_to_folder(
                session,
                playlist_id,
                target,
                progress=context.report,
                cancel=context.cancel_event,
            )

        def progress(value: files.ExportProgress) -> None:
            share = value.bytes_done / value.bytes_total if value.bytes_total else 1.0
            dialog.setValue(round(share * 1000))
            dialog.setLabelText(
                f"Copying {value.done + 1 if value.current else value.done} of {value.total}: "
                f"{Path(value.current).name}"
                if value.current
                else "Writing the playlist file…"
            )

        def ended() -> None:
            dialog.hide()  # close() would say canceled
            dialog.deleteLater()

        def done(result: files.ExportResult) -> str:
            if result.cancelled:
                return f"Export cancelled: {result.copied} files copied to {result.folder}."
            text = f"Exported to {result.folder}: {result.copied} copied, {result.reused} kept"
            if result.missing:
                text += f", {len(result.missing)} missing left out"
            return text + "."

        task = self._run("Export to folder", work, done, progress, ended)
        dialog.canceled.connect(lambda: task.cancel(keep_result=True))
        return task

    def open_order_dialog(self, settings: OrderSettings | None = None) -> OrderDialog | None:
        """Order for Mixing: the dialog previews the new order's totals; Apply writes it."""
        outline = self.model.outline()
        if outline is None or not outline.editable or not len(outline):
            return None
        dialog = OrderDialog(len(outline), self, self._arc)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.preview_requested.connect(lambda chosen: self.preview_order(dialog, chosen))
        dialog.accepted.connect(lambda: self.apply_order(dialog.order, dialog.settings().arc))
        self.order_dialog = dialog
        if settings is None:
            dialog.open()
        return dialog

    def preview_order(self, dialog: OrderDialog, settings: OrderSettings) -> None:
        """Order the playlist as asked (in the background) and show the dialog the totals."""
        outline = self.model.outline()
        if outline is None:
            return
        playlist_id, count = outline.playlist_id, len(outline)

        def work(session: Session, _context: TaskContext) -> tuple[SetSummary, SetOrder]:
            current = ordering.playlist_set(session, playlist_id)
            before = ordering.set_summary(current, arc=settings.arc, artist_gap=settings.artist_gap)
            order = ordering.order_playlist(
                session,
                playlist_id,
                arc=settings.arc,
                keep_first=0 if settings.keep_first else None,
                keep_last=count - 1 if settings.keep_last and count > 1 else None,
                artist_gap=settings.artist_gap,
            )
            return before, order

        def done(result: tuple[SetSummary, SetOrder]) -> str:
            before, order = result
            dialog.show_preview(settings, before, order)
            return ""

        def failed(error: Exception) -> None:
            dialog.show_failure(str(error))

        self.tasks.submit(
            lambda context: self._in_session(work, context),
            lambda result: self.task_finished.emit(done(result)),
            failed,
        )

    def _in_session(
        self, work: Callable[[Session, TaskContext], Result], context: TaskContext
    ) -> Result:
        with self.app.session() as session:
            return work(session, context)

    def apply_order(self, order: SetOrder | None, arc: str) -> int:
        """Put the entries in the previewed order; the set is rated against its arc after."""
        playlist_id = self.playlist_id()
        if order is None or playlist_id is None:
            return 0
        moved = self._write(lambda session: ordering.apply_order(session, playlist_id, order))
        if moved is None:
            return 0
        self._arc = arc
        self.model.set_arc(arc)
        self.show_message(f"Ordered for mixing ({arc} arc): {moved} entries moved.")
        return moved

    def _new_playlist_of(self, name: str, track_ids: list[uuid.UUID]) -> uuid.UUID | None:
        def create(session: Session) -> uuid.UUID:
            playlist = service.create_playlist(session, name)
            service.add_tracks(session, playlist.id, track_ids)
            return playlist.id

        created = self._write(create)
        if created is not None:
            self.show_playlist(created)
        return created

    def more_like_this(self) -> None:
        """A new playlist of tracks that sound like the shown one (and are not in it)."""
        outline = self.model.outline()
        if outline is None or not outline.editable:
            return
        playlist_id, name = outline.playlist_id, outline.name

        def work(session: Session, _context: TaskContext) -> list[uuid.UUID]:
            return discovery.more_like_playlist(session, playlist_id, MORE_LIKE_COUNT)

        def done(tracks: list[uuid.UUID]) -> str:
            if not tracks:
                return "No tracks sound like this playlist yet."
            self._new_playlist_of(f"More like {name}", tracks)
            return f"Made 'More like {name}' with {len(tracks)} tracks."

        self._run("More Like This", work, done)

    def search_tracks(self, text: str) -> list[tuple[uuid.UUID, str]]:
        """Library tracks matching text, for the Song Path dialog (50 at most)."""
        with self.app.session() as session:
            rows = find_tracks(session, TrackQuery(text), limit=50)
        return [
            (uuid.UUID(row["id"]), f"{row['title'] or row['path']} — {row['artist'] or ''}")
            for row in rows
        ]

    def open_song_path(self, choice: tuple[uuid.UUID, int, bool] | None = None) -> uuid.UUID | None:
        """Song Path from the selected entry's track to another (chosen in a dialog)."""
        outline = self.model.outline()
        index = self.table.currentIndex()
        if outline is None or not len(outline):
            return None
        row = index.row() if index.isValid() else 0
        start, start_title = outline.track_ids[row], outline.tracks[row].title
        if choice is None:
            dialog = SongPathDialog(start_title, self.search_tracks, self)
            if not dialog.exec():
                return None
            choice = dialog.choice()
            if choice is None:
                return None
        end, steps, mixable = choice

        def work(session: Session, _context: TaskContext) -> tuple[list[uuid.UUID], str]:
            path = discovery.song_path(session, start, end, steps, mixable=mixable)
            last = track_rows_by_id(session, [end])
            return path, str(last[0]["title"]) if last else "?"

        def done(result: tuple[list[uuid.UUID], str]) -> str:
            path, end_title = result
            self._new_playlist_of(f"Path: {start_title} → {end_title}", path)
            return f"Made a song path of {len(path)} tracks."

        self._run("Song Path", work, done)
        return start
