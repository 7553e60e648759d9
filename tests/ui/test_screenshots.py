"""Screenshots of the main window and the preferences dialog, written to build/screenshots/.

They are looked at by people after UI changes; the tests check that something was really drawn.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from tests.support.windows import show_main_window

from museaud.accounts.preferences import update_preferences
from museaud.app import App
from museaud.patterns.flavors import build_pattern
from museaud.patterns.service import save_pattern
from museaud.ui.main_window import MainWindow
from museaud.ui.preferences_dialog import PreferencesDialog
from museaud.ui.theme import apply_theme, current_theme_colors
from museaud.ui.views import BeatMachineView

if TYPE_CHECKING:
    from tests.ui.conftest import FakeDevices

MIN_COLOURS = 24


def distinct_colours(image: QImage, step: int = 4) -> int:
    """How many different colours a grid of sampled pixels holds."""
    return len(
        {
            image.pixel(x, y)
            for y in range(0, image.height(), step)
            for x in range(0, image.width(), step)
        }
    )


def save_screenshot(qtbot: QtBot, widget: QWidget, path: Path) -> QImage:
    QApplication.processEvents()
    qtbot.wait(20)
    assert widget.grab().save(str(path))
    assert path.is_file()
    image = QImage(str(path))
    assert not image.isNull()
    assert distinct_colours(image) > MIN_COLOURS, f"{path.name} looks blank"
    return image


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("view", ["library", "beat_machine", "account"])
def test_main_window_screenshot(
    qtbot: QtBot, app: App, screenshot_dir: Path, theme: str, view: str
) -> None:
    apply_theme(theme)
    window = show_main_window(qtbot, app)
    window.show_view(view)

    image = save_screenshot(qtbot, window, screenshot_dir / f"main_window_{view}_{theme}.png")

    assert (image.width(), image.height()) == (1280, 800)


def test_main_window_with_devices_screenshot(
    qtbot: QtBot, app: App, screenshot_dir: Path, devices: FakeDevices
) -> None:
    devices.plug_in()
    window = show_main_window(qtbot, app)

    save_screenshot(qtbot, window, screenshot_dir / "main_window_with_devices.png")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_preferences_dialog_screenshots(
    qtbot: QtBot,
    app: App,
    screenshot_dir: Path,
    devices: FakeDevices,
    theme: str,
) -> None:
    with app.session() as session:
        update_preferences(session, app.local_user_id, midi_output_port="Prophet-6 MIDI 1")
    if theme == "dark":
        devices.plug_in()  # one set of shots with devices, one without
    apply_theme(theme)
    dialog = PreferencesDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        name = dialog.tabs.tabText(index).lower().replace(" ", "_")
        save_screenshot(qtbot, dialog, screenshot_dir / f"preferences_{name}_{theme}.png")


def test_preferences_error_screenshot(qtbot: QtBot, app: App, screenshot_dir: Path) -> None:
    dialog = PreferencesDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.flavor_combo.setCurrentText("")
    assert not dialog.apply()

    save_screenshot(qtbot, dialog, screenshot_dir / "preferences_error_light.png")


def open_beat_machine(qtbot: QtBot, app: App) -> tuple[MainWindow, BeatMachineView]:
    window = show_main_window(qtbot, app)
    window.show_view("beat_machine")
    view = window.views["beat_machine"]
    assert isinstance(view, BeatMachineView)
    return window, view


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_beat_machine_salsa_screenshot(
    qtbot: QtBot, app: App, screenshot_dir: Path, theme: str
) -> None:
    apply_theme(theme)
    window, view = open_beat_machine(qtbot, app)
    salsa = build_pattern("salsa")
    view.draft.load(salsa)

    image = save_screenshot(qtbot, window, screenshot_dir / f"beat_machine_salsa_{theme}.png")

    assert (image.width(), image.height()) == (1280, 800)
    clave = [part.instrument for part in salsa.parts].index("clave")
    first_hit = min(salsa.part("clave").notes).step
    pad = view.grid.cell_rect(clave, first_hit)
    corner = view.grid.mapTo(window, pad.topLeft() + QPoint(3, 3))
    drawn = QColor(image.pixel(corner))
    accent = QColor(current_theme_colors().accent)
    assert abs(drawn.hsvHue() - accent.hsvHue()) < 12  # the clave's hit is painted in the accent
    assert drawn.hsvSaturation() > 120
    last = view.grid.cell_rect(len(salsa.parts) - 1, salsa.total_steps - 1)
    assert view.grid.mapTo(window, last.bottomRight()).x() < 1280  # the whole grid shows
    assert view.grid.visibleRegion().boundingRect().contains(last)


def test_beat_machine_at_work_screenshot(qtbot: QtBot, app: App, screenshot_dir: Path) -> None:
    with app.session() as session:
        for name in ("son-montuno", "merengue", "house"):
            save_pattern(session, build_pattern(name))
    window, view = open_beat_machine(qtbot, app)
    view.generate_panel.set_engine("drums")
    view.generate_panel.follow_flavor("salsa")
    view.generate_panel.seed_spin.setValue(11)
    assert view.generate() is not None
    view.generate_panel.stars.set_rating(4)
    view.browser.show_shelf("generated")

    save_screenshot(qtbot, window, screenshot_dir / "beat_machine_generated_light.png")

    view.save()
    view.browser.show_shelf("similar")
    view.generate_panel.set_engine("bass")
    view.generate()
    save_screenshot(qtbot, window, screenshot_dir / "beat_machine_bass_light.png")
