"""The entries table's model: a playlist's entries in order, rows read a page at a time.

The outline (every entry's id and track, transitions and totals) is read first in the
background; rows are read 200 at a time as they come into view, as the library's table does,
so a playlist of 10,000 entries opens at once. The same track may stand in many rows: a row is
an entry. Drags carry the entries (to move them) and their track ids (for other playlists);
drops of track ids add tracks where they fall, drops of entries move them there. The model
writes nothing: it says what was dropped or edited, and the view writes.
"""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from sqlalchemy.orm import Session

from museaud.ui.library.columns import Column, column_by_key, display_text, stars, title_of
from museaud.ui.library.model import TRACK_ID_ROLE, TRACK_IDS_MIME
from museaud.ui.library.reader import StoreReader
from museaud.ui.playlists.reading import PlaylistOutline, read_outline, read_page
from museaud.ui.playlists.transitions import (
    TRANSITION_ROLE,
    transition_text,
    transition_tooltip,
)
from museaud.ui.theme import current_theme_colors

PAGE_SIZE = 200
KEPT_PAGES = 30
ENTRY_IDS_MIME = "application/x-museaud-playlist-entries"
ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole + 11
MISSING_MARK = "⚠ "
PLACEHOLDER = "…"

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class EntryColumn:
    """One column of the entries table."""

    key: str
    heading: str
    width: int
    track_column: Column | None = None
    numeric: bool = False


ENTRY_COLUMNS: tuple[EntryColumn, ...] = (
    EntryColumn("position", "#", 32, numeric=True),
    EntryColumn("title", "Title", 140, column_by_key("title")),
    EntryColumn("artist", "Artist", 90, column_by_key("artist")),
    EntryColumn("bpm", "BPM", 48, column_by_key("bpm"), numeric=True),
    EntryColumn("key", "Key", 76, column_by_key("key")),
    EntryColumn("energy", "Energy", 50, column_by_key("energy"), numeric=True),
    EntryColumn("duration", "Length", 48, column_by_key("duration"), numeric=True),
    EntryColumn("transition", "Transition in", 186),
    EntryColumn("rating", "Rating", 62),
    EntryColumn("notes", "Notes", 50),
)
COLUMN_NUMBER = {column.key: number for number, column in enumerate(ENTRY_COLUMNS)}


def entry_mime_data(playlist_id: uuid.UUID, entry_ids: Sequence[uuid.UUID]) -> QMimeData:
    """Mime data for entries dragged within a playlist."""
    mime = QMimeData()
    payload = {"playlist": str(playlist_id), "entries": [str(entry) for entry in entry_ids]}
    mime.setData(ENTRY_IDS_MIME, QByteArray(json.dumps(payload).encode()))
    return mime


def dragged_track_ids(mime: QMimeData) -> list[uuid.UUID]:
    """The track ids a drag carries (from the library or another playlist)."""
    if not mime.hasFormat(TRACK_IDS_MIME):
        return []
    text = bytes(mime.data(TRACK_IDS_MIME).data()).decode()
    return [uuid.UUID(line) for line in text.split()]


def dragged_entries(mime: QMimeData) -> tuple[uuid.UUID | None, list[uuid.UUID]]:
    """The playlist and entries a drag within a playlist carries."""
    if not mime.hasFormat(ENTRY_IDS_MIME):
        return None, []
    payload = json.loads(bytes(mime.data(ENTRY_IDS_MIME).data()).decode())
    return uuid.UUID(payload["playlist"]), [uuid.UUID(entry) for entry in payload["entries"]]


class EntriesModel(QAbstractTableModel):
    """A playlist's entries (or a smart playlist's tracks) in order, read lazily by pages."""

    outline_changed = Signal()
    """A new outline arrived (rows, transitions and totals may all have changed)."""
    page_loaded = Signal(int)
    tracks_dropped = Signal(object, int)
    """(track ids, place) dropped on the table: add them there."""
    entries_dropped = Signal(object, int)
    """(entry ids, place) dragged within the playlist: move them there."""
    entry_edited = Signal(object, object, object)
    """(entry id, notes or None, rating or None) typed in a cell."""
    read_failed = Signal(object)

    def __init__(self, reader: StoreReader, parent: Any = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._outline: PlaylistOutline | None = None
        self._playlist_id: uuid.UUID | None = None
        self._arc = "build"
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._asked: set[int] = set()
        self._stale: set[int] = set()
        self._generation = 0
        self._answered = 0
        self._epoch = 0
        self.pages_read = 0

    # the playlist ---------------------------------------------------------------------------

    def playlist_id(self) -> uuid.UUID | None:
        """The playlist shown (None: none)."""
        return self._playlist_id

    def outline(self) -> PlaylistOutline | None:
        """The outline of the playlist shown, once read."""
        return self._outline

    def set_playlist(self, playlist_id: uuid.UUID | None, arc: str | None = None) -> None:
        """Show another playlist (read in the background; `outline_changed` follows)."""
        if playlist_id != self._playlist_id:
            self.beginResetModel()
            self._playlist_id = playlist_id
            self._outline = None
            self._forget_pages()
            self.endResetModel()
        if arc is not None:
            self._arc = arc
        self.reload()

    def set_arc(self, arc: str) -> None:
        """Rate the set against another energy arc."""
        self._arc = arc
        self.reload()

    def reload(self) -> None:
        """Read the playlist again (after a change); rows stay shown meanwhile."""
        self._generation += 1
        generation = self._generation
        playlist_id, arc = self._playlist_id, self._arc
        self._reader.cancel(lambda slot: isinstance(slot, tuple) and slot[0] == "entries-page")
        self._asked.clear()
        if playlist_id is None:
            self._answered = generation
            self.outline_changed.emit()
            return

        def failed(error: Exception) -> None:
            if generation != self._generation:
                return
            self._answered = generation
            if not isinstance(error, ValueError):
                raise error
            self.read_failed.emit(error)

        self._reader.submit(
            "outline",
            lambda session: read_outline(session, playlist_id, arc),
            lambda outline: self._outline_read(generation, outline),
            failed,
        )

    def is_reading(self) -> bool:
        """True while the answer to the latest read is awaited."""
        return self._answered != self._generation

    def _outline_read(self, generation: int, outline: PlaylistOutline) -> None:
        if generation != self._generation:
            return
        self._answered = generation
        old = self._outline
        if old is not None and old.entry_ids == outline.entry_ids and outline.rows is None:
            self._outline = outline  # same entries: cells refresh in place as pages come
            self._stale = set(self._pages)
            self._asked.clear()
            if len(outline):
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(outline) - 1, len(ENTRY_COLUMNS) - 1)
                )
        else:
            known = (
                {row["entry_id"]: row for rows in self._pages.values() for row in rows}
                if old is not None and old.playlist_id == outline.playlist_id
                else {}
            )
            self.beginResetModel()
            self._outline = outline
            self._forget_pages()
            self._pages.update(self._pages_from(known, outline))
            self._stale = set(self._pages)  # shown at once (a move), read again to be sure
            self.endResetModel()
        self.outline_changed.emit()

    @staticmethod
    def _pages_from(
        known: dict[str, dict[str, Any]], outline: PlaylistOutline
    ) -> dict[int, list[dict[str, Any]]]:
        """The pages whose every entry was in memory before (entries moved, not changed)."""
        if not known or outline.rows is not None:
            return {}
        pages = {}
        for page in range(0, len(outline), PAGE_SIZE):
            entries = outline.entry_ids[page : page + PAGE_SIZE]
            rows = [known.get(str(entry)) for entry in entries]
            if all(row is not None for row in rows):
                pages[page // PAGE_SIZE] = [row for row in rows if row is not None]
        return pages

    def _forget_pages(self) -> None:
        self._epoch += 1
        self._pages.clear()
        self._stale = set()
        self._asked.clear()

    # pages ----------------------------------------------------------------------------------

    def row_loaded(self, row: int) -> bool:
        """True when the row's fields are at hand and fresh."""
        outline = self._outline
        if outline is not None and outline.rows is not None:
            return True
        return row // PAGE_SIZE in self._pages and row // PAGE_SIZE not in self._stale

    def row_data(self, row: int) -> dict[str, Any] | None:
        """The row's fields, or None while its page is read (asked for now)."""
        outline = self._outline
        if outline is None or not 0 <= row < len(outline):
            return None
        if outline.rows is not None:
            return outline.rows[row]
        page, offset = divmod(row, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None or page in self._stale:
            self._ask(page)
        if rows is None:
            return None
        return rows[offset] if offset < len(rows) else None

    def _ask(self, page: int) -> None:
        outline = self._outline
        if page in self._asked or outline is None:
            return
        self._asked.add(page)
        epoch = self._epoch
        playlist_id = outline.playlist_id

        def read(session: Session) -> list[dict[str, Any]]:
            return read_page(session, playlist_id, page * PAGE_SIZE, PAGE_SIZE)

        dropped = self._reader.submit(
            ("entries-page", page), read, lambda rows: self._page_read(epoch, page, rows)
        )
        for slot in dropped:
            if isinstance(slot, tuple) and slot[0] == "entries-page":
                self._asked.discard(slot[1])

    def _page_read(self, epoch: int, page: int, rows: list[dict[str, Any]]) -> None:
        outline = self._outline
        if epoch != self._epoch or outline is None:
            return
        self._asked.discard(page)
        expected = outline.entry_ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        if [uuid.UUID(row["entry_id"]) for row in rows] != list(expected):
            self.reload()  # the playlist changed since its outline was read
            return
        self.pages_read += 1
        self._stale.discard(page)
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > KEPT_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_SIZE
        last = first + len(rows) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(ENTRY_COLUMNS) - 1))
        self.page_loaded.emit(page)

    def entry_id_at(self, row: int) -> uuid.UUID | None:
        """The entry in row (None in a smart playlist or outside the table)."""
        outline = self._outline
        if outline is None or not 0 <= row < len(outline):
            return None
        return outline.entry_ids[row]

    def track_id_at(self, row: int) -> uuid.UUID | None:
        """The track in row."""
        outline = self._outline
        if outline is None or not 0 <= row < len(outline):
            return None
        return outline.track_ids[row]

    # Qt's table API -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        outline = self._outline
        return 0 if parent.isValid() or outline is None else len(outline)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(ENTRY_COLUMNS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(ENTRY_COLUMNS):
            return None
        column = ENTRY_COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.heading
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "transition":
            return "Key relation, tempo change and energy step from the track before"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        outline = self._outline
        if outline is None or not index.isValid():
            return None
        row_number, column = index.row(), ENTRY_COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        transition = outline.transition(row_number)
        if column.key == "transition":
            if role == TRANSITION_ROLE:
                return transition
            if role == Qt.ItemDataRole.DisplayRole:
                return transition_text(transition)
            if role == Qt.ItemDataRole.ToolTipRole and transition is not None:
                return transition_tooltip(transition)
        if role == ENTRY_ID_ROLE:
            entry = outline.entry_ids[row_number]
            return None if entry is None else str(entry)
        if role == TRACK_ID_ROLE:
            return str(outline.track_ids[row_number])
        missing = outline.statuses[row_number] == "missing"
        if role == Qt.ItemDataRole.ForegroundRole and missing:
            return QColor(current_theme_colors().disabled_text)
        if column.key == "position" and role == Qt.ItemDataRole.DisplayRole:
            return str(row_number + 1)
        row = self.row_data(row_number)
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and column.key == "title":
                return PLACEHOLDER
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, missing)
        if role == Qt.ItemDataRole.EditRole:
            if column.key == "notes":
                return row.get("notes") or ""
            if column.key == "rating":
                return int(row.get("entry_rating") or 0)
            return self._display(row, column, missing)
        if role == Qt.ItemDataRole.ToolTipRole:
            if missing:
                return f"File missing: {row['path']}\nIt comes back when the file is found again."
            if column.key == "notes" and row.get("notes"):
                return str(row["notes"])
            return str(row["path"])
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "rating":
            return QColor(current_theme_colors().accent) if row.get("entry_rating") else None
        return None

    @staticmethod
    def _display(row: dict[str, Any], column: EntryColumn, missing: bool) -> str:
        if column.key == "title":
            return (MISSING_MARK if missing else "") + title_of(row)
        if column.key == "rating":
            return stars(row.get("entry_rating") or row.get("rating"))
        if column.key == "notes":
            return str(row.get("notes") or "")
        if column.track_column is not None:
            return display_text(row, column.track_column)
        return ""

    def setData(  # noqa: N802 - Qt API
        self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        entry = self.entry_id_at(index.row()) if index.isValid() else None
        if entry is None or role != Qt.ItemDataRole.EditRole:
            return False
        key = ENTRY_COLUMNS[index.column()].key
        if key == "notes":
            self.entry_edited.emit(entry, str(value), None)
            return True
        if key == "rating":
            try:
                rating = int(value)
            except (TypeError, ValueError):
                return False
            self.entry_edited.emit(entry, None, max(0, min(5, rating)))
            return True
        return False

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        outline = self._outline
        editable = outline is not None and outline.editable
        if not index.isValid():
            return base | Qt.ItemFlag.ItemIsDropEnabled if editable else base
        flags = base | Qt.ItemFlag.ItemIsDragEnabled
        if editable:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
            if ENTRY_COLUMNS[index.column()].key in ("notes", "rating"):
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # drag and drop --------------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        return [ENTRY_IDS_MIME, TRACK_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802 - Qt API
        """Dragged entries: their ids (to move them here) and their tracks' ids (for elsewhere)."""
        rows = sorted({index.row() for index in indexes})
        outline = self._outline
        mime = QMimeData()
        if outline is None:
            return mime
        entries = [entry for entry in (outline.entry_ids[row] for row in rows) if entry]
        if entries:
            mime = entry_mime_data(outline.playlist_id, entries)
        ids = "\n".join(str(outline.track_ids[row]) for row in rows)
        mime.setData(TRACK_IDS_MIME, QByteArray(ids.encode()))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 - Qt API
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 - Qt API
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def canDropMimeData(  # noqa: N802 - Qt API
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        outline = self._outline
        if outline is None or not outline.editable:
            return False
        playlist, _entries = dragged_entries(data)
        return playlist == outline.playlist_id or data.hasFormat(TRACK_IDS_MIME)

    def dropMimeData(  # noqa: N802 - Qt API
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        """Entries of this playlist move to the place dropped on; tracks are added there."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else self.rowCount()
        playlist, entries = dragged_entries(data)
        outline = self._outline
        if outline is not None and playlist == outline.playlist_id and entries:
            self.entries_dropped.emit(entries, row)
        else:
            self.tracks_dropped.emit(dragged_track_ids(data), row)
        return False  # the view writes and the model reloads: Qt must remove no rows


def track_file(row: dict[str, Any]) -> Path:
    """The file of a row's track."""
    return Path(str(row["path"]))
