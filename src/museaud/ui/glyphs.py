"""Line glyphs painted with QPainter, so the UI needs no image files and follows the theme colours.

Each glyph is drawn on a 24 x 24 grid and scaled; pixmaps are made at twice the size for HiDPI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QIcon,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)

_GRID = 24.0


def _library(painter: QPainter) -> None:
    """A record: outer edge, a groove and the label."""
    painter.drawEllipse(QPointF(12, 12), 9, 9)
    painter.drawArc(QRectF(6, 6, 12, 12), 30 * 16, 100 * 16)
    painter.drawArc(QRectF(6, 6, 12, 12), 210 * 16, 100 * 16)
    painter.drawEllipse(QPointF(12, 12), 2.2, 2.2)


def _playlists(painter: QPainter) -> None:
    """Three list lines and a note."""
    painter.drawLine(QPointF(3, 6), QPointF(15, 6))
    painter.drawLine(QPointF(3, 11), QPointF(15, 11))
    painter.drawLine(QPointF(3, 16), QPointF(10, 16))
    painter.drawLine(QPointF(19, 19), QPointF(19, 8))
    painter.drawLine(QPointF(19, 8), QPointF(22, 9.5))
    with _filled(painter):
        painter.drawEllipse(QPointF(16.8, 19.2), 2.4, 1.9)


def _beat_machine(painter: QPainter) -> None:
    """A 3 x 3 grid of pads with a pattern lit."""
    lit = {(0, 0), (0, 2), (1, 1), (2, 1)}
    color = painter.pen().color()
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(color))
    for row in range(3):
        for column in range(3):
            painter.setOpacity(1.0 if (row, column) in lit else 0.35)
            painter.drawRoundedRect(QRectF(2.2 + column * 7.2, 2.2 + row * 7.2, 5.2, 5.2), 1.2, 1.2)
    painter.restore()


def _songs(painter: QPainter) -> None:
    """A microphone on a stand."""
    painter.drawRoundedRect(QRectF(9, 2.5, 6, 11), 3, 3)
    painter.drawArc(QRectF(5.5, 6, 13, 11.5), 200 * 16, 140 * 16)
    painter.drawLine(QPointF(12, 17.5), QPointF(12, 21))
    painter.drawLine(QPointF(8.5, 21), QPointF(15.5, 21))


def _analytics(painter: QPainter) -> None:
    """Bars of a chart over a baseline."""
    painter.drawLine(QPointF(3, 21), QPointF(21, 21))
    for left, top in ((4.5, 13), (9, 8), (13.5, 15), (18, 4)):
        with _filled(painter):
            painter.drawRoundedRect(QRectF(left, top, 2.6, 21 - top - 2), 0.6, 0.6)


def _account(painter: QPainter) -> None:
    """A person with a sync arrow."""
    painter.drawEllipse(QPointF(10, 8), 3.6, 3.6)
    painter.drawArc(QRectF(3, 14, 14, 12), 20 * 16, 140 * 16)
    painter.drawArc(QRectF(15, 12, 7, 7), 90 * 16, 270 * 16)
    painter.drawLine(QPointF(18.5, 12), QPointF(20.2, 10.6))
    painter.drawLine(QPointF(18.5, 12), QPointF(20.2, 13.4))


def _warning(painter: QPainter) -> None:
    """A triangle with an exclamation mark."""
    path = QPainterPath()
    path.moveTo(12, 3)
    path.lineTo(22, 20.5)
    path.lineTo(2, 20.5)
    path.closeSubpath()
    painter.drawPath(path)
    painter.drawLine(QPointF(12, 9), QPointF(12, 14))
    painter.drawPoint(QPointF(12, 17.5))


def _speaker(painter: QPainter) -> None:
    """A loudspeaker with two waves."""
    path = QPainterPath()
    path.moveTo(3, 9)
    path.lineTo(7, 9)
    path.lineTo(12, 4.5)
    path.lineTo(12, 19.5)
    path.lineTo(7, 15)
    path.lineTo(3, 15)
    path.closeSubpath()
    painter.drawPath(path)
    painter.drawArc(QRectF(10, 8, 6, 8), -60 * 16, 120 * 16)
    painter.drawArc(QRectF(10, 4.5, 10.5, 15), -60 * 16, 120 * 16)


def _midi(painter: QPainter) -> None:
    """A five-pin DIN socket."""
    painter.drawEllipse(QPointF(12, 12), 9, 9)
    for x, y in ((7, 12), (17, 12), (8.5, 8.2), (15.5, 8.2), (12, 6.8)):
        with _filled(painter):
            painter.drawEllipse(QPointF(x, y), 0.9, 0.9)
    painter.drawLine(QPointF(10.5, 18.5), QPointF(13.5, 18.5))


def _database(painter: QPainter) -> None:
    """A cylinder: the store file."""
    painter.drawEllipse(QRectF(5, 3, 14, 5))
    painter.drawLine(QPointF(5, 5.5), QPointF(5, 18.5))
    painter.drawLine(QPointF(19, 5.5), QPointF(19, 18.5))
    painter.drawArc(QRectF(5, 16, 14, 5), 180 * 16, 180 * 16)
    painter.drawArc(QRectF(5, 10, 14, 5), 180 * 16, 180 * 16)


def _dice(painter: QPainter) -> None:
    """A die showing five: a rounded square with five pips (a random seed)."""
    painter.drawRoundedRect(QRectF(3.5, 3.5, 17, 17), 3.5, 3.5)
    for x, y in ((8, 8), (16, 8), (12, 12), (8, 16), (16, 16)):
        with _filled(painter):
            painter.drawEllipse(QPointF(x, y), 1.1, 1.1)


def _play(painter: QPainter) -> None:
    """A right-pointing triangle, filled."""
    path = QPainterPath()
    path.moveTo(7, 4.5)
    path.lineTo(19.5, 12)
    path.lineTo(7, 19.5)
    path.closeSubpath()
    with _filled(painter):
        painter.drawPath(path)


def _stop(painter: QPainter) -> None:
    """A filled square."""
    with _filled(painter):
        painter.drawRoundedRect(QRectF(6, 6, 12, 12), 1.5, 1.5)


def _pause(painter: QPainter) -> None:
    """Two upright bars, filled."""
    with _filled(painter):
        painter.drawRoundedRect(QRectF(6.5, 5, 4, 14), 1, 1)
        painter.drawRoundedRect(QRectF(13.5, 5, 4, 14), 1, 1)


def _skip(painter: QPainter, *, forward: bool) -> None:
    """A triangle against a bar: to the next track (forward) or the previous one."""
    if not forward:
        painter.translate(24, 0)
        painter.scale(-1, 1)
    path = QPainterPath()
    path.moveTo(5.5, 5.5)
    path.lineTo(15.5, 12)
    path.lineTo(5.5, 18.5)
    path.closeSubpath()
    with _filled(painter):
        painter.drawPath(path)
        painter.drawRoundedRect(QRectF(16, 5.5, 2.5, 13), 1, 1)


def _loop(painter: QPainter) -> None:
    """Two arrows chasing each other round a rounded rectangle."""
    painter.drawArc(QRectF(3, 6, 8, 12), 90 * 16, 180 * 16)
    painter.drawArc(QRectF(13, 6, 8, 12), -90 * 16, 180 * 16)
    painter.drawLine(QPointF(7, 6), QPointF(15, 6))
    painter.drawLine(QPointF(9, 18), QPointF(17, 18))
    painter.drawLine(QPointF(15, 6), QPointF(12.5, 3.5))
    painter.drawLine(QPointF(9, 18), QPointF(11.5, 20.5))


def _metronome(painter: QPainter) -> None:
    """A metronome: a tapered case with a swinging arm."""
    path = QPainterPath()
    path.moveTo(9.5, 3)
    path.lineTo(14.5, 3)
    path.lineTo(19, 21)
    path.lineTo(5, 21)
    path.closeSubpath()
    painter.drawPath(path)
    painter.drawLine(QPointF(6.5, 16), QPointF(17.5, 16))
    painter.drawLine(QPointF(12, 16), QPointF(17.5, 6.5))


def _refresh(painter: QPainter) -> None:
    """A circular arrow: look again."""
    painter.drawArc(QRectF(4, 4, 16, 16), 60 * 16, 290 * 16)
    painter.drawLine(QPointF(16, 5.1), QPointF(19.5, 4))
    painter.drawLine(QPointF(16, 5.1), QPointF(17, 8.8))


def _panic(painter: QPainter) -> None:
    """An octagon with a bar: stop every sound."""
    path = QPainterPath()
    corners = (8.3, 15.7)
    points = [(a, 3.0) for a in corners] + [(21.0, a) for a in corners]
    points += [(a, 21.0) for a in reversed(corners)] + [(3.0, a) for a in reversed(corners)]
    path.moveTo(*points[0])
    for x, y in points[1:]:
        path.lineTo(x, y)
    path.closeSubpath()
    painter.drawPath(path)
    painter.drawLine(QPointF(8, 12), QPointF(16, 12))


@contextmanager
def _filled(painter: QPainter) -> Iterator[None]:
    """Within the block, shapes are filled with the pen colour."""
    painter.save()
    painter.setBrush(QBrush(painter.pen().color()))
    try:
        yield
    finally:
        painter.restore()


GLYPHS: dict[str, Callable[[QPainter], None]] = {
    "library": _library,
    "playlists": _playlists,
    "beat_machine": _beat_machine,
    "songs": _songs,
    "analytics": _analytics,
    "account": _account,
    "warning": _warning,
    "speaker": _speaker,
    "midi": _midi,
    "database": _database,
    "dice": _dice,
    "play": _play,
    "stop": _stop,
    "pause": _pause,
    "next": lambda painter: _skip(painter, forward=True),
    "previous": lambda painter: _skip(painter, forward=False),
    "loop": _loop,
    "metronome": _metronome,
    "refresh": _refresh,
    "panic": _panic,
}


def glyph_pixmap(name: str, size: int, color: QColor | str, pixel_ratio: float = 2.0) -> QPixmap:
    """The glyph called name, size logical pixels square, stroked in color."""
    pixmap = QPixmap(round(size * pixel_ratio), round(size * pixel_ratio))
    pixmap.setDevicePixelRatio(pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size / _GRID, size / _GRID)
        pen = QPen(QColor(color), 1.7)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        GLYPHS[name](painter)
    finally:
        painter.end()
    return pixmap


def glyph_icon(name: str, color: QColor | str, selected_color: QColor | str | None = None) -> QIcon:
    """An icon of the glyph in the usual sizes; selected_color is used in the Selected mode."""
    icon = QIcon()
    for size in (16, 20, 24, 32, 48):
        icon.addPixmap(glyph_pixmap(name, size, color), QIcon.Mode.Normal)
        if selected_color is not None:
            icon.addPixmap(glyph_pixmap(name, size, selected_color), QIcon.Mode.Selected)
    return icon


def app_icon() -> QIcon:
    """museaud's window icon: a rounded orange tile with a white waveform."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(size / _GRID, size / _GRID)
            gradient = QLinearGradient(0, 0, 0, _GRID)
            gradient.setColorAt(0.0, QColor("#f7a04f"))
            gradient.setColorAt(1.0, QColor("#d9531e"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(gradient))
            painter.drawRoundedRect(QRectF(1, 1, 22, 22), 5, 5)
            pen = QPen(QColor("#ffffff"), 2.0)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            for x, half in ((6, 2.0), (9, 5.0), (12, 7.5), (15, 4.0), (18, 2.5)):
                painter.drawLine(QPointF(x, 12 - half), QPointF(x, 12 + half))
        finally:
            painter.end()
        icon.addPixmap(pixmap)
    return icon
