"""The track detail pane: the waveform with beats and sections, what analysis measured, and the
controls to rate, tag, annotate, override tempo or key and credit the track.

The pane only shows a `TrackDetail` and turns the musician's changes into edits
(`museaud.library.editing.TrackEdit`, creators, instruments, samples); the view applies them to
every selected track and hands back a fresh detail. An edit the library refuses is shown here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from museaud.library.detail import TrackDetail
from museaud.library.editing import Creator, Instrument, Sample, TrackEdit
from museaud.library.lengths import format_length
from museaud.store.models.library import CREATOR_ROLES
from museaud.ui.beat_machine.generate_panel import StarRating
from museaud.ui.library.columns import key_text, title_of
from museaud.ui.library.waveform import SectionBand, WaveformView
from museaud.ui.widgets import ElidedLabel, scaled_font

NO_ROLE = "—"


def split_words(text: str) -> tuple[str, ...]:
    """Tags typed as 'vocal, warm pads' -> ('vocal', 'warm pads'), without blanks or repeats."""
    words = (word.strip().lower() for word in text.split(","))
    return tuple(dict.fromkeys(word for word in words if word))


def _number(value: float | None, digits: int, unit: str = "") -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


class _FocusOut(QObject):
    """Calls back when the watched widget loses the keyboard focus (notes save then)."""

    def __init__(self, callback: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class DetailPane(QFrame):
    """Everything about the current track, and the edits to apply to the selected ones."""

    edit_requested = Signal(object)
    """A TrackEdit for every selected track."""
    credits_requested = Signal(object, object, object)
    """Creators, instruments and samples to store for every selected track."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trackDetail")
        self.detail: TrackDetail | None = None
        self._loading = False
        self._selected = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(scroll)
        body.setObjectName("trackDetailBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 12, 10, 12)
        layout.setSpacing(8)

        self.title_label = ElidedLabel("", body)
        self.title_label.setObjectName("detailTitle")
        self.title_label.setFont(scaled_font(self.title_label, 1.25, QFont.Weight.DemiBold))
        self.artist_label = ElidedLabel("", body)
        self.artist_label.setProperty("role", "hint")
        layout.addWidget(self.title_label)
        layout.addWidget(self.artist_label)
        self.waveform = WaveformView(body)
        layout.addWidget(self.waveform)
        layout.addLayout(self._build_values(body))
        self.selection_label = QLabel(body)
        self.selection_label.setObjectName("selectionBanner")
        self.selection_label.setWordWrap(True)
        self.selection_label.setVisible(False)
        layout.addWidget(self.selection_label)
        self.error_label = QLabel(body)
        self.error_label.setObjectName("errorBanner")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)

        self.tabs = QTabWidget(body)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_edit_tab(), "Edit")
        self.tabs.addTab(self._build_credits_tab(), "Credits")
        layout.addWidget(self.tabs, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        self.show_detail(None)

    # building -------------------------------------------------------------------------------

    def _build_values(self, parent: QWidget) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        self.values: dict[str, QLabel] = {}
        names = (
            ("bpm", "BPM"),
            ("key", "Key"),
            ("loudness", "Loudness"),
            ("peak", "Peak"),
            ("energy", "Energy"),
            ("danceability", "Dance"),  # short: the pane is narrow; the tooltip says it all
            ("length", "Length"),
            ("format", "Format"),
            ("analysis", "Analysis"),
            ("override", "Override"),
        )
        for number, (name, heading) in enumerate(names):
            label = QLabel(heading, parent)
            label.setProperty("role", "hint")
            if name == "danceability":
                label.setToolTip("Danceability, as measured (0 to about 3)")
            value = ElidedLabel("", parent)
            value.setObjectName(f"value_{name}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = value
            row, column = divmod(number, 2)
            if name in ("analysis", "override"):
                row, column = 5 + (name == "override"), 0
                grid.addWidget(label, row, 0)
                grid.addWidget(value, row, 1, 1, 3)
                continue
            grid.addWidget(label, row, column * 2)
            grid.addWidget(value, row, column * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return grid

    def _build_edit_tab(self) -> QWidget:
        tab = QWidget(self)
        outer = QVBoxLayout(tab)
        outer.setContentsMargins(2, 10, 2, 4)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.stars = StarRating(tab)
        self.stars.rating_changed.connect(self._rating_changed)
        self.favorite_check = QCheckBox("Favourite", tab)
        self.favorite_check.toggled.connect(
            lambda on: self._emit(TrackEdit(favorite=on)) if not self._loading else None
        )
        self.hidden_check = QCheckBox("Hidden", tab)
        self.hidden_check.setToolTip("Hidden tracks are left out unless the query says 'hidden'")
        self.hidden_check.toggled.connect(
            lambda on: self._emit(TrackEdit(hidden=on)) if not self._loading else None
        )
        marks = QHBoxLayout()
        marks.addWidget(self.favorite_check)
        marks.addSpacing(6)
        marks.addWidget(self.hidden_check)
        marks.addStretch(1)
        form.addRow("Rating", self.stars)
        form.addRow("", marks)

        self.genre_edit = QLineEdit(tab)
        self.genre_edit.setPlaceholderText("e.g. deep house")
        self.genre_edit.editingFinished.connect(self._genre_finished)
        form.addRow("Genre", self.genre_edit)
        self.tags_edit = QLineEdit(tab)
        self.tags_edit.setPlaceholderText("comma separated: vocal, warm pads")
        self.tags_edit.editingFinished.connect(lambda: self._words_finished("tags"))
        form.addRow("Tags", self.tags_edit)
        self.moods_edit = QLineEdit(tab)
        self.moods_edit.setPlaceholderText("comma separated: uplifting, dark")
        self.moods_edit.editingFinished.connect(lambda: self._words_finished("moods"))
        form.addRow("Moods", self.moods_edit)
        self.notes_edit = QPlainTextEdit(tab)
        self.notes_edit.setPlaceholderText("Notes for yourself: where it works in a set …")
        self.notes_edit.setFixedHeight(58)
        self.notes_edit.installEventFilter(_FocusOut(self._notes_finished, self.notes_edit))
        form.addRow("Notes", self.notes_edit)

        override = QGridLayout()
        override.setHorizontalSpacing(6)
        self.bpm_spin = QDoubleSpinBox(tab)
        self.bpm_spin.setRange(0.0, 300.0)
        self.bpm_spin.setDecimals(2)
        self.bpm_spin.setSpecialValueText("as measured")
        self.bpm_spin.setSuffix(" BPM")
        self.key_edit = QLineEdit(tab)
        self.key_edit.setPlaceholderText("as measured (Am or 8A)")
        self.reason_edit = QLineEdit(tab)
        self.reason_edit.setPlaceholderText("Why? e.g. analysis found half tempo")
        self.override_button = QPushButton("Set Override", tab)
        self.override_button.clicked.connect(self._set_override)
        self.clear_override_button = QPushButton("Clear", tab)
        self.clear_override_button.setToolTip("Go back to the measured tempo and key")
        self.clear_override_button.clicked.connect(
            lambda: self._emit(TrackEdit(clear_override=True))
        )
        override.addWidget(self.bpm_spin, 0, 0)
        override.addWidget(self.key_edit, 0, 1)
        override.addWidget(self.reason_edit, 1, 0, 1, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_override_button)
        buttons.addWidget(self.override_button)
        override.addLayout(buttons, 2, 0, 1, 2)
        form.addRow("Override", override)
        return tab

    def _build_credits_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(2, 10, 2, 4)
        layout.setSpacing(6)
        self.creators_table = self._table(tab, ("Name", "Role", "Split %"))
        self.creators_total = QLabel(tab)
        self.creators_total.setProperty("role", "hint")
        self.creators_table.itemChanged.connect(lambda _item: self._update_split_total())
        self.instruments_table = self._table(tab, ("Category", "Type", "Lead"))
        self.samples_table = self._table(tab, ("Pack", "What", "Cleared", "Clearance notes"))
        for title, table, add in (
            ("Creators", self.creators_table, self.add_creator_row),
            ("Instruments", self.instruments_table, self.add_instrument_row),
            ("Samples", self.samples_table, self.add_sample_row),
        ):
            heading = QHBoxLayout()
            label = QLabel(title, tab)
            label.setFont(scaled_font(label, 1.0, QFont.Weight.DemiBold))
            heading.addWidget(label)
            if table is self.creators_table:
                heading.addWidget(self.creators_total)
            heading.addStretch(1)
            add_button = QPushButton("Add", tab)
            add_button.clicked.connect(lambda _c=False, add=add: add())
            remove_button = QPushButton("Remove", tab)
            remove_button.clicked.connect(lambda _c=False, t=table: self._remove_rows(t))
            heading.addWidget(add_button)
            heading.addWidget(remove_button)
            layout.addLayout(heading)
            layout.addWidget(table)
        save = QHBoxLayout()
        save.addStretch(1)
        self.save_credits_button = QPushButton("Save Credits", tab)
        self.save_credits_button.setObjectName("primaryButton")
        self.save_credits_button.clicked.connect(self.save_credits)
        save.addWidget(self.save_credits_button)
        layout.addLayout(save)
        layout.addStretch(1)
        return tab

    @staticmethod
    def _table(parent: QWidget, headings: Sequence[str]) -> QTableWidget:
        table = QTableWidget(0, len(headings), parent)
        table.setHorizontalHeaderLabels(list(headings))
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(26)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setHighlightSections(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setFixedHeight(26 * 3 + 28)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return table

    # showing --------------------------------------------------------------------------------

    def show_detail(self, detail: TrackDetail | None, selected: int = 1) -> None:
        """Show a track (None: nothing chosen); `selected` tracks will receive the edits."""
        self.detail = detail
        self._selected = selected
        self._loading = True
        try:
            self._show(detail)
        finally:
            self._loading = False
        self.tabs.setEnabled(detail is not None)

    def _show(self, detail: TrackDetail | None) -> None:
        self.error_label.setVisible(False)
        many = self._selected > 1
        self.save_credits_button.setText(
            f"Save Credits to {self._selected:,} Tracks" if many else "Save Credits"
        )
        self.selection_label.setVisible(many)
        self.selection_label.setText(
            f"{self._selected:,} tracks selected: edits apply to all of them. "
            "Showing the current one."
        )
        if detail is None:
            self.title_label.setText("No track chosen")
            self.artist_label.setText("Choose a track to see its waveform and details")
            self.waveform.clear()
            for label in self.values.values():
                label.setText("")
            self.stars.set_rating(0)
            for edit in (self.genre_edit, self.tags_edit, self.moods_edit, self.key_edit):
                edit.clear()
            self.notes_edit.clear()
            self._fill_credits((), (), ())
            return
        row = detail.row
        self.title_label.setText(title_of(row))
        self.title_label.setToolTip(str(row["path"]))
        self.artist_label.setText(
            " — ".join(str(part) for part in (row.get("artist"), row.get("album")) if part)
            or "Unknown artist"
        )
        self.waveform.show_track(
            detail.waveform,
            detail.beats,
            [SectionBand(s.type, s.start_s, s.end_s, s.label) for s in detail.sections],
            detail.duration_s,
        )
        self._show_values(detail)
        self.stars.set_rating(int(row.get("rating") or 0))
        self.favorite_check.setChecked(bool(row.get("is_favorite")))
        self.hidden_check.setChecked(detail.is_hidden)
        self.genre_edit.setText(str(row.get("genre") or ""))
        self.tags_edit.setText(", ".join(detail.tags))
        self.moods_edit.setText(", ".join(detail.moods))
        self.notes_edit.setPlainText(detail.notes or "")
        override = detail.override
        self.bpm_spin.setValue(override.bpm if override and override.bpm else 0.0)
        key = override.key if override else None
        self.key_edit.setText("" if key is None else key.short)
        self.reason_edit.setText((override.reason or "") if override else "")
        self.clear_override_button.setEnabled(override is not None or many)
        self._fill_credits(detail.creators, detail.instruments, detail.samples)

    def _show_values(self, detail: TrackDetail) -> None:
        row = detail.row
        measured = detail.measured
        bpm = _number(row.get("bpm"), 1)
        if row.get("bpm_source") == "override" and measured and measured.bpm:
            bpm += f"  (measured {measured.bpm:.1f})"
        key = key_text(row) or "—"
        if row.get("key_source") == "override" and measured and measured.key:
            key += f"  (measured {measured.key.camelot})"
        self.values["bpm"].setText(bpm)
        self.values["key"].setText(key)
        self.values["loudness"].setText(_number(row.get("loudness_lufs"), 1, " LUFS"))
        self.values["peak"].setText(_number(row.get("peak_dbfs"), 1, " dBFS"))
        self.values["energy"].setText(_number(row.get("energy"), 2))
        self.values["danceability"].setText(_number(measured.danceability if measured else None, 2))
        self.values["length"].setText(
            format_length(detail.duration_s) if detail.duration_s else "—"
        )
        self.values["format"].setText(str(row.get("format") or "—"))
        if measured is None:
            self.values["analysis"].setText("not analysed yet")
        else:
            when = measured.analyzed_at.date().isoformat() if measured.analyzed_at else ""
            confidence = (
                f", tempo {measured.bpm_confidence:.0%} / key {measured.key_confidence:.0%} sure"
                if measured.bpm_confidence is not None and measured.key_confidence is not None
                else ""
            )
            self.values["analysis"].setText(
                f"{measured.algorithm} {measured.version} {when}{confidence}".strip()
            )
        override = detail.override
        if override is None:
            self.values["override"].setText("none")
        else:
            parts = []
            if override.bpm is not None:
                parts.append(f"{override.bpm:g} BPM")
            if override.key is not None:
                parts.append(f"{override.key} ({override.key.camelot})")
            who = f" by {override.by_name}" if override.by_name else ""
            self.values["override"].setText(f"{', '.join(parts)}: {override.reason or ''}{who}")
            self.values["override"].setToolTip(override.reason or "")

    def _fill_credits(
        self,
        creators: Sequence[Creator],
        instruments: Sequence[Instrument],
        samples: Sequence[Sample],
    ) -> None:
        for table in (self.creators_table, self.instruments_table, self.samples_table):
            table.setRowCount(0)
        for creator in creators:
            self.add_creator_row(creator)
        for instrument in instruments:
            self.add_instrument_row(instrument)
        for sample in samples:
            self.add_sample_row(sample)
        self._update_split_total()

    def add_creator_row(self, creator: Creator | None = None) -> None:
        """A row for one more creator (empty, or showing creator)."""
        table = self.creators_table
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(creator.name if creator else ""))
        role = QComboBox(table)
        role.addItems([NO_ROLE, *CREATOR_ROLES])
        role.setCurrentText(creator.role if creator and creator.role else NO_ROLE)
        table.setCellWidget(row, 1, role)
        split = "" if creator is None or creator.split is None else f"{creator.split:g}"
        table.setItem(row, 2, QTableWidgetItem(split))

    def add_instrument_row(self, instrument: Instrument | None = None) -> None:
        """A row for one more instrument."""
        table = self.instruments_table
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(instrument.category or "" if instrument else ""))
        table.setItem(row, 1, QTableWidgetItem(instrument.type or "" if instrument else ""))
        table.setItem(row, 2, _check_item(bool(instrument and instrument.primary)))

    def add_sample_row(self, sample: Sample | None = None) -> None:
        """A row for one more sample."""
        table = self.samples_table
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(sample.pack or "" if sample else ""))
        table.setItem(row, 1, QTableWidgetItem(sample.description or "" if sample else ""))
        table.setItem(row, 2, _check_item(bool(sample and sample.cleared)))
        table.setItem(row, 3, QTableWidgetItem(sample.clearance_notes or "" if sample else ""))

    @staticmethod
    def _remove_rows(table: QTableWidget) -> None:
        rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
        for row in rows or [table.rowCount() - 1]:
            if row >= 0:
                table.removeRow(row)

    def _update_split_total(self) -> None:
        total = 0.0
        for row in range(self.creators_table.rowCount()):
            try:
                total += float(_text(self.creators_table, row, 2) or 0)
            except ValueError:
                continue
        self.creators_total.setText(f"splits {total:g} % of 100 %")
        self.creators_total.setProperty("role", "problem" if total > 100 else "hint")
        self.creators_total.style().unpolish(self.creators_total)
        self.creators_total.style().polish(self.creators_total)

    def show_error(self, message: str) -> None:
        """Say why an edit was refused (nothing was changed)."""
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    # edits ----------------------------------------------------------------------------------

    def _emit(self, edit: TrackEdit) -> None:
        if self.detail is not None and not edit.is_empty:
            self.error_label.setVisible(False)
            self.edit_requested.emit(edit)

    def _rating_changed(self, rating: int) -> None:
        if not self._loading:
            self._emit(TrackEdit(rating=rating or None))

    def _genre_finished(self) -> None:
        if self.detail is None:
            return
        genre = self.genre_edit.text().strip()
        if genre != (self.detail.row.get("genre") or ""):
            self._emit(TrackEdit(genre=genre or None))

    def _notes_finished(self) -> None:
        if self.detail is None:
            return
        notes = self.notes_edit.toPlainText().strip()
        if notes != (self.detail.notes or ""):
            self._emit(TrackEdit(notes=notes or None))

    def _words_finished(self, kind: str) -> None:
        if self.detail is None:
            return
        edit = self.tags_edit if kind == "tags" else self.moods_edit
        shown = set(self.detail.tags if kind == "tags" else self.detail.moods)
        wanted = split_words(edit.text())
        added = tuple(word for word in wanted if word not in shown)
        removed = tuple(sorted(shown - set(wanted)))
        if kind == "tags":
            self._emit(TrackEdit(add_tags=added, remove_tags=removed))
        else:
            self._emit(TrackEdit(add_moods=added, remove_moods=removed))

    def _set_override(self) -> None:
        bpm = self.bpm_spin.value() or None
        key = self.key_edit.text().strip() or None
        if bpm is None and key is None:
            self.show_error("Give a BPM or a key to override the measured one.")
            return
        self._emit(TrackEdit(bpm=bpm, key=key, reason=self.reason_edit.text().strip() or None))

    def save_credits(self) -> None:
        """Ask for the creators, instruments and samples in the tables to be stored."""
        if self.detail is None:
            return
        creators = []
        for row in range(self.creators_table.rowCount()):
            split_text = _text(self.creators_table, row, 2)
            try:
                split = float(split_text) if split_text else None
            except ValueError:
                self.show_error(f"Creator {row + 1}: the split {split_text!r} is not a number")
                return
            role_box = self.creators_table.cellWidget(row, 1)
            role = role_box.currentText() if isinstance(role_box, QComboBox) else NO_ROLE
            creators.append(
                Creator(
                    name=_text(self.creators_table, row, 0),
                    role=None if role == NO_ROLE else role,
                    split=split,
                )
            )
        instruments = [
            Instrument(
                _text(self.instruments_table, row, 0) or None,
                _text(self.instruments_table, row, 1) or None,
                _checked(self.instruments_table, row, 2),
            )
            for row in range(self.instruments_table.rowCount())
        ]
        samples = [
            Sample(
                _text(self.samples_table, row, 0) or None,
                _text(self.samples_table, row, 1) or None,
                _checked(self.samples_table, row, 2),
                _text(self.samples_table, row, 3) or None,
            )
            for row in range(self.samples_table.rowCount())
        ]
        self.error_label.setVisible(False)
        if self._selected > 1 and not self.confirm_replace_credits(self._selected):
            return
        self.credits_requested.emit(creators, instruments, samples)

    def confirm_replace_credits(self, count: int) -> bool:
        """Ask before one track's credits replace those of every selected track."""
        answer = QMessageBox.question(
            self,
            "Replace credits",
            f"Replace the creators, instruments and samples of all {count:,} selected tracks "
            "with these? Credits they have now are removed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


def _check_item(checked: bool) -> QTableWidgetItem:
    item = QTableWidgetItem()
    item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    return item


def _text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


def _checked(table: QTableWidget, row: int, column: int) -> bool:
    item = table.item(row, column)
    return item is not None and item.checkState() == Qt.CheckState.Checked
