"""The filter side panel: genre, key, tempo range, rating and tags picked with the mouse.

The panel holds no filtering of its own: it writes the same query text a musician could type
(`genre:house key:~8A bpm:120-128 rating:>=4 tag:vocal fav`), and the view puts it in the query
box, so what the panel does is always visible and can be edited by hand. The genre list and the
tag completions come from the library (museaud.library.facets), the most used first.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from museaud.library.facets import Facet
from museaud.music.keys import CAMELOT_KEYS, Key
from museaud.ui.library.detail_pane import split_words
from museaud.ui.widgets import scaled_font

ANY = "Any"
TYPING_DELAY_MS = 400
PANEL_WIDTH = 168
"""Wide enough for '12B · E major' and two tempo boxes; the table needs the rest."""


def quoted(value: str) -> str:
    """A query value, in double quotes when it holds a space or a quote ('"deep house"')."""
    if any(char.isspace() for char in value) or '"' in value or not value:
        return '"' + value.replace('"', "") + '"'
    return value


def key_label(key: Key) -> str:
    """'8A · A minor' for the key list."""
    return f"{key.camelot} · {key}"


class FilterPanel(QFrame):
    """Pick genre, key, tempo, rating, tags and favourites; `query_text` is what they say."""

    filters_changed = Signal(str)
    """The panel's query text changed (empty when every filter is off)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self._quiet = False
        self.setMinimumWidth(PANEL_WIDTH - 20)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        heading = QLabel("Filters", self)
        heading.setFont(scaled_font(heading, 1.05, QFont.Weight.DemiBold))
        layout.addWidget(heading)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setVerticalSpacing(4)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.genre_combo = QComboBox(self)
        self.genre_combo.setEditable(True)
        self.genre_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.genre_combo.addItem(ANY)
        self.genre_combo.setMaxVisibleItems(16)
        self.genre_combo.setMinimumContentsLength(8)
        self.genre_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.genre_combo.currentTextChanged.connect(lambda _text: self._typed())
        form.addRow("Genre", self.genre_combo)

        self.key_combo = QComboBox(self)
        self.key_combo.addItem(ANY, "")
        for key in CAMELOT_KEYS:
            self.key_combo.addItem(key_label(key), key.camelot)
        self.key_combo.setMaxVisibleItems(14)
        self.key_combo.setMinimumContentsLength(8)
        self.key_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.key_combo.currentIndexChanged.connect(lambda _index: self._changed())
        self.compatible_check = QCheckBox("and keys that mix", self)
        self.compatible_check.setToolTip("The same key, its relative and a fifth up or down")
        self.compatible_check.toggled.connect(lambda _on: self._changed())
        keys = QVBoxLayout()
        keys.setSpacing(2)
        keys.addWidget(self.key_combo)
        keys.addWidget(self.compatible_check)
        form.addRow("Key", keys)

        tempo = QHBoxLayout()
        self.bpm_low = self._bpm_spin()
        self.bpm_high = self._bpm_spin()
        dash = QLabel("–", self)
        tempo.addWidget(self.bpm_low, 1)
        tempo.addWidget(dash)
        tempo.addWidget(self.bpm_high, 1)
        form.addRow("Tempo (BPM)", tempo)

        self.rating_combo = QComboBox(self)
        self.rating_combo.addItem(ANY, 0)
        for stars in range(1, 6):
            self.rating_combo.addItem("★" * stars + ("" if stars == 5 else " or more"), stars)
        self.rating_combo.currentIndexChanged.connect(lambda _index: self._changed())
        form.addRow("Rating", self.rating_combo)

        self.tags_edit = QLineEdit(self)
        self.tags_edit.setPlaceholderText("vocal, warm pads")
        self.tags_edit.textEdited.connect(lambda _text: self._typed())
        self.tag_completer = QCompleter(QStringListModel(self), self)
        self.tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_completer.setWidget(self.tags_edit)
        self.tag_completer.activated.connect(self._complete_tag)
        self.tags_edit.textEdited.connect(self._offer_tags)
        self.tags_edit.returnPressed.connect(self._changed)
        form.addRow("Tags", self.tags_edit)
        layout.addLayout(form)

        self.favorite_check = QCheckBox("Favourites only", self)
        self.favorite_check.toggled.connect(lambda _on: self._changed())
        layout.addWidget(self.favorite_check)
        clear_row = QHBoxLayout()
        clear_row.addStretch(1)
        self.clear_button = QPushButton("Clear Filters", self)
        self.clear_button.clicked.connect(self.clear)
        clear_row.addWidget(self.clear_button)
        layout.addLayout(clear_row)
        layout.addStretch(1)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self._changed)
        self._last = ""

    def _bpm_spin(self) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(0, 300)
        spin.setSpecialValueText(ANY)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.valueChanged.connect(lambda _value: self._typed())
        return spin

    def set_genres(self, genres: Sequence[Facet]) -> None:
        """Offer these genres in the list, each with its track count as a tooltip (the typed
        or chosen one stays)."""
        current = self.genre_combo.currentText()
        self._quiet = True
        try:
            self.genre_combo.clear()
            self.genre_combo.addItem(ANY)
            for facet in genres:
                self.genre_combo.addItem(facet.value)
                self.genre_combo.setItemData(
                    self.genre_combo.count() - 1,
                    f"{facet.tracks:,} track{'s' if facet.tracks != 1 else ''}",
                    Qt.ItemDataRole.ToolTipRole,
                )
            self.genre_combo.setCurrentText(current)
        finally:
            self._quiet = False

    def genres(self) -> list[str]:
        """The genres offered in the list."""
        return [self.genre_combo.itemText(n) for n in range(1, self.genre_combo.count())]

    def set_tags(self, tags: Sequence[Facet]) -> None:
        """Complete the tag being typed from these tags (the most used first)."""
        model = self.tag_completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList([facet.value for facet in tags])

    def tags(self) -> list[str]:
        """The tags offered as completions."""
        model = self.tag_completer.model()
        assert isinstance(model, QStringListModel)
        return model.stringList()

    def _offer_tags(self, text: str) -> None:
        """Complete the tag after the last comma."""
        typed = text[: self.tags_edit.cursorPosition()].rsplit(",", 1)[-1].strip()
        self.tag_completer.setCompletionPrefix(typed)
        if typed and self.tag_completer.completionCount():
            self.tag_completer.complete()
        elif (popup := self.tag_completer.popup()) is not None:
            popup.hide()

    def _complete_tag(self, tag: str) -> None:
        """Put the chosen tag in place of the one being typed."""
        text = self.tags_edit.text()
        cursor = self.tags_edit.cursorPosition()
        typed_before = text[:cursor]
        head = typed_before.rsplit(",", 1)[0].rstrip() + ", " if "," in typed_before else ""
        self.tags_edit.setText(f"{head}{tag}{text[cursor:]}")
        self.tags_edit.setCursorPosition(len(head) + len(tag))
        self._changed()

    def query_text(self) -> str:
        """The filters as query text, e.g. 'genre:house bpm:120-128 rating:>=4'."""
        parts = []
        genre = self.genre_combo.currentText().strip()
        if genre and genre != ANY:
            parts.append(f"genre:{quoted(genre)}")
        code = str(self.key_combo.currentData() or "")
        if code:
            parts.append(f"key:{'~' if self.compatible_check.isChecked() else ''}{code}")
        low, high = self.bpm_low.value(), self.bpm_high.value()
        if low and high:
            low, high = min(low, high), max(low, high)
            parts.append(f"bpm:{low}-{high}")
        elif low:
            parts.append(f"bpm:>={low}")
        elif high:
            parts.append(f"bpm:<={high}")
        stars = int(self.rating_combo.currentData() or 0)
        if stars:
            parts.append(f"rating:>={stars}" if stars < 5 else "rating:5")
        parts.extend(f"tag:{quoted(tag)}" for tag in split_words(self.tags_edit.text()))
        if self.favorite_check.isChecked():
            parts.append("fav")
        return " ".join(parts)

    def clear(self) -> None:
        """Switch every filter off."""
        self._quiet = True
        try:
            self.genre_combo.setCurrentText(ANY)
            self.key_combo.setCurrentIndex(0)
            self.compatible_check.setChecked(False)
            self.bpm_low.setValue(0)
            self.bpm_high.setValue(0)
            self.rating_combo.setCurrentIndex(0)
            self.tags_edit.clear()
            self.favorite_check.setChecked(False)
        finally:
            self._quiet = False
        self._changed()

    def _typed(self) -> None:
        if not self._quiet:
            self._typing.start()

    def _changed(self) -> None:
        self._typing.stop()
        if self._quiet:
            return
        text = self.query_text()
        if text != self._last:
            self._last = text
            self.filters_changed.emit(text)

    def apply_now(self) -> None:
        """Send what was typed without waiting for the typing pause."""
        self._changed()
