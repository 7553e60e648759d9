"""What every view of the main window shares: a header, and an empty state until it has content.

The empty state says what the view will hold and how to start; its button mirrors a window
action (enabled state, tooltip and text), so a feature switched on in the menu lights up here too.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from museaud.accounts.preferences import Preferences
from museaud.app import App
from museaud.ui.glyphs import glyph_pixmap
from museaud.ui.theme import current_theme_colors
from museaud.ui.widgets import ElidedLabel, scaled_font

CARD_MAX_WIDTH = 660


@dataclass(frozen=True)
class EmptyState:
    """The words of an empty view: a headline, what will be here, and how to begin."""

    headline: str
    body: str
    features: tuple[str, ...] = ()
    how_to_start: str = ""
    command: str | None = None
    command_hint: str = "Run this in a terminal"
    path: Path | None = None
    """A file to point at: shown shortened in the middle, with a button to open its folder."""
    action_name: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


class View(QWidget):
    """One page of the main window's stack; subclasses set the class attributes."""

    view_name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    subtitle: ClassVar[str] = ""
    glyph: ClassVar[str] = "library"

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName(f"{self.view_name}View")
        self.page_layout = QVBoxLayout(self)
        self.page_layout.setContentsMargins(0, 0, 0, 0)
        self.page_layout.setSpacing(0)
        self.page_layout.addWidget(self._build_header())

    def _build_header(self) -> QWidget:
        header = QWidget(self)
        header.setObjectName("viewHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(header)
        layout.setContentsMargins(28, 18, 28, 14)
        layout.setSpacing(2)
        title = QLabel(self.title, header)
        title.setObjectName("viewTitle")
        title.setFont(scaled_font(title, 1.55, QFont.Weight.DemiBold))
        subtitle = QLabel(self.subtitle, header)
        subtitle.setObjectName("viewSubtitle")
        subtitle.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        return header

    def bind_action(self, action_name: str, action: QAction) -> None:
        """Let the view offer a window action (e.g. 'import_folder'); ignored if it has no use."""

    def apply_preferences(self, preferences: Preferences) -> None:
        """Take changed preferences into account (most views need none)."""

    def refresh_theme(self) -> None:
        """Repaint anything drawn in theme colours (glyphs)."""


class EmptyStateView(View):
    """A view that, for now, shows only its empty state."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self._action: QAction | None = None
        self.state = self.empty_state()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        canvas = QWidget(scroll)
        canvas.setObjectName("emptyCanvas")
        outer = QVBoxLayout(canvas)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(2)
        row = QHBoxLayout()
        row.addStretch(1)
        self.card = self._build_card(canvas)
        row.addWidget(self.card, 100)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)
        scroll.setWidget(canvas)
        self.empty_page = scroll  # a view with content swaps this page for its own
        self.page_layout.addWidget(scroll)
        self.refresh_theme()

    def empty_state(self) -> EmptyState:
        """The words to show; subclasses override."""
        raise NotImplementedError

    def _build_card(self, parent: QWidget) -> QFrame:
        card = QFrame(parent)
        card.setObjectName("emptyCard")
        card.setMaximumWidth(CARD_MAX_WIDTH)
        card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(36, 32, 36, 32)
        layout.setSpacing(0)

        self.glyph_label = QLabel(card)
        self.glyph_label.setObjectName("emptyGlyph")
        self.glyph_label.setFixedSize(60, 60)
        self.glyph_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.glyph_label)
        layout.addSpacing(18)

        self.headline_label = QLabel(self.state.headline, card)
        self.headline_label.setObjectName("emptyTitle")
        self.headline_label.setFont(scaled_font(self.headline_label, 1.45, QFont.Weight.DemiBold))
        self.headline_label.setWordWrap(True)
        layout.addWidget(self.headline_label)
        layout.addSpacing(8)

        self.body_label = self._wrapped(card, self.state.body, "emptyBody")
        layout.addWidget(self.body_label)

        if self.state.features:
            layout.addSpacing(22)
            layout.addWidget(self._section(card, "What you'll find here"))
            layout.addSpacing(8)
            for feature in self.state.features:
                layout.addLayout(self._feature_row(card, feature))
                layout.addSpacing(6)

        layout.addSpacing(18)
        layout.addWidget(self._section(card, "How to start"))
        layout.addSpacing(8)
        self.start_label = self._wrapped(card, self.state.how_to_start, "emptyFeature")
        self.start_label.setVisible(bool(self.state.how_to_start))
        layout.addWidget(self.start_label)
        if self.state.command:
            layout.addSpacing(10)
            chip = QLabel(self.state.command, card)
            chip.setObjectName("commandChip")
            chip.setFont(_monospace(chip))
            chip.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            chip.setToolTip(self.state.command_hint)
            chip_row = QHBoxLayout()
            chip_row.addWidget(chip)
            chip_row.addStretch(1)
            layout.addLayout(chip_row)
        if self.state.path is not None:
            layout.addSpacing(10)
            layout.addLayout(self._path_row(card, self.state.path))
        for note in self.state.notes:
            layout.addSpacing(8)
            layout.addWidget(self._wrapped(card, note, "emptyBody"))

        self.action_row = QWidget(card)
        self.action_row.setVisible(False)
        self.action_button = QPushButton(self.action_row)
        self.action_button.setObjectName("primaryButton")
        self.action_button.setCursor(Qt.CursorShape.PointingHandCursor)
        button_row = QHBoxLayout(self.action_row)
        button_row.setContentsMargins(0, 22, 0, 0)
        button_row.addWidget(self.action_button)
        button_row.addStretch(1)
        layout.addWidget(self.action_row)
        return card

    @staticmethod
    def _wrapped(parent: QWidget, text: str, object_name: str) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(object_name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        set_paragraph(label, text)
        return label

    @staticmethod
    def _section(parent: QWidget, text: str) -> QLabel:
        label = QLabel(text.upper(), parent)
        label.setObjectName("emptySection")
        font = scaled_font(label, 0.82, QFont.Weight.DemiBold)
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
        label.setFont(font)
        return label

    def _feature_row(self, parent: QWidget, text: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(10)
        bullet = QLabel("●", parent)
        bullet.setObjectName("emptyBullet")
        bullet.setFont(scaled_font(bullet, 0.6))
        bullet.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        bullet.setContentsMargins(0, 4, 0, 0)
        bullet.setFixedWidth(12)
        row.addWidget(bullet)
        row.addWidget(self._wrapped(parent, text, "emptyFeature"), 1)
        return row

    @staticmethod
    def _path_row(parent: QWidget, path: Path) -> QHBoxLayout:
        chip = ElidedLabel(str(path), parent, Qt.TextElideMode.ElideMiddle)
        chip.setObjectName("commandChip")
        chip.setFont(_monospace(chip))
        chip.setToolTip(str(path))
        open_button = QPushButton("Show Folder", parent)
        open_button.setToolTip(f"Open {path.parent} in the file manager")
        open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
        )
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(chip, 1)
        row.addWidget(open_button)
        return row

    def bind_action(self, action_name: str, action: QAction) -> None:
        """Show the button for the state's action, mirroring its text, tooltip and enabled state."""
        if action_name != self.state.action_name:
            return
        self._action = action
        self.action_button.clicked.connect(action.trigger)
        action.changed.connect(self._sync_action_button)
        self._sync_action_button()

    def _sync_action_button(self) -> None:
        action = self._action
        if action is None:
            return
        self.action_button.setText(action.text().replace("&", ""))
        self.action_button.setEnabled(action.isEnabled())
        self.action_button.setToolTip(action.toolTip())
        self.action_row.setVisible(True)

    def refresh_theme(self) -> None:
        """Repaint the glyph and bullets in the current theme's accent."""
        colors = current_theme_colors()
        self.glyph_label.setPixmap(glyph_pixmap(self.glyph, 32, colors.accent))
        for bullet in self.card.findChildren(QLabel, "emptyBullet"):
            bullet.setStyleSheet(f"color: {colors.accent};")


def set_paragraph(label: QLabel, text: str) -> None:
    """Give label text as a paragraph with comfortable line spacing (text is not markup)."""
    label.setText(f"<p style='line-height: 135%; margin: 0'>{html.escape(text)}</p>")


def _monospace(widget: QWidget) -> QFont:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setPointSizeF(widget.font().pointSizeF())
    return font
