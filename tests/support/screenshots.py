"""Screenshots for people to look at (build/screenshots/), and checks of what they show.

`save_screenshot` grabs a widget, writes the PNG and checks it is not blank; the other helpers
look at a part of the picture: where a child widget is drawn, which colour covers most of it, and
whether anything (text, a drawing) stands out from that colour.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from museaud.ui.theme import ThemeColors

MIN_COLOURS = 24  # a drawn window has many more; a blank or one-colour one has a few
TEXT = 0.002  # of an area holding a line of text or more, at least this much stands out
TOLERANCE = 24  # how far (largest RGB channel difference) a pixel may be from a colour to match it


def distinct_colours(image: QImage, step: int = 4) -> int:
    """How many different colours a grid of sampled pixels holds."""
    return len(_colours(image, step))


def save_screenshot(qtbot: QtBot, widget: QWidget, path: Path) -> QImage:
    """Grab widget (after the events waiting, such as layouts, are handled), write it to path and
    return the picture, which must not be blank."""
    QApplication.processEvents()
    assert widget.grab().save(str(path))
    assert path.is_file()
    image = QImage(str(path))
    assert not image.isNull()
    assert distinct_colours(image) > MIN_COLOURS, f"{path.name} looks blank"
    return image


def area_of(child: QWidget, top: QWidget) -> QRect:
    """Where the visible part of child (not what a scroll area or a parent cuts off) is drawn in a
    grab of top."""
    visible = child.visibleRegion().boundingRect()
    return QRect(child.mapTo(top, visible.topLeft()), visible.size())


def part_of(image: QImage, child: QWidget, top: QWidget) -> QImage:
    """The part of a grab of top where child is drawn (the part of it that shows)."""
    area = area_of(child, top)
    name = child.objectName() or type(child).__name__
    assert child.isVisible() and not area.isEmpty(), f"{name} does not show"
    assert image.rect().contains(area), f"{name} at {area} is not inside the picture {image.rect()}"
    return image.copy(area)


def inside(image: QImage, margin: int) -> QImage:
    """The picture without a frame margin pixels wide (a widget's border)."""
    return image.copy(image.rect().adjusted(margin, margin, -margin, -margin))


def close(colour: QColor | str, other: QColor | str, tolerance: int = TOLERANCE) -> bool:
    """True when the two colours differ by at most tolerance in every RGB channel."""
    a, b = QColor(colour), QColor(other)
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= (
        tolerance
    )


def dominant(image: QImage, step: int = 2) -> QColor:
    """The colour that covers most of the picture."""
    [(rgb, _)] = _colours(image, step).most_common(1)
    return QColor.fromRgb(rgb)


def share(image: QImage, colour: QColor | str, step: int = 2, tolerance: int = TOLERANCE) -> float:
    """The fraction of the picture (sampled every step pixels) close to colour."""
    colours = _colours(image, step)
    near = sum(n for rgb, n in colours.items() if close(QColor.fromRgb(rgb), colour, tolerance))
    return near / colours.total()


def ink(image: QImage, step: int = 1) -> float:
    """The fraction of the picture that stands out from its dominant colour: text, lines, marks.

    Zero for an empty area of one colour; a line of text covers a few percent of its label."""
    return 1.0 - share(image, dominant(image, step), step, tolerance=40)


def assert_themed(image: QImage, theme: ThemeColors) -> None:
    """The picture is in the theme: one of its surfaces covers the most, light or dark alike."""
    background = dominant(image)
    surfaces = (theme.window, theme.panel, theme.sidebar, theme.base, theme.alternate_base)
    assert any(close(background, surface) for surface in surfaces), (
        f"{background.name()} is none of the {theme.name} theme's surfaces {surfaces}"
    )
    assert (background.lightness() < 128) == theme.is_dark, background.name()


def _colours(image: QImage, step: int) -> Counter[int]:
    return Counter(
        image.pixel(x, y) & 0xFFFFFF
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    )
