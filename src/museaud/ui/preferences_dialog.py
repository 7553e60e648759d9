"""The preferences dialog: beat-machine defaults, appearance, audio output and MIDI output.

Values are checked by `save_preferences` (the same rules as `museaud prefs`); a refused value is
shown in the dialog, its tab is brought forward, and nothing is written.
"""

from __future__ import annotations

import math
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from museaud.accounts.preferences import (
    BUFFER_SIZES,
    SCALES,
    PreferenceError,
    Preferences,
    load_preferences,
    save_preferences,
)
from museaud.app import App
from museaud.audio.devices import AudioDevices, MidiPorts, list_audio_outputs, list_midi_outputs
from museaud.music.pitch import PITCH_CLASS_NAMES
from museaud.patterns.flavors import FLAVORS
from museaud.store.backup import BackupError, list_backups
from museaud.ui.theme import THEME_CHOICES
from museaud.ui.widgets import scaled_font

FLAVOR_SUGGESTIONS = tuple(flavor.name for flavor in FLAVORS.values())
SAMPLE_RATES = (44100, 48000, 88200, 96000)
NOT_CONNECTED = "(not connected)"
_FLAT_SPELLINGS = {"C#": "Db", "D#": "Eb", "F#": "Gb", "G#": "Ab", "A#": "Bb"}
_NO_DEVICE = ""  # combo data for "System default" / "None": Preferences stores None

FIELD_LABELS = {
    "default_bpm": "Default tempo",
    "default_key_note": "Default key",
    "default_scale": "Default scale",
    "default_flavor": "Default flavour",
    "default_volume": "Default volume",
    "theme": "Theme",
    "audio_device": "Output device",
    "audio_buffer_size": "Buffer size",
    "audio_sample_rate": "Sample rate",
    "midi_output_port": "MIDI output port",
}

TAB_BEAT_MACHINE, TAB_APPEARANCE, TAB_AUDIO, TAB_MIDI, TAB_BACKUPS = range(5)
_FIELD_TABS = {
    "default_bpm": TAB_BEAT_MACHINE,
    "default_key_note": TAB_BEAT_MACHINE,
    "default_scale": TAB_BEAT_MACHINE,
    "default_flavor": TAB_BEAT_MACHINE,
    "default_volume": TAB_BEAT_MACHINE,
    "theme": TAB_APPEARANCE,
    "audio_device": TAB_AUDIO,
    "audio_buffer_size": TAB_AUDIO,
    "audio_sample_rate": TAB_AUDIO,
    "midi_output_port": TAB_MIDI,
    "backups_kept": TAB_BACKUPS,
}


def buffer_latency_ms(buffer_size: int, sample_rate: int) -> float:
    """How long one buffer lasts, in milliseconds."""
    return buffer_size / sample_rate * 1000.0


def volume_db(gain: float) -> str:
    """A linear gain as decibels for people, e.g. '−6.0 dB'; silence is '−∞ dB'."""
    if gain <= 0:
        return "−∞ dB"
    decibels = 20 * math.log10(gain)
    sign = "+" if decibels > 0.05 else ("−" if decibels < -0.05 else "")
    return f"{sign}{abs(decibels):.1f} dB"


def friendly_error(message: str) -> str:
    """A PreferenceError message with its field name replaced by the label the dialog shows."""
    field, _, rest = message.partition(" ")
    label = FIELD_LABELS.get(field)
    return f"{label} {rest}" if label else message


def _sample_rate_label(rate: int) -> str:
    return f"{rate / 1000:g} kHz"


def _note_label(name: str) -> str:
    flat = _FLAT_SPELLINGS.get(name)
    return f"{name} / {flat}" if flat else name


class PreferencesDialog(QDialog):
    """Edit the local user's preferences; OK and Apply save them in one transaction."""

    preferences_saved = Signal(object)
    """Emitted with the saved Preferences after OK or Apply succeeded."""
    devices_rescanned = Signal(object, object)
    """Emitted with (AudioDevices, MidiPorts) after the user asked to look for devices again."""

    def __init__(
        self,
        app: App,
        parent: QWidget | None = None,
        *,
        audio_outputs: AudioDevices | None = None,
        midi_outputs: MidiPorts | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle("Preferences")
        self.setObjectName("preferencesDialog")
        self.setMinimumWidth(620)
        with app.session() as session:
            self._stored = load_preferences(session, app.local_user_id)
        self.audio_outputs = (
            audio_outputs if audio_outputs is not None else list_audio_outputs(release=True)
        )
        self.midi_outputs = midi_outputs if midi_outputs is not None else list_midi_outputs()

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(False)
        self.tabs.addTab(self._build_beat_machine_tab(), "Beat Machine")
        self.tabs.addTab(self._build_appearance_tab(), "Appearance")
        self.tabs.addTab(self._build_audio_tab(), "Audio")
        self.tabs.addTab(self._build_midi_tab(), "MIDI")
        self.tabs.addTab(self._build_backups_tab(), "Backups")

        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorBanner")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setVisible(False)

        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        self.button_box.clicked.connect(self._button_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 14)
        layout.setSpacing(12)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.button_box)

        self._show_preferences(self._stored)
        self._baseline = self.edited_preferences()
        self._connect_change_tracking()
        self._update_apply_button()

    # building -------------------------------------------------------------------------------

    @staticmethod
    def _page() -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(22, 20, 22, 20)
        layout.setSpacing(6)
        return page, layout

    @staticmethod
    def _form() -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        return form

    def _heading(self, text: str, page: QWidget) -> QLabel:
        label = QLabel(text, page)
        label.setObjectName("dialogHeading")
        label.setFont(scaled_font(label, 1.08, QFont.Weight.DemiBold))
        return label

    @staticmethod
    def _hint(text: str, page: QWidget, role: str = "hint") -> QLabel:
        label = QLabel(text, page)
        label.setProperty("role", role)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _build_beat_machine_tab(self) -> QWidget:
        page, layout = self._page()
        layout.addWidget(self._heading("New patterns", page))
        layout.addWidget(
            self._hint("What a new beat-machine pattern starts with; each can be changed.", page)
        )
        layout.addSpacing(6)
        form = self._form()

        self.bpm_spin = QSpinBox(page)
        self.bpm_spin.setRange(80, 250)
        self.bpm_spin.setSuffix(" BPM")
        self.bpm_spin.setAccelerated(True)
        self.bpm_spin.setMinimumWidth(110)
        form.addRow("Tempo:", _left(self.bpm_spin))

        self.key_combo = QComboBox(page)
        for pitch, name in enumerate(PITCH_CLASS_NAMES):
            self.key_combo.addItem(_note_label(name), pitch)
        self.scale_combo = QComboBox(page)
        for scale in SCALES:
            self.scale_combo.addItem(scale.capitalize(), scale)
        key_row = QHBoxLayout()
        key_row.setSpacing(8)
        key_row.addWidget(self.key_combo)
        key_row.addWidget(self.scale_combo)
        key_row.addStretch(1)
        form.addRow("Key:", key_row)

        self.flavor_combo = QComboBox(page)
        self.flavor_combo.setEditable(True)
        self.flavor_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.flavor_combo.addItems(FLAVOR_SUGGESTIONS)
        self.flavor_combo.setMinimumWidth(200)
        self.flavor_combo.setToolTip("Pick a style or type your own name for it")
        form.addRow("Flavour:", _left(self.flavor_combo))

        self.volume_slider = QSlider(Qt.Orientation.Horizontal, page)
        self.volume_slider.setRange(0, 200)
        self.volume_slider.setPageStep(10)
        self.volume_slider.setMinimumWidth(180)
        self.volume_spin = QSpinBox(page)
        self.volume_spin.setRange(0, 200)
        self.volume_spin.setSuffix(" %")
        self.volume_db_label = QLabel(page)
        self.volume_db_label.setProperty("role", "hint")
        self.volume_db_label.setMinimumWidth(
            self.volume_db_label.fontMetrics().horizontalAdvance("−∞ dB  +6.0 dB")
        )
        self.volume_slider.valueChanged.connect(self.volume_spin.setValue)
        self.volume_spin.valueChanged.connect(self.volume_slider.setValue)
        self.volume_spin.valueChanged.connect(
            lambda percent: self.volume_db_label.setText(volume_db(percent / 100))
        )
        volume_row = QHBoxLayout()
        volume_row.setSpacing(10)
        volume_row.addWidget(self.volume_slider, 1)
        volume_row.addWidget(self.volume_spin)
        volume_row.addWidget(self.volume_db_label)
        form.addRow("Volume:", volume_row)
        layout.addLayout(form)

        layout.addSpacing(16)
        layout.addWidget(self._heading("While you work", page))
        layout.addSpacing(4)
        self.auto_play_check = QCheckBox("Start playing as soon as a pattern is generated", page)
        self.beat_numbers_check = QCheckBox("Show beat numbers above the step grid", page)
        layout.addWidget(self.auto_play_check)
        layout.addWidget(self.beat_numbers_check)
        layout.addStretch(1)
        return page

    def _build_appearance_tab(self) -> QWidget:
        page, layout = self._page()
        layout.addWidget(self._heading("Theme", page))
        layout.addSpacing(6)
        form = self._form()
        self.theme_combo = QComboBox(page)
        for value, label in THEME_CHOICES:
            self.theme_combo.addItem(label, value)
        self.theme_combo.setMinimumWidth(200)
        form.addRow("Colours:", _left(self.theme_combo))
        layout.addLayout(form)
        layout.addSpacing(4)
        layout.addWidget(
            self._hint(
                "Auto follows your desktop's light or dark setting and switches with it. "
                "The change applies as soon as you press Apply or OK.",
                page,
            )
        )
        layout.addStretch(1)
        return page

    def _build_audio_tab(self) -> QWidget:
        page, layout = self._page()
        layout.addWidget(self._heading("Output", page))
        layout.addSpacing(6)
        form = self._form()

        self.audio_device_combo = QComboBox(page)
        self.audio_device_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.audio_device_combo.setMinimumContentsLength(24)
        self.audio_device_combo.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed
        )
        self.audio_rescan_button = QPushButton("Rescan", page)
        self.audio_rescan_button.setToolTip("Look for audio and MIDI devices again")
        self.audio_rescan_button.clicked.connect(self.rescan_devices)
        device_row = QHBoxLayout()
        device_row.setSpacing(8)
        device_row.addWidget(self.audio_device_combo, 1)
        device_row.addWidget(self.audio_rescan_button)
        form.addRow("Device:", device_row)
        self.audio_problem_label = self._hint("", page, role="problem")
        form.addRow("", self.audio_problem_label)

        self.sample_rate_combo = QComboBox(page)
        for rate in SAMPLE_RATES:
            self.sample_rate_combo.addItem(_sample_rate_label(rate), rate)
        form.addRow("Sample rate:", _left(self.sample_rate_combo))

        self.buffer_size_combo = QComboBox(page)
        for size in BUFFER_SIZES:
            self.buffer_size_combo.addItem(str(size), size)
        self.buffer_size_combo.setMinimumWidth(230)
        form.addRow("Buffer size:", _left(self.buffer_size_combo))
        self.sample_rate_combo.currentIndexChanged.connect(self._update_buffer_labels)
        layout.addLayout(form)
        layout.addSpacing(10)
        layout.addWidget(
            self._hint(
                "Smaller buffers answer faster but need more from the CPU. If you hear clicks "
                "or dropouts, choose a larger buffer.",
                page,
            )
        )
        layout.addStretch(1)
        self._fill_audio_devices(self._stored.audio_device)
        return page

    def _build_midi_tab(self) -> QWidget:
        page, layout = self._page()
        layout.addWidget(self._heading("Output", page))
        layout.addSpacing(6)
        form = self._form()
        self.midi_port_combo = QComboBox(page)
        self.midi_port_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.midi_port_combo.setMinimumContentsLength(24)
        self.midi_port_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.midi_rescan_button = QPushButton("Rescan", page)
        self.midi_rescan_button.setToolTip("Look for audio and MIDI devices again")
        self.midi_rescan_button.clicked.connect(self.rescan_devices)
        port_row = QHBoxLayout()
        port_row.setSpacing(8)
        port_row.addWidget(self.midi_port_combo, 1)
        port_row.addWidget(self.midi_rescan_button)
        form.addRow("Port:", port_row)
        self.midi_problem_label = self._hint("", page, role="problem")
        form.addRow("", self.midi_problem_label)
        layout.addLayout(form)
        layout.addSpacing(10)
        layout.addWidget(
            self._hint(
                "The beat machine sends its notes to this port, so you can play patterns on a "
                "hardware synth or record them in your DAW. Choose None to use the built-in "
                "sounds only.",
                page,
            )
        )
        layout.addStretch(1)
        self._fill_midi_ports(self._stored.midi_output_port)
        return page

    def _build_backups_tab(self) -> QWidget:
        page, layout = self._page()
        layout.addWidget(self._heading("Backups", page))
        form = self._form()
        self.backups_spin = QSpinBox(page)
        self.backups_spin.setRange(1, 100)
        self.backups_spin.setSuffix(" backups")
        form.addRow("Keep the newest:", _left(self.backups_spin))
        layout.addLayout(form)
        self.backups_list = QListWidget(page)
        self.backups_list.setObjectName("backupsList")
        layout.addWidget(self.backups_list, 1)
        self.backup_now_button = QPushButton("Back Up Now", page)
        self.backup_now_button.clicked.connect(self.backup_now)
        layout.addLayout(_left(self.backup_now_button))
        layout.addWidget(
            self._hint(
                "A checked copy of the library is made every day and before every upgrade. "
                "To go back to one, quit museaud and run: museaud backup restore NAME",
                page,
            )
        )
        self._fill_backups()
        return page

    def _fill_backups(self) -> None:
        self.backups_list.clear()
        for item in list_backups(self.app.paths.backup_dir):
            self.backups_list.addItem(
                f"{item.made_at:%Y-%m-%d %H:%M} UTC  {item.kind.replace('_', ' ')}  "
                f"{item.size_bytes / 1e6:.1f} MB  {item.name}"
            )

    def backup_now(self) -> None:
        """Make a checked backup now and list it (or say why it failed)."""
        try:
            self.app.backup_now()
        except BackupError as error:
            self.show_error(str(error))
        self._fill_backups()

    # devices ---------------------------------------------------------------------------------

    def _fill_audio_devices(self, selected: str | None) -> None:
        names = list(dict.fromkeys(device.name for device in self.audio_outputs.devices))
        default = next((d.name for d in self.audio_outputs.devices if d.is_default), None)
        _fill_choice_combo(
            self.audio_device_combo,
            "System default" + (f" ({default})" if default else ""),
            names,
            selected,
        )
        for device in self.audio_outputs.devices:
            index = self.audio_device_combo.findData(device.name)
            if index >= 0:
                self.audio_device_combo.setItemData(
                    index,
                    f"{device.host_api} · {device.output_channels} channels · "
                    f"{device.default_sample_rate:g} Hz",
                    Qt.ItemDataRole.ToolTipRole,
                )
        problem = self.audio_outputs.problem
        self.audio_problem_label.setText(f"No audio output available: {problem}" if problem else "")
        self.audio_problem_label.setVisible(bool(problem))

    def _fill_midi_ports(self, selected: str | None) -> None:
        _fill_choice_combo(self.midi_port_combo, "None", self.midi_outputs.names, selected)
        problem = self.midi_outputs.problem
        self.midi_problem_label.setText(f"No MIDI output available: {problem}" if problem else "")
        self.midi_problem_label.setVisible(bool(problem))

    def rescan_devices(self) -> None:
        """Ask the system for audio and MIDI outputs again, keeping the current choices."""
        audio_choice = _combo_choice(self.audio_device_combo)
        midi_choice = _combo_choice(self.midi_port_combo)
        self.audio_outputs = list_audio_outputs(release=True)
        self.midi_outputs = list_midi_outputs()
        self._fill_audio_devices(audio_choice)
        self._fill_midi_ports(midi_choice)
        self.devices_rescanned.emit(self.audio_outputs, self.midi_outputs)
        self._update_apply_button()

    def _update_buffer_labels(self) -> None:
        rate = int(self.sample_rate_combo.currentData())
        for index in range(self.buffer_size_combo.count()):
            size = int(self.buffer_size_combo.itemData(index))
            latency = buffer_latency_ms(size, rate)
            self.buffer_size_combo.setItemText(
                index, f"{size} samples  ·  {latency:.1f} ms at {_sample_rate_label(rate)}"
            )

    # values ----------------------------------------------------------------------------------

    def _show_preferences(self, preferences: Preferences) -> None:
        self.bpm_spin.setValue(preferences.default_bpm)
        _select_data(self.key_combo, preferences.default_key_note)
        _select_data(self.scale_combo, preferences.default_scale)
        if self.flavor_combo.findText(preferences.default_flavor) < 0:
            self.flavor_combo.addItem(preferences.default_flavor)
        self.flavor_combo.setCurrentText(preferences.default_flavor)
        self.volume_spin.setValue(round(preferences.default_volume * 100))
        self.volume_db_label.setText(volume_db(self.volume_spin.value() / 100))
        self.auto_play_check.setChecked(preferences.auto_play)
        self.beat_numbers_check.setChecked(preferences.show_beat_numbers)
        _select_data(self.theme_combo, preferences.theme)
        if self.sample_rate_combo.findData(preferences.audio_sample_rate) < 0:
            self.sample_rate_combo.addItem(
                _sample_rate_label(preferences.audio_sample_rate), preferences.audio_sample_rate
            )
        _select_data(self.sample_rate_combo, preferences.audio_sample_rate)
        _select_data(self.buffer_size_combo, preferences.audio_buffer_size)
        self._update_buffer_labels()
        self.backups_spin.setValue(preferences.backups_kept)

    def edited_preferences(self) -> Preferences:
        """The preferences as the dialog shows them now (not yet checked)."""
        return replace(
            self._stored,
            default_bpm=self.bpm_spin.value(),
            default_key_note=int(self.key_combo.currentData()),
            default_scale=str(self.scale_combo.currentData()),
            default_flavor=self.flavor_combo.currentText().strip(),
            default_volume=self.volume_spin.value() / 100,
            auto_play=self.auto_play_check.isChecked(),
            show_beat_numbers=self.beat_numbers_check.isChecked(),
            theme=str(self.theme_combo.currentData()),
            audio_device=_combo_choice(self.audio_device_combo),
            audio_buffer_size=int(self.buffer_size_combo.currentData()),
            audio_sample_rate=int(self.sample_rate_combo.currentData()),
            midi_output_port=_combo_choice(self.midi_port_combo),
            backups_kept=self.backups_spin.value(),
        )

    def stored_preferences(self) -> Preferences:
        """The preferences as last loaded or saved."""
        return self._stored

    def apply(self) -> bool:
        """Save what the dialog shows in one transaction; if a value is refused, say why."""
        preferences = self.edited_preferences()
        try:
            with self.app.session() as session:
                save_preferences(session, self.app.local_user_id, preferences)
        except PreferenceError as error:
            self.show_error(str(error))
            return False
        self.error_label.setVisible(False)
        self._stored = preferences
        self._baseline = preferences
        self._update_apply_button()
        self.preferences_saved.emit(preferences)
        return True

    def show_error(self, message: str) -> None:
        """Show why the preferences were not saved and bring the offending field's tab forward."""
        self.error_label.setText(f"Not saved. {friendly_error(message)}.")
        self.error_label.setVisible(True)
        field = message.partition(" ")[0]
        if field in _FIELD_TABS:
            self.tabs.setCurrentIndex(_FIELD_TABS[field])
        if field == "default_flavor":
            self.flavor_combo.setFocus()

    def error_text(self) -> str:
        """The error shown, or '' when there is none."""
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def accept(self) -> None:
        """OK: save, and close only if saving worked."""
        if self.apply():
            super().accept()

    def _button_clicked(self, button: QAbstractButton) -> None:
        if self.button_box.buttonRole(button) == QDialogButtonBox.ButtonRole.ApplyRole:
            self.apply()

    def _connect_change_tracking(self) -> None:
        for combo in (
            self.key_combo,
            self.scale_combo,
            self.theme_combo,
            self.audio_device_combo,
            self.sample_rate_combo,
            self.buffer_size_combo,
            self.midi_port_combo,
        ):
            combo.currentIndexChanged.connect(self._update_apply_button)
        self.flavor_combo.editTextChanged.connect(self._update_apply_button)
        self.bpm_spin.valueChanged.connect(self._update_apply_button)
        self.volume_spin.valueChanged.connect(self._update_apply_button)
        self.auto_play_check.toggled.connect(self._update_apply_button)
        self.beat_numbers_check.toggled.connect(self._update_apply_button)
        self.backups_spin.valueChanged.connect(self._update_apply_button)

    def _update_apply_button(self) -> None:
        apply_button = self.button_box.button(QDialogButtonBox.StandardButton.Apply)
        apply_button.setEnabled(self.edited_preferences() != self._baseline)


def _left(widget: QWidget) -> QHBoxLayout:
    """A row holding widget at its preferred width, so form fields do not stretch needlessly."""
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row


def _select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def _combo_choice(combo: QComboBox) -> str | None:
    value = combo.currentData()
    return str(value) if value else None


def _fill_choice_combo(
    combo: QComboBox, none_label: str, names: list[str], selected: str | None
) -> None:
    """Fill with a 'none' entry and names; keep a selected name that is absent, marked as such."""
    combo.blockSignals(True)
    try:
        combo.clear()
        combo.addItem(none_label, _NO_DEVICE)
        for name in names:
            combo.addItem(name, name)
        if selected and selected not in names:
            combo.addItem(f"{selected} {NOT_CONNECTED}", selected)
            combo.setItemData(
                combo.count() - 1,
                "Saved in your preferences but not found now; museaud uses it when it is back",
                Qt.ItemDataRole.ToolTipRole,
            )
        index = combo.findData(selected or _NO_DEVICE)
        combo.setCurrentIndex(max(index, 0))
    finally:
        combo.blockSignals(False)
