"""The "Add to Playlist" menu, offered by the library's and the playlists' tables alike."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QMenu, QWidget

from museaud.playlists.service import PlaylistSummary


def add_to_playlist_menu(
    parent: QWidget,
    playlists: Iterable[PlaylistSummary],
    add: Callable[[uuid.UUID], object],
    new: Callable[[], object] | None = None,
) -> QMenu:
    """An 'Add to Playlist ▸' menu: one entry per hand-made playlist (and New Playlist…)."""
    menu = QMenu("Add to Playlist", parent)
    menu.setObjectName("addToPlaylistMenu")
    if new is not None:
        menu.addAction("New Playlist…", new)
        menu.addSeparator()
    for playlist in playlists:
        if playlist.kind != "smart":
            action = menu.addAction(playlist.name)
            action.setData(str(playlist.id))
            action.triggered.connect(lambda _checked=False, pid=playlist.id: add(pid))
    if menu.isEmpty():
        menu.addAction("No playlists yet").setEnabled(False)
    return menu
