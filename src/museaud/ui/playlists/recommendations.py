"""The recommendations panel: tracks that fit the playlist's sound, each with its reason.
Accept adds one to the playlist; Reject keeps it out of this playlist's suggestions for good."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

TRACK_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Suggestion:
    """A suggested track as the panel shows it."""

    track_id: uuid.UUID
    title: str
    artist: str
    score: float
    reason: str


class RecommendationsPanel(QWidget):
    """Suggestions for the playlist shown, with Refresh, Accept, Reject and More Like This."""

    refresh_requested = Signal()
    accepted = Signal(object)
    rejected = Signal(object)
    more_like_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recommendationsPanel")
        self.setMinimumWidth(180)  # its list elides; the table needs the room more
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(6)
        heading = QLabel("Recommendations", self)
        heading.setObjectName("panelHeading")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.message = QLabel("Choose a playlist to see tracks that fit it.", self)
        self.message.setWordWrap(True)
        self.message.setProperty("role", "hint")
        self.results = QListWidget(self)
        self.results.setObjectName("recommendationList")
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setWordWrap(True)
        self.results.setDragEnabled(False)
        self.results.setStyleSheet("QListWidget::item { padding: 5px 4px; }")
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setToolTip("Look for tracks that sound like this playlist again")
        self.accept_button = QPushButton("Accept", self)
        self.accept_button.setToolTip("Add the track to the end of the playlist")
        self.reject_button = QPushButton("Reject", self)
        self.reject_button.setToolTip("Never suggest this track for this playlist again")
        self.more_button = QPushButton("More Like This…", self)
        self.more_button.setToolTip("A new playlist of tracks that sound like this one")
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.more_button)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.more_button.clicked.connect(self.more_like_requested)
        self.accept_button.clicked.connect(lambda: self._decide(self.accepted))
        self.reject_button.clicked.connect(lambda: self._decide(self.rejected))
        self.results.itemDoubleClicked.connect(lambda _item: self._decide(self.accepted))
        self.results.currentItemChanged.connect(lambda _current, _previous: self._sync())
        self._sync()

    def show_waiting(self) -> None:
        """Say suggestions are being looked for."""
        self.message.setText("Listening for tracks that fit…")
        self.message.setVisible(True)

    def show_message(self, text: str) -> None:
        """Show a word instead of suggestions (no playlist, a smart one, no features)."""
        self.results.clear()
        self.message.setText(text)
        self.message.setVisible(True)
        self._sync()

    def show_suggestions(self, suggestions: list[Suggestion]) -> None:
        """List suggestions, best first."""
        self.results.clear()
        for suggestion in suggestions:
            byline = f" — {suggestion.artist}" if suggestion.artist else ""
            item = QListWidgetItem(f"{suggestion.title}{byline}\n{suggestion.reason}")
            item.setData(TRACK_ROLE, str(suggestion.track_id))
            item.setToolTip(f"Fits {suggestion.score:.0%}: {suggestion.reason}")
            self.results.addItem(item)
        if suggestions:
            self.message.setVisible(False)
            self.results.setCurrentRow(0)
        else:
            self.message.setText("No more suggestions: the library has nothing closer.")
            self.message.setVisible(True)
        self._sync()

    def track_ids(self) -> list[uuid.UUID]:
        """The suggested tracks, in order."""
        return [
            uuid.UUID(self.results.item(n).data(TRACK_ROLE)) for n in range(self.results.count())
        ]

    def select_track(self, track_id: uuid.UUID) -> None:
        """Make a suggestion the current one."""
        for n in range(self.results.count()):
            if self.results.item(n).data(TRACK_ROLE) == str(track_id):
                self.results.setCurrentRow(n)

    def remove_track(self, track_id: uuid.UUID) -> None:
        """Take a decided suggestion off the list."""
        for n in range(self.results.count()):
            if self.results.item(n).data(TRACK_ROLE) == str(track_id):
                self.results.takeItem(n)
                break
        self._sync()

    def set_enabled_for(self, manual: bool) -> None:
        """Suggestions are for hand-made playlists; a smart one follows its query."""
        self.refresh_button.setEnabled(manual)
        self.more_button.setEnabled(manual)
        self._sync()

    def _decide(self, signal: SignalInstance) -> None:
        item = self.results.currentItem()
        if item is not None:
            signal.emit(uuid.UUID(item.data(TRACK_ROLE)))

    def _sync(self) -> None:
        chosen = self.results.currentItem() is not None
        self.accept_button.setEnabled(chosen)
        self.reject_button.setEnabled(chosen)
