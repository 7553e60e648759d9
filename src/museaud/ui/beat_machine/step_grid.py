"""The step grid: instruments as rows, steps as pads grouped by beat and bar, painted in one widget.

A pad's fill shows the note's velocity; percussion pads carry the stroke letter of the grid
notation (museaud.patterns.flavors), pitched notes are drawn across their length with their pitch.
Click toggles a note, Shift- or Alt-click cycles a percussion stroke, the wheel or a vertical drag
on a note changes its velocity; the arrows move a focus pad and Space or Enter toggles it.
The grid never changes a pattern itself: it emits `edited` with the new pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from museaud.patterns.flavors import count_position
from museaud.patterns.model import BeatPattern, Note, Part
from museaud.ui.beat_machine import editing
from museaud.ui.theme import ThemeColors, current_theme_colors

ROW_HEIGHT = 34
HEADER_HEIGHT = 34
SIDE_MARGIN = 6
BOTTOM_MARGIN = 8
BEAT_GAP = 5
BAR_GAP = 14
MIN_STEP_WIDTH = 13
DRAG_THRESHOLD = 4
PIXELS_PER_VELOCITY = 1.0


def mix(first: QColor | str, second: QColor | str, amount: float) -> QColor:
    """The colour amount of the way from first to second (0 = first, 1 = second)."""
    a, b = QColor(first), QColor(second)
    amount = max(0.0, min(1.0, amount))
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def pitched_colour(colors: ThemeColors) -> QColor:
    """The colour of pitched parts' notes: the theme accent's complementary hue."""
    accent = QColor(colors.accent)
    return QColor.fromHslF(
        (accent.hslHueF() + 0.55) % 1.0, accent.hslSaturationF() * 0.8, accent.lightnessF()
    )


def readable_on(fill: QColor, colors: ThemeColors) -> QColor:
    """Text colour with the better contrast on fill: the theme's text or its accent text."""
    light, dark = QColor(colors.text), QColor(colors.accent_text)
    if light.lightness() < dark.lightness():
        light, dark = dark, light
    return dark if fill.lightnessF() > 0.62 else light


@dataclass(frozen=True)
class _Row:
    """What painting one row needs: where it is, its part and how its notes are coloured."""

    pattern: BeatPattern
    row: int
    part: Part
    note_colour: QColor
    pitch_range: tuple[int, int]
    colors: ThemeColors


@dataclass
class _Press:
    """A mouse press on a note, waiting to become a click (toggle) or a velocity drag."""

    row: int
    step: int
    y: float
    velocity: int
    dragging: bool = False


class StepGrid(QWidget):
    """A pattern's parts as rows of step pads; emits `edited(pattern, label, merge_key)`."""

    edited = Signal(object, str, str)
    focus_moved = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepGrid")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Step grid")
        self._pattern: BeatPattern | None = None
        self._preview: BeatPattern | None = None
        self._show_beat_numbers = True
        self._focus = (0, 0)
        self._hover: tuple[int, int] | None = None
        self._press: _Press | None = None

    # content ------------------------------------------------------------------------------------

    def set_pattern(self, pattern: BeatPattern) -> None:
        """Show pattern (drops any velocity drag in progress)."""
        resized = self._pattern is None or (
            (len(pattern.parts), pattern.total_steps)
            != (len(self._pattern.parts), self._pattern.total_steps)
        )
        self._pattern = pattern
        self._preview = None
        self._press = None
        row, step = self._focus
        self._focus = (
            max(0, min(row, len(pattern.parts) - 1)),
            max(0, min(step, pattern.total_steps - 1)),
        )
        if resized:
            self.updateGeometry()
        self.update()

    def pattern(self) -> BeatPattern | None:
        """The pattern on show (without a drag's preview)."""
        return self._pattern

    def shown(self) -> BeatPattern | None:
        """The pattern as drawn: during a velocity drag, with the dragged velocity."""
        return self._preview or self._pattern

    def set_show_beat_numbers(self, show: bool) -> None:
        """Number the beats above the grid (the user's show_beat_numbers preference)."""
        self._show_beat_numbers = show
        self.update()

    def shows_beat_numbers(self) -> bool:
        """True when the beats are numbered above the grid."""
        return self._show_beat_numbers

    def focus_cell(self) -> tuple[int, int]:
        """The (row, step) the keyboard acts on."""
        return self._focus

    def set_focus_cell(self, row: int, step: int) -> None:
        """Move the keyboard's pad to (row, step), kept inside the grid."""
        pattern = self._pattern
        if pattern is None or not pattern.parts:
            return
        cell = (
            max(0, min(row, len(pattern.parts) - 1)),
            max(0, min(step, pattern.total_steps - 1)),
        )
        if cell != self._focus:
            self._focus = cell
            self.focus_moved.emit(*cell)
            self.update()

    # geometry -----------------------------------------------------------------------------------

    def _steps(self) -> int:
        return self._pattern.total_steps if self._pattern is not None else 0

    def _gaps_before(self, step: int) -> float:
        pattern = self._pattern
        assert pattern is not None
        beats = step // pattern.steps_per_beat
        bars = step // pattern.steps_per_bar
        return (beats - bars) * BEAT_GAP + bars * BAR_GAP

    def _step_width(self) -> float:
        pattern = self._pattern
        steps = self._steps()
        if pattern is None or steps == 0:
            return float(MIN_STEP_WIDTH)
        gaps = self._gaps_before(steps) - BAR_GAP  # the last boundary is the grid's end
        return max(1.0, (self.width() - 2 * SIDE_MARGIN - gaps) / steps)

    def _step_x(self, step: int) -> float:
        return SIDE_MARGIN + step * self._step_width() + self._gaps_before(step)

    def row_top(self, row: int) -> int:
        """The y where row's band starts."""
        return HEADER_HEIGHT + row * ROW_HEIGHT

    def cell_rect(self, row: int, step: int) -> QRect:
        """The pad of (row, step), in this widget's coordinates."""
        left = self._step_x(step)
        right = left + self._step_width()
        top = self.row_top(row)
        return QRect(
            QPoint(round(left) + 1, top + 3), QPoint(round(right) - 2, top + ROW_HEIGHT - 4)
        )

    def cell_at(self, position: QPoint | QPointF) -> tuple[int, int] | None:
        """The (row, step) whose band holds position, or None outside the pads."""
        pattern = self._pattern
        if pattern is None or not pattern.parts:
            return None
        point = QPointF(position)
        row = int((point.y() - HEADER_HEIGHT) // ROW_HEIGHT)
        if point.y() < HEADER_HEIGHT or not 0 <= row < len(pattern.parts):
            return None
        for step in range(pattern.total_steps):
            left = self._step_x(step)
            if left - 2 <= point.x() < left + self._step_width() + 1:
                return row, step
        return None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Wide enough for comfortable pads, tall enough for every row."""
        return QSize(self._width_for(30), self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """No narrower than pads of MIN_STEP_WIDTH."""
        return QSize(self._width_for(MIN_STEP_WIDTH), self._height())

    def _width_for(self, step_width: int) -> int:
        if self._pattern is None:
            return 200
        steps = self._steps()
        return int(2 * SIDE_MARGIN + steps * step_width + self._gaps_before(steps) - BAR_GAP)

    def _height(self) -> int:
        rows = len(self._pattern.parts) if self._pattern is not None else 0
        return HEADER_HEIGHT + max(rows, 1) * ROW_HEIGHT + BOTTOM_MARGIN

    # painting -----------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the header, the beat bands, the bar lines and every row's pads and notes."""
        colors = current_theme_colors()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(self.rect(), QColor(colors.base))
            pattern = self.shown()
            if pattern is None or not pattern.parts or pattern.total_steps == 0:
                painter.setPen(QColor(colors.muted_text))
                painter.drawText(
                    self.rect(), Qt.AlignmentFlag.AlignCenter, "This pattern has no instruments"
                )
                return
            self._paint_header(painter, pattern, colors)
            self._paint_bar_lines(painter, pattern, colors)
            for row, part in enumerate(pattern.parts):
                self._paint_row(painter, pattern, row, part, colors)
            self._paint_focus(painter, colors)
        finally:
            painter.end()

    def _paint_header(self, painter: QPainter, pattern: BeatPattern, colors: ThemeColors) -> None:
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.78))
        small.setWeight(QFont.Weight.DemiBold)
        small.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
        beat_font = QFont(self.font())
        beat_font.setPointSizeF(max(7.0, beat_font.pointSizeF() * 0.86))
        step_width = self._step_width()
        for bar in range(pattern.bars):
            first = bar * pattern.steps_per_bar
            left = round(self._step_x(first)) + 2
            painter.setFont(small)
            painter.setPen(QColor(colors.muted_text))
            painter.drawText(
                QRect(left, 1, 200, 15),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"BAR {bar + 1}",
            )
            if not self._show_beat_numbers:
                continue
            painter.setFont(beat_font)
            spb = pattern.steps_per_beat
            for beat in range(pattern.beats_per_bar):
                step = first + beat * spb
                cell = self.cell_rect(0, step)
                label_rect = QRect(cell.left(), 16, cell.width(), HEADER_HEIGHT - 17)
                painter.setPen(QColor(colors.text if beat == 0 else colors.muted_text))
                painter.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, str(beat + 1))
                if spb % 2 == 0 and step_width >= 14:
                    half = self.cell_rect(0, step + spb // 2)
                    painter.setPen(mix(colors.muted_text, colors.base, 0.35))
                    painter.drawText(
                        QRect(half.left(), 16, half.width(), HEADER_HEIGHT - 17),
                        Qt.AlignmentFlag.AlignCenter,
                        "&",
                    )

    def _paint_bar_lines(
        self, painter: QPainter, pattern: BeatPattern, colors: ThemeColors
    ) -> None:
        bottom = self.row_top(len(pattern.parts))
        pen = QPen(mix(colors.border, colors.text, 0.25), 2)
        painter.setPen(pen)
        for bar in range(1, pattern.bars):
            x = self._step_x(bar * pattern.steps_per_bar) - BAR_GAP / 2
            painter.drawLine(QPointF(x, 4), QPointF(x, bottom - 2))
        painter.setPen(QPen(QColor(colors.border), 1))
        for row in range(1, len(pattern.parts)):
            y = self.row_top(row) + 0.5
            painter.drawLine(QPointF(SIDE_MARGIN, y), QPointF(self.width() - SIDE_MARGIN, y))

    def _pad_colour(
        self, pattern: BeatPattern, step: int, enabled: bool, colors: ThemeColors
    ) -> QColor:
        beat = step // pattern.steps_per_beat
        amount = 0.11 if beat % 2 == 0 else 0.065
        if step % pattern.steps_per_beat == 0:
            amount += 0.025
        if not enabled:
            amount *= 0.55
        return mix(colors.base, colors.text, amount)

    def _paint_row(
        self, painter: QPainter, pattern: BeatPattern, row: int, part: Part, colors: ThemeColors
    ) -> None:
        enabled = part.enabled
        percussion = editing.is_percussion(part)
        note_colour = QColor(colors.accent) if percussion else pitched_colour(colors)
        if not enabled:
            note_colour = mix(colors.disabled_text, colors.base, 0.1)
        painter.setPen(Qt.PenStyle.NoPen)
        for step in range(pattern.total_steps):
            rect = self.cell_rect(row, step)
            painter.setBrush(self._pad_colour(pattern, step, enabled, colors))
            painter.drawRoundedRect(QRectF(rect), 3, 3)
        starts: dict[int, list[Note]] = {}
        for note in part.notes:
            if 0 <= note.step < pattern.total_steps:
                starts.setdefault(note.step, []).append(note)
        pitches = [note.pitch for note in part.notes]
        low, high = (min(pitches), max(pitches)) if pitches else (60, 72)
        if high - low < 12:
            middle = (high + low) / 2
            low, high = round(middle - 6), round(middle + 6)
        context = _Row(pattern, row, part, note_colour, (low, high), colors)
        for step, notes in sorted(starts.items()):
            self._paint_note(painter, context, step, tuple(notes))
        hover = self._hover
        if hover is not None and hover[0] == row and self._press is None:
            outline = QRectF(self.cell_rect(*hover)).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(mix(colors.base, colors.text, 0.45), 1))
            painter.drawRoundedRect(outline, 3, 3)
            painter.setPen(Qt.PenStyle.NoPen)

    def _paint_note(
        self, painter: QPainter, context: _Row, step: int, notes: tuple[Note, ...]
    ) -> None:
        pattern, row, part = context.pattern, context.row, context.part
        note_colour, colors = context.note_colour, context.colors
        head = self.cell_rect(row, step)
        top_note = editing.loudest(notes)
        length = max(note.length for note in notes)
        last = min(pattern.total_steps - 1, step + length - 1)
        pad = self._pad_colour(pattern, step, part.enabled, colors)
        strength = 0.28 + 0.72 * top_note.velocity / 127
        fill = mix(pad, note_colour, strength)
        percussion = editing.is_percussion(part)
        if last > step:
            # a sustained note: a band under the pads it lasts through (a slim one for drums,
            # whose length is only how long the stroke rings)
            tail = QRectF(QRect(head.topLeft(), self.cell_rect(row, last).bottomRight()))
            inset = head.height() / 2 - 2 if percussion else 5
            painter.setBrush(mix(pad, note_colour, strength * (0.7 if percussion else 0.55)))
            painter.drawRoundedRect(tail.adjusted(0, inset, -1, -inset), 2, 2)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(head), 3, 3)
        ink = readable_on(fill, colors)
        # velocity meter: a bar along the pad's foot, as long as the note is loud
        meter = QRectF(
            head.left() + 2,
            head.bottom() - 1.5,
            max(1.0, (head.width() - 4) * top_note.velocity / 127),
            1.5,
        )
        meter_colour = QColor(ink)
        meter_colour.setAlphaF(0.45)
        painter.setBrush(meter_colour)
        painter.drawRect(meter)
        if percussion:
            if head.width() >= 11:
                font = QFont(self.font())
                font.setWeight(QFont.Weight.Bold)
                font.setPixelSize(max(9, min(15, int(head.height() * 0.48), head.width() - 2)))
                painter.setFont(font)
                painter.setPen(ink)
                painter.drawText(
                    head.adjusted(0, -2, 0, -2),
                    Qt.AlignmentFlag.AlignCenter,
                    editing.letter_of(part, top_note),
                )
                painter.setPen(Qt.PenStyle.NoPen)
            return
        low, high = context.pitch_range
        span_right = self.cell_rect(row, last).right()
        tick = QColor(ink)
        tick.setAlphaF(0.85)
        if len(notes) == 1 and head.width() + (span_right - head.right()) >= 22:
            font = QFont(self.font())
            font.setWeight(QFont.Weight.DemiBold)
            font.setPixelSize(max(9, min(12, int(head.height() * 0.4))))
            painter.setFont(font)
            painter.setPen(ink)
            name = editing.sounding_name(pattern, part, top_note)
            painter.drawText(
                QRect(head.left() + 3, head.top(), span_right - head.left() - 3, head.height() - 3),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            return
        painter.setBrush(tick)
        usable = head.height() - 10
        for note in notes:
            y = head.bottom() - 5 - (note.pitch - low) / max(1, high - low) * usable
            end = self.cell_rect(row, min(pattern.total_steps - 1, note.step + note.length - 1))
            painter.drawRoundedRect(
                QRectF(head.left() + 3, y - 1, end.right() - head.left() - 5, 2.2), 1, 1
            )

    def _paint_focus(self, painter: QPainter, colors: ThemeColors) -> None:
        if not self.hasFocus() or self._pattern is None:
            return
        rect = QRectF(self.cell_rect(*self._focus)).adjusted(-1.5, -1.5, 1.5, 1.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(colors.text), 2))
        painter.drawRoundedRect(rect, 4, 4)

    # editing ------------------------------------------------------------------------------------

    def _emit(self, pattern: BeatPattern, label: str, merge: str = "") -> None:
        if pattern != self._pattern:
            self.edited.emit(pattern, label, merge)

    def toggle(self, row: int, step: int) -> None:
        """Add the default note at (row, step), or remove the notes starting there."""
        if self._pattern is None:
            return
        had = bool(editing.notes_at(self._pattern.parts[row], step))
        label = "Remove note" if had else "Add note"
        self._emit(editing.toggle_note(self._pattern, row, step), label)

    def cycle_stroke(self, row: int, step: int) -> None:
        """Play the percussion note at (row, step) with the instrument's next stroke."""
        if self._pattern is not None:
            self._emit(editing.cycle_stroke(self._pattern, row, step), "Change stroke")

    def nudge_velocity(self, row: int, step: int, delta: int) -> bool:
        """Change the velocity of the notes at (row, step); False if there are none."""
        pattern = self._pattern
        if pattern is None or not editing.notes_at(pattern.parts[row], step):
            return False
        self._emit(
            editing.change_velocity(pattern, row, step, delta),
            "Change velocity",
            f"velocity/{row}/{step}",
        )
        return True

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Add a note on an empty pad; on a note, wait to see a click or a velocity drag."""
        cell = self.cell_at(event.position())
        if event.button() != Qt.MouseButton.LeftButton or cell is None or self._pattern is None:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.set_focus_cell(*cell)
        row, step = cell
        part = self._pattern.parts[row]
        starting = editing.notes_at(part, step)
        modifiers = event.modifiers()
        if modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
            if editing.is_percussion(part):
                self.cycle_stroke(row, step)
            else:
                self.toggle(row, step)
        elif starting:
            self._press = _Press(
                row, step, event.position().y(), editing.loudest(starting).velocity
            )
        else:
            self.toggle(row, step)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Drag a note up or down to change its velocity; else track the pad under the mouse."""
        press = self._press
        if press is not None and self._pattern is not None:
            moved = press.y - event.position().y()
            if not press.dragging and abs(moved) >= DRAG_THRESHOLD:
                press.dragging = True
            if press.dragging:
                velocity = round(press.velocity + moved / PIXELS_PER_VELOCITY)
                self._preview = editing.set_velocity(self._pattern, press.row, press.step, velocity)
                shown = editing.loudest(
                    editing.notes_at(self._preview.parts[press.row], press.step)
                )
                QToolTip.showText(
                    event.globalPosition().toPoint(), f"Velocity {shown.velocity}", self
                )
                self.update()
            event.accept()
            return
        cell = self.cell_at(event.position())
        if cell != self._hover:
            self._hover = cell
            self.update()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """End a drag with one velocity edit, or remove the clicked note."""
        press = self._press
        self._press = None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        preview = self._preview
        self._preview = None
        if press.dragging and preview is not None:
            self._emit(preview, "Change velocity")
        else:
            self.toggle(press.row, press.step)
        self.update()
        event.accept()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Forget the hovered pad."""
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        """Over a note, each notch changes its velocity by 8; elsewhere the page scrolls."""
        cell = self.cell_at(event.position())
        notches = event.angleDelta().y() / 120
        if cell is None or notches == 0:
            event.ignore()
            return
        delta = round(notches * editing.VELOCITY_STEP) or (1 if notches > 0 else -1)
        if self.nudge_velocity(cell[0], cell[1], delta):
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Arrows move the focus pad, Space/Enter toggle, Shift+Space cycles, +/- velocity."""
        if self._pattern is None or not self._pattern.parts:
            super().keyPressEvent(event)
            return
        key = event.key()
        modifiers = event.modifiers()
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier):
            super().keyPressEvent(event)
            return
        row, step = self._focus
        moves = {
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
        }
        if key in moves:
            rows, steps = moves[Qt.Key(key)]
            self.set_focus_cell(row + rows, step + steps)
        elif key == Qt.Key.Key_Home:
            self.set_focus_cell(row, 0)
        elif key == Qt.Key.Key_End:
            self.set_focus_cell(row, self._pattern.total_steps - 1)
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
                self.cycle_stroke(row, step)
            else:
                self.toggle(row, step)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.nudge_velocity(row, step, editing.VELOCITY_STEP)
        elif key == Qt.Key.Key_Minus:
            self.nudge_velocity(row, step, -editing.VELOCITY_STEP)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        """Show the focus pad."""
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        """Hide the focus pad."""
        self.update()
        super().focusOutEvent(event)

    def event(self, event: QEvent) -> bool:
        """Tooltips name the instrument, the count position, the stroke and the velocity."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.describe_cell(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def describe_cell(self, position: QPoint) -> str:
        """What the pad at position holds, in words (its tooltip)."""
        pattern = self._pattern
        cell = self.cell_at(position)
        if pattern is None or cell is None:
            return ""
        row, step = cell
        part = pattern.parts[row]
        where = f"bar {count_position(step, pattern.steps_per_beat, pattern.beats_per_bar)}"
        name = editing.instrument_name(part)
        notes = editing.notes_at(part, step)
        if not notes:
            return f"{name} · {where}\nClick to add a note"
        if editing.is_percussion(part):
            top = editing.loudest(notes)
            what = f"{editing.stroke_name(part, top)} ({editing.letter_of(part, top)})"
        else:
            what = ", ".join(
                editing.sounding_name(pattern, part, note)
                for note in sorted(notes, key=lambda note: note.pitch)
            )
        velocity = editing.loudest(notes).velocity
        return (
            f"{name} · {where}\n{what} · velocity {velocity}\n"
            "Click removes · wheel or drag changes velocity"
            + (" · Shift-click changes stroke" if editing.is_percussion(part) else "")
        )
