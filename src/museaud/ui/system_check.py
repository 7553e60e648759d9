"""Help ▸ System Check: the `museaud doctor` findings in a window, with a copy button."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from museaud.doctor import Check, report, run_checks
from museaud.paths import Paths


class SystemCheckDialog(QDialog):
    """What works on this machine (store, SQLite extensions, audio, MIDI, Essentia …)."""

    def __init__(self, paths: Paths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("System Check")
        self.paths = paths
        self.checks: list[Check] = run_checks(paths)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "What museaud found on this machine — the same as <code>museaud doctor</code>.", self
        )
        layout.addWidget(intro)
        self.table = QTableWidget(len(self.checks), 3, self)
        self.table.setHorizontalHeaderLabels(["Part", "State", "Finding"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setAlternatingRowColors(True)
        for row, check in enumerate(self.checks):
            self.table.setItem(row, 0, QTableWidgetItem(check.name))
            state = QTableWidgetItem("ok" if check.ok else "not available")
            state.setForeground(self.palette().text() if check.ok else Qt.GlobalColor.darkRed)
            self.table.setItem(row, 1, state)
            finding = QTableWidgetItem(check.detail)
            finding.setToolTip(check.detail)
            self.table.setItem(row, 2, finding)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = QPushButton("Copy as JSON", self)
        copy.setToolTip("Copy the full findings, e.g. for a bug report")
        copy.clicked.connect(self.copy_json)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 420)

    def copy_json(self) -> str:
        """Put the findings on the clipboard as JSON and return them."""
        text = json.dumps(report(self.paths), indent=2, default=str)
        QGuiApplication.clipboard().setText(text)
        return text
