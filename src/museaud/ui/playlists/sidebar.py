"""The Playlists view's sidebar: folders, playlists (hand-made, smart, generated) and the
Trash. Playlists are dragged into folders (or out of them, onto the top level); tracks dragged
from a table onto a playlist are added to it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QStyle, QTreeWidget, QTreeWidgetItem, QWidget

from museaud.library.lengths import format_length
from museaud.playlists.service import PlaylistSummary
from museaud.ui.library.model import TRACK_IDS_MIME
from museaud.ui.playlists.entries_model import dragged_track_ids
from museaud.ui.playlists.reading import SidebarContents

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
PLAYLIST_MIME = "application/x-museaud-playlist"
KIND_WORDS = {"manual": "Playlist", "smart": "Smart playlist", "generated": "From a template"}


class PlaylistSidebar(QTreeWidget):
    """Folders and playlists, then the Trash; one item's kind and id are in its roles."""

    playlist_chosen = Signal(object)
    """The playlist selected (a UUID), or None when a folder, the Trash or nothing is."""
    playlist_dropped = Signal(object, object)
    """(playlist id, folder id or None): a playlist dragged into a folder or to the top."""
    tracks_dropped = Signal(object, object)
    """(playlist id, track ids) dropped onto a playlist."""
    delete_requested = Signal()
    """Delete pressed on a playlist or folder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playlistSidebar")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setRootIsDecorated(True)
        self.setIndentation(14)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trash_item = QTreeWidgetItem(["Trash"])
        self.contents = SidebarContents((), (), ())
        self.currentItemChanged.connect(lambda current, _previous: self._chosen(current))

    # filling --------------------------------------------------------------------------------

    def show_contents(self, contents: SidebarContents) -> None:
        """List these playlists and folders, keeping the selection and open folders."""
        self.contents = contents
        chosen = self.current_id()
        if self.topLevelItemCount():  # keep folders as the user left them
            open_folders = {item.data(0, ID_ROLE) for item in self._items() if item.isExpanded()}
        else:
            open_folders = {str(folder.id) for folder in contents.folders}
        trash_open = self.trash_item.isExpanded() if self.topLevelItemCount() else False
        self.blockSignals(True)
        self.clear()
        style = self.style()
        folder_icon = style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        folders: dict[uuid.UUID, QTreeWidgetItem] = {}
        for folder in contents.folders:
            item = QTreeWidgetItem([folder.name])
            item.setData(0, KIND_ROLE, "folder")
            item.setData(0, ID_ROLE, str(folder.id))
            item.setIcon(0, folder_icon)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDropEnabled
            )
            folders[folder.id] = item
        for folder in contents.folders:
            parent = folders.get(folder.parent_id) if folder.parent_id else None
            (parent.addChild if parent is not None else self.addTopLevelItem)(folders[folder.id])
        for playlist in contents.playlists:
            item = self._playlist_item(playlist, "playlist")
            parent = folders.get(playlist.folder_id) if playlist.folder_id else None
            (parent.addChild if parent is not None else self.addTopLevelItem)(item)
        self.trash_item = QTreeWidgetItem([f"Trash ({len(contents.trash)})"])
        self.trash_item.setData(0, KIND_ROLE, "trash")
        self.trash_item.setIcon(0, style.standardIcon(QStyle.StandardPixmap.SP_TrashIcon))
        self.trash_item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        for playlist in contents.trash:
            self.trash_item.addChild(self._playlist_item(playlist, "trashed"))
        self.addTopLevelItem(self.trash_item)
        for item in self._items():
            if item.data(0, ID_ROLE) in open_folders:
                item.setExpanded(True)
        self.trash_item.setExpanded(trash_open)
        self.blockSignals(False)
        if chosen is not None:
            self.select_id(chosen)

    def _playlist_item(self, playlist: PlaylistSummary, kind: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([playlist.name])
        item.setData(0, KIND_ROLE, kind)
        item.setData(0, ID_ROLE, str(playlist.id))
        glyph = {
            "smart": QStyle.StandardPixmap.SP_FileDialogContentsView,
            "generated": QStyle.StandardPixmap.SP_FileDialogDetailedView,
        }.get(playlist.kind, QStyle.StandardPixmap.SP_FileIcon)
        item.setIcon(0, self.style().standardIcon(glyph))
        lines = [
            f"{KIND_WORDS.get(playlist.kind, playlist.kind)}: {playlist.entry_count:,} entries, "
            f"{format_length(playlist.duration_s)}"
        ]
        if playlist.missing_count:
            lines.append(f"{playlist.missing_count} missing file(s)")
        if kind == "trashed":
            lines.append("In the Trash: restore it from the context menu")
        item.setToolTip(0, "\n".join(lines))
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if kind == "playlist":
            flags |= Qt.ItemFlag.ItemIsDragEnabled
            if playlist.kind != "smart":
                flags |= Qt.ItemFlag.ItemIsDropEnabled
        item.setFlags(flags)
        item.setData(0, Qt.ItemDataRole.UserRole + 3, playlist.kind)
        return item

    def _items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        stack = [self.topLevelItem(n) for n in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            found.append(item)
            stack.extend(item.child(n) for n in range(item.childCount()))
        found.reverse()
        return found

    # looking up -----------------------------------------------------------------------------

    def item_of(self, item_id: uuid.UUID | str) -> QTreeWidgetItem | None:
        """The item of a playlist or folder."""
        wanted = str(item_id)
        return next((item for item in self._items() if item.data(0, ID_ROLE) == wanted), None)

    def select_id(self, item_id: uuid.UUID | str) -> bool:
        """Select a playlist or folder by id (opening its folder); False when not listed."""
        item = self.item_of(item_id)
        if item is None:
            return False
        parent = item.parent()
        while parent is not None:
            parent.setExpanded(True)
            parent = parent.parent()
        self.setCurrentItem(item)
        return True

    def current_kind(self) -> str | None:
        """'playlist', 'trashed', 'folder' or 'trash' for the selected item."""
        item = self.currentItem()
        return None if item is None else str(item.data(0, KIND_ROLE))

    def current_id(self) -> uuid.UUID | None:
        """The id of the selected playlist or folder."""
        item = self.currentItem()
        value = None if item is None else item.data(0, ID_ROLE)
        return uuid.UUID(value) if value else None

    def names(self) -> list[str]:
        """The names listed, in tree order (folders and trash included), for tests."""
        return [item.text(0) for item in self._items()]

    def trashed_names(self) -> list[str]:
        """The names of the playlists in the Trash."""
        children = (self.trash_item.child(n) for n in range(self.trash_item.childCount()))
        return [child.text(0) for child in children if child is not None]

    def playlists(self) -> Sequence[PlaylistSummary]:
        """The playlists listed (not those in the Trash)."""
        return self.contents.playlists

    def _chosen(self, item: QTreeWidgetItem | None) -> None:
        if item is not None and item.data(0, KIND_ROLE) in ("playlist", "trashed"):
            self.playlist_chosen.emit(uuid.UUID(item.data(0, ID_ROLE)))
        else:
            self.playlist_chosen.emit(None)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)

    # drag and drop --------------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        return [PLAYLIST_MIME, TRACK_IDS_MIME]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:  # noqa: N802 - Qt API
        mime = QMimeData()
        ids = [item.data(0, ID_ROLE) for item in items if item.data(0, KIND_ROLE) == "playlist"]
        mime.setData(PLAYLIST_MIME, QByteArray("\n".join(ids).encode()))
        return mime

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(PLAYLIST_MIME) or event.mimeData().hasFormat(TRACK_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        target = self.itemAt(event.position().toPoint())
        if self.drop_target(event.mimeData(), target) is None:
            event.ignore()
            return
        super().dragMoveEvent(event)
        event.acceptProposedAction()

    def drop_target(
        self, mime: QMimeData, target: QTreeWidgetItem | None
    ) -> tuple[str, uuid.UUID | None] | None:
        """What a drop on target does: ('folder', id or None) or ('playlist', id); None: nothing."""
        kind = None if target is None else target.data(0, KIND_ROLE)
        if mime.hasFormat(PLAYLIST_MIME):
            if target is None:
                return "folder", None
            if kind == "folder":
                return "folder", uuid.UUID(target.data(0, ID_ROLE))
            if kind == "playlist":  # beside a playlist: into its folder
                parent = target.parent()
                folder = parent.data(0, ID_ROLE) if parent is not None else None
                return "folder", uuid.UUID(folder) if folder else None
            return None
        if (
            mime.hasFormat(TRACK_IDS_MIME)
            and target is not None
            and kind == "playlist"
            and target.data(0, Qt.ItemDataRole.UserRole + 3) != "smart"
        ):
            return "playlist", uuid.UUID(target.data(0, ID_ROLE))
        return None

    def drop_on(self, mime: QMimeData, target: QTreeWidgetItem | None) -> bool:
        """Do what dropping mime on target does (emits the signal); False when nothing."""
        action = self.drop_target(mime, target)
        if action is None:
            return False
        what, target_id = action
        if what == "folder":
            text = bytes(mime.data(PLAYLIST_MIME).data()).decode()
            for line in text.split():
                self.playlist_dropped.emit(uuid.UUID(line), target_id)
        else:
            self.tracks_dropped.emit(target_id, dragged_track_ids(mime))
        return True

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        target = self.itemAt(event.position().toPoint())
        if self.drop_on(event.mimeData(), target):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()
