"""Themes: Fusion with a light or dark palette; auto follows the desktop."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from museaud.ui import theme
from museaud.ui.theme import (
    DARK,
    LIGHT,
    apply_theme,
    base_style_name,
    build_palette,
    current_theme_colors,
)


def window_lightness(application: QApplication) -> int:
    return application.palette().color(QPalette.ColorRole.Window).lightness()


def test_dark_theme_darkens_the_window_colour(qapp: QApplication) -> None:
    apply_theme("light", qapp)
    light = window_lightness(qapp)

    colors = apply_theme("dark", qapp)

    assert colors is DARK
    assert window_lightness(qapp) < 80 < light
    assert qapp.palette().color(QPalette.ColorRole.WindowText).lightness() > 180
    assert base_style_name(qapp) == "fusion"
    assert current_theme_colors() is DARK


def test_light_theme_is_light_with_dark_text(qapp: QApplication) -> None:
    apply_theme("dark", qapp)

    assert apply_theme("light", qapp) is LIGHT

    assert window_lightness(qapp) > 200
    assert qapp.palette().color(QPalette.ColorRole.WindowText).lightness() < 60


@pytest.mark.parametrize(("system_dark", "expected"), [(True, DARK), (False, LIGHT)])
def test_auto_follows_the_desktop(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, system_dark: bool, expected: object
) -> None:
    monkeypatch.setattr(theme, "system_prefers_dark", lambda: system_dark)

    assert apply_theme("auto", qapp) is expected
    assert current_theme_colors() is expected


def test_disabled_text_is_dimmer_than_normal_text() -> None:
    for colors in (LIGHT, DARK):
        palette = build_palette(colors)
        role = QPalette.ColorRole.WindowText
        normal = palette.color(QPalette.ColorGroup.Active, role)
        disabled = palette.color(QPalette.ColorGroup.Disabled, role)
        window = palette.color(QPalette.ColorRole.Window)
        assert abs(disabled.lightness() - window.lightness()) < abs(
            normal.lightness() - window.lightness()
        )


def test_auto_switches_when_the_desktop_does(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    desktop_dark = False
    monkeypatch.setattr(theme, "system_prefers_dark", lambda: desktop_dark)
    assert apply_theme("auto", qapp) is LIGHT

    desktop_dark = True  # the offscreen platform cannot switch, so announce it as a desktop would
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)

    assert window_lightness(qapp) < 80
    assert current_theme_colors() is DARK


def test_a_chosen_theme_ignores_the_desktop(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(theme, "system_prefers_dark", lambda: True)
    apply_theme("light", qapp)

    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)

    assert window_lightness(qapp) > 200
