"""The set curve under the entries table: energy at each position against the arc's target,
and the tempo as a line on its own scale. Hovering names the track at that position."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from museaud.playlists.ordering import SetTrack
from museaud.ui.theme import current_theme_colors

CURVE_HEIGHT = 120
MARGIN = 8
TEMPO_COLOUR = {"light": "#2f6fb0", "dark": "#6aa9e8"}


class SetCurve(QWidget):
    """Energy per position (accent line with dots), the arc's target (dashed), tempo (blue)."""

    position_hovered = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setCurve")
        self.setMouseTracking(True)
        self.setMinimumHeight(CURVE_HEIGHT)
        self.setMaximumHeight(CURVE_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._tracks: tuple[SetTrack, ...] = ()
        self._targets: tuple[float, ...] = ()
        self._arc = "build"
        self.hovered: int | None = None

    def set_curve(self, tracks: Sequence[SetTrack], targets: Sequence[float], arc: str) -> None:
        """Draw these tracks against the arc's targets."""
        self._tracks = tuple(tracks)
        self._targets = tuple(targets)
        self._arc = arc
        self.update()

    def tracks(self) -> tuple[SetTrack, ...]:
        """The tracks drawn, in order."""
        return self._tracks

    def _plot(self) -> QRectF:
        return QRectF(self.rect()).adjusted(MARGIN + 30, MARGIN + 14, -MARGIN - 36, -MARGIN)

    def _x(self, position: int, plot: QRectF) -> float:
        count = len(self._tracks)
        if count <= 1:
            return plot.center().x()
        return plot.left() + plot.width() * position / (count - 1)

    def position_at(self, x: float) -> int | None:
        """The position nearest x (None without tracks)."""
        count = len(self._tracks)
        if not count:
            return None
        plot = self._plot()
        if count == 1:
            return 0
        share = (x - plot.left()) / max(plot.width(), 1.0)
        return max(0, min(count - 1, round(share * (count - 1))))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        colours = current_theme_colors()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), QColor(colours.panel))
        plot = self._plot()
        painter.setPen(QPen(QColor(colours.border), 1))
        painter.drawRect(plot)
        muted = QColor(colours.muted_text)
        painter.setPen(muted)
        painter.drawText(
            QRectF(plot.left(), MARGIN - 2, plot.width(), 14),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"Energy (dots), {self._arc} arc target (dashed), tempo (blue)",
        )
        if not self._tracks:
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No tracks in this playlist")
            painter.end()
            return
        self._draw_scale(painter, plot, muted)
        self._draw_targets(painter, plot, QColor(colours.muted_text))
        self._draw_tempo(painter, plot)
        self._draw_energy(painter, plot, QColor(colours.accent))
        if self.hovered is not None and self.hovered < len(self._tracks):
            x = self._x(self.hovered, plot)
            painter.setPen(QPen(QColor(colours.text), 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.end()

    def _draw_scale(self, painter: QPainter, plot: QRectF, colour: QColor) -> None:
        painter.setPen(colour)
        for value in (0.0, 0.5, 1.0):
            y = plot.bottom() - plot.height() * value
            painter.drawText(
                QRectF(0, y - 7, plot.left() - 4, 14),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value:.1f}",
            )
        tempos = self._tempo_range()
        if tempos is not None:
            painter.setPen(self._tempo_colour())
            for value, y in ((tempos[1], plot.top()), (tempos[0], plot.bottom())):
                painter.drawText(
                    QRectF(plot.right() + 4, y - 7, 40, 14),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    f"{value:.0f}",
                )

    def _energy_y(self, energy: float, plot: QRectF) -> float:
        return plot.bottom() - plot.height() * max(0.0, min(1.0, energy))

    def _draw_targets(self, painter: QPainter, plot: QRectF, colour: QColor) -> None:
        targets = [value for value in self._targets if not math.isnan(value)]
        if len(targets) != len(self._targets) or not targets:
            return
        path = QPainterPath()
        last = max(1, len(targets) - 1)
        for point_number, target in enumerate(targets):
            x = plot.left() + plot.width() * point_number / last
            if len(targets) == 1:
                x = plot.center().x()
            point = QPointF(x, self._energy_y(target, plot))
            if point_number == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        painter.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _tempo_range(self) -> tuple[float, float] | None:
        tempos = [track.bpm for track in self._tracks if track.bpm]
        if not tempos:
            return None
        low, high = min(tempos), max(tempos)
        if high - low < 4:
            low, high = low - 2, high + 2
        return low, high

    def _tempo_colour(self) -> QColor:
        return QColor(TEMPO_COLOUR["dark" if current_theme_colors().is_dark else "light"])

    def _draw_tempo(self, painter: QPainter, plot: QRectF) -> None:
        scale = self._tempo_range()
        if scale is None:
            return
        low, high = scale
        path = QPainterPath()
        started = False
        for position, track in enumerate(self._tracks):
            if not track.bpm:
                started = False
                continue
            y = plot.bottom() - plot.height() * (track.bpm - low) / (high - low)
            point = QPointF(self._x(position, plot), y)
            if started:
                path.lineTo(point)
            else:
                path.moveTo(point)
                started = True
        painter.setPen(QPen(self._tempo_colour(), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _draw_energy(self, painter: QPainter, plot: QRectF, colour: QColor) -> None:
        path = QPainterPath()
        started = False
        points = []
        for position, track in enumerate(self._tracks):
            if track.energy is None:
                started = False
                continue
            point = QPointF(self._x(position, plot), self._energy_y(track.energy, plot))
            points.append(point)
            if started:
                path.lineTo(point)
            else:
                path.moveTo(point)
                started = True
        painter.setPen(QPen(colour, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if len(points) <= plot.width() / 4:  # dots only while they do not run together
            painter.setBrush(colour)
            for point in points:
                painter.drawEllipse(point, 3.0, 3.0)

    def hover_text(self, position: int) -> str:
        """What hovering over a position says."""
        track = self._tracks[position]
        parts = [f"{position + 1}. {track.title}"]
        if track.artist:
            parts[0] += f" — {track.artist}"
        details = []
        if track.bpm:
            details.append(f"{track.bpm:.1f} BPM")
        if track.key is not None:
            details.append(track.key.camelot)
        if track.energy is not None:
            details.append(f"energy {track.energy:.2f}")
        if self._targets:
            point = round(position * (len(self._targets) - 1) / max(1, len(self._tracks) - 1))
            if not math.isnan(self._targets[point]):
                details.append(f"target {self._targets[point]:.2f}")
        if details:
            parts.append(" · ".join(details))
        return "\n".join(parts)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        position = self.position_at(event.position().x())
        if position != self.hovered:
            self.hovered = position
            self.update()
            if position is not None:
                self.position_hovered.emit(position)
        if position is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.hover_text(position), self)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self.hovered = None
        self.update()
