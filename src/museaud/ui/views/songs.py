"""Songs and lyrics: arrangements of patterns and recordings, with the words beside them."""

from __future__ import annotations

from museaud.ui.views.base import EmptyState, EmptyStateView


class SongsView(EmptyStateView):
    """Songs and their lyrics; for now, what this view will offer."""

    view_name = "songs"
    title = "Songs & Lyrics"
    subtitle = "Arrange patterns into songs, mix them down and write the words."
    glyph = "songs"

    def empty_state(self) -> EmptyState:
        """No songs yet: they are made from patterns."""
        return EmptyState(
            headline="No songs yet",
            body=(
                "Arrange beat-machine patterns and recordings into songs, balance them in a "
                "track mixer, and write lyrics alongside in verses, choruses and bridges."
            ),
            features=(
                "Song projects with tracks, a mixer and mixdown to an audio file",
                "Lyrics split into sections, with rhyme suggestions as you write",
                "Full-text search across everything you have written",
            ),
            how_to_start=(
                "Songs are built from patterns: make one in the Beat Machine (Ctrl+3) first."
            ),
        )
