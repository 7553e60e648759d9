"""The pages of the main window, one module per domain, in sidebar order."""

from __future__ import annotations

from museaud.ui.views.account import AccountView
from museaud.ui.views.analytics import AnalyticsView
from museaud.ui.views.base import EmptyState, EmptyStateView, View
from museaud.ui.views.beat_machine import BeatMachineView
from museaud.ui.views.library import LibraryView
from museaud.ui.views.playlists import PlaylistsView
from museaud.ui.views.songs import SongsView

VIEW_CLASSES: tuple[type[View], ...] = (
    LibraryView,
    PlaylistsView,
    BeatMachineView,
    SongsView,
    AnalyticsView,
    AccountView,
)

__all__ = [
    "VIEW_CLASSES",
    "AccountView",
    "AnalyticsView",
    "BeatMachineView",
    "EmptyState",
    "EmptyStateView",
    "LibraryView",
    "PlaylistsView",
    "SongsView",
    "View",
]
