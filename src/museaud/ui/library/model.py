"""The track table's model: every match of a query, read a page at a time as rows come into view.

The store answers a query with the row keys of all matches in order (one fast query, sorted by
the store), so the table knows its length at once; the rows themselves are read 200 at a time
in the background when a view first asks for one of them. Until its page arrives a row shows a
placeholder. Only recently seen pages are kept, so 100,000 tracks cost little memory.

The reader thread does as little Python as it can (it shares the GIL with the GUI thread, and
every millisecond it holds it is one the GUI may wait): it keeps only the fields the table shows,
as plain values. Cells are formatted on the GUI thread when painted, and only the ~30 rows on
screen are painted.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from sqlalchemy.orm import Session

from museaud.app import App
from museaud.library.search import TrackQuery, rows_for_keys, track_keys
from museaud.library.tracks import track_counts
from museaud.ui.library.columns import COLUMNS, Column, display_text
from museaud.ui.library.reader import StoreReader, keep_gui_responsive
from museaud.ui.theme import current_theme_colors

PAGE_SIZE = 200
KEPT_PAGES = 60
"""Pages kept in memory (12,000 rows); the least recently shown are forgotten first."""
TRACK_IDS_MIME = "application/x-museaud-track-ids"
TRACK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
LOADED_ROLE = Qt.ItemDataRole.UserRole + 2
PLACEHOLDER = "…"

_Index = QModelIndex | QPersistentModelIndex


class TrackTableModel(QAbstractTableModel):
    """All tracks matching a query, in the store's order, with rows read lazily by pages."""

    results_changed = Signal()
    """A query's keys arrived (the row count may have changed)."""
    query_failed = Signal(object)
    """The store refused the query (a museaud.library.query.QueryError, usually)."""
    page_loaded = Signal(int)

    def __init__(self, app: App, reader: StoreReader, parent: Any = None) -> None:
        super().__init__(parent)
        self._app = app
        self._reader = reader
        self._query = TrackQuery()
        self._keys: list[int] = []
        self._pages: OrderedDict[int, list[dict[str, Any] | None]] = OrderedDict()
        self._stale: set[int] = set()
        self._asked: set[int] = set()
        self._generation = 0
        self._answered = 0
        self._epoch = 0
        """Bumped whenever the keys change, so pages read for older keys are thrown away."""
        self._counts: dict[str, int] = {}
        self._loaded_once = False
        self.pages_read = 0
        """How many pages were read from the store (for tests and benchmarks)."""

    # the query ------------------------------------------------------------------------------

    def query(self) -> TrackQuery:
        """The query whose matches the model shows."""
        return self._query

    def set_query(self, query: TrackQuery) -> None:
        """Show the matches of query (read in the background; `results_changed` follows)."""
        self._query = query
        self.reload()

    def reload(self) -> None:
        """Read the matches again (after an import or an edit): rows stay shown meanwhile."""
        self._generation += 1
        generation = self._generation
        query = self._query
        self._reader.cancel(lambda slot: isinstance(slot, tuple) and slot[0] == "page")
        self._asked.clear()

        def read(session: Session) -> tuple[list[int], dict[str, int]]:
            return track_keys(session, query), track_counts(session)

        self._reader.submit(
            "keys",
            read,
            lambda result: self._keys_read(generation, result),
            lambda error: self._keys_failed(generation, error),
        )

    def is_reading(self) -> bool:
        """True while the answer to the latest query (or reload) is awaited."""
        return self._answered != self._generation

    def loaded_once(self) -> bool:
        """True once the first query's answer arrived."""
        return self._loaded_once

    def counts(self) -> dict[str, int]:
        """Tracks in the whole library by status (from the last read)."""
        return dict(self._counts)

    def total_tracks(self) -> int:
        """Tracks in the library, whatever the query."""
        return sum(self._counts.values())

    def _keys_read(self, generation: int, result: tuple[list[int], dict[str, int]]) -> None:
        if generation != self._generation:
            return
        keys, counts = result
        self._answered = generation
        self._counts = counts
        self._loaded_once = True
        if keys == self._keys:
            self._stale = set(self._pages)  # same tracks: refresh the cells in place
            if keys:
                last = self.index(len(keys) - 1, len(COLUMNS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
        else:
            self.beginResetModel()
            self._epoch += 1
            self._keys = keys
            self._pages.clear()
            self._stale.clear()
            self._asked.clear()
            self.endResetModel()
        self.results_changed.emit()

    def _keys_failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self._answered = generation
        self._loaded_once = True
        if isinstance(error, ValueError):  # QueryError and other refusals the user can fix
            self.query_failed.emit(error)
        else:
            raise error

    # pages ----------------------------------------------------------------------------------

    def row_loaded(self, row: int) -> bool:
        """True when row's track has been read."""
        return row // PAGE_SIZE in self._pages

    def loaded_pages(self) -> list[int]:
        """The page numbers in memory."""
        return sorted(self._pages)

    def row_data(self, row: int) -> dict[str, Any] | None:
        """The track shown in row (see rows_now), or None while its page is being read."""
        page = row // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None or page in self._stale:
            self._ask(page)
        if rows is None:
            return None
        offset = row - page * PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    def _ask(self, page: int) -> None:
        if page in self._asked:
            return
        self._asked.add(page)
        epoch = self._epoch
        keys = self._keys[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]

        def read(session: Session) -> list[dict[str, Any] | None]:
            return [slim(row) for row in rows_in_place(session, keys)]

        dropped = self._reader.submit(
            ("page", page),
            read,
            lambda rows: self._page_read(epoch, page, rows),
        )
        for slot in dropped:
            if isinstance(slot, tuple) and slot[0] == "page":
                self._asked.discard(slot[1])

    def _page_read(self, epoch: int, page: int, rows: list[dict[str, Any] | None]) -> None:
        if epoch != self._epoch:
            return
        if not self.pages_read:
            keep_gui_responsive()  # the app has started up: see its note
        self._asked.discard(page)
        self.pages_read += 1
        self._pages[page] = rows
        self._pages.move_to_end(page)
        self._stale.discard(page)
        while len(self._pages) > KEPT_PAGES:
            self._pages.popitem(last=False)
        if None in rows:
            self.reload()  # tracks went away since the keys were read
        first = page * PAGE_SIZE
        last = min(first + len(rows), len(self._keys)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.page_loaded.emit(page)

    def rows_now(self, rows: Iterable[int]) -> list[dict[str, Any]]:
        """The tracks in rows (id, path, title, status, error, rating, is_favorite), reading any
        not yet in memory at once (for edits, drags, play)."""
        wanted = sorted(row for row in set(rows) if 0 <= row < len(self._keys))
        missing = [self._keys[row] for row in wanted if self.row_data_cached(row) is None]
        read: dict[int, dict[str, Any] | None] = {}
        if missing:
            with self._app.session() as session:
                found_rows = [slim(row) for row in rows_in_place(session, missing)]
            read = dict(zip(missing, found_rows, strict=True))
        found = []
        for row in wanted:
            cached = self.row_data_cached(row)
            track = cached if cached is not None else read[self._keys[row]]
            if track is not None:
                found.append(track)
        return found

    def row_data_cached(self, row: int) -> dict[str, Any] | None:
        """The track in row if in memory, without asking for its page."""
        rows = self._pages.get(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        return rows[offset] if rows is not None and offset < len(rows) else None

    def key_at(self, row: int) -> int | None:
        """The store's key of the track in row (None outside the table)."""
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def row_of_key(self, key: int) -> int | None:
        """The row showing the track with this store key, if the query matches it."""
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    def row_of_track(self, track_id: str) -> int | None:
        """The row showing the track with this id, among the rows in memory."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row is not None and row["id"] == track_id:
                    return page * PAGE_SIZE + offset
        return None

    # Qt's table API -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.heading
        if role == Qt.ItemDataRole.ToolTipRole:
            return None if column.sortable else f"{column.heading}: not sortable"
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # called for every role of every visible cell on each paint: answer quickly
        if role not in _ROLES_ANSWERED or not index.isValid():
            return None
        column = index.column()
        if role == _ALIGNMENT:
            return _ALIGNMENTS[column]
        page, offset = divmod(index.row(), PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None or page in self._stale:
            self._ask(page)
        if role == LOADED_ROLE:
            return rows is not None
        row = rows[offset] if rows is not None and offset < len(rows) else None
        if role == _DISPLAY:
            if row is None:
                return PLACEHOLDER if column == 0 else None
            return display_text(row, COLUMNS[column])
        if row is None:
            return _colors().muted if role == _FOREGROUND else None
        if role == _FOREGROUND:
            return _foreground(row, COLUMNS[column])
        if role == TRACK_ID_ROLE:
            return row["id"]
        if role == _TOOLTIP:  # the error on every cell: the Status column may be hidden
            if row.get("error"):
                return f"{row['path']}\n\n{row['error']}"
            return str(row["path"])
        if role == _FONT and column == _TITLE_COLUMN and not row["title"]:
            return _colors().italic  # a file name standing in for a title
        return None

    def multiData(  # noqa: N802 - Qt API
        self,
        index: _Index,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803
    ) -> None:
        """Every role a delegate asks of a cell, in one call: Qt's item delegates ask seven
        roles per cell per paint, and one call from C++ into Python instead of seven takes the
        GIL once per cell rather than seven times (each take may wait for the reader thread)."""
        if isinstance(roleDataSpan, QModelRoleData):
            slots = [roleDataSpan]
        else:  # PySide indexes a span (its type stubs do not say so)
            slots = [roleDataSpan[n] for n in range(roleDataSpan.size())]  # type: ignore[index]
        for slot in slots:
            value = self.data(index, slot.role())
            if value is None:
                slot.clearData()
            else:
                slot.setData(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the store for the matches in another order (columns it cannot sort are ignored)."""
        if not 0 <= column < len(COLUMNS) or not COLUMNS[column].sortable:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = COLUMNS[column].key
        if (key, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=key, descending=descending))

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt API
        return [TRACK_IDS_MIME, "text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802 - Qt API
        """Dragged tracks: their ids (one per line) for museaud, file URLs for everyone else."""
        return track_mime_data(self.rows_now(index.row() for index in indexes))

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 - Qt API
        return Qt.DropAction.CopyAction


def rows_in_place(session: Session, keys: Sequence[int]) -> list[dict[str, Any] | None]:
    """The rows of keys, None where a track is gone, so rows stay lined up with their keys."""
    rows: list[dict[str, Any] | None] = list(rows_for_keys(session, keys))
    if len(rows) == len(keys):
        return rows
    return [next(iter(rows_for_keys(session, [key])), None) for key in keys]


def track_mime_data(rows: Sequence[dict[str, Any]]) -> QMimeData:
    """Mime data for tracks dragged out: ids for playlists, file URLs for file managers."""
    mime = QMimeData()
    ids = "\n".join(str(uuid.UUID(str(row["id"]))) for row in rows)
    mime.setData(TRACK_IDS_MIME, QByteArray(ids.encode()))
    mime.setUrls([QUrl.fromLocalFile(str(Path(str(row["path"])))) for row in rows])
    return mime


def _alignment(column: Column) -> int:
    horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
    return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


_ROW_FIELDS = ("id", "path", "title", "status", "error", "rating", "is_favorite", "scale")
KEPT_FIELDS = tuple(dict.fromkeys((*_ROW_FIELDS, "camelot", *(column.field for column in COLUMNS))))
"""What the model keeps of a row: what its cells show, and what edits, drags and play need."""


def slim(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a row the table needs, as a dict of plain values only: Python's garbage
    collector never tracks such a dict, so thousands of kept rows cost it nothing (a full
    collection walking them would stall the GUI)."""
    return None if row is None else {field: row.get(field) for field in KEPT_FIELDS}


@dataclass(frozen=True)
class _Palette:
    """The theme's colours as QColor and the italic font, made once per theme (data() asks
    for them a lot)."""

    name: str
    muted: QColor
    disabled: QColor
    warning: QColor
    accent: QColor
    italic: QFont


_palette: _Palette | None = None


def _colors() -> _Palette:
    global _palette  # noqa: PLW0603 - a cache of four colours per theme
    theme = current_theme_colors()
    if _palette is None or _palette.name != theme.name:
        _palette = _Palette(
            theme.name,
            QColor(theme.muted_text),
            QColor(theme.disabled_text),
            QColor(theme.warning),
            QColor(theme.accent),
            _italic(),
        )
    return _palette


def _italic() -> QFont:
    font = QFont()
    font.setItalic(True)
    return font


def _foreground(row: dict[str, Any], column: Column) -> QColor | None:
    colors = _colors()
    if row["status"] == "missing":
        return colors.disabled
    if row["status"] == "error" and column.field in ("status", "title"):
        return colors.warning  # the title too: the Status column may be hidden
    if column.field == "status" and row["status"] == "pending":
        return colors.muted
    if column.field in ("rating", "is_favorite") and row.get(column.field):
        return colors.accent
    return None


_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FONT = Qt.ItemDataRole.FontRole
_ROLES_ANSWERED = frozenset(
    {_DISPLAY, _ALIGNMENT, _FOREGROUND, _TOOLTIP, _FONT, TRACK_ID_ROLE, LOADED_ROLE}
)
_ALIGNMENTS = tuple(_alignment(column) for column in COLUMNS)
_TITLE_COLUMN = next(n for n, column in enumerate(COLUMNS) if column.field == "title")
