"""The pattern's own controls above the grid: title, flavour, tempo, key and scale, clave, bars,
and the New / Undo / Redo / Save buttons.

No transport here: playing arrives with the sound issue (see BeatMachineView.play_requested).
Controls show a pattern without reporting it back; user changes come out as signals.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from museaud.music.keys import FLAT_NAMES
from museaud.music.pitch import PITCH_CLASS_NAMES
from museaud.music.scales import SCALE_INTERVALS
from museaud.patterns.flavors import FLAVORS, flavor
from museaud.patterns.model import (
    BEAT_BPM_MAX,
    BEAT_BPM_MIN,
    CLAVE_DIRECTIONS,
    MAX_BARS,
    BeatPattern,
)
from museaud.ui.widgets import scaled_font


def key_label(key_note: int) -> str:
    """A key note as the combo shows it: 'C', 'C# / Db' …"""
    sharp, flat = PITCH_CLASS_NAMES[key_note], FLAT_NAMES[key_note]
    return f"{sharp} / {flat}" if flat != sharp else sharp


def scale_label(scale: str) -> str:
    """A scale name for people: 'harmonic_minor' is 'harmonic minor'."""
    return scale.replace("_", " ")


def flavor_key_of(name: str) -> str | None:
    """The FLAVORS key of a flavour name in any spelling, or None for a style with no flavour."""
    try:
        return flavor(name).key
    except KeyError:
        return None


def captioned(caption: str, control: QWidget, parent: QWidget) -> QWidget:
    """A control with a small caption above it, as on a hardware panel."""
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    label = QLabel(caption.upper(), box)
    label.setObjectName("controlCaption")
    font = scaled_font(label, 0.78, QFont.Weight.DemiBold)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
    label.setFont(font)
    label.setBuddy(control)
    layout.addWidget(label)
    layout.addWidget(control)
    return box


class PatternControls(QWidget):
    """Title, flavour, bpm, key, scale, clave and bars of the pattern, plus its file buttons."""

    title_edited = Signal(str)
    flavor_chosen = Signal(str)
    """The FLAVORS key the user picked."""
    bpm_changed = Signal(int)
    key_changed = Signal(int)
    scale_changed = Signal(str)
    clave_changed = Signal(str)
    bars_changed = Signal(int)

    def __init__(
        self,
        new_action: QAction,
        undo_action: QAction,
        redo_action: QAction,
        save_action: QAction,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("patternControls")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._updating = False

        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("Pattern title")
        self.title_edit.setMinimumWidth(150)
        self.title_edit.setFont(scaled_font(self.title_edit, 1.0, QFont.Weight.DemiBold))
        self.title_edit.editingFinished.connect(self._title_done)

        self.flavor_combo = QComboBox(self)
        for style in FLAVORS.values():
            self.flavor_combo.addItem(style.name, style.key)
            self.flavor_combo.setItemData(
                self.flavor_combo.count() - 1, style.description, Qt.ItemDataRole.ToolTipRole
            )
        self.flavor_combo.setPlaceholderText("Other style")
        self.flavor_combo.setToolTip("Flavour: choosing one starts a new pattern in that style")
        self.flavor_combo.activated.connect(self._flavor_activated)

        self.bpm_spin = QSpinBox(self)
        self.bpm_spin.setRange(BEAT_BPM_MIN, BEAT_BPM_MAX)
        self.bpm_spin.setSuffix(" bpm")
        self.bpm_spin.setToolTip(f"Tempo, {BEAT_BPM_MIN}-{BEAT_BPM_MAX} beats per minute")
        self.bpm_spin.valueChanged.connect(lambda value: self._report(self.bpm_changed, value))

        self.key_combo = QComboBox(self)
        for note in range(12):
            self.key_combo.addItem(key_label(note), note)
        self.key_combo.setToolTip("Key: bass and piano sound in it (drums do not change)")
        self.key_combo.currentIndexChanged.connect(
            lambda index: self._report(self.key_changed, int(index)) if index >= 0 else None
        )

        self.scale_combo = QComboBox(self)
        for scale in SCALE_INTERVALS:
            self.scale_combo.addItem(scale_label(scale), scale)
        self.scale_combo.currentIndexChanged.connect(self._scale_picked)

        self.clave_combo = QComboBox(self)
        for direction in CLAVE_DIRECTIONS:
            self.clave_combo.addItem(direction, direction)
        self.clave_combo.setPlaceholderText("none")
        self.clave_combo.currentIndexChanged.connect(self._clave_picked)

        self.bars_spin = QSpinBox(self)
        self.bars_spin.setRange(1, MAX_BARS)
        self.bars_spin.setToolTip("Length in bars: longer repeats the pattern, shorter cuts it")
        self.bars_spin.valueChanged.connect(lambda value: self._report(self.bars_changed, value))

        self.new_button = self._tool_button(new_action)
        self.undo_button = self._tool_button(undo_action)
        self.redo_button = self._tool_button(redo_action)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("primaryButton")
        self.save_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.save_button.clicked.connect(save_action.trigger)
        self._save_action = save_action
        save_action.changed.connect(self._sync_save_button)
        self._sync_save_button()
        self.state_label = QLabel(self)
        self.state_label.setObjectName("saveState")
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 10, 24, 12)
        layout.setSpacing(12)
        layout.addWidget(captioned("Title", self.title_edit, self), 3)
        layout.addWidget(captioned("Flavour", self.flavor_combo, self), 0)
        layout.addWidget(captioned("Tempo", self.bpm_spin, self), 0)
        layout.addWidget(captioned("Key", self.key_combo, self), 0)
        layout.addWidget(captioned("Scale", self.scale_combo, self), 0)
        layout.addWidget(captioned("Clave", self.clave_combo, self), 0)
        layout.addWidget(captioned("Bars", self.bars_spin, self), 0)
        layout.addSpacing(6)
        buttons = QVBoxLayout()
        buttons.setSpacing(3)
        buttons.addWidget(self.state_label)
        button_row = QHBoxLayout()
        button_row.setSpacing(6)
        button_row.addWidget(self.new_button)
        button_row.addWidget(self.undo_button)
        button_row.addWidget(self.redo_button)
        button_row.addWidget(self.save_button)
        buttons.addLayout(button_row)
        layout.addLayout(buttons)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _tool_button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setAutoRaise(False)
        button.setMinimumHeight(26)
        return button

    def _sync_save_button(self) -> None:
        action = self._save_action
        self.save_button.setText(action.text().replace("&", ""))
        self.save_button.setEnabled(action.isEnabled())
        self.save_button.setToolTip(action.toolTip())

    def _report(self, signal: SignalInstance, value: object) -> None:
        if not self._updating:
            signal.emit(value)

    def _title_done(self) -> None:
        if not self._updating:
            self.title_edited.emit(self.title_edit.text())

    def _flavor_activated(self, index: int) -> None:
        key = self.flavor_combo.itemData(index)
        if isinstance(key, str):
            self.flavor_chosen.emit(key)

    def _scale_picked(self, index: int) -> None:
        scale = self.scale_combo.itemData(index)
        if isinstance(scale, str):
            self._report(self.scale_changed, scale)

    def _clave_picked(self, index: int) -> None:
        direction = self.clave_combo.itemData(index)
        if isinstance(direction, str):
            self._report(self.clave_changed, direction)

    def show_pattern(self, pattern: BeatPattern) -> None:
        """Show pattern's settings without reporting them as changes."""
        self._updating = True
        try:
            if self.title_edit.text() != pattern.title:
                self.title_edit.setText(pattern.title)
                self.title_edit.setCursorPosition(0)
            key = flavor_key_of(pattern.flavor) if pattern.flavor else None
            self.flavor_combo.setCurrentIndex(
                self.flavor_combo.findData(key) if key is not None else -1
            )
            if pattern.flavor and key is None:
                self.flavor_combo.setPlaceholderText(pattern.flavor)
            self.bpm_spin.setValue(round(pattern.bpm))
            self.key_combo.setCurrentIndex(pattern.key_note if 0 <= pattern.key_note < 12 else -1)
            self.scale_combo.setCurrentIndex(self.scale_combo.findData(pattern.scale))
            in_clave = pattern.clave is not None
            self.clave_combo.setEnabled(in_clave)
            self.clave_combo.setCurrentIndex(
                self.clave_combo.findData(pattern.clave) if in_clave else -1
            )
            self.clave_combo.setToolTip(
                "Clave direction: 2-3 starts on the two side, 3-2 on the three side"
                if in_clave
                else "This pattern is not played in clave"
            )
            step = 2 if in_clave and pattern.bars % 2 == 0 else 1
            self.bars_spin.setSingleStep(step)
            self.bars_spin.setMinimum(step)
            self.bars_spin.setValue(pattern.bars)
        finally:
            self._updating = False

    def show_state(self, text: str, tooltip: str = "") -> None:
        """Say whether the pattern is saved ('Saved', 'Edited — not saved' …)."""
        self.state_label.setText(text)
        self.state_label.setToolTip(tooltip)
