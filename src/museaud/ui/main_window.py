"""The main window: a transport bar, a sidebar of domains, their views, the menus and a status
bar.

Audio and MIDI outputs are asked for once, when the window is made; the transport bar's ⟳ and the
preferences dialog look again. The transport plays the beat machine's pattern and the library's
previews. The window's size, layout, view and transport settings are kept per user in the store's
ui_state table; the chosen audio device, buffer size and MIDI port in the preferences.
"""

from __future__ import annotations

import base64
import logging
import platform
import uuid
from pathlib import Path
from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, qVersion
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QFont,
    QGuiApplication,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from museaud import __version__, analytics
from museaud.accounts.preferences import (
    Preferences,
    load_preferences,
    load_ui_state,
    save_ui_state,
    update_preferences,
)
from museaud.app import App
from museaud.audio.devices import AudioDevices, MidiPorts, list_audio_outputs, list_midi_outputs
from museaud.patterns.model import BeatPattern, PatternError
from museaud.patterns.service import PatternNotFoundError, load_pattern
from museaud.playlists.history import Source
from museaud.ui.glyphs import app_icon, glyph_icon
from museaud.ui.import_dialog import ImportDialog
from museaud.ui.playback import OutputChoice, PlaybackController
from museaud.ui.player import TrackPlayer
from museaud.ui.playlists.spring import spring_load
from museaud.ui.preferences_dialog import PreferencesDialog
from museaud.ui.system_check import SystemCheckDialog
from museaud.ui.theme import apply_theme, current_theme_colors
from museaud.ui.transport_bar import TransportBar
from museaud.ui.views import VIEW_CLASSES, BeatMachineView, LibraryView, PlaylistsView, View
from museaud.ui.views.playlists import PlayRequest
from museaud.ui.widgets import StatusItem, scaled_font, separator

log = logging.getLogger(__name__)

UI_STATE_COMPONENT = "main_window"
TRANSPORT_STATE_COMPONENT = "transport"
DEFAULT_SIZE = QSize(1280, 800)
DEFAULT_SIDEBAR_WIDTH = 224
MIN_SIDEBAR_WIDTH = 170
IMPORT_TIP = "Import folders of audio: tags, tempo, key, loudness and sections"


def _to_base64(data: QByteArray) -> str:
    return base64.b64encode(data.data()).decode("ascii")


def _from_base64(text: object) -> QByteArray | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return QByteArray(base64.b64decode(text.encode("ascii"), validate=True))
    except ValueError:
        return None


def audio_status(audio_outputs: AudioDevices) -> tuple[str, bool]:
    """The status-bar line for audio output and whether it is a warning."""
    if audio_outputs.problem:
        return f"Playback unavailable: {audio_outputs.problem}", True
    return f"Audio: {audio_outputs.summary()}", False


def midi_status(midi_outputs: MidiPorts) -> str:
    """The status-bar line for MIDI output."""
    return midi_outputs.summary()


class MainWindow(QMainWindow):
    """museaud's main window for one opened App."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(760, 480)
        self.audio_outputs = list_audio_outputs(release=True)
        self.midi_outputs = list_midi_outputs()
        with app.session() as session:
            self.preferences = load_preferences(session, app.local_user_id)
            saved_state = load_ui_state(session, app.local_user_id, UI_STATE_COMPONENT)
            transport_state = load_ui_state(session, app.local_user_id, TRANSPORT_STATE_COMPONENT)
        self._sidebar_width = DEFAULT_SIDEBAR_WIDTH
        self._refreshing_theme = False

        self.views: dict[str, View] = {}
        self.stack = QStackedWidget(self)
        for view_class in VIEW_CLASSES:
            view = view_class(app, self.stack)
            view.apply_preferences(self.preferences)
            self.views[view.view_name] = view
            self.stack.addWidget(view)

        self.sidebar_panel = self._build_sidebar()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setHandleWidth(1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.sidebar_panel)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes(
            [DEFAULT_SIDEBAR_WIDTH, DEFAULT_SIZE.width() - DEFAULT_SIDEBAR_WIDTH]
        )
        self.playback = PlaybackController(app, self)
        self.player = TrackPlayer(app, self.playback, self)
        self.transport_bar = TransportBar(self.playback, self)
        self.transport_bar.set_player(self.player)
        central = QWidget(self)
        central.setObjectName("centralPanel")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.transport_bar)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._connect_transport(transport_state)

        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self.show_view(VIEW_CLASSES[0].view_name)
        self.refresh_theme()
        self._restore_window_state(saved_state)

    # building -------------------------------------------------------------------------------

    def _build_sidebar(self) -> QWidget:
        panel = QWidget(self)
        panel.setObjectName("sidebarPanel")
        panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        panel.setMinimumWidth(MIN_SIDEBAR_WIDTH)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        brand_row = QHBoxLayout()
        brand_row.setContentsMargins(18, 16, 18, 12)
        brand_row.setSpacing(10)
        logo = QLabel(panel)
        logo.setPixmap(app_icon().pixmap(26, 26))
        brand = QLabel("museaud", panel)
        brand.setObjectName("sidebarBrandText")
        brand.setFont(scaled_font(brand, 1.3, QFont.Weight.Bold))
        brand_row.addWidget(logo)
        brand_row.addWidget(brand)
        brand_row.addStretch(1)
        layout.addLayout(brand_row)

        self.sidebar = QListWidget(panel)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(18, 18))
        self.sidebar.setUniformItemSizes(True)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.sidebar.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for number, view in enumerate(self.views.values(), start=1):
            item = QListWidgetItem(view.title)
            item.setData(Qt.ItemDataRole.UserRole, view.view_name)
            item.setToolTip(f"{view.title}   {_shortcut_text(number)}")
            item.setSizeHint(QSize(0, 36))
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self._sidebar_row_changed)
        spring_load(self.sidebar, self.show_view)  # tracks held over Playlists open it
        layout.addWidget(self.sidebar, 1)

        footer = QLabel(f"Local profile  ·  v{__version__}", panel)
        footer.setObjectName("sidebarFooter")
        footer.setFont(scaled_font(footer, 0.9))
        layout.addWidget(footer)
        return panel

    def _build_actions(self) -> None:
        self.import_folder_action = QAction("&Import Folder…", self)
        self.import_folder_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_folder_action.setToolTip(IMPORT_TIP)
        self.import_folder_action.setStatusTip(IMPORT_TIP)
        self.import_folder_action.triggered.connect(self._import_folder_chosen)

        self.preferences_action = QAction("&Preferences…", self)
        self.preferences_action.setShortcut(QKeySequence("Ctrl+,"))
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.triggered.connect(self.open_preferences)

        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

        self.view_actions: dict[str, QAction] = {}
        self.view_action_group = QActionGroup(self)
        self.view_action_group.setExclusive(True)
        for number, view in enumerate(self.views.values(), start=1):
            action = QAction(view.title.replace("&", "&&"), self)  # "&" alone marks a mnemonic
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(
                lambda _checked=False, name=view.view_name: self.show_view(name)
            )
            self.view_action_group.addAction(action)
            self.view_actions[view.view_name] = action

        self.sidebar_action = QAction("Show &Sidebar", self)
        self.sidebar_action.setCheckable(True)
        self.sidebar_action.setChecked(True)
        self.sidebar_action.setShortcut(QKeySequence("Ctrl+Alt+B"))
        self.sidebar_action.toggled.connect(self.set_sidebar_visible)

        self.full_screen_action = QAction("&Full Screen", self)
        self.full_screen_action.setCheckable(True)
        self.full_screen_action.setShortcut(QKeySequence(QKeySequence.StandardKey.FullScreen))
        self.full_screen_action.toggled.connect(self._set_full_screen)

        self.system_check_action = QAction("System &Check…", self)
        self.system_check_action.setToolTip("What works on this machine (as `museaud doctor`)")
        self.system_check_action.triggered.connect(self.show_system_check)
        self.about_action = QAction("&About museaud", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.about_qt_action = QAction("About &Qt", self)
        self.about_qt_action.setMenuRole(QAction.MenuRole.AboutQtRole)
        self.about_qt_action.triggered.connect(QApplication.aboutQt)

        actions = {
            "import_folder": self.import_folder_action,
            "preferences": self.preferences_action,
        }
        for view in self.views.values():
            for name, action in actions.items():
                view.bind_action(name, action)

    def _build_menus(self) -> None:
        menu_bar = self.menuBar()
        file_menu = menu_bar.addMenu("&File")
        file_menu.setToolTipsVisible(True)
        file_menu.addAction(self.import_folder_action)
        file_menu.addSeparator()
        file_menu.addAction(self.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        view_menu = menu_bar.addMenu("&View")
        view_menu.setToolTipsVisible(True)
        for action in self.view_actions.values():
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.sidebar_action)
        view_menu.addAction(self.full_screen_action)

        help_menu = menu_bar.addMenu("&Help")
        help_menu.addAction(self.system_check_action)
        help_menu.addAction(self.about_action)
        help_menu.addAction(self.about_qt_action)

    def _build_status_bar(self) -> None:
        status_bar = self.statusBar()
        status_bar.setSizeGripEnabled(False)
        status_bar.setContentsMargins(6, 0, 6, 0)
        self.audio_status = StatusItem("speaker", status_bar)
        self.midi_status = StatusItem("midi", status_bar)
        self.store_status = StatusItem("database", status_bar)
        status_bar.addPermanentWidget(self.audio_status, 3)
        status_bar.addPermanentWidget(separator(status_bar))
        status_bar.addPermanentWidget(self.midi_status, 3)
        status_bar.addPermanentWidget(separator(status_bar))
        status_bar.addPermanentWidget(self.store_status, 0)
        store = self.app.store
        self.store_status.set_status(
            f"{store.path.name}  ·  schema {store.revision}",
            tooltip=f"Store: {store.path}\nSchema revision: {store.revision}",
        )
        self.show_device_status(self.audio_outputs, self.midi_outputs)

    def _connect_transport(self, saved: dict[str, Any]) -> None:
        """Wire the transport to the beat machine and the library, and take back its settings."""
        bar = self.transport_bar
        bar.set_rescan(self.rescan_devices)
        bar.set_pattern_source(self.pattern_to_play)
        bar.output_chosen.connect(self._output_chosen)
        bar.restore_state(saved)
        kind = "midi" if saved.get("output") == "midi" else "audio"
        bar.set_outputs(self.audio_outputs, self.midi_outputs)
        bar.choose_output(self._output_from(self.preferences, kind, saved.get("clock") is True))
        beat_machine = self.views.get(BeatMachineView.view_name)
        if isinstance(beat_machine, BeatMachineView):
            beat_machine.play_requested.connect(self.play_stored_pattern)
            beat_machine.bench_changed.connect(self._bench_changed)
            beat_machine.mix_changed.connect(self._mix_changed)
            bar.show_pattern(beat_machine.pattern_to_play())
        library = self.views.get(LibraryView.view_name)
        if isinstance(library, LibraryView):
            library.play_requested.connect(
                lambda ids, start: self.player.play_ids(ids, start, "library")
            )
            library.queue_requested.connect(
                lambda ids, next_up: self.player.enqueue_ids(ids, next_up=next_up)
            )
            self.player.play_recorded.connect(lambda _track_id: library.schedule_refresh())
        playlists = self.views.get(PlaylistsView.view_name)
        if isinstance(playlists, PlaylistsView):
            playlists.play_requested.connect(self.play_request)

    @staticmethod
    def _output_from(preferences: Preferences, kind: str, clock: bool) -> OutputChoice:
        midi = kind == "midi"
        return OutputChoice(
            kind="midi" if midi else "audio",
            name=preferences.midi_output_port if midi else preferences.audio_device,
            buffer_size=preferences.audio_buffer_size,
            sample_rate=preferences.audio_sample_rate,
            clock=clock,
        )

    def _sidebar_icon(self, glyph: str) -> QIcon:
        colors = current_theme_colors()
        return glyph_icon(glyph, colors.muted_text, colors.accent)

    # views -----------------------------------------------------------------------------------

    def view_names(self) -> list[str]:
        """The names of the views in sidebar order."""
        return list(self.views)

    def current_view_name(self) -> str:
        """The name of the view on show, e.g. 'library'."""
        current = self.stack.currentWidget()
        return current.view_name if isinstance(current, View) else VIEW_CLASSES[0].view_name

    def show_view(self, name: str) -> None:
        """Bring the view called name forward and select it in the sidebar and the View menu."""
        if name not in self.views:
            raise ValueError(f"no view called {name!r}; views: {', '.join(self.views)}")
        view = self.views[name]
        self.stack.setCurrentWidget(view)
        analytics.record_action("view_shown", view=name)
        row = list(self.views).index(name)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)
        self.view_actions[name].setChecked(True)
        self.setWindowTitle(f"{view.title} — museaud")

    def _sidebar_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.views):
            self.show_view(list(self.views)[row])

    def set_sidebar_visible(self, visible: bool) -> None:
        """Show or hide the sidebar (the views stay reachable with Ctrl+1 … Ctrl+6)."""
        if not visible and self.sidebar_panel.isVisible():
            self._sidebar_width = self.splitter.sizes()[0] or self._sidebar_width
        self.sidebar_panel.setVisible(visible)
        if visible:
            total = max(sum(self.splitter.sizes()), self.splitter.width())
            self.splitter.setSizes([self._sidebar_width, max(total - self._sidebar_width, 1)])
        if self.sidebar_action.isChecked() != visible:
            self.sidebar_action.setChecked(visible)

    def _set_full_screen(self, full_screen: bool) -> None:
        if full_screen:
            self.showFullScreen()
        else:
            self.showNormal()

    # transport -------------------------------------------------------------------------------

    def pattern_to_play(self) -> BeatPattern | None:
        """What Space plays: the beat machine's pattern on the bench, saved or not."""
        beat_machine = self.views.get(BeatMachineView.view_name)
        if isinstance(beat_machine, BeatMachineView):
            return beat_machine.pattern_to_play()
        return None

    def toggle_play(self) -> bool:
        """Play the bench's pattern, or stop (as Space); True when playing afterwards."""
        return self.playback.toggle(self.pattern_to_play())

    def play_stored_pattern(self, pattern_id: uuid.UUID) -> bool:
        """Play a stored pattern by id (the beat machine's play hook)."""
        try:
            with self.app.session() as session:
                saved = load_pattern(session, pattern_id)
        except (PatternNotFoundError, PatternError) as error:
            self.playback.stop()
            self.playback.show_problem(f"Cannot play the pattern: {error}")
            return False
        return self.playback.play(saved.pattern)

    def play_request(self, request: PlayRequest) -> None:
        """Play a playlist's tracks as the queue (its Play button, Enter or a double-click)."""
        kind, playlist_id = request.source
        source: Source = playlist_id if kind == "playlist" else "library"
        self.player.play_ids(request.track_ids, request.start_index, source)

    def _bench_changed(self, pattern: BeatPattern) -> None:
        self.playback.follow_pattern(pattern)
        self.transport_bar.show_pattern(pattern)

    def _mix_changed(self, part: int, mute: bool, solo: bool) -> None:
        self.playback.set_part_mix(part, mute=mute, solo=solo)

    def _output_chosen(self, choice: OutputChoice) -> None:
        """Keep the output picked in the bar: device, buffer and port in the preferences."""
        changes: dict[str, Any] = {}
        if choice.kind == "audio":
            changes = {"audio_device": choice.name, "audio_buffer_size": choice.buffer_size}
        elif choice.name:
            changes = {"midi_output_port": choice.name}
        try:
            with self.app.session() as session:
                if changes:
                    self.preferences = update_preferences(
                        session, self.app.local_user_id, **changes
                    )
                save_ui_state(
                    session,
                    self.app.local_user_id,
                    TRANSPORT_STATE_COMPONENT,
                    self.transport_bar.saved_state(),
                )
        except SQLAlchemyError:
            log.exception("could not store the output chosen in the transport bar")

    def rescan_devices(self) -> None:
        """Look for audio devices and MIDI ports again and show what was found."""
        self.show_device_status(list_audio_outputs(release=True), list_midi_outputs())

    # status ----------------------------------------------------------------------------------

    def show_device_status(self, audio_outputs: AudioDevices, midi_outputs: MidiPorts) -> None:
        """Show what audio and MIDI outputs are available, plainly when they are not."""
        self.audio_outputs = audio_outputs
        self.midi_outputs = midi_outputs
        audio_text, audio_warning = audio_status(audio_outputs)
        audio_tip = audio_text
        if audio_outputs.devices:
            audio_tip += "\n\n" + "\n".join(
                f"{'● ' if device.is_default else '   '}{device.name} ({device.host_api})"
                for device in audio_outputs.devices
            )
        if audio_outputs.portaudio_version:
            audio_tip += f"\n\n{audio_outputs.portaudio_version}"
        self.audio_status.set_status(audio_text, warning=audio_warning, tooltip=audio_tip)
        midi_text = midi_status(midi_outputs)
        backend = f"\n\nBackend: {midi_outputs.backend}" if midi_outputs.backend else ""
        self.midi_status.set_status(midi_text, tooltip=midi_text + backend)
        if hasattr(self, "transport_bar"):
            self.transport_bar.set_outputs(audio_outputs, midi_outputs)

    def status_texts(self) -> list[str]:
        """The full texts of the status-bar entries: audio, MIDI, store."""
        return [item.text() for item in (self.audio_status, self.midi_status, self.store_status)]

    # dialogs ---------------------------------------------------------------------------------

    def _import_folder_chosen(self) -> None:
        self.open_import_dialog()

    def open_import_dialog(self, paths: list[Path] | None = None) -> ImportDialog:
        """Open the import dialog (not modal: the library fills in behind it as tracks come)."""
        existing = self.findChild(ImportDialog)
        if existing is not None and existing.isVisible():
            for path in paths or []:
                existing.add_folder(path)
            existing.raise_()
            existing.activateWindow()
            return existing
        dialog = ImportDialog(self.app, self, paths=paths)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        library = self.views.get("library")
        if isinstance(library, LibraryView):
            dialog.library_changed.connect(library.schedule_refresh)
            dialog.import_finished.connect(lambda _summary: library.refresh())
        self.show_view("library")
        dialog.show()
        return dialog

    def open_preferences(self) -> PreferencesDialog:
        """Open the preferences dialog (window-modal, returns at once)."""
        dialog = PreferencesDialog(
            self.app, self, audio_outputs=self.audio_outputs, midi_outputs=self.midi_outputs
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.preferences_saved.connect(self.apply_preferences)
        dialog.devices_rescanned.connect(self.show_device_status)
        dialog.open()
        return dialog

    def apply_preferences(self, preferences: Preferences) -> None:
        """Take saved preferences into use: the theme, and the defaults the views show."""
        theme_changed = preferences.theme != self.preferences.theme
        self.preferences = preferences
        if theme_changed and QApplication.instance() is not None:
            apply_theme(preferences.theme)
        for view in self.views.values():
            view.apply_preferences(preferences)
        current = self.transport_bar.output_choice()
        wanted = self._output_from(preferences, current.kind, current.clock)
        if current.kind == "midi" and not wanted.name:
            wanted = self._output_from(preferences, "audio", False)
        if wanted != current:
            self.transport_bar.choose_output(wanted)

    def about_text(self) -> str:
        """The About box's rich text: version, store file, schema revision and the toolkit."""
        store = self.app.store
        rows = (
            ("Version", __version__),
            ("Store", str(store.path)),
            ("Schema revision", store.revision),
            ("Qt / PySide6", f"{qVersion()} / {pyside_version}"),
            ("Python", platform.python_version()),
        )
        table = "".join(
            f"<tr><td style='padding-right:14px; color:gray'>{name}</td><td>{value}</td></tr>"
            for name, value in rows
        )
        return (
            f"<h3>museaud {__version__}</h3>"
            "<p>A local-first music workstation for producers.</p>"
            f"<table cellspacing='3'>{table}</table>"
        )

    def show_system_check(self) -> SystemCheckDialog:
        """Open the system check (non-blocking) and return it."""
        dialog = SystemCheckDialog(self.app.paths, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        """Show the About box."""
        QMessageBox.about(self, "About museaud", self.about_text())

    # state -----------------------------------------------------------------------------------

    def window_state(self) -> dict[str, Any]:
        """What is saved of the window: geometry, layout, view and sidebar width."""
        sizes = self.splitter.sizes()
        if self.sidebar_panel.isVisible() and sizes and sizes[0] > 0:
            self._sidebar_width = sizes[0]
        return {
            "geometry": _to_base64(self.saveGeometry()),
            "window_state": _to_base64(self.saveState()),
            "view": self.current_view_name(),
            "sidebar_width": self._sidebar_width,
            "sidebar_visible": self.sidebar_action.isChecked(),
            "splitter_sizes": sizes,
        }

    def save_window_state(self) -> None:
        """Store the window's state and the transport's settings for the local user."""
        with self.app.session() as session:
            save_ui_state(session, self.app.local_user_id, UI_STATE_COMPONENT, self.window_state())
            save_ui_state(
                session,
                self.app.local_user_id,
                TRANSPORT_STATE_COMPONENT,
                self.transport_bar.saved_state(),
            )

    def _restore_window_state(self, state: dict[str, Any]) -> None:
        geometry = _from_base64(state.get("geometry"))
        if geometry is None or not self.restoreGeometry(geometry):
            self._place_default()
        window_state = _from_base64(state.get("window_state"))
        if window_state is not None:
            self.restoreState(window_state)
        view = state.get("view")
        if isinstance(view, str) and view in self.views:
            self.show_view(view)
        width = state.get("sidebar_width")
        if isinstance(width, int) and width >= MIN_SIDEBAR_WIDTH:
            self._sidebar_width = width
        self.splitter.setSizes([self._sidebar_width, max(self.width() - self._sidebar_width, 1)])
        if state.get("sidebar_visible") is False:
            self.set_sidebar_visible(False)

    def _place_default(self) -> None:
        screen = QGuiApplication.primaryScreen()
        size = QSize(DEFAULT_SIZE)
        if screen is not None:
            available = screen.availableGeometry()
            size = size.boundedTo(available.size() * 0.92)
            self.resize(size)
            self.move(available.center() - self.rect().center())
        else:
            self.resize(size)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Save the window state, then close; a store problem is logged, never blocks quitting."""
        self.player.close()
        self.playback.close()
        try:
            self.save_window_state()
        except SQLAlchemyError:
            log.exception("could not save the main window's state")
        event.accept()

    # theme -----------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Repaint the glyphs when the theme (palette) changes."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.refresh_theme()
        super().changeEvent(event)

    def refresh_theme(self) -> None:
        """Repaint every glyph in the current theme's colours."""
        if self._refreshing_theme or not hasattr(self, "store_status"):
            return
        self._refreshing_theme = True
        try:
            for row, view in enumerate(self.views.values()):
                icon = self._sidebar_icon(view.glyph)
                item = self.sidebar.item(row)
                if item is not None:
                    item.setIcon(icon)
                view.refresh_theme()
            for status in (self.audio_status, self.midi_status, self.store_status):
                status.refresh_theme()
            self.transport_bar.refresh_theme()
        finally:
            self._refreshing_theme = False


def _shortcut_text(number: int) -> str:
    return QKeySequence(f"Ctrl+{number}").toString(QKeySequence.SequenceFormat.NativeText)
