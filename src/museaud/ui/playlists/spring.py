"""Spring-loaded views: tracks dragged from the library and held over the Playlists entry of
the main window's sidebar bring the Playlists view forward, so the drag can end on a playlist
(its table or its entry in the playlists' sidebar)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QDragMoveEvent
from PySide6.QtWidgets import QListWidget

from museaud.ui.library.model import TRACK_IDS_MIME

SPRING_DELAY_MS = 450
VIEW_ROLE = Qt.ItemDataRole.UserRole
SPRING_VIEWS = frozenset({"playlists"})


class SpringLoadedViews(QObject):
    """Watches a list of views for drags of tracks; holding one over a view that takes tracks
    opens that view."""

    def __init__(self, views: QListWidget, show_view: Callable[[str], None]) -> None:
        super().__init__(views)
        self._views = views
        self._show_view = show_view
        self._waiting_for: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SPRING_DELAY_MS)
        self._timer.timeout.connect(self._spring)
        views.setAcceptDrops(True)
        views.viewport().setAcceptDrops(True)
        views.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragMoveEvent)  # a QDragEnterEvent is one too
            if not event.mimeData().hasFormat(TRACK_IDS_MIME):
                return False
            item = self._views.itemAt(event.position().toPoint())
            name = None if item is None else item.data(VIEW_ROLE)
            if name in SPRING_VIEWS:
                event.acceptProposedAction()
                if name != self._waiting_for:
                    self._waiting_for = name
                    self._timer.start()
            else:
                event.ignore()
                self._cancel()
            return True
        if kind in (QEvent.Type.DragLeave, QEvent.Type.Drop):
            self._cancel()
            if kind == QEvent.Type.Drop:
                event.ignore()
            return True
        return False

    def waiting_for(self) -> str | None:
        """The view that opens if the drag stays where it is."""
        return self._waiting_for

    def _cancel(self) -> None:
        self._timer.stop()
        self._waiting_for = None

    def _spring(self) -> None:
        name = self._waiting_for
        self._waiting_for = None
        if name is not None:
            self._show_view(name)


def spring_load(views: QListWidget, show_view: Callable[[str], None]) -> SpringLoadedViews:
    """Make the views list spring-loaded (see the module's note)."""
    return SpringLoadedViews(views, show_view)
