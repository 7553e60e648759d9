"""The Beat Machine view: grid editing, instrument strip, header controls, saving, generation with
feedback, the pattern browser and undo, all through the real store."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from museaud.accounts.preferences import Preferences
from museaud.app import App
from museaud.patterns.flavors import build_pattern, with_clave
from museaud.patterns.model import BeatPattern, Note
from museaud.patterns.service import list_patterns, load_pattern, save_pattern
from museaud.store.models.patterns import Feedback
from museaud.ui.beat_machine import editing
from museaud.ui.views.beat_machine import BeatMachineView


def open_view(qtbot: QtBot, app: App, pattern: BeatPattern | None = None) -> BeatMachineView:
    view = BeatMachineView(app)
    qtbot.addWidget(view)
    view.resize(1180, 760)
    view.show()
    qtbot.waitExposed(view)
    if pattern is not None:
        view.draft.load(pattern)
    return view


def row_of(view: BeatMachineView, instrument: str) -> int:
    return [part.instrument for part in view.draft.pattern.parts].index(instrument)


def notes_at(view: BeatMachineView, instrument: str, step: int) -> tuple[Note, ...]:
    return editing.notes_at(view.draft.pattern.part(instrument), step)


def click_pad(
    view: BeatMachineView,
    instrument: str,
    step: int,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    rect = view.grid.cell_rect(row_of(view, instrument), step)
    QTest.mouseClick(view.grid, Qt.MouseButton.LeftButton, modifier, rect.center())


def wheel(view: BeatMachineView, instrument: str, step: int, notches: int) -> None:
    center = QPointF(view.grid.cell_rect(row_of(view, instrument), step).center())
    event = QWheelEvent(
        center,
        QPointF(view.grid.mapToGlobal(center)),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.grid, event)


def stored(app: App, pattern_id: uuid.UUID) -> BeatPattern:
    with app.session() as session:
        return load_pattern(session, pattern_id).pattern


def pattern_count(app: App) -> int:
    with app.session() as session:
        return len(list_patterns(session))


@pytest.fixture
def salsa() -> BeatPattern:
    return build_pattern("salsa")


# the grid --------------------------------------------------------------------------------------


def test_clicking_a_pad_adds_a_note_and_clicking_again_removes_it(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    assert notes_at(view, "clave", 0) == ()  # 2-3 son clave rests on the one

    click_pad(view, "clave", 0)

    assert notes_at(view, "clave", 0) == (Note(step=0, pitch=75, velocity=100),)
    assert view.draft.is_dirty
    assert view.grid.pattern() == view.draft.pattern

    click_pad(view, "clave", 0)

    assert notes_at(view, "clave", 0) == ()
    assert view.draft.pattern.part("clave").notes == salsa.part("clave").notes


def test_a_pitched_pad_takes_the_pitch_of_the_note_before(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    bass = salsa.part("bass")
    first = min(bass.notes)
    later = first.step + 1  # sustained through: the new note cuts the old one short

    click_pad(view, "bass", later)

    placed = notes_at(view, "bass", later)
    assert [(n.pitch, n.velocity) for n in placed] == [(first.pitch, 100)]
    shortened = notes_at(view, "bass", first.step)[0]
    assert shortened.length == later - first.step
    view.draft.pattern.validated()


def test_the_wheel_changes_velocity_by_eight_a_notch(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    (before,) = notes_at(view, "conga", 0)

    wheel(view, "conga", 0, 1)
    assert notes_at(view, "conga", 0)[0].velocity == before.velocity + 8
    wheel(view, "conga", 0, -3)
    assert notes_at(view, "conga", 0)[0].velocity == before.velocity - 16

    view.undo_action.trigger()  # the notches on one pad are one undo step
    assert notes_at(view, "conga", 0) == (before,)


def test_the_wheel_over_an_empty_pad_changes_nothing(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)

    wheel(view, "clave", 0, 2)

    assert view.draft.pattern == salsa
    assert not view.draft.is_dirty


def test_dragging_a_note_up_makes_it_louder(qtbot: QtBot, app: App, salsa: BeatPattern) -> None:
    view = open_view(qtbot, app, salsa)
    (before,) = notes_at(view, "conga", 0)
    start = view.grid.cell_rect(row_of(view, "conga"), 0).center()

    QTest.mousePress(view.grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for rise in (5, 12, 20):
        QTest.mouseMove(view.grid, start - QPoint(0, rise))
    QTest.mouseRelease(
        view.grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start - QPoint(0, 20)
    )

    (after,) = notes_at(view, "conga", 0)
    assert after.velocity == before.velocity + 20
    assert after.pitch == before.pitch  # dragged, not removed
    assert view.draft.undo_stack.count() == 1


def test_shift_click_cycles_a_percussion_stroke(qtbot: QtBot, app: App, salsa: BeatPattern) -> None:
    view = open_view(qtbot, app, salsa)
    conga = view.draft.pattern.part("conga")
    assert editing.letter_of(conga, notes_at(view, "conga", 0)[0]) == "H"

    click_pad(view, "conga", 0, Qt.KeyboardModifier.ShiftModifier)

    conga = view.draft.pattern.part("conga")
    (note,) = notes_at(view, "conga", 0)
    assert editing.letter_of(conga, note) == "T"  # heel, then tip: the notation's order

    click_pad(view, "conga", 0, Qt.KeyboardModifier.AltModifier)
    assert editing.letter_of(conga, notes_at(view, "conga", 0)[0]) == "L"


def test_the_keyboard_moves_the_focus_pad_and_toggles(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    view.grid.setFocus()
    view.grid.set_focus_cell(0, 0)

    qtbot.keyClick(view.grid, Qt.Key.Key_Down)
    qtbot.keyClick(view.grid, Qt.Key.Key_Right)
    qtbot.keyClick(view.grid, Qt.Key.Key_Right)
    qtbot.keyClick(view.grid, Qt.Key.Key_Left)
    assert view.grid.focus_cell() == (1, 1)
    instrument = view.draft.pattern.parts[1].instrument
    assert notes_at(view, instrument, 1) == ()

    qtbot.keyClick(view.grid, Qt.Key.Key_Space)
    assert len(notes_at(view, instrument, 1)) == 1
    qtbot.keyClick(view.grid, Qt.Key.Key_Plus)
    assert notes_at(view, instrument, 1)[0].velocity == 108
    qtbot.keyClick(view.grid, Qt.Key.Key_Return)
    assert notes_at(view, instrument, 1) == ()


def test_undo_restores_the_previous_grid_and_redo_repeats(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    click_pad(view, "clave", 0)
    click_pad(view, "cowbell", 1)
    edited = view.draft.pattern
    assert view.undo_action.isEnabled()

    view.undo_action.trigger()
    view.undo_action.trigger()

    assert view.draft.pattern == salsa
    assert view.grid.pattern() == salsa
    assert not view.draft.is_dirty
    assert not view.undo_action.isEnabled()
    view.redo_action.trigger()
    view.redo_action.trigger()
    assert view.grid.pattern() == edited
    assert view.redo_action.shortcuts()[0].toString() == "Ctrl+Shift+Z"
    assert view.undo_action.shortcut().toString() == "Ctrl+Z"
    assert view.save_action.shortcut().toString() == "Ctrl+S"


# the strip and the header -----------------------------------------------------------------------


def test_disabling_an_instrument_greys_its_row_and_is_saved(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    row = row_of(view, "clave")
    step = min(salsa.part("clave").notes).step
    pad = view.grid.cell_rect(row, step)
    corner = pad.topLeft() + QPoint(3, 3)
    before = QColor(view.grid.grab().toImage().pixel(corner))
    strip_row = view.strip.rows[row]
    assert strip_row.name_label.isEnabled()

    qtbot.mouseClick(strip_row.enabled_box, Qt.MouseButton.LeftButton)

    assert not view.draft.pattern.part("clave").enabled
    after = QColor(view.grid.grab().toImage().pixel(corner))
    assert before.hsvSaturation() > 120
    assert after.hsvSaturation() < 40  # greyed out
    assert not strip_row.name_label.isEnabled()
    pattern_id = view.save()
    assert pattern_id is not None
    assert not stored(app, pattern_id).part("clave").enabled


def test_program_volume_and_pitch_from_the_strip(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    conga, bass = view.strip.rows[row_of(view, "conga")], view.strip.rows[row_of(view, "bass")]

    conga.program_combo.setCurrentIndex(2)
    conga.volume_spin.setValue(150)
    bass.pitch_spin.setValue(-12)

    pattern = view.draft.pattern
    assert pattern.part("conga").active_program == 2
    assert pattern.part("conga").notes == salsa.part("conga").programs[2].notes
    assert pattern.part("conga").volume == pytest.approx(1.5)
    assert pattern.part("bass").pitch_offset == -12
    assert not conga.pitch_spin.isEnabled()  # drums keep their pitch
    assert view.strip.rows[row_of(view, "clave")].clave_mark.is_on()
    assert not view.strip.rows[row_of(view, "guiro")].clave_mark.is_on()
    pattern_id = view.save()
    assert pattern_id is not None
    saved = stored(app, pattern_id)
    assert saved.part("conga").active_program == 2
    assert saved.part("bass").pitch_offset == -12


def test_tempo_key_and_clave_round_trip_through_the_store(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    controls = view.controls
    assert controls.clave_combo.isEnabled()

    controls.bpm_spin.setValue(196)
    controls.key_combo.setCurrentIndex(9)
    controls.clave_combo.setCurrentIndex(controls.clave_combo.findData("3-2"))
    controls.scale_combo.setCurrentIndex(controls.scale_combo.findData("minor"))
    controls.title_edit.setText("Tumbao for Ana")
    controls.title_edit.editingFinished.emit()
    view.save_action.trigger()

    assert view.draft.pattern_id is not None
    assert not view.draft.is_dirty
    assert controls.state_label.text() == "Saved"
    saved = stored(app, view.draft.pattern_id)
    assert (saved.title, saved.bpm, saved.key_note, saved.scale, saved.clave) == (
        "Tumbao for Ana",
        196,
        9,
        "minor",
        "3-2",
    )
    turned = with_clave(salsa, "3-2")
    assert saved.part("clave").notes == turned.part("clave").notes
    assert saved.part("clave").notes != salsa.part("clave").notes
    assert saved.part("guiro").notes == salsa.part("guiro").notes  # not tied to the clave


def test_saving_again_updates_the_same_pattern(qtbot: QtBot, app: App, salsa: BeatPattern) -> None:
    view = open_view(qtbot, app, salsa)
    first = view.save()
    assert not view.save_action.isEnabled()
    click_pad(view, "clave", 0)
    assert view.save_action.isEnabled()
    assert view.controls.state_label.text().startswith("Edited")

    second = view.save()

    assert second == first
    assert pattern_count(app) == 1
    assert first is not None
    assert len(editing.notes_at(stored(app, first).part("clave"), 0)) == 1


def test_the_clave_is_off_for_a_flavour_without_one(qtbot: QtBot, app: App) -> None:
    view = open_view(qtbot, app, build_pattern("house"))

    assert not view.controls.clave_combo.isEnabled()
    assert view.controls.clave_combo.currentIndex() == -1
    assert view.controls.flavor_combo.currentText() == "House"


def test_bars_repeat_the_pattern_when_longer(qtbot: QtBot, app: App, salsa: BeatPattern) -> None:
    view = open_view(qtbot, app, salsa)
    assert view.controls.bars_spin.singleStep() == 2  # whole clave phrases

    view.controls.bars_spin.setValue(4)

    pattern = view.draft.pattern
    assert pattern.bars == 4
    clave = [n.step for n in pattern.part("clave").notes]
    first_phrase = [n.step for n in salsa.part("clave").notes]
    assert clave == first_phrase + [step + salsa.total_steps for step in first_phrase]
    assert view.grid.cell_rect(0, pattern.total_steps - 1).right() < view.grid.width()


def test_an_invalid_edit_is_shown_and_nothing_is_saved(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    pattern_id = view.save()
    assert pattern_id is not None

    view.edit_pattern(replace(view.draft.pattern, bpm=300))
    assert view.save() is None

    assert view.error_banner.isVisible()
    assert "300 bpm" in view.error_banner.text()
    assert view.error_banner.text().startswith("Not saved")
    assert stored(app, pattern_id).bpm == salsa.bpm
    assert view.draft.is_dirty

    view.undo_action.trigger()  # back to a valid pattern: the banner goes
    assert not view.error_banner.isVisible()


def test_a_note_outside_the_bar_is_refused(qtbot: QtBot, app: App, salsa: BeatPattern) -> None:
    view = open_view(qtbot, app, salsa)
    clave = salsa.part("clave")
    outside = Note(step=salsa.total_steps + 2, pitch=75)
    view.edit_pattern(
        editing.with_part(salsa, row_of(view, "clave"), clave.with_notes([*clave.notes, outside]))
    )

    view.save_action.trigger()

    assert view.error_banner.isVisible()
    assert "outside the pattern" in view.error_banner.text()
    assert pattern_count(app) == 0
    assert view.draft.is_new


def test_changing_the_flavour_of_an_edited_pattern_asks_first(
    qtbot: QtBot, app: App, salsa: BeatPattern, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_view(qtbot, app, salsa)
    click_pad(view, "clave", 0)
    edited = view.draft.pattern
    questions: list[str] = []
    answer = False

    def confirm(question: str, detail: str, yes: str) -> bool:
        questions.append(question)
        return answer

    monkeypatch.setattr(view, "confirm", confirm)
    combo = view.controls.flavor_combo
    merengue = combo.findData("merengue")

    combo.setCurrentIndex(merengue)
    combo.activated.emit(merengue)
    assert len(questions) == 1
    assert view.draft.pattern == edited
    assert combo.currentText() == "Salsa"  # the refused choice is taken back

    answer = True
    combo.setCurrentIndex(merengue)
    combo.activated.emit(merengue)
    assert view.draft.pattern.flavor == "Merengue"
    assert [p.instrument for p in view.draft.pattern.parts] == [
        p.instrument for p in build_pattern("merengue").parts
    ]
    assert not view.draft.is_dirty

    bachata = combo.findData("bachata")  # a new, untouched pattern is replaced without asking
    combo.setCurrentIndex(bachata)
    combo.activated.emit(bachata)
    assert len(questions) == 2
    assert view.draft.pattern.flavor == "Bachata"


def test_beat_numbers_follow_the_preference(qtbot: QtBot, app: App, salsa: BeatPattern) -> None:
    view = open_view(qtbot, app, salsa)
    header = view.grid.grab().toImage().copy(0, 17, view.grid.width(), 16)
    with_numbers = {header.pixel(x, y) for x in range(header.width()) for y in range(16)}

    view.apply_preferences(Preferences(show_beat_numbers=False))

    assert not view.grid.shows_beat_numbers()
    header = view.grid.grab().toImage().copy(0, 17, view.grid.width(), 16)
    without = {header.pixel(x, y) for x in range(header.width()) for y in range(16)}
    assert len(without) < len(with_numbers)
    assert view.draft.pattern == salsa  # a loaded pattern is left alone


# generation and feedback ------------------------------------------------------------------------


def test_generate_then_keep_records_feedback_and_lists_the_pattern(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    panel = view.generate_panel
    panel.set_engine("drums")
    panel.follow_flavor("salsa")
    panel.seed_spin.setValue(7)
    assert not panel.keep_button.isEnabled()

    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)

    generated_id = view.draft.pattern_id
    assert generated_id is not None
    assert view.draft.origin == "generated"
    assert view.draft.pattern.kind == "drums"
    assert "quality" in panel.result_label.text()
    assert " ms" in panel.result_label.text()
    assert panel.keep_button.isEnabled()
    star_four = QPoint(2 + panel.stars.STAR * 3 + panel.stars.STAR // 2, panel.stars.height() // 2)
    qtbot.mouseClick(panel.stars, Qt.MouseButton.LeftButton, pos=star_four)
    assert panel.stars.rating() == 4

    qtbot.mouseClick(panel.keep_button, Qt.MouseButton.LeftButton)

    with app.session() as session:
        feedback = session.scalars(
            select(Feedback).where(Feedback.pattern_id == generated_id)
        ).all()
        assert [(f.action, f.rating) for f in feedback] == [("kept", 4)]
    assert not panel.keep_button.isEnabled()
    assert panel.result_label.text().startswith("Kept")
    view.browser.show_shelf("generated")
    assert view.browser.model.row_of(generated_id) >= 0
    row = view.browser.model.row_at(view.browser.model.row_of(generated_id))
    assert row is not None
    assert row.rating == 4


def test_generate_again_counts_as_regenerated_and_discard_goes_back(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    view.generate_panel.set_engine("bass")

    first = view.generate()
    view.generate_panel.roll_seed()
    second = view.generate()
    assert first is not None
    assert second is not None
    assert view.draft.pattern.part("bass").notes

    view.generate_panel.discard_button.click()

    with app.session() as session:
        actions = {f.pattern_id: f.action for f in session.scalars(select(Feedback)).all()}
    assert actions == {first: "regenerated", second: "discarded"}
    assert view.draft.pattern == salsa  # back to what was on the bench
    assert view.draft.is_new


def test_saving_an_edited_generation_counts_as_modified(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    view = open_view(qtbot, app, salsa)
    view.generate_panel.set_engine("drums")
    generated_id = view.generate()
    click_pad(view, "clave", 1)

    assert view.save() == generated_id

    with app.session() as session:
        feedback = session.scalars(select(Feedback)).all()
        assert [(f.pattern_id, f.action) for f in feedback] == [(generated_id, "modified")]
    assert not view.generate_panel.keep_button.isEnabled()


# the browser ------------------------------------------------------------------------------------


def test_my_patterns_open_with_a_double_click(qtbot: QtBot, app: App, salsa: BeatPattern) -> None:
    with app.session() as session:
        mine = save_pattern(session, replace(salsa, title="Monday rehearsal"))
    view = open_view(qtbot, app, build_pattern("house"))
    view.refresh_browser()
    assert view.browser.shelf() == "mine"
    assert view.browser.titles() == ["Monday rehearsal"]

    table = view.browser.table
    rect = table.visualRect(view.browser.model.index(0, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    assert view.draft.pattern_id == mine
    assert view.draft.pattern.title == "Monday rehearsal"
    assert view.controls.title_edit.text() == "Monday rehearsal"
    assert not view.draft.is_dirty


def test_a_fork_appears_under_forks(qtbot: QtBot, app: App, salsa: BeatPattern) -> None:
    view = open_view(qtbot, app, salsa)
    original = view.save()
    assert original is not None
    fork_action = next(a for a in view.browser.context_actions(original) if a.text() == "Fork")

    fork_action.trigger()

    assert view.browser.shelf() == "forks"
    assert view.browser.titles() == ["Salsa groove (fork)"]
    with app.session() as session:
        (fork,) = list_patterns(session, forks_of=original)
        assert fork.origin == "fork"
        assert load_pattern(session, original).fork_count == 1


def test_the_similar_shelf_lists_patterns_like_the_one_on_the_bench(
    qtbot: QtBot, app: App, salsa: BeatPattern
) -> None:
    with app.session() as session:
        save_pattern(session, build_pattern("son-montuno"))
        save_pattern(session, build_pattern("house"))
    view = open_view(qtbot, app, salsa)
    view.browser.show_shelf("similar")
    assert view.browser.titles() == []
    assert "Save this pattern" in view.browser.placeholder.text()

    view.save()

    titles = view.browser.titles()
    assert titles[0] == "Son montuno groove"  # the nearest: another clave groove
    assert set(titles) == {"Son montuno groove", "House groove"}
    assert view.browser.model.headerData(6, Qt.Orientation.Horizontal) == "Match"


def test_delete_asks_and_keeps_the_bench_as_a_new_pattern(
    qtbot: QtBot, app: App, salsa: BeatPattern, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_view(qtbot, app, salsa)
    pattern_id = view.save()
    assert pattern_id is not None
    monkeypatch.setattr(view, "confirm", lambda question, detail, yes: yes == "Delete")
    delete_action = next(
        a for a in view.browser.context_actions(pattern_id) if "Delete" in a.text()
    )

    delete_action.trigger()

    assert pattern_count(app) == 0
    assert view.browser.titles() == []
    assert view.draft.is_new
    assert view.draft.pattern == salsa  # still on the bench, to save again


def test_play_is_a_hook_for_the_transport(qtbot: QtBot, app: App, salsa: BeatPattern) -> None:
    view = open_view(qtbot, app, salsa)
    asked: list[uuid.UUID] = []
    view.play_requested.connect(asked.append)

    assert not view.request_play()  # nothing stored to play yet
    pattern_id = view.save()
    assert view.request_play()

    assert asked == [pattern_id]


DEMO_SONG = Path("/usr/share/hydrogen/data/demo_songs/GM_kit_demo1.h2song")


def test_import_a_hydrogen_song_and_export_midi_from_the_window(
    qtbot: QtBot, app: App, tmp_path: Path
) -> None:
    from museaud.patterns.midifile import import_midi
    from museaud.patterns.service import list_patterns
    from museaud.ui.views.beat_machine import BeatMachineView

    assert DEMO_SONG.exists(), "install Debian's hydrogen-data (scripts/install-system-deps --test)"
    view = BeatMachineView(app)
    qtbot.addWidget(view)
    ids = view.import_file(DEMO_SONG)
    assert len(ids) == 11
    assert view.draft.pattern_id == ids[0] and view.draft.pattern.title.endswith("main 1-1")
    with app.session() as session:
        assert {p.id for p in list_patterns(session, origin="imported")} == set(ids)

    target = tmp_path / "groove"
    assert view.export_midi_to(target)
    [back] = import_midi(tmp_path / "groove.mid")
    assert [p.notes for p in back.parts] == [p.notes for p in view.draft.pattern.parts if p.enabled]
    assert back.bpm == view.draft.pattern.bpm == 115.0


def test_a_bad_file_is_explained_and_nothing_is_stored(
    qtbot: QtBot, app: App, tmp_path: Path
) -> None:
    from museaud.patterns.service import list_patterns
    from museaud.ui.views.beat_machine import BeatMachineView

    bad = tmp_path / "broken.mid"
    bad.write_bytes(b"MThd garbage")
    view = BeatMachineView(app)
    qtbot.addWidget(view)
    assert view.import_file(bad) == []
    assert "Not imported" in view.error_banner.text() and "broken.mid" in view.error_banner.text()
    with app.session() as session:
        assert list_patterns(session) == []
    assert not view.export_midi_to(tmp_path / "no-such-folder" / "x.mid")
    assert "Not exported" in view.error_banner.text()
