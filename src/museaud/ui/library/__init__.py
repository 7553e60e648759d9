"""The library view's parts: the lazy track model, the query box, the filter panel, the detail
pane with its waveform, and the similar-tracks panel (assembled in museaud.ui.views.library)."""
