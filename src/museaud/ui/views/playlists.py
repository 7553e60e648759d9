"""Playlists: hand-made and smart ones, ordered for harmonic mixing."""

from __future__ import annotations

from museaud.ui.views.base import EmptyState, EmptyStateView


class PlaylistsView(EmptyStateView):
    """The user's playlists; for now, what they will be able to do."""

    view_name = "playlists"
    title = "Playlists"
    subtitle = "Hand-picked and smart playlists, ordered to mix in key."
    glyph = "playlists"

    def empty_state(self) -> EmptyState:
        """No playlists yet: they are built from the analysed library."""
        return EmptyState(
            headline="No playlists yet",
            body=(
                "Build playlists by hand, or let smart rules fill them by tempo range, key, "
                "energy or similarity to a track you like."
            ),
            features=(
                "Smart playlists that update themselves as your library grows",
                "Harmonic ordering along the Camelot wheel for smooth mixes",
                "Recommendations of tracks that fit the playlist's sound",
                "Import and export of M3U playlists for DJ software and players",
            ),
            how_to_start=(
                "Playlists draw on analysed tracks: import some music into the Library first "
                "(Ctrl+1)."
            ),
            command="museaud import PATH",
        )
