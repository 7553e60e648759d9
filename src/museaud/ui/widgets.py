"""Small widgets shared by the window, the views and the dialogs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QStyle,
    QStyleOption,
    QWidget,
)

from museaud.ui.glyphs import glyph_pixmap
from museaud.ui.theme import current_theme_colors


@contextlib.contextmanager
def waiting() -> Iterator[None]:
    """The wait cursor for work done in the GUI thread that may take a moment (a store
    transaction over many tracks, a generation)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def scaled_font(widget: QWidget, factor: float, weight: QFont.Weight | None = None) -> QFont:
    """The widget's font, factor times as large (so titles follow the desktop font size)."""
    font = QFont(widget.font())
    font.setPointSizeF(max(font.pointSizeF(), 6.0) * factor)
    if weight is not None:
        font.setWeight(weight)
    return font


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with … when narrow; text() stays the full text."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        elide_mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._elide_mode = elide_mode

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Narrow enough to give way to its neighbours, as tall as a line."""
        hint = super().minimumSizeHint()
        narrow = self.fontMetrics().horizontalAdvance("M") * 6
        return QSize(min(hint.width(), narrow), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the text elided to the width there is, in the label's palette and alignment."""
        painter = QPainter(self)
        try:
            option = QStyleOption()
            option.initFrom(self)
            self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
            rect = self.contentsRect()
            elided = self.fontMetrics().elidedText(self.text(), self._elide_mode, rect.width())
            self.style().drawItemText(
                painter,
                rect,
                int(self.alignment()),
                self.palette(),
                self.isEnabled(),
                elided,
                self.foregroundRole(),
            )
        finally:
            painter.end()


class StatusItem(QWidget):
    """A status-bar entry: a small glyph and an elided line whose full text is in the tooltip."""

    def __init__(self, glyph: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._glyph = glyph
        self._warning = False
        self.icon_label = QLabel(self)
        self.text_label = ElidedLabel(parent=self)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(2)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label, 1)
        self._refresh_icon()

    def set_status(self, text: str, *, warning: bool = False, tooltip: str | None = None) -> None:
        """Show text; a warning is drawn in the theme's warning colour with a warning glyph."""
        self._warning = warning
        self.text_label.setText(text)
        self.text_label.setProperty("state", "warning" if warning else "normal")
        self.setToolTip(tooltip or text)
        self.text_label.style().unpolish(self.text_label)
        self.text_label.style().polish(self.text_label)
        self._refresh_icon()

    def text(self) -> str:
        """The full (not elided) text."""
        return self.text_label.text()

    def is_warning(self) -> bool:
        """True when the entry reports a problem."""
        return self._warning

    def refresh_theme(self) -> None:
        """Repaint the glyph in the colours of the theme now applied."""
        self._refresh_icon()

    def _refresh_icon(self) -> None:
        colors = current_theme_colors()
        glyph = "warning" if self._warning else self._glyph
        color = colors.warning if self._warning else colors.muted_text
        self.icon_label.setPixmap(glyph_pixmap(glyph, 14, color))


def separator(parent: QWidget | None = None) -> QFrame:
    """A thin vertical rule between status-bar entries."""
    line = QFrame(parent)
    line.setObjectName("statusSeparator")
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Plain)
    line.setFixedHeight(14)
    return line
