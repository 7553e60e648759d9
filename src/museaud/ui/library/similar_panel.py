"""The "similar tracks" panel: the nearest neighbours of the current track by sound, optionally
only those in a compatible key and a tempo window, ready to mix into.

The panel shows rows and collects the toggles; the view reads the neighbours in the background
(museaud.library.similarity.similar_tracks) and hands them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from museaud.ui.library.columns import title_of
from museaud.ui.library.model import TRACK_ID_ROLE

DEFAULT_TEMPO_WINDOW = 6
ROW_HEIGHT = 24


@dataclass(frozen=True)
class SimilarRequest:
    """What to look for: the neighbours' count and the filters switched on."""

    k: int = 10
    compatible_key: bool = False
    bpm_within: float | None = None


class SimilarPanel(QFrame):
    """Tracks that sound like the current one, nearest first; double-click one to go to it."""

    request_changed = Signal()
    track_chosen = Signal(str)
    """The id of a neighbour the musician double-clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("similarPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 10, 2, 4)
        layout.setSpacing(6)
        toggles = QHBoxLayout()
        self.compatible_check = QCheckBox("Compatible key", self)
        self.compatible_check.setToolTip(
            "Only tracks that mix harmonically: the same key, its relative, a fifth up or down"
        )
        self.tempo_check = QCheckBox("Tempo ±", self)
        self.tempo_check.setToolTip("Only tracks near this tempo (or half or double it)")
        self.tempo_spin = QSpinBox(self)
        self.tempo_spin.setRange(1, 50)
        self.tempo_spin.setValue(DEFAULT_TEMPO_WINDOW)
        self.tempo_spin.setSuffix(" %")
        self.tempo_spin.setEnabled(False)
        self.tempo_check.toggled.connect(self.tempo_spin.setEnabled)
        for widget in (self.compatible_check, self.tempo_check):
            widget.toggled.connect(lambda _on: self.request_changed.emit())
        self.tempo_spin.valueChanged.connect(lambda _value: self._tempo_changed())
        toggles.addWidget(self.compatible_check)
        toggles.addSpacing(4)
        toggles.addWidget(self.tempo_check)
        toggles.addWidget(self.tempo_spin)
        toggles.addStretch(1)
        layout.addLayout(toggles)

        self.results = QTreeWidget(self)
        self.results.setObjectName("similarTracks")
        self.results.setRootIsDecorated(False)
        self.results.setAlternatingRowColors(True)
        self.results.setUniformRowHeights(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setHeaderLabels(["Title", "Artist", "BPM", "Key", "Match"])
        header = self.results.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 92), (2, 48), (3, 38), (4, 48)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.results.itemDoubleClicked.connect(self._double_clicked)
        layout.addWidget(self.results, 1)
        self.message_label = QLabel(self)
        self.message_label.setProperty("role", "hint")
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)

    def request(self) -> SimilarRequest:
        """The search the toggles ask for."""
        return SimilarRequest(
            compatible_key=self.compatible_check.isChecked(),
            bpm_within=float(self.tempo_spin.value()) if self.tempo_check.isChecked() else None,
        )

    def _tempo_changed(self) -> None:
        if self.tempo_check.isChecked():
            self.request_changed.emit()

    def show_waiting(self) -> None:
        """Neighbours are being looked for."""
        self.message_label.setText("Listening for similar tracks …")

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show neighbours (track rows with "similarity"), nearest first."""
        self.results.clear()
        for row in rows:
            item = QTreeWidgetItem(
                [
                    title_of(row),
                    str(row.get("artist") or ""),
                    "" if row.get("bpm") is None else f"{row['bpm']:.1f}",
                    str(row.get("camelot") or ""),
                    f"{row['similarity']:.0%}",
                ]
            )
            item.setData(0, TRACK_ID_ROLE, row["id"])
            item.setSizeHint(0, QSize(0, ROW_HEIGHT))
            item.setToolTip(0, str(row["path"]))
            for column in (2, 3, 4):
                item.setTextAlignment(
                    column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            self.results.addTopLevelItem(item)
        self.message_label.setText("" if rows else "No track fits these filters.")

    def show_message(self, text: str) -> None:
        """No neighbours to show, and why (not analysed yet, no track chosen)."""
        self.results.clear()
        self.message_label.setText(text)

    def track_ids(self) -> list[str]:
        """The ids of the neighbours shown, nearest first."""
        items = (self.results.topLevelItem(row) for row in range(self.results.topLevelItemCount()))
        return [str(item.data(0, TRACK_ID_ROLE)) for item in items if item is not None]

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.track_chosen.emit(str(item.data(0, TRACK_ID_ROLE)))
