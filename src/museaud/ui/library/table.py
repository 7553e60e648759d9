"""The track table widget: a QTableView that paints its rows in one go on the GUI thread.

Every visible cell asks the Python model for seven or eight roles per paint. Called from Qt's
C++ paint loop, each of those calls would take Python's GIL anew, and while the background
reader holds it (reading a page) each take can wait for a switch interval; with thousands per
paint, scrolling stutters. Painting from a Python override takes the GIL once for the whole
paint, so the cells cost no waits and the reader resumes right after.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import QTableView


class TrackTable(QTableView):
    """The library's table of tracks (see the module's note on painting). Enter on a row asks
    for it to be played, as a double-click does: browse with the arrows, listen with Enter."""

    play_requested = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self.currentIndex().isValid()
        ):
            self.play_requested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
