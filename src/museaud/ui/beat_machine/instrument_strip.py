"""The instrument strip: one row per part, beside the step grid and as tall as its rows.

Each row: an enable box, the instrument's name, a mark when the part follows the clave, the
program (variation) it plays, its volume (0-200 %), for pitched parts a pitch offset in
semitones, and mute/solo switches. Rows only report changes: `setting_changed` becomes an edit of
the pattern; `mix_changed` (mute, solo) is a live mix for the player, never stored.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from museaud.patterns.model import BeatPattern, Part
from museaud.ui.beat_machine import editing
from museaud.ui.beat_machine.step_grid import HEADER_HEIGHT, ROW_HEIGHT
from museaud.ui.theme import current_theme_colors
from museaud.ui.widgets import ElidedLabel, scaled_font

NAME_WIDTH = 90
PROGRAM_WIDTH = 124
VOLUME_WIDTH = 66
PITCH_WIDTH = 54
MARK_WIDTH = 14
MIX_BUTTON_WIDTH = 22
MIX_WIDTH = 2 * MIX_BUTTON_WIDTH + 2
ROW_SPACING = 6


def short_name(part: Part) -> str:
    """The instrument's name without its explanation: 'Congas (tumbadora)' is 'Congas'."""
    return editing.instrument_name(part).split(" (")[0]


def program_label(index: int, name: str) -> str:
    """A program as the combo shows it: its letter (A, B …) and its name."""
    letter = chr(ord("A") + index) if index < 26 else str(index + 1)
    return letter if name.strip() in ("", letter) else f"{letter}  {name}"


class ElidedComboBox(QComboBox):
    """A combo box that shortens its current text with … instead of clipping it."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the frame, then the current text elided to the room the frame leaves."""
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        room = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, room.width()
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
        painter.end()


class ClaveMark(QWidget):
    """A small diamond in the accent colour when the part turns with the clave."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(MARK_WIDTH, MARK_WIDTH)
        self._on = False

    def set_on(self, on: bool) -> None:
        """Show (True) or hide the mark."""
        self._on = on
        self.setToolTip(
            "Follows the clave: turning the clave (2-3 / 3-2) moves this part with it" if on else ""
        )
        self.update()

    def is_on(self) -> bool:
        """True when the mark shows."""
        return self._on

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """A filled diamond, centred."""
        if not self._on:
            return
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(current_theme_colors().accent))
            c = QPointF(self.width() / 2, self.height() / 2)
            r = 4.2
            path = QPainterPath(QPointF(c.x(), c.y() - r))
            path.lineTo(c.x() + r, c.y())
            path.lineTo(c.x(), c.y() + r)
            path.lineTo(c.x() - r, c.y())
            path.closeSubpath()
            painter.drawPath(path)
        finally:
            painter.end()


class InstrumentRow(QWidget):
    """The controls of one part."""

    setting_changed = Signal(int, str, object)
    """(row, setting name as in Part, new value)."""
    mix_changed = Signal(int, bool, bool)
    """(row, mute, solo): the live mix switches of this row."""

    def __init__(self, row: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setObjectName("instrumentRow")
        self.setFixedHeight(ROW_HEIGHT)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 4, 0)
        layout.setSpacing(ROW_SPACING)

        self.enabled_box = QCheckBox(self)
        self.enabled_box.setToolTip("Play this instrument")
        self.enabled_box.toggled.connect(lambda on: self._changed("enabled", bool(on)))
        self.name_label = ElidedLabel(parent=self)
        self.name_label.setObjectName("instrumentName")
        self.name_label.setFixedWidth(NAME_WIDTH)
        self.name_label.setFont(scaled_font(self.name_label, 1.0, QFont.Weight.DemiBold))
        self.clave_mark = ClaveMark(self)
        self.program_combo = ElidedComboBox(self)
        self.program_combo.setFixedWidth(PROGRAM_WIDTH)
        self.program_combo.setToolTip("Program: the variation this instrument plays")
        self.program_combo.view().setMinimumWidth(300)
        self.program_combo.currentIndexChanged.connect(
            lambda index: self._changed("active_program", int(index)) if index >= 0 else None
        )
        self.volume_spin = QSpinBox(self)
        self.volume_spin.setRange(0, 200)
        self.volume_spin.setSingleStep(5)
        self.volume_spin.setSuffix(" %")
        self.volume_spin.setFixedWidth(VOLUME_WIDTH)
        self.volume_spin.setToolTip("Volume, 0-200 %")
        self.volume_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.volume_spin.valueChanged.connect(lambda value: self._changed("volume", value / 100))
        self.pitch_spin = QSpinBox(self)
        self.pitch_spin.setRange(-24, 24)
        self.pitch_spin.setFixedWidth(PITCH_WIDTH)
        self.pitch_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.pitch_spin.valueChanged.connect(lambda value: self._changed("pitch_offset", value))
        self.mute_button = self._mix_button("M", "muteButton")
        self.solo_button = self._mix_button("S", "soloButton")
        mix = QHBoxLayout()
        mix.setContentsMargins(0, 0, 0, 0)
        mix.setSpacing(2)
        mix.addWidget(self.mute_button)
        mix.addWidget(self.solo_button)
        self.instrument = ""

        layout.addWidget(self.enabled_box)
        layout.addWidget(self.name_label)
        layout.addWidget(self.clave_mark)
        layout.addStretch(1)
        layout.addWidget(self.program_combo)
        layout.addWidget(self.volume_spin)
        layout.addWidget(self.pitch_spin)
        layout.addLayout(mix)
        self._updating = False

    def _mix_button(self, text: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setCheckable(True)
        button.setFixedSize(MIX_BUTTON_WIDTH, 22)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.toggled.connect(self._mix_toggled)
        return button

    def _mix_toggled(self, _on: bool) -> None:
        if not self._updating:
            self.mix_changed.emit(self.row, self.is_muted(), self.is_soloed())

    def is_muted(self) -> bool:
        """True when the part is muted in the live mix."""
        return self.mute_button.isChecked()

    def is_soloed(self) -> bool:
        """True when the part is soloed in the live mix."""
        return self.solo_button.isChecked()

    def set_mix(self, mute: bool, solo: bool) -> None:
        """Set the mute and solo switches without reporting them."""
        self._updating = True
        try:
            self.mute_button.setChecked(mute)
            self.solo_button.setChecked(solo)
        finally:
            self._updating = False

    def _changed(self, setting: str, value: object) -> None:
        if not self._updating:
            self.setting_changed.emit(self.row, setting, value)

    def show_part(self, part: Part) -> None:
        """Show part's settings without reporting them as changes."""
        self._updating = True
        try:
            self.enabled_box.setChecked(part.enabled)
            full = editing.instrument_name(part)
            self.name_label.setText(short_name(part))
            self.name_label.setToolTip(full)
            self.name_label.setEnabled(part.enabled)
            self.enabled_box.setAccessibleName(f"Play {full}")
            self.mute_button.setToolTip(f"Mute {full} while playing (not stored)")
            self.solo_button.setToolTip(f"Solo {full}: hear only the soloed parts (not stored)")
            self.instrument = part.instrument
            self.clave_mark.set_on(part.follows_clave)
            labels = [program_label(i, p.name) for i, p in enumerate(part.programs)]
            if [self.program_combo.itemText(i) for i in range(self.program_combo.count())] != (
                labels
            ):
                self.program_combo.clear()
                self.program_combo.addItems(labels)
                for index, program in enumerate(part.programs):
                    self.program_combo.setItemData(index, program.name, Qt.ItemDataRole.ToolTipRole)
            self.program_combo.setCurrentIndex(part.active_program)
            self.program_combo.setEnabled(len(part.programs) > 1)
            self.volume_spin.setValue(round(part.volume * 100))
            pitched = not editing.is_percussion(part)
            self.pitch_spin.setValue(part.pitch_offset)
            self.pitch_spin.setEnabled(pitched)
            self.pitch_spin.setToolTip(
                "Pitch offset in semitones (±24), on top of the pattern's key"
                if pitched
                else "Drums keep their pitch"
            )
        finally:
            self._updating = False


class InstrumentStrip(QWidget):
    """The rows of instrument controls, aligned with the step grid's rows."""

    setting_changed = Signal(int, str, object)
    mix_changed = Signal(int, bool, bool)
    """(row, mute, solo) of one part's live mix switches."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("instrumentStrip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_header())
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(0)
        layout.addLayout(self._rows_layout)
        layout.addStretch(1)
        self.rows: list[InstrumentRow] = []

    def _build_header(self) -> QWidget:
        header = QWidget(self)
        header.setFixedHeight(HEADER_HEIGHT)
        row = QHBoxLayout(header)
        row.setContentsMargins(8, 0, 4, 4)
        row.setSpacing(ROW_SPACING)
        captions = (
            ("INSTRUMENT", 0),
            ("PROGRAM", PROGRAM_WIDTH),
            ("VOLUME", VOLUME_WIDTH),
            ("PITCH", PITCH_WIDTH),
            ("MIX", MIX_WIDTH),
        )
        for text, width in captions:
            label = QLabel(text, header)
            label.setObjectName("stripCaption")
            font = scaled_font(label, 0.78, QFont.Weight.DemiBold)
            font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
            label.setFont(font)
            label.setAlignment(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
            if width:
                label.setFixedWidth(width)
                row.addWidget(label)
            else:
                row.addWidget(label, 1)
        return header

    def set_pattern(self, pattern: BeatPattern) -> None:
        """One row per part of pattern, showing its settings; a row whose instrument changed
        (another pattern came) is unmuted and unsoloed, and says so through mix_changed."""
        while len(self.rows) > len(pattern.parts):
            row = self.rows.pop()
            if row.is_muted() or row.is_soloed():
                self.mix_changed.emit(row.row, False, False)
            self._rows_layout.removeWidget(row)
            row.deleteLater()
        while len(self.rows) < len(pattern.parts):
            row = InstrumentRow(len(self.rows), self)
            row.setting_changed.connect(self.setting_changed)
            row.mix_changed.connect(self.mix_changed)
            self._rows_layout.addWidget(row)
            self.rows.append(row)
        for row, part in zip(self.rows, pattern.parts, strict=True):
            if row.instrument != part.instrument and (row.is_muted() or row.is_soloed()):
                row.set_mix(False, False)
                self.mix_changed.emit(row.row, False, False)
            row.show_part(part)
        self.adjustSize()

    def mix(self) -> dict[int, tuple[bool, bool]]:
        """(mute, solo) of every row that is muted or soloed."""
        return {
            row.row: (row.is_muted(), row.is_soloed())
            for row in self.rows
            if row.is_muted() or row.is_soloed()
        }

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As wide as a row's controls, as tall as the grid."""
        width = (
            8
            + 20
            + NAME_WIDTH
            + MARK_WIDTH
            + PROGRAM_WIDTH
            + VOLUME_WIDTH
            + PITCH_WIDTH
            + MIX_WIDTH
            + 4
        ) + 7 * ROW_SPACING
        return QSize(width, HEADER_HEIGHT + max(1, len(self.rows)) * ROW_HEIGHT)
