"""Playlists: manual and smart, folders and the trash, templates, listening history, M3U/PLS.

No Qt here: the CLI and the GUI call the same functions, each taking a Session (or the App).
"""
