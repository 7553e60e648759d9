"""The parts of the Playlists view: sidebar, entries model, transitions, set curve, dialogs."""
