"""The Analytics view: every chart drawn from a real analytics file, in both themes, its
queries off the GUI thread; empty charts say how to fill them; a chart saves as PNG and SVG."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from tests.support.analytics import sample_events
from tests.support.screenshots import (
    TEXT,
    assert_themed,
    ink,
    part_of,
    save_screenshot,
    share,
)
from tests.support.windows import show_main_window

from museaud.analytics import BehaviorEvent
from museaud.app import App
from museaud.ui.analytics.charts import SERIES
from museaud.ui.theme import apply_theme
from museaud.ui.views.analytics import AnalyticsView

TODAY = datetime.now(UTC).date()


def _shown(qtbot: QtBot, app: App, height: int = 2300) -> AnalyticsView:
    view = AnalyticsView(app)
    qtbot.addWidget(view)
    view.resize(1280, height)
    view.show()
    qtbot.waitUntil(lambda: view.dashboard.data is not None, timeout=20_000)
    return view


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_dashboard_draws_every_chart_from_months_of_data(
    qtbot: QtBot, app: App, screenshot_dir: Path, theme: str
) -> None:
    colours = apply_theme(theme)
    app.events.record_many(
        sample_events(
            6000, first_day=TODAY - timedelta(days=29), days=30, user_id=app.local_user_id
        )
    )
    view = _shown(qtbot, app)

    image = save_screenshot(qtbot, view, screenshot_dir / f"analytics_dashboard_{theme}.png")

    assert_themed(image, colours)
    charts = view.dashboard.charts
    empty = [name for name, chart in charts.items() if chart.is_empty]
    assert empty == ["growth"]  # the made-up events added no tracks to the library
    listening = part_of(image, charts["listening"].plot_widget.viewport(), view)
    assert share(listening, SERIES[0], tolerance=12) > 0.05  # the play bars
    assert share(listening, SERIES[1], tolerance=12) > 0.001  # the hours line
    heat = part_of(image, charts["heatmap"].plot_widget.viewport(), view)
    assert share(heat, colours.accent, tolerance=40) > 0.005  # the busiest hours glow
    for name in ("top", "kept", "latency", "usage", "engine", "confidence", "keys"):
        assert ink(part_of(image, charts[name].plot_widget.viewport(), view)) > 0.03, name
    top = view.dashboard.data.top[("artist", "plays")]  # type: ignore[union-attr]
    view.dashboard.top_kind.setCurrentIndex(1)
    assert charts["top"].title.text() == "Which artists do I play most? (by plays)"
    assert charts["top"].hover is not None
    assert charts["top"].hover(1.0, 9.0) == (
        f"{top[0].name}: {top[0].plays} plays, {top[0].hours:.1f} h"
    )
    empty_hint = part_of(image, charts["growth"].empty, view)
    assert ink(empty_hint) > TEXT and "Import a folder" in charts["growth"].empty.text()


def test_an_empty_file_shows_what_to_do_and_a_picked_range_is_queried(
    qtbot: QtBot, app: App, screenshot_dir: Path
) -> None:
    view = _shown(qtbot, app)

    image = save_screenshot(qtbot, view, screenshot_dir / "analytics_dashboard_empty.png")

    for chart in view.dashboard.charts.values():
        assert chart.is_empty and chart.empty.isVisible()
        assert ink(part_of(image, chart.empty, view)) > TEXT, chart.objectName()
    assert "Play tracks" in view.dashboard.charts["listening"].empty.text()
    view.dashboard.range_box.setCurrentIndex(0)  # last 7 days
    qtbot.waitUntil(lambda: view.dashboard.data.span.first == TODAY - timedelta(days=6))  # type: ignore[union-attr]


def test_a_chart_saves_as_png_and_svg(qtbot: QtBot, app: App, tmp_path: Path) -> None:
    app.events.record_many(
        sample_events(500, first_day=TODAY - timedelta(days=6), days=7, user_id=app.local_user_id)
    )
    view = _shown(qtbot, app, 900)
    chart = view.dashboard.charts["listening"]

    chart.save(tmp_path / "listening.png")
    chart.save(tmp_path / "listening.svg")

    assert (tmp_path / "listening.png").stat().st_size > 1000
    svg = (tmp_path / "listening.svg").read_text()
    assert "<svg" in svg and "How much did I listen each day?" in svg


def test_showing_a_view_in_the_window_is_recorded(qtbot: QtBot, app: App) -> None:
    window = show_main_window(qtbot, app)
    window.show_view("analytics")
    assert app.recorder is not None and app.recorder.flush()
    shown = [
        event.event_data["view"]
        for event in app.events.events(BehaviorEvent)
        if event.event_type == "view_shown"
    ]
    assert "analytics" in shown
