"""The pattern browser: shelves of stored patterns (mine, generated, forks, similar to the one
being edited) in a table; double-click opens one, the context menu forks or deletes it.

The table holds plain `PatternRow` values made from the service's SavedPattern, never ORM rows:
opening a pattern passes its id back to the view, which loads it in a fresh session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QStackedWidget,
    QTabBar,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from museaud.music.keys import spell_pitch
from museaud.patterns.service import SavedPattern
from museaud.ui.beat_machine.generate_panel import panel_title

SHELVES = (
    ("mine", "Mine"),
    ("generated", "Generated"),
    ("forks", "Forks"),
    ("similar", "Similar"),
)
KIND_LABELS = {
    "beat": "Beat",
    "drums": "Drums",
    "bass": "Bass",
    "chords": "Chords",
    "melody": "Melody",
    "arrangement": "Arrangement",
    "mix": "Mix",
}

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class PatternRow:
    """What the browser shows of one stored pattern."""

    id: uuid.UUID
    title: str
    flavor: str
    kind: str
    origin: str
    bpm: float
    key_note: int
    scale: str
    rating: float | None = None
    quality: float | None = None
    fork_count: int = 0
    distance: float | None = None

    @classmethod
    def from_saved(cls, saved: SavedPattern, distance: float | None = None) -> PatternRow:
        """A row for a stored pattern (with its distance when found as a similar one)."""
        pattern = saved.pattern
        return cls(
            id=saved.id,
            title=pattern.title,
            flavor=pattern.flavor,
            kind=pattern.kind,
            origin=saved.origin,
            bpm=pattern.bpm,
            key_note=pattern.key_note,
            scale=pattern.scale,
            rating=saved.user_rating,
            quality=saved.quality_score,
            fork_count=saved.fork_count,
            distance=distance,
        )

    @property
    def key_name(self) -> str:
        """'A minor', 'Bb minor', 'C major' … (the tonic spelled as its key writes it)"""
        note = spell_pitch(self.key_note, self.key_note, self.scale)
        return f"{note} {self.scale.replace('_', ' ')}"

    @property
    def short_key_name(self) -> str:
        """'A min', 'C maj', 'D dorian' … for a narrow column."""
        note = spell_pitch(self.key_note, self.key_note, self.scale)
        scale = {"major": "maj", "minor": "min"}.get(self.scale, self.scale.replace("_", " "))
        return f"{note} {scale}"


def stars_text(rating: float | None) -> str:
    """A rating as stars: '★★★★☆', or '' when unrated."""
    if rating is None:
        return ""
    lit = max(0, min(5, round(rating)))
    return "★" * lit + "☆" * (5 - lit)


class PatternTableModel(QAbstractTableModel):
    """Stored patterns as table rows: title, style, part, tempo, key, rating and a score."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("Title", "Style", "Part", "BPM", "Key", "Rating", "")
    SCORE_COLUMN = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PatternRow] = []
        self._score_title = "Quality"

    def rows(self) -> list[PatternRow]:
        """The rows on show."""
        return list(self._rows)

    def set_rows(self, rows: list[PatternRow], score_title: str = "Quality") -> None:
        """Show rows; the last column is titled score_title ('Quality' or 'Match')."""
        self.beginResetModel()
        self._rows = list(rows)
        self._score_title = score_title
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, self.SCORE_COLUMN, self.SCORE_COLUMN)

    def row_at(self, row: int) -> PatternRow | None:
        """The pattern of a table row."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, pattern_id: uuid.UUID) -> int:
        """The table row of a pattern id, or -1."""
        for number, row in enumerate(self._rows):
            if row.id == pattern_id:
                return number
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """One row per pattern (a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """The fixed columns."""
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles."""
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == self.SCORE_COLUMN:
            return self._score_title
        return self.COLUMNS[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """A cell's text, tooltip, alignment, or the pattern id (UserRole)."""
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            forks = f" · {row.fork_count} fork(s)" if row.fork_count else ""
            return f"{row.title}\n{row.origin} · {row.key_name} · {row.bpm:g} bpm{forks}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, self.SCORE_COLUMN):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: PatternRow, column: int) -> str:
        if column == 0:
            return row.title
        if column == 1:
            return row.flavor.replace("_", " ").capitalize() if row.flavor else ""
        if column == 2:
            return KIND_LABELS.get(row.kind, row.kind)
        if column == 3:
            return f"{row.bpm:g}"
        if column == 4:
            return row.short_key_name
        if column == 5:
            return stars_text(row.rating)
        if row.distance is not None:
            return f"{max(0.0, 1.0 - row.distance) * 100:.0f} %"
        return f"{row.quality:.2f}" if row.quality is not None else ""


class PatternTable(QTableView):
    """The browser's table: Enter opens, Delete asks to delete."""

    open_pressed = Signal()
    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter/Return open the current pattern, Delete deletes it."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_pressed.emit()
        elif event.key() == Qt.Key.Key_Delete:
            self.delete_pressed.emit()
        else:
            super().keyPressEvent(event)


class PatternBrowser(QFrame):
    """Shelves of stored patterns with open, fork and delete."""

    shelf_changed = Signal(str)
    open_requested = Signal(object)
    fork_requested = Signal(object)
    delete_requested = Signal(object)

    def __init__(
        self, parent: QWidget | None = None, *, file_actions: tuple[QAction, ...] = ()
    ) -> None:
        super().__init__(parent)
        self.setObjectName("beatPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)

        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(panel_title("Patterns", self))
        self.file_buttons = []
        for action in file_actions:
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumHeight(24)
            self.file_buttons.append(button)
            top.addWidget(button)
        top.addStretch(1)
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("shelfTabs")
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        for key, label in SHELVES:
            self.tabs.setTabData(self.tabs.addTab(label), key)
        self.tabs.currentChanged.connect(self._tab_changed)
        top.addWidget(self.tabs)
        layout.addLayout(top)

        self.model = PatternTableModel(self)
        self.table = PatternTable(self)
        self.table.setModel(self.model)
        self.table.setObjectName("patternTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 86), (2, 56), (3, 44), (4, 62), (5, 68), (6, 54)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.open_pressed.connect(lambda: self._act_on_current(self.open_requested))
        self.table.delete_pressed.connect(lambda: self._act_on_current(self.delete_requested))

        self.placeholder = QLabel(self)
        self.placeholder.setObjectName("browserPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.placeholder)
        layout.addWidget(self.stack, 1)

    def _tab_changed(self, _index: int) -> None:
        self.shelf_changed.emit(self.shelf())

    def shelf(self) -> str:
        """The shelf on show: mine, generated, forks or similar."""
        return str(self.tabs.tabData(self.tabs.currentIndex()))

    def show_shelf(self, shelf: str) -> None:
        """Bring a shelf forward (emits shelf_changed when it changes)."""
        for index in range(self.tabs.count()):
            if self.tabs.tabData(index) == shelf:
                self.tabs.setCurrentIndex(index)
                return
        raise ValueError(f"no shelf {shelf!r}; shelves: {', '.join(k for k, _ in SHELVES)}")

    def show_rows(self, rows: list[PatternRow], empty_text: str, score_title: str) -> None:
        """Show rows, or empty_text when there are none."""
        self.model.set_rows(rows, score_title)
        self.placeholder.setText(empty_text)
        self.stack.setCurrentWidget(self.table if rows else self.placeholder)

    def titles(self) -> list[str]:
        """The titles on show, top to bottom."""
        return [row.title for row in self.model.rows()]

    def select(self, pattern_id: uuid.UUID) -> None:
        """Select the row of a pattern, if it is on show."""
        row = self.model.row_of(pattern_id)
        if row >= 0:
            self.table.selectRow(row)

    def _double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_requested.emit(row.id)

    def _act_on_current(self, signal: object) -> None:
        row = self.model.row_at(self.table.currentIndex().row())
        if row is not None:
            signal.emit(row.id)  # type: ignore[attr-defined]

    def context_actions(self, pattern_id: uuid.UUID) -> list[QAction]:
        """The context menu's actions for one pattern: Open, Fork, Delete."""
        actions = []
        for text, signal in (
            ("Open", self.open_requested),
            ("Fork", self.fork_requested),
            ("Delete…", self.delete_requested),
        ):
            action = QAction(text, self)
            action.triggered.connect(lambda _checked=False, s=signal: s.emit(pattern_id))
            actions.append(action)
        return actions

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None:
            return
        self.table.selectRow(index.row())
        menu = QMenu(self)
        actions = self.context_actions(row.id)
        menu.addAction(actions[0])
        menu.addSeparator()
        menu.addAction(actions[1])
        menu.addAction(actions[2])
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()
