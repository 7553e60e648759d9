"""The track table widget: a QTableView that paints its rows in one go on the GUI thread.

Every visible cell asks the Python model for seven or eight roles per paint. Called from Qt's
C++ paint loop, each of those calls would take Python's GIL anew, and while the background
reader holds it (reading a page) each take can wait for a switch interval; with thousands per
paint, scrolling stutters. Painting from a Python override takes the GIL once for the whole
paint, so the cells cost no waits and the reader resumes right after.
"""

from __future__ import annotations

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QTableView


class TrackTable(QTableView):
    """The library's table of tracks (see the module's note on painting)."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
