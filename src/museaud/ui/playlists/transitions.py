"""The transitions column: each transition's key relation, tempo change and energy step as
three small chips coloured green, amber or red, and the words for the table's footer."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from museaud.playlists.ordering import Grade, SetSummary, Transition
from museaud.ui.theme import current_theme_colors

TRANSITION_ROLE = Qt.ItemDataRole.UserRole + 10
"""The Transition into a row (None for the first row)."""

_GRADE_COLOURS = {
    "light": {"green": "#2b8a4b", "amber": "#b86e00", "red": "#c62828"},
    "dark": {"green": "#5cbf7f", "amber": "#f2b45a", "red": "#ff6b6b"},
}
_GRADE_WORDS = {"green": "mixes well", "amber": "needs care", "red": "clashes"}


def grade_colour(grade: Grade) -> QColor:
    """The colour of a grade in the current theme."""
    theme = current_theme_colors()
    return QColor(_GRADE_COLOURS["dark" if theme.is_dark else "light"][grade])


def chip_texts(transition: Transition) -> list[tuple[str, Grade]]:
    """The three chips: key relation, tempo change in %, energy step."""
    tempo = transition.tempo_change_pct
    step = transition.energy_step
    return [
        (transition.key_relation.replace("diagonal", "diag."), transition.key_grade),
        ("? BPM" if tempo is None else f"{tempo:+.1f}%", transition.tempo_grade),
        ("? E" if step is None else f"E {step:+.2f}", transition.energy_grade),
    ]


def transition_text(transition: Transition | None) -> str:
    """The transition in words (the cell's text for copying and screen readers)."""
    if transition is None:
        return ""
    return " · ".join(text for text, _ in chip_texts(transition))


def transition_tooltip(transition: Transition) -> str:
    """What each chip means, with its grade."""
    tempo, step = transition.tempo_change_pct, transition.energy_step
    return "\n".join(
        (
            f"From {transition.outgoing.title} into {transition.incoming.title}",
            f"Key: {transition.key_relation} ({_GRADE_WORDS[transition.key_grade]})",
            "Tempo: unknown"
            if tempo is None
            else f"Tempo: {tempo:+.1f} % ({_GRADE_WORDS[transition.tempo_grade]})",
            "Energy: unknown"
            if step is None
            else f"Energy step: {step:+.2f} ({_GRADE_WORDS[transition.energy_grade]})",
        )
    )


def summary_text(summary: SetSummary, count: int, missing: int) -> str:
    """The footer: entries, share of compatible transitions and the largest tempo jump."""
    parts = [f"{count:,} entr{'y' if count == 1 else 'ies'}"]
    if missing:
        parts.append(f"{missing:,} missing")
    if summary.transitions:
        parts.append(f"{summary.compatible_share:.0%} of transitions in a compatible key")
        parts.append(f"{summary.within_tempo_share:.0%} within 6 % tempo")
        if summary.largest_tempo_jump_pct is not None:
            parts.append(f"largest tempo jump {summary.largest_tempo_jump_pct:.1f} %")
    if summary.artist_repeats:
        parts.append(f"{summary.artist_repeats} artist repeat(s)")
    return "  ·  ".join(parts)


class TransitionDelegate(QStyledItemDelegate):
    """Paints a transition as three chips; the row's selection and background stay Qt's."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        transition = index.data(TRANSITION_ROLE)
        if not isinstance(transition, Transition):
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        widget = option.widget
        style = widget.style() if isinstance(widget, QWidget) else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)
        metrics = QFontMetrics(option.font)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        base = QColor(current_theme_colors().base)
        x = rect.left()
        for text, grade in chip_texts(transition):
            width = metrics.horizontalAdvance(text) + 10
            if x + width > rect.right() + 1:
                break
            chip = QRectF(x + 0.5, rect.top() + 0.5, width, rect.height() - 1)
            colour = grade_colour(grade)
            fill = QColor(colour)
            fill.setAlpha(60)
            if selected:  # on the selection's colour, a chip keeps its own background
                painter.setBrush(base)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawRoundedRect(chip, 4, 4)
            painter.setPen(colour)
            painter.setBrush(fill)
            painter.drawRoundedRect(chip, 4, 4)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            x += width + 3
        painter.restore()

    def sizeHint(  # noqa: N802 - Qt API
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), 186), hint.height())
