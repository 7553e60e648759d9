"""One chart of the Analytics view: a question as its title, a pyqtgraph plot that answers it
(hover for values, save as PNG or SVG), and words on how to fill it while it is empty."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedLayout,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from museaud.ui.theme import ThemeColors
from museaud.ui.widgets import scaled_font

SERIES = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")
"""Series colours that read on light and dark backgrounds alike (Tableau 10)."""

Hover = Callable[[float, float], str | None]


class Chart(QFrame):
    """A titled plot, or the empty-state words in its place."""

    def __init__(self, name: str, question: str, empty_hint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.question = question
        self.empty_hint = empty_hint
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        top = QHBoxLayout()
        self.title = QLabel(question, self)
        self.title.setObjectName("chartTitle")
        self.title.setFont(scaled_font(self.title, 1.05, QFont.Weight.DemiBold))
        self.title.setWordWrap(True)
        top.addWidget(self.title, 1)
        save = QToolButton(self)
        save.setText("Save…")
        save.setToolTip("Save this chart as a PNG or SVG picture")
        save.clicked.connect(self._ask_where_to_save)
        top.addWidget(save)
        layout.addLayout(top)
        self.pages = QStackedLayout()
        self.plot_widget = pg.PlotWidget(self)
        self.plot_widget.setMinimumHeight(200)
        self.plot_widget.setMenuEnabled(False)
        self.plot_widget.scene().sigMouseMoved.connect(self._mouse_moved)
        self.empty = QLabel(empty_hint, self)
        self.empty.setObjectName("chartEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumHeight(200)
        self.pages.addWidget(self.plot_widget)
        self.pages.addWidget(self.empty)
        layout.addLayout(self.pages)
        self.hover: Hover | None = None
        self.is_empty = True
        self.pages.setCurrentWidget(self.empty)

    @property
    def plot(self) -> pg.PlotItem:
        """The plot item to draw on."""
        return self.plot_widget.getPlotItem()

    def start(self, *, has_data: bool) -> pg.PlotItem | None:
        """Clear the chart; the plot to draw on when has_data, else the empty state shows."""
        self.plot.clear()
        self.hover = None
        self.is_empty = not has_data
        self.pages.setCurrentWidget(self.plot_widget if has_data else self.empty)
        return self.plot if has_data else None

    def apply_theme(self, colors: ThemeColors) -> None:
        """Draw the plot in the theme's colours."""
        self.plot_widget.setBackground(colors.base)
        for side in ("left", "bottom", "right"):
            axis = self.plot.getAxis(side)
            axis.setPen(pg.mkPen(colors.border))
            axis.setTextPen(pg.mkPen(colors.muted_text))
        self.empty.setStyleSheet(f"color: {colors.muted_text}; padding: 24px;")

    def save(self, path: Path) -> None:
        """Write the chart (title included) to path: .svg as vectors, anything else as PNG."""
        if path.suffix.lower() == ".svg":
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(self.size())
            generator.setViewBox(QRectF(0, 0, self.width(), self.height()))
            generator.setTitle(self.question)
            painter = QPainter(generator)
            self.render(painter, QPoint())
            painter.end()
        elif not self.grab().save(str(path)):
            raise OSError(f"could not write {path}")

    def _ask_where_to_save(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save chart", f"{self.objectName()}.png", "Pictures (*.png *.svg)"
        )
        if name:
            self.save(Path(name))

    def _mouse_moved(self, position: QPointF) -> None:
        if self.hover is None or not self.plot.sceneBoundingRect().contains(position):
            return
        point = self.plot.vb.mapSceneToView(position)
        text = self.hover(point.x(), point.y())
        if text:
            QToolTip.showText(QCursor.pos(), text, self.plot_widget)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(520, 280)


def bars(
    plot: pg.PlotItem,
    labels: Sequence[str],
    values: Sequence[float],
    color: str,
    *,
    horizontal: bool = False,
    offset: float = 0.0,
    width: float = 0.8,
    name: str | None = None,
) -> None:
    """Bars at 0, 1, 2 … labelled with labels; horizontal ones list the first at the top."""
    positions = [index + offset for index in range(len(values))]
    brush = pg.mkBrush(color)
    if horizontal:
        ys = [len(values) - 1 - p for p in positions]
        item = pg.BarGraphItem(x0=0, y=ys, height=width, width=list(values), brush=brush)
        ticks = [(len(values) - 1 - i, label) for i, label in enumerate(labels)]
        plot.getAxis("left").setTicks([ticks])
    else:
        item = pg.BarGraphItem(x=positions, height=list(values), width=width, brush=brush)
        plot.getAxis("bottom").setTicks([list(enumerate(labels))])
    item.setOpts(pen=pg.mkPen(None))
    if name:
        item.setObjectName(name)
    plot.addItem(item)


def legend(plot: pg.PlotItem, colors: ThemeColors, entries: Sequence[tuple[str, str]]) -> None:
    """A legend of (colour, name) entries at the top left."""
    box = plot.addLegend(offset=(8, 4), labelTextColor=colors.text)
    for color, name in entries:
        box.addItem(pg.BarGraphItem(x=[0], height=[0], width=0, brush=pg.mkBrush(color)), name)


def heat_colormap(colors: ThemeColors) -> pg.ColorMap:
    """From the background (no plays) to the accent colour (the most)."""
    low, high = QColor(colors.base), QColor(colors.accent)
    return pg.ColorMap([0.0, 1.0], [low, high])
