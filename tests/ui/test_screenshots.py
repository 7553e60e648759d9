"""Screenshots of the main window and the preferences dialog, written to build/screenshots/.

They are looked at by people after UI changes; the tests check that something was really drawn.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot
from tests.support.screenshots import (
    TEXT,
    assert_themed,
    close,
    dominant,
    ink,
    inside,
    part_of,
    save_screenshot,
    share,
)
from tests.support.windows import show_main_window

from museaud.accounts.preferences import update_preferences
from museaud.app import App
from museaud.patterns.flavors import build_pattern
from museaud.patterns.model import BeatPattern
from museaud.patterns.service import save_pattern
from museaud.ui.main_window import MainWindow
from museaud.ui.preferences_dialog import PreferencesDialog
from museaud.ui.theme import apply_theme, current_theme_colors
from museaud.ui.views import BeatMachineView

if TYPE_CHECKING:
    from tests.ui.conftest import FakeDevices

__all__ = ["save_screenshot"]  # the other screenshot tests take it from here


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("view", ["library", "beat_machine", "account"])
def test_main_window_screenshot(
    qtbot: QtBot, app: App, screenshot_dir: Path, theme: str, view: str
) -> None:
    colours = apply_theme(theme)
    window = show_main_window(qtbot, app)
    window.show_view(view)

    image = save_screenshot(qtbot, window, screenshot_dir / f"main_window_{view}_{theme}.png")

    assert (image.width(), image.height()) == (1280, 800)
    assert_themed(image, colours)
    sidebar = part_of(image, window.sidebar, window)
    assert close(dominant(sidebar), colours.sidebar)
    assert ink(sidebar) > TEXT  # the names of the views
    page = part_of(image, window.views[view], window)
    assert ink(page) > 0.01, f"nothing drawn on the {view} page"
    assert ink(part_of(image, window.transport_bar, window)) > 0.01


def test_main_window_with_devices_screenshot(
    qtbot: QtBot, app: App, screenshot_dir: Path, devices: FakeDevices
) -> None:
    devices.plug_in()
    window = show_main_window(qtbot, app)

    image = save_screenshot(qtbot, window, screenshot_dir / "main_window_with_devices.png")

    bar = window.transport_bar
    assert not bar.message_row.isVisible()  # no warning strip under the transport
    assert bar.output_combo.currentText() == "Audio · Scarlett 2i2 USB"
    assert ink(part_of(image, bar.output_combo, window)) > TEXT
    assert ink(part_of(image, window.audio_status, window)) > TEXT
    warning = current_theme_colors().warning
    assert share(part_of(image, bar, window), warning, tolerance=8) < 0.001


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
    colours = apply_theme(theme)
    dialog = PreferencesDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    pages: list[QImage] = []
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        name = dialog.tabs.tabText(index).lower().replace(" ", "_")
        image = save_screenshot(qtbot, dialog, screenshot_dir / f"preferences_{name}_{theme}.png")
        assert_themed(image, colours)
        page = part_of(image, dialog.tabs.currentWidget(), dialog)
        assert ink(page) > 0.01, f"nothing drawn on the {name} tab"
        pages.append(page)
    assert all(a != b for a, b in itertools.pairwise(pages))  # each tab its own page


def test_preferences_error_screenshot(qtbot: QtBot, app: App, screenshot_dir: Path) -> None:
    dialog = PreferencesDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.flavor_combo.setCurrentText("")
    assert not dialog.apply()

    image = save_screenshot(qtbot, dialog, screenshot_dir / "preferences_error_light.png")

    colours = current_theme_colors()
    error = part_of(image, dialog.error_label, dialog)
    assert close(dominant(error), colours.error_background, tolerance=8)
    message = inside(error, 3)  # within its border, drawn in the same red as the text
    assert share(message, colours.error_text, step=1, tolerance=40) > TEXT


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


def assert_hits_drawn(image: QImage, window: MainWindow, view: BeatMachineView) -> None:
    """In every part, the pad of its first hit is painted unlike the pads with no hit."""
    pattern: BeatPattern = view.draft.pattern
    for row, part in enumerate(pattern.parts):
        steps = {note.step for note in part.notes}
        assert steps, part.instrument
        empty = next(step for step in range(pattern.total_steps) if step not in steps)

        def pad(step: int, row: int = row) -> QColor:
            corner = view.grid.cell_rect(row, step).topLeft() + QPoint(3, 3)
            return QColor(image.pixel(view.grid.mapTo(window, corner)))

        assert not close(pad(min(steps)), pad(empty), tolerance=12), part.instrument


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

    image = save_screenshot(qtbot, window, screenshot_dir / "beat_machine_generated_light.png")

    assert_hits_drawn(image, window, view)
    assert view.browser.model.rowCount() == 1
    assert ink(part_of(image, view.browser.table.viewport(), window)) > TEXT  # its row
    assert ink(part_of(image, view.generate_panel.result_label, window)) > TEXT

    view.save()
    view.browser.show_shelf("similar")
    view.generate_panel.set_engine("bass")
    view.generate()
    image = save_screenshot(qtbot, window, screenshot_dir / "beat_machine_bass_light.png")

    assert [part.instrument for part in view.draft.pattern.parts] == ["bass"]
    assert_hits_drawn(image, window, view)
    assert view.browser.model.rowCount() == 4
    rows = part_of(image, view.browser.table.viewport(), window)
    assert ink(rows) > 4 * TEXT
