"""The Analytics dashboard: a date range and the charts, each answering one question."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from museaud.analytics import reports
from museaud.analytics.reports import Span
from museaud.music.pitch import PITCH_CLASS_NAMES
from museaud.ui.analytics.charts import SERIES, Chart, bars, heat_colormap, legend
from museaud.ui.analytics.data import DashboardData, TopKind
from museaud.ui.theme import ThemeColors

RANGES = (("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90), ("Last year", 365))
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PLAY_SOMETHING = "Play tracks from the library or a playlist and this fills in."
GENERATE_SOMETHING = (
    "Generate patterns in the beat machine (or `museaud pattern generate`) and keep or "
    "discard them; this fills in."
)


class Dashboard(QWidget):
    """The range picker and the charts; `show_data` draws a DashboardData."""

    span_changed = Signal(object)
    """The producer picked another range (a Span)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analyticsDashboard")
        self.data: DashboardData | None = None
        self.colors: ThemeColors | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.problem = QLabel(self)
        self.problem.setObjectName("analyticsProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        outer.addWidget(self.problem)
        # the range bar scrolls with the charts, so a narrow window squeezes neither the
        # sidebar nor the controls
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        canvas = QWidget(scroll)
        canvas.setObjectName("analyticsCanvas")
        self.grid = QGridLayout(canvas)
        self.grid.setContentsMargins(20, 12, 20, 20)
        self.grid.setSpacing(14)
        self.grid.addWidget(self._build_range_bar(), 0, 0, 1, 2)
        self.charts = self._build_charts(canvas)
        for index, chart in enumerate(self.charts.values()):
            self.grid.addWidget(chart, 1 + index // 2, index % 2)
        scroll.setWidget(canvas)
        outer.addWidget(scroll, 1)

    # ---- building ------------------------------------------------------------------------

    def _build_range_bar(self) -> QWidget:
        bar = QWidget(self)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(28, 8, 28, 0)
        self.range_box = QComboBox(bar)
        self.range_box.setObjectName("analyticsRange")
        for label, days in RANGES:
            self.range_box.addItem(label, days)
        self.range_box.addItem("Custom", 0)
        self.range_box.setCurrentIndex(1)
        self.first_edit, self.last_edit = QDateEdit(bar), QDateEdit(bar)
        for edit in (self.first_edit, self.last_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._dates_edited)
        self.top_kind = QComboBox(bar)
        self.top_kind.setObjectName("analyticsTopKind")
        for label, kind in (("Tracks", "track_id"), ("Artists", "artist"), ("Genres", "genre")):
            self.top_kind.addItem(label, kind)
        self.top_by = QComboBox(bar)
        self.top_by.addItem("by plays", "plays")
        self.top_by.addItem("by hours", "hours")
        for box in (self.top_kind, self.top_by):
            box.currentIndexChanged.connect(self._draw_top)
        layout.addWidget(QLabel("Range", bar))
        layout.addWidget(self.range_box)
        layout.addWidget(self.first_edit)
        layout.addWidget(QLabel("to", bar))
        layout.addWidget(self.last_edit)
        layout.addStretch(1)
        layout.addWidget(QLabel("Top", bar))
        layout.addWidget(self.top_kind)
        layout.addWidget(self.top_by)
        self._set_dates(Span.last_days(30))
        self.range_box.currentIndexChanged.connect(self._range_picked)
        return bar

    def _build_charts(self, canvas: QWidget) -> dict[str, Chart]:
        specs = (
            ("listening", "How much did I listen each day? (plays, hours)", PLAY_SOMETHING),
            ("heatmap", "When in the week do I listen? (plays by hour)", PLAY_SOMETHING),
            ("top", "What do I play most?", PLAY_SOMETHING),
            (
                "tempo",
                "Do I play the tempos my library holds? (share of tracks vs plays)",
                "Import music (File ▸ Import) and play it; this compares the two.",
            ),
            (
                "keys",
                "Do I play the keys my library holds? (share of tracks vs plays)",
                "Import music (File ▸ Import) and play it; this compares the two.",
            ),
            (
                "kept",
                "Which generators make patterns I keep? (kept share by week)",
                GENERATE_SOMETHING,
            ),
            ("flavors", "Which flavours do I keep? (generated vs kept)", GENERATE_SOMETHING),
            ("latency", "How fast do the generators answer? (ms, p50 and p99)", GENERATE_SOMETHING),
            (
                "usage",
                "Which instruments do I play in patterns?",
                "Play patterns in the beat machine; the instruments you use are counted here.",
            ),
            (
                "engine",
                "Is the audio engine keeping up? (load % and dropouts per session)",
                "Play a pattern through the audio engine; each session's load and dropouts "
                "show here.",
            ),
            (
                "growth",
                "How is my library growing? (tracks)",
                "Import a folder of music (File ▸ Import) to start the library.",
            ),
            (
                "confidence",
                "How sure is the analysis of tempo and key? (tracks by confidence)",
                "Import music: each analysed track's confidence is counted here.",
            ),
        )
        return {
            name: Chart(f"{name}Chart", question, hint, canvas) for name, question, hint in specs
        }

    # ---- range ---------------------------------------------------------------------------

    def span(self) -> Span:
        """The range picked now."""
        first, last = self.first_edit.date().toPython(), self.last_edit.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        return Span(min(first, last), max(first, last))

    def _set_dates(self, span: Span) -> None:
        for edit, day in ((self.first_edit, span.first), (self.last_edit, span.last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _range_picked(self) -> None:
        days = int(self.range_box.currentData())
        if days:
            self._set_dates(Span.last_days(days))
            self.span_changed.emit(self.span())

    def _dates_edited(self) -> None:
        self.range_box.blockSignals(True)
        self.range_box.setCurrentIndex(self.range_box.count() - 1)
        self.range_box.blockSignals(False)
        self.span_changed.emit(self.span())

    # ---- drawing -------------------------------------------------------------------------

    def apply_theme(self, colors: ThemeColors) -> None:
        """Redraw everything in the theme's colours."""
        self.colors = colors
        self.problem.setStyleSheet(
            f"background: {colors.error_background}; color: {colors.error_text}; padding: 8px 28px;"
        )
        for chart in self.charts.values():
            chart.apply_theme(colors)
        if self.data is not None:
            self.show_data(self.data)

    def show_data(self, data: DashboardData) -> None:
        """Draw every chart from data (empty charts say how to fill them)."""
        self.data = data
        self.problem.setText(data.problem or "")
        self.problem.setVisible(bool(data.problem))
        if self.colors is None:
            return
        self._draw_listening(data)
        self._draw_heatmap(data)
        self._draw_top()
        self._draw_shares(data)
        self._draw_generation(data)
        self._draw_usage(data)
        self._draw_engine(data)
        self._draw_library(data)

    def _draw_listening(self, data: DashboardData) -> None:
        chart = self.charts["listening"]
        plot = chart.start(has_data=any(day.plays for day in data.days))
        if plot is None:
            return
        assert self.colors is not None
        xs = list(range(len(data.days)))
        plot.addItem(
            pg.BarGraphItem(
                x=xs, height=[d.plays for d in data.days], width=0.8, brush=pg.mkBrush(SERIES[0])
            )
        )
        peak_plays = max(d.plays for d in data.days) or 1
        peak_hours = max(d.hours for d in data.days) or 1.0
        scale = peak_plays / peak_hours
        plot.plot(xs, [d.hours * scale for d in data.days], pen=pg.mkPen(SERIES[1], width=2))
        legend(plot, self.colors, [(SERIES[0], "plays"), (SERIES[1], f"hours (× {scale:.1f})")])
        step = max(1, len(xs) // 8)
        plot.getAxis("bottom").setTicks(
            [[(i, data.days[i].day.strftime("%d %b")) for i in range(0, len(xs), step)]]
        )
        chart.hover = lambda x, _y: _day_text(data, x)

    def _draw_heatmap(self, data: DashboardData) -> None:
        chart = self.charts["heatmap"]
        grid = np.array(data.heatmap or [[0] * 24] * 7, dtype=float)
        plot = chart.start(has_data=bool(grid.sum()))
        if plot is None:
            return
        assert self.colors is not None
        image = pg.ImageItem(grid[::-1].T)  # x: hour; y: weekday, Monday at the top
        image.setColorMap(heat_colormap(self.colors))
        image.setLevels((0, grid.max()))
        image.setRect(0, 0, 24, 7)
        plot.addItem(image)
        plot.getAxis("left").setTicks([[(6.5 - i, name) for i, name in enumerate(WEEKDAYS)]])
        plot.getAxis("bottom").setTicks([[(h + 0.5, f"{h:02d}") for h in range(0, 24, 3)]])
        plot.setRange(xRange=(0, 24), yRange=(0, 7), padding=0)

        def hover(x: float, y: float) -> str | None:
            hour, weekday = int(x), 6 - int(y)
            if 0 <= hour < 24 and 0 <= weekday < 7:
                return f"{WEEKDAYS[weekday]} {hour:02d}:00: {int(grid[weekday][hour])} plays"
            return None

        chart.hover = hover

    def _draw_top(self) -> None:
        data = self.data
        if data is None or self.colors is None:
            return
        kind: TopKind = self.top_kind.currentData()
        by = self.top_by.currentData()
        ranked = data.top.get((kind, by), [])
        chart = self.charts["top"]
        chart.title.setText(
            f"Which {self.top_kind.currentText().lower()} do I play most? (by {by})"
        )
        plot = chart.start(has_data=bool(ranked))
        if plot is None:
            return
        values = [r.plays if by == "plays" else r.hours for r in ranked]
        bars(plot, [_short(r.name) for r in ranked], values, SERIES[2], horizontal=True)
        chart.hover = lambda _x, y: _ranked_text(ranked, y)

    def _draw_shares(self, data: DashboardData) -> None:
        assert self.colors is not None
        library = data.library
        for name, library_counts, played in (
            ("tempo", library.tempo if library else {}, data.played_tempo),
            ("keys", library.keys if library else {}, data.played_keys),
        ):
            chart = self.charts[name]
            plot = chart.start(has_data=bool(library_counts) or bool(played))
            if plot is None:
                continue
            if name == "keys":
                keys = list(range(12))
                labels = list(PITCH_CLASS_NAMES)
            else:
                keys = sorted(set(library_counts) | set(played))
                labels = [str(k) for k in keys]
            mine = _shares(library_counts, keys)
            heard = _shares(played, keys)
            bars(plot, labels, mine, SERIES[0], offset=-0.2, width=0.4)
            bars(plot, labels, heard, SERIES[1], offset=0.2, width=0.4)
            legend(plot, self.colors, [(SERIES[0], "library %"), (SERIES[1], "played %")])
            chart.hover = lambda x, _y, k=labels, a=mine, b=heard: _pair_text(k, a, b, x)

    def _draw_generation(self, data: DashboardData) -> None:
        assert self.colors is not None
        kept_chart = self.charts["kept"]
        weeks = sorted({rate.week for rate in data.rates})
        engines = sorted({rate.engine for rate in data.rates})
        plot = kept_chart.start(has_data=any(rate.generated for rate in data.rates))
        if plot is not None:
            entries = []
            for index, engine in enumerate(engines):
                color = SERIES[index % len(SERIES)]
                totals: dict[date, list[int]] = {}
                for rate in data.rates:
                    if rate.engine == engine:
                        total = totals.setdefault(rate.week, [0, 0])
                        total[0] += rate.generated
                        total[1] += rate.kept
                xs = [weeks.index(w) for w in sorted(totals) if totals[w][0]]
                ys = [100 * totals[w][1] / totals[w][0] for w in sorted(totals) if totals[w][0]]
                plot.plot(xs, ys, pen=pg.mkPen(color, width=2), symbol="o", symbolBrush=color)
                entries.append((color, engine))
            legend(plot, self.colors, entries)
            step = max(1, len(weeks) // 6)
            plot.getAxis("bottom").setTicks(
                [[(i, weeks[i].strftime("%d %b")) for i in range(0, len(weeks), step)]]
            )
            plot.setYRange(0, 100)
        flavor_chart = self.charts["flavors"]
        by_flavor: dict[str, list[int]] = {}
        for rate in data.rates:
            total = by_flavor.setdefault(rate.flavor, [0, 0])
            total[0] += rate.generated
            total[1] += rate.kept
        plot = flavor_chart.start(has_data=any(g for g, _k in by_flavor.values()))
        if plot is not None:
            names = sorted(by_flavor, key=lambda f: -by_flavor[f][0])
            bars(plot, names, [by_flavor[f][0] for f in names], SERIES[4], offset=-0.2, width=0.4)
            bars(plot, names, [by_flavor[f][1] for f in names], SERIES[2], offset=0.2, width=0.4)
            legend(plot, self.colors, [(SERIES[4], "generated"), (SERIES[2], "kept")])
            flavor_chart.hover = lambda x, _y: _flavor_text(names, by_flavor, x)
        latency_chart = self.charts["latency"]
        plot = latency_chart.start(has_data=bool(data.latency))
        if plot is not None:
            names = [row.engine for row in data.latency]
            bars(
                plot, names, [row.p50_ms for row in data.latency], SERIES[0], offset=-0.2, width=0.4
            )
            bars(
                plot, names, [row.p99_ms for row in data.latency], SERIES[3], offset=0.2, width=0.4
            )
            legend(plot, self.colors, [(SERIES[0], "p50 ms"), (SERIES[3], "p99 ms")])
            rows = data.latency
            latency_chart.hover = lambda x, _y: _latency_text(rows, x)

    def _draw_usage(self, data: DashboardData) -> None:
        chart = self.charts["usage"]
        counted = data.usage.of("instrument_usage")[:12]
        plot = chart.start(has_data=bool(counted))
        if plot is None:
            return
        bars(
            plot, [name for name, _ in counted], [n for _, n in counted], SERIES[5], horizontal=True
        )
        chart.hover = lambda _x, y: _count_text(counted, len(counted) - 1 - y)

    def _draw_engine(self, data: DashboardData) -> None:
        assert self.colors is not None
        chart = self.charts["engine"]
        sessions = data.engine
        plot = chart.start(has_data=bool(sessions))
        if plot is None:
            return
        xs = list(range(len(sessions)))
        plot.plot(xs, [s.load_percent or 0 for s in sessions], pen=pg.mkPen(SERIES[0], width=2))
        plot.addItem(
            pg.BarGraphItem(
                x=xs, height=[s.xruns for s in sessions], width=0.8, brush=pg.mkBrush(SERIES[3])
            )
        )
        legend(plot, self.colors, [(SERIES[0], "load %"), (SERIES[3], "dropouts")])
        chart.hover = lambda x, _y: _session_text(sessions, x)

    def _draw_library(self, data: DashboardData) -> None:
        assert self.colors is not None
        library = data.library
        growth = self.charts["growth"]
        months = library.tracks_by_month if library else []
        plot = growth.start(has_data=bool(months))
        if plot is not None:
            totals = list(np.cumsum([count for _month, count in months]))
            plot.plot(
                list(range(len(months))),
                totals,
                pen=pg.mkPen(SERIES[2], width=2),
                fillLevel=0,
                brush=pg.mkBrush(QColorAlpha(SERIES[2], 60)),
            )
            step = max(1, len(months) // 6)
            plot.getAxis("bottom").setTicks(
                [[(i, months[i][0].strftime("%b %y")) for i in range(0, len(months), step)]]
            )
            growth.hover = lambda x, _y: _growth_text(months, totals, x)
        confidence = self.charts["confidence"]
        plot = confidence.start(has_data=bool(data.confidence))
        if plot is not None:
            labels = [f"{bucket:.1f}" for bucket, _ in data.confidence]
            bars(plot, labels, [n for _, n in data.confidence], SERIES[6])
            overridden = library.overridden if library else 0
            confidence.title.setText(
                "How sure is the analysis of tempo and key? (tracks by confidence; "
                f"{overridden} fixed by hand)"
            )
            counted = list(zip(labels, [n for _, n in data.confidence], strict=True))
            confidence.hover = lambda x, _y: _count_text(counted, x)


def QColorAlpha(color: str, alpha: int) -> pg.QtGui.QColor:  # noqa: N802 - reads like QColor
    """color with the given opacity (0-255)."""
    made = pg.mkColor(color)
    made.setAlpha(alpha)
    return made


def _shares(counts: dict[int, int], keys: list[int]) -> list[float]:
    total = sum(counts.values()) or 1
    return [100.0 * counts.get(key, 0) / total for key in keys]


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _index(x: float, count: int) -> int | None:
    index = round(x)
    return index if 0 <= index < count else None


def _day_text(data: DashboardData, x: float) -> str | None:
    index = _index(x, len(data.days))
    if index is None:
        return None
    day = data.days[index]
    return f"{day.day:%a %d %b %Y}: {day.plays} plays, {day.hours:.1f} h"


def _ranked_text(ranked: list[reports.Ranked], y: float) -> str | None:
    index = _index(len(ranked) - 1 - y, len(ranked))
    if index is None:
        return None
    row = ranked[index]
    return f"{row.name}: {row.plays} plays, {row.hours:.1f} h"


def _pair_text(labels: list[str], mine: list[float], heard: list[float], x: float) -> str | None:
    index = _index(x, len(labels))
    if index is None:
        return None
    return f"{labels[index]}: {mine[index]:.1f} % of the library, {heard[index]:.1f} % of plays"


def _flavor_text(names: list[str], counts: dict[str, list[int]], x: float) -> str | None:
    index = _index(x, len(names))
    if index is None:
        return None
    generated, kept = counts[names[index]]
    return f"{names[index]}: {kept} kept of {generated} generated"


def _latency_text(rows: list[reports.Latency], x: float) -> str | None:
    index = _index(x, len(rows))
    if index is None:
        return None
    row = rows[index]
    return f"{row.engine}: p50 {row.p50_ms:.1f} ms, p99 {row.p99_ms:.1f} ms ({row.count} runs)"


def _count_text(counted: list[tuple[str, int]], position: float) -> str | None:
    index = _index(position, len(counted))
    if index is None:
        return None
    name, count = counted[index]
    return f"{name}: {count}"


def _session_text(sessions: list[reports.EngineSession], x: float) -> str | None:
    index = _index(x, len(sessions))
    if index is None:
        return None
    s = sessions[index]
    load = "-" if s.load_percent is None else f"{s.load_percent:.0f} %"
    when = s.time.astimezone().strftime("%d %b %H:%M")
    return f"{when}: load {load}, {s.xruns} dropouts, buffer {s.buffer_size}"


def _growth_text(months: list[tuple[date, int]], totals: list[int], x: float) -> str | None:
    index = _index(x, len(months))
    if index is None:
        return None
    return f"{months[index][0]:%B %Y}: +{months[index][1]} tracks, {totals[index]} in all"
