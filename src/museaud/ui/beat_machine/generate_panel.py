"""The generate panel: engine, style, the four knobs, a seed, Generate, and the verdict on the
result (stars, Keep, Discard) that steers later generations.

The panel only collects choices and shows results; the view hands them to a
`museaud.patterns.generation.GenerationSession`, which turns them into feedback.
"""

from __future__ import annotations

import math
import random

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from museaud.patterns.generators import ENGINES, STYLES, GenerationRequest
from museaud.patterns.generators.common import style_key
from museaud.patterns.model import BeatPattern
from museaud.ui.glyphs import glyph_icon
from museaud.ui.theme import current_theme_colors
from museaud.ui.widgets import scaled_font

SEED_LIMIT = 2**31 - 1
"""The largest seed the spin box offers (the generators take any 63-bit seed)."""
ENGINE_LABELS = {"drums": "Drums", "bass": "Bass line", "chords": "Chords", "melody": "Melody"}
KNOBS = (
    ("complexity", "Complexity", 100, "Fills, extensions and leaps"),
    ("density", "Density", 100, "How many notes"),
    ("swing", "Swing", 75, "Delays the off-beats (0-0.75)"),
    ("humanize", "Humanize", 100, "Varies the velocities as a player would"),
)
KNOB_DEFAULTS = {"complexity": 0.5, "density": 0.5, "swing": 0.0, "humanize": 0.3}


def _star_path(center: QPointF, outer: float) -> QPainterPath:
    """A five-pointed star."""
    inner = outer * 0.45
    path = QPainterPath()
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = -math.pi / 2 + index * math.pi / 5
        point = QPointF(
            center.x() + radius * math.cos(angle), center.y() + radius * math.sin(angle)
        )
        if index == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    path.closeSubpath()
    return path


class StarRating(QWidget):
    """One to five stars; clicking the lit last star again clears the rating."""

    rating_changed = Signal(int)
    STAR = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rating = 0
        self._hover = 0
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFixedSize(QSize(self.STAR * 5 + 4, self.STAR + 4))
        self.setAccessibleName("Rating")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def rating(self) -> int:
        """The rating, 1-5, or 0 for none."""
        return self._rating

    def set_rating(self, rating: int) -> None:
        """Light rating stars (0 clears)."""
        rating = max(0, min(5, rating))
        if rating != self._rating:
            self._rating = rating
            self.setToolTip(f"Rated {rating} of 5" if rating else "Not rated")
            self.rating_changed.emit(rating)
            self.update()

    def _star_at(self, x: float) -> int:
        return max(1, min(5, int((x - 2) // self.STAR) + 1))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Rate by the clicked star."""
        if not self.isEnabled():
            return
        star = self._star_at(event.position().x())
        self.set_rating(0 if star == self._rating else star)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Preview the rating under the mouse."""
        self._hover = self._star_at(event.position().x())
        self.update()

    def leaveEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Stop previewing."""
        self._hover = 0
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Left/Right and the digits 0-5 rate from the keyboard."""
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Up):
            self.set_rating(self._rating + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Down):
            self.set_rating(self._rating - 1)
        elif Qt.Key.Key_0 <= key <= Qt.Key.Key_5:
            self.set_rating(key - Qt.Key.Key_0)
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Lit stars in the accent colour, the rest outlined."""
        colors = current_theme_colors()
        lit = self._hover if self._hover and self.isEnabled() else self._rating
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for index in range(5):
                center = QPointF(2 + self.STAR * index + self.STAR / 2, 2 + self.STAR / 2)
                path = _star_path(center, self.STAR * 0.42)
                on = index < lit
                if not self.isEnabled():
                    colour = QColor(colors.disabled_text)
                elif on:
                    colour = QColor(colors.accent)
                else:
                    colour = QColor(colors.muted_text)
                painter.setPen(QPen(colour, 1.3))
                painter.setBrush(colour if on else Qt.BrushStyle.NoBrush)
                painter.drawPath(path)
        finally:
            painter.end()


class GeneratePanel(QFrame):
    """Choose an engine, a style and the knobs; Generate; then rate, Keep or Discard."""

    generate_requested = Signal()
    verdict_given = Signal(object, str)
    """(rating 1-5 or None, action 'kept' or 'discarded')."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("beatPanel")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(panel_title("Generate", self))

        self.engine_combo = QComboBox(self)
        for engine in ENGINES:
            self.engine_combo.addItem(ENGINE_LABELS.get(engine, engine), engine)
        self.engine_combo.setToolTip("Which part to make: drums, a bass line, chords or a melody")
        self.style_combo = QComboBox(self)
        for style in STYLES.values():
            self.style_combo.addItem(style.title, style.name)
        self.style_combo.setToolTip("The style the part is played in")

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.addWidget(caption("Engine", self), 0, 0)
        grid.addWidget(self.engine_combo, 0, 1, 1, 2)
        grid.addWidget(caption("Style", self), 0, 3)
        grid.addWidget(self.style_combo, 0, 4, 1, 2)
        self.sliders: dict[str, QSlider] = {}
        self.values: dict[str, QLabel] = {}
        for index, (name, label, maximum, tip) in enumerate(KNOBS):
            row, column = 1 + index // 2, (index % 2) * 3
            slider = QSlider(Qt.Orientation.Horizontal, self)
            slider.setRange(0, maximum)
            slider.setValue(round(KNOB_DEFAULTS[name] * 100))
            slider.setToolTip(tip)
            slider.setAccessibleName(label)
            value = QLabel(self)
            value.setObjectName("knobValue")
            value.setFixedWidth(34)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            slider.valueChanged.connect(
                lambda number, shown=value: shown.setText(f"{number / 100:.2f}")
            )
            value.setText(f"{slider.value() / 100:.2f}")
            grid.addWidget(caption(label, self), row, column)
            grid.addWidget(slider, row, column + 1)
            grid.addWidget(value, row, column + 2)
            self.sliders[name] = slider
            self.values[name] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(4, 1)

        self.seed_spin = QSpinBox(self)
        self.seed_spin.setRange(0, SEED_LIMIT)
        self.seed_spin.setValue(1)
        self.seed_spin.setToolTip("Seed: the same seed and settings always give the same pattern")
        self.dice_button = QToolButton(self)
        self.dice_button.setToolTip("Roll a new seed")
        self.dice_button.setAccessibleName("Roll a new seed")
        self.dice_button.clicked.connect(self.roll_seed)
        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setObjectName("primaryButton")
        self.generate_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.generate_button.setToolTip(
            "Make a pattern in the key, scale, tempo and length set above"
        )
        self.generate_button.clicked.connect(self.generate_requested)
        seed_row = QHBoxLayout()
        seed_row.setSpacing(6)
        seed_row.addWidget(self.seed_spin, 1)
        seed_row.addWidget(self.dice_button)
        grid.addWidget(caption("Seed", self), 3, 0)
        grid.addLayout(seed_row, 3, 1, 1, 2)
        grid.addWidget(self.generate_button, 3, 4, 1, 2)
        layout.addLayout(grid)

        rule = QFrame(self)
        rule.setObjectName("panelRule")
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Plain)
        layout.addWidget(rule)

        self.result_label = QLabel("Nothing generated yet.", self)
        self.result_label.setObjectName("resultLine")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)

        self.stars = StarRating(self)
        self.keep_button = QPushButton("Keep", self)
        self.keep_button.setToolTip("Keep it: later generations lean towards patterns like it")
        self.keep_button.clicked.connect(lambda: self._verdict("kept"))
        self.discard_button = QPushButton("Discard", self)
        self.discard_button.setToolTip("Discard it: later generations lean away from it")
        self.discard_button.clicked.connect(lambda: self._verdict("discarded"))
        verdict_row = QHBoxLayout()
        verdict_row.setSpacing(8)
        verdict_row.addWidget(caption("Rating", self))
        verdict_row.addWidget(self.stars)
        verdict_row.addStretch(1)
        verdict_row.addWidget(self.keep_button)
        verdict_row.addWidget(self.discard_button)
        layout.addLayout(verdict_row)
        layout.addStretch(1)
        self._awaiting = False
        self._sync_verdict()
        self.refresh_theme()

    # choices ------------------------------------------------------------------------------------

    def knob(self, name: str) -> float:
        """A knob's value (complexity, density, swing, humanize)."""
        return self.sliders[name].value() / 100

    def set_knob(self, name: str, value: float) -> None:
        """Set a knob (value as the generators take it, e.g. swing 0-0.75)."""
        self.sliders[name].setValue(round(value * 100))

    def engine(self) -> str:
        """The chosen engine."""
        return str(self.engine_combo.currentData())

    def set_engine(self, engine: str) -> None:
        """Choose an engine by name."""
        self.engine_combo.setCurrentIndex(self.engine_combo.findData(engine))

    def style_name(self) -> str:
        """The chosen style's name."""
        return str(self.style_combo.currentData())

    def follow_flavor(self, name: str) -> None:
        """Choose the style that plays a flavour (when there is one)."""
        key = style_key(name) if name else ""
        index = self.style_combo.findData(key)
        if index >= 0:
            self.style_combo.setCurrentIndex(index)

    def roll_seed(self) -> None:
        """A new random seed."""
        self.seed_spin.setValue(random.randint(0, SEED_LIMIT))

    def request(self, context: BeatPattern) -> GenerationRequest:
        """The request the panel stands for, in context's key, scale, tempo and length
        (GenerationError says what does not fit)."""
        return GenerationRequest(
            engine=self.engine(),
            style=self.style_name(),
            key_note=context.key_note,
            scale=context.scale,
            bpm=float(context.bpm),
            bars=context.bars,
            complexity=self.knob("complexity"),
            density=self.knob("density"),
            swing=self.knob("swing"),
            humanize=self.knob("humanize"),
            seed=self.seed_spin.value(),
        )

    # results ------------------------------------------------------------------------------------

    def show_result(self, text: str) -> None:
        """Show what was generated and wait for a verdict."""
        self.result_label.setText(text)
        self.stars.set_rating(0)
        self._awaiting = True
        self._sync_verdict()

    def show_verdict(self, text: str) -> None:
        """Say the verdict was recorded; no more verdicts on this result."""
        self.result_label.setText(text)
        self._awaiting = False
        self._sync_verdict()

    def awaiting_verdict(self) -> bool:
        """True while the last generated pattern has no verdict yet."""
        return self._awaiting

    def _verdict(self, action: str) -> None:
        rating = self.stars.rating()
        self.verdict_given.emit(rating or None, action)

    def _sync_verdict(self) -> None:
        for widget in (self.stars, self.keep_button, self.discard_button):
            widget.setEnabled(self._awaiting)

    def refresh_theme(self) -> None:
        """Repaint the dice in the theme's colours."""
        colors = current_theme_colors()
        self.dice_button.setIcon(glyph_icon("dice", colors.text))
        self.stars.update()


def caption(text: str, parent: QWidget) -> QLabel:
    """A field caption in the panels."""
    label = QLabel(text, parent)
    label.setObjectName("fieldCaption")
    return label


def panel_title(text: str, parent: QWidget) -> QLabel:
    """A panel's small-caps title."""
    label = QLabel(text.upper(), parent)
    label.setObjectName("panelTitle")
    font = scaled_font(label, 0.82, QFont.Weight.Bold)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 110)
    label.setFont(font)
    return label
