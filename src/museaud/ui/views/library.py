"""The library: every imported track with its analysed tempo, key, loudness and sections."""

from __future__ import annotations

from museaud.ui.views.base import EmptyState, EmptyStateView


class LibraryView(EmptyStateView):
    """Tracks of the library; for now, how to import the first ones."""

    view_name = "library"
    title = "Library"
    subtitle = "Your tracks, analysed for tempo, key, loudness and structure."
    glyph = "library"

    def empty_state(self) -> EmptyState:
        """No tracks yet: import a folder."""
        return EmptyState(
            headline="Your library is empty",
            body=(
                "Import a folder of audio to analyse tempo, key, loudness and sections. "
                "Files stay where they are; museaud keeps what it learns about them."
            ),
            features=(
                "Tempo in BPM, musical key with its Camelot code, and loudness in LUFS "
                "for every track",
                "Sections (intro, verse, chorus, break) found from the audio",
                "Search by title, artist or lyrics, and find tracks that sound alike",
                "Your manual corrections are kept when tracks are analysed again",
            ),
            how_to_start="Import a folder from a terminal, or with File ▸ Import Folder…",
            command="museaud import PATH",
            action_name="import_folder",
        )
