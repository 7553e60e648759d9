"""The now-playing strip under the transport bar's controls: the library track playing (title,
artist), elapsed and remaining time with a seek slider, previous / play-pause / next, shuffle and
repeat, and the play queue in a popup (jump, remove, reorder). It drives a `TrackPlayer`.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from museaud.audio.queue import QueuedTrack
from museaud.ui.glyphs import glyph_icon
from museaud.ui.player import TrackPlayer
from museaud.ui.theme import current_theme_colors
from museaud.ui.widgets import ElidedLabel, scaled_font

SLIDER_STEPS_PER_S = 10
"""The seek slider's resolution: a tenth of a second."""
REPEAT_TIPS = {
    "off": "Repeat: off (click for the whole queue)",
    "all": "Repeat: the whole queue (click for this track)",
    "one": "Repeat: this track (click for off)",
}


def clock_text(seconds: float) -> str:
    """Seconds as m:ss (h:mm:ss from an hour)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def track_text(track: QueuedTrack) -> str:
    """'Title — Artist' (the title alone when there is no artist)."""
    return f"{track.title} — {track.artist}" if track.artist else track.title


class QueuePopup(QFrame):
    """The play queue: double-click (or Enter) plays an entry; Remove, ↑ and ↓ edit it."""

    def __init__(self, player: TrackPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.player = player
        self.setObjectName("queuePopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.resize(380, 320)
        self.list = QListWidget(self)
        self.list.itemActivated.connect(lambda item: player.jump(self.list.row(item)))
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self._remove)
        self.up_button = QPushButton("↑", self)
        self.up_button.setToolTip("Play earlier")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = QPushButton("↓", self)
        self.down_button.setToolTip("Play later")
        self.down_button.clicked.connect(lambda: self._move(1))
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        title = QLabel("Play queue", self)
        title.setFont(scaled_font(title, 1.0, QFont.Weight.DemiBold))
        layout.addWidget(title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        player.queue_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """List the queue, the current entry marked and selected."""
        row = self.list.currentRow()
        self.list.clear()
        current = self.player.queue.current_index
        for index, entry in enumerate(self.player.queue.entries):
            mark = "▶ " if index == current else "    "
            item = QListWidgetItem(mark + track_text(entry.track), self.list)
            if index == current:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
        if 0 <= row < self.list.count():
            self.list.setCurrentRow(row)
        elif current is not None:
            self.list.setCurrentRow(current)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.player.remove(row)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        to = row + step
        if row >= 0 and 0 <= to < self.list.count():
            self.player.move(row, to)
            self.list.setCurrentRow(to)


class NowPlayingStrip(QFrame):
    """What the track player plays, with its controls (see the module doc)."""

    def __init__(self, player: TrackPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.setObjectName("nowPlaying")
        self._seeking = False
        self.previous_button = self._button("previous", "Previous (restarts after 3 s)")
        self.previous_button.clicked.connect(player.previous)
        self.pause_button = self._button("pause", "Pause / play the track")
        self.pause_button.clicked.connect(player.toggle_pause)
        self.next_button = self._button("next", "Next track")
        self.next_button.clicked.connect(player.next)
        self.title_label = ElidedLabel(parent=self)
        self.title_label.setObjectName("nowPlayingTitle")
        self.title_label.setFont(scaled_font(self.title_label, 0.95, QFont.Weight.DemiBold))
        self.title_label.setMinimumWidth(160)
        self.elapsed_label = QLabel("0:00", self)
        self.remaining_label = QLabel("-0:00", self)
        for label in (self.elapsed_label, self.remaining_label):
            label.setObjectName("transportDetail")
            label.setFont(scaled_font(label, 0.85))
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance("-88:88") + 4)
        self.remaining_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self.seek_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.seek_slider.setObjectName("seekSlider")
        self.seek_slider.setToolTip("Drag to move in the track")
        self.seek_slider.sliderPressed.connect(self._seek_pressed)
        self.seek_slider.sliderReleased.connect(self._seek_released)
        self.shuffle_button = self._button("dice", "Shuffle: every track once, in a random order")
        self.shuffle_button.setCheckable(True)
        self.shuffle_button.toggled.connect(player.set_shuffle)
        self.repeat_button = self._button("loop", REPEAT_TIPS["off"])
        self.repeat_button.setCheckable(True)
        self.repeat_button.clicked.connect(self._repeat_clicked)
        self.repeat_label = QLabel("", self)
        self.repeat_label.setObjectName("transportDetail")
        self.queue_button = self._button("playlists", "The play queue")
        self.queue_button.clicked.connect(self.show_queue)
        self.queue_popup: QueuePopup | None = None

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 0)
        row.setSpacing(6)
        for widget in (self.previous_button, self.pause_button, self.next_button):
            row.addWidget(widget)
        row.addSpacing(6)
        row.addWidget(self.title_label, 2)
        row.addWidget(self.elapsed_label)
        row.addWidget(self.seek_slider, 3)
        row.addWidget(self.remaining_label)
        row.addSpacing(6)
        row.addWidget(self.shuffle_button)
        row.addWidget(self.repeat_button)
        row.addWidget(self.repeat_label)
        row.addWidget(self.queue_button)

        player.now_playing_changed.connect(self._now_playing)
        player.position_changed.connect(self._position)
        player.paused_changed.connect(lambda _paused: self.refresh_theme())
        player.queue_changed.connect(self._modes)
        self._now_playing(player.now_playing)
        self.refresh_theme()

    def _button(self, glyph: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName("transportToggle")
        button.setProperty("glyph", glyph)
        button.setToolTip(tip)
        button.setFixedSize(30, 26)
        button.setIconSize(QSize(16, 16))
        return button

    def _now_playing(self, track: QueuedTrack | None) -> None:
        self.setVisible(track is not None or len(self.player.queue) > 0)
        self.title_label.setText(track_text(track) if track is not None else "Stopped")
        self.title_label.setToolTip(track.path if track is not None else "")
        self.seek_slider.setEnabled(track is not None)
        if track is None:
            self._position(0.0, 0.0)
        self.refresh_theme()

    def _position(self, seconds: float, length: float) -> None:
        self.elapsed_label.setText(clock_text(seconds))
        self.remaining_label.setText("-" + clock_text(max(0.0, length - seconds)))
        if not self._seeking:
            self.seek_slider.blockSignals(True)
            self.seek_slider.setRange(0, round(length * SLIDER_STEPS_PER_S))
            self.seek_slider.setValue(round(seconds * SLIDER_STEPS_PER_S))
            self.seek_slider.blockSignals(False)

    def _seek_pressed(self) -> None:
        self._seeking = True

    def _seek_released(self) -> None:
        self._seeking = False
        self.player.seek(self.seek_slider.value() / SLIDER_STEPS_PER_S)

    def _repeat_clicked(self) -> None:
        self.player.cycle_repeat()

    def _modes(self) -> None:
        queue = self.player.queue
        self.shuffle_button.blockSignals(True)
        self.shuffle_button.setChecked(queue.shuffle)
        self.shuffle_button.blockSignals(False)
        self.repeat_button.setChecked(queue.repeat != "off")
        self.repeat_button.setToolTip(REPEAT_TIPS[queue.repeat])
        self.repeat_label.setText("1" if queue.repeat == "one" else "")
        self.setVisible(self.player.now_playing is not None or len(queue) > 0)

    def show_queue(self) -> QueuePopup:
        """Open the queue under its button."""
        if self.queue_popup is None:
            self.queue_popup = QueuePopup(self.player, self)
        popup = self.queue_popup
        popup.refresh()
        corner = self.queue_button.mapToGlobal(QPoint(0, self.queue_button.height()))
        popup.move(corner - QPoint(popup.width() - self.queue_button.width(), 0))
        popup.show()
        return popup

    def refresh_theme(self) -> None:
        """Paint the glyphs in the current theme's colours."""
        colors = current_theme_colors()
        playing = self.player.now_playing is not None and not self.player.is_paused()
        self.pause_button.setProperty("glyph", "pause" if playing else "play")
        for button in (
            self.previous_button,
            self.pause_button,
            self.next_button,
            self.shuffle_button,
            self.repeat_button,
            self.queue_button,
        ):
            color = colors.accent if button is self.pause_button and playing else colors.text
            button.setIcon(glyph_icon(str(button.property("glyph")), color))
        self.title_label.setStyleSheet(f"color: {colors.text};")
