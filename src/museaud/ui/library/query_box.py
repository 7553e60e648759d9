"""The query box: the library's query language typed in one line, with the field names offered
as you type and a bad query pointed at under the box.

Typing waits for a short pause before searching; Enter searches at once. The completer works
on the word under the cursor, so `house bp` offers `bpm:` without touching `house`.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from museaud.library.query import FIELDS

TYPING_DELAY_MS = 250
FLAG_FIELDS = frozenset({"fav", "missing", "hidden"})
"""Fields that take no value: they complete without a colon."""
FIELD_ROLE = Qt.ItemDataRole.UserRole + 1


def completion_model(fields: Mapping[str, str]) -> QStandardItemModel:
    """One entry per field: shown as 'bpm:  tempo range …', completed as 'bpm:'."""
    model = QStandardItemModel()
    for name, help_text in sorted(fields.items()):
        completion = name if name in FLAG_FIELDS else f"{name}:"
        item = QStandardItem(f"{completion}  {help_text}")
        item.setData(completion, FIELD_ROLE)
        item.setToolTip(help_text)
        model.appendRow(item)
    return model


class QueryLine(QLineEdit):
    """A line edit that completes the word under the cursor from the query fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.completer_model = completion_model(FIELDS)
        self.field_completer = QCompleter(self.completer_model, self)
        self.field_completer.setCompletionRole(FIELD_ROLE)
        self.field_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.field_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.field_completer.setWidget(self)
        self.field_completer.activated.connect(self.insert_completion)
        self.textEdited.connect(self._offer_completions)

    def _popup(self) -> QAbstractItemView:
        popup = self.field_completer.popup()
        assert popup is not None  # a QCompleter always makes its popup
        return popup

    def current_word(self) -> tuple[int, str]:
        """Where the word before the cursor starts, and the word (a leading '-' left out)."""
        text = self.text()[: self.cursorPosition()]
        start = max(text.rfind(" "), text.rfind("("), text.rfind(")")) + 1
        if text[start : start + 1] == "-":
            start += 1
        return start, text[start:]

    def _offer_completions(self) -> None:
        _start, word = self.current_word()
        popup = self._popup()
        if not word or ":" in word or word.startswith('"'):
            popup.hide()
            return
        self.field_completer.setCompletionPrefix(word)
        if self.field_completer.completionCount() == 0:
            popup.hide()
            return
        if (
            self.field_completer.completionCount() == 1
            and self.field_completer.currentCompletion() == word
        ):
            popup.hide()  # already complete
            return
        rect = self.cursorRect()
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width())
        self.field_completer.complete(rect)

    def insert_completion(self, completion: str) -> None:
        """Replace the word before the cursor with completion ('bp' -> 'bpm:')."""
        start, _word = self.current_word()
        text = self.text()
        cursor = self.cursorPosition()
        self.setText(text[:start] + completion + text[cursor:])
        self.setCursorPosition(start + len(completion))
        self.textEdited.emit(self.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """While the popup shows, Enter and Tab choose the completion."""
        popup = self._popup()
        if popup.isVisible() and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Tab,
        ):
            index = popup.currentIndex()
            completion = (
                str(index.data(FIELD_ROLE))
                if index.isValid()
                else self.field_completer.currentCompletion()
            )
            popup.hide()
            self.insert_completion(completion)
            return
        super().keyPressEvent(event)


class QueryBox(QWidget):
    """The query line and, when the store refuses the query, the pointer at the bad part."""

    query_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.line = QueryLine(self)
        self.line.setObjectName("queryLine")
        self.line.setClearButtonEnabled(True)
        self.line.setPlaceholderText(
            "Search: free text, bpm:120-128, key:~Am, genre:house, rating:>=4, tag:vocal, fav …"
        )
        layout.addWidget(self.line)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("queryError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        self.error_label.setFont(font)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self.apply)
        self.line.textEdited.connect(lambda _text: self._typing.start())
        self.line.returnPressed.connect(self.apply)
        self._applied: str | None = None

    def text(self) -> str:
        """The query as typed."""
        return self.line.text()

    def set_text(self, text: str) -> None:
        """Put text in the box and search for it now."""
        self.line.setText(text)
        self.apply()

    def apply(self) -> None:
        """Search for what the box says (if it changed)."""
        self._typing.stop()
        text = self.line.text().strip()
        if text != self._applied:
            self._applied = text
            self.query_changed.emit(text)

    def show_error(self, pointer: str, message: str) -> None:
        """Show the query with a caret line under the bad part, and the message."""
        self.error_label.setText(f"{pointer}\n{message}")
        self.error_label.setToolTip(message)
        self.error_label.setVisible(True)

    def clear_error(self) -> None:
        """The query is fine."""
        self.error_label.setVisible(False)
        self.error_label.clear()
