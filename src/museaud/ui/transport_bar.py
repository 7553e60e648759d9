"""The transport bar across the top of the main window: play/stop (Space), panic, position,
tempo, loop, click, feel and master volume; where the sound goes (an audio device with its buffer
size, or a MIDI port with optional clock); and how the engine copes (CPU load and xruns). Under
them, once library tracks play, the now-playing strip (`ui/now_playing.py`).

The bar drives a `PlaybackController` and shows what it reports. With no audio device or no
MIDI port it says so in plain words under the controls, and everything else keeps working.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from museaud.accounts.preferences import BUFFER_SIZES
from museaud.audio.devices import AudioDevices, MidiPorts
from museaud.audio.transport import TransportSettings, TransportState
from museaud.patterns.model import BEAT_BPM_MAX, BEAT_BPM_MIN, BeatPattern
from museaud.ui.glyphs import glyph_icon, glyph_pixmap
from museaud.ui.now_playing import NowPlayingStrip
from museaud.ui.playback import STARTING_TEXT, OutputChoice, PlaybackController
from museaud.ui.player import TrackPlayer
from museaud.ui.theme import ThemeColors, current_theme_colors
from museaud.ui.widgets import ElidedLabel, scaled_font

BAR_BUFFER_SIZES = tuple(size for size in BUFFER_SIZES if 64 <= size <= 2048)
NO_AUDIO_TEXT = "No audio device — offline render still works (museaud render PATTERN out.wav)"
NO_MIDI_TEXT = "No MIDI port found — connect a synth and press ⟳, or play on the audio device"
ROW_HEIGHT = 30
"""The height of the bar's one row of controls, in pixels."""
LOAD_WARNING = 0.7
"""Callback load (share of the buffer period) from which the meter turns to a warning."""

PatternSource = Callable[[], BeatPattern | None]


def position_text(state: TransportState | None, beats_per_bar: int) -> str:
    """The position as bar.beat, both counted from 1 ("1.1" when stopped at the start)."""
    if state is None or beats_per_bar < 1:
        return "1.1"
    beat_in_bar = int(state.beat - state.bar * beats_per_bar)
    beat_in_bar = min(max(beat_in_bar, 0), beats_per_bar - 1)
    return f"{state.bar + 1}.{beat_in_bar + 1}"


def buffer_label(size: int, sample_rate: int) -> str:
    """A buffer size with the latency it costs, e.g. '256 · 5.3 ms'."""
    return f"{size} · {size / sample_rate * 1000:.1f} ms"


class LoadMeter(QWidget):
    """A small bar of the audio callback's load, with the xrun count beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(56, 8)
        self._load = 0.0
        self._active = False
        self.setToolTip("Audio engine load: the slowest recent callback against the buffer time")

    def set_load(self, load: float, *, active: bool = True) -> None:
        """Show load (1.0 = the callback used its whole period)."""
        self._load = max(0.0, load)
        self._active = active
        self.update()

    def load(self) -> float:
        """The load shown."""
        return self._load

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """A rounded trough filled to the load, green, amber from LOAD_WARNING, red at 1."""
        colors = current_theme_colors()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            trough = QRectF(0, 0, self.width(), self.height())
            painter.setBrush(QColor(colors.chip))
            painter.drawRoundedRect(trough, 3, 3)
            if self._active and self._load > 0:
                if self._load >= 1.0:
                    color = colors.error_text
                elif self._load >= LOAD_WARNING:
                    color = colors.warning
                else:
                    color = colors.ok
                painter.setBrush(QColor(color))
                filled = QRectF(0, 0, max(3.0, self.width() * min(self._load, 1.0)), self.height())
                painter.drawRoundedRect(filled, 3, 3)
        finally:
            painter.end()


def _captioned(caption: str, control: QWidget, parent: QWidget) -> QWidget:
    """control with a small caption before it, as on a hardware panel (one row keeps the bar
    low, leaving the height to the views)."""
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    label = QLabel(caption.upper(), holder)
    label.setObjectName("transportCaption")
    font = scaled_font(label, 0.74, QFont.Weight.DemiBold)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    label.setFont(font)
    row.addWidget(label, 0, Qt.AlignmentFlag.AlignVCenter)
    row.addWidget(control, 0, Qt.AlignmentFlag.AlignVCenter)
    return holder


def _rule(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setObjectName("transportRule")
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Plain)
    line.setFixedHeight(ROW_HEIGHT)
    return line


class TransportBar(QFrame):
    """Play, stop and shape what plays; choose where it sounds; see how the engine copes."""

    output_chosen = Signal(object)
    """The OutputChoice the producer picked in the bar (the window stores it)."""

    def __init__(self, controller: PlaybackController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("transportBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._pattern_source: PatternSource = lambda: None
        self._audio = AudioDevices()
        self._midi = MidiPorts()
        self._choice = controller.output
        self._updating = False
        self.now_playing: NowPlayingStrip | None = None

        self.play_action = QAction("Play", self)
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.play_action.setToolTip("Play / stop (Space)")
        self.play_action.triggered.connect(self.toggle_play)
        self.addAction(self.play_action)
        self.panic_action = QAction("Panic", self)
        self.panic_action.setToolTip(
            "All notes off: stop and silence everything the output may still hold"
        )
        self.panic_action.triggered.connect(controller.panic)
        self.addAction(self.panic_action)

        self.play_button = QToolButton(self)
        self.play_button.setObjectName("playButton")
        self.play_button.setDefaultAction(self.play_action)
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.play_button.setFixedSize(40, ROW_HEIGHT + 2)
        self.play_button.setIconSize(QSize(18, 18))
        self.panic_button = QToolButton(self)
        self.panic_button.setObjectName("transportToggle")
        self.panic_button.setDefaultAction(self.panic_action)
        self.panic_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.panic_button.setFixedSize(ROW_HEIGHT + 4, ROW_HEIGHT)

        self.position_label = QLabel("1.1", self)
        self.position_label.setObjectName("transportPosition")
        position_font = scaled_font(self.position_label, 1.45, QFont.Weight.DemiBold)
        position_font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        position_font.setStyleHint(QFont.StyleHint.Monospace)
        self.position_label.setFont(position_font)
        self.position_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.position_label.setToolTip("Position in the loop: bar.beat")
        self.position_label.setMinimumWidth(
            self.position_label.fontMetrics().horizontalAdvance("88.8") + 2
        )
        self.playing_label = ElidedLabel(parent=self)
        self.playing_label.setObjectName("transportDetail")
        self.playing_label.setFont(scaled_font(self.playing_label, 0.85))
        self.playing_label.setFixedWidth(118)
        position_box = QWidget(self)
        position_box.setObjectName("positionBox")
        position_box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        position_box.setFixedHeight(ROW_HEIGHT + 2)
        position_row = QHBoxLayout(position_box)
        position_row.setContentsMargins(10, 0, 10, 0)
        position_row.setSpacing(8)
        position_row.addWidget(self.position_label, 0, Qt.AlignmentFlag.AlignVCenter)
        position_row.addWidget(self.playing_label, 0, Qt.AlignmentFlag.AlignVCenter)

        self.tempo_spin = QDoubleSpinBox(self)
        self.tempo_spin.setRange(BEAT_BPM_MIN, BEAT_BPM_MAX)
        self.tempo_spin.setDecimals(1)
        self.tempo_spin.setSingleStep(1.0)
        self.tempo_spin.setSuffix(" BPM")
        self.tempo_spin.setKeyboardTracking(False)
        self.tempo_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.tempo_spin.setFixedWidth(104)
        self.tempo_spin.setToolTip("Tempo: changes apply at once, from the beat playing")
        self.tempo_spin.setValue(120.0)
        self.tempo_spin.valueChanged.connect(self._tempo_edited)

        self.loop_button = self._toggle_button(
            "Loop", "loop", "Loop: play the pattern until stopped", icon_only=True
        )
        self.loop_button.setChecked(controller.settings.loop)
        self.loop_button.toggled.connect(self._loop_toggled)
        self.click_button = self._toggle_button(
            "Click",
            "metronome",
            "Click: a metronome on every beat, accented on the bar",
            icon_only=True,
        )
        self.click_button.toggled.connect(self._click_toggled)

        self.humanize_spin = QSpinBox(self)
        self.humanize_spin.setRange(0, 100)
        self.humanize_spin.setSingleStep(5)
        self.humanize_spin.setSuffix(" %")
        self.humanize_spin.setFixedWidth(68)
        self.humanize_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.humanize_spin.setToolTip(
            "Humanize: loosen the timing (up to ±10 ms) and velocity of every hit"
        )
        self.humanize_spin.valueChanged.connect(self._humanize_edited)

        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setRange(0, 200)
        self.volume_slider.setValue(100)
        self.volume_slider.setFixedWidth(76)
        self.volume_slider.setToolTip("Master volume, 0-200 % (a limiter keeps peaks below 0 dB)")
        self.volume_value = QLabel("100 %", self)
        self.volume_value.setObjectName("transportDetail")
        self.volume_value.setFixedWidth(40)
        self.volume_slider.valueChanged.connect(self._volume_edited)
        volume_row = QWidget(self)
        volume_layout = QHBoxLayout(volume_row)
        volume_layout.setContentsMargins(0, 0, 0, 0)
        volume_layout.setSpacing(6)
        self.volume_icon = QLabel(volume_row)
        self.volume_icon.setToolTip(self.volume_slider.toolTip())
        volume_layout.addWidget(self.volume_icon)
        volume_layout.addWidget(self.volume_slider)
        volume_layout.addWidget(self.volume_value)

        self.output_combo = QComboBox(self)
        self.output_combo.setObjectName("outputCombo")
        self.output_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.output_combo.setMinimumContentsLength(16)
        self.output_combo.setToolTip("Where the sound goes: the built-in engine or a MIDI port")
        self.output_combo.activated.connect(self._output_activated)
        self.rescan_button = QToolButton(self)
        self.rescan_button.setObjectName("transportToggle")
        self.rescan_button.setToolTip("Look for audio devices and MIDI ports again")
        self.rescan_button.setFixedSize(28, ROW_HEIGHT - 2)
        output_row = QWidget(self)
        output_layout = QHBoxLayout(output_row)
        output_layout.setContentsMargins(0, 0, 0, 0)
        output_layout.setSpacing(4)
        output_layout.addWidget(self.output_combo, 1)
        output_layout.addWidget(self.rescan_button)

        self.buffer_combo = QComboBox(self)
        for size in BAR_BUFFER_SIZES:
            self.buffer_combo.addItem(str(size), size)
        self.buffer_combo.setToolTip(
            "Audio buffer: smaller answers faster but asks more of the CPU; "
            "choose a larger one if you hear clicks"
        )
        self.buffer_combo.activated.connect(self._buffer_activated)
        self.clock_button = self._toggle_button(
            "Clock", "midi", "Send MIDI clock (24 per quarter note) with start and stop"
        )
        self.clock_button.toggled.connect(self._clock_toggled)
        self.buffer_box = self.buffer_combo  # its items say frames and milliseconds
        self.clock_box = self.clock_button

        self.load_meter = LoadMeter(self)
        self.load_label = QLabel("CPU —", self)
        self.load_label.setObjectName("transportDetail")
        self.load_label.setFont(scaled_font(self.load_label, 0.85))
        self.xrun_label = QLabel("0 xruns", self)
        self.xrun_label.setObjectName("transportDetail")
        self.xrun_label.setFont(scaled_font(self.xrun_label, 0.85))
        self.xrun_label.setToolTip("Buffers the engine could not fill in time (heard as clicks)")
        self.load_box = QWidget(self)
        self.load_box.setToolTip("How the audio engine copes: callback load and dropouts")
        load_column = QVBoxLayout(self.load_box)
        load_column.setContentsMargins(0, 0, 0, 0)
        load_column.setSpacing(1)
        load_top = QHBoxLayout()
        load_top.setSpacing(6)
        load_top.addWidget(self.load_meter, 0, Qt.AlignmentFlag.AlignVCenter)
        load_top.addWidget(self.load_label)
        load_column.addLayout(load_top)
        load_column.addWidget(self.xrun_label)

        self.message_icon = QLabel(self)
        self.message_label = ElidedLabel(parent=self)
        self.message_label.setObjectName("transportMessage")
        self.message_label.setFont(scaled_font(self.message_label, 0.9))
        self.message_row = QWidget(self)
        self.message_row.setObjectName("transportMessageRow")
        message_layout = QHBoxLayout(self.message_row)
        message_layout.setContentsMargins(2, 0, 0, 0)
        message_layout.setSpacing(6)
        message_layout.addWidget(self.message_icon)
        message_layout.addWidget(self.message_label, 1)
        self.message_row.setVisible(False)

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(8)
        centre = Qt.AlignmentFlag.AlignVCenter
        for widget, stretch in (
            (self.play_button, 0),
            (self.panic_button, 0),
            (position_box, 0),
            (self.tempo_spin, 0),
            (self.loop_button, 0),
            (self.click_button, 0),
            (_captioned("Humanize", self.humanize_spin, self), 0),
            (volume_row, 0),
            (_rule(self), 0),
            (output_row, 1),
            (self.buffer_box, 0),
            (self.clock_box, 0),
            (self.load_box, 0),
        ):
            controls.addWidget(widget, stretch, centre)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 5, 12, 5)
        layout.setSpacing(3)
        layout.addLayout(controls)
        layout.addWidget(self.message_row)
        self._layout = layout

        self.rescan_button.clicked.connect(self._rescan_clicked)
        self._rescan: Callable[[], None] = lambda: None
        controller.state_changed.connect(self.show_state)
        controller.playing_changed.connect(self._playing_changed)
        controller.problem_changed.connect(lambda _text: self._refresh_message())
        controller.settings_changed.connect(self._settings_changed)
        controller.starting_changed.connect(self._starting_changed)
        self._show_output_controls()
        self._playing_changed(controller.is_playing())
        self.refresh_theme()

    def _toggle_button(
        self, text: str, glyph: str, tip: str, *, icon_only: bool = False
    ) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName("transportToggle")
        button.setText(text)
        button.setCheckable(True)
        button.setToolTip(tip)
        button.setProperty("glyph", glyph)
        if icon_only:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            button.setFixedWidth(ROW_HEIGHT + 4)
        else:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setFixedHeight(ROW_HEIGHT - 2)
        return button

    # wiring -------------------------------------------------------------------------------------

    def set_pattern_source(self, source: PatternSource) -> None:
        """What Play plays: a function giving the pattern on the bench (or None)."""
        self._pattern_source = source

    def set_player(self, player: TrackPlayer) -> NowPlayingStrip:
        """Show the track player's now-playing strip under the controls."""
        strip = NowPlayingStrip(player, self)
        self._layout.insertWidget(1, strip)
        self.now_playing = strip
        return strip

    def set_rescan(self, rescan: Callable[[], None]) -> None:
        """What the ⟳ button does: look for devices again (the window then calls set_outputs)."""
        self._rescan = rescan

    def _rescan_clicked(self) -> None:
        self._rescan()

    def toggle_play(self) -> None:
        """Play the pattern on the bench, or stop (Space)."""
        self.controller.toggle(self._pattern_source())

    # outputs ------------------------------------------------------------------------------------

    def set_outputs(self, audio: AudioDevices, midi: MidiPorts) -> None:
        """List the outputs there are; the chosen one stays chosen (marked when it is missing)."""
        self._audio = audio
        self._midi = midi
        self._fill_outputs()
        self._refresh_message()

    def choose_output(self, choice: OutputChoice) -> None:
        """Select choice in the bar and send the sound there."""
        self._choice = choice
        self._fill_outputs()
        self.controller.set_output(choice)
        self._refresh_message()

    def output_choice(self) -> OutputChoice:
        """The output chosen in the bar."""
        return self._choice

    def _fill_outputs(self) -> None:
        colors = current_theme_colors()
        speaker = glyph_icon("speaker", colors.muted_text)
        midi_icon = glyph_icon("midi", colors.muted_text)
        warning = glyph_icon("warning", colors.warning)
        choice = self._choice
        self._updating = True
        try:
            combo = self.output_combo
            combo.clear()
            names = [device.name for device in self._audio.devices]
            default = next((d.name for d in self._audio.devices if d.is_default), None)
            for device in self._audio.devices:
                combo.addItem(speaker, f"Audio · {device.name}", ("audio", device.name))
                combo.setItemData(
                    combo.count() - 1,
                    f"The built-in engine on {device.name} ({device.host_api})",
                    Qt.ItemDataRole.ToolTipRole,
                )
            if choice.kind == "audio" and choice.name and choice.name not in names:
                combo.addItem(warning, f"Audio · {choice.name} (not found)", ("audio", choice.name))
            if not self._audio.devices:
                combo.addItem(warning, "Audio · no device", ("audio", None))
            if self._midi.names or choice.kind == "midi":
                combo.insertSeparator(combo.count())
            for port in self._midi.names:
                combo.addItem(midi_icon, f"MIDI · {port}", ("midi", port))
            if choice.kind == "midi" and choice.name not in self._midi.names:
                label = f"MIDI · {choice.name} (not connected)" if choice.name else "MIDI · no port"
                combo.addItem(warning, label, ("midi", choice.name))
            wanted: tuple[str, str | None] = (choice.kind, choice.name)
            if choice.kind == "audio" and choice.name is None and default is not None:
                wanted = ("audio", default)
            index = next((row for row in range(combo.count()) if combo.itemData(row) == wanted), 0)
            combo.setCurrentIndex(index)
            self._select_buffer(choice.buffer_size)
            self.clock_button.setChecked(choice.clock)
        finally:
            self._updating = False
        self._show_output_controls()

    def _select_buffer(self, size: int) -> None:
        index = self.buffer_combo.findData(size)
        if index < 0:
            self.buffer_combo.addItem(str(size), size)
            index = self.buffer_combo.count() - 1
        self.buffer_combo.setCurrentIndex(index)
        for row in range(self.buffer_combo.count()):
            value = int(self.buffer_combo.itemData(row))
            self.buffer_combo.setItemText(row, buffer_label(value, self._choice.sample_rate))

    def _output_activated(self, index: int) -> None:
        data = self.output_combo.itemData(index)
        if self._updating or not isinstance(data, tuple):
            return
        kind, name = data
        choice = OutputChoice(
            kind=kind,
            name=name,
            buffer_size=self._choice.buffer_size,
            sample_rate=self._choice.sample_rate,
            clock=self._choice.clock,
        )
        self._choose(choice)

    def _buffer_activated(self, index: int) -> None:
        if self._updating:
            return
        size = int(self.buffer_combo.itemData(index))
        self._choose(replace(self._choice, buffer_size=size))

    def _clock_toggled(self, on: bool) -> None:
        if not self._updating:
            self._choose(replace(self._choice, clock=on))

    def _choose(self, choice: OutputChoice) -> None:
        if choice == self._choice:
            return
        self._choice = choice
        self.controller.set_output(choice)
        self.controller.warm_up()  # the producer is about to play: start the engine now
        self._show_output_controls()
        self._refresh_message()
        self.output_chosen.emit(choice)

    def _show_output_controls(self) -> None:
        audio = self._choice.kind == "audio"
        self.buffer_box.setVisible(audio)
        self.load_box.setVisible(audio)
        self.clock_box.setVisible(not audio)

    # what plays ---------------------------------------------------------------------------------

    def show_state(self, state: TransportState) -> None:
        """Show the player's position, tempo, load and xruns."""
        pattern = self.controller.pattern
        beats_per_bar = pattern.beats_per_bar if pattern is not None else 4
        self.position_label.setText(position_text(state, beats_per_bar))
        if self._choice.kind == "audio":
            self.load_meter.set_load(state.load, active=state.playing)
            self.load_label.setText(f"CPU {state.load * 100:.0f} %")
            self.xrun_label.setText(f"{state.xruns} xrun" + ("" if state.xruns == 1 else "s"))
            self.xrun_label.setProperty("state", "warning" if state.xruns else "normal")
            self.xrun_label.style().unpolish(self.xrun_label)
            self.xrun_label.style().polish(self.xrun_label)
        if state.playing and pattern is not None and self.controller.is_playing():
            loop = f" · loop {state.loops + 1}" if state.loops else ""
            self.playing_label.setText(f"{pattern.title}{loop}")

    def _playing_changed(self, playing: bool) -> None:
        colors = current_theme_colors()
        glyph = "stop" if playing else "play"
        color = colors.accent_text if playing else colors.text
        self.play_action.setIcon(glyph_icon(glyph, color))
        self.play_action.setText("Stop" if playing else "Play")
        self.play_action.setToolTip("Stop (Space)" if playing else "Play (Space)")
        self.play_button.setProperty("playing", playing)
        self.play_button.style().unpolish(self.play_button)
        self.play_button.style().polish(self.play_button)
        if not playing and not self.controller.is_starting():
            pattern = self.controller.pattern
            self.playing_label.setText(pattern.title if pattern is not None else "Stopped")
            if self.controller.last_state() is None:
                self.position_label.setText("1.1")
        if playing:
            self._settings_changed(self.controller.settings)

    def _starting_changed(self, starting: bool) -> None:
        if starting:
            self.playing_label.setText(STARTING_TEXT)
            self.playing_label.setToolTip(
                "The audio engine starts in a process of its own; what you asked for plays "
                "as soon as it is up"
            )
        else:
            self.playing_label.setToolTip("")
            self._playing_changed(self.controller.is_playing())
            pattern = self.controller.pattern
            if self.controller.is_playing() and pattern is not None:
                self.playing_label.setText(pattern.title)

    def show_pattern(self, pattern: BeatPattern | None) -> None:
        """Show the pattern that Play would play (its title and tempo) while stopped."""
        if pattern is None or self.controller.is_playing():
            return
        if not self.controller.is_starting():
            self.playing_label.setText(pattern.title)
        self._set_tempo_shown(self.controller.settings.bpm or pattern.bpm)

    def _settings_changed(self, settings: TransportSettings) -> None:
        self._updating = True
        try:
            tempo = self.controller.tempo()
            if tempo is not None:
                self._set_tempo_shown(tempo)
            self.loop_button.setChecked(settings.loop)
            self.click_button.setChecked(settings.metronome)
            self.humanize_spin.setValue(round(settings.humanize * 100))
            self.volume_slider.setValue(round(settings.master_volume * 100))
        finally:
            self._updating = False

    def _set_tempo_shown(self, bpm: float) -> None:
        self.tempo_spin.blockSignals(True)
        self.tempo_spin.setValue(bpm)
        self.tempo_spin.blockSignals(False)

    # live edits ---------------------------------------------------------------------------------

    def _tempo_edited(self, bpm: float) -> None:
        if not self._updating:
            self.controller.set_tempo(bpm)

    def _loop_toggled(self, on: bool) -> None:
        if not self._updating:
            self.controller.set_loop(on)

    def _click_toggled(self, on: bool) -> None:
        if not self._updating:
            self.controller.set_metronome(on)

    def _humanize_edited(self, percent: int) -> None:
        if not self._updating:
            self.controller.set_humanize(percent / 100)

    def _volume_edited(self, percent: int) -> None:
        self.volume_value.setText(f"{percent} %")
        if not self._updating:
            self.controller.set_master_volume(percent / 100)

    # what to say --------------------------------------------------------------------------------

    def message(self) -> str:
        """The line shown under the controls ("" when all is well)."""
        return self.message_label.text() if self.message_row.isVisibleTo(self) else ""

    def _refresh_message(self) -> None:
        choice = self._choice
        text = self.controller.problem
        if not text:
            if choice.kind == "audio" and not self._audio.devices:
                text = NO_AUDIO_TEXT
            elif choice.kind == "midi" and not self._midi.names:
                text = NO_MIDI_TEXT
            elif choice.kind == "midi" and choice.name not in self._midi.names:
                text = (
                    f"MIDI port “{choice.name}” is not connected — plug it in and press ⟳, "
                    "or choose another output"
                )
        self.message_label.setText(text)
        self.message_label.setToolTip(text)
        self.message_row.setVisible(bool(text))

    # saved state --------------------------------------------------------------------------------

    def saved_state(self) -> dict[str, Any]:
        """What the bar keeps between sessions: output kind and the playing settings."""
        settings = self.controller.settings
        return {
            "output": self._choice.kind,
            "clock": self._choice.clock,
            "loop": settings.loop,
            "metronome": settings.metronome,
            "humanize": settings.humanize,
            "master_volume": settings.master_volume,
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        """Take back the settings saved_state gave (unknown or bad values are ignored)."""
        controller = self.controller
        if isinstance(state.get("loop"), bool):
            controller.set_loop(state["loop"])
        if isinstance(state.get("metronome"), bool):
            controller.set_metronome(state["metronome"])
        humanize = state.get("humanize")
        if isinstance(humanize, int | float) and 0 <= humanize <= 1:
            controller.set_humanize(float(humanize))
        volume = state.get("master_volume")
        if isinstance(volume, int | float) and 0 <= volume <= 2:
            controller.set_master_volume(float(volume))

    # theme --------------------------------------------------------------------------------------

    def refresh_theme(self) -> None:
        """Restyle the bar and repaint its glyphs in the current theme's colours."""
        colors = current_theme_colors()
        self.setStyleSheet(_stylesheet(colors))
        for button in (self.loop_button, self.click_button, self.clock_button):
            glyph = str(button.property("glyph"))
            button.setIcon(glyph_icon(glyph, colors.muted_text))
        self.panic_action.setIcon(glyph_icon("panic", colors.error_text))
        self.rescan_button.setIcon(glyph_icon("refresh", colors.muted_text))
        self.volume_icon.setPixmap(glyph_pixmap("speaker", 16, colors.muted_text))
        self.message_icon.setPixmap(glyph_pixmap("warning", 14, colors.warning))
        self._playing_changed(self.controller.is_playing())
        self._fill_outputs()
        self.load_meter.update()
        if self.now_playing is not None:
            self.now_playing.refresh_theme()


def _stylesheet(c: ThemeColors) -> str:
    """The bar's own styles, from the theme's colour table."""
    return f"""
QFrame#transportBar {{
    background: {c.panel};
    border-bottom: 1px solid {c.border};
}}
QLabel#transportCaption {{ color: {c.muted_text}; }}
QLabel#transportDetail {{ color: {c.muted_text}; }}
QLabel#transportDetail[state="warning"] {{ color: {c.warning}; }}
QLabel#transportMessage {{ color: {c.warning}; }}
QFrame#transportRule {{ color: {c.border}; }}
QWidget#positionBox {{
    background: {c.base};
    border: 1px solid {c.border};
    border-radius: 8px;
}}
QLabel#transportPosition {{ color: {c.text}; }}
QToolButton#playButton {{
    background: {c.button};
    border: 1px solid {c.border};
    border-radius: 8px;
}}
QToolButton#playButton:hover {{ background: {c.hover}; }}
QToolButton#playButton[playing="true"] {{
    background: {c.accent};
    border: 1px solid {c.accent};
}}
QToolButton#transportToggle {{
    background: {c.button};
    color: {c.text};
    border: 1px solid {c.border};
    border-radius: 6px;
    padding: 2px 8px;
}}
QToolButton#transportToggle:hover {{ background: {c.hover}; }}
QToolButton#transportToggle:checked {{
    background: {c.accent_soft};
    border: 1px solid {c.accent};
}}
"""
