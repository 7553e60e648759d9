"""The beat machine: a step-grid editor for a pattern, its instrument strip, a generate panel and
a browser of stored patterns.

The view is the one place that talks to the store: every save, load, generation, verdict, fork
and delete runs in its own short `app.session()`, and only ids and immutable patterns cross back
into the widgets. The view plays nothing itself: the window's transport plays the pattern on the
bench (`pattern_to_play`, saved or not), follows its edits through `bench_changed`, and takes the
strip's live mute/solo through `mix_changed`. The steering rules (regenerated, modified, the
verdict) are the `GenerationSession`'s, not the view's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from museaud.accounts.preferences import Preferences
from museaud.app import App
from museaud.patterns.files import PatternFileError, read_pattern_file
from museaud.patterns.flavors import FLAVORS, build_pattern, flavor, with_clave
from museaud.patterns.generation import GenerationSession, similar_patterns
from museaud.patterns.generators import GenerationError
from museaud.patterns.midifile import MidiFileError, export_midi
from museaud.patterns.model import BeatPattern, PatternError
from museaud.patterns.service import (
    PatternNotFoundError,
    SavedPattern,
    delete_pattern,
    fork_pattern,
    list_patterns,
    load_pattern,
    save_pattern,
    update_pattern,
)
from museaud.patterns.steering import FeedbackError
from museaud.ui.beat_machine import editing
from museaud.ui.beat_machine.draft import PatternDraft
from museaud.ui.beat_machine.generate_panel import ENGINE_LABELS, GeneratePanel
from museaud.ui.beat_machine.instrument_strip import InstrumentStrip
from museaud.ui.beat_machine.pattern_browser import PatternBrowser, PatternRow
from museaud.ui.beat_machine.pattern_controls import PatternControls, flavor_key_of
from museaud.ui.beat_machine.step_grid import StepGrid
from museaud.ui.theme import ThemeColors, current_theme_colors
from museaud.ui.views.base import View
from museaud.ui.widgets import waiting

FALLBACK_FLAVOR = "salsa"
SIMILAR_COUNT = 20
EDITOR_CHROME = 16
"""The editor card's frame and margins around the grid, in pixels."""
PANELS_MIN_HEIGHT = 140
"""How low the generate panel and browser may shrink (they scroll) to leave the grid its rows."""
EDITOR_HELD_ROWS = 12
"""The editor never shrinks below this many instrument rows (or the pattern's rows, when
fewer): a short window scrolls the page instead, so the whole groove stays in view."""
SETTING_LABELS = {
    "enabled": "Switch instrument",
    "active_program": "Change program",
    "volume": "Change volume",
    "pitch_offset": "Change pitch",
}
EMPTY_SHELVES = {
    "mine": "No patterns of yours yet. Edit a groove and press Save (Ctrl+S).",
    "generated": "Nothing generated yet. Choose an engine and a style, then press Generate.",
    "forks": "No forks yet. Right-click a pattern and choose Fork to make your own version.",
}


@dataclass(frozen=True)
class _Bench:
    """What was being edited before a generation, to come back to if the result is discarded."""

    pattern: BeatPattern
    pattern_id: uuid.UUID | None
    origin: str | None
    dirty: bool


def new_pattern(preferences: Preferences, flavor_key: str | None = None) -> BeatPattern:
    """A fresh pattern of a flavour (the preferred one by default) at the preferred tempo, key
    and scale; a flavour this museaud does not know falls back to salsa."""
    key = flavor_key or flavor_key_of(preferences.default_flavor) or FALLBACK_FLAVOR
    try:
        pattern = build_pattern(
            key, bpm=preferences.default_bpm, key_note=preferences.default_key_note
        )
    except PatternError:
        pattern = build_pattern(key, key_note=preferences.default_key_note)
    return replace(pattern, scale=preferences.default_scale)


class BeatMachineView(View):
    """Edit, generate, save and browse beat-machine patterns."""

    view_name = "beat_machine"
    title = "Beat Machine"
    subtitle = "Step sequencer for drums, bass, chords and melody, with style flavours."
    glyph = "beat_machine"

    play_requested = Signal(object)
    """The stored pattern (its uuid) the user wants to hear; the window's transport plays it.
    Emitted by request_play(); no widget here pretends to play."""
    bench_changed = Signal(object)
    """The pattern on the bench after any edit or load (a playing transport follows it)."""
    mix_changed = Signal(int, bool, bool)
    """(part index, mute, solo) from the instrument strip: a live mix, never stored."""
    pattern_saved = Signal(object)
    """A pattern (its uuid) was stored or updated."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.preferences = Preferences()
        self._default_pattern = new_pattern(self.preferences)
        self.draft = PatternDraft(self._default_pattern, self)
        self.generation = GenerationSession()
        self._bench_before_generation: _Bench | None = None
        self._editor_fitted = False
        self._build_actions()

        self.controls = PatternControls(
            self.new_action,
            self.undo_action,
            self.redo_action,
            self.save_action,
            self,
        )
        self.error_banner = QLabel(self)
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.error_banner.setVisible(False)
        banner_row = QHBoxLayout()
        banner_row.setContentsMargins(24, 0, 24, 0)
        banner_row.addWidget(self.error_banner)

        self.grid = StepGrid(self)
        self.strip = InstrumentStrip(self)
        self.generate_panel = GeneratePanel(self)
        self.browser = PatternBrowser(self, file_actions=(self.import_action, self.export_action))

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("beatSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(12)
        self.editor = self._build_editor()
        self.splitter.addWidget(self.editor)
        self.panels = self._build_bottom()
        self.splitter.addWidget(self.panels)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([420, 280])

        page = QWidget(self)
        page.setObjectName("beatPage")
        body = QVBoxLayout(page)
        body.setContentsMargins(0, 0, 0, 14)
        body.setSpacing(10)
        body.addWidget(self.controls)
        body.addLayout(banner_row)
        body.addWidget(self.splitter, 1)
        # a narrow window scrolls the page sideways rather than squeezing the controls, a short
        # one scrolls it down rather than hiding instrument rows (see _hold_editor_open)
        self.page_scroll = QScrollArea(self)
        self.page_scroll.setObjectName("beatPageScroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setWidget(page)
        self.page_layout.addWidget(self.page_scroll, 1)

        self.draft.changed.connect(self._pattern_changed)
        self.draft.state_changed.connect(self._state_changed)
        self.grid.edited.connect(self.draft.edit)
        self.strip.setting_changed.connect(self._setting_changed)
        self.strip.mix_changed.connect(self.mix_changed)
        self.controls.title_edited.connect(self._title_edited)
        self.controls.flavor_chosen.connect(self.choose_flavor)
        self.controls.bpm_changed.connect(self._bpm_changed)
        self.controls.key_changed.connect(self._key_changed)
        self.controls.scale_changed.connect(self._scale_changed)
        self.controls.clave_changed.connect(self.set_clave)
        self.controls.bars_changed.connect(self._bars_changed)
        self.generate_panel.generate_requested.connect(self.generate)
        self.generate_panel.verdict_given.connect(self.give_verdict)
        self.browser.shelf_changed.connect(self._shelf_changed)
        self.browser.open_requested.connect(self.open_pattern)
        self.browser.fork_requested.connect(self.fork)
        self.browser.delete_requested.connect(self.delete)

        self._pattern_changed()
        self._state_changed()
        self.refresh_browser()
        self.refresh_theme()

    # building -----------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        stack = self.draft.undo_stack
        self.new_action = QAction("New", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.setToolTip("A new pattern of the flavour shown (Ctrl+N)")
        self.new_action.triggered.connect(self.new)
        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.undo_action.triggered.connect(stack.undo)
        self.undo_action.setEnabled(False)
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.undoTextChanged.connect(self._undo_text_changed)
        self.redo_action = QAction("Redo", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(stack.redo)
        self.redo_action.setEnabled(False)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.redoTextChanged.connect(self._redo_text_changed)
        self.save_action = QAction("Save", self)
        self.save_action.setShortcut(QKeySequence("Ctrl+S"))
        self.save_action.setToolTip("Store the pattern (Ctrl+S)")
        self.save_action.triggered.connect(self.save)
        self.import_action = QAction("Import…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+O"))
        self.import_action.setToolTip(
            "Import the patterns of a MIDI file (type 0 or 1) or a Hydrogen song (Ctrl+O)"
        )
        self.import_action.triggered.connect(self._choose_import_file)
        self.export_action = QAction("Export MIDI…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setToolTip(
            "Write this pattern to a type-1 MIDI file: one track per instrument, GM drums (Ctrl+E)"
        )
        self.export_action.triggered.connect(self._choose_export_file)
        for action in (
            self.import_action,
            self.export_action,
            self.new_action,
            self.undo_action,
            self.redo_action,
            self.save_action,
        ):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

    def _undo_text_changed(self, text: str) -> None:
        self.undo_action.setToolTip(f"Undo {text.lower()} (Ctrl+Z)" if text else "Undo (Ctrl+Z)")

    def _redo_text_changed(self, text: str) -> None:
        self.redo_action.setToolTip(
            f"Redo {text.lower()} (Ctrl+Shift+Z)" if text else "Redo (Ctrl+Shift+Z)"
        )

    def _build_editor(self) -> QWidget:
        card = QFrame(self)
        card.setObjectName("editorCard")
        scroll = QScrollArea(card)
        scroll.setObjectName("editorScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        canvas = QWidget(scroll)
        canvas.setObjectName("editorCanvas")
        rows = QHBoxLayout()
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(0)
        rows.addWidget(self.strip, 0, Qt.AlignmentFlag.AlignTop)
        rule = QFrame(canvas)
        rule.setObjectName("stripRule")
        rule.setFrameShape(QFrame.Shape.VLine)
        rule.setFrameShadow(QFrame.Shadow.Plain)
        rows.addWidget(rule)
        rows.addWidget(self.grid, 1, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(canvas)
        column.setContentsMargins(4, 8, 8, 4)
        column.setSpacing(0)
        column.addLayout(rows)
        column.addStretch(1)
        scroll.setWidget(canvas)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(scroll)
        holder = QWidget(self)
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(24, 0, 24, 0)
        outer.addWidget(card)
        return holder

    def _build_bottom(self) -> QWidget:
        """The generate panel and the pattern browser, side by side; on a short screen they
        yield their height to the grid and scroll within it."""
        holder = QWidget(self)
        holder.setObjectName("beatPanels")
        row = QHBoxLayout(holder)
        row.setContentsMargins(24, 0, 24, 0)
        row.setSpacing(14)
        row.addWidget(self.generate_panel, 5)
        row.addWidget(self.browser, 6)
        scroll = QScrollArea(self)
        scroll.setObjectName("beatPanelsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(PANELS_MIN_HEIGHT)
        scroll.setWidget(holder)
        bar = scroll.verticalScrollBar()
        extent = bar.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)

        def keep_aligned(_low: int, high: int) -> None:
            # the scroll bar sits in the page margin: the panels stay as wide as the editor
            row.setContentsMargins(24, 0, max(0, 24 - extent) if high > 0 else 24, 0)

        bar.rangeChanged.connect(keep_aligned)
        return scroll

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """The first time the view shows, give the grid the height its rows need; each time it
        is opened the grid takes the keyboard, so Space plays at once (the title still edits on
        a click)."""
        super().showEvent(event)
        if not self._editor_fitted:
            self._editor_fitted = True
            self.fit_editor()
        if not event.spontaneous():
            self.grid.setFocus(Qt.FocusReason.OtherFocusReason)

    def fit_editor(self) -> None:
        """Share the height between the editor (as much as its rows need) and the panels."""
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        wanted = self.grid.sizeHint().height() + EDITOR_CHROME
        panels = self.panels.minimumSizeHint().height()
        editor = max(120, min(wanted, total - panels))
        self.splitter.setSizes([editor, total - editor])

    def _hold_editor_open(self, rows: int) -> None:
        """Keep the editor tall enough for the pattern's rows (up to EDITOR_HELD_ROWS)."""
        height = self.grid.sizeHint().height()
        if rows > EDITOR_HELD_ROWS:
            height = height * EDITOR_HELD_ROWS // rows
        self.editor.setMinimumHeight(height + EDITOR_CHROME)

    # what the pattern shows ---------------------------------------------------------------------

    def _pattern_changed(self) -> None:
        pattern = self.draft.pattern
        self.grid.set_pattern(pattern)
        self.strip.set_pattern(pattern)
        self._hold_editor_open(len(pattern.parts))
        self.controls.show_pattern(pattern)
        if self.error_banner.isVisible():
            try:
                pattern.validated()
            except PatternError:
                pass
            else:
                self.clear_error()
        self._state_changed()
        self.bench_changed.emit(pattern)

    def pattern_to_play(self) -> BeatPattern:
        """The pattern on the bench as it is now, saved or not: what Play plays."""
        return self.draft.pattern

    def _state_changed(self) -> None:
        draft = self.draft
        if draft.is_new:
            text, tip = "New pattern · not saved", "Save (Ctrl+S) stores it under My patterns"
        elif draft.is_dirty:
            text, tip = "Edited · not saved", "Save (Ctrl+S) stores the changes"
        else:
            text, tip = "Saved", f"Stored as {draft.pattern_id}"
        self.controls.show_state(text, tip)
        self.save_action.setEnabled(draft.is_new or draft.is_dirty)

    def apply_preferences(self, preferences: Preferences) -> None:
        """Number the beats or not; the untouched pattern made from the old defaults is remade
        from the new ones."""
        self.preferences = preferences
        self.grid.set_show_beat_numbers(preferences.show_beat_numbers)
        untouched = self.draft.is_new and not self.draft.is_dirty
        if untouched and self.draft.pattern == self._default_pattern:
            self._default_pattern = new_pattern(preferences)
            self.draft.load(self._default_pattern)
            self.generate_panel.follow_flavor(self.draft.pattern.flavor)

    def show_error(self, message: str) -> None:
        """Show a problem above the grid until the next successful save or a valid edit."""
        self.error_banner.setText(message)
        self.error_banner.setVisible(True)

    def clear_error(self) -> None:
        """Hide the problem banner."""
        self.error_banner.clear()
        self.error_banner.setVisible(False)

    def confirm(self, question: str, detail: str, yes: str) -> bool:
        """Ask before throwing work away; True when the user agrees (tests replace this)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Beat Machine")
        box.setText(question)
        box.setInformativeText(detail)
        agree = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is agree

    def _may_replace(self, what: str) -> bool:
        if not self.draft.is_dirty:
            return True
        return self.confirm(
            f"Replace the edited pattern with {what}?",
            f"“{self.draft.pattern.title}” has changes that are not saved; they will be lost.",
            "Replace",
        )

    # edits --------------------------------------------------------------------------------------

    def _edit(self, pattern: BeatPattern, label: str, merge: str = "") -> None:
        self.draft.edit(pattern, label, merge)

    def edit_pattern(self, pattern: BeatPattern, label: str = "Edit") -> None:
        """Replace the pattern on the bench as one undoable edit (what every control does)."""
        self._edit(pattern, label)

    def _bpm_changed(self, bpm: int) -> None:
        self._edit(replace(self.draft.pattern, bpm=float(bpm)), "Tempo", "bpm")

    def _key_changed(self, key_note: int) -> None:
        self._edit(replace(self.draft.pattern, key_note=key_note), "Key")

    def _scale_changed(self, scale: str) -> None:
        self._edit(replace(self.draft.pattern, scale=scale), "Scale")

    def _bars_changed(self, bars: int) -> None:
        self._edit(editing.resized(self.draft.pattern, bars), "Length", "bars")

    def _shelf_changed(self, _shelf: str) -> None:
        self.refresh_browser()

    def _setting_changed(self, row: int, setting: str, value: object) -> None:
        merge = f"{setting}/{row}" if setting in ("volume", "pitch_offset") else ""
        pattern = editing.with_part_settings(self.draft.pattern, row, **{setting: value})
        self._edit(pattern, SETTING_LABELS.get(setting, "Change instrument"), merge)

    def _title_edited(self, title: str) -> None:
        title = title.strip()
        if title and title != self.draft.pattern.title:
            self._edit(replace(self.draft.pattern, title=title), "Rename")
        elif not title:
            self.controls.show_pattern(self.draft.pattern)

    def set_clave(self, direction: str) -> None:
        """Turn the pattern to clave direction (2-3 or 3-2): the parts that follow it move."""
        try:
            turned = with_clave(self.draft.pattern, direction)
        except PatternError as error:
            self.show_error(str(error))
            self.controls.show_pattern(self.draft.pattern)
            return
        self._edit(turned, f"Clave {direction}")

    def choose_flavor(self, key: str) -> None:
        """Start a new pattern of the flavour (asking first if the current one has edits)."""
        current = flavor_key_of(self.draft.pattern.flavor) if self.draft.pattern.flavor else None
        if key == current and self.draft.is_new and not self.draft.is_dirty:
            return
        style = FLAVORS.get(key) or flavor(key)
        if not self._may_replace(f"a new {style.name} groove"):
            self.controls.show_pattern(self.draft.pattern)
            return
        pattern = build_pattern(style.key, key_note=self.draft.pattern.key_note)
        self.draft.load(pattern)
        self.generate_panel.follow_flavor(style.name)
        self.clear_error()

    def new(self) -> None:
        """A new pattern of the flavour on show (or the preferred one)."""
        key = flavor_key_of(self.draft.pattern.flavor) if self.draft.pattern.flavor else None
        if not self._may_replace("a new pattern"):
            return
        self.draft.load(new_pattern(self.preferences, key))
        self.clear_error()

    def request_play(self) -> bool:
        """Ask for the stored pattern to be played (the transport's hook); False if unsaved."""
        if self.draft.pattern_id is None:
            return False
        self.play_requested.emit(self.draft.pattern_id)
        return True

    # the store ----------------------------------------------------------------------------------

    def save(self) -> uuid.UUID | None:
        """Store the pattern (new, or over its stored version) in one transaction; a refused
        pattern is explained in the banner and nothing is written."""
        draft = self.draft
        pattern = draft.pattern
        try:
            with self.app.session() as session:
                pattern_id = draft.pattern_id
                if pattern_id is not None:
                    try:
                        update_pattern(session, pattern_id, pattern)
                    except PatternNotFoundError:
                        pattern_id = None
                if pattern_id is None:
                    pattern_id = save_pattern(session, pattern, origin="user")
                    origin = "user"
                else:
                    origin = draft.origin or "user"
                modified_generation = self.generation.saved(
                    session, pattern_id, edited=draft.is_dirty
                )
        except PatternError as error:
            self.show_error(f"Not saved: {error}")
            return None
        except SQLAlchemyError as error:
            self.show_error(f"Not saved: the store refused the pattern ({_reason(error)})")
            return None
        if modified_generation:
            self.generate_panel.show_verdict(
                "Saved with your changes: counted as modified, a mild vote for patterns like it."
            )
        draft.mark_saved(pattern_id, origin)
        self.clear_error()
        self.refresh_browser()
        self.browser.select(pattern_id)
        self.pattern_saved.emit(pattern_id)
        return pattern_id

    def open_pattern(self, pattern_id: uuid.UUID) -> bool:
        """Load a stored pattern onto the bench (asking first if the current one has edits)."""
        if pattern_id == self.draft.pattern_id and not self.draft.is_dirty:
            return True
        if not self._may_replace("another pattern"):
            return False
        try:
            with self.app.session() as session:
                saved = load_pattern(session, pattern_id)
        except (PatternNotFoundError, PatternError) as error:
            self.show_error(f"Cannot open the pattern: {error}")
            self.refresh_browser()
            return False
        self._bench_before_generation = None
        self.draft.load(saved.pattern, saved.id, saved.origin)
        self.generate_panel.follow_flavor(saved.pattern.flavor)
        self.clear_error()
        if self.browser.shelf() == "similar":
            self.refresh_browser()
        return True

    def _choose_import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import patterns", "", "Patterns (*.mid *.midi *.kar *.h2song);;All files (*)"
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> list[uuid.UUID]:
        """Store every pattern of a MIDI file or Hydrogen song as imported, and open the first;
        a file that cannot be read is explained in the banner and nothing is stored."""
        try:
            patterns = read_pattern_file(path)
            with self.app.session() as session:
                ids = [save_pattern(session, pattern, origin="imported") for pattern in patterns]
        except (*PatternFileError, PatternError) as error:
            self.show_error(f"Not imported: {error}")
            return []
        except OSError as error:
            self.show_error(f"Not imported: {path}: {error.strerror or error}")
            return []
        self.clear_error()
        self.refresh_browser()
        if ids:
            self.open_pattern(ids[0])
        self.controls.show_state(f"Imported {len(ids)} pattern(s) from {path.name}", str(path))
        return ids

    def _choose_export_file(self) -> None:
        suggested = "".join(
            c if c.isalnum() or c in " -_" else "_" for c in self.draft.pattern.title
        )
        path, _ = QFileDialog.getSaveFileName(
            self, "Export MIDI", f"{suggested.strip() or 'pattern'}.mid", "MIDI files (*.mid)"
        )
        if path:
            self.export_midi_to(Path(path))

    def export_midi_to(self, path: Path) -> bool:
        """Write the pattern on the bench to a type-1 MIDI file; problems go to the banner."""
        if path.suffix.lower() not in (".mid", ".midi"):
            path = path.with_suffix(".mid")
        try:
            export_midi([self.draft.pattern], path)
        except (MidiFileError, PatternError) as error:
            self.show_error(f"Not exported: {error}")
            return False
        except OSError as error:
            self.show_error(f"Not exported: {path}: {error.strerror or error}")
            return False
        self.clear_error()
        self.controls.show_state(f"Exported to {path.name}", str(path))
        return True

    def generate(self) -> uuid.UUID | None:
        """Generate with the panel's choices in the pattern's key, scale, tempo and length,
        store the result and put it on the bench, waiting for a verdict."""
        panel = self.generate_panel
        try:
            request = panel.request(self.draft.pattern)
        except GenerationError as error:
            self.show_error(f"Cannot generate: {error}")
            return None
        if not self._may_replace("a generated pattern"):
            return None
        bench = _Bench(
            self.draft.pattern, self.draft.pattern_id, self.draft.origin, self.draft.is_dirty
        )
        first = self.generation.waiting is None
        try:
            with waiting(), self.app.session() as session:
                generated = self.generation.generate(session, request)
        except (GenerationError, PatternError, FeedbackError) as error:
            self.show_error(f"Cannot generate: {error}")
            return None
        if first:
            self._bench_before_generation = bench
        self.draft.load(generated.pattern, generated.id, "generated")
        self.clear_error()
        notes = sum(len(part.notes) for part in generated.pattern.parts)
        panel.show_result(
            f"{ENGINE_LABELS.get(request.engine, request.engine)} · "
            f"{request.style_info.title} · seed {request.seed} — quality "
            f"{generated.quality.score:.2f}, {notes} notes, made in "
            f"{generated.generation.generation_time_ms:.1f} ms. Rate it, then Keep or Discard."
        )
        self.refresh_browser()
        return generated.id

    def give_verdict(self, rating: int | None, action: str) -> bool:
        """Record the verdict on the last generated pattern (steers later generations)."""
        if self.generation.waiting is None:
            return False
        try:
            with self.app.session() as session:
                pattern_id = self.generation.judge(session, rating, action)
        except (FeedbackError, PatternNotFoundError, PatternError) as error:
            self.show_error(f"Feedback not recorded: {error}")
            return False
        stars = f" ({rating}★)" if rating else ""
        if action == "kept":
            self.generate_panel.show_verdict(
                f"Kept{stars}. Later generations lean towards patterns like it."
            )
        else:
            self.generate_panel.show_verdict(
                f"Discarded{stars}. Later generations lean away from it."
            )
            bench = self._bench_before_generation
            if self.draft.pattern_id == pattern_id and not self.draft.is_dirty:
                if bench is not None:
                    self.draft.load(bench.pattern, bench.pattern_id, bench.origin)
                    if bench.dirty:
                        self.draft.undo_stack.resetClean()
                else:
                    self.draft.load(new_pattern(self.preferences))
        self._bench_before_generation = None
        self.refresh_browser()
        return True

    def fork(self, pattern_id: uuid.UUID) -> uuid.UUID | None:
        """Store a fork of a pattern (it keeps its original's id) and show it under Forks."""
        try:
            with self.app.session() as session:
                fork_id = fork_pattern(session, pattern_id)
        except (PatternNotFoundError, PatternError) as error:
            self.show_error(f"Cannot fork: {error}")
            return None
        if self.browser.shelf() == "forks":
            self.refresh_browser()
        else:
            self.browser.show_shelf("forks")
        self.browser.select(fork_id)
        return fork_id

    def delete(self, pattern_id: uuid.UUID) -> bool:
        """Delete a stored pattern after asking; the bench keeps it as a new, unsaved one."""
        row = next((r for r in self.browser.model.rows() if r.id == pattern_id), None)
        title = row.title if row is not None else "this pattern"
        if not self.confirm(
            f"Delete “{title}”?", "It is removed from the store; its forks stay.", "Delete"
        ):
            return False
        try:
            with self.app.session() as session:
                delete_pattern(session, pattern_id)
        except PatternNotFoundError:
            pass
        if self.draft.pattern_id == pattern_id:
            self.draft.forget_id()
        if self.generation.deleted(pattern_id):
            self.generate_panel.show_verdict("The generated pattern was deleted.")
        self.refresh_browser()
        return True

    def refresh_browser(self) -> None:
        """Fill the browser's shelf on show from the store."""
        shelf = self.browser.shelf()
        score_title = "Quality"
        rows: list[PatternRow]
        with self.app.session() as session:
            if shelf == "similar":
                score_title = "Match"
                pattern_id = self.draft.pattern_id
                if pattern_id is None:
                    rows = []
                    empty = "Save this pattern to see the stored ones that sound like it."
                else:
                    found = similar_patterns(session, pattern_id, k=SIMILAR_COUNT)
                    rows = [PatternRow.from_saved(saved, distance) for saved, distance in found]
                    empty = "No other stored pattern to compare with yet."
            else:
                origins = {"mine": ("user", "imported"), "generated": ("generated",)}.get(
                    shelf, ("fork",)
                )
                saved: list[SavedPattern] = []
                for origin in origins:
                    saved.extend(list_patterns(session, origin=origin))
                saved.sort(key=lambda item: item.created_at, reverse=True)
                rows = [PatternRow.from_saved(item) for item in saved]
                empty = EMPTY_SHELVES.get(shelf, "")
        self.browser.show_rows(rows, empty, score_title)
        if self.draft.pattern_id is not None:
            self.browser.select(self.draft.pattern_id)

    # theme --------------------------------------------------------------------------------------

    def refresh_theme(self) -> None:
        """Restyle the panels and repaint the grid in the current theme's colours."""
        colors = current_theme_colors()
        self.setStyleSheet(_stylesheet(colors))
        self.generate_panel.refresh_theme()
        self.grid.update()
        self.strip.update()


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return str(original) if original is not None else type(error).__name__


def _stylesheet(c: ThemeColors) -> str:
    """The beat machine's own styles, from the theme's colour table."""
    return f"""
QWidget#patternControls, QWidget#beatPage, QScrollArea#beatPageScroll,
QScrollArea#beatPanelsScroll, QWidget#beatPanels {{
    background: {c.window};
}}
QLabel#controlCaption, QLabel#stripCaption, QLabel#fieldCaption, QLabel#panelTitle {{
    color: {c.muted_text};
}}
QLabel#saveState {{ color: {c.muted_text}; }}
QFrame#editorCard {{
    background: {c.base};
    border: 1px solid {c.border};
    border-radius: 10px;
}}
QScrollArea#editorScroll, QWidget#editorCanvas, QWidget#instrumentStrip {{
    background: {c.base};
}}
QFrame#stripRule {{ color: {c.border}; }}
QFrame#beatPanel {{
    background: {c.panel};
    border: 1px solid {c.border};
    border-radius: 10px;
}}
QFrame#panelRule {{ color: {c.border}; }}
QLabel#resultLine {{ color: {c.text}; }}
QLabel#knobValue {{ color: {c.muted_text}; }}
QLabel#browserPlaceholder {{ color: {c.muted_text}; padding: 12px; }}
QTableView#patternTable {{
    background: {c.base};
    alternate-background-color: {c.alternate_base};
    border: 1px solid {c.border};
    border-radius: 6px;
    selection-background-color: {c.accent_soft};
    selection-color: {c.text};
}}
QTableView#patternTable QHeaderView::section {{
    background: {c.panel};
    color: {c.muted_text};
    border: none;
    border-bottom: 1px solid {c.border};
    padding: 4px 6px;
}}
QTabBar#shelfTabs::tab {{
    background: transparent;
    color: {c.muted_text};
    border: 1px solid transparent;
    border-radius: 6px;
    padding: 3px 10px;
    margin-left: 2px;
}}
QTabBar#shelfTabs::tab:selected {{
    background: {c.accent_soft};
    color: {c.text};
    border: 1px solid {c.border};
}}
QTabBar#shelfTabs::tab:hover:!selected {{ background: {c.hover}; }}
QSplitter#beatSplitter::handle {{ background: transparent; }}
QToolButton#muteButton, QToolButton#soloButton {{
    background: {c.button};
    color: {c.muted_text};
    border: 1px solid {c.border};
    border-radius: 4px;
    font-weight: 600;
}}
QToolButton#muteButton:hover, QToolButton#soloButton:hover {{ background: {c.hover}; }}
QToolButton#muteButton:checked {{
    background: {c.warning};
    color: {c.accent_text};
    border: 1px solid {c.warning};
}}
QToolButton#soloButton:checked {{
    background: {c.accent};
    color: {c.accent_text};
    border: 1px solid {c.accent};
}}
"""
