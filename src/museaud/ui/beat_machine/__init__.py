"""The beat machine's widgets: step grid, instrument strip, pattern controls, generate panel and
pattern browser, put together by museaud.ui.views.beat_machine.

Edits are pure functions on immutable patterns (editing.py); the widgets only show a pattern and
say what the musician asked for; the view holds the pattern being edited and talks to the store.
"""
