"""The preferences dialog: loads the stored values, saves through the service, refuses bad ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from museaud.accounts.preferences import (
    BUFFER_SIZES,
    Preferences,
    load_preferences,
    update_preferences,
)
from museaud.app import App
from museaud.music.pitch import PITCH_CLASS_NAMES
from museaud.ui.preferences_dialog import (
    FLAVOR_SUGGESTIONS,
    PreferencesDialog,
    buffer_latency_ms,
    friendly_error,
    volume_db,
)

if TYPE_CHECKING:
    from tests.ui.conftest import FakeDevices


def open_dialog(qtbot: QtBot, app: App) -> PreferencesDialog:
    dialog = PreferencesDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def stored(app: App) -> Preferences:
    with app.session() as session:
        return load_preferences(session, app.local_user_id)


def select(combo_owner: PreferencesDialog, combo_name: str, value: object) -> None:
    combo = getattr(combo_owner, combo_name)
    index = combo.findData(value)
    assert index >= 0, f"{value!r} not offered in {combo_name}"
    combo.setCurrentIndex(index)


def click(qtbot: QtBot, dialog: PreferencesDialog, button: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.button_box.button(button), Qt.MouseButton.LeftButton)


def test_dialog_shows_the_stored_preferences(qtbot: QtBot, app: App) -> None:
    with app.session() as session:
        update_preferences(
            session,
            app.local_user_id,
            default_bpm=98,
            default_key_note=9,
            default_scale="minor",
            default_flavor="Son montuno",
            default_volume=0.8,
            theme="dark",
            audio_buffer_size=512,
            audio_sample_rate=44100,
            auto_play=True,
            show_beat_numbers=False,
        )

    dialog = open_dialog(qtbot, app)

    assert dialog.bpm_spin.value() == 98
    assert dialog.key_combo.currentData() == 9
    assert dialog.key_combo.currentText().startswith("A")
    assert dialog.scale_combo.currentData() == "minor"
    assert dialog.flavor_combo.currentText() == "Son montuno"
    assert dialog.volume_spin.value() == 80
    assert dialog.volume_slider.value() == 80
    assert dialog.auto_play_check.isChecked()
    assert not dialog.beat_numbers_check.isChecked()
    assert dialog.theme_combo.currentData() == "dark"
    assert dialog.buffer_size_combo.currentData() == 512
    assert dialog.sample_rate_combo.currentData() == 44100
    assert dialog.edited_preferences() == stored(app)


def test_choices_cover_notes_scales_flavours_and_audio_settings(qtbot: QtBot, app: App) -> None:
    dialog = open_dialog(qtbot, app)

    assert [dialog.key_combo.itemData(i) for i in range(12)] == list(range(12))
    assert [dialog.key_combo.itemText(i).split(" ")[0] for i in range(12)] == list(
        PITCH_CLASS_NAMES
    )
    assert [dialog.scale_combo.itemData(i) for i in range(2)] == ["major", "minor"]
    flavours = [dialog.flavor_combo.itemText(i) for i in range(dialog.flavor_combo.count())]
    assert flavours[: len(FLAVOR_SUGGESTIONS)] == list(FLAVOR_SUGGESTIONS)
    assert dialog.flavor_combo.isEditable()
    assert (dialog.bpm_spin.minimum(), dialog.bpm_spin.maximum()) == (80, 250)
    assert [dialog.theme_combo.itemData(i) for i in range(3)] == ["auto", "light", "dark"]
    rates = [dialog.sample_rate_combo.itemData(i) for i in range(dialog.sample_rate_combo.count())]
    assert rates == [44100, 48000, 88200, 96000]
    sizes = [dialog.buffer_size_combo.itemData(i) for i in range(dialog.buffer_size_combo.count())]
    assert sizes == list(BUFFER_SIZES)


def test_ok_saves_the_changes_in_the_store(qtbot: QtBot, app: App) -> None:
    dialog = open_dialog(qtbot, app)
    dialog.bpm_spin.setValue(132)
    select(dialog, "key_combo", 7)
    select(dialog, "scale_combo", "minor")
    dialog.flavor_combo.setCurrentText("Merengue")
    dialog.volume_slider.setValue(150)
    dialog.auto_play_check.setChecked(True)
    select(dialog, "theme_combo", "light")
    select(dialog, "sample_rate_combo", 96000)
    select(dialog, "buffer_size_combo", 128)

    with qtbot.waitSignal(dialog.preferences_saved) as saved:
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    assert dialog.result() == QDialog.DialogCode.Accepted
    preferences = stored(app)
    assert saved.args == [preferences]
    assert preferences.default_bpm == 132
    assert preferences.default_key_name == "G"
    assert preferences.default_scale == "minor"
    assert preferences.default_flavor == "Merengue"
    assert preferences.default_volume == 1.5
    assert preferences.auto_play
    assert preferences.theme == "light"
    assert preferences.audio_sample_rate == 96000
    assert preferences.audio_buffer_size == 128


def test_a_flavour_of_ones_own_is_saved(qtbot: QtBot, app: App) -> None:
    dialog = open_dialog(qtbot, app)
    dialog.flavor_combo.setCurrentText("  Timba  ")

    assert dialog.apply()

    assert stored(app).default_flavor == "Timba"
    reopened = open_dialog(qtbot, app)
    assert reopened.flavor_combo.currentText() == "Timba"


def test_apply_saves_and_keeps_the_dialog_open(qtbot: QtBot, app: App) -> None:
    dialog = open_dialog(qtbot, app)
    apply_button = dialog.button_box.button(QDialogButtonBox.StandardButton.Apply)
    assert not apply_button.isEnabled()  # nothing changed yet

    dialog.bpm_spin.setValue(101)
    assert apply_button.isEnabled()
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Apply)

    assert dialog.isVisible()
    assert stored(app).default_bpm == 101
    assert not apply_button.isEnabled()


def test_cancel_saves_nothing(qtbot: QtBot, app: App) -> None:
    before = stored(app)
    dialog = open_dialog(qtbot, app)
    dialog.bpm_spin.setValue(200)

    click(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)

    assert dialog.result() == QDialog.DialogCode.Rejected
    assert stored(app) == before


def test_a_refused_value_is_shown_and_nothing_is_saved(qtbot: QtBot, app: App) -> None:
    before = stored(app)
    dialog = open_dialog(qtbot, app)
    dialog.bpm_spin.setValue(140)
    dialog.tabs.setCurrentIndex(2)
    dialog.flavor_combo.setCurrentText("   ")

    with qtbot.assertNotEmitted(dialog.preferences_saved):
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.isVisible()
    assert "Default flavour is empty" in dialog.error_text()
    assert dialog.tabs.currentIndex() == 0  # brought back to the tab with the bad field
    assert stored(app) == before

    dialog.flavor_combo.setCurrentText("Bachata")
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.error_text() == ""
    assert (stored(app).default_bpm, stored(app).default_flavor) == (140, "Bachata")


def test_missing_devices_are_explained(qtbot: QtBot, app: App) -> None:
    dialog = open_dialog(qtbot, app)

    dialog.tabs.setCurrentIndex(2)
    assert dialog.audio_problem_label.isVisible()
    assert "no audio output device found" in dialog.audio_problem_label.text()
    assert dialog.audio_device_combo.count() == 1
    assert dialog.audio_device_combo.currentText() == "System default"
    dialog.tabs.setCurrentIndex(3)
    assert dialog.midi_problem_label.isVisible()
    assert "no MIDI output port found" in dialog.midi_problem_label.text()
    assert dialog.midi_port_combo.currentText() == "None"
    assert dialog.edited_preferences().audio_device is None
    assert dialog.edited_preferences().midi_output_port is None


def test_connected_devices_can_be_chosen(qtbot: QtBot, app: App, devices: FakeDevices) -> None:
    devices.plug_in()
    dialog = open_dialog(qtbot, app)

    audio_items = [
        dialog.audio_device_combo.itemText(i) for i in range(dialog.audio_device_combo.count())
    ]
    assert audio_items == [
        "System default (Scarlett 2i2 USB)",
        "Scarlett 2i2 USB",
        "HDA Intel PCH: ALC257 Analog",
    ]
    assert not dialog.audio_problem_label.isVisibleTo(dialog)
    select(dialog, "audio_device_combo", "HDA Intel PCH: ALC257 Analog")
    select(dialog, "midi_port_combo", "minilogue xd:minilogue xd MIDI 2")

    assert dialog.apply()

    preferences = stored(app)
    assert preferences.audio_device == "HDA Intel PCH: ALC257 Analog"
    assert preferences.midi_output_port == "minilogue xd:minilogue xd MIDI 2"


def test_a_saved_device_that_is_absent_stays_selectable(qtbot: QtBot, app: App) -> None:
    with app.session() as session:
        update_preferences(
            session,
            app.local_user_id,
            audio_device="RME Babyface Pro",
            midi_output_port="Prophet-6:Prophet-6 MIDI 1",
        )

    dialog = open_dialog(qtbot, app)

    assert dialog.audio_device_combo.currentText() == "RME Babyface Pro (not connected)"
    assert dialog.midi_port_combo.currentText() == "Prophet-6:Prophet-6 MIDI 1 (not connected)"
    assert dialog.edited_preferences().audio_device == "RME Babyface Pro"
    dialog.bpm_spin.setValue(90)
    assert dialog.apply()
    assert stored(app).audio_device == "RME Babyface Pro"
    assert stored(app).midi_output_port == "Prophet-6:Prophet-6 MIDI 1"


def test_rescan_finds_devices_plugged_in_later(
    qtbot: QtBot, app: App, devices: FakeDevices
) -> None:
    dialog = open_dialog(qtbot, app)
    assert dialog.midi_port_combo.count() == 1
    devices.plug_in()

    with qtbot.waitSignal(dialog.devices_rescanned) as rescanned:
        qtbot.mouseClick(dialog.midi_rescan_button, Qt.MouseButton.LeftButton)

    assert rescanned.args == [devices.audio, devices.midi]
    assert dialog.midi_port_combo.count() == 3
    assert not dialog.midi_problem_label.isVisibleTo(dialog)


def test_buffer_sizes_show_their_latency_at_the_chosen_rate(qtbot: QtBot, app: App) -> None:
    dialog = open_dialog(qtbot, app)
    select(dialog, "sample_rate_combo", 48000)
    select(dialog, "buffer_size_combo", 256)
    assert "5.3 ms" in dialog.buffer_size_combo.currentText()

    select(dialog, "sample_rate_combo", 96000)

    assert dialog.buffer_size_combo.currentData() == 256
    assert "2.7 ms at 96 kHz" in dialog.buffer_size_combo.currentText()


def test_volume_slider_spin_box_and_decibels_agree(qtbot: QtBot, app: App) -> None:
    dialog = open_dialog(qtbot, app)

    dialog.volume_slider.setValue(50)

    assert dialog.volume_spin.value() == 50
    assert dialog.volume_db_label.text() == "−6.0 dB"
    assert dialog.edited_preferences().default_volume == 0.5


def test_helpers_speak_in_a_producers_units() -> None:
    assert round(buffer_latency_ms(512, 44100), 1) == 11.6
    assert volume_db(1.0) == "0.0 dB"
    assert volume_db(2.0) == "+6.0 dB"
    assert volume_db(0.0) == "−∞ dB"
    assert friendly_error("default_bpm 300 is outside 80-250 BPM") == (
        "Default tempo 300 is outside 80-250 BPM"
    )
    assert friendly_error("something else") == "something else"
