"""The waveform overview of one track, with its beat grid and sections drawn over it.

The overview comes as 2 x N values in -1..1 (row 0 the minimum, row 1 the maximum of each
slice, as museaud.library.detail decodes it), folded to one column per pixel. Sections are
tinted bands with their names in a strip along the top; beats are thin lines, every fourth (a
bar) stronger, and only the bars are drawn when beats would crowd closer than a few pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from museaud.library.lengths import format_length
from museaud.ui.theme import current_theme_colors

SECTION_STRIP = 18
TIME_STRIP = 16
MIN_BEAT_GAP_PX = 4.0
MIN_PEAK = 0.05
"""Quieter overviews are not blown up further (near-silence stays flat)."""
BEATS_PER_BAR = 4
SECTION_HUES = {
    "intro": 200,
    "verse": 140,
    "pre-chorus": 90,
    "chorus": 25,
    "post-chorus": 45,
    "bridge": 280,
    "breakdown": 250,
    "drop": 0,
    "instrumental": 170,
    "outro": 215,
}


@dataclass(frozen=True)
class SectionBand:
    """A stretch of the track to tint: its type (intro, chorus ...), times and a label."""

    kind: str
    start_s: float
    end_s: float
    label: str | None = None

    @property
    def name(self) -> str:
        """The label if the user gave one, else the type ('Chorus')."""
        return self.label or self.kind.replace("-", " ").capitalize()


def fold_waveform(waveform: npt.NDArray[np.floating[Any]], columns: int) -> npt.NDArray[np.float64]:
    """The overview folded to `columns` (min, max) pairs in -1..1, shape (2, columns)."""
    lows = waveform[0].astype(np.float64)
    highs = waveform[1].astype(np.float64)
    slices = lows.size
    if slices == 0 or columns <= 0:
        return np.zeros((2, 0))
    edges = np.minimum((np.arange(columns) * slices) // columns, slices - 1)
    if columns <= slices:
        return np.vstack((np.minimum.reduceat(lows, edges), np.maximum.reduceat(highs, edges)))
    return np.vstack((lows[edges], highs[edges]))  # wider than the overview: repeat slices


class WaveformView(QWidget):
    """Paints one track's overview, sections and beat grid; empty until `show_track`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._waveform: npt.NDArray[np.floating[Any]] | None = None
        self._beats: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self._sections: tuple[SectionBand, ...] = ()
        self._duration_s = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(120)
        self.setAccessibleName("Waveform overview")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(560, 132)

    def show_track(
        self,
        waveform: npt.NDArray[np.floating[Any]] | None,
        beats: npt.NDArray[np.float32] | None,
        sections: Sequence[SectionBand],
        duration_s: float | None,
    ) -> None:
        """Draw this track (waveform None or empty: not analysed yet)."""
        if waveform is not None and (waveform.ndim != 2 or waveform.shape[0] != 2):
            raise ValueError(f"a waveform overview has 2 rows, this one has shape {waveform.shape}")
        self._waveform = waveform if waveform is not None and waveform.shape[1] else None
        self._beats = np.zeros(0, np.float32) if beats is None else np.asarray(beats, np.float32)
        self._sections = tuple(sections)
        self._duration_s = float(duration_s or 0.0)
        self.update()

    def clear(self) -> None:
        """Show nothing (no track chosen)."""
        self.show_track(None, None, (), None)

    def beat_lines(self, width: float) -> tuple[list[float], list[float]]:
        """x positions of (beats, bars) to draw across width; beats are left out when crowded."""
        if self._duration_s <= 0 or self._beats.size == 0:
            return [], []
        xs = self._beats.astype(np.float64) / self._duration_s * width
        bars = xs[::BEATS_PER_BAR]
        gaps = np.diff(xs)
        beat_gap = float(np.median(gaps)) if gaps.size else width
        beats = xs[:0] if beat_gap < MIN_BEAT_GAP_PX else np.delete(xs, np.s_[::BEATS_PER_BAR])
        if beat_gap * BEATS_PER_BAR < MIN_BEAT_GAP_PX:
            bars = bars[:: int(np.ceil(MIN_BEAT_GAP_PX / (beat_gap * BEATS_PER_BAR)))]
        return [float(x) for x in beats], [float(x) for x in bars]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        colors = current_theme_colors()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.setPen(QPen(QColor(colors.border), 1))
            painter.setBrush(QColor(colors.base))
            painter.drawRoundedRect(frame, 6, 6)
            wave = frame.adjusted(1, SECTION_STRIP, -1, -TIME_STRIP)
            if self._waveform is None or self._duration_s <= 0:
                painter.setPen(QColor(colors.muted_text))
                painter.drawText(
                    frame, Qt.AlignmentFlag.AlignCenter, "No waveform yet: analyse the track"
                )
                return
            self._paint_sections(painter, frame, wave)
            self._paint_beats(painter, wave)
            self._paint_wave(painter, wave)
            self._paint_times(painter, frame, wave)
        finally:
            painter.end()

    def _x(self, seconds: float, area: QRectF) -> float:
        return area.left() + seconds / self._duration_s * area.width()

    def _paint_sections(self, painter: QPainter, frame: QRectF, wave: QRectF) -> None:
        colors = current_theme_colors()
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.82, 6.5))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        for band in self._sections:
            left = self._x(max(band.start_s, 0.0), wave)
            right = self._x(min(band.end_s, self._duration_s), wave)
            if right <= left:
                continue
            hue = SECTION_HUES.get(band.kind, 0)
            tint = QColor.fromHsv(hue, 90, 255 if not colors.is_dark else 140, 46)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tint)
            painter.drawRect(QRectF(left, wave.top(), right - left, wave.height()))
            label_tint = QColor.fromHsv(hue, 120, 230 if not colors.is_dark else 150, 150)
            strip = QRectF(left + 1, frame.top() + 2, right - left - 2, SECTION_STRIP - 4)
            painter.setBrush(label_tint)
            painter.drawRoundedRect(strip, 3, 3)
            painter.setPen(QColor(colors.text))
            text = metrics.elidedText(
                band.name, Qt.TextElideMode.ElideRight, int(strip.width()) - 6
            )
            if len(text) > 1:  # not just the ellipsis
                painter.drawText(
                    strip.adjusted(4, 0, -2, 0),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    text,
                )

    def _paint_beats(self, painter: QPainter, wave: QRectF) -> None:
        colors = current_theme_colors()
        beats, bars = self.beat_lines(wave.width())
        beat_colour = QColor(colors.muted_text)
        beat_colour.setAlpha(45)
        bar_colour = QColor(colors.muted_text)
        bar_colour.setAlpha(110)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for xs, colour in ((beats, beat_colour), (bars, bar_colour)):
            painter.setPen(QPen(colour, 1))
            for x in xs:
                painter.drawLine(
                    QPointF(wave.left() + x, wave.top()), QPointF(wave.left() + x, wave.bottom())
                )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def _paint_wave(self, painter: QPainter, wave: QRectF) -> None:
        assert self._waveform is not None
        colors = current_theme_colors()
        columns = max(int(wave.width()), 1)
        folded = fold_waveform(self._waveform, columns)
        middle = wave.center().y()
        peak = max(float(np.abs(folded).max()) if folded.size else 0.0, MIN_PEAK)
        half = (wave.height() / 2 - 2) / peak  # drawn to the track's own peak, as DJ apps do
        xs = wave.left() + np.arange(folded.shape[1]) + 0.5
        top = [QPointF(x, middle - high * half) for x, high in zip(xs, folded[1], strict=True)]
        bottom = [QPointF(x, middle - low * half) for x, low in zip(xs, folded[0], strict=True)]
        polygon = QPolygonF(top + bottom[::-1])
        fill = QColor(colors.accent)
        fill.setAlpha(210)
        painter.setPen(QPen(QColor(colors.accent), 0.8))
        painter.setBrush(fill)
        painter.drawPolygon(polygon)

    def _paint_times(self, painter: QPainter, frame: QRectF, wave: QRectF) -> None:
        colors = current_theme_colors()
        painter.setPen(QColor(colors.muted_text))
        metrics = painter.fontMetrics()
        step = _time_step(self._duration_s, wave.width(), metrics.horizontalAdvance("00:00") + 24)
        strip_top = wave.bottom() + 1
        seconds = step
        while seconds < self._duration_s:
            x = self._x(seconds, wave)
            painter.drawLine(QPointF(x, strip_top), QPointF(x, strip_top + 3))
            text = format_length(seconds)
            rect = QRectF(x - 30, strip_top + 1, 60, frame.bottom() - strip_top - 1)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            seconds += step


def _time_step(duration_s: float, width: float, label_px: float) -> float:
    """Seconds between time labels: a round step leaving room for each label."""
    for step in (5, 10, 15, 30, 60, 120, 300, 600, 1800):
        if duration_s / step * label_px <= width:
            return float(step)
    return 3600.0
