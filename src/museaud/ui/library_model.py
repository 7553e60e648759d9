"""The library's track table: rows from `museaud.library.tracks`, shown as a musician reads them.

The model holds plain dicts (never ORM objects), fetched in the GUI thread by whoever owns it.
Numbers sort as numbers (the sort role carries the raw value), missing values sort last.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from museaud.library.lengths import format_length
from museaud.ui.theme import current_theme_colors

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
TRACK_ID_ROLE = Qt.ItemDataRole.UserRole + 2

STATUS_TEXT = {"ok": "Analysed", "pending": "Waiting", "error": "Error", "missing": "Missing"}

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: the row field it shows, its heading, and whether it is a number."""

    field: str
    heading: str
    numeric: bool = False


COLUMNS = (
    Column("title", "Title"),
    Column("artist", "Artist"),
    Column("album", "Album"),
    Column("bpm", "BPM", numeric=True),
    Column("key", "Key"),
    Column("loudness_lufs", "LUFS", numeric=True),
    Column("duration_s", "Duration", numeric=True),
    Column("status", "Status"),
)


def title_of(row: dict[str, Any]) -> str:
    """The tagged title, else the file name without its ending."""
    return str(row["title"] or Path(str(row["path"])).stem)


def key_text(row: dict[str, Any]) -> str:
    """'F# minor · 11A', or '' when no key was found."""
    if row["key"] is None:
        return ""
    text = f"{row['key']} {row['scale']}"
    return f"{text} · {row['camelot']}" if row.get("camelot") else text


def display_text(row: dict[str, Any], column: Column) -> str:
    """What a cell shows."""
    value = row.get(column.field)
    if column.field == "title":
        return title_of(row)
    if column.field == "key":
        return key_text(row)
    if column.field == "status":
        return STATUS_TEXT.get(str(value), str(value))
    if value is None:
        return ""
    if column.field == "bpm":
        return f"{value:.1f}"
    if column.field == "loudness_lufs":
        return f"{value:.1f}"
    if column.field == "duration_s":
        return format_length(float(value))
    return str(value)


class TrackTableModel(QAbstractTableModel):
    """Tracks as a table; `set_rows` replaces them, keeping the view still when ids are the same."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show rows; an update of the same tracks in the same order changes cells in place."""
        if [row["id"] for row in rows] == [row["id"] for row in self._rows]:
            self._rows = rows
            if rows:
                last = self.index(len(rows) - 1, len(COLUMNS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> dict[str, Any]:
        """The track shown in row."""
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

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
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(row, column)
        if role == SORT_ROLE:
            value = row.get(column.field)
            if column.field == "title":
                return title_of(row).lower()
            if column.field == "key":
                if not row.get("camelot"):
                    return -1
                code = str(row["camelot"])  # round the Camelot wheel: 1A, 1B, 2A …
                return int(code[:-1]) * 2 + (code[-1] == "B")
            if value is None:
                return float("inf") if column.numeric else "\uffff"
            return value if column.numeric else str(value).lower()
        if role == TRACK_ID_ROLE:
            return row["id"]
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.field == "status" and row["error"]:
                return f"{row['path']}\n\n{row['error']}"
            return str(row["path"])
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, column)
        if role == Qt.ItemDataRole.FontRole and column.field == "title" and not row["title"]:
            font = QFont()
            font.setItalic(True)  # a file name standing in for a title
            return font
        return None

    @staticmethod
    def _foreground(row: dict[str, Any], column: Column) -> QColor | None:
        colors = current_theme_colors()
        if row["status"] == "missing":
            return QColor(colors.disabled_text)
        if column.field == "status":
            if row["status"] == "error":
                return QColor(colors.warning)
            if row["status"] == "pending":
                return QColor(colors.muted_text)
        return None


class TrackSortModel(QSortFilterProxyModel):
    """Sorts the track table by each column's raw value."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def lessThan(self, left: _Index, right: _Index) -> bool:  # noqa: N802 - Qt API
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        if type(a) is not type(b):
            return str(a) < str(b)
        return bool(a < b)
