"""The Playlists view's dialogs: the smart playlist editor, New from Template, Order for
Mixing (preview the totals before and after, then apply) and Song Path."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from museaud.library.query import QueryError, parse_query
from museaud.library.search import SORT_FIELDS
from museaud.playlists.ordering import ARCS, SetOrder, SetSummary
from museaud.ui.library.query_box import QueryBox

ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class SmartRules:
    """What the smart playlist editor asks for."""

    name: str
    query: str
    sort: str
    descending: bool
    limit: int | None


class SmartPlaylistDialog(QDialog):
    """Name, query (in the library's query language, a bad one pointed at as in the search
    box), sort, direction and an optional track limit."""

    def __init__(self, parent: QWidget | None = None, rules: SmartRules | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("smartPlaylistDialog")
        self.setWindowTitle("Edit Smart Playlist" if rules else "New Smart Playlist")
        self.setMinimumWidth(560)
        rules = rules or SmartRules("", "", "artist", False, None)
        self.name_edit = QLineEdit(rules.name, self)
        self.name_edit.setPlaceholderText("e.g. Warm-up house")
        self.query_box = QueryBox(self)
        self.query_box.line.setText(rules.query)
        self.query_box.query_changed.connect(lambda _text: self.check_query())
        self.sort_box = QComboBox(self)
        for key, label in SORT_FIELDS.items():
            self.sort_box.addItem(label, key)
        self.sort_box.setCurrentIndex(max(0, self.sort_box.findData(rules.sort)))
        self.descending_box = QCheckBox("Highest (or newest) first", self)
        self.descending_box.setChecked(rules.descending)
        self.limit_box = QSpinBox(self)
        self.limit_box.setRange(0, 100_000)
        self.limit_box.setSpecialValueText("No limit")
        self.limit_box.setValue(rules.limit or 0)
        self.limit_box.setSuffix(" tracks")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("dialogError")
        self.error_label.setVisible(False)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Query", self.query_box)
        form.addRow("Sorted by", self.sort_box)
        form.addRow("", self.descending_box)
        form.addRow("Limit", self.limit_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def check_query(self) -> bool:
        """Point at a query that cannot be read, as the library's search box does."""
        try:
            parse_query(self.query_box.text())
        except QueryError as error:
            self.query_box.show_error(error.pointer(), str(error))
            return False
        self.query_box.clear_error()
        return True

    def rules(self) -> SmartRules:
        """What was asked for."""
        return SmartRules(
            name=self.name_edit.text().strip(),
            query=self.query_box.text().strip(),
            sort=str(self.sort_box.currentData()),
            descending=self.descending_box.isChecked(),
            limit=self.limit_box.value() or None,
        )

    def show_error(self, text: str) -> None:
        """Say why the playlist was not saved."""
        self.error_label.setText(text)
        self.error_label.setVisible(True)

    def accept(self) -> None:
        """Close only with a name and a query that can be read."""
        if not self.check_query():
            return
        if not self.name_edit.text().strip():
            self.show_error("A smart playlist needs a name.")
            return
        super().accept()


@dataclass(frozen=True)
class TemplateChoice:
    """A template as the dialog lists it."""

    id: uuid.UUID
    name: str
    description: str
    length: int


class TemplateDialog(QDialog):
    """Choose a template, name the playlist and say how many tracks."""

    def __init__(self, templates: list[TemplateChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateDialog")
        self.setWindowTitle("New Playlist from Template")
        self.setMinimumWidth(520)
        self.templates = templates
        self.list = QListWidget(self)
        for template in templates:
            item = QListWidgetItem(f"{template.name}\n{template.description}")
            item.setData(ID_ROLE, str(template.id))
            self.list.addItem(item)
        self.name_edit = QLineEdit(self)
        self.length_box = QSpinBox(self)
        self.length_box.setRange(1, 10_000)
        self.length_box.setSuffix(" tracks")
        self.list.currentRowChanged.connect(self._chosen)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Generate")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Length", self.length_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        if templates:
            self.list.setCurrentRow(0)

    def _chosen(self, row: int) -> None:
        if 0 <= row < len(self.templates):
            self.name_edit.setText(self.templates[row].name)
            self.length_box.setValue(self.templates[row].length)

    def choice(self) -> tuple[uuid.UUID, str, int] | None:
        """The template, the new playlist's name and its length."""
        row = self.list.currentRow()
        if not 0 <= row < len(self.templates):
            return None
        return self.templates[row].id, self.name_edit.text().strip(), self.length_box.value()


@dataclass(frozen=True)
class OrderSettings:
    """How to order a set: the energy arc, the entries to keep in place, the artist gap."""

    arc: str
    keep_first: bool
    keep_last: bool
    artist_gap: int


def _totals(summary: SetSummary) -> list[str]:
    jump = summary.largest_tempo_jump_pct
    arc = summary.arc_deviation
    return [
        f"{summary.compatible_share:.0%}",
        f"{summary.within_tempo_share:.0%}",
        "—" if jump is None else f"{jump:.1f} %",
        "—" if arc is None else f"{arc:.3f}",
        str(summary.artist_repeats),
    ]


TOTAL_NAMES = (
    "Compatible keys",
    "Within 6 % tempo",
    "Largest tempo jump",
    "Distance from the arc",
    "Artist repeats",
)


class OrderDialog(QDialog):
    """Order for Mixing: choose an arc, what stays in place and the artist gap; Preview shows
    the totals before and after; Apply puts the entries in the new order."""

    preview_requested = Signal(object)
    """OrderSettings: the view orders the playlist (in the background) and calls show_preview."""

    def __init__(self, count: int, parent: QWidget | None = None, arc: str = "build") -> None:
        super().__init__(parent)
        self.setObjectName("orderDialog")
        self.setWindowTitle("Order for Mixing")
        self.setMinimumWidth(480)
        self.order: SetOrder | None = None
        self._previewed: OrderSettings | None = None
        self.arc_box = QComboBox(self)
        for name in ARCS:
            self.arc_box.addItem(name.capitalize(), name)
        self.arc_box.setCurrentIndex(max(0, self.arc_box.findData(arc)))
        self.keep_first_box = QCheckBox("Keep the first track first", self)
        self.keep_last_box = QCheckBox("Keep the last track last", self)
        self.gap_box = QSpinBox(self)
        self.gap_box.setRange(1, 20)
        self.gap_box.setValue(3)
        self.gap_box.setSuffix(" tracks")
        self.gap_box.setToolTip("No artist heard twice within this many tracks (1: no rule)")
        form = QFormLayout()
        form.addRow("Energy arc", self.arc_box)
        form.addRow("", self.keep_first_box)
        form.addRow("", self.keep_last_box)
        form.addRow("Artist gap", self.gap_box)
        self.totals = QGridLayout()
        self.totals.addWidget(QLabel("<b>Before</b>", self), 0, 1)
        self.totals.addWidget(QLabel("<b>After</b>", self), 0, 2)
        self.before_labels: list[QLabel] = []
        self.after_labels: list[QLabel] = []
        for row, name in enumerate(TOTAL_NAMES, start=1):
            self.totals.addWidget(QLabel(name, self), row, 0)
            before, after = QLabel("—", self), QLabel("—", self)
            self.totals.addWidget(before, row, 1)
            self.totals.addWidget(after, row, 2)
            self.before_labels.append(before)
            self.after_labels.append(after)
        self.status = QLabel(f"{count} entries. Preview to see how the new order mixes.", self)
        self.status.setWordWrap(True)
        self.preview_button = QPushButton("Preview", self)
        self.preview_button.clicked.connect(self.preview)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for box in (self.arc_box,):
            box.currentIndexChanged.connect(lambda _n: self._changed())
        for check in (self.keep_first_box, self.keep_last_box):
            check.toggled.connect(lambda _on: self._changed())
        self.gap_box.valueChanged.connect(lambda _n: self._changed())
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(self.totals)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def settings(self) -> OrderSettings:
        """What the dialog asks for now."""
        return OrderSettings(
            arc=str(self.arc_box.currentData()),
            keep_first=self.keep_first_box.isChecked(),
            keep_last=self.keep_last_box.isChecked(),
            artist_gap=self.gap_box.value(),
        )

    def preview(self) -> None:
        """Ask for the new order (the answer comes to show_preview)."""
        self.status.setText("Ordering…")
        self.preview_button.setEnabled(False)
        self.preview_requested.emit(self.settings())

    def show_preview(self, settings: OrderSettings, before: SetSummary, order: SetOrder) -> None:
        """Show the totals before and after; Apply becomes possible."""
        self.preview_button.setEnabled(True)
        if settings != self.settings():
            return  # the choices changed while ordering: preview again
        self.order = order
        self._previewed = settings
        for label, text in zip(self.before_labels, _totals(before), strict=True):
            label.setText(text)
        for label, text in zip(self.after_labels, _totals(order.summary), strict=True):
            label.setText(text)
        moved = sum(1 for place, was in enumerate(order.order) if place != was)
        self.status.setText(f"{moved} of {len(order.order)} entries would move.")
        self.apply_button.setEnabled(True)

    def show_failure(self, text: str) -> None:
        """Say why the playlist could not be ordered."""
        self.preview_button.setEnabled(True)
        self.status.setText(text)

    def _changed(self) -> None:
        self.apply_button.setEnabled(self._previewed == self.settings() and bool(self.order))


class SongPathDialog(QDialog):
    """From the selected track to another one: search the library for the end, choose the
    number of steps and whether each step must mix."""

    def __init__(
        self,
        start_title: str,
        search: Callable[[str], list[tuple[uuid.UUID, str]]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("songPathDialog")
        self.setWindowTitle("Song Path")
        self.setMinimumWidth(480)
        self._search = search
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Find the track to end on (title, artist, bpm:…)")
        self.search_edit.textChanged.connect(self.find_tracks)
        self.results = QListWidget(self)
        self.steps_box = QSpinBox(self)
        self.steps_box.setRange(2, 50)
        self.steps_box.setValue(8)
        self.mixable_box = QCheckBox("Every step must mix (key, tempo, energy)", self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Make Playlist")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("From", QLabel(start_title, self))
        form.addRow("To", self.search_edit)
        form.addRow("", self.results)
        form.addRow("Steps", self.steps_box)
        form.addRow("", self.mixable_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.find_tracks("")

    def find_tracks(self, text: str) -> None:
        """List the library's tracks matching text."""
        self.results.clear()
        try:
            found = self._search(text)
        except QueryError:
            return
        for track_id, label in found:
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, str(track_id))
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)

    def choice(self) -> tuple[uuid.UUID, int, bool] | None:
        """The end track, the steps and whether each must mix."""
        item = self.results.currentItem()
        if item is None:
            return None
        return uuid.UUID(item.data(ID_ROLE)), self.steps_box.value(), self.mixable_box.isChecked()
