"""Analytics: what you listen to, generate and finish, from the local event store."""

from __future__ import annotations

from museaud.ui.views.base import EmptyState, EmptyStateView


class AnalyticsView(EmptyStateView):
    """Reports over the analytics store; for now, what they will show."""

    view_name = "analytics"
    title = "Analytics"
    subtitle = "Listening, creating and engine performance over time."
    glyph = "analytics"

    def empty_state(self) -> EmptyState:
        """Nothing recorded yet: data comes from using museaud."""
        return EmptyState(
            headline="Nothing to report yet",
            body=(
                "As you play, generate and finish music, museaud records what happened so you "
                "can see your habits: the keys and tempos you favour and what you come back to."
            ),
            features=(
                "Most-played tracks, keys, tempos and flavours",
                "Which generated patterns you keep, edit or throw away",
                "Audio engine health: drop-outs and latency per session",
            ),
            how_to_start=(
                "There is nothing to set up: reports fill in as you use museaud. "
                "The data stays on this computer unless you turn on sync."
            ),
        )
