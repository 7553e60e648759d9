"""Analytics: what you listen to, generate and keep, and how the engine copes, from the local
event store. Queries run in a worker thread; the charts redraw when their answer arrives."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from museaud.analytics.reports import Span
from museaud.app import App
from museaud.ui.analytics.dashboard import Dashboard
from museaud.ui.analytics.data import DashboardData, load_dashboard
from museaud.ui.tasks import BackgroundTasks, TaskContext
from museaud.ui.theme import current_theme_colors
from museaud.ui.views.base import View


class AnalyticsView(View):
    """The dashboard over the analytics store, refreshed each time the view shows."""

    view_name = "analytics"
    title = "Analytics"
    subtitle = "Listening, creating and engine performance over time. It stays on this computer."
    glyph = "analytics"

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.dashboard = Dashboard(self)
        self.page_layout.addWidget(self.dashboard, 1)
        self.tasks = BackgroundTasks("analytics-queries", self, order="newest_first")
        self.dashboard.span_changed.connect(self.refresh)
        self.dashboard.apply_theme(current_theme_colors())

    def refresh(self, span: Span | None = None) -> None:
        """Read the figures for span (default: the range picked) off the GUI thread."""
        span = span or self.dashboard.span()
        app = self.app

        def work(_context: TaskContext) -> DashboardData:
            if app.recorder is not None:
                app.recorder.flush()  # what just happened shows too
            return load_dashboard(app, span)

        self.tasks.submit(work, self.dashboard.show_data, key="dashboard")

    def refresh_theme(self) -> None:
        """Redraw the charts in the new theme's colours."""
        self.dashboard.apply_theme(current_theme_colors())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()
