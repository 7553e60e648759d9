"""Account and sync: the local profile, and an optional cloud account to sync between machines."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from museaud.app import App
from museaud.ui.views.base import EmptyState, EmptyStateView


class AccountView(EmptyStateView):
    """The local profile and sync status; for now, what sync will do."""

    view_name = "account"
    title = "Account & Sync"
    subtitle = "Local-first: everything works offline; sync is optional."
    glyph = "account"

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        self._store_path = app.store.path
        super().__init__(app, parent)

    def empty_state(self) -> EmptyState:
        """Working offline: where the data is, and what signing in will add."""
        return EmptyState(
            headline="You're working offline",
            body=(
                "museaud keeps everything on this computer. Signing in to a cloud account will "
                "sync your library, playlists, patterns and songs between your machines."
            ),
            features=(
                "Two-way sync that picks up where it stopped after a lost connection",
                "Your rows are visible only to you on the server",
                "API keys for your own scripts and tools",
            ),
            how_to_start="Cloud sign-in arrives with the sync feature. Your data lives in:",
            path=self._store_path,
        )
